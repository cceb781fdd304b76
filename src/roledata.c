/*-------------------------------------------------------------------------
 *
 * roledata.c
 *	  Role data (SPEC 3.4, 3.5): role assignments, group memberships,
 *	  custom roles, the writable view rbac.role_assignments and the
 *	  append-only audit log.
 *
 * Every write function is a plain C function (not SECURITY DEFINER).  It
 * validates its arguments against the loaded policy, then checks that the
 * CALLER may write: INSERT (adds) or DELETE (removes) privilege on the
 * catalog table concerned, or the delegated path rbac_may_manage() for the
 * current actor.  The writes themselves run through SPI as the owner of the
 * catalogs (the extension owner), so a delegated caller needs no table
 * privilege.  Validation reads the check engine's cached model (no SQL);
 * hot statements use saved plans, and a write and its audit row are one
 * statement.
 *
 * Rows inserted or copied into the view rbac.role_assignments are
 * validated one by one and written in bulk at the end of the statement
 * (or every 10,000 rows); a statement of more than 10,000 rows is audited
 * with one summary row per batch instead of one row per assignment.
 *
 * Ids of types bound to a table whose key is not a string type are
 * canonicalized through the key type ("Repository:007" is stored as
 * "Repository:7" when Repository's key is an integer), so that the delete
 * triggers of bind.c, which compare key::text, find them.
 *
 *-------------------------------------------------------------------------
 */
#include "actor.h"
#include "pg_rbac.h"
#include "roledata.h"
#include "model.h"
#include "eval.h"
#include "integrity.h"
#include "refs.h"
#include "audit.h"
#include "run_as.h"
#include "util.h"

#include "access/htup_details.h"
#include "utils/snapmgr.h"
#include "access/tableam.h"
#include "access/heapam.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "parser/parse_coerce.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/resowner.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(rbac_assign_role);
PG_FUNCTION_INFO_V1(rbac_remove_role);
PG_FUNCTION_INFO_V1(rbac_assignments);
PG_FUNCTION_INFO_V1(rbac_add_member);
PG_FUNCTION_INFO_V1(rbac_remove_member);
PG_FUNCTION_INFO_V1(rbac_members);
PG_FUNCTION_INFO_V1(rbac_groups_of);
PG_FUNCTION_INFO_V1(rbac_create_role);
PG_FUNCTION_INFO_V1(rbac_drop_role);
PG_FUNCTION_INFO_V1(rbac_roles);
PG_FUNCTION_INFO_V1(rbac_role_assignments_row);
PG_FUNCTION_INFO_V1(rbac_role_assignments_stmt);
PG_FUNCTION_INFO_V1(rbac_may_see);

/* ----------------------------------------------------------------------
 * Delegated administration
 * ----------------------------------------------------------------------
 */

/*
 * May the current actor administer role data on the given resource (or,
 * for memberships, the given group)?  resource_type is NULL for global
 * roles, which are never delegated.
 *
 * Delegated end-user administration (SPEC 3.4): the current actor holds the
 * permission named by setting rbac.manage_permission (default
 * "manage_roles") on the resource.  False when no actor is set, or when the
 * resource's type does not declare that permission.  The check runs in the
 * caller's snapshot like every check.
 */
bool
rbac_may_manage(const char *resource_type, const char *resource_id)
{
	const char *actor = rbac_current_actor_name();
	const char *perm = rbac_manage_permission;
	RbacModel  *m;
	MType	   *t;
	int			term;

	if (resource_type == NULL || resource_id == NULL || actor == NULL)
		return false;
	m = rbac_get_model();
	t = rbac_model_type(m, resource_type);
	if (t == NULL)
		return false;
	term = rbac_type_term(t, perm);
	if (term < 0 || t->ast->terms[term].kind != RBAC_TERM_PERMISSION)
		return false;
	return rbac_check(actor, perm, psprintf("%s:%s", resource_type, resource_id));
}

/*
 * rbac._may_see(actor_type, actor_id, resource_type, resource_id) ->
 * boolean: is the assignment the current actor's own, or on a resource it
 * may manage?  What the view rbac.role_assignments shows a caller without
 * SELECT on the catalog (SPEC 6.1).
 */
Datum
rbac_may_see(PG_FUNCTION_ARGS)
{
	const char *actor = rbac_current_actor_name();

	if (actor == NULL || PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_BOOL(false);
	if (strcmp(actor, psprintf("%s:%s", text_to_cstring(PG_GETARG_TEXT_PP(0)),
							   text_to_cstring(PG_GETARG_TEXT_PP(1)))) == 0)
		PG_RETURN_BOOL(true);
	if (PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(rbac_may_manage(text_to_cstring(PG_GETARG_TEXT_PP(2)),
								   text_to_cstring(PG_GETARG_TEXT_PP(3))));
}

/* ----------------------------------------------------------------------
 * Small helpers
 * ----------------------------------------------------------------------
 */

/* xmin of the rbac.policy row visible to snap (InvalidTransactionId: none). */
static TransactionId
policy_row_xmin(Relation rel, Snapshot snap)
{
	TableScanDesc scan = table_beginscan(rel, snap, 0, NULL);
	HeapTuple	tup = heap_getnext(scan, ForwardScanDirection);
	TransactionId xmin = tup ? HeapTupleHeaderGetXmin(tup->t_data) : InvalidTransactionId;

	table_endscan(scan);
	return xmin;
}

/*
 * Writers of role data hold a lock on rbac.policy that rbac.load_policy's
 * conflicts with, taken before they validate names against the model: a
 * policy load waits for writes in progress and then counts their rows as
 * orphans, and a write waits for a policy load in progress.  A write whose
 * statement snapshot predates a policy load that committed meanwhile would
 * validate against the old policy and leave role data naming a role or type
 * the loaded policy no longer declares: it fails with a serialization
 * failure instead (retry it; the retry sees the new policy).  Checked once
 * per transaction: while the lock is held no load can commit.
 */
void
rbac_rd_lock_policy(void)
{
	Oid			relid = rbac_catalog_relid("policy");
	Relation	rel;
	bool		changed;

	/* a standby refuses the write itself, with its usual message */
	if (RecoveryInProgress() || CheckRelationOidLockedByMe(relid, RowShareLock, true))
		return;
	LockRelationOid(relid, RowShareLock);
	if (!ActiveSnapshotSet())
		return;
	rel = table_open(relid, AccessShareLock);
	changed = policy_row_xmin(rel, GetActiveSnapshot()) !=
		policy_row_xmin(rel, GetLatestSnapshot());
	table_close(rel, AccessShareLock);
	if (changed)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not write role data: the policy was replaced by a concurrent transaction"),
				 errhint("Retry the transaction; it will be checked against the new policy.")));
}

/* Does the caller (the current user) hold mode on rbac.<relname>? */
bool
rbac_rd_has_privilege(const char *relname, AclMode mode)
{
	return pg_class_aclcheck(rbac_catalog_relid(relname), GetUserId(), mode) == ACLCHECK_OK;
}

/*
 * 42501 unless the caller holds mode on rbac.<relname> or the current
 * actor may manage the resource (resource_type NULL: no delegation).
 */
static void
check_write_privilege(RbacRunAs *sw, const char *relname, AclMode mode,
					  const char *resource_type, const char *resource_id,
					  const char *operation)
{
	const char *actor;

	if (pg_class_aclcheck(rbac_catalog_relid(relname), sw->caller, mode) == ACLCHECK_OK)
		return;
	if (resource_type != NULL && rbac_may_manage(resource_type, resource_id))
		return;
	actor = rbac_current_actor_name();
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied for %s", operation),
			 (resource_type && actor)
			 ? errdetail("Database role \"%s\" has no %s privilege on rbac.%s, and %s may not manage roles on %s:%s.",
						 GetUserNameFromId(sw->caller, false),
						 mode == ACL_INSERT ? "INSERT" : "DELETE", relname,
						 actor, resource_type, resource_id)
			 : resource_type
			 ? errdetail("Database role \"%s\" has no %s privilege on rbac.%s, and no actor is set.",
						 GetUserNameFromId(sw->caller, false),
						 mode == ACL_INSERT ? "INSERT" : "DELETE", relname)
			 : errdetail("Database role \"%s\" has no %s privilege on rbac.%s.",
						 GetUserNameFromId(sw->caller, false),
						 mode == ACL_INSERT ? "INSERT" : "DELETE", relname),
			 errhint("Grant %s on rbac.%s to the role, or act as an actor that holds the %s permission on the resource.",
					 mode == ACL_INSERT ? "INSERT" : "DELETE", relname,
					 rbac_manage_permission),
			 (resource_type && actor) ? rbac_errdecision() : 0));
}

/* Text datum of a C string (NULL allowed: the caller marks the null). */
static Datum
tdatum(const char *s)
{
	return s ? CStringGetTextDatum(s) : (Datum) 0;
}

/* Column n of row i of the last SPI result as a C string, or NULL. */
static char *
spi_str(uint64 i, int n)
{
	return SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, n);
}

/* Column n of the first row of the last SPI result as a bool (NULL false). */
static bool
spi_bool(int n)
{
	bool		isnull;
	Datum		d;

	if (SPI_processed == 0)
		return false;
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, n, &isnull);
	return isnull ? false : DatumGetBool(d);
}

