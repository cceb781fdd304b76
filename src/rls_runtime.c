/*-------------------------------------------------------------------------
 *
 * rls_runtime.c
 *	  What generated row-level-security policies call while a query runs:
 *	  rbac._keys, rbac._keys_direct, rbac._keys_path and rbac._has_global
 *	  (the current actor's sets, from sets.c), rbac._in (hashed membership)
 *	  and its planner support function, and the cache of sets computed
 *	  under the statement's snapshot that they share (the set-size
 *	  estimates are rls_estimate.c's).
 *
 * These functions run per query, as the querying user, without a SET
 * search_path clause: every statement they run is schema-qualified and
 * writes OPERATOR(pg_catalog.=).  They only reveal what the current actor
 * itself may do.
 *
 *-------------------------------------------------------------------------
 */
#include "actor.h"
#include "refs.h"
#include "rls.h"
#include "rls_estimate.h"
#include "sets.h"
#include "sqlgen.h"

#include "nodes/nodeFuncs.h"
#include "nodes/pathnodes.h"
#include "nodes/supportnodes.h"
#include "optimizer/optimizer.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "portability/instr_time.h"
#include "storage/proc.h"
#include "utils/datum.h"
#include "utils/guc.h"

PG_FUNCTION_INFO_V1(rbac_keys);
PG_FUNCTION_INFO_V1(rbac_keys_own);
PG_FUNCTION_INFO_V1(rbac_keys_direct);
PG_FUNCTION_INFO_V1(rbac_keys_path);
PG_FUNCTION_INFO_V1(rbac_has_global);
PG_FUNCTION_INFO_V1(rbac_in);
PG_FUNCTION_INFO_V1(rbac_in_support);
PG_FUNCTION_INFO_V1(rbac_in_lazy);

/*
 * rbac.rls_check_budget: microseconds of row-at-a-time checks an
 * rbac._in_lazy call spends in one query before it computes the actor's
 * whole set; -1 (the default): half as long as computing the set took last
 * time (a ski-rental rule: a query never costs more than 1.5 times what
 * the better of the two strategies would have cost it, plus the rows).
 */
static int	check_budget = -1;

/* The automatic budget's share of the set's last build time. */
#define BUDGET_SHARE 0.5

/* Default budget when the set was neither built nor estimated (last_build_us). */
#define DEFAULT_BUDGET_US 2000

static void set_built(const char *actor, const char *hint, RbacModel *m,
					  KeySet *k, instr_time start);
static bool lazy_args(List *args);

/* Define the settings of this file (from _PG_init). */
void
rbac_rls_runtime_init(void)
{
	DefineCustomIntVariable("rbac.rls_check_budget",
							"Microseconds a generated policy spends checking rows one at a time before it computes the current actor's whole set.",
							"-1: half as long as computing the set took last time; 0: compute the set at once.",
							&check_budget,
							-1, -1, INT_MAX,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);
}

/* The model, type and term named by SQL arguments, or errors. */
static MType *
type_and_term(FunctionCallInfo fcinfo, int *term)
{
	RbacModel  *m = rbac_get_model();
	MType	   *t;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("type and term must not be null")));
	t = rbac_ref_require_type(m, text_to_cstring(PG_GETARG_TEXT_PP(0)), RBAC_TYPE_ANY_RESOURCE);
	*term = rbac_type_term(t, text_to_cstring(PG_GETARG_TEXT_PP(1)));
	if (*term >= 0 && t->ast->terms[*term].kind == RBAC_TERM_RELATION &&
		t->ast->terms[*term].target_type != NULL &&
		t->ast->terms[*term].target_type->is_actor)
		return t;				/* an actor relation: rows related to the actor */
	if (*term < 0 || t->ast->terms[*term].kind == RBAC_TERM_RELATION)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("unknown role or permission \"%s\" for type %s",
						text_to_cstring(PG_GETARG_TEXT_PP(1)), t->name)));
	return t;
}


/*
 * Sets computed for a statement, for its other uses of the same set.
 *
 * An index condition, an InitPlan and every rbac._in_lazy call site that
 * name the same set of the current actor would each compute it.  All read
 * through the active snapshot: when a later use's snapshot is
 * identical (same xmin, xmax, in-progress transactions and command id)
 * and no subtransaction rolled back since (what it wrote vanishes without
 * changing the snapshot), the same rows are visible; when actor and model
 * are the same too, the planned
 * set is exactly what the later use would compute, and is reused.  The
 * sets live until the end of the transaction.
 */
typedef struct PlannedSet
{
	MemoryContext cxt;			/* NULL: slot unused */
	char	   *key;			/* rbac_set_key(actor, hint) */
	RbacModel  *model;
	RbacSnapStamp stamp;		/* xip and subxip copied into cxt */
	int			n;
	char	  **items;
	bool		universal;
} PlannedSet;

#define NPLANNED 8
static PlannedSet planned[NPLANNED];
static int	planned_next = 0;
static bool planned_callback = false;

/* At transaction end, forget every planned set. */
static void
planned_xact_callback(XactEvent event, void *arg)
{
	int			i;

	if (event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT &&
		event != XACT_EVENT_PARALLEL_COMMIT && event != XACT_EVENT_PARALLEL_ABORT &&
		event != XACT_EVENT_PREPARE)
		return;
	for (i = 0; i < NPLANNED; i++)
		if (planned[i].cxt)
		{
			MemoryContextDelete(planned[i].cxt);
			planned[i].cxt = NULL;
		}
}

