/*-------------------------------------------------------------------------
 *
 * validate.c
 *	  Name resolution and semantic checks of a parsed policy
 *	  (docs/policy-language.md, "Validation and errors"), and the name index
 *	  behind rbac_find_type and rbac_is_global_role.
 *
 * rbac_validate runs after rbac_parse on whatever AST the parser produced,
 * including the debris of syntax errors (NULL names, missing parts), and
 * never trusts it: every pointer is checked.  It works in passes:
 *
 *	1. build the name index (types, global roles, the terms of each type);
 *	2. resolve relation targets;
 *	3. resolve the heads of last-mile rules: their types, and the
 *	   permissions they declare (added to the type with from_rule set);
 *	4. resolve shorthand rules;
 *	5. check last-mile rule bodies (variables, paths, comparisons, nested
 *	   has_role / has_permission);
 *	6. report implication cycles as warnings (Tarjan, iterative);
 *
 * and finally sorts every diagnostic by position (stable), so the output
 * order does not depend on the pass that found a problem.
 *
 * Everything is linear in the size of the policy: names are looked up in
 * hash tables (policy_util.c), and "did you mean" suggestions draw from a
 * fixed budget of comparisons so that a policy full of errors cannot make
 * the validator quadratic.
 *
 * Plain C99, no PostgreSQL headers (links into the fuzz target), no global
 * state.  Memory comes from the caller's RbacAlloc arena and is never
 * freed individually.
 *
 *-------------------------------------------------------------------------
 */
#include "policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RBAC_INDEX_MAGIC	0x52424958u /* "RBIX" */

/*
 * Total number of candidate comparisons spent on "did you mean"
 * suggestions in one validation.  Plenty for any real policy; bounds the
 * work on pathological ones (thousands of errors times thousands of names).
 */
#define SUGGEST_BUDGET		500000L

/* Bits selecting which terms of a type are suggestion candidates. */
#define K_ROLE				0x01
#define K_PERM				0x02
#define K_REL				0x04
#define K_ACTOR_REL			0x08	/* relations whose target is an actor */

/* The policy-wide index stored in RbacPolicy.index. */
typedef struct RbacIndex
{
	uint32_t	magic;
	RbacPolicy *policy;
	RbacType  **types;			/* the arrays it was built for */
	int			ntypes;
	RbacGlobalRole *globals;
	int			nglobals;
	RbacNameTable type_names;	/* name -> position in types */
	RbacNameTable global_names; /* name -> position in globals */
} RbacIndex;

/* State of one rbac_validate call. */
typedef struct Validator
{
	RbacPolicy *policy;
	RbacAlloc  *alloc;
	RbacDiagList *diags;
	RbacColumnLookup lookup;
	void	   *lookup_arg;
	int			ntypes;			/* sanitized counts */
	int			nglobals;
	int			nrules;
	RbacNameTable terms;		/* (type, term name) -> position in terms */
	const char **typenames;		/* suggestion candidates: every type */
	int			ntypenames;
	const char **actornames;	/* ... actor types */
	int			nactornames;
	const char **globalnames;	/* ... global roles */
	int			nglobalnames;
	const char **cand;			/* scratch candidate list */
	int			candcap;
	long		budget;			/* suggestion comparisons left */
	RbacExpr  **stack;			/* scratch stack for walking bodies */
	int			stackcap;
} Validator;

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
 * Small helpers
 * ---------------------------------------------------------------------
 */

/*
 * Report a semantic diagnostic; when suggestion is not NULL the message
 * ends with (did you mean "suggestion"?).
 */
static void
report(Validator *v, int line, int col, RbacSeverity sev, const char *hint,
	   const char *suggestion, const char *format,...)
__attribute__((format(printf, 7, 8)));

static void
report(Validator *v, int line, int col, RbacSeverity sev, const char *hint,
	   const char *suggestion, const char *format,...)
{
	va_list		ap;
	char	   *msg;

	va_start(ap, format);
	msg = rbac_vformat(v->alloc, format, ap);
	va_end(ap);
	if (suggestion)
		rbac_diag(v->diags, v->alloc, line, col, sev, RBAC_DIAG_SEMANTIC, hint,
				  "%s (did you mean \"%s\"?)", msg, suggestion);
	else
		rbac_diag(v->diags, v->alloc, line, col, sev, RBAC_DIAG_SEMANTIC, hint,
				  "%s", msg);
}

