/*-------------------------------------------------------------------------
 *
 * validate.c
 *	  Name resolution and semantic checks of a parsed policy
 *	  (docs/policy-language.md, "Validation and errors"): the entry point
 *	  rbac_validate, and the checks of what blocks declare (relations and
 *	  shorthand rules).
 *
 * rbac_validate runs after rbac_parse on whatever AST the parser produced,
 * including the debris of syntax errors (NULL names, missing parts), and
 * never trusts it: every pointer is checked.  It works in passes:
 *
 *	1. build the name index (types, global roles, the terms of each type;
 *	   validate_names.c);
 *	2. resolve relation targets (here);
 *	3. resolve the heads of last-mile rules: their types, and the
 *	   permissions they declare (added to the type with from_rule set;
 *	   validate_rules.c);
 *	4. resolve shorthand rules (here);
 *	5. check last-mile rule bodies: variables, paths, comparisons, nested
 *	   has_role / has_permission (validate_rules.c);
 *	6. report implication cycles as warnings (validate_cycles.c);
 *
 * and finally sorts every diagnostic by position (stable), so the output
 * order does not depend on the pass that found a problem.
 *
 * Everything is linear in the size of the policy: names are looked up in
 * hash tables, and suggestions draw from a fixed budget of comparisons.
 *
 * Plain C99, no PostgreSQL headers (links into the fuzz target), no global
 * state.  Memory comes from the caller's RbacAlloc arena and is never
 * freed individually.
 *
 *-------------------------------------------------------------------------
 */
#include "validate.h"

#include <string.h>

/*
 * Total number of candidate comparisons spent on "did you mean"
 * suggestions in one validation.  Plenty for any real policy; bounds the
 * work on pathological ones (thousands of errors times thousands of names).
 */
#define SUGGEST_BUDGET		500000L

/* ---------------------------------------------------------------------
 * Relations and shorthand rules
 * ---------------------------------------------------------------------
 */

/* Pass 2: resolve every relation's target type (RbacTerm.target_type). */
static void
resolve_relations(Validator *v)
{
	int			i,
				j;

	for (i = 0; i < v->ntypes; i++)
	{
		RbacType   *t = v->policy->types[i];

		if (t == NULL)
			continue;
		for (j = 0; j < t->nterms; j++)
		{
			RbacTerm   *term = &t->terms[j];

			if (term->kind != RBAC_TERM_RELATION)
				continue;
			term->target_type = NULL;
			if (term->target == NULL)
				continue;
			term->target_type = rbac_find_type(v->policy, term->target);
			if (term->target_type == NULL)
				report(v, term->target_line, term->target_col,
					   RBAC_SEV_ERROR, NULL,
					   suggest_from(v, term->target, v->typenames,
									v->ntypenames),
					   "relation \"%s\" of %s %s targets undeclared type \"%s\"",
					   safe(term->name), tkind(t), safe(t->name), term->target);
		}
	}
}

/*
 * A hint for a shorthand body naming a relation to a resource type without
 * "on": suggest inheriting a role of the target, preferably the one named
 * like the head.
 */
static char *
needs_on_hint(Validator *v, RbacShorthand *r, RbacType *target)
{
	const char *role = "ROLE";
	int			pos = term_pos(v, target, r->head);
	int			i;

	if (pos >= 0 && target->terms[pos].kind != RBAC_TERM_RELATION)
		role = r->head;
	else if (target != NULL)
	{
		for (i = 0; i < target->nterms; i++)
			if (target->terms[i].kind == RBAC_TERM_ROLE &&
				target->terms[i].name != NULL)
			{
				role = target->terms[i].name;
				break;
			}
	}
	return rbac_format(v->alloc, "Write \"%s\" if \"%s\" on \"%s\"; to inherit through the relation.",
					   safe(r->head), role, safe(r->body));
}

/* Check and resolve the head of a shorthand rule of type t. */
static void
resolve_head(Validator *v, RbacType *t, RbacShorthand *r)
{
	int			pos;

	if (r->head == NULL)
		return;
	pos = term_pos(v, t, r->head);
	if (pos < 0)
		report(v, r->head_line, r->head_col, RBAC_SEV_ERROR, NULL,
			   suggest_term(v, t, r->head, K_ROLE | K_PERM),
			   "undeclared role or permission \"%s\" in %s %s",
			   r->head, tkind(t), safe(t->name));
	else if (t->terms[pos].kind == RBAC_TERM_RELATION)
		report(v, r->head_line, r->head_col, RBAC_SEV_ERROR, NULL, NULL,
			   "\"%s\" is a relation of %s %s, not a role or permission",
			   r->head, tkind(t), safe(t->name));
	else
		r->head_kind = t->terms[pos].kind;
}

