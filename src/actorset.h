/*-------------------------------------------------------------------------
 *
 * actorset.h
 *	  The actor's expansion (actorset.c): the actor and the groups it
 *	  belongs to, the global roles and the assignments they hold, kept
 *	  while the role data they were read from are unchanged.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_ACTORSET_H
#define RBAC_ACTORSET_H

#include "model.h"
#include "lookup.h"

/* One member of the actor set: the actor or a group it belongs to. */
typedef struct RbacEvalActor
{
	char	   *type;
	char	   *id;
	int			via;			/* entry whose membership led here, -1 */
} RbacEvalActor;

/* A role assigned to a member of the actor set on one resource. */
typedef struct RbacActorRole
{
	char	   *role;
	int			actor;			/* index into the actor set */
	struct RbacActorRole *next;
} RbacActorRole;

struct KeySet;

/*
 * The expansion of one actor under one model and one view of role data.
 * Shared by every evaluation for that actor while the view lasts (rbac_eval_begin
 * gets it, rbac_eval_end releases it); what is loaded on demand (global
 * roles, the assignments) is kept in it for the next evaluation.
 */
typedef struct RbacActorSet
{
	MemoryContext cxt;			/* everything below is allocated here */
	int			pins;			/* evaluations using it, in transaction */
	LocalTransactionId pin_lxid;	/* the transaction pins counts in */
	int			uses;			/* evaluations that got it */
	RbacModel  *m;
	char	   *aref;			/* the actor reference as given */
	char	   *atype;
	char	   *aid;
	RbacEvalActor *actors;
	int			nactors;
	int			capactors;
	struct KeySet *actor_keys;	/* "len:type" + id -> index in actors */
	bool		globals_loaded;
	bool	   *global_held;	/* per global role */
	int		   *global_actor;	/* per global role: actor entry holding it */
	int			actor_exists;	/* the actor's row: 0 unknown, 1 yes, -1 no */
	int			roles_state;	/* assignments: 0 not read, 1 read, -1 more
								 * than roles_cap */
	int			roles_cap;
	struct KeySet *role_keys;	/* "len:type" + id -> index in roles */
	uint64		role_types;		/* a bit per type holding roles (type_bit):
								 * most lookups are of types the actor holds
								 * nothing on, answered without the keys */
	RbacActorRole **roles;		/* per resource, its roles */
	int			caproles;
	int64		roles_from;		/* the global roles and assignments read hold */
	int64		roles_until;	/* for transactions starting in [from, until) */
	void	   *entry;			/* its cache entry (actorset.c), or NULL:
								 * private to one evaluation, or replaced */
} RbacActorSet;

extern void rbac_actorset_init(void);
extern char *rbac_actorset_key(const char *type, const char *id);
extern RbacActorSet *rbac_actorset_get(RbacModel *m, RbacProbe *probe,
									   const char *actor);
extern void rbac_actorset_release(RbacActorSet *as);
extern int	rbac_actorset_index(RbacActorSet *as, const char *type,
								const char *id);
extern void rbac_actorset_load_globals(RbacActorSet *as, RbacProbe *probe);
extern bool rbac_actorset_roles(RbacActorSet *as, RbacProbe *probe,
								const char *rtype, const char *rid,
								RbacActorRole **roles);
/*
 * What a result kept for the rest of the transaction was read under: the
 * contents of an MVCC snapshot (xip and subxip copied) and the number of
 * subtransactions rolled back by then.  The active snapshot sees exactly
 * the same rows when rbac_snapstamp_current says so.
 */
typedef struct RbacSnapStamp
{
	SnapshotData snap;
	uint64		rollbacks;
} RbacSnapStamp;

extern Snapshot rbac_cacheable_snapshot(void);
extern void rbac_snapstamp_take(RbacSnapStamp *st, Snapshot snap,
								MemoryContext cxt);
extern bool rbac_snapstamp_current(const RbacSnapStamp *st);

#endif							/* RBAC_ACTORSET_H */
