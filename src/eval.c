/*-------------------------------------------------------------------------
 *
 * eval.c
 *	  The per-resource derivation: does actor A hold permission or role X
 *	  on resource R?  (docs/policy-language.md, "Evaluation".)
 *
 * One evaluation works on a small graph of resource nodes: R and every
 * resource reached from it through relations that some relevant rule walks
 * ("on" rules), found by fetching each node's relation columns from its
 * bound table with a saved plan, or its rows in a relation's join table
 * (many-to-many).  A relation column gives at most one neighbour, a join
 * table any number; self-referential relations are followed to any depth
 * and a cycle in the data is simply a node seen twice.  The targets of a
 * relation may be resources or actors (roles on actors come from last-mile
 * rules).  A join row whose other end has no row (of a bound type) relates
 * nothing.
 *
 * Each node starts with the terms held directly: roles assigned to A or to
 * a group A belongs to (transitively), unexpired, and the permissions and
 * implied roles of custom roles so assigned, plus terms granted by
 * last-mile rules whose body holds for (A, node).  Then the shorthand rules
 * of every node's type are applied until nothing changes (a least
 * fixpoint, so implication cycles and cyclic data terminate and mean
 * exactly what they should).  Only terms that can contribute to the asked
 * term ("relevant" terms, a backward closure over the rules) are looked at.
 *
 * A resource of a bound type with no row holds only what direct
 * assignments on its id (and implications from them) give.
 *
 * Every lookup runs as the internal user (run_as.c) in the caller's
 * snapshot, so a change made earlier in the transaction is seen and
 * uncommitted changes of others are not.  Nothing here writes.
 *
 *-------------------------------------------------------------------------
 */
#include "eval.h"
#include "keyset.h"
#include "refs.h"
#include "sqlgen.h"
#include "util.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

/* ---------------------------------------------------------------------
 * Lookups
 * ---------------------------------------------------------------------
 */

/* Callback context of the catalog probes. */
typedef struct ProbeCtx
{
	RbacEval	   *ev;
	int			actor;			/* actor entry probed for */
	int			node;			/* node probed */
} ProbeCtx;

/* Index of (type, id) in the actor set, or -1. */
static int
actor_index(RbacEval *ev, const char *type, const char *id)
{
	return ev->as ? rbac_actorset_index(ev->as, type, id) : -1;
}

/* Load the global roles held by the actor set (once per evaluation). */
void
rbac_eval_load_globals(RbacEval *ev)
{
	if (ev->globals_loaded)
		return;
	ev->globals_loaded = true;
	if (ev->as == NULL)
	{
		ev->global_held = palloc0(sizeof(bool) * (ev->m->nglobals + 1));
		ev->global_actor = palloc0(sizeof(int) * (ev->m->nglobals + 1));
		return;
	}
	rbac_actorset_load_globals(ev->as, &ev->probe);
	ev->global_held = ev->as->global_held;
	ev->global_actor = ev->as->global_actor;
}

/* Mark term held on node n (first reason wins); true if it is new. */
static bool
hold(RbacEvalNode *n, int term, RbacEvalReasonKind kind, int rule, int actor, char *custom)
{
	if (term < 0 || n->held[term])
		return false;
	n->held[term] = true;
	n->why[term].relnode = -1;
	n->why[term].kind = kind;
	n->why[term].rule = rule;
	n->why[term].actor = actor;
	n->why[term].custom = custom;
	return true;
}

/*
 * rbac_lookup_roles callback for assignments on a node: a built-in role of
 * the node's type, or a custom role of the node (as tenant) whose
 * permissions and implied roles are held.
 */
static void
role_found(void *arg, const char *role)
{
	ProbeCtx   *p = (ProbeCtx *) arg;
	RbacEvalNode	   *n = &p->ev->nodes[p->node];
	int			term = role ? rbac_type_term(n->type, role) : -1;
	char	  **perms;
	char	  **implies;
	int			np,
				ni,
				k;

	if (role == NULL)
		return;
	if (term >= 0)
	{
		if (n->type->ast->terms[term].kind == RBAC_TERM_ROLE)
			hold(n, term, RBAC_WHY_ASSIGNED, -1, p->actor, NULL);
		return;
	}
	if (!rbac_lookup_custom_role(&p->ev->probe, n->type->name, n->id, role,
								 &perms, &np, &implies, &ni))
		return;
	if (!list_member(n->customs, makeString((char *) role)))
		n->customs = lappend(n->customs, makeString(pstrdup(role)));
	for (k = 0; k < np + ni; k++)
	{
		const char *name = k < np ? perms[k] : implies[k - np];

		term = rbac_type_term(n->type, name);
		if (term >= 0 && n->type->ast->terms[term].kind != RBAC_TERM_RELATION)
			hold(n, term, RBAC_WHY_CUSTOM, -1, p->actor, pstrdup(role));
	}
}

