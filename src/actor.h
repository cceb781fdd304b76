/*-------------------------------------------------------------------------
 *
 * actor.h
 *	  The current actor of the session (actor.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_ACTOR_H
#define RBAC_ACTOR_H

#include "postgres.h"

#include "fmgr.h"

extern void rbac_actor_init(void);
extern const char *rbac_current_actor_name(void);
extern uint64 rbac_actor_generation(void);
extern const char *rbac_actor_argument(FunctionCallInfo fcinfo, bool current,
									   int *next);

#endif							/* RBAC_ACTOR_H */
