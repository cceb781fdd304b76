/*-------------------------------------------------------------------------
 *
 * check.h
 *	  The check engine: derivation of SPEC section 4.1 for one actor and
 *	  one resource.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_CHECK_H
#define RBAC_CHECK_H

#include "model.h"

/* A parsed reference "Type:id". */
typedef struct RbacRef
{
	char	   *type;
	char	   *id;
} RbacRef;

extern bool rbac_parse_ref(const char *text, RbacRef *ref);
extern RbacRef rbac_require_ref(const char *text, const char *what);
extern MType *rbac_require_type(RbacModel *m, const char *name, bool actor);
extern bool rbac_check(const char *actor, const char *action,
					   const char *resource);

#endif							/* RBAC_CHECK_H */
