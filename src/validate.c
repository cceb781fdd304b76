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
 *	3b. expand wildcard rules (role if role on "parent";) into shorthand
 *	   rules naming each role or permission (here);
 *	3c. resolve the global block's permissions and rules, and rewrite
 *	   "X" if global "N"; into rules naming the global roles that grant N
 *	   (here);
 *	4. resolve shorthand rules (here);
 *	4b. compile shorthand rules with conditions ("read" if "viewer" and
 *	   is_public(resource);) into last-mile rules (here);
 *	5. check last-mile rule bodies: variables, paths, comparisons, nested
 *	   has_role / has_permission (validate_rules.c);
 *	6. report implication cycles as warnings (validate_cycles.c);
 *	7. resolve the names in test blocks (validate_tests.c);
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

/*
 * Most rules that wildcard rules, and rules "X" if global "N"; (one per
 * global role granting N), may expand into: bounds the work on a
 * pathological policy.
 */
#define MAX_EXPANSION		1000000L

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

/* Resolve the shorthand rule r of type t: its head and its body. */
static void
resolve_shorthand(Validator *v, RbacType *t, RbacShorthand *r)
{
	r->head_kind = RBAC_TERM_ROLE;
	r->body_kind = RBAC_BODY_UNRESOLVED;
	r->body_term_kind = RBAC_TERM_ROLE;
	r->via_type = NULL;
	resolve_head(v, t, r);
	if (r->is_global)
	{
		if (r->body == NULL)
			return;
		if (rbac_is_global_role(v->policy, r->body))
			r->body_kind = RBAC_BODY_GLOBAL;
		else
			report(v, r->body_line, r->body_col, RBAC_SEV_ERROR, NULL,
				   suggest_from(v, r->body, v->globalnames, v->nglobalnames),
				   "undeclared global role \"%s\"", r->body);
	}
	else if (r->via != NULL)
		resolve_via_body(v, t, r);
	else if (r->body != NULL)
		resolve_local_body(v, t, r);
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

		for (j = 0; t != NULL && t->rules != NULL && j < t->nrules; j++)
			resolve_shorthand(v, t, &t->rules[j]);
	}
}

/* ---------------------------------------------------------------------
 * The global block's permissions and rules
 * ---------------------------------------------------------------------
 */

/* Is name a global role or permission?  Reports at line:col if not. */
static bool
require_global(Validator *v, const char *name, int line, int col)
{
	RbacPolicy *pol = v->policy;
	const char **cands;
	int			n = 0;
	int			i;

	if (name == NULL || rbac_is_global_role(pol, name) ||
		rbac_find_global_permission(pol, name) != NULL)
		return name != NULL;
	cands = rbac_alloc(v->alloc, sizeof(char *) *
					   (size_t) (v->nglobalnames + pol->ngperms + 1));
	for (i = 0; i < v->nglobalnames; i++)
		cands[n++] = v->globalnames[i];
	for (i = 0; i < pol->ngperms; i++)
		if (pol->gperms[i].name != NULL)
			cands[n++] = pol->gperms[i].name;
	report(v, line, col, RBAC_SEV_ERROR, NULL, suggest_from(v, name, cands, n),
		   "undeclared global role or permission \"%s\"", name);
	return false;
}

/*
 * The rules of the global block indexed by head, and the grants found so
 * far (each name's search runs once).
 */
typedef struct GlobalIndex
{
	RbacNameTable heads;		/* head -> its last rule (idx) */
	int		   *next;			/* per rule: the previous rule of its head */
	RbacNameTable memo;			/* name -> position in grants/ngrants */
	const char ***grants;
	int		   *ngrants;
	int			nmemo;
} GlobalIndex;

