/*-------------------------------------------------------------------------
 *
 * sqlgen.h
 *	  SQL generated from the compiled model (sqlgen.c): last-mile rule
 *	  bodies, the rbac._in(...) arms of generated policies, and the set
 *	  hints those arms carry.
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
	const char *globals_sql;	/* the global roles the actor and its groups
								 * hold, text[]; NULL: ask rbac._has_global
								 * (the current actor, in policies) */
} SqlActor;

/*
 * A set hint: which set of keys an rbac._in arm of a generated policy
 * tests, for the planner's estimate and the sets computed while planning
 * (rls_runtime.c).  Written as "k|Type|term", "d|Type|term" or
 * "p|Type|rel1,rel2|term", each name with '\\', '|' and ',' escaped by a
 * backslash.
 */
typedef enum RbacSetHintKind
{
	RBAC_HINT_KEYS = 'k',		/* rbac._keys: every derivation */
	RBAC_HINT_OWN = 'o',		/* rbac._keys_own: the same, matched only
								 * against the type's own keys */
	RBAC_HINT_DIRECT = 'd',		/* rbac._keys_direct: direct grants */
	RBAC_HINT_PATH = 'p'		/* rbac._keys_path: along relations */
} RbacSetHintKind;

typedef struct RbacSetHint
{
	RbacSetHintKind kind;
	char	   *type;
	int			npath;			/* RBAC_HINT_PATH: the relations walked */
	char	  **path;
	char	   *term;
} RbacSetHint;

extern char *rbac_sql_format_hint(RbacSetHintKind kind, const char *type,
								  char **path, int npath, const char *term);
extern bool rbac_sql_parse_hint(const char *text, RbacSetHint *hint);
extern char *rbac_sql_in_keys(const char *value_sql, const char *function,
							  const char *args_sql, const char *elemtype,
							  const char *hint);

extern char *rbac_require_array_column(Oid relid, const char *col);
extern void rbac_refuse_enum_order(RbacCmpOp op, RbacOperand *column);

extern char *rbac_sql_lastmile_body(RbacModel *m, RbacRule *rule,
									const char *alias, const SqlActor *actor);

extern char *rbac_sql_lastmile_rls(RbacModel *m, RbacRule *rule,
								   const char *alias, bool *fallback);

#endif							/* RBAC_SQLGEN_H */
