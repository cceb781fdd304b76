/*-------------------------------------------------------------------------
 *
 * sqlgen.h
 *	  SQL generation from the compiled model (last-mile rule bodies).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_SQLGEN_H
#define RBAC_SQLGEN_H

#include "model.h"

/* How generated SQL refers to the actor and to an unbound resource's id. */
typedef struct SqlActor
{
	const char *id_sql;			/* the actor id, text (NULL when none) */
	const char *type_sql;		/* the actor type name, text */
	const char *ref_sql;		/* the full reference 'Type:id', text */
	const char *resource_id_sql;	/* resource id as text, for unbound
									 * resource types */
} SqlActor;

extern char *rbac_sql_lastmile_body(RbacModel *m, RbacRule *rule,
									const char *alias, const SqlActor *actor);

extern char *rbac_sql_lastmile_rls(RbacModel *m, RbacRule *rule,
								   const char *alias, bool *fallback);

#endif							/* RBAC_SQLGEN_H */
