/*-------------------------------------------------------------------------
 *
 * sqlgen.c
 *	  Compile last-mile rule bodies (has_permission / has_role rules with
 *	  attribute conditions) into SQL boolean expressions over one row of the
 *	  resource type's bound table.
 *
 * Field comparisons become SQL on the row; relation hops become scalar
 * subqueries on the bound tables of the types walked; has_role and
 * has_permission in a body become calls of rbac._holds() on the related
 * resource.  Every identifier is quoted, every literal literal-quoted,
 * every operator written OPERATOR(pg_catalog.op) so the caller's
 * search_path cannot redirect it.
 *
 * The actor is passed in as SQL expressions (parameters for the check
 * engine): its id as text, its type name as text, its full reference, and
 * the global roles it holds (text[]; global "G" in a condition), or in a
 * policy the current actor's functions.
 *
 * Generated policies test set membership with one template,
 * rbac._in(value, (SELECT rbac._keys...(...))::type[], hint): the hint
 * names the set for the planner support of rbac._in (rls_runtime.c), which
 * parses it back with rbac_sql_parse_hint.
 *
 *-------------------------------------------------------------------------
 */
#include "model.h"
#include "sqlgen.h"

#include "catalog/pg_type.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/*
 * A relation hop through a join table opened by an EXISTS over the join
 * table (joined to the target's table when it is bound): the paths it
 * covers continue from the related row.
 */
typedef struct JoinSub
{
	const RbacJoinRef *join;	/* covers the paths of this joined variable */
	const RbacPath *path;		/* or this one path (join NULL) */
	int			nfields;		/* fields of the path it stands for */
	char	   *key;			/* SQL of the related row's key */
	const char *row;			/* alias of that row, or NULL (unbound) */
	MType	   *type;			/* type reached */
} JoinSub;

typedef struct GenCtx
{
	RbacModel  *m;
	RbacRule   *rule;
	const char *alias;			/* row alias of the resource */
	MType	   *rtype;
	const SqlActor *actor;
	int			nalias;
	bool		failed;			/* something cannot be evaluated */
	bool		rls;			/* for a policy: no subqueries on bound
								 * tables, has_role as set membership */
	bool		fallback;		/* rls: the body needs the per-row form */
	RbacColRead read;			/* how the last column path was read */
	bool		joins;			/* the model binds a relation through a join
								 * table */
	JoinSub    *subs;			/* join-table hops opened, innermost last */
	int			nsubs;
	int			subcap;
} GenCtx;

/* Where a path has got to: a row of type t with key key. */
typedef struct PathPos
{
	MType	   *t;
	char	   *key;			/* SQL of the key */
	bool		key_is_text;	/* key is text (the actor's id) */
	const char *row;			/* alias of the row itself, or NULL */
	int			next;			/* index of the next field */
} PathPos;

static void gen_expr(GenCtx *g, StringInfo buf, RbacExpr *e);
static void gen_node(GenCtx *g, StringInfo buf, RbacExpr *e);
static void gen_leaf_plain(GenCtx *g, StringInfo buf, RbacExpr *e);

/* The SQL spelling of a comparison operator, search_path-proof. */
static const char *
cmp_sql(RbacCmpOp op)
{
	switch (op)
	{
		case RBAC_CMP_EQ:
			return "OPERATOR(pg_catalog.=)";
		case RBAC_CMP_NE:
			return "OPERATOR(pg_catalog.<>)";
		case RBAC_CMP_LT:
			return "OPERATOR(pg_catalog.<)";
		case RBAC_CMP_LE:
			return "OPERATOR(pg_catalog.<=)";
		case RBAC_CMP_GT:
			return "OPERATOR(pg_catalog.>)";
		case RBAC_CMP_GE:
		default:
			return "OPERATOR(pg_catalog.>=)";
	}
}

/*
 * 0A000 for an ordering comparison (<, <=, >, >=) with op, a column of an
 * enum type (the caller knows it is one).  Enums are compared by label
 * only: PostgreSQL orders an enum by its declaration, not by its labels'
 * text; comparing labels as text would disagree with ORDER BY, and
 * converting the literal to the enum fails for a literal that is not (yet)
 * a label.  load_policy and bind refuse it, and so does every check.
 */
void
rbac_refuse_enum_order(RbacCmpOp op, RbacOperand *column)
{
	const char *name;

	if (op == RBAC_CMP_EQ || op == RBAC_CMP_NE)
		return;
	name = column->kind == RBAC_OP_PATH && column->path.nfields > 0 ?
		column->path.fields[column->path.nfields - 1] : "?";
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("column \"%s\" has an enum type and cannot be compared with %s",
					name, op == RBAC_CMP_LT ? "<" : op == RBAC_CMP_LE ? "<=" :
					op == RBAC_CMP_GT ? ">" : ">="),
			 errdetail("pg_rbac compares enum values by their labels only, with = and !=."),
			 errhint("List the labels that qualify, such as resource.%s in [\"gold\", \"platinum\"].",
					 name)));
}

/* The innermost-reaching join-table hop opened for path p, or NULL. */
static JoinSub *
best_sub(GenCtx *g, const RbacPath *p)
{
	JoinSub    *best = NULL;
	int			i;

	for (i = 0; i < g->nsubs; i++)
	{
		JoinSub    *s = &g->subs[i];

		if ((s->join != NULL ? rbac_join_covers(p->join, s->join) : s->path == p) &&
			(best == NULL || s->nfields > best->nfields))
			best = s;
	}
	return best;
}

/* The relation hops of a path (its last field too when it ends on one). */
static int
path_nrel(const RbacPath *p)
{
	return p->nhops + (p->tail == RBAC_TAIL_RELATION ? 1 : 0);
}

