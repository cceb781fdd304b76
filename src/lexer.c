/*-------------------------------------------------------------------------
 *
 * lexer.c
 *	  The lexer of the pg_rbac policy language and the token stream the
 *	  parser reads: tokens on demand, lookahead, syntax error reports and
 *	  recovery after an error.
 *
 * Tokens are produced on demand into a small ring buffer (the grammar needs
 * at most three tokens of lookahead).  A lexical error is reported once by
 * the lexer, which then hands the parser a TK_ERROR token; the parser never
 * reports an error "at" such a token again, it only recovers.
 *
 * Recovery: after a syntax error the parser skips to the next ";" or to the
 * "}" that closes the current block (tracking brace depth), or to the start
 * of the next block, and carries on, so one pass reports many independent
 * errors.  Reporting stops after MAX_DIAGS diagnostics: the stream then
 * ends, so that garbage input cannot produce megabytes of messages.
 *
 * Plain C99, no PostgreSQL headers (links into the fuzz target), no global
 * state; memory comes from the caller's RbacAlloc arena.
 *
 *-------------------------------------------------------------------------
 */
#include "lexer.h"

#include <stdarg.h>
#include <string.h>

#define MAX_DIAGS	100			/* diagnostics before giving up */
#define MAX_SOURCE	((size_t) 1 << 30)	/* positions must fit in int */
#define CLIP_BYTES	40			/* longest token text quoted in a message */

/* ---------------------------------------------------------------------
 * Set-up and messages
 * ---------------------------------------------------------------------
 */

/*
 * Start a token stream over source (len bytes, need not be NUL-terminated;
 * NULL reads as empty).  A UTF-8 byte order mark is skipped.  Returns
 * false, after reporting, when the source is too large for int positions.
 */
bool
rbac_lex_init(Lexer *lx, const char *source, size_t len, RbacAlloc *alloc,
			  RbacDiagList *diags)
{
	memset(lx, 0, sizeof(*lx));
	lx->alloc = alloc;
	lx->diags = diags;
	lx->src = (const unsigned char *) (source ? source : "");
	lx->len = source ? len : 0;
	lx->line = lx->col = 1;
	lx->last_line = lx->last_col = 1;
	lx->eof.kind = TK_EOF;
	lx->eof.line = lx->eof.col = 1;

	if (lx->len > MAX_SOURCE)
	{
		rbac_lex_report(lx, 1, 1, RBAC_DIAG_SYNTAX, NULL,
						"policy too large (%zu bytes, at most %zu)", lx->len,
						MAX_SOURCE);
		return false;
	}
	/* a UTF-8 byte order mark is not part of the text */
	if (lx->len >= 3 && lx->src[0] == 0xEF && lx->src[1] == 0xBB &&
		lx->src[2] == 0xBF)
		lx->pos = 3;
	return true;
}

/*
 * Add an error diagnostic.  After MAX_DIAGS of them, add one "too many
 * errors" and end the stream: a garbage input must not produce megabytes
 * of messages.
 */
void
rbac_lex_report(Lexer *lx, int line, int col, RbacDiagClass dclass,
				const char *hint, const char *fmt,...)
{
	va_list		ap;
	char	   *msg;

	if (lx->stopped)
		return;
	if (lx->ndiags >= MAX_DIAGS)
	{
		rbac_diag(lx->diags, lx->alloc, line, col, RBAC_SEV_ERROR,
				  RBAC_DIAG_SYNTAX, NULL, "too many errors, stopping");
		lx->stopped = true;
		lx->eof.kind = TK_EOF;
		lx->eof.line = line;
		lx->eof.col = col;
		lx->eof.offset = lx->eof.end = lx->prev_end;
		return;
	}
	va_start(ap, fmt);
	msg = rbac_vformat(lx->alloc, fmt, ap);
	va_end(ap);
	rbac_diag(lx->diags, lx->alloc, line, col, RBAC_SEV_ERROR, dclass, hint,
			  "%s", msg);
	lx->ndiags++;
}

/*
 * Add an error at a token, unless the token is a lexical error that was
 * reported already (one problem, one message).
 */
void
rbac_lex_report_at(Lexer *lx, const Token *t, RbacDiagClass dclass,
				   const char *hint, const char *fmt,...)
{
	va_list		ap;
	char	   *msg;

	if (t->kind == TK_ERROR || lx->stopped)
		return;
	va_start(ap, fmt);
	msg = rbac_vformat(lx->alloc, fmt, ap);
	va_end(ap);
	rbac_lex_report(lx, t->line, t->col, dclass, hint, "%s", msg);
}

