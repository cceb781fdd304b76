/*-------------------------------------------------------------------------
 *
 * rls_estimate.c
 *	  Set-size estimates for the planner support of rbac._in and
 *	  rbac._in_lazy (rls_runtime.c), read from the current actor's
 *	  expansion rather than by computing its set, and how long each set
 *	  took to compute, which sets rbac._in_lazy's check budget.  Both are
 *	  cached per backend, per actor and set hint.
 *
 *-------------------------------------------------------------------------
 */
#include "actor.h"
#include "eval.h"
#include "rls.h"
#include "rls_estimate.h"
#include "sqlgen.h"
#include "util.h"

#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

/*
 * The key of an actor's set named by a hint in the caches below: the
 * actor's length first, so that no actor and hint run into another pair.
 */
char *
rbac_set_key(const char *actor, const char *hint)
{
	return rbac_counted_key(strlen(actor), actor, hint);
}

/* Cached set sizes for estimates: rbac_set_key(actor, hint) -> (fraction, time). */
typedef struct EstimateEntry
{
	char		key[256];
	double		fraction;
	TimestampTz at;
	double		build_us;		/* time the last computation took, or 0 */
} EstimateEntry;

static HTAB *estimate_cache = NULL;

/* The estimate cache's entry for key, created (zeroed) if new; NULL if too long. */
static EstimateEntry *
estimate_entry(const char *key, bool *found)
{
	EstimateEntry *e;

	if (estimate_cache == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(e->key);
		ctl.entrysize = sizeof(EstimateEntry);
		estimate_cache = hash_create("pg_rbac estimates", 64, &ctl, HASH_ELEM | HASH_STRINGS);
	}
	if (strlen(key) >= sizeof(e->key))
		return NULL;
	e = hash_search(estimate_cache, key, HASH_ENTER, found);
	if (!*found)
	{
		e->fraction = 0.001;
		e->at = 0;
		e->build_us = 0;
	}
	return e;
}

/*
 * The set of (actor, hint) was just computed in us microseconds: remember
 * it for the check budget (rbac_last_build_us).
 */
void
rbac_estimate_built(const char *actor, const char *hint, double us)
{
	bool		found;
	EstimateEntry *e = estimate_entry(rbac_set_key(actor, hint), &found);

	if (e != NULL)
		e->build_us = Max(us, 1);
}

/*
 * What computing a set costs per key, about, when it was not computed yet
 * (the benchmark's 52% user: 52,004 repositories in 70 ms; through a join
 * table, 28,373 documents in 220 ms).
 */
#define BUILD_US_PER_KEY 1.5

/*
 * How long computing the set of (actor, hint) takes: what it took last
 * time, or before its first computation the planner's estimate of its
 * size (rbac_estimate_fraction) at BUILD_US_PER_KEY a key; 0: unknown.
 */
double
rbac_last_build_us(const char *actor, const char *hint)
{
	bool		found;
	EstimateEntry *e = estimate_entry(rbac_set_key(actor, hint), &found);
	RbacSetHint h;
	MType	   *t;

	if (e == NULL || !found)
		return 0;
	if (e->build_us > 0 || e->at == 0 || !rbac_sql_parse_hint(hint, &h) ||
		h.kind == RBAC_HINT_PATH ||
		(t = rbac_model_type(rbac_get_model(), h.type)) == NULL || !t->bound)
		return e->build_us;
	return e->fraction * rbac_table_rows(t) * BUILD_US_PER_KEY;
}

/*
 * How long an estimate is reused: a set's size changes slowly, and an
 * estimate only steers the plan (the rows are always the current set's).
 */
#define ESTIMATE_SECS 60

/* Rows of table relid (pg_class.reltuples), at least 1. */
static double
rel_rows(Oid relid)
{
	HeapTuple	tup;
	double		rows = 1;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (HeapTupleIsValid(tup))
	{
		rows = ((Form_pg_class) GETSTRUCT(tup))->reltuples;
		ReleaseSysCache(tup);
	}
	return rows < 1 ? 1 : rows;
}

/* Rows of the table bound to t, at least 1. */
double
rbac_table_rows(MType *t)
{
	return t->bound ? rel_rows(t->relid) : 1;
}

/*
 * The share of t's rows one resource of type p stands for, when a role on
 * it leads to a term of t: 1 / rows(p) (a role on one of 1,000
 * organizations, 0.1% of their repositories), or through a relation of t
 * to p bound with a join table, the join rows per p over t's rows (a team
 * shared 100 of the 200,000 documents).
 */
static double
resource_share(MType *t, MType *p)
{
	int			r;

	for (r = 0; r < t->nterms; r++)
		if (t->rel_join != NULL && t->rel_join[r] != NULL &&
			t->ast->terms[r].kind == RBAC_TERM_RELATION &&
			strcmp(t->ast->terms[r].target, p->name) == 0)
			return rel_rows(t->rel_join[r]->relid) / rbac_table_rows(p) / rbac_table_rows(t);
	return 1 / rbac_table_rows(p);
}

/*
 * Does ev's actor hold a global role that a rule turns into one of ev's
 * relevant terms (every row of the rule's type)?
 */
static bool
holds_relevant_global(RbacEval *ev)
{
	int			i;
	int			r;

	for (i = 0; i < ev->m->ntypes; i++)
	{
		MType	   *p = &ev->m->types[i];

		for (r = 0; r < p->nrules; r++)
		{
			MRule	   *rule = &p->rules[r];

			if (rule->body_kind != RBAC_BODY_GLOBAL ||
				!rbac_eval_is_relevant(ev, p, rule->head))
				continue;
			rbac_eval_load_globals(ev);
			if (ev->global_held[rule->body])
				return true;
		}
	}
	return false;
}