/* Remember set k for (actor, hint) under the active snapshot. */
static void
planned_store(const char *actor, const char *hint, RbacModel *m, KeySet *k)
{
	PlannedSet *p = &planned[planned_next];
	Snapshot	snap;
	MemoryContext old;
	int			i;

	if (actor == NULL || (snap = rbac_cacheable_snapshot()) == NULL)
		return;
	if (!planned_callback)
	{
		RegisterXactCallback(planned_xact_callback, NULL);
		planned_callback = true;
	}
	planned_next = (planned_next + 1) % NPLANNED;
	if (p->cxt)
		MemoryContextDelete(p->cxt);
	p->cxt = AllocSetContextCreate(TopMemoryContext, "pg_rbac planned set",
								   ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(p->cxt);
	p->key = rbac_set_key(actor, hint);
	p->model = m;
	rbac_snapstamp_take(&p->stamp, snap, p->cxt);
	p->universal = k->universal;
	p->n = k->n;
	p->items = palloc(sizeof(char *) * Max(k->n, 1));
	for (i = 0; i < k->n; i++)
		p->items[i] = pstrdup(k->items[i]);
	MemoryContextSwitchTo(old);
}

/*
 * The set planned for (actor, hint) if the active snapshot sees exactly
 * what its computation saw, as a KeySet (items only) in the current context;
 * else NULL.
 */
static KeySet *
planned_lookup(const char *actor, const char *hint, RbacModel *m)
{
	int			i;

	char	   *key;

	if (actor == NULL)
		return NULL;
	key = rbac_set_key(actor, hint);
	for (i = 0; i < NPLANNED; i++)
	{
		PlannedSet *p = &planned[i];
		KeySet	   *k;

		if (p->cxt == NULL || p->model != m || strcmp(p->key, key) != 0 ||
			!rbac_snapstamp_current(&p->stamp))
			continue;
		k = palloc0(sizeof(KeySet));
		k->n = p->n;
		k->items = p->items;
		k->universal = p->universal;
		return k;
	}
	return NULL;
}

/*
 * Compute the set of term on t that a hint of kind names (sqlgen.h):
 * direct grants only, every derivation, or every derivation matched
 * against t's own keys only.  se begun, inside RBAC_INTERNAL_BEGIN/END.
 */
static KeySet *
compute_kind(RbacSetEval *se, RbacSetHintKind kind, MType *t, int term)
{
	if (kind == RBAC_HINT_DIRECT)
		return rbac_sets_compute_direct(se, t, term);
	if (kind == RBAC_HINT_OWN)
		return rbac_sets_compute_own(se, t, term);
	return rbac_sets_compute(se, t, term);
}

/*
 * The current actor's set of term on t of the kind of hint, named by
 * hint: the one already computed under the active snapshot, else
 * computed now and kept for later calls (with the time it took).  Called
 * inside RBAC_INTERNAL_BEGIN/END, se begun for actor.
 */
static KeySet *
current_set(RbacSetEval *se, const char *actor, const char *hint,
			RbacModel *m, MType *t, int term, RbacSetHintKind kind)
{
	KeySet	   *k = planned_lookup(actor, hint, m);
	instr_time	start;

	if (k != NULL)
		return k;
	INSTR_TIME_SET_CURRENT(start);
	k = compute_kind(se, kind, t, term);
	set_built(actor, hint, m, k, start);
	return k;
}

/*
 * The element type of the anyarray result, from the type of the sample
 * argument argno: its base type, which must be one of PostgreSQL's own (a
 * domain's checks, a user type's I/O never run here).  Checked before any
 * set is computed.
 */
static Oid
keys_elemtype(FunctionCallInfo fcinfo, int argno)
{
	Oid			sample = get_fn_expr_argtype(fcinfo->flinfo, argno);
	Oid			elemtype;

	if (!OidIsValid(sample))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("could not determine the key type from the sample argument")));
	elemtype = rbac_safe_type(sample);
	if (!OidIsValid(elemtype))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("keys cannot be returned as type %s", format_type_be(sample)),
				 errdetail("The sample must have a built-in base type (or a domain over one).")));
	return elemtype;
}

/*
 * The keys of type (argument 0) on which the current actor holds term
 * (argument 1), as an array of argument 2's type: every derivation, or
 * only direct grants closed under the type's same-type rules.  A term that
 * is a relation to an actor type gives the rows related to the actor.
 */
static Datum
keys_function(FunctionCallInfo fcinfo, RbacSetHintKind kind)
{
	MemoryContext callcxt = CurrentMemoryContext;
	int			term;
	MType	   *t = type_and_term(fcinfo, &term);
	RbacModel  *m = rbac_get_model();
	const char *actor = rbac_current_actor_name();
	Oid			elemtype = keys_elemtype(fcinfo, 2);
	Datum		result = (Datum) 0;

	RBAC_INTERNAL_BEGIN();
	{
		RbacSetEval		se;
		KeySet	   *k;
		char	   *hint;

		rbac_sets_begin(&se, m, actor);
		if (t->ast->terms[term].kind == RBAC_TERM_RELATION)
		{
			k = keyset_new();
			if (kind != RBAC_HINT_DIRECT)
				rbac_sets_rows_of_actor(&se, t, term, k);
		}
		else
		{
			hint = rbac_sql_format_hint(kind, t->name, NULL, 0, t->ast->terms[term].name);
			k = current_set(&se, actor, hint, m, t, term, kind);
		}
		if (k->universal)
			k = rbac_sets_all_keys(t);
		rbac_eval_end(&se.ev);
		MemoryContextSwitchTo(callcxt);
		result = rbac_sets_typed_array(k->items, 0, k->n, elemtype);
	}
	RBAC_INTERNAL_END();
	return result;
}

/*
 * rbac._keys(type text, term text, sample anyelement) -> anyarray
 *
 * The keys of the resources of type on which the current actor holds term,
 * as an array of sample's type.  STABLE: generated policies call it once
 * per query, as an InitPlan.
 */
Datum
rbac_keys(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(keys_function(fcinfo, RBAC_HINT_KEYS));
}

/*
 * rbac._keys_own(type text, term text, sample anyelement) -> anyarray
 *
 * The keys of rbac._keys, for a policy that matches them against the key
 * of type's own rows only (its arms through join tables): keys reached
 * through a join table are not probed for a row (sets.c), so the array may
 * hold keys no row has.
 */
Datum
rbac_keys_own(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(keys_function(fcinfo, RBAC_HINT_OWN));
}

/*
 * rbac._keys_direct(type text, term text, sample anyelement) -> anyarray
 *
 * The keys of type on which the current actor holds term through direct
 * assignments (and custom roles) and the type's same-type implications.
 */
Datum
rbac_keys_direct(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(keys_function(fcinfo, RBAC_HINT_DIRECT));
}

/*
 * rbac._keys_path(type text, path text[], term text, sample anyelement)
 *	-> anyarray
 *
 * For has_role(actor, term, r.h1.h2...hk) in a policy on type: the keys of
 * the type reached by h1 whose walk along h2..hk ends on a resource where
 * the current actor holds term.  The policy compares r.h1 with them.
 */
