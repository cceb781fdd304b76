/*-------------------------------------------------------------------------
 *
 * tabling.h
 *	  The answers of nested checks, tabled (tabling.c): shared by the
 *	  engine's rbac._holds (holds.c) and the ground evaluator of test
 *	  blocks (policy_test.c).  Plain C, no PostgreSQL headers.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_TABLING_H
#define RBAC_TABLING_H

#include "policy.h"

/* What is known about a goal (a nested check). */
typedef enum RbacGoalState
{
	RBAC_GOAL_UNKNOWN,
	RBAC_GOAL_ACTIVE,			/* being answered, at depth */
	RBAC_GOAL_TENTATIVE,		/* false while the goal at depth is answered */
	RBAC_GOAL_TRUE,
	RBAC_GOAL_FALSE
} RbacGoalState;

typedef struct RbacGoal
{
	RbacGoalState state;
	int			depth;			/* ACTIVE: its depth; TENTATIVE: its low link */
} RbacGoal;

/* A goal being answered (on the C stack of its caller). */
typedef struct RbacGoalFrame
{
	int			goal;
	int			depth;
	int			low;			/* lowest depth it depended on; INT_MAX: none */
	int			tstart;			/* ntentative when it started */
	struct RbacGoalFrame *next;
} RbacGoalFrame;

/* The goals of one world: indexes chosen by the caller (rbac_goals_add). */
typedef struct RbacGoals
{
	RbacAlloc  *alloc;
	bool		monotone;		/* false: no answer is kept, goals are only cut */
	RbacGoal   *goals;
	int			ngoals;
	int			capgoals;
	int		   *tentative;		/* tentative goals, in the order answered */
	int			ntentative;
	int			captentative;
	RbacGoalFrame *stack;		/* goals being answered, innermost first */
} RbacGoals;

/* Forget every answer; goals 0 .. n - 1 exist, unknown. */
extern void rbac_goals_reset(RbacGoals *g, int n);

/* Add an unknown goal; returns its index. */
extern int	rbac_goals_add(RbacGoals *g);

/*
 * What goal gi answers now: TRUE or FALSE when known or cut (a goal being
 * answered, or tentatively false, is false here: the caller depends on
 * it); UNKNOWN when the caller must answer it, between rbac_goal_begin and
 * rbac_goal_end.
 */
extern RbacGoalState rbac_goal_lookup(RbacGoals *g, int gi);
extern void rbac_goal_begin(RbacGoals *g, int gi, RbacGoalFrame *f);
extern void rbac_goal_end(RbacGoals *g, RbacGoalFrame *f, bool held);

/* Pop f after an error, forgetting what was answered under it. */
extern void rbac_goal_abort(RbacGoals *g, RbacGoalFrame *f);

#endif							/* RBAC_TABLING_H */
