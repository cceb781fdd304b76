/*-------------------------------------------------------------------------
 *
 * rls_join.c
 *	  The planner's row estimate of a join between two tables under
 *	  generated row-level security, where one table's policy already
 *	  implies the other's.
 *
 * An issue is visible when its repository is ("read" if "read" on
 * "repository"): the policy of issues is rbac._in_lazy(repo_id,
 * 'k|Repository|read', ...), the set of repositories the actor reads, and
 * the policy of repositories admits exactly those rows.  For issues JOIN
 * repositories ON repositories.id = issues.repo_id, every visible issue
 * therefore joins its repository, visible too.  The planner does not know:
 * it multiplies the two policies' selectivities as if independent, and
 * for the user who sees 0.1% of 10,000,000 issues it estimates 10 joined
 * rows where there are 10,900.  With so few rows expected, the first page
 * of the join (ORDER BY issues.id LIMIT 50) looks like it must read the
 * whole primary key to find 50, and the planner reads every visible issue
 * and sorts them instead of walking the key (tests/bench/rls.sh: 1.7
 * times slower).
 *
 * At the end of each inner join's path generation (set_join_pathlist_hook)
 * this file recognizes that case and estimates the join again with the
 * other table's policy left out of its row count: for a join clause
 * a.col = b.bcol where a has the restriction rbac._in_lazy(a.col, hint)
 * with a "k" or "o" hint naming type T and term X, and b's row-level
 * security has an arm on b.bcol whose hint names the same T and X (the
 * policy generated for X on T's bound table: its key is b.bcol), b's
 * policy keeps every row a joins, so its selectivity is divided out.
 * The join's unparameterized paths are rescaled to the new estimate.
 * Under a LIMIT, only where the key walk it leads to pays (walk_pays).
 * The same hook charges a nested loop's Memoize over a protected table
 * its initialization (charge_memoize).  Only estimates change, never rows
 * or plans' correctness.
 *
 *-------------------------------------------------------------------------
 */
#include "rls.h"
#include "sqlgen.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "nodes/nodeFuncs.h"
#include "nodes/pathnodes.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/syscache.h"
#include "utils/lsyscache.h"

static set_join_pathlist_hook_type prev_join_pathlist_hook = NULL;

/* rbac.rls_join_estimate: correct the estimate (on) or leave it (off) */
static bool join_estimate = true;

/* The Var under any RelabelType, or NULL for anything else. */
static Var *
plain_var(Node *node)
{
	while (node && IsA(node, RelabelType))
		node = (Node *) ((RelabelType *) node)->arg;
	if (node && IsA(node, Var) && ((Var *) node)->varlevelsup == 0)
		return (Var *) node;
	return NULL;
}

/*
 * What the functions last asked about are: 0 neither, 1 rbac._in, 2
 * rbac._in_lazy.  The planner asks for every function call in the
 * restrictions of every join of two relations; the names are looked up
 * once per function, and forgotten on any change to pg_proc or
 * pg_namespace (a syscache invalidation: DROP EXTENSION, a renamed
 * schema).
 */
#define KIND_MEMO 8
static Oid	kind_funcid[KIND_MEMO];
static int	kind_of[KIND_MEMO];
static int	kind_next = 0;

/* Syscache invalidation of pg_proc or pg_namespace: forget the kinds. */
static void
kind_memo_reset(Datum arg, int cacheid, uint32 hashvalue)
{
	memset(kind_funcid, 0, sizeof(kind_funcid));
}

/* The kind of function funcid (above), by its name and schema. */
static int
set_test_kind(Oid funcid)
{
	char	   *name;
	int			kind = 0;
	int			i;

	for (i = 0; i < KIND_MEMO; i++)
		if (kind_funcid[i] == funcid && OidIsValid(funcid))
			return kind_of[i];
	if (get_func_namespace(funcid) == get_namespace_oid("rbac", true) &&
		(name = get_func_name(funcid)) != NULL)
	{
		if (strcmp(name, "_in") == 0)
			kind = 1;
		else if (strcmp(name, "_in_lazy") == 0)
			kind = 2;
		pfree(name);
	}
	kind_funcid[kind_next] = funcid;
	kind_of[kind_next] = kind;
	kind_next = (kind_next + 1) % KIND_MEMO;
	return kind;
}

