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
		report(v, op->line, op->col, RBAC_SEV_ERROR,
			   rbac_format(v->alloc, "A body names the rule's parameters, and variables joined to them: %s matches Type and has_relation(resource, \"relation\", %s).",
						   p->var, p->var),
			   suggest_from(v, p->var, cands, n),
			   "unknown variable \"%s\"", p->var);
		return false;
	}
	if (cur == NULL)
		return false;			/* type undeclared: already reported */
	p->end_type = cur;
	if (nfields == 0)
		return true;

	/* the relations of a join, checked when it was bound (join_path) */
	i = 0;
	if (p->known_hops > 0 && p->known_hops <= nfields && p->known_type != NULL)
	{
		if (p->known_hops == nfields)
		{
			p->nhops = nfields - 1;
			p->tail = RBAC_TAIL_RELATION;
			p->end_type = p->known_type;
			return true;
		}
		cur = p->known_type;
		p->nhops = p->known_hops;
		i = p->known_hops;
	}

	/* relation hops: every field but the last must be a relation */
	for (; i < nfields - 1; i++)
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
		report_not_value(v, e->a, c, e->b_array == NULL);
	if (e->b_array != NULL)
	{
		c = check_operand(v, rule, e->b_array, false);
		if (c != OC_COLUMN && c != OC_UNKNOWN)
			report(v, e->b_array->line, e->b_array->col, RBAC_SEV_ERROR,
				   "Write x in resource.column for a column of an array type, or x in [\"a\", \"b\"] for a list of literals.",
				   NULL, "\"%s\" is not an array column",
				   path_text(v, &e->b_array->path));
		return;
	}
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
	if (e->name_var != NULL)
	{
		report(v, e->line, e->col, RBAC_SEV_ERROR,
			   "Name it as a string, or make it the role variable of the rule head whose body fixes it: has_role(actor: User, role: String, repo: Repository) if role in [\"a\", \"b\"] and ...;",
			   NULL, "\"%s\" in %s is not a role or permission name",
			   e->name_var, fn);
		return;
	}
	if (t == NULL || e->name == NULL)
		return;
	require_term(v, t, e->name,
				 is_role ? RBAC_TERM_ROLE : RBAC_TERM_PERMISSION,
				 e->line, e->col);
}

/* ---------------------------------------------------------------------
 * Existential joins: org matches Organization and
 * has_relation(repo, "parent", org) make org stand for the path
 * repo.parent; the body is rewritten to use the path.
 * ---------------------------------------------------------------------
 */

/*
 * The fields of joined paths.  A chain of joins (x1 from repo, x2 from
 * x1, ...) appends one relation at a time: the joins of one chain share an
 * array, each reading its own prefix, and a join extends it in place when
 * it extends the longest prefix (the array doubles when full; a join that
 * branches off a shorter prefix copies it).  Arrays are never written
 * below used, so a prefix read by an earlier join never changes.
 */
typedef struct FieldBuf
{
	char	  **data;
	int			used;			/* fields written */
	int			cap;
} FieldBuf;

/* A variable joined to a parameter of the rule: var = root.fields */
typedef struct JoinVar
{
	const char *var;
	const char *root;			/* the actor or resource parameter */
	char	  **fields;			/* relations walked */
	int			nfields;
	RbacType   *type;			/* type reached */
	FieldBuf   *buf;			/* the array fields is (a version of) */
	RbacJoinRef *ref;			/* its identity in the rewritten paths */
} JoinVar;

/* The joins in scope for a chain of conjuncts, indexed by variable. */
typedef struct JoinScope
{
	JoinVar    *joins;
	int			n;
	int			cap;
	RbacNameTable index;		/* var -> position in joins */
} JoinScope;

/* The join of var in scope s, or NULL. */
static JoinVar *
find_join(const JoinScope *s, const char *var)
{
	RbacNameEntry *e = var ? rbac_names_find(&s->index, NULL, var) : NULL;

	return e ? &s->joins[e->idx] : NULL;
}

