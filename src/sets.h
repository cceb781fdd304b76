/*-------------------------------------------------------------------------
 *
 * sets.h
 *	  Set evaluation of the derivation (sets.c): the keys of the resources
 *	  of a type on which an actor holds a term.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_SETS_H
#define RBAC_SETS_H

#include "eval.h"
#include "keyset.h"
#include "nodes/pg_list.h"

/* Per-rule progress: how much of the body set was propagated already. */
typedef struct RbacSetEval
{
	RbacEval		ev;
	KeySet	 ***sets;			/* [type][term], allocated on demand */
	int		  **done;			/* [type][rule]: body items propagated */
	bool	  **once;			/* [type][rule or nrules + lastmile] */
	bool	   *direct_loaded;	/* [type] */
	MType	   *own_key;		/* rbac_sets_compute_own: rows of this type
								 * reached through its join tables are not
								 * probed for existence */
} RbacSetEval;

/*
 * A set evaluation: rbac_sets_begin(&se, m, actor) (zeroes se and begins
 * se.ev), compute, rbac_eval_end(&se.ev); inside RBAC_INTERNAL_BEGIN/END.
 */
extern void rbac_sets_begin(RbacSetEval *se, RbacModel *m, const char *actor);
extern KeySet *rbac_sets_compute(RbacSetEval *se, MType *t, int term);
extern KeySet *rbac_sets_compute_own(RbacSetEval *se, MType *t, int term);
extern KeySet *rbac_sets_compute_direct(RbacSetEval *se, MType *t, int term);
extern void rbac_sets_rows_of_actor(RbacSetEval *se, MType *t, int term, KeySet *dst);
extern bool rbac_sets_propagate_via(MType *t, int term, KeySet *src, int *done,
									KeySet *dst, bool *once, bool probe);
extern KeySet *rbac_sets_all_keys(MType *t);
extern Datum rbac_sets_typed_array(char **items, int from, int n, Oid typid);

/* The keys, sorted by text, for callers in C (check.c). */
extern List *rbac_keys_list(const char *actor, MType *t, int term);

#endif							/* RBAC_SETS_H */
