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

/* roledata.c */
extern void rbac_rd_lock_policy(void);
extern bool rbac_rd_has_privilege(const char *relname, AclMode mode);

#endif							/* RBAC_ROLEDATA_H */