/* Add join j to scope s (the first join of a variable is the one found). */
static void
add_join(Validator *v, JoinScope *s, const JoinVar *j)
{
	s->joins = rbac_grow(v->alloc, s->joins, &s->cap, s->n + 1, sizeof(JoinVar));
	s->joins[s->n] = *j;
	rbac_names_add(v->alloc, &s->index, NULL, j->var, s->n);
	s->n++;
}

/*
 * The fields of sj's path (none when sj is NULL) followed by the nmore
 * fields more: in sj's array when sj holds its longest prefix, else in a
 * new one.  *buf is set to the array's FieldBuf.
 */
static char **
extend_fields(Validator *v, const JoinVar *sj, char **more, int nmore,
			  FieldBuf **buf)
{
	int			base = sj ? sj->nfields : 0;
	FieldBuf   *b = sj ? sj->buf : NULL;
	int			i;

	if (b == NULL || b->used != base || sj->fields != b->data)
	{
		/* a new array, with room for a chain to grow */
		b = rbac_alloc(v->alloc, sizeof(FieldBuf));
		b->cap = 2 * (base + nmore) + 4;
		b->data = rbac_alloc(v->alloc, sizeof(char *) * (size_t) b->cap);
		for (i = 0; i < base; i++)
			b->data[i] = sj->fields[i];
		b->used = base;
	}
	else if (b->used + nmore > b->cap)
	{
		/* full: a copy twice as large (the old one stays for its readers) */
		char	  **data = rbac_alloc(v->alloc, sizeof(char *) *
									  (size_t) (2 * (b->used + nmore)));

		memcpy(data, b->data, sizeof(char *) * (size_t) b->used);
		b->data = data;
		b->cap = 2 * (b->used + nmore);
	}
	for (i = 0; i < nmore; i++)
		b->data[b->used++] = more[i];
	*buf = b;
	return b->data;
}

/* Is var a named parameter of the rule? */
static bool
is_param(RbacRule *rule, const char *var)
{
	return var != NULL &&
		((!is_anon(rule->actor_var) && strcmp(var, rule->actor_var) == 0) ||
		 (!is_anon(rule->resource_var) && strcmp(var, rule->resource_var) == 0));
}

/* The type of a parameter of the rule (NULL for name: Actor). */
static RbacType *
param_type(RbacRule *rule, const char *var)
{
	if (!is_anon(rule->actor_var) && strcmp(var, rule->actor_var) == 0)
		return rule->atype;
	return rule->rtype;
}

/*
 * Rewrite a path operand that starts with a joined variable.  Its first
 * fields, the join's, are relations already checked: resolve_path starts
 * after them (known_hops), so a chain costs its length once.
 */
static void
join_path(Validator *v, RbacOperand *op, const JoinScope *s)
{
	JoinVar    *j;
	char	  **fields;
	int			i;

	if (op == NULL || op->kind != RBAC_OP_PATH)
		return;
	j = find_join(s, op->path.var);
	if (j == NULL)
		return;
	fields = j->fields;			/* shared: paths are never written */
	if (op->path.nfields > 0)
	{
		fields = rbac_alloc(v->alloc, sizeof(char *) * (j->nfields + op->path.nfields + 1));
		for (i = 0; i < j->nfields; i++)
			fields[i] = j->fields[i];
		for (i = 0; i < op->path.nfields; i++)
			fields[j->nfields + i] = op->path.fields[i];
	}
	op->path.var = (char *) j->root;
	op->path.fields = fields;
	op->path.nfields = j->nfields + op->path.nfields;
	op->path.known_hops = j->nfields;
	op->path.known_type = j->type;
	op->path.join = j->ref;
}

/*
 * Bind the object of has_relation(subject, "rel", obj) when its subject is
 * a parameter or an already joined variable.  True when it was handled:
 * bound (the condition becomes "subject.rel != nil"), or an error
 * reported; false when its subject is not known yet.
 */
