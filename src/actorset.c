/*-------------------------------------------------------------------------
 *
 * actorset.c
 *	  The actor's expansion: the actor and every group it belongs to
 *	  (transitively), the global roles they hold and, read in one range
 *	  scan per member, every role assigned to them.  Kept by each backend
 *	  across statements and transactions while the role data it was read
 *	  from stay the same.
 *
 * Every evaluation needs it (a check, a set, each row a generated policy
 * checks on its own), and it depends only on the actor, the model, the
 * role data a snapshot shows and, for assignments that expire, the time.
 * So it is kept in a cache keyed by the actor reference, and an entry is
 * found again only when all of these still hold:
 *
 *	- the model is the one it was built for (a policy reload builds a new
 *	  model with a new generation number);
 *	- the active snapshot sees exactly the role data the entry was read
 *	  from.  Within the transaction that built or last found it: the same
 *	  snapshot contents (xmin, xmax, in-progress transactions, command id)
 *	  and no subtransaction rolled back since (rows written in one vanish
 *	  without any change to the snapshot).  Otherwise: the role-data write
 *	  horizon (horizon.c) proves that every transaction that ever wrote
 *	  role data ended before both snapshots were taken.  This is what lets
 *	  an expansion outlive its transaction: a check in a transaction of
 *	  its own, the common case behind a connection pool, reads no role
 *	  data while nobody writes any;
 *	- the transaction's start time (the instant expiries are compared
 *	  with) is not before the time the assignments were read at, nor at or
 *	  after the earliest expiry among those read.
 *
 * What an entry holds about other data (whether the actor's own row
 * exists, read from a bound table) is forgotten when it is found under
 * another snapshot.  The cache is bounded by rbac.actor_cache_size (least
 * recently used entries go first).  An entry in use by an evaluation is
 * pinned and never freed under it, even when a nested evaluation (a
 * last-mile rule calling rbac._holds) under a newer snapshot replaces it:
 * the replaced one is freed at the end of the transaction, when every pin
 * is released (an evaluation never outlives its transaction).  With no
 * MVCC snapshot, an evaluation gets a private expansion that is not kept.
 * What an entry loads later (global roles, assignments) is read by an
 * evaluation that found it, so under a snapshot that sees the same role
 * data.
 *
 *-------------------------------------------------------------------------
 */
#include "actorset.h"
#include "horizon.h"
#include "keyset.h"
#include "refs.h"
#include "util.h"

#include "access/transam.h"
#include "access/xact.h"
#include "common/hashfn.h"
#include "lib/ilist.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

/* Assignments read at first use, and once the expansion is reused. */
#define ROLES_CAP_FIRST 64
#define ROLES_CAP_REUSED 4096
#define ROLES_RETRY_USES 8

/* rbac.actor_cache_size: kB of expansions kept (0: none across transactions) */
static int	cache_size_kb = 8192;

/* A kept expansion.  The key hashes the actor reference; aref confirms it. */
typedef struct Entry
{
	uint64		key;			/* dynahash key */
	RbacActorSet *as;
	uint64		model_gen;
	LocalTransactionId lxid;	/* the transaction of the stamp */
	RbacSnapStamp stamp;		/* the snapshot it was last found under */
	uint64		witness;		/* 64-bit xmin of a snapshot that saw exactly
								 * its role data */
	Size		mem;			/* its memory, as last counted */
	dlist_node	lru;			/* most recently found first */
} Entry;

static HTAB *cache = NULL;
static dlist_head lru = DLIST_STATIC_INIT(lru);
static Size cache_mem = 0;
static MemoryContext cache_cxt = NULL;
static List *retired = NIL;		/* replaced while pinned, in cache_cxt */
static uint64 subxact_aborts = 0;

/* The key of (type, id) in the actor set's and the roles' indexes. */
char *
rbac_actorset_key(const char *type, const char *id)
{
	return rbac_counted_key(strlen(type), type, id);
}

/* The key of the global roles in role_keys (no (type, id) key is empty). */
#define GLOBAL_KEY ""

