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
 * The and/or levels of both grammars (conditions of shorthand rules,
 * bodies of rules), operand ('word' operand)*: operand(p, arg) parses one
 * operand (NULL after an error), join(p, kind, left, right) makes the node
 * of kind (AND or OR) over left and right, at the position of left.
 * Returns the operands combined into a balanced tree, so that a long chain
 * makes a shallow tree (validation walks it recursively), or NULL
 * (parser_rules.c).
 */
typedef void *(*RbacChainOperand) (Parser *p, void *arg);
typedef void *(*RbacChainJoin) (Parser *p, int kind, void *left,
								void *right);
extern void *rbac_parse_chain(Parser *p, const char *word, int kind,
							  RbacChainOperand operand, void *arg,
							  RbacChainJoin join);

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

/*
 * The node of a parenthesized operand and the ")" after it: node, or NULL
 * when node is NULL or the ")" is missing (reported as expected: what).
 */
static inline void *
closed_by_paren(Parser *p, void *node, const char *what)
{
	if (node == NULL)
		return NULL;
	if (!accept(p, TK_RPAREN))
	{
		expected(p, what, NULL);
		return NULL;
	}
	return node;
}

/*
 * At the top of the loop over the items of a block called label: false
 * when the block ends here, at its "}" (consumed), or where the lexer
 * stopped, or at the end of the input or the start of another block
 * (reported: "}" expected).
 */
static inline bool
block_goes_on(Parser *p, const char *label)
{
	Token	   *t = cur(p);

	if (p->lx.stopped)
		return false;
	if (t->kind == TK_RBRACE)
	{
		next(p);
		return false;
	}
	if (t->kind == TK_EOF || at_block_start(p))
	{
		expected(p, rbac_format(p->alloc, "\"}\" to close %s", label), NULL);
		return false;
	}
	return true;
}

/*
 * Append o to the list *items of *n operands (*cap allocated); false when
 * o is NULL (its parser reported why).
 */
static inline bool
push_operand(Parser *p, RbacOperand ***items, int *n, int *cap,
			 RbacOperand *o)
{
	if (o == NULL)
		return false;
	*items = rbac_grow(p->alloc, *items, cap, *n + 1, sizeof(RbacOperand *));
	(*items)[(*n)++] = o;
	return true;
}

/* Variadic, hence macros: report(p, line, col, dclass, hint, fmt, ...). */
#define report(p, ...)		rbac_lex_report(&(p)->lx, __VA_ARGS__)
#define report_at(p, ...)	rbac_lex_report_at(&(p)->lx, __VA_ARGS__)

#endif							/* RBAC_PARSER_H */
