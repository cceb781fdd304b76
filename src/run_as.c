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
 *-------------------------------------------------------------------------
 */
#include "run_as.h"
#include "util.h"

#include "catalog/pg_authid.h"
#include "miscadmin.h"
#include "utils/syscache.h"

/* Run as the bootstrap superuser, in a restricted security context. */
void
rbac_as_superuser_begin(RbacRunAs *r)
{
	GetUserIdAndSecContext(&r->save_user, &r->save_sec);
	r->caller = r->save_user;
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
	SetUserIdAndSecContext(owner, r->save_sec | SECURITY_LOCAL_USERID_CHANGE);
}

/* Undo rbac_as_superuser_begin or rbac_as_owner_begin. */
void
rbac_run_as_end(RbacRunAs *r)
{
	SetUserIdAndSecContext(r->save_user, r->save_sec);
}
