/*-------------------------------------------------------------------------
 *
 * horizon.c
 *	  The role-data write horizon: the newest transaction that wrote role
 *	  data, which lets a backend keep an actor's expansion across
 *	  snapshots and transactions and still see every change exactly.
 *
 * rbac.role_data_horizon is a sequence used as a shared, non-transactional
 * register of a 64-bit transaction id (epoch and xid: no wraparound).  A
 * statement trigger (BEFORE, on INSERT, UPDATE, DELETE and
 * TRUNCATE, enabled ALWAYS so that it also fires for replicated changes)
 * on rbac.assignment and rbac.membership raises it to the writing
 * transaction's top-level id before any row is written, so it is at least
 * the id of every transaction that ever wrote role data, committed or not.
 *
 * An expansion read under snapshot A is exactly what snapshot B would
 * read if every such transaction precedes both snapshots' xmin: each one
 * had ended before either snapshot was taken, so both see it alike
 * (committed: in both; rolled back: in neither).  A transaction that
 * writes after A was taken raises the register to its own id, which is at
 * least A's xmin, before it can commit.  The register is read after B was
 * taken, so a writer that B sees has raised it already.  The reasoning
 * holds whichever of A and B is older (a REPEATABLE READ transaction's
 * snapshot, an exported one).
 *
 * Not used: in recovery (a standby replays writes without the trigger),
 * under SERIALIZABLE (reads must take their predicate locks), in parallel
 * mode, and when the extension's objects are missing (an upgrade not yet
 * run).  Whoever disables the trigger (the extension's owner, a superuser
 * with session_replication_role set and the trigger not ALWAYS) writes
 * role data that sessions may not see until they reconnect: documented
 * in docs/operations.md.
 *
 *-------------------------------------------------------------------------
 */
#include "horizon.h"
#include "run_as.h"
#include "util.h"

#include "access/htup_details.h"
#include "access/parallel.h"
#include "access/relation.h"
#include "access/transam.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "commands/sequence.h"
#include "commands/trigger.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(rbac_note_role_write);

/* OID of the sequence rbac.role_data_horizon, or InvalidOid. */
Oid
rbac_horizon_relid(void)
{
	Oid			nsp = get_namespace_oid("rbac", true);

	return OidIsValid(nsp) ? get_relname_relid("role_data_horizon", nsp) : InvalidOid;
}

/*
 * Where the register was last read: the sequence, its file and the buffer
 * that held its page.  A later read pins that buffer again when it still
 * holds the page (ReadRecentBuffer checks the buffer's tag), without
 * opening the sequence, locking it or looking the page up: what each
 * transaction that keeps an actor's expansion pays.  A relcache
 * invalidation of the sequence (ALTER, DROP, a new file) forgets it; a
 * file replaced without one could only be read while its buffers are
 * still valid, and they are dropped when the replacement commits.
 */
static Oid	recent_seq = InvalidOid;
static RelFileNode recent_node;
static Buffer recent_buffer = InvalidBuffer;

/* Relcache invalidation: forget where the register was read. */
static void
horizon_relcache_cb(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == recent_seq)
		recent_seq = InvalidOid;
}

/* Register the callback (from _PG_init). */
void
rbac_horizon_init(void)
{
	CacheRegisterRelcacheCallback(horizon_relcache_cb, (Datum) 0);
}

/*
 * The value of the sequence page in buf, pinned: the register, read as
 * pg_sequence_last_value does, without its privilege check and user
 * switch (the sequence is private).  The tuple is written in place under
 * the buffer's exclusive lock, so the share lock reads it whole.  Releases
 * buf.
 */
static uint64
page_value(Buffer buf)
{
	Page		page;
	uint64		v = 0;
	bool		ok;

	LockBuffer(buf, BUFFER_LOCK_SHARE);
	page = BufferGetPage(buf);
	ok = PageGetMaxOffsetNumber(page) >= FirstOffsetNumber &&
		ItemIdIsNormal(PageGetItemId(page, FirstOffsetNumber));
	if (ok)
	{
		HeapTupleHeader tup = (HeapTupleHeader) PageGetItem(page, PageGetItemId(page, FirstOffsetNumber));
		Form_pg_sequence_data d = (Form_pg_sequence_data) ((char *) tup + tup->t_hoff);

		if (d->is_called)
			v = (uint64) d->last_value;
	}
	UnlockReleaseBuffer(buf);
	if (!ok)
		elog(ERROR, "sequence rbac.role_data_horizon has no tuple");
	return v;
}

