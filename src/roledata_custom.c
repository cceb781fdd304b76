/*-------------------------------------------------------------------------
 *
 * roledata_custom.c
 *	  Custom roles of a tenant resource: rbac.create_role, drop_role, and
 *	  rbac.roles (built-in and custom roles of a type or tenant).
 *
 *-------------------------------------------------------------------------
 */
#include "actor.h"
#include "audit.h"
#include "roledata.h"
#include "util.h"

#include "funcapi.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(rbac_create_role);
PG_FUNCTION_INFO_V1(rbac_drop_role);
PG_FUNCTION_INFO_V1(rbac_roles);

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
		if (rbac_rd_term_kind(type, items[i]) != want)
		{
			Datum		values[2];
			char	  **names;
			int			nn;
			char	   *list;
			const char *closest;

			values[0] = CStringGetTextDatum(type);
			values[1] = CStringGetTextDatum(kind);
			list = rbac_rd_quoted_list("SELECT name FROM rbac.policy_term WHERE type = $1 AND kind = $2 "
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
	RBAC_AS_OWNER_BEGIN(sw);
	{
		Datum		values[4];
		int			k;
		StringInfo	detail;

		rbac_rd_resolve_ref(&tenant, RBAC_TYPE_RESOURCE);
		rbac_rd_check_write_privilege(&sw, "custom_role", ACL_INSERT, tenant.type, tenant.id,
							  "create_role");
		rbac_rd_require_row(&tenant, "tenant");
		k = rbac_rd_term_kind(tenant.type, name);
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
	RBAC_AS_OWNER_END(sw);
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
	RBAC_AS_OWNER_BEGIN(sw);
	{
		Datum		values[3];
		int64		nassigned;
		int			k;
		StringInfo	detail;

		rbac_rd_resolve_ref(&tenant, RBAC_TYPE_RESOURCE);
		rbac_rd_check_write_privilege(&sw, "custom_role", ACL_DELETE, tenant.type, tenant.id,
							  "drop_role");
		values[0] = CStringGetTextDatum(tenant.type);
		values[1] = CStringGetTextDatum(tenant.id);
		values[2] = CStringGetTextDatum(name);

		/* Lock the role row: nobody assigns it while we count. */
		rbac_spi_execute("SELECT 1 FROM rbac.custom_role WHERE tenant_type = $1 AND tenant_id = $2 "
				"AND name = $3 FOR UPDATE", 3, NULL, values, NULL, false, SPI_OK_SELECT);
		if (SPI_processed == 0)
		{
			k = rbac_rd_term_kind(tenant.type, name);
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("custom role \"%s\" does not exist on %s", name, rbac_ref_text(&tenant)),
					 k == RBAC_TERM_ROLE ? errdetail("\"%s\" is a built-in role of %s; built-in roles change with the policy.",
										  name, tenant.type) : 0));
		}
		rbac_spi_execute("SELECT pg_catalog.count(*) FROM rbac.assignment "
				"WHERE resource_type = $1 AND resource_id = $2 AND role = $3",
				3, NULL, values, NULL, false, SPI_OK_SELECT);
		nassigned = rbac_rd_spi_int64(1);
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
	RBAC_AS_OWNER_END(sw);
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
	RBAC_AS_OWNER_BEGIN(sw);
	{
		Datum		values[2];
		char		nulls[2] = {' ', ' '};

		if (ref.id)
			rbac_rd_resolve_ref(&ref, RBAC_TYPE_RESOURCE);
		else
			(void) rbac_ref_require_type(rbac_get_model(), ref.type, RBAC_TYPE_ANY);
		values[0] = CStringGetTextDatum(ref.type);
		values[1] = rbac_rd_text_datum(ref.id);

		/*
		 * A tenant's custom roles are its own business (like the
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
		rbac_rd_spi_to_tuplestore(rsinfo);
	}
	RBAC_AS_OWNER_END(sw);
	SPI_finish();
	return (Datum) 0;
}
