/*-------------------------------------------------------------------------
 *
 * rls.c
 *	  Generated row-level security: rbac.filter, rbac.enable_rls,
 *	  rbac.disable_rls, and regeneration when the policy or a binding
 *	  changes.
 *
 * The predicate for permission X on type T, over a row r, is the OR of
 * every way X can hold on r, following the rules of T (docs/policy-language.md):
 *
 *	rbac._in_lazy(r.relcol, hint, (SELECT NULL::coltype))
 *		for each rule "X'" if "Y" on "rel" (X' implies X within T): is the
 *		related resource one on which the actor holds Y?  The first rows
 *		are checked one at a time, then matched against the set of those
 *		resources (sets.c), computed once per query when that is cheaper;
 *	r.relcol = (SELECT rbac._actor_key('User', NULL::coltype))
 *		for each actor relation rule ("close" if "creator");
 *	(SELECT rbac._has_global('G'))   for each global role rule;
 *	rbac._in(r.key, (SELECT rbac._keys_direct('T', 'X', NULL::keytype)), hint)
 *		assignments and custom roles on r itself, with T's same-type
 *		implications;
 *	the body of each last-mile rule as SQL on the row (sqlgen.c).
 *
 * Every set function call is wrapped in a scalar sub-SELECT, so it runs at
 * most once per query as an InitPlan; rbac._in hashes the set once and,
 * like rbac._in_lazy, through its planner support function
 * (rls_runtime.c), gives the planner "col = ANY(set)" as an index
 * condition and an estimate of the set's size from the hint.  The actor
 * is read at run time, never embedded, so cached plans stay correct.
 *
 *-------------------------------------------------------------------------
 */
#include "actor.h"
#include "admin.h"
#include "audit.h"
#include "eval.h"
#include "rls.h"
#include "roledata.h"
#include "sqlgen.h"
#include "util.h"

#include "access/xact.h"
#include "catalog/pg_inherits.h"
#include "miscadmin.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"

PG_FUNCTION_INFO_V1(rbac_filter);
PG_FUNCTION_INFO_V1(rbac_enable_rls);
PG_FUNCTION_INFO_V1(rbac_disable_rls);
PG_FUNCTION_INFO_V1(rbac_regenerate_rls);
PG_FUNCTION_INFO_V1(rbac_move_guard);
PG_FUNCTION_INFO_V1(rbac_custom_role_rls);

/* The commands a policy is generated for, with their default actions. */
static const char *const commands[] = {"select", "insert", "update", "delete"};
static const char *const default_actions[] = {"read", "create", "update", "delete"};

#define NCOMMANDS 4

/* Append " OR " between disjuncts. */
static void
add_or(StringInfo buf, int *n)
{
	if ((*n)++ > 0)
		appendStringInfoString(buf, "\n   OR ");
}

/*
 * Append one disjunct unless the same one was appended already (two rules
 * can lead to the same condition, e.g. a global role granting a permission
 * directly and through an implied role); true if appended.
 */
static bool
add_arm(StringInfo buf, int *n, List **seen, char *arm)
{
	ListCell   *lc;

	foreach(lc, *seen)
		if (strcmp((char *) lfirst(lc), arm) == 0)
			return false;
	*seen = lappend(*seen, arm);
	add_or(buf, n);
	appendStringInfoString(buf, arm);
	return true;
}

/*
 * The terms of u that imply term y through u's same-type rules ("y" if
 * "x", transitively), y included: an array indexed by term.
 */
static bool *
implying_terms(MType *u, int y)
{
	bool	   *closure = palloc0(sizeof(bool) * (u->nterms + 1));
	bool		grew = true;
	int			r;

	closure[y] = true;
	while (grew)
	{
		grew = false;
		for (r = 0; r < u->nrules; r++)
		{
			MRule	   *rule = &u->rules[r];

			if (rule->via < 0 && rule->body_kind == RBAC_BODY_TERM &&
				closure[rule->head] && !closure[rule->body])
				closure[rule->body] = grew = true;
		}
	}
	return closure;
}

/*
 * Does holding term x on the resource reached from a u along the hops
 * path[0..n) imply holding term y on u, for every actor?  True when the
 * rules of the types on the way say so ("y" if "z" on "path[0]", and so
 * on); false means only "not proven".
 */
static bool
path_implies(RbacModel *m, MType *u, int y, char **path, int n, const char *x)
{
	bool	   *implying = implying_terms(u, y);
	int			rel;
	MType	   *v;
	int			r;

	if (n == 0)
	{
		int			xt = rbac_type_term(u, x);

		return xt >= 0 && u->ast->terms[xt].kind != RBAC_TERM_RELATION && implying[xt];
	}
	rel = rbac_type_term(u, path[0]);
	if (rel < 0 || u->ast->terms[rel].kind != RBAC_TERM_RELATION)
		return false;
	v = rbac_model_type(m, u->ast->terms[rel].target);
	if (v == NULL || v->is_actor)
		return false;
	for (r = 0; r < u->nrules; r++)
	{
		MRule	   *rule = &u->rules[r];

		if (rule->via == rel && rule->body_kind == RBAC_BODY_TERM && implying[rule->head] &&
			path_implies(m, v, rule->body, path + 1, n - 1, x))
			return true;
	}
	return false;
}

