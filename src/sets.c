/*-------------------------------------------------------------------------
 *
 * sets.c
 *	  Set evaluation: the keys of every resource of a type on which the
 *	  current actor holds a term, computed once per query for generated
 *	  row-level-security policies (rbac._keys and friends), and for
 *	  authorized_resources.
 *
 * It computes the same derivation as the per-resource engine in check.c,
 * with sets instead of nodes.  For each relevant (type, term) pair a set of
 * keys (their text form) is grown to a least fixpoint:
 *
 *	- direct: roles assigned to the actor or its groups (unexpired), and the
 *	  permissions and implied roles of custom roles so assigned, on any id,
 *	  with or without a row;
 *	- same-type rules ("X" if "Y") union whole sets, so ids without rows get
 *	  what direct assignments imply, exactly as in check.c;
 *	- everything else holds only for existing rows and is found with one
 *	  query on the bound table per rule and round: "on" rules (rows whose
 *	  relation column is in the related set), actor relations (rows whose
 *	  column is the actor), global roles (every row), last-mile rules (rows
 *	  where the compiled body holds).
 *
 * A set can be universal (every id of an unbound type, from a global role
 * or a body-less rule); rows relate to it whenever their column is set.
 * Queries run as the internal user, so the caller's row-level security on
 * bound tables never changes the answer.
 *
 *-------------------------------------------------------------------------
 */
#include "actor.h"
#include "eval.h"
#include "refs.h"
#include "keyset.h"
#include "sets.h"
#include "sqlgen.h"
#include "util.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/supportnodes.h"
#include "nodes/pathnodes.h"
#include "optimizer/optimizer.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "catalog/pg_class.h"
#include "access/htup_details.h"
#include "access/xact.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

PG_FUNCTION_INFO_V1(rbac_keys);
PG_FUNCTION_INFO_V1(rbac_keys_direct);
PG_FUNCTION_INFO_V1(rbac_keys_path);
PG_FUNCTION_INFO_V1(rbac_has_global);
PG_FUNCTION_INFO_V1(rbac_actor_key);
PG_FUNCTION_INFO_V1(rbac_actor_id);
PG_FUNCTION_INFO_V1(rbac_actor_type);
PG_FUNCTION_INFO_V1(rbac_in);
PG_FUNCTION_INFO_V1(rbac_in_support);

/* Per-rule progress: how much of the body set was propagated already. */
typedef struct SetEval
{
	RbacEval		ev;
	KeySet	 ***sets;			/* [type][term], allocated on demand */
	int		  **done;			/* [type][rule]: body items propagated */
	bool	  **once;			/* [type][rule or nrules + lastmile] */
	bool	   *direct_loaded;	/* [type] */
} SetEval;

/* The set of (t, term), created on demand. */
static KeySet *
get_set(SetEval *se, MType *t, int term)
{
	if (se->sets[t->index] == NULL)
		se->sets[t->index] = palloc0(sizeof(KeySet *) * (t->nterms + 1));
	if (se->sets[t->index][term] == NULL)
		se->sets[t->index][term] = keyset_new();
	return se->sets[t->index][term];
}

/* Per-type progress arrays, created on demand. */
static void
ensure_progress(SetEval *se, MType *t)
{
	if (se->done[t->index] == NULL)
	{
		se->done[t->index] = palloc0(sizeof(int) * (t->nrules + 1));
		se->once[t->index] = palloc0(sizeof(bool) * (t->nrules + t->nlastmile + 1));
	}
}

typedef struct DirectCtx
{
	SetEval    *se;
	MType	   *t;
	int			actor;
	bool		changed;
} DirectCtx;

