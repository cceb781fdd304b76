/*-------------------------------------------------------------------------
 *
 * roledata.c
 *	  Role data: what the writers of assignments
 *	  (roledata_assign.c), memberships (roledata_groups.c), custom roles
 *	  (roledata_custom.c) and the writable view (roledata_view.c) share:
 *	  delegation, the policy lock, the caller's privileges, validation of
 *	  references and roles with hints, and SPI result helpers.
 *
 * Every write function is a plain C function (not SECURITY DEFINER).  It
 * validates its arguments against the loaded policy, then checks that the
 * CALLER may write: INSERT (adds) or DELETE (removes) privilege on the
 * catalog table concerned, or the delegated path rbac_may_manage() for the
 * current actor.  The writes themselves run through SPI as the owner of the
 * catalogs (the extension owner, run_as.c), so a delegated caller needs no
 * table privilege.  Validation reads the check engine's cached model (no
 * SQL); hot statements use saved plans, and a write and its audit row are
 * one statement.  Ids are stored in their canonical form (refs.c).
 *
 * These functions run with SET search_path = pg_catalog, pg_temp (the
 * view's row trigger pins it itself): their SQL writes plain operators.
 *
 *-------------------------------------------------------------------------
 */
#include "actor.h"
#include "eval.h"
#include "integrity.h"
#include "pg_rbac.h"
#include "roledata.h"
#include "util.h"

#include "access/heapam.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"

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
 * Delegated end-user administration (docs/sql-api.md): the current actor holds the
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
	term = rbac_model_term(m, resource_type, perm, &t);
	if (term < 0 || t->ast->terms[term].kind != RBAC_TERM_PERMISSION)
		return false;
	return rbac_check(actor, perm, psprintf("%s:%s", resource_type, resource_id));
}

/*
 * rbac._may_see(actor_type, actor_id, resource_type, resource_id) ->
 * boolean: is the assignment the current actor's own, or on a resource it
 * may manage?  What the view rbac.role_assignments shows a caller without
 * SELECT on the catalog.
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
void
rbac_rd_check_write_privilege(RbacRunAs *sw, const char *relname, AclMode mode,
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
Datum
rbac_rd_text_datum(const char *s)
{
	return s ? CStringGetTextDatum(s) : (Datum) 0;
}

/* Column n of row i of the last SPI result as a C string, or NULL. */
char *
rbac_rd_spi_text(uint64 i, int n)
{
	return SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, n);
}

/* Column n of the first row of the last SPI result as a bool (NULL false). */
bool
rbac_rd_spi_bool(int n)
{
	bool		isnull;
	Datum		d;

	if (SPI_processed == 0)
		return false;
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, n, &isnull);
	return isnull ? false : DatumGetBool(d);
}

/* Column n of the first row of the last SPI result as an int64. */
int64
rbac_rd_spi_int64(int n)
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
void
rbac_rd_resolve_ref(RbacRef *ref, RbacTypeKind kind)
{
	MType	   *t = rbac_ref_require_type(rbac_get_model(), ref->type, kind);

	ref->id = rbac_ref_canonical_id(t, ref->id, true);
}

/* 23503 unless the (resolved) reference names an existing row, if bound. */
void
rbac_rd_require_row(const RbacRef *ref, const char *what)
{
	rbac_require_row(rbac_model_type(rbac_get_model(), ref->type), ref->id, what);
}

/*
 * The RbacTermKind of term name of type, or -1 when the type does not
 * declare it.  From the cached model.
 */
int
rbac_rd_term_kind(const char *type, const char *name)
{
	MType	   *t;
	int			i = rbac_model_term(rbac_get_model(), type, name, &t);

	return i < 0 ? -1 : t->ast->terms[i].kind;
}

/* Does the policy declare global role name? */
bool
rbac_rd_is_global_role(const char *name)
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
char *
rbac_rd_quoted_list(const char *sql, int nargs, Datum *values, const char *nulls,
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
		names[i] = rbac_rd_spi_text(i, 1);
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
	others = rbac_rd_quoted_list("SELECT type FROM rbac.policy_term WHERE name = $1 AND kind = 'role' "
						 "ORDER BY type COLLATE \"C\"", 1, values, NULL, NULL, &n, false);
	if (n == 0)
		others = NULL;

	if (res == NULL)
	{
		list = rbac_rd_quoted_list("SELECT name FROM rbac.policy_global_role ORDER BY name COLLATE \"C\"",
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
	list = rbac_rd_quoted_list("SELECT name FROM ("
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
			 : (kind < 0 && rbac_rd_is_global_role(role))
			 ? errdetail("\"%s\" is a global role; assign it with no resource.", role) : 0,
			 n == 0 ? errhint("%s:%s has no assignable roles.", res->type, res->id)
			 : closest ? errhint("Did you mean \"%s\"? Valid roles for %s:%s are %s.",
								 closest, res->type, res->id, list)
			 : errhint("Valid roles for %s:%s are %s.", res->type, res->id, list)));
}

/* Check that role is assignable on res (NULL: global role). */
void
rbac_rd_validate_role(const char *role, const RbacRef *res)
{
	int			kind;

	if (res == NULL)
	{
		if (!rbac_rd_is_global_role(role))
			unknown_role(role, NULL, -1);
		return;
	}
	kind = rbac_rd_term_kind(res->type, role);
	if (kind == RBAC_TERM_ROLE)
		return;
	if (kind < 0 && custom_role_exists(res->type, res->id, role))
		return;
	unknown_role(role, res, kind);
}

/* Copy every row of the last SPI result into the SRF's tuplestore. */
void
rbac_rd_spi_to_tuplestore(ReturnSetInfo *rsinfo)
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
void
rbac_rd_spi_to_tuplestore_visible(ReturnSetInfo *rsinfo)
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
bool
rbac_rd_is_current_actor(const RbacRef *ref)
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
void
rbac_rd_check_read_privilege(RbacRunAs *sw, const char *relname, bool self,
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
