/*-------------------------------------------------------------------------
 *
 * jwt.c
 *	  Verification of JSON Web Tokens (RFC 7519, JWS compact serialization)
 *	  for rbac.set_actor_token, and the settings that configure it
 *	  (SPEC sections 3.2, 6.1 "Secrets" and 6.2).
 *
 * Keys.  A token is verified with the keys of rbac.jwt_key_file, a JWKS
 * document ({"keys": [...]}, kty RSA, EC P-256 or oct) or a single PEM
 * public key, and with rbac.jwt_secret, an HS256 key without a key id.
 * Algorithms RS256, ES256 and HS256 only; a key serves exactly one of them
 * (RSA keys RS256, EC P-256 keys ES256, oct keys and the secret HS256), so
 * an RSA or EC key is never used as an HMAC secret nor the other way round.
 * A token whose "kid" names a key of the file is verified with that key
 * alone; a token with another "kid" or none is verified with each key of
 * its algorithm that the kid does not rule out (keys without a kid, and all
 * keys when the token has no kid).  Signatures are checked with OpenSSL's
 * EVP interface; HMACs with PostgreSQL's pg_hmac and compared in constant
 * time.
 *
 * The key file is read by the backend that verifies a token, on first use
 * and again whenever its path, a reload of the configuration, or the file
 * itself (device, inode, size, modification or change time: one stat() per
 * token) changed, so replacing the file takes effect without a reload.
 * When it cannot be used, every token fails with 28000 and the reason goes
 * to the server log only; key material is never part of a message.
 *
 * The secret.  PostgreSQL's configuration reload logs 'parameter "x"
 * changed to "value"' whenever a setting's value changes, and shows values
 * in SHOW and pg_settings.  So rbac.jwt_secret's check hook moves the value
 * into the hook's private "extra" and leaves NULL as the setting's visible
 * value, for every value: the visible value never changes, a reload never
 * logs it, and the show hook says only whether a secret is set.  Where the
 * secret came from is remembered with it: from a role or database setting
 * (which every role can read in pg_db_role_setting) it is never used, and
 * storing it there is refused; from postgresql.conf without pg_rbac in
 * shared_preload_libraries it is used but logged as exposed, because every
 * new session can read it as a placeholder until the library loads and the
 * postmaster logs its changes (see docs/operations.md, "Tokens").
 *
 * Parsing is strict and never guesses: alg "none" or any other algorithm, a
 * "crit" header, duplicate claims, padding or characters outside base64url,
 * trailing bits, deep nesting and invalid UTF-8 are all rejected.  Claims
 * are read only once the signature is verified: "exp" is required and must
 * be in the future; "nbf" and "iat" must not be later than now plus
 * rbac.jwt_leeway seconds; "iss" and "aud" must match rbac.jwt_issuer and
 * rbac.jwt_audience when those are set; "sub" names the actor.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "common/hmac.h"
#include "common/jsonapi.h"
#include "common/sha2.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "storage/fd.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "jwt.h"

/* Deepest JSON nesting accepted in a token part or in the key file. */
#define JWT_MAX_DEPTH 16

/* Most keys accepted in the key file. */
#define JWT_MAX_KEYS 100

/* RSA moduli accepted, in bits (RFC 7518 section 3.3: 2048 or larger). */
#define JWT_RSA_MIN_BITS 2048
#define JWT_RSA_MAX_BITS 16384

/* Shortest oct key accepted, in bytes (RFC 7518 section 3.2). */
#define JWT_HMAC_MIN_KEY 32

/* Every rejection is 28000, with a fixed message and a specific detail. */
#define JWT_REJECT(msg, ...) \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION), \
			 errmsg(msg), \
			 errdetail(__VA_ARGS__)))

/* The algorithms accepted; a key serves exactly one. */
typedef enum JwtAlg
{
	JWT_HS256,
	JWT_RS256,
	JWT_ES256,
	JWT_NUM_ALGS
} JwtAlg;