/* rbac_lookup_actor_roles callback: record a direct grant. */
static void
direct_found(void *arg, const char *role, const char *rid)
{
	DirectCtx  *d = (DirectCtx *) arg;
	MType	   *t = d->t;
	int			term;
	char	  **perms;
	char	  **implies;
	int			np,
				ni,
				k;

	if (role == NULL || rid == NULL)
		return;
	term = rbac_type_term(t, role);
	if (term >= 0)
	{
		if (t->ast->terms[term].kind == RBAC_TERM_ROLE &&
			rbac_eval_is_relevant(&d->se->ev, t, term) &&
			keyset_add(get_set(d->se, t, term), rid))
			d->changed = true;
		return;
	}
	if (!rbac_lookup_custom_role(&d->se->ev.probe, t->name, rid, role,
								 &perms, &np, &implies, &ni))
		return;
	for (k = 0; k < np + ni; k++)
	{
		term = rbac_type_term(t, k < np ? perms[k] : implies[k - np]);
		if (term >= 0 && t->ast->terms[term].kind != RBAC_TERM_RELATION &&
			rbac_eval_is_relevant(&d->se->ev, t, term) &&
			keyset_add(get_set(d->se, t, term), rid))
			d->changed = true;
	}
}

/* Load the direct grants of the actor set on resources of type t. */
static bool
load_direct(SetEval *se, MType *t)
{
	DirectCtx	d;

	if (se->direct_loaded[t->index])
		return false;
	se->direct_loaded[t->index] = true;
	d.se = se;
	d.t = t;
	d.changed = false;
	for (d.actor = 0; d.actor < se->ev.nactors; d.actor++)
		rbac_lookup_actor_roles(&se->ev.probe, se->ev.actors[d.actor].type,
								se->ev.actors[d.actor].id, t->name,
								direct_found, &d);
	return d.changed;
}

/* Add the text keys returned by an SPI query (column 1, text) to a set. */
static bool
add_results(KeySet *k)
{
	bool		changed = false;
	uint64		i;

	keyset_reserve(k, SPI_processed);
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);
		text	   *t;

		if (isnull)
			continue;
		t = DatumGetTextPP(d);
		if (keyset_add_len(k, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)))
			changed = true;
	}
	return changed;
}

/* Run a query with parameters and add its keys to a set. */
static bool
query_into(KeySet *k, const char *sql, int nargs, Oid *argtypes, Datum *values,
		   const char *nulls)
{
	int			ret = SPI_execute_with_args(sql, nargs, argtypes, values, nulls,
											true, 0);

	if (ret != SPI_OK_SELECT)
		elog(ERROR, "pg_rbac set query failed: %s", SPI_result_code_string(ret));
	return add_results(k);
}

/*
 * A typed array of the keys items[from..n) valid for typid (others cannot
 * match any row and are skipped).
 */
static Datum
typed_array(char **items, int from, int n, Oid typid)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *d = palloc(sizeof(Datum) * (n - from + 1));
	int			m = 0;
	int			i;

	get_typlenbyvalalign(typid, &typlen, &typbyval, &typalign);
	for (i = from; i < n; i++)
	{
		bool		ok;
		Datum		v = rbac_text_datum(typid, items[i], &ok);

		if (ok)
			d[m++] = v;
	}
	return PointerGetDatum(construct_array(d, m, typid, typlen, typbyval, typalign));
}

/* "SELECT a.key::text FROM tbl a" for a bound type. */
static char *
select_keys(MType *t)
{
	return psprintf("SELECT a.%s::pg_catalog.text FROM %s a",
					quote_identifier(t->key_col), t->qualname);
}

/* The (safe base) type a relation column of t is read as. */
static Oid
relcol_type(MType *t, int term)
{
	return rbac_require_safe_column(t->relid, t->rel_col[term], "relation");
}

/*
 * Rows of t whose relation column term is in set src (only the items not
 * propagated yet, from *done on): add their keys to dst.
 */