/* Index the rules of the global block by head. */
static void
global_index(Validator *v, GlobalIndex *gi)
{
	RbacPolicy *pol = v->policy;
	int			i;

	memset(gi, 0, sizeof(*gi));
	gi->next = rbac_alloc(v->alloc, sizeof(int) * (size_t) (pol->ngrules + 1));
	gi->grants = rbac_alloc(v->alloc, sizeof(char **) *
							(size_t) (pol->ngrules + pol->nglobals + pol->ngperms + 1));
	gi->ngrants = rbac_alloc(v->alloc, sizeof(int) *
							 (size_t) (pol->ngrules + pol->nglobals + pol->ngperms + 1));
	for (i = 0; i < pol->ngrules; i++)
	{
		RbacNameEntry *e;

		gi->next[i] = -1;
		if (pol->grules[i].head == NULL || pol->grules[i].body == NULL)
			continue;
		e = rbac_names_find(&gi->heads, NULL, pol->grules[i].head);
		if (e == NULL)
			rbac_names_add(v->alloc, &gi->heads, NULL, pol->grules[i].head, i);
		else
		{
			gi->next[i] = e->idx;
			e->idx = i;
		}
	}
}

/*
 * The global roles that grant name (a global role or permission): name
 * itself when it is a role, and backwards through the global block's rules
 * every role whose holder gets it (breadth first, each name once).
 * Returns the count; *out the names.
 */
static int
global_grants(Validator *v, GlobalIndex *gi, const char *name,
			  const char ***out)
{
	RbacPolicy *pol = v->policy;
	RbacNameEntry *m = rbac_names_find(&gi->memo, NULL, name);
	RbacNameTable seen = {NULL, 0, 0};
	const char **queue;
	const char **roles;
	int			nq = 0;
	int			nroles = 0;
	int			k;

	if (m != NULL)
	{
		*out = gi->grants[m->idx];
		return gi->ngrants[m->idx];
	}
	queue = rbac_alloc(v->alloc, sizeof(char *) * (size_t) (pol->ngrules + 2));
	roles = rbac_alloc(v->alloc, sizeof(char *) * (size_t) (pol->ngrules + 2));
	queue[nq++] = name;
	rbac_names_add(v->alloc, &seen, NULL, name, 0);
	for (k = 0; k < nq; k++)
	{
		RbacNameEntry *e = rbac_names_find(&gi->heads, NULL, queue[k]);
		int			i;

		if (rbac_is_global_role(pol, queue[k]))
			roles[nroles++] = queue[k];
		for (i = e ? e->idx : -1; i >= 0; i = gi->next[i])
		{
			const char *body = pol->grules[i].body;

			if (rbac_names_find(&seen, NULL, body) != NULL)
				continue;
			rbac_names_add(v->alloc, &seen, NULL, body, 0);
			queue[nq++] = body;
		}
	}
	if (gi->nmemo < pol->ngrules + pol->nglobals + pol->ngperms + 1)
	{
		gi->grants[gi->nmemo] = roles;
		gi->ngrants[gi->nmemo] = nroles;
		rbac_names_add(v->alloc, &gi->memo, NULL, name, gi->nmemo++);
	}
	*out = roles;
	return nroles;
}

/*
 * Pass 3c: check the rules of the global block (a permission or role if a
 * role; a role is not granted by a permission), give each global
 * permission the roles that grant it, and rewrite every resource rule
 * "X" if global "N"; into one rule per global role granting N, so that
 * the engines see global roles only.
 */