/* Where path p starts: its variable's row, or the hop opened for it. */
static void
path_start(GenCtx *g, const RbacPath *p, PathPos *pos)
{
	JoinSub    *s = best_sub(g, p);

	memset(pos, 0, sizeof(PathPos));
	if (s != NULL)
	{
		pos->t = s->type;
		pos->key = s->key;
		pos->row = s->row;
		pos->next = s->nfields;
	}
	else if (p->var_index == 0)
	{
		/* the actor variable */
		pos->t = g->rule->atype ? rbac_model_type(g->m, g->rule->atype->name) : NULL;
		pos->key = (char *) g->actor->id_sql;
		pos->key_is_text = true;
	}
	else if (g->rtype->bound)
	{
		pos->t = g->rtype;
		pos->key = psprintf("%s.%s", g->alias, quote_identifier(g->rtype->key_col));
		pos->row = g->alias;
	}
	else
	{
		pos->t = g->rtype;
		pos->key = (char *) g->actor->resource_id_sql;
		pos->key_is_text = true;
	}
}

/*
 * The first relation hop of p through a join table that no EXISTS opened
 * yet, or -1.  Such a hop relates any number of rows: the conditions on
 * them are put in an EXISTS over the join table (open_join).
 */
static int
open_hop(GenCtx *g, const RbacPath *p)
{
	PathPos		pos;
	int			nrel = path_nrel(p);
	int			i;

	path_start(g, p, &pos);
	for (i = pos.next; i < nrel && pos.t != NULL; i++)
	{
		int			term = rbac_type_term(pos.t, p->fields[i]);

		if (term < 0 || pos.t->ast->terms[term].kind != RBAC_TERM_RELATION)
			return -1;
		if (pos.t->bound && pos.t->rel_join[term] != NULL)
			return i;
		pos.t = rbac_model_type(g->m, pos.t->ast->terms[term].target);
	}
	return -1;
}

/* Append a literal operand as SQL. */
static void
gen_literal(StringInfo buf, RbacOperand *op)
{
	switch (op->kind)
	{
		case RBAC_OP_STRING:
			appendStringInfoString(buf, quote_literal_cstr(op->text));
			break;
		case RBAC_OP_INTEGER:
		case RBAC_OP_DECIMAL:
			/* validated digits, sign and point only; parenthesized for "-" */
			appendStringInfo(buf, "(%s)", op->text);
			break;
		case RBAC_OP_BOOL:
			appendStringInfoString(buf, op->bval ? "true" : "false");
			break;
		case RBAC_OP_NIL:
		default:
			appendStringInfoString(buf, "NULL");
			break;
	}
}

/*
 * Append "(SELECT h.col FROM tbl h WHERE h.key = keyexpr)" for a column of
 * type t's row whose key is given by keyexpr; keyexpr_is_text compares the
 * key as text (when the key comes from the actor reference).
 */
static void
gen_lookup(GenCtx *g, StringInfo buf, MType *t, const char *col,
		   const char *keyexpr, bool keyexpr_is_text)
{
	char		alias[32];

	if (t == NULL || !t->bound || col == NULL)
	{
		g->failed = true;
		appendStringInfoString(buf, "NULL");
		return;
	}
	if (g->rls)
	{
		/* a policy must not read other tables under the caller's RLS */
		g->fallback = true;
		appendStringInfoString(buf, "NULL");
		return;
	}
	snprintf(alias, sizeof(alias), "_rbac_h%d", ++g->nalias);
	appendStringInfo(buf, "(SELECT %s.%s FROM %s %s WHERE %s.%s%s OPERATOR(pg_catalog.=) %s)",
					 alias, quote_identifier(col), t->qualname, alias,
					 alias, quote_identifier(t->key_col),
					 keyexpr_is_text ? "::pg_catalog.text" : "",
					 keyexpr);
}

/*
 * Walk the relation hops of p from pos up to (not including) field
 * index upto: the key of the next row is a relation column of the one
 * reached.  A hop through a join table must have been opened by an EXISTS
 * (open_join) first.  False (g->failed set) when a hop cannot be walked.
 */
static bool
walk_hops(GenCtx *g, const RbacPath *p, PathPos *pos, int upto)
{
	for (; pos->next < upto; pos->next++)
	{
		MType	   *t = pos->t;
		int			term = t ? rbac_type_term(t, p->fields[pos->next]) : -1;
		const char *col = (t && term >= 0 && t->bound) ? t->rel_col[term] : NULL;
		StringInfoData next;

		if (t != NULL && term >= 0 && t->bound && t->rel_join[term] != NULL)
			elog(ERROR, "relation \"%s\" of %s is bound through a join table that no EXISTS opened",
				 p->fields[pos->next], t->name);
		if (col == NULL)
		{
			g->failed = true;
			return false;
		}
		initStringInfo(&next);
		if (pos->row != NULL)
			appendStringInfo(&next, "%s.%s", pos->row, quote_identifier(col));
		else
			gen_lookup(g, &next, t, col, pos->key, pos->key_is_text);
		pos->key = next.data;
		pos->key_is_text = false;
		pos->row = NULL;
		pos->t = rbac_model_type(g->m, t->ast->terms[term].target);
	}
	return true;
}

/*
 * Append the SQL value of a path.  For TAIL_SELF and TAIL_RELATION the
 * value is the key of the referenced row (for the actor variable itself:
 * the actor id).  Sets *is_actor_self when the value is the actor itself.
 */