/*
 * Is f a call of one of the functions generated policies test sets with:
 * 1 rbac._in, 2 rbac._in_lazy, 0 neither?
 */
static int
set_test_of(FuncExpr *f)
{
	return list_length(f->args) == 3 ? set_test_kind(f->funcid) : 0;
}

/* Is f a call of rbac._in_lazy (lazy) or rbac._in (!lazy)? */
static bool
is_set_test(FuncExpr *f, bool lazy)
{
	return set_test_of(f) == (lazy ? 2 : 1);
}

/*
 * The hint argument of a set test (the second of rbac._in_lazy, the third
 * of rbac._in), parsed, when it is a constant naming a set; else false.
 */
static bool
set_test_hint(FuncExpr *f, bool lazy, RbacSetHint *hint)
{
	Node	   *arg = (Node *) (lazy ? lsecond(f->args) : lthird(f->args));

	if (!IsA(arg, Const) || ((Const *) arg)->constisnull ||
		((Const *) arg)->consttype != TEXTOID)
		return false;
	return rbac_sql_parse_hint(TextDatumGetCString(((Const *) arg)->constvalue), hint) &&
		hint->kind != RBAC_HINT_PATH;
}

/*
 * Restriction of a: rbac._in_lazy(var, hint) standing alone (not under an
 * OR, where other arms would admit rows outside the set), with a "k" or
 * "o" hint.  Fills hint.
 */
static bool
restricted_to_set(RelOptInfo *a, Var *var, RbacSetHint *hint)
{
	ListCell   *lc;

	foreach(lc, a->baserestrictinfo)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		FuncExpr   *f = (FuncExpr *) ri->clause;
		Var		   *v;

		if (!IsA(f, FuncExpr) || !is_set_test(f, true))
			continue;
		v = plain_var((Node *) linitial(f->args));
		if (v == NULL || v->varno != var->varno || v->varattno != var->varattno)
			continue;
		if (set_test_hint(f, true, hint) &&
			(hint->kind == RBAC_HINT_KEYS || hint->kind == RBAC_HINT_OWN))
			return true;
	}
	return false;
}

/* context of policy_arm_walker */
typedef struct ArmSearch
{
	Var		   *var;			/* b's join column */
	const char *type;			/* the set's type and term */
	const char *term;
	bool		found;
} ArmSearch;

/* Is f a set test on s's column whose hint names s's type and term? */
static bool
arm_of(FuncExpr *f, ArmSearch *s)
{
	int			kind = set_test_of(f);
	bool		lazy = kind == 2;
	RbacSetHint h;
	Var		   *v;

	if (kind == 0)
		return false;
	v = plain_var((Node *) linitial(f->args));
	return v != NULL && v->varno == s->var->varno &&
		v->varattno == s->var->varattno &&
		set_test_hint(f, lazy, &h) &&
		strcmp(h.type, s->type) == 0 && strcmp(h.term, s->term) == 0;
}

/* Is there such a set test anywhere in a clause of b's policy? */
static bool
policy_arm_walker(Node *node, ArmSearch *s)
{
	if (node != NULL && IsA(node, FuncExpr) && arm_of((FuncExpr *) node, s))
	{
		s->found = true;
		return true;
	}
	return node != NULL && expression_tree_walker(node, policy_arm_walker, s);
}

/*
 * The selectivity of b's row-level-security clauses generated for the
 * set's type and term on bvar (those that hold a set test of them on
 * bvar), or 1 when it has none.
 */