static void
resolve_globals(Validator *v)
{
	RbacPolicy *pol = v->policy;
	GlobalIndex *gi = rbac_alloc(v->alloc, sizeof(GlobalIndex));
	long		expanded = 0;
	int			i,
				j,
				k;

	global_index(v, gi);
	v->gindex = gi;				/* kept for global "N" in conditions */
	for (i = 0; i < pol->ngrules; i++)
	{
		RbacShorthand *r = &pol->grules[i];

		if (!require_global(v, r->head, r->head_line, r->head_col) ||
			!require_global(v, r->body, r->body_line, r->body_col))
			continue;
		if (rbac_is_global_role(pol, r->head) &&
			!rbac_is_global_role(pol, r->body))
			report(v, r->body_line, r->body_col, RBAC_SEV_ERROR,
				   "Roles grant permissions: write \"permission\" if \"role\";.",
				   NULL, "global role \"%s\" cannot be granted by permission \"%s\"",
				   r->head, r->body);
	}
	for (i = 0; i < pol->ngperms; i++)
	{
		RbacGlobalPerm *gp = &pol->gperms[i];

		if (gp->name == NULL)
			continue;
		gp->ngrants = global_grants(v, gi, gp->name, &gp->grants);
		if (gp->ngrants == 0)
			report(v, gp->line, gp->col, RBAC_SEV_WARNING, NULL, NULL,
				   "global permission \"%s\" is granted by no global role",
				   gp->name);
	}
	for (i = 0; i < v->ntypes; i++)
	{
		RbacType   *t = pol->types[i];
		int			n;

		if (t == NULL || t->rules == NULL)
			continue;
		n = t->nrules;
		for (j = 0; j < n; j++)
		{
			RbacShorthand *r = &t->rules[j];
			const char **grants;
			int			ng;

			if (!r->is_global || r->body == NULL ||
				(!rbac_is_global_role(pol, r->body) &&
				 rbac_find_global_permission(pol, r->body) == NULL))
				continue;		/* undeclared: resolve_shorthands reports */
			ng = global_grants(v, gi, r->body, &grants);
			if (ng == 0)
			{
				report(v, r->body_line, r->body_col, RBAC_SEV_WARNING, NULL,
					   NULL, "global permission \"%s\" is granted by no global role, so this rule never holds",
					   r->body);
				/* drop the rule: it can never hold */
				memmove(&t->rules[j], &t->rules[j + 1],
						sizeof(RbacShorthand) * (size_t) (t->nrules - j - 1));
				t->nrules--;
				n--;
				j--;
				continue;
			}
			r->body = (char *) grants[0];
			if (ng - 1 > MAX_EXPANSION - expanded)
			{
				report(v, r->body_line, r->body_col, RBAC_SEV_ERROR,
					   "Grant the permission from fewer global roles, or shorten the chains of global role implications.",
					   NULL, "the global block's implications expand to more than %ld rules",
					   MAX_EXPANSION);
				return;
			}
			expanded += ng - 1;
			for (k = 1; k < ng; k++)
			{
				t->rules = rbac_grow(v->alloc, t->rules, &t->rulecap,
									 t->nrules + 1, sizeof(RbacShorthand));
				r = &t->rules[j];	/* the array may have moved */
				t->rules[t->nrules] = *r;
				t->rules[t->nrules].body = (char *) grants[k];
				t->nrules++;
			}
		}
	}
}

/* ---------------------------------------------------------------------
 * Wildcard rules and conditions of shorthand rules
 * ---------------------------------------------------------------------
 */

/*
 * The relation rel of type t, or NULL after reporting it undeclared or not
 * a relation (at line:col).
 */
static RbacTerm *
relation_of(Validator *v, RbacType *t, const char *rel, int line, int col)
{
	int			pos = term_pos(v, t, rel);

	if (pos < 0)
	{
		report(v, line, col, RBAC_SEV_ERROR, NULL,
			   suggest_term(v, t, rel, K_REL),
			   "undeclared relation \"%s\" in %s %s", safe(rel), tkind(t),
			   safe(t->name));
		return NULL;
	}
	if (t->terms[pos].kind != RBAC_TERM_RELATION)
	{
		report(v, line, col, RBAC_SEV_ERROR, NULL,
			   suggest_term(v, t, rel, K_REL),
			   "\"%s\" is a %s of %s %s, not a relation", rel,
			   rbac_term_word(t->terms[pos].kind), tkind(t), safe(t->name));
		return NULL;
	}
	return &t->terms[pos];
}

/*
 * Pass 3b: expand the wildcard rules of every type into rules naming each
 * role (permission):
 *	role if role on "parent";	 "R" if "R" on "parent"; for every role R of
 *								 the type that the related type declares too
 *	permission if "admin";		 "P" if "admin"; for every permission P
 * A wildcard that matches nothing is an error.
 */
