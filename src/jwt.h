/*-------------------------------------------------------------------------
 *
 * jwt.h
 *	  Verification of HS256 JSON Web Tokens (used by rbac.set_actor_token).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_JWT_H
#define RBAC_JWT_H

/* Longest token accepted, in bytes. */
#define RBAC_JWT_MAX_LENGTH 65536

/*
 * Verify an HS256 token against secret and return its "sub" claim (palloc'd,
 * in the server encoding).  Raises 28000 invalid_authorization_specification
 * for every malformed, forged, expired or not-yet-valid token.
 */
extern char *rbac_jwt_verify_subject(const char *token, const char *secret);

#endif							/* RBAC_JWT_H */