/*
 * At most CLIP_BYTES of s, cut at a character boundary and marked with
 * "...", so that a huge token does not make a huge message.
 */
const char *
rbac_lex_clip(Lexer *lx, const char *s)
{
	size_t		n = strlen(s);

	if (n <= CLIP_BYTES)
		return s;
	n = CLIP_BYTES - 3;
	while (n > 0 && ((unsigned char) s[n] & 0xC0) == 0x80)
		n--;
	return rbac_format(lx->alloc, "%.*s...", (int) n, s);
}

/* How a token is shown after "found" in a syntax error. */
const char *
rbac_lex_describe(Lexer *lx, const Token *t)
{
	switch (t->kind)
	{
		case TK_EOF:
			return "end of input";
		case TK_ERROR:
			return "an invalid token";
		case TK_STRING:
			return rbac_format(lx->alloc, "string \"%s\"",
							   rbac_lex_clip(lx, t->text));
		case TK_INTEGER:
		case TK_DECIMAL:
			return rbac_format(lx->alloc, "number %s",
							   rbac_lex_clip(lx, t->text));
		case TK_IDENT:
			return rbac_format(lx->alloc, "\"%s\"",
							   rbac_lex_clip(lx, t->text));
		default:
			return rbac_format(lx->alloc, "\"%.*s\"", t->end - t->offset,
							   (const char *) lx->src + t->offset);
	}
}


/* ---------------------------------------------------------------------
 * Lexer
 * ---------------------------------------------------------------------
 */

/* First byte of an identifier: ASCII letter, '_' or any non-ASCII byte. */
static bool
is_ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		c >= 0x80;
}

/* Decimal digit. */
static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Later byte of an identifier. */
static bool
is_ident_char(unsigned char c)
{
	return is_ident_start(c) || is_digit(c);
}

/*
 * Length of the well-formed UTF-8 sequence at s (avail bytes left), or 0
 * when it is malformed (bad lead or continuation byte, overlong form,
 * surrogate, beyond U+10FFFF, truncated).  Names must be valid UTF-8.
 */
static int
utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	uint32_t	cp;
	uint32_t	min;
	int			n;
	int			i;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
	{
		n = 2;
		cp = c & 0x1F;
		min = 0x80;
	}
	else if ((c & 0xF0) == 0xE0)
	{
		n = 3;
		cp = c & 0x0F;
		min = 0x800;
	}
	else if (c >= 0xF0 && c <= 0xF4)
	{
		n = 4;
		cp = c & 0x07;
		min = 0x10000;
	}
	else
		return 0;
	if (avail < (size_t) n)
		return 0;
	for (i = 1; i < n; i++)
	{
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

/*
 * Consume one byte, keeping line and column: columns count characters, so
 * UTF-8 continuation bytes do not move the column.
 */
static void
advance(Lexer *lx)
{
	unsigned char c = lx->src[lx->pos++];

	if (c == '\n')
	{
		lx->line++;
		lx->col = 1;
	}
	else if ((c & 0xC0) != 0x80)
		lx->col++;
}

/* Skip white space and # comments. */
static void
skip_space(Lexer *lx)
{
	while (lx->pos < lx->len)
	{
		unsigned char c = lx->src[lx->pos];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
			c == '\v')
			advance(lx);
		else if (c == '#')
		{
			while (lx->pos < lx->len && lx->src[lx->pos] != '\n')
				advance(lx);
		}
		else
			break;
	}
}

/*
 * Consume the non-ASCII character at the lexer's position: its whole UTF-8
 * sequence when that is well-formed, else one byte, reporting the first
 * malformed sequence of a token (*bad: one was reported).
 */
static void
advance_utf8(Lexer *lx, bool *bad)
{
	int			n = utf8_len(lx->src + lx->pos, lx->len - lx->pos);

	if (n == 0)
	{
		if (!*bad)
			rbac_lex_report(lx, lx->line, lx->col, RBAC_DIAG_SYNTAX,
							"Policies are UTF-8 text.",
							"invalid UTF-8 byte sequence");
		*bad = true;
		advance(lx);
		return;
	}
	while (n-- > 0)
		advance(lx);
}