static Selectivity
policy_selectivity(PlannerInfo *root, RelOptInfo *b, Var *bvar, RbacSetHint *hint)
{
	List	   *policy = NIL;
	ListCell   *lc;

	foreach(lc, b->baserestrictinfo)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		ArmSearch	s;

		s.var = bvar;
		s.type = hint->type;
		s.term = hint->term;
		s.found = false;
		(void) policy_arm_walker((Node *) ri->clause, &s);
		if (s.found)
			policy = lappend(policy, ri);
	}
	if (policy == NIL)
		return 1.0;
	return clauselist_selectivity(root, policy, b->relid, JOIN_INNER, NULL);
}

/*
 * For a join clause of joinrel's restrictions between a base relation in
 * a and one in b, the selectivity of b's policy that a's set restriction
 * implies, or 1.
 */
static Selectivity
implied_policy_selectivity(PlannerInfo *root, RestrictInfo *ri,
						   RelOptInfo *a, RelOptInfo *b)
{
	OpExpr	   *op = (OpExpr *) ri->clause;
	Var		   *l;
	Var		   *r;
	Var		   *avar;
	Var		   *bvar;
	RbacSetHint hint;

	if (!IsA(op, OpExpr) || list_length(op->args) != 2 || ri->mergeopfamilies == NIL)
		return 1.0;
	l = plain_var((Node *) linitial(op->args));
	r = plain_var((Node *) lsecond(op->args));
	if (l == NULL || r == NULL)
		return 1.0;
	if (l->varno == a->relid && r->varno == b->relid)
	{
		avar = l;
		bvar = r;
	}
	else if (r->varno == a->relid && l->varno == b->relid)
	{
		avar = r;
		bvar = l;
	}
	else
		return 1.0;
	if (!restricted_to_set(a, avar, &hint))
		return 1.0;
	return policy_selectivity(root, b, bvar, &hint);
}

/*
 * What reading a row of a set costs a plan that reads them all (a bitmap
 * scan of the set's rows in random order, a hash, a sort), over what a
 * walk of a key in order costs per row it reads, in the same (cached)
 * conditions: tests/bench/rls.sh at 1,000,000 and 10,000,000 issues
 * measured 1.1-1.6 us against 0.13 us.
 */
#define SET_ROW_PER_WALK_ROW 11.0

/*
 * Under a LIMIT, is walking set's table in order (the plan a correct join
 * estimate makes the planner take for a first page) cheaper than reading
 * the set's rows?  The walk reads limit / fraction rows to find limit of
 * them, the set's plans read all of them (rel's estimated rows).
 * PostgreSQL's default costs price the walk's rows several times too
 * cheaply against the set's (random_page_cost = 4 for a page read at
 * random, 0.01 to 0.03 for a row walked in order, where cached pages cost
 * about 10 to 1): corrected, the join's first page walked 47,000 rows
 * (6.4 ms) where reading the 1,090 rows of the set took 1.7 ms.  Without a
 * LIMIT the estimate is corrected whatever it leads to.
 */
static bool
walk_pays(PlannerInfo *root, RelOptInfo *set)
{
	double		fraction;

	if (root->limit_tuples <= 0)
		return true;
	if (set->tuples <= 0 || set->rows <= 0)
		return false;
	fraction = Min(set->rows / set->tuples, 1.0);
	return set->rows * SET_ROW_PER_WALK_ROW > root->limit_tuples / fraction;
}

/* Is there a set test (rbac._in_lazy, rbac._in) anywhere in node? */
static bool
set_test_walker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, FuncExpr) && set_test_of((FuncExpr *) node) != 0)
		return true;
	return expression_tree_walker(node, set_test_walker, context);
}

/* Is rel restricted by a generated policy (a set test in a restriction)? */
static bool
has_set_test(RelOptInfo *rel)
{
	ListCell   *lc;

	foreach(lc, rel->baserestrictinfo)
		if (set_test_walker((Node *) lfirst_node(RestrictInfo, lc)->clause, NULL))
			return true;
	return false;
}

