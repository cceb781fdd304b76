/*-------------------------------------------------------------------------
 *
 * check.c
 *	  The check engine: does actor A hold permission or role X on resource
 *	  R?  (SPEC section 4.1.)
 *
 * One evaluation works on a small graph of resource nodes: R and every
 * resource reached from it through relations that some relevant rule walks
 * ("on" rules), found by fetching each node's relation columns from its
 * bound table with a saved plan.  Relations are columns, so each node has
 * at most one neighbour per relation and the graph is a chain or a small
 * tree, however deep (self-referential relations are followed to any depth;
 * a cycle in the data is simply a node seen twice).
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
 * Every lookup runs as the internal user (model.c) in the caller's
 * snapshot, so a change made earlier in the transaction is seen and
 * uncommitted changes of others are not.  Nothing here writes.
 *
 *-------------------------------------------------------------------------
 */
#include "actor.h"
#include "check.h"
#include "keyset.h"
#include "lookup.h"
#include "sets.h"
#include "sqlgen.h"
#include "util.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"

PG_FUNCTION_INFO_V1(rbac_is_allowed);
PG_FUNCTION_INFO_V1(rbac_is_allowed_current);
PG_FUNCTION_INFO_V1(rbac_authorize);
PG_FUNCTION_INFO_V1(rbac_authorize_current);
PG_FUNCTION_INFO_V1(rbac_authorized_actions);
PG_FUNCTION_INFO_V1(rbac_authorized_actions_current);
PG_FUNCTION_INFO_V1(rbac_authorized_roles);
PG_FUNCTION_INFO_V1(rbac_authorized_roles_current);
PG_FUNCTION_INFO_V1(rbac_authorized_resources);
PG_FUNCTION_INFO_V1(rbac_authorized_resources_current);
PG_FUNCTION_INFO_V1(rbac_who_can);
PG_FUNCTION_INFO_V1(rbac_explain);
PG_FUNCTION_INFO_V1(rbac_explain_current);
PG_FUNCTION_INFO_V1(rbac_holds);
PG_FUNCTION_INFO_V1(rbac_lastmile_row);

/* Stack of (actor, term, type, id) being evaluated by rbac._holds(). */
typedef struct HoldsFrame
{
	const char *key;
	struct HoldsFrame *next;
} HoldsFrame;

static HoldsFrame *holds_stack = NULL;


/* ---------------------------------------------------------------------
 * Lookups
 * ---------------------------------------------------------------------
 */

/* The key of (type, id) in the actor set's index. */
static char *
actor_key(const char *type, const char *id)
{
	return psprintf("%zu:%s%s", strlen(type), type, id);
}

/* Index of (type, id) in the actor set, or -1 (a hash probe). */
static int
actor_index(Eval *ev, const char *type, const char *id)
{
	char	   *key = actor_key(type, id);
	int			k = keyset_find(ev->actor_keys, key, strlen(key));

	pfree(key);
	return k;
}

/* Add an entry to the actor set (not in it yet). */
static void
add_actor(Eval *ev, const char *type, const char *id, int via)
{
	if (ev->nactors == ev->capactors)
	{
		ev->capactors = ev->capactors ? ev->capactors * 2 : 8;
		ev->actors = ev->actors ?
			repalloc(ev->actors, sizeof(ActorEntry) * ev->capactors) :
			palloc(sizeof(ActorEntry) * ev->capactors);
	}
	ev->actors[ev->nactors].type = pstrdup(type);
	ev->actors[ev->nactors].id = pstrdup(id);
	ev->actors[ev->nactors].via = via;
	ev->nactors++;
	keyset_add(ev->actor_keys, actor_key(type, id));
}

/* Callback context of the catalog probes. */
typedef struct ProbeCtx
{
	Eval	   *ev;
	int			actor;			/* actor entry probed for */
	int			node;			/* node probed, -1 for global roles */
} ProbeCtx;

/* rbac_lookup_groups callback: add a newly found group to the set. */
static void
group_found(void *arg, const char *gtype, const char *gid)
{
	ProbeCtx   *p = (ProbeCtx *) arg;

	if (gtype && gid && actor_index(p->ev, gtype, gid) < 0)
		add_actor(p->ev, gtype, gid, p->actor);
}

/*
 * The actor set: the actor and every group it belongs to, transitively
 * (breadth first; each entry is probed once, so membership cycles end).
 */
static void
expand_groups(Eval *ev)
{
	ProbeCtx	p;

	p.ev = ev;
	p.node = -1;
	for (p.actor = 0; p.actor < ev->nactors; p.actor++)
	{
		CHECK_FOR_INTERRUPTS();
		rbac_lookup_groups(&ev->probe, ev->actors[p.actor].type,
						   ev->actors[p.actor].id, group_found, &p);
	}
}

/* rbac_lookup_roles callback for global assignments. */
static void
global_found(void *arg, const char *role)
{
	ProbeCtx   *p = (ProbeCtx *) arg;
	int			g = role ? rbac_model_global(p->ev->m, role) : -1;

	if (g >= 0 && !p->ev->global_held[g])
	{
		p->ev->global_held[g] = true;
		p->ev->global_actor[g] = p->actor;
	}
}

/* Load the global roles held by the actor set (once per evaluation). */
void
load_globals(Eval *ev)
{
	ProbeCtx	p;

	if (ev->globals_loaded)
		return;
	ev->globals_loaded = true;
	ev->global_held = palloc0(sizeof(bool) * (ev->m->nglobals + 1));
	ev->global_actor = palloc0(sizeof(int) * (ev->m->nglobals + 1));
	if (ev->m->nglobals == 0)
		return;
	p.ev = ev;
	p.node = -1;
	for (p.actor = 0; p.actor < ev->nactors; p.actor++)
		rbac_lookup_roles(&ev->probe, NULL, NULL, ev->actors[p.actor].type,
						  ev->actors[p.actor].id, global_found, &p);
}