/*
 * Record what the body of r names, the term bt: a role or permission, or a
 * relation to an actor type.  False when bt is a relation to a resource
 * type, which the caller reports (the hint depends on "on").  A relation
 * whose target is undeclared was reported already: true, left unresolved.
 */
static bool
classify_body(RbacShorthand *r, const RbacTerm *bt)
{
	if (bt->kind != RBAC_TERM_RELATION)
	{
		r->body_kind = RBAC_BODY_TERM;
		r->body_term_kind = bt->kind;
	}
	else if (bt->target_type != NULL && bt->target_type->is_actor)
		r->body_kind = RBAC_BODY_ACTOR_RELATION;
	return bt->kind != RBAC_TERM_RELATION || bt->target_type == NULL ||
		bt->target_type->is_actor;
}

/*
 * Resolve the body of a shorthand rule without "on": a role or permission
 * of t, or a relation of t to an actor type.
 */
static void
resolve_local_body(Validator *v, RbacType *t, RbacShorthand *r)
{
	int			pos = term_pos(v, t, r->body);
	RbacTerm   *bt;

	if (pos < 0)
	{
		report(v, r->body_line, r->body_col, RBAC_SEV_ERROR, NULL,
			   suggest_term(v, t, r->body, K_ROLE | K_PERM | K_ACTOR_REL),
			   "undeclared role or permission \"%s\" in %s %s",
			   r->body, tkind(t), safe(t->name));
		return;
	}
	bt = &t->terms[pos];
	if (classify_body(r, bt))
		return;
	report(v, r->body_line, r->body_col, RBAC_SEV_ERROR,
		   needs_on_hint(v, r, bt->target_type), NULL,
		   "relation \"%s\" of %s %s is not an actor relation and needs \"on\"",
		   r->body, tkind(t), safe(t->name));
}

/*
 * Resolve the body of "X" if "Y" on "rel" in type t: rel is a relation of
 * t to U, Y a role or permission of U or a relation of U to an actor type.
 */
static void
resolve_via_body(Validator *v, RbacType *t, RbacShorthand *r)
{
	int			pos = term_pos(v, t, r->via);
	RbacTerm   *rel;
	RbacTerm   *bt;
	RbacType   *u;

	if (pos < 0)
	{
		report(v, r->via_line, r->via_col, RBAC_SEV_ERROR, NULL,
			   suggest_term(v, t, r->via, K_REL),
			   "undeclared relation \"%s\" in %s %s",
			   r->via, tkind(t), safe(t->name));
		return;
	}
	rel = &t->terms[pos];
	if (rel->kind != RBAC_TERM_RELATION)
	{
		report(v, r->via_line, r->via_col, RBAC_SEV_ERROR, NULL,
			   suggest_term(v, t, r->via, K_REL),
			   "\"%s\" is a %s of %s %s, not a relation",
			   r->via, rbac_term_word(rel->kind), tkind(t), safe(t->name));
		return;
	}
	u = rel->target_type;
	if (u == NULL)
		return;					/* undeclared target, already reported */
	r->via_type = u;
	if (r->body == NULL)
		return;
	pos = term_pos(v, u, r->body);
	if (pos < 0)
	{
		report(v, r->body_line, r->body_col, RBAC_SEV_ERROR, NULL,
			   suggest_term(v, u, r->body, K_ROLE | K_PERM | K_ACTOR_REL),
			   "undeclared role or permission \"%s\" in %s %s, the target of relation \"%s\"",
			   r->body, tkind(u), safe(u->name), r->via);
		return;
	}
	bt = &u->terms[pos];
	if (classify_body(r, bt))
		return;
	report(v, r->body_line, r->body_col, RBAC_SEV_ERROR,
		   rbac_format(v->alloc, "Inherit through one relation at a time: give %s %s a role that holds through \"%s\" and name that role here.",
					   tkind(u), safe(u->name), r->body),
		   NULL,
		   "relation \"%s\" of %s %s, the target of relation \"%s\", is not an actor relation",
		   r->body, tkind(u), safe(u->name), r->via);
}

