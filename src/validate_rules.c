/*-------------------------------------------------------------------------
 *
 * validate_rules.c
 *	  Validation of last-mile rules: their heads (the actor and resource
 *	  types, and the role or permission each defines) and their bodies
 *	  (variables, paths through relations to columns, comparisons, "in"
 *	  lists, nested has_role / has_permission).
 *
 * Columns of bound tables are checked through the caller's lookup callback
 * (RbacColumnLookup): the backend looks at the bound table, the fuzz
 * target and rbac_lint pass none.
 *
 *-------------------------------------------------------------------------
 */
#include "validate.h"

#include <string.h>

/* Kinds of a checked rule-body operand, for comparison checks. */
typedef enum OpClass
{
	OC_UNKNOWN,					/* missing or unresolved: already reported */
	OC_LITERAL,					/* string, integer, decimal */
	OC_BOOL,
	OC_NIL,
	OC_SELF,					/* a variable itself */
	OC_ID,						/* x.id */
	OC_COLUMN,					/* a column */
	OC_RELATION					/* a path ending on a relation */
} OpClass;

/* ---------------------------------------------------------------------
 * Last-mile rules
 * ---------------------------------------------------------------------
 */

/*
 * Report at line:col unless name is a term of kind kind of type t:
 * "undeclared role ..." (with a suggestion among the terms of that kind),
 * or "... is a permission of ..., not a role".
 */
static void
require_term(Validator *v, RbacType *t, const char *name, RbacTermKind kind,
			 int line, int col)
{
	int			pos = term_pos(v, t, name);
	const char *word = rbac_term_word(kind);

	if (pos < 0)
		report(v, line, col, RBAC_SEV_ERROR, NULL,
			   suggest_term(v, t, name,
							kind == RBAC_TERM_ROLE ? K_ROLE :
							kind == RBAC_TERM_PERMISSION ? K_PERM : K_REL),
			   "undeclared %s \"%s\" in %s %s",
			   word, name, tkind(t), safe(t->name));
	else if (t->terms[pos].kind != kind)
		report(v, line, col, RBAC_SEV_ERROR, NULL, NULL,
			   "\"%s\" is a %s of %s %s, not a %s",
			   name, rbac_term_word(t->terms[pos].kind), tkind(t),
			   safe(t->name), word);
}

/*
 * The type called name in the head of a last-mile rule, or NULL after
 * reporting it undeclared at line:col ("undeclared <what>"), with a
 * suggestion among the n candidates.
 */
static RbacType *
head_type(Validator *v, const char *name, const char *what, int line, int col,
		  const char *const *cands, int n)
{
	RbacType   *t = rbac_find_type(v->policy, name);

	if (t == NULL)
		report(v, line, col, RBAC_SEV_ERROR, NULL,
			   suggest_from(v, name, cands, n), "undeclared %s \"%s\"",
			   what, name);
	return t;
}

/*
 * Pass 3: resolve the actor and resource types of every last-mile rule and
 * the role or permission it defines.  A permission not yet declared on the
 * type is declared by the rule (from_rule), so this runs before shorthand
 * rules and rule bodies, which may name it.
 */
void
rbac_validate_rule_heads(Validator *v)
{
	int			i;

	for (i = 0; i < v->nrules; i++)
	{
		RbacRule   *rule = v->policy->rules[i];
		RbacType   *t;

		if (rule == NULL)
			continue;
		rule->atype = NULL;
		rule->rtype = NULL;

		if (rule->actor_kind == RBAC_ACTOR_TYPED && rule->actor_type != NULL)
		{
			t = head_type(v, rule->actor_type, "actor type", rule->line,
						  rule->col, v->actornames, v->nactornames);
			if (t != NULL && !t->is_actor)
				report(v, rule->line, rule->col, RBAC_SEV_ERROR,
					   "Only types declared with \"actor Name {}\" can be the actor of a rule.",
					   suggest_from(v, rule->actor_type, v->actornames,
									v->nactornames),
					   "resource %s is not an actor type", rule->actor_type);
			else
				rule->atype = t;
		}

		if (!is_anon(rule->actor_var) && !is_anon(rule->resource_var) &&
			strcmp(rule->actor_var, rule->resource_var) == 0)
			report(v, rule->line, rule->col, RBAC_SEV_ERROR,
				   rbac_format(v->alloc, "Name the resource differently and compare ids: %s.id = other.id.",
							   rule->actor_var),
				   NULL,
				   "variable \"%s\" names both the actor and the resource",
				   rule->actor_var);

		if (rule->resource_type == NULL)
			continue;
		t = head_type(v, rule->resource_type, "type", rule->rtype_line,
					  rule->rtype_col, v->typenames, v->ntypenames);
		if (t == NULL)
			continue;
		rule->rtype = t;

		if (rule->name == NULL)
			continue;
		if (rule->is_role)
			require_term(v, t, rule->name, RBAC_TERM_ROLE, rule->name_line,
						 rule->name_col);
		else if (term_pos(v, t, rule->name) < 0)
			rbac_validate_add_permission(v, t, rule->name, rule->name_line,
										 rule->name_col);
		else
			require_term(v, t, rule->name, RBAC_TERM_PERMISSION,
						 rule->name_line, rule->name_col);
	}
}

