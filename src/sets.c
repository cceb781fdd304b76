/*-------------------------------------------------------------------------
 *
 * sets.c
 *	  Set evaluation: the keys of every resource of a type on which the
 *	  current actor holds a term, computed once per query for generated
 *	  row-level-security policies (rbac._keys and friends), and for
 *	  authorized_resources.
 *
 * It computes the same derivation as the per-resource engine in eval.c,
 * with sets instead of nodes.  For each relevant (type, term) pair a set of
 * keys (their text form) is grown to a least fixpoint:
 *
 *	- direct: roles assigned to the actor or its groups (unexpired), and the
 *	  permissions and implied roles of custom roles so assigned, on any id,
 *	  with or without a row;
 *	- same-type rules ("X" if "Y") union whole sets, so ids without rows get
 *	  what direct assignments imply, exactly as in eval.c;
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
#include "refs.h"
#include "sets.h"
#include "sqlgen.h"
#include "util.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/* The set of (t, term), created on demand. */
static KeySet *
get_set(RbacSetEval *se, MType *t, int term)
{
	if (se->sets[t->index] == NULL)
		se->sets[t->index] = palloc0(sizeof(KeySet *) * (t->nterms + 1));
	if (se->sets[t->index][term] == NULL)
		se->sets[t->index][term] = keyset_new();
	return se->sets[t->index][term];
}

/* Per-type progress arrays, created on demand. */
static void
ensure_progress(RbacSetEval *se, MType *t)
{
	if (se->done[t->index] == NULL)
	{
		se->done[t->index] = palloc0(sizeof(int) * (t->nrules + 1));
		se->once[t->index] = palloc0(sizeof(bool) * (t->nrules + t->nlastmile + 1));
	}
}

typedef struct DirectCtx
{
	RbacSetEval    *se;
	MType	   *t;
	int			actor;
	bool		changed;
} DirectCtx;

/* rbac_lookup_actor_roles callback: record a direct grant. */
static bool
direct_found(void *arg, const char *role, const char *rtype, const char *rid)
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
		return true;
	term = rbac_type_term(t, role);
	if (term >= 0)
	{
		if (t->ast->terms[term].kind == RBAC_TERM_ROLE &&
			rbac_eval_is_relevant(&d->se->ev, t, term) &&
			keyset_add(get_set(d->se, t, term), rid))
			d->changed = true;
		return true;
	}
	if (!rbac_lookup_custom_role(&d->se->ev.probe, t->name, rid, role,
								 &perms, &np, &implies, &ni))
		return true;
	for (k = 0; k < np + ni; k++)
	{
		term = rbac_type_term(t, k < np ? perms[k] : implies[k - np]);
		if (term >= 0 && t->ast->terms[term].kind != RBAC_TERM_RELATION &&
			rbac_eval_is_relevant(&d->se->ev, t, term) &&
			keyset_add(get_set(d->se, t, term), rid))
			d->changed = true;
	}
	return true;
}

/* Load the direct grants of the actor set on resources of type t. */
static bool
load_direct(RbacSetEval *se, MType *t)
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
	rbac_spi_execute(sql, nargs, argtypes, values, nulls, true, SPI_OK_SELECT);
	return add_results(k);
}

/*
 * A typed array of the keys items[from..n) valid for typid (others cannot
 * match any row and are skipped).
 */
Datum
rbac_sets_typed_array(char **items, int from, int n, Oid typid)
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
 * The items[from..n) that are keys of rows of t, added to dst (all of them
 * when t is not bound).  A join row whose end has no row relates nothing.
 * Ends are compared through their text form, as the check engine does: an
 * item that converts to a key but is not its text ("0104" for the integer
 * key 104) names no row.
 */
static bool
existing_into(MType *t, char **items, int from, int n, KeySet *dst)
{
	Oid			argtypes[2];
	Datum		args[2];
	int			i;
	bool		changed = false;

	if (n <= from)
		return false;
	if (!t->bound)
	{
		for (i = from; i < n; i++)
			changed |= keyset_add(dst, items[i]);
		return changed;
	}
	argtypes[0] = get_array_type(t->key_type);
	if (!OidIsValid(argtypes[0]))
		elog(ERROR, "key type %u has no array type", t->key_type);
	args[0] = rbac_sets_typed_array(items, from, n, t->key_type);
	argtypes[1] = TEXTARRAYOID;
	args[1] = rbac_sets_typed_array(items, from, n, TEXTOID);
	return query_into(dst, psprintf("%s WHERE a.%s OPERATOR(pg_catalog.=) ANY ($1) "
									"AND a.%s::pg_catalog.text OPERATOR(pg_catalog.=) ANY ($2)",
									select_keys(t), quote_identifier(t->key_col),
									quote_identifier(t->key_col)),
					  2, argtypes, args, NULL);
}

