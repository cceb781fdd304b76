/*-------------------------------------------------------------------------
 *
 * jwt.h
 *	  Verification of JSON Web Tokens (used by rbac.set_actor_token) and
 *	  the settings that configure it (rbac.jwt_*).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_JWT_H
#define RBAC_JWT_H

/* Longest token accepted, in bytes. */
#define RBAC_JWT_MAX_LENGTH 65536

/*
 * Define the rbac.jwt_* settings.  Called from _PG_init(), before the
 * "rbac" prefix is reserved.
 */
extern void rbac_jwt_init(void);

/*
 * Verify a token with the configured keys (rbac.jwt_key_file and
 * rbac.jwt_secret) and claims (rbac.jwt_audience, rbac.jwt_issuer,
 * rbac.jwt_leeway) and return the actor it names: its "sub" claim, prefixed
 * with rbac.jwt_actor_type when it is a bare id (palloc'd, in the server
 * encoding).  Raises 28000 invalid_authorization_specification for every
 * malformed, forged, expired or not-yet-valid token, and when no key is
 * usable.
 */
extern char *rbac_jwt_actor(const char *token);

#endif							/* RBAC_JWT_H */
