/*-------------------------------------------------------------------------
 *
 * eval.h
 *	  The per-resource derivation (eval.c): for one actor, the terms held
 *	  on a resource and on the resources it reaches through relations.
 *	  sets.c computes the same derivation as sets of keys, on the same
 *	  actor set, relevance and last-mile rules.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_EVAL_H
#define RBAC_EVAL_H

#include "actorset.h"
#include "model.h"
#include "lookup.h"
#include "run_as.h"
#include "sqlgen.h"

/* How a term came to be held on a node (for explain). */
typedef enum RbacEvalReasonKind
{
	RBAC_WHY_NONE,
	RBAC_WHY_ASSIGNED,			/* role assigned to actor entry `actor` */
	RBAC_WHY_CUSTOM,			/* custom role `custom` assigned to it */
	RBAC_WHY_RULE,				/* shorthand rule `rule` of the node's type */
	RBAC_WHY_LASTMILE			/* last-mile rule `rule` */
} RbacEvalReasonKind;

typedef struct RbacEvalReason
{
	RbacEvalReasonKind kind;
	int			rule;			/* MRule index or MLastMile index */
	int			actor;			/* index into the actor set */
	char	   *custom;			/* custom role name */
	int			relnode;		/* RULE with a relation: the related node
								 * the body held on; else -1 */
} RbacEvalReason;

/* One resource node of an evaluation. */
typedef struct RbacEvalNode
{
	MType	   *type;
	char	   *id;				/* canonical (refs.c) */
	bool		restricted;		/* bound type, no row: assignments only */
	bool		fetched;
	bool		want_row;		/* an actor relation of this node is tested */
	List	   *customs;		/* custom roles held directly (names) */
	char	  **relval;			/* per term: id in a relation column, or NULL */
	List	  **relids;			/* per term: ids related through a join
								 * table, read once (relids_loaded) */
	bool	   *relids_loaded;
	List	  **relnodes;		/* per term: indexes of the related nodes
								 * (int list), once rel_followed */
	bool	   *rel_followed;
	bool	   *held;			/* per term */
	RbacEvalReason *why;		/* per term */
} RbacEvalNode;

struct KeySet;

/* One evaluation: the actor set, relevance, and the node graph. */
typedef struct RbacEval
{
	RbacModel  *m;
	/*
	 * The actor; NULL type when there is none.  The actor set and global
	 * roles are those of the actor's expansion (actorset.c), shared with
	 * the other evaluations under the same snapshot: read-only here.
	 */
	RbacActorSet *as;			/* NULL when there is no actor */
	char	   *atype;
	char	   *aid;
	char	   *aref;
	RbacEvalActor *actors;
	int			nactors;
	bool		globals_loaded;
	bool	   *global_held;	/* per global role */
	int		   *global_actor;	/* per global role: actor entry holding it */
	Datum		global_names;	/* text[] of the global roles held, once
								 * built for a rule (0 before) */
	/* relevance: per type, per term */
	bool	  **relevant;
	/* the node graph */
	RbacEvalNode *nodes;
	int			nnodes;
	int			capnodes;
	struct KeySet *node_keys;	/* "type index:" + id -> index in nodes */
	bool		lastmile_tried; /* rbac_eval_resource applied last-mile rules */
	RbacProbe	probe;			/* catalogs opened for index probes */
} RbacEval;

/* Is term of type t relevant to the evaluation? */
static inline bool
rbac_eval_is_relevant(RbacEval *ev, MType *t, int term)
{
	return ev->relevant[t->index] != NULL && ev->relevant[t->index][term];
}

/* Evaluations run inside RBAC_INTERNAL_BEGIN/END (run_as.h). */
extern void rbac_eval_begin(RbacEval *ev, RbacModel *m, const char *actor);
extern void rbac_eval_end(RbacEval *ev);
extern void rbac_eval_load_globals(RbacEval *ev);
extern void rbac_eval_mark_relevant(RbacEval *ev, MType *t0, int term0);
extern bool rbac_eval_lastmile_actor_matches(RbacEval *ev, RbacRule *rule);
extern RbacEvalNode *rbac_eval_resource(RbacEval *ev, MType *t, const char *id,
										const int *terms, int nterms);
extern RbacEvalNode *rbac_eval_permission(RbacEval *ev, RbacModel *m,
										  const char *actor, MType *t,
										  const char *id, int term);
extern int	rbac_eval_node(RbacEval *ev, MType *t, const char *id);
extern bool rbac_eval_nodes_final(RbacEval *ev);
extern void rbac_eval_fetch_row(RbacEval *ev, RbacEvalNode *n);
extern List *rbac_eval_related(RbacEval *ev, int ni, int term);
extern bool rbac_eval_lastmile_holds(RbacEval *ev, RbacEvalNode *n, MLastMile *lm);

/*
 * The parameters of a last-mile rule body compiled with rbac_eval_sql_actor
 * (rbac_sql_lastmile_body): $1 the actor's id, $2 its type, $3 the
 * resource (the caller's), $4 its reference, $5 the global roles its actor
 * set holds (text[], filled in only for a rule that tests one).
 */
#define RBAC_LASTMILE_NPARAMS	5
extern const SqlActor rbac_eval_sql_actor;
extern void rbac_eval_lastmile_argtypes(Oid *argtypes);
extern void rbac_eval_lastmile_params(RbacEval *ev, RbacRule *rule,
									  Datum *values, char *nulls);

/* The resource that stands for the global block in checks. */
#define RBAC_GLOBAL_RESOURCE	"global"

/* The whole check, arguments resolved and raising as check.c's do. */
extern bool rbac_check(const char *actor, const char *action,
					   const char *resource);

#endif							/* RBAC_EVAL_H */