/*
 * Is last-mile rule lm of t redundant next to the relation arms of the
 * predicate for action (closure: the terms of t that imply it)?  It is when
 * its body is a conjunction holding has_role/has_permission of the actor
 * along relations r.h1...hk, and a rule of t makes that imply action
 * already ("action" if "y" on "h1", where the path's term implies y on h1's
 * target).  The arm "h1 in _keys(y)" then contains every row the last-mile
 * arm could add: e.g. GitClub's internal issues readable by organization
 * members, next to "read" if "read" on "repository".
 */
static bool
lastmile_subsumed(RbacModel *m, MType *t, bool *closure, RbacRule *rule,
				  RbacExpr *e)
{
	RbacPath   *p;
	int			nrel;
	int			rel;
	MType	   *u;
	int			r;

	if (e == NULL)
		return false;
	if (e->kind == RBAC_EX_AND)
		return lastmile_subsumed(m, t, closure, rule, e->left) ||
			lastmile_subsumed(m, t, closure, rule, e->right);
	if (e->kind != RBAC_EX_HAS_ROLE && e->kind != RBAC_EX_HAS_PERMISSION)
		return false;
	if (rule->actor_var == NULL || e->actor_var == NULL ||
		strcmp(rule->actor_var, e->actor_var) != 0 || e->target == NULL ||
		e->target->kind != RBAC_OP_PATH)
		return false;
	p = &e->target->path;
	nrel = p->nhops + (p->tail == RBAC_TAIL_RELATION ? 1 : 0);
	if (p->var_index != 1 || nrel < 1 ||
		!(p->tail == RBAC_TAIL_SELF || p->tail == RBAC_TAIL_RELATION))
		return false;
	rel = rbac_type_term(t, p->fields[0]);
	if (rel < 0 || t->rel_col[rel] == NULL)
		return false;
	u = rbac_model_type(m, t->ast->terms[rel].target);
	if (u == NULL || u->is_actor)
		return false;
	for (r = 0; r < t->nrules; r++)
	{
		MRule	   *mr = &t->rules[r];

		if (closure[mr->head] && mr->via == rel && mr->body_kind == RBAC_BODY_TERM &&
			path_implies(m, u, mr->body, p->fields + 1, nrel - 1, e->name))
			return true;
	}
	return false;
}

/*
 * Does a role of t imply the action whose implying terms are closure?
 * Without one, no assignment on a row of t grants it: assignments name
 * roles of the row's type (or custom roles of that very row).
 */
static bool
role_implies(MType *t, bool *closure)
{
	int			i;

	for (i = 0; i < t->nterms; i++)
		if (closure[i] && t->ast->terms[i].kind == RBAC_TERM_ROLE)
			return true;
	return false;
}

/*
 * Can a grant on a row of t itself (an assignment, a custom role) give the
 * action whose implying terms are closure?  When it cannot, the predicate
 * leaves out the arm that matches the row's key against the actor's direct
 * grants: a predicate of one arm on a relation column is answered by an
 * index-only scan where an OR of two arms needs a bitmap heap scan that
 * reads every matching page (a count of a small set: 5x slower).  A custom
 * role created later on such a type makes the policies again
 * (rbac._custom_role_rls, a trigger on rbac.custom_role).
 */
static bool
direct_grants_possible(RbacModel *m, MType *t, bool *closure)
{
	RbacProbe	p;
	bool		found;

	if (role_implies(t, closure))
		return true;
	rbac_probe_begin(&p, &m->cat);
	found = rbac_lookup_type_has_custom_role(&p, t->name);
	rbac_probe_end(&p);
	return found;
}

/*
 * The arm of a rule that walks a relation bound through a join table: the
 * row's key in the set of keys of t on which the actor holds term (for an
 * actor relation: the rows related to the actor), computed once per query
 * by the set engine, which reads the join table as the internal user.  The
 * policy does not read the join table itself: it would do so under the
 * querying role's privileges and row-level security, as a SubPlan per row.
 * The set is only matched against the row's own key (rbac._keys_own): a
 * join row naming no row of t needs no probe to be left out.
 */
static char *
join_arm(MType *t, int term, const char *alias)
{
	const char *name = t->ast->terms[term].name;
	bool		rel = t->ast->terms[term].kind == RBAC_TERM_RELATION;

	return rbac_sql_in_keys(rbac_column_sql(t, alias, t->key_col), rel ? "_keys" : "_keys_own",
							psprintf("%s, %s", quote_literal_cstr(t->name),
									 quote_literal_cstr(name)),
							format_type_be(t->key_type),
							rel ? NULL : rbac_sql_format_hint(RBAC_HINT_OWN, t->name, NULL, 0, name));
}

/*
 * The predicate for permission (or role) action on type t over the row
 * aliased alias (already quoted), or "false" when it can never hold.
 */
