/*-------------------------------------------------------------------------
 *
 * sets.h
 *	  Set evaluation of the derivation (sets.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_SETS_H
#define RBAC_SETS_H

#include "model.h"
#include "nodes/pg_list.h"

extern List *rbac_keys_list(const char *actor, MType *t, int term);
extern char *rbac_set_hint(char kind, const char *type, const char *term);

#endif							/* RBAC_SETS_H */