/*
 * Are the "from" values of join table j, in their text form, exactly the
 * text forms of the keys of t they equal?  Integers, and bytewise-compared
 * text with t's key collation deterministic, of the key's own base type.
 */
static bool
join_from_exact(MType *t, MRelJoin *j)
{
	Oid			kt = getBaseType(t->key_type);

	if (j->from_type != kt)
		return false;
	if (inset_integer_type(kt))
		return true;
	return inset_bytes_type(kt) &&
		(!OidIsValid(t->key_collation) || get_collation_isdeterministic(t->key_collation));
}

/*
 * Propagation through a join table: the existing rows of t joined (from)
 * to the items of src not propagated yet (to) that exist.  Without probe
 * (rbac_sets_compute_own), the "from" values are taken as they are when
 * join_from_exact: a value with no row of t then stands in the set for no
 * row, and the set is only matched against the key of t's own rows.
 */
static bool
propagate_join(MType *t, MRelJoin *j, KeySet *src, int *done, KeySet *dst,
			   bool *once, bool probe)
{
	KeySet	   *from = keyset_new();
	char	   *sel = psprintf("SELECT DISTINCT j.%s::pg_catalog.text FROM %s j WHERE ",
							   quote_identifier(j->from_col), j->qualname);

	if (src->universal)
	{
		if (*once)
			return false;
		*once = true;
		query_into(from, psprintf("%sj.%s IS NOT NULL", sel, quote_identifier(j->to_col)),
				   0, NULL, NULL, NULL);
	}
	else if (*done < src->n)
	{
		KeySet	   *to = keyset_new();
		Oid			atype = get_array_type(j->to_type);
		Datum		arr;

		if (!OidIsValid(atype))
			elog(ERROR, "relation column type %u has no array type", j->to_type);
		if (j->target == NULL)
			return false;
		existing_into(j->target, src->items, *done, src->n, to);
		*done = src->n;
		if (to->n == 0)
			return false;
		arr = rbac_sets_typed_array(to->items, 0, to->n, j->to_type);
		query_into(from, psprintf("%sj.%s OPERATOR(pg_catalog.=) ANY ($1)", sel,
								  quote_identifier(j->to_col)),
				   1, &atype, &arr, NULL);
	}
	if (!probe && join_from_exact(t, j))
	{
		bool		changed = false;
		int			i;

		keyset_reserve(dst, from->n);
		for (i = 0; i < from->n; i++)
			changed |= keyset_add(dst, from->items[i]);
		return changed;
	}
	return existing_into(t, from->items, 0, from->n, dst);
}

/*
 * Rows of t whose relation term (column or join table) is in set src
 * (only the items not propagated yet, from *done on): add their keys to
 * dst.  probe: false only for a set matched against t's own keys alone
 * (propagate_join).
 */
bool
rbac_sets_propagate_via(MType *t, int term, KeySet *src, int *done, KeySet *dst,
			  bool *once, bool probe)
{
	char	   *sql;
	bool		changed = false;

	if (!rbac_relation_bound(t, term))
		return false;
	if (t->rel_join[term] != NULL)
		return propagate_join(t, t->rel_join[term], src, done, dst, once, probe);
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
		arr = rbac_sets_typed_array(src->items, *done, src->n, ctype);
		*done = src->n;
		sql = psprintf("%s WHERE a.%s OPERATOR(pg_catalog.=) ANY ($1)", select_keys(t),
					   quote_identifier(t->rel_col[term]));
		changed = query_into(dst, sql, 1, &atype, &arr, NULL);
	}
	return changed;
}

/*
 * Rows of t whose relation term is the actor (of its type): its column, or
 * a join row to the actor, whose row must then exist when its type is
 * bound.
 */
void
rbac_sets_rows_of_actor(RbacSetEval *se, MType *t, int term, KeySet *dst)
{
	const char *target = t->ast->terms[term].target;
	MRelJoin   *j;
	Oid			ctype;
	Datum		v;
	bool		ok;
	char	   *sql;

	if (se->ev.atype == NULL || target == NULL || strcmp(target, se->ev.atype) != 0 ||
		!rbac_relation_bound(t, term))
		return;
	j = t->rel_join[term];
	if (j != NULL)
	{
		KeySet	   *from = keyset_new();
		KeySet	   *actor = keyset_new();
		char	   *aid = se->ev.aid;

		if (j->target == NULL || !existing_into(j->target, &aid, 0, 1, actor))
			return;
		v = rbac_text_datum(j->to_type, aid, &ok);
		if (!ok)
			return;
		query_into(from, psprintf("SELECT DISTINCT j.%s::pg_catalog.text FROM %s j "
								  "WHERE j.%s OPERATOR(pg_catalog.=) $1",
								  quote_identifier(j->from_col), j->qualname,
								  quote_identifier(j->to_col)),
				   1, &j->to_type, &v, NULL);
		existing_into(t, from->items, 0, from->n, dst);
		return;
	}
	ctype = relcol_type(t, term);
	v = rbac_text_datum(ctype, se->ev.aid, &ok);
	if (!ok)
		return;
	sql = psprintf("%s WHERE a.%s OPERATOR(pg_catalog.=) $1", select_keys(t),
				   quote_identifier(t->rel_col[term]));
	query_into(dst, sql, 1, &ctype, &v, NULL);
}