/* Lex an identifier (the first byte is an identifier start). */
static void
lex_ident(Lexer *lx, Token *t)
{
	bool		bad = false;

	while (lx->pos < lx->len && is_ident_char(lx->src[lx->pos]))
	{
		if (lx->src[lx->pos] >= 0x80)
			advance_utf8(lx, &bad);
		else
			advance(lx);
	}
	if (bad)
	{
		t->kind = TK_ERROR;
		return;
	}
	t->kind = TK_IDENT;
	t->text = rbac_strndup(lx->alloc, (const char *) lx->src + t->offset,
						   lx->pos - (size_t) t->offset);
}

/*
 * Lex an integer or decimal, with an optional leading '-'.  Letters right
 * after the digits make an invalid name ("9Doc"), reported here.
 */
static void
lex_number(Lexer *lx, Token *t)
{
	t->kind = TK_INTEGER;
	if (lx->src[lx->pos] == '-')
		advance(lx);
	while (lx->pos < lx->len && is_digit(lx->src[lx->pos]))
		advance(lx);
	if (lx->pos + 1 < lx->len && lx->src[lx->pos] == '.' &&
		is_digit(lx->src[lx->pos + 1]))
	{
		t->kind = TK_DECIMAL;
		advance(lx);
		while (lx->pos < lx->len && is_digit(lx->src[lx->pos]))
			advance(lx);
	}
	if (lx->pos < lx->len && is_ident_char(lx->src[lx->pos]))
	{
		char	   *text;

		while (lx->pos < lx->len && is_ident_char(lx->src[lx->pos]))
			advance(lx);
		text = rbac_strndup(lx->alloc, (const char *) lx->src + t->offset,
							lx->pos - (size_t) t->offset);
		rbac_lex_report(lx, t->line, t->col, RBAC_DIAG_SYNTAX, NULL,
						"invalid name \"%s\": a name cannot start with a digit",
						rbac_lex_clip(lx, text));
		t->kind = TK_ERROR;
		return;
	}
	t->text = rbac_strndup(lx->alloc, (const char *) lx->src + t->offset,
						   lx->pos - (size_t) t->offset);
}

/*
 * Lex a double-quoted string.  Only \" and \\ are escapes; a newline or the
 * end of input before the closing quote is an unterminated string.  An
 * unknown escape is reported but the string is still returned (keeping the
 * backslash), to avoid a cascade of errors; a NUL byte or malformed UTF-8
 * makes the token an error.
 */
static void
lex_string(Lexer *lx, Token *t)
{
	size_t		start;
	size_t		stop;
	size_t		i;
	size_t		n;
	bool		bad = false;
	bool		bad_escape = false;
	bool		bad_utf8 = false;
	char	   *out;

	advance(lx);					/* opening quote */
	start = lx->pos;
	for (;;)
	{
		unsigned char c;

		if (lx->pos >= lx->len || lx->src[lx->pos] == '\n' ||
			lx->src[lx->pos] == '\r')
		{
			rbac_lex_report(lx, t->line, t->col, RBAC_DIAG_SYNTAX,
							"A string must end with a double quote on the line where it starts.",
							"unterminated string");
			t->kind = TK_ERROR;
			return;
		}
		c = lx->src[lx->pos];
		if (c == '"')
			break;
		if (c == '\\')
		{
			unsigned char e;

			if (lx->pos + 1 >= lx->len)
			{
				advance(lx);
				continue;		/* reported as unterminated */
			}
			e = lx->src[lx->pos + 1];
			if (e == '"' || e == '\\')
			{
				advance(lx);
				advance(lx);
				continue;
			}
			if (e == '\n' || e == '\r')
			{
				advance(lx);
				continue;		/* reported as unterminated */
			}
			if (!bad_escape)
			{
				if (e > 0x20 && e < 0x7F)
					rbac_lex_report(lx, lx->line, lx->col, RBAC_DIAG_SYNTAX,
									"The only escapes in a string are \\\" and \\\\.",
									"invalid escape \"\\%c\" in string", e);
				else
					rbac_lex_report(lx, lx->line, lx->col, RBAC_DIAG_SYNTAX,
									"The only escapes in a string are \\\" and \\\\.",
									"invalid escape in string");
				bad_escape = true;
			}
			advance(lx);
			continue;
		}
		if (c == 0)
		{
			if (!bad)
				rbac_lex_report(lx, lx->line, lx->col, RBAC_DIAG_SYNTAX, NULL,
								"unexpected character U+0000 in string");
			bad = true;
			advance(lx);
			continue;
		}
		if (c >= 0x80)
			advance_utf8(lx, &bad_utf8);
		else
			advance(lx);
	}
	stop = lx->pos;
	advance(lx);					/* closing quote */
	if (bad || bad_utf8)
	{
		t->kind = TK_ERROR;
		return;
	}

	/* copy, resolving the two escapes */
	out = rbac_alloc(lx->alloc, stop - start + 1);
	n = 0;
	for (i = start; i < stop; i++)
	{
		unsigned char c = lx->src[i];

		if (c == '\\' && i + 1 < stop &&
			(lx->src[i + 1] == '"' || lx->src[i + 1] == '\\'))
			c = lx->src[++i];
		out[n++] = (char) c;
	}
	out[n] = '\0';
	t->kind = TK_STRING;
	t->text = out;
}