static char *
rbac_rls_predicate(RbacModel *m, MType *t, const char *action,
				   const char *alias)
{
	StringInfoData buf;
	int			term = action ? rbac_type_term(t, action) : -1;
	bool	   *closure;
	int			n = 0;
	int			r;
	List	   *seen = NIL;
	int			njoin = 0;		/* arms of rules through join tables */
	int			nkey = 0;		/* those and the direct arm: on the key */

	if (term < 0 || t->ast->terms[term].kind == RBAC_TERM_RELATION || !t->bound)
		return pstrdup("false");

	/* terms of t that imply action through same-type rules */
	closure = implying_terms(t, term);

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '(');

	/*
	 * The arms of the rules first: OR stops at the first arm that holds, and
	 * an InitPlan runs only when an arm reads it, so a row granted through a
	 * related resource (checked one at a time by rbac._in_lazy) never
	 * computes the direct arm's set (a probe per member of the actor set).
	 */
	for (r = 0; r < t->nrules; r++)
	{
		MRule	   *rule = &t->rules[r];
		const char *col;
		MType	   *u;

		if (!closure[rule->head])
			continue;
		switch (rule->body_kind)
		{
			case RBAC_BODY_TERM:
				if (rule->via < 0)
					break;		/* same type: part of the closure */
				if (t->rel_join[rule->via] != NULL)
				{
					njoin += add_arm(&buf, &n, &seen, join_arm(t, rule->head, alias));
					break;
				}
				col = t->rel_col[rule->via];
				u = rbac_model_type(m, t->ast->terms[rule->via].target);
				if (col == NULL || u == NULL)
					break;		/* unbound relation: never holds */
				add_arm(&buf, &n, &seen,
						rbac_sql_in_keys(rbac_column_sql(t, alias, col), "_keys",
										 psprintf("%s, %s", quote_literal_cstr(u->name),
												  quote_literal_cstr(u->ast->terms[rule->body].name)),
										 rbac_column_type_sql(t, col),
										 rbac_sql_format_hint(RBAC_HINT_KEYS, u->name, NULL, 0,
															  u->ast->terms[rule->body].name)));
				break;
			case RBAC_BODY_ACTOR_RELATION:
				if (t->rel_join[rule->via < 0 ? rule->body : rule->via] != NULL)
				{
					/* related through a join table: the set of t's keys */
					njoin += add_arm(&buf, &n, &seen,
									 join_arm(t, rule->via < 0 ? rule->body : rule->head, alias));
					break;
				}
				if (rule->via < 0)
				{
					col = t->rel_col[rule->body];
					if (col == NULL)
						break;
					add_arm(&buf, &n, &seen, psprintf("%s OPERATOR(pg_catalog.=) (SELECT rbac._actor_key(%s, NULL::%s))",
									 rbac_column_sql(t, alias, col),
									 quote_literal_cstr(t->ast->terms[rule->body].target),
									 rbac_column_type_sql(t, col)));
				}
				else
				{
					col = t->rel_col[rule->via];
					u = rbac_model_type(m, t->ast->terms[rule->via].target);
					if (col == NULL || u == NULL)
						break;
					/*
					 * no hint: the set is of rows related to the actor,
					 * which the planner's estimate does not compute
					 */
					add_arm(&buf, &n, &seen,
							rbac_sql_in_keys(rbac_column_sql(t, alias, col), "_keys",
											 psprintf("%s, %s", quote_literal_cstr(u->name),
													  quote_literal_cstr(u->ast->terms[rule->body].name)),
											 rbac_column_type_sql(t, col), NULL));
				}
				break;
			case RBAC_BODY_GLOBAL:
				add_arm(&buf, &n, &seen, psprintf("(SELECT rbac._has_global(%s))",
								 quote_literal_cstr(m->globals[rule->body])));
				break;
			default:
				break;
		}
	}

	nkey = njoin;
	if (direct_grants_possible(m, t, closure))
		nkey += add_arm(&buf, &n, &seen,
						rbac_sql_in_keys(rbac_column_sql(t, alias, t->key_col), "_keys_direct",
										 psprintf("%s, %s", quote_literal_cstr(t->name),
												  quote_literal_cstr(action)),
										 format_type_be(t->key_type),
										 rbac_sql_format_hint(RBAC_HINT_DIRECT, t->name, NULL, 0, action)));

	for (r = 0; r < t->nlastmile; r++)
	{
		MLastMile  *lm = &t->lastmile[r];
		RbacRule   *rule = lm->rule;
		const char *who;
		char	   *body;
		bool		fallback;

		if (!closure[lm->term] || lastmile_subsumed(m, t, closure, rule, rule->body))
			continue;
		switch (rule->actor_kind)
		{
			case RBAC_ACTOR_ANYONE:
				who = "true";
				break;
			case RBAC_ACTOR_ANY_ACTOR:
				who = "(SELECT rbac.current_actor()) IS NOT NULL";
				break;
			default:
				who = psprintf("(SELECT rbac._actor_type()) OPERATOR(pg_catalog.=) %s",
							   quote_literal_cstr(rule->actor_type));
				break;
		}
		if (rule->body == NULL || rule->body->kind == RBAC_EX_TRUE)
			body = pstrdup("true");
		else
		{
			body = rbac_sql_lastmile_rls(m, rule, alias, &fallback);
			if (body == NULL && fallback)
				body = psprintf("rbac._lastmile_row(%s, %d, %s.%s::pg_catalog.text)",
								quote_literal_cstr(t->name), r + 1, alias,
								quote_identifier(t->key_col));
		}
		if (body == NULL)
			continue;
		add_or(&buf, &n);
		if (strcmp(who, "true") == 0)
			appendStringInfo(&buf, "%s", body);
		else
			appendStringInfo(&buf, "(%s AND %s)", who, body);
	}
	appendStringInfoChar(&buf, ')');

	/*
	 * Only arms on the key: rules through join tables and the direct arm.
	 * The action's whole set is their union (each rule's head implies the
	 * action), so one arm tests it: an index (only) scan of the set's keys
	 * for a count, where an OR of arms on the same column is a BitmapOr that
	 * reads every matching heap page; one check per row for the first rows
	 * of a lookup or a page, as for any rbac._in_lazy arm.
	 */
	if (njoin > 0 && n == nkey)
		return psprintf("(%s)", join_arm(t, term, alias));
	/* no rule, role or custom role can give the action */
	if (n == 0)
		return pstrdup("false");
	return buf.data;
}