/* Pass 4: resolve every shorthand rule of every type. */
static void
resolve_shorthands(Validator *v)
{
	int			i,
				j;

	for (i = 0; i < v->ntypes; i++)
	{
		RbacType   *t = v->policy->types[i];

		if (t == NULL || t->rules == NULL)
			continue;
		for (j = 0; j < t->nrules; j++)
		{
			RbacShorthand *r = &t->rules[j];

			r->head_kind = RBAC_TERM_ROLE;
			r->body_kind = RBAC_BODY_UNRESOLVED;
			r->body_term_kind = RBAC_TERM_ROLE;
			r->via_type = NULL;
			resolve_head(v, t, r);
			if (r->is_global)
			{
				if (r->body == NULL)
					continue;
				if (rbac_is_global_role(v->policy, r->body))
					r->body_kind = RBAC_BODY_GLOBAL;
				else
					report(v, r->body_line, r->body_col, RBAC_SEV_ERROR, NULL,
						   suggest_from(v, r->body, v->globalnames,
										v->nglobalnames),
						   "undeclared global role \"%s\"", r->body);
			}
			else if (r->via != NULL)
				resolve_via_body(v, t, r);
			else if (r->body != NULL)
				resolve_local_body(v, t, r);
		}
	}
}

/* ---------------------------------------------------------------------
 * Entry point
 * ---------------------------------------------------------------------
 */

/* Does diagnostic a come strictly before b (line, then column)? */
static bool
diag_before(const RbacDiag *a, const RbacDiag *b)
{
	return a->line < b->line || (a->line == b->line && a->col < b->col);
}

/*
 * Sort every diagnostic by position, stably (bottom-up merge sort), so the
 * parser's and the validator's reports interleave in source order and ties
 * keep the order they were found in.
 */
static void
sort_diags(RbacDiagList *diags, RbacAlloc *alloc)
{
	int			n = diags->n;
	RbacDiag   *src = diags->items;
	RbacDiag   *dst;
	RbacDiag   *tmp;
	int			width,
				i;

	if (n < 2 || src == NULL)
		return;
	for (i = 1; i < n; i++)
		if (diag_before(&src[i], &src[i - 1]))
			break;
	if (i == n)
		return;					/* already sorted */
	dst = rbac_alloc(alloc, sizeof(RbacDiag) * (size_t) n);
	for (width = 1; width < n; width *= 2)
	{
		for (i = 0; i < n; i += 2 * width)
		{
			int			lo = i;
			int			mid = i + width < n ? i + width : n;
			int			hi = i + 2 * width < n ? i + 2 * width : n;
			int			a = lo,
						b = mid,
						k = lo;

			while (a < mid && b < hi)
			{
				if (diag_before(&src[b], &src[a]))
					dst[k++] = src[b++];
				else
					dst[k++] = src[a++];
			}
			while (a < mid)
				dst[k++] = src[a++];
			while (b < hi)
				dst[k++] = src[b++];
		}
		tmp = src;
		src = dst;
		dst = tmp;
	}
	if (src != diags->items)
		memcpy(diags->items, src, sizeof(RbacDiag) * (size_t) n);
}

/*
 * Resolve and check a parsed policy (see the file header for the passes).
 * Safe on any AST the parser can produce; adds SEMANTIC errors and
 * warnings to diags, then sorts all diagnostics by position.
 */
void
rbac_validate(RbacPolicy *policy, RbacColumnLookup lookup, void *lookup_arg,
			  RbacAlloc *alloc, RbacDiagList *diags)
{
	Validator	v = {
		.policy = policy, .alloc = alloc, .diags = diags,
		.lookup = lookup, .lookup_arg = lookup_arg, .budget = SUGGEST_BUDGET
	};

	if (policy == NULL || alloc == NULL || diags == NULL)
		return;
	v.ntypes = (policy->types != NULL && policy->ntypes > 0) ? policy->ntypes : 0;
	v.nglobals = (policy->globals != NULL && policy->nglobals > 0) ?
		policy->nglobals : 0;
	v.nrules = (policy->rules != NULL && policy->nrules > 0) ? policy->nrules : 0;

	rbac_validate_build_index(&v);
	resolve_relations(&v);
	rbac_validate_rule_heads(&v);
	resolve_shorthands(&v);
	rbac_validate_rule_bodies(&v);
	rbac_validate_cycles(&v);
	sort_diags(diags, alloc);
}
