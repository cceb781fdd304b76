/*-------------------------------------------------------------------------
 *
 * lexer.h
 *	  Tokens of the policy language and the token stream the parser reads
 *	  (lexer.c).  Internal to the plain-C policy core: the public interface
 *	  is policy.h.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_LEXER_H
#define RBAC_LEXER_H

#include "policy.h"

#include <string.h>

#define LEX_LOOKAHEAD	4		/* ring buffer of tokens: peek k < 3 */

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

/*
 * The state of one token stream: the source, the position of the lexer,
 * the tokens lexed ahead, and the syntax errors reported so far (they are
 * capped: after too many the stream ends).
 */
typedef struct Lexer
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
	Token		buf[LEX_LOOKAHEAD];
	int			head;
	int			nbuf;
	Token		eof;			/* returned once the stream has stopped */
	long		consumed;		/* tokens consumed: the progress counter */
	int			prev_end;		/* byte offset past the last consumed token */
	/* reports */
	RbacAlloc  *alloc;
	RbacDiagList *diags;
	int			ndiags;
	bool		stopped;		/* too many errors */
} Lexer;

/* Is t the identifier word? */
static inline bool
is_word(const Token *t, const char *word)
{
	return t->kind == TK_IDENT && strcmp(t->text, word) == 0;
}

/* Start a stream over source; false (after reporting) if it is too large. */
extern bool rbac_lex_init(Lexer *lx, const char *source, size_t len,
						  RbacAlloc *alloc, RbacDiagList *diags);

/* The token k places ahead (k < LEX_LOOKAHEAD - 1), valid until consumed. */
extern Token *rbac_lex_peek(Lexer *lx, int k);

/* Consume the current token (never the end of input). */
extern void rbac_lex_next(Lexer *lx);

/* Consume the current token if it has kind k. */
extern bool rbac_lex_accept(Lexer *lx, TokKind k);

/* Add a syntax or semantic error; the stream ends after too many. */
extern void rbac_lex_report(Lexer *lx, int line, int col, RbacDiagClass dclass,
							const char *hint, const char *fmt,...)
			__attribute__((format(printf, 6, 7)));

/* Add an error at token t, unless t is a lexical error reported already. */
extern void rbac_lex_report_at(Lexer *lx, const Token *t,
							   RbacDiagClass dclass, const char *hint,
							   const char *fmt,...)
			__attribute__((format(printf, 5, 6)));

/* Report "expected WHAT, found TOKEN" at the current token. */
extern void rbac_lex_expected(Lexer *lx, const char *what, const char *hint);

/* s cut to a length fit for a message. */
extern const char *rbac_lex_clip(Lexer *lx, const char *s);

/* How a token is shown after "found" in a message. */
extern const char *rbac_lex_describe(Lexer *lx, const Token *t);

/* Where recovery after a syntax error stops (see rbac_lex_recover). */
typedef enum LexRecovery
{
	RECOVER_TOP,				/* after an item at top level */
	RECOVER_RULE,				/* after a rule outside blocks */
	RECOVER_BLOCK				/* after an item inside a block */
} LexRecovery;

/* Does a block start at the current token ("actor Name {", "global {")? */
extern bool rbac_lex_at_block_start(Lexer *lx);

/* Skip tokens to where parsing can carry on after a syntax error. */
extern void rbac_lex_recover(Lexer *lx, LexRecovery where);

#endif							/* RBAC_LEXER_H */