/*
 * The bit of a type name in RbacActorSet.role_types: a hash of its length
 * and first and last bytes, cheap enough to test on every check (types
 * that share a bit only cost the key lookup the bit would have saved).
 */
static inline uint64
type_bit(const char *type)
{
	size_t		len = strlen(type);

	return UINT64CONST(1) << ((len * 7 + (unsigned char) type[0] * 3 +
							   (len ? (unsigned char) type[len - 1] : 0)) & 63);
}

/*
 * Evaluations of this transaction using as.  Pins left by an earlier
 * transaction (an evaluation ended by an error) count for nothing: no
 * evaluation outlives its transaction.
 */
static int
pins(RbacActorSet *as)
{
	return as->pin_lxid == MyProc->lxid ? as->pins : 0;
}

/* One more evaluation uses as. */
static void
pin(RbacActorSet *as)
{
	if (as->pin_lxid != MyProc->lxid)
	{
		as->pin_lxid = MyProc->lxid;
		as->pins = 0;
	}
	as->pins++;
	as->uses++;
}

/* Free a kept expansion now, or at the end of the transaction if pinned. */
static void
expansion_free(RbacActorSet *as)
{
	MemoryContext old;

	if (pins(as) == 0)
	{
		MemoryContextDelete(as->cxt);
		return;
	}
	old = MemoryContextSwitchTo(cache_cxt);
	retired = lappend(retired, as);
	MemoryContextSwitchTo(old);
}

/* Free what rbac_snapstamp_take copied into *st (the in-progress lists). */
static void
stamp_free(RbacSnapStamp *st)
{
	if (st->snap.xip)
		pfree(st->snap.xip);
	if (st->snap.subxip)
		pfree(st->snap.subxip);
	st->snap.xip = st->snap.subxip = NULL;
}

/* Remove entry e from the cache, freeing its expansion (expansion_free). */
static void
entry_remove(Entry *e)
{
	uint64		key = e->key;

	dlist_delete(&e->lru);
	cache_mem -= e->mem;
	e->as->entry = NULL;
	stamp_free(&e->stamp);
	expansion_free(e->as);
	hash_search(cache, &key, HASH_REMOVE, NULL);
}

/*
 * Transaction end: no evaluation holds an expansion any longer (pins()
 * ignores what they left).  Replaced ones are freed; with
 * rbac.actor_cache_size 0, every one.
 */
static void
xact_cb(XactEvent event, void *arg)
{
	dlist_mutable_iter it;
	ListCell   *lc;

	if (event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT &&
		event != XACT_EVENT_PARALLEL_COMMIT && event != XACT_EVENT_PARALLEL_ABORT &&
		event != XACT_EVENT_PREPARE)
		return;
	if (cache_size_kb == 0)
		dlist_foreach_modify(it, &lru)
			entry_remove(dlist_container(Entry, lru, it.cur));
	foreach(lc, retired)
		MemoryContextDelete(((RbacActorSet *) lfirst(lc))->cxt);
	list_free(retired);
	retired = NIL;
}

/* A subtransaction rolled back: no entry taken before it may be found. */
static void
subxact_cb(SubXactEvent event, SubTransactionId mySubid,
		   SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
		subxact_aborts++;
}

/* Define rbac.actor_cache_size and the callbacks (called from _PG_init). */
void
rbac_actorset_init(void)
{
	DefineCustomIntVariable("rbac.actor_cache_size",
							"Memory each session may keep actors' expansions in across transactions.",
							"An expansion is found again only while the role data it was read from are unchanged; 0 keeps none past its transaction.",
							&cache_size_kb,
							8192, 0, MAX_KILOBYTES,
							PGC_SUSET, GUC_UNIT_KB,
							NULL, NULL, NULL);
	RegisterXactCallback(xact_cb, NULL);
	RegisterSubXactCallback(subxact_cb, NULL);
}