static bool
bind_join(Validator *v, RbacRule *rule, RbacExpr *e, JoinScope *s)
{
	RbacPath   *sp = &e->target->path;
	JoinVar    *sj = find_join(s, sp->var);
	RbacType   *t;
	JoinVar		j;
	int			i,
				pos;
	char	  **more;
	int			nmore;

	if (sj == NULL && !is_param(rule, sp->var))
		return false;			/* not yet: maybe after another join */
	if (is_param(rule, e->var))
	{
		report(v, e->line, e->col, RBAC_SEV_ERROR,
			   rbac_format(v->alloc, "Compare instead: %s.%s.id = %s.id.",
						   safe(sp->var), safe(e->name), e->var),
			   NULL,
			   "has_relation can join only a new variable, not the parameter \"%s\"",
			   e->var);
		return true;
	}
	if (find_join(s, e->var) != NULL)
	{
		report(v, e->line, e->col, RBAC_SEV_ERROR,
			   "A joined variable stands for one related resource: bind it with one has_relation and use a second variable for another relation.",
			   NULL, "variable \"%s\" is bound by more than one has_relation",
			   e->var);
		return true;
	}
	/* walk the relations the join adds, from the type its subject reached */
	t = sj ? sj->type : param_type(rule, sp->var);
	nmore = sp->nfields + 1;
	more = rbac_alloc(v->alloc, sizeof(char *) * (size_t) nmore);
	for (i = 0; i < sp->nfields; i++)
		more[i] = sp->fields[i];
	more[nmore - 1] = e->name;
	for (i = 0; t != NULL && i < nmore; i++)
	{
		pos = more[i] ? term_pos(v, t, more[i]) : -1;
		if (pos < 0 || t->terms[pos].kind != RBAC_TERM_RELATION)
		{
			require_term(v, t, safe(more[i]), RBAC_TERM_RELATION, e->line,
						 e->col);
			return true;
		}
		t = t->terms[pos].target_type;
	}
	if (t == NULL)
	{
		if (param_type(rule, sp->var) == NULL && sj == NULL &&
			rule->actor_kind == RBAC_ACTOR_ANY_ACTOR)
			report(v, e->line, e->col, RBAC_SEV_ERROR,
				   "Give the actor a type (user: User).", NULL,
				   "variable \"%s\" may be any actor type, so it has no relations",
				   safe(sp->var));
		return true;			/* otherwise an undeclared type: reported */
	}
	j.var = e->var;
	j.root = sj ? sj->root : sp->var;
	j.fields = extend_fields(v, sj, more, nmore, &j.buf);
	j.nfields = (sj ? sj->nfields : 0) + nmore;
	j.type = t;
	j.ref = rbac_alloc(v->alloc, sizeof(RbacJoinRef));
	j.ref->parent = sj ? sj->ref : NULL;
	j.ref->nfields = j.nfields;
	add_join(v, s, &j);
	/* the join itself: the relation is set (repo.parent != nil) */
	e->kind = RBAC_EX_CMP;
	e->op = RBAC_CMP_NE;
	e->a = rbac_alloc(v->alloc, sizeof(RbacOperand));
	e->a->kind = RBAC_OP_PATH;
	e->a->line = e->line;
	e->a->col = e->col;
	e->a->path.var = (char *) j.root;
	e->a->path.fields = j.fields;
	e->a->path.nfields = j.nfields;
	e->a->path.known_hops = j.nfields;
	e->a->path.known_type = t;
	e->a->path.join = j.ref;
	e->binds = j.ref;
	e->b = rbac_alloc(v->alloc, sizeof(RbacOperand));
	e->b->kind = RBAC_OP_NIL;
	e->b->line = e->line;
	e->b->col = e->col;
	e->target = NULL;
	return true;
}

