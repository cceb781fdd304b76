/*-------------------------------------------------------------------------
 *
 * rls.h
 *	  Generated row-level security (rls.c) and the settings of what its
 *	  policies call at run time (rls_runtime.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_RLS_H
#define RBAC_RLS_H

#include "postgres.h"

extern void rbac_rls_regenerate_all(void);
extern void rbac_rls_protect_partitions(void);
extern void rbac_rls_after_rename(void);
extern void rbac_rls_runtime_init(void);
extern void rbac_rls_join_init(void);

#endif							/* RBAC_RLS_H */