/*
 * The fraction of t's table on which actor holds term, from the actor's
 * expansion, not the set (which a plan may never need: a lookup by key):
 * each role of the actor set that can lead to the term (the evaluation's
 * relevant terms) stands for the share of t its resource relates to, a
 * global role that leads to it for every row; only t's own roles for a
 * direct ("d") hint.  Rules without a role (conditions on the row, actor
 * relations) are not counted.  Costs one grouped read of the assignments.
 */
static double
expansion_fraction(RbacModel *m, const char *actor, MType *t, int term, bool direct)
{
	volatile double fraction = 0;

	RBAC_INTERNAL_BEGIN();
	{
		RbacEval	ev;
		Datum	   *types;
		Datum	   *ids;
		Datum		args[2];
		Oid			argtypes[2] = {TEXTARRAYOID, TEXTARRAYOID};
		uint64		i;

		rbac_eval_begin(&ev, m, actor);
		rbac_eval_mark_relevant(&ev, t, term);
		types = palloc(sizeof(Datum) * Max(ev.nactors, 1));
		ids = palloc(sizeof(Datum) * Max(ev.nactors, 1));
		for (i = 0; i < (uint64) ev.nactors; i++)
		{
			types[i] = CStringGetTextDatum(ev.actors[i].type);
			ids[i] = CStringGetTextDatum(ev.actors[i].id);
		}
		args[0] = PointerGetDatum(construct_array(types, ev.nactors, TEXTOID, -1, false, TYPALIGN_INT));
		args[1] = PointerGetDatum(construct_array(ids, ev.nactors, TEXTOID, -1, false, TYPALIGN_INT));
		if (SPI_execute_with_args("SELECT a.resource_type, a.role, pg_catalog.count(*)::pg_catalog.float8 FROM "
								  "ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2)) AS m(t, i), rbac.assignment a "
								  "WHERE a.actor_type OPERATOR(pg_catalog.=) m.t AND a.actor_id OPERATOR(pg_catalog.=) m.i "
								  "AND a.resource_type IS NOT NULL AND (a.expires_at IS NULL OR "
								  "a.expires_at OPERATOR(pg_catalog.>) pg_catalog.statement_timestamp()) GROUP BY 1, 2",
								  2, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not read the assignments of the actor set");
		for (i = 0; i < SPI_processed; i++)
		{
			HeapTuple	tup = SPI_tuptable->vals[i];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			char	   *rtype = SPI_getvalue(tup, desc, 1);
			char	   *role = SPI_getvalue(tup, desc, 2);
			bool		isnull;
			double		n = DatumGetFloat8(SPI_getbinval(tup, desc, 3, &isnull));
			MType	   *p = rbac_model_type(m, rtype);
			int			r = p ? rbac_type_term(p, role) : -1;

			if (r < 0 || !p->bound || (direct && p != t) ||
				!rbac_eval_is_relevant(&ev, p, r))
				continue;
			fraction += n * resource_share(t, p);
		}
		if (!direct && holds_relevant_global(&ev))
			fraction = 1;
		rbac_eval_end(&ev);
	}
	RBAC_INTERNAL_END();
	return fraction;
}

/*
 * Fraction of the keys' table the current actor's set covers, for a set
 * hint (sqlgen.h) of rbac._keys, rbac._keys_direct or rbac._keys_path,
 * estimated without computing the set (expansion_fraction).  Any problem:
 * 0.001.
 */
double
rbac_estimate_fraction(const char *hint)
{
	const char *actor = rbac_current_actor_name();
	char	   *key;
	EstimateEntry *e;
	EstimateEntry uncached;
	bool		found;
	TimestampTz now = GetCurrentTimestamp();
	RbacSetHint h;
	RbacModel  *m;
	MType	   *t;
	int			term;
	double		fraction;

	if (actor == NULL)
		return 0.0001;
	key = rbac_set_key(actor, hint);
	e = estimate_entry(key, &found);
	if (e != NULL && found && e->at != 0 && now - e->at < ESTIMATE_SECS * USECS_PER_SEC)
		return e->fraction;
	if (e == NULL)
	{
		e = &uncached;			/* too long to be a key: not cached */
		e->build_us = 0;
	}
	e->fraction = 0.001;
	e->at = now;

	if (!rbac_sql_parse_hint(hint, &h))
		return e->fraction;
	m = rbac_get_model();
	t = rbac_model_type(m, h.type);
	if (t == NULL)
		return e->fraction;
	if (h.kind == RBAC_HINT_PATH)
	{
		/* the path's end set over its table approximates the first hop's */
		int			i;

		for (i = 0; i < h.npath; i++)
		{
			int			r = rbac_type_term(t, h.path[i]);

			if (r < 0 || t->ast->terms[r].kind != RBAC_TERM_RELATION)
				return e->fraction;
			t = rbac_model_type(m, t->ast->terms[r].target);
			if (t == NULL)
				return e->fraction;
		}
	}
	term = rbac_type_term(t, h.term);
	if (term < 0 || t->ast->terms[term].kind == RBAC_TERM_RELATION)
		return e->fraction;

	fraction = expansion_fraction(m, actor, t, term, h.kind == RBAC_HINT_DIRECT);
	if (fraction > 1)
		fraction = 1;
	if (fraction < 1e-7)
		fraction = 1e-7;
	e->fraction = fraction;
	return fraction;
}
