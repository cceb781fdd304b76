/*-------------------------------------------------------------------------
 *
 * run_as.c
 *	  The two identities pg_rbac runs its own SQL as.
 *
 * Reads of the engine (the model, role data, bound tables) run as the
 * bootstrap superuser: they must see every row of bound tables and
 * catalogs whatever the caller may see (RLS on a bound table must not hide
 * a parent from the engine), and must not be redirected by the caller's
 * role.  The switch adds SECURITY_RESTRICTED_OPERATION, and every internal
 * statement is schema-qualified and uses OPERATOR(pg_catalog.=).
 *
 * Writes of role data (assignments, memberships, custom roles, bindings,
 * the triggers bind installs) run as the extension owner, the owner of the
 * catalogs, after the caller's own privilege or delegation was checked: a
 * delegated caller needs no table privilege, and nothing runs with more
 * rights than the catalogs' owner has.
 *
 * Both switches are undone with rbac_run_as_end, in PG_FINALLY.
 *
 * While either identity is in force, a planner hook checks every table a
 * query is about to be planned on (rbac_require_plannable): PostgreSQL's
 * planner evaluates the constant parts of a table's index expressions and
 * predicates, statistics expressions, partition keys and CHECK constraints
 * as the user who plans, so a table whose owner put a function of its own
 * there must not be planned as pg_rbac's internal user.  Checking at each
 * planning, not only when the model is built, also covers a plan that is
 * made again in the middle of a check after the table changed.
 *
 *-------------------------------------------------------------------------
 */
#include "model.h"
#include "run_as.h"
#include "util.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_namespace.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/planner.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

/* The identity switched to while one is in force, else InvalidOid. */
static Oid	internal_user = InvalidOid;
static planner_hook_type prev_planner_hook = NULL;

/* Walker: rbac_require_plannable on every table a query reads. */
static bool
plannable_walker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, RangeTblEntry))
	{
		RangeTblEntry *rte = (RangeTblEntry *) node;
		Oid			nsp;

		if (rte->rtekind != RTE_RELATION ||
			(rte->relkind != RELKIND_RELATION &&
			 rte->relkind != RELKIND_PARTITIONED_TABLE &&
			 rte->relkind != RELKIND_MATVIEW))
			return false;
		/* the system catalogs and pg_rbac's own: only superusers change them */
		nsp = get_rel_namespace(rte->relid);
		if (nsp == PG_CATALOG_NAMESPACE ||
			nsp == get_namespace_oid("rbac", true))
			return false;
		rbac_require_plannable(NULL, rte->relid, "table pg_rbac reads");
		return false;
	}
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, plannable_walker, context,
								 QTW_EXAMINE_RTES_BEFORE);
	return expression_tree_walker(node, plannable_walker, context);
}

/* planner_hook: check the tables of queries planned as the internal user. */
static PlannedStmt *
rbac_planner(Query *parse, const char *query_string, int cursorOptions,
			 ParamListInfo boundParams)
{
	if (OidIsValid(internal_user) && GetUserId() == internal_user)
		(void) plannable_walker((Node *) parse, NULL);
	if (prev_planner_hook)
		return prev_planner_hook(parse, query_string, cursorOptions, boundParams);
	return standard_planner(parse, query_string, cursorOptions, boundParams);
}

/* At the end of a transaction no switch is in force (an error skipped the end). */
static void
run_as_xact_callback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT ||
		event == XACT_EVENT_PREPARE)
		internal_user = InvalidOid;
}

/* Install the planner hook (called once from _PG_init). */
void
rbac_run_as_init(void)
{
	prev_planner_hook = planner_hook;
	planner_hook = rbac_planner;
	RegisterXactCallback(run_as_xact_callback, NULL);
}

/* Run as the bootstrap superuser, in a restricted security context. */
void
rbac_as_superuser_begin(RbacRunAs *r)
{
	GetUserIdAndSecContext(&r->save_user, &r->save_sec);
	r->caller = r->save_user;
	r->save_internal = internal_user;
	internal_user = BOOTSTRAP_SUPERUSERID;
	SetUserIdAndSecContext(BOOTSTRAP_SUPERUSERID,
						   r->save_sec | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
}

/* The owner of the catalogs (the extension owner): rbac.assignment's. */
Oid
rbac_extension_owner(void)
{
	Oid			relid = rbac_catalog_relid("assignment");
	HeapTuple	tup;
	Oid			owner;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/* Run as the owner of the catalogs (the extension owner). */
void
rbac_as_owner_begin(RbacRunAs *r)
{
	Oid			owner = rbac_extension_owner();

	GetUserIdAndSecContext(&r->save_user, &r->save_sec);
	r->caller = r->save_user;
	r->save_internal = internal_user;
	internal_user = owner;
	SetUserIdAndSecContext(owner, r->save_sec | SECURITY_LOCAL_USERID_CHANGE);
}

/* Undo rbac_as_superuser_begin or rbac_as_owner_begin. */
void
rbac_run_as_end(RbacRunAs *r)
{
	SetUserIdAndSecContext(r->save_user, r->save_sec);
	internal_user = r->save_internal;
}