static void
expand_wildcards(Validator *v)
{
	long		expanded = 0;
	int			i,
				j,
				k;

	for (i = 0; i < v->ntypes; i++)
	{
		RbacType   *t = v->policy->types[i];

		if (t == NULL || t->wilds == NULL)
			continue;
		for (j = 0; j < t->nwilds; j++)
		{
			RbacShorthand *w = &t->wilds[j];
			RbacCond   *c = w->cond;
			bool		body_wild = (c != NULL && c->kind == RBAC_COND_TERM &&
									 c->wild);
			const char *word = rbac_term_word(w->wild_kind);
			RbacType   *u = NULL;
			int			count = 0;
			int			nterms = t->nterms;

			if (c == NULL)
				continue;
			if (body_wild)
			{
				RbacTerm   *rel = relation_of(v, t, c->via, c->via_line,
											  c->via_col);

				if (rel == NULL || rel->target_type == NULL)
					continue;
				u = rel->target_type;
			}
			for (k = 0; k < nterms; k++)
			{
				RbacTerm   *term = &t->terms[k];
				RbacShorthand tmpl = *w;
				RbacCond   *body = c;

				if (term->kind != w->wild_kind || term->name == NULL)
					continue;
				if (body_wild)
				{
					int			pos = term_pos(v, u, term->name);

					if (pos < 0 || u->terms[pos].kind != w->wild_kind)
						continue;
					body = rbac_alloc(v->alloc, sizeof(RbacCond));
					*body = *c;
					body->name = term->name;
					body->wild = false;
				}
				else if (c->kind == RBAC_COND_TERM && c->via == NULL &&
						 c->name != NULL && strcmp(c->name, term->name) == 0)
					continue;	/* "owner" does not need to imply itself */
				tmpl.head = term->name;
				tmpl.head_wild = false;
				tmpl.cond = NULL;
				if (++expanded > MAX_EXPANSION)
				{
					report(v, w->head_line, w->head_col, RBAC_SEV_ERROR,
						   "Write fewer wildcard rules, or name the roles and permissions.",
						   NULL, "wildcard rules expand to more than %ld rules",
						   MAX_EXPANSION);
					return;
				}
				rbac_add_shorthand(v->alloc, t, &tmpl, body);
				count++;
			}
			if (count > 0)
				continue;
			if (body_wild)
				report(v, w->head_line, w->head_col, RBAC_SEV_ERROR,
					   rbac_format(v->alloc, "Declare the %ss that %s inherits in both types, or write the rules one by one.",
								   word, safe(t->name)),
					   NULL,
					   "wildcard rule %s if %s on \"%s\" matches nothing: %s %s and %s %s declare no %s in common",
					   word, word, safe(c->via), tkind(t), safe(t->name),
					   tkind(u), safe(u->name), word);
			else
			{
				bool		any = false;

				for (k = 0; k < nterms && !any; k++)
					any = t->terms[k].kind == w->wild_kind;
				report(v, w->head_line, w->head_col, RBAC_SEV_ERROR,
					   rbac_format(v->alloc, "Declare %ss = [...]; in %s %s, or remove the rule.",
								   word, tkind(t), safe(t->name)),
					   NULL,
					   "wildcard rule %s if ... matches nothing: %s %s declares no %s%s",
					   word, tkind(t), safe(t->name), any ? "other " : "", word);
			}
		}
	}
}

/* A path operand var(.f1(.f2)) at line:col. */
static RbacOperand *
path_operand(Validator *v, int line, int col, const char *var,
			 const char *f1, const char *f2)
{
	RbacOperand *o = rbac_alloc(v->alloc, sizeof(RbacOperand));

	o->kind = RBAC_OP_PATH;
	o->line = line;
	o->col = col;
	o->path.var = (char *) var;
	o->path.fields = rbac_alloc(v->alloc, sizeof(char *) * 2);
	if (f1)
		o->path.fields[o->path.nfields++] = (char *) f1;
	if (f2)
		o->path.fields[o->path.nfields++] = (char *) f2;
	return o;
}

