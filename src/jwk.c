/*-------------------------------------------------------------------------
 *
 * jwk.c
 *	  The keys that verify tokens (JSON Web Keys, RFC 7517 and 7518): the
 *	  key file of rbac.jwt_key_file, read as a JWKS document or a PEM public
 *	  key, and the signatures RS256, ES256 and HS256 (jwt.c reads the
 *	  tokens themselves).
 *
 * A key serves exactly one algorithm (RSA keys RS256, EC P-256 keys ES256,
 * oct keys HS256), so an RSA or EC key is never used as an HMAC secret nor
 * the other way round.  The file is read by the backend that verifies a
 * token, on first use and again whenever its path, a reload of the
 * configuration, or the file itself (device, inode, size, modification or
 * change time: one stat() per token) changed.  When it cannot be used, the
 * reason goes to the server log only; key material is never part of a
 * message.  Signatures are checked with OpenSSL's EVP interface; HMACs with
 * PostgreSQL's pg_hmac and compared in constant time.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <fcntl.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "common/hmac.h"
#include "common/jsonapi.h"
#include "common/sha2.h"
#include "mb/pg_wchar.h"
#include "storage/fd.h"
#include "utils/memutils.h"

#include "jwk.h"

/* RSA moduli accepted, in bits (RFC 7518 section 3.3: 2048 or larger). */
#define JWT_RSA_MIN_BITS 2048
#define JWT_RSA_MAX_BITS 16384

/* Shortest oct key accepted, in bytes (RFC 7518 section 3.2). */
#define JWT_HMAC_MIN_KEY 32

const char *const rbac_jwk_alg_names[JWT_NUM_ALGS] = {"HS256", "RS256", "ES256"};

/* ------------------------------------------------------------------------
 * base64url and JSON
 * ------------------------------------------------------------------------
 */

/* Value of a base64url character, or -1 for any other byte. */
static int
b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/*
 * Decode base64url text (RFC 4648 section 5) into dst, which has room for
 * len * 3 / 4 + 1 bytes.  Padding is optional (JWTs omit it) but must be
 * correct when present; unused trailing bits must be zero, so that every
 * byte string has exactly one accepted encoding.  Returns the decoded
 * length, or -1 when src is not such text.
 */
int
rbac_jwk_b64url_decode(const char *src, int len, uint8 *dst)
{
	uint32		buf = 0;
	int			bits = 0;
	int			out = 0;
	int			pad = 0;
	int			i;

	while (len > 0 && src[len - 1] == '=')
	{
		len--;
		pad++;
	}
	if (len % 4 == 1 || pad > 2 || (pad > 0 && (len + pad) % 4 != 0))
		return -1;
	for (i = 0; i < len; i++)
	{
		int			v = b64url_value((unsigned char) src[i]);

		if (v < 0)
			return -1;
		buf = (buf << 6) | (uint32) v;
		bits += 6;
		if (bits >= 8)
		{
			bits -= 8;
			dst[out++] = (uint8) (buf >> bits);
			buf &= (((uint32) 1) << bits) - 1;
		}
	}
	if (buf != 0)
		return -1;
	return out;
}

/*
 * True when the JSON text nests objects and arrays no deeper than limit.
 * Checked before parsing so that hostile input cannot exhaust the stack of
 * the recursive-descent parser; strings are skipped.
 */
bool
rbac_jwk_json_depth_ok(const char *s, int len, int limit)
{
	int			depth = 0;
	bool		in_string = false;
	int			i;

	for (i = 0; i < len; i++)
	{
		char		c = s[i];

		if (in_string)
		{
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		}
		else if (c == '"')
			in_string = true;
		else if (c == '{' || c == '[')
		{
			if (++depth > limit)
				return false;
		}
		else if (c == '}' || c == ']')
			depth--;
	}
	return true;
}

/*
 * A JSON value of the key file, as a tree: objects keep their members in
 * order (names[i], items[i]), arrays their elements (items[i]).
 */
typedef struct JNode
{
	JsonTokenType type;			/* _OBJECT_START, _ARRAY_START or a scalar */
	char	   *str;			/* de-escaped scalar text */
	int			n;
	int			cap;
	char	  **names;
	struct JNode **items;
} JNode;