/*
 * rbac_lookup_resource_roles callback: an assignment on the node to anyone;
 * it counts when the assignee is in the actor set.
 */
static void
resource_role_found(void *arg, const char *role, const char *atype, const char *aid)
{
	ProbeCtx   *p = (ProbeCtx *) arg;

	if (atype == NULL || aid == NULL)
		return;
	p->actor = actor_index(p->ev, atype, aid);
	if (p->actor >= 0)
		role_found(arg, role);
}

/* An actor set larger than this reads each node's assignments once. */
#define PROBE_PER_ACTOR_MAX 8

/*
 * Direct assignments of the actor set on every node of the graph.  From
 * the actor's expansion when it holds them all (one range scan per member
 * of a small actor set, read once per snapshot: nodes the actor holds
 * nothing on cost nothing); else one index probe per (node, actor set
 * member) for a small actor set, one scan of each node's assignments for a
 * large one (an actor in thousands of groups must not cost nodes x groups
 * probes).  A large actor set reads its assignments only once its
 * expansion is reused (a generated policy checking rows one at a time).
 */
static void
load_assignments(RbacEval *ev)
{
	ProbeCtx	p;
	bool		expansion = ev->as != NULL &&
		(ev->nactors <= PROBE_PER_ACTOR_MAX || ev->as->uses > 1);

	p.ev = ev;
	for (p.node = 0; p.node < ev->nnodes; p.node++)
	{
		RbacActorRole *r;

		CHECK_FOR_INTERRUPTS();
		if (expansion &&
			rbac_actorset_roles(ev->as, &ev->probe, ev->nodes[p.node].type->name,
								ev->nodes[p.node].id, &r))
		{
			for (; r != NULL; r = r->next)
			{
				p.actor = r->actor;
				role_found(&p, r->role);
			}
			continue;
		}
		if (ev->nactors > PROBE_PER_ACTOR_MAX)
		{
			rbac_lookup_resource_roles(&ev->probe, ev->nodes[p.node].type->name,
									   ev->nodes[p.node].id, resource_role_found, &p);
			continue;
		}
		for (p.actor = 0; p.actor < ev->nactors; p.actor++)
			rbac_lookup_roles(&ev->probe, ev->nodes[p.node].type->name,
							  ev->nodes[p.node].id, ev->actors[p.actor].type,
							  ev->actors[p.actor].id, role_found, &p);
	}
}

/*
 * Fetch node n's row: whether it exists and the values of its relation
 * columns.
 */