/* Check "var matches Type" against what var is; it then always holds. */
static void
check_matches(Validator *v, RbacRule *rule, RbacExpr *e, const JoinScope *s)
{
	JoinVar    *j = find_join(s, e->var);
	RbacType   *t = NULL;
	RbacType   *want = rbac_find_type(v->policy, safe(e->name));

	if (want == NULL)
		report(v, e->line, e->col, RBAC_SEV_ERROR, NULL,
			   suggest_from(v, safe(e->name), v->typenames, v->ntypenames),
			   "undeclared type \"%s\"", safe(e->name));
	else if (j != NULL)
		t = j->type;
	else if (is_param(rule, e->var))
		t = param_type(rule, e->var);
	else
		report(v, e->line, e->col, RBAC_SEV_ERROR,
			   rbac_format(v->alloc, "Join it to a parameter: %s matches %s and has_relation(resource, \"relation\", %s).",
						   safe(e->var), safe(e->name), safe(e->var)),
			   NULL, "variable \"%s\" is not bound by a has_relation",
			   safe(e->var));
	if (t != NULL && want != NULL && t != want)
		report(v, e->line, e->col, RBAC_SEV_ERROR,
			   j ? rbac_format(v->alloc, "The relation joined to \"%s\" targets %s: match that type, or join another relation.",
							   safe(e->var), safe(t->name)) : NULL,
			   NULL, "variable \"%s\" is a %s, so it never matches %s",
			   safe(e->var), safe(t->name), safe(e->name));
	e->kind = RBAC_EX_TRUE;
}

/* Rewrite the operands of a leaf condition through the joins. */
static void
join_leaf(Validator *v, RbacExpr *e, const JoinScope *s)
{
	int			i;

	join_path(v, e->a, s);
	join_path(v, e->b, s);
	join_path(v, e->b_array, s);
	join_path(v, e->target, s);
	for (i = 0; e->list != NULL && i < e->nlist; i++)
		join_path(v, e->list[i], s);
}

/*
 * The has_relation conjuncts of a chain, bound in the order of repeated
 * passes over the conjuncts (each pass binding, in order, every one whose
 * subject is known by then, until a pass binds nothing), which decides
 * which of two has_relation binding one variable is reported.  Instead of
 * passes, a conjunct waits on its subject's variable and is queued when
 * it is bound: in the same pass when it comes later than the binding
 * conjunct, in the next one otherwise.  A heap orders the queue by (pass,
 * position); the work is n log n, not one pass per link of a chain.
 */
typedef struct JoinQueue
{
	long	   *heap;			/* pass * nitems + position */
	int			n;
	int			cap;
	long		nitems;
} JoinQueue;

static void
queue_push(Validator *v, JoinQueue *q, long pass, int item)
{
	long		key = pass * q->nitems + item;
	int			i;

	q->heap = rbac_grow(v->alloc, q->heap, &q->cap, q->n + 1, sizeof(long));
	for (i = q->n++; i > 0 && q->heap[(i - 1) / 2] > key; i = (i - 1) / 2)
		q->heap[i] = q->heap[(i - 1) / 2];
	q->heap[i] = key;
}

static long
queue_pop(JoinQueue *q)
{
	long		top = q->heap[0];
	long		last = q->heap[--q->n];
	int			i = 0;

	for (;;)
	{
		int			c = 2 * i + 1;

		if (c >= q->n)
			break;
		if (c + 1 < q->n && q->heap[c + 1] < q->heap[c])
			c++;
		if (q->heap[c] >= last)
			break;
		q->heap[i] = q->heap[c];
		i = c;
	}
	if (q->n > 0)
		q->heap[i] = last;
	return top;
}

/* Is e a has_relation whose subject is a path (a conjunct to bind)? */
static bool
is_join(const RbacExpr *e)
{
	return e->kind == RBAC_EX_HAS_RELATION && e->target != NULL &&
		e->target->kind == RBAC_OP_PATH;
}