/* State of the semantic actions that build a JNode tree. */
typedef struct JTreeState
{
	JNode	   *stack[JWT_MAX_DEPTH + 1];
	int			depth;			/* may exceed the stack: then overflow */
	bool		overflow;
	JNode	   *root;
	char	   *pending;		/* name of the member whose value comes */
} JTreeState;

/* Attach a new value to the open container, or make it the root. */
static void
jtree_add(JTreeState *st, JNode *node)
{
	JNode	   *parent;

	if (st->depth == 0)
	{
		st->root = node;
		return;
	}
	if (st->depth > lengthof(st->stack))
	{
		st->overflow = true;
		return;
	}
	parent = st->stack[st->depth - 1];
	if (parent->n == parent->cap)
	{
		parent->cap = parent->cap ? parent->cap * 2 : 8;
		parent->names = parent->names ?
			repalloc(parent->names, parent->cap * sizeof(char *)) :
			palloc(parent->cap * sizeof(char *));
		parent->items = parent->items ?
			repalloc(parent->items, parent->cap * sizeof(JNode *)) :
			palloc(parent->cap * sizeof(JNode *));
	}
	parent->names[parent->n] =
		parent->type == JSON_TOKEN_OBJECT_START ? st->pending : NULL;
	parent->items[parent->n++] = node;
}

/* Open a container: attach it and make it the innermost one. */
static void
jtree_open(JTreeState *st, JsonTokenType type)
{
	JNode	   *node = palloc0(sizeof(JNode));

	node->type = type;
	jtree_add(st, node);
	if (st->depth < lengthof(st->stack))
		st->stack[st->depth] = node;
	else
		st->overflow = true;
	st->depth++;
}

static void
jtree_object_start(void *state)
{
	jtree_open((JTreeState *) state, JSON_TOKEN_OBJECT_START);
}

static void
jtree_array_start(void *state)
{
	jtree_open((JTreeState *) state, JSON_TOKEN_ARRAY_START);
}

static void
jtree_end(void *state)
{
	((JTreeState *) state)->depth--;
}

static void
jtree_field_start(void *state, char *fname, bool isnull)
{
	((JTreeState *) state)->pending = fname;
}

static void
jtree_scalar(void *state, char *token, JsonTokenType tokentype)
{
	JNode	   *node = palloc0(sizeof(JNode));

	node->type = tokentype;
	node->str = token;
	jtree_add((JTreeState *) state, node);
}

/* Parse JSON text into a tree; NULL when it is not valid JSON. */
static JNode *
jtree_parse(char *text, int len)
{
	JTreeState	st;
	JsonSemAction sem;
	JsonLexContext *lex;

	if (!rbac_jwk_json_depth_ok(text, len, JWT_MAX_DEPTH))
		return NULL;
	memset(&st, 0, sizeof(st));
	memset(&sem, 0, sizeof(sem));
	sem.semstate = &st;
	sem.object_start = jtree_object_start;
	sem.object_end = jtree_end;
	sem.array_start = jtree_array_start;
	sem.array_end = jtree_end;
	sem.object_field_start = jtree_field_start;
	sem.scalar = jtree_scalar;
	lex = makeJsonLexContextCstringLen(text, len, PG_UTF8, true);
	if (pg_parse_json(lex, &sem) != JSON_SUCCESS || st.overflow)
		return NULL;
	return st.root;
}

/* The member name of object obj, or NULL. */
static JNode *
jtree_member(JNode *obj, const char *name)
{
	int			i;

	for (i = 0; i < obj->n; i++)
	{
		if (strcmp(obj->names[i], name) == 0)
			return obj->items[i];
	}
	return NULL;
}

/* ------------------------------------------------------------------------
 * Keys
 * ------------------------------------------------------------------------
 */

static JwtKeySet *jwt_keys = NULL;

/* Reset callback of a key set's memory context: free the OpenSSL keys. */
static void
free_key_set(void *arg)
{
	JwtKeySet  *set = (JwtKeySet *) arg;
	int			i;

	for (i = 0; i < set->nkeys; i++)
	{
		if (set->keys[i].pkey)
			EVP_PKEY_free(set->keys[i].pkey);
		set->keys[i].pkey = NULL;
	}
	set->nkeys = 0;
}

