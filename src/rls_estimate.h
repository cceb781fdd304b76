/*-------------------------------------------------------------------------
 *
 * rls_estimate.h
 *	  Set-size estimates and build times for rbac._in / rbac._in_lazy
 *	  (rls_estimate.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_RLS_ESTIMATE_H
#define RBAC_RLS_ESTIMATE_H

#include "model.h"

extern char *rbac_set_key(const char *actor, const char *hint);
extern void rbac_estimate_built(const char *actor, const char *hint, double us);
extern double rbac_last_build_us(const char *actor, const char *hint);
extern double rbac_table_rows(MType *t);
extern double rbac_estimate_fraction(const char *hint);

#endif							/* RBAC_RLS_ESTIMATE_H */