static void
gen_path(GenCtx *g, StringInfo buf, RbacPath *p, bool *is_actor_self)
{
	PathPos		pos;
	MType	   *t;
	StringInfoData next_col;
	Oid			domain_base = InvalidOid;

	*is_actor_self = p->var_index == 0 && p->nfields == 0;
	path_start(g, p, &pos);
	if (!walk_hops(g, p, &pos, path_nrel(p)))
	{
		appendStringInfoString(buf, "NULL");
		return;
	}
	if (p->tail != RBAC_TAIL_COLUMN)
	{
		appendStringInfoString(buf, pos.key);
		return;
	}
	/*
	 * TAIL_COLUMN: a column of the row reached, of a type safe to compare;
	 * an enum is read as its label (text), never as itself
	 */
	t = pos.t;
	if (t != NULL && t->bound)
	{
		const char *col = p->fields[p->nfields - 1];

		domain_base = rbac_require_rule_column(t->relid, col, &g->read);
		/* only a domain is relabelled to its base type, by name */
		if (get_atttype(t->relid, get_attnum(t->relid, col)) == domain_base)
			domain_base = InvalidOid;
	}
	initStringInfo(&next_col);
	if (pos.row != NULL)
		appendStringInfo(&next_col, "%s.%s", pos.row,
						 quote_identifier(p->fields[p->nfields - 1]));
	else
		gen_lookup(g, &next_col, t, p->fields[p->nfields - 1], pos.key, pos.key_is_text);
	appendStringInfoString(buf, rbac_rule_value_sql(next_col.data, g->read, domain_base));
}

/*
 * Open the join-table hop at field index k of p: append
 * "EXISTS (SELECT 1 FROM jointable j [JOIN target t ON t.key = j.to]
 * WHERE j.from = <key reached> AND " and push the hop, which then covers
 * the paths of join (or, with join NULL, p alone).  The caller appends the
 * conditions, then ")", and pops the hop.  A join row whose far end, of a
 * bound type, has no row relates nothing; NULL ends relate nothing; ends
 * are compared through their text form unless their types are the same
 * (as eval.c and sets.c compare them).  False (nothing appended) when it
 * cannot be generated, or in a policy, which then uses the per-row form.
 */
static bool
open_join(GenCtx *g, StringInfo buf, const RbacPath *p, int k,
		  const RbacJoinRef *join)
{
	PathPos		pos;
	int			term;
	MRelJoin   *j;
	MType	   *target;
	JoinSub    *s;
	char		ja[32];
	char		ta[32];

	if (g->rls)
	{
		/* a policy must not read other tables under the caller's RLS */
		g->fallback = true;
		return false;
	}
	path_start(g, p, &pos);
	if (!walk_hops(g, p, &pos, k) || pos.t == NULL)
	{
		g->failed = true;
		return false;
	}
	term = rbac_type_term(pos.t, p->fields[k]);
	j = pos.t->rel_join[term];
	target = j->target;
	snprintf(ja, sizeof(ja), "_rbac_j%d", ++g->nalias);
	snprintf(ta, sizeof(ta), "_rbac_t%d", g->nalias);
	appendStringInfo(buf, "EXISTS (SELECT 1 FROM %s %s", j->qualname, ja);
	if (target != NULL && target->bound)
	{
		if (j->to_type == target->key_type)
			appendStringInfo(buf, " JOIN %s %s ON %s.%s OPERATOR(pg_catalog.=) %s.%s",
							 target->qualname, ta, ta, quote_identifier(target->key_col),
							 ja, quote_identifier(j->to_col));
		else
			appendStringInfo(buf, " JOIN %s %s ON %s.%s::pg_catalog.text OPERATOR(pg_catalog.=) %s.%s::pg_catalog.text",
							 target->qualname, ta, ta, quote_identifier(target->key_col),
							 ja, quote_identifier(j->to_col));
	}
	if (pos.key_is_text)
		appendStringInfo(buf, " WHERE %s.%s::pg_catalog.text OPERATOR(pg_catalog.=) %s",
						 ja, quote_identifier(j->from_col), pos.key);
	else
		appendStringInfo(buf, " WHERE %s.%s OPERATOR(pg_catalog.=) (%s)::%s",
						 ja, quote_identifier(j->from_col), pos.key,
						 format_type_be_qualified(j->from_type));
	if (target == NULL || !target->bound)
		appendStringInfo(buf, " AND %s.%s IS NOT NULL", ja, quote_identifier(j->to_col));
	appendStringInfoString(buf, " AND ");

	if (g->nsubs == g->subcap)
	{
		g->subcap = g->subcap ? 2 * g->subcap : 4;
		g->subs = g->subs ? repalloc(g->subs, sizeof(JoinSub) * g->subcap) :
			palloc(sizeof(JoinSub) * g->subcap);
	}
	s = &g->subs[g->nsubs++];
	s->join = join;
	s->path = join ? NULL : p;
	s->nfields = k + 1;
	if (target != NULL && target->bound)
	{
		s->key = psprintf("%s.%s", ta, quote_identifier(target->key_col));
		s->row = pstrdup(ta);
	}
	else
	{
		s->key = psprintf("%s.%s", ja, quote_identifier(j->to_col));
		s->row = NULL;
	}
	s->type = target;
	return true;
}

/* Close the hop open_join opened. */
static void
close_join(GenCtx *g, StringInfo buf)
{
	appendStringInfoChar(buf, ')');
	g->nsubs--;
}

/*
 * Append an operand; *kind tells what it stands for, and g->read how a
 * column was read.
 */
static void
gen_operand(GenCtx *g, StringInfo buf, RbacOperand *op, bool *is_actor_self,
			bool *is_actor_id)
{
	*is_actor_self = false;
	*is_actor_id = false;
	g->read = RBAC_READ_PLAIN;
	if (op->kind != RBAC_OP_PATH)
	{
		gen_literal(buf, op);
		return;
	}
	gen_path(g, buf, &op->path, is_actor_self);
	if (op->path.var_index == 0 && op->path.tail == RBAC_TAIL_ID)
		*is_actor_id = true;
}