/*
 * True when stat() of the file, which gave st or failed with stat_errno,
 * still describes the file that set was read from.
 */
static bool
same_file(const JwtKeySet *set, const struct stat *st, int stat_errno)
{
	if (set->stat_errno != 0 || stat_errno != 0)
		return set->stat_errno == stat_errno;
	return set->st.st_dev == st->st_dev &&
		set->st.st_ino == st->st_ino &&
		set->st.st_size == st->st_size &&
		set->st.st_mtim.tv_sec == st->st_mtim.tv_sec &&
		set->st.st_mtim.tv_nsec == st->st_mtim.tv_nsec &&
		set->st.st_ctim.tv_sec == st->st_ctim.tv_sec &&
		set->st.st_ctim.tv_nsec == st->st_ctim.tv_nsec;
}

/* Build an RSA public key from its modulus and exponent (big-endian). */
static EVP_PKEY *
rsa_public_key(const uint8 *n, int nlen, const uint8 *e, int elen)
{
	BIGNUM	   *bn_n = BN_bin2bn(n, nlen, NULL);
	BIGNUM	   *bn_e = BN_bin2bn(e, elen, NULL);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY   *pkey = NULL;

	if (bn_n && bn_e && bld &&
		OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) &&
		OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) &&
		(params = OSSL_PARAM_BLD_to_param(bld)) != NULL &&
		(ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) != NULL &&
		EVP_PKEY_fromdata_init(ctx) == 1)
	{
		if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
			pkey = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn_n);
	BN_free(bn_e);
	ERR_clear_error();
	return pkey;
}

/* Build an EC P-256 public key from its coordinates (32 bytes each). */
static EVP_PKEY *
ec_p256_public_key(const uint8 *x, const uint8 *y)
{
	uint8		point[65];
	OSSL_PARAM	params[3];
	EVP_PKEY_CTX *ctx;
	EVP_PKEY   *pkey = NULL;

	point[0] = 0x04;			/* uncompressed (SEC 1, section 2.3.3) */
	memcpy(point + 1, x, 32);
	memcpy(point + 33, y, 32);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
												 (char *) "prime256v1", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
												  point, sizeof(point));
	params[2] = OSSL_PARAM_construct_end();
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (ctx != NULL && EVP_PKEY_fromdata_init(ctx) == 1)
	{
		if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
			pkey = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return pkey;
}

/* OpenSSL's own sanity check of a public key (an EC point on its curve). */
static bool
public_key_ok(EVP_PKEY *pkey)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	bool		ok = ctx != NULL && EVP_PKEY_public_check(ctx) == 1;

	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/* True when pkey is an EC key on P-256. */
static bool
is_p256(EVP_PKEY *pkey)
{
	char		group[64];
	size_t		len = 0;
	bool		ok;

	ok = EVP_PKEY_is_a(pkey, "EC") &&
		EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
									   group, sizeof(group), &len) == 1 &&
		strcmp(group, "prime256v1") == 0;
	ERR_clear_error();
	return ok;
}

/*
 * Take a new key into set (which frees its pkey from then on); returns an
 * error when the set is full.
 */
static char *
add_key(JwtKeySet *set, JwtAlg alg, const char *kid, EVP_PKEY *pkey,
		const uint8 *secret, int secret_len)
{
	JwtKey	   *key;

	if (set->nkeys >= JWT_MAX_KEYS)
	{
		if (pkey)
			EVP_PKEY_free(pkey);
		return psprintf("it has more than %d keys", JWT_MAX_KEYS);
	}
	key = &set->keys[set->nkeys++];
	key->alg = alg;
	key->kid = kid;
	key->pkey = pkey;
	key->secret = secret;
	key->secret_len = secret_len;
	return NULL;
}

/*
 * Read one string member of a JWK: NULL when absent; *err is set when it is
 * not a string.
 */
static const char *
jwk_string(JNode *jwk, const char *name, char **err)
{
	JNode	   *v = jtree_member(jwk, name);

	if (v == NULL)
		return NULL;
	if (v->type != JSON_TOKEN_STRING)
	{
		*err = psprintf("\"%s\" is not a string", name);
		return NULL;
	}
	return v->str;
}

