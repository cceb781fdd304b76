/*-------------------------------------------------------------------------
 *
 * jwk.h
 *	  The keys that verify tokens: the key file of rbac.jwt_key_file and
 *	  the signature algorithms (jwk.c), with the base64url and JSON helpers
 *	  that token parsing (jwt.c) shares.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_JWK_H
#define RBAC_JWK_H

#include <sys/stat.h>

#include <openssl/evp.h>

/* Deepest JSON nesting accepted in a token part or in the key file. */
#define JWT_MAX_DEPTH 16

/* Most keys accepted in the key file. */
#define JWT_MAX_KEYS 100

/* Largest key file accepted (rbac.jwt_key_file), in bytes. */
#define RBAC_JWT_MAX_KEY_FILE (1024 * 1024)

/* The algorithms accepted; a key serves exactly one. */
typedef enum JwtAlg
{
	JWT_HS256,
	JWT_RS256,
	JWT_ES256,
	JWT_NUM_ALGS
} JwtAlg;

/* Their names in a token header ("alg") and in a JWK. */
extern const char *const rbac_jwk_alg_names[JWT_NUM_ALGS];

/* One key of the key file. */
typedef struct JwtKey
{
	JwtAlg		alg;
	const char *kid;			/* NULL when it has none */
	EVP_PKEY   *pkey;			/* RS256 and ES256 */
	const uint8 *secret;		/* HS256 */
	int			secret_len;
} JwtKey;

/*
 * The keys of the key file as last read, in a memory context of its own
 * whose reset callback frees the OpenSSL keys.  error is set (for the
 * server log) when the file cannot be used; then no key is.
 */
typedef struct JwtKeySet
{
	MemoryContext cxt;
	char	   *path;
	uint64		generation;
	int			stat_errno;		/* errno of stat(), 0 when st is valid */
	struct stat st;
	char	   *error;
	int			nkeys;
	JwtKey		keys[JWT_MAX_KEYS];
} JwtKeySet;

extern int	rbac_jwk_b64url_decode(const char *src, int len, uint8 *dst);
extern bool rbac_jwk_json_depth_ok(const char *s, int len, int limit);
extern int	rbac_jwk_alg_by_name(const char *alg);
extern JwtKeySet *rbac_jwk_key_set(const char *path, uint64 generation);
extern bool rbac_jwk_verify(const JwtKey *key, const char *data, size_t datalen,
							const uint8 *sig, int siglen);
extern bool rbac_jwk_verify_hs256(const uint8 *key, size_t keylen, const char *data,
								  size_t datalen, const uint8 *sig, int siglen);

#endif							/* RBAC_JWK_H */
