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
 * rbac._holds (joined false) and rbac._holds_joined (true): does the actor
 * (argument 0) hold the term (1) on Type (2):id (3)?
 */
extern bool rbac_holds_nested(FunctionCallInfo fcinfo, bool joined);

#endif							/* RBAC_HOLDS_H */