/*
 * Decode one base64url member of a JWK; *err is set when it is absent or
 * not base64url.
 */
static uint8 *
jwk_bytes(JNode *jwk, const char *name, int *len, char **err)
{
	const char *s = jwk_string(jwk, name, err);
	uint8	   *buf;

	if (*err)
		return NULL;
	if (s == NULL)
	{
		*err = psprintf("\"%s\" is missing", name);
		return NULL;
	}
	buf = palloc(strlen(s) * 3 / 4 + 1);
	*len = rbac_jwk_b64url_decode(s, strlen(s), buf);
	if (*len <= 0)
	{
		*err = psprintf("\"%s\" is not non-empty base64url", name);
		return NULL;
	}
	return buf;
}

/* The algorithm named alg, or -1. */
int
rbac_jwk_alg_by_name(const char *alg)
{
	int			i;

	for (i = 0; i < JWT_NUM_ALGS; i++)
	{
		if (strcmp(alg, rbac_jwk_alg_names[i]) == 0)
			return i;
	}
	return -1;
}

/*
 * Read one JWK into set.  Returns an error (the whole file is then refused)
 * for a key that is malformed, private, too weak, or whose kty, crv and alg
 * disagree; sets *skip (and adds nothing) for a well-formed key that
 * pg_rbac does not use: "use" other than "sig", "key_ops" without
 * "verify", another key type, curve or algorithm (providers publish
 * encryption keys next to signing keys).
 */
