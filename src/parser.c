/*-------------------------------------------------------------------------
 *
 * parser.c
 *	  Lexer and recursive-descent parser of the pg_rbac policy language
 *	  (docs/policy-language.md, a subset of Oso Polar) into the AST of
 *	  policy.h.
 *
 * The parser is hand-written, plain C99 and reentrant: all state lives in
 * one Parser struct on the caller's stack, memory comes from the caller's
 * RbacAlloc arena, and no PostgreSQL header is included (the file links
 * alone into the fuzz target and the command-line checker).
 *
 * Tokens are produced on demand into a small ring buffer (the grammar needs
 * at most three tokens of lookahead).  A lexical error is reported once by
 * the lexer, which then hands the parser a TK_ERROR token; the parser never
 * reports an error "at" such a token again, it only recovers.
 *
 * Recovery: after a syntax error the parser skips to the next ";" or to the
 * "}" that closes the current block (tracking brace depth), or to the start
 * of the next block, and carries on, so one pass reports many independent
 * errors.  Every loop either consumes a token or ends, expression nesting
 * is capped (MAX_DEPTH), and reporting stops after MAX_DIAGS diagnostics.
 * Chains of "and" / "or" are built as balanced trees so that the depth of
 * any expression tree stays small (about 2 * MAX_DEPTH + 2 * log2 of the
 * chain length): later passes may walk it recursively.
 *
 * Blocks for one type are merged here, and the semantic checks that need
 * block structure (a declaration repeated in one block, a name twice in one
 * list, a name declared with two kinds, a type both actor and resource) are
 * made here too; everything that needs name resolution is left to the
 * validator (validate.c).  Names are looked up in hash tables (policy_util.c)
 * so that merging stays linear in the size of the policy.
 *
 *-------------------------------------------------------------------------
 */
#include "policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define LOOKAHEAD	4			/* ring buffer of tokens; peek(p, k<3) */
#define MAX_DEPTH	256			/* nested parentheses and "not" */
#define MAX_DIAGS	100			/* diagnostics before giving up */
#define MAX_SOURCE	((size_t) 1 << 30)	/* positions must fit in int */
#define CLIP_BYTES	40			/* longest token text quoted in a message */

typedef enum TokKind
{
	TK_EOF,
	TK_ERROR,					/* already reported by the lexer */
	TK_IDENT,
	TK_STRING,
	TK_INTEGER,
	TK_DECIMAL,
	TK_LBRACE,
	TK_RBRACE,
	TK_LBRACKET,
	TK_RBRACKET,
	TK_LPAREN,
	TK_RPAREN,
	TK_COMMA,
	TK_SEMI,
	TK_COLON,
	TK_DOT,
	TK_EQ,						/* = */
	TK_EQEQ,					/* == */
	TK_NE,						/* != */
	TK_LT,
	TK_LE,
	TK_GT,
	TK_GE,
	TK_ASSIGN,					/* := (Polar, unsupported) */
	TK_ARITH					/* + - * / % (Polar, unsupported) */
} TokKind;

typedef struct Token
{
	TokKind		kind;
	int			line;			/* 1-based */
	int			col;			/* 1-based, in characters */
	int			offset;			/* byte offset of the first byte */
	int			end;			/* byte offset just past the token */
	char	   *text;			/* IDENT, STRING (unescaped), numbers */
} Token;

/* What a list of strings declares: terms of a type, or global roles. */
typedef struct ListTarget
{
	RbacType   *type;			/* NULL for the global block */
	RbacTermKind kind;
	const char *label;			/* "resource Foo", for messages */
	const char *what;			/* "roles", "permissions" */
} ListTarget;

/* A parameter in the head of a last-mile rule, before classification. */
typedef enum ParamKind
{
	PARAM_VAR,					/* name or _ , with or without a type */
	PARAM_STRING,
	PARAM_OTHER					/* another literal */
} ParamKind;

typedef struct Param
{
	ParamKind	kind;
	Token		tok;			/* the first token */
	char	   *var;			/* NULL for _ */
	char	   *type;			/* NULL when untyped */
	bool		type_is_ident;
	int			type_line;
	int			type_col;
} Param;

typedef struct Parser
{
	const unsigned char *src;
	size_t		len;
	/* lexer position */
	size_t		pos;
	int			line;
	int			col;
	int			last_line;		/* just past the last token lexed */
	int			last_col;
	/* token ring */
	Token		buf[LOOKAHEAD];
	int			head;
	int			nbuf;
	Token		eof;			/* returned once parsing has stopped */
	long		consumed;		/* tokens consumed: the progress counter */
	int			prev_end;		/* byte offset past the last consumed token */
	/* output */
	RbacAlloc  *alloc;
	RbacDiagList *diags;
	RbacPolicy *policy;
	int			ndiags;
	bool		stopped;		/* too many errors */
	/* parse state */
	int			depth;			/* expression nesting */
	bool		in_role_rule;	/* parsing the body of a has_role rule */
	int			serial;			/* numbers declaration lists */
	int			nscratch;
	RbacNameTable types;		/* type name -> position in policy->types */
	RbacNameTable terms;		/* (type, term name) -> position in terms */
	RbacNameTable globals;		/* global role -> position in globals */
} Parser;

static RbacExpr *parse_or(Parser *p);


/* ---------------------------------------------------------------------
 * Messages
 * ---------------------------------------------------------------------
 */

static void report(Parser *p, int line, int col, RbacDiagClass dclass,
				   const char *hint, const char *fmt,...)
			__attribute__((format(printf, 6, 7)));

/*
 * Add an error diagnostic.  After MAX_DIAGS of them, add one "too many
 * errors" and stop the parse: a garbage input must not produce megabytes of
 * messages.
 */
static void
report(Parser *p, int line, int col, RbacDiagClass dclass, const char *hint,
	   const char *fmt,...)
{
	va_list		ap;
	char	   *msg;

	if (p->stopped)
		return;
	if (p->ndiags >= MAX_DIAGS)
	{
		rbac_diag(p->diags, p->alloc, line, col, RBAC_SEV_ERROR,
				  RBAC_DIAG_SYNTAX, NULL, "too many errors, stopping");
		p->stopped = true;
		p->eof.kind = TK_EOF;
		p->eof.line = line;
		p->eof.col = col;
		p->eof.offset = p->eof.end = p->prev_end;
		return;
	}
	va_start(ap, fmt);
	msg = rbac_vformat(p->alloc, fmt, ap);
	va_end(ap);
	rbac_diag(p->diags, p->alloc, line, col, RBAC_SEV_ERROR, dclass, hint,
			  "%s", msg);
	p->ndiags++;
}

static void report_at(Parser *p, const Token *t, RbacDiagClass dclass,
					  const char *hint, const char *fmt,...)
			__attribute__((format(printf, 5, 6)));

/*
 * Add an error at a token, unless the token is a lexical error that was
 * reported already (one problem, one message).
 */
static void
report_at(Parser *p, const Token *t, RbacDiagClass dclass, const char *hint,
		  const char *fmt,...)
{
	va_list		ap;
	char	   *msg;

	if (t->kind == TK_ERROR || p->stopped)
		return;
	va_start(ap, fmt);
	msg = rbac_vformat(p->alloc, fmt, ap);
	va_end(ap);
	report(p, t->line, t->col, dclass, hint, "%s", msg);
}

/*
 * At most CLIP_BYTES of s, cut at a character boundary and marked with
 * "...", so that a huge token does not make a huge message.
 */
static const char *
clip(Parser *p, const char *s)
{
	size_t		n = strlen(s);

	if (n <= CLIP_BYTES)
		return s;
	n = CLIP_BYTES - 3;
	while (n > 0 && ((unsigned char) s[n] & 0xC0) == 0x80)
		n--;
	return rbac_format(p->alloc, "%.*s...", (int) n, s);
}