/* A new rule-body node at the position of condition c. */
static RbacExpr *
cond_node(Validator *v, RbacExprKind kind, const RbacCond *c)
{
	RbacExpr   *e = rbac_alloc(v->alloc, sizeof(RbacExpr));

	e->kind = kind;
	e->line = c->line;
	e->col = c->col;
	return e;
}

/*
 * A term of a condition, compiled: a role or permission of t (or of the
 * type u that relation via leads to) is has_role / has_permission on the
 * resource (resource.via); a relation to an actor type is the comparison
 * resource(.via).rel = actor.  NULL after reporting (or when an undeclared
 * target was reported already).
 */
static RbacExpr *
cond_term(Validator *v, RbacType *t, RbacCond *c)
{
	RbacType   *u = t;
	RbacTerm   *bt;
	RbacExpr   *e;
	int			pos;

	if (c->wild)
	{
		report(v, c->line, c->col, RBAC_SEV_ERROR, NULL, NULL,
			   "a wildcard cannot be combined with other conditions");
		return NULL;
	}
	if (c->via != NULL)
	{
		RbacTerm   *rel = relation_of(v, t, c->via, c->via_line, c->via_col);

		if (rel == NULL || rel->target_type == NULL)
			return NULL;
		u = rel->target_type;
	}
	pos = term_pos(v, u, c->name);
	if (pos < 0)
	{
		if (c->via)
			report(v, c->line, c->col, RBAC_SEV_ERROR, NULL,
				   suggest_term(v, u, c->name, K_ROLE | K_PERM | K_ACTOR_REL),
				   "undeclared role or permission \"%s\" in %s %s, the target of relation \"%s\"",
				   safe(c->name), tkind(u), safe(u->name), c->via);
		else
			report(v, c->line, c->col, RBAC_SEV_ERROR, NULL,
				   suggest_term(v, u, c->name, K_ROLE | K_PERM | K_ACTOR_REL),
				   "undeclared role or permission \"%s\" in %s %s",
				   safe(c->name), tkind(u), safe(u->name));
		return NULL;
	}
	bt = &u->terms[pos];
	if (bt->kind != RBAC_TERM_RELATION)
	{
		e = cond_node(v, bt->kind == RBAC_TERM_ROLE ? RBAC_EX_HAS_ROLE :
					  RBAC_EX_HAS_PERMISSION, c);
		e->name = c->name;
		e->actor_var = (char *) "actor";
		e->target = path_operand(v, c->line, c->col, "resource", c->via, NULL);
		return e;
	}
	if (bt->target_type == NULL)
		return NULL;			/* undeclared target: reported */
	if (!bt->target_type->is_actor)
	{
		RbacType   *target = bt->target_type;
		const char *role = "ROLE";

		for (pos = 0; pos < target->nterms; pos++)
			if (target->terms[pos].kind == RBAC_TERM_ROLE &&
				target->terms[pos].name != NULL)
			{
				role = target->terms[pos].name;
				break;
			}
		report(v, c->line, c->col, RBAC_SEV_ERROR,
			   c->via ? "Inherit through one relation at a time: name a role of the related type." :
			   rbac_format(v->alloc, "Name a role of %s %s with \"on\": \"%s\" on \"%s\".",
						   tkind(target), safe(target->name), role,
						   safe(c->name)),
			   NULL,
			   "relation \"%s\" of %s %s is not an actor relation and needs \"on\"",
			   safe(c->name), tkind(u), safe(u->name));
		return NULL;
	}
	e = cond_node(v, RBAC_EX_CMP, c);
	e->op = RBAC_CMP_EQ;
	e->a = c->via ? path_operand(v, c->line, c->col, "resource", c->via, c->name) :
		path_operand(v, c->line, c->col, "resource", c->name, NULL);
	e->b = path_operand(v, c->line, c->col, "actor", NULL, NULL);
	return e;
}

/*
 * A fact about the resource, compiled: name(resource) is the boolean column
 * name of the bound table, name(resource, value) the column compared with
 * the value.  Columns are checked with the last-mile rule's body.
 */