/*
 * rbac.filter(action text, type text, alias text DEFAULT NULL) -> text
 *
 * The SQL boolean expression the generated policy uses, for hand-written
 * queries and EXPLAIN.  alias (default: the bound table's name) qualifies
 * the columns.
 */
Datum
rbac_filter(PG_FUNCTION_ARGS)
{
	RbacModel  *m = rbac_get_model();
	MType	   *t;
	char	   *action;
	char	   *alias;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("action and type must not be null")));
	action = text_to_cstring(PG_GETARG_TEXT_PP(0));
	t = rbac_ref_require_type(m, text_to_cstring(PG_GETARG_TEXT_PP(1)), RBAC_TYPE_ANY_RESOURCE);
	(void) rbac_ref_require_permission(t, action);
	if (!t->bound)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("type %s is not bound to a table", t->name),
				 errhint("Bind it with rbac.bind().")));
	alias = PG_ARGISNULL(2) ? (char *) quote_identifier(get_rel_name(t->relid)) :
		(char *) quote_identifier(text_to_cstring(PG_GETARG_TEXT_PP(2)));
	PG_RETURN_TEXT_P(cstring_to_text(rbac_rls_predicate(m, t, action, alias)));
}

/* The action given explicitly for key (a command, or "move"), or NULL. */
static char *
explicit_action(Jsonb *actions, const char *key)
{
	JsonbValue	k;
	JsonbValue *v;

	if (actions == NULL)
		return NULL;
	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	v = findJsonbValueFromContainer(&actions->root, JB_FOBJECT, &k);
	if (v == NULL || v->type != jbvString)
		return NULL;
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* The action mapped to command c (NULL: the command is denied). */
static char *
mapped_action(Jsonb *actions, int c)
{
	JsonbValue	k;
	JsonbValue *v;

	if (actions == NULL)
		return pstrdup(default_actions[c]);
	k.type = jbvString;
	k.val.string.val = (char *) commands[c];
	k.val.string.len = strlen(commands[c]);
	v = findJsonbValueFromContainer(&actions->root, JB_FOBJECT, &k);
	if (v == NULL)
		return pstrdup(default_actions[c]);
	if (v->type == jbvNull)
		return NULL;
	if (v->type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the action for %s must be a string or null", commands[c])));
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/*
 * Drop the generated policy of command c on a table, if it exists.  The
 * lookup is not read-only so it sees policies created or dropped earlier
 * in the same statement.
 */
static void
drop_policy(Oid relid, const char *qual, int c)
{
	char	   *name = psprintf("rbac_%s", commands[c]);
	Oid			argtypes[2] = {OIDOID, TEXTOID};
	Datum		values[2];

	values[0] = ObjectIdGetDatum(relid);
	values[1] = CStringGetTextDatum(name);
	if (SPI_execute_with_args("SELECT 1 FROM pg_catalog.pg_policy WHERE polrelid OPERATOR(pg_catalog.=) $1 "
							  "AND polname OPERATOR(pg_catalog.=) $2::pg_catalog.name",
							  2, argtypes, values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_policy");
	if (SPI_processed > 0)
		rbac_spi_ddl(psprintf("DROP POLICY %s ON %s", quote_identifier(name), qual));
}

/*
 * (Re)create the four policies of table relid bound to type t, with the
 * given action mapping.  A command whose permission the type lacks gets a
 * policy that is always false.
 */
static void
install_policies_on(RbacModel *m, Oid relid, MType *t, Jsonb *actions)
{
	char	   *qual = rbac_qualified_name(relid);
	const char *alias = quote_identifier(get_rel_name(relid));
	int			c;

	for (c = 0; c < NCOMMANDS; c++)
	{
		char	   *action = mapped_action(actions, c);
		char	   *pred;
		int			term = (action && t) ? rbac_type_term(t, action) : -1;

		if (t == NULL || term < 0 || t->ast->terms[term].kind != RBAC_TERM_PERMISSION)
			pred = pstrdup("false");
		else
			pred = rbac_rls_predicate(m, t, action, alias);
		drop_policy(relid, qual, c);
		if (c == 1)
			rbac_spi_ddl(psprintf("CREATE POLICY rbac_insert ON %s AS PERMISSIVE FOR INSERT TO PUBLIC WITH CHECK (%s)",
						 qual, pred));
		else if (c == 2)
			rbac_spi_ddl(psprintf("CREATE POLICY rbac_update ON %s AS PERMISSIVE FOR UPDATE TO PUBLIC USING (%s) WITH CHECK (%s)",
						 qual, pred, pred));
		else
			rbac_spi_ddl(psprintf("CREATE POLICY %s ON %s AS PERMISSIVE FOR %s TO PUBLIC USING (%s)",
						 quote_identifier(psprintf("rbac_%s", commands[c])), qual,
						 c == 0 ? "SELECT" : "DELETE", pred));
	}
	rbac_spi_ddl(psprintf("ALTER TABLE %s ENABLE ROW LEVEL SECURITY", qual));
	rbac_spi_ddl(psprintf("ALTER TABLE %s FORCE ROW LEVEL SECURITY", qual));
}

/*
 * The BEFORE UPDATE row trigger that refuses changes to the relation and
 * actor-relation columns of a protected table: an UPDATE policy
 * sees only the new row, so moving a row under a resource where the actor
 * holds the update permission would pass it.  With "move" in the actions,
 * such a change needs that permission on the old row.  The trigger's
 * arguments are the type and the move permission; a partitioned table's
 * row trigger is cloned to its partitions by PostgreSQL.
 */
static void
install_move_guard(Oid relid, MType *t, Jsonb *actions)
{
	char	   *qual = rbac_qualified_name(relid);
	char	   *move = explicit_action(actions, "move");

	/* a database still at a version before 0.3 has no such function */
	if (!OidIsValid(LookupFuncName(list_make2(makeString("rbac"), makeString("_move_guard")),
								   0, NULL, true)))
		return;
	if (t == NULL)
	{
		rbac_spi_ddl(psprintf("DROP TRIGGER IF EXISTS rbac_move_guard ON %s", qual));
		return;
	}
	rbac_spi_ddl(psprintf("CREATE OR REPLACE TRIGGER rbac_move_guard BEFORE UPDATE ON %s "
				 "FOR EACH ROW EXECUTE FUNCTION rbac._move_guard(%s, %s)",
				 qual, quote_literal_cstr(t->name), quote_literal_cstr(move ? move : "")));
}

/*
 * install_policies_on relid and every partition of it: a query that names
 * a partition applies that partition's policies, not its parent's.
 */
static void
install_policies(RbacModel *m, Oid relid, MType *t, Jsonb *actions)
{
	ListCell   *lc;

	foreach(lc, find_all_inheritors(relid, AccessShareLock, NULL))
		install_policies_on(m, lfirst_oid(lc), t, actions);
	install_move_guard(relid, t, actions);
}

/* The type bound to table relid, or NULL. */
static MType *
type_of_table(RbacModel *m, Oid relid)
{
	int			i;

	for (i = 0; i < m->ntypes; i++)
		if (m->types[i].bound && m->types[i].relid == relid)
			return &m->types[i];
	return NULL;
}

/*
 * rbac.enable_rls(tbl regclass, actions jsonb DEFAULT NULL) -> void
 *
 * Generate and install policies for SELECT, INSERT, UPDATE and DELETE on a
 * bound table (actions maps command -> permission; null denies), enable
 * and force row level security, remember the table so the policies follow
 * policy and binding changes.  Idempotent.
 */
Datum
rbac_enable_rls(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	Jsonb	   *actions = PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1);
	RbacModel  *m;
	MType	   *t;
	RbacRunAs	sw;
	Oid			argtypes[3] = {OIDOID, TEXTOID, JSONBOID};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};
	int			c;
	StringInfo	detail;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("table must not be null")));
	rbac_require_table_admin(relid, "enable_rls");
	m = rbac_get_model();
	t = type_of_table(m, relid);
	if (t == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table %s is not bound to a type", get_rel_name(relid)),
				 errhint("Bind it first with rbac.bind(type, table).")));
	if (actions && !JB_ROOT_IS_OBJECT(actions))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("actions must be a JSON object mapping select, insert, update and delete to permissions")));
	if (actions)
	{
		JsonbIterator *it = JsonbIteratorInit(&actions->root);
		JsonbValue	v;
		JsonbIteratorToken tok;

		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			bool		known = false;

			if (tok != WJB_KEY)
				continue;
			for (c = 0; c < NCOMMANDS; c++)
				if (strlen(commands[c]) == v.val.string.len &&
					strncmp(commands[c], v.val.string.val, v.val.string.len) == 0)
					known = true;
			if (v.val.string.len == 4 && strncmp(v.val.string.val, "move", 4) == 0)
				known = true;
			if (!known)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("unknown command \"%.*s\" in actions", v.val.string.len,
								v.val.string.val),
						 errhint("The commands are select, insert, update and delete, and move for changes of relation columns.")));
		}
		for (c = 0; c <= NCOMMANDS; c++)
		{
			char	   *a = explicit_action(actions, c < NCOMMANDS ? commands[c] : "move");

			/* a command left out keeps its default, denied if undeclared */
			if (a)
				(void) rbac_ref_require_permission(t, a);
		}
	}

	if (t->is_actor && !t->ast->is_resource)
		ereport(WARNING,
				(errmsg("table %s is bound to actor type %s: row level security hides each row from everyone who may not read it",
						get_rel_name(relid), t->name),
				 errdetail("An actor type has no permissions unless the policy declares some (a resource block for %s, or last-mile rules such as has_permission(u: %s, \"read\", p: %s) if u.id = p.id); without them no actor sees any row, and joins to this table find nothing.",
						   t->name, t->name, t->name),
				 errhint("Protect the tables of resources instead, or declare who may read %s rows first.", t->name)));

	SPI_connect();
	install_policies(m, relid, t, actions);
	values[0] = ObjectIdGetDatum(relid);
	values[1] = CStringGetTextDatum(t->name);
	if (actions)
		values[2] = JsonbPGetDatum(actions);
	else
		nulls[2] = 'n';
	RBAC_AS_OWNER_BEGIN(sw);
	{
		if (SPI_execute_with_args("INSERT INTO rbac.rls_table (tbl, type, actions) VALUES ($1, $2, $3) "
								  "ON CONFLICT (tbl) DO UPDATE SET type = excluded.type, actions = excluded.actions",
								  3, argtypes, values, nulls, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "could not record the table in rbac.rls_table");
	}
	RBAC_AS_OWNER_END(sw);
	detail = rbac_json_begin();
	rbac_json_string(detail, "table", get_rel_name(relid));
	rbac_json_string(detail, "type", t->name);
	rbac_audit(GetUserId(), "enable_rls", detail);
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * rbac.disable_rls(tbl regclass) -> void: drop the generated policies; when
 * no other policy remains, row level security is disabled (and no longer
 * forced) on the table, which is then as it was before enable_rls.
 */
Datum
rbac_disable_rls(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1];
	int			c;
	ListCell   *lc;
	RbacRunAs	sw;
	StringInfo	detail;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("table must not be null")));
	rbac_require_table_admin(relid, "disable_rls");

	SPI_connect();
	foreach(lc, find_all_inheritors(relid, AccessShareLock, NULL))
	{
		Oid			part = lfirst_oid(lc);
		char	   *pqual = rbac_qualified_name(part);

		for (c = 0; c < NCOMMANDS; c++)
			drop_policy(part, pqual, c);
		/* no policy left at all: the table is unprotected again, as before */
		values[0] = ObjectIdGetDatum(part);
		if (SPI_execute_with_args("SELECT 1 FROM pg_catalog.pg_policy WHERE polrelid OPERATOR(pg_catalog.=) $1",
								  1, argtypes, values, NULL, false, 1) != SPI_OK_SELECT)
			elog(ERROR, "could not read pg_policy");
		if (SPI_processed == 0)
		{
			rbac_spi_ddl(psprintf("ALTER TABLE %s NO FORCE ROW LEVEL SECURITY", pqual));
			rbac_spi_ddl(psprintf("ALTER TABLE %s DISABLE ROW LEVEL SECURITY", pqual));
		}
	}
	rbac_spi_ddl(psprintf("DROP TRIGGER IF EXISTS rbac_move_guard ON %s",
				 rbac_qualified_name(relid)));
	values[0] = ObjectIdGetDatum(relid);
	RBAC_AS_OWNER_BEGIN(sw);
	{
		if (SPI_execute_with_args("DELETE FROM rbac.rls_table WHERE tbl OPERATOR(pg_catalog.=) $1",
								  1, argtypes, values, NULL, false, 0) != SPI_OK_DELETE)
			elog(ERROR, "could not update rbac.rls_table");
	}
	RBAC_AS_OWNER_END(sw);
	detail = rbac_json_begin();
	rbac_json_string(detail, "table", get_rel_name(relid));
	rbac_audit(GetUserId(), "disable_rls", detail);
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * Re-create the policies of every table in rbac.rls_table from the current
 * model (after load_policy, bind or unbind), in the same transaction.  SPI
 * is connected; the caller runs as the extension owner, who may create
 * policies on any table.
 */