Datum
rbac_keys_path(PG_FUNCTION_ARGS)
{
	MemoryContext callcxt = CurrentMemoryContext;
	RbacModel  *m = rbac_get_model();
	const char *actor = rbac_current_actor_name();
	MType	   *t;
	Datum	   *elems;
	bool	   *nulls;
	int			nhops;
	MType	  **types;
	int		   *terms;
	int			term;
	int			i;
	Oid			elemtype;
	Datum		result = (Datum) 0;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("type, path and term must not be null")));
	elemtype = keys_elemtype(fcinfo, 3);
	t = rbac_ref_require_type(m, text_to_cstring(PG_GETARG_TEXT_PP(0)), RBAC_TYPE_ANY_RESOURCE);
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(1), TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &nhops);
	if (nhops < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the path must have at least one relation")));
	for (i = 0; i < nhops; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("the path must not contain null elements")));
	/* types[0] = t, types[i] = target of hop i; terms[i] = relation of hop i+1 */
	types = palloc(sizeof(MType *) * (nhops + 1));
	terms = palloc(sizeof(int) * (nhops + 1));
	types[0] = t;
	for (i = 0; i < nhops; i++)
	{
		char	   *rel = TextDatumGetCString(elems[i]);

		terms[i] = rbac_type_term(types[i], rel);
		if (terms[i] < 0 || types[i]->ast->terms[terms[i]].kind != RBAC_TERM_RELATION)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("unknown relation \"%s\" of type %s", rel, types[i]->name)));
		types[i + 1] = rbac_ref_require_type(m, types[i]->ast->terms[terms[i]].target, RBAC_TYPE_ANY_RESOURCE);
	}
	term = rbac_type_term(types[nhops], text_to_cstring(PG_GETARG_TEXT_PP(2)));
	if (term < 0 || types[nhops]->ast->terms[term].kind == RBAC_TERM_RELATION)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("unknown role or permission \"%s\" for type %s",
						text_to_cstring(PG_GETARG_TEXT_PP(2)), types[nhops]->name)));

	RBAC_INTERNAL_BEGIN();
	{
		RbacSetEval		se;
		KeySet	   *k;

		rbac_sets_begin(&se, m, actor);
		k = rbac_sets_compute(&se, types[nhops], term);
		/* walk back: keys of types[i] whose hop i is in k */
		for (i = nhops - 1; i >= 1; i--)
		{
			KeySet	   *prev = keyset_new();
			int			done = 0;
			bool		once = false;

			rbac_sets_propagate_via(types[i], terms[i], k, &done, prev, &once, true);
			k = prev;
		}
		if (k->universal)
			k = rbac_sets_all_keys(types[1]);
		rbac_eval_end(&se.ev);
		MemoryContextSwitchTo(callcxt);
		result = rbac_sets_typed_array(k->items, 0, k->n, elemtype);
	}
	RBAC_INTERNAL_END();
	PG_RETURN_DATUM(result);
}

/* rbac._has_global(role text) -> boolean: does the current actor hold it? */
Datum
rbac_has_global(PG_FUNCTION_ARGS)
{
	RbacModel  *m = rbac_get_model();
	const char *actor = rbac_current_actor_name();
	int			g;
	volatile bool result = false;

	if (PG_ARGISNULL(0) || actor == NULL)
		PG_RETURN_BOOL(false);
	g = rbac_model_global(m, text_to_cstring(PG_GETARG_TEXT_PP(0)));
	if (g < 0)
		PG_RETURN_BOOL(false);
	RBAC_INTERNAL_BEGIN();
	{
		RbacEval		ev;

		rbac_eval_begin(&ev, m, actor);
		rbac_eval_load_globals(&ev);
		result = ev.global_held[g];
		rbac_eval_end(&ev);
	}
	RBAC_INTERNAL_END();
	PG_RETURN_BOOL(result);
}

/* ---------------------------------------------------------------------
 * rbac._in(value, keys): hashed membership for generated policies
 * ---------------------------------------------------------------------
 */

/*
 * How far the keys argument of one rbac._in call can be trusted to stay the
 * same array: a Const for the plan's life, an InitPlan's output (PARAM_EXEC
 * -- the support function admits only uncorrelated subqueries, evaluated
 * once per execution) for the query; an external parameter (a prepared
 * statement's, a PL/pgSQL variable's) can be reassigned in place between
 * evaluations of a reused expression, so its content is compared.
 */
typedef enum InKeysKind
{
	IN_KEYS_FIXED,				/* Const or InitPlan Param: the datum pointer */
	IN_KEYS_EXTERN,				/* PARAM_EXTERN: pointer and content */
	IN_KEYS_ROWS				/* anything else: rebuilt on every call */
} InKeysKind;

/* The membership test of one array, cached in fn_extra. */
typedef struct InCache
{
	InKeysKind	kind;
	const void *array;			/* the array datum it was built from */
	struct varlena *copy;		/* IN_KEYS_EXTERN: its content */
	InSet	   *set;
} InCache;

/* The InKeysKind of the keys argument of a call. */
static InKeysKind
keys_arg_kind(FmgrInfo *flinfo)
{
	Node	   *expr = flinfo->fn_expr;
	Node	   *arg;

	if (expr == NULL || !IsA(expr, FuncExpr) || list_length(((FuncExpr *) expr)->args) < 2)
		return IN_KEYS_ROWS;
	arg = (Node *) lsecond(((FuncExpr *) expr)->args);
	while (arg && IsA(arg, RelabelType))
		arg = (Node *) ((RelabelType *) arg)->arg;
	if (arg != NULL && IsA(arg, Const))
		return IN_KEYS_FIXED;
	if (arg != NULL && IsA(arg, Param))
		return ((Param *) arg)->paramkind == PARAM_EXEC ? IN_KEYS_FIXED : IN_KEYS_EXTERN;
	return IN_KEYS_ROWS;
}

/* Is the cached set of c the one of keys datum raw? */
static bool
in_cache_valid(InCache *c, Datum raw)
{
	struct varlena *v;

	if (c->set == NULL || c->kind == IN_KEYS_ROWS || c->array != DatumGetPointer(raw))
		return false;
	if (c->kind == IN_KEYS_FIXED)
		return true;
	v = (struct varlena *) DatumGetPointer(raw);
	return VARSIZE_ANY(v) == VARSIZE_ANY(c->copy) &&
		memcmp(v, c->copy, VARSIZE_ANY(v)) == 0;
}