/* The actor type a relation-ended path points to, or NULL for any actor. */
static const char *
relation_actor_type(RbacOperand *op)
{
	if (op->kind == RBAC_OP_PATH && op->path.tail == RBAC_TAIL_RELATION &&
		op->path.end_type)
		return op->path.end_type->name;
	return NULL;
}

/* Append a comparison. */
static void
gen_cmp(GenCtx *g, StringInfo buf, RbacExpr *e)
{
	StringInfoData a,
				b;
	bool		a_self,
				b_self,
				a_id,
				b_id;

	initStringInfo(&a);
	initStringInfo(&b);
	gen_operand(g, &a, e->a, &a_self, &a_id);
	if (g->read != RBAC_READ_PLAIN)
		rbac_refuse_enum_order(e->op, e->a);
	gen_operand(g, &b, e->b, &b_self, &b_id);
	if (g->read != RBAC_READ_PLAIN)
		rbac_refuse_enum_order(e->op, e->b);

	/* x = nil, x != nil */
	if (e->a->kind == RBAC_OP_NIL || e->b->kind == RBAC_OP_NIL)
	{
		const char *v = e->a->kind == RBAC_OP_NIL ? b.data : a.data;

		appendStringInfo(buf, "(%s IS %sNULL)", v,
						 e->op == RBAC_CMP_NE ? "NOT " : "");
		return;
	}

	/* the actor itself against a relation to an actor: same type and id */
	if (a_self || b_self)
	{
		RbacOperand *rel = a_self ? e->b : e->a;
		const char *other = a_self ? b.data : a.data;
		const char *atype = relation_actor_type(rel);

		appendStringInfo(buf, "(%s(%s::pg_catalog.text OPERATOR(pg_catalog.=) %s",
						 e->op == RBAC_CMP_NE ? "NOT " : "",
						 other, g->actor->id_sql);
		if (atype)
			appendStringInfo(buf, " AND %s OPERATOR(pg_catalog.=) %s",
							 g->actor->type_sql, quote_literal_cstr(atype));
		appendStringInfoString(buf, ") IS TRUE)");
		return;
	}

	/* the actor id is text: compare the other side as text */
	if (a_id || b_id)
	{
		appendStringInfo(buf, "(%s::pg_catalog.text %s %s::pg_catalog.text)",
						 a.data, cmp_sql(e->op), b.data);
		return;
	}
	appendStringInfo(buf, "(%s %s %s)", a.data, cmp_sql(e->op), b.data);
}

/*
 * has_role / has_permission in a policy: set membership computed once per
 * query.  On the resource itself: key = ANY(rbac._keys(...)); along
 * relations r.h1...hk: r.h1 = ANY(rbac._keys_path(...)).  Anything else
 * (the actor as target) falls back to the per-row form.
 */
static void
gen_has_rls(GenCtx *g, StringInfo buf, RbacExpr *e)
{
	RbacPath   *p = &e->target->path;
	MType	   *t = g->rtype;
	int			nrel = p->nhops + (p->tail == RBAC_TAIL_RELATION ? 1 : 0);
	int			term;
	const char *col;
	int			i;
	StringInfoData path;

	if (p->var_index != 1 || !t->bound ||
		!(p->tail == RBAC_TAIL_SELF || p->tail == RBAC_TAIL_RELATION))
	{
		g->fallback = true;
		appendStringInfoString(buf, "NULL");
		return;
	}
	if (nrel == 0)
	{
		appendStringInfo(buf, "(%s)",
						 rbac_sql_in_keys(rbac_column_sql(t, g->alias, t->key_col), "_keys",
										  psprintf("%s, %s", quote_literal_cstr(t->name),
												   quote_literal_cstr(e->name)),
										  format_type_be(t->key_type),
										  rbac_sql_format_hint(RBAC_HINT_KEYS, t->name,
															   NULL, 0, e->name)));
		return;
	}
	term = rbac_type_term(t, p->fields[0]);
	if (term >= 0 && t->rel_join[term] != NULL)
	{
		/* through a join table: the per-row form (rbac._lastmile_row) */
		g->fallback = true;
		appendStringInfoString(buf, "NULL");
		return;
	}
	col = term >= 0 ? t->rel_col[term] : NULL;
	if (col == NULL)
	{
		g->failed = true;
		appendStringInfoString(buf, "NULL");
		return;
	}
	initStringInfo(&path);
	appendStringInfo(&path, "%s, ARRAY[", quote_literal_cstr(t->name));
	for (i = 0; i < nrel; i++)
		appendStringInfo(&path, "%s%s", i ? ", " : "", quote_literal_cstr(p->fields[i]));
	appendStringInfo(&path, "]::pg_catalog.text[], %s", quote_literal_cstr(e->name));
	appendStringInfo(buf, "(%s)",
					 rbac_sql_in_keys(rbac_column_sql(t, g->alias, col), "_keys_path",
									  path.data, rbac_column_type_sql(t, col),
									  rbac_sql_format_hint(RBAC_HINT_PATH, t->name,
														   p->fields, nrel, e->name)));
}

