/*-------------------------------------------------------------------------
 *
 * check.c
 *	  The SQL functions of checks: rbac.is_allowed, rbac.authorize,
 *	  rbac.authorized_actions / _roles / _resources, rbac.who_can, and the
 *	  two functions generated SQL calls per row, rbac._holds (holds.c
 *	  answers it) and rbac._lastmile_row.  The derivation itself is
 *	  eval.c's (and sets.c's for authorized_resources); explain is
 *	  explain.c's.
 *
 * Each entry point resolves its arguments (refs.c: 22023 for a malformed
 * reference, 42704 for an unknown type or action), then evaluates as the
 * internal user in the caller's snapshot.  Nothing here writes.
 *
 *-------------------------------------------------------------------------
 */
#include "actor.h"
#include "eval.h"
#include "holds.h"
#include "pg_rbac.h"
#include "refs.h"
#include "sets.h"
#include "util.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

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
PG_FUNCTION_INFO_V1(rbac_holds);
PG_FUNCTION_INFO_V1(rbac_lastmile_row);

/* Is the actor (argument or current) allowed action (next) on resource? */
static bool
is_allowed(FunctionCallInfo fcinfo, bool current)
{
	int			n;
	const char *actor = rbac_actor_argument(fcinfo, current, &n);
	const char *action = rbac_arg_required(fcinfo, n, "action");

	return rbac_check(actor, action, rbac_arg_required(fcinfo, n + 1, "resource"));
}

/* rbac.is_allowed(actor, action, resource) -> boolean */
Datum
rbac_is_allowed(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(is_allowed(fcinfo, false));
}

/* rbac.is_allowed(action, resource) -> boolean, for the current actor */
Datum
rbac_is_allowed_current(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(is_allowed(fcinfo, true));
}

/*
 * Raise unless allowed: not found (P0002) when the actor may not even read
 * the resource, forbidden (42501) otherwise.
 */
static void
do_authorize(FunctionCallInfo fcinfo, bool current)
{
	int			n;
	const char *actor = rbac_actor_argument(fcinfo, current, &n);
	const char *action = rbac_arg_required(fcinfo, n, "action");
	const char *resource = rbac_arg_required(fcinfo, n + 1, "resource");
	RbacModel  *m;
	RbacRef		ref;
	MType	   *t;
	const char *readp;
	int			rterm;

	if (rbac_check(actor, action, resource))
		return;
	if (strcmp(resource, RBAC_GLOBAL_RESOURCE) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("%s may not %s", actor ? actor : "nobody", action),
				 rbac_errdecision()));
	m = rbac_get_model();
	ref = rbac_ref_require(resource, "resource");
	t = rbac_ref_require_type(m, ref.type, RBAC_TYPE_ANY_RESOURCE);
	readp = rbac_read_action;
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
	do_authorize(fcinfo, false);
	PG_RETURN_VOID();
}

/* rbac.authorize(action, resource) -> void, for the current actor */
Datum
rbac_authorize_current(PG_FUNCTION_ARGS)
{
	do_authorize(fcinfo, true);
	PG_RETURN_VOID();
}

/*
 * Return the sorted names of the terms of one kind that the actor holds
 * on resource (permissions for authorized_actions, roles for
 * authorized_roles; custom roles held directly count as roles).
 */
static void
held_terms(FunctionCallInfo fcinfo, bool current, RbacTermKind kind)
{
	MemoryContext callcxt = CurrentMemoryContext;
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			next;
	const char *actor = rbac_actor_argument(fcinfo, current, &next);
	const char *resource = rbac_arg_required(fcinfo, next, "resource");
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
		RbacEval		ev;
		RbacEvalNode	   *root;

		rbac_eval_begin(&ev, m, actor);
		root = rbac_eval_resource(&ev, t, ref.id, NULL, 0);
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
		rbac_eval_end(&ev);
	}
	RBAC_INTERNAL_END();

	qsort(names, n, sizeof(char *), rbac_cmp_cstr);
	for (i = 0; i < n; i++)
		rbac_srf_put_text(rsinfo, names[i]);
}

/* rbac.authorized_actions(actor, resource) -> SETOF text */
Datum
rbac_authorized_actions(PG_FUNCTION_ARGS)
{
	held_terms(fcinfo, false, RBAC_TERM_PERMISSION);
	return (Datum) 0;
}

/* rbac.authorized_actions(resource) -> SETOF text, for the current actor */
Datum
rbac_authorized_actions_current(PG_FUNCTION_ARGS)
{
	held_terms(fcinfo, true, RBAC_TERM_PERMISSION);
	return (Datum) 0;
}

/* rbac.authorized_roles(actor, resource) -> SETOF text */
Datum
rbac_authorized_roles(PG_FUNCTION_ARGS)
{
	held_terms(fcinfo, false, RBAC_TERM_ROLE);
	return (Datum) 0;
}

/* rbac.authorized_roles(resource) -> SETOF text, for the current actor */
Datum
rbac_authorized_roles_current(PG_FUNCTION_ARGS)
{
	held_terms(fcinfo, true, RBAC_TERM_ROLE);
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
authorized_resources(FunctionCallInfo fcinfo, bool current)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			next;
	const char *actor = rbac_actor_argument(fcinfo, current, &next);
	const char *action = rbac_arg_required(fcinfo, next, "action");
	const char *type = rbac_arg_required(fcinfo, next + 1, "type");
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
		rbac_srf_put_text(rsinfo, sorted[i]);
}

