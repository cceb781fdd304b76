/*-------------------------------------------------------------------------
 *
 * roledata.h
 *	  What the writers of role data share (roledata.c): the policy lock,
 *	  the caller's privileges, and delegation to an actor that may manage
 *	  a resource.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_ROLEDATA_H
#define RBAC_ROLEDATA_H

#include "postgres.h"

#include "utils/acl.h"

extern void rbac_rd_lock_policy(void);
extern bool rbac_rd_has_privilege(const char *relname, AclMode mode);
extern bool rbac_may_manage(const char *resource_type, const char *resource_id);

#endif							/* RBAC_ROLEDATA_H */
