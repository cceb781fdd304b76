/*-------------------------------------------------------------------------
 *
 * jwt.c
 *	  Verification of HS256 JSON Web Tokens (RFC 7519) for
 *	  rbac.set_actor_token.
 *
 * Only what pg_rbac needs: compact serialization, algorithm HS256 with the
 * key taken as the raw bytes of rbac.jwt_secret, a required numeric "exp"
 * in the future, an optional numeric "nbf" not in the future and a required
 * string "sub".  Everything else is rejected, never guessed: alg "none" or
 * any other algorithm, a "crit" header, duplicate claims, padding or
 * characters outside base64url, trailing bits, deep nesting, invalid UTF-8.
 *
 * The MAC comparison runs in constant time (no memcmp), the computed MAC is
 * wiped after use, and no error message ever contains the secret, the
 * expected signature or the token itself.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/hmac.h"
#include "common/jsonapi.h"
#include "common/sha2.h"
#include "mb/pg_wchar.h"
#include "utils/timestamp.h"

#include "jwt.h"

/* Deepest JSON nesting accepted in a token header or payload. */
#define JWT_MAX_DEPTH 16

/* Every rejection is 28000, with a fixed message and a specific detail. */
#define JWT_REJECT(msg, ...) \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION), \
			 errmsg(msg), \
			 errdetail(__VA_ARGS__)))

/* One top-level member of a JSON object that we look for. */
typedef struct JwtField
{
	const char *name;
	int			count;			/* occurrences (duplicates are rejected) */
	JsonTokenType type;			/* JSON_TOKEN_STRING, _NUMBER, ...; for
								 * objects and arrays _OBJECT_START and
								 * _ARRAY_START */
	char	   *value;			/* de-escaped scalar text */
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
 * Checked before parsing so that a hostile header cannot exhaust the stack
 * of the recursive-descent parser; strings are skipped.
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

/* Semantic action: an object starts. */
static void
jwt_object_start(void *state)
{
	JwtParseState *st = (JwtParseState *) state;

	if (st->depth == 0)
		st->top_is_object = true;
	else if (st->depth == 1 && st->current)
		st->current->type = JSON_TOKEN_OBJECT_START;
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

/* Semantic action: a scalar value; kept when it belongs to a wanted field. */
static void
jwt_scalar(void *state, char *token, JsonTokenType tokentype)
{
	JwtParseState *st = (JwtParseState *) state;

	if (st->depth == 1 && st->current)
	{
		st->current->type = tokentype;
		st->current->value = token;
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
hmac_sha256(const char *key, size_t keylen, const char *data, size_t datalen,
			uint8 *mac)
{
	pg_hmac_ctx *ctx = pg_hmac_create(PG_SHA256);

	if (ctx == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	if (pg_hmac_init(ctx, (const uint8 *) key, keylen) < 0 ||
		pg_hmac_update(ctx, (const uint8 *) data, datalen) < 0 ||
		pg_hmac_final(ctx, mac, PG_SHA256_DIGEST_LENGTH) < 0)
	{
		char	   *msg = pstrdup(pg_hmac_error(ctx));

		pg_hmac_free(ctx);
		elog(ERROR, "could not compute HMAC-SHA256: %s", msg);
	}
	pg_hmac_free(ctx);
}

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

/*
 * Verify an HS256 token against secret and return its "sub" claim.
 *
 * Order: structure, header (only HS256 is accepted, so alg "none" and
 * algorithm-confusion tokens stop here), MAC in constant time, then the
 * claims of the now authenticated payload.
 */
char *
rbac_jwt_verify_subject(const char *token, const char *secret)
{
	size_t		toklen = strlen(token);
	const char *dot1;
	const char *dot2;
	uint8	   *header;
	uint8	   *payload;
	uint8	   *sig;
	int			header_len;
	int			payload_len;
	int			sig_len;
	uint8		mac[PG_SHA256_DIGEST_LENGTH];
	bool		ok;
	double		now;
	JwtField	hfields[2] = {{"alg"}, {"crit"}};
	JwtField	pfields[3] = {{"exp"}, {"nbf"}, {"sub"}};
	JwtField   *alg = &hfields[0];
	JwtField   *crit = &hfields[1];
	JwtField   *exp = &pfields[0];
	JwtField   *nbf = &pfields[1];
	JwtField   *sub = &pfields[2];
	char	   *result;

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

	/* header: {"alg":"HS256", ...} with no critical extensions */
	parse_part(header, header_len, hfields, lengthof(hfields), "header");
	if (alg->count == 0)
		JWT_REJECT("invalid token",
				   "The token header has no \"alg\" member.");
	if (alg->type != JSON_TOKEN_STRING || strcmp(alg->value, "HS256") != 0)
		JWT_REJECT("invalid token",
				   "The token algorithm is not HS256, the only algorithm accepted.");
	if (crit->count > 0)
		JWT_REJECT("invalid token",
				   "The token header has a \"crit\" member, which is not supported.");

	/* signature: HMAC-SHA256 over "header.payload", compared blindly */
	if (sig_len != PG_SHA256_DIGEST_LENGTH)
		JWT_REJECT("invalid token",
				   "The token signature does not match.");
	hmac_sha256(secret, strlen(secret), token, dot2 - token, mac);
	ok = mac_equal(mac, sig, PG_SHA256_DIGEST_LENGTH);
	explicit_bzero(mac, sizeof(mac));
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
	if (nbf->count > 0 && numeric_date(nbf) > now)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("token is not valid yet"),
				 errdetail("The \"nbf\" claim of the token is in the future.")));
	if (sub->count == 0)
		JWT_REJECT("invalid token",
				   "The token has no \"sub\" claim.");
	if (sub->type != JSON_TOKEN_STRING || sub->value[0] == '\0')
		JWT_REJECT("invalid token",
				   "The \"sub\" claim of the token is not a non-empty string.");

	result = pg_any_to_server(sub->value, strlen(sub->value), PG_UTF8);
	if (result == sub->value)
		result = pstrdup(result);
	return result;
}