/* Column n of the first row of the last SPI result as an int64. */
static int64
spi_int64(int n)
{
	bool		isnull;
	Datum		d;

	if (SPI_processed == 0)
		return 0;
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, n, &isnull);
	return isnull ? 0 : DatumGetInt64(d);
}

/* ----------------------------------------------------------------------
 * Model lookups
 * ----------------------------------------------------------------------
 */

/*
 * Check that ref names a declared type of kind (RBAC_TYPE_ACTOR or
 * RBAC_TYPE_RESOURCE) and canonicalize its id in place (22023 for an id
 * the key type rejects).  From the cached model: no SPI.
 */
static void
resolve_ref(RbacRef *ref, RbacTypeKind kind)
{
	MType	   *t = rbac_ref_require_type(rbac_get_model(), ref->type, kind);

	ref->id = rbac_ref_canonical_id(t, ref->id, true);
}

/* 23503 unless the (resolved) reference names an existing row, if bound. */
static void
require_row(const RbacRef *ref, const char *what)
{
	rbac_require_row(rbac_model_type(rbac_get_model(), ref->type), ref->id, what);
}

/*
 * The RbacTermKind of term name of type, or -1 when the type does not
 * declare it.  From the cached model.
 */
static int
term_kind(const char *type, const char *name)
{
	MType	   *t = rbac_model_type(rbac_get_model(), type);
	int			i;

	if (t == NULL || (i = rbac_type_term(t, name)) < 0)
		return -1;
	return t->ast->terms[i].kind;
}

/* Does the policy declare global role name? */
static bool
is_global_role(const char *name)
{
	return rbac_model_global(rbac_get_model(), name) >= 0;
}

/*
 * Does tenant (type, id) have a custom role name?  Runs as the owner.  The
 * row is locked FOR KEY SHARE until the end of the transaction, so a
 * concurrent drop_role (which locks it FOR UPDATE, then counts the
 * assignments) cannot miss the assignment being made.
 */
static bool
custom_role_exists(const char *type, const char *id, const char *name)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		values[3];

	rbac_spi_saved_plan(&plan,
			   "SELECT 1 FROM rbac.custom_role "
			   "WHERE tenant_type = $1 AND tenant_id = $2 AND name = $3 FOR KEY SHARE",
			   3, argtypes);
	values[0] = CStringGetTextDatum(type);
	values[1] = CStringGetTextDatum(id);
	values[2] = CStringGetTextDatum(name);
	rbac_spi_execute_plan(plan, values, NULL, false, SPI_OK_SELECT);
	return SPI_processed > 0;
}

/*
 * A quoted, comma-separated list of the rows of a one-column query with
 * text parameters ("a", "b"), and the names themselves.
 */
static char *
quoted_list(const char *sql, int nargs, Datum *values, const char *nulls,
			char ***names_out, int *n_out, bool quote)
{
	StringInfoData buf;
	char	  **names;
	uint64		i;

	rbac_spi_execute(sql, nargs, NULL, values, nulls, true, SPI_OK_SELECT);
	initStringInfo(&buf);
	names = palloc0(sizeof(char *) * (SPI_processed + 1));
	for (i = 0; i < SPI_processed; i++)
	{
		names[i] = spi_str(i, 1);
		appendStringInfo(&buf, quote ? "%s\"%s\"" : "%s%s", i ? ", " : "", names[i]);
	}
	if (names_out)
		*names_out = names;
	if (n_out)
		*n_out = (int) SPI_processed;
	return buf.data;
}

/*
 * Raise 42704 for a role that is not assignable on res (NULL: global),
 * with a hint listing the valid roles (built-in plus the tenant's custom
 * roles) and, when the role belongs to another type, a detail saying so.
 */
static void
unknown_role(const char *role, const RbacRef *res, int kind)
{
	Datum		values[2];
	char	   *list;
	char	  **names;
	int			n;
	char	   *others;
	const char *closest;

	values[0] = CStringGetTextDatum(role);
	others = quoted_list("SELECT type FROM rbac.policy_term WHERE name = $1 AND kind = 'role' "
						 "ORDER BY type COLLATE \"C\"", 1, values, NULL, NULL, &n, false);
	if (n == 0)
		others = NULL;

	if (res == NULL)
	{
		list = quoted_list("SELECT name FROM rbac.policy_global_role ORDER BY name COLLATE \"C\"",
						   0, NULL, NULL, &names, &n, true);
		closest = rbac_closest(role, (const char *const *) names, n);
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("global role \"%s\" is not declared in the policy", role),
				 others ? errdetail("\"%s\" is a role of %s; pass the resource it applies to.",
									role, others) : 0,
				 n == 0 ? errhint("The policy declares no global roles.")
				 : closest ? errhint("Did you mean \"%s\"? Global roles are %s.", closest, list)
				 : errhint("Global roles are %s.", list)));
	}

	values[0] = CStringGetTextDatum(res->type);
	values[1] = CStringGetTextDatum(res->id);
	list = quoted_list("SELECT name FROM ("
					   "  SELECT name FROM rbac.policy_term WHERE type = $1 AND kind = 'role' "
					   "  UNION SELECT name FROM rbac.custom_role "
					   "  WHERE tenant_type = $1 AND tenant_id = $2) s "
					   "ORDER BY name COLLATE \"C\"", 2, values, NULL, &names, &n, true);
	closest = rbac_closest(role, (const char *const *) names, n);
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 kind == RBAC_TERM_PERMISSION ? errmsg("\"%s\" is a permission of %s, not a role", role, res->type)
			 : kind == RBAC_TERM_RELATION ? errmsg("\"%s\" is a relation of %s, not a role", role, res->type)
			 : errmsg("role \"%s\" is not declared for %s", role, res->type),
			 (kind < 0 && others) ? errdetail("\"%s\" is a role of %s.", role, others)
			 : (kind < 0 && is_global_role(role))
			 ? errdetail("\"%s\" is a global role; assign it with no resource.", role) : 0,
			 n == 0 ? errhint("%s:%s has no assignable roles.", res->type, res->id)
			 : closest ? errhint("Did you mean \"%s\"? Valid roles for %s:%s are %s.",
								 closest, res->type, res->id, list)
			 : errhint("Valid roles for %s:%s are %s.", res->type, res->id, list)));
}

/* Check that role is assignable on res (NULL: global role). */
static void
validate_role(const char *role, const RbacRef *res)
{
	int			kind;

	if (res == NULL)
	{
		if (!is_global_role(role))
			unknown_role(role, NULL, -1);
		return;
	}
	kind = term_kind(res->type, role);
	if (kind == RBAC_TERM_ROLE)
		return;
	if (kind < 0 && custom_role_exists(res->type, res->id, role))
		return;
	unknown_role(role, res, kind);
}

/* ----------------------------------------------------------------------
 * Assignments
 * ----------------------------------------------------------------------
 */

/* An assignment as passed in: references parsed, not yet validated. */
typedef struct AssignArgs
{
	RbacRef		actor;
	char	   *role;
	RbacRef		res;
	bool		global;			/* res unused */
	Datum		expires_at;
	bool		expires_null;
} AssignArgs;

/* Parse the text arguments of an assignment (no SPI needed). */
static void
parse_assign_args(AssignArgs *a, const char *actor, const char *role,
				  const char *resource)
{
	memset(a, 0, sizeof(AssignArgs));
	a->actor = rbac_ref_require(actor, "actor");
	if (role == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("role must not be null")));
	a->role = pstrdup(role);
	a->global = (resource == NULL);
	if (!a->global)
		a->res = rbac_ref_require(resource, "resource");
	a->expires_null = true;
}

/*
 * Resolve types (canonicalizing ids), check the caller's privilege
 * (mode ACL_INSERT or ACL_DELETE on rbac.assignment, or delegation) and
 * validate the role.  Runs as the owner inside SPI.
 */
static void
validate_assignment(RbacRunAs *sw, AssignArgs *a, AclMode mode,
					const char *operation)
{
	resolve_ref(&a->actor, RBAC_TYPE_ACTOR);
	if (!a->global)
		resolve_ref(&a->res, RBAC_TYPE_RESOURCE);
	check_write_privilege(sw, "assignment", mode,
						  a->global ? NULL : a->res.type,
						  a->global ? NULL : a->res.id, operation);
	/* after the privilege check: nobody learns which rows exist by asking */
	if (mode == ACL_INSERT)
	{
		require_row(&a->actor, "actor");
		if (!a->global)
			require_row(&a->res, "resource");
	}
	validate_role(a->role, a->global ? NULL : &a->res);
}

/* Parameter values and nulls for the assignment statements. */
static void
assign_params(AssignArgs *a, Oid caller, Datum *values, char *nulls)
{
	const char *actor = rbac_current_actor_name();

	memset(nulls, ' ', 8);
	values[0] = CStringGetTextDatum(a->actor.type);
	values[1] = CStringGetTextDatum(a->actor.id);
	values[2] = CStringGetTextDatum(a->role);
	if (a->global)
	{
		nulls[3] = nulls[4] = 'n';
		values[3] = values[4] = (Datum) 0;
	}
	else
	{
		values[3] = CStringGetTextDatum(a->res.type);
		values[4] = CStringGetTextDatum(a->res.id);
	}
	values[5] = a->expires_at;
	if (a->expires_null)
		nulls[5] = 'n';
	values[6] = CStringGetTextDatum(GetUserNameFromId(caller, false));
	values[7] = tdatum(actor);
	if (!actor)
		nulls[7] = 'n';
}