/*
 * rbac._in(value anyelement, keys anyarray) -> boolean
 *
 * value = ANY(keys), with the array hashed once per query: generated
 * policies test each row against sets of thousands of keys, which a linear
 * "= ANY" would make quadratic.  Its planner support function (below) hands
 * the planner "value = ANY(keys)" as an index condition, so indexes on the
 * key and relation columns are still used.
 */
Datum
rbac_in(PG_FUNCTION_ARGS)
{
	Datum		raw;
	InCache    *c = fcinfo->flinfo->fn_extra;
	Oid			valtype;

	/* a NULL value or set matches nothing (a policy treats NULL as false) */
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_BOOL(false);

	/*
	 * The set is known by its datum as passed, before any detoasting: a
	 * small array copied into a tuple has a short header, and detoasting
	 * it would give a new copy (and a rebuilt set) on every row.
	 */
	raw = PG_GETARG_DATUM(1);
	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(InCache));
		c->kind = keys_arg_kind(fcinfo->flinfo);
		fcinfo->flinfo->fn_extra = c;
	}
	if (in_cache_valid(c, raw))
		PG_RETURN_BOOL(inset_contains(c->set, PG_GETARG_DATUM(0)));

	valtype = getBaseType(get_fn_expr_argtype(fcinfo->flinfo, 0));
	if (c->kind == IN_KEYS_ROWS)
	{
		/* keys that may change from call to call: nothing is kept */
		InSet	   *set = inset_build(CurrentMemoryContext, DatumGetArrayTypeP(raw), valtype);

		PG_RETURN_BOOL(inset_contains(set, PG_GETARG_DATUM(0)));
	}
	/* a new array (a rescan's new set): the old one stays until query end */
	c->set = inset_build(fcinfo->flinfo->fn_mcxt, DatumGetArrayTypeP(raw), valtype);
	c->array = DatumGetPointer(raw);
	if (c->kind == IN_KEYS_EXTERN)
	{
		struct varlena *v = (struct varlena *) DatumGetPointer(raw);

		if (c->copy)
			pfree(c->copy);
		c->copy = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, VARSIZE_ANY(v));
		memcpy(c->copy, v, VARSIZE_ANY(v));
	}
	PG_RETURN_BOOL(inset_contains(c->set, PG_GETARG_DATUM(0)));
}

/* ---------------------------------------------------------------------
 * rbac._in_lazy(value, hint): membership that starts row by row
 * ---------------------------------------------------------------------
 */

/*
 * The state of one rbac._in_lazy call site for one execution, in fn_extra.
 * It answers the first rows with a check per row (what a point lookup, a
 * one-parent filter or a first page needs), and computes the current
 * actor's whole set once the checks have cost as much as computing the set
 * did last time; from then on every row is a hashed membership test.
 */
typedef struct LazyIn
{
	char	   *hint;			/* the hint text it was set up for */
	bool		hint_stable;	/* the hint argument cannot change (a Const) */
	uint64		actor_gen;		/* rbac_actor_generation() when last compared */
	RbacSetHint h;
	char	   *actor;			/* the actor it was set up for, or NULL */
	RbacModel  *model;
	Oid			valtype;		/* base type of the value */
	bool		rowwise;		/* may rows be checked one at a time? */
	FmgrInfo	out;			/* output function of valtype */
	int16		typlen;
	bool		typbyval;
	double		spent_us;		/* spent on row checks so far */
	double		budget_us;
	bool		have_last;		/* the last row checked and its answer */
	Datum		last;
	bool		last_held;
	InSet	   *set;			/* the set, once computed */
} LazyIn;

/* The resolved type and term of a hint, or NULL. */
static MType *
hint_type_term(RbacModel *m, RbacSetHint *h, int *term)
{
	MType	   *t;

	*term = rbac_model_term(m, h->type, h->term, &t);
	if (*term < 0 || t->ast->terms[*term].kind == RBAC_TERM_RELATION)
		return NULL;
	return t;
}

/*
 * May values of z's type be checked one at a time, with exactly the answer
 * of the set?  Only for a "k" or "o" hint on a bound type whose key has the
 * value's type, and for integers or text compared byte for byte: the set
 * is matched by value, a check finds the row by its key's index.
 */
static bool
lazy_rowwise(LazyIn *z, Oid collation)
{
	MType	   *t;
	int			term;

	if ((z->h.kind != RBAC_HINT_KEYS && z->h.kind != RBAC_HINT_OWN) || z->actor == NULL)
		return false;
	t = hint_type_term(z->model, &z->h, &term);
	if (t == NULL || !t->bound || getBaseType(t->key_type) != z->valtype)
		return false;
	if (inset_integer_type(z->valtype))
		return true;
	return inset_bytes_type(z->valtype) &&
		(!OidIsValid(collation) || get_collation_isdeterministic(collation)) &&
		(!OidIsValid(t->key_collation) || get_collation_isdeterministic(t->key_collation));
}

/* Set z up for hint, the current actor and model. */
static void
lazy_setup(FunctionCallInfo fcinfo, LazyIn *z, const char *hint)
{
	MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	const char *actor = rbac_current_actor_name();
	Oid			typoutput;
	bool		isvarlena;

	z->hint = pstrdup(hint);
	z->hint_stable = get_fn_expr_arg_stable(fcinfo->flinfo, 1);
	z->actor = actor ? pstrdup(actor) : NULL;
	z->model = rbac_get_model();
	z->valtype = get_fn_expr_argtype(fcinfo->flinfo, 0);
	if (!OidIsValid(z->valtype))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("could not determine the type of the value of rbac._in_lazy")));
	z->valtype = getBaseType(z->valtype);
	if (!rbac_sql_parse_hint(hint, &z->h) || z->h.kind == RBAC_HINT_PATH)
		memset(&z->h, 0, sizeof(z->h));	/* names no set: nothing matches */
	get_typlenbyval(z->valtype, &z->typlen, &z->typbyval);
	z->rowwise = z->h.type != NULL && OidIsValid(rbac_safe_type(z->valtype)) &&
		lazy_rowwise(z, PG_GET_COLLATION());
	if (z->rowwise)
	{
		getTypeOutputInfo(z->valtype, &typoutput, &isvarlena);
		fmgr_info_cxt(typoutput, &z->out, fcinfo->flinfo->fn_mcxt);
	}
	z->spent_us = 0;
	z->have_last = false;
	z->set = NULL;
	if (check_budget >= 0)
		z->budget_us = check_budget;
	else
	{
		z->budget_us = z->actor ? BUDGET_SHARE * rbac_last_build_us(z->actor, z->hint) : 0;
		if (z->budget_us <= 0)
			z->budget_us = DEFAULT_BUDGET_US;
	}
	MemoryContextSwitchTo(old);

	/* a set already computed under this snapshot (an index scan, an arm) */
	if (z->rowwise && z->budget_us > 0)
	{
		KeySet	   *k = planned_lookup(z->actor, z->hint, z->model);

		if (k != NULL)
			z->set = inset_build(fcinfo->flinfo->fn_mcxt,
								 DatumGetArrayTypeP(rbac_sets_typed_array(k->items, 0, k->n, z->valtype)),
								 z->valtype);
	}
}