static RbacExpr *
cond_fact(Validator *v, RbacType *t, RbacCond *c)
{
	RbacExpr   *e;
	int			pos;

	if (c->arg == NULL || strcmp(c->arg, "resource") != 0)
	{
		report(v, c->arg_line, c->arg_col, RBAC_SEV_ERROR,
			   rbac_format(v->alloc, "In a shorthand rule the resource is called resource: %s(resource).",
						   safe(c->name)),
			   NULL, "fact \"%s\" must be about the resource, not \"%s\"",
			   safe(c->name), safe(c->arg));
		return NULL;
	}
	pos = term_pos(v, t, c->name);
	if (pos >= 0)
	{
		report(v, c->line, c->col, RBAC_SEV_ERROR,
			   rbac_format(v->alloc, "Name a %s as a string: \"%s\".",
						   rbac_term_word(t->terms[pos].kind), safe(c->name)),
			   NULL, "\"%s\" is a %s of %s %s, not a fact about the resource",
			   safe(c->name), rbac_term_word(t->terms[pos].kind), tkind(t),
			   safe(t->name));
		return NULL;
	}
	if (strcmp(c->name, "id") == 0)
	{
		report(v, c->line, c->col, RBAC_SEV_ERROR,
			   "Compare the id in a last-mile rule: has_permission(user: User, \"read\", doc: Document) if doc.id = \"x\";.",
			   NULL, "\"id\" is not a fact about the resource");
		return NULL;
	}
	if (c->value == NULL)
	{
		e = cond_node(v, RBAC_EX_OPERAND, c);
		e->a = path_operand(v, c->line, c->col, "resource", c->name, NULL);
		return e;
	}
	e = cond_node(v, RBAC_EX_CMP, c);
	e->op = RBAC_CMP_EQ;
	e->a = path_operand(v, c->line, c->col, "resource", c->name, NULL);
	e->b = c->value;
	return e;
}

/*
 * global "N" in a condition, compiled: the actor, or a group it belongs
 * to, holds one of the global roles that grant N (N itself when it is a
 * role, and those whose holders get it through the global block's rules),
 * as "X" if global "N"; becomes one rule per such role (pass 3c).  NULL
 * after reporting.
 */
static RbacExpr *
cond_global(Validator *v, RbacCond *c)
{
	RbacExpr   *e;

	if (!require_global(v, c->name, c->line, c->col))
		return NULL;
	e = cond_node(v, RBAC_EX_GLOBAL, c);
	e->name = c->name;
	if (v->gindex != NULL)
		e->ngrants = global_grants(v, v->gindex, c->name, &e->grants);
	if (e->ngrants == 0)
		report(v, c->line, c->col, RBAC_SEV_WARNING, NULL, NULL,
			   "global permission \"%s\" is granted by no global role, so global \"%s\" never holds here",
			   c->name, c->name);
	return e;
}

/* What compiling a condition found besides its expression. */
typedef struct CondFlags
{
	bool		self;			/* the actor is compared with the resource */
	bool		global;			/* a global role is tested */
} CondFlags;

/*
 * Compile condition c of a shorthand rule of type t into a last-mile rule
 * body (negated: under an odd number of "not"), noting in *f what it
 * tests.  NULL after reporting.
 */