/*
 * Bytes of a Memoize node's hash table entry (MemoizeEntry, private to
 * nodeMemoize.c: two pointers, the hash, the status and a flag).
 */
#define MEMOIZE_ENTRY_BYTES 24

/*
 * What zeroing a page's worth (BLCKSZ) of a new hash table costs, first
 * touches of the memory included, in cpu_tuple_cost units: 3 MB took
 * 0.4-0.5 ms in tests/bench/rls.sh's sequence, where a cost unit of the
 * joined page's plan was about 30 us.
 */
#define MEMOIZE_PAGE_ZERO_TUPLES 4.0

/*
 * The cost of a Memoize node's initialization, which the planner leaves
 * out: ExecInitMemoize builds a hash table sized for every entry the
 * planner expects (est_entries) and zeroes it, at every execution.  Over
 * a protected table the planner expects as many entries as the other
 * side has distinct keys (100,000 repositories under a first page of 50
 * issues), so the table costs more than the page.
 */
static Cost
memoize_init_cost(MemoizePath *mp)
{
	double		buckets = pg_nextpower2_64((uint64) Max(mp->est_entries / 0.9, 2.0));

	return buckets * MEMOIZE_ENTRY_BYTES / BLCKSZ * MEMOIZE_PAGE_ZERO_TUPLES * cpu_tuple_cost;
}

/*
 * For the nested loops of an inner join over a Memoize of a protected
 * innerrel (paths made for this pair of relations, which the hook sees
 * once): charge the Memoize its initialization, and offer the same nested
 * loop without it (which the charged one may have pushed out of the list).
 * Under a LIMIT the plain loop then wins where few rows are read; a join
 * read to the end keeps the Memoize, whose initialization is then small.
 */
static void
charge_memoize(PlannerInfo *root, RelOptInfo *joinrel, RelOptInfo *outerrel,
			   RelOptInfo *innerrel, JoinType jointype, JoinPathExtraData *extra)
{
	List	   *charged = NIL;
	List	   *plain = NIL;
	ListCell   *lc;

	if (jointype != JOIN_INNER || innerrel->reloptkind != RELOPT_BASEREL ||
		!has_set_test(innerrel))
		return;
	foreach(lc, joinrel->pathlist)
	{
		NestPath   *np = (NestPath *) lfirst(lc);
		MemoizePath *mp;
		JoinCostWorkspace ws;

		if (!IsA(np, NestPath) || !IsA(np->jpath.innerjoinpath, MemoizePath) ||
			np->jpath.outerjoinpath->parent != outerrel)
			continue;
		mp = (MemoizePath *) np->jpath.innerjoinpath;
		if (mp->subpath->parent != innerrel || mp->est_entries == 0)
			continue;
		charged = lappend(charged, np);
		initial_cost_nestloop(root, &ws, jointype, np->jpath.outerjoinpath,
							  mp->subpath, extra);
		plain = lappend(plain,
						create_nestloop_path(root, joinrel, jointype, &ws, extra,
											 np->jpath.outerjoinpath, mp->subpath,
											 np->jpath.joinrestrictinfo,
											 np->jpath.path.pathkeys,
											 PATH_REQ_OUTER(&np->jpath.path)));
	}
	/* out of the list first: add_path may free the paths it pushes out */
	foreach(lc, charged)
	{
		NestPath   *np = (NestPath *) lfirst(lc);
		Cost		init = memoize_init_cost((MemoizePath *) np->jpath.innerjoinpath);

		joinrel->pathlist = list_delete_ptr(joinrel->pathlist, np);
		np->jpath.path.startup_cost += init;
		np->jpath.path.total_cost += init;
	}
	foreach(lc, charged)
		add_path(joinrel, (Path *) lfirst(lc));
	foreach(lc, plain)
		add_path(joinrel, (Path *) lfirst(lc));
	list_free(charged);
	list_free(plain);
}