/*
 * Insert or update an assignment and audit the change, in one saved
 * statement.  Returns 1 when inserted, 0 when the expiry was updated, -1
 * when it already held with the same expiry (nothing written, no audit).
 */
static int
write_assignment(AssignArgs *a, Oid caller, const char *operation)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[9] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
	TIMESTAMPTZOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		values[9];
	char		nulls[9];

	rbac_spi_saved_plan(&plan,
			   "WITH w AS ("
			   "  INSERT INTO rbac.assignment AS a "
			   "    (actor_type, actor_id, role, resource_type, resource_id, expires_at) "
			   "  VALUES ($1, $2, $3, $4, $5, $6) "
			   "  ON CONFLICT (resource_type, resource_id, actor_type, actor_id, role) "
			   "  DO UPDATE SET expires_at = excluded.expires_at "
			   "  WHERE a.expires_at IS DISTINCT FROM excluded.expires_at "
			   "  RETURNING (a.xmax = 0) AS inserted), "
			   "l AS ("
			   "  INSERT INTO rbac.audit_log (db_user, actor, operation, detail) "
			   "  SELECT $7, $8, $9, pg_catalog.jsonb_build_object("
			   "    'actor', $1 || ':' || $2, 'role', $3, 'resource', $4 || ':' || $5, "
			   "    'expires_at', $6, 'new', w.inserted) FROM w) "
			   "SELECT inserted FROM w",
			   9, argtypes);
	assign_params(a, caller, values, nulls);
	values[8] = CStringGetTextDatum(operation);
	nulls[8] = ' ';
	rbac_spi_execute_plan(plan, values, nulls, false, SPI_OK_SELECT);
	if (SPI_processed == 0)
		return -1;
	return spi_bool(1) ? 1 : 0;
}

/*
 * Delete an assignment and audit it, in one saved statement.  Returns
 * whether it was held.
 */
static bool
delete_assignment(AssignArgs *a, Oid caller, const char *operation)
{
	static SPIPlanPtr plan = NULL;
	static SPIPlanPtr gplan = NULL;
	Oid			argtypes[9] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
	TIMESTAMPTZOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		values[9];
	char		nulls[9];
	SPIPlanPtr	p;

#define DELETE_ASSIGNMENT_SQL(COND) \
	"WITH d AS (" \
	"  DELETE FROM rbac.assignment " \
	"  WHERE actor_type = $1 AND actor_id = $2 AND role = $3 AND " COND \
	"  RETURNING expires_at), " \
	"l AS (" \
	"  INSERT INTO rbac.audit_log (db_user, actor, operation, detail) " \
	"  SELECT $7, $8, $9, pg_catalog.jsonb_build_object(" \
	"    'actor', $1 || ':' || $2, 'role', $3, 'resource', $4 || ':' || $5, " \
	"    'expires_at', d.expires_at) FROM d) " \
	"SELECT 1 FROM d"

	if (a->global)
		p = rbac_spi_saved_plan(&gplan,
					   DELETE_ASSIGNMENT_SQL("resource_type IS NULL AND resource_id IS NULL"),
					   9, argtypes);
	else
		p = rbac_spi_saved_plan(&plan,
					   DELETE_ASSIGNMENT_SQL("resource_type = $4 AND resource_id = $5"),
					   9, argtypes);
	assign_params(a, caller, values, nulls);
	values[8] = CStringGetTextDatum(operation);
	nulls[8] = ' ';
	rbac_spi_execute_plan(p, values, nulls, false, SPI_OK_SELECT);
	return SPI_processed > 0;
}

/*
 * rbac.assign_role(actor, role, resource DEFAULT NULL, expires_at DEFAULT
 * NULL) -> boolean: true when new, false when it already held (the expiry
 * is updated).
 */
Datum
rbac_assign_role(PG_FUNCTION_ARGS)
{
	AssignArgs	a;
	RbacRunAs	sw;
	int			r = 0;

	rbac_rd_lock_policy();
	parse_assign_args(&a, rbac_arg_text(fcinfo, 0), rbac_arg_text(fcinfo, 1),
					  rbac_arg_text(fcinfo, 2));
	if (!PG_ARGISNULL(3))
	{
		a.expires_at = PG_GETARG_DATUM(3);
		a.expires_null = false;
	}

	SPI_connect();
	rbac_as_owner_begin(&sw);
	PG_TRY();
	{
		validate_assignment(&sw, &a, ACL_INSERT, "assign_role");
		r = write_assignment(&a, sw.caller, "assign_role");
	}
	PG_FINALLY();
	{
		rbac_run_as_end(&sw);
	}
	PG_END_TRY();
	SPI_finish();
	PG_RETURN_BOOL(r == 1);
}

/*
 * rbac.remove_role(actor, role, resource DEFAULT NULL) -> boolean: false
 * when it was not held.
 */
Datum
rbac_remove_role(PG_FUNCTION_ARGS)
{
	AssignArgs	a;
	RbacRunAs	sw;
	bool		held = false;

	parse_assign_args(&a, rbac_arg_text(fcinfo, 0), rbac_arg_text(fcinfo, 1),
					  rbac_arg_text(fcinfo, 2));
	SPI_connect();
	rbac_as_owner_begin(&sw);
	PG_TRY();
	{
		validate_assignment(&sw, &a, ACL_DELETE, "remove_role");
		held = delete_assignment(&a, sw.caller, "remove_role");
	}
	PG_FINALLY();
	{
		rbac_run_as_end(&sw);
	}
	PG_END_TRY();
	SPI_finish();
	PG_RETURN_BOOL(held);
}