/* Append has_role / has_permission on the resource a path reaches. */
static void
gen_has(GenCtx *g, StringInfo buf, RbacExpr *e)
{
	StringInfoData target;
	bool		self;
	RbacPath   *p = &e->target->path;
	const char *tname;

	initStringInfo(&target);
	if (e->target->kind != RBAC_OP_PATH || p->end_type == NULL)
	{
		g->failed = true;
		appendStringInfoString(buf, "false");
		return;
	}
	tname = p->end_type->name;
	if (g->rls)
	{
		gen_has_rls(g, buf, e);
		return;
	}
	gen_path(g, &target, p, &self);
	if (self && p->var_index == 0)
	{
		/* has_role(user, "x", user): the actor as a resource */
		appendStringInfo(buf, "rbac._holds(%s, %s, %s, %s)",
						 g->actor->ref_sql, quote_literal_cstr(e->name),
						 g->actor->type_sql, g->actor->id_sql);
		return;
	}
	appendStringInfo(buf, "rbac._holds(%s, %s, %s, (%s)::pg_catalog.text)",
					 g->actor->ref_sql, quote_literal_cstr(e->name),
					 quote_literal_cstr(tname), target.data);
}

/*
 * Append global "N" of a condition: the actor set holds one of the global
 * roles that grant N.  Checks and sets pass the roles it holds as an
 * array; a policy asks rbac._has_global for the current actor, once per
 * query and role (an InitPlan each).
 */
static void
gen_global(GenCtx *g, StringInfo buf, RbacExpr *e)
{
	int			i;

	if (e->ngrants == 0)
	{
		appendStringInfoString(buf, "false");
		return;
	}
	appendStringInfoChar(buf, '(');
	if (g->actor->globals_sql != NULL)
	{
		appendStringInfo(buf, "%s OPERATOR(pg_catalog.&&) ARRAY[", g->actor->globals_sql);
		for (i = 0; i < e->ngrants; i++)
			appendStringInfo(buf, "%s%s", i ? ", " : "", quote_literal_cstr(e->grants[i]));
		appendStringInfoString(buf, "]::pg_catalog.text[]");
	}
	else
		for (i = 0; i < e->ngrants; i++)
			appendStringInfo(buf, "%s(SELECT rbac._has_global(%s))", i ? " OR " : "",
							 quote_literal_cstr(e->grants[i]));
	appendStringInfoChar(buf, ')');
}

/*
 * The column col of relid, used on the right of "in": an error 0A000
 * unless it is an array whose elements the engine may read
 * (rbac_rule_type: built-in base types and enums, no other caller-defined
 * type).  Returns the name of the type its value is compared as (text[]
 * for an array of an enum, read as its labels), or NULL when relid has no
 * such column.
 */
char *
rbac_require_array_column(Oid relid, const char *col)
{
	RbacColRead read;
	Oid			safe = rbac_require_rule_column(relid, col, &read);
	AttrNumber	att = get_attnum(relid, col);

	if (att == InvalidAttrNumber)
		return NULL;
	if (read == RBAC_READ_ENUM_ARRAY)
		return pstrdup("pg_catalog.text[]");
	if (read == RBAC_READ_PLAIN && OidIsValid(get_element_type(safe)))
		return format_type_be_qualified(safe);
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("column \"%s\" of table %s has type %s, not an array, so it cannot be used on the right of \"in\"",
					col, get_rel_name(relid) ? get_rel_name(relid) : "?",
					format_type_be(get_atttype(relid, att))),
			 errhint("Compare it with = instead, or make it an array column (text[], integer[], uuid[] ...).")));
}

/*
 * Append "a in array_column": a OPERATOR(=) ANY (column).  A NULL array or
 * NULL elements make it NULL, never true.  The actor id is text: then the
 * array is compared as text[].  The column must be an array of a type the
 * engine may read (rbac_safe_type).
 */
static void
gen_in_array(GenCtx *g, StringInfo buf, RbacExpr *e, const char *value,
			 bool value_is_text)
{
	StringInfoData arr;
	bool		self,
				isid;
	RbacPath   *p = &e->b_array->path;
	const char *atype = NULL;

	if (p->end_type != NULL)
	{
		MType	   *t = rbac_model_type(g->m, p->end_type->name);

		if (t != NULL && t->bound)
			atype = rbac_require_array_column(t->relid, p->fields[p->nfields - 1]);
	}
	if (atype == NULL)
	{
		g->failed = true;
		appendStringInfoString(buf, "false");
		return;
	}
	initStringInfo(&arr);
	gen_operand(g, &arr, e->b_array, &self, &isid);
	/* the cast keeps a scalar subquery an array (not ANY (subquery)) */
	appendStringInfo(buf, "(%s%s OPERATOR(pg_catalog.=) ANY ((%s)::%s))",
					 value, value_is_text ? "::pg_catalog.text" : "",
					 arr.data, value_is_text ? "pg_catalog.text[]" : atype);
}

/*
 * Append a leaf condition.  A path in it through a join table that no
 * EXISTS opened (resource.teams.name = "core", has_role(actor, "member",
 * resource.teams)) holds on any row the join table relates: each such
 * path is an EXISTS of its own around the condition; "path = nil" is then
 * "not path != nil" (no related row has a value).  In a policy, has_role
 * and has_permission keep their set forms (gen_has_rls).
 */
static void
gen_leaf(GenCtx *g, StringInfo buf, RbacExpr *e)
{
	const RbacPath *ops[4];
	int			nops = rbac_expr_paths(e, ops);
	RbacExpr	ne;
	int			i;

	if (g->joins &&
		!(g->rls && (e->kind == RBAC_EX_HAS_ROLE || e->kind == RBAC_EX_HAS_PERMISSION)))
		for (i = 0; i < nops; i++)
		{
			int			k = open_hop(g, ops[i]);

			if (k < 0)
				continue;
			if (rbac_expr_nil_eq(e, &ne))
			{
				appendStringInfoString(buf, "(NOT ");
				gen_leaf(g, buf, &ne);
				appendStringInfoChar(buf, ')');
				return;
			}
			if (!open_join(g, buf, ops[i], k, NULL))
			{
				appendStringInfoString(buf, "NULL");
				return;
			}
			gen_leaf(g, buf, e);
			close_join(g, buf);
			return;
		}
	gen_leaf_plain(g, buf, e);
}