/*
 * The whole set of z as an InSet: what rbac._keys or rbac._keys_direct
 * returns for the hint (shared with them through the planned sets), or an
 * empty set for a hint that names no type and term.
 */
static void
lazy_build_set(FunctionCallInfo fcinfo, LazyIn *z)
{
	MemoryContext callcxt = CurrentMemoryContext;
	RbacModel  *m = rbac_get_model();
	const char *actor = z->actor;
	Datum		arr = (Datum) 0;
	MType	   *t;
	int			term;

	t = z->h.type ? hint_type_term(m, &z->h, &term) : NULL;
	if (t == NULL || !OidIsValid(rbac_safe_type(z->valtype)))
	{
		z->set = inset_build(fcinfo->flinfo->fn_mcxt,
							 construct_empty_array(z->valtype), z->valtype);
		return;
	}

	RBAC_INTERNAL_BEGIN();
	{
		RbacSetEval se;
		KeySet	   *k;

		rbac_sets_begin(&se, m, actor);
		k = current_set(&se, actor, z->hint, m, t, term, z->h.kind);
		if (k->universal)
			k = rbac_sets_all_keys(t);
		rbac_eval_end(&se.ev);
		MemoryContextSwitchTo(callcxt);
		arr = rbac_sets_typed_array(k->items, 0, k->n, z->valtype);
	}
	RBAC_INTERNAL_END();
	z->set = inset_build(fcinfo->flinfo->fn_mcxt, DatumGetArrayTypeP(arr), z->valtype);
}

/*
 * The answers of the last row check's evaluation: for its resource, every
 * term of its type; for the resources it reached (the repository's
 * organization), the terms it made relevant, when they are final
 * (rbac_eval_nodes_final).  A generated policy's arms on one column (a
 * repository's "owner on parent" and "member on parent") check the same
 * resource for different terms row after row, and a join of two protected
 * tables checks a repository for an issue, then the repository's row its
 * organization: one evaluation answers them all.  Found again only for
 * the same model, actor, transaction and snapshot (rbac_snapstamp_current),
 * like the sets kept for a statement.
 */
typedef struct MemoNode
{
	MType	   *t;
	char	   *id;
	bool	   *known;			/* per term of t: answered here */
	bool	   *held;
} MemoNode;

typedef struct RowMemo
{
	MemoryContext cxt;			/* NULL: never used */
	bool		valid;
	uint64		model_gen;
	uint64		actor_gen;
	LocalTransactionId lxid;
	RbacSnapStamp stamp;
	int			nnodes;
	MemoNode   *nodes;
} RowMemo;

static RowMemo row_memo;

/* The memo's answer for term of t:id: 1 held, 0 not, -1 not known. */
static int
memo_answer(RbacModel *m, uint64 actor_gen, MType *t, const char *id, int term)
{
	int			i;

	if (!row_memo.valid || row_memo.model_gen != m->generation ||
		row_memo.actor_gen != actor_gen || row_memo.lxid != MyProc->lxid)
		return -1;
	for (i = 0; i < row_memo.nnodes; i++)
	{
		MemoNode   *mn = &row_memo.nodes[i];

		if (mn->t == t && mn->known[term] && strcmp(mn->id, id) == 0)
			return rbac_snapstamp_current(&row_memo.stamp) ? mn->held[term] : -1;
	}
	return -1;
}

/*
 * Keep what evaluation ev (under snap) answered: every node's relevant
 * terms, the root's (its asked terms: every term but relations) always,
 * the other nodes' when they are final.
 */
static void
memo_keep(RbacEval *ev, RbacEvalNode *root, Snapshot snap, uint64 actor_gen)
{
	MemoryContext old;
	bool		final = rbac_eval_nodes_final(ev);
	int			i;

	if (row_memo.cxt == NULL)
		row_memo.cxt = AllocSetContextCreate(TopMemoryContext, "pg_rbac row memo",
											 ALLOCSET_SMALL_SIZES);
	else
		MemoryContextReset(row_memo.cxt);
	old = MemoryContextSwitchTo(row_memo.cxt);
	row_memo.model_gen = ev->m->generation;
	row_memo.actor_gen = actor_gen;
	row_memo.lxid = MyProc->lxid;
	row_memo.nodes = palloc(sizeof(MemoNode) * ev->nnodes);
	row_memo.nnodes = 0;
	for (i = 0; i < ev->nnodes; i++)
	{
		RbacEvalNode *n = &ev->nodes[i];
		MemoNode   *mn;
		int			k;

		if (ev->relevant[n->type->index] == NULL || (n != root && !final))
			continue;
		mn = &row_memo.nodes[row_memo.nnodes++];
		mn->t = n->type;
		mn->id = pstrdup(n->id);
		mn->known = palloc0(sizeof(bool) * Max(n->type->nterms, 1));
		mn->held = palloc0(sizeof(bool) * Max(n->type->nterms, 1));
		for (k = 0; k < n->type->nterms; k++)
		{
			mn->known[k] = ev->relevant[n->type->index][k];
			mn->held[k] = mn->known[k] && n->held[k];
		}
	}
	rbac_snapstamp_take(&row_memo.stamp, snap, row_memo.cxt);
	row_memo.valid = true;
	MemoryContextSwitchTo(old);
}