/* Bind the has_relation conjuncts among items (see JoinQueue). */
static void
bind_joins(Validator *v, RbacRule *rule, RbacExpr **items, int nitems,
		   JoinScope *s)
{
	JoinQueue	q = {NULL, 0, 0, nitems > 0 ? nitems : 1};
	RbacNameTable waiting = {NULL, 0, 0};	/* var -> first waiting item */
	int		   *next = rbac_alloc(v->alloc, sizeof(int) * (size_t) (nitems + 1));
	int			i;

	for (i = nitems - 1; i >= 0; i--)
	{
		const char *var;
		RbacNameEntry *w;

		next[i] = -1;
		if (!is_join(items[i]))
			continue;
		var = items[i]->target->path.var;
		if (find_join(s, var) != NULL || is_param(rule, var) || var == NULL)
		{
			queue_push(v, &q, 0, i);
			continue;
		}
		/* wait on var: a list in position order */
		w = rbac_names_find(&waiting, NULL, var);
		if (w == NULL)
			w = rbac_names_add(v->alloc, &waiting, NULL, var, -1);
		next[i] = w->idx;
		w->idx = i;
	}
	while (q.n > 0)
	{
		long		key = queue_pop(&q);
		long		pass = key / q.nitems;
		int			item = (int) (key % q.nitems);
		int			before = s->n;
		RbacNameEntry *w;
		int			k;

		if (!bind_join(v, rule, items[item], s))
			continue;			/* no variable: reported as unknown */
		if (items[item]->kind == RBAC_EX_HAS_RELATION)
			items[item]->kind = RBAC_EX_TRUE;	/* error reported */
		if (s->n == before)
			continue;
		/* the conjuncts waiting for the variable just bound */
		w = rbac_names_find(&waiting, NULL, s->joins[s->n - 1].var);
		if (w == NULL)
			continue;
		for (k = w->idx; k >= 0; k = next[k])
			queue_push(v, &q, k > item ? pass : pass + 1, k);
		w->idx = -1;
	}
}

/*
 * Resolve the joins of e with the joins of the enclosing conjunctions
 * (outer): each "and" chain binds its has_relation variables for all its
 * conditions; "or" and "not" open a scope of their own.  The depth of the
 * tree is bounded by the parser (MAX_DEPTH and balanced chains).
 */
static void
rewrite_joins(Validator *v, RbacRule *rule, RbacExpr *e, const JoinScope *outer)
{
	RbacExpr  **items = NULL;
	int			nitems = 0,
				itemcap = 0;
	JoinScope	s;
	int			sp = 0;
	int			i;

	if (e == NULL)
		return;
	/* the conjuncts of the chain */
	{
		RbacExpr  **stack = rbac_alloc(v->alloc, sizeof(RbacExpr *) * 2);
		int			stackcap = 2;

		stack[sp++] = e;
		while (sp > 0)
		{
			RbacExpr   *c = stack[--sp];

			if (c == NULL)
				continue;
			if (c->kind == RBAC_EX_AND)
			{
				stack = rbac_grow(v->alloc, stack, &stackcap, sp + 2,
								  sizeof(RbacExpr *));
				stack[sp++] = c->right;
				stack[sp++] = c->left;
				continue;
			}
			items = rbac_grow(v->alloc, items, &itemcap, nitems + 1,
							  sizeof(RbacExpr *));
			items[nitems++] = c;
		}
	}
	memset(&s, 0, sizeof(s));
	for (i = 0; outer != NULL && i < outer->n; i++)
		add_join(v, &s, &outer->joins[i]);

	/* bind has_relation variables, in any order of the conjuncts */
	bind_joins(v, rule, items, nitems, &s);

	for (i = 0; i < nitems; i++)
	{
		RbacExpr   *c = items[i];

		switch (c->kind)
		{
			case RBAC_EX_HAS_RELATION:
				report(v, c->line, c->col, RBAC_SEV_ERROR,
					   "The first argument of has_relation is the rule's resource (or actor), or a variable joined to it by another has_relation.",
					   NULL, "unknown variable \"%s\"",
					   c->target ? safe(c->target->path.var) : "?");
				c->kind = RBAC_EX_TRUE;
				break;
			case RBAC_EX_MATCHES:
				check_matches(v, rule, c, &s);
				break;
			case RBAC_EX_OR:
				rewrite_joins(v, rule, c->left, &s);
				rewrite_joins(v, rule, c->right, &s);
				break;
			case RBAC_EX_NOT:
				rewrite_joins(v, rule, c->left, &s);
				break;
			default:
				join_leaf(v, c, &s);
				break;
		}
	}
}