static char *
read_jwk(JwtKeySet *set, JNode *jwk, char **skip)
{
	char	   *err = NULL;
	const char *kty;
	const char *kid;
	const char *alg;
	const char *use;
	const char *crv;
	JNode	   *ops;
	int			want;
	int			i,
				j;

	if (jwk->type != JSON_TOKEN_OBJECT_START)
		return pstrdup("it is not a JSON object");
	for (i = 0; i < jwk->n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(jwk->names[i], jwk->names[j]) == 0)
				return psprintf("it has more than one \"%s\" member",
								jwk->names[i]);

	kty = jwk_string(jwk, "kty", &err);
	kid = jwk_string(jwk, "kid", &err);
	alg = jwk_string(jwk, "alg", &err);
	use = jwk_string(jwk, "use", &err);
	crv = jwk_string(jwk, "crv", &err);
	if (err)
		return err;
	if (kty == NULL)
		return pstrdup("\"kty\" is missing");
	if (jtree_member(jwk, "d") || jtree_member(jwk, "p") ||
		jtree_member(jwk, "q"))
		return pstrdup("it holds private key material; the key file must hold public keys only");

	if (use != NULL && strcmp(use, "sig") != 0)
	{
		*skip = psprintf("its \"use\" is \"%s\", not \"sig\"", use);
		return NULL;
	}
	ops = jtree_member(jwk, "key_ops");
	if (ops != NULL)
	{
		bool		verify = false;

		if (ops->type != JSON_TOKEN_ARRAY_START)
			return pstrdup("\"key_ops\" is not an array");
		for (i = 0; i < ops->n; i++)
		{
			if (ops->items[i]->type != JSON_TOKEN_STRING)
				return pstrdup("\"key_ops\" has an element that is not a string");
			if (strcmp(ops->items[i]->str, "verify") == 0)
				verify = true;
		}
		if (!verify)
		{
			*skip = pstrdup("its \"key_ops\" do not include \"verify\"");
			return NULL;
		}
	}

	/* the algorithm the key type implies; "alg" may only confirm it */
	if (strcmp(kty, "RSA") == 0)
		want = JWT_RS256;
	else if (strcmp(kty, "EC") == 0)
		want = JWT_ES256;
	else if (strcmp(kty, "oct") == 0)
		want = JWT_HS256;
	else
	{
		*skip = psprintf("its key type \"%s\" is not supported", kty);
		return NULL;
	}
	if (alg != NULL && strcmp(alg, rbac_jwk_alg_names[want]) != 0)
	{
		if (rbac_jwk_alg_by_name(alg) >= 0)
			return psprintf("its \"kty\" \"%s\" and \"alg\" \"%s\" disagree",
							kty, alg);
		*skip = psprintf("its algorithm \"%s\" is not supported", alg);
		return NULL;
	}
	if (want == JWT_ES256)
	{
		if (crv == NULL)
			return pstrdup("\"crv\" is missing");
		if (strcmp(crv, "P-256") != 0)
		{
			if (alg != NULL)
				return psprintf("its \"crv\" \"%s\" and \"alg\" \"%s\" disagree",
								crv, alg);
			*skip = psprintf("its curve \"%s\" is not supported", crv);
			return NULL;
		}
	}
	else if (crv != NULL)
		return psprintf("it has a \"crv\" but its \"kty\" is \"%s\"", kty);

	if (want == JWT_RS256)
	{
		int			nlen,
					elen;
		uint8	   *n = jwk_bytes(jwk, "n", &nlen, &err);
		uint8	   *e = err ? NULL : jwk_bytes(jwk, "e", &elen, &err);
		EVP_PKEY   *pkey;
		int			bits;

		if (err)
			return err;
		pkey = rsa_public_key(n, nlen, e, elen);
		if (pkey == NULL)
			return pstrdup("\"n\" and \"e\" are not an RSA public key");
		bits = EVP_PKEY_get_bits(pkey);
		if (bits < JWT_RSA_MIN_BITS || bits > JWT_RSA_MAX_BITS ||
			!public_key_ok(pkey))
		{
			EVP_PKEY_free(pkey);
			return psprintf("it is not an RSA public key of %d to %d bits",
							JWT_RSA_MIN_BITS, JWT_RSA_MAX_BITS);
		}
		return add_key(set, JWT_RS256, kid, pkey, NULL, 0);
	}
	if (want == JWT_ES256)
	{
		int			xlen,
					ylen;
		uint8	   *x = jwk_bytes(jwk, "x", &xlen, &err);
		uint8	   *y = err ? NULL : jwk_bytes(jwk, "y", &ylen, &err);
		EVP_PKEY   *pkey;

		if (err)
			return err;
		if (xlen != 32 || ylen != 32)
			return pstrdup("\"x\" and \"y\" are not 32 bytes each");
		pkey = ec_p256_public_key(x, y);
		if (pkey == NULL || !public_key_ok(pkey))
		{
			if (pkey)
				EVP_PKEY_free(pkey);
			return pstrdup("\"x\" and \"y\" are not a point of curve P-256");
		}
		return add_key(set, JWT_ES256, kid, pkey, NULL, 0);
	}
	/* oct */
	{
		int			klen;
		uint8	   *k = jwk_bytes(jwk, "k", &klen, &err);

		if (err)
			return err;
		if (klen < JWT_HMAC_MIN_KEY)
			return psprintf("its \"k\" is shorter than %d bytes", JWT_HMAC_MIN_KEY);
		return add_key(set, JWT_HS256, kid, NULL, k, klen);
	}
}

/* Read a JWKS document (or a single JWK) into set. */
static char *
read_jwks(JwtKeySet *set, char *text, int len)
{
	JNode	   *root;
	JNode	   *keys;
	int			i,
				j;

	if (!pg_verify_mbstr(PG_UTF8, text, len, true))
		return pstrdup("it is not valid UTF-8");
	root = jtree_parse(text, len);
	if (root == NULL)
		return psprintf("it is not valid JSON (or nests deeper than %d levels)",
						JWT_MAX_DEPTH);
	if (root->type != JSON_TOKEN_OBJECT_START)
		return pstrdup("it is not a JSON object");
	for (i = 0; i < root->n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(root->names[i], root->names[j]) == 0)
				return psprintf("it has more than one \"%s\" member",
								root->names[i]);

	keys = jtree_member(root, "keys");
	if (keys == NULL && jtree_member(root, "kty") != NULL)
	{
		/* a single JWK */
		keys = palloc0(sizeof(JNode));
		keys->type = JSON_TOKEN_ARRAY_START;
		keys->n = 1;
		keys->items = palloc(sizeof(JNode *));
		keys->items[0] = root;
	}
	if (keys == NULL || keys->type != JSON_TOKEN_ARRAY_START)
		return pstrdup("it has no \"keys\" array (a JWKS document is {\"keys\": [...]})");

	for (i = 0; i < keys->n; i++)
	{
		char	   *skip = NULL;
		char	   *err = read_jwk(set, keys->items[i], &skip);
		JNode	   *kidnode = keys->items[i]->type == JSON_TOKEN_OBJECT_START ?
		jtree_member(keys->items[i], "kid") : NULL;
		const char *kid = kidnode && kidnode->type == JSON_TOKEN_STRING ?
		kidnode->str : NULL;

		if (err)
			return kid ? psprintf("key %d (kid \"%s\"): %s", i + 1, kid, err) :
				psprintf("key %d: %s", i + 1, err);
		if (skip)
			ereport(LOG,
					(errmsg("rbac.jwt_key_file: key %d%s%s%s of \"%s\" is not used: %s",
							i + 1, kid ? " (kid \"" : "", kid ? kid : "",
							kid ? "\")" : "", set->path, skip)));
	}

	/* a kid names one key */
	for (i = 0; i < set->nkeys; i++)
		for (j = 0; j < i; j++)
			if (set->keys[i].kid && set->keys[j].kid &&
				strcmp(set->keys[i].kid, set->keys[j].kid) == 0)
				return psprintf("two keys have kid \"%s\"", set->keys[i].kid);
	return NULL;
}