static bool
propagate_via(MType *t, int term, KeySet *src, int *done, KeySet *dst,
			  bool *once)
{
	char	   *sql;
	bool		changed = false;

	if (!t->bound || t->rel_col[term] == NULL || t->rel_attnum[term] == InvalidAttrNumber)
		return false;
	if (src->universal)
	{
		if (*once)
			return false;
		*once = true;
		sql = psprintf("%s WHERE a.%s IS NOT NULL", select_keys(t),
					   quote_identifier(t->rel_col[term]));
		return query_into(dst, sql, 0, NULL, NULL, NULL);
	}
	if (*done < src->n)
	{
		Oid			ctype = relcol_type(t, term);
		Oid			atype = get_array_type(ctype);
		Datum		arr;

		if (!OidIsValid(atype))
			elog(ERROR, "relation column type %u has no array type", ctype);
		arr = typed_array(src->items, *done, src->n, ctype);
		*done = src->n;
		sql = psprintf("%s WHERE a.%s OPERATOR(pg_catalog.=) ANY ($1)", select_keys(t),
					   quote_identifier(t->rel_col[term]));
		changed = query_into(dst, sql, 1, &atype, &arr, NULL);
	}
	return changed;
}

/* Rows of t whose relation column term is the actor (of its type). */
static void
rows_of_actor(SetEval *se, MType *t, int term, KeySet *dst)
{
	const char *target = t->ast->terms[term].target;
	Oid			ctype;
	Datum		v;
	bool		ok;
	char	   *sql;

	if (se->ev.atype == NULL || target == NULL || strcmp(target, se->ev.atype) != 0 ||
		!t->bound || t->rel_col[term] == NULL || t->rel_attnum[term] == InvalidAttrNumber)
		return;
	ctype = relcol_type(t, term);
	v = rbac_text_datum(ctype, se->ev.aid, &ok);
	if (!ok)
		return;
	sql = psprintf("%s WHERE a.%s OPERATOR(pg_catalog.=) $1", select_keys(t),
				   quote_identifier(t->rel_col[term]));
	query_into(dst, sql, 1, &ctype, &v, NULL);
}

/* Keys of rows of t where last-mile rule lm holds for the actor. */
static bool
lastmile_rows(SetEval *se, MType *t, MLastMile *lm, KeySet *dst)
{
	SqlActor	actor = {"$1", "$2", "$4", "$3"};
	Oid			argtypes[4] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		values[4] = {0, 0, 0, 0};
	char		nulls[4] = {' ', ' ', 'n', ' '};
	RbacRule   *rule = lm->rule;
	char	   *body;

	if (!rbac_eval_lastmile_actor_matches(&se->ev, rule))
		return false;
	if (rule->body == NULL || rule->body->kind == RBAC_EX_TRUE)
	{
		if (!t->bound)
			return keyset_make_universal(dst);
		return query_into(dst, select_keys(t), 0, NULL, NULL, NULL);
	}
	if (!t->bound)
		return false;			/* a body needs rows to hold on */
	body = rbac_sql_lastmile_body(se->ev.m, rule, "a", &actor);
	if (body == NULL)
		return false;
	if (se->ev.atype)
	{
		values[0] = CStringGetTextDatum(se->ev.aid);
		values[1] = CStringGetTextDatum(se->ev.atype);
		values[3] = CStringGetTextDatum(se->ev.aref);
	}
	else
		nulls[0] = nulls[1] = nulls[3] = 'n';
	return query_into(dst, psprintf("%s WHERE %s", select_keys(t), body),
					  4, argtypes, values, nulls);
}