/* Add to *roots the joined variables (their roots) that e's paths use. */
static void
add_roots(RbacExpr *e, List **roots)
{
	const RbacPath *ops[4];
	int			nops;
	int			i;

	if (e == NULL)
		return;
	add_roots(e->left, roots);
	add_roots(e->right, roots);
	nops = rbac_expr_paths(e, ops);
	for (i = 0; i < nops; i++)
		if (ops[i]->join != NULL)
			*roots = list_append_unique_ptr(*roots, (void *) rbac_join_root(ops[i]->join));
}

/*
 * The conjunct of items (a has_relation rewritten into "path != nil") that
 * joins a variable through a join table no EXISTS opened, at the smallest
 * field index (*k): -1 when there is none.
 */
static int
open_binding(GenCtx *g, RbacExpr **items, int n, int *k)
{
	int			best = -1;
	int			i;

	for (i = 0; i < n; i++)
	{
		RbacExpr   *e = items[i];
		int			hop;

		if (e->kind != RBAC_EX_CMP || e->binds == NULL || e->a == NULL ||
			e->a->kind != RBAC_OP_PATH)
			continue;
		hop = open_hop(g, &e->a->path);
		if (hop >= 0 && (best < 0 || hop < *k))
		{
			best = i;
			*k = hop;
		}
	}
	return best;
}

/*
 * Append the conjunction of items.  A variable joined through a join
 * table (o matches Org and has_relation(r, "sponsors", o) and ...) stands
 * for one related row: the conjuncts that use it (and those that use a
 * variable used with it) go into one EXISTS over the join table, so that
 * they hold on the same row; the others stay outside.
 */
static void
gen_chain(GenCtx *g, StringInfo buf, RbacExpr **items, int n)
{
	int			k = 0;
	int			b = open_binding(g, items, n, &k);
	const RbacJoinRef *join;
	List	   *roots = NIL;
	bool	   *in;
	RbacExpr  **sub;
	int			nin = 0,
				nout = 0;
	bool		changed;
	int			i;

	if (b < 0)
	{
		if (n == 0)
			appendStringInfoString(buf, "true");
		if (n > 1)
			appendStringInfoChar(buf, '(');
		for (i = 0; i < n; i++)
		{
			if (i > 0)
				appendStringInfoString(buf, " AND ");
			gen_node(g, buf, items[i]);
		}
		if (n > 1)
			appendStringInfoChar(buf, ')');
		return;
	}
	/* the variable whose path goes through the hop first */
	join = items[b]->binds;
	while (join->parent != NULL && join->parent->nfields > k)
		join = join->parent;
	roots = lappend(roots, (void *) rbac_join_root(join));
	in = palloc0(sizeof(bool) * n);
	do
	{
		changed = false;
		for (i = 0; i < n; i++)
		{
			List	   *mine = NIL;
			ListCell   *lc;

			if (in[i])
				continue;
			add_roots(items[i], &mine);
			foreach(lc, mine)
				if (list_member_ptr(roots, lfirst(lc)))
					break;
			if (lc == NULL)
				continue;
			in[i] = true;
			roots = list_concat_unique_ptr(roots, mine);
			changed = true;
		}
	} while (changed);
	sub = palloc(sizeof(RbacExpr *) * n);
	for (i = 0; i < n; i++)
		if (!in[i])
			sub[nout++] = items[i];
	appendStringInfoChar(buf, '(');
	if (nout > 0)
	{
		gen_chain(g, buf, sub, nout);
		appendStringInfoString(buf, " AND ");
	}
	for (i = 0; i < n; i++)
		if (in[i])
			sub[nin++] = items[i];
	if (open_join(g, buf, &items[b]->a->path, k, join))
	{
		gen_chain(g, buf, sub, nin);
		close_join(g, buf);
	}
	else
		appendStringInfoString(buf, "NULL");
	appendStringInfoChar(buf, ')');
}

/*
 * Append a boolean expression: its "and" chain (a single condition is a
 * chain of one) by gen_chain when it joins a variable through a join
 * table, else as it is.
 */
static void
gen_expr(GenCtx *g, StringInfo buf, RbacExpr *e)
{
	RbacExpr  **items;
	int			n;
	int			k;

	if (e == NULL)
	{
		appendStringInfoString(buf, "false");
		return;
	}
	if (!g->joins || (e->kind != RBAC_EX_AND && e->binds == NULL))
	{
		gen_node(g, buf, e);
		return;
	}
	items = palloc(sizeof(RbacExpr *) * rbac_expr_nconjuncts(e));
	n = rbac_expr_conjuncts(e, items, 0);
	if (open_binding(g, items, n, &k) < 0)
		gen_node(g, buf, e);
	else
		gen_chain(g, buf, items, n);
}

/*
 * Append a boolean expression whose "and" chains join no variable
 * through a join table (gen_expr decides), and leaves as they are.
 */
