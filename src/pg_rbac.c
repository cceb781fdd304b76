/*-------------------------------------------------------------------------
 *
 * pg_rbac.c
 *	  Module entry point: PG_MODULE_MAGIC, _PG_init, and the settings that
 *	  are not about the actor or tokens (rbac.read_action,
 *	  rbac.manage_permission).  rbac.actor is defined next to its gate in
 *	  actor.c, the rbac.jwt_* settings in jwt.c.
 *
 * Every setting is PGC_SUSET or stricter: each one decides who someone is
 * or what they may learn or change, so only a superuser (or a role granted
 * SET on the parameter) may change them.  The prefix "rbac" is reserved, so
 * that a misspelt rbac.* setting is an error instead of a silently ignored
 * placeholder.
 *
 *-------------------------------------------------------------------------
 */
#include "actor.h"
#include "actorset.h"
#include "horizon.h"
#include "jwt.h"
#include "model.h"
#include "pg_rbac.h"
#include "policy_backend.h"
#include "rls.h"
#include "rowcache.h"
#include "run_as.h"

#include "utils/guc.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* rbac.read_action: the permission that separates NotFound from Forbidden */
char	   *rbac_read_action = NULL;

/* rbac.manage_permission: the permission that delegates role management */
char	   *rbac_manage_permission = NULL;

/* Check hook of settings that name a permission: must not be empty. */
static bool
check_permission_setting(char **newval, void **extra, GucSource source)
{
	if (*newval == NULL || (*newval)[0] == '\0')
	{
		GUC_check_errdetail("The permission name must not be empty.");
		return false;
	}
	return true;
}

/* Module load: define the settings and register callbacks. */
void
_PG_init(void)
{
	rbac_actor_init();
	rbac_actorset_init();
	rbac_rowcache_init();
	rbac_horizon_init();
	rbac_jwt_init();
	rbac_rls_runtime_init();
	rbac_rls_join_init();

	DefineCustomStringVariable("rbac.read_action",
							   "Permission whose absence makes rbac.authorize report \"not found\" instead of \"forbidden\".",
							   NULL,
							   &rbac_read_action,
							   "read",
							   PGC_SUSET,
							   0,
							   check_permission_setting, NULL, NULL);

	DefineCustomStringVariable("rbac.manage_permission",
							   "Permission that lets the current actor change role data on a resource.",
							   NULL,
							   &rbac_manage_permission,
							   "manage_roles",
							   PGC_SUSET,
							   0,
							   check_permission_setting, NULL, NULL);

	MarkGUCPrefixReserved("rbac");
	rbac_model_init();
	rbac_interrupt_hook = rbac_check_interrupts;
	rbac_run_as_init();
}
