/*-------------------------------------------------------------------------
 *
 * validate_tests.c
 *	  Name resolution of test blocks (parser_tests.c): every Type{"id"}
 *	  names a declared type, has_role a role of the resource's type (or a
 *	  global role) given to an actor, has_relation a relation of the
 *	  subject's type with an object of its target type, has_group two
 *	  actors, and every assertion a declared permission or role.  A valued
 *	  fact name(x, v) stands for the column name of x's row: any name that
 *	  is not a role, permission or relation of x's type.
 *
 * Errors are semantic (42P17) with line, column and "did you mean", like
 * the rest of the policy's, so a policy whose tests name what it does not
 * declare does not load.
 *
 *-------------------------------------------------------------------------
 */
#include "validate.h"

/*
 * Resolve ref's type (ref->rtype); report it when undeclared, or when
 * want_actor and it is not an actor type.  what says what ref is for.
 */
static bool
resolve_ref(Validator *v, RbacTestRef *ref, bool want_actor, const char *what)
{
	ref->rtype = NULL;
	if (ref->type == NULL)
		return false;
	ref->rtype = rbac_find_type(v->policy, ref->type);
	if (ref->rtype == NULL)
	{
		report(v, ref->line, ref->col, RBAC_SEV_ERROR, NULL,
			   suggest_from(v, ref->type, v->typenames, v->ntypenames),
			   "undeclared type \"%s\" in a test", ref->type);
		return false;
	}
	if (want_actor && !ref->rtype->is_actor)
	{
		report(v, ref->line, ref->col, RBAC_SEV_ERROR, NULL,
			   suggest_from(v, ref->type, v->actornames, v->nactornames),
			   "%s must be an actor, and \"%s\" is a resource type",
			   what, ref->type);
		ref->rtype = NULL;
		return false;
	}
	return true;
}

/*
 * Check that name is a term of type t of the kind mask allows (one of
 * K_ROLE, K_PERM, K_REL); report it otherwise.
 */
static bool
check_term(Validator *v, RbacType *t, const char *name, int line, int col,
		   int mask)
{
	int			pos = term_pos(v, t, name);
	RbacTermKind kind = mask == K_ROLE ? RBAC_TERM_ROLE :
		mask == K_PERM ? RBAC_TERM_PERMISSION : RBAC_TERM_RELATION;

	if (pos >= 0 && t->terms[pos].kind == kind)
		return true;
	if (pos >= 0)
		report(v, line, col, RBAC_SEV_ERROR, NULL, NULL,
			   "\"%s\" is a %s of %s %s, not a %s", name,
			   rbac_term_word(t->terms[pos].kind), tkind(t), t->name,
			   rbac_term_word(kind));
	else
		report(v, line, col, RBAC_SEV_ERROR, NULL,
			   suggest_term(v, t, name, mask),
			   "%s %s declares no %s \"%s\"", tkind(t), t->name,
			   rbac_term_word(kind), name);
	return false;
}

/* A global role named in a test. */
static void
check_global(Validator *v, const char *name, int line, int col)
{
	if (!rbac_is_global_role(v->policy, name))
		report(v, line, col, RBAC_SEV_ERROR,
			   "A role with no resource is a global role, declared in global { roles = [...]; }.",
			   suggest_from(v, name, v->globalnames, v->nglobalnames),
			   "undeclared global role \"%s\"", name);
}

/* One fact of a setup block. */
static void
check_fact(Validator *v, RbacFact *f)
{
	switch (f->kind)
	{
		case RBAC_FACT_ROLE:
			resolve_ref(v, &f->subject, true, "the first argument of has_role");
			if (f->object.type == NULL)
				check_global(v, f->name, f->name_line, f->name_col);
			else if (resolve_ref(v, &f->object, false, NULL))
			{
				if (!f->object.rtype->is_resource)
					report(v, f->object.line, f->object.col, RBAC_SEV_ERROR,
						   "Roles are assigned on resources; rights on actors come from last-mile rules.",
						   NULL,
						   "a role cannot be assigned on \"%s\", an actor type",
						   f->object.type);
				else
					check_term(v, f->object.rtype, f->name, f->name_line,
							   f->name_col, K_ROLE);
			}
			break;
		case RBAC_FACT_RELATION:
			{
				RbacType   *t;
				int			pos;

				resolve_ref(v, &f->object, false, NULL);
				if (!resolve_ref(v, &f->subject, false, NULL) ||
					!check_term(v, f->subject.rtype, f->name, f->name_line,
								f->name_col, K_REL))
					break;
				t = f->subject.rtype;
				pos = term_pos(v, t, f->name);
				if (f->object.rtype != NULL && t->terms[pos].target_type != NULL &&
					t->terms[pos].target_type != f->object.rtype)
					report(v, f->object.line, f->object.col, RBAC_SEV_ERROR,
						   NULL, NULL,
						   "relation \"%s\" of %s %s relates to %s, not %s",
						   f->name, tkind(t), t->name,
						   t->terms[pos].target_type->name, f->object.type);
				break;
			}
		case RBAC_FACT_GROUP:
			resolve_ref(v, &f->subject, true, "the member in has_group");
			resolve_ref(v, &f->object, true, "the group in has_group");
			break;
		case RBAC_FACT_VALUE:
			if (resolve_ref(v, &f->subject, false, NULL))
			{
				RbacType   *t = f->subject.rtype;
				int			pos = term_pos(v, t, f->name);

				if (pos >= 0)
					report(v, f->name_line, f->name_col, RBAC_SEV_ERROR,
						   t->terms[pos].kind == RBAC_TERM_RELATION ?
						   "Relations are facts has_relation(resource, \"relation\", target)." :
						   "Roles are facts has_role(actor, \"role\", resource); permissions follow from the policy.",
						   NULL,
						   "\"%s\" is a %s of %s %s, not a column", f->name,
						   rbac_term_word(t->terms[pos].kind), tkind(t),
						   t->name);
			}
			break;
	}
}

/* One assertion. */
static void
check_assert(Validator *v, RbacAssert *a)
{
	resolve_ref(v, &a->actor, true, "the first argument of an assertion");
	if (a->resource.type == NULL && a->is_role)
	{
		check_global(v, a->name, a->name_line, a->name_col);
		return;
	}
	if (a->resource.type == NULL)
	{
		if (rbac_find_global_permission(v->policy, a->name) == NULL)
			report(v, a->name_line, a->name_col, RBAC_SEV_ERROR,
				   "A permission with no resource is a global permission, declared in global { permissions = [...]; }.",
				   NULL, "undeclared global permission \"%s\"", a->name);
		return;
	}
	if (resolve_ref(v, &a->resource, false, NULL))
		check_term(v, a->resource.rtype, a->name, a->name_line, a->name_col,
				   a->is_role ? K_ROLE : K_PERM);
}

/* Pass 7: the test blocks. */
void
rbac_validate_tests(Validator *v)
{
	RbacPolicy *pol = v->policy;
	int			i,
				j;

	if (pol->tests == NULL)
		return;
	for (i = 0; i < pol->ntests; i++)
	{
		RbacTest   *test = pol->tests[i];

		if (test == NULL)
			continue;
		for (j = 0; j < test->nfacts && test->facts; j++)
			check_fact(v, &test->facts[j]);
		for (j = 0; j < test->nasserts && test->asserts; j++)
			check_assert(v, &test->asserts[j]);
	}
}
