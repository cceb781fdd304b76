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

/* The group and member arguments (0 and 1) of a membership function. */
static void
membership_args(FunctionCallInfo fcinfo, RbacRef *grp, RbacRef *member)
{
	*grp = rbac_ref_require(rbac_arg_text(fcinfo, 0), "group");
	*member = rbac_ref_require(rbac_arg_text(fcinfo, 1), "member");
}

/*
 * Check that group and member are actors of declared types (canonical ids)
 * and that the caller may change the group's memberships (mode on
 * rbac.membership, or delegation on the group).
 */
static void
resolve_membership(RbacRunAs *sw, RbacRef *grp, RbacRef *member, AclMode mode,
				   const char *operation)
{
	rbac_rd_resolve_ref(grp, RBAC_TYPE_ACTOR);
	rbac_rd_resolve_ref(member, RBAC_TYPE_ACTOR);
	rbac_rd_check_write_privilege(sw, "membership", mode, grp->type, grp->id,
								  operation);
}

/* The parameters $1..$4 (group type and id, member type and id). */
static void
membership_params(Datum *values, const RbacRef *grp, const RbacRef *member)
{
	values[0] = CStringGetTextDatum(grp->type);
	values[1] = CStringGetTextDatum(grp->id);
	values[2] = CStringGetTextDatum(member->type);
	values[3] = CStringGetTextDatum(member->id);
}

/*
 * Run the statement sql (parameters: membership_params) that adds or
 * removes a membership, and audit it as operation when it changed a row.
 * Returns whether it did.
 */
static bool
write_membership(Oid caller, const char *operation, const RbacRef *grp,
				 const RbacRef *member, const char *sql, int expected)
{
	Datum		values[4];
	StringInfo	detail;

	membership_params(values, grp, member);
	rbac_spi_execute(sql, 4, NULL, values, NULL, false, expected);
	if (SPI_processed == 0)
		return false;
	detail = rbac_json_begin();
	rbac_json_string(detail, "group", rbac_ref_text(grp));
	rbac_json_string(detail, "member", rbac_ref_text(member));
	rbac_audit(caller, operation, detail);
	return true;
}

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
	membership_args(fcinfo, &grp, &member);

	SPI_connect();
	RBAC_AS_OWNER_BEGIN(sw);
	{
		Datum		values[4];

		resolve_membership(&sw, &grp, &member, ACL_INSERT, "add_member");
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

		membership_params(values, &grp, &member);
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

		added = write_membership(sw.caller, "add_member", &grp, &member,
								 "INSERT INTO rbac.membership (group_type, group_id, member_type, member_id) "
								 "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
								 SPI_OK_INSERT);
	}
	RBAC_AS_OWNER_END(sw);
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

	membership_args(fcinfo, &grp, &member);

	SPI_connect();
	RBAC_AS_OWNER_BEGIN(sw);
	{
		resolve_membership(&sw, &grp, &member, ACL_DELETE, "remove_member");
		removed = write_membership(sw.caller, "remove_member", &grp, &member,
								   "DELETE FROM rbac.membership WHERE group_type = $1 AND group_id = $2 "
								   "AND member_type = $3 AND member_id = $4",
								   SPI_OK_DELETE);
	}
	RBAC_AS_OWNER_END(sw);
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
	RBAC_AS_OWNER_BEGIN(sw);
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
	RBAC_AS_OWNER_END(sw);
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
	RBAC_AS_OWNER_BEGIN(sw);
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
	RBAC_AS_OWNER_END(sw);
	SPI_finish();
	return (Datum) 0;
}