/* Copy every row of the last SPI result into the SRF's tuplestore. */
static void
spi_to_tuplestore(ReturnSetInfo *rsinfo)
{
	TupleDesc	desc = SPI_tuptable->tupdesc;
	int			natts = desc->natts;
	Datum	   *values = palloc(sizeof(Datum) * natts);
	bool	   *nulls = palloc(sizeof(bool) * natts);
	uint64		i;

	for (i = 0; i < SPI_processed; i++)
	{
		heap_deform_tuple(SPI_tuptable->vals[i], desc, values, nulls);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/*
 * Copy the rows of the last SPI result (actor, role, resource, ...) that
 * the current actor may see into the SRF's tuplestore: its own, and those
 * on resources it may manage (asked once per resource; rows come sorted).
 */
static void
spi_to_tuplestore_visible(ReturnSetInfo *rsinfo)
{
	SPITupleTable *tt = SPI_tuptable;
	uint64		n = SPI_processed;
	TupleDesc	desc = tt->tupdesc;
	const char *cur = rbac_current_actor_name();
	Datum	   *values = palloc(sizeof(Datum) * desc->natts);
	bool	   *nulls = palloc(sizeof(bool) * desc->natts);
	HTAB	   *seen;
	HASHCTL		ctl;
	uint64		i;

	if (cur == NULL)
		return;
	ctl.keysize = NAMEDATALEN * 4;
	ctl.entrysize = NAMEDATALEN * 4 + sizeof(bool);
	seen = hash_create("pg_rbac visible resources", 64, &ctl, HASH_ELEM | HASH_STRINGS);
	for (i = 0; i < n; i++)
	{
		char	   *a = SPI_getvalue(tt->vals[i], desc, 1);
		char	   *r = SPI_getvalue(tt->vals[i], desc, 3);
		bool		visible = a != NULL && strcmp(a, cur) == 0;

		if (!visible && r != NULL && strlen(r) < NAMEDATALEN * 4)
		{
			bool		found;
			char	   *e = hash_search(seen, r, HASH_ENTER, &found);
			bool	   *may = (bool *) (e + NAMEDATALEN * 4);

			if (!found)
			{
				RbacRef		ref;

				ref = rbac_ref_require(r, "resource");
				*may = rbac_may_manage(ref.type, ref.id);
			}
			visible = *may;
		}
		else if (!visible && r != NULL)
		{
			RbacRef		ref;

			ref = rbac_ref_require(r, "resource");
			visible = rbac_may_manage(ref.type, ref.id);
		}
		if (!visible)
			continue;
		heap_deform_tuple(tt->vals[i], desc, values, nulls);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	hash_destroy(seen);
}

/* Is ref the current actor? */
static bool
is_current_actor(const RbacRef *ref)
{
	const char *cur = rbac_current_actor_name();
	char	   *full;

	if (cur == NULL)
		return false;
	full = rbac_ref_text(ref);
	return strcmp(cur, full) == 0;
}

/*
 * 42501 unless the caller may read rbac.<relname> (SELECT privilege), or
 * reads its own current actor's data (self), or may manage the resource.
 */
static void
check_read_privilege(RbacRunAs *sw, const char *relname, bool self,
					 const RbacRef *managed, const char *operation)
{
	if (pg_class_aclcheck(rbac_catalog_relid(relname), sw->caller, ACL_SELECT) == ACLCHECK_OK)
		return;
	if (self)
		return;
	if (managed && rbac_may_manage(managed->type, managed->id))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied for %s", operation),
			 errdetail("Database role \"%s\" has no SELECT privilege on rbac.%s.",
					   GetUserNameFromId(sw->caller, false), relname),
			 errhint("Grant SELECT on rbac.%s to the role, ask about the current actor only, or act as an actor that manages the resource.",
					 relname),
			 (managed && rbac_current_actor_name()) ? rbac_errdecision() : 0));
}

/*
 * rbac.assignments(actor DEFAULT NULL, resource DEFAULT NULL) ->
 * TABLE(actor, role, resource, expires_at): direct assignments, expired
 * ones included, sorted by actor, resource (global first) and role.
 */
Datum
rbac_assignments(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *actor = rbac_arg_text(fcinfo, 0);
	char	   *resource = rbac_arg_text(fcinfo, 1);
	RbacRef		aref = {0};
	RbacRef		rref = {0};
	RbacRunAs	sw;
	StringInfoData sql;
	Datum		values[4];
	int			nargs = 0;

	InitMaterializedSRF(fcinfo, 0);
	if (actor)
		aref = rbac_ref_require(actor, "actor");
	if (resource)
		rref = rbac_ref_require(resource, "resource");

	SPI_connect();
	rbac_as_owner_begin(&sw);
	PG_TRY();
	{
		bool		filtered;

		if (actor)
			resolve_ref(&aref, RBAC_TYPE_ACTOR);
		if (resource)
			resolve_ref(&rref, RBAC_TYPE_RESOURCE);

		/*
		 * SPEC 6.1: a caller without SELECT on the catalog sees the current
		 * actor's own assignments and those on resources the actor may
		 * manage, nothing without an actor.
		 */
		filtered = pg_class_aclcheck(rbac_catalog_relid("assignment"), sw.caller, ACL_SELECT) != ACLCHECK_OK &&
			!(actor && is_current_actor(&aref)) &&
			!(resource && rbac_may_manage(rref.type, rref.id));

		initStringInfo(&sql);
		appendStringInfoString(&sql,
							   "SELECT actor_type || ':' || actor_id, role, "
							   "resource_type || ':' || resource_id, expires_at "
							   "FROM rbac.assignment WHERE true");
		if (actor)
		{
			appendStringInfo(&sql, " AND actor_type = $%d AND actor_id = $%d",
							 nargs + 1, nargs + 2);
			values[nargs++] = CStringGetTextDatum(aref.type);
			values[nargs++] = CStringGetTextDatum(aref.id);
		}
		if (resource)
		{
			appendStringInfo(&sql, " AND resource_type = $%d AND resource_id = $%d",
							 nargs + 1, nargs + 2);
			values[nargs++] = CStringGetTextDatum(rref.type);
			values[nargs++] = CStringGetTextDatum(rref.id);
		}
		appendStringInfoString(&sql, " ORDER BY (actor_type || ':' || actor_id) COLLATE \"C\", "
							   "(resource_type || ':' || resource_id) COLLATE \"C\" NULLS FIRST, role COLLATE \"C\"");
		rbac_spi_execute(sql.data, nargs, NULL, values, NULL, true, SPI_OK_SELECT);
		if (filtered)
			spi_to_tuplestore_visible(rsinfo);
		else
			spi_to_tuplestore(rsinfo);
	}
	PG_FINALLY();
	{
		rbac_run_as_end(&sw);
	}
	PG_END_TRY();
	SPI_finish();
	return (Datum) 0;
}

/* ----------------------------------------------------------------------
 * Groups
 * ----------------------------------------------------------------------
 */

/*
 * rbac.add_member(grp, member) -> boolean: true when new.  Both are actor
 * references; a membership that would close a cycle is 22023.
 */
Datum
rbac_add_member(PG_FUNCTION_ARGS)
{
	RbacRef		grp;
	RbacRef		member;
	RbacRunAs	sw;
	bool		added = false;

	rbac_rd_lock_policy();
	grp = rbac_ref_require(rbac_arg_text(fcinfo, 0), "group");
	member = rbac_ref_require(rbac_arg_text(fcinfo, 1), "member");

	SPI_connect();
	rbac_as_owner_begin(&sw);
	PG_TRY();
	{
		Datum		values[4];
		StringInfo	detail;

		resolve_ref(&grp, RBAC_TYPE_ACTOR);
		resolve_ref(&member, RBAC_TYPE_ACTOR);
		check_write_privilege(&sw, "membership", ACL_INSERT, grp.type, grp.id,
							  "add_member");
		require_row(&grp, "group");
		require_row(&member, "member");

		if (strcmp(grp.type, member.type) == 0 && strcmp(grp.id, member.id) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s cannot be a member of itself", rbac_ref_text(&grp))));

		/*
		 * Serialize membership changes so that two concurrent additions
		 * cannot close a cycle together; read committed then sees the
		 * other's committed rows in the check below.
		 */
		LockRelationOid(rbac_catalog_relid("membership"), ShareRowExclusiveLock);

		values[0] = CStringGetTextDatum(grp.type);
		values[1] = CStringGetTextDatum(grp.id);
		values[2] = CStringGetTextDatum(member.type);
		values[3] = CStringGetTextDatum(member.id);
		/* Is grp already (transitively) a member of member? */
		rbac_spi_execute("WITH RECURSIVE up(t, i) AS ("
				"  SELECT group_type, group_id FROM rbac.membership "
				"  WHERE member_type = $1 AND member_id = $2 "
				"  UNION "
				"  SELECT m.group_type, m.group_id FROM rbac.membership m "
				"  JOIN up ON m.member_type = up.t AND m.member_id = up.i) "
				"SELECT EXISTS (SELECT 1 FROM up WHERE t = $3 AND i = $4)",
				4, NULL, values, NULL, false, SPI_OK_SELECT);
		if (spi_bool(1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("adding %s to %s would create a cycle of groups",
							rbac_ref_text(&member), rbac_ref_text(&grp)),
					 errdetail("%s is already a member of %s, directly or through other groups.",
							   rbac_ref_text(&grp), rbac_ref_text(&member))));

		rbac_spi_execute("INSERT INTO rbac.membership (group_type, group_id, member_type, member_id) "
				"VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
				4, NULL, values, NULL, false, SPI_OK_INSERT);
		added = SPI_processed > 0;
		if (added)
		{
			detail = rbac_json_begin();
			rbac_json_string(detail, "group", rbac_ref_text(&grp));
			rbac_json_string(detail, "member", rbac_ref_text(&member));
			rbac_audit(sw.caller, "add_member", detail);
		}
	}
	PG_FINALLY();
	{
		rbac_run_as_end(&sw);
	}
	PG_END_TRY();
	SPI_finish();
	PG_RETURN_BOOL(added);
}

/* rbac.remove_member(grp, member) -> boolean: false when not a member. */
Datum
rbac_remove_member(PG_FUNCTION_ARGS)
{
	RbacRef		grp;
	RbacRef		member;
	RbacRunAs	sw;
	bool		removed = false;

	grp = rbac_ref_require(rbac_arg_text(fcinfo, 0), "group");
	member = rbac_ref_require(rbac_arg_text(fcinfo, 1), "member");

	SPI_connect();
	rbac_as_owner_begin(&sw);
	PG_TRY();
	{
		Datum		values[4];
		StringInfo	detail;

		resolve_ref(&grp, RBAC_TYPE_ACTOR);
		resolve_ref(&member, RBAC_TYPE_ACTOR);
		check_write_privilege(&sw, "membership", ACL_DELETE, grp.type, grp.id,
							  "remove_member");
		values[0] = CStringGetTextDatum(grp.type);
		values[1] = CStringGetTextDatum(grp.id);
		values[2] = CStringGetTextDatum(member.type);
		values[3] = CStringGetTextDatum(member.id);
		rbac_spi_execute("DELETE FROM rbac.membership WHERE group_type = $1 AND group_id = $2 "
				"AND member_type = $3 AND member_id = $4",
				4, NULL, values, NULL, false, SPI_OK_DELETE);
		removed = SPI_processed > 0;
		if (removed)
		{
			detail = rbac_json_begin();
			rbac_json_string(detail, "group", rbac_ref_text(&grp));
			rbac_json_string(detail, "member", rbac_ref_text(&member));
			rbac_audit(sw.caller, "remove_member", detail);
		}
	}
	PG_FINALLY();
	{
		rbac_run_as_end(&sw);
	}
	PG_END_TRY();
	SPI_finish();
	PG_RETURN_BOOL(removed);
}

/*
 * rbac.members(grp, transitive DEFAULT false) -> SETOF text: the direct
 * members of a group, or with transitive every member at any depth (the
 * nested groups included), sorted.
 */
Datum
rbac_members(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		transitive = PG_ARGISNULL(1) ? false : PG_GETARG_BOOL(1);
	RbacRef		grp;
	RbacRunAs	sw;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	grp = rbac_ref_require(rbac_arg_text(fcinfo, 0), "group");

	SPI_connect();
	rbac_as_owner_begin(&sw);
	PG_TRY();
	{
		Datum		values[2];

		resolve_ref(&grp, RBAC_TYPE_ACTOR);
		check_read_privilege(&sw, "membership", false, &grp, "members");
		values[0] = CStringGetTextDatum(grp.type);
		values[1] = CStringGetTextDatum(grp.id);
		if (transitive)
			rbac_spi_execute("WITH RECURSIVE down(t, i) AS ("
					"  SELECT member_type, member_id FROM rbac.membership "
					"  WHERE group_type = $1 AND group_id = $2 "
					"  UNION "
					"  SELECT m.member_type, m.member_id FROM rbac.membership m "
					"  JOIN down ON m.group_type = down.t AND m.group_id = down.i) "
					"SELECT t || ':' || i FROM down ORDER BY (t || ':' || i) COLLATE \"C\"",
					2, NULL, values, NULL, true, SPI_OK_SELECT);
		else
			rbac_spi_execute("SELECT member_type || ':' || member_id FROM rbac.membership "
					"WHERE group_type = $1 AND group_id = $2 "
					"ORDER BY (member_type || ':' || member_id) COLLATE \"C\"",
					2, NULL, values, NULL, true, SPI_OK_SELECT);
		spi_to_tuplestore(rsinfo);
	}
	PG_FINALLY();
	{
		rbac_run_as_end(&sw);
	}
	PG_END_TRY();
	SPI_finish();
	return (Datum) 0;
}

/*
 * rbac.groups_of(actor) -> SETOF text: every group the actor belongs to,
 * directly or through nested groups, sorted.
 */
Datum
rbac_groups_of(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RbacRef		actor;
	RbacRunAs	sw;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	actor = rbac_ref_require(rbac_arg_text(fcinfo, 0), "actor");

	SPI_connect();
	rbac_as_owner_begin(&sw);
	PG_TRY();
	{
		Datum		values[2];

		resolve_ref(&actor, RBAC_TYPE_ACTOR);
		check_read_privilege(&sw, "membership", is_current_actor(&actor), NULL,
							 "groups_of");
		values[0] = CStringGetTextDatum(actor.type);
		values[1] = CStringGetTextDatum(actor.id);
		rbac_spi_execute("WITH RECURSIVE up(t, i) AS ("
				"  SELECT group_type, group_id FROM rbac.membership "
				"  WHERE member_type = $1 AND member_id = $2 "
				"  UNION "
				"  SELECT m.group_type, m.group_id FROM rbac.membership m "
				"  JOIN up ON m.member_type = up.t AND m.member_id = up.i) "
				"SELECT t || ':' || i FROM up ORDER BY (t || ':' || i) COLLATE \"C\"",
				2, NULL, values, NULL, true, SPI_OK_SELECT);
		spi_to_tuplestore(rsinfo);
	}
	PG_FINALLY();
	{
		rbac_run_as_end(&sw);
	}
	PG_END_TRY();
	SPI_finish();
	return (Datum) 0;
}

/* ----------------------------------------------------------------------
 * Custom roles
 * ----------------------------------------------------------------------
 */

/*
 * The distinct, sorted, non-null strings of a text[] argument (NULL array
 * = empty).  what names the argument in errors.
 */
static char **
text_array_arg(FunctionCallInfo fcinfo, int argno, const char *what, int *n_out)
{
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			i;
	int			j;
	char	  **out;

	*n_out = 0;
	if (PG_ARGISNULL(argno))
		return palloc0(sizeof(char *));
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	out = palloc0(sizeof(char *) * (n + 1));
	for (i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain nulls", what)));
		out[i] = TextDatumGetCString(elems[i]);
	}
	if (n > 1)
		qsort(out, n, sizeof(char *), rbac_cmp_cstr);
	for (i = 0, j = 0; i < n; i++)
		if (j == 0 || strcmp(out[j - 1], out[i]) != 0)
			out[j++] = out[i];
	*n_out = j;
	return out;
}

/* A text[] datum of n C strings. */
static Datum
text_array_datum(char **items, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * (n + 1));
	int			i;

	for (i = 0; i < n; i++)
		d[i] = CStringGetTextDatum(items[i]);
	return PointerGetDatum(construct_array(d, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * Check that every item is a term of kind (RBAC_TERM_PERMISSION or
 * RBAC_TERM_ROLE) of type; 42704 naming the first that is not, with the
 * valid ones.
 */
static void
check_terms(const char *type, char **items, int n, RbacTermKind want)
{
	const char *kind = want == RBAC_TERM_ROLE ? "role" : "permission";
	int			i;

	for (i = 0; i < n; i++)
	{
		if (term_kind(type, items[i]) != want)
		{
			Datum		values[2];
			char	  **names;
			int			nn;
			char	   *list;
			const char *closest;

			values[0] = CStringGetTextDatum(type);
			values[1] = CStringGetTextDatum(kind);
			list = quoted_list("SELECT name FROM rbac.policy_term WHERE type = $1 AND kind = $2 "
							   "ORDER BY name COLLATE \"C\"", 2, values, NULL, &names, &nn, true);
			closest = rbac_closest(items[i], (const char *const *) names, nn);
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("%s \"%s\" is not declared for %s", kind, items[i], type),
					 strcmp(kind, "role") == 0
					 ? errdetail("A custom role implies built-in roles of its tenant's type only.") : 0,
					 nn == 0 ? errhint("%s declares no %ss.", type, kind)
					 : closest ? errhint("Did you mean \"%s\"? Valid %ss of %s are %s.",
										 closest, kind, type, list)
					 : errhint("Valid %ss of %s are %s.", kind, type, list)));
		}
	}
}

/*
 * rbac.create_role(tenant, name, permissions DEFAULT '{}', implies DEFAULT
 * '{}') -> void: a custom role on one tenant resource, granting
 * permissions of the tenant's type and implying built-in roles of it.
 */
Datum
rbac_create_role(PG_FUNCTION_ARGS)
{
	RbacRef		tenant;
	char	   *name = rbac_arg_text(fcinfo, 1);
	char	  **perms;
	char	  **implies;
	int			nperms;
	int			nimplies;
	RbacRunAs	sw;

	rbac_rd_lock_policy();
	tenant = rbac_ref_require(rbac_arg_text(fcinfo, 0), "tenant");
	if (name == NULL || name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("custom role name must not be null or empty")));
	perms = text_array_arg(fcinfo, 2, "permissions", &nperms);
	implies = text_array_arg(fcinfo, 3, "implies", &nimplies);

	SPI_connect();
	rbac_as_owner_begin(&sw);
	PG_TRY();
	{
		Datum		values[4];
		int			k;
		StringInfo	detail;

		resolve_ref(&tenant, RBAC_TYPE_RESOURCE);
		check_write_privilege(&sw, "custom_role", ACL_INSERT, tenant.type, tenant.id,
							  "create_role");
		require_row(&tenant, "tenant");
		k = term_kind(tenant.type, name);
		if (k >= 0)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("custom role \"%s\" clashes with the built-in %s \"%s\" of %s",
							name, k == RBAC_TERM_ROLE ? "role" : k == RBAC_TERM_PERMISSION ? "permission" : "relation",
							name, tenant.type),
					 errhint("Choose another name.")));
		check_terms(tenant.type, perms, nperms, RBAC_TERM_PERMISSION);
		check_terms(tenant.type, implies, nimplies, RBAC_TERM_ROLE);

		values[0] = CStringGetTextDatum(tenant.type);
		values[1] = CStringGetTextDatum(tenant.id);
		values[2] = CStringGetTextDatum(name);
		{
			Oid			argtypes[5] = {TEXTOID, TEXTOID, TEXTOID, TEXTARRAYOID, TEXTARRAYOID};
			Datum		v[5];
			int			ret;

			v[0] = values[0];
			v[1] = values[1];
			v[2] = values[2];
			v[3] = text_array_datum(perms, nperms);
			v[4] = text_array_datum(implies, nimplies);
			ret = SPI_execute_with_args("INSERT INTO rbac.custom_role "
										"(tenant_type, tenant_id, name, permissions, implies) "
										"VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
										5, argtypes, v, NULL, false, 0);
			if (ret != SPI_OK_INSERT)
				elog(ERROR, "could not insert into rbac.custom_role: %s",
					 SPI_result_code_string(ret));
		}
		if (SPI_processed == 0)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("custom role \"%s\" already exists on %s", name, rbac_ref_text(&tenant)),
					 errhint("Drop it first with rbac.drop_role to redefine it.")));

		detail = rbac_json_begin();
		rbac_json_string(detail, "tenant", rbac_ref_text(&tenant));
		rbac_json_string(detail, "name", name);
		rbac_json_strings(detail, "permissions", perms, nperms);
		rbac_json_strings(detail, "implies", implies, nimplies);
		rbac_audit(sw.caller, "create_role", detail);
	}
	PG_FINALLY();
	{
		rbac_run_as_end(&sw);
	}
	PG_END_TRY();
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * rbac.drop_role(tenant, name, cascade DEFAULT false) -> void.  A custom
 * role that is still assigned is 2BP01 unless cascade, which deletes its
 * assignments too.
 */