/* A name for messages even when the parser left it NULL. */
static const char *
safe(const char *s)
{
	return s ? s : "?";
}

/* "actor" or "resource": how a type is spoken of in messages. */
static const char *
tkind(const RbacType *t)
{
	return t->is_actor ? "actor" : "resource";
}

/* Is this rule variable the anonymous one?  (NULL and "_" both mean _.) */
static bool
is_anon(const char *var)
{
	return var == NULL || strcmp(var, "_") == 0;
}

/* Is b the string a with exactly one pair of adjacent characters swapped? */
static bool
is_transposition(const char *a, const char *b)
{
	size_t		la = strlen(a);
	size_t		i;

	if (la < 2 || la != strlen(b))
		return false;
	for (i = 0; i < la && a[i] == b[i]; i++)
		;
	if (i + 1 >= la || a[i] != b[i + 1] || a[i + 1] != b[i])
		return false;
	return strcmp(a + i + 2, b + i + 2) == 0;
}

/*
 * The closest of n candidates, charged against the suggestion budget so
 * that many errors stay linear.  On top of rbac_closest: a swap of two
 * adjacent characters counts as one typo ("dco" -> "doc"), and a
 * one-character name is not "corrected" into another one-character name.
 */
static const char *
suggest_from(Validator *v, const char *name, const char *const *cands, int n)
{
	const char *best;
	int			i;

	if (name == NULL || n <= 0 || v->budget < n)
		return NULL;
	v->budget -= n;
	best = rbac_closest(name, cands, n);
	if (best == NULL)
	{
		for (i = 0; i < n; i++)
			if (cands[i] != NULL && is_transposition(name, cands[i]))
				return cands[i];
		return NULL;
	}
	if (strlen(name) == 1 && strlen(best) == 1)
		return NULL;
	return best;
}

/* Make room for n entries in the scratch candidate list. */
static void
cand_reserve(Validator *v, int n)
{
	v->cand = rbac_grow(v->alloc, (void *) v->cand, &v->candcap, n,
						sizeof(const char *));
}

/* Closest term of type t among the kinds selected by mask, or NULL. */
static const char *
suggest_term(Validator *v, RbacType *t, const char *name, int mask)
{
	int			n = 0;
	int			i;

	if (t == NULL || t->terms == NULL || t->nterms <= 0 || name == NULL)
		return NULL;
	if (v->budget < t->nterms)
		return NULL;
	v->budget -= t->nterms;
	cand_reserve(v, t->nterms);
	for (i = 0; i < t->nterms; i++)
	{
		RbacTerm   *term = &t->terms[i];
		bool		ok = false;

		if (term->name == NULL)
			continue;
		switch (term->kind)
		{
			case RBAC_TERM_ROLE:
				ok = (mask & K_ROLE) != 0;
				break;
			case RBAC_TERM_PERMISSION:
				ok = (mask & K_PERM) != 0;
				break;
			case RBAC_TERM_RELATION:
				ok = (mask & K_REL) != 0 ||
					((mask & K_ACTOR_REL) != 0 && term->target_type != NULL &&
					 term->target_type->is_actor);
				break;
		}
		if (ok)
			v->cand[n++] = term->name;
	}
	return suggest_from(v, name, v->cand, n);
}

/* ---------------------------------------------------------------------
 * The name index
 * ---------------------------------------------------------------------
 */

/* The policy's index if it was built for the policy's current arrays. */
static RbacIndex *
valid_index(RbacPolicy *policy)
{
	RbacIndex  *ix = (RbacIndex *) policy->index;

	if (ix == NULL || ix->magic != RBAC_INDEX_MAGIC || ix->policy != policy)
		return NULL;
	if (ix->types != policy->types || ix->ntypes != policy->ntypes ||
		ix->globals != policy->globals || ix->nglobals != policy->nglobals)
		return NULL;
	return ix;
}

/* Position of the first term of t called name, or -1. */
static int
term_pos(Validator *v, RbacType *t, const char *name)
{
	RbacNameEntry *e = rbac_names_find(&v->terms, t, name);

	return e ? e->idx : -1;
}

/*
 * Find a type by name.  O(1) through the index once rbac_validate has run;
 * a linear scan before that (or if the arrays changed since).
 */