void
rbac_rls_regenerate_all(void)
{
	RbacModel  *m;
	uint64		i;
	SPITupleTable *tt;
	uint64		n;

	rbac_spi_execute("SELECT tbl::pg_catalog.oid, actions FROM rbac.rls_table",
					 0, NULL, NULL, NULL, false, SPI_OK_SELECT);
	tt = SPI_tuptable;
	n = SPI_processed;
	if (n == 0)
		return;
	rbac_model_invalidate();
	m = rbac_get_model();
	for (i = 0; i < n; i++)
	{
		bool		isnull;
		Oid			relid = DatumGetObjectId(SPI_getbinval(tt->vals[i], tt->tupdesc, 1, &isnull));
		Datum		a = SPI_getbinval(tt->vals[i], tt->tupdesc, 2, &isnull);
		MType	   *t = type_of_table(m, relid);

		if (t == NULL)
			ereport(WARNING,
					(errmsg("table %s is no longer bound: its generated policies now deny every row",
							get_rel_name(relid))));
		install_policies(m, relid, t, isnull ? NULL : DatumGetJsonbP(a));
	}
}

/*
 * rbac._regenerate_rls() -> void
 *
 * rbac_rls_regenerate_all as SQL (released install scripts name it; the C
 * code calls the function directly).
 */
