/*-------------------------------------------------------------------------
 *
 * policy_test.h
 *	  The ground evaluator's world and evaluations, shared by policy_test.c
 *	  (the world, the derivation, the entry point) and policy_test_body.c
 *	  (last-mile rule bodies on the facts).  Private to those two files.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_POLICY_TEST_H
#define RBAC_POLICY_TEST_H

#include "policy.h"
#include "tabling.h"


/* A row of the world: an actor or a resource named in the test. */
typedef struct Node
{
	RbacType   *type;
	const char *id;
	int		  **rel;			/* per term: related nodes */
	int		   *nrel;
	int		   *relcap;
	RbacFact  **cols;			/* valued facts (the last one wins) */
	int			ncols;
	int			colcap;
	RbacFact  **roles;			/* has_role facts on this node */
	int			nroles;
	int			rolecap;
	int		   *groups;			/* groups this actor is a member of */
	int			ngroups;
	int			groupcap;
} Node;

/* A shorthand rule with its names resolved to positions. */
typedef struct SRule
{
	int			head;
	RbacBodyKind kind;
	int			body;			/* term (of the via type), relation, or
								 * global role position */
	int			via;			/* relation term of the rule's type, or -1 */
} SRule;

/* A last-mile rule with the position of the term it grants. */
typedef struct LRule
{
	RbacRule   *rule;
	int			term;
} LRule;

typedef struct World
{
	RbacPolicy *pol;
	RbacAlloc  *alloc;
	Node	   *nodes;
	int			nnodes;
	int			nodecap;
	RbacNameTable index;		/* (type, id) -> node */
	RbacFact  **globals;		/* global has_role facts */
	int			nglobals;
	int			globalcap;
	SRule	  **srules;			/* per type position */
	int		   *nsrules;
	LRule	   *lrules;
	int			nlrules;
	int			nheld;			/* terms of all nodes (held flags) */
	struct EvalBuf *bufs;		/* per nesting depth of checks */
	int			bufcap;
	long		work;
	bool		over;			/* the work budget ran out */
	RbacGoals	goals;			/* nested checks: node * maxterms + term */
	int			maxterms;		/* most terms of a type */
	int			goals_actor;	/* the actor node goals are of, or -1 */
	/* a nested check (has_role / has_permission in a body): policy_test.c */
	bool		(*holds) (struct World *w, int actor, int node, int term,
						  int depth);
} World;

/*
 * The memory of the evaluations at one nesting depth, reused by each of
 * them (so memory grows with the depth of nested checks, not with their
 * number).
 */
typedef struct EvalBuf
{
	int			nodecap;		/* nodes and held flags it has room for */
	int			heldcap;
	bool	   *inset;
	int		   *queue;
	bool	   *inreach;
	int		   *reach;			/* nodes reached from the asked one */
	bool	  **held;
	bool	   *heldflat;
	bool	   *ghold;
	bool	  **relevant;
	bool	   *relflat;
	int			nrelflat;
} EvalBuf;

/* One evaluation: one actor, one asked term. */
typedef struct Eval
{
	World	   *w;
	int			actor;			/* node of the actor */
	bool	   *inset;			/* per node: in the actor set */
	bool	  **held;			/* per node, per term */
	bool	   *ghold;			/* per global role */
	bool	  **relevant;		/* per type position, per term */
	int			depth;			/* of nested checks */
} Eval;

extern int	rbac_ptest_term_index(const RbacType *t, const char *name);
extern int	rbac_ptest_global_index(const RbacPolicy *pol, const char *name);
extern bool rbac_ptest_lastmile_holds(Eval *ev, const LRule *lr, int n);

#endif							/* RBAC_POLICY_TEST_H */
