/*-------------------------------------------------------------------------
 *
 * lookup.c
 *	  Plan-free probes of the role-data catalogs for the check engine:
 *	  direct btree index scans (systable_beginscan) on rbac.assignment,
 *	  rbac.membership and rbac.custom_role, in the caller's snapshot.
 *
 * A check costs a handful of these probes.  Going through SPI instead
 * would mean either re-planning every call (custom plans) or generic plans
 * whose estimates for array parameters choose sequential scans; a direct
 * index probe is a few microseconds and always the right plan.  This is
 * how PostgreSQL reads its own catalogs and how Citus reads its metadata.
 *
 * The relations and indexes are found by name in schema rbac when the model
 * is built (model.c); their OIDs change only with DROP/CREATE EXTENSION,
 * which invalidates the model.
 *
 *-------------------------------------------------------------------------
 */
#include "lookup.h"
#include "horizon.h"
#include "rowcache.h"

#include "access/genam.h"
#include "access/relscan.h"
#include "access/tableam.h"
#include "executor/tuptable.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

/* OID of a relation of schema rbac, or an error naming it. */
static Oid
rbac_relid(Oid nsp, const char *name)
{
	Oid			relid = get_relname_relid(name, nsp);

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("pg_rbac catalog \"rbac.%s\" is missing", name),
				 errhint("Reinstall the extension.")));
	return relid;
}

/* Column number of a catalog column, or an error naming it. */
static AttrNumber
column(Oid relid, const char *name)
{
	AttrNumber	att = get_attnum(relid, name);

	if (att == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("pg_rbac catalog \"%s\" has no column \"%s\"",
						get_rel_name(relid), name),
				 errhint("Reinstall the extension.")));
	return att;
}

/* Resolve the catalog relations, indexes and columns the probes use. */
void
rbac_lookup_init(RbacCatalogs *c)
{
	Oid			nsp = get_namespace_oid("rbac", false);

	c->assignment = rbac_relid(nsp, "assignment");
	c->assignment_key = rbac_relid(nsp, "assignment_key");
	c->membership = rbac_relid(nsp, "membership");
	c->membership_pkey = rbac_relid(nsp, "membership_pkey");
	c->custom_role = rbac_relid(nsp, "custom_role");
	c->custom_role_pkey = rbac_relid(nsp, "custom_role_pkey");
	c->assignment_actor_idx = rbac_relid(nsp, "assignment_actor_idx");
	c->horizon = rbac_horizon_relid();

	c->asg_actor_type = column(c->assignment, "actor_type");
	c->asg_actor_id = column(c->assignment, "actor_id");
	c->asg_role = column(c->assignment, "role");
	c->asg_resource_type = column(c->assignment, "resource_type");
	c->asg_resource_id = column(c->assignment, "resource_id");
	c->asg_expires_at = column(c->assignment, "expires_at");
	c->mem_group_type = column(c->membership, "group_type");
	c->mem_group_id = column(c->membership, "group_id");
	c->mem_member_type = column(c->membership, "member_type");
	c->mem_member_id = column(c->membership, "member_id");
	c->cr_tenant_type = column(c->custom_role, "tenant_type");
	c->cr_tenant_id = column(c->custom_role, "tenant_id");
	c->cr_name = column(c->custom_role, "name");
	c->cr_permissions = column(c->custom_role, "permissions");
	c->cr_implies = column(c->custom_role, "implies");
}

/* Initialize scan key n as "column attno = text value". */
static void
text_key(ScanKey keys, int n, AttrNumber attno, const char *value)
{
	ScanKeyInit(&keys[n], attno, BTEqualStrategyNumber, F_TEXTEQ,
				CStringGetTextDatum(value));
}

/* Initialize scan key n as "column attno IS NULL". */
static void
null_key(ScanKey keys, int n, AttrNumber attno)
{
	ScanKeyEntryInitialize(&keys[n], SK_ISNULL | SK_SEARCHNULL, attno,
						   InvalidStrategy, InvalidOid, InvalidOid,
						   InvalidOid, (Datum) 0);
}

/* Open one catalog and its index for the probes of an evaluation. */
static void
open_probe(RbacProbeRel *r, Oid relid, Oid indexid)
{
	if (r->rel != NULL)
		return;
	r->rel = table_open(relid, AccessShareLock);
	r->index = index_open(indexid, AccessShareLock);
	r->slot = table_slot_create(r->rel, NULL);
}

/*
 * Close what open_probe opened, releasing its lock (lockmode
 * AccessShareLock) or keeping it to the end of the transaction (NoLock).
 */