/* rbac.authorized_resources(actor, action, type) -> SETOF text */
Datum
rbac_authorized_resources(PG_FUNCTION_ARGS)
{
	authorized_resources(fcinfo, false);
	return (Datum) 0;
}

/* rbac.authorized_resources(action, type) -> SETOF text, current actor */
Datum
rbac_authorized_resources_current(PG_FUNCTION_ARGS)
{
	authorized_resources(fcinfo, true);
	return (Datum) 0;
}

/*
 * Add to the node graph of a who_can evaluation the resources path p
 * reaches from node cur, from field index i on (each related row of a
 * join table), each with its own graph.
 */
static void
add_path_targets(RbacEval *ev, int cur, RbacPath *p, int i, int nrel)
{
	MType	   *t = ev->nodes[cur].type;
	int			term;
	ListCell   *lc;

	check_stack_depth();
	if (i == nrel)
	{
		(void) rbac_eval_resource(ev, t, ev->nodes[cur].id, NULL, 0);
		return;
	}
	term = rbac_type_term(t, p->fields[i]);
	if (term < 0 || t->ast->terms[term].kind != RBAC_TERM_RELATION)
		return;
	foreach(lc, rbac_eval_related(ev, cur, term))
		add_path_targets(ev, lfirst_int(lc), p, i + 1, nrel);
}

/*
 * Add to the node graph of a who_can evaluation the resources that
 * has_role / has_permission in the last-mile rule body e reach from node ni
 * through relations (resource.folder, resource.repo.parent, any of
 * resource.teams): a role there may grant through the rule (shorthand
 * rules with conditions are compiled into such rules).
 */
static void
add_rule_targets(RbacEval *ev, int ni, RbacExpr *e)
{
	RbacPath   *p;
	int			nrel;

	if (e == NULL)
		return;
	if (e->kind == RBAC_EX_AND || e->kind == RBAC_EX_OR || e->kind == RBAC_EX_NOT)
	{
		add_rule_targets(ev, ni, e->left);
		if (e->kind != RBAC_EX_NOT)
			add_rule_targets(ev, ni, e->right);
		return;
	}
	if ((e->kind != RBAC_EX_HAS_ROLE && e->kind != RBAC_EX_HAS_PERMISSION) ||
		e->target == NULL || e->target->kind != RBAC_OP_PATH)
		return;
	p = &e->target->path;
	nrel = p->nhops + (p->tail == RBAC_TAIL_RELATION ? 1 : 0);
	if (p->var_index != 1 || nrel == 0)
		return;
	add_path_targets(ev, ni, p, 0, nrel);
}

/*
 * rbac.who_can(action, resource) -> SETOF text
 *
 * Candidates are the actors with an assignment on the resource, on any
 * resource reachable from it through relations (walked by shorthand rules,
 * or by has_role / has_permission in last-mile rules), or of a global role,
 * and every transitive member of such groups; each is then checked.
 * Sorted.
 */
Datum
rbac_who_can(PG_FUNCTION_ARGS)
{
	MemoryContext callcxt = CurrentMemoryContext;
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *action = rbac_arg_required(fcinfo, 0, "action");
	char	   *resource = rbac_arg_required(fcinfo, 1, "resource");
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
	term = rbac_ref_require_action(m, resource, action, &ref, &t);

	RBAC_INTERNAL_BEGIN();
	{
		RbacEval		ev;
		StringInfoData sql;
		char	  **cands = NULL;
		int			ncands = 0;
		int			capc = 0;
		uint64		r;

		/* the nodes reachable from the resource, with no actor */
		rbac_eval_begin(&ev, m, NULL);
		rbac_eval_resource(&ev, t, ref.id, NULL, 0);
		for (i = 0; i < ev.nnodes; i++)
		{
			MType	   *nt = ev.nodes[i].type;
			int			r;

			for (r = 0; r < nt->nlastmile; r++)
				add_rule_targets(&ev, i, nt->lastmile[r].rule->body);
		}
		rbac_eval_end(&ev);
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
			RbacEval		ev2;
			RbacEvalNode	   *root;
			RbacRef		a;

			if (!rbac_ref_parse(cands[i], &a) || rbac_model_type(m, a.type) == NULL ||
				!rbac_model_type(m, a.type)->is_actor)
				continue;
			root = rbac_eval_permission(&ev2, m, cands[i], t, ref.id, term);
			rbac_eval_end(&ev2);
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
		rbac_srf_put_text(rsinfo, result[i]);
	return (Datum) 0;
}

/* rbac._holds(actor, term, type, id) -> boolean (holds.c) */
Datum
rbac_holds(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(rbac_holds_nested(fcinfo));
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
		RbacEval		ev;
		int			ni;

		rbac_eval_begin(&ev, m, actor);
		ni = rbac_eval_node(&ev, t, text_to_cstring(PG_GETARG_TEXT_PP(2)));
		rbac_eval_fetch_row(&ev, &ev.nodes[ni]);
		if (!ev.nodes[ni].restricted)
			result = rbac_eval_lastmile_holds(&ev, &ev.nodes[ni], &t->lastmile[r]);
		rbac_eval_end(&ev);
	}
	RBAC_INTERNAL_END();
	PG_RETURN_BOOL(result);
}