/*
 * Terms of t that every way body e can hold needs the actor to hold on the
 * resource itself (has_role / has_permission on it, not under "not"),
 * appended to *terms; false when some way needs none (a global role, a
 * comparison, "not" alone): such a body may hold on ids no role data names.
 */
static bool
anchor_terms(RbacRule *rule, MType *t, RbacExpr *e, List **terms)
{
	RbacPath   *p;
	int			term;

	switch (e->kind)
	{
		case RBAC_EX_AND:
			return anchor_terms(rule, t, e->left, terms) ||
				anchor_terms(rule, t, e->right, terms);
		case RBAC_EX_OR:
			return anchor_terms(rule, t, e->left, terms) &&
				anchor_terms(rule, t, e->right, terms);
		case RBAC_EX_HAS_ROLE:
		case RBAC_EX_HAS_PERMISSION:
			p = &e->target->path;
			if (e->name == NULL || e->target->kind != RBAC_OP_PATH ||
				p->var_index != 1 || p->tail != RBAC_TAIL_SELF ||
				!(rule->compiled || (e->actor_var && rule->actor_var &&
									 strcmp(e->actor_var, rule->actor_var) == 0)))
				return false;
			term = rbac_type_term(t, e->name);
			if (term < 0)
				return false;
			*terms = lappend_int(*terms, term);
			return true;
		default:
			return false;
	}
}

/*
 * How deep lastmile_unbound's nested set evaluations are: an anchor may
 * itself come from such a rule; a cycle of them stops at the bound.
 */
static int	lastmile_unbound_depth = 0;

#define LASTMILE_UNBOUND_MAX_DEPTH 8

/* The "cannot be listed" error of lastmile_unbound. */
static void
unlistable_rule(MType *t, RbacRule *rule)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("the rule at line %d can hold on ids of type %s that no role data names, which cannot be listed",
					rule->line, t->name),
			 errhint("Bind the type to a table with rbac.bind().")));
}

/*
 * Ids of the unbound type t where last-mile rule lm holds for the actor:
 * there are no rows to run the body over, so the candidates are the ids of
 * the sets the body cannot hold without (anchor_terms, computed by a set
 * evaluation of their own), each checked as is_allowed checks it.  A body
 * that may hold on ids no role data names, or whose anchors depend on such
 * rules in a cycle, cannot be listed (0A000, as for a role held on every
 * id).
 */
static bool
lastmile_unbound(RbacSetEval *se, MType *t, MLastMile *lm, KeySet *dst)
{
	List	   *terms = NIL;
	KeySet	   *cand = keyset_new();
	bool		changed = false;
	ListCell   *lc;
	int			i;

	if (lastmile_unbound_depth >= LASTMILE_UNBOUND_MAX_DEPTH ||
		!anchor_terms(lm->rule, t, lm->rule->body, &terms))
		unlistable_rule(t, lm->rule);
	lastmile_unbound_depth++;
	PG_TRY();
	{
		foreach(lc, terms)
		{
			RbacSetEval sub;
			KeySet	   *src;

			rbac_sets_begin(&sub, se->ev.m, se->ev.aref);
			src = rbac_sets_compute(&sub, t, lfirst_int(lc));
			if (src->universal)
				unlistable_rule(t, lm->rule);
			keyset_reserve(cand, src->n);
			for (i = 0; i < src->n; i++)
				(void) keyset_add(cand, src->items[i]);
			rbac_eval_end(&sub.ev);
		}
	}
	PG_FINALLY();
	{
		lastmile_unbound_depth--;
	}
	PG_END_TRY();
	for (i = 0; i < cand->n; i++)
	{
		int			ni = rbac_eval_node(&se->ev, t, cand->items[i]);

		if (rbac_eval_lastmile_holds(&se->ev, &se->ev.nodes[ni], lm) &&
			keyset_add(dst, cand->items[i]))
			changed = true;
	}
	return changed;
}

