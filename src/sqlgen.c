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
} GenCtx;

static void gen_expr(GenCtx *g, StringInfo buf, RbacExpr *e);

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

/*
 * 0A000 for a rule body that walks a relation bound through a join table:
 * a path names one related resource, a join table relates any number.
 */
static void
refuse_join_hop(MType *t, int term)
{
	const char *rel;
	bool		to_actor;

	if (t == NULL || term < 0 || !t->bound || t->rel_join[term] == NULL)
		return;
	rel = t->ast->terms[term].name;
	to_actor = t->ast->terms[term].target_type != NULL &&
		t->ast->terms[term].target_type->is_actor;
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("relation \"%s\" of %s is bound through a join table and cannot be walked in a rule body",
					rel, t->name),
			 errdetail("A path such as resource.%s names one related row; a join table relates any number.",
					   rel),
			 to_actor ?
			 errhint("Test it in a shorthand rule of its own, such as \"permission\" if \"%s\";, or bind the relation to a column.",
					 rel) :
			 errhint("Walk it with a shorthand rule in the %s block instead, such as \"role\" if \"role\" on \"%s\";, "
					 "or with has_role or has_permission on resource.%s alone, or bind the relation to a column.",
					 t->name, rel, rel)));
}

/*
 * The join table of a path resource.rel that walks one relation bound
 * through a join table from the resource's row, or NULL for any other path.
 */
static MRelJoin *
join_hop(GenCtx *g, RbacPath *p)
{
	MType	   *t = g->rtype;
	int			term;

	if (p->var_index != 1 || p->tail != RBAC_TAIL_RELATION || p->nhops != 0 ||
		p->nfields != 1 || t == NULL || !t->bound)
		return NULL;
	term = rbac_type_term(t, p->fields[0]);
	return term >= 0 ? t->rel_join[term] : NULL;
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
 * Append the SQL value of a path.  For TAIL_SELF and TAIL_RELATION the
 * value is the key of the referenced row (for the actor variable itself:
 * the actor id).  Sets *is_actor_ref when the value is the actor itself.
 */
static void
gen_path(GenCtx *g, StringInfo buf, RbacPath *p, bool *is_actor_self)
{
	MType	   *t;
	StringInfoData key;
	StringInfoData next_col;
	Oid			domain_base = InvalidOid;
	bool		key_is_text;
	bool		from_row;		/* key names a column of the resource row */
	int			i;

	*is_actor_self = false;
	initStringInfo(&key);
	if (p->var_index == 0)
	{
		/* the actor variable */
		if (p->nfields == 0)
		{
			*is_actor_self = true;
			appendStringInfoString(buf, g->actor->id_sql);
			return;
		}
		t = g->rule->atype ? rbac_model_type(g->m, g->rule->atype->name) : NULL;
		appendStringInfoString(&key, g->actor->id_sql);
		key_is_text = true;
		from_row = false;
	}
	else
	{
		t = g->rtype;
		if (t->bound)
			appendStringInfo(&key, "%s.%s", g->alias, quote_identifier(t->key_col));
		else
			appendStringInfoString(&key, g->actor->resource_id_sql);
		key_is_text = !t->bound;
		from_row = t->bound;
	}

	if (p->tail == RBAC_TAIL_SELF || (p->tail == RBAC_TAIL_ID && p->nhops == 0))
	{
		appendStringInfoString(buf, key.data);
		return;
	}

	/* walk relation hops: the key of the next row is a relation column */
	for (i = 0; i < p->nhops + (p->tail == RBAC_TAIL_RELATION ? 1 : 0); i++)
	{
		int			term = t ? rbac_type_term(t, p->fields[i]) : -1;
		const char *col = (t && term >= 0 && t->bound) ? t->rel_col[term] : NULL;
		StringInfoData next;

		refuse_join_hop(t, term);
		initStringInfo(&next);
		if (col == NULL)
		{
			g->failed = true;
			appendStringInfoString(buf, "NULL");
			return;
		}
		if (from_row && i == 0)
			appendStringInfo(&next, "%s.%s", g->alias, quote_identifier(col));
		else
			gen_lookup(g, &next, t, col, key.data, key_is_text);
		key = next;
		key_is_text = false;
		from_row = false;
		t = rbac_model_type(g->m, t->ast->terms[term].target);
	}
	if (p->tail == RBAC_TAIL_RELATION || p->tail == RBAC_TAIL_ID)
	{
		appendStringInfoString(buf, key.data);
		return;
	}
	/*
	 * TAIL_COLUMN: a column of the row reached, of a type safe to compare;
	 * an enum is read as its label (text), never as itself
	 */
	if (t != NULL && t->bound)
	{
		const char *col = p->fields[p->nfields - 1];

		domain_base = rbac_require_rule_column(t->relid, col, &g->read);
		/* only a domain is relabelled to its base type, by name */
		if (get_atttype(t->relid, get_attnum(t->relid, col)) == domain_base)
			domain_base = InvalidOid;
	}
	initStringInfo(&next_col);
	if (from_row)
		appendStringInfo(&next_col, "%s.%s", g->alias,
						 quote_identifier(p->fields[p->nfields - 1]));
	else
		gen_lookup(g, &next_col, t, p->fields[p->nfields - 1], key.data, key_is_text);
	appendStringInfoString(buf, rbac_rule_value_sql(next_col.data, g->read, domain_base));
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
	if (join_hop(g, p) != NULL)
	{
		/* through a join table: the per-row form (rbac._lastmile_row) */
		g->fallback = true;
		appendStringInfoString(buf, "NULL");
		return;
	}
	term = rbac_type_term(t, p->fields[0]);
	refuse_join_hop(t, term);
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
	if (join_hop(g, p) != NULL)
	{
		/* has_role(actor, "x", resource.teams): on any of the join rows */
		MRelJoin   *j = join_hop(g, p);
		char		alias[32];

		snprintf(alias, sizeof(alias), "_rbac_j%d", ++g->nalias);
		appendStringInfo(buf, "EXISTS (SELECT 1 FROM %s %s WHERE %s.%s OPERATOR(pg_catalog.=) (%s.%s)::%s "
						 "AND rbac._holds_joined(%s, %s, %s, %s.%s::pg_catalog.text))",
						 j->qualname, alias, alias, quote_identifier(j->from_col),
						 g->alias, quote_identifier(g->rtype->key_col),
						 format_type_be_qualified(j->from_type),
						 g->actor->ref_sql, quote_literal_cstr(e->name),
						 quote_literal_cstr(tname), alias, quote_identifier(j->to_col));
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

/* Append a boolean expression. */
static void
gen_expr(GenCtx *g, StringInfo buf, RbacExpr *e)
{
	int			i;

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
			appendStringInfoChar(buf, '(');
			gen_expr(g, buf, e->left);
			appendStringInfoString(buf, e->kind == RBAC_EX_AND ? " AND " : " OR ");
			gen_expr(g, buf, e->right);
			appendStringInfoChar(buf, ')');
			break;
		case RBAC_EX_NOT:
			/* NULL (a missing row) counts as false before negation */
			appendStringInfoString(buf, "(NOT COALESCE(");
			gen_expr(g, buf, e->left);
			appendStringInfoString(buf, ", false))");
			break;
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
		case RBAC_EX_MATCHES:
		case RBAC_EX_HAS_RELATION:
			/* validation replaces joins with paths */
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
	memset(g, 0, sizeof(GenCtx));
	g->m = m;
	g->rule = rule;
	g->alias = alias;
	g->actor = actor;
	g->rls = rls;
	g->rtype = rbac_model_type(m, rule->resource_type);
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