/* One round over the rules of type t; true if any set grew. */
static bool
round_type(SetEval *se, MType *t)
{
	bool		changed = false;
	int			r;

	ensure_progress(se, t);
	for (r = 0; r < t->nrules; r++)
	{
		MRule	   *rule = &t->rules[r];
		KeySet	   *dst;

		if (!rbac_eval_is_relevant(&se->ev, t, rule->head))
			continue;
		dst = get_set(se, t, rule->head);
		switch (rule->body_kind)
		{
			case RBAC_BODY_TERM:
				if (rule->via < 0)
				{
					KeySet	   *src = get_set(se, t, rule->body);
					int			i;

					if (src->universal && keyset_make_universal(dst))
						changed = true;
					keyset_reserve(dst, src->n - se->done[t->index][r]);
					for (i = se->done[t->index][r]; i < src->n; i++)
						if (keyset_add(dst, src->items[i]))
							changed = true;
					se->done[t->index][r] = src->n;
				}
				else
				{
					MType	   *v = rbac_model_type(se->ev.m, t->ast->terms[rule->via].target);

					if (v == NULL || v->is_actor)
						break;
					if (propagate_via(t, rule->via, get_set(se, v, rule->body),
									  &se->done[t->index][r], dst,
									  &se->once[t->index][r]))
						changed = true;
				}
				break;
			case RBAC_BODY_ACTOR_RELATION:
				if (se->once[t->index][r])
					break;
				se->once[t->index][r] = true;
				if (rule->via < 0)
				{
					int			before = dst->n;

					rows_of_actor(se, t, rule->body, dst);
					changed |= dst->n > before;
				}
				else
				{
					MType	   *v = rbac_model_type(se->ev.m, t->ast->terms[rule->via].target);
					KeySet	   *owned = keyset_new();
					int			done = 0;
					bool		once = false;

					if (v == NULL)
						break;
					rows_of_actor(se, v, rule->body, owned);
					changed |= propagate_via(t, rule->via, owned, &done, dst, &once);
				}
				break;
			case RBAC_BODY_GLOBAL:
				if (se->once[t->index][r])
					break;
				se->once[t->index][r] = true;
				rbac_eval_load_globals(&se->ev);
				if (!se->ev.global_held[rule->body])
					break;
				if (!t->bound)
					changed |= keyset_make_universal(dst);
				else
					changed |= query_into(dst, select_keys(t), 0, NULL, NULL, NULL);
				break;
			default:
				break;
		}
	}
	for (r = 0; r < t->nlastmile; r++)
	{
		MLastMile  *lm = &t->lastmile[r];

		if (!rbac_eval_is_relevant(&se->ev, t, lm->term) || se->once[t->index][t->nrules + r])
			continue;
		se->once[t->index][t->nrules + r] = true;
		changed |= lastmile_rows(se, t, lm, get_set(se, t, lm->term));
	}
	return changed;
}

/*
 * Compute the sets of every (type, term) relevant to (t, term) for the
 * actor of se.  Caller has run eval_init inside INTERNAL_BEGIN.
 */
static KeySet *
compute(SetEval *se, MType *t, int term)
{
	RbacModel  *m = se->ev.m;
	bool		changed = true;
	int			i;

	se->sets = palloc0(sizeof(KeySet **) * (m->ntypes + 1));
	se->done = palloc0(sizeof(int *) * (m->ntypes + 1));
	se->once = palloc0(sizeof(bool *) * (m->ntypes + 1));
	se->direct_loaded = palloc0(sizeof(bool) * (m->ntypes + 1));
	rbac_eval_mark_relevant(&se->ev, t, term);
	for (i = 0; i < m->ntypes; i++)
		if (se->ev.relevant[i] != NULL)
			load_direct(se, &m->types[i]);
	while (changed)
	{
		CHECK_FOR_INTERRUPTS();
		changed = false;
		for (i = 0; i < m->ntypes; i++)
			if (se->ev.relevant[i] != NULL && round_type(se, &m->types[i]))
				changed = true;
	}
	return get_set(se, t, term);
}

/*
 * Only the direct grants on type t closed under its same-type rules: the
 * part of a generated policy that is matched against the row's own key.
 */