/* Read a single PEM public key (SubjectPublicKeyInfo) into set. */
static char *
read_pem(JwtKeySet *set, char *text, int len)
{
	BIO		   *bio;
	EVP_PKEY   *pkey;
	const char *p;
	int			blocks = 0;

	if (strstr(text, "PRIVATE KEY-----") != NULL)
		return pstrdup("it holds a private key; the key file must hold a public key only");
	for (p = text; (p = strstr(p, "-----BEGIN ")) != NULL; p++)
		blocks++;
	if (blocks != 1)
		return pstrdup("it holds more than one PEM block; give a JWKS document for several keys");
	bio = BIO_new_mem_buf(text, len);
	if (bio == NULL)
		return pstrdup("out of memory");
	pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	ERR_clear_error();
	if (pkey == NULL)
		return pstrdup("it is not a PEM public key (\"-----BEGIN PUBLIC KEY-----\")");
	if (!public_key_ok(pkey))
	{
		EVP_PKEY_free(pkey);
		return pstrdup("its public key does not pass OpenSSL's checks");
	}
	if (EVP_PKEY_is_a(pkey, "RSA"))
	{
		int			bits = EVP_PKEY_get_bits(pkey);

		if (bits < JWT_RSA_MIN_BITS || bits > JWT_RSA_MAX_BITS)
		{
			EVP_PKEY_free(pkey);
			return psprintf("it is not an RSA public key of %d to %d bits",
							JWT_RSA_MIN_BITS, JWT_RSA_MAX_BITS);
		}
		return add_key(set, JWT_RS256, NULL, pkey, NULL, 0);
	}
	if (is_p256(pkey))
		return add_key(set, JWT_ES256, NULL, pkey, NULL, 0);
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return pstrdup("it is neither an RSA key nor an EC key on curve P-256");
}