RbacType *
rbac_find_type(RbacPolicy *policy, const char *name)
{
	RbacIndex  *ix;
	int			i;

	if (policy == NULL || name == NULL || policy->types == NULL)
		return NULL;
	ix = valid_index(policy);
	if (ix != NULL)
	{
		RbacNameEntry *e = rbac_names_find(&ix->type_names, NULL, name);

		return e ? policy->types[e->idx] : NULL;
	}
	for (i = 0; i < policy->ntypes; i++)
	{
		RbacType   *t = policy->types[i];

		if (t != NULL && t->name != NULL && strcmp(t->name, name) == 0)
			return t;
	}
	return NULL;
}

/* Is name a global role?  O(1) once validated. */
bool
rbac_is_global_role(RbacPolicy *policy, const char *name)
{
	RbacIndex  *ix;
	int			i;

	if (policy == NULL || name == NULL || policy->globals == NULL)
		return false;
	ix = valid_index(policy);
	if (ix != NULL)
		return rbac_names_find(&ix->global_names, NULL, name) != NULL;
	for (i = 0; i < policy->nglobals; i++)
		if (policy->globals[i].name != NULL &&
			strcmp(policy->globals[i].name, name) == 0)
			return true;
	return false;
}

/*
 * Build the policy index (types, global roles), the index of every
 * type's terms and the suggestion candidate lists, and store the policy
 * index in policy->index.
 */
static void
build_index(Validator *v)
{
	RbacPolicy *p = v->policy;
	RbacIndex  *ix = rbac_alloc(v->alloc, sizeof(RbacIndex));
	int			i,
				j;

	ix->magic = RBAC_INDEX_MAGIC;
	ix->policy = p;
	ix->types = p->types;
	ix->ntypes = p->ntypes;
	ix->globals = p->globals;
	ix->nglobals = p->nglobals;

	v->typenames = rbac_alloc(v->alloc,
							  sizeof(char *) * (size_t) (v->ntypes + 1));
	v->actornames = rbac_alloc(v->alloc,
							   sizeof(char *) * (size_t) (v->ntypes + 1));
	for (i = 0; i < v->ntypes; i++)
	{
		RbacType   *t = p->types[i];

		if (t == NULL)
			continue;
		if (t->terms == NULL || t->nterms < 0)
			t->nterms = 0;
		for (j = 0; j < t->nterms; j++)
			rbac_names_add(v->alloc, &v->terms, t, t->terms[j].name, j);
		if (t->name == NULL)
			continue;
		rbac_names_add(v->alloc, &ix->type_names, NULL, t->name, i);
		v->typenames[v->ntypenames++] = t->name;
		if (t->is_actor)
			v->actornames[v->nactornames++] = t->name;
	}

	v->globalnames = rbac_alloc(v->alloc,
								sizeof(char *) * (size_t) (v->nglobals + 1));
	for (i = 0; i < v->nglobals; i++)
	{
		const char *g = p->globals[i].name;

		if (g == NULL)
			continue;
		rbac_names_add(v->alloc, &ix->global_names, NULL, g, i);
		v->globalnames[v->nglobalnames++] = g;
	}
	p->index = ix;
}

/*
 * Declare a permission named by a last-mile rule on type t: append a
 * PERMISSION term with from_rule set and add it to the index of terms.
 */
static void
add_rule_permission(Validator *v, RbacType *t, const char *name, int line,
					int col)
{
	RbacTerm   *term;

	t->terms = rbac_grow(v->alloc, t->terms, &t->termcap, t->nterms + 1,
						 sizeof(RbacTerm));
	term = &t->terms[t->nterms];
	memset(term, 0, sizeof(RbacTerm));
	term->name = (char *) name;
	term->kind = RBAC_TERM_PERMISSION;
	term->line = line;
	term->col = col;
	term->from_rule = true;
	rbac_names_add(v->alloc, &v->terms, t, name, t->nterms);
	t->nterms++;
}

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
	if (bt->kind != RBAC_TERM_RELATION)
	{
		r->body_kind = RBAC_BODY_TERM;
		r->body_term_kind = bt->kind;
		return;
	}
	if (bt->target_type == NULL)
		return;					/* undeclared target, already reported */
	if (bt->target_type->is_actor)
	{
		r->body_kind = RBAC_BODY_ACTOR_RELATION;
		return;
	}
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
	if (bt->kind != RBAC_TERM_RELATION)
	{
		r->body_kind = RBAC_BODY_TERM;
		r->body_term_kind = bt->kind;
		return;
	}
	if (bt->target_type == NULL)
		return;					/* undeclared target, already reported */
	if (bt->target_type->is_actor)
	{
		r->body_kind = RBAC_BODY_ACTOR_RELATION;
		return;
	}
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
 * Last-mile rules
 * ---------------------------------------------------------------------
 */