/* Does the current actor hold z's term on the resource keyed value? */
static bool
lazy_check_row(LazyIn *z, Datum value)
{
	char	   *id = OutputFunctionCall(&z->out, value);
	RbacModel  *m = rbac_get_model();
	Snapshot	snap = rbac_cacheable_snapshot();
	uint64		actor_gen = rbac_actor_generation();
	int			term;
	MType	   *t = hint_type_term(m, &z->h, &term);
	volatile bool held = false;
	int			known;

	if (t == NULL)
		return false;
	known = snap != NULL ? memo_answer(m, actor_gen, t, id, term) : -1;
	if (known >= 0)
		return known == 1;

	RBAC_INTERNAL_BEGIN();
	{
		RbacEval	ev;
		RbacEvalNode *n;
		int		   *terms = palloc(sizeof(int) * Max(t->nterms, 1));
		int			nterms = 0;
		int			i;

		/* every term of t but its relations: one evaluation for all arms */
		for (i = 0; i < t->nterms; i++)
			if (t->ast->terms[i].kind != RBAC_TERM_RELATION)
				terms[nterms++] = i;
		rbac_eval_begin(&ev, m, z->actor);
		n = rbac_eval_resource(&ev, t, id, terms, nterms);
		held = n->held[term];
		row_memo.valid = false;
		if (snap != NULL)
			memo_keep(&ev, n, snap, actor_gen);
		rbac_eval_end(&ev);
	}
	RBAC_INTERNAL_END();
	return held;
}

/*
 * rbac._in_lazy(value anyelement, hint text, sample anyelement) -> boolean
 *
 * Does value belong to the current actor's set that hint names (what
 * rbac._in(value, (SELECT rbac._keys...), hint) answers)?  Rows are
 * checked one at a time until that has cost as much as computing the set
 * (rbac.rls_check_budget); then the set is computed and hashed.  Its
 * planner support function gives the planner
 * "value = ANY(rbac._keys('Type', 'term', sample))" as an index condition,
 * which the executor evaluates only on that path; a set computed there, or
 * by another use under the same snapshot, is used from the first row.
 * sample (generated policies pass (SELECT NULL::type)) only carries the
 * type into that condition.
 */
Datum
rbac_in_lazy(PG_FUNCTION_ARGS)
{
	LazyIn	   *z = fcinfo->flinfo->fn_extra;
	const char *actor;
	char	   *hint;
	uint64		actor_gen;
	Datum		value;
	bool		held;
	instr_time	start,
				end;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_BOOL(false);
	value = PG_GETARG_DATUM(0);
	actor_gen = rbac_actor_generation();

	/*
	 * Most rows: the set is computed, the hint is a constant, and the actor
	 * has not changed since the last row (a generated policy scanning a
	 * large table calls this per row: no copy, no comparison of names).
	 */
	if (z != NULL && z->set != NULL && z->hint_stable && z->actor_gen == actor_gen)
		PG_RETURN_BOOL(inset_contains(z->set, value));

	hint = text_to_cstring(PG_GETARG_TEXT_PP(1));
	actor = rbac_current_actor_name();
	if (z == NULL)
	{
		z = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(LazyIn));
		fcinfo->flinfo->fn_extra = z;
	}
	/* first call, or the hint or the actor changed: start over */
	if (z->hint == NULL || strcmp(z->hint, hint) != 0 ||
		(actor == NULL) != (z->actor == NULL) ||
		(actor != NULL && strcmp(actor, z->actor) != 0))
		lazy_setup(fcinfo, z, hint);
	z->actor_gen = actor_gen;
	pfree(hint);

	if (z->set == NULL && (!z->rowwise || z->spent_us >= z->budget_us))
		lazy_build_set(fcinfo, z);
	if (z->set != NULL)
		PG_RETURN_BOOL(inset_contains(z->set, value));

	if (z->have_last && datumIsEqual(value, z->last, z->typbyval, z->typlen))
		PG_RETURN_BOOL(z->last_held);
	INSTR_TIME_SET_CURRENT(start);
	held = lazy_check_row(z, value);
	INSTR_TIME_SET_CURRENT(end);
	INSTR_TIME_SUBTRACT(end, start);
	/* in fractions of a microsecond: INSTR_TIME_GET_MICROSEC truncates,
	 * and a check of an actor whose expansion is kept takes less than one */
	z->spent_us += INSTR_TIME_GET_DOUBLE(end) * 1000000.0;
	if (z->have_last && !z->typbyval)
		pfree(DatumGetPointer(z->last));
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		z->last = datumCopy(value, z->typbyval, z->typlen);
		MemoryContextSwitchTo(old);
	}
	z->have_last = true;
	z->last_held = held;
	PG_RETURN_BOOL(held);
}

/*
 * A set of (actor, hint) was just computed, from start: keep it for later
 * calls under the same snapshot, and remember how long it took.
 */
static void
set_built(const char *actor, const char *hint, RbacModel *m, KeySet *k,
		  instr_time start)
{
	instr_time	now;
	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, start);
	if (actor == NULL)
		return;
	rbac_estimate_built(actor, hint, INSTR_TIME_GET_DOUBLE(now) * 1000000.0);
	planned_store(actor, hint, m, k);
}

/* Above this fraction of the table, a set is not used as an index condition. */
#define INDEX_MAX_FRACTION 0.2

/*
 * The estimated fraction for the hint argument (the third) of an rbac._in
 * call: what estimate_fraction says for a constant hint, 0.001 without one.
 */
static double
hint_fraction(List *args)
{
	Node	   *hint = list_length(args) < 3 ? NULL :
		lazy_args(args) ? lsecond(args) : lthird(args);

	if (hint && IsA(hint, Const) && !((Const *) hint)->constisnull)
		return rbac_estimate_fraction(TextDatumGetCString(((Const *) hint)->constvalue));
	return 0.001;
}

/*
 * Planner support for rbac._in: an index condition "value = ANY(keys)"
 * on an index of the value's column (lossy: the call stays as a cheap
 * recheck), and a selectivity estimate.
 */
/* query_tree_walker state: does a subquery refer to an outer query level? */
static bool
refers_outside(Node *node, int *depth)
{
	if (node == NULL)
		return false;
	if (IsA(node, Var))
		return ((Var *) node)->varlevelsup > (Index) *depth;
	if (IsA(node, PlaceHolderVar))
		return ((PlaceHolderVar *) node)->phlevelsup > (Index) *depth;
	if (IsA(node, Aggref))
	{
		if (((Aggref *) node)->agglevelsup > (Index) *depth)
			return true;
	}
	if (IsA(node, Param) && ((Param *) node)->paramkind == PARAM_EXEC)
		return true;
	if (IsA(node, Query))
	{
		bool		result;

		(*depth)++;
		result = query_tree_walker((Query *) node, refers_outside, depth, 0);
		(*depth)--;
		return result;
	}
	return expression_tree_walker(node, refers_outside, depth);
}