/*
 * The token of each punctuation character, and of the two-character token
 * it makes with a "=" after it; TK_EOF (0, the default) where there is
 * none.  "!" is a token only in "!=".
 */
static const TokKind punct_alone[128] = {
	['{'] = TK_LBRACE, ['}'] = TK_RBRACE, ['['] = TK_LBRACKET,
	[']'] = TK_RBRACKET, ['('] = TK_LPAREN, [')'] = TK_RPAREN,
	[','] = TK_COMMA, [';'] = TK_SEMI, ['.'] = TK_DOT, [':'] = TK_COLON,
	['='] = TK_EQ, ['<'] = TK_LT, ['>'] = TK_GT,
	['+'] = TK_ARITH, ['-'] = TK_ARITH, ['*'] = TK_ARITH, ['/'] = TK_ARITH,
	['%'] = TK_ARITH
};
static const TokKind punct_with_eq[128] = {
	[':'] = TK_ASSIGN, ['='] = TK_EQEQ, ['<'] = TK_LE, ['>'] = TK_GE,
	['!'] = TK_NE
};

/* Lex punctuation and operators, or report an unexpected character. */
static void
lex_punct(Lexer *lx, Token *t)
{
	unsigned char c = lx->src[lx->pos];
	unsigned char d = lx->pos + 1 < lx->len ? lx->src[lx->pos + 1] : 0;

	advance(lx);
	if (c < 128 && d == '=' && punct_with_eq[c] != TK_EOF)
	{
		advance(lx);
		t->kind = punct_with_eq[c];
		return;
	}
	if (c < 128 && punct_alone[c] != TK_EOF)
	{
		t->kind = punct_alone[c];
		return;
	}
	t->kind = TK_ERROR;
	if (c == '\'' || c == '`')
		rbac_lex_report(lx, t->line, t->col, RBAC_DIAG_SYNTAX,
						"Strings use double quotes.",
						"unexpected character \"%c\"", c);
	else if (c > 0x20 && c < 0x7F)
		rbac_lex_report(lx, t->line, t->col, RBAC_DIAG_SYNTAX, NULL,
						"unexpected character \"%c\"", c);
	else
		rbac_lex_report(lx, t->line, t->col, RBAC_DIAG_SYNTAX, NULL,
						"unexpected character U+%04X", (unsigned) c);
}
/* Produce the next token into t. */
static void
lex(Lexer *lx, Token *t)
{
	unsigned char c;

	memset(t, 0, sizeof(*t));
	skip_space(lx);
	t->line = lx->line;
	t->col = lx->col;
	t->offset = (int) lx->pos;
	if (lx->pos >= lx->len)
	{
		/* point just past the last token: where a missing ";" belongs */
		t->kind = TK_EOF;
		t->line = lx->last_line;
		t->col = lx->last_col;
		t->end = t->offset;
		return;
	}
	c = lx->src[lx->pos];
	if (is_ident_start(c))
		lex_ident(lx, t);
	else if (is_digit(c) ||
			 (c == '-' && lx->pos + 1 < lx->len &&
			  is_digit(lx->src[lx->pos + 1])))
		lex_number(lx, t);
	else if (c == '"')
		lex_string(lx, t);
	else
		lex_punct(lx, t);
	t->end = (int) lx->pos;
	lx->last_line = lx->line;
	lx->last_col = lx->col;
}