static KeySet *
compute_direct(SetEval *se, MType *t, int term)
{
	RbacModel  *m = se->ev.m;
	bool		changed = true;

	se->sets = palloc0(sizeof(KeySet **) * (m->ntypes + 1));
	se->done = palloc0(sizeof(int *) * (m->ntypes + 1));
	se->once = palloc0(sizeof(bool *) * (m->ntypes + 1));
	se->direct_loaded = palloc0(sizeof(bool) * (m->ntypes + 1));
	rbac_eval_mark_relevant(&se->ev, t, term);
	load_direct(se, t);
	ensure_progress(se, t);
	while (changed)
	{
		int			r;

		changed = false;
		for (r = 0; r < t->nrules; r++)
		{
			MRule	   *rule = &t->rules[r];
			KeySet	   *src,
					   *dst;
			int			i;

			if (rule->via >= 0 || rule->body_kind != RBAC_BODY_TERM ||
				!rbac_eval_is_relevant(&se->ev, t, rule->head))
				continue;
			src = get_set(se, t, rule->body);
			dst = get_set(se, t, rule->head);
			for (i = se->done[t->index][r]; i < src->n; i++)
				if (keyset_add(dst, src->items[i]))
					changed = true;
			se->done[t->index][r] = src->n;
		}
	}
	return get_set(se, t, term);
}

/* Every key of a bound type, or an error for an unbound one. */
static KeySet *
all_keys(MType *t)
{
	KeySet	   *k = keyset_new();

	if (!t->bound)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("type %s holds a role or permission on every id, which cannot be listed", t->name),
				 errhint("Bind the type to a table with rbac.bind().")));
	query_into(k, select_keys(t), 0, NULL, NULL, NULL);
	return k;
}

/*
 * The keys (text) of resources of type t on which actor (NULL: none) holds
 * term, sorted by their text; callable from C.  Raises for a universal set
 * of an unbound type.
 */
