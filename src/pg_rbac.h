/*-------------------------------------------------------------------------
 *
 * pg_rbac.h
 *	  The settings defined by the module entry point (pg_rbac.c), read
 *	  through their C variables.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_RBAC_H
#define PG_RBAC_H

#include "postgres.h"

/* rbac.read_action: the permission whose absence makes authorize say P0002 */
extern char *rbac_read_action;

/* rbac.manage_permission: the permission that delegates role management */
extern char *rbac_manage_permission;

#endif							/* PG_RBAC_H */