/*
 * Pass 3: resolve the actor and resource types of every last-mile rule and
 * the role or permission it defines.  A permission not yet declared on the
 * type is declared by the rule (from_rule), so this runs before shorthand
 * rules and rule bodies, which may name it.
 */
static void
resolve_rule_heads(Validator *v)
{
	int			i;

	for (i = 0; i < v->nrules; i++)
	{
		RbacRule   *rule = v->policy->rules[i];
		RbacType   *t;
		int			pos;

		if (rule == NULL)
			continue;
		rule->atype = NULL;
		rule->rtype = NULL;

		if (rule->actor_kind == RBAC_ACTOR_TYPED && rule->actor_type != NULL)
		{
			t = rbac_find_type(v->policy, rule->actor_type);
			if (t == NULL)
				report(v, rule->line, rule->col, RBAC_SEV_ERROR, NULL,
					   suggest_from(v, rule->actor_type, v->actornames,
									v->nactornames),
					   "undeclared actor type \"%s\"", rule->actor_type);
			else if (!t->is_actor)
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
		t = rbac_find_type(v->policy, rule->resource_type);
		if (t == NULL)
		{
			report(v, rule->rtype_line, rule->rtype_col, RBAC_SEV_ERROR, NULL,
				   suggest_from(v, rule->resource_type, v->typenames,
								v->ntypenames),
				   "undeclared type \"%s\"", rule->resource_type);
			continue;
		}
		rule->rtype = t;

		if (rule->name == NULL)
			continue;
		pos = term_pos(v, t, rule->name);
		if (rule->is_role)
		{
			if (pos < 0)
				report(v, rule->name_line, rule->name_col, RBAC_SEV_ERROR, NULL,
					   suggest_term(v, t, rule->name, K_ROLE),
					   "undeclared role \"%s\" in %s %s",
					   rule->name, tkind(t), safe(t->name));
			else if (t->terms[pos].kind != RBAC_TERM_ROLE)
				report(v, rule->name_line, rule->name_col, RBAC_SEV_ERROR,
					   NULL, NULL, "\"%s\" is a %s of %s %s, not a role",
					   rule->name, rbac_term_word(t->terms[pos].kind),
					   tkind(t), safe(t->name));
		}
		else
		{
			if (pos < 0)
				add_rule_permission(v, t, rule->name, rule->name_line,
									rule->name_col);
			else if (t->terms[pos].kind != RBAC_TERM_PERMISSION)
				report(v, rule->name_line, rule->name_col, RBAC_SEV_ERROR,
					   NULL, NULL, "\"%s\" is a %s of %s %s, not a permission",
					   rule->name, rbac_term_word(t->terms[pos].kind),
					   tkind(t), safe(t->name));
		}
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
		if (pos < 0)
			report(v, op->line, op->col, RBAC_SEV_ERROR, NULL,
				   suggest_term(v, cur, f, K_REL),
				   "undeclared relation \"%s\" in %s %s",
				   f, tkind(cur), safe(cur->name));
		else
			report(v, op->line, op->col, RBAC_SEV_ERROR, NULL, NULL,
				   "\"%s\" is a %s of %s %s, not a relation",
				   f, rbac_term_word(cur->terms[pos].kind), tkind(cur),
				   safe(cur->name));
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
	int			pos;

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
	pos = term_pos(v, t, e->name);
	if (is_role)
	{
		if (pos < 0)
			report(v, e->line, e->col, RBAC_SEV_ERROR, NULL,
				   suggest_term(v, t, e->name, K_ROLE),
				   "undeclared role \"%s\" in %s %s",
				   e->name, tkind(t), safe(t->name));
		else if (t->terms[pos].kind != RBAC_TERM_ROLE)
			report(v, e->line, e->col, RBAC_SEV_ERROR, NULL, NULL,
				   "\"%s\" is a %s of %s %s, not a role",
				   e->name, rbac_term_word(t->terms[pos].kind), tkind(t),
				   safe(t->name));
	}
	else
	{
		if (pos < 0)
			report(v, e->line, e->col, RBAC_SEV_ERROR, NULL,
				   suggest_term(v, t, e->name, K_PERM),
				   "undeclared permission \"%s\" in %s %s",
				   e->name, tkind(t), safe(t->name));
		else if (t->terms[pos].kind != RBAC_TERM_PERMISSION)
			report(v, e->line, e->col, RBAC_SEV_ERROR, NULL, NULL,
				   "\"%s\" is a %s of %s %s, not a permission",
				   e->name, rbac_term_word(t->terms[pos].kind), tkind(t),
				   safe(t->name));
	}
}

/*
 * Pass 5: check the body of every last-mile rule.  The expression tree is
 * walked with an explicit stack, so any nesting depth is safe.
 */
static void
check_rule_bodies(Validator *v)
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

/* ---------------------------------------------------------------------
 * Implication cycles
 * ---------------------------------------------------------------------
 */

/* Scratch arrays for cycle detection, sized for the largest type. */
typedef struct CycleScratch
{
	int		   *start;			/* CSR: out-edges of node x are
								 * start[x]..start[x+1]-1 */
	int		   *fill;
	int		   *to;				/* edge -> head node */
	int		   *erule;			/* edge -> rule position */
	int		   *from;			/* rule position -> body node or -1 */
	int		   *head;			/* rule position -> head node */
	int		   *idx;			/* Tarjan */
	int		   *low;
	bool	   *onstack;
	int		   *stk;
	int		   *cs_node;		/* explicit call stack */
	int		   *cs_edge;
	int		   *comp;			/* node -> component */
	int		   *members;		/* nodes grouped by component */
	int		   *cstart;			/* component -> first member position */
	int		   *mark;			/* BFS visit stamps */
	int		   *prev;			/* BFS parent */
	int		   *queue;
	int			stamp;
} CycleScratch;

/* qsort comparator for term positions. */
static int
cmp_int(const void *a, const void *b)
{
	int			x = *(const int *) a;
	int			y = *(const int *) b;

	return (x > y) - (x < y);
}

/*
 * The edge body -> head of a shorthand rule, if it is an implication
 * between two roles or permissions of t itself (no "on", not global).
 */
static bool
rule_edge(Validator *v, RbacType *t, RbacShorthand *r, int *body, int *head)
{
	int			b,
				h;

	if (r->via != NULL || r->is_global || r->body_kind != RBAC_BODY_TERM ||
		r->head == NULL || r->body == NULL)
		return false;
	h = term_pos(v, t, r->head);
	b = term_pos(v, t, r->body);
	if (h < 0 || b < 0 || t->terms[h].kind == RBAC_TERM_RELATION ||
		t->terms[b].kind == RBAC_TERM_RELATION)
		return false;
	*body = b;
	*head = h;
	return true;
}

/*
 * Warn about one strongly connected component c of type t's implication
 * graph: the shortest cycle through its first rule (by position), from that
 * rule's head around to it, e.g. "a" -> "b" -> "a" for "a" if "b";
 * "b" if "a";.
 */
static void
warn_cycle(Validator *v, RbacType *t, CycleScratch *cs, int c)
{
	int			m0 = cs->cstart[c];
	int			m1 = cs->cstart[c + 1];
	int			first = -1;
	int			h,
				b,
				qh,
				qt,
				m,
				e,
				x,
				n,
				len;
	int			nroles = 0,
				nperms = 0;
	RbacBuf		sb = {NULL, 0, 0};
	char	   *hint = NULL;
	const char *what;
	RbacShorthand *fr;

	/* the first rule (by position) whose edge lies inside the component */
	for (m = m0; m < m1; m++)
	{
		x = cs->members[m];
		if (t->terms[x].kind == RBAC_TERM_ROLE)
			nroles++;
		else
			nperms++;
		for (e = cs->start[x]; e < cs->start[x + 1]; e++)
		{
			int			r = cs->erule[e];

			if (cs->comp[cs->to[e]] != c)
				continue;
			if (first < 0 ||
				t->rules[r].head_line < t->rules[first].head_line ||
				(t->rules[r].head_line == t->rules[first].head_line &&
				 (t->rules[r].head_col < t->rules[first].head_col ||
				  (t->rules[r].head_col == t->rules[first].head_col &&
				   r < first))))
				first = r;
		}
	}
	if (first < 0)
		return;
	fr = &t->rules[first];
	h = cs->head[first];
	b = cs->from[first];

	/* BFS from h to b along implications inside the component */
	cs->stamp++;
	qh = qt = 0;
	cs->queue[qt++] = h;
	cs->mark[h] = cs->stamp;
	cs->prev[h] = -1;
	while (qh < qt && cs->mark[b] != cs->stamp)
	{
		x = cs->queue[qh++];
		for (e = cs->start[x]; e < cs->start[x + 1]; e++)
		{
			int			w = cs->to[e];

			if (cs->comp[w] != c || cs->mark[w] == cs->stamp)
				continue;
			cs->mark[w] = cs->stamp;
			cs->prev[w] = x;
			cs->queue[qt++] = w;
		}
	}
	if (cs->mark[b] != cs->stamp)
		return;					/* cannot happen inside one component */

	/* the path h .. b, reversed out of prev[] into queue[] */
	len = 0;
	for (x = b; x >= 0; x = (x == h ? -1 : cs->prev[x]))
		cs->queue[len++] = x;
	for (n = len - 1; n >= 0; n--)
	{
		rbac_buf_append(v->alloc, &sb, "\"");
		rbac_buf_append(v->alloc, &sb, safe(t->terms[cs->queue[n]].name));
		rbac_buf_append(v->alloc, &sb, "\" -> ");
	}
	rbac_buf_append(v->alloc, &sb, "\"");
	rbac_buf_append(v->alloc, &sb, safe(t->terms[h].name));
	rbac_buf_append(v->alloc, &sb, "\"");

	what = nperms == 0 ? "roles" : nroles == 0 ? "permissions" :
		"roles and permissions";
	if (m1 - m0 > len)
	{
		RbacBuf		hb = {NULL, 0, 0};

		/* members in declaration order (the BFS is done with them) */
		qsort(cs->members + m0, (size_t) (m1 - m0), sizeof(int), cmp_int);
		rbac_buf_append(v->alloc, &hb, "All of ");
		for (m = m0; m < m1; m++)
		{
			if (m > m0)
				rbac_buf_append(v->alloc, &hb, ", ");
			rbac_buf_append(v->alloc, &hb, "\"");
			rbac_buf_append(v->alloc, &hb, safe(t->terms[cs->members[m]].name));
			rbac_buf_append(v->alloc, &hb, "\"");
		}
		rbac_buf_append(v->alloc, &hb, " are equivalent.");
		hint = hb.data;
	}
	report(v, fr->head_line, fr->head_col, RBAC_SEV_WARNING, hint, NULL,
		   "implication cycle in %s %s: %s (these %s are equivalent)",
		   tkind(t), safe(t->name), sb.data, what);
}

/*
 * Find the strongly connected components of one type's implication graph
 * (Tarjan's algorithm with an explicit stack) and warn about every
 * component that is a cycle: more than one node, or a self-loop.
 */
static void
type_cycles(Validator *v, RbacType *t, CycleScratch *cs)
{
	int			n = t->nterms;
	int			nedges = 0;
	int			counter = 0;
	int			ncomp = 0;
	int			nmembers = 0;
	int			sp = 0;
	int			i,
				s;

	if (t->rules == NULL || t->nrules <= 0 || n <= 0)
		return;
	for (i = 0; i <= n; i++)
		cs->start[i] = 0;
	for (i = 0; i < t->nrules; i++)
	{
		int			b,
					h;

		cs->from[i] = -1;
		if (!rule_edge(v, t, &t->rules[i], &b, &h))
			continue;
		cs->from[i] = b;
		cs->head[i] = h;
		cs->start[b + 1]++;
		nedges++;
	}
	if (nedges == 0)
		return;
	for (i = 0; i < n; i++)
		cs->start[i + 1] += cs->start[i];
	for (i = 0; i < n; i++)
		cs->fill[i] = cs->start[i];
	for (i = 0; i < t->nrules; i++)
	{
		int			b = cs->from[i];

		if (b < 0)
			continue;
		cs->to[cs->fill[b]] = cs->head[i];
		cs->erule[cs->fill[b]] = i;
		cs->fill[b]++;
	}
	for (i = 0; i < n; i++)
	{
		cs->idx[i] = -1;
		cs->onstack[i] = false;
	}

	for (s = 0; s < n; s++)
	{
		int			csp = 0;

		if (cs->idx[s] >= 0 || cs->start[s] == cs->start[s + 1])
			continue;
		cs->idx[s] = cs->low[s] = counter++;
		cs->stk[sp++] = s;
		cs->onstack[s] = true;
		cs->cs_node[csp] = s;
		cs->cs_edge[csp] = cs->start[s];
		csp++;
		while (csp > 0)
		{
			int			u = cs->cs_node[csp - 1];

			if (cs->cs_edge[csp - 1] < cs->start[u + 1])
			{
				int			w = cs->to[cs->cs_edge[csp - 1]++];

				if (cs->idx[w] < 0)
				{
					cs->idx[w] = cs->low[w] = counter++;
					cs->stk[sp++] = w;
					cs->onstack[w] = true;
					cs->cs_node[csp] = w;
					cs->cs_edge[csp] = cs->start[w];
					csp++;
				}
				else if (cs->onstack[w] && cs->idx[w] < cs->low[u])
					cs->low[u] = cs->idx[w];
				continue;
			}
			csp--;
			if (csp > 0)
			{
				int			p = cs->cs_node[csp - 1];

				if (cs->low[u] < cs->low[p])
					cs->low[p] = cs->low[u];
			}
			if (cs->low[u] == cs->idx[u])
			{
				int			w;

				cs->cstart[ncomp] = nmembers;
				do
				{
					w = cs->stk[--sp];
					cs->onstack[w] = false;
					cs->comp[w] = ncomp;
					cs->members[nmembers++] = w;
				} while (w != u);
				ncomp++;
				cs->cstart[ncomp] = nmembers;
			}
		}
	}

	for (i = 0; i < ncomp; i++)
	{
		int			m0 = cs->cstart[i];
		bool		cyclic = cs->cstart[i + 1] - m0 > 1;

		if (!cyclic)
		{
			int			x = cs->members[m0];
			int			e;

			for (e = cs->start[x]; e < cs->start[x + 1]; e++)
				if (cs->to[e] == x)
					cyclic = true;
		}
		if (cyclic)
			warn_cycle(v, t, cs, i);
	}
}

/* Pass 6: warn about implication cycles in every type. */
static void
check_cycles(Validator *v)
{
	CycleScratch cs;
	int			maxn = 1,
				maxr = 1;
	int			i;

	for (i = 0; i < v->ntypes; i++)
	{
		RbacType   *t = v->policy->types[i];

		if (t == NULL)
			continue;
		if (t->nterms > maxn)
			maxn = t->nterms;
		if (t->rules != NULL && t->nrules > maxr)
			maxr = t->nrules;
	}
	memset(&cs, 0, sizeof(cs));
#define SCRATCH(field, count) \
	cs.field = rbac_alloc(v->alloc, sizeof(*cs.field) * (size_t) (count))
	SCRATCH(start, maxn + 1);
	SCRATCH(fill, maxn + 1);
	SCRATCH(to, maxr);
	SCRATCH(erule, maxr);
	SCRATCH(from, maxr);
	SCRATCH(head, maxr);
	SCRATCH(idx, maxn);
	SCRATCH(low, maxn);
	SCRATCH(onstack, maxn);
	SCRATCH(stk, maxn);
	SCRATCH(cs_node, maxn);
	SCRATCH(cs_edge, maxn);
	SCRATCH(comp, maxn);
	SCRATCH(members, maxn);
	SCRATCH(cstart, maxn + 1);
	SCRATCH(mark, maxn);
	SCRATCH(prev, maxn);
	SCRATCH(queue, maxn);
#undef SCRATCH

	for (i = 0; i < v->ntypes; i++)
	{
		RbacType   *t = v->policy->types[i];

		if (t != NULL)
			type_cycles(v, t, &cs);
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
	Validator	v;

	if (policy == NULL || alloc == NULL || diags == NULL)
		return;
	memset(&v, 0, sizeof(v));
	v.policy = policy;
	v.alloc = alloc;
	v.diags = diags;
	v.lookup = lookup;
	v.lookup_arg = lookup_arg;
	v.budget = SUGGEST_BUDGET;
	v.ntypes = (policy->types != NULL && policy->ntypes > 0) ? policy->ntypes : 0;
	v.nglobals = (policy->globals != NULL && policy->nglobals > 0) ?
		policy->nglobals : 0;
	v.nrules = (policy->rules != NULL && policy->nrules > 0) ? policy->nrules : 0;

	build_index(&v);
	resolve_relations(&v);
	resolve_rule_heads(&v);
	resolve_shorthands(&v);
	check_rule_bodies(&v);
	check_cycles(&v);
	sort_diags(diags, alloc);
}