/* "var.f1.f2" for messages. */
static char *
path_text(Validator *v, const RbacPath *p)
{
	RbacBuf		sb = {NULL, 0, 0};
	int			i;

	rbac_buf_append(v->alloc, &sb, safe(p->var));
	if (p->fields != NULL)
		for (i = 0; i < p->nfields; i++)
		{
			rbac_buf_append(v->alloc, &sb, ".");
			rbac_buf_append(v->alloc, &sb, safe(p->fields[i]));
		}
	return sb.data;
}

/*
 * Resolve a path operand of a rule body: its variable (var_index), the
 * relation hops, and what the last field is (tail, end_type).  Columns are
 * checked through the lookup callback.  With ref_only (the target of
 * has_role / has_permission) a last field other than id must be a relation.
 * Returns false when the path did not resolve (an error was reported, or an
 * earlier error left a type unknown).
 */
static bool
resolve_path(Validator *v, RbacRule *rule, RbacOperand *op, bool ref_only)
{
	RbacPath   *p = &op->path;
	RbacType   *cur;
	int			nfields;
	int			i;
	int			pos;
	const char *f;

	p->var_index = -1;
	p->nhops = 0;
	p->tail = RBAC_TAIL_SELF;
	p->end_type = NULL;
	if (p->var == NULL)
		return false;
	nfields = (p->fields != NULL && p->nfields > 0) ? p->nfields : 0;

	if (strcmp(p->var, "_") == 0)
	{
		report(v, op->line, op->col, RBAC_SEV_ERROR, NULL, NULL,
			   "the anonymous variable \"_\" cannot be used in a rule body");
		return false;
	}
	if (!is_anon(rule->actor_var) && strcmp(p->var, rule->actor_var) == 0)
	{
		p->var_index = 0;
		if (rule->actor_kind == RBAC_ACTOR_ANY_ACTOR)
		{
			if (nfields == 0)
				return true;
			if (nfields == 1 && p->fields[0] != NULL &&
				strcmp(p->fields[0], "id") == 0)
			{
				p->tail = RBAC_TAIL_ID;
				return true;
			}
			report(v, op->line, op->col, RBAC_SEV_ERROR,
				   rbac_format(v->alloc, "Use %s.id, or give the actor a type (%s: User).",
							   p->var, p->var),
				   NULL,
				   "variable \"%s\" may be any actor type, so only .id is available",
				   p->var);
			return false;
		}
		cur = rule->atype;
	}
	else if (!is_anon(rule->resource_var) &&
			 strcmp(p->var, rule->resource_var) == 0)
	{
		p->var_index = 1;
		cur = rule->rtype;
	}
	else
	{
		const char *cands[2];
		int			n = 0;

		if (!is_anon(rule->actor_var))
			cands[n++] = rule->actor_var;
		if (!is_anon(rule->resource_var))
			cands[n++] = rule->resource_var;
		report(v, op->line, op->col, RBAC_SEV_ERROR, NULL,
			   suggest_from(v, p->var, cands, n),
			   "unknown variable \"%s\"", p->var);
		return false;
	}
	if (cur == NULL)
		return false;			/* type undeclared: already reported */
	p->end_type = cur;
	if (nfields == 0)
		return true;

	/* relation hops: every field but the last must be a relation */
	for (i = 0; i < nfields - 1; i++)
	{
		RbacTerm   *term;

		f = p->fields[i];
		if (f == NULL)
			return false;
		pos = strcmp(f, "id") == 0 ? -1 : term_pos(v, cur, f);
		term = pos >= 0 ? &cur->terms[pos] : NULL;
		if (term == NULL || term->kind != RBAC_TERM_RELATION)
		{
			report(v, op->line, op->col, RBAC_SEV_ERROR, NULL,
				   term == NULL ? suggest_term(v, cur, f, K_REL) : NULL,
				   "field \"%s\" of %s %s is not a relation",
				   f, tkind(cur), safe(cur->name));
			return false;
		}
		if (term->target_type == NULL)
			return false;		/* undeclared target: already reported */
		cur = term->target_type;
		p->nhops++;
	}
	p->end_type = cur;

	f = p->fields[nfields - 1];
	if (f == NULL)
		return false;
	if (strcmp(f, "id") == 0)
	{
		p->tail = RBAC_TAIL_ID;
		return true;
	}
	pos = term_pos(v, cur, f);
	if (pos >= 0 && cur->terms[pos].kind == RBAC_TERM_RELATION)
	{
		p->tail = RBAC_TAIL_RELATION;
		p->end_type = cur->terms[pos].target_type;
		return p->end_type != NULL;
	}
	if (ref_only)
	{
		require_term(v, cur, f, RBAC_TERM_RELATION, op->line, op->col);
		return false;
	}
	p->tail = RBAC_TAIL_COLUMN;
	if (v->lookup != NULL && cur->name != NULL)
	{
		const char *sugg = NULL;
		int			found = v->lookup(v->lookup_arg, cur->name, f, &sugg);

		if (found == 0)
		{
			report(v, op->line, op->col, RBAC_SEV_ERROR, NULL,
				   (sugg != NULL && strcmp(sugg, f) != 0) ? sugg : NULL,
				   "unknown column \"%s\" of type %s", f, cur->name);
			return false;
		}
	}
	return true;
}