/* How a token is shown after "found" in a syntax error. */
static const char *
describe(Parser *p, const Token *t)
{
	switch (t->kind)
	{
		case TK_EOF:
			return "end of input";
		case TK_ERROR:
			return "an invalid token";
		case TK_STRING:
			return rbac_format(p->alloc, "string \"%s\"", clip(p, t->text));
		case TK_INTEGER:
		case TK_DECIMAL:
			return rbac_format(p->alloc, "number %s", clip(p, t->text));
		case TK_IDENT:
			return rbac_format(p->alloc, "\"%s\"", clip(p, t->text));
		default:
			return rbac_format(p->alloc, "\"%.*s\"", t->end - t->offset,
							   (const char *) p->src + t->offset);
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
advance(Parser *p)
{
	unsigned char c = p->src[p->pos++];

	if (c == '\n')
	{
		p->line++;
		p->col = 1;
	}
	else if ((c & 0xC0) != 0x80)
		p->col++;
}

/* Skip white space and # comments. */
static void
skip_space(Parser *p)
{
	while (p->pos < p->len)
	{
		unsigned char c = p->src[p->pos];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
			c == '\v')
			advance(p);
		else if (c == '#')
		{
			while (p->pos < p->len && p->src[p->pos] != '\n')
				advance(p);
		}
		else
			break;
	}
}

/* Lex an identifier (the first byte is an identifier start). */
static void
lex_ident(Parser *p, Token *t)
{
	bool		bad = false;
	int			bad_line = 0;
	int			bad_col = 0;

	while (p->pos < p->len && is_ident_char(p->src[p->pos]))
	{
		if (p->src[p->pos] >= 0x80)
		{
			int			n = utf8_len(p->src + p->pos, p->len - p->pos);

			if (n == 0)
			{
				if (!bad)
				{
					bad = true;
					bad_line = p->line;
					bad_col = p->col;
				}
				advance(p);
				continue;
			}
			while (n-- > 0)
				advance(p);
		}
		else
			advance(p);
	}
	if (bad)
	{
		report(p, bad_line, bad_col, RBAC_DIAG_SYNTAX,
			   "Policies are UTF-8 text.", "invalid UTF-8 byte sequence");
		t->kind = TK_ERROR;
		return;
	}
	t->kind = TK_IDENT;
	t->text = rbac_strndup(p->alloc, (const char *) p->src + t->offset,
						   p->pos - (size_t) t->offset);
}

/*
 * Lex an integer or decimal, with an optional leading '-'.  Letters right
 * after the digits make an invalid name ("9Doc"), reported here.
 */
static void
lex_number(Parser *p, Token *t)
{
	t->kind = TK_INTEGER;
	if (p->src[p->pos] == '-')
		advance(p);
	while (p->pos < p->len && is_digit(p->src[p->pos]))
		advance(p);
	if (p->pos + 1 < p->len && p->src[p->pos] == '.' &&
		is_digit(p->src[p->pos + 1]))
	{
		t->kind = TK_DECIMAL;
		advance(p);
		while (p->pos < p->len && is_digit(p->src[p->pos]))
			advance(p);
	}
	if (p->pos < p->len && is_ident_char(p->src[p->pos]))
	{
		char	   *text;

		while (p->pos < p->len && is_ident_char(p->src[p->pos]))
			advance(p);
		text = rbac_strndup(p->alloc, (const char *) p->src + t->offset,
							p->pos - (size_t) t->offset);
		report(p, t->line, t->col, RBAC_DIAG_SYNTAX, NULL,
			   "invalid name \"%s\": a name cannot start with a digit",
			   clip(p, text));
		t->kind = TK_ERROR;
		return;
	}
	t->text = rbac_strndup(p->alloc, (const char *) p->src + t->offset,
						   p->pos - (size_t) t->offset);
}

/*
 * Lex a double-quoted string.  Only \" and \\ are escapes; a newline or the
 * end of input before the closing quote is an unterminated string.  An
 * unknown escape is reported but the string is still returned (keeping the
 * backslash), to avoid a cascade of errors; a NUL byte or malformed UTF-8
 * makes the token an error.
 */
static void
lex_string(Parser *p, Token *t)
{
	size_t		start;
	size_t		stop;
	size_t		i;
	size_t		n;
	bool		bad = false;
	bool		bad_escape = false;
	bool		bad_utf8 = false;
	char	   *out;

	advance(p);					/* opening quote */
	start = p->pos;
	for (;;)
	{
		unsigned char c;

		if (p->pos >= p->len || p->src[p->pos] == '\n' ||
			p->src[p->pos] == '\r')
		{
			report(p, t->line, t->col, RBAC_DIAG_SYNTAX,
				   "A string must end with a double quote on the line where it starts.",
				   "unterminated string");
			t->kind = TK_ERROR;
			return;
		}
		c = p->src[p->pos];
		if (c == '"')
			break;
		if (c == '\\')
		{
			unsigned char e;

			if (p->pos + 1 >= p->len)
			{
				advance(p);
				continue;		/* reported as unterminated */
			}
			e = p->src[p->pos + 1];
			if (e == '"' || e == '\\')
			{
				advance(p);
				advance(p);
				continue;
			}
			if (e == '\n' || e == '\r')
			{
				advance(p);
				continue;		/* reported as unterminated */
			}
			if (!bad_escape)
			{
				if (e > 0x20 && e < 0x7F)
					report(p, p->line, p->col, RBAC_DIAG_SYNTAX,
						   "The only escapes in a string are \\\" and \\\\.",
						   "invalid escape \"\\%c\" in string", e);
				else
					report(p, p->line, p->col, RBAC_DIAG_SYNTAX,
						   "The only escapes in a string are \\\" and \\\\.",
						   "invalid escape in string");
				bad_escape = true;
			}
			advance(p);
			continue;
		}
		if (c == 0)
		{
			if (!bad)
				report(p, p->line, p->col, RBAC_DIAG_SYNTAX, NULL,
					   "unexpected character U+0000 in string");
			bad = true;
			advance(p);
			continue;
		}
		if (c >= 0x80)
		{
			int			len = utf8_len(p->src + p->pos, p->len - p->pos);

			if (len == 0)
			{
				if (!bad_utf8)
					report(p, p->line, p->col, RBAC_DIAG_SYNTAX,
						   "Policies are UTF-8 text.",
						   "invalid UTF-8 byte sequence");
				bad_utf8 = true;
				advance(p);
				continue;
			}
			while (len-- > 0)
				advance(p);
			continue;
		}
		advance(p);
	}
	stop = p->pos;
	advance(p);					/* closing quote */
	if (bad || bad_utf8)
	{
		t->kind = TK_ERROR;
		return;
	}

	/* copy, resolving the two escapes */
	out = rbac_alloc(p->alloc, stop - start + 1);
	n = 0;
	for (i = start; i < stop; i++)
	{
		unsigned char c = p->src[i];

		if (c == '\\' && i + 1 < stop &&
			(p->src[i + 1] == '"' || p->src[i + 1] == '\\'))
			c = p->src[++i];
		out[n++] = (char) c;
	}
	out[n] = '\0';
	t->kind = TK_STRING;
	t->text = out;
}

/* Lex punctuation and operators, or report an unexpected character. */
static void
lex_punct(Parser *p, Token *t)
{
	unsigned char c = p->src[p->pos];
	unsigned char d = p->pos + 1 < p->len ? p->src[p->pos + 1] : 0;

	advance(p);
	switch (c)
	{
		case '{':
			t->kind = TK_LBRACE;
			return;
		case '}':
			t->kind = TK_RBRACE;
			return;
		case '[':
			t->kind = TK_LBRACKET;
			return;
		case ']':
			t->kind = TK_RBRACKET;
			return;
		case '(':
			t->kind = TK_LPAREN;
			return;
		case ')':
			t->kind = TK_RPAREN;
			return;
		case ',':
			t->kind = TK_COMMA;
			return;
		case ';':
			t->kind = TK_SEMI;
			return;
		case '.':
			t->kind = TK_DOT;
			return;
		case ':':
			t->kind = TK_COLON;
			if (d == '=')
			{
				advance(p);
				t->kind = TK_ASSIGN;
			}
			return;
		case '=':
			t->kind = TK_EQ;
			if (d == '=')
			{
				advance(p);
				t->kind = TK_EQEQ;
			}
			return;
		case '<':
			t->kind = TK_LT;
			if (d == '=')
			{
				advance(p);
				t->kind = TK_LE;
			}
			return;
		case '>':
			t->kind = TK_GT;
			if (d == '=')
			{
				advance(p);
				t->kind = TK_GE;
			}
			return;
		case '!':
			if (d == '=')
			{
				advance(p);
				t->kind = TK_NE;
				return;
			}
			break;
		case '+':
		case '-':
		case '*':
		case '/':
		case '%':
			t->kind = TK_ARITH;
			return;
		default:
			break;
	}
	t->kind = TK_ERROR;
	if (c == '\'' || c == '`')
		report(p, t->line, t->col, RBAC_DIAG_SYNTAX,
			   "Strings use double quotes.",
			   "unexpected character \"%c\"", c);
	else if (c > 0x20 && c < 0x7F)
		report(p, t->line, t->col, RBAC_DIAG_SYNTAX, NULL,
			   "unexpected character \"%c\"", c);
	else
		report(p, t->line, t->col, RBAC_DIAG_SYNTAX, NULL,
			   "unexpected character U+%04X", (unsigned) c);
}

/* Produce the next token into t. */
static void
lex(Parser *p, Token *t)
{
	unsigned char c;

	memset(t, 0, sizeof(*t));
	skip_space(p);
	t->line = p->line;
	t->col = p->col;
	t->offset = (int) p->pos;
	if (p->pos >= p->len)
	{
		/* point just past the last token: where a missing ";" belongs */
		t->kind = TK_EOF;
		t->line = p->last_line;
		t->col = p->last_col;
		t->end = t->offset;
		return;
	}
	c = p->src[p->pos];
	if (is_ident_start(c))
		lex_ident(p, t);
	else if (is_digit(c) ||
			 (c == '-' && p->pos + 1 < p->len && is_digit(p->src[p->pos + 1])))
		lex_number(p, t);
	else if (c == '"')
		lex_string(p, t);
	else
		lex_punct(p, t);
	t->end = (int) p->pos;
	p->last_line = p->line;
	p->last_col = p->col;
}


/* ---------------------------------------------------------------------
 * Token stream
 * ---------------------------------------------------------------------
 */

/*
 * The token k places ahead (k < LOOKAHEAD - 1).  The pointer stays valid
 * until the token is consumed; copy a token to keep it longer.
 */
static Token *
peek(Parser *p, int k)
{
	while (!p->stopped && p->nbuf <= k)
	{
		lex(p, &p->buf[(p->head + p->nbuf) % LOOKAHEAD]);
		p->nbuf++;
	}
	if (p->stopped)
		return &p->eof;
	return &p->buf[(p->head + k) % LOOKAHEAD];
}

/* The current token. */
static Token *
cur(Parser *p)
{
	return peek(p, 0);
}

/* Consume the current token (never the end of input). */
static void
next(Parser *p)
{
	Token	   *t = peek(p, 0);

	if (p->stopped || t->kind == TK_EOF)
		return;
	p->prev_end = t->end;
	p->head = (p->head + 1) % LOOKAHEAD;
	p->nbuf--;
	p->consumed++;
}

/* Is t the identifier word? */
static bool
is_word(const Token *t, const char *word)
{
	return t->kind == TK_IDENT && strcmp(t->text, word) == 0;
}

/* Consume the current token if it has kind k. */
static bool
accept(Parser *p, TokKind k)
{
	if (cur(p)->kind != k)
		return false;
	next(p);
	return true;
}

/* Report "expected WHAT, found TOKEN" at the current token. */
static void
expected(Parser *p, const char *what, const char *hint)
{
	Token	   *t = cur(p);

	report_at(p, t, RBAC_DIAG_SYNTAX, hint, "expected %s, found %s", what,
			  describe(p, t));
}

/*
 * Does a block start here ("actor Name {", "resource Name {",
 * "global {")?  Recovery stops at such a point: it is the likeliest place
 * where the input makes sense again, e.g. after a missing "}".
 */
static bool
at_block_start(Parser *p)
{
	Token	   *t = peek(p, 0);
	TokKind		k;

	if (t->kind != TK_IDENT)
		return false;
	if (strcmp(t->text, "global") == 0)
		return peek(p, 1)->kind == TK_LBRACE;
	if (strcmp(t->text, "actor") != 0 && strcmp(t->text, "resource") != 0)
		return false;
	k = peek(p, 1)->kind;
	if (k != TK_IDENT && k != TK_STRING)
		return false;
	return peek(p, 2)->kind == TK_LBRACE;
}

/*
 * Recover at top level: skip to just after the next ";" outside braces, or
 * just after a "}" that closes a skipped block (or is a stray one), or to
 * the start of the next block.
 */
static void
sync_top(Parser *p)
{
	int			depth = 0;

	for (;;)
	{
		Token	   *t = cur(p);

		if (t->kind == TK_EOF)
			return;
		if (depth == 0 && at_block_start(p))
			return;
		switch (t->kind)
		{
			case TK_LBRACE:
				depth++;
				break;
			case TK_RBRACE:
				if (depth <= 1)
				{
					next(p);
					return;
				}
				depth--;
				break;
			case TK_SEMI:
				if (depth == 0)
				{
					next(p);
					return;
				}
				break;
			default:
				break;
		}
		next(p);
	}
}

/*
 * Recover inside a rule outside blocks: skip to just after the next ";"
 * outside braces (braces in a rule are Polar patterns), or to the start of
 * the next block.  A stray "}" is skipped too.
 */
static void
sync_rule(Parser *p)
{
	int			depth = 0;

	for (;;)
	{
		Token	   *t = cur(p);

		if (t->kind == TK_EOF)
			return;
		if (depth == 0 && at_block_start(p))
			return;
		if (t->kind == TK_LBRACE)
			depth++;
		else if (t->kind == TK_RBRACE && depth > 0)
			depth--;
		else if (t->kind == TK_SEMI && depth == 0)
		{
			next(p);
			return;
		}
		next(p);
	}
}

/*
 * Recover inside a block: skip to just after the next ";", or to (not
 * past) the "}" that closes the current block, or to the start of the
 * next block (the current one then lacks its "}").
 */
static void
sync_block(Parser *p)
{
	int			depth = 0;

	for (;;)
	{
		Token	   *t = cur(p);

		if (t->kind == TK_EOF)
			return;
		if (depth == 0 && at_block_start(p))
			return;
		if (t->kind == TK_LBRACE)
			depth++;
		else if (t->kind == TK_RBRACE)
		{
			if (depth == 0)
				return;
			depth--;
		}
		else if (t->kind == TK_SEMI)
		{
			next(p);
			return;
		}
		next(p);
	}
}


/* ---------------------------------------------------------------------
 * Building the policy
 * ---------------------------------------------------------------------
 */

/* "actor" or "resource". */
static const char *
type_word(bool is_actor)
{
	return is_actor ? "actor" : "resource";
}

/*
 * The type of a block header, created on first declaration (merging later
 * blocks into it).  A type declared both as actor and as resource is an
 * error; the block's contents still go into the one type.
 */
static RbacType *
get_type(Parser *p, const Token *name, bool is_actor)
{
	RbacPolicy *pol = p->policy;
	RbacNameEntry *s = rbac_names_find(&p->types, NULL, name->text);
	RbacType   *t;

	if (s)
	{
		t = pol->types[s->idx];
		if (t->is_actor != is_actor)
			report(p, name->line, name->col, RBAC_DIAG_SEMANTIC,
				   "A type is either an actor type or a resource type; actors can still be the resource of last-mile rules.",
				   "\"%s\" is declared as both an actor and a resource",
				   name->text);
		return t;
	}
	if (name->text[0] == '\0')
		report(p, name->line, name->col, RBAC_DIAG_SEMANTIC, NULL,
			   "empty type name");
	else if (strchr(name->text, ':') != NULL)
		report(p, name->line, name->col, RBAC_DIAG_SEMANTIC,
			   "References are written Type:id, so a type name cannot contain a colon.",
			   "type name \"%s\" cannot contain \":\"", name->text);
	t = rbac_alloc(p->alloc, sizeof(RbacType));
	t->name = name->text;
	t->is_actor = is_actor;
	t->line = name->line;
	t->col = name->col;
	t->index = pol->ntypes;
	pol->types = rbac_grow(p->alloc, pol->types, &pol->typecap,
						   pol->ntypes + 1, sizeof(RbacType *));
	pol->types[pol->ntypes++] = t;
	rbac_names_add(p->alloc, &p->types, NULL, t->name, t->index);
	return t;
}

/*
 * Declare a term of a type from declaration list number serial.  The same
 * name twice in one list is a duplicate; the same name and kind in another
 * list (another block) merges silently; another kind is a conflict; a
 * relation merges only with the same target.
 */
static void
add_term(Parser *p, RbacType *type, const char *label, RbacTermKind kind,
		 const Token *name, const Token *target, int serial)
{
	RbacNameEntry *s = rbac_names_find(&p->terms, type, name->text);
	RbacTerm   *term;

	if (name->text[0] == '\0')
	{
		report(p, name->line, name->col, RBAC_DIAG_SEMANTIC, NULL,
			   "empty %s name in %s", rbac_term_word(kind), label);
		return;
	}
	if (s)
	{
		RbacTerm   *old = &type->terms[s->idx];

		if (old->kind != kind)
			report(p, name->line, name->col, RBAC_DIAG_SEMANTIC, NULL,
				   "\"%s\" is declared as both a %s and a %s in %s",
				   name->text, rbac_term_word(old->kind), rbac_term_word(kind), label);
		else if (s->serial == serial)
			report(p, name->line, name->col, RBAC_DIAG_SEMANTIC, NULL,
				   "duplicate %s \"%s\" in %s", rbac_term_word(kind), name->text,
				   label);
		else if (kind == RBAC_TERM_RELATION &&
				 strcmp(old->target ? old->target : "",
						target ? target->text : "") != 0)
			report(p, name->line, name->col, RBAC_DIAG_SEMANTIC, NULL,
				   "relation \"%s\" in %s is declared with two targets, %s and %s",
				   name->text, label, old->target ? old->target : "?",
				   target ? target->text : "?");
		s->serial = serial;
		return;
	}
	type->terms = rbac_grow(p->alloc, type->terms, &type->termcap,
							type->nterms + 1, sizeof(RbacTerm));
	term = &type->terms[type->nterms];
	term->name = name->text;
	term->kind = kind;
	term->line = name->line;
	term->col = name->col;
	if (target)
	{
		term->target = target->text;
		term->target_line = target->line;
		term->target_col = target->col;
	}
	s = rbac_names_add(p->alloc, &p->terms, type, term->name, type->nterms);
	s->serial = serial;
	type->nterms++;
}

/* Declare a global role from global roles list number serial. */
static void
add_global(Parser *p, const Token *name, int serial)
{
	RbacPolicy *pol = p->policy;
	RbacNameEntry *s = rbac_names_find(&p->globals, NULL, name->text);
	RbacGlobalRole *g;

	if (name->text[0] == '\0')
	{
		report(p, name->line, name->col, RBAC_DIAG_SEMANTIC, NULL,
			   "empty global role name");
		return;
	}
	if (s)
	{
		if (s->serial == serial)
			report(p, name->line, name->col, RBAC_DIAG_SEMANTIC, NULL,
				   "duplicate global role \"%s\"", name->text);
		s->serial = serial;
		return;
	}
	pol->globals = rbac_grow(p->alloc, pol->globals, &pol->globalcap,
							 pol->nglobals + 1, sizeof(RbacGlobalRole));
	g = &pol->globals[pol->nglobals];
	g->name = name->text;
	g->line = name->line;
	g->col = name->col;
	s = rbac_names_add(p->alloc, &p->globals, NULL, g->name, pol->nglobals);
	s->serial = serial;
	pol->nglobals++;
}


/* ---------------------------------------------------------------------
 * Blocks
 * ---------------------------------------------------------------------
 */

/*
 * Does the current token begin a new item of a block (so that a missing
 * ";" before it needs no skipping)?
 */
static bool
at_block_item(Parser *p)
{
	Token	   *t = cur(p);

	return t->kind == TK_STRING || t->kind == TK_RBRACE ||
		t->kind == TK_EOF || is_word(t, "roles") ||
		is_word(t, "permissions") || is_word(t, "relations") ||
		at_block_start(p);
}

/*
 * Expect the ";" that ends a declaration or shorthand rule.  When it is
 * missing and a new item follows, carry on from there; otherwise skip.
 */
static void
expect_block_semi(Parser *p, const char *after)
{
	if (accept(p, TK_SEMI))
		return;
	expected(p, rbac_format(p->alloc, "\";\" after %s", after), NULL);
	if (!at_block_item(p))
		sync_block(p);
}

/*
 * Parse the strings of a list after its "[" (trailing comma allowed),
 * declaring each.  Only the first error of a list is reported; the strings
 * around it are still declared, so that one typo does not make every
 * later use of the list's names an error too.  Returns false when the list
 * was not closed (the current token is then ";", "}", a block start or the
 * end of input).
 */
static bool
parse_string_list(Parser *p, ListTarget *lt)
{
	int			serial = ++p->serial;
	bool		need_sep = false;
	bool		bad = false;

	for (;;)
	{
		Token		t = *cur(p);

		if (p->stopped)
			return false;
		if (t.kind == TK_RBRACKET)
		{
			next(p);
			return true;
		}
		if (t.kind == TK_SEMI || t.kind == TK_RBRACE || t.kind == TK_EOF ||
			at_block_start(p))
		{
			if (!bad)
				expected(p, rbac_format(p->alloc, "\"]\" to close the %s list", lt->what),
						 NULL);
			return false;
		}
		if (need_sep)
		{
			if (t.kind == TK_COMMA)
			{
				next(p);
				need_sep = false;
				continue;
			}
			if (!bad)
				expected(p, rbac_format(p->alloc, "\",\" or \"]\" in the %s list",
										lt->what), NULL);
			bad = true;
			if (t.kind != TK_STRING)
			{
				next(p);
				continue;
			}
			/* a missing comma: take the string as the next element */
		}
		if (t.kind == TK_STRING)
		{
			if (lt->type)
				add_term(p, lt->type, lt->label, lt->kind, &t, NULL, serial);
			else
				add_global(p, &t, serial);
			next(p);
			need_sep = true;
			continue;
		}
		if (!bad)
			expected(p, rbac_format(p->alloc, "a string in the %s list", lt->what),
					 t.kind == TK_IDENT ?
					 "Role and permission names are strings: [\"read\", \"write\"]." :
					 NULL);
		bad = true;
		next(p);
		need_sep = (t.kind != TK_COMMA);
	}
}

/*
 * roles = [...];  or  permissions = [...];  (the keyword is current).
 * seen says whether the block had one already.
 */
static void
parse_list_decl(Parser *p, ListTarget *lt, bool *seen)
{
	Token		kw = *cur(p);

	next(p);
	if (*seen)
	{
		if (lt->type)
			report(p, kw.line, kw.col, RBAC_DIAG_SEMANTIC,
				   "Declare all of them in one list.",
				   "%s declared twice in %s", kw.text, lt->label);
		else
			report(p, kw.line, kw.col, RBAC_DIAG_SEMANTIC,
				   "Declare all of them in one list.",
				   "roles declared twice in the global block");
	}
	*seen = true;
	if (!accept(p, TK_EQ))
	{
		expected(p, rbac_format(p->alloc, "\"=\" after \"%s\"", kw.text), NULL);
		sync_block(p);
		return;
	}
	if (!accept(p, TK_LBRACKET))
	{
		expected(p, rbac_format(p->alloc, "\"[\" after \"%s =\"", kw.text),
				 rbac_format(p->alloc, "A list of names is written in brackets: %s = [\"a\", \"b\"];",
							 kw.text));
		sync_block(p);
		return;
	}
	if (!parse_string_list(p, lt))
	{
		accept(p, TK_SEMI);
		return;
	}
	expect_block_semi(p, rbac_format(p->alloc, "the %s declaration", kw.text));
}

/*
 * relations = { name: Type, ... };  (the keyword is current).  Keys and
 * targets are identifiers or strings; a trailing comma is allowed.
 */
static void
parse_relations(Parser *p, RbacType *type, const char *label, bool *seen)
{
	Token		kw = *cur(p);
	int			serial = ++p->serial;
	bool		need_sep = false;
	bool		bad = false;

	next(p);
	if (*seen)
		report(p, kw.line, kw.col, RBAC_DIAG_SEMANTIC,
			   "Declare all of them in one map.",
			   "relations declared twice in %s", label);
	*seen = true;
	if (!accept(p, TK_EQ))
	{
		expected(p, "\"=\" after \"relations\"", NULL);
		sync_block(p);
		return;
	}
	if (!accept(p, TK_LBRACE))
	{
		expected(p, "\"{\" after \"relations =\"",
				 "Relations are written as a map: relations = { parent: Folder };");
		sync_block(p);
		return;
	}
	for (;;)
	{
		Token		key = *cur(p);
		Token		target;

		if (p->stopped)
			return;
		if (key.kind == TK_RBRACE)
		{
			next(p);
			break;
		}
		if (key.kind == TK_SEMI || key.kind == TK_EOF || at_block_start(p))
		{
			if (!bad)
				expected(p, "\"}\" to close the relations map", NULL);
			accept(p, TK_SEMI);
			return;
		}
		if (need_sep)
		{
			if (key.kind == TK_COMMA)
			{
				next(p);
				need_sep = false;
				continue;
			}
			if (!bad)
				expected(p, "\",\" or \"}\" in the relations map", NULL);
			bad = true;
			if (key.kind != TK_IDENT && key.kind != TK_STRING)
			{
				next(p);
				continue;
			}
		}
		need_sep = true;
		if (key.kind != TK_IDENT && key.kind != TK_STRING)
		{
			if (!bad)
				expected(p, "a relation name in the relations map", NULL);
			bad = true;
			next(p);
			need_sep = (key.kind != TK_COMMA);
			continue;
		}
		next(p);
		if (!accept(p, TK_COLON))
		{
			if (!bad)
				expected(p, rbac_format(p->alloc, "\":\" after relation \"%s\"",
										clip(p, key.text)),
						 "Relations are written as a map: relations = { parent: Folder };");
			bad = true;
			continue;
		}
		target = *cur(p);
		if (target.kind != TK_IDENT && target.kind != TK_STRING)
		{
			if (!bad)
				expected(p, rbac_format(p->alloc, "a type name after \"%s:\"",
										clip(p, key.text)), NULL);
			bad = true;
			continue;
		}
		next(p);
		add_term(p, type, label, RBAC_TERM_RELATION, &key, &target, serial);
	}
	expect_block_semi(p, "the relations declaration");
}

/*
 * A shorthand rule (the head string is current):
 *	"X" if "Y";  "X" if "Y" on "rel";  "X" if global "G";
 * Names are not resolved here; the validator does that.
 */
static void
parse_shorthand(Parser *p, RbacType *type)
{
	Token		head = *cur(p);
	Token		body;
	Token		via;
	bool		is_global = false;
	bool		has_via = false;
	RbacShorthand *r;

	next(p);
	if (!is_word(cur(p), "if"))
	{
		expected(p, rbac_format(p->alloc, "\"if\" after \"%s\"", clip(p, head.text)),
				 "Shorthand rules read \"read\" if \"viewer\", with the names in double quotes.");
		sync_block(p);
		return;
	}
	next(p);
	if (is_word(cur(p), "global"))
	{
		next(p);
		is_global = true;
		if (cur(p)->kind != TK_STRING)
		{
			expected(p, "a global role name after \"global\"", NULL);
			sync_block(p);
			return;
		}
	}
	else if (cur(p)->kind != TK_STRING)
	{
		expected(p, "a role or permission name after \"if\"",
				 cur(p)->kind == TK_IDENT ?
				 "Role and permission names are strings, as in \"read\" if \"viewer\"." :
				 NULL);
		sync_block(p);
		return;
	}
	body = *cur(p);
	next(p);
	if (!is_global && is_word(cur(p), "on"))
	{
		next(p);
		if (cur(p)->kind != TK_STRING)
		{
			expected(p, "a relation name after \"on\"",
					 "The relation is a string too, as in \"admin\" if \"owner\" on \"parent\".");
			sync_block(p);
			return;
		}
		via = *cur(p);
		has_via = true;
		next(p);
	}
	type->rules = rbac_grow(p->alloc, type->rules, &type->rulecap,
							type->nrules + 1, sizeof(RbacShorthand));
	r = &type->rules[type->nrules++];
	memset(r, 0, sizeof(*r));
	r->head = head.text;
	r->head_line = head.line;
	r->head_col = head.col;
	r->body = body.text;
	r->body_line = body.line;
	r->body_col = body.col;
	r->is_global = is_global;
	if (has_via)
	{
		r->via = via.text;
		r->via_line = via.line;
		r->via_col = via.col;
	}
	expect_block_semi(p, "the shorthand rule");
}

/*
 * The contents of a block after its "{", up to and including "}".  type
 * may be a scratch type (block with a broken name): its contents are still
 * checked.  Global blocks have their own loop (parse_global).
 */
static void
parse_block_body(Parser *p, RbacType *type, const char *label)
{
	bool		seen_roles = false;
	bool		seen_perms = false;
	bool		seen_rels = false;
	ListTarget	lt;

	lt.type = type;
	lt.label = label;
	for (;;)
	{
		Token	   *t = cur(p);
		long		before = p->consumed;

		if (p->stopped)
			return;
		if (t->kind == TK_RBRACE)
		{
			next(p);
			return;
		}
		if (t->kind == TK_EOF || at_block_start(p))
		{
			expected(p, rbac_format(p->alloc, "\"}\" to close %s", label), NULL);
			return;
		}
		if (t->kind == TK_ERROR)
			next(p);			/* reported by the lexer; nothing to skip */
		else if (is_word(t, "roles"))
		{
			lt.kind = RBAC_TERM_ROLE;
			lt.what = "roles";
			parse_list_decl(p, &lt, &seen_roles);
		}
		else if (is_word(t, "permissions"))
		{
			lt.kind = RBAC_TERM_PERMISSION;
			lt.what = "permissions";
			parse_list_decl(p, &lt, &seen_perms);
		}
		else if (is_word(t, "relations"))
			parse_relations(p, type, label, &seen_rels);
		else if (t->kind == TK_STRING)
			parse_shorthand(p, type);
		else if (t->kind == TK_IDENT && peek(p, 1)->kind == TK_EQ)
		{
			static const char *const decls[] = {"roles", "permissions",
			"relations"};
			const char *sugg = rbac_closest(t->text, decls, 3);
			const char *hint = "A block declares roles = [...], permissions = [...] and relations = {...}, and holds shorthand rules.";

			if (sugg)
				report_at(p, t, RBAC_DIAG_SYNTAX, hint,
						  "unknown declaration \"%s\" in %s (did you mean \"%s\"?)",
						  clip(p, t->text), label, sugg);
			else
				report_at(p, t, RBAC_DIAG_SYNTAX, hint,
						  "unknown declaration \"%s\" in %s",
						  clip(p, t->text), label);
			sync_block(p);
		}
		else if (t->kind == TK_IDENT && is_word(peek(p, 1), "if"))
		{
			expected(p, "a string as the head of a shorthand rule",
					 "Role and permission names are strings, as in \"read\" if \"viewer\".");
			sync_block(p);
		}
		else
		{
			expected(p, rbac_format(p->alloc, "a declaration or a shorthand rule in %s",
									label), NULL);
			sync_block(p);
		}
		/* guarantee progress whatever happened */
		if (p->consumed == before && cur(p)->kind != TK_RBRACE &&
			cur(p)->kind != TK_EOF && !at_block_start(p))
			next(p);
	}
}

/*
 * actor Name { ... }  or  resource Name { ... }  (the keyword is current).
 * Name is an identifier or a string.  Without a usable name the contents
 * are still parsed (into a scratch type) to report their errors.
 */
static void
parse_block(Parser *p, bool is_actor)
{
	Token		kw = *cur(p);
	Token		name = *peek(p, 1);
	RbacType   *type;
	const char *label;

	next(p);
	if (name.kind == TK_IDENT || name.kind == TK_STRING)
	{
		next(p);
		type = get_type(p, &name, is_actor);
		label = rbac_format(p->alloc, "%s %s", type_word(is_actor), name.text);
	}
	else
	{
		expected(p, rbac_format(p->alloc, "a type name after \"%s\"", kw.text),
				 rbac_format(p->alloc, "A block starts with %s Name { and ends with }.", kw.text));
		if (name.kind == TK_ERROR)
			next(p);
		if (cur(p)->kind != TK_LBRACE)
		{
			sync_top(p);
			return;
		}
		type = rbac_alloc(p->alloc, sizeof(RbacType));
		type->is_actor = is_actor;
		type->index = -1 - p->nscratch++;
		label = rbac_format(p->alloc, "this %s block", type_word(is_actor));
	}
	if (!accept(p, TK_LBRACE))
	{
		Token	   *t = cur(p);

		expected(p, rbac_format(p->alloc, "\"{\" after \"%s %s\"", kw.text,
								clip(p, name.text)), NULL);
		/* parse on when the block's contents plainly follow */
		if (!(t->kind == TK_STRING || is_word(t, "roles") ||
			  is_word(t, "permissions") || is_word(t, "relations")))
		{
			sync_top(p);
			return;
		}
	}
	parse_block_body(p, type, label);
}

/* global { roles = [...]; }  (the keyword is current). */
static void
parse_global(Parser *p)
{
	bool		seen = false;
	ListTarget	lt;

	next(p);
	if (!accept(p, TK_LBRACE))
	{
		expected(p, "\"{\" after \"global\"", NULL);
		sync_top(p);
		return;
	}
	lt.type = NULL;
	lt.kind = RBAC_TERM_ROLE;
	lt.label = "the global block";
	lt.what = "roles";
	for (;;)
	{
		Token	   *t = cur(p);
		long		before = p->consumed;

		if (p->stopped)
			return;
		if (t->kind == TK_RBRACE)
		{
			next(p);
			return;
		}
		if (t->kind == TK_EOF || at_block_start(p))
		{
			expected(p, "\"}\" to close the global block", NULL);
			return;
		}
		if (t->kind == TK_ERROR)
			next(p);			/* reported by the lexer; nothing to skip */
		else if (is_word(t, "roles"))
			parse_list_decl(p, &lt, &seen);
		else
		{
			expected(p, "\"roles\" in the global block",
					 "The global block declares only roles: global { roles = [\"admin\"]; }.");
			sync_block(p);
		}
		if (p->consumed == before && cur(p)->kind != TK_RBRACE &&
			cur(p)->kind != TK_EOF && !at_block_start(p))
			next(p);
	}
}


/* ---------------------------------------------------------------------
 * Rule bodies
 * ---------------------------------------------------------------------
 */

/* A new expression node at the position of token t. */
static RbacExpr *
new_expr(Parser *p, RbacExprKind kind, int line, int col)
{
	RbacExpr   *e = rbac_alloc(p->alloc, sizeof(RbacExpr));

	e->kind = kind;
	e->line = line;
	e->col = col;
	return e;
}

/* Words that cannot name a variable in a rule body. */
static bool
is_reserved(const char *s)
{
	static const char *const words[] = {
		"if", "on", "and", "or", "not", "in", "true", "false", "nil"
	};
	size_t		i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}

/* Polar words whose constructs pg_rbac does not support. */
static bool
is_polar_unsupported(const char *s)
{
	static const char *const words[] = {
		"matches", "isa", "forall", "cut", "new", "print", "debug"
	};
	size_t		i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}

/* Report an unsupported Polar construct at token t. */
static void
unsupported_word(Parser *p, const Token *t)
{
	const char *hint = NULL;

	if (strcmp(t->text, "matches") == 0 || strcmp(t->text, "isa") == 0)
		hint = "Give the parameter a type in the rule head instead (doc: Document).";
	report_at(p, t, RBAC_DIAG_UNSUPPORTED, hint,
			  "\"%s\" is not supported in pg_rbac policies", t->text);
}

/*
 * Report a call of something other than has_role / has_permission in a
 * rule body (the name is current, "(" follows).
 */
static void
unsupported_call(Parser *p, const Token *t)
{
	if (strcmp(t->text, "has_relation") == 0)
		report_at(p, t, RBAC_DIAG_UNSUPPORTED,
				  "Relations come from the tables linked with rbac.bind; declare them in the resource block and bind the table.",
				  "has_relation is not supported in pg_rbac policies");
	else if (is_polar_unsupported(t->text))
		unsupported_word(p, t);
	else
		report_at(p, t, RBAC_DIAG_UNSUPPORTED,
				  "A rule body can call has_role and has_permission only.",
				  "calling \"%s\" is not supported in a rule body",
				  clip(p, t->text));
}

/*
 * An operand: a literal or a path var(.field)*.  Returns NULL after
 * reporting (or on a lexical error token).
 */
static RbacOperand *
parse_operand(Parser *p)
{
	Token		t = *cur(p);
	RbacOperand *o;

	switch (t.kind)
	{
		case TK_STRING:
		case TK_INTEGER:
		case TK_DECIMAL:
			o = rbac_alloc(p->alloc, sizeof(RbacOperand));
			o->kind = t.kind == TK_STRING ? RBAC_OP_STRING :
				t.kind == TK_INTEGER ? RBAC_OP_INTEGER : RBAC_OP_DECIMAL;
			o->line = t.line;
			o->col = t.col;
			o->text = t.text;
			next(p);
			return o;
		case TK_LBRACKET:
			report_at(p, &t, RBAC_DIAG_UNSUPPORTED,
					  "Write x in [\"a\", \"b\"] to test membership in a list of literals.",
					  "lists are supported only on the right of \"in\"");
			return NULL;
		case TK_LBRACE:
			report_at(p, &t, RBAC_DIAG_UNSUPPORTED, NULL,
					  "dictionaries and patterns are not supported in pg_rbac policies");
			return NULL;
		case TK_IDENT:
			break;
		default:
			expected(p, "an operand", NULL);
			return NULL;
	}

	o = rbac_alloc(p->alloc, sizeof(RbacOperand));
	o->line = t.line;
	o->col = t.col;
	if (strcmp(t.text, "true") == 0 || strcmp(t.text, "false") == 0)
	{
		o->kind = RBAC_OP_BOOL;
		o->bval = (t.text[0] == 't');
		o->text = t.text;
		next(p);
		return o;
	}
	if (strcmp(t.text, "nil") == 0)
	{
		o->kind = RBAC_OP_NIL;
		o->text = t.text;
		next(p);
		return o;
	}
	if (is_reserved(t.text))
	{
		expected(p, "an operand", NULL);
		return NULL;
	}
	if (is_polar_unsupported(t.text))
	{
		unsupported_word(p, &t);
		return NULL;
	}
	if (peek(p, 1)->kind == TK_LPAREN)
	{
		if (strcmp(t.text, "has_role") == 0 ||
			strcmp(t.text, "has_permission") == 0)
			report_at(p, &t, RBAC_DIAG_SYNTAX, NULL,
					  "%s can be used only as a condition, not as a value",
					  t.text);
		else
			unsupported_call(p, &t);
		return NULL;
	}
	if (peek(p, 1)->kind == TK_LBRACE)
	{
		report_at(p, &t, RBAC_DIAG_UNSUPPORTED,
				  "Give the parameter a type in the rule head (doc: Document) and compare fields in the body.",
				  "specializer patterns like %s{...} are not supported",
				  clip(p, t.text));
		return NULL;
	}

	/* a path */
	o->kind = RBAC_OP_PATH;
	o->text = t.text;
	o->path.var = t.text;
	next(p);
	{
		int			cap = 0;

		while (cur(p)->kind == TK_DOT)
		{
			Token		f;

			next(p);
			f = *cur(p);
			if (f.kind != TK_IDENT)
			{
				expected(p, "a field name after \".\"", NULL);
				return NULL;
			}
			o->path.fields = rbac_grow(p->alloc, o->path.fields, &cap,
									   o->path.nfields + 1, sizeof(char *));
			o->path.fields[o->path.nfields++] = f.text;
			next(p);
		}
	}
	if (cur(p)->kind == TK_LPAREN)
	{
		report_at(p, cur(p), RBAC_DIAG_UNSUPPORTED, NULL,
				  "method calls are not supported in pg_rbac policies");
		return NULL;
	}
	return o;
}

/*
 * has_role(actor, "role", path) or has_permission(actor, "perm", path) as
 * a condition (the name is current, "(" follows).
 */
static RbacExpr *
parse_call(Parser *p)
{
	Token		name = *cur(p);
	bool		is_role = strcmp(name.text, "has_role") == 0;
	RbacExpr   *e = new_expr(p, is_role ? RBAC_EX_HAS_ROLE :
							 RBAC_EX_HAS_PERMISSION, name.line, name.col);
	Token		t;

	next(p);
	next(p);					/* ( */
	t = *cur(p);
	if (t.kind != TK_IDENT || is_reserved(t.text))
	{
		expected(p, rbac_format(p->alloc, "the actor variable as the first argument of %s",
								name.text), NULL);
		return NULL;
	}
	e->actor_var = t.text;
	next(p);
	if (!accept(p, TK_COMMA))
	{
		expected(p, rbac_format(p->alloc, "\",\" in the arguments of %s", name.text),
				 NULL);
		return NULL;
	}
	t = *cur(p);
	if (t.kind != TK_STRING)
	{
		if (t.kind == TK_IDENT)
			report_at(p, &t, RBAC_DIAG_UNSUPPORTED, NULL,
					  "the %s in %s must be a string, not the variable \"%s\"",
					  is_role ? "role" : "permission", name.text,
					  clip(p, t.text));
		else
			expected(p, rbac_format(p->alloc, "a %s name as the second argument of %s",
									is_role ? "role" : "permission", name.text),
					 NULL);
		return NULL;
	}
	e->name = t.text;
	next(p);
	if (!accept(p, TK_COMMA))
	{
		expected(p, rbac_format(p->alloc, "\",\" in the arguments of %s", name.text),
				 NULL);
		return NULL;
	}
	t = *cur(p);
	if (t.kind != TK_IDENT || is_reserved(t.text))
	{
		expected(p, rbac_format(p->alloc, "a variable or path as the third argument of %s",
								name.text), NULL);
		return NULL;
	}
	e->target = parse_operand(p);
	if (e->target == NULL)
		return NULL;
	if (e->target->kind != RBAC_OP_PATH)
	{
		report(p, t.line, t.col, RBAC_DIAG_SYNTAX, NULL,
			   "expected a variable or path as the third argument of %s, found %s",
			   name.text, describe(p, &t));
		return NULL;
	}
	if (!accept(p, TK_RPAREN))
	{
		expected(p, rbac_format(p->alloc, "\")\" after the arguments of %s", name.text),
				 NULL);
		return NULL;
	}
	return e;
}

/* The literal list of "x in [...]" after its "[". */
static bool
parse_in_list(Parser *p, RbacExpr *e)
{
	int			cap = 0;

	for (;;)
	{
		Token		t = *cur(p);
		RbacOperand *o;

		if (t.kind == TK_RBRACKET && e->nlist > 0)
		{
			next(p);
			return true;
		}
		if (t.kind == TK_IDENT && !is_reserved(t.text))
		{
			report_at(p, &t, RBAC_DIAG_UNSUPPORTED, NULL,
					  "only literals can appear in the list of \"in\", found \"%s\"",
					  clip(p, t.text));
			return false;
		}
		if (t.kind != TK_STRING && t.kind != TK_INTEGER &&
			t.kind != TK_DECIMAL && !is_word(&t, "true") &&
			!is_word(&t, "false") && !is_word(&t, "nil"))
		{
			expected(p, "a literal in the list of \"in\"", NULL);
			return false;
		}
		o = parse_operand(p);
		if (o == NULL)
			return false;
		e->list = rbac_grow(p->alloc, e->list, &cap, e->nlist + 1,
							sizeof(RbacOperand *));
		e->list[e->nlist++] = o;
		if (accept(p, TK_COMMA))
			continue;
		if (cur(p)->kind != TK_RBRACKET)
		{
			expected(p, "\",\" or \"]\" in the list of \"in\"", NULL);
			return false;
		}
	}
}

/* The comparison operator of the current token, if it is one. */
static bool
cmp_op(TokKind k, RbacCmpOp *op)
{
	switch (k)
	{
		case TK_EQ:
		case TK_EQEQ:
			*op = RBAC_CMP_EQ;
			return true;
		case TK_NE:
			*op = RBAC_CMP_NE;
			return true;
		case TK_LT:
			*op = RBAC_CMP_LT;
			return true;
		case TK_LE:
			*op = RBAC_CMP_LE;
			return true;
		case TK_GT:
			*op = RBAC_CMP_GT;
			return true;
		case TK_GE:
			*op = RBAC_CMP_GE;
			return true;
		default:
			return false;
	}
}

/*
 * primary := '(' or_expr ')' | has_role(...) | has_permission(...)
 *		   | operand [cmpop operand | 'in' '[' literals ']']
 */
static RbacExpr *
parse_primary(Parser *p)
{
	Token		t = *cur(p);
	RbacOperand *a;
	RbacExpr   *e;
	RbacCmpOp	op;

	if (t.kind == TK_LPAREN)
	{
		if (p->depth >= MAX_DEPTH)
		{
			report_at(p, &t, RBAC_DIAG_SYNTAX, NULL,
					  "expression nested too deeply");
			return NULL;
		}
		p->depth++;
		next(p);
		e = parse_or(p);
		p->depth--;
		if (e == NULL)
			return NULL;
		if (!accept(p, TK_RPAREN))
		{
			expected(p, "\")\"", NULL);
			return NULL;
		}
		return e;
	}
	if ((is_word(&t, "has_role") || is_word(&t, "has_permission")) &&
		peek(p, 1)->kind == TK_LPAREN)
		return parse_call(p);

	a = parse_operand(p);
	if (a == NULL)
		return NULL;
	t = *cur(p);
	if (cmp_op(t.kind, &op))
	{
		next(p);
		e = new_expr(p, RBAC_EX_CMP, a->line, a->col);
		e->op = op;
		e->a = a;
		e->b = parse_operand(p);
		if (e->b == NULL)
			return NULL;
		if (cmp_op(cur(p)->kind, &op))
		{
			report_at(p, cur(p), RBAC_DIAG_SYNTAX,
					  "Join comparisons with \"and\".",
					  "comparisons cannot be chained");
			return NULL;
		}
		return e;
	}
	if (is_word(&t, "in"))
	{
		next(p);
		if (!accept(p, TK_LBRACKET))
		{
			const char *hint = "Role assignments live in the catalog: use rbac.assign_role or INSERT INTO rbac.role_assignments.";

			if (p->in_role_rule)
				report_at(p, &t, RBAC_DIAG_UNSUPPORTED, hint,
						  "has_role rules that look up roles in application data are not supported");
			else
				report_at(p, &t, RBAC_DIAG_UNSUPPORTED, hint,
						  "\"in\" is supported only with a list of literals on its right");
			return NULL;
		}
		e = new_expr(p, RBAC_EX_IN, a->line, a->col);
		e->a = a;
		if (!parse_in_list(p, e))
			return NULL;
		return e;
	}
	if (t.kind == TK_IDENT && is_polar_unsupported(t.text))
	{
		unsupported_word(p, &t);
		return NULL;
	}
	if (t.kind == TK_ASSIGN)
	{
		report_at(p, &t, RBAC_DIAG_UNSUPPORTED, NULL,
				  "assignment with \":=\" is not supported in pg_rbac policies");
		return NULL;
	}
	if (t.kind == TK_ARITH)
	{
		report_at(p, &t, RBAC_DIAG_UNSUPPORTED, NULL,
				  "arithmetic is not supported in pg_rbac policies");
		return NULL;
	}
	e = new_expr(p, RBAC_EX_OPERAND, a->line, a->col);
	e->a = a;
	return e;
}

/* not_expr := 'not' not_expr | primary */
static RbacExpr *
parse_not(Parser *p)
{
	Token		t = *cur(p);
	RbacExpr   *inner;
	RbacExpr   *e;

	if (!is_word(&t, "not"))
		return parse_primary(p);
	if (p->depth >= MAX_DEPTH)
	{
		report_at(p, &t, RBAC_DIAG_SYNTAX, NULL,
				  "expression nested too deeply");
		return NULL;
	}
	p->depth++;
	next(p);
	inner = parse_not(p);
	p->depth--;
	if (inner == NULL)
		return NULL;
	e = new_expr(p, RBAC_EX_NOT, t.line, t.col);
	e->left = inner;
	return e;
}

/*
 * Combine items[lo..hi) with kind (AND or OR) into a balanced tree, so that
 * a long chain makes a shallow tree.  Each node sits at the position of its
 * leftmost operand.
 */
static RbacExpr *
balance(Parser *p, RbacExpr **items, int lo, int hi, RbacExprKind kind)
{
	int			mid;
	RbacExpr   *e;

	if (hi - lo == 1)
		return items[lo];
	mid = lo + (hi - lo) / 2;
	e = new_expr(p, kind, items[lo]->line, items[lo]->col);
	e->left = balance(p, items, lo, mid, kind);
	e->right = balance(p, items, mid, hi, kind);
	return e;
}

/*
 * A chain sub ('word' sub)*, where sub parses the operands: the and/or
 * levels of the grammar.
 */
static RbacExpr *
parse_chain(Parser *p, const char *word, RbacExprKind kind,
			RbacExpr *(*sub) (Parser *))
{
	RbacExpr   *first = sub(p);
	RbacExpr  **items;
	int			n = 1;
	int			cap = 0;

	if (first == NULL)
		return NULL;
	if (!is_word(cur(p), word))
		return first;
	items = rbac_grow(p->alloc, NULL, &cap, 2, sizeof(RbacExpr *));
	items[0] = first;
	while (is_word(cur(p), word))
	{
		RbacExpr   *e;

		next(p);
		e = sub(p);
		if (e == NULL)
			return NULL;
		items = rbac_grow(p->alloc, items, &cap, n + 1, sizeof(RbacExpr *));
		items[n++] = e;
	}
	return balance(p, items, 0, n, kind);
}

/* and_expr := not_expr ('and' not_expr)* */
static RbacExpr *
parse_and(Parser *p)
{
	return parse_chain(p, "and", RBAC_EX_AND, parse_not);
}

/* or_expr := and_expr ('or' and_expr)* */
static RbacExpr *
parse_or(Parser *p)
{
	return parse_chain(p, "or", RBAC_EX_OR, parse_and);
}


/* ---------------------------------------------------------------------
 * Rules outside blocks
 * ---------------------------------------------------------------------
 */

/*
 * Does a new top-level item start here (so that a missing ";" before it
 * needs no skipping)?
 */
static bool
at_top_item(Parser *p)
{
	Token	   *t = cur(p);

	if (t->kind == TK_EOF || at_block_start(p))
		return true;
	return (is_word(t, "has_permission") || is_word(t, "has_role") ||
			is_word(t, "allow")) && peek(p, 1)->kind == TK_LPAREN;
}

/* Expect the ";" that ends a rule; false (after recovering) if missing. */
static bool
expect_rule_semi(Parser *p)
{
	if (accept(p, TK_SEMI))
		return true;
	expected(p, "\";\" after rule", NULL);
	if (!at_top_item(p))
		sync_rule(p);
	return false;
}

/*
 * allow(a, b, c) if has_permission(a, b, c);  -- the only allow rule
 * accepted ("(" is current).  Anything else is refused as unsupported.
 */
static void
parse_allow(Parser *p, const Token *name)
{
	const char *hint = "pg_rbac evaluates has_permission rules directly; the only allow rule accepted is allow(actor, action, resource) if has_permission(actor, action, resource).";
	const char *vars[3] = {NULL, NULL, NULL};
	bool		ok = true;
	int			i;

	next(p);					/* ( */
	for (i = 0; i < 3 && ok; i++)
	{
		Token	   *t = cur(p);

		if (t->kind != TK_IDENT || strcmp(t->text, "_") == 0 ||
			is_reserved(t->text) ||
			(i > 0 && strcmp(t->text, vars[0]) == 0) ||
			(i > 1 && strcmp(t->text, vars[1]) == 0))
			ok = false;
		else
		{
			vars[i] = t->text;
			next(p);
			ok = accept(p, i < 2 ? TK_COMMA : TK_RPAREN);
		}
	}
	ok = ok && is_word(cur(p), "if");
	if (ok)
		next(p);
	ok = ok && is_word(cur(p), "has_permission");
	if (ok)
	{
		next(p);
		ok = accept(p, TK_LPAREN);
	}
	for (i = 0; i < 3 && ok; i++)
	{
		ok = is_word(cur(p), vars[i]);
		if (ok)
		{
			next(p);
			ok = accept(p, i < 2 ? TK_COMMA : TK_RPAREN);
		}
	}
	if (ok && cur(p)->kind != TK_SEMI && !at_top_item(p))
		ok = false;
	if (!ok)
	{
		if (cur(p)->kind != TK_ERROR)
			report(p, name->line, name->col, RBAC_DIAG_UNSUPPORTED, hint,
				   "unsupported allow rule");
		sync_rule(p);
		return;
	}
	p->policy->has_allow = true;
	expect_rule_semi(p);
}

/*
 * One parameter of a has_permission / has_role head: _  _: T  v  v: T  or a
 * literal.  Returns false after reporting.
 */
static bool
parse_param(Parser *p, Param *pm)
{
	Token		t = *cur(p);

	memset(pm, 0, sizeof(*pm));
	pm->tok = t;
	if (t.kind == TK_STRING)
	{
		pm->kind = PARAM_STRING;
		next(p);
		return true;
	}
	if (t.kind == TK_INTEGER || t.kind == TK_DECIMAL ||
		is_word(&t, "true") || is_word(&t, "false") || is_word(&t, "nil"))
	{
		pm->kind = PARAM_OTHER;
		next(p);
		return true;
	}
	if (t.kind != TK_IDENT || is_reserved(t.text))
	{
		expected(p, "a parameter", NULL);
		return false;
	}
	pm->kind = PARAM_VAR;
	pm->var = strcmp(t.text, "_") == 0 ? NULL : t.text;
	next(p);
	if (accept(p, TK_COLON))
	{
		Token		ty = *cur(p);

		if (ty.kind != TK_IDENT && ty.kind != TK_STRING)
		{
			expected(p, rbac_format(p->alloc, "a type name after \"%s:\"",
									clip(p, t.text)), NULL);
			return false;
		}
		pm->type = ty.text;
		pm->type_is_ident = (ty.kind == TK_IDENT);
		pm->type_line = ty.line;
		pm->type_col = ty.col;
		next(p);
		if (cur(p)->kind == TK_LBRACE)
		{
			report_at(p, &ty, RBAC_DIAG_UNSUPPORTED,
					  "Give the parameter a type in the rule head (doc: Document) and compare fields in the body.",
					  "specializer patterns like %s{...} are not supported",
					  clip(p, ty.text));
			return false;
		}
	}
	return true;
}

/*
 * has_permission(A, "name", R) [if BODY];  or  has_role(...)  ("(" is
 * current).  The head is parsed generically first and classified after
 * the body, so that a host-bridging has_role rule gets the one message
 * that says what replaces it rather than complaints about its parameters.
 */
static void
parse_lastmile(Parser *p, const Token *name)
{
	bool		is_role = strcmp(name->text, "has_role") == 0;
	const char *what = is_role ? "role" : "permission";
	Param		params[3];
	int			nparams = 0;
	RbacExpr   *body;
	RbacRule   *r;
	bool		ok = true;
	RbacPolicy *pol = p->policy;

	next(p);					/* ( */
	for (;;)
	{
		Param		pm;

		if (!parse_param(p, &pm))
		{
			sync_rule(p);
			return;
		}
		if (nparams < 3)
			params[nparams] = pm;
		nparams++;
		if (accept(p, TK_COMMA))
			continue;
		if (accept(p, TK_RPAREN))
			break;
		expected(p, rbac_format(p->alloc, "\",\" or \")\" in the parameters of %s",
								name->text), NULL);
		sync_rule(p);
		return;
	}

	if (is_word(cur(p), "if"))
	{
		next(p);
		if (cur(p)->kind == TK_SEMI || cur(p)->kind == TK_EOF)
		{
			expected(p, "a condition after \"if\"", NULL);
			sync_rule(p);
			return;
		}
		p->depth = 0;
		p->in_role_rule = is_role;
		body = parse_or(p);
		p->in_role_rule = false;
		if (body == NULL)
		{
			sync_rule(p);
			return;
		}
	}
	else
		body = new_expr(p, RBAC_EX_TRUE, name->line, name->col);

	if (!expect_rule_semi(p))
		return;

	/* classify the head */
	if (nparams != 3)
	{
		report(p, name->line, name->col, RBAC_DIAG_SYNTAX, NULL,
			   "%s takes 3 parameters (actor, %s, resource), found %d",
			   name->text, what, nparams);
		return;
	}
	if (params[0].kind != PARAM_VAR)
	{
		report_at(p, &params[0].tok, RBAC_DIAG_SYNTAX, NULL,
				  "expected the actor parameter of %s, found %s",
				  name->text, describe(p, &params[0].tok));
		ok = false;
	}
	else if (params[0].var && !params[0].type)
	{
		report_at(p, &params[0].tok, RBAC_DIAG_UNSUPPORTED,
				  rbac_format(p->alloc, "Give it a type: %s: User for one actor type, %s: Actor for any actor type, or write _ for anyone.",
							  params[0].var, params[0].var),
				  "the actor parameter \"%s\" has no type",
				  clip(p, params[0].var));
		ok = false;
	}
	if (params[1].kind != PARAM_STRING)
	{
		if (params[1].kind == PARAM_VAR)
			report_at(p, &params[1].tok, RBAC_DIAG_UNSUPPORTED,
					  rbac_format(p->alloc, "pg_rbac needs the %s named in the rule head: %s(user: User, \"name\", doc: Document).",
								  what, name->text),
					  "the %s of a %s rule must be a string, not the variable \"%s\"",
					  what, name->text, params[1].tok.text);
		else
			report_at(p, &params[1].tok, RBAC_DIAG_SYNTAX, NULL,
					  "expected the %s name of %s as a string, found %s",
					  what, name->text, describe(p, &params[1].tok));
		ok = false;
	}
	if (params[2].kind != PARAM_VAR)
	{
		report_at(p, &params[2].tok, RBAC_DIAG_SYNTAX, NULL,
				  "expected the resource parameter of %s, found %s",
				  name->text, describe(p, &params[2].tok));
		ok = false;
	}
	else if (!params[2].type)
	{
		report_at(p, &params[2].tok, RBAC_DIAG_UNSUPPORTED,
				  "Give it a type: doc: Document, or _: Document.",
				  "the resource parameter \"%s\" has no type",
				  params[2].var ? clip(p, params[2].var) : "_");
		ok = false;
	}
	if (!ok)
		return;

	r = rbac_alloc(p->alloc, sizeof(RbacRule));
	r->is_role = is_role;
	r->line = name->line;
	r->col = name->col;
	r->actor_var = params[0].var;
	if (!params[0].type)
		r->actor_kind = RBAC_ACTOR_ANYONE;
	else if (params[0].type_is_ident && strcmp(params[0].type, "Actor") == 0)
		r->actor_kind = RBAC_ACTOR_ANY_ACTOR;
	else
	{
		r->actor_kind = RBAC_ACTOR_TYPED;
		r->actor_type = params[0].type;
	}
	r->name = params[1].tok.text;
	r->name_line = params[1].tok.line;
	r->name_col = params[1].tok.col;
	r->resource_var = params[2].var;
	r->resource_type = params[2].type;
	r->rtype_line = params[2].type_line;
	r->rtype_col = params[2].type_col;
	r->body = body;
	r->start_offset = name->offset;
	r->end_offset = p->prev_end;
	pol->rules = rbac_grow(p->alloc, pol->rules, &pol->rulecap,
						   pol->nrules + 1, sizeof(RbacRule *));
	pol->rules[pol->nrules++] = r;
}

/* A rule outside blocks: name(...) ... ;  (the name is current). */
static void
parse_rule(Parser *p)
{
	Token		name = *cur(p);

	next(p);
	if (strcmp(name.text, "has_permission") == 0 ||
		strcmp(name.text, "has_role") == 0)
		parse_lastmile(p, &name);
	else if (strcmp(name.text, "allow") == 0)
		parse_allow(p, &name);
	else
	{
		if (strcmp(name.text, "has_relation") == 0)
			report(p, name.line, name.col, RBAC_DIAG_UNSUPPORTED,
				   "Relations come from the tables linked with rbac.bind; declare them in the resource block and bind the table.",
				   "has_relation rules are not supported");
		else
			report(p, name.line, name.col, RBAC_DIAG_UNSUPPORTED,
				   "Outside blocks pg_rbac accepts has_permission and has_role rules and the entry rule allow(actor, action, resource) if has_permission(actor, action, resource).",
				   "unsupported rule \"%s\"", clip(p, name.text));
		sync_rule(p);
	}
}


/* ---------------------------------------------------------------------
 * Entry point
 * ---------------------------------------------------------------------
 */

/*
 * Parse source into a policy; see policy.h.  Never fails: problems become
 * diagnostics and the returned policy holds everything that parsed.
 */
RbacPolicy *
rbac_parse(const char *source, size_t len, RbacAlloc *alloc,
		   RbacDiagList *diags)
{
	Parser		p;

	memset(&p, 0, sizeof(p));
	p.alloc = alloc;
	p.diags = diags;
	p.policy = rbac_alloc(alloc, sizeof(RbacPolicy));
	p.src = (const unsigned char *) (source ? source : "");
	p.len = source ? len : 0;
	p.line = p.col = 1;
	p.last_line = p.last_col = 1;
	p.eof.kind = TK_EOF;
	p.eof.line = p.eof.col = 1;

	if (p.len > MAX_SOURCE)
	{
		report(&p, 1, 1, RBAC_DIAG_SYNTAX, NULL,
			   "policy too large (%zu bytes, at most %zu)", p.len,
			   MAX_SOURCE);
		return p.policy;
	}
	/* a UTF-8 byte order mark is not part of the text */
	if (p.len >= 3 && p.src[0] == 0xEF && p.src[1] == 0xBB &&
		p.src[2] == 0xBF)
		p.pos = 3;

	while (!p.stopped)
	{
		Token	   *t = cur(&p);
		long		before = p.consumed;

		if (t->kind == TK_EOF)
			break;
		if (t->kind == TK_ERROR)
			next(&p);			/* reported by the lexer; nothing to skip */
		else if (t->kind == TK_IDENT && peek(&p, 1)->kind != TK_LPAREN &&
			(strcmp(t->text, "actor") == 0 || strcmp(t->text, "resource") == 0))
			parse_block(&p, t->text[0] == 'a');
		else if (is_word(t, "global") && peek(&p, 1)->kind != TK_LPAREN)
			parse_global(&p);
		else if (t->kind == TK_IDENT && peek(&p, 1)->kind == TK_LPAREN)
			parse_rule(&p);
		else
		{
			expected(&p, "a block or a rule",
					 t->kind == TK_STRING ?
					 "Shorthand rules such as \"read\" if \"viewer\"; belong inside a resource block." :
					 NULL);
			sync_top(&p);
		}
		if (p.consumed == before && cur(&p)->kind != TK_EOF &&
			!at_block_start(&p))
			next(&p);
	}
	return p.policy;
}
