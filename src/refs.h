/*-------------------------------------------------------------------------
 *
 * refs.h
 *	  References "Type:id" and the names they use (refs.c): parsing, the
 *	  errors for unknown types and actions, canonical ids, and text to key
 *	  datum conversion.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_REFS_H
#define RBAC_REFS_H

#include "model.h"

/* A parsed reference "Type:id". */
typedef struct RbacRef
{
	char	   *type;
	char	   *id;
} RbacRef;

/* The types a name may denote where it is required. */
typedef enum RbacTypeKind
{
	RBAC_TYPE_ACTOR,			/* an actor type ("unknown actor type") */
	RBAC_TYPE_RESOURCE,			/* a resource type, not an actor type */
	RBAC_TYPE_ANY_RESOURCE,		/* any type, as the resource of a check */
	RBAC_TYPE_ANY				/* any type ("unknown type") */
} RbacTypeKind;

extern bool rbac_ref_parse(const char *text, RbacRef *ref);
extern RbacRef rbac_ref_require(const char *text, const char *what);
extern RbacRef rbac_ref_require_code(const char *text, const char *what,
									 int sqlstate);
extern char *rbac_ref_text(const RbacRef *ref);

extern MType *rbac_ref_require_type(RbacModel *m, const char *name,
									RbacTypeKind kind);
extern MType *rbac_ref_require_type_code(RbacModel *m, const char *name,
										 RbacTypeKind kind, int sqlstate);
extern int	rbac_ref_require_permission(MType *t, const char *action);
extern int	rbac_ref_require_action(RbacModel *m, const char *resource,
									const char *action, RbacRef *ref,
									MType **type);

extern char *rbac_ref_canonical_id(MType *t, const char *id, bool strict);
extern Datum rbac_key_datum(MType *t, const char *id, bool *ok);
extern Datum rbac_text_datum(Oid typid, const char *text, bool *ok);

#endif							/* RBAC_REFS_H */