/*
 * Check one operand of a rule body and classify it for comparison checks
 * (ref_only: see resolve_path).
 */
static OpClass
check_operand(Validator *v, RbacRule *rule, RbacOperand *op, bool ref_only)
{
	if (op == NULL)
		return OC_UNKNOWN;
	switch (op->kind)
	{
		case RBAC_OP_STRING:
		case RBAC_OP_INTEGER:
		case RBAC_OP_DECIMAL:
			return OC_LITERAL;
		case RBAC_OP_BOOL:
			return OC_BOOL;
		case RBAC_OP_NIL:
			return OC_NIL;
		case RBAC_OP_PATH:
			if (!resolve_path(v, rule, op, ref_only))
				return OC_UNKNOWN;
			switch (op->path.tail)
			{
				case RBAC_TAIL_SELF:
					return OC_SELF;
				case RBAC_TAIL_ID:
					return OC_ID;
				case RBAC_TAIL_COLUMN:
					return OC_COLUMN;
				case RBAC_TAIL_RELATION:
					return OC_RELATION;
			}
			break;
	}
	return OC_UNKNOWN;
}

/*
 * Report an operand that cannot be used as a value: a variable itself or
 * a path ending on a relation.  with_literal: the other side is a literal.
 */
static void
report_not_value(Validator *v, RbacOperand *op, OpClass c, bool with_literal)
{
	const char *var = safe(op->path.var);
	char	   *text = path_text(v, &op->path);

	if (c == OC_SELF && with_literal)
		report(v, op->line, op->col, RBAC_SEV_ERROR,
			   rbac_format(v->alloc, "Compare %s.id instead.", var), NULL,
			   "cannot compare variable \"%s\" itself with a literal", var);
	else if (c == OC_SELF)
		report(v, op->line, op->col, RBAC_SEV_ERROR,
			   rbac_format(v->alloc, "Compare %s.id instead, or compare the actor with a relation to an actor type (issue.creator = user).", var),
			   NULL,
			   "cannot compare variable \"%s\" itself", var);
	else if (c == OC_RELATION)
		report(v, op->line, op->col, RBAC_SEV_ERROR,
			   rbac_format(v->alloc, "Compare %s.id instead, or compare the relation with the actor itself (issue.creator = user).", text),
			   NULL,
			   "cannot use relation \"%s\" as a value", text);
}

/* The spelling of a comparison operator, for messages. */
static const char *
cmp_text(RbacCmpOp op)
{
	switch (op)
	{
		case RBAC_CMP_EQ:
			return "=";
		case RBAC_CMP_NE:
			return "!=";
		case RBAC_CMP_LT:
			return "<";
		case RBAC_CMP_LE:
			return "<=";
		case RBAC_CMP_GT:
			return ">";
		case RBAC_CMP_GE:
			return ">=";
	}
	return "?";
}

/*
 * Check a comparison: operands resolve; ordering operators do not apply
 * to booleans or nil; a variable itself is compared only in the form
 * "issue.creator = user", and a relation only with the actor, with nil,
 * or with another relation to the same type.
 */