static const char *const jwt_alg_names[JWT_NUM_ALGS] = {"HS256", "RS256", "ES256"};

/* ------------------------------------------------------------------------
 * Settings
 * ------------------------------------------------------------------------
 */

/* Where the value of rbac.jwt_secret came from, and so who could read it. */
typedef enum JwtSecretOrigin
{
	SECRET_PRIVATE,				/* read by superusers only */
	SECRET_READABLE,			/* configuration file, library not preloaded */
	SECRET_CATALOG				/* role or database setting: never used */
} JwtSecretOrigin;

/* The check hook's "extra" of rbac.jwt_secret: the secret itself. */
typedef struct JwtSecret
{
	JwtSecretOrigin origin;
	size_t		len;
	char		key[FLEXIBLE_ARRAY_MEMBER];
} JwtSecret;

/* rbac.jwt_secret: always NULL; the value lives in jwt_secret below */
static char *jwt_secret_visible = NULL;

/* the current secret (set by the assign hook from the check hook's extra) */
static const JwtSecret *jwt_secret = NULL;

/* Was the library loaded by shared_preload_libraries? */
static bool jwt_shared_preloaded = false;

/* Has this backend logged that its secret was readable? */
static bool jwt_exposed_logged = false;

/* rbac.jwt_key_file, and a count of its assignments (one per reload) */
static char *jwt_key_file = NULL;
static uint64 jwt_key_file_generation = 0;

/* rbac.jwt_audience, rbac.jwt_issuer: empty means not checked */
static char *jwt_audience = NULL;
static char *jwt_issuer = NULL;

/* rbac.jwt_leeway: seconds of clock skew allowed for "nbf" and "iat" */
static int	jwt_leeway = 30;

/* rbac.jwt_actor_type: type prefixed to a bare "sub" claim */
static char *jwt_actor_type = NULL;

/* rbac.jwt_actor_type_only: refuse a "sub" naming another type */
static bool jwt_actor_type_only = false;

/* Who can read a secret set from this source (see the file header). */
static JwtSecretOrigin
secret_origin(GucSource source)
{
	switch (source)
	{
		case PGC_S_GLOBAL:
		case PGC_S_DATABASE:
		case PGC_S_USER:
		case PGC_S_DATABASE_USER:
			return SECRET_CATALOG;
		case PGC_S_ENV_VAR:
		case PGC_S_FILE:
		case PGC_S_ARGV:
			return jwt_shared_preloaded ? SECRET_PRIVATE : SECRET_READABLE;
		default:
			return SECRET_PRIVATE;
	}
}

/*
 * Check hook of rbac.jwt_secret: keep the value in *extra and replace it by
 * NULL, first of all and whatever happens next, so that no message of the
 * GUC machinery (reload logging, "invalid value" errors) can contain it.
 * Refuses to store the secret in a role, database or function setting
 * (PGC_S_TEST: ALTER ROLE/DATABASE ... SET, CREATE FUNCTION ... SET), which
 * every role can read in the catalogs.
 */
static bool
check_jwt_secret(char **newval, void **extra, GucSource source)
{
	size_t		len = *newval ? strlen(*newval) : 0;
	JwtSecret  *s = malloc(offsetof(JwtSecret, key) + len + 1);

	if (s != NULL)
	{
		s->origin = secret_origin(source);
		s->len = len;
		if (len > 0)
			memcpy(s->key, *newval, len);
		s->key[len] = '\0';
	}
	if (*newval != NULL)
	{
		explicit_bzero(*newval, len);
		free(*newval);
		*newval = NULL;
	}
	if (s == NULL)
	{
		GUC_check_errcode(ERRCODE_OUT_OF_MEMORY);
		GUC_check_errmsg("out of memory");
		return false;
	}
	if (source == PGC_S_TEST && len > 0)
	{
		explicit_bzero(s->key, len);
		free(s);
		GUC_check_errmsg("rbac.jwt_secret cannot be stored in a role, database or function setting");
		GUC_check_errdetail("Every role can read such settings in the system catalogs.");
		GUC_check_errhint("Set it in postgresql.conf with pg_rbac in shared_preload_libraries, or use rbac.jwt_key_file.");
		return false;
	}
	*extra = s;
	return true;
}

