/*-------------------------------------------------------------------------
 *
 * holds.c
 *	  What rbac._holds answers: the nested checks
 *	  compiled last-mile rule bodies call (has_role / has_permission on a
 *	  related resource), and the table of their answers.
 *
 * A nested check is a goal (actor, term, type, id), its answer tabled
 * (tabling.c: a goal asked again while it is being answered is false
 * there, the least fixpoint; answers are kept when sound, with completion
 * by strongly connected component), so that a rule recursing through a
 * relation with several targets per resource (a join table) is not
 * answered again along every path, in time exponential in the rows.
 *
 * The table belongs to one model and one snapshot (RbacSnapStamp, as the
 * actor's expansion, actorset.c): the rows of a set evaluation, or of a
 * table under generated row-level security, share it.  It is allocated
 * under TopTransactionContext, so nothing survives the transaction, and
 * replaced only between top-level calls (no goal on the stack).  An error
 * forgets what was answered under the failed goal, and the whole table
 * at the top.
 *
 * A policy with has_role / has_permission under "not" in a last-mile rule
 * is not monotone: the answer of a cut goal may then depend on the path
 * to it, so such a policy gets no table, only the cut (as before tabling).
 *
 *-------------------------------------------------------------------------
 */
#include "actorset.h"
#include "eval.h"
#include "keyset.h"
#include "holds.h"
#include "pg_rbac.h"
#include "tabling.h"
#include "util.h"

#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/memutils.h"

/* Past this many goals, a table is replaced at the next top-level call. */
#define TABLE_MAX_GOALS 65536

/* The answers of one model and snapshot. */
typedef struct GoalTable
{
	MemoryContext cxt;
	RbacAlloc	alloc;			/* in cxt */
	RbacModel  *m;
	bool		stamped;		/* false: no MVCC snapshot, kept for one call */
	RbacSnapStamp stamp;
	KeySet	   *keys;			/* goal keys; index = goal */
	RbacGoals	goals;
} GoalTable;

/* The table, and the transaction whose memory holds it. */
static GoalTable *table = NULL;
static LocalTransactionId table_lxid = InvalidLocalTransactionId;

/* RbacAlloc callback: zeroed memory of the table's context. */
static void *
table_alloc(void *ctx, size_t size)
{
	return MemoryContextAllocZero((MemoryContext) ctx, size);
}

/* Forget the table (its memory goes with the transaction if not now). */
static void
table_drop(void)
{
	if (table != NULL && table_lxid == MyProc->lxid)
		MemoryContextDelete(table->cxt);
	table = NULL;
}

/* A table for a top-level call under model m: the kept one if current. */
static void
table_prepare(RbacModel *m)
{
	Snapshot	snap = rbac_cacheable_snapshot();
	MemoryContext cxt;
	MemoryContext old;

	if (table != NULL && table->m == m &&
		table->stamped && table->keys->n < TABLE_MAX_GOALS &&
		rbac_snapstamp_current(&table->stamp))
		return;
	table_drop();
	cxt = AllocSetContextCreate(TopTransactionContext, "pg_rbac nested checks",
								ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(cxt);
	table = palloc0(sizeof(GoalTable));
	table->cxt = cxt;
	table->alloc.alloc = table_alloc;
	table->alloc.ctx = cxt;
	table_lxid = MyProc->lxid;
	table->m = m;
	table->stamped = snap != NULL;
	if (snap != NULL)
		rbac_snapstamp_take(&table->stamp, snap, cxt);
	table->keys = keyset_new();
	table->goals.alloc = &table->alloc;
	table->goals.monotone = m->parsed == NULL ||
		rbac_policy_monotone(m->parsed->policy);
	MemoryContextSwitchTo(old);
}

/* The goal with key, added unknown if new. */
static int
goal_index(const char *key)
{
	int			len = strlen(key);
	int			gi = keyset_find(table->keys, key, len);
	MemoryContext old;

	if (gi >= 0)
		return gi;
	old = MemoryContextSwitchTo(table->cxt);
	keyset_add_len(table->keys, key, len);
	MemoryContextSwitchTo(old);
	return rbac_goals_add(&table->goals);
}

/* Answer a goal: does the actor hold term on t:id? */
static bool
evaluate(RbacModel *m, const char *actor, MType *t, const char *id, int term)
{
	volatile bool held = false;

	RBAC_INTERNAL_BEGIN();
	{
		RbacEval	ev;
		RbacEvalNode *root;

		root = rbac_eval_permission(&ev, m, actor, t, id, term);
		held = root->held[term];
		rbac_eval_end(&ev);
	}
	RBAC_INTERNAL_END();
	return held;
}

/*
 * rbac._holds(actor, term, type, id) -> boolean (its entry point is
 * check.c's):
 *
 * Does the actor hold the role or permission on Type:id?  NULL id, term or
 * type: false.  A goal met again while it is evaluated is false there (the
 * least fixpoint for such recursion).
 */
bool
rbac_holds_nested(FunctionCallInfo fcinfo)
{
	char	   *actor = rbac_arg_text(fcinfo, 0);
	char	   *termname = rbac_arg_text(fcinfo, 1);
	char	   *type = rbac_arg_text(fcinfo, 2);
	char	   *id = rbac_arg_text(fcinfo, 3);
	RbacModel  *m;
	MType	   *t;
	int			term;
	int			gi;
	RbacGoalFrame frame;
	bool		held = false;

	if (termname == NULL || type == NULL || id == NULL)
		return false;
	check_stack_depth();
	m = rbac_get_model();
	term = rbac_model_term(m, type, termname, &t);
	if (term < 0 || t->ast->terms[term].kind == RBAC_TERM_RELATION)
		return false;
	if (table != NULL && table_lxid != MyProc->lxid)
		table = NULL;			/* freed with its transaction */
	if (table == NULL || table->goals.stack == NULL)
		table_prepare(m);
	gi = goal_index(psprintf("%s\x1f%s\x1f%s\x1f%s", actor ? actor : "",
							 termname, type, id));
	switch (rbac_goal_lookup(&table->goals, gi))
	{
		case RBAC_GOAL_TRUE:
			return true;
		case RBAC_GOAL_UNKNOWN:
			break;
		default:
			return false;
	}
	rbac_goal_begin(&table->goals, gi, &frame);
	PG_TRY();
	{
		held = evaluate(m, actor, t, id, term);
	}
	PG_CATCH();
	{
		/* leave the table as before the call: a caller may catch it */
		rbac_goal_abort(&table->goals, &frame);
		if (table->goals.stack == NULL)
			table_drop();
		PG_RE_THROW();
	}
	PG_END_TRY();
	rbac_goal_end(&table->goals, &frame, held);
	return held;
}