static void
check_cmp(Validator *v, RbacRule *rule, RbacExpr *e)
{
	OpClass		ca = check_operand(v, rule, e->a, false);
	OpClass		cb = check_operand(v, rule, e->b, false);
	bool		ordering = (e->op == RBAC_CMP_LT || e->op == RBAC_CMP_LE ||
							e->op == RBAC_CMP_GT || e->op == RBAC_CMP_GE);
	bool		alit = (ca == OC_LITERAL || ca == OC_BOOL || ca == OC_NIL);
	bool		blit = (cb == OC_LITERAL || cb == OC_BOOL || cb == OC_NIL);
	int			side;

	if (ordering)
	{
		for (side = 0; side < 2; side++)
		{
			OpClass		c = side == 0 ? ca : cb;
			RbacOperand *op = side == 0 ? e->a : e->b;

			if (c == OC_BOOL || c == OC_NIL)
				report(v, op->line, op->col, RBAC_SEV_ERROR, NULL, NULL,
					   "operator \"%s\" cannot be applied to %s",
					   cmp_text(e->op), c == OC_BOOL ? "a boolean" : "nil");
		}
	}

	/* the actor itself against a relation to an actor: issue.creator = user */
	if ((ca == OC_SELF && cb == OC_RELATION) ||
		(ca == OC_RELATION && cb == OC_SELF))
	{
		RbacOperand *self = ca == OC_SELF ? e->a : e->b;
		RbacOperand *rel = ca == OC_SELF ? e->b : e->a;
		RbacType   *target = rel->path.end_type;

		if (self->path.var_index != 0)
			report_not_value(v, self, OC_SELF, false);
		else if (target != NULL && !target->is_actor)
			report(v, rel->line, rel->col, RBAC_SEV_ERROR, NULL, NULL,
				   "cannot compare the actor \"%s\" with relation \"%s\", which targets resource %s",
				   safe(self->path.var), path_text(v, &rel->path),
				   safe(target->name));
		else if (target != NULL && rule->atype != NULL &&
				 target != rule->atype)
			report(v, rel->line, rel->col, RBAC_SEV_ERROR, NULL, NULL,
				   "cannot compare the actor \"%s\" (a %s) with relation \"%s\", which targets actor %s",
				   safe(self->path.var), safe(rule->atype->name),
				   path_text(v, &rel->path), safe(target->name));
		else if (ordering)
			report(v, rel->line, rel->col, RBAC_SEV_ERROR, NULL, NULL,
				   "operator \"%s\" cannot be applied to actors",
				   cmp_text(e->op));
		return;
	}
	/* "repo.parent = nil": the reference is missing */
	if ((ca == OC_RELATION && cb == OC_NIL) ||
		(ca == OC_NIL && cb == OC_RELATION))
		return;
	/* two relations to the same type: "issue.creator = issue.assignee" */
	if (ca == OC_RELATION && cb == OC_RELATION &&
		e->a->path.end_type != NULL &&
		e->a->path.end_type == e->b->path.end_type)
	{
		if (ordering)
			report(v, e->a->line, e->a->col, RBAC_SEV_ERROR, NULL, NULL,
				   "operator \"%s\" cannot be applied to references",
				   cmp_text(e->op));
		return;
	}
	if (ca == OC_SELF || ca == OC_RELATION)
		report_not_value(v, e->a, ca, blit);
	if (cb == OC_SELF || cb == OC_RELATION)
		report_not_value(v, e->b, cb, alit);
}

/* Check "x in [list]": x and the items must be values. */
static void
check_in(Validator *v, RbacRule *rule, RbacExpr *e)
{
	OpClass		c = check_operand(v, rule, e->a, false);
	int			i;

	if (c == OC_SELF || c == OC_RELATION)
		report_not_value(v, e->a, c, true);
	if (e->list == NULL)
		return;
	for (i = 0; i < e->nlist; i++)
	{
		c = check_operand(v, rule, e->list[i], false);
		if (c == OC_SELF || c == OC_RELATION)
			report_not_value(v, e->list[i], c, false);
	}
}

/* Check a bare operand used as a condition: a boolean column or literal. */
static void
check_bare(Validator *v, RbacRule *rule, RbacExpr *e)
{
	OpClass		c = check_operand(v, rule, e->a, false);

	switch (c)
	{
		case OC_UNKNOWN:
		case OC_BOOL:
		case OC_COLUMN:
			break;
		case OC_LITERAL:
		case OC_NIL:
			report(v, e->a->line, e->a->col, RBAC_SEV_ERROR, NULL, NULL,
				   "a literal condition must be true or false");
			break;
		case OC_SELF:
		case OC_ID:
		case OC_RELATION:
			report(v, e->a->line, e->a->col, RBAC_SEV_ERROR,
				   "A condition is a comparison, has_role, has_permission or a boolean column.",
				   NULL, "\"%s\" is not a boolean column",
				   path_text(v, &e->a->path));
			break;
	}
}