/* Assign hook of rbac.jwt_secret: the secret is the hook's extra. */
static void
assign_jwt_secret(const char *newval, void *extra)
{
	jwt_secret = (const JwtSecret *) extra;
}

/* Show hook of rbac.jwt_secret: whether a secret is set, never the secret. */
static const char *
show_jwt_secret(void)
{
	if (jwt_secret == NULL || jwt_secret->len == 0)
		return "";
	if (jwt_secret->origin == SECRET_CATALOG)
		return "(set in a role or database setting: not used)";
	return "(set)";
}

/* Assign hook of rbac.jwt_key_file: a reload makes the file be re-read. */
static void
assign_jwt_key_file(const char *newval, void *extra)
{
	jwt_key_file_generation++;
}

/* Check hook of rbac.jwt_actor_type: a non-empty type name without ':'. */
static bool
check_actor_type_setting(char **newval, void **extra, GucSource source)
{
	if (*newval == NULL || (*newval)[0] == '\0' || strchr(*newval, ':') != NULL)
	{
		GUC_check_errdetail("The actor type must be a non-empty type name without \":\".");
		return false;
	}
	return true;
}

/*
 * Define the token settings.  rbac.jwt_key_file is PGC_SIGHUP (the
 * configuration file only: it names a file the server reads); the others
 * are PGC_SUSET, as each one decides who someone is.
 */
void
rbac_jwt_init(void)
{
	/* before rbac.jwt_secret is defined: its check hook looks at this */
	jwt_shared_preloaded = process_shared_preload_libraries_in_progress;

	DefineCustomStringVariable("rbac.jwt_secret",
							   "HS256 key that rbac.set_actor_token verifies tokens with.",
							   "Never shown nor logged.  Set it in postgresql.conf with pg_rbac in shared_preload_libraries.",
							   &jwt_secret_visible,
							   NULL,
							   PGC_SUSET,
							   GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL |
							   GUC_NOT_IN_SAMPLE,
							   check_jwt_secret, assign_jwt_secret,
							   show_jwt_secret);

	DefineCustomStringVariable("rbac.jwt_key_file",
							   "File with the keys that rbac.set_actor_token verifies tokens with: a JWKS document or a PEM public key.",
							   "Read by the server; its content is never shown.",
							   &jwt_key_file,
							   NULL,
							   PGC_SIGHUP,
							   GUC_SUPERUSER_ONLY | GUC_NOT_IN_SAMPLE,
							   NULL, assign_jwt_key_file, NULL);

	DefineCustomStringVariable("rbac.jwt_audience",
							   "When set, a token's \"aud\" claim must name this audience.",
							   NULL,
							   &jwt_audience,
							   NULL,
							   PGC_SUSET,
							   0,
							   NULL, NULL, NULL);

	DefineCustomStringVariable("rbac.jwt_issuer",
							   "When set, a token's \"iss\" claim must be this issuer.",
							   NULL,
							   &jwt_issuer,
							   NULL,
							   PGC_SUSET,
							   0,
							   NULL, NULL, NULL);

	DefineCustomIntVariable("rbac.jwt_leeway",
							"Clock skew allowed for a token's \"nbf\" and \"iat\" claims.",
							NULL,
							&jwt_leeway,
							30, 0, 3600,
							PGC_SUSET,
							GUC_UNIT_S,
							NULL, NULL, NULL);

	DefineCustomStringVariable("rbac.jwt_actor_type",
							   "Actor type of a token whose \"sub\" claim is a bare id.",
							   NULL,
							   &jwt_actor_type,
							   "User",
							   PGC_SUSET,
							   0,
							   check_actor_type_setting, NULL, NULL);

	DefineCustomBoolVariable("rbac.jwt_actor_type_only",
							 "Refuse tokens whose \"sub\" claim names an actor of another type than rbac.jwt_actor_type.",
							 NULL,
							 &jwt_actor_type_only,
							 false,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);
}

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
static int
b64url_decode(const char *src, int len, uint8 *dst)
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
 * Decode one part of the token into a NUL-terminated buffer; *len receives
 * the decoded length.  what names the part for the error detail.
 */
