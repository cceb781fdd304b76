/*-------------------------------------------------------------------------
 *
 * check.h
 *	  The check engine: derivation of SPEC section 4.1 for one actor and
 *	  one resource.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_CHECK_H
#define RBAC_CHECK_H

#include "model.h"
#include "refs.h"
#include "lookup.h"
#include "executor/spi.h"
#include "run_as.h"

/* How a term came to be held on a node (for explain). */
typedef enum WhyKind
{
	WHY_NONE,
	WHY_ASSIGNED,				/* role assigned to actor_ref */
	WHY_CUSTOM,					/* custom role `custom` assigned to actor_ref */
	WHY_RULE,					/* shorthand rule `rule` of the node's type */
	WHY_LASTMILE				/* last-mile rule `rule` */
} WhyKind;

typedef struct Why
{
	WhyKind		kind;
	int			rule;			/* MRule index or MLastMile index */
	int			actor;			/* index into the actor set */
	char	   *custom;			/* custom role name */
} Why;

/* One member of the actor set: the actor or a group it belongs to. */
typedef struct ActorEntry
{
	char	   *type;
	char	   *id;
	int			via;			/* entry whose membership led here, -1 */
} ActorEntry;

/* One resource node of an evaluation. */
typedef struct RNode
{
	MType	   *type;
	char	   *id;
	bool		restricted;		/* bound type, no row: assignments only */
	bool		fetched;
	bool		want_row;		/* an actor relation of this node is tested */
	List	   *customs;		/* custom roles held directly (names) */
	char	  **relval;			/* per term: related id, or NULL */
	int		   *relnode;		/* per term: node index, or -1 */
	bool	   *held;			/* per term */
	Why		   *why;			/* per term */
} RNode;

struct KeySet;

typedef struct Eval
{
	RbacModel  *m;
	/* the actor; NULL type when there is none */
	char	   *atype;
	char	   *aid;
	char	   *aref;
	ActorEntry *actors;
	int			nactors;
	int			capactors;
	struct KeySet *actor_keys;	/* "len:type" + id -> index in actors */
	bool		globals_loaded;
	bool	   *global_held;	/* per global role */
	int		   *global_actor;	/* per global role: actor entry holding it */
	/* relevance: per type, per term */
	bool	  **relevant;
	/* the node graph */
	RNode	   *nodes;
	int			nnodes;
	int			capnodes;
	struct KeySet *node_keys;	/* "type index:" + id -> index in nodes */
	RbacProbe	probe;			/* catalogs opened for index probes */
} Eval;


/* Is term of type t relevant to the evaluation? */
static inline bool
is_relevant(Eval *ev, MType *t, int term)
{
	return ev->relevant[t->index] != NULL && ev->relevant[t->index][term];
}


extern void eval_init(Eval *ev, RbacModel *m, const char *actor);
extern void eval_end(Eval *ev);
extern void load_globals(Eval *ev);
extern void mark_relevant(Eval *ev, MType *t0, int term0);
extern bool lastmile_actor_matches(Eval *ev, RbacRule *rule);

extern bool rbac_check(const char *actor, const char *action,
					   const char *resource);

#endif							/* RBAC_CHECK_H */