/* Read the key file into set; returns why it cannot be used, or NULL. */
static char *
read_key_file(JwtKeySet *set)
{
	int			fd;
	char	   *text;
	char	   *p;
	ssize_t		got;
	size_t		done = 0;
	char	   *err;
	int			i;
	bool		secret_keys = false;
	struct stat st;

	fd = OpenTransientFile(set->path, O_RDONLY | PG_BINARY);
	if (fd < 0)
		return psprintf("could not open it: %m");
	if (fstat(fd, &st) < 0)
	{
		err = psprintf("could not stat it: %m");
		CloseTransientFile(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode))
	{
		CloseTransientFile(fd);
		return pstrdup("it is not a regular file");
	}
	if (st.st_size > RBAC_JWT_MAX_KEY_FILE)
	{
		CloseTransientFile(fd);
		return psprintf("it is larger than %d bytes", RBAC_JWT_MAX_KEY_FILE);
	}
	text = palloc(st.st_size + 1);
	while (done < (size_t) st.st_size)
	{
		got = read(fd, text + done, st.st_size - done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
		{
			err = psprintf("could not read it: %m");
			CloseTransientFile(fd);
			return err;
		}
		if (got == 0)
			break;
		done += got;
	}
	CloseTransientFile(fd);
	text[done] = '\0';
	if (memchr(text, '\0', done) != NULL)
		return pstrdup("it contains a NUL byte");

	for (p = text; *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'; p++)
		;
	if (*p == '{')
		err = read_jwks(set, text, done);
	else if (strncmp(p, "-----BEGIN ", 11) == 0)
		err = read_pem(set, text, done);
	else
		err = pstrdup("it is neither a JWKS document (JSON) nor a PEM public key");
	explicit_bzero(text, done);
	pfree(text);
	if (err)
		return err;
	if (set->nkeys == 0)
		return pstrdup("it has no key for RS256, ES256 or HS256");

	for (i = 0; i < set->nkeys; i++)
		if (set->keys[i].alg == JWT_HS256)
			secret_keys = true;
	if (secret_keys && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		ereport(LOG,
				(errmsg("rbac.jwt_key_file \"%s\" holds HS256 secrets and is readable by other operating system users",
						set->path),
				 errhint("Make the file readable only by the server's operating system user (mode 0600).")));
	return NULL;
}

/*
 * The keys of the key file path (rbac.jwt_key_file): NULL when it is not
 * set.  Re-reads the file when its path, the configuration (generation
 * counts the reloads that assigned the setting) or the file changed.
 * Raises 28000 when it cannot be used; the reason goes to the server log
 * only, once per change (a caller may catch the error, which then is not
 * logged).
 */
JwtKeySet *
rbac_jwk_key_set(const char *path, uint64 generation)
{
	struct stat st;
	int			stat_errno;
	MemoryContext cxt;
	MemoryContext old;
	MemoryContextCallback *cb;
	JwtKeySet  *set;

	if (path == NULL || path[0] == '\0')
	{
		if (jwt_keys != NULL)
		{
			MemoryContextDelete(jwt_keys->cxt);
			jwt_keys = NULL;
		}
		return NULL;
	}

	memset(&st, 0, sizeof(st));
	stat_errno = stat(path, &st) == 0 ? 0 : errno;
	if (stat_errno == 0 && !S_ISREG(st.st_mode))
		stat_errno = EISDIR;	/* anything but a regular file is refused */
	if (jwt_keys == NULL ||
		strcmp(jwt_keys->path, path) != 0 ||
		jwt_keys->generation != generation ||
		!same_file(jwt_keys, &st, stat_errno))
	{
		cxt = AllocSetContextCreate(TopMemoryContext, "pg_rbac key file",
									ALLOCSET_SMALL_SIZES);
		set = MemoryContextAllocZero(cxt, sizeof(JwtKeySet));
		set->cxt = cxt;
		cb = MemoryContextAlloc(cxt, sizeof(MemoryContextCallback));
		cb->func = free_key_set;
		cb->arg = set;
		MemoryContextRegisterResetCallback(cxt, cb);

		old = MemoryContextSwitchTo(cxt);
		PG_TRY();
		{
			set->path = pstrdup(path);
			set->generation = generation;
			set->stat_errno = stat_errno;
			set->st = st;
			set->error = read_key_file(set);
			if (set->error)
			{
				free_key_set(set);
				ereport(LOG,
						(errmsg("rbac.jwt_key_file \"%s\" cannot be used: %s",
								set->path, set->error),
						 errdetail("Every token is refused until the file is usable.")));
			}
		}
		PG_CATCH();
		{
			MemoryContextSwitchTo(old);
			MemoryContextDelete(cxt);
			PG_RE_THROW();
		}
		PG_END_TRY();
		MemoryContextSwitchTo(old);

		if (jwt_keys != NULL)
			MemoryContextDelete(jwt_keys->cxt);
		jwt_keys = set;
	}

	if (jwt_keys->error)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("tokens cannot be verified because the key file cannot be used"),
				 errdetail("The server log says why."),
				 errdetail_log("rbac.jwt_key_file \"%s\" cannot be used: %s.",
							   jwt_keys->path, jwt_keys->error)));
	return jwt_keys;
}

/* ------------------------------------------------------------------------
 * Signatures
 * ------------------------------------------------------------------------
 */

/*
 * Compare two MACs in time that depends only on their length, never on
 * where they differ: a timing oracle must not reveal the expected MAC byte
 * by byte.
 */
static bool
mac_equal(const uint8 *a, const uint8 *b, size_t len)
{
	volatile uint8 diff = 0;
	size_t		i;

	for (i = 0; i < len; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

/* HMAC-SHA256 of data under key into mac (PG_SHA256_DIGEST_LENGTH bytes). */
static void
hmac_sha256(const uint8 *key, size_t keylen, const char *data, size_t datalen,
			uint8 *mac)
{
	pg_hmac_ctx *ctx = pg_hmac_create(PG_SHA256);

	if (ctx == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	if (pg_hmac_init(ctx, key, keylen) < 0 ||
		pg_hmac_update(ctx, (const uint8 *) data, datalen) < 0 ||
		pg_hmac_final(ctx, mac, PG_SHA256_DIGEST_LENGTH) < 0)
	{
		char	   *msg = pstrdup(pg_hmac_error(ctx));

		pg_hmac_free(ctx);
		elog(ERROR, "could not compute HMAC-SHA256: %s", msg);
	}
	pg_hmac_free(ctx);
}

/* True when sig is the HS256 MAC of data under key. */
bool
rbac_jwk_verify_hs256(const uint8 *key, size_t keylen, const char *data,
			 size_t datalen, const uint8 *sig, int siglen)
{
	uint8		mac[PG_SHA256_DIGEST_LENGTH];
	bool		ok;

	if (siglen != PG_SHA256_DIGEST_LENGTH)
		return false;
	hmac_sha256(key, keylen, data, datalen, mac);
	ok = mac_equal(mac, sig, PG_SHA256_DIGEST_LENGTH);
	explicit_bzero(mac, sizeof(mac));
	return ok;
}

/* True when der is a valid SHA-256 signature of data under pkey. */
static bool
evp_verify(EVP_PKEY *pkey, const char *data, size_t datalen,
		   const uint8 *der, size_t derlen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int			rc = 0;

	if (md != NULL &&
		EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey) == 1)
		rc = EVP_DigestVerify(md, der, derlen, (const uint8 *) data, datalen);
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return rc == 1;
}

/*
 * True when sig is a valid ES256 signature: JWS gives R and S as 32 bytes
 * each (RFC 7518 section 3.4); OpenSSL wants a DER ECDSA-Sig-Value.
 */
static bool
verify_es256(EVP_PKEY *pkey, const char *data, size_t datalen,
			 const uint8 *sig, int siglen)
{
	ECDSA_SIG  *es;
	BIGNUM	   *r;
	BIGNUM	   *s;
	unsigned char *der = NULL;
	int			derlen;
	bool		ok = false;

	if (siglen != 64)
		return false;
	es = ECDSA_SIG_new();
	r = BN_bin2bn(sig, 32, NULL);
	s = BN_bin2bn(sig + 32, 32, NULL);
	if (es == NULL || r == NULL || s == NULL || ECDSA_SIG_set0(es, r, s) != 1)
	{
		BN_free(r);
		BN_free(s);
	}
	else if ((derlen = i2d_ECDSA_SIG(es, &der)) > 0)
	{
		ok = evp_verify(pkey, data, datalen, der, derlen);
		OPENSSL_free(der);
	}
	ECDSA_SIG_free(es);
	ERR_clear_error();
	return ok;
}

/* True when sig is a valid signature of data under key. */
bool
rbac_jwk_verify(const JwtKey *key, const char *data, size_t datalen,
				const uint8 *sig, int siglen)
{
	switch (key->alg)
	{
		case JWT_HS256:
			return rbac_jwk_verify_hs256(key->secret, key->secret_len, data, datalen,
								sig, siglen);
		case JWT_RS256:
			/* PKCS #1 v1.5: the signature is exactly as long as the modulus */
			if (siglen != EVP_PKEY_get_size(key->pkey))
				return false;
			return evp_verify(key->pkey, data, datalen, sig, siglen);
		case JWT_ES256:
			return verify_es256(key->pkey, data, datalen, sig, siglen);
		default:
			return false;
	}
}