/*
 * Check has_role / has_permission inside a rule body: the actor argument
 * is the rule's actor variable, the target ends at a type, and the role
 * (permission) exists on that type.
 */
static void
check_has(Validator *v, RbacRule *rule, RbacExpr *e)
{
	bool		is_role = e->kind == RBAC_EX_HAS_ROLE;
	const char *fn = is_role ? "has_role" : "has_permission";
	RbacType   *t = NULL;

	if (e->actor_var != NULL)
	{
		if (is_anon(rule->actor_var))
			report(v, e->line, e->col, RBAC_SEV_ERROR,
				   "Give the actor of the rule a name (user: User) and pass it.",
				   NULL,
				   "the first argument of %s must be the rule's actor variable, but the rule has none",
				   fn);
		else if (strcmp(e->actor_var, rule->actor_var) != 0)
			report(v, e->line, e->col, RBAC_SEV_ERROR, NULL, NULL,
				   "the first argument of %s must be the actor variable \"%s\", not \"%s\"",
				   fn, rule->actor_var, e->actor_var);
	}

	if (e->target == NULL)
		return;
	if (e->target->kind != RBAC_OP_PATH)
	{
		report(v, e->target->line, e->target->col, RBAC_SEV_ERROR, NULL, NULL,
			   "the target of %s must be a rule variable or a path to a relation",
			   fn);
		return;
	}
	switch (check_operand(v, rule, e->target, true))
	{
		case OC_SELF:
			t = e->target->path.end_type;
			if (t == NULL)
			{
				report(v, e->target->line, e->target->col, RBAC_SEV_ERROR,
					   NULL, NULL,
					   "the target of %s must have a known type, but \"%s\" may be any actor type",
					   fn, safe(e->target->path.var));
				return;
			}
			break;
		case OC_RELATION:
			t = e->target->path.end_type;
			break;
		case OC_ID:
		case OC_COLUMN:
			report(v, e->target->line, e->target->col, RBAC_SEV_ERROR,
				   NULL, NULL,
				   "the target of %s must be a rule variable or a path to a relation, not \"%s\"",
				   fn, path_text(v, &e->target->path));
			return;
		default:
			return;
	}
	if (t == NULL || e->name == NULL)
		return;
	require_term(v, t, e->name,
				 is_role ? RBAC_TERM_ROLE : RBAC_TERM_PERMISSION,
				 e->line, e->col);
}

/*
 * Pass 5: check the body of every last-mile rule.  The expression tree is
 * walked with an explicit stack, so any nesting depth is safe.
 */
void
rbac_validate_rule_bodies(Validator *v)
{
	int			i;

	for (i = 0; i < v->nrules; i++)
	{
		RbacRule   *rule = v->policy->rules[i];
		int			sp = 0;

		if (rule == NULL || rule->body == NULL)
			continue;
		v->stack = rbac_grow(v->alloc, (void *) v->stack, &v->stackcap, 1,
							 sizeof(RbacExpr *));
		v->stack[sp++] = rule->body;
		while (sp > 0)
		{
			RbacExpr   *e = v->stack[--sp];

			if (e == NULL)
				continue;
			switch (e->kind)
			{
				case RBAC_EX_TRUE:
					break;
				case RBAC_EX_AND:
				case RBAC_EX_OR:
				case RBAC_EX_NOT:
					v->stack = rbac_grow(v->alloc, (void *) v->stack,
										 &v->stackcap, sp + 2,
										 sizeof(RbacExpr *));
					if (e->right != NULL && e->kind != RBAC_EX_NOT)
						v->stack[sp++] = e->right;
					if (e->left != NULL)
						v->stack[sp++] = e->left;
					break;
				case RBAC_EX_CMP:
					check_cmp(v, rule, e);
					break;
				case RBAC_EX_IN:
					check_in(v, rule, e);
					break;
				case RBAC_EX_OPERAND:
					if (e->a != NULL)
						check_bare(v, rule, e);
					break;
				case RBAC_EX_HAS_ROLE:
				case RBAC_EX_HAS_PERMISSION:
					check_has(v, rule, e);
					break;
			}
		}
	}
}