static void
close_probe(RbacProbeRel *r, LOCKMODE lockmode)
{
	if (r->rel == NULL)
		return;
	if (r->scan != NULL)
		index_endscan(r->scan);
	r->scan = NULL;
	ExecDropSingleTupleTableSlot(r->slot);
	index_close(r->index, lockmode);
	table_close(r->rel, lockmode);
	r->rel = NULL;
}

/* Start a set of probes (the relations are opened on first use). */
void
rbac_probe_begin(RbacProbe *p, RbacCatalogs *c)
{
	memset(p, 0, sizeof(RbacProbe));
	p->c = c;
	p->expiry_min = DT_NOEND;
}

/* End a set of probes, closing the relations. */
void
rbac_probe_end(RbacProbe *p)
{
	int			i;

	/*
	 * The catalogs' locks stay to the end of the transaction, as a query's
	 * do: the next evaluation of the transaction (a generated policy
	 * checking row after row) finds them held instead of locking again and
	 * processing invalidation messages each time.  Nothing but an upgrade
	 * of the extension locks them more strongly.  The bound tables' are
	 * released: rbac.load_policy replaces their policies (an exclusive
	 * lock) while holding rbac.policy, which a transaction writing role
	 * data after a check would wait for: a deadlock.
	 */
	close_probe(&p->assignment, NoLock);
	close_probe(&p->membership, NoLock);
	close_probe(&p->custom_role, NoLock);
	close_probe(&p->by_actor, NoLock);
	for (i = 0; i < RBAC_PROBE_ROWS; i++)
		close_probe(&p->rows[i], AccessShareLock);
}

/*
 * Position r's index scan on keys (index column numbers): the scan of the
 * previous probe, rescanned, when it had as many keys and the snapshot is
 * the same; the pins it still holds are released by the rescan.
 */
static IndexScanDesc
rescan(RbacProbeRel *r, ScanKey keys, int nkeys)
{
	Snapshot	snap = GetActiveSnapshot();

	if (r->scan != NULL && (r->scan_nkeys != nkeys || r->scan->xs_snapshot != snap))
	{
		index_endscan(r->scan);
		r->scan = NULL;
	}
	if (r->scan == NULL)
	{
		r->scan = index_beginscan(r->rel, r->index, snap, nkeys, 0);
		r->scan_nkeys = nkeys;
	}
	index_rescan(r->scan, keys, nkeys, NULL, 0);
	return r->scan;
}

/*
 * Begin an index scan with keys given in heap column numbers (mapped here
 * to the index's columns, as systable_beginscan does).
 */
static IndexScanDesc
begin_scan(RbacProbeRel *r, ScanKey keys, int nkeys)
{
	int			i,
				j;

	for (i = 0; i < nkeys; i++)
	{
		for (j = 0; j < IndexRelationGetNumberOfKeyAttributes(r->index); j++)
			if (keys[i].sk_attno == r->index->rd_index->indkey.values[j])
			{
				/*
				 * Compare in the index's collation: the tree is sorted by
				 * it, and the "C" order ScanKeyInit assumes would descend
				 * to the wrong leaf in a database whose default collation
				 * is not "C" (ICU, en_US).
				 */
				keys[i].sk_attno = j + 1;
				if (!(keys[i].sk_flags & SK_ISNULL))
					keys[i].sk_collation = r->index->rd_indcollation[j];
				break;
			}
		if (j == IndexRelationGetNumberOfKeyAttributes(r->index))
			elog(ERROR, "column %d is not in index \"%s\"", keys[i].sk_attno,
				 RelationGetRelationName(r->index));
	}
	return rescan(r, keys, nkeys);
}