Datum
rbac_regenerate_rls(PG_FUNCTION_ARGS)
{
	SPI_connect();
	rbac_rls_regenerate_all();
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * After ALTER TABLE ... RENAME COLUMN on a bound or protected table (called
 * by the ddl_command_end event trigger of bind.c): generated policies hold
 * columns by number, checks and lists read them by name, so a rename (two
 * columns swapping names) would make row level security and checks read
 * different columns.  Every policy is made again from the names now in
 * force, as the extension owner.  When that fails (a rule names a column
 * that is gone; checks then fail too), every protected table gets policies
 * that deny every row until the policy is loaded again, and a WARNING says
 * why: the rename itself goes through.  SPI is connected.
 */
void
rbac_rls_after_rename(void)
{
	bool		isnull;
	RbacRunAs	sw;

	rbac_spi_execute("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger_ddl_commands() c "
					 "WHERE c.object_type OPERATOR(pg_catalog.=) 'table column' "
					 "AND c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass "
					 "AND (c.objid IN (SELECT tbl::pg_catalog.oid FROM rbac.binding) "
					 "  OR c.objid IN (SELECT tbl::pg_catalog.oid FROM rbac.rls_table)))",
					 0, NULL, NULL, NULL, false, SPI_OK_SELECT);
	if (!DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)))
		return;
	RBAC_AS_OWNER_BEGIN(sw);
	{
		MemoryContext cxt = CurrentMemoryContext;
		ResourceOwner owner = CurrentResourceOwner;

		BeginInternalSubTransaction(NULL);
		PG_TRY();
		{
			rbac_rls_regenerate_all();
			ReleaseCurrentSubTransaction();
		}
		PG_CATCH();
		{
			ErrorData  *edata;
			uint64		i;
			uint64		n;
			Oid		   *tables;

			edata = rbac_subxact_catch(cxt, owner);
			rbac_model_invalidate();
			rbac_spi_execute("SELECT tbl::pg_catalog.oid FROM rbac.rls_table",
							 0, NULL, NULL, NULL, false, SPI_OK_SELECT);
			n = SPI_processed;
			tables = palloc(sizeof(Oid) * (n + 1));
			for (i = 0; i < n; i++)
				tables[i] = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i],
														   SPI_tuptable->tupdesc, 1, &isnull));
			for (i = 0; i < n; i++)
				install_policies(NULL, tables[i], NULL, NULL);
			ereport(WARNING,
					(errmsg("generated row level security policies now deny every row: they could not be made again after a column was renamed"),
					 errdetail("%s", edata->message),
					 errhint("Load the policy again with the new column names (rbac.load_policy).")));
		}
		PG_END_TRY();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	RBAC_AS_OWNER_END(sw);
}

