/*-------------------------------------------------------------------------
 *
 * actorset.c
 *	  The actor's expansion, computed once per snapshot: the actor and
 *	  every group it belongs to (transitively), the global roles they hold
 *	  and, read in one range scan per member, every role assigned to them.
 *
 * Every evaluation needs it (a check, a set, each row a generated policy
 * checks on its own), and it depends only on the actor, the model and
 * the role data the snapshot shows.  So it is kept in a small cache whose
 * entries are keyed by exactly that:
 *
 *	- the actor reference, as given (a changed actor is another entry);
 *	- the model (a policy reload builds a new model; replaced models live
 *	  until the end of the transaction, model.c, so the pointer is unique
 *	  while an entry can be found);
 *	- the contents of the active snapshot: xmin, xmax, the in-progress
 *	  transactions and the command id.  A statement in READ COMMITTED
 *	  takes a new snapshot, a write in the transaction advances the
 *	  command id (assign_role, then is_allowed sees the role): either is
 *	  a miss;
 *	- the number of subtransactions rolled back so far: rows written in
 *	  one that rolled back vanish without any change to the snapshot.
 *
 * Nothing survives the transaction: entries are allocated under its
 * TopTransactionContext, and a slot of an earlier transaction is only
 * forgotten.  An entry in use by an evaluation is pinned and never freed
 * under it, even when an invalidation or a nested evaluation (a last-mile
 * rule calling rbac._holds) makes it stale: stale entries are simply not
 * found again, and are freed when their slot is reused once unpinned, or
 * with the transaction.  When every slot is pinned, or there is no MVCC
 * snapshot, an evaluation gets a private expansion that is not kept.
 * What an entry loads later (global roles, assignments) is read by an
 * evaluation that found it, so under the same snapshot.
 *
 *-------------------------------------------------------------------------
 */
#include "actorset.h"
#include "keyset.h"
#include "refs.h"
#include "util.h"

#include "access/xact.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

/* Cached expansions: a few actors per transaction are the common case. */
#define NSLOTS 4

/* Assignments read at first use, and once the expansion is reused. */
#define ROLES_CAP_FIRST 64
#define ROLES_CAP_REUSED 4096
#define ROLES_RETRY_USES 8

typedef struct Slot
{
	RbacActorSet *as;			/* NULL: free */
	LocalTransactionId lxid;	/* the transaction it belongs to */
	RbacSnapStamp stamp;		/* xip and subxip copied into as->cxt */
} Slot;

static Slot slots[NSLOTS];
static int	slot_next = 0;
static uint64 subxact_aborts = 0;
static bool callback_registered = false;

/* The key of (type, id) in the actor set's and the roles' indexes. */
char *
rbac_actorset_key(const char *type, const char *id)
{
	return rbac_counted_key(strlen(type), type, id);
}

/* The key of the global roles in role_keys (no (type, id) key is empty). */
#define GLOBAL_KEY ""

/*
 * Free slot i's expansion.  One of an earlier transaction was freed with
 * its TopTransactionContext, and is only forgotten.
 */
static void
slot_free(int i)
{
	if (slots[i].as != NULL && slots[i].lxid == MyProc->lxid)
		MemoryContextDelete(slots[i].as->cxt);
	slots[i].as = NULL;
}

/* A subtransaction rolled back: no entry taken before it may be found. */
static void
subxact_cb(SubXactEvent event, SubTransactionId mySubid,
		   SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
		subxact_aborts++;
}

/*
 * How many subtransactions this backend has rolled back: a snapshot equal
 * to an earlier one sees the same rows only if this did not change in
 * between.  Counting starts at the first call.
 */
static uint64
rollbacks(void)
{
	if (!callback_registered)
	{
		RegisterSubXactCallback(subxact_cb, NULL);
		callback_registered = true;
	}
	return subxact_aborts;
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
	st->rollbacks = rollbacks();
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

	return snap != NULL && st->rollbacks == rollbacks() &&
		same_snapshot(&st->snap, snap);
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
 * the cached one, or a new one (cached when a slot is free).  Release it
 * with rbac_actorset_release.  Probes go through the caller's probe.
 */
RbacActorSet *
rbac_actorset_get(RbacModel *m, RbacProbe *probe, const char *actor)
{
	Snapshot	snap = rbac_cacheable_snapshot();
	RbacSnapStamp stamp;
	MemoryContext cxt;
	MemoryContext old;
	RbacActorSet *as;
	Slot	   *s = NULL;
	int			i;

	if (snap != NULL)
	{
		for (i = 0; i < NSLOTS; i++)
		{
			RbacActorSet *c;

			if (slots[i].as != NULL && slots[i].lxid != MyProc->lxid)
				slot_free(i);
			c = slots[i].as;
			if (c != NULL && c->m == m && strcmp(c->aref, actor) == 0 &&
				rbac_snapstamp_current(&slots[i].stamp))
			{
				c->pins++;
				c->uses++;
				return c;
			}
		}
		/* a slot to replace: free, or the oldest one nobody uses */
		for (i = 0; i < NSLOTS && s == NULL; i++)
		{
			int			k = (slot_next + i) % NSLOTS;

			if (slots[k].as == NULL || slots[k].as->pins == 0)
			{
				s = &slots[k];
				slot_next = (k + 1) % NSLOTS;
			}
		}
	}

	/*
	 * Built in a context of the caller's: an error (an unknown actor type)
	 * frees it with the caller's memory; kept, it moves under
	 * TopTransactionContext, freed with the transaction.
	 */
	cxt = AllocSetContextCreate(CurrentMemoryContext, "pg_rbac actor set",
								ALLOCSET_SMALL_SIZES);
	if (s != NULL)
		rbac_snapstamp_take(&stamp, snap, cxt);
	old = MemoryContextSwitchTo(cxt);
	as = build(m, probe, actor);
	MemoryContextSwitchTo(old);
	as->pins = 1;
	as->uses = 1;
	if (s == NULL)
		return as;

	slot_free(s - slots);
	MemoryContextSetParent(cxt, TopTransactionContext);
	as->cached = true;
	s->as = as;
	s->lxid = MyProc->lxid;
	s->stamp = stamp;
	return as;
}

/* An evaluation is done with as. */
void
rbac_actorset_release(RbacActorSet *as)
{
	if (as != NULL && as->pins > 0)
		as->pins--;
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
		for (g.actor = 0; g.actor < as->nactors; g.actor++)
			rbac_lookup_roles(probe, NULL, NULL, as->actors[g.actor].type,
							  as->actors[g.actor].id, global_found, &g);
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
	as->roles = NULL;
	as->caproles = 0;
	memset(&c, 0, sizeof(c));
	c.as = as;
	for (c.actor = 0; c.actor < as->nactors && c.count <= cap; c.actor++)
	{
		CHECK_FOR_INTERRUPTS();
		rbac_lookup_actor_roles(probe, as->actors[c.actor].type,
								as->actors[c.actor].id, NULL, role_read, &c);
	}
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
	key = rbac_actorset_key(rtype, rid);
	k = keyset_find(as->role_keys, key, strlen(key));
	pfree(key);
	if (k >= 0)
		*roles = as->roles[k];
	return true;
}