/* Create the cache at first use. */
static void
cache_init(void)
{
	HASHCTL		ctl;

	if (cache != NULL)
		return;
	cache_cxt = AllocSetContextCreate(TopMemoryContext, "pg_rbac actor sets",
									  ALLOCSET_DEFAULT_SIZES);
	ctl.keysize = sizeof(uint64);
	ctl.entrysize = sizeof(Entry);
	ctl.hcxt = cache_cxt;
	cache = hash_create("pg_rbac actor sets", 256, &ctl,
						HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/* Count e's memory again. */
static void
entry_measure(Entry *e)
{
	cache_mem -= e->mem;
	e->mem = MemoryContextMemAllocated(e->as->cxt, true) + sizeof(Entry);
	cache_mem += e->mem;
}

/* Free the least recently found unpinned entries past the cache's size. */
static void
cache_trim(void)
{
	dlist_node *cur = dlist_is_empty(&lru) ? NULL : dlist_tail_node(&lru);

	while (cur != NULL && cache_mem > (Size) cache_size_kb * 1024)
	{
		dlist_node *prev = dlist_has_prev(&lru, cur) ? dlist_prev_node(&lru, cur) : NULL;
		Entry	   *e = dlist_container(Entry, lru, cur);

		if (pins(e->as) == 0)
			entry_remove(e);
		cur = prev;
	}
}

/* Do two MVCC snapshots see exactly the same rows? */
static bool
same_snapshot(const SnapshotData *a, Snapshot b)
{
	return a->xmin == b->xmin && a->xmax == b->xmax && a->curcid == b->curcid &&
		a->xcnt == b->xcnt && a->subxcnt == b->subxcnt &&
		a->suboverflowed == b->suboverflowed &&
		a->takenDuringRecovery == b->takenDuringRecovery &&
		(a->xcnt == 0 || memcmp(a->xip, b->xip, sizeof(TransactionId) * a->xcnt) == 0) &&
		(a->subxcnt <= 0 || memcmp(a->subxip, b->subxip, sizeof(TransactionId) * a->subxcnt) == 0);
}

/* The active snapshot, when results read under it may be kept; else NULL. */
Snapshot
rbac_cacheable_snapshot(void)
{
	Snapshot	snap;

	if (!ActiveSnapshotSet())
		return NULL;
	snap = GetActiveSnapshot();
	return snap->snapshot_type == SNAPSHOT_MVCC ? snap : NULL;
}

/* Stamp *st with snap (rbac_cacheable_snapshot) and the rollbacks so far. */
void
rbac_snapstamp_take(RbacSnapStamp *st, Snapshot snap, MemoryContext cxt)
{
	st->rollbacks = subxact_aborts;
	st->snap = *snap;
	st->snap.xip = st->snap.subxip = NULL;
	if (snap->xcnt > 0)
	{
		st->snap.xip = MemoryContextAlloc(cxt, sizeof(TransactionId) * snap->xcnt);
		memcpy(st->snap.xip, snap->xip, sizeof(TransactionId) * snap->xcnt);
	}
	if (snap->subxcnt > 0)
	{
		st->snap.subxip = MemoryContextAlloc(cxt, sizeof(TransactionId) * snap->subxcnt);
		memcpy(st->snap.subxip, snap->subxip, sizeof(TransactionId) * snap->subxcnt);
	}
}

/* Does the active snapshot see exactly the rows *st was taken under? */
bool
rbac_snapstamp_current(const RbacSnapStamp *st)
{
	Snapshot	snap = rbac_cacheable_snapshot();

	return snap != NULL && st->rollbacks == subxact_aborts &&
		same_snapshot(&st->snap, snap);
}

/* Stamp e with snap, the current transaction's snapshot it was found under. */
static void
entry_stamp(Entry *e, Snapshot snap)
{
	stamp_free(&e->stamp);
	rbac_snapstamp_take(&e->stamp, snap, e->as->cxt);
	e->lxid = MyProc->lxid;
}

/*
 * May e be used under snap, the active snapshot, for model m?  See the
 * top of the file.  Found under another snapshot, it is stamped with this
 * one and forgets what it knew of other data.
 */
static bool
entry_current(Entry *e, Snapshot snap, RbacModel *m)
{
	RbacActorSet *as = e->as;
	TimestampTz now = GetCurrentTransactionStartTimestamp();
	uint64		xmin;

	if (e->model_gen != m->generation)
		return false;
	if (e->lxid == MyProc->lxid && rbac_snapstamp_current(&e->stamp))
		return true;
	if (cache_size_kb == 0 || e->stamp.snap.takenDuringRecovery ||
		now < as->roles_from || now >= as->roles_until)
		return false;
	xmin = rbac_horizon_full_xid(snap->xmin);
	if (!rbac_horizon_same_role_data(m->cat.horizon, e->witness, xmin))
		return false;
	as->actor_exists = 0;
	e->witness = Max(e->witness, xmin);
	entry_stamp(e, snap);
	return true;
}

/* Add an entry to the actor set (not in it yet). */
static void
add_actor(RbacActorSet *as, const char *type, const char *id, int via)
{
	if (as->nactors == as->capactors)
	{
		as->capactors = as->capactors ? as->capactors * 2 : 8;
		as->actors = as->actors ?
			repalloc(as->actors, sizeof(RbacEvalActor) * as->capactors) :
			palloc(sizeof(RbacEvalActor) * as->capactors);
	}
	as->actors[as->nactors].type = pstrdup(type);
	as->actors[as->nactors].id = pstrdup(id);
	as->actors[as->nactors].via = via;
	as->nactors++;
	keyset_add(as->actor_keys, rbac_actorset_key(type, id));
}

/* Index of (type, id) in the actor set, or -1 (a hash probe). */
int
rbac_actorset_index(RbacActorSet *as, const char *type, const char *id)
{
	char	   *key = rbac_actorset_key(type, id);
	int			k = keyset_find(as->actor_keys, key, strlen(key));

	pfree(key);
	return k;
}

/* Callback context of the group probes. */
typedef struct GroupCtx
{
	RbacActorSet *as;
	int			actor;
} GroupCtx;

/* rbac_lookup_groups callback: add a newly found group to the set. */
static void
group_found(void *arg, const char *gtype, const char *gid)
{
	GroupCtx   *g = (GroupCtx *) arg;

	if (gtype && gid && rbac_actorset_index(g->as, gtype, gid) < 0)
		add_actor(g->as, gtype, gid, g->actor);
}

/*
 * Build the expansion of actor in the current memory context: the actor
 * and every group it belongs to, transitively (breadth first; each entry
 * is probed once, so membership cycles end).
 */
static RbacActorSet *
build(RbacModel *m, RbacProbe *probe, const char *actor)
{
	RbacActorSet *as = palloc0(sizeof(RbacActorSet));
	RbacRef		ref = rbac_ref_require(actor, "actor");
	GroupCtx	g;

	rbac_ref_require_type(m, ref.type, RBAC_TYPE_ACTOR);
	as->cxt = CurrentMemoryContext;
	as->m = m;
	as->aref = pstrdup(actor);
	as->atype = pstrdup(ref.type);
	as->aid = pstrdup(ref.id);
	as->actor_keys = keyset_new();
	as->roles_from = DT_NOBEGIN;
	as->roles_until = DT_NOEND;
	add_actor(as, ref.type, ref.id, -1);
	g.as = as;
	for (g.actor = 0; g.actor < as->nactors; g.actor++)
	{
		CHECK_FOR_INTERRUPTS();
		rbac_lookup_groups(probe, as->actors[g.actor].type,
						   as->actors[g.actor].id, group_found, &g);
	}
	return as;
}

/*
 * The expansion of actor (not NULL) under model m and the active snapshot:
 * the kept one when it still holds, or a new one (kept when there is a
 * snapshot).  Release it with rbac_actorset_release.  Probes go through
 * the caller's probe.
 */
RbacActorSet *
rbac_actorset_get(RbacModel *m, RbacProbe *probe, const char *actor)
{
	Snapshot	snap = rbac_cacheable_snapshot();
	uint64		key = 0;
	MemoryContext cxt;
	MemoryContext old;
	RbacActorSet *as;
	Entry	   *e;
	bool		found;

	if (snap != NULL)
	{
		cache_init();
		key = hash_bytes_extended((const unsigned char *) actor, strlen(actor), 0);
		e = hash_search(cache, &key, HASH_FIND, NULL);
		if (e != NULL && strcmp(e->as->aref, actor) == 0 && entry_current(e, snap, m))
		{
			dlist_move_head(&lru, &e->lru);
			pin(e->as);
			return e->as;
		}
		if (e != NULL)
			entry_remove(e);
	}

	/*
	 * Built in a context of the caller's: an error (an unknown actor type)
	 * frees it with the caller's memory; kept, it moves under the cache's.
	 */
	cxt = AllocSetContextCreate(CurrentMemoryContext, "pg_rbac actor set",
								0, 1024, 1024);
	old = MemoryContextSwitchTo(cxt);
	as = build(m, probe, actor);
	MemoryContextSwitchTo(old);
	pin(as);
	if (snap == NULL)
		return as;

	MemoryContextSetParent(cxt, cache_cxt);
	e = hash_search(cache, &key, HASH_ENTER, &found);
	Assert(!found);
	e->as = as;
	as->entry = e;
	e->model_gen = m->generation;
	e->witness = rbac_horizon_full_xid(snap->xmin);
	e->mem = 0;
	memset(&e->stamp, 0, sizeof(e->stamp));
	entry_stamp(e, snap);
	dlist_push_head(&lru, &e->lru);
	return as;
}

/*
 * An evaluation is done with as (after closing its probes, whose scans
 * may have been opened in as's context): count a kept one's memory again,
 * and make room.
 */
void
rbac_actorset_release(RbacActorSet *as)
{
	if (as == NULL || pins(as) == 0)
		return;
	if (--as->pins == 0 && as->entry != NULL)
	{
		entry_measure((Entry *) as->entry);
		cache_trim();
	}
}

/*
 * What the assignments just read (probe's expiry_min lowered from DT_NOEND
 * by each unexpired one) hold for: transactions starting from now until
 * the first of them expires.
 */
static void
roles_read(RbacActorSet *as, RbacProbe *probe)
{
	as->roles_from = Max(as->roles_from, GetCurrentTransactionStartTimestamp());
	as->roles_until = Min(as->roles_until, probe->expiry_min);
}

/* rbac_lookup_roles callback for global assignments. */
static void
global_found(void *arg, const char *role)
{
	GroupCtx   *g = (GroupCtx *) arg;
	int			k = role ? rbac_model_global(g->as->m, role) : -1;

	if (k >= 0 && !g->as->global_held[k])
	{
		g->as->global_held[k] = true;
		g->as->global_actor[k] = g->actor;
	}
}

/*
 * Load the global roles held by the actor set (once per expansion): from
 * the assignments when they were read, else one probe per member.
 */
void
rbac_actorset_load_globals(RbacActorSet *as, RbacProbe *probe)
{
	MemoryContext old;
	GroupCtx	g;
	RbacActorRole *r;

	if (as->globals_loaded)
		return;
	old = MemoryContextSwitchTo(as->cxt);
	as->global_held = palloc0(sizeof(bool) * (as->m->nglobals + 1));
	as->global_actor = palloc0(sizeof(int) * (as->m->nglobals + 1));
	MemoryContextSwitchTo(old);
	g.as = as;
	if (as->m->nglobals > 0 && as->roles_state > 0)
	{
		/* the list is in the order of the actor set: first holder wins */
		int			k = keyset_find(as->role_keys, GLOBAL_KEY, 0);

		for (r = k >= 0 ? as->roles[k] : NULL; r != NULL; r = r->next)
		{
			g.actor = r->actor;
			global_found(&g, r->role);
		}
	}
	else if (as->m->nglobals > 0)
	{
		probe->expiry_min = DT_NOEND;
		for (g.actor = 0; g.actor < as->nactors; g.actor++)
			rbac_lookup_roles(probe, NULL, NULL, as->actors[g.actor].type,
							  as->actors[g.actor].id, global_found, &g);
		roles_read(as, probe);
	}
	as->globals_loaded = true;
}

/* Callback context of the assignment scans. */
typedef struct RolesCtx
{
	RbacActorSet *as;
	int			actor;
	int			count;
	RbacActorRole **tail;		/* per resource: its last role */
} RolesCtx;

/* Index of the resource key in as->roles, added (with no roles) if new. */
static int
resource_slot(RolesCtx *c, char *key)
{
	RbacActorSet *as = c->as;
	int			k = keyset_find(as->role_keys, key, strlen(key));

	if (k >= 0)
		return k;
	keyset_add(as->role_keys, key);
	k = as->role_keys->n - 1;
	if (k >= as->caproles)
	{
		int			old = as->caproles;

		as->caproles = Max(16, as->caproles * 2);
		as->roles = old ? repalloc(as->roles, sizeof(RbacActorRole *) * as->caproles) :
			palloc(sizeof(RbacActorRole *) * as->caproles);
		c->tail = old ? repalloc(c->tail, sizeof(RbacActorRole *) * as->caproles) :
			palloc(sizeof(RbacActorRole *) * as->caproles);
	}
	as->roles[k] = NULL;
	c->tail[k] = NULL;
	return k;
}

/*
 * rbac_lookup_actor_roles callback: file one assignment, appended so that
 * the roles of a resource stay in the order of the actor set.  Stops the
 * scans past the cap.
 */
static bool
role_read(void *arg, const char *role, const char *rtype, const char *rid)
{
	RolesCtx   *c = (RolesCtx *) arg;
	RbacActorRole *r;
	int			k;

	if (++c->count > c->as->roles_cap)
		return false;
	if (role == NULL || (rtype == NULL) != (rid == NULL))
		return true;
	k = resource_slot(c, rtype ? rbac_actorset_key(rtype, rid) : pstrdup(GLOBAL_KEY));
	if (rtype)
		c->as->role_types |= type_bit(rtype);
	r = palloc(sizeof(RbacActorRole));
	r->role = pstrdup(role);
	r->actor = c->actor;
	r->next = NULL;
	if (c->tail[k])
		c->tail[k]->next = r;
	else
		c->as->roles[k] = r;
	c->tail[k] = r;
	return true;
}

/*
 * Read every assignment of the actor set, one range scan per member, unless
 * there are more than the cap (then the caller probes per resource).  The
 * cap is small at first use, larger once the expansion is reused (a
 * generated policy checking rows one at a time), and is tried again with
 * the larger cap only then.
 */
static void
load_roles(RbacActorSet *as, RbacProbe *probe)
{
	MemoryContext old;
	RolesCtx	c;
	int			cap = as->uses >= ROLES_RETRY_USES ? ROLES_CAP_REUSED : ROLES_CAP_FIRST;

	if (as->roles_state > 0 || (as->roles_state < 0 && as->roles_cap >= cap))
		return;
	old = MemoryContextSwitchTo(as->cxt);
	as->roles_cap = cap;
	as->role_keys = keyset_new();
	as->role_types = 0;
	as->roles = NULL;
	as->caproles = 0;
	memset(&c, 0, sizeof(c));
	c.as = as;
	probe->expiry_min = DT_NOEND;
	for (c.actor = 0; c.actor < as->nactors && c.count <= cap; c.actor++)
	{
		CHECK_FOR_INTERRUPTS();
		rbac_lookup_actor_roles(probe, as->actors[c.actor].type,
								as->actors[c.actor].id, NULL, role_read, &c);
	}
	roles_read(as, probe);
	as->roles_state = c.count <= cap ? 1 : -1;
	MemoryContextSwitchTo(old);
}

/*
 * The roles assigned to the actor set on resource (rtype, rid), in the
 * order of the actor set, into *roles (NULL: none).  Returns false when
 * the actor set holds too many assignments to have read them all: the
 * caller probes the resource instead.
 */
bool
rbac_actorset_roles(RbacActorSet *as, RbacProbe *probe, const char *rtype,
					const char *rid, RbacActorRole **roles)
{
	char	   *key;
	int			k;

	*roles = NULL;
	load_roles(as, probe);
	if (as->roles_state <= 0)
		return false;
	if ((as->role_types & type_bit(rtype)) == 0)
		return true;
	key = rbac_actorset_key(rtype, rid);
	k = keyset_find(as->role_keys, key, strlen(key));
	pfree(key);
	if (k >= 0)
		*roles = as->roles[k];
	return true;
}