/*
 * Is the keys argument of rbac._in one whose value cannot change during a
 * query: a constant, an external parameter, or a subquery with no reference
 * to an outer query (an InitPlan, evaluated once)?
 */
static bool
keys_expr_query_constant(Node *arg)
{
	int			depth = 0;

	while (arg && IsA(arg, RelabelType))
		arg = (Node *) ((RelabelType *) arg)->arg;
	if (arg == NULL)
		return false;
	if (IsA(arg, Const))
		return true;
	/*
	 * A PARAM_EXEC Param here is the InitPlan of a subquery admitted
	 * before (child relations' quals are simplified again after the
	 * subqueries became InitPlans); outer references were Vars then.
	 */
	if (IsA(arg, Param))
		return true;
	if (IsA(arg, SubLink) && ((SubLink *) arg)->subLinkType == EXPR_SUBLINK)
		return !refers_outside(((SubLink *) arg)->subselect, &depth);
	return false;
}

/*
 * Are args those of rbac._in_lazy(value, hint text, sample) rather than of
 * rbac._in(value, keys anyarray, hint)?  Told apart by the second
 * argument's type, without a catalog lookup: the planner asks often.
 */
static bool
lazy_args(List *args)
{
	return list_length(args) == 3 && exprType((Node *) lsecond(args)) == TEXTOID;
}

/*
 * For the hint and sample arguments of rbac._in_lazy (a constant "k", "o"
 * or "d" hint), the call that computes its set:
 * rbac._keys('Type', 'term', sample), rbac._keys_own(...) or
 * rbac._keys_direct(...), whose
 * result is an array of the sample's type.  The sample generated policies
 * pass is an InitPlan's output, (SELECT NULL::type): a Param the planner
 * cannot fold, so it never runs the call while estimating (an index
 * condition on a function of constants would be evaluated at planning).
 * NULL for anything else.
 */
static Node *
lazy_keys_expr(Node *hintarg, Node *sample)
{
	RbacSetHint h;
	Oid			argtypes[3] = {TEXTOID, TEXTOID, ANYELEMENTOID};
	Oid			fn;
	Oid			elemtype = getBaseType(exprType(sample));
	Oid			arraytype = get_array_type(elemtype);

	if (hintarg == NULL || !IsA(hintarg, Const) || ((Const *) hintarg)->constisnull ||
		!OidIsValid(arraytype) || !OidIsValid(rbac_safe_type(elemtype)) ||
		!rbac_sql_parse_hint(TextDatumGetCString(((Const *) hintarg)->constvalue), &h) ||
		h.kind == RBAC_HINT_PATH)
		return NULL;
	fn = LookupFuncName(list_make2(makeString("rbac"),
								   makeString(h.kind == RBAC_HINT_DIRECT ? "_keys_direct" :
											  h.kind == RBAC_HINT_OWN ? "_keys_own" : "_keys")),
						3, argtypes, true);
	if (!OidIsValid(fn))
		return NULL;
	return (Node *) makeFuncExpr(fn, arraytype,
								 list_make3(makeConst(TEXTOID, -1, DEFAULT_COLLATION_OID, -1,
													  CStringGetTextDatum(h.type), false, false),
											makeConst(TEXTOID, -1, DEFAULT_COLLATION_OID, -1,
													  CStringGetTextDatum(h.term), false, false),
											copyObject(sample)),
								 get_typcollation(arraytype), DEFAULT_COLLATION_OID,
								 COERCE_EXPLICIT_CALL);
}

/*
 * Does another restriction of the indexed relation fix col to a few values
 * the index finds by itself: "col = <pseudo-constant>" or "col = ANY
 * (<pseudo-constant array>)" with the index's equality (a lookup by key)?
 * Then rbac._in_lazy offers no index condition: a btree scan takes every
 * clause it can use, so its set would be computed for the lookup, while a
 * check of the few rows found costs a few probes.
 */
static bool
col_fixed_by_query(SupportRequestIndexCondition *req, Node *col)
{
	ListCell   *lc;

	while (IsA(col, RelabelType))
		col = (Node *) ((RelabelType *) col)->arg;
	foreach(lc, req->index->rel->baserestrictinfo)
	{
		Expr	   *clause = ((RestrictInfo *) lfirst(lc))->clause;
		Oid			opno;
		List	   *args;
		Node	   *left;
		Node	   *right;

		if (IsA(clause, OpExpr))
		{
			opno = ((OpExpr *) clause)->opno;
			args = ((OpExpr *) clause)->args;
		}
		else if (IsA(clause, ScalarArrayOpExpr) && ((ScalarArrayOpExpr *) clause)->useOr)
		{
			opno = ((ScalarArrayOpExpr *) clause)->opno;
			args = ((ScalarArrayOpExpr *) clause)->args;
		}
		else
			continue;
		if (list_length(args) != 2 ||
			get_op_opfamily_strategy(opno, req->opfamily) != BTEqualStrategyNumber)
			continue;
		left = (Node *) linitial(args);
		right = (Node *) lsecond(args);
		while (IsA(left, RelabelType))
			left = (Node *) ((RelabelType *) left)->arg;
		if (IsA(clause, OpExpr) && !equal(left, col))
		{
			/* "const = col" */
			Node	   *swap = left;

			left = right;
			right = swap;
			while (IsA(left, RelabelType))
				left = (Node *) ((RelabelType *) left)->arg;
		}
		if (equal(left, col) && !contain_volatile_functions(right) &&
			is_pseudo_constant_for_index(req->root, right, req->index))
			return true;
	}
	return false;
}

/*
 * What checking one row costs rbac._in_lazy's per-row phase, about (a check
 * with the actor's expansion already read for the statement).
 */
#define ROW_CHECK_US 50.0