/* Mark term held on node n (first reason wins); true if it is new. */
static bool
hold(RNode *n, int term, WhyKind kind, int rule, int actor, char *custom)
{
	if (term < 0 || n->held[term])
		return false;
	n->held[term] = true;
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
	RNode	   *n = &p->ev->nodes[p->node];
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
			hold(n, term, WHY_ASSIGNED, -1, p->actor, NULL);
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
			hold(n, term, WHY_CUSTOM, -1, p->actor, pstrdup(role));
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
 * Direct assignments of the actor set on every node of the graph: one
 * index probe per (node, actor set member) for a small actor set, one scan
 * of each node's assignments for a large one (an actor in thousands of
 * groups must not cost nodes x groups probes).
 */
static void
load_assignments(Eval *ev)
{
	ProbeCtx	p;

	p.ev = ev;
	for (p.node = 0; p.node < ev->nnodes; p.node++)
	{
		CHECK_FOR_INTERRUPTS();
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
static void
fetch_row(Eval *ev, RNode *n)
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
		if (!rbac_fetch_row(t->relid, t->key_index, t->key_eqproc,
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

/* RNode index of (type, id), adding it if new. */
static int
get_node(Eval *ev, MType *t, const char *id)
{
	RNode	   *n;
	int			i;
	char	   *cid = rbac_ref_canonical_id(t, id, false);
	char	   *key = psprintf("%d:%s", t->index, cid);

	i = keyset_find(ev->node_keys, key, strlen(key));
	if (i >= 0)
		return i;
	keyset_add(ev->node_keys, key);
	if (ev->nnodes == ev->capnodes)
	{
		ev->capnodes = ev->capnodes ? ev->capnodes * 2 : 8;
		ev->nodes = ev->nodes ?
			repalloc(ev->nodes, sizeof(RNode) * ev->capnodes) :
			palloc(sizeof(RNode) * ev->capnodes);
	}
	n = &ev->nodes[ev->nnodes];
	memset(n, 0, sizeof(RNode));
	n->type = t;
	n->id = cid;
	n->relval = palloc0(sizeof(char *) * (t->nterms + 1));
	n->relnode = palloc(sizeof(int) * (t->nterms + 1));
	for (i = 0; i <= t->nterms; i++)
		n->relnode[i] = -1;
	n->held = palloc0(sizeof(bool) * (t->nterms + 1));
	n->why = palloc0(sizeof(Why) * (t->nterms + 1));
	return ev->nnodes++;
}

/* ---------------------------------------------------------------------
 * Relevance
 * ---------------------------------------------------------------------
 */

/* Mark term of type t relevant (per-type flags are allocated on demand). */
static void
set_relevant(Eval *ev, MType *t, int term)
{
	if (ev->relevant[t->index] == NULL)
		ev->relevant[t->index] = palloc0(sizeof(bool) * (t->nterms + 1));
	ev->relevant[t->index][term] = true;
}

/* Mark (t, term) relevant and, backwards through the rules, what feeds it. */
void
mark_relevant(Eval *ev, MType *t0, int term0)
{
	typedef struct Item
	{
		MType	   *t;
		int			term;
	} Item;
	Item	   *stack;
	int			nstack = 0;
	int			cap = 64;

	stack = palloc(sizeof(Item) * cap);
	if (is_relevant(ev, t0, term0))
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
			if (bt == NULL || is_relevant(ev, bt, rule->body))
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
eval_init(Eval *ev, RbacModel *m, const char *actor)
{
	memset(ev, 0, sizeof(Eval));
	ev->m = m;
	rbac_probe_begin(&ev->probe, &m->cat);
	ev->relevant = palloc0(sizeof(bool *) * (m->ntypes + 1));
	ev->actor_keys = keyset_new();
	ev->node_keys = keyset_new();
	if (actor != NULL)
	{
		RbacRef		ref = rbac_ref_require(actor, "actor");

		rbac_ref_require_type(m, ref.type, RBAC_TYPE_ACTOR);
		ev->atype = ref.type;
		ev->aid = ref.id;
		ev->aref = pstrdup(actor);
		add_actor(ev, ref.type, ref.id, -1);
		expand_groups(ev);
	}
}

/* Release what an evaluation opened. */
void
eval_end(Eval *ev)
{
	rbac_probe_end(&ev->probe);
}

/* Does the actor match a last-mile rule's actor parameter? */
bool
lastmile_actor_matches(Eval *ev, RbacRule *rule)
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

/* Build (once) the plan that evaluates a last-mile rule on one resource. */
static void
compile_lastmile(Eval *ev, MType *t, MLastMile *lm)
{
	SqlActor	actor = {"$1", "$2", "$4", "$3"};
	char	   *body;
	StringInfoData sql;
	Oid			argtypes[4] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID};

	lm->compiled = true;
	if (lm->rule->body == NULL || lm->rule->body->kind == RBAC_EX_TRUE)
		return;					/* no body: holds, no plan needed */
	body = rbac_sql_lastmile_body(ev->m, lm->rule, "_rbac_r", &actor);
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
	lm->plan = SPI_prepare_cursor(sql.data, 4, argtypes, CURSOR_OPT_GENERIC_PLAN);
	if (lm->plan == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("could not compile the rule at line %d of the policy: %s",
						lm->rule->line, SPI_result_code_string(SPI_result)),
				 errdetail("Generated SQL: %s", sql.data)));
	SPI_keepplan(lm->plan);
}

/* Is a last-mile rule's body true for the evaluation's actor on node n? */
static bool
lastmile_holds(Eval *ev, RNode *n, MLastMile *lm)
{
	Datum		values[4];
	char		nulls[4] = {' ', ' ', ' ', ' '};
	bool		isnull;
	bool		ok = true;

	if (!lastmile_actor_matches(ev, lm->rule))
		return false;
	if (!lm->compiled)
		compile_lastmile(ev, n->type, lm);
	if (lm->rule->body == NULL || lm->rule->body->kind == RBAC_EX_TRUE)
		return true;
	if (lm->plan == NULL)
		return false;
	if (ev->atype)
	{
		values[0] = CStringGetTextDatum(ev->aid);
		values[1] = CStringGetTextDatum(ev->atype);
		values[3] = CStringGetTextDatum(ev->aref);
	}
	else
		nulls[0] = nulls[1] = nulls[3] = 'n';
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
 * assignments and same-resource implications need no row.
 */
static bool
needs_row(Eval *ev, MType *t)
{
	int			r;

	if (!t->bound)
		return false;
	for (r = 0; r < t->nrules; r++)
	{
		MRule	   *rule = &t->rules[r];

		if (!is_relevant(ev, t, rule->head))
			continue;
		if (rule->via >= 0 || rule->body_kind != RBAC_BODY_TERM)
			return true;
	}
	return false;
}

/*
 * Build the node graph from the root: fetch the rows that matter and
 * follow relations walked by relevant rules.
 */
static void
expand_nodes(Eval *ev, int root)
{
	int			i;

	for (i = root; i < ev->nnodes; i++)
	{
		RNode	   *n;
		MType	   *t;
		int			r;

		CHECK_FOR_INTERRUPTS();
		n = &ev->nodes[i];
		t = n->type;
		if (!needs_row(ev, t) && !n->want_row)
			continue;
		if (!n->fetched)
			fetch_row(ev, n);

		/* follow relations of relevant "on" rules */
		for (r = 0; r < t->nrules && !n->restricted; r++)
		{
			MRule	   *rule = &t->rules[r];
			MType	   *target;
			int			next;

			if (rule->via < 0 || !is_relevant(ev, t, rule->head) ||
				n->relval[rule->via] == NULL)
				continue;
			target = rbac_model_type(ev->m, t->ast->terms[rule->via].target);
			if (target == NULL || target->is_actor)
				continue;
			next = n->relnode[rule->via];
			if (next < 0)
			{
				next = get_node(ev, target, n->relval[rule->via]);
				n = &ev->nodes[i];	/* get_node may move the array */
				n->relnode[rule->via] = next;
			}
			/* "X" if "owns" on "parent": the parent's row says who owns it */
			if (rule->body_kind == RBAC_BODY_ACTOR_RELATION)
			{
				ev->nodes[next].want_row = true;
				if (next <= i && !ev->nodes[next].fetched)
					fetch_row(ev, &ev->nodes[next]);
				n = &ev->nodes[i];
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
apply_lastmile(Eval *ev)
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

			if (!is_relevant(ev, t, lm->term) || ev->nodes[i].held[lm->term])
				continue;
			if (!ev->nodes[i].fetched)
				fetch_row(ev, &ev->nodes[i]);
			if (ev->nodes[i].restricted)
				break;
			if (lastmile_holds(ev, &ev->nodes[i], lm) &&
				hold(&ev->nodes[i], lm->term, WHY_LASTMILE, r, -1, NULL))
				any = true;
		}
	}
	return any;
}

/* Is the related actor of relation term on node n the evaluation's actor? */
static bool
actor_relation_holds(Eval *ev, RNode *n, int term)
{
	const char *target;

	if (ev->atype == NULL || n->restricted || n->relval[term] == NULL)
		return false;
	target = n->type->ast->terms[term].target;
	return target != NULL && strcmp(target, ev->atype) == 0 &&
		strcmp(n->relval[term], ev->aid) == 0;
}

/* Apply the shorthand rules of every node until nothing changes. */
static void
fixpoint(Eval *ev)
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
			RNode	   *n = &ev->nodes[i];
			MType	   *t = n->type;
			int			r;

			for (r = 0; r < t->nrules; r++)
			{
				MRule	   *rule = &t->rules[r];
				bool		cond = false;

				if (n->held[rule->head] || !is_relevant(ev, t, rule->head))
					continue;
				switch (rule->body_kind)
				{
					case RBAC_BODY_TERM:
						if (rule->via < 0)
							cond = n->held[rule->body];
						else if (n->relnode[rule->via] >= 0)
							cond = ev->nodes[n->relnode[rule->via]].held[rule->body];
						break;
					case RBAC_BODY_ACTOR_RELATION:
						if (rule->via < 0)
							cond = actor_relation_holds(ev, n, rule->body);
						else if (n->relnode[rule->via] >= 0)
							cond = actor_relation_holds(ev, &ev->nodes[n->relnode[rule->via]],
														rule->body);
						break;
					case RBAC_BODY_GLOBAL:
						if (!n->restricted)
						{
							load_globals(ev);
							cond = ev->global_held[rule->body];
						}
						break;
					default:
						break;
				}
				if (cond && hold(n, rule->head, WHY_RULE, r, -1, NULL))
					changed = true;
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
static RNode *
evaluate(Eval *ev, MType *t, const char *id, const int *terms, int nterms)
{
	int			root;
	int			i;
	bool		all = true;

	if (terms == NULL)
	{
		for (i = 0; i < t->nterms; i++)
			if (t->ast->terms[i].kind != RBAC_TERM_RELATION)
				mark_relevant(ev, t, i);
	}
	else
		for (i = 0; i < nterms; i++)
			mark_relevant(ev, t, terms[i]);
	root = get_node(ev, t, id);
	expand_nodes(ev, root);
	load_assignments(ev);
	fixpoint(ev);

	if (terms == NULL)
		all = false;
	else
		for (i = 0; i < nterms; i++)
			if (!ev->nodes[root].held[terms[i]])
				all = false;
	if (!all && apply_lastmile(ev))
		fixpoint(ev);
	return &ev->nodes[root];
}

/*
 * The core check: may actor (NULL: none) perform action on resource?
 * Raises for unknown types and actions and malformed references.
 */
bool
rbac_check(const char *actor, const char *action, const char *resource)
{
	RbacModel  *m = rbac_get_model();
	RbacRef		ref = rbac_ref_require(resource, "resource");
	MType	   *t = rbac_ref_require_type(m, ref.type, RBAC_TYPE_ANY_RESOURCE);
	int			term = rbac_ref_require_permission(t, action);
	volatile bool result = false;

	RBAC_INTERNAL_BEGIN();
	{
		Eval		ev;
		RNode	   *root;

		eval_init(&ev, m, actor);
		root = evaluate(&ev, t, ref.id, &term, 1);
		result = root->held[term];
		eval_end(&ev);
	}
	RBAC_INTERNAL_END();
	return result;
}

/* The current actor as text, or NULL. */
static const char *
current_actor(void)
{
	return rbac_current_actor_name();
}

/* Text argument n, or NULL. */
static char *
arg_text(FunctionCallInfo fcinfo, int n)
{
	if (PG_ARGISNULL(n))
		return NULL;
	return text_to_cstring(PG_GETARG_TEXT_PP(n));
}

/* Raise 22023 for a NULL argument where a value is required. */
static char *
arg_required(FunctionCallInfo fcinfo, int n, const char *what)
{
	char	   *v = arg_text(fcinfo, n);

	if (v == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be null", what)));
	return v;
}

/* rbac.is_allowed(actor, action, resource) -> boolean */
Datum
rbac_is_allowed(PG_FUNCTION_ARGS)
{
	char	   *actor = arg_required(fcinfo, 0, "actor");

	PG_RETURN_BOOL(rbac_check(actor, arg_required(fcinfo, 1, "action"),
							  arg_required(fcinfo, 2, "resource")));
}

/* rbac.is_allowed(action, resource) -> boolean, for the current actor */
Datum
rbac_is_allowed_current(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(rbac_check(current_actor(),
							  arg_required(fcinfo, 0, "action"),
							  arg_required(fcinfo, 1, "resource")));
}

/* The action whose absence makes authorize report "not found". */
static const char *
read_action(void)
{
	const char *v = GetConfigOption("rbac.read_action", true, false);

	return (v && *v) ? v : "read";
}

/*
 * Raise unless allowed: not found (P0002) when the actor may not even read
 * the resource, forbidden (42501) otherwise.
 */
static void
do_authorize(const char *actor, const char *action, const char *resource)
{
	RbacModel  *m;
	RbacRef		ref;
	MType	   *t;
	const char *readp;
	int			rterm;

	if (rbac_check(actor, action, resource))
		return;
	m = rbac_get_model();
	ref = rbac_ref_require(resource, "resource");
	t = rbac_ref_require_type(m, ref.type, RBAC_TYPE_ANY_RESOURCE);
	readp = read_action();
	rterm = rbac_type_term(t, readp);
	if (rterm < 0 || t->ast->terms[rterm].kind != RBAC_TERM_PERMISSION ||
		!rbac_check(actor, readp, resource))
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("%s not found", resource),
				 rbac_errdecision()));
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("%s may not %s %s", actor ? actor : "nobody", action, resource),
			 rbac_errdecision()));
}

/* rbac.authorize(actor, action, resource) -> void */
Datum
rbac_authorize(PG_FUNCTION_ARGS)
{
	do_authorize(arg_required(fcinfo, 0, "actor"),
				 arg_required(fcinfo, 1, "action"),
				 arg_required(fcinfo, 2, "resource"));
	PG_RETURN_VOID();
}

/* rbac.authorize(action, resource) -> void, for the current actor */
Datum
rbac_authorize_current(PG_FUNCTION_ARGS)
{
	do_authorize(current_actor(), arg_required(fcinfo, 0, "action"),
				 arg_required(fcinfo, 1, "resource"));
	PG_RETURN_VOID();
}

/* Append one text row to a materialized set-returning function's result. */
static void
put_text(ReturnSetInfo *rsinfo, const char *s)
{
	Datum		v = CStringGetTextDatum(s);
	bool		isnull = false;

	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &v, &isnull);
}

/* qsort comparator for C strings. */
static int
cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/*
 * Return the sorted names of the terms of one kind that the actor holds
 * on resource (permissions for authorized_actions, roles for
 * authorized_roles; custom roles held directly count as roles).
 */
static void
held_terms(FunctionCallInfo fcinfo, const char *actor, const char *resource,
		   RbacTermKind kind)
{
	MemoryContext callcxt = CurrentMemoryContext;
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RbacModel  *m;
	RbacRef		ref;
	MType	   *t;
	char	  **volatile names = NULL;
	volatile int n = 0;
	int			i;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	m = rbac_get_model();
	ref = rbac_ref_require(resource, "resource");
	t = rbac_ref_require_type(m, ref.type, RBAC_TYPE_ANY_RESOURCE);

	RBAC_INTERNAL_BEGIN();
	{
		Eval		ev;
		RNode	   *root;

		eval_init(&ev, m, actor);
		root = evaluate(&ev, t, ref.id, NULL, 0);
		names = MemoryContextAlloc(callcxt, sizeof(char *) *
								   (t->nterms + list_length(root->customs) + 1));
		for (i = 0; i < t->nterms; i++)
			if (root->held[i] && t->ast->terms[i].kind == kind)
				names[n++] = t->ast->terms[i].name;
		if (kind == RBAC_TERM_ROLE)
		{
			/* custom roles held directly on the resource */
			ListCell   *lc;

			foreach(lc, root->customs)
				names[n++] = MemoryContextStrdup(callcxt, strVal(lfirst(lc)));
		}
		eval_end(&ev);
	}
	RBAC_INTERNAL_END();

	qsort(names, n, sizeof(char *), cmp_cstr);
	for (i = 0; i < n; i++)
		put_text(rsinfo, names[i]);
}

/* rbac.authorized_actions(actor, resource) -> SETOF text */
Datum
rbac_authorized_actions(PG_FUNCTION_ARGS)
{
	held_terms(fcinfo, arg_required(fcinfo, 0, "actor"),
			   arg_required(fcinfo, 1, "resource"), RBAC_TERM_PERMISSION);
	return (Datum) 0;
}

/* rbac.authorized_actions(resource) -> SETOF text, for the current actor */
Datum
rbac_authorized_actions_current(PG_FUNCTION_ARGS)
{
	held_terms(fcinfo, current_actor(), arg_required(fcinfo, 0, "resource"),
			   RBAC_TERM_PERMISSION);
	return (Datum) 0;
}

/* rbac.authorized_roles(actor, resource) -> SETOF text */
Datum
rbac_authorized_roles(PG_FUNCTION_ARGS)
{
	held_terms(fcinfo, arg_required(fcinfo, 0, "actor"),
			   arg_required(fcinfo, 1, "resource"), RBAC_TERM_ROLE);
	return (Datum) 0;
}

/* rbac.authorized_roles(resource) -> SETOF text, for the current actor */
Datum
rbac_authorized_roles_current(PG_FUNCTION_ARGS)
{
	held_terms(fcinfo, current_actor(), arg_required(fcinfo, 0, "resource"),
			   RBAC_TERM_ROLE);
	return (Datum) 0;
}

/* Add a string to a growable list of C strings. */
static void
list_push(char ***list, int *n, int *cap, char *s)
{
	if (*n == *cap)
	{
		*cap = *cap ? *cap * 2 : 64;
		*list = *list ? repalloc(*list, sizeof(char *) * *cap) :
			palloc(sizeof(char *) * *cap);
	}
	(*list)[(*n)++] = s;
}

/* qsort comparator: numeric keys in numeric order, then text order. */
static int
cmp_keys(const void *a, const void *b)
{
	const char *x = *(const char *const *) a;
	const char *y = *(const char *const *) b;
	size_t		lx = strspn(x, "0123456789");
	size_t		ly = strspn(y, "0123456789");

	if (lx > 0 && lx == strlen(x) && ly > 0 && ly == strlen(y) && lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x, y);
}

/*
 * The ids of type t on which the actor may perform action, sorted (numbers
 * numerically).  Computed as a set (sets.c): one query per rule and round,
 * not one check per row.
 */
static void
authorized_resources(FunctionCallInfo fcinfo, const char *actor,
					 const char *action, const char *type)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RbacModel  *m;
	MType	   *t;
	int			term;
	List	   *keys;
	ListCell   *lc;
	char	  **sorted;
	int			n = 0;
	int			i;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	m = rbac_get_model();
	t = rbac_ref_require_type(m, type, RBAC_TYPE_ANY_RESOURCE);
	term = rbac_ref_require_permission(t, action);
	if (actor)
	{
		RbacRef		a = rbac_ref_require(actor, "actor");

		rbac_ref_require_type(m, a.type, RBAC_TYPE_ACTOR);
	}
	keys = rbac_keys_list(actor, t, term);
	sorted = palloc(sizeof(char *) * (list_length(keys) + 1));
	foreach(lc, keys)
		sorted[n++] = (char *) lfirst(lc);
	qsort(sorted, n, sizeof(char *), cmp_keys);
	for (i = 0; i < n; i++)
		put_text(rsinfo, sorted[i]);
}

/* rbac.authorized_resources(actor, action, type) -> SETOF text */
Datum
rbac_authorized_resources(PG_FUNCTION_ARGS)
{
	authorized_resources(fcinfo, arg_required(fcinfo, 0, "actor"),
						 arg_required(fcinfo, 1, "action"),
						 arg_required(fcinfo, 2, "type"));
	return (Datum) 0;
}

/* rbac.authorized_resources(action, type) -> SETOF text, current actor */
Datum
rbac_authorized_resources_current(PG_FUNCTION_ARGS)
{
	authorized_resources(fcinfo, current_actor(),
						 arg_required(fcinfo, 0, "action"),
						 arg_required(fcinfo, 1, "type"));
	return (Datum) 0;
}

/*
 * rbac.who_can(action, resource) -> SETOF text
 *
 * Candidates are the actors with an assignment on the resource, on any
 * resource reachable from it through relations, or of a global role, and
 * every transitive member of such groups; each is then checked.  Sorted.
 */
Datum
rbac_who_can(PG_FUNCTION_ARGS)
{
	MemoryContext callcxt = CurrentMemoryContext;
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *action = arg_required(fcinfo, 0, "action");
	char	   *resource = arg_required(fcinfo, 1, "resource");
	RbacModel  *m;
	RbacRef		ref;
	MType	   *t;
	int			term;
	char	  **result = NULL;
	int			nres = 0;
	int			capres = 0;
	int			i;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	m = rbac_get_model();
	ref = rbac_ref_require(resource, "resource");
	t = rbac_ref_require_type(m, ref.type, RBAC_TYPE_ANY_RESOURCE);
	term = rbac_ref_require_permission(t, action);

	RBAC_INTERNAL_BEGIN();
	{
		Eval		ev;
		StringInfoData sql;
		char	  **cands = NULL;
		int			ncands = 0;
		int			capc = 0;
		uint64		r;

		/* the nodes reachable from the resource, with no actor */
		eval_init(&ev, m, NULL);
		evaluate(&ev, t, ref.id, NULL, 0);
		eval_end(&ev);
		initStringInfo(&sql);
		appendStringInfoString(&sql,
							   "WITH RECURSIVE direct AS ("
							   " SELECT a.actor_type, a.actor_id FROM rbac.assignment a"
							   " WHERE a.resource_type IS NULL");
		for (i = 0; i < ev.nnodes; i++)
			appendStringInfo(&sql,
							 " OR (a.resource_type OPERATOR(pg_catalog.=) %s"
							 " AND a.resource_id OPERATOR(pg_catalog.=) %s)",
							 quote_literal_cstr(ev.nodes[i].type->name),
							 quote_literal_cstr(ev.nodes[i].id));
		appendStringInfoString(&sql,
							   "), everyone(t, i) AS ("
							   " SELECT actor_type, actor_id FROM direct"
							   " UNION"
							   " SELECT m.member_type, m.member_id FROM rbac.membership m"
							   " JOIN everyone e ON m.group_type OPERATOR(pg_catalog.=) e.t"
							   " AND m.group_id OPERATOR(pg_catalog.=) e.i)"
							   " SELECT t OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) i"
							   " FROM everyone ORDER BY 1");
		if (SPI_execute(sql.data, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not list candidate actors");
		for (r = 0; r < SPI_processed; r++)
			list_push(&cands, &ncands, &capc,
					  SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1));
		for (i = 0; i < ncands; i++)
		{
			Eval		ev2;
			RNode	   *root;
			RbacRef		a;

			if (!rbac_ref_parse(cands[i], &a) || rbac_model_type(m, a.type) == NULL ||
				!rbac_model_type(m, a.type)->is_actor)
				continue;
			eval_init(&ev2, m, cands[i]);
			root = evaluate(&ev2, t, ref.id, &term, 1);
			eval_end(&ev2);
			if (root->held[term])
			{
				MemoryContext old = MemoryContextSwitchTo(callcxt);

				list_push(&result, &nres, &capres, pstrdup(cands[i]));
				MemoryContextSwitchTo(old);
			}
		}
	}
	RBAC_INTERNAL_END();

	for (i = 0; i < nres; i++)
		put_text(rsinfo, result[i]);
	return (Datum) 0;
}

/* ---------------------------------------------------------------------
 * explain
 * ---------------------------------------------------------------------
 */

/*
 * Emit the membership steps that put the evaluation's actor into actor
 * entry who ("User:dave is a member of Group:eng-leads", ...), and return
 * who's reference.
 */
static char *
explain_actor(Eval *ev, int who, List **lines)
{
	List	   *chain = NIL;
	ListCell   *lc;
	int			k;

	for (k = who; ev->actors[k].via >= 0; k = ev->actors[k].via)
		chain = lcons_int(k, chain);
	foreach(lc, chain)
	{
		ActorEntry *g = &ev->actors[lfirst_int(lc)];
		ActorEntry *m = &ev->actors[g->via];

		*lines = lappend(*lines, psprintf("%s:%s is a member of %s:%s",
										  m->type, m->id, g->type, g->id));
	}
	return psprintf("%s:%s", ev->actors[who].type, ev->actors[who].id);
}

static void explain_step(Eval *ev, int ni, int term, List **lines);

/*
 * The premise that step (ni, term) of a proof rests on, if it rests on
 * another held term: a same-type rule or an "on" rule.
 */
static bool
explain_premise(Eval *ev, int ni, int term, int *pni, int *pterm)
{
	RNode	   *n = &ev->nodes[ni];
	Why		   *w = &n->why[term];
	MRule	   *r;

	if (w->kind != WHY_RULE)
		return false;
	r = &n->type->rules[w->rule];
	if (r->body_kind != RBAC_BODY_TERM)
		return false;
	*pni = r->via < 0 ? ni : n->relnode[r->via];
	*pterm = r->body;
	return true;
}

/*
 * Emit the proof lines of term on node index ni, premises first.  Each
 * step rests on at most one premise, so the proof is a chain: it is walked
 * down to its base and emitted from there (no recursion: a chain can be as
 * deep as a folder hierarchy).
 */
static void
explain_term(Eval *ev, int ni, int term, List **lines)
{
	List	   *chain = NIL;
	ListCell   *lc;
	int			pni;
	int			pterm;

	chain = lcons(list_make2_int(ni, term), chain);
	while (explain_premise(ev, ni, term, &pni, &pterm))
	{
		CHECK_FOR_INTERRUPTS();
		ni = pni;
		term = pterm;
		chain = lcons(list_make2_int(ni, term), chain);
	}
	foreach(lc, chain)
		explain_step(ev, linitial_int((List *) lfirst(lc)), lsecond_int((List *) lfirst(lc)), lines);
}

/* Emit the lines of one step of a proof (its premise is emitted before). */
static void
explain_step(Eval *ev, int ni, int term, List **lines)
{
	RNode	   *n = &ev->nodes[ni];
	MType	   *t = n->type;
	Why		   *w = &n->why[term];
	const char *tname = t->ast->terms[term].name;
	const char *tkind = t->ast->terms[term].kind == RBAC_TERM_ROLE ? "role" : "permission";

	switch (w->kind)
	{
		case WHY_ASSIGNED:
			{
				char	   *who = explain_actor(ev, w->actor, lines);

				*lines = lappend(*lines,
								 psprintf("%s has role \"%s\" on %s:%s (direct assignment)",
										  who, tname, t->name, n->id));
				break;
			}
		case WHY_CUSTOM:
			{
				char	   *who = explain_actor(ev, w->actor, lines);

				*lines = lappend(*lines,
								 psprintf("%s has custom role \"%s\" on %s:%s, which grants %s \"%s\"",
										  who, w->custom, t->name, n->id, tkind, tname));
				break;
			}
		case WHY_LASTMILE:
			{
				MLastMile  *lm = &t->lastmile[w->rule];
				char	   *src = rbac_policy_rule_text(ev->m, lm->rule);

				*lines = lappend(*lines,
								 psprintf("%s \"%s\" on %s:%s by rule at line %d: %s",
										  tkind, tname, t->name, n->id, lm->rule->line, src));
				break;
			}
		case WHY_RULE:
			{
				MRule	   *r = &t->rules[w->rule];
				RbacShorthand *s = &t->ast->rules[r->ord];
				char	   *head = psprintf("%s \"%s\" on %s:%s", tkind, tname, t->name, n->id);

				switch (r->body_kind)
				{
					case RBAC_BODY_TERM:
						if (r->via < 0)
						{
							*lines = lappend(*lines,
											 psprintf("%s because \"%s\" if \"%s\" (line %d)",
													  head, s->head, s->body, s->head_line));
						}
						else
						{
							int			rn = n->relnode[r->via];

							*lines = lappend(*lines,
											 psprintf("%s:%s is the %s of %s:%s",
													  ev->nodes[rn].type->name, ev->nodes[rn].id,
													  s->via, t->name, n->id));
							*lines = lappend(*lines,
											 psprintf("%s because \"%s\" if \"%s\" on \"%s\" (line %d)",
													  head, s->head, s->body, s->via, s->head_line));
						}
						break;
					case RBAC_BODY_ACTOR_RELATION:
						if (s->via && n->relnode[r->via] >= 0)
						{
							/* "admin" if "owns" on "parent": u1 owns Org:1, the parent */
							RNode	   *rel = &ev->nodes[n->relnode[r->via]];

							*lines = lappend(*lines,
											 psprintf("%s is the %s of %s:%s",
													  ev->aref, s->body, rel->type->name, rel->id));
							*lines = lappend(*lines,
											 psprintf("%s:%s is the %s of %s:%s",
													  rel->type->name, rel->id, s->via,
													  t->name, n->id));
						}
						else
							*lines = lappend(*lines,
											 psprintf("%s is the %s of %s:%s",
													  ev->aref, s->body, t->name, n->id));
						*lines = lappend(*lines,
										 psprintf("%s because \"%s\" if \"%s\"%s%s%s (line %d)",
												  head, s->head, s->body,
												  s->via ? " on \"" : "", s->via ? s->via : "",
												  s->via ? "\"" : "", s->head_line));
						break;
					case RBAC_BODY_GLOBAL:
						{
							char	   *who = explain_actor(ev, ev->global_actor[r->body], lines);

							*lines = lappend(*lines,
											 psprintf("%s has global role \"%s\"", who, s->body));
						}
						*lines = lappend(*lines,
										 psprintf("%s because \"%s\" if global \"%s\" (line %d)",
												  head, s->head, s->body, s->head_line));
						break;
					default:
						break;
				}
				break;
			}
		case WHY_NONE:
		default:
			break;
	}
}

/* What would grant the permission: its direct sources in the policy. */
static char *
explain_denied(Eval *ev, MType *t, int term, const char *actor,
			   const char *action, const char *resource)
{
	StringInfoData buf;
	int			r;
	int			n = 0;

	initStringInfo(&buf);
	appendStringInfo(&buf, "denied: %s may not %s %s", actor ? actor : "nobody (no actor is set)",
					 action, resource);
	for (r = 0; r < t->nrules; r++)
	{
		RbacShorthand *s = &t->ast->rules[t->rules[r].ord];

		if (t->rules[r].head != term)
			continue;
		appendStringInfoString(&buf, n++ ? ", " : "; it would need ");
		if (s->is_global)
			appendStringInfo(&buf, "global role \"%s\"", s->body);
		else if (s->via)
			appendStringInfo(&buf, "\"%s\" on its %s", s->body, s->via);
		else
			appendStringInfo(&buf, "\"%s\"", s->body);
	}
	for (r = 0; r < t->nlastmile; r++)
		if (t->lastmile[r].term == term)
		{
			appendStringInfoString(&buf, n++ ? ", " : "; it would need ");
			appendStringInfo(&buf, "the rule at line %d to hold", t->lastmile[r].rule->line);
		}
	if (n == 0)
		appendStringInfoString(&buf, "; only a custom role granting it can");
	else
		appendStringInfoString(&buf, ", or a custom role granting it");
	return buf.data;
}

/* Explain for an actor (NULL: none). */
static void
do_explain(FunctionCallInfo fcinfo, const char *actor, const char *action,
		   const char *resource)
{
	MemoryContext callcxt = CurrentMemoryContext;
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RbacModel  *m;
	RbacRef		ref;
	MType	   *t;
	int			term;
	List	   *lines = NIL;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	m = rbac_get_model();
	ref = rbac_ref_require(resource, "resource");
	t = rbac_ref_require_type(m, ref.type, RBAC_TYPE_ANY_RESOURCE);
	term = rbac_ref_require_permission(t, action);

	RBAC_INTERNAL_BEGIN();
	{
		Eval		ev;
		RNode	   *root;

		eval_init(&ev, m, actor);
		root = evaluate(&ev, t, ref.id, &term, 1);
		if (root->held[term])
		{
			explain_term(&ev, 0, term, &lines);
			lines = lappend(lines, psprintf("allowed: %s may %s %s",
											 actor ? actor : "anyone (no actor is set)",
											 action, resource));
		}
		else
			lines = lappend(lines, explain_denied(&ev, t, term, actor, action, resource));
		eval_end(&ev);
		{
			MemoryContext old = MemoryContextSwitchTo(callcxt);
			List	   *copy = NIL;

			foreach(lc, lines)
				copy = lappend(copy, pstrdup((char *) lfirst(lc)));
			lines = copy;
			MemoryContextSwitchTo(old);
		}
	}
	RBAC_INTERNAL_END();

	foreach(lc, lines)
		put_text(rsinfo, (char *) lfirst(lc));
}

/* rbac.explain(actor, action, resource) -> SETOF text */
Datum
rbac_explain(PG_FUNCTION_ARGS)
{
	do_explain(fcinfo, arg_required(fcinfo, 0, "actor"),
			   arg_required(fcinfo, 1, "action"),
			   arg_required(fcinfo, 2, "resource"));
	return (Datum) 0;
}

/* rbac.explain(action, resource) -> SETOF text, for the current actor */
Datum
rbac_explain_current(PG_FUNCTION_ARGS)
{
	do_explain(fcinfo, current_actor(), arg_required(fcinfo, 0, "action"),
			   arg_required(fcinfo, 1, "resource"));
	return (Datum) 0;
}

/*
 * rbac._holds(actor, term, type, id) -> boolean
 *
 * Used by compiled last-mile rule bodies: does the actor hold the role or
 * permission on Type:id?  NULL id or actor: false.  A re-entrant call for
 * the same question (a rule that depends on itself through the data) is
 * false, which is the least fixpoint for such recursion.
 */
Datum
rbac_holds(PG_FUNCTION_ARGS)
{
	char	   *actor = arg_text(fcinfo, 0);
	char	   *termname = arg_text(fcinfo, 1);
	char	   *type = arg_text(fcinfo, 2);
	char	   *id = arg_text(fcinfo, 3);
	RbacModel  *m;
	MType	   *t;
	int			term;
	HoldsFrame	frame;
	HoldsFrame *f;
	volatile bool result = false;

	if (termname == NULL || type == NULL || id == NULL)
		PG_RETURN_BOOL(false);
	check_stack_depth();
	frame.key = psprintf("%s\x1f%s\x1f%s\x1f%s", actor ? actor : "", termname, type, id);
	for (f = holds_stack; f; f = f->next)
		if (strcmp(f->key, frame.key) == 0)
			PG_RETURN_BOOL(false);
	m = rbac_get_model();
	t = rbac_model_type(m, type);
	if (t == NULL)
		PG_RETURN_BOOL(false);
	term = rbac_type_term(t, termname);
	if (term < 0 || t->ast->terms[term].kind == RBAC_TERM_RELATION)
		PG_RETURN_BOOL(false);

	frame.next = holds_stack;
	holds_stack = &frame;
	PG_TRY();
	{
		RBAC_INTERNAL_BEGIN();
		{
			Eval		ev;
			RNode	   *root;

			eval_init(&ev, m, actor);
			root = evaluate(&ev, t, id, &term, 1);
			result = root->held[term];
			eval_end(&ev);
		}
		RBAC_INTERNAL_END();
	}
	PG_FINALLY();
	{
		holds_stack = frame.next;
	}
	PG_END_TRY();
	PG_RETURN_BOOL(result);
}

/*
 * rbac._lastmile_row(type text, rule int, id text) -> boolean
 *
 * Does last-mile rule number rule (1-based, among the rules of type) hold
 * for the current actor on Type:id?  Generated policies call it per row
 * for rule bodies they cannot express as set membership (columns reached
 * through relation hops, columns of the actor's own table).
 */
Datum
rbac_lastmile_row(PG_FUNCTION_ARGS)
{
	RbacModel  *m = rbac_get_model();
	const char *actor = rbac_current_actor_name();
	MType	   *t;
	int			r;
	volatile bool result = false;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_BOOL(false);
	t = rbac_model_type(m, text_to_cstring(PG_GETARG_TEXT_PP(0)));
	r = PG_GETARG_INT32(1) - 1;
	if (t == NULL || r < 0 || r >= t->nlastmile)
		PG_RETURN_BOOL(false);
	RBAC_INTERNAL_BEGIN();
	{
		Eval		ev;
		int			ni;

		eval_init(&ev, m, actor);
		ni = get_node(&ev, t, text_to_cstring(PG_GETARG_TEXT_PP(2)));
		fetch_row(&ev, &ev.nodes[ni]);
		if (!ev.nodes[ni].restricted)
			result = lastmile_holds(&ev, &ev.nodes[ni], &t->lastmile[r]);
		eval_end(&ev);
	}
	RBAC_INTERNAL_END();
	PG_RETURN_BOOL(result);
}