void
rbac_eval_fetch_row(RbacEval *ev, RbacEvalNode *n)
{
	MType	   *t = n->type;
	Datum		key;
	bool		ok;
	int			term;

	n->fetched = true;
	if (!t->bound)
		return;
	key = rbac_key_datum(t, n->id, &ok);
	if (!ok)
	{
		n->restricted = true;
		return;
	}
	if (OidIsValid(t->key_index))
	{
		if (!rbac_fetch_row(&ev->probe, t->relid, t->key_index, t->key_eqproc,
							t->key_collation, key, t->nterms, t->rel_attnum,
							t->rel_out, n->relval))
			n->restricted = true;
		return;
	}
	if (SPI_execute_plan(t->row_plan, &key, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the table bound to type %s", t->name);
	if (SPI_processed == 0)
	{
		n->restricted = true;
		return;
	}
	for (term = 0; term < t->nterms; term++)
	{
		if (t->rel_pos[term] < 0)
			continue;
		n->relval[term] = SPI_getvalue(SPI_tuptable->vals[0],
									   SPI_tuptable->tupdesc, t->rel_pos[term]);
	}
}

/*
 * Allocate the per-term arrays of node n, of len entries each, zeroed, in
 * one chunk: a check adds a few nodes, and seven allocations per node were
 * a visible part of its cost.
 */
static void
node_arrays(RbacEvalNode *n, int len)
{
	Size		ptrs = MAXALIGN(sizeof(void *) * len);
	Size		why = MAXALIGN(sizeof(RbacEvalReason) * len);
	Size		flags = MAXALIGN(sizeof(bool) * len);
	char	   *p = palloc0(3 * ptrs + why + 3 * flags);

	n->relval = (char **) p;
	n->relids = (List **) (p + ptrs);
	n->relnodes = (List **) (p + 2 * ptrs);
	n->why = (RbacEvalReason *) (p + 3 * ptrs);
	n->relids_loaded = (bool *) (p + 3 * ptrs + why);
	n->rel_followed = (bool *) (p + 3 * ptrs + why + flags);
	n->held = (bool *) (p + 3 * ptrs + why + 2 * flags);
}

/* RbacEvalNode index of (type, id), adding it if new. */
int
rbac_eval_node(RbacEval *ev, MType *t, const char *id)
{
	RbacEvalNode	   *n;
	int			i;
	char	   *cid = rbac_ref_canonical_id(t, id, false);
	char	   *key = rbac_counted_key(t->index, cid, "");

	i = keyset_find(ev->node_keys, key, strlen(key));
	if (i >= 0)
		return i;
	keyset_add(ev->node_keys, key);
	if (ev->nnodes == ev->capnodes)
	{
		ev->capnodes = ev->capnodes ? ev->capnodes * 2 : 8;
		ev->nodes = ev->nodes ?
			repalloc(ev->nodes, sizeof(RbacEvalNode) * ev->capnodes) :
			palloc(sizeof(RbacEvalNode) * ev->capnodes);
	}
	n = &ev->nodes[ev->nnodes];
	memset(n, 0, sizeof(RbacEvalNode));
	n->type = t;
	n->id = cid;
	node_arrays(n, t->nterms + 1);
	return ev->nnodes++;
}

/* ---------------------------------------------------------------------
 * Relevance
 * ---------------------------------------------------------------------
 */

/* Mark term of type t relevant (per-type flags are allocated on demand). */
static void
set_relevant(RbacEval *ev, MType *t, int term)
{
	if (ev->relevant[t->index] == NULL)
		ev->relevant[t->index] = palloc0(sizeof(bool) * (t->nterms + 1));
	ev->relevant[t->index][term] = true;
}

/* Mark (t, term) relevant and, backwards through the rules, what feeds it. */
void
rbac_eval_mark_relevant(RbacEval *ev, MType *t0, int term0)
{
	typedef struct Item
	{
		MType	   *t;
		int			term;
	} Item;
	Item	   *stack;
	int			nstack = 0;
	int			cap = 16;

	stack = palloc(sizeof(Item) * cap);
	if (rbac_eval_is_relevant(ev, t0, term0))
		return;
	set_relevant(ev, t0, term0);
	stack[nstack].t = t0;
	stack[nstack].term = term0;
	nstack++;
	while (nstack > 0)
	{
		Item		it = stack[--nstack];
		int			r;

		for (r = 0; r < it.t->nrules; r++)
		{
			MRule	   *rule = &it.t->rules[r];
			MType	   *bt = it.t;

			if (rule->head != it.term || rule->body_kind != RBAC_BODY_TERM)
				continue;
			if (rule->via >= 0)
				bt = rbac_model_type(ev->m, it.t->ast->terms[rule->via].target);
			if (bt == NULL || rbac_eval_is_relevant(ev, bt, rule->body))
				continue;
			set_relevant(ev, bt, rule->body);
			if (nstack == cap)
			{
				cap *= 2;
				stack = repalloc(stack, sizeof(Item) * cap);
			}
			stack[nstack].t = bt;
			stack[nstack].term = rule->body;
			nstack++;
		}
	}
}

/* ---------------------------------------------------------------------
 * Evaluation
 * ---------------------------------------------------------------------
 */

/* Set up an evaluation for an actor reference (NULL: no actor). */
void
rbac_eval_begin(RbacEval *ev, RbacModel *m, const char *actor)
{
	memset(ev, 0, sizeof(RbacEval));
	ev->m = m;
	rbac_probe_begin(&ev->probe, &m->cat);
	ev->relevant = palloc0(sizeof(bool *) * (m->ntypes + 1));
	ev->node_keys = keyset_new();
	if (actor != NULL)
	{
		ev->as = rbac_actorset_get(m, &ev->probe, actor);
		ev->atype = ev->as->atype;
		ev->aid = ev->as->aid;
		ev->aref = ev->as->aref;
		ev->actors = ev->as->actors;
		ev->nactors = ev->as->nactors;
	}
}

/* Release what an evaluation opened. */
void
rbac_eval_end(RbacEval *ev)
{
	rbac_probe_end(&ev->probe);
	rbac_actorset_release(ev->as);
}

/* Does the actor match a last-mile rule's actor parameter? */
bool
rbac_eval_lastmile_actor_matches(RbacEval *ev, RbacRule *rule)
{
	switch (rule->actor_kind)
	{
		case RBAC_ACTOR_ANYONE:
			return true;
		case RBAC_ACTOR_ANY_ACTOR:
			return ev->atype != NULL;
		case RBAC_ACTOR_TYPED:
		default:
			return ev->atype != NULL && rule->actor_type != NULL &&
				strcmp(ev->atype, rule->actor_type) == 0;
	}
}

const SqlActor rbac_eval_sql_actor = {"$1", "$2", "$4", "$3", "$5"};

/* The types of the parameters of a compiled rule body (all text but $5). */
void
rbac_eval_lastmile_argtypes(Oid *argtypes)
{
	int			i;

	for (i = 0; i < RBAC_LASTMILE_NPARAMS; i++)
		argtypes[i] = TEXTOID;
	argtypes[4] = TEXTARRAYOID;
}

/*
 * The values of the parameters of a compiled body of rule for the
 * evaluation's actor, but $3 (NULL here): NULL when there is no actor; the
 * global roles are read once per evaluation, when a rule tests one.
 */
void
rbac_eval_lastmile_params(RbacEval *ev, RbacRule *rule, Datum *values, char *nulls)
{
	int			i;

	for (i = 0; i < RBAC_LASTMILE_NPARAMS; i++)
	{
		values[i] = (Datum) 0;
		nulls[i] = 'n';
	}
	if (ev->atype)
	{
		values[0] = CStringGetTextDatum(ev->aid);
		values[1] = CStringGetTextDatum(ev->atype);
		values[3] = CStringGetTextDatum(ev->aref);
		nulls[0] = nulls[1] = nulls[3] = ' ';
	}
	if (rule->uses_global)
	{
		if (ev->global_names == (Datum) 0)
		{
			Datum	   *names;
			int			n = 0;

			rbac_eval_load_globals(ev);
			names = palloc(sizeof(Datum) * (ev->m->nglobals + 1));
			for (i = 0; i < ev->m->nglobals; i++)
				if (ev->global_held[i])
					names[n++] = CStringGetTextDatum(ev->m->globals[i]);
			ev->global_names = PointerGetDatum(construct_array(names, n, TEXTOID,
															   -1, false, TYPALIGN_INT));
		}
		values[4] = ev->global_names;
		nulls[4] = ' ';
	}
}

/* Build (once) the plan that evaluates a last-mile rule on one resource. */
static void
compile_lastmile(RbacEval *ev, MType *t, MLastMile *lm)
{
	char	   *body;
	StringInfoData sql;
	Oid			argtypes[RBAC_LASTMILE_NPARAMS];

	lm->compiled = true;
	if (lm->rule->body == NULL || lm->rule->body->kind == RBAC_EX_TRUE)
		return;					/* no body: holds, no plan needed */
	rbac_eval_lastmile_argtypes(argtypes);
	body = rbac_sql_lastmile_body(ev->m, lm->rule, "_rbac_r", &rbac_eval_sql_actor);
	if (body == NULL)
	{
		/* refers to something unbound: cannot hold */
		lm->plan = NULL;
		lm->compiled = true;
		return;
	}
	initStringInfo(&sql);
	if (t->bound)
	{
		appendStringInfo(&sql, "SELECT %s FROM %s _rbac_r WHERE _rbac_r.%s OPERATOR(pg_catalog.=) $3",
						 body, t->qualname, quote_identifier(t->key_col));
		argtypes[2] = t->key_type;
	}
	else
		appendStringInfo(&sql, "SELECT %s", body);
	lm->plan = SPI_prepare_cursor(sql.data, RBAC_LASTMILE_NPARAMS, argtypes,
								  CURSOR_OPT_GENERIC_PLAN);
	if (lm->plan == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("could not compile the rule at line %d of the policy: %s",
						lm->rule->line, SPI_result_code_string(SPI_result)),
				 errdetail("Generated SQL: %s", sql.data)));
	SPI_keepplan(lm->plan);
}

/* Is a last-mile rule's body true for the evaluation's actor on node n? */
bool
rbac_eval_lastmile_holds(RbacEval *ev, RbacEvalNode *n, MLastMile *lm)
{
	Datum		values[RBAC_LASTMILE_NPARAMS];
	char		nulls[RBAC_LASTMILE_NPARAMS];
	bool		isnull;
	bool		ok = true;

	if (!rbac_eval_lastmile_actor_matches(ev, lm->rule))
		return false;
	if (!lm->compiled)
		compile_lastmile(ev, n->type, lm);
	if (lm->rule->body == NULL || lm->rule->body->kind == RBAC_EX_TRUE)
		return true;
	if (lm->plan == NULL)
		return false;
	rbac_eval_lastmile_params(ev, lm->rule, values, nulls);
	nulls[2] = ' ';
	if (n->type->bound)
		values[2] = rbac_key_datum(n->type, n->id, &ok);
	else
		values[2] = CStringGetTextDatum(n->id);
	if (!ok)
		return false;
	if (SPI_execute_plan(lm->plan, values, nulls, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not evaluate the rule at line %d of the policy",
			 lm->rule->line);
	if (SPI_processed == 0)
		return false;
	return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
									  SPI_tuptable->tupdesc, 1, &isnull)) && !isnull;
}