/*
 * Partitions created or attached after enable_rls (called by the
 * ddl_command_end event trigger of bind.c): each partition of a table in
 * rbac.rls_table that has no generated policy yet gets them.  SPI is
 * connected.
 */
void
rbac_rls_protect_partitions(void)
{
	RbacModel  *m = NULL;
	SPITupleTable *tt;
	uint64		n;
	uint64		i;

	if (SPI_execute("SELECT r.tbl::pg_catalog.oid, r.actions, p.relid::pg_catalog.oid "
					"FROM rbac.rls_table r, LATERAL pg_catalog.pg_partition_tree(r.tbl) p "
					"WHERE p.level OPERATOR(pg_catalog.>) 0 AND NOT EXISTS ("
					"  SELECT 1 FROM pg_catalog.pg_policy o WHERE o.polrelid OPERATOR(pg_catalog.=) p.relid "
					"  AND o.polname OPERATOR(pg_catalog.=) 'rbac_select')", false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read rbac.rls_table");
	tt = SPI_tuptable;
	n = SPI_processed;
	for (i = 0; i < n; i++)
	{
		bool		isnull;
		Oid			root = DatumGetObjectId(SPI_getbinval(tt->vals[i], tt->tupdesc, 1, &isnull));
		Datum		a = SPI_getbinval(tt->vals[i], tt->tupdesc, 2, &isnull);
		Jsonb	   *actions = isnull ? NULL : DatumGetJsonbP(a);
		Oid			part = DatumGetObjectId(SPI_getbinval(tt->vals[i], tt->tupdesc, 3, &isnull));

		if (m == NULL)
			m = rbac_get_model();
		install_policies_on(m, part, type_of_table(m, root), actions);
	}
}

/*
 * rbac._custom_role_rls() -- AFTER INSERT OR UPDATE statement trigger on
 * rbac.custom_role, with the new rows as the transition table
 * rbac_new_roles.  The policies of a type none of whose roles grants an
 * action leave out the arm of grants on the row itself while the type has
 * no custom role (direct_grants_possible); when the first custom roles of
 * such a type appear, every policy is made again, as the extension owner,
 * in the same transaction.  Policies not made yet (a restore in progress:
 * pg_restore creates them after the data) are left alone.
 */
Datum
rbac_custom_role_rls(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	RbacRunAs	sw;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_STATEMENT(td->tg_event) ||
		td->tg_newtable == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("rbac._custom_role_rls must be fired as a statement trigger with a new-rows transition table")));
	SPI_connect();
	if (SPI_register_trigger_data(td) != SPI_OK_TD_REGISTER)
		elog(ERROR, "could not register the transition table of rbac._custom_role_rls");
	RBAC_AS_OWNER_BEGIN(sw);
	{
		RbacModel  *m = rbac_get_model();
		SPITupleTable *tt;
		uint64		n;
		uint64		i;
		bool		stale = false;
		List	   *fresh = NIL;

		/* the types whose custom roles are all new */
		rbac_spi_execute("SELECT DISTINCT w.tenant_type FROM rbac_new_roles w WHERE NOT EXISTS ("
						 "  SELECT 1 FROM rbac.custom_role c "
						 "  WHERE c.tenant_type OPERATOR(pg_catalog.=) w.tenant_type "
						 "  AND NOT EXISTS (SELECT 1 FROM rbac_new_roles x "
						 "    WHERE x.tenant_type OPERATOR(pg_catalog.=) c.tenant_type "
						 "    AND x.tenant_id OPERATOR(pg_catalog.=) c.tenant_id "
						 "    AND x.name OPERATOR(pg_catalog.=) c.name))",
						 0, NULL, NULL, NULL, false, SPI_OK_SELECT);
		for (i = 0; i < SPI_processed; i++)
			fresh = lappend(fresh, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1));
		/* the protected tables that have their policies */
		if (fresh != NIL)
			rbac_spi_execute("SELECT r.tbl::pg_catalog.oid, r.actions FROM rbac.rls_table r "
							 "WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_policy o "
							 "  WHERE o.polrelid OPERATOR(pg_catalog.=) r.tbl "
							 "  AND o.polname OPERATOR(pg_catalog.=) 'rbac_select')",
							 0, NULL, NULL, NULL, false, SPI_OK_SELECT);
		tt = SPI_tuptable;
		n = fresh != NIL ? SPI_processed : 0;
		for (i = 0; i < n && !stale; i++)
		{
			bool		isnull;
			Oid			relid = DatumGetObjectId(SPI_getbinval(tt->vals[i], tt->tupdesc, 1, &isnull));
			Datum		a = SPI_getbinval(tt->vals[i], tt->tupdesc, 2, &isnull);
			Jsonb	   *actions = isnull ? NULL : DatumGetJsonbP(a);
			MType	   *t = type_of_table(m, relid);
			int			c;
			ListCell   *lc;
			bool		is_fresh = false;

			foreach(lc, fresh)
				if (t != NULL && strcmp((char *) lfirst(lc), t->name) == 0)
					is_fresh = true;
			for (c = 0; is_fresh && c < NCOMMANDS && !stale; c++)
			{
				char	   *action = mapped_action(actions, c);
				int			term = action ? rbac_type_term(t, action) : -1;

				if (term >= 0 && t->ast->terms[term].kind == RBAC_TERM_PERMISSION &&
					!role_implies(t, implying_terms(t, term)))
					stale = true;
			}
		}
		if (stale)
		{
			/*
			 * The policies read rbac.custom_role through the active
			 * snapshot, the statement's, which does not see its new rows
			 */
			CommandCounterIncrement();
			PushActiveSnapshot(GetTransactionSnapshot());
			rbac_rls_regenerate_all();
			PopActiveSnapshot();
		}
	}
	RBAC_AS_OWNER_END(sw);
	SPI_finish();
	return PointerGetDatum(NULL);
}

