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
	"if", "on", "and", "or", "not", "in", "matches", "true", "false", "nil",
	NULL
};

/* Polar words whose constructs pg_rbac does not support. */
static const char *const unsupported_words[] = {
	"isa", "forall", "cut", "new", "print", "debug", NULL
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

	if (strcmp(t->text, "isa") == 0)
		hint = "Give the parameter a type in the rule head (doc: Document), or write \"x matches Type\" for a variable joined with has_relation.";
	else if (strcmp(t->text, "forall") == 0)
		hint = "Write the condition for one element: \"x in resource.array_column\" tests membership; a universal condition has no replacement.";
	else if (strcmp(t->text, "cut") == 0)
		hint = "Rules are independent here: remove cut and make the other rules' conditions exclusive (add \"not ...\").";
	else if (strcmp(t->text, "new") == 0 || strcmp(t->text, "print") == 0 ||
			 strcmp(t->text, "debug") == 0)
		hint = "Policies cannot call the host application; use rbac.explain to see why a decision holds.";
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
	if (is_one_of(t->text, unsupported_words))
		unsupported_word(p, t);
	else
		report_at(p, t, RBAC_DIAG_UNSUPPORTED,
				  "A rule body can call has_role, has_permission and has_relation (joined with \"x matches Type\"); a fact about a resource is a column of its table: write resource.column.",
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
 * Is the argument t of fn a variable (a word not reserved)?  If not,
 * report "<what> as the <nth> argument of <fn>" expected.
 */
static bool
variable_argument(Parser *p, const Token *t, const char *what,
				  const char *nth, const char *fn)
{
	if (t->kind == TK_IDENT && !is_one_of(t->text, reserved_words))
		return true;
	expected(p, rbac_format(p->alloc, "%s as the %s argument of %s",
							what, nth, fn), NULL);
	return false;
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
 * A call as a condition (the name is current, "(" follows):
 *	 has_role(actor, "role", path)  has_permission(actor, "perm", path)
 *	 (the term may be a variable of the rule head: has_role(actor, role, x))
 *	 has_relation(path, "relation", var)  (a join, see validate_rules.c)
 */
static RbacExpr *
parse_call(Parser *p)
{
	Token		name = *cur(p);
	bool		is_rel = strcmp(name.text, "has_relation") == 0;
	bool		is_role = strcmp(name.text, "has_role") == 0;
	RbacExpr   *e = new_expr(p, is_rel ? RBAC_EX_HAS_RELATION :
							 is_role ? RBAC_EX_HAS_ROLE :
							 RBAC_EX_HAS_PERMISSION, name.line, name.col);
	const char *what = is_rel ? "relation" : is_role ? "role" : "permission";
	Token		t;

	next(p);
	next(p);					/* ( */
	t = *cur(p);
	if (!variable_argument(p, &t, is_rel ? "a variable or path" :
						   "the actor variable", "first", name.text))
		return NULL;
	if (is_rel)
	{
		e->target = parse_operand(p);
		if (e->target == NULL)
			return NULL;
		if (!accept(p, TK_COMMA))
		{
			expected(p, rbac_format(p->alloc, "\",\" in the arguments of %s",
									name.text), NULL);
			return NULL;
		}
		t = *cur(p);
	}
	else
	{
		e->actor_var = t.text;
		if (!next_argument(p, name.text, &t))
			return NULL;
	}
	if (t.kind == TK_IDENT && !is_rel && !is_one_of(t.text, reserved_words))
		e->name_var = t.text;	/* the head fixes it (or validation says) */
	else if (t.kind != TK_STRING)
	{
		expected(p, rbac_format(p->alloc,
								"a %s name as the second argument of %s",
								what, name.text), NULL);
		return NULL;
	}
	else
		e->name = t.text;
	if (!next_argument(p, name.text, &t))
		return NULL;
	if (!variable_argument(p, &t, is_rel ? "a variable" :
						   "a variable or path", "third", name.text))
		return NULL;
	if (is_rel)
	{
		if (peek(p, 1)->kind == TK_DOT)
		{
			report_at(p, &t, RBAC_DIAG_UNSUPPORTED,
					  "Name the related resource with a new variable: has_relation(repo, \"parent\", org) and use org.",
					  "the third argument of has_relation must be a variable");
			return NULL;
		}
		e->var = t.text;
		next(p);
	}
	else
	{
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
		if (!push_operand(p, &e->list, &e->nlist, &cap, parse_operand(p)))
			return false;
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
		return closed_by_paren(p, parse_nested(p, parse_or), "\")\"");
	}
	if ((is_word(&t, "has_role") || is_word(&t, "has_permission") ||
		 is_word(&t, "has_relation")) &&
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
		e = new_expr(p, RBAC_EX_IN, a->line, a->col);
		e->a = a;
		if (accept(p, TK_LBRACKET))
			return parse_in_list(p, e) ? e : NULL;
		/* x in resource.array_column */
		t = *cur(p);
		e->b_array = parse_operand(p);
		if (e->b_array == NULL)
			return NULL;
		if (e->b_array->kind != RBAC_OP_PATH)
		{
			report(p, t.line, t.col, RBAC_DIAG_SYNTAX,
				   "Write x in [\"a\", \"b\"] for a list of literals, or x in resource.column for an array column.",
				   "expected a list or a path after \"in\", found %s",
				   describe(p, &t));
			return NULL;
		}
		return e;
	}
	if (is_word(&t, "matches"))
	{
		Token		ty;

		next(p);
		ty = *cur(p);
		if (ty.kind != TK_IDENT || is_one_of(ty.text, reserved_words))
		{
			if (ty.kind == TK_LBRACE)
				report_at(p, &ty, RBAC_DIAG_UNSUPPORTED,
						  "Compare fields instead: x.field = value.",
						  "patterns after \"matches\" are not supported");
			else
				expected(p, "a type name after \"matches\"", NULL);
			return NULL;
		}
		if (a->kind != RBAC_OP_PATH || a->path.nfields > 0)
		{
			report(p, a->line, a->col, RBAC_DIAG_UNSUPPORTED,
				   "Write \"x matches Type\" for a variable x joined with has_relation.",
				   "only a variable can be matched against a type");
			return NULL;
		}
		next(p);
		if (peek(p, 0)->kind == TK_LBRACE)
		{
			report_at(p, cur(p), RBAC_DIAG_UNSUPPORTED,
					  "Write \"x matches Type\" and compare fields with x.field = value.",
					  "specializer patterns like %s{...} are not supported",
					  clip(p, ty.text));
			return NULL;
		}
		e = new_expr(p, RBAC_EX_MATCHES, a->line, a->col);
		e->var = a->path.var;
		e->name = ty.text;
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

/* Combine items[lo..hi) into a balanced tree of kind nodes with join. */
static void *
balance(Parser *p, void **items, int lo, int hi, int kind,
		RbacChainJoin join)
{
	int			mid;
	void	   *left;
	void	   *right;

	if (hi - lo == 1)
		return items[lo];
	mid = lo + (hi - lo) / 2;
	left = balance(p, items, lo, mid, kind, join);
	right = balance(p, items, mid, hi, kind, join);
	return join(p, kind, left, right);
}

/* See parser.h. */
void *
rbac_parse_chain(Parser *p, const char *word, int kind,
				 RbacChainOperand operand, void *arg, RbacChainJoin join)
{
	void	   *first = operand(p, arg);
	void	  **items;
	int			n = 1;
	int			cap = 0;

	if (first == NULL)
		return NULL;
	if (!is_word(cur(p), word))
		return first;
	items = rbac_grow(p->alloc, NULL, &cap, 2, sizeof(void *));
	items[0] = first;
	while (is_word(cur(p), word))
	{
		void	   *e;

		next(p);
		e = operand(p, arg);
		if (e == NULL)
			return NULL;
		items = rbac_grow(p->alloc, items, &cap, n + 1, sizeof(void *));
		items[n++] = e;
	}
	return balance(p, items, 0, n, kind, join);
}

/* The operand of an and/or chain: arg is parse_not or parse_and. */
static void *
expr_operand(Parser *p, void *arg)
{
	RbacExpr   *(*const *sub) (Parser *) = arg;

	return (*sub) (p);
}

/* An AND or OR node over left and right, where left stands. */
static void *
expr_join(Parser *p, int kind, void *left, void *right)
{
	RbacExpr   *e = new_expr(p, kind, ((RbacExpr *) left)->line,
							 ((RbacExpr *) left)->col);

	e->left = left;
	e->right = right;
	return e;
}

/* and_expr := not_expr ('and' not_expr)* */
static RbacExpr *
parse_and(Parser *p)
{
	static RbacExpr *(*const sub) (Parser *) = parse_not;

	return rbac_parse_chain(p, "and", RBAC_EX_AND, expr_operand,
							(void *) &sub, expr_join);
}

/* or_expr := and_expr ('or' and_expr)* */
static RbacExpr *
parse_or(Parser *p)
{
	static RbacExpr *(*const sub) (Parser *) = parse_and;

	return rbac_parse_chain(p, "or", RBAC_EX_OR, expr_operand,
							(void *) &sub, expr_join);
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
			is_word(t, "has_relation") || is_word(t, "allow")) &&
		peek(p, 1)->kind == TK_LPAREN;
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
 * accepted ("(" is current), also typed as allow(a: Actor, b: String,
 * c: Resource).  Anything else is refused as unsupported.
 */
static void
parse_allow(Parser *p, const Token *name)
{
	static const char *const types[3] = {"Actor", "String", "Resource"};
	const char *hint = "Write each condition as a has_permission rule (has_permission(user: User, \"read\", doc: Document) if ...;) and keep the entry rule allow(actor, action, resource) if has_permission(actor, action, resource); as it is.";
	const char *vars[3] = {NULL, NULL, NULL};
	bool		ok = true;
	bool		typed_wrong = false;
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
			if (accept(p, TK_COLON))
			{
				/* the typed entry rule: exactly Actor, String, Resource */
				if (!is_word(cur(p), types[i]))
					ok = false, typed_wrong = true;
				else
					next(p);
			}
			ok = ok && accept(p, i < 2 ? TK_COMMA : TK_RPAREN);
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
			report(p, name->line, name->col, RBAC_DIAG_UNSUPPORTED,
				   typed_wrong ?
				   "The typed entry rule is allow(actor: Actor, action: String, resource: Resource) if has_permission(actor, action, resource); to limit it to some types, give the has_permission rules those types." :
				   hint,
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

/* ---------------------------------------------------------------------
 * Heads of has_permission, has_role and has_relation rules
 * ---------------------------------------------------------------------
 */

/*
 * The parameters of a rule head, up to ")" (the "(" is current), into
 * params[0..2]; *nparams counts them all.  False after reporting and
 * recovering.
 */
static bool
parse_params(Parser *p, const Token *name, Param *params, int *nparams)
{
	*nparams = 0;
	next(p);					/* ( */
	for (;;)
	{
		Param		pm;

		if (!parse_param(p, &pm))
		{
			recover(p, RECOVER_RULE);
			return false;
		}
		if (*nparams < 3)
			params[*nparams] = pm;
		(*nparams)++;
		if (accept(p, TK_COMMA))
			continue;
		if (accept(p, TK_RPAREN))
			return true;
		expected(p, rbac_format(p->alloc,
								"\",\" or \")\" in the parameters of %s",
								name->text), NULL);
		recover(p, RECOVER_RULE);
		return false;
	}
}

/*
 * The optional "if BODY" of a rule and its ";".  *body is RBAC_EX_TRUE
 * without a body, NULL when the body did not parse (then the parser has
 * recovered past the rule).  False when the ";" was missing.
 */
static bool
parse_rule_body(Parser *p, const Token *name, RbacExpr **body)
{
	if (!is_word(cur(p), "if"))
	{
		*body = new_expr(p, RBAC_EX_TRUE, name->line, name->col);
		return expect_rule_semi(p);
	}
	next(p);
	if (cur(p)->kind == TK_SEMI || cur(p)->kind == TK_EOF)
	{
		expected(p, "a condition after \"if\"", NULL);
		recover(p, RECOVER_RULE);
		*body = NULL;
		return true;
	}
	p->depth = 0;
	*body = parse_or(p);
	if (*body == NULL)
	{
		recover(p, RECOVER_RULE);
		return true;
	}
	return expect_rule_semi(p);
}

/*
 * Forget the reports made since the diagnostics held n (the body of a
 * rule that gets one message of its own instead).
 */
static void
forget_reports(Parser *p, int n, int nlex)
{
	RbacDiagList *dl = p->lx.diags;
	int			i;

	if (p->lx.stopped || dl->n < n)
		return;
	dl->n = n;
	dl->nerrors = 0;
	for (i = 0; i < n; i++)
		if (dl->items[i].severity == RBAC_SEV_ERROR)
			dl->nerrors++;
	p->lx.ndiags = nlex;
}

/*
 * Report an Oso host-bridging rule at the rule's name: an error, which
 * oso_compat turns into the warning compat_message / compat_hint.
 */
static void
report_host_rule(Parser *p, const Token *name, const char *hint,
				 const char *message, const char *compat_message,
				 const char *compat_hint)
{
	RbacDiagList *dl = p->lx.diags;
	int			n = dl->n;

	report(p, name->line, name->col, RBAC_DIAG_UNSUPPORTED, hint, "%s",
		   message);
	if (dl->n == n + 1)
	{
		dl->items[n].oso_skip = true;
		dl->items[n].compat_message = rbac_strdup(p->alloc, compat_message);
		dl->items[n].compat_hint = rbac_strdup(p->alloc, compat_hint);
	}
}

/* Is o the bare variable var? */
static bool
is_bare_var(const RbacOperand *o, const char *var)
{
	return o != NULL && o->kind == RBAC_OP_PATH && o->path.nfields == 0 &&
		o->path.var != NULL && var != NULL && strcmp(o->path.var, var) == 0;
}

/*
 * Does the body iterate over application data: "x in y.field" with x a
 * variable that is not a parameter of the head (role in user.roles)?
 */
static bool
iterates(const RbacExpr *e, const Param *params)
{
	if (e == NULL)
		return false;
	switch (e->kind)
	{
		case RBAC_EX_AND:
		case RBAC_EX_OR:
			return iterates(e->left, params) || iterates(e->right, params);
		case RBAC_EX_NOT:
			return iterates(e->left, params);
		case RBAC_EX_IN:
			return e->b_array != NULL && e->a != NULL &&
				e->a->kind == RBAC_OP_PATH && e->a->path.nfields == 0 &&
				!is_bare_var(e->a, params[0].var) &&
				!is_bare_var(e->a, params[2].var);
		default:
			return false;
	}
}

/*
 * The conjunct of body's top-level "and" chain that fixes the variable
 * var: var in ["a", "b"] or var = "a" (or "a" = var).  NULL when none.
 */
static RbacExpr *
find_fixing(RbacExpr *e, const char *var)
{
	RbacExpr   *f;
	int			i;

	if (e == NULL)
		return NULL;
	if (e->kind == RBAC_EX_AND)
	{
		f = find_fixing(e->left, var);
		return f ? f : find_fixing(e->right, var);
	}
	if (e->kind == RBAC_EX_IN && e->b_array == NULL && e->nlist > 0 &&
		is_bare_var(e->a, var))
	{
		for (i = 0; i < e->nlist; i++)
			if (e->list[i]->kind != RBAC_OP_STRING)
				return NULL;
		return e;
	}
	if (e->kind == RBAC_EX_CMP && e->op == RBAC_CMP_EQ &&
		((is_bare_var(e->a, var) && e->b->kind == RBAC_OP_STRING) ||
		 (is_bare_var(e->b, var) && e->a->kind == RBAC_OP_STRING)))
		return e;
	return NULL;
}

/* o with the bare variable var replaced by the string value. */
static RbacOperand *
subst_operand(Parser *p, RbacOperand *o, const char *var, const char *value)
{
	RbacOperand *n;

	if (!is_bare_var(o, var))
		return o;
	n = rbac_alloc(p->alloc, sizeof(RbacOperand));
	n->kind = RBAC_OP_STRING;
	n->line = o->line;
	n->col = o->col;
	n->text = (char *) value;
	return n;
}

/*
 * A copy of e with the head variable var fixed to value: the conjunct
 * fixing holds (true), var as an operand is the string, has_role(a, var, x)
 * names the role.  The tree's depth is the parser's, bounded (MAX_DEPTH).
 */
static RbacExpr *
subst_expr(Parser *p, RbacExpr *e, const char *var, const char *value,
		   const RbacExpr *fixing)
{
	RbacExpr   *n;
	int			i;

	if (e == NULL)
		return NULL;
	if (e == fixing)
		return new_expr(p, RBAC_EX_TRUE, e->line, e->col);
	n = rbac_alloc(p->alloc, sizeof(RbacExpr));
	*n = *e;
	n->left = subst_expr(p, e->left, var, value, fixing);
	n->right = subst_expr(p, e->right, var, value, fixing);
	n->a = subst_operand(p, e->a, var, value);
	n->b = subst_operand(p, e->b, var, value);
	if (e->nlist > 0)
	{
		n->list = rbac_alloc(p->alloc, sizeof(RbacOperand *) * e->nlist);
		for (i = 0; i < e->nlist; i++)
			n->list[i] = subst_operand(p, e->list[i], var, value);
	}
	if (e->name_var != NULL && strcmp(e->name_var, var) == 0)
	{
		n->name = (char *) value;
		n->name_var = NULL;
	}
	return n;
}

/* Add a last-mile rule for the term name (at line:col) to the policy. */
static void
add_rule(Parser *p, const Token *name, bool is_role, const Param *params,
		 const char *term, int line, int col, RbacExpr *body)
{
	RbacPolicy *pol = p->policy;
	RbacRule   *r = rbac_alloc(p->alloc, sizeof(RbacRule));

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
	r->name = (char *) term;
	r->name_line = line;
	r->name_col = col;
	r->resource_var = params[2].var;
	r->resource_type = params[2].type;
	r->rtype_line = params[2].type_line;
	r->rtype_col = params[2].type_col;
	r->body = body;
	r->start_offset = name->offset;
	r->end_offset = p->lx.prev_end;
	RBAC_APPEND(p->alloc, pol->rules, pol->rulecap, pol->nrules, r);
}

/*
 * A head whose role (permission) is a variable: one rule per value the
 * body fixes it to (role in ["a", "b"], role = "a"), the variable
 * substituted everywhere.  False when the body does not fix it.
 */
static bool
expand_variable_head(Parser *p, const Token *name, bool is_role,
					 const Param *params, RbacExpr *body)
{
	const char *var = params[1].var;
	RbacExpr   *fixing = find_fixing(body, var);
	int			i;

	if (fixing == NULL)
		return false;
	if (fixing->kind == RBAC_EX_CMP)
	{
		RbacOperand *lit = fixing->a->kind == RBAC_OP_STRING ? fixing->a :
			fixing->b;

		add_rule(p, name, is_role, params, lit->text, lit->line, lit->col,
				 subst_expr(p, body, var, lit->text, fixing));
		return true;
	}
	for (i = 0; i < fixing->nlist; i++)
	{
		RbacOperand *lit = fixing->list[i];

		add_rule(p, name, is_role, params, lit->text, lit->line, lit->col,
				 subst_expr(p, body, var, lit->text, fixing));
	}
	return true;
}

/*
 * has_permission(A, "name", R) [if BODY];  or  has_role(...)  ("(" is
 * current).  The head is parsed generically first and classified after
 * the body, so that a host-bridging has_role rule gets the one message
 * that says what replaces it rather than complaints about its parameters
 * or its body.
 */
static void
parse_lastmile(Parser *p, const Token *name)
{
	bool		is_role = strcmp(name->text, "has_role") == 0;
	const char *what = is_role ? "role" : "permission";
	Param		params[3];
	int			nparams = 0;
	RbacExpr   *body;
	bool		ok = true;
	int			ndiag0 = p->lx.diags->n;
	int			nlex0 = p->lx.ndiags;
	bool		term_var;

	if (!parse_params(p, name, params, &nparams))
		return;
	term_var = nparams == 3 && params[1].kind == PARAM_VAR;
	if (!parse_rule_body(p, name, &body))
		return;

	/*
	 * Oso's host-bridging has_role rule: the role comes from application
	 * data (role in user.roles and role.name = name ...).  Its body may use
	 * patterns we do not parse: it gets one message.
	 */
	if (is_role && nparams == 3 &&
		((body == NULL && term_var) ||
		 (body != NULL && iterates(body, params) &&
		  !(term_var && find_fixing(body, params[1].var) != NULL))))
	{
		forget_reports(p, ndiag0, nlex0);
		report_host_rule(p, name,
						 "Role assignments live in the catalog: delete this rule and use rbac.assign_role or INSERT INTO rbac.role_assignments; or load with rbac.load_policy(source, oso_compat => true), which skips such rules with a warning.",
						 "has_role rules that look up roles in application data are not supported",
						 "skipped a has_role rule that looks up roles in application data (oso_compat)",
						 "Role assignments live in the catalog: copy them with rbac.assign_role or INSERT INTO rbac.role_assignments.");
		return;
	}
	if (body == NULL)
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
	if (term_var && params[1].var == NULL)
	{
		report_at(p, &params[1].tok, RBAC_DIAG_UNSUPPORTED,
				  rbac_format(p->alloc,
							  "Name the %s in the head: %s(user: User, \"name\", doc: Document).",
							  what, name->text),
				  "the %s of a %s rule cannot be \"_\"", what, name->text);
		ok = false;
	}
	else if (term_var && find_fixing(body, params[1].var) == NULL)
	{
		report_at(p, &params[1].tok, RBAC_DIAG_UNSUPPORTED,
				  rbac_format(p->alloc,
							  "Fix it in the body: %s(actor: User, %s: String, repo: Repository) if %s in [\"a\", \"b\"] and ...; (or %s = \"a\"), or name the %s in the head.",
							  name->text, clip(p, params[1].var),
							  clip(p, params[1].var), clip(p, params[1].var),
							  what),
				  "the %s variable \"%s\" is not fixed by the body of the rule",
				  what, clip(p, params[1].var));
		ok = false;
	}
	else if (!term_var && params[1].kind != PARAM_STRING)
	{
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
	if (term_var)
		expand_variable_head(p, name, is_role, params, body);
	else
		add_rule(p, name, is_role, params, params[1].tok.text,
				 params[1].tok.line, params[1].tok.col, body);
}

/*
 * The field of the subject that a has_relation rule's body names:
 * "repo.organization = org" or "repo.org_id = org.id" (either side).
 */
static char *
relation_field(const RbacExpr *e, const char *subject, const char *object)
{
	const RbacOperand *sides[2];
	int			i;

	if (e == NULL || e->kind != RBAC_EX_CMP || e->op != RBAC_CMP_EQ ||
		subject == NULL || object == NULL)
		return NULL;
	sides[0] = e->a;
	sides[1] = e->b;
	for (i = 0; i < 2; i++)
	{
		const RbacOperand *s = sides[i];
		const RbacOperand *o = sides[1 - i];

		if (s->kind != RBAC_OP_PATH || s->path.nfields != 1 ||
			strcmp(s->path.var, subject) != 0 || o->kind != RBAC_OP_PATH ||
			strcmp(o->path.var, object) != 0)
			continue;
		if (o->path.nfields == 0 ||
			(o->path.nfields == 1 && strcmp(o->path.fields[0], "id") == 0))
			return s->path.fields[0];
	}
	return NULL;
}

/*
 * has_relation(repo: Repository, "parent", org: Organization) [if BODY];
 * ("(" is current): an Oso rule bridging to application data.  Refused
 * (skipped with oso_compat); what it says is kept as a hint for bind.
 */
static void
parse_relation_rule(Parser *p, const Token *name)
{
	Param		params[3];
	int			nparams = 0;
	RbacExpr   *body = NULL;
	int			ndiag0 = p->lx.diags->n;
	int			nlex0 = p->lx.ndiags;
	RbacPolicy *pol = p->policy;
	RbacRelationHint *h = NULL;
	const char *type = NULL;
	const char *rel = NULL;
	char	   *hint;

	if (!parse_params(p, name, params, &nparams))
		return;
	if (!parse_rule_body(p, name, &body))
		return;
	forget_reports(p, ndiag0, nlex0);
	if (nparams == 3 && params[0].kind == PARAM_VAR && params[0].type &&
		params[1].kind == PARAM_STRING)
	{
		const char *other = params[2].kind == PARAM_VAR ? params[2].var : NULL;
		char	   *field = relation_field(body, params[0].var, other);
		int			res = 0;

		/*
		 * Oso Cloud writes the resource first (has_relation(repo, "parent",
		 * org)), the Oso library last (has_relation(org: Organization,
		 * "parent", repo: Repository) if repo.organization = org): the
		 * resource is the side whose field the body compares.
		 */
		if (field == NULL && other != NULL && params[2].type != NULL &&
			(field = relation_field(body, other, params[0].var)) != NULL)
			res = 2;
		type = params[res].type;
		rel = params[1].tok.text;
		pol->relhints = rbac_grow(p->alloc, pol->relhints, &pol->relhintcap,
								  pol->nrelhints + 1, sizeof(RbacRelationHint));
		h = &pol->relhints[pol->nrelhints++];
		h->type = (char *) type;
		h->relation = (char *) rel;
		h->target = params[2 - res].kind == PARAM_VAR ? params[2 - res].type : NULL;
		h->field = field;
		h->line = name->line;
		h->col = name->col;
	}
	if (h != NULL && h->field != NULL)
		hint = rbac_format(p->alloc,
						   "rbac.bind supplies relation \"%s\" of %s from a column of its table (here %s): delete this rule, or load with rbac.load_policy(source, oso_compat => true), which skips it with a warning.",
						   clip(p, rel), clip(p, type), clip(p, h->field));
	else
		hint = "Relations come from the tables linked with rbac.bind: declare them in the resource block, bind the table and delete this rule; or load with rbac.load_policy(source, oso_compat => true), which skips it with a warning.";
	report_host_rule(p, name, hint, "has_relation rules are not supported",
					 h ? rbac_format(p->alloc,
									 "skipped has_relation rule for relation \"%s\" of %s (oso_compat)",
									 clip(p, rel), clip(p, type)) :
					 "skipped a has_relation rule (oso_compat)",
					 h && h->field ?
					 rbac_format(p->alloc,
								 "rbac.bind supplies the relation from a column of the bound table: rbac.bind('%s', 'table', relations => '{\"%s\": \"%s\"}'); bind uses %s when it finds no foreign key.",
								 clip(p, type), clip(p, rel), clip(p, h->field),
								 clip(p, h->field)) :
					 "rbac.bind supplies relations from the columns of the bound tables (relations => '{\"name\": \"column\"}').");
}

/*
 * oso_compat: the errors about host-bridging rules become warnings saying
 * what was skipped.  Returns how many.
 */
int
rbac_oso_compat(RbacDiagList *diags)
{
	int			n = 0;
	int			i;

	for (i = 0; i < diags->n; i++)
	{
		RbacDiag   *d = &diags->items[i];

		if (!d->oso_skip || d->severity != RBAC_SEV_ERROR)
			continue;
		d->severity = RBAC_SEV_WARNING;
		d->message = d->compat_message;
		d->hint = d->compat_hint;
		d->notify = true;
		diags->nerrors--;
		n++;
	}
	return n;
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
	else if (strcmp(name.text, "has_relation") == 0)
		parse_relation_rule(p, &name);
	else
	{
		report(p, name.line, name.col, RBAC_DIAG_UNSUPPORTED,
			   "Outside blocks pg_rbac accepts has_permission and has_role rules and the entry rule allow(actor, action, resource) if has_permission(actor, action, resource); a fact about a resource is a column of its bound table (resource.column in a rule body).",
			   "unsupported rule \"%s\"", clip(p, name.text));
		recover(p, RECOVER_RULE);
	}
}
