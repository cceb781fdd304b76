/*-------------------------------------------------------------------------
 *
 * tabling.c
 *	  Tabled answers of nested checks, with completion by strongly
 *	  connected component.
 *
 * A nested check (has_role / has_permission in a last-mile rule body) is a
 * goal.  A goal met again while it is being answered (a rule that depends
 * on itself through the data) is cut: false there, which gives the least
 * fixpoint for monotone rules.  Answered naively, a rule recursing through
 * a relation with several targets per resource (a join table) answers the
 * same goals again along every path: time exponential in the rows.
 *
 * So answers are kept, with Tarjan's low links over the stack of goals
 * being answered:
 *
 *	- a true answer is always final (a derivation found while some goals
 *	  were cut is still a derivation: the rules are monotone);
 *	- a false answer that depended on no goal below it on the stack (its
 *	  low link is its own depth) is final, and so are the tentative false
 *	  answers found while answering it: together they are a set of goals
 *	  that each fail when all the others fail, so none holds in the least
 *	  fixpoint;
 *	- any other false answer is tentative: reused (passing its low link on)
 *	  while the goals it depended on are being answered, forgotten when one
 *	  of them turns out true (every answer found while that goal was being
 *	  answered goes), final with the root of its component.
 *
 * Rules with a nested check under "not" are not monotone: the caller then
 * sets monotone to false and goals are only cut (rbac_policy_monotone).
 *
 * Plain C, no PostgreSQL headers: links into tests/fuzz like the parser.
 *
 *-------------------------------------------------------------------------
 */
#include "tabling.h"

#include <limits.h>
#include <string.h>

/* See tabling.h. */
void
rbac_goals_reset(RbacGoals *g, int n)
{
	if (n > g->capgoals)
		g->goals = rbac_grow(g->alloc, g->goals, &g->capgoals, n, sizeof(RbacGoal));
	if (n > 0)
		memset(g->goals, 0, sizeof(RbacGoal) * n);
	g->ngoals = n;
	g->ntentative = 0;
	g->stack = NULL;
}

/* See tabling.h. */
int
rbac_goals_add(RbacGoals *g)
{
	g->goals = rbac_grow(g->alloc, g->goals, &g->capgoals, g->ngoals + 1,
						 sizeof(RbacGoal));
	memset(&g->goals[g->ngoals], 0, sizeof(RbacGoal));
	return g->ngoals++;
}

/* The goal being answered depended on the goal at depth low. */
static void
depends_on(RbacGoals *g, int low)
{
	if (g->stack != NULL && low < g->stack->low)
		g->stack->low = low;
}

/* See tabling.h. */
RbacGoalState
rbac_goal_lookup(RbacGoals *g, int gi)
{
	RbacGoal   *goal = &g->goals[gi];

	switch (goal->state)
	{
		case RBAC_GOAL_ACTIVE:	/* asked again while answering: false */
		case RBAC_GOAL_TENTATIVE:
			depends_on(g, goal->depth);
			return RBAC_GOAL_FALSE;
		default:
			return goal->state;
	}
}

/* See tabling.h. */
void
rbac_goal_begin(RbacGoals *g, int gi, RbacGoalFrame *f)
{
	f->goal = gi;
	f->depth = g->stack ? g->stack->depth + 1 : 0;
	f->low = INT_MAX;
	f->tstart = g->ntentative;
	f->next = g->stack;
	g->goals[gi].state = RBAC_GOAL_ACTIVE;
	g->goals[gi].depth = f->depth;
	g->stack = f;
}

/* Set the goals tentative since f started to state (and drop them). */
static void
settle(RbacGoals *g, RbacGoalFrame *f, RbacGoalState state)
{
	int			i;

	for (i = f->tstart; i < g->ntentative; i++)
		g->goals[g->tentative[i]].state = state;
	g->ntentative = f->tstart;
}

/* See tabling.h. */
void
rbac_goal_end(RbacGoals *g, RbacGoalFrame *f, bool held)
{
	RbacGoal   *goal = &g->goals[f->goal];
	int			i;

	g->stack = f->next;
	if (!g->monotone)
		goal->state = RBAC_GOAL_UNKNOWN;
	else if (held)
	{
		/* what was answered while this goal was assumed false goes */
		settle(g, f, RBAC_GOAL_UNKNOWN);
		goal->state = RBAC_GOAL_TRUE;
	}
	else if (f->low >= f->depth)
	{
		/* the root of a component: every answer in it is final */
		settle(g, f, RBAC_GOAL_FALSE);
		goal->state = RBAC_GOAL_FALSE;
	}
	else
	{
		for (i = f->tstart; i < g->ntentative; i++)
		{
			RbacGoal   *t = &g->goals[g->tentative[i]];

			if (f->low < t->depth)
				t->depth = f->low;
		}
		g->tentative = rbac_grow(g->alloc, g->tentative, &g->captentative,
								 g->ntentative + 1, sizeof(int));
		g->tentative[g->ntentative++] = f->goal;
		goal->state = RBAC_GOAL_TENTATIVE;
		goal->depth = f->low;
		depends_on(g, f->low);
	}
}

/* See tabling.h. */
void
rbac_goal_abort(RbacGoals *g, RbacGoalFrame *f)
{
	g->stack = f->next;
	settle(g, f, RBAC_GOAL_UNKNOWN);
	g->goals[f->goal].state = RBAC_GOAL_UNKNOWN;
}