Datum
rbac_drop_role(PG_FUNCTION_ARGS)
{
	RbacRef		tenant;
	char	   *name = rbac_arg_text(fcinfo, 1);
	bool		cascade = PG_ARGISNULL(2) ? false : PG_GETARG_BOOL(2);
	RbacRunAs	sw;

	tenant = rbac_ref_require(rbac_arg_text(fcinfo, 0), "tenant");
	if (name == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("custom role name must not be null")));

	SPI_connect();
	rbac_as_owner_begin(&sw);
	PG_TRY();
	{
		Datum		values[3];
		int64		nassigned;
		int			k;
		StringInfo	detail;

		resolve_ref(&tenant, RBAC_TYPE_RESOURCE);
		check_write_privilege(&sw, "custom_role", ACL_DELETE, tenant.type, tenant.id,
							  "drop_role");
		values[0] = CStringGetTextDatum(tenant.type);
		values[1] = CStringGetTextDatum(tenant.id);
		values[2] = CStringGetTextDatum(name);

		/* Lock the role row: nobody assigns it while we count. */
		rbac_spi_execute("SELECT 1 FROM rbac.custom_role WHERE tenant_type = $1 AND tenant_id = $2 "
				"AND name = $3 FOR UPDATE", 3, NULL, values, NULL, false, SPI_OK_SELECT);
		if (SPI_processed == 0)
		{
			k = term_kind(tenant.type, name);
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("custom role \"%s\" does not exist on %s", name, rbac_ref_text(&tenant)),
					 k == RBAC_TERM_ROLE ? errdetail("\"%s\" is a built-in role of %s; built-in roles change with the policy.",
										  name, tenant.type) : 0));
		}
		rbac_spi_execute("SELECT pg_catalog.count(*) FROM rbac.assignment "
				"WHERE resource_type = $1 AND resource_id = $2 AND role = $3",
				3, NULL, values, NULL, false, SPI_OK_SELECT);
		nassigned = spi_int64(1);
		if (nassigned > 0 && !cascade)
			ereport(ERROR,
					(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
					 errmsg("custom role \"%s\" on %s is still assigned", name, rbac_ref_text(&tenant)),
					 errdetail_plural("%lld role assignment uses it.",
									  "%lld role assignments use it.",
									  (unsigned long) nassigned, (long long) nassigned),
					 errhint("Remove the assignments first, or call rbac.drop_role(tenant, name, cascade => true).")));
		if (nassigned > 0)
			rbac_spi_execute("DELETE FROM rbac.assignment "
					"WHERE resource_type = $1 AND resource_id = $2 AND role = $3",
					3, NULL, values, NULL, false, SPI_OK_DELETE);
		rbac_spi_execute("DELETE FROM rbac.custom_role WHERE tenant_type = $1 AND tenant_id = $2 "
				"AND name = $3", 3, NULL, values, NULL, false, SPI_OK_DELETE);

		detail = rbac_json_begin();
		rbac_json_string(detail, "tenant", rbac_ref_text(&tenant));
		rbac_json_string(detail, "name", name);
		rbac_json_raw(detail, "cascade", cascade ? "true" : "false");
		rbac_json_raw(detail, "assignments_deleted", psprintf("%lld", (long long) nassigned));
		rbac_audit(sw.caller, "drop_role", detail);
	}
	PG_FINALLY();
	{
		rbac_run_as_end(&sw);
	}
	PG_END_TRY();
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * rbac.roles(target) -> TABLE(name, custom, permissions, implies): the
 * assignable roles of a type ("Repository") or of a tenant
 * ("Organization:acme": built-in plus the tenant's custom roles), built-in
 * roles first, each group sorted by name.  For a built-in role,
 * permissions are those it grants directly and implies the roles it
 * implies directly ("member" if "owner": owner implies member).  PUBLIC.
 */
Datum
rbac_roles(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *target = rbac_arg_text(fcinfo, 0);
	RbacRef		ref = {0};
	RbacRunAs	sw;

	InitMaterializedSRF(fcinfo, 0);
	if (target == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target must not be null")));
	if (strchr(target, ':') != NULL)
		ref = rbac_ref_require(target, "tenant");
	else if (target[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target must be a type name or a reference")));
	else
		ref.type = target;

	SPI_connect();
	rbac_as_owner_begin(&sw);
	PG_TRY();
	{
		Datum		values[2];
		char		nulls[2] = {' ', ' '};

		if (ref.id)
			resolve_ref(&ref, RBAC_TYPE_RESOURCE);
		else
			(void) rbac_ref_require_type(rbac_get_model(), ref.type, RBAC_TYPE_ANY);
		values[0] = CStringGetTextDatum(ref.type);
		values[1] = tdatum(ref.id);

		/*
		 * A tenant's custom roles are its own business (SPEC 6.1, like the
		 * role data): listed for a caller with SELECT on rbac.custom_role or
		 * whose current actor may manage the tenant; built-in roles only
		 * for anyone else.
		 */
		if (!ref.id ||
			!(pg_class_aclcheck(rbac_catalog_relid("custom_role"), sw.caller, ACL_SELECT) == ACLCHECK_OK ||
			  rbac_may_manage(ref.type, ref.id)))
			nulls[1] = 'n';
		rbac_spi_execute("SELECT name, custom, permissions, implies FROM ("
				"  SELECT t.name, false AS custom, "
				"    ARRAY(SELECT DISTINCT r.head COLLATE \"C\" FROM rbac.policy_rule r "
				"          WHERE r.type = t.type AND r.body = t.name AND r.body_kind = 'role' "
				"            AND r.head_kind = 'permission' AND r.via IS NULL ORDER BY 1) AS permissions, "
				"    ARRAY(SELECT DISTINCT r.head COLLATE \"C\" FROM rbac.policy_rule r "
				"          WHERE r.type = t.type AND r.body = t.name AND r.body_kind = 'role' "
				"            AND r.head_kind = 'role' AND r.via IS NULL ORDER BY 1) AS implies "
				"  FROM rbac.policy_term t WHERE t.type = $1 AND t.kind = 'role' "
				"  UNION ALL "
				"  SELECT c.name, true, c.permissions, c.implies FROM rbac.custom_role c "
				"  WHERE c.tenant_type = $1 AND c.tenant_id = $2) s "
				"ORDER BY custom, name COLLATE \"C\"",
				2, NULL, values, nulls, true, SPI_OK_SELECT);
		spi_to_tuplestore(rsinfo);
	}
	PG_FINALLY();
	{
		rbac_run_as_end(&sw);
	}
	PG_END_TRY();
	SPI_finish();
	return (Datum) 0;
}

/* ----------------------------------------------------------------------
 * The writable view rbac.role_assignments
 * ----------------------------------------------------------------------
 */

/* Text column attno of a view row, or NULL. */
static char *
row_text(HeapTuple tup, TupleDesc desc, int attno)
{
	bool		isnull;
	Datum		d = heap_getattr(tup, attno, desc, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/* Parse a view row (actor, role, resource, expires_at) into a. */
static void
row_args(HeapTuple tup, TupleDesc desc, AssignArgs *a)
{
	bool		isnull;
	Datum		d;

	parse_assign_args(a, row_text(tup, desc, 1), row_text(tup, desc, 2),
					  row_text(tup, desc, 3));
	d = heap_getattr(tup, 4, desc, &isnull);
	a->expires_null = isnull;
	a->expires_at = isnull ? (Datum) 0 : d;
}

/* The view row of a validated assignment (ids canonical), in cxt. */
static HeapTuple
row_of(AssignArgs *a, TupleDesc desc, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	HeapTuple	tup;

	values[0] = CStringGetTextDatum(rbac_ref_text(&a->actor));
	values[1] = CStringGetTextDatum(a->role);
	if (a->global)
		nulls[2] = true;
	else
		values[2] = CStringGetTextDatum(rbac_ref_text(&a->res));
	values[3] = a->expires_at;
	nulls[3] = a->expires_null;
	tup = heap_form_tuple(desc, values, nulls);
	MemoryContextSwitchTo(old);
	return tup;
}

/*
 * Rows of one INSERT or COPY into rbac.role_assignments.  The row trigger
 * validates each row (in memory, against the cached model) and appends it
 * here; the AFTER STATEMENT trigger, or a full buffer, writes them all with
 * one INSERT ... SELECT FROM unnest(...) ON CONFLICT and audits them with
 * one INSERT into the audit log.  That is what makes COPY of millions of
 * rows fast.  One frame per statement, stacked for nested statements, and
 * dropped when a (sub)transaction aborts.
 */
#define PENDING_FLUSH_ROWS 10000
#define PENDING_NCOLS 6

typedef struct PendingRows
{
	MemoryContext cxt;			/* holds this struct */
	MemoryContext data;			/* the rows; reset after each write */
	int			level;			/* transaction nest level of the statement */
	bool		bulk;			/* more than one batch: summary audit rows */
	bool		has_actor;		/* rows are buffered: actor below is set */
	char	   *actor;			/* the current actor when they were added */
	Oid			assignment_relid;	/* rbac.assignment, looked up once */
	int			n;
	int			cap;
	Datum	   *values[PENDING_NCOLS];	/* actor_type, actor_id, role,
										 * resource_type, resource_id,
										 * expires_at */
	bool	   *nulls[PENDING_NCOLS];
	struct PendingRows *prev;
} PendingRows;

static PendingRows *pending = NULL;
static bool pending_callbacks = false;

/* Drop the top frame and its memory. */
static void
pending_pop(void)
{
	PendingRows *top = pending;

	pending = top->prev;
	MemoryContextDelete(top->cxt);
}

/* Transaction end: no statement is running any more. */
static void
pending_xact_cb(XactEvent event, void *arg)
{
	while (pending)
		pending_pop();
}

/* Subtransaction abort: drop the frames of the statements it ran. */
static void
pending_subxact_cb(SubXactEvent event, SubTransactionId mySubid,
				   SubTransactionId parentSubid, void *arg)
{
	if (event != SUBXACT_EVENT_ABORT_SUB)
		return;
	while (pending && pending->level >= GetCurrentTransactionNestLevel())
		pending_pop();
}

/* Start a frame for an INSERT or COPY statement on the view. */
static void
pending_push(void)
{
	MemoryContext cxt;
	PendingRows *p;

	if (!pending_callbacks)
	{
		RegisterXactCallback(pending_xact_cb, NULL);
		RegisterSubXactCallback(pending_subxact_cb, NULL);
		pending_callbacks = true;
	}
	cxt = AllocSetContextCreate(TopMemoryContext, "pg_rbac pending assignments",
								ALLOCSET_DEFAULT_SIZES);
	p = MemoryContextAllocZero(cxt, sizeof(PendingRows));
	p->cxt = cxt;
	p->data = AllocSetContextCreate(cxt, "pg_rbac pending rows", ALLOCSET_DEFAULT_SIZES);
	p->level = GetCurrentTransactionNestLevel();
	p->prev = pending;
	pending = p;
}

/* The frame of the statement now running, or NULL. */
static PendingRows *
pending_current(void)
{
	if (pending && pending->level == GetCurrentTransactionNestLevel())
		return pending;
	return NULL;
}

/* Append a validated assignment to a frame. */
static void
pending_add(PendingRows *p, AssignArgs *a)
{
	MemoryContext old = MemoryContextSwitchTo(p->data);
	const char *v[5];
	int			i;

	if (p->n == p->cap)
	{
		int			newcap = p->cap ? p->cap * 2 : 256;

		for (i = 0; i < PENDING_NCOLS; i++)
		{
			if (p->cap == 0)
			{
				p->values[i] = palloc(sizeof(Datum) * newcap);
				p->nulls[i] = palloc(sizeof(bool) * newcap);
			}
			else
			{
				p->values[i] = repalloc(p->values[i], sizeof(Datum) * newcap);
				p->nulls[i] = repalloc(p->nulls[i], sizeof(bool) * newcap);
			}
		}
		p->cap = newcap;
	}
	v[0] = a->actor.type;
	v[1] = a->actor.id;
	v[2] = a->role;
	v[3] = a->global ? NULL : a->res.type;
	v[4] = a->global ? NULL : a->res.id;
	for (i = 0; i < 5; i++)
	{
		p->nulls[i][p->n] = (v[i] == NULL);
		p->values[i][p->n] = v[i] ? CStringGetTextDatum(v[i]) : (Datum) 0;
	}
	p->nulls[5][p->n] = a->expires_null;
	p->values[5][p->n] = a->expires_null ? (Datum) 0 : a->expires_at;
	p->n++;
	MemoryContextSwitchTo(old);
}

/*
 * Write the rows of a frame as the extension owner (SPI is connected): the
 * distinct assignments (the last expiry given wins) are upserted.  A
 * statement of at most PENDING_FLUSH_ROWS rows gets one audit row per
 * assignment made or whose expiry changed, like assign_role; a bigger one
 * (a bulk load) one summary row per batch, operation "bulk_assign" with the
 * counts: auditing each of a million rows would double the load time.
 *
 * A bulk batch first tries a plain INSERT in a subtransaction: a load of
 * new assignments then skips the speculative-insertion probe of ON
 * CONFLICT (a fifth of the cost).  If any row already exists (unique
 * violation, also after waiting for a concurrent writer) the subtransaction
 * is rolled back and the batch upserted.
 */
#define PENDING_INPUT_SQL \
	"WITH input AS (" \
	"  SELECT DISTINCT ON (rt COLLATE \"C\", ri COLLATE \"C\", at COLLATE \"C\", " \
	"                      ai COLLATE \"C\", r COLLATE \"C\") " \
	"         at, ai, r, rt, ri, ex " \
	"  FROM unnest($1, $2, $3, $4, $5, $6) WITH ORDINALITY " \
	"       AS u(at, ai, r, rt, ri, ex, ord) " \
	"  ORDER BY rt COLLATE \"C\", ri COLLATE \"C\", at COLLATE \"C\", " \
	"           ai COLLATE \"C\", r COLLATE \"C\", ord DESC), "
#define PENDING_UPSERT_SQL \
	"w AS (" \
	"  INSERT INTO rbac.assignment AS a " \
	"    (actor_type, actor_id, role, resource_type, resource_id, expires_at) " \
	"  SELECT at, ai, r, rt, ri, ex FROM input " \
	"  ON CONFLICT (resource_type, resource_id, actor_type, actor_id, role) " \
	"  DO UPDATE SET expires_at = excluded.expires_at " \
	"  WHERE a.expires_at IS DISTINCT FROM excluded.expires_at " \
	"  RETURNING (a.xmax = 0) AS inserted, a.*) "
#define PENDING_PLAIN_SQL \
	"w AS (" \
	"  INSERT INTO rbac.assignment AS a " \
	"    (actor_type, actor_id, role, resource_type, resource_id, expires_at) " \
	"  SELECT at, ai, r, rt, ri, ex FROM input " \
	"  RETURNING true AS inserted, a.*) "
#define PENDING_AUDIT_ROWS_SQL \
	"INSERT INTO rbac.audit_log (db_user, actor, operation, detail) " \
	"SELECT $7, $8, 'assign_role', pg_catalog.jsonb_build_object(" \
	"  'actor', w.actor_type || ':' || w.actor_id, 'role', w.role, " \
	"  'resource', w.resource_type || ':' || w.resource_id, " \
	"  'expires_at', w.expires_at, 'new', w.inserted) FROM w"
#define PENDING_AUDIT_BULK_SQL \
	"INSERT INTO rbac.audit_log (db_user, actor, operation, detail) " \
	"SELECT $7, $8, 'bulk_assign', pg_catalog.jsonb_build_object(" \
	"  'rows', pg_catalog.cardinality($1), " \
	"  'inserted', pg_catalog.count(*) FILTER (WHERE w.inserted), " \
	"  'expiry_updated', pg_catalog.count(*) FILTER (WHERE NOT w.inserted), " \
	"  'via', 'rbac.role_assignments') FROM w"

/* Run the plain bulk insert in a subtransaction; false on unique violation. */
static bool
pending_try_plain(SPIPlanPtr plan, Datum *values, const char *nulls)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	bool		ok = true;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		rbac_spi_execute_plan(plan, values, nulls, false, SPI_OK_INSERT);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		if (edata->sqlerrcode != ERRCODE_UNIQUE_VIOLATION)
			ReThrowError(edata);
		FreeErrorData(edata);
		ok = false;
	}
	PG_END_TRY();
	return ok;
}

static void
pending_flush(PendingRows *p, Oid caller)
{
	static SPIPlanPtr rows_plan = NULL;
	static SPIPlanPtr bulk_plan = NULL;
	static SPIPlanPtr plain_plan = NULL;
	Oid			argtypes[PENDING_NCOLS + 2] = {TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
		TEXTARRAYOID, TEXTARRAYOID, TIMESTAMPTZARRAYOID, TEXTOID, TEXTOID};
	Datum		values[PENDING_NCOLS + 2];
	char		nulls[PENDING_NCOLS + 2];
	const char *actor = p->actor;
	int			dims[1];
	int			lbs[1] = {1};
	int			i;

	if (p->n == 0)
		return;
	dims[0] = p->n;
	for (i = 0; i < PENDING_NCOLS; i++)
	{
		values[i] = PointerGetDatum(construct_md_array(p->values[i], p->nulls[i], 1, dims, lbs,
													   i == 5 ? TIMESTAMPTZOID : TEXTOID,
													   i == 5 ? sizeof(TimestampTz) : -1,
													   i == 5 ? FLOAT8PASSBYVAL : false,
													   i == 5 ? TYPALIGN_DOUBLE : TYPALIGN_INT));
		nulls[i] = ' ';
	}
	values[6] = CStringGetTextDatum(GetUserNameFromId(caller, false));
	nulls[6] = ' ';
	values[7] = tdatum(actor);
	nulls[7] = actor ? ' ' : 'n';

	if (p->bulk)
	{
		rbac_spi_saved_plan(&plain_plan,
				   PENDING_INPUT_SQL PENDING_PLAIN_SQL PENDING_AUDIT_BULK_SQL,
				   PENDING_NCOLS + 2, argtypes);
		rbac_spi_saved_plan(&bulk_plan,
				   PENDING_INPUT_SQL PENDING_UPSERT_SQL PENDING_AUDIT_BULK_SQL,
				   PENDING_NCOLS + 2, argtypes);
		if (!pending_try_plain(plain_plan, values, nulls))
			rbac_spi_execute_plan(bulk_plan, values, nulls, false, SPI_OK_INSERT);
	}
	else
	{
		rbac_spi_saved_plan(&rows_plan,
				   PENDING_INPUT_SQL PENDING_UPSERT_SQL PENDING_AUDIT_ROWS_SQL,
				   PENDING_NCOLS + 2, argtypes);
		rbac_spi_execute_plan(rows_plan, values, nulls, false, SPI_OK_INSERT);
	}

	/* empty the frame for the next batch */
	MemoryContextReset(p->data);
	for (i = 0; i < PENDING_NCOLS; i++)
	{
		p->values[i] = NULL;
		p->nulls[i] = NULL;
	}
	p->n = 0;
	p->cap = 0;
	p->has_actor = false;
}

/*
 * Is the current actor the one the frame's buffered rows were added under?
 * (Rows are audited with it; a statement that changes the actor between
 * rows flushes first.)
 */
static bool
pending_same_actor(PendingRows *p)
{
	const char *actor = rbac_current_actor_name();

	if (!p->has_actor || p->n == 0)
		return true;
	if (actor == NULL || p->actor == NULL)
		return actor == p->actor;
	return strcmp(actor, p->actor) == 0;
}

/* Remember the current actor for the rows the frame buffers from now on. */
static void
pending_note_actor(PendingRows *p)
{
	const char *actor = rbac_current_actor_name();

	if (p->has_actor && p->n > 0)
		return;
	p->actor = actor ? MemoryContextStrdup(p->data, actor) : NULL;
	p->has_actor = true;
}

/*
 * The fast path of a row inserted or copied into rbac.role_assignments
 * while its statement's frame is open: every check that needs no SQL (types
 * and built-in or global roles from the cached model, the caller's INSERT
 * privilege on rbac.assignment) passes, and the row is buffered.  Returns
 * false, having changed nothing, when anything needs the full path (a
 * custom role, delegation, an error to report, a full buffer).
 */
static bool
fast_insert(AssignArgs *a)
{
	PendingRows *frame = pending_current();
	RbacModel  *m;
	MType	   *t;

	if (frame == NULL || frame->n + 1 >= PENDING_FLUSH_ROWS || !pending_same_actor(frame))
		return false;
	if (!OidIsValid(frame->assignment_relid))
		frame->assignment_relid = rbac_catalog_relid("assignment");
	if (pg_class_aclcheck(frame->assignment_relid, GetUserId(), ACL_INSERT) != ACLCHECK_OK)
		return false;
	m = rbac_get_model();
	t = rbac_model_type(m, a->actor.type);
	if (t == NULL || !t->is_actor)
		return false;
	a->actor.id = rbac_ref_canonical_id(t, a->actor.id, true);
	if (!rbac_row_exists(t, a->actor.id))
		return false;			/* the full path reports it */
	if (a->global)
	{
		if (!is_global_role(a->role))
			return false;
	}
	else
	{
		t = rbac_model_type(m, a->res.type);
		if (t == NULL || t->is_actor || term_kind(a->res.type, a->role) != RBAC_TERM_ROLE)
			return false;
		a->res.id = rbac_ref_canonical_id(t, a->res.id, true);
		if (!rbac_row_exists(t, a->res.id))
			return false;
	}
	pending_note_actor(frame);
	pending_add(frame, a);
	return true;
}

/*
 * The triggers of the view read its rows by position as (text, text, text,
 * timestamptz): refuse to run for any other relation (39P01), such as a
 * view of the caller's own with other column types.
 */
static void
require_role_assignments_view(TriggerData *td)
{
	if (RelationGetRelid(td->tg_relation) != rbac_catalog_relid("role_assignments"))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger function of rbac.role_assignments fired for relation \"%s\"",
						RelationGetRelationName(td->tg_relation))));
}

/*
 * INSTEAD OF INSERT/UPDATE/DELETE row trigger of rbac.role_assignments:
 * the same validation and privileges as assign_role / remove_role.
 * INSERT (and COPY) rows are validated here and written in bulk at the end
 * of the statement (see PendingRows); every valid row counts.  DELETE of
 * an assignment that does not hold returns NULL (not counted).  UPDATE
 * removes the old assignment and assigns the new one (only the expiry when
 * the rest is unchanged), audited like remove_role / assign_role.
 */
Datum
rbac_role_assignments_row(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	MemoryContext outer = CurrentMemoryContext;
	HeapTuple	result = NULL;
	RbacRunAs	sw;
	AssignArgs	oldrow;
	AssignArgs	newrow;
	bool		ins;
	bool		del;
	int			gucnest;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_INSTEAD(td->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(td->tg_event))
		rbac_not_called_as("rbac._role_assignments_row()", "an INSTEAD OF row trigger");
	require_role_assignments_view(td);
	desc = td->tg_relation->rd_att;
	ins = TRIGGER_FIRED_BY_INSERT(td->tg_event) || TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	if (ins)
		rbac_rd_lock_policy();
	del = TRIGGER_FIRED_BY_DELETE(td->tg_event) || TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
	{
		row_args(td->tg_trigtuple, desc, &oldrow);
		row_args(td->tg_newtuple, desc, &newrow);
	}
	else if (ins)
		row_args(td->tg_trigtuple, desc, &newrow);
	else
		row_args(td->tg_trigtuple, desc, &oldrow);

	/* INSERT or COPY of a valid row with a built-in role: just buffer it */
	if (ins && !del && fast_insert(&newrow))
		return PointerGetDatum(row_of(&newrow, desc, outer));

	/*
	 * Everything else runs SQL: pin search_path as the SET clause of the
	 * other functions does (this trigger function has none, to keep the
	 * path above cheap).  Unwound at the end, or by the error's abort.
	 */
	gucnest = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	SPI_connect();
	rbac_as_owner_begin(&sw);
	PG_TRY();
	{
		bool		same = false;
		bool		changed = false;
		PendingRows *frame = NULL;

		if (ins)
			validate_assignment(&sw, &newrow, ACL_INSERT, "INSERT on rbac.role_assignments");
		if (del)
			validate_assignment(&sw, &oldrow, ACL_DELETE, "DELETE on rbac.role_assignments");
		/*
		 * INSERT or COPY by a role with INSERT privilege: written in bulk at
		 * the end of the statement.  A delegated row (the actor's manage
		 * permission) is written and audited now, by name, with the actor
		 * that was authorized for it (SPEC 6.1).
		 */
		if (ins && !del && (frame = pending_current()) != NULL &&
			pg_class_aclcheck(rbac_catalog_relid("assignment"), sw.caller, ACL_INSERT) != ACLCHECK_OK)
			frame = NULL;
		if (frame != NULL)
		{
			if (!pending_same_actor(frame))
				pending_flush(frame, sw.caller);
			pending_note_actor(frame);
			pending_add(frame, &newrow);
			if (frame->n >= PENDING_FLUSH_ROWS)
			{
				frame->bulk = true;
				pending_flush(frame, sw.caller);
			}
			changed = true;
		}
		else if (ins && del)
			same = strcmp(rbac_ref_text(&oldrow.actor), rbac_ref_text(&newrow.actor)) == 0 &&
				strcmp(oldrow.role, newrow.role) == 0 &&
				oldrow.global == newrow.global &&
				(oldrow.global || strcmp(rbac_ref_text(&oldrow.res), rbac_ref_text(&newrow.res)) == 0);
		if (del && !same)
		{
			changed = delete_assignment(&oldrow, sw.caller, "remove_role");
		}
		if (ins && frame == NULL)
		{
			int			r = write_assignment(&newrow, sw.caller, "assign_role");

			if (r >= 0)
				changed = true;
		}
		if (changed)
			result = row_of(ins ? &newrow : &oldrow, desc, outer);
	}
	PG_FINALLY();
	{
		rbac_run_as_end(&sw);
	}
	PG_END_TRY();
	SPI_finish();
	AtEOXact_GUC(true, gucnest);
	return PointerGetDatum(result);
}

/*
 * BEFORE and AFTER INSERT statement triggers of rbac.role_assignments:
 * start the statement's frame of pending rows, and write it.
 */
Datum
rbac_role_assignments_stmt(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	PendingRows *frame;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_STATEMENT(td->tg_event))
		rbac_not_called_as("rbac._role_assignments_stmt()", "a statement trigger");
	require_role_assignments_view(td);
	if (TRIGGER_FIRED_BEFORE(td->tg_event))
	{
		/*
		 * Build the model now, under this function's pinned search_path:
		 * the row trigger's fast path, which has none, then only reads it.
		 */
		(void) rbac_get_model();
		pending_push();
		return PointerGetDatum(NULL);
	}
	frame = pending_current();
	if (frame == NULL)
		return PointerGetDatum(NULL);
	if (frame->n > 0)
	{
		RbacRunAs	sw;

		SPI_connect();
		rbac_as_owner_begin(&sw);
		PG_TRY();
		{
			pending_flush(frame, sw.caller);
		}
		PG_FINALLY();
		{
			rbac_run_as_end(&sw);
		}
		PG_END_TRY();
		SPI_finish();
	}
	pending_pop();
	return PointerGetDatum(NULL);
}
