/*-------------------------------------------------------------------------
 *
 * actor.c
 *	  The current actor of the session.
 *
 * The actor lives in backend-private C state, never in a custom setting, so
 * SET / set_config cannot change it (see shared NOTES section 2).  Setting
 * and verifying it (set_actor, set_actor_token) is implemented by the check
 * engine issue; this file holds the state other parts read.
 *
 *-------------------------------------------------------------------------
 */
#include "pg_rbac.h"

/* The acting actor's reference ("User:alice"), or NULL when none is set. */
static char *current_actor = NULL;

/* The current actor's reference, or NULL when none is set. */
const char *
rbac_current_actor_name(void)
{
	return current_actor;
}

/* Define the settings of the actor module (called from _PG_init). */
void
rbac_actor_init(void)
{
}
