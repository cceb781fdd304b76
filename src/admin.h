/*-------------------------------------------------------------------------
 *
 * admin.h
 *	  Administration without a superuser (admin.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_ADMIN_H
#define RBAC_ADMIN_H

#include "postgres.h"

extern bool rbac_is_owner(void);
extern bool rbac_is_admin(void);
extern void rbac_require_table_admin(Oid relid, const char *operation);

#endif							/* RBAC_ADMIN_H */