/* Text column attno of the slot's tuple as a C string, or NULL. */
static char *
slot_text(TupleTableSlot *slot, AttrNumber attno)
{
	bool		isnull;
	Datum		d = slot_getattr(slot, attno, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/*
 * Has the assignment in slot expired (expires_at attribute att) by now?
 * The expiry of one that has not lowers p->expiry_min.
 */
static bool
expired(RbacProbe *p, TupleTableSlot *slot, AttrNumber att, TimestampTz now)
{
	bool		isnull;
	Datum		exp = slot_getattr(slot, att, &isnull);

	if (isnull)
		return false;
	if (DatumGetTimestampTz(exp) <= now)
		return true;
	p->expiry_min = Min(p->expiry_min, DatumGetTimestampTz(exp));
	return false;
}

/*
 * The unexpired roles assigned to actor (atype, aid) on resource (rtype,
 * rid), or globally when rtype is NULL.  Calls fn for each.
 */
void
rbac_lookup_roles(RbacProbe *p, const char *rtype, const char *rid,
				  const char *atype, const char *aid,
				  void (*fn) (void *arg, const char *role), void *arg)
{
	RbacCatalogs *c = p->c;
	ScanKeyData keys[4];
	IndexScanDesc scan;
	TimestampTz now = GetCurrentTransactionStartTimestamp();

	open_probe(&p->assignment, c->assignment, c->assignment_key);
	if (rtype)
	{
		text_key(keys, 0, c->asg_resource_type, rtype);
		text_key(keys, 1, c->asg_resource_id, rid);
	}
	else
	{
		null_key(keys, 0, c->asg_resource_type);
		null_key(keys, 1, c->asg_resource_id);
	}
	text_key(keys, 2, c->asg_actor_type, atype);
	text_key(keys, 3, c->asg_actor_id, aid);
	scan = begin_scan(&p->assignment, keys, 4);
	while (index_getnext_slot(scan, ForwardScanDirection, p->assignment.slot))
	{
		if (expired(p, p->assignment.slot, c->asg_expires_at, now))
			continue;
		fn(arg, slot_text(p->assignment.slot, c->asg_role));
	}
	/* the scan stays open for the next probe */
}

/*
 * Every unexpired assignment on resource (rtype, rid), whatever the actor:
 * fn(role, actor type, actor id) for each.  For an actor in many groups,
 * one prefix scan of the resource beats one probe per group.
 */
void
rbac_lookup_resource_roles(RbacProbe *p, const char *rtype, const char *rid,
						   void (*fn) (void *arg, const char *role,
									   const char *atype, const char *aid),
						   void *arg)
{
	RbacCatalogs *c = p->c;
	ScanKeyData keys[2];
	IndexScanDesc scan;
	TimestampTz now = GetCurrentTransactionStartTimestamp();

	open_probe(&p->assignment, c->assignment, c->assignment_key);
	text_key(keys, 0, c->asg_resource_type, rtype);
	text_key(keys, 1, c->asg_resource_id, rid);
	scan = begin_scan(&p->assignment, keys, 2);
	while (index_getnext_slot(scan, ForwardScanDirection, p->assignment.slot))
	{
		if (expired(p, p->assignment.slot, c->asg_expires_at, now))
			continue;
		fn(arg, slot_text(p->assignment.slot, c->asg_role),
		   slot_text(p->assignment.slot, c->asg_actor_type),
		   slot_text(p->assignment.slot, c->asg_actor_id));
	}
	/* the scan stays open for the next probe */
}

/*
 * Every unexpired assignment of actor (atype, aid), on resources of type
 * rtype, or on any resource and global ones (NULL resource type and id)
 * when rtype is NULL: fn(role, resource type, resource id) for each, in
 * one range scan, until fn returns false.
 */
void
rbac_lookup_actor_roles(RbacProbe *p, const char *atype, const char *aid,
						const char *rtype,
						bool (*fn) (void *arg, const char *role,
									const char *rtype, const char *rid),
						void *arg)
{
	RbacCatalogs *c = p->c;
	ScanKeyData keys[3];
	IndexScanDesc scan;
	TimestampTz now = GetCurrentTransactionStartTimestamp();
	TupleTableSlot *slot;

	open_probe(&p->by_actor, c->assignment, c->assignment_actor_idx);
	slot = p->by_actor.slot;
	text_key(keys, 0, c->asg_actor_type, atype);
	text_key(keys, 1, c->asg_actor_id, aid);
	if (rtype)
		text_key(keys, 2, c->asg_resource_type, rtype);
	scan = begin_scan(&p->by_actor, keys, rtype ? 3 : 2);
	while (index_getnext_slot(scan, ForwardScanDirection, slot))
	{
		if (!expired(p, slot, c->asg_expires_at, now) &&
			!fn(arg, slot_text(slot, c->asg_role),
				slot_text(slot, c->asg_resource_type),
				slot_text(slot, c->asg_resource_id)))
			break;
	}
	/* the scan stays open for the next probe */
}

/* The groups that (mtype, mid) is a direct member of; fn for each. */
void
rbac_lookup_groups(RbacProbe *p, const char *mtype, const char *mid,
				   void (*fn) (void *arg, const char *gtype, const char *gid),
				   void *arg)
{
	RbacCatalogs *c = p->c;
	ScanKeyData keys[2];
	IndexScanDesc scan;

	open_probe(&p->membership, c->membership, c->membership_pkey);
	text_key(keys, 0, c->mem_member_type, mtype);
	text_key(keys, 1, c->mem_member_id, mid);
	scan = begin_scan(&p->membership, keys, 2);
	while (index_getnext_slot(scan, ForwardScanDirection, p->membership.slot))
		fn(arg, slot_text(p->membership.slot, c->mem_group_type),
		   slot_text(p->membership.slot, c->mem_group_id));
	/* the scan stays open for the next probe */
}

/* Deconstruct a text[] column into C strings. */
static void
text_array_column(TupleTableSlot *slot, AttrNumber attno, char ***out, int *n)
{
	bool		isnull;
	Datum		d = slot_getattr(slot, attno, &isnull);
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	int			i;

	*out = NULL;
	*n = 0;
	if (isnull)
		return;
	deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &nelems);
	*out = palloc(sizeof(char *) * (nelems + 1));
	for (i = 0; i < nelems; i++)
		if (!nulls[i])
			(*out)[(*n)++] = TextDatumGetCString(elems[i]);
}

/*
 * The custom role name of tenant (ttype, tid): its permissions and implied
 * roles.  Returns false when there is no such custom role.
 */
bool
rbac_lookup_custom_role(RbacProbe *p, const char *ttype, const char *tid,
						const char *name, char ***perms, int *nperms,
						char ***implies, int *nimplies)
{
	RbacCatalogs *c = p->c;
	ScanKeyData keys[3];
	IndexScanDesc scan;
	bool		found = false;

	open_probe(&p->custom_role, c->custom_role, c->custom_role_pkey);
	text_key(keys, 0, c->cr_tenant_type, ttype);
	text_key(keys, 1, c->cr_tenant_id, tid);
	text_key(keys, 2, c->cr_name, name);
	scan = begin_scan(&p->custom_role, keys, 3);
	if (index_getnext_slot(scan, ForwardScanDirection, p->custom_role.slot))
	{
		found = true;
		text_array_column(p->custom_role.slot, c->cr_permissions, perms, nperms);
		text_array_column(p->custom_role.slot, c->cr_implies, implies, nimplies);
	}
	/* the scan stays open for the next probe */
	return found;
}

/*
 * Is there a custom role on any resource of type ttype?  (Generated
 * policies match a row's own key against the actor's direct grants only
 * when a type's roles or custom roles can grant anything on it.)
 */
bool
rbac_lookup_type_has_custom_role(RbacProbe *p, const char *ttype)
{
	RbacCatalogs *c = p->c;
	ScanKeyData keys[1];
	IndexScanDesc scan;
	bool		found;

	open_probe(&p->custom_role, c->custom_role, c->custom_role_pkey);
	text_key(keys, 0, c->cr_tenant_type, ttype);
	scan = begin_scan(&p->custom_role, keys, 1);
	found = index_getnext_slot(scan, ForwardScanDirection, p->custom_role.slot);
	/* the scan stays open for the next probe */
	return found;
}

/*
 * Fetch the row whose key equals key through a btree index on the key
 * column, and the text form of the given columns.  Returns false when there
 * is no such row.  Reads the table directly: the caller's row-level
 * security and privileges on it do not apply to the engine's lookups.
 * With a probe, the table stays open in it for the next row (until
 * rbac_probe_end); without, it is closed at once.
 */
bool
rbac_fetch_row(RbacProbe *p, Oid relid, Oid indexid, RegProcedure eqproc,
			   Oid collation, Datum key, int ncols, const AttrNumber *attnums,
			   FmgrInfo *outfuncs, char **values)
{
	RbacProbeRel local = {0};
	RbacProbeRel *r = &local;
	ScanKeyData skey;
	IndexScanDesc scan;
	RbacRowKey	rk;
	bool		found;
	int			i;

	for (i = 0; p != NULL && i < RBAC_PROBE_ROWS; i++)
		if (p->rows[i].rel == NULL || RelationGetRelid(p->rows[i].index) == indexid)
		{
			r = &p->rows[i];
			break;
		}
	open_probe(r, relid, indexid);
	if (p != NULL && rbac_rowcache_get(r->rel, r->index, key, ncols, attnums, values, &rk))
		return true;
	ScanKeyEntryInitialize(&skey, 0, 1, BTEqualStrategyNumber, InvalidOid,
						   collation, eqproc, key);
	scan = rescan(r, &skey, 1);
	found = index_getnext_slot(scan, ForwardScanDirection, r->slot);
	if (found)
	{
		for (i = 0; i < ncols; i++)
		{
			bool		isnull;
			Datum		d;

			values[i] = NULL;
			if (attnums[i] == InvalidAttrNumber)
				continue;
			d = slot_getattr(r->slot, attnums[i], &isnull);
			if (!isnull)
				values[i] = OutputFunctionCall(&outfuncs[i], d);
		}
		if (p != NULL)
			rbac_rowcache_put(r->rel, r->index, &rk, ncols, attnums, r->slot, values);
	}
	if (r == &local)
		close_probe(r, AccessShareLock);
	return found;
}