/*
 * Would the query's first rows be cheaper checked one at a time than
 * through the set?  When the query asks for a few rows (a LIMIT) in the
 * order of this index's leading column, the index condition would take
 * that order's only path on this index (a btree scan on "col = ANY(keys)"
 * keeps its order), so offering it computes the whole set to return one
 * page.  Offer none when the rows the page needs (the limit over the set's
 * fraction), checked at ROW_CHECK_US each, cost less than the set's last
 * computation for this actor took: the scan then checks rows one by one,
 * and rbac._in_lazy still computes the set if the checks run long.
 */
static bool
first_rows_cheaper_by_row(SupportRequestIndexCondition *req, List *args)
{
	PlannerInfo *root = req->root;
	IndexOptInfo *index = req->index;
	const char *actor = rbac_current_actor_name();
	Node	   *hint = (Node *) lsecond(args);
	PathKey    *pk;
	ListCell   *lc;
	bool		leads = false;
	double		build_us;

	if (actor == NULL || root->limit_tuples <= 0 || root->query_pathkeys == NIL ||
		index->nkeycolumns < 1 || index->indexkeys[0] == 0 ||
		!IsA(hint, Const) || ((Const *) hint)->constisnull)
		return false;
	pk = linitial_node(PathKey, root->query_pathkeys);
	foreach(lc, pk->pk_eclass->ec_members)
	{
		Node	   *em = (Node *) ((EquivalenceMember *) lfirst(lc))->em_expr;

		while (IsA(em, RelabelType))
			em = (Node *) ((RelabelType *) em)->arg;
		if (IsA(em, Var) && ((Var *) em)->varno == index->rel->relid &&
			((Var *) em)->varattno == index->indexkeys[0] &&
			((Var *) em)->varlevelsup == 0)
			leads = true;
	}
	if (!leads)
		return false;
	build_us = rbac_last_build_us(actor, TextDatumGetCString(((Const *) hint)->constvalue));
	return build_us > 0 &&
		root->limit_tuples / Max(hint_fraction(args), 1e-7) * ROW_CHECK_US < build_us;
}

Datum
rbac_in_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);

	if (IsA(rawreq, SupportRequestSimplify))
	{
		SupportRequestSimplify *req = (SupportRequestSimplify *) rawreq;
		FuncExpr   *f = req->fcall;

		/*
		 * rbac._in keeps the set it built for a keys datum for the whole
		 * query, so the keys must not change from row to row: refuse any
		 * other expression before it runs (generated policies always pass
		 * an uncorrelated subquery).
		 */
		if (!lazy_args(f->args) && list_length(f->args) == 3 &&
			!keys_expr_query_constant((Node *) lsecond(f->args)))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("the keys of rbac._in must be a constant, a parameter or an uncorrelated subquery"),
					 errhint("Use value = ANY(keys) for keys that change from row to row.")));
		PG_RETURN_POINTER(NULL);
	}

	if (IsA(rawreq, SupportRequestIndexCondition))
	{
		SupportRequestIndexCondition *req = (SupportRequestIndexCondition *) rawreq;
		FuncExpr   *f = (FuncExpr *) req->node;
		Node	   *col;
		Node	   *arr;
		Oid			coltype;
		Oid			opno;
		ScalarArrayOpExpr *saop;

		if (!IsA(f, FuncExpr) || list_length(f->args) < 2 || req->indexarg != 0)
			PG_RETURN_POINTER(NULL);
		col = (Node *) linitial(f->args);
		coltype = getBaseType(exprType(col));

		/*
		 * rbac._in_lazy(col, hint): the set as a call of the function the
		 * hint names, which the executor evaluates only when it runs an
		 * index scan with this condition (once per scan: the set it
		 * computes is kept for the rest of the query's snapshot).
		 */
		if (lazy_args(f->args))
		{
			arr = lazy_keys_expr((Node *) lsecond(f->args), (Node *) lthird(f->args));
			if (arr == NULL || col_fixed_by_query(req, col) ||
				first_rows_cheaper_by_row(req, f->args))
				PG_RETURN_POINTER(NULL);
		}
		else
			arr = (Node *) lsecond(f->args);

		/*
		 * supportnodes.h: for a FuncExpr the planner does not check that
		 * the comparison value is pseudo-constant for the index (no Vars of
		 * the indexed relation, no volatile functions); an index condition
		 * that is not would be evaluated without its row.
		 */
		if (!is_pseudo_constant_for_index(req->root, arr, req->index))
			PG_RETURN_POINTER(NULL);

		/*
		 * The planner estimates "col = ANY($param)" as a ten-element array
		 * whatever the set's size, so it would take an index scan for a set
		 * covering half the table.  Offer no index condition for a set that
		 * large: the scan that remains tests each row against the hashed set.
		 */
		if (hint_fraction(f->args) > INDEX_MAX_FRACTION)
			PG_RETURN_POINTER(NULL);
		opno = get_opfamily_member(req->opfamily, coltype, coltype, BTEqualStrategyNumber);
		if (!OidIsValid(opno) || getBaseType(exprType(arr)) != get_array_type(coltype))
			PG_RETURN_POINTER(NULL);
		saop = makeNode(ScalarArrayOpExpr);
		saop->opno = opno;
		saop->opfuncid = get_opcode(opno);
		saop->hashfuncid = InvalidOid;
		saop->negfuncid = InvalidOid;
		saop->useOr = true;
		saop->inputcollid = req->indexcollation;
		saop->args = list_make2(col, arr);
		saop->location = -1;
		/*
		 * For integers, and text or varchar under a deterministic collation,
		 * "col = ANY(keys)" is exactly what rbac._in tests: the condition is
		 * exact and no per-row recheck remains where the index decides
		 * alone.  Other types compare by output text in rbac._in: lossy.
		 */
		req->lossy = !(inset_integer_type(coltype) ||
					   (inset_bytes_type(coltype) &&
						OidIsValid(req->indexcollation) &&
						get_collation_isdeterministic(req->indexcollation)));
		PG_RETURN_POINTER(list_make1(saop));
	}
	if (IsA(rawreq, SupportRequestSelectivity))
	{
		SupportRequestSelectivity *req = (SupportRequestSelectivity *) rawreq;

		/*
		 * The set is computed at run time; its size for the current actor,
		 * estimated from the actor's expansion (expansion_fraction, cached
		 * for a minute), over the number of rows of the keys' table
		 * estimates the fraction of rows kept.
		 */
		req->selectivity = hint_fraction(req->args);
		PG_RETURN_POINTER(req);
	}
	PG_RETURN_POINTER(NULL);
}
