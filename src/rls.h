/*-------------------------------------------------------------------------
 *
 * rls.h
 *	  Generated row-level security (rls.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_RLS_H
#define RBAC_RLS_H

#include "postgres.h"

extern void rbac_rls_regenerate_all(void);
extern void rbac_rls_protect_partitions(void);
extern void rbac_rls_after_rename(void);

#endif							/* RBAC_RLS_H */