static void
gen_node(GenCtx *g, StringInfo buf, RbacExpr *e)
{
	if (e == NULL)
	{
		appendStringInfoString(buf, "false");
		return;
	}
	switch (e->kind)
	{
		case RBAC_EX_TRUE:
			appendStringInfoString(buf, "true");
			break;
		case RBAC_EX_GLOBAL:	/* only in rules compiled from conditions */
			gen_global(g, buf, e);
			break;
		case RBAC_EX_AND:
		case RBAC_EX_OR:
			{
				/* an "and" is part of a chain gen_expr found without joins */
				void		(*side) (GenCtx *, StringInfo, RbacExpr *) =
					e->kind == RBAC_EX_AND ? gen_node : gen_expr;

				appendStringInfoChar(buf, '(');
				side(g, buf, e->left);
				appendStringInfoString(buf, e->kind == RBAC_EX_AND ? " AND " : " OR ");
				side(g, buf, e->right);
				appendStringInfoChar(buf, ')');
				break;
			}
		case RBAC_EX_NOT:
			/* NULL (a missing row) counts as false before negation */
			appendStringInfoString(buf, "(NOT COALESCE(");
			gen_expr(g, buf, e->left);
			appendStringInfoString(buf, ", false))");
			break;
		case RBAC_EX_CMP:
		case RBAC_EX_IN:
		case RBAC_EX_OPERAND:
		case RBAC_EX_HAS_ROLE:
		case RBAC_EX_HAS_PERMISSION:
			gen_leaf(g, buf, e);
			break;
		case RBAC_EX_MATCHES:
		case RBAC_EX_HAS_RELATION:
			/* validation replaces joins with paths */
			g->failed = true;
			appendStringInfoString(buf, "false");
			break;
	}
}

/* Append a leaf condition whose paths walk no join table not opened. */
static void
gen_leaf_plain(GenCtx *g, StringInfo buf, RbacExpr *e)
{
	int			i;

	switch (e->kind)
	{
		case RBAC_EX_CMP:
			gen_cmp(g, buf, e);
			break;
		case RBAC_EX_IN:
			{
				StringInfoData a;
				bool		self,
							isid;

				initStringInfo(&a);
				gen_operand(g, &a, e->a, &self, &isid);
				if (e->b_array != NULL)
				{
					gen_in_array(g, buf, e, a.data, isid);
					break;
				}
				appendStringInfoChar(buf, '(');
				for (i = 0; i < e->nlist; i++)
				{
					if (i > 0)
						appendStringInfoString(buf, " OR ");
					appendStringInfo(buf, "%s%s OPERATOR(pg_catalog.=) ",
									 a.data, isid ? "::pg_catalog.text" : "");
					gen_literal(buf, e->list[i]);
				}
				if (e->nlist == 0)
					appendStringInfoString(buf, "false");
				appendStringInfoChar(buf, ')');
				break;
			}
		case RBAC_EX_OPERAND:
			{
				bool		self,
							isid;

				appendStringInfoChar(buf, '(');
				gen_operand(g, buf, e->a, &self, &isid);
				appendStringInfoString(buf, " IS TRUE)");
				break;
			}
		case RBAC_EX_HAS_ROLE:
		case RBAC_EX_HAS_PERMISSION:
			gen_has(g, buf, e);
			break;
		default:
			g->failed = true;
			appendStringInfoString(buf, "false");
			break;
	}
}

/* ---------------------------------------------------------------------
 * Set hints and the rbac._in template
 * ---------------------------------------------------------------------
 */

/* Append a name to a hint, escaping '\\', '|' and ','. */
static void
hint_name(StringInfo buf, const char *name)
{
	const char *c;

	for (c = name; *c; c++)
	{
		if (*c == '\\' || *c == '|' || *c == ',')
			appendStringInfoChar(buf, '\\');
		appendStringInfoChar(buf, *c);
	}
}

/* The text of a hint (see sqlgen.h); path is used by RBAC_HINT_PATH only. */
char *
rbac_sql_format_hint(RbacSetHintKind kind, const char *type, char **path,
					 int npath, const char *term)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%c|", (char) kind);
	hint_name(&buf, type);
	appendStringInfoChar(&buf, '|');
	if (kind == RBAC_HINT_PATH)
	{
		for (i = 0; i < npath; i++)
		{
			if (i > 0)
				appendStringInfoChar(&buf, ',');
			hint_name(&buf, path[i]);
		}
		appendStringInfoChar(&buf, '|');
	}
	hint_name(&buf, term);
	return buf.data;
}

/*
 * Read one name of a hint from *p up to an unescaped separator in stops
 * (or the end); *p is left on the separator.
 */
static char *
hint_read_name(const char **p, const char *stops)
{
	StringInfoData buf;

	initStringInfo(&buf);
	while (**p && strchr(stops, **p) == NULL)
	{
		if (**p == '\\' && (*p)[1] != '\0')
			(*p)++;
		appendStringInfoChar(&buf, **p);
		(*p)++;
	}
	return buf.data;
}

/* Parse a hint written by rbac_sql_format_hint; false when it is not one. */
bool
rbac_sql_parse_hint(const char *text, RbacSetHint *hint)
{
	const char *p = text;
	int			cap = 4;

	memset(hint, 0, sizeof(RbacSetHint));
	if (text == NULL || (text[0] != RBAC_HINT_KEYS && text[0] != RBAC_HINT_OWN &&
						 text[0] != RBAC_HINT_DIRECT && text[0] != RBAC_HINT_PATH) ||
		text[1] != '|')
		return false;
	hint->kind = (RbacSetHintKind) text[0];
	p += 2;
	hint->type = hint_read_name(&p, "|");
	if (*p++ != '|')
		return false;
	if (hint->kind == RBAC_HINT_PATH)
	{
		hint->path = palloc(sizeof(char *) * cap);
		for (;;)
		{
			if (hint->npath == cap)
			{
				cap *= 2;
				hint->path = repalloc(hint->path, sizeof(char *) * cap);
			}
			hint->path[hint->npath++] = hint_read_name(&p, "|,");
			if (*p == '|')
				break;
			if (*p++ != ',')
				return false;
		}
		p++;
	}
	hint->term = hint_read_name(&p, "|");
	return *p == '\0' && hint->type[0] != '\0' && hint->term[0] != '\0';
}