/*
 * The register's value, a 64-bit transaction id (0: never set): from the
 * buffer it was last read in when that still holds the page, else opening
 * the sequence.
 */
static uint64
horizon_read(Oid seq)
{
	Relation	rel;
	Buffer		buf;

	if (seq == recent_seq &&
		ReadRecentBuffer(recent_node, MAIN_FORKNUM, 0, recent_buffer))
		return page_value(recent_buffer);
	rel = relation_open(seq, AccessShareLock);
	if (rel->rd_rel->relkind != RELKIND_SEQUENCE || RelationUsesLocalBuffers(rel))
		elog(ERROR, "\"%s\" is not a shared sequence", RelationGetRelationName(rel));
	buf = ReadBuffer(rel, 0);
	recent_seq = seq;
	recent_node = rel->rd_node;
	recent_buffer = buf;
	relation_close(rel, NoLock);
	return page_value(buf);
}

/*
 * The 64-bit id of xid, a snapshot's xmin (so within 2^31 of the next id
 * to assign, and not after it).
 */
uint64
rbac_horizon_full_xid(TransactionId xid)
{
	FullTransactionId next = ReadNextFullTransactionId();

	return U64FromFullTransactionId(next) - (uint32) (XidFromFullTransactionId(next) - xid);
}

/*
 * Do the role data that a snapshot with 64-bit xmin a saw equal what a
 * snapshot with 64-bit xmin b sees, b being the active snapshot?  True
 * only when it is sure: see the top of the file; false wherever the
 * horizon is not used.
 */
bool
rbac_horizon_same_role_data(Oid seq, uint64 a, uint64 b)
{
	uint64		m;

	if (!OidIsValid(seq) || RecoveryInProgress() || IsolationIsSerializable() ||
		IsInParallelMode() || a == 0 || b == 0)
		return false;
	m = horizon_read(seq);
	return m < a && m < b;
}

/*
 * Raise the register to this transaction's top-level id, unless it holds a
 * newer one.  Writers take turns for the read and the write (a lock only
 * writers take, released at once); readers are not blocked.
 */
static void
horizon_raise(Oid seq)
{
	static uint64 raised = 0;	/* the last id this backend raised it to */
	uint64		xid = U64FromFullTransactionId(GetTopFullTransactionId());
	RbacRunAs	run_as;

	/* the transaction's next statements: the register only grows */
	if (xid == raised)
		return;
	LockRelationOid(seq, ShareUpdateExclusiveLock);
	RBAC_RUN_AS_BEGIN(rbac_as_superuser_begin, run_as);
	{
		if (horizon_read(seq) < xid)
			DirectFunctionCall2(setval_oid, ObjectIdGetDatum(seq),
								Int64GetDatum((int64) xid));
	}
	RBAC_RUN_AS_END(run_as);
	/* released at once (an error's abort releases it too) */
	UnlockRelationOid(seq, ShareUpdateExclusiveLock);
	raised = xid;
}

/*
 * rbac._note_role_write() -> trigger
 *
 * BEFORE statement trigger of rbac.assignment and rbac.membership: raise
 * the role-data write horizon before the statement writes.  Refuses to
 * fire in any other way or for any other table (39P01).
 */
Datum
rbac_note_role_write(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Oid			relid;
	Oid			seq;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(td->tg_event) ||
		!TRIGGER_FIRED_FOR_STATEMENT(td->tg_event))
		rbac_not_called_as("rbac._note_role_write", "a BEFORE statement trigger");
	relid = RelationGetRelid(td->tg_relation);
	if (relid != rbac_catalog_relid("assignment") && relid != rbac_catalog_relid("membership"))
		rbac_not_called_as("rbac._note_role_write",
						   "a trigger of rbac.assignment or rbac.membership");
	seq = rbac_horizon_relid();
	if (!OidIsValid(seq))
		elog(ERROR, "sequence rbac.role_data_horizon does not exist");
	horizon_raise(seq);
	PG_RETURN_POINTER(NULL);
}
