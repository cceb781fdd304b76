/*-------------------------------------------------------------------------
 *
 * parser_rules.c
 *	  Parser of the rules outside blocks: last-mile rules (has_permission
 *	  and has_role with a body of conditions) and the entry rule allow.
 *	  Called by parser.c for every top-level item of the form name(...).
 *
 * Expression nesting is capped (MAX_DEPTH), and chains of "and" / "or" are
 * built as balanced trees so that the depth of any expression tree stays
 * small (about 2 * MAX_DEPTH + 2 * log2 of the chain length): later passes
 * may walk it recursively.
 *
 * Polar constructs pg_rbac does not support are recognised where they
 * appear and reported as unsupported (0A000), each with a hint saying
 * what replaces it.
 *
 *-------------------------------------------------------------------------
 */
#include "parser.h"

#include <string.h>

#define MAX_DEPTH	256			/* nested parentheses and "not" */

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

static RbacExpr *parse_or(Parser *p);
static RbacExpr *parse_not(Parser *p);


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
static const char *const reserved_words[] = {
	"if", "on", "and", "or", "not", "in", "true", "false", "nil", NULL
};

/* Polar words whose constructs pg_rbac does not support. */
static const char *const unsupported_words[] = {
	"matches", "isa", "forall", "cut", "new", "print", "debug", NULL
};

/* Is s one of words (a NULL-terminated list)? */
static bool
is_one_of(const char *s, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strcmp(s, *words) == 0)
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
	else if (is_one_of(t->text, unsupported_words))
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
	if (is_one_of(t.text, reserved_words))
	{
		expected(p, "an operand", NULL);
		return NULL;
	}
	if (is_one_of(t.text, unsupported_words))
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
 * Move past an argument of fn and the "," after it, to the next argument,
 * copied into *t.  False after reporting the "," missing.
 */
static bool
next_argument(Parser *p, const char *fn, Token *t)
{
	next(p);
	if (!accept(p, TK_COMMA))
	{
		expected(p, rbac_format(p->alloc, "\",\" in the arguments of %s", fn),
				 NULL);
		return false;
	}
	*t = *cur(p);
	return true;
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
	if (t.kind != TK_IDENT || is_one_of(t.text, reserved_words))
	{
		expected(p, rbac_format(p->alloc,
								"the actor variable as the first argument of %s",
								name.text), NULL);
		return NULL;
	}
	e->actor_var = t.text;
	if (!next_argument(p, name.text, &t))
		return NULL;
	if (t.kind != TK_STRING)
	{
		if (t.kind == TK_IDENT)
			report_at(p, &t, RBAC_DIAG_UNSUPPORTED, NULL,
					  "the %s in %s must be a string, not the variable \"%s\"",
					  is_role ? "role" : "permission", name.text,
					  clip(p, t.text));
		else
			expected(p, rbac_format(p->alloc,
									"a %s name as the second argument of %s",
									is_role ? "role" : "permission",
									name.text), NULL);
		return NULL;
	}
	e->name = t.text;
	if (!next_argument(p, name.text, &t))
		return NULL;
	if (t.kind != TK_IDENT || is_one_of(t.text, reserved_words))
	{
		expected(p, rbac_format(p->alloc,
								"a variable or path as the third argument of %s",
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
		expected(p, rbac_format(p->alloc, "\")\" after the arguments of %s",
								name.text), NULL);
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
		if (t.kind == TK_IDENT && !is_one_of(t.text, reserved_words))
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
 * Consume the current token ("(" or "not") and parse what follows with sub,
 * one level of nesting deeper.  NULL, after reporting, when the nesting
 * would exceed MAX_DEPTH.
 */
static RbacExpr *
parse_nested(Parser *p, RbacExpr *(*sub) (Parser *))
{
	RbacExpr   *e;

	if (p->depth >= MAX_DEPTH)
	{
		report_at(p, cur(p), RBAC_DIAG_SYNTAX, NULL,
				  "expression nested too deeply");
		return NULL;
	}
	p->depth++;
	next(p);
	e = sub(p);
	p->depth--;
	return e;
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
		e = parse_nested(p, parse_or);
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
	if (t.kind == TK_IDENT && is_one_of(t.text, unsupported_words))
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
	RbacExpr   *e;

	if (!is_word(&t, "not"))
		return parse_primary(p);
	e = new_expr(p, RBAC_EX_NOT, t.line, t.col);
	e->left = parse_nested(p, parse_not);
	return e->left ? e : NULL;
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
		recover(p, RECOVER_RULE);
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
			is_one_of(t->text, reserved_words) ||
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
		recover(p, RECOVER_RULE);
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
	if (t.kind != TK_IDENT || is_one_of(t.text, reserved_words))
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
			recover(p, RECOVER_RULE);
			return;
		}
		if (nparams < 3)
			params[nparams] = pm;
		nparams++;
		if (accept(p, TK_COMMA))
			continue;
		if (accept(p, TK_RPAREN))
			break;
		expected(p, rbac_format(p->alloc,
								"\",\" or \")\" in the parameters of %s",
								name->text), NULL);
		recover(p, RECOVER_RULE);
		return;
	}

	if (is_word(cur(p), "if"))
	{
		next(p);
		if (cur(p)->kind == TK_SEMI || cur(p)->kind == TK_EOF)
		{
			expected(p, "a condition after \"if\"", NULL);
			recover(p, RECOVER_RULE);
			return;
		}
		p->depth = 0;
		p->in_role_rule = is_role;
		body = parse_or(p);
		p->in_role_rule = false;
		if (body == NULL)
		{
			recover(p, RECOVER_RULE);
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
				  rbac_format(p->alloc,
							  "Give it a type: %s: User for one actor type, %s: Actor for any actor type, or write _ for anyone.",
							  params[0].var, params[0].var),
				  "the actor parameter \"%s\" has no type",
				  clip(p, params[0].var));
		ok = false;
	}
	if (params[1].kind != PARAM_STRING)
	{
		if (params[1].kind == PARAM_VAR)
			report_at(p, &params[1].tok, RBAC_DIAG_UNSUPPORTED,
					  rbac_format(p->alloc,
								  "pg_rbac needs the %s named in the rule head: %s(user: User, \"name\", doc: Document).",
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
	r->end_offset = p->lx.prev_end;
	pol->rules = rbac_grow(p->alloc, pol->rules, &pol->rulecap,
						   pol->nrules + 1, sizeof(RbacRule *));
	pol->rules[pol->nrules++] = r;
}

/* A rule outside blocks: name(...) ... ;  (the name is current). */
void
rbac_parse_rule(Parser *p)
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
		recover(p, RECOVER_RULE);
	}
}