/* ---------------------------------------------------------------------
 * Token stream
 * ---------------------------------------------------------------------
 */

/*
 * The token k places ahead (k < LEX_LOOKAHEAD - 1).  The pointer stays valid
 * until the token is consumed; copy a token to keep it longer.
 */
Token *
rbac_lex_peek(Lexer *lx, int k)
{
	while (!lx->stopped && lx->nbuf <= k)
	{
		lex(lx, &lx->buf[(lx->head + lx->nbuf) % LEX_LOOKAHEAD]);
		lx->nbuf++;
	}
	if (lx->stopped)
		return &lx->eof;
	return &lx->buf[(lx->head + k) % LEX_LOOKAHEAD];
}

/* Consume the current token (never the end of input). */
void
rbac_lex_next(Lexer *lx)
{
	Token	   *t = rbac_lex_peek(lx, 0);

	if (lx->stopped || t->kind == TK_EOF)
		return;
	lx->prev_end = t->end;
	lx->head = (lx->head + 1) % LEX_LOOKAHEAD;
	lx->nbuf--;
	lx->consumed++;
}

/* Consume the current token if it has kind k. */
bool
rbac_lex_accept(Lexer *lx, TokKind k)
{
	if (rbac_lex_peek(lx, 0)->kind != k)
		return false;
	rbac_lex_next(lx);
	return true;
}

/* Report "expected WHAT, found TOKEN" at the current token. */
void
rbac_lex_expected(Lexer *lx, const char *what, const char *hint)
{
	Token	   *t = rbac_lex_peek(lx, 0);

	rbac_lex_report_at(lx, t, RBAC_DIAG_SYNTAX, hint, "expected %s, found %s",
					   what, rbac_lex_describe(lx, t));
}

/*
 * Does a block start here ("actor Name {", "resource Name {",
 * "global {", "test "name" {")?  Recovery stops at such a point: it is the likeliest place
 * where the input makes sense again, e.g. after a missing "}".
 */
bool
rbac_lex_at_block_start(Lexer *lx)
{
	Token	   *t = rbac_lex_peek(lx, 0);
	TokKind		k;

	if (t->kind != TK_IDENT)
		return false;
	if (strcmp(t->text, "global") == 0)
		return rbac_lex_peek(lx, 1)->kind == TK_LBRACE;
	if (strcmp(t->text, "test") == 0)	/* test "name" { */
		return rbac_lex_peek(lx, 1)->kind == TK_STRING &&
			rbac_lex_peek(lx, 2)->kind == TK_LBRACE;
	if (strcmp(t->text, "actor") != 0 && strcmp(t->text, "resource") != 0)
		return false;
	k = rbac_lex_peek(lx, 1)->kind;
	if (k != TK_IDENT && k != TK_STRING)
		return false;
	return rbac_lex_peek(lx, 2)->kind == TK_LBRACE;
}

/*
 * Recover from a syntax error: skip tokens up to a point where parsing can
 * carry on, never past the start of a block (the likeliest place where the
 * input makes sense again, e.g. after a missing "}").
 *
 *	RECOVER_TOP:   to just after the next ";" outside braces, or just after
 *				   a "}" that closes a skipped block (or is a stray one);
 *	RECOVER_RULE:  to just after the next ";" outside braces (braces in a
 *				   rule are Polar patterns); a stray "}" is skipped;
 *	RECOVER_BLOCK: to just after the next ";", or to (not past) the "}"
 *				   that closes the current block.
 */
void
rbac_lex_recover(Lexer *lx, LexRecovery where)
{
	int			depth = 0;

	for (;;)
	{
		Token	   *t = rbac_lex_peek(lx, 0);

		if (t->kind == TK_EOF)
			return;
		if (depth == 0 && rbac_lex_at_block_start(lx))
			return;
		if (t->kind == TK_LBRACE)
			depth++;
		else if (t->kind == TK_RBRACE)
		{
			if (where == RECOVER_BLOCK && depth == 0)
				return;
			if (where == RECOVER_TOP && depth <= 1)
			{
				rbac_lex_next(lx);
				return;
			}
			if (depth > 0)
				depth--;
		}
		else if (t->kind == TK_SEMI && (depth == 0 || where == RECOVER_BLOCK))
		{
			rbac_lex_next(lx);
			return;
		}
		rbac_lex_next(lx);
	}
}