static RbacExpr *
cond_expr(Validator *v, RbacType *t, RbacCond *c, bool negated, CondFlags *f)
{
	RbacExpr   *e;

	if (c == NULL)
		return NULL;
	switch (c->kind)
	{
		case RBAC_COND_AND:
		case RBAC_COND_OR:
			e = cond_node(v, c->kind == RBAC_COND_AND ? RBAC_EX_AND : RBAC_EX_OR, c);
			e->left = cond_expr(v, t, c->left, negated, f);
			e->right = cond_expr(v, t, c->right, negated, f);
			return (e->left && e->right) ? e : NULL;
		case RBAC_COND_NOT:
			e = cond_node(v, RBAC_EX_NOT, c);
			e->left = cond_expr(v, t, c->left, !negated, f);
			return e->left ? e : NULL;
		case RBAC_COND_TERM:
			return cond_term(v, t, c);
		case RBAC_COND_FACT:
			return cond_fact(v, t, c);
		case RBAC_COND_GLOBAL:
			f->global = true;
			return cond_global(v, c);
		case RBAC_COND_SELF:
			if (!t->is_actor)
			{
				report(v, c->line, c->col, RBAC_SEV_ERROR,
					   rbac_format(v->alloc, "Declare actor %s {} as well: a type can be both an actor and a resource.",
								   safe(t->name)),
					   NULL, "resource == actor needs %s to be an actor type too",
					   safe(t->name));
				return NULL;
			}
			if (negated)
			{
				rbac_diag(v->diags, v->alloc, c->line, c->col, RBAC_SEV_ERROR,
						  RBAC_DIAG_UNSUPPORTED,
						  rbac_format(v->alloc, "Compare ids in a last-mile rule: has_permission(user: %s, \"x\", other: %s) if other.id != user.id;.",
									  safe(t->name), safe(t->name)),
						  "resource == actor cannot be negated in a shorthand rule");
				return NULL;
			}
			f->self = true;
			e = cond_node(v, RBAC_EX_CMP, c);
			e->op = RBAC_CMP_EQ;
			e->a = path_operand(v, c->line, c->col, "resource", "id", NULL);
			e->b = path_operand(v, c->line, c->col, "actor", "id", NULL);
			return e;
	}
	return NULL;
}

/*
 * Pass 4b: compile every condition rule into a last-mile rule of its type
 * (appended to policy->rules, so that pass 5 checks its body and the
 * engine, the set engine and the RLS generator evaluate it like one
 * written by hand).  The rule keeps the shorthand rule's source offsets,
 * so explain quotes what was written.  The actor is any actor, or the
 * resource's own type when the rule says resource == actor.
 */
static void
compile_conds(Validator *v)
{
	RbacPolicy *pol = v->policy;
	int			i,
				j;

	for (i = 0; i < v->ntypes; i++)
	{
		RbacType   *t = pol->types[i];

		if (t == NULL || t->conds == NULL)
			continue;
		for (j = 0; j < t->nconds; j++)
		{
			RbacShorthand *r = &t->conds[j];
			RbacExpr   *body;
			RbacRule   *rule;
			CondFlags	f = {false, false};
			int			pos;

			resolve_head(v, t, r);
			pos = term_pos(v, t, r->head);
			body = cond_expr(v, t, r->cond, false, &f);
			if (pos < 0 || t->terms[pos].kind == RBAC_TERM_RELATION ||
				body == NULL)
				continue;
			rule = rbac_alloc(v->alloc, sizeof(RbacRule));
			rule->is_role = (t->terms[pos].kind == RBAC_TERM_ROLE);
			rule->line = r->head_line;
			rule->col = r->head_col;
			rule->actor_kind = f.self ? RBAC_ACTOR_TYPED : RBAC_ACTOR_ANY_ACTOR;
			rule->actor_var = (char *) "actor";
			rule->actor_type = f.self ? t->name : NULL;
			rule->atype = f.self ? t : NULL;
			rule->name = r->head;
			rule->name_line = r->head_line;
			rule->name_col = r->head_col;
			rule->resource_var = (char *) "resource";
			rule->resource_type = t->name;
			rule->rtype = t;
			rule->rtype_line = r->head_line;
			rule->rtype_col = r->head_col;
			rule->body = body;
			rule->compiled = true;
			rule->uses_global = f.global;
			rule->start_offset = r->start_offset;
			rule->end_offset = r->end_offset;
			pol->nrules = v->nrules;
			RBAC_APPEND(v->alloc, pol->rules, pol->rulecap, pol->nrules, rule);
			v->nrules = pol->nrules;
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
	if (!policy->expanded)
	{
		expand_wildcards(&v);
		resolve_globals(&v);
	}
	resolve_shorthands(&v);
	if (!policy->expanded)
		compile_conds(&v);
	policy->expanded = true;
	rbac_validate_rule_bodies(&v);
	rbac_validate_cycles(&v);
	rbac_validate_tests(&v);
	sort_diags(diags, alloc);
}
