/*-------------------------------------------------------------------------
 *
 * admin.c
 *	  Administration without a superuser (docs/operations.md, "Managed
 *	  PostgreSQL services"): rbac.grant_admin and rbac.revoke_admin, and
 *	  the checks the policy, binding and RLS functions make of an
 *	  administrator.
 *
 * An administrator is a role that may execute rbac.load_policy: the grant
 * is the record (pg_dump keeps it, DROP ROLE refuses while it stands).
 * grant_admin gives a role exactly that, EXECUTE on bind, unbind,
 * enable_rls and disable_rls, and the privileges on the role-data catalogs
 * and view that change role data without an actor; revoke_admin takes them
 * back.  The functions write the extension's catalogs as its owner, after
 * checking that an administrator who is not the superuser or the
 * extension owner acts on tables it owns.
 *
 *-------------------------------------------------------------------------
 */
#include "admin.h"
#include "audit.h"
#include "roledata.h"
#include "run_as.h"
#include "util.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

PG_FUNCTION_INFO_V1(rbac_grant_admin);
PG_FUNCTION_INFO_V1(rbac_revoke_admin);

/* The functions an administrator may execute (by signature). */
static const char *const admin_functions[] = {
	"rbac.load_policy(text, boolean, boolean)",
	"rbac.bind(text, regclass, name, jsonb)",
	"rbac.unbind(text)",
	"rbac.enable_rls(regclass, jsonb)",
	"rbac.disable_rls(regclass)",
};

/* The privileges on role data an administrator holds. */
static const char *const admin_tables[] = {
	"SELECT, INSERT, DELETE ON rbac.assignment",
	"SELECT, INSERT, DELETE ON rbac.membership",
	"SELECT, INSERT, DELETE ON rbac.custom_role",
	"SELECT, INSERT, UPDATE, DELETE ON rbac.role_assignments",
	"SELECT ON rbac.policy, rbac.policy_lastmile, rbac.audit_log",
};

/* Is the current user the superuser or (a member of) the extension owner? */
bool
rbac_is_owner(void)
{
	return superuser() || has_privs_of_role(GetUserId(), rbac_extension_owner());
}

/* Is the current user an administrator (may it execute load_policy)? */
bool
rbac_is_admin(void)
{
	Oid			argtypes[3] = {TEXTOID, BOOLOID, BOOLOID};
	Oid			fn = LookupFuncName(list_make2(makeString("rbac"), makeString("load_policy")),
									3, argtypes, true);

	return OidIsValid(fn) &&
		pg_proc_aclcheck(fn, GetUserId(), ACL_EXECUTE) == ACLCHECK_OK;
}

/*
 * 42501 unless the current user may act on table relid through an
 * administration function: the superuser or extension owner on any table,
 * an administrator on the tables it owns.
 */
void
rbac_require_table_admin(Oid relid, const char *operation)
{
	if (rbac_is_owner())
		return;
	if (rbac_is_admin() && pg_class_ownercheck(relid, GetUserId()))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied for %s on table %s", operation,
					get_rel_name(relid) ? get_rel_name(relid) : "?"),
			 errdetail("Only the superuser, the extension owner, or an administrator (rbac.grant_admin) who owns the table may do this."),
			 errhint("Run it as the table's owner after rbac.grant_admin(that role).")));
}

/*
 * GRANT or REVOKE the administrator's privileges to the role that is
 * argument 0 of the SQL call, as the extension owner.
 */
static void
admin_privileges(bool grant, FunctionCallInfo fcinfo)
{
	Oid			role;
	const char *name;
	RbacRunAs	sw;
	int			i;

	rbac_arg_not_null(fcinfo, 0, "role");
	role = PG_GETARG_OID(0);
	name = quote_identifier(GetUserNameFromId(role, false));
	if (!rbac_is_owner())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for %s", grant ? "grant_admin" : "revoke_admin"),
				 errdetail("Only the superuser or the extension owner may name administrators.")));
	SPI_connect();
	RBAC_AS_OWNER_BEGIN(sw);
	{
		StringInfo	detail = rbac_json_begin();

		for (i = 0; i < lengthof(admin_functions); i++)
			rbac_spi_ddl(psprintf("%s EXECUTE ON FUNCTION %s %s %s",
								  grant ? "GRANT" : "REVOKE", admin_functions[i],
								  grant ? "TO" : "FROM", name));
		for (i = 0; i < lengthof(admin_tables); i++)
			rbac_spi_ddl(psprintf("%s %s %s %s", grant ? "GRANT" : "REVOKE", admin_tables[i],
								  grant ? "TO" : "FROM", name));
		rbac_json_string(detail, "role", GetUserNameFromId(role, false));
		rbac_audit(sw.caller, grant ? "grant_admin" : "revoke_admin", detail);
	}
	RBAC_AS_OWNER_END(sw);
	SPI_finish();
}

/*
 * rbac.grant_admin(role regrole) -> void: the role may load the policy,
 * bind and protect the tables it owns, and change role data without an
 * actor.  Superuser or extension owner only.
 */
Datum
rbac_grant_admin(PG_FUNCTION_ARGS)
{
	admin_privileges(true, fcinfo);
	PG_RETURN_VOID();
}

/* rbac.revoke_admin(role regrole) -> void: undo rbac.grant_admin. */
Datum
rbac_revoke_admin(PG_FUNCTION_ARGS)
{
	admin_privileges(false, fcinfo);
	PG_RETURN_VOID();
}
