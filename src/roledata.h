/*-------------------------------------------------------------------------
 *
 * roledata.h
 *	  Helpers shared by the role-data files (roledata.c, bind.c): typed
 *	  references, privilege checks, running as the extension owner, audit
 *	  records with a saved plan, and the model lookups used by validation.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_ROLEDATA_H
#define RBAC_ROLEDATA_H

#include "pg_rbac.h"

#include "executor/spi.h"
#include "utils/acl.h"

/* A parsed reference "Type:id". */
typedef struct RdRef
{
	char	   *type;
	char	   *id;
} RdRef;

/* roledata.c */
extern void rbac_rd_lock_policy(void);
extern void rbac_rd_parse_ref(const char *what, const char *ref, RdRef *out);
extern bool rbac_rd_has_privilege(const char *relname, AclMode mode);
extern char rbac_rd_type_kind(const char *type);
extern void rbac_rd_undeclared_type(const char *type, const char *kind_wanted);

#endif							/* RBAC_ROLEDATA_H */
