/*-------------------------------------------------------------------------
 *
 * roledata_groups.c
 *	  Group memberships: rbac.add_member (refusing cycles), remove_member,
 *	  members, groups_of.
 *
 *-------------------------------------------------------------------------
 */
#include "actor.h"
#include "audit.h"
#include "roledata.h"
#include "util.h"

#include "funcapi.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(rbac_add_member);
PG_FUNCTION_INFO_V1(rbac_remove_member);
PG_FUNCTION_INFO_V1(rbac_members);
PG_FUNCTION_INFO_V1(rbac_groups_of);

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

		rbac_rd_resolve_ref(&grp, RBAC_TYPE_ACTOR);
		rbac_rd_resolve_ref(&member, RBAC_TYPE_ACTOR);
		rbac_rd_check_write_privilege(&sw, "membership", ACL_INSERT, grp.type, grp.id,
							  "add_member");
		rbac_rd_require_row(&grp, "group");
		rbac_rd_require_row(&member, "member");

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
		if (rbac_rd_spi_bool(1))
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

		rbac_rd_resolve_ref(&grp, RBAC_TYPE_ACTOR);
		rbac_rd_resolve_ref(&member, RBAC_TYPE_ACTOR);
		rbac_rd_check_write_privilege(&sw, "membership", ACL_DELETE, grp.type, grp.id,
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

		rbac_rd_resolve_ref(&grp, RBAC_TYPE_ACTOR);
		rbac_rd_check_read_privilege(&sw, "membership", false, &grp, "members");
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
		rbac_rd_spi_to_tuplestore(rsinfo);
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

		rbac_rd_resolve_ref(&actor, RBAC_TYPE_ACTOR);
		rbac_rd_check_read_privilege(&sw, "membership", rbac_rd_is_current_actor(&actor), NULL,
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
		rbac_rd_spi_to_tuplestore(rsinfo);
	}
	PG_FINALLY();
	{
		rbac_run_as_end(&sw);
	}
	PG_END_TRY();
	SPI_finish();
	return (Datum) 0;
}