List *
rbac_keys_list(const char *actor, MType *t, int term)
{
	MemoryContext callcxt = CurrentMemoryContext;
	RbacModel  *m = rbac_get_model();
	List	   *result = NIL;

	RBAC_INTERNAL_BEGIN();
	{
		SetEval		se;
		KeySet	   *k;
		int			i;

		memset(&se, 0, sizeof(se));
		rbac_eval_begin(&se.ev, m, actor);
		k = compute(&se, t, term);
		if (k->universal)
			k = all_keys(t);
		rbac_eval_end(&se.ev);
		MemoryContextSwitchTo(callcxt);
		for (i = 0; i < k->n; i++)
			result = lappend(result, pstrdup(k->items[i]));
	}
	RBAC_INTERNAL_END();
	return result;
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
 * The hint naming the current actor's set of keys of type on which it holds
 * term: kind 'k' (rbac._keys) or 'd' (rbac._keys_direct).  Generated
 * policies pass it to rbac._in for estimates; planned sets are found by it.
 */
char *
rbac_set_hint(char kind, const char *type, const char *term)
{
	return psprintf("%c|%s|%s", kind, type, term);
}

/*
 * Sets computed while planning, for the execution of the same statement.
 *
 * The planner support function computes the current actor's set to
 * estimate its size; the InitPlan computes it again when the query runs.
 * Both read through the active snapshot: when the execution's snapshot is
 * identical (same xmin, xmax, in-progress transactions and command id, so
 * the same rows are visible) and actor and model are the same, the planned
 * set is exactly what the execution would compute, and is reused.  This
 * halves the cost of the first query of an actor.  The sets live until the
 * end of the transaction.
 */
typedef struct PlannedSet
{
	MemoryContext cxt;			/* NULL: slot unused */
	char	   *key;			/* actor|hint */
	RbacModel  *model;
	SnapshotData snap;			/* xip and subxip copied into cxt */
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

/* Do two snapshots see exactly the same rows? */
static bool
snapshot_same(Snapshot a, Snapshot b)
{
	return a->xmin == b->xmin && a->xmax == b->xmax && a->curcid == b->curcid &&
		a->xcnt == b->xcnt && a->subxcnt == b->subxcnt &&
		a->suboverflowed == b->suboverflowed &&
		a->takenDuringRecovery == b->takenDuringRecovery &&
		(a->xcnt == 0 || memcmp(a->xip, b->xip, sizeof(TransactionId) * a->xcnt) == 0) &&
		(a->subxcnt <= 0 || memcmp(a->subxip, b->subxip, sizeof(TransactionId) * a->subxcnt) == 0);
}

/* Remember set k for (actor, hint) under the active snapshot. */
static void
planned_store(const char *actor, const char *hint, RbacModel *m, KeySet *k)
{
	PlannedSet *p = &planned[planned_next];
	Snapshot	snap;
	MemoryContext old;
	int			i;

	if (actor == NULL || !ActiveSnapshotSet())
		return;
	snap = GetActiveSnapshot();
	if (snap->snapshot_type != SNAPSHOT_MVCC)
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
	p->key = psprintf("%s|%s", actor, hint);
	p->model = m;
	p->snap = *snap;
	p->snap.xip = palloc(sizeof(TransactionId) * Max(snap->xcnt, 1));
	if (snap->xcnt > 0)
		memcpy(p->snap.xip, snap->xip, sizeof(TransactionId) * snap->xcnt);
	p->snap.subxip = palloc(sizeof(TransactionId) * Max(snap->subxcnt, 1));
	if (snap->subxcnt > 0)
		memcpy(p->snap.subxip, snap->subxip, sizeof(TransactionId) * snap->subxcnt);
	p->universal = k->universal;
	p->n = k->n;
	p->items = palloc(sizeof(char *) * Max(k->n, 1));
	for (i = 0; i < k->n; i++)
		p->items[i] = pstrdup(k->items[i]);
	MemoryContextSwitchTo(old);
}

/*
 * The set planned for (actor, hint) if the active snapshot sees exactly
 * what the planning saw, as a KeySet (items only) in the current context;
 * else NULL.
 */
static KeySet *
planned_lookup(const char *actor, const char *hint, RbacModel *m)
{
	int			i;

	char	   *key;

	if (actor == NULL || !ActiveSnapshotSet())
		return NULL;
	key = psprintf("%s|%s", actor, hint);
	for (i = 0; i < NPLANNED; i++)
	{
		PlannedSet *p = &planned[i];
		KeySet	   *k;

		if (p->cxt == NULL || p->model != m || strcmp(p->key, key) != 0 ||
			!snapshot_same(&p->snap, GetActiveSnapshot()))
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
keys_function(FunctionCallInfo fcinfo, bool direct)
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
		SetEval		se;
		KeySet	   *k;

		memset(&se, 0, sizeof(se));
		rbac_eval_begin(&se.ev, m, actor);
		if (t->ast->terms[term].kind == RBAC_TERM_RELATION)
		{
			k = keyset_new();
			if (!direct)
				rows_of_actor(&se, t, term, k);
		}
		else
		{
			k = planned_lookup(actor, rbac_set_hint(direct ? 'd' : 'k', t->name,
													t->ast->terms[term].name), m);
			if (k == NULL)
				k = direct ? compute_direct(&se, t, term) : compute(&se, t, term);
		}
		if (k->universal)
			k = all_keys(t);
		rbac_eval_end(&se.ev);
		MemoryContextSwitchTo(callcxt);
		result = typed_array(k->items, 0, k->n, elemtype);
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
	PG_RETURN_DATUM(keys_function(fcinfo, false));
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
	PG_RETURN_DATUM(keys_function(fcinfo, true));
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
		SetEval		se;
		KeySet	   *k;

		memset(&se, 0, sizeof(se));
		rbac_eval_begin(&se.ev, m, actor);
		k = compute(&se, types[nhops], term);
		/* walk back: keys of types[i] whose hop i is in k */
		for (i = nhops - 1; i >= 1; i--)
		{
			KeySet	   *prev = keyset_new();
			int			done = 0;
			bool		once = false;

			propagate_via(types[i], terms[i], k, &done, prev, &once);
			k = prev;
		}
		if (k->universal)
			k = all_keys(types[1]);
		rbac_eval_end(&se.ev);
		MemoryContextSwitchTo(callcxt);
		result = typed_array(k->items, 0, k->n, elemtype);
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

/*
 * rbac._actor_key(type text, sample anyelement) -> anyelement
 *
 * The current actor's id as sample's type when the actor is of the given
 * type (NULL otherwise, or when the id is not a value of that type): what a
 * generated policy compares an actor relation column with.
 */
Datum
rbac_actor_key(PG_FUNCTION_ARGS)
{
	const char *actor = rbac_current_actor_name();
	RbacRef		ref;
	Oid			typid = get_fn_expr_argtype(fcinfo->flinfo, 1);
	bool		ok;
	Datum		v;

	if (actor == NULL || PG_ARGISNULL(0) || !rbac_ref_parse(actor, &ref) ||
		strcmp(ref.type, text_to_cstring(PG_GETARG_TEXT_PP(0))) != 0)
		PG_RETURN_NULL();
	v = rbac_text_datum(typid, ref.id, &ok);
	if (!ok)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(v);
}

/* rbac._actor_id() -> text: the current actor's id, or NULL. */
Datum
rbac_actor_id(PG_FUNCTION_ARGS)
{
	const char *actor = rbac_current_actor_name();
	RbacRef		ref;

	if (actor == NULL || !rbac_ref_parse(actor, &ref))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(ref.id));
}

/* rbac._actor_type() -> text: the current actor's type, or NULL. */
Datum
rbac_actor_type(PG_FUNCTION_ARGS)
{
	const char *actor = rbac_current_actor_name();
	RbacRef		ref;

	if (actor == NULL || !rbac_ref_parse(actor, &ref))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(ref.type));
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

/* Cached set sizes for estimates: "actor|hint" -> (fraction, time). */
typedef struct EstimateEntry
{
	char		key[256];
	double		fraction;
	TimestampTz at;
} EstimateEntry;

static HTAB *estimate_cache = NULL;

/* Above this fraction of the table, a set is not used as an index condition. */
#define INDEX_MAX_FRACTION 0.2

/* Rows of the table bound to t (pg_class.reltuples), at least 1. */
static double
table_rows(MType *t)
{
	HeapTuple	tup;
	double		rows = 1;

	if (!t->bound)
		return 1;
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(t->relid));
	if (HeapTupleIsValid(tup))
	{
		rows = ((Form_pg_class) GETSTRUCT(tup))->reltuples;
		ReleaseSysCache(tup);
	}
	return rows < 1 ? 1 : rows;
}

/*
 * Fraction of the keys' table the current actor's set covers, for a hint
 * "k|Type|term" (rbac._keys), "d|Type|term" (rbac._keys_direct) or
 * "p|Type|rel1,rel2|term" (rbac._keys_path).  Any problem: 0.001.
 */
static double
estimate_fraction(const char *hint)
{
	const char *actor = rbac_current_actor_name();
	char		key[256];
	EstimateEntry *e;
	bool		found;
	TimestampTz now = GetCurrentTimestamp();
	char	   *parts[4] = {NULL, NULL, NULL, NULL};
	char	   *copy;
	int			nparts = 0;
	char	   *tok;
	RbacModel  *m;
	MType	   *t;
	int			term;
	volatile double fraction = 0.001;

	if (actor == NULL)
		return 0.0001;
	snprintf(key, sizeof(key), "%s|%s", actor, hint);
	if (estimate_cache == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(key);
		ctl.entrysize = sizeof(EstimateEntry);
		estimate_cache = hash_create("pg_rbac estimates", 64, &ctl, HASH_ELEM | HASH_STRINGS);
	}
	e = hash_search(estimate_cache, key, HASH_ENTER, &found);
	if (found && now - e->at < 10 * USECS_PER_SEC)
		return e->fraction;
	e->fraction = 0.001;
	e->at = now;

	copy = pstrdup(hint);
	for (tok = strtok(copy, "|"); tok && nparts < 4; tok = strtok(NULL, "|"))
		parts[nparts++] = tok;
	m = rbac_get_model();
	t = nparts >= 3 ? rbac_model_type(m, parts[1]) : NULL;
	if (t == NULL)
		return e->fraction;
	if (parts[0][0] == 'p' && nparts == 4)
	{
		/* walk the path to find the type of the first hop's keys */
		MType	   *first = NULL;
		MType	   *cur = t;
		char	   *rel;

		for (rel = strtok(parts[2], ","); rel && cur; rel = strtok(NULL, ","))
		{
			int			r = rbac_type_term(cur, rel);

			if (r < 0 || cur->ast->terms[r].kind != RBAC_TERM_RELATION)
				return e->fraction;
			cur = rbac_model_type(m, cur->ast->terms[r].target);
			if (first == NULL)
				first = cur;
		}
		if (first == NULL || cur == NULL)
			return e->fraction;
		/* the path's end set over its table approximates the first hop's */
		term = rbac_type_term(cur, parts[3]);
		if (term < 0)
			return e->fraction;
		t = cur;
	}
	else
	{
		term = rbac_type_term(t, parts[2]);
		if (term < 0 || t->ast->terms[term].kind == RBAC_TERM_RELATION)
			return e->fraction;
	}

	RBAC_INTERNAL_BEGIN();
	{
		SetEval		se;
		KeySet	   *k;

		memset(&se, 0, sizeof(se));
		rbac_eval_begin(&se.ev, m, actor);
		k = parts[0][0] == 'd' ? compute_direct(&se, t, term) : compute(&se, t, term);
		fraction = k->universal ? 1.0 : (double) k->n / table_rows(t);
		if (parts[0][0] != 'p')
			planned_store(actor, hint, m, k);
		rbac_eval_end(&se.ev);
	}
	RBAC_INTERNAL_END();
	if (fraction > 1)
		fraction = 1;
	if (fraction < 1e-7)
		fraction = 1e-7;
	e->fraction = fraction;
	return fraction;
}

/*
 * The estimated fraction for the hint argument (the third) of an rbac._in
 * call: what estimate_fraction says for a constant hint, 0.001 without one.
 */
static double
hint_fraction(List *args)
{
	Node	   *hint = list_length(args) >= 3 ? lthird(args) : NULL;

	if (hint && IsA(hint, Const) && !((Const *) hint)->constisnull)
		return estimate_fraction(TextDatumGetCString(((Const *) hint)->constvalue));
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
		if (list_length(f->args) >= 2 && !keys_expr_query_constant((Node *) lsecond(f->args)))
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

		/*
		 * supportnodes.h: for a FuncExpr the planner does not check that
		 * the comparison value is pseudo-constant for the index (no Vars of
		 * the indexed relation, no volatile functions); an index condition
		 * that is not would be evaluated without its row.
		 */
		if (!is_pseudo_constant_for_index(req->root, (Node *) lsecond(f->args), req->index))
			PG_RETURN_POINTER(NULL);

		/*
		 * The planner estimates "col = ANY($param)" as a ten-element array
		 * whatever the set's size, so it would take an index scan for a set
		 * covering half the table.  Offer no index condition for a set that
		 * large: the scan that remains tests each row against the hashed set.
		 */
		if (hint_fraction(f->args) > INDEX_MAX_FRACTION)
			PG_RETURN_POINTER(NULL);
		col = (Node *) linitial(f->args);
		arr = (Node *) lsecond(f->args);
		coltype = getBaseType(exprType(col));
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
		 * The set is computed at run time; its size for the current actor
		 * (cached for a few seconds: an estimate only) over the number of
		 * rows of the keys' table estimates the fraction of rows kept.
		 */
		req->selectivity = hint_fraction(req->args);
		PG_RETURN_POINTER(req);
	}
	PG_RETURN_POINTER(NULL);
}
