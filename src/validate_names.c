/*-------------------------------------------------------------------------
 *
 * validate_names.c
 *	  Names in validation: the name index behind rbac_find_type and
 *	  rbac_is_global_role, the index of every type's terms, "did you mean"
 *	  suggestions, and the report of a diagnostic with its suggestion.
 *
 * The policy-wide index is stored in RbacPolicy.index and records the
 * arrays it was built for: lookups use it only while those are unchanged,
 * and fall back to a linear scan otherwise, so they are always correct,
 * and O(1) on a validated policy.  The index of each type's terms lives
 * only as long as the validation (Validator.terms); a permission that a
 * last-mile rule declares is added to it (rbac_validate_add_permission).
 *
 * "Did you mean" suggestions draw from a fixed budget of comparisons, so
 * that a policy full of errors cannot make the validator quadratic.
 *
 *-------------------------------------------------------------------------
 */
#include "validate.h"

#include <stdarg.h>
#include <string.h>

#define RBAC_INDEX_MAGIC	0x52424958u /* "RBIX" */

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

/*
 * Position of name among the policy's types, or with global among its
 * global roles; -1 if absent.  O(1) through the index once rbac_validate
 * has run; a linear scan before that (or if the arrays changed since).
 */
static int
name_position(RbacPolicy *policy, const char *name, bool global)
{
	RbacIndex  *ix;
	int			n;
	int			i;

	if (policy == NULL || name == NULL)
		return -1;
	if (global ? policy->globals == NULL : policy->types == NULL)
		return -1;
	ix = valid_index(policy);
	if (ix != NULL)
	{
		RbacNameEntry *e = rbac_names_find(global ? &ix->global_names :
										   &ix->type_names, NULL, name);

		return e ? e->idx : -1;
	}
	n = global ? policy->nglobals : policy->ntypes;
	for (i = 0; i < n; i++)
	{
		const char *s = global ? policy->globals[i].name :
			policy->types[i] ? policy->types[i]->name : NULL;

		if (s != NULL && strcmp(s, name) == 0)
			return i;
	}
	return -1;
}

/* Find a type by name, or NULL. */
RbacType *
rbac_find_type(RbacPolicy *policy, const char *name)
{
	int			i = name_position(policy, name, false);

	return i >= 0 ? policy->types[i] : NULL;
}

/* Is name a global role? */
bool
rbac_is_global_role(RbacPolicy *policy, const char *name)
{
	return name_position(policy, name, true) >= 0;
}

/*
 * The index of t's terms, or NULL when t is not the type at its position
 * in the policy (it always is: validation meets only the policy's types).
 */
static RbacNameTable *
terms_of(Validator *v, RbacType *t)
{
	if (t == NULL || v->terms == NULL || t->index < 0 ||
		t->index >= v->ntypes || v->policy->types[t->index] != t)
		return NULL;
	return &v->terms[t->index];
}

/*
 * Position of the first term of t called name, or -1: a lookup in the
 * index of t's terms (a linear scan if t has none).
 */
int
rbac_validate_term_pos(Validator *v, RbacType *t, const char *name)
{
	RbacNameTable *terms = terms_of(v, t);
	int			i;

	if (t == NULL || name == NULL || t->terms == NULL)
		return -1;
	if (terms != NULL)
	{
		RbacNameEntry *e = rbac_names_find(terms, NULL, name);

		return e ? e->idx : -1;
	}
	for (i = 0; i < t->nterms; i++)
		if (t->terms[i].name != NULL && strcmp(t->terms[i].name, name) == 0)
			return i;
	return -1;
}

/*
 * Pass 1: build the policy index (types, global roles), the index of every
 * type's terms and the suggestion candidate lists, and store the policy
 * index in policy->index.
 */
void
rbac_validate_build_index(Validator *v)
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

	rbac_names_reserve(v->alloc, &ix->type_names, v->ntypes);
	rbac_names_reserve(v->alloc, &ix->global_names, v->nglobals);
	v->terms = rbac_alloc(v->alloc,
						  sizeof(RbacNameTable) * (size_t) (v->ntypes + 1));
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
		rbac_names_reserve(v->alloc, &v->terms[i], t->nterms);
		for (j = 0; j < t->nterms; j++)
			rbac_names_add(v->alloc, &v->terms[i], NULL, t->terms[j].name, j);
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
void
rbac_validate_add_permission(Validator *v, RbacType *t, const char *name,
							 int line, int col)
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
	if (terms_of(v, t) != NULL)
		rbac_names_add(v->alloc, terms_of(v, t), NULL, name, t->nterms);
	t->nterms++;
}

/* ---------------------------------------------------------------------
 * Suggestions and reports
 * ---------------------------------------------------------------------
 */

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
const char *
rbac_validate_suggest(Validator *v, const char *name, const char *const *cands,
					  int n)
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

/* Closest term of type t among the kinds selected by mask, or NULL. */
const char *
rbac_validate_suggest_term(Validator *v, RbacType *t, const char *name,
						   int mask)
{
	int			n = 0;
	int			i;

	if (t == NULL || t->terms == NULL || t->nterms <= 0 || name == NULL)
		return NULL;
	if (v->budget < t->nterms)
		return NULL;
	v->budget -= t->nterms;
	v->cand = rbac_grow(v->alloc, (void *) v->cand, &v->candcap, t->nterms,
						sizeof(const char *));
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
	return rbac_validate_suggest(v, name, v->cand, n);
}

/*
 * Report a semantic diagnostic; when suggestion is not NULL the message
 * ends with (did you mean "suggestion"?).
 */
void
rbac_validate_report(Validator *v, int line, int col, RbacSeverity sev,
					 const char *hint, const char *suggestion,
					 const char *fmt,...)
{
	va_list		ap;
	char	   *msg;

	va_start(ap, fmt);
	msg = rbac_vformat(v->alloc, fmt, ap);
	va_end(ap);
	if (suggestion)
		rbac_diag(v->diags, v->alloc, line, col, sev, RBAC_DIAG_SEMANTIC, hint,
				  "%s (did you mean \"%s\"?)", msg, suggestion);
	else
		rbac_diag(v->diags, v->alloc, line, col, sev, RBAC_DIAG_SEMANTIC, hint,
				  "%s", msg);
}

/* The global permission called name, or NULL (a linear scan: few exist). */
RbacGlobalPerm *
rbac_find_global_permission(RbacPolicy *policy, const char *name)
{
	int			i;

	if (policy == NULL || name == NULL || policy->gperms == NULL)
		return NULL;
	for (i = 0; i < policy->ngperms; i++)
		if (policy->gperms[i].name != NULL &&
			strcmp(policy->gperms[i].name, name) == 0)
			return &policy->gperms[i];
	return NULL;
}
