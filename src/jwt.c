/*-------------------------------------------------------------------------
 *
 * jwt.c
 *	  Verification of JSON Web Tokens (RFC 7519, JWS compact serialization)
 *	  for rbac.set_actor_token, and the settings that configure it
 *	  (docs/operations.md, "Tokens").
 *
 * Keys.  A token is verified with the keys of rbac.jwt_key_file, a JWKS
 * document ({"keys": [...]}, kty RSA, EC P-256 or oct) or a single PEM
 * public key (read by jwk.c), and with rbac.jwt_secret, an HS256 key
 * without a key id.
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

#include "common/jsonapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

#include "jwk.h"
#include "jwt.h"

/* Every rejection is 28000, with a fixed message and a specific detail. */
#define JWT_REJECT(msg, ...) \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION), \
			 errmsg(msg), \
			 errdetail(__VA_ARGS__)))

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
 * Token parts
 * ------------------------------------------------------------------------
 */

/*
 * Decode one part of the token into a NUL-terminated buffer; *len receives
 * the decoded length.  what names the part for the error detail.
 */
static uint8 *
decode_part(const char *src, int srclen, int *len, const char *what)
{
	uint8	   *buf = palloc(srclen * 3 / 4 + 2);
	int			n = rbac_jwk_b64url_decode(src, srclen, buf);

	if (n < 0)
		JWT_REJECT("invalid token",
				   "The token %s is not valid base64url.", what);
	buf[n] = '\0';
	*len = n;
	return buf;
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
	if (!rbac_jwk_json_depth_ok((const char *) json, len, JWT_MAX_DEPTH))
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
	set = rbac_jwk_key_set(jwt_key_file, jwt_key_file_generation);
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
	alg_id = alg->type == JSON_TOKEN_STRING ? rbac_jwk_alg_by_name(alg->value) : -1;
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
								 rbac_jwk_alg_names[i]);
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
		ok = rbac_jwk_verify(named, token, dot2 - token, sig, sig_len);
	}
	else
	{
		for (i = 0; set != NULL && i < set->nkeys && !ok; i++)
		{
			JwtKey	   *key = &set->keys[i];

			if (key->alg != alg_id || (kid != NULL && key->kid != NULL))
				continue;
			tried++;
			ok = rbac_jwk_verify(key, token, dot2 - token, sig, sig_len);
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
			ok = rbac_jwk_verify_hs256((const uint8 *) jwt_secret->key, jwt_secret->len,
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
