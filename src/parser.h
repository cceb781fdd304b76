/*-------------------------------------------------------------------------
 *
 * parser.h
 *	  State of the recursive-descent parser of the policy language, shared
 *	  by parser.c (the top level and blocks) and parser_rules.c (rules
 *	  outside blocks).  Internal to the plain-C policy core: the public
 *	  interface is policy.h.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_PARSER_H
#define RBAC_PARSER_H

#include "lexer.h"

typedef struct Parser
{
	Lexer		lx;				/* the token stream */
	RbacAlloc  *alloc;			/* the caller's arena (lx.alloc too) */
	RbacPolicy *policy;			/* what is built */
	/* blocks (parser.c) */
	int			serial;			/* numbers declaration lists */
	int			nscratch;		/* blocks without a usable type name */
	RbacNameTable types;		/* type name -> position in policy->types */
	RbacNameTable terms;		/* (type, term name) -> position in terms */
	RbacNameTable globals;		/* global role -> position in globals */
	/* rules (parser_rules.c) */
	int			depth;			/* expression nesting */
} Parser;

/* A rule outside blocks: name(...) ... ;  (the name is current). */
extern void rbac_parse_rule(Parser *p);

/* A test block: test "name" { ... }  ("test" is current; parser_tests.c). */
extern void rbac_parse_test(Parser *p);

/*
 * The token stream of p under the short names the parser uses throughout
 * (lexer.h documents each).
 */
static inline Token *
peek(Parser *p, int k)
{
	return rbac_lex_peek(&p->lx, k);
}

static inline Token *
cur(Parser *p)
{
	return rbac_lex_peek(&p->lx, 0);
}

static inline void
next(Parser *p)
{
	rbac_lex_next(&p->lx);
}

static inline bool
accept(Parser *p, TokKind k)
{
	return rbac_lex_accept(&p->lx, k);
}

static inline void
expected(Parser *p, const char *what, const char *hint)
{
	rbac_lex_expected(&p->lx, what, hint);
}

static inline bool
at_block_start(Parser *p)
{
	return rbac_lex_at_block_start(&p->lx);
}

static inline void
recover(Parser *p, LexRecovery where)
{
	rbac_lex_recover(&p->lx, where);
}

static inline const char *
clip(Parser *p, const char *s)
{
	return rbac_lex_clip(&p->lx, s);
}

static inline const char *
describe(Parser *p, const Token *t)
{
	return rbac_lex_describe(&p->lx, t);
}

/* Variadic, hence macros: report(p, line, col, dclass, hint, fmt, ...). */
#define report(p, ...)		rbac_lex_report(&(p)->lx, __VA_ARGS__)
#define report_at(p, ...)	rbac_lex_report_at(&(p)->lx, __VA_ARGS__)

#endif							/* RBAC_PARSER_H */
