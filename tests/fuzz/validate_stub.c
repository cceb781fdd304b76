/*-------------------------------------------------------------------------
 *
 * validate_stub.c
 *	  Stand-in for src/validate.c, linked into rbac_lint and the fuzz target
 *	  only when src/validate.c does not exist (the Makefile decides): no
 *	  checks, linear lookups.
 *
 *-------------------------------------------------------------------------
 */
#include "../../src/policy.h"

#include <string.h>

/* No validation at all. */
void
rbac_validate(RbacPolicy *policy, RbacColumnLookup lookup, void *lookup_arg,
			  RbacAlloc *alloc, RbacDiagList *diags)
{
}

/* Linear search of the types. */
RbacType *
rbac_find_type(RbacPolicy *policy, const char *name)
{
	int			i;

	for (i = 0; i < policy->ntypes; i++)
		if (policy->types[i]->name && strcmp(policy->types[i]->name, name) == 0)
			return policy->types[i];
	return NULL;
}

/* Linear search of the terms of a type. */
RbacTerm   *
rbac_find_term(RbacType *type, const char *name)
{
	int			i;

	for (i = 0; i < type->nterms; i++)
		if (type->terms[i].name && strcmp(type->terms[i].name, name) == 0)
			return &type->terms[i];
	return NULL;
}

/* Linear search of the global roles. */
bool
rbac_is_global_role(RbacPolicy *policy, const char *name)
{
	int			i;

	for (i = 0; i < policy->nglobals; i++)
		if (strcmp(policy->globals[i].name, name) == 0)
			return true;
	return false;
}