/* Count the uses of var in e (operands and has_role actor arguments). */
static int
count_uses(const RbacExpr *e, const char *var)
{
	int			n = 0;
	int			i;
	const RbacOperand *ops[4];

	if (e == NULL)
		return 0;
	n += count_uses(e->left, var) + count_uses(e->right, var);
	ops[0] = e->a;
	ops[1] = e->b;
	ops[2] = e->b_array;
	ops[3] = e->target;
	for (i = 0; i < 4; i++)
		if (ops[i] && ops[i]->kind == RBAC_OP_PATH && ops[i]->path.var &&
			strcmp(ops[i]->path.var, var) == 0)
			n++;
	for (i = 0; e->list != NULL && i < e->nlist; i++)
		if (e->list[i]->kind == RBAC_OP_PATH && e->list[i]->path.var &&
			strcmp(e->list[i]->path.var, var) == 0)
			n++;
	if (e->actor_var && strcmp(e->actor_var, var) == 0)
		n++;
	/* "var matches Type" (kept after the join made it true) */
	if (e->var && strcmp(e->var, var) == 0)
		n++;
	return n;
}

/*
 * A named parameter used nowhere else matches everything: warn (Oso
 * policies name host constants this way, which mean nothing here).
 * Names that start with "_" say it is meant.
 */
static void
warn_unused(Validator *v, RbacRule *rule)
{
	int			side;

	if (rule->compiled)
		return;
	for (side = 0; side < 2; side++)
	{
		const char *var = side == 0 ? rule->actor_var : rule->resource_var;
		const char *type = side == 0 ?
			(rule->actor_kind == RBAC_ACTOR_TYPED ? rule->actor_type :
			 "actor") : rule->resource_type;
		int			before = v->diags->n;

		if (var == NULL || var[0] == '_' || count_uses(rule->body, var) > 0)
			continue;
		report(v, rule->line, rule->col, RBAC_SEV_WARNING,
			   rbac_format(v->alloc, "Write _: %s (or _%s) when every one is meant; to single out one %s, compare %s.id = \"...\" in the body or give it a role with rbac.assign_role.",
						   safe(type), var, side == 0 ? "actor" : "resource", var),
			   NULL,
			   "variable \"%s\" is used only once: it matches every %s, it is not a constant",
			   var, safe(type));
		if (v->diags->n == before + 1)
			v->diags->items[before].notify = true;
	}
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
		rewrite_joins(v, rule, rule->body, NULL);
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
				case RBAC_EX_MATCHES:
				case RBAC_EX_HAS_RELATION:
					break;		/* left only after a reported error */
				case RBAC_EX_GLOBAL:
					break;		/* resolved when it was compiled */
			}
		}

	}

	/*
	 * Parameters used once, in a policy without errors (an error in a rule
	 * often leaves a parameter unused; the rules oso_compat would skip do
	 * not count), once per rule as written (a variable
	 * head makes several).
	 */
	for (i = 0; i < v->diags->n; i++)
		if (v->diags->items[i].severity == RBAC_SEV_ERROR &&
			!v->diags->items[i].oso_skip)
			return;				/* rules oso_compat skips do not count */
	for (i = 0; i < v->nrules; i++)
	{
		RbacRule   *rule = v->policy->rules[i];

		if (rule != NULL && rule->body != NULL &&
			(i == 0 || v->policy->rules[i - 1] == NULL ||
			 v->policy->rules[i - 1]->start_offset != rule->start_offset))
			warn_unused(v, rule);
	}
}