/*
 * Does a node of type t need its row before the fixpoint?  Only when a
 * relevant rule of t walks a relation, tests an actor relation or a global
 * role (these hold only for resources that exist).  Otherwise direct
 * assignments and same-resource implications need no row.  A global role
 * the actor does not hold cannot hold anywhere, so its rule needs no row:
 * every user's check of an Issue would otherwise read its organization's
 * row for "read" if global "superadmin".
 */
static bool
needs_row(RbacEval *ev, MType *t)
{
	int			r;

	if (!t->bound)
		return false;
	for (r = 0; r < t->nrules; r++)
	{
		MRule	   *rule = &t->rules[r];

		if (!rbac_eval_is_relevant(ev, t, rule->head))
			continue;
		if (rule->via < 0 && rule->body_kind == RBAC_BODY_GLOBAL)
		{
			rbac_eval_load_globals(ev);
			if (!ev->global_held[rule->body])
				continue;
		}
		if (rule->via >= 0 || rule->body_kind != RBAC_BODY_TERM)
			return true;
	}
	return false;
}

/*
 * The ids related to node n by relation term: the value of its column, or
 * the "to" ids of its rows in the relation's join table (read once).  NIL
 * for a node without a row.
 */
static List *
related_ids(RbacEval *ev, RbacEvalNode *n, int term)
{
	MType	   *t = n->type;
	MRelJoin   *j;

	if (!n->fetched)
		rbac_eval_fetch_row(ev, n);
	if (n->restricted || !t->bound)
		return NIL;
	j = t->rel_join[term];
	if (j == NULL)
		return n->relval[term] ? list_make1(n->relval[term]) : NIL;
	if (!n->relids_loaded[term])
	{
		Datum		key;
		bool		ok;
		uint64		k;

		n->relids_loaded[term] = true;
		key = rbac_text_datum(j->from_type, n->id, &ok);
		if (!ok)
			return NIL;
		if (SPI_execute_plan(j->plan, &key, NULL, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not read the join table %s", j->qualname);
		for (k = 0; k < SPI_processed; k++)
			n->relids[term] = lappend(n->relids[term],
									  SPI_getvalue(SPI_tuptable->vals[k],
												   SPI_tuptable->tupdesc, 1));
	}
	return n->relids[term];
}

/*
 * Does a resource or actor of a bound type have a row?  (Unbound: yes.)
 * Probed without adding a node to the graph.
 */
static bool
row_exists(RbacEval *ev, MType *t, const char *id)
{
	RbacEvalNode tmp;

	memset(&tmp, 0, sizeof(tmp));
	tmp.type = t;
	tmp.id = (char *) id;
	tmp.relval = palloc0(sizeof(char *) * (t->nterms + 1));
	rbac_eval_fetch_row(ev, &tmp);
	return !tmp.restricted;
}

/*
 * Link node i to the nodes its relation term relates it to (once).  A join
 * row whose target, of a bound type, has no row relates nothing.
 */
static void
follow_relation(RbacEval *ev, int i, int term)
{
	RbacEvalNode *n = &ev->nodes[i];
	MType	   *target;
	bool		join;
	List	   *ids;
	ListCell   *lc;

	if (n->rel_followed[term])
		return;
	n->rel_followed[term] = true;
	target = rbac_model_type(ev->m, n->type->ast->terms[term].target);
	if (target == NULL)
		return;
	ids = related_ids(ev, n, term);
	join = n->type->bound && n->type->rel_join[term] != NULL;
	foreach(lc, ids)
	{
		int			next = rbac_eval_node(ev, target, (char *) lfirst(lc));

		/* rbac_eval_node may move the array */
		if (join && target->bound)
		{
			if (!ev->nodes[next].fetched)
				rbac_eval_fetch_row(ev, &ev->nodes[next]);
			if (ev->nodes[next].restricted)
				continue;
		}
		n = &ev->nodes[i];
		n->relnodes[term] = lappend_int(n->relnodes[term], next);
	}
}

/*
 * The nodes node ni is related to by relation term (indexes, an int list):
 * its column's, or its join rows' whose far end exists.
 */
List *
rbac_eval_related(RbacEval *ev, int ni, int term)
{
	follow_relation(ev, ni, term);
	return ev->nodes[ni].relnodes[term];
}

/*
 * Build the node graph from the root: fetch the rows that matter and
 * follow relations walked by relevant rules.
 */
static void
expand_nodes(RbacEval *ev, int root)
{
	int			i;

	for (i = root; i < ev->nnodes; i++)
	{
		RbacEvalNode *n;
		MType	   *t;
		int			r;

		CHECK_FOR_INTERRUPTS();
		n = &ev->nodes[i];
		t = n->type;
		if (!needs_row(ev, t) && !n->want_row)
			continue;
		if (!n->fetched)
			rbac_eval_fetch_row(ev, n);

		/* follow relations of relevant "on" rules */
		for (r = 0; r < t->nrules && !ev->nodes[i].restricted; r++)
		{
			MRule	   *rule = &t->rules[r];
			ListCell   *lc;

			if (rule->via < 0 || !rbac_eval_is_relevant(ev, t, rule->head))
				continue;
			follow_relation(ev, i, rule->via);
			/* "X" if "owns" on "parent": the parent's row says who owns it */
			if (rule->body_kind != RBAC_BODY_ACTOR_RELATION)
				continue;
			foreach(lc, ev->nodes[i].relnodes[rule->via])
			{
				int			next = lfirst_int(lc);

				ev->nodes[next].want_row = true;
				if (next <= i && !ev->nodes[next].fetched)
					rbac_eval_fetch_row(ev, &ev->nodes[next]);
			}
		}
	}
}

/*
 * Grant the terms of relevant last-mile rules whose body holds, on every
 * node (fetching rows not fetched yet: a rule holds only on an existing
 * resource).  Returns whether anything new is held.
 */
static bool
apply_lastmile(RbacEval *ev)
{
	bool		any = false;
	int			i;

	for (i = 0; i < ev->nnodes; i++)
	{
		MType	   *t = ev->nodes[i].type;
		int			r;

		for (r = 0; r < t->nlastmile; r++)
		{
			MLastMile  *lm = &t->lastmile[r];

			if (!rbac_eval_is_relevant(ev, t, lm->term) || ev->nodes[i].held[lm->term])
				continue;
			if (!ev->nodes[i].fetched)
				rbac_eval_fetch_row(ev, &ev->nodes[i]);
			if (ev->nodes[i].restricted)
				break;
			if (rbac_eval_lastmile_holds(ev, &ev->nodes[i], lm) &&
				hold(&ev->nodes[i], lm->term, RBAC_WHY_LASTMILE, r, -1, NULL))
				any = true;
		}
	}
	return any;
}

/*
 * Is the evaluation's actor related to node n by relation term (its
 * column, or one of its join rows, in which case the actor's row must
 * exist when its type is bound)?
 */
static bool
actor_relation_holds(RbacEval *ev, RbacEvalNode *n, int term)
{
	const char *target;
	ListCell   *lc;

	if (ev->atype == NULL)
		return false;
	target = n->type->ast->terms[term].target;
	if (target == NULL || strcmp(target, ev->atype) != 0)
		return false;
	foreach(lc, related_ids(ev, n, term))
	{
		if (strcmp((char *) lfirst(lc), ev->aid) != 0)
			continue;
		if (n->type->rel_join[term] == NULL)
			return true;
		if (ev->as->actor_exists == 0)
			ev->as->actor_exists = row_exists(ev, rbac_model_type(ev->m, ev->atype),
											  ev->aid) ? 1 : -1;
		return ev->as->actor_exists > 0;
	}
	return false;
}

/*
 * Does the body of "on" rule hold on a node related to n?  Sets *via to
 * the first such node.
 */
static bool
holds_on_related(RbacEval *ev, RbacEvalNode *n, MRule *rule, int *via)
{
	ListCell   *lc;

	foreach(lc, n->relnodes[rule->via])
	{
		RbacEvalNode *rel = &ev->nodes[lfirst_int(lc)];

		if (rule->body_kind == RBAC_BODY_TERM ? rel->held[rule->body] :
			actor_relation_holds(ev, rel, rule->body))
		{
			*via = lfirst_int(lc);
			return true;
		}
	}
	return false;
}

/* Apply the shorthand rules of every node until nothing changes. */
static void
fixpoint(RbacEval *ev)
{
	bool		changed = true;

	while (changed)
	{
		int			i;

		changed = false;

		/*
		 * Related nodes are added after the nodes that reach them, and
		 * derivations flow from a related node to the one before it: from
		 * the last node back, a chain (folders in folders) is done in one
		 * pass instead of one pass per level.
		 */
		for (i = ev->nnodes - 1; i >= 0; i--)
		{
			RbacEvalNode	   *n = &ev->nodes[i];
			MType	   *t = n->type;
			int			r;

			for (r = 0; r < t->nrules; r++)
			{
				MRule	   *rule = &t->rules[r];
				bool		cond = false;
				int			via = -1;

				if (n->held[rule->head] || !rbac_eval_is_relevant(ev, t, rule->head))
					continue;
				switch (rule->body_kind)
				{
					case RBAC_BODY_TERM:
					case RBAC_BODY_ACTOR_RELATION:
						if (rule->via >= 0)
							cond = holds_on_related(ev, n, rule, &via);
						else if (rule->body_kind == RBAC_BODY_TERM)
							cond = n->held[rule->body];
						else
							cond = actor_relation_holds(ev, n, rule->body);
						break;
					case RBAC_BODY_GLOBAL:
						if (!n->restricted)
						{
							rbac_eval_load_globals(ev);
							cond = ev->global_held[rule->body];
						}
						break;
					default:
						break;
				}
				if (cond && hold(n, rule->head, RBAC_WHY_RULE, r, -1, NULL))
				{
					n->why[rule->head].relnode = via;
					changed = true;
				}
			}
		}
	}
}

/*
 * Evaluate the terms of a resource for an actor.  terms (NULL: every role
 * and permission of the type) are made relevant.  Last-mile rules, which
 * cost a query each, are tried only when the cheaper derivations did not
 * already give every asked term.  Returns the root node.
 */
RbacEvalNode *
rbac_eval_resource(RbacEval *ev, MType *t, const char *id, const int *terms, int nterms)
{
	int			root;
	int			i;
	bool		all = true;

	if (terms == NULL)
	{
		for (i = 0; i < t->nterms; i++)
			if (t->ast->terms[i].kind != RBAC_TERM_RELATION)
				rbac_eval_mark_relevant(ev, t, i);
	}
	else
		for (i = 0; i < nterms; i++)
			rbac_eval_mark_relevant(ev, t, terms[i]);
	root = rbac_eval_node(ev, t, id);
	expand_nodes(ev, root);
	load_assignments(ev);
	fixpoint(ev);

	if (terms == NULL)
		all = false;
	else
		for (i = 0; i < nterms; i++)
			if (!ev->nodes[root].held[terms[i]])
				all = false;
	if (!all)
	{
		ev->lastmile_tried = true;
		if (apply_lastmile(ev))
			fixpoint(ev);
	}
	return &ev->nodes[root];
}

/*
 * After rbac_eval_resource: is what every node holds of its type's
 * relevant terms final, not only the root's asked terms?  The shorthand
 * rules and assignments are applied to every node; the last-mile rules
 * only when the root lacked an asked term, so the other nodes are final
 * when they were tried or none of them has a relevant head.
 */
bool
rbac_eval_nodes_final(RbacEval *ev)
{
	int			i;
	int			r;

	if (ev->lastmile_tried)
		return true;
	for (i = 0; i < ev->m->ntypes; i++)
	{
		MType	   *t = &ev->m->types[i];

		for (r = 0; r < t->nlastmile; r++)
			if (rbac_eval_is_relevant(ev, t, t->lastmile[r].term))
				return false;
	}
	return true;
}

/*
 * Begin ev for actor and evaluate permission term of the resource t:id;
 * returns the resource's node (root->held[term] is the answer).
 */
RbacEvalNode *
rbac_eval_permission(RbacEval *ev, RbacModel *m, const char *actor,
					 MType *t, const char *id, int term)
{
	rbac_eval_begin(ev, m, actor);
	return rbac_eval_resource(ev, t, id, &term, 1);
}

/*
 * A permission of the global block, checked on the resource 'global': held
 * when the actor, or a group it belongs to, holds a global role that grants
 * it (validation lists those roles in RbacGlobalPerm.grants).
 */
static bool
check_global(RbacModel *m, const char *actor, const char *action)
{
	RbacGlobalPerm *gp = m->parsed == NULL ? NULL :
		rbac_find_global_permission(m->parsed->policy, action);
	volatile bool result = false;

	if (gp == NULL)
	{
		RbacPolicy *p = m->parsed ? m->parsed->policy : NULL;
		const char **names = palloc(sizeof(char *) * (p ? p->ngperms + 1 : 1));
		const char *s;
		int			n;

		for (n = 0; p != NULL && n < p->ngperms; n++)
			names[n] = p->gperms[n].name;
		s = rbac_closest(action, names, n);
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("unknown global permission \"%s\"", action),
				 s ? errhint("Did you mean \"%s\"?", s) :
				 errhint("The resource 'global' stands for the permissions of the global block: global { permissions = [\"%s\"]; }.",
						 action)));
	}
	RBAC_INTERNAL_BEGIN();
	{
		RbacEval	ev;
		int			i;

		rbac_eval_begin(&ev, m, actor);
		rbac_eval_load_globals(&ev);
		for (i = 0; i < gp->ngrants && !result; i++)
		{
			int			g = rbac_model_global(m, gp->grants[i]);

			result = g >= 0 && ev.global_held[g];
		}
		rbac_eval_end(&ev);
	}
	RBAC_INTERNAL_END();
	return result;
}

/*
 * The core check: may actor (NULL: none) perform action on resource?
 * Raises for unknown types and actions and malformed references.  The
 * resource 'global' checks a permission of the global block.
 */
bool
rbac_check(const char *actor, const char *action, const char *resource)
{
	RbacModel  *m = rbac_get_model();
	RbacRef		ref;
	MType	   *t;
	int			term;
	volatile bool result = false;

	if (strcmp(resource, RBAC_GLOBAL_RESOURCE) == 0)
		return check_global(m, actor, action);
	term = rbac_ref_require_action(m, resource, action, &ref, &t);

	RBAC_INTERNAL_BEGIN();
	{
		RbacEval		ev;
		RbacEvalNode	   *root;

		root = rbac_eval_permission(&ev, m, actor, t, ref.id, term);
		result = root->held[term];
		rbac_eval_end(&ev);
	}
	RBAC_INTERNAL_END();
	return result;
}