static uint8 *
decode_part(const char *src, int srclen, int *len, const char *what)
{
	uint8	   *buf = palloc(srclen * 3 / 4 + 2);
	int			n = b64url_decode(src, srclen, buf);

	if (n < 0)
		JWT_REJECT("invalid token",
				   "The token %s is not valid base64url.", what);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * True when the JSON text nests objects and arrays no deeper than limit.
 * Checked before parsing so that hostile input cannot exhaust the stack of
 * the recursive-descent parser; strings are skipped.
 */
static bool
json_depth_ok(const char *s, int len, int limit)
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

/* One top-level member of a token part that we look for. */
typedef struct JwtField
{
	const char *name;
	int			count;			/* occurrences (duplicates are rejected) */
	JsonTokenType type;			/* JSON_TOKEN_STRING, _NUMBER, ...; for
								 * objects and arrays _OBJECT_START and
								 * _ARRAY_START */
	char	   *value;			/* de-escaped scalar text */
	List	   *strings;		/* an array's string elements */
	bool		other_elements; /* an array has elements of other types */
} JwtField;

/* State of the semantic actions while parsing one token part. */
typedef struct JwtParseState
{
	int			depth;
	bool		top_is_object;
	JwtField   *fields;
	int			nfields;
	JwtField   *current;		/* wanted field whose value comes next */
} JwtParseState;

/* Semantic action: an object starts. */
static void
jwt_object_start(void *state)
{
	JwtParseState *st = (JwtParseState *) state;

	if (st->depth == 0)
		st->top_is_object = true;
	else if (st->depth == 1 && st->current)
		st->current->type = JSON_TOKEN_OBJECT_START;
	else if (st->depth == 2 && st->current)
		st->current->other_elements = true;
	st->depth++;
}

/* Semantic action: an object or array ends. */
static void
jwt_struct_end(void *state)
{
	JwtParseState *st = (JwtParseState *) state;

	st->depth--;
}

/* Semantic action: an array starts. */
static void
jwt_array_start(void *state)
{
	JwtParseState *st = (JwtParseState *) state;

	if (st->depth == 1 && st->current)
		st->current->type = JSON_TOKEN_ARRAY_START;
	else if (st->depth == 2 && st->current)
		st->current->other_elements = true;
	st->depth++;
}

/* Semantic action: a member of an object starts; remember wanted ones. */
static void
jwt_field_start(void *state, char *fname, bool isnull)
{
	JwtParseState *st = (JwtParseState *) state;
	int			i;

	if (st->depth != 1)
		return;
	st->current = NULL;
	for (i = 0; i < st->nfields; i++)
	{
		if (strcmp(st->fields[i].name, fname) == 0)
		{
			st->current = &st->fields[i];
			st->current->count++;
			break;
		}
	}
}

/* Semantic action: a member of an object ends. */
static void
jwt_field_end(void *state, char *fname, bool isnull)
{
	JwtParseState *st = (JwtParseState *) state;

	if (st->depth == 1)
		st->current = NULL;
}

/*
 * Semantic action: a scalar value; kept when it is a wanted field or an
 * element of a wanted field's array.
 */
static void
jwt_scalar(void *state, char *token, JsonTokenType tokentype)
{
	JwtParseState *st = (JwtParseState *) state;

	if (st->current == NULL)
		return;
	if (st->depth == 1)
	{
		st->current->type = tokentype;
		st->current->value = token;
	}
	else if (st->depth == 2 && st->current->type == JSON_TOKEN_ARRAY_START)
	{
		if (tokentype == JSON_TOKEN_STRING)
			st->current->strings = lappend(st->current->strings, token);
		else
			st->current->other_elements = true;
	}
}

/*
 * Parse one decoded token part, which must be a JSON object in UTF-8, and
 * fill in the wanted top-level fields.  A wanted field that occurs twice is
 * rejected (RFC 7519 section 4 allows either rejecting or taking the last;
 * rejecting cannot be confused).
 */
static void
parse_part(uint8 *json, int len, JwtField *fields, int nfields,
		   const char *what)
{
	JwtParseState st;
	JsonSemAction sem;
	JsonLexContext *lex;
	JsonParseErrorType err;
	int			i;

	if (!pg_verify_mbstr(PG_UTF8, (const char *) json, len, true))
		JWT_REJECT("invalid token",
				   "The token %s is not valid UTF-8.", what);
	if (!json_depth_ok((const char *) json, len, JWT_MAX_DEPTH))
		JWT_REJECT("invalid token",
				   "The token %s nests JSON deeper than %d levels.",
				   what, JWT_MAX_DEPTH);

	memset(&st, 0, sizeof(st));
	st.fields = fields;
	st.nfields = nfields;
	memset(&sem, 0, sizeof(sem));
	sem.semstate = &st;
	sem.object_start = jwt_object_start;
	sem.object_end = jwt_struct_end;
	sem.array_start = jwt_array_start;
	sem.array_end = jwt_struct_end;
	sem.object_field_start = jwt_field_start;
	sem.object_field_end = jwt_field_end;
	sem.scalar = jwt_scalar;

	lex = makeJsonLexContextCstringLen((char *) json, len, PG_UTF8, true);
	err = pg_parse_json(lex, &sem);
	if (err != JSON_SUCCESS)
		JWT_REJECT("invalid token",
				   "The token %s is not valid JSON.", what);
	if (!st.top_is_object)
		JWT_REJECT("invalid token",
				   "The token %s is not a JSON object.", what);
	for (i = 0; i < nfields; i++)
	{
		if (fields[i].count > 1)
			JWT_REJECT("invalid token",
					   "The token %s has more than one \"%s\" member.",
					   what, fields[i].name);
	}
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

	if (!json_depth_ok(text, len, JWT_MAX_DEPTH))
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
	*len = b64url_decode(s, strlen(s), buf);
	if (*len <= 0)
	{
		*err = psprintf("\"%s\" is not non-empty base64url", name);
		return NULL;
	}
	return buf;
}

/* The algorithm named alg, or -1. */
static int
alg_by_name(const char *alg)
{
	int			i;

	for (i = 0; i < JWT_NUM_ALGS; i++)
	{
		if (strcmp(alg, jwt_alg_names[i]) == 0)
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
	if (alg != NULL && strcmp(alg, jwt_alg_names[want]) != 0)
	{
		if (alg_by_name(alg) >= 0)
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
 * The keys of rbac.jwt_key_file: NULL when it is not set.  Re-reads the
 * file when its path, the configuration (a reload) or the file changed.
 * Raises 28000 when it cannot be used; the reason goes to the server log
 * only, once per change (a caller may catch the error, which then is not
 * logged).
 */
static JwtKeySet *
current_key_set(void)
{
	const char *path = jwt_key_file;
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
		jwt_keys->generation != jwt_key_file_generation ||
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
			set->generation = jwt_key_file_generation;
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
static bool
verify_hs256(const uint8 *key, size_t keylen, const char *data,
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
static bool
verify_with_key(const JwtKey *key, const char *data, size_t datalen,
				const uint8 *sig, int siglen)
{
	switch (key->alg)
	{
		case JWT_HS256:
			return verify_hs256(key->secret, key->secret_len, data, datalen,
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

/* ------------------------------------------------------------------------
 * Claims
 * ------------------------------------------------------------------------
 */

/* The current wall-clock time in seconds since the Unix epoch. */
static double
unix_now(void)
{
	TimestampTz now = GetCurrentTimestamp();

	return (double) now / USECS_PER_SEC +
		(double) ((POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY);
}

/*
 * A NumericDate claim (RFC 7519 section 2) as seconds; rejects anything that
 * is not a finite JSON number.
 */
static double
numeric_date(JwtField *f)
{
	double		v;
	char	   *end;

	if (f->type != JSON_TOKEN_NUMBER)
		JWT_REJECT("invalid token",
				   "The \"%s\" claim of the token is not a number.", f->name);
	errno = 0;
	v = strtod(f->value, &end);
	if (*end != '\0' || errno == ERANGE || isnan(v) || isinf(v))
		JWT_REJECT("invalid token",
				   "The \"%s\" claim of the token is not a valid date.",
				   f->name);
	return v;
}

/* A setting's value in UTF-8, to compare with a claim. */
static char *
setting_utf8(const char *value)
{
	return pg_server_to_any(value, strlen(value), PG_UTF8);
}

/* Check "iss" and "aud" against rbac.jwt_issuer and rbac.jwt_audience. */
static void
check_issuer_audience(JwtField *iss, JwtField *aud)
{
	if (jwt_issuer != NULL && jwt_issuer[0] != '\0')
	{
		if (iss->count == 0)
			JWT_REJECT("invalid token",
					   "The token has no \"iss\" claim, which rbac.jwt_issuer requires.");
		if (iss->type != JSON_TOKEN_STRING ||
			strcmp(iss->value, setting_utf8(jwt_issuer)) != 0)
			JWT_REJECT("invalid token",
					   "The \"iss\" claim of the token is not the issuer that rbac.jwt_issuer accepts.");
	}
	if (jwt_audience != NULL && jwt_audience[0] != '\0')
	{
		const char *want = setting_utf8(jwt_audience);
		bool		found = false;
		ListCell   *lc;

		if (aud->count == 0)
			JWT_REJECT("invalid token",
					   "The token has no \"aud\" claim, which rbac.jwt_audience requires.");
		if (aud->type == JSON_TOKEN_STRING)
			found = strcmp(aud->value, want) == 0;
		else if (aud->type == JSON_TOKEN_ARRAY_START && !aud->other_elements)
		{
			foreach(lc, aud->strings)
			{
				if (strcmp((char *) lfirst(lc), want) == 0)
					found = true;
			}
		}
		else
			JWT_REJECT("invalid token",
					   "The \"aud\" claim of the token is neither a string nor an array of strings.");
		if (!found)
			JWT_REJECT("invalid token",
					   "The \"aud\" claim of the token does not name the audience that rbac.jwt_audience accepts.");
	}
}

/* ------------------------------------------------------------------------
 * Tokens
 * ------------------------------------------------------------------------
 */

/*
 * Verify a token and return the actor it names (see jwt.h).
 *
 * Order: the configuration (some key must be usable), structure, header
 * (algorithm, "crit", "kid"), signature, then the claims of the now
 * authenticated payload, then the subject.
 */
char *
rbac_jwt_actor(const char *token)
{
	JwtKeySet  *set;
	bool		secret_set;
	bool		secret_usable;
	size_t		toklen = strlen(token);
	const char *dot1;
	const char *dot2;
	uint8	   *header;
	uint8	   *payload;
	uint8	   *sig;
	int			header_len;
	int			payload_len;
	int			sig_len;
	int			available = 0;
	int			alg_id;
	const char *kid;
	JwtKey	   *named = NULL;
	int			tried = 0;
	bool		ok = false;
	double		now;
	int			i;
	JwtField	hfields[3] = {{"alg"}, {"crit"}, {"kid"}};
	JwtField	pfields[6] = {{"exp"}, {"nbf"}, {"sub"}, {"iat"}, {"iss"}, {"aud"}};
	JwtField   *alg = &hfields[0];
	JwtField   *crit = &hfields[1];
	JwtField   *kidf = &hfields[2];
	JwtField   *exp = &pfields[0];
	JwtField   *nbf = &pfields[1];
	JwtField   *sub = &pfields[2];
	JwtField   *iat = &pfields[3];
	JwtField   *iss = &pfields[4];
	JwtField   *aud = &pfields[5];
	char	   *subject;
	const char *colon;

	/* the keys: the key file's and the secret */
	set = current_key_set();
	secret_set = jwt_secret != NULL && jwt_secret->len > 0;
	secret_usable = secret_set && jwt_secret->origin != SECRET_CATALOG;
	if (set == NULL && !secret_set)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("tokens cannot be verified because rbac.jwt_secret is not set"),
				 errhint("A superuser must set rbac.jwt_secret, preferably in postgresql.conf with pg_rbac in shared_preload_libraries.")));
	if (set == NULL && !secret_usable)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("tokens cannot be verified because rbac.jwt_secret is stored in a role or database setting"),
				 errdetail("Every role can read such settings, so pg_rbac does not use the secret."),
				 errhint("Remove it with ALTER ROLE or ALTER DATABASE ... RESET rbac.jwt_secret, choose a new secret and set it in postgresql.conf with pg_rbac in shared_preload_libraries.")));
	if (secret_usable)
		available |= 1 << JWT_HS256;
	for (i = 0; set != NULL && i < set->nkeys; i++)
		available |= 1 << set->keys[i].alg;

	/* structure: header.payload.signature, each base64url */
	if (toklen > RBAC_JWT_MAX_LENGTH)
		JWT_REJECT("invalid token",
				   "The token is longer than %d bytes.", RBAC_JWT_MAX_LENGTH);
	dot1 = strchr(token, '.');
	dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	if (dot1 == NULL || dot2 == NULL || strchr(dot2 + 1, '.') != NULL)
		JWT_REJECT("invalid token",
				   "A token must consist of three base64url-encoded parts separated by dots.");
	header = decode_part(token, dot1 - token, &header_len, "header");
	payload = decode_part(dot1 + 1, dot2 - dot1 - 1, &payload_len, "payload");
	sig = decode_part(dot2 + 1, token + toklen - dot2 - 1, &sig_len,
					  "signature");

	/* header: an accepted "alg", no critical extensions, a string "kid" */
	parse_part(header, header_len, hfields, lengthof(hfields), "header");
	if (alg->count == 0)
		JWT_REJECT("invalid token",
				   "The token header has no \"alg\" member.");
	alg_id = alg->type == JSON_TOKEN_STRING ? alg_by_name(alg->value) : -1;
	if (alg_id < 0 || (available & (1 << alg_id)) == 0)
	{
		StringInfoData names;

		if (available == 1 << JWT_HS256)
			JWT_REJECT("invalid token",
					   "The token algorithm is not HS256, the only algorithm accepted.");
		initStringInfo(&names);
		for (i = 0; i < JWT_NUM_ALGS; i++)
			if (available & (1 << i))
				appendStringInfo(&names, "%s%s", names.len ? ", " : "",
								 jwt_alg_names[i]);
		JWT_REJECT("invalid token",
				   "The token algorithm is not one of those the configured keys accept (%s).",
				   names.data);
	}
	if (crit->count > 0)
		JWT_REJECT("invalid token",
				   "The token header has a \"crit\" member, which is not supported.");
	if (kidf->count > 0 && kidf->type != JSON_TOKEN_STRING)
		JWT_REJECT("invalid token",
				   "The \"kid\" member of the token header is not a string.");
	kid = kidf->count > 0 ? kidf->value : NULL;

	/*
	 * signature: with the key the "kid" names, if the key file has it;
	 * otherwise with every key of the algorithm that the kid does not rule
	 * out (keys that have no kid cannot be told apart by one)
	 */
	for (i = 0; kid != NULL && set != NULL && i < set->nkeys; i++)
	{
		if (set->keys[i].kid != NULL && strcmp(set->keys[i].kid, kid) == 0)
			named = &set->keys[i];
	}
	if (named != NULL)
	{
		if (named->alg != alg_id)
			JWT_REJECT("invalid token",
					   "The key that the token's \"kid\" names is not a key for the token's algorithm.");
		tried++;
		ok = verify_with_key(named, token, dot2 - token, sig, sig_len);
	}
	else
	{
		for (i = 0; set != NULL && i < set->nkeys && !ok; i++)
		{
			JwtKey	   *key = &set->keys[i];

			if (key->alg != alg_id || (kid != NULL && key->kid != NULL))
				continue;
			tried++;
			ok = verify_with_key(key, token, dot2 - token, sig, sig_len);
		}
		if (!ok && alg_id == JWT_HS256 && secret_usable)
		{
			if (jwt_secret->origin == SECRET_READABLE && !jwt_exposed_logged)
			{
				ereport(LOG,
						(errmsg("rbac.jwt_secret is readable by every role until pg_rbac is loaded"),
						 errdetail("The secret is set in a configuration file but pg_rbac is not in shared_preload_libraries: until a session loads the library, any role can read the secret with SHOW, and the postmaster logs a changed secret when the configuration is reloaded."),
						 errhint("Add pg_rbac to shared_preload_libraries and restart the server (a reload is not enough), then replace the secret.")));
				jwt_exposed_logged = true;
			}
			tried++;
			ok = verify_hs256((const uint8 *) jwt_secret->key, jwt_secret->len,
							  token, dot2 - token, sig, sig_len);
		}
	}
	if (tried == 0)
		JWT_REJECT("invalid token",
				   "No configured key has the \"kid\" that the token names.");
	if (!ok)
		JWT_REJECT("invalid token",
				   "The token signature does not match.");

	/* claims of the authenticated payload */
	parse_part(payload, payload_len, pfields, lengthof(pfields), "payload");
	now = unix_now();
	if (exp->count == 0)
		JWT_REJECT("invalid token",
				   "The token has no \"exp\" claim; tokens without an expiry are not accepted.");
	if (numeric_date(exp) <= now)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("token has expired")));
	if (nbf->count > 0 && numeric_date(nbf) > now + jwt_leeway)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("token is not valid yet"),
				 errdetail("The \"nbf\" claim of the token is in the future.")));
	if (iat->count > 0 && numeric_date(iat) > now + jwt_leeway)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("token is not valid yet"),
				 errdetail("The \"iat\" claim of the token (when it was issued) is in the future.")));
	check_issuer_audience(iss, aud);
	if (sub->count == 0)
		JWT_REJECT("invalid token",
				   "The token has no \"sub\" claim.");
	if (sub->type != JSON_TOKEN_STRING || sub->value[0] == '\0')
		JWT_REJECT("invalid token",
				   "The \"sub\" claim of the token is not a non-empty string.");

	/* the actor: a full reference Type:id, or a bare id of the default type */
	subject = pg_any_to_server(sub->value, strlen(sub->value), PG_UTF8);
	if (subject == sub->value)
		subject = pstrdup(subject);
	colon = strchr(subject, ':');
	if (colon == NULL)
		return psprintf("%s:%s", jwt_actor_type, subject);
	if (jwt_actor_type_only &&
		(colon - subject != strlen(jwt_actor_type) ||
		 strncmp(subject, jwt_actor_type, colon - subject) != 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("token subject is not an actor of type \"%s\"",
						jwt_actor_type),
				 errdetail("rbac.jwt_actor_type_only is on, so the \"sub\" claim must be a bare id or a reference of type \"%s\".",
						   jwt_actor_type)));
	return subject;
}