/*
 * The arm of a generated policy that tests value_sql against a set:
 * rbac._in(value, (SELECT rbac.<function>(<args>, NULL::elemtype))::elemtype[],
 * hint).  The sub-SELECT makes the set an InitPlan (computed once per
 * query); hint is the literal text of a set hint, or NULL for none.
 *
 * The set of rbac._keys with a hint (a role or permission on a related
 * resource, the costly kind: it walks relations and last-mile rules) is
 * tested by rbac._in_lazy(value, hint, (SELECT NULL::elemtype)) instead,
 * which checks the first
 * rows one at a time and computes the set only when that is cheaper
 * (rls_runtime.c): a point lookup or a short page then costs a few checks,
 * not the actor's whole set.
 */
/*
 * Is rbac._in_lazy installed?  Not between installing this library and
 * ALTER EXTENSION pg_rbac UPDATE from a version without it: policies
 * generated meanwhile use rbac._in, and the update regenerates them.
 */
static bool
in_lazy_installed(void)
{
	Oid			argtypes[3] = {ANYELEMENTOID, TEXTOID, ANYELEMENTOID};

	return OidIsValid(LookupFuncName(list_make2(makeString("rbac"), makeString("_in_lazy")),
									 3, argtypes, true));
}

char *
rbac_sql_in_keys(const char *value_sql, const char *function,
				 const char *args_sql, const char *elemtype, const char *hint)
{
	bool		lazy = hint != NULL &&
		((hint[0] == RBAC_HINT_KEYS && strcmp(function, "_keys") == 0) ||
		 (hint[0] == RBAC_HINT_OWN && strcmp(function, "_keys_own") == 0));

	if (lazy && in_lazy_installed())
		return psprintf("rbac._in_lazy(%s, %s, (SELECT NULL::%s))", value_sql,
						quote_literal_cstr(hint), elemtype);
	if (lazy && hint[0] == RBAC_HINT_OWN)
	{
		/* rbac._keys_own came with rbac._in_lazy: the set of rbac._keys */
		char	   *k = pstrdup(hint);

		k[0] = RBAC_HINT_KEYS;
		hint = k;
		function = "_keys";
	}
	return psprintf("rbac._in(%s, (SELECT rbac.%s(%s, NULL::%s))::%s[], %s)",
					value_sql, function, args_sql, elemtype, elemtype,
					hint ? quote_literal_cstr(hint) : "NULL");
}

/* ---------------------------------------------------------------------
 * Last-mile rule bodies
 * ---------------------------------------------------------------------
 */

/*
 * Set up the generation of rule's body over the row aliased alias; false
 * when the rule's resource type is not in the model.
 */
static bool
gen_begin(GenCtx *g, RbacModel *m, RbacRule *rule, const char *alias,
		  const SqlActor *actor, bool rls)
{
	int			i,
				j;

	memset(g, 0, sizeof(GenCtx));
	g->m = m;
	g->rule = rule;
	g->alias = alias;
	g->actor = actor;
	g->rls = rls;
	g->rtype = rbac_model_type(m, rule->resource_type);
	for (i = 0; i < m->ntypes && !g->joins; i++)
		for (j = 0; j < m->types[i].nterms && m->types[i].bound; j++)
			if (m->types[i].rel_join[j] != NULL)
				g->joins = true;
	return g->rtype != NULL;
}

/*
 * The SQL boolean expression of a last-mile rule's body over the row
 * aliased alias of the rule's resource type, or NULL when it refers to
 * something that cannot be evaluated (an unbound type, an unbound
 * relation).  It may be NULL-valued where a compared column is NULL: both
 * callers take NULL as false (sets.c puts it in a WHERE clause, eval.c
 * tests the value with its null flag).  No COALESCE around it, so that the
 * planner can match its conditions to indexes (a partial index on a rare
 * flag) when sets.c selects the rows it holds on.
 */
char *
rbac_sql_lastmile_body(RbacModel *m, RbacRule *rule, const char *alias,
					   const SqlActor *actor)
{
	GenCtx		g;
	StringInfoData buf;

	if (!gen_begin(&g, m, rule, alias, actor, false))
		return NULL;
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '(');
	gen_expr(&g, &buf, rule->body);
	appendStringInfoChar(&buf, ')');
	if (g.failed)
		return NULL;
	return buf.data;
}

/*
 * The SQL boolean expression of a last-mile rule's body for a generated
 * row-level-security policy on the table aliased alias: columns of the row,
 * the current actor through rbac._actor_id() / rbac._actor_type(), and
 * has_role / has_permission as set membership.  Sets *fallback (and
 * returns NULL) when the body needs columns of other tables, which a policy
 * must not read under the caller's visibility: the caller then uses the
 * per-row rbac._lastmile_row().  NULL without fallback: cannot hold.
 */
char *
rbac_sql_lastmile_rls(RbacModel *m, RbacRule *rule, const char *alias,
					  bool *fallback)
{
	static const SqlActor actor = {
		"(SELECT rbac._actor_id())", "(SELECT rbac._actor_type())",
		"(SELECT rbac.current_actor())", "NULL", NULL
	};
	GenCtx		g;
	StringInfoData buf;

	*fallback = false;
	if (!gen_begin(&g, m, rule, alias, &actor, true) || !g.rtype->bound)
		return NULL;
	/*
	 * No COALESCE: in a policy NULL already means false, and a plain AND of
	 * conditions lets the planner use indexes for each arm of the OR.
	 */
	initStringInfo(&buf);
	gen_expr(&g, &buf, rule->body);
	if (g.fallback)
	{
		*fallback = true;
		return NULL;
	}
	if (g.failed)
		return NULL;
	return buf.data;
}