/*
 * rbac._move_guard(type, move) -- BEFORE UPDATE row trigger installed by
 * enable_rls.  For a role subject to the table's row level security, a
 * change to a relation or actor-relation column of type is refused (42501)
 * unless move names a permission the current actor holds on the old row;
 * the new row is then checked by the UPDATE policy like any update.
 */
Datum
rbac_move_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Relation	rel;
	TupleDesc	desc;
	RbacModel  *m;
	MType	   *t;
	const char *move;
	int			term;
	char	   *changed = NULL;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(td->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(td->tg_event) || !TRIGGER_FIRED_BY_UPDATE(td->tg_event) ||
		td->tg_trigger->tgnargs != 2)
		rbac_not_called_as("rbac._move_guard()", "the BEFORE UPDATE row trigger of rbac.enable_rls");
	rel = td->tg_relation;
	if (check_enable_rls(RelationGetRelid(rel), InvalidOid, true) != RLS_ENABLED)
		return PointerGetDatum(td->tg_newtuple);
	m = rbac_get_model();
	t = rbac_model_type(m, td->tg_trigger->tgargs[0]);
	move = td->tg_trigger->tgargs[1];
	if (t == NULL || !t->bound)
		return PointerGetDatum(td->tg_newtuple);
	desc = RelationGetDescr(rel);
	for (term = 0; term < t->nterms && changed == NULL; term++)
	{
		int			att;
		bool		oldnull,
					newnull;
		Datum		o,
					n;
		Form_pg_attribute a;

		if (t->ast->terms[term].kind != RBAC_TERM_RELATION || t->rel_col[term] == NULL)
			continue;
		att = SPI_fnumber(desc, t->rel_col[term]);
		if (att <= 0)
			continue;
		a = TupleDescAttr(desc, att - 1);
		o = heap_getattr(td->tg_trigtuple, att, desc, &oldnull);
		n = heap_getattr(td->tg_newtuple, att, desc, &newnull);
		if (oldnull != newnull ||
			(!oldnull && !datum_image_eq(o, n, a->attbyval, a->attlen)))
			changed = t->rel_col[term];
	}
	if (changed == NULL)
		return PointerGetDatum(td->tg_newtuple);
	if (*move == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("column \"%s\" of %s decides authorization and cannot be changed",
						changed, RelationGetRelationName(rel)),
				 errhint("Map a move permission in rbac.enable_rls's actions, e.g. {\"move\": \"transfer\"}, to allow such changes to actors who hold it."),
				 rbac_errdecision()));
	else
	{
		const char *actor = rbac_current_actor_name();
		int			keyatt = SPI_fnumber(desc, t->key_col);
		char	   *key = keyatt > 0 ? SPI_getvalue(td->tg_trigtuple, desc, keyatt) : NULL;
		char	   *resource = psprintf("%s:%s", t->name, key ? key : "");

		if (actor == NULL || key == NULL || !rbac_check(actor, move, resource))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("%s may not %s %s", actor ? actor : "nobody", move, resource),
					 errdetail("Changing column \"%s\" of %s moves the row, which needs permission \"%s\" on it.",
							   changed, RelationGetRelationName(rel), move),
					 rbac_errdecision()));
	}
	return PointerGetDatum(td->tg_newtuple);
}
