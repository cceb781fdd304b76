/*-------------------------------------------------------------------------
 *
 * holds.h
 *	  The nested checks of last-mile rule bodies (holds.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_HOLDS_H
#define RBAC_HOLDS_H

#include "postgres.h"
#include "fmgr.h"

/*
 * rbac._holds: does the actor (argument 0) hold the term (1) on Type
 * (2):id (3)?
 */
extern bool rbac_holds_nested(FunctionCallInfo fcinfo);

#endif							/* RBAC_HOLDS_H */