/* Keys of rows of t where last-mile rule lm holds for the actor. */
static bool
lastmile_rows(RbacSetEval *se, MType *t, MLastMile *lm, KeySet *dst)
{
	Oid			argtypes[RBAC_LASTMILE_NPARAMS];
	Datum		values[RBAC_LASTMILE_NPARAMS];
	char		nulls[RBAC_LASTMILE_NPARAMS];
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
		return lastmile_unbound(se, t, lm, dst);
	body = rbac_sql_lastmile_body(se->ev.m, rule, "a", &rbac_eval_sql_actor);
	if (body == NULL)
		return false;
	rbac_eval_lastmile_argtypes(argtypes);
	rbac_eval_lastmile_params(&se->ev, rule, values, nulls);
	return query_into(dst, psprintf("%s WHERE %s", select_keys(t), body),
					  RBAC_LASTMILE_NPARAMS, argtypes, values, nulls);
}

/* One round over the rules of type t; true if any set grew. */
static bool
round_type(RbacSetEval *se, MType *t)
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

					if (v == NULL)
						break;
					if (rbac_sets_propagate_via(t, rule->via, get_set(se, v, rule->body),
									  &se->done[t->index][r], dst,
									  &se->once[t->index][r], se->own_key != t))
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

					rbac_sets_rows_of_actor(se, t, rule->body, dst);
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
					rbac_sets_rows_of_actor(se, v, rule->body, owned);
					changed |= rbac_sets_propagate_via(t, rule->via, owned, &done, dst, &once,
													   se->own_key != t);
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
 * Does a relevant rule of se read a set of type t through a relation (a
 * hop from a resource to one of type t)?
 */
static bool
sets_read_through_relation(RbacSetEval *se, MType *t)
{
	RbacModel  *m = se->ev.m;
	int			i,
				r;

	for (i = 0; i < m->ntypes; i++)
	{
		MType	   *u = &m->types[i];

		if (se->ev.relevant[i] == NULL)
			continue;
		for (r = 0; r < u->nrules; r++)
		{
			MRule	   *rule = &u->rules[r];

			if (rule->via >= 0 && rbac_eval_is_relevant(&se->ev, u, rule->head) &&
				(u->ast->terms[rule->via].target == NULL ||
				 strcmp(u->ast->terms[rule->via].target, t->name) == 0))
				return true;
		}
	}
	return false;
}

/*
 * Compute the sets of every (type, term) relevant to (t, term) for the
 * actor of se.  Caller has run eval_init inside INTERNAL_BEGIN.
 */
KeySet *
rbac_sets_compute(RbacSetEval *se, MType *t, int term)
{
	RbacModel  *m = se->ev.m;
	bool		changed = true;
	int			i;

	se->sets = palloc0(sizeof(KeySet **) * (m->ntypes + 1));
	se->done = palloc0(sizeof(int *) * (m->ntypes + 1));
	se->once = palloc0(sizeof(bool *) * (m->ntypes + 1));
	se->direct_loaded = palloc0(sizeof(bool) * (m->ntypes + 1));
	rbac_eval_mark_relevant(&se->ev, t, term);
	if (se->own_key != NULL && sets_read_through_relation(se, se->own_key))
		se->own_key = NULL;
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
 * rbac_sets_compute for a set matched against the key of t's own rows
 * only (a generated policy's arms through join tables): rows of t reached
 * through a join table are not probed for existence, unless a relevant
 * rule reads a set of t through a relation (then its members are the
 * input of another hop, where a key without a row must relate nothing).
 */
KeySet *
rbac_sets_compute_own(RbacSetEval *se, MType *t, int term)
{
	se->own_key = t;
	return rbac_sets_compute(se, t, term);
}

/*
 * Only the direct grants on type t closed under its same-type rules: the
 * part of a generated policy that is matched against the row's own key.
 */
KeySet *
rbac_sets_compute_direct(RbacSetEval *se, MType *t, int term)
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
KeySet *
rbac_sets_all_keys(MType *t)
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
 * Begin a set evaluation for actor (NULL: none), inside
 * RBAC_INTERNAL_BEGIN/END as every evaluation (eval.h).
 */
void
rbac_sets_begin(RbacSetEval *se, RbacModel *m, const char *actor)
{
	memset(se, 0, sizeof(*se));
	rbac_eval_begin(&se->ev, m, actor);
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
		RbacSetEval		se;
		KeySet	   *k;
		int			i;

		rbac_sets_begin(&se, m, actor);
		k = rbac_sets_compute(&se, t, term);
		if (k->universal)
			k = rbac_sets_all_keys(t);
		rbac_eval_end(&se.ev);
		MemoryContextSwitchTo(callcxt);
		for (i = 0; i < k->n; i++)
			result = lappend(result, pstrdup(k->items[i]));
	}
	RBAC_INTERNAL_END();
	return result;
}
