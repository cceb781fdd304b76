/*-------------------------------------------------------------------------
 *
 * roledata_assign.c
 *	  Role assignments: rbac.assign_role, rbac.remove_role,
 *	  rbac.assignments, and the statements that write an assignment and its
 *	  audit row together (also used by the view, roledata_view.c).
 *
 *-------------------------------------------------------------------------
 */
#include "actor.h"
#include "roledata.h"
#include "util.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(rbac_assign_role);
PG_FUNCTION_INFO_V1(rbac_remove_role);
PG_FUNCTION_INFO_V1(rbac_assignments);

/* ----------------------------------------------------------------------
 * Assignments
 * ----------------------------------------------------------------------
 */

/* Parse the text arguments of an assignment (no SPI needed). */
void
rbac_rd_parse_assignment(AssignArgs *a, const char *actor, const char *role,
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
void
rbac_rd_validate_assignment(RbacRunAs *sw, AssignArgs *a, AclMode mode,
					const char *operation)
{
	rbac_rd_resolve_ref(&a->actor, RBAC_TYPE_ACTOR);
	if (!a->global)
		rbac_rd_resolve_ref(&a->res, RBAC_TYPE_RESOURCE);
	rbac_rd_check_write_privilege(sw, "assignment", mode,
						  a->global ? NULL : a->res.type,
						  a->global ? NULL : a->res.id, operation);
	/* after the privilege check: nobody learns which rows exist by asking */
	if (mode == ACL_INSERT)
	{
		rbac_rd_require_row(&a->actor, "actor");
		if (!a->global)
			rbac_rd_require_row(&a->res, "resource");
	}
	rbac_rd_validate_role(a->role, a->global ? NULL : &a->res);
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
	values[7] = rbac_rd_text_datum(actor);
	if (!actor)
		nulls[7] = 'n';
}

/*
 * Insert or update an assignment and audit the change, in one saved
 * statement.  Returns 1 when inserted, 0 when the expiry was updated, -1
 * when it already held with the same expiry (nothing written, no audit).
 */
int
rbac_rd_write_assignment(AssignArgs *a, Oid caller, const char *operation)
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
	return rbac_rd_spi_bool(1) ? 1 : 0;
}

/*
 * Delete an assignment and audit it, in one saved statement.  Returns
 * whether it was held.
 */
bool
rbac_rd_delete_assignment(AssignArgs *a, Oid caller, const char *operation)
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
	rbac_rd_parse_assignment(&a, rbac_arg_text(fcinfo, 0), rbac_arg_text(fcinfo, 1),
					  rbac_arg_text(fcinfo, 2));
	if (!PG_ARGISNULL(3))
	{
		a.expires_at = PG_GETARG_DATUM(3);
		a.expires_null = false;
	}

	SPI_connect();
	RBAC_AS_OWNER_BEGIN(sw);
	{
		rbac_rd_validate_assignment(&sw, &a, ACL_INSERT, "assign_role");
		r = rbac_rd_write_assignment(&a, sw.caller, "assign_role");
	}
	RBAC_AS_OWNER_END(sw);
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

	rbac_rd_parse_assignment(&a, rbac_arg_text(fcinfo, 0), rbac_arg_text(fcinfo, 1),
					  rbac_arg_text(fcinfo, 2));
	SPI_connect();
	RBAC_AS_OWNER_BEGIN(sw);
	{
		rbac_rd_validate_assignment(&sw, &a, ACL_DELETE, "remove_role");
		held = rbac_rd_delete_assignment(&a, sw.caller, "remove_role");
	}
	RBAC_AS_OWNER_END(sw);
	SPI_finish();
	PG_RETURN_BOOL(held);
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
	RBAC_AS_OWNER_BEGIN(sw);
	{
		bool		filtered;

		if (actor)
			rbac_rd_resolve_ref(&aref, RBAC_TYPE_ACTOR);
		if (resource)
			rbac_rd_resolve_ref(&rref, RBAC_TYPE_RESOURCE);

		/*
		 * A caller without SELECT on the catalog sees the current
		 * actor's own assignments and those on resources the actor may
		 * manage, nothing without an actor.
		 */
		filtered = pg_class_aclcheck(rbac_catalog_relid("assignment"), sw.caller, ACL_SELECT) != ACLCHECK_OK &&
			!(actor && rbac_rd_is_current_actor(&aref)) &&
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
			rbac_rd_spi_to_tuplestore_visible(rsinfo);
		else
			rbac_rd_spi_to_tuplestore(rsinfo);
	}
	RBAC_AS_OWNER_END(sw);
	SPI_finish();
	return (Datum) 0;
}