/*
 * set_join_pathlist_hook: a Memoize over a protected table charged its
 * initialization (charge_memoize); for an inner join of two base
 * relations where one's set restriction implies the other's policy
 * (above), the join's row estimate without that policy, and its paths
 * rescaled to it.
 * Idempotent: the estimate is computed again from the inputs each time
 * (the hook runs once per order of the two relations).
 */
static void
rbac_join_pathlist(PlannerInfo *root, RelOptInfo *joinrel,
				   RelOptInfo *outerrel, RelOptInfo *innerrel,
				   JoinType jointype, JoinPathExtraData *extra)
{
	ListCell   *lc;
	Selectivity osel = 1.0;
	Selectivity isel = 1.0;
	double		orows;
	double		irows;
	double		old_rows = joinrel->rows;
	double		ratio;

	if (prev_join_pathlist_hook)
		prev_join_pathlist_hook(root, joinrel, outerrel, innerrel, jointype, extra);
	if (join_estimate)
		charge_memoize(root, joinrel, outerrel, innerrel, jointype, extra);
	if (!join_estimate || jointype != JOIN_INNER || outerrel->reloptkind != RELOPT_BASEREL ||
		innerrel->reloptkind != RELOPT_BASEREL || outerrel->rtekind != RTE_RELATION ||
		innerrel->rtekind != RTE_RELATION || old_rows <= 0)
		return;
	foreach(lc, extra->restrictlist)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);

		if (isel >= 1.0)
			isel = implied_policy_selectivity(root, ri, outerrel, innerrel);
		if (osel >= 1.0)
			osel = implied_policy_selectivity(root, ri, innerrel, outerrel);
	}
	/* isel: the inner side's policy, implied by the outer side's set */
	if (isel < 1.0 && !walk_pays(root, outerrel))
		isel = 1.0;
	if (osel < 1.0 && !walk_pays(root, innerrel))
		osel = 1.0;
	if (osel >= 1.0 && isel >= 1.0)
		return;

	/* estimate again with the implied policies' selectivity divided out */
	orows = outerrel->rows;
	irows = innerrel->rows;
	outerrel->rows = Min(orows / Max(osel, 1e-10), outerrel->tuples);
	innerrel->rows = Min(irows / Max(isel, 1e-10), innerrel->tuples);
	set_joinrel_size_estimates(root, joinrel, outerrel, innerrel,
							   extra->sjinfo, extra->restrictlist);
	outerrel->rows = orows;
	innerrel->rows = irows;
	/* never above the restricted sides' product */
	joinrel->rows = clamp_row_est(Min(joinrel->rows, orows * irows));
	if (joinrel->rows <= old_rows)
	{
		joinrel->rows = old_rows;
		return;
	}

	ratio = joinrel->rows / old_rows;
	foreach(lc, joinrel->pathlist)
	{
		Path	   *p = (Path *) lfirst(lc);

		if (p->param_info == NULL)
			p->rows = clamp_row_est(p->rows * ratio);
	}
	foreach(lc, joinrel->partial_pathlist)
	{
		Path	   *p = (Path *) lfirst(lc);

		if (p->param_info == NULL)
			p->rows = clamp_row_est(p->rows * ratio);
	}
}

void
rbac_rls_join_init(void)
{
	DefineCustomBoolVariable("rbac.rls_join_estimate",
							 "Estimates a join of two tables under generated row-level security without the policy that the other table's policy implies.",
							 "Off: the planner multiplies both policies' selectivities as if independent.",
							 &join_estimate,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	prev_join_pathlist_hook = set_join_pathlist_hook;
	set_join_pathlist_hook = rbac_join_pathlist;
	CacheRegisterSyscacheCallback(PROCOID, kind_memo_reset, (Datum) 0);
	CacheRegisterSyscacheCallback(NAMESPACEOID, kind_memo_reset, (Datum) 0);
}
