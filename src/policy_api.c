/*-------------------------------------------------------------------------
 *
 * policy_api.c
 *	  SQL functions over the policy: rbac.load_policy, rbac.validate_policy,
 *	  rbac.policy_source.
 *
 * load_policy stores the source and the validated model (types, terms,
 * shorthand rules, last-mile rules) in the catalog tables, all inside the
 * caller's transaction, so a failed load leaves the previous policy intact.
 *
 *-------------------------------------------------------------------------
 */
#include "audit.h"
#include "policy_api.h"
#include "rls.h"
#include "roledata.h"
#include "model.h"
#include "sqlgen.h"
#include "util.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"

PG_FUNCTION_INFO_V1(rbac_load_policy);
PG_FUNCTION_INFO_V1(rbac_validate_policy);
PG_FUNCTION_INFO_V1(rbac_policy_source);
PG_FUNCTION_INFO_V1(rbac_policy_changed);

/* Growable column of text values (NULL allowed) for one bulk insert. */
typedef struct TextColumn
{
	Datum	   *values;
	bool	   *nulls;
	int			n;
	int			cap;
} TextColumn;

/* Append a value (NULL for SQL NULL) to a column. */
static void
col_push(TextColumn *c, const char *v)
{
	if (c->n == c->cap)
	{
		c->cap = c->cap ? c->cap * 2 : 64;
		if (c->values)
		{
			c->values = repalloc(c->values, sizeof(Datum) * c->cap);
			c->nulls = repalloc(c->nulls, sizeof(bool) * c->cap);
		}
		else
		{
			c->values = palloc(sizeof(Datum) * c->cap);
			c->nulls = palloc(sizeof(bool) * c->cap);
		}
	}
	c->nulls[c->n] = (v == NULL);
	c->values[c->n] = v ? CStringGetTextDatum(v) : (Datum) 0;
	c->n++;
}

/* The column as a one-dimensional text[] datum. */
static Datum
col_array(TextColumn *c)
{
	int			dims[1];
	int			lbs[1] = {1};

	dims[0] = c->n;
	if (c->n == 0)
		return PointerGetDatum(construct_empty_array(TEXTOID));
	return PointerGetDatum(construct_md_array(c->values, c->nulls, 1, dims, lbs,
											  TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * Run one INSERT ... SELECT FROM unnest($1::text[], ...) with ncols text
 * array parameters: a whole catalog table in one statement, so loading a
 * policy of thousands of types costs a handful of SPI calls.
 */
static void
bulk_insert(const char *sql, TextColumn *cols, int ncols)
{
	Oid			argtypes[8];
	Datum		values[8];
	int			i;

	Assert(ncols <= 8);
	if (cols[0].n == 0)
		return;
	for (i = 0; i < ncols; i++)
	{
		argtypes[i] = TEXTARRAYOID;
		values[i] = col_array(&cols[i]);
	}
	rbac_spi_execute(sql, ncols, argtypes, values, NULL, false, SPI_OK_INSERT);
}

static const char *const term_kind_names[] = {"role", "permission", "relation"};

/* Name of a shorthand body kind as stored in rbac.policy_rule.body_kind. */
static const char *
body_kind_name(const RbacShorthand *r)
{
	switch (r->body_kind)
	{
		case RBAC_BODY_ACTOR_RELATION:
			return "actor_relation";
		case RBAC_BODY_GLOBAL:
			return "global";
		case RBAC_BODY_TERM:
		default:
			return term_kind_names[r->body_term_kind];
	}
}

/* Name of a last-mile rule's actor parameter kind. */
static const char *
actor_kind_name(RbacActorParam k)
{
	switch (k)
	{
		case RBAC_ACTOR_ANY_ACTOR:
			return "any_actor";
		case RBAC_ACTOR_ANYONE:
			return "anyone";
		case RBAC_ACTOR_TYPED:
		default:
			return "typed";
	}
}

/*
 * Replace the model tables with the validated policy.  Caller has connected
 * SPI and checked that the policy has no errors.
 */
static void
store_model(RbacPolicy *p, const char *src)
{
	TextColumn	ty[2] = {{0}};
	TextColumn	te[4] = {{0}};
	TextColumn	gl[1] = {{0}};
	TextColumn	ru[7] = {{0}};
	TextColumn	lm[7] = {{0}};
	int			i,
				j;
	char		buf[32];

	rbac_spi_execute("DELETE FROM rbac.policy_type; DELETE FROM rbac.policy_term; "
					 "DELETE FROM rbac.policy_global_role; DELETE FROM rbac.policy_rule; "
					 "DELETE FROM rbac.policy_lastmile", 0, NULL, NULL, NULL, false,
					 SPI_OK_DELETE);

	for (i = 0; i < p->ntypes; i++)
	{
		RbacType   *t = p->types[i];

		col_push(&ty[0], t->name);
		col_push(&ty[1], t->is_actor ? "actor" : "resource");
		for (j = 0; j < t->nterms; j++)
		{
			RbacTerm   *term = &t->terms[j];

			col_push(&te[0], t->name);
			col_push(&te[1], term->name);
			col_push(&te[2], term_kind_names[term->kind]);
			col_push(&te[3], term->kind == RBAC_TERM_RELATION ? term->target : NULL);
		}
		for (j = 0; j < t->nrules; j++)
		{
			RbacShorthand *r = &t->rules[j];

			snprintf(buf, sizeof(buf), "%d", j + 1);
			col_push(&ru[0], t->name);
			col_push(&ru[1], buf);
			col_push(&ru[2], r->head);
			col_push(&ru[3], term_kind_names[r->head_kind]);
			col_push(&ru[4], r->body);
			col_push(&ru[5], body_kind_name(r));
			col_push(&ru[6], r->via);
		}
	}
	for (i = 0; i < p->nglobals; i++)
		col_push(&gl[0], p->globals[i].name);
	for (i = 0; i < p->nrules; i++)
	{
		RbacRule   *r = p->rules[i];
		char	   *text = pnstrdup(src + r->start_offset,
									r->end_offset - r->start_offset);

		snprintf(buf, sizeof(buf), "%d", i + 1);
		col_push(&lm[0], buf);
		col_push(&lm[1], r->is_role ? "role" : "permission");
		col_push(&lm[2], actor_kind_name(r->actor_kind));
		col_push(&lm[3], r->actor_kind == RBAC_ACTOR_TYPED ? r->actor_type : NULL);
		col_push(&lm[4], r->name);
		col_push(&lm[5], r->resource_type);
		col_push(&lm[6], text);
	}

	bulk_insert("INSERT INTO rbac.policy_type (name, kind) "
				"SELECT * FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2))", ty, 2);
	bulk_insert("INSERT INTO rbac.policy_term (type, name, kind, target) "
				"SELECT * FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3), pg_catalog.unnest($4))", te, 4);
	bulk_insert("INSERT INTO rbac.policy_global_role (name) "
				"SELECT * FROM pg_catalog.unnest($1)", gl, 1);
	bulk_insert("INSERT INTO rbac.policy_rule (type, ord, head, head_kind, body, body_kind, via) "
				"SELECT a, b::pg_catalog.int4, c, d, e, f, g "
				"FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3), pg_catalog.unnest($4), pg_catalog.unnest($5), pg_catalog.unnest($6), pg_catalog.unnest($7)) AS u(a, b, c, d, e, f, g)",
				ru, 7);
	bulk_insert("INSERT INTO rbac.policy_lastmile (ord, kind, actor_kind, actor_type, name, resource_type, source) "
				"SELECT a::pg_catalog.int4, b, c, d, e, f, g "
				"FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3), pg_catalog.unnest($4), pg_catalog.unnest($5), pg_catalog.unnest($6), pg_catalog.unnest($7)) AS u(a, b, c, d, e, f, g)",
				lm, 7);
}

/*
 * Refuse to orphan role data: after the new model is stored, count the
 * assignments, custom roles and memberships that name something it no
 * longer declares.  Without drop_orphans that is error 2BP01; with it they
 * are deleted and the deletion audited.
 */
static void
handle_orphans(Oid caller, bool drop_orphans)
{
	int64		na,
				nc,
				nm;
	bool		isnull;
	char	   *message;
	StringInfo	detail;

	/* not read-only: the query must see the model just stored */
	rbac_spi_execute("SELECT assignments, custom_roles, memberships FROM rbac._orphans()",
					 0, NULL, NULL, NULL, false, SPI_OK_SELECT);
	if (SPI_processed != 1)
		elog(ERROR, "could not count orphaned role data");
	na = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	nc = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	nm = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull));
	if (na == 0 && nc == 0 && nm == 0)
		return;
	message = psprintf("%lld role assignments, %lld custom roles and %lld group memberships "
					  "use names the new policy does not declare.",
					  (long long) na, (long long) nc, (long long) nm);
	if (!drop_orphans)
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("the new policy would orphan existing role data"),
				 errdetail("%s", message),
				 errhint("Remove them first, or call rbac.load_policy(source, drop_orphans => true) to delete them.")));
	rbac_spi_execute("SELECT rbac._drop_orphans()", 0, NULL, NULL, NULL, false,
					 SPI_OK_SELECT);
	detail = rbac_json_begin();
	rbac_json_int(detail, "assignments", na);
	rbac_json_int(detail, "custom_roles", nc);
	rbac_json_int(detail, "memberships", nm);
	rbac_audit(caller, "drop_orphans", detail);
}

/*
 * Raise the warnings a load reports (RbacDiag notify: a parameter that
 * matches everything, a rule skipped by oso_compat) as WARNING messages.
 */
static void
notify_warnings(RbacParsed *parsed)
{
	int			i;

	for (i = 0; i < parsed->diags.n; i++)
	{
		RbacDiag   *d = &parsed->diags.items[i];

		if (d->severity == RBAC_SEV_WARNING && d->notify)
			ereport(WARNING,
					(errmsg("line %d, column %d: %s", d->line, d->col,
							d->message),
					 d->hint ? errhint("%s", d->hint) : 0));
	}
}

/* The bindings (type name, table), read once for check_rule_columns. */
typedef struct Bindings
{
	int			n;
	char	  **type;
	Oid		   *relid;
} Bindings;

/* Read every binding.  SPI is connected. */
static Bindings
read_bindings(void)
{
	Bindings	b;
	uint64		i;
	bool		isnull;

	rbac_spi_execute("SELECT type, tbl::pg_catalog.oid FROM rbac.binding",
					 0, NULL, NULL, NULL, true, SPI_OK_SELECT);
	b.n = (int) SPI_processed;
	b.type = palloc(sizeof(char *) * (b.n + 1));
	b.relid = palloc(sizeof(Oid) * (b.n + 1));
	for (i = 0; i < SPI_processed; i++)
	{
		b.type[i] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		b.relid[i] = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i],
													SPI_tuptable->tupdesc, 2, &isnull));
	}
	return b;
}

/*
 * The bound table of the type at the end of a column path, or InvalidOid
 * (not a column path, or the type is not bound).
 */
static Oid
column_path_table(const Bindings *b, RbacOperand *op)
{
	int			i;

	if (op == NULL || op->kind != RBAC_OP_PATH ||
		op->path.tail != RBAC_TAIL_COLUMN || op->path.end_type == NULL)
		return InvalidOid;
	for (i = 0; i < b->n; i++)
		if (strcmp(b->type[i], op->path.end_type->name) == 0)
			return b->relid[i];
	return InvalidOid;
}

/*
 * Can a literal stand for a value of a built-in type?  Its input function
 * (PostgreSQL's own: rule columns have built-in types) decides, in a
 * subtransaction so that its error is only an answer.
 */
static bool
literal_fits(const char *text, Oid type)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	volatile bool fits = true;
	Oid			input;
	Oid			ioparam;

	getTypeInputInfo(type, &input, &ioparam);
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		(void) OidInputFunctionCall(input, (char *) text, ioparam, -1);
		ReleaseCurrentSubTransaction();
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		fits = false;
	}
	PG_END_TRY();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
	return fits;
}

/*
 * Error 42804 unless column col of relid, read as type (rbac_require_rule_column),
 * fits its use: alone as a condition (bare) it must be boolean; compared
 * with a literal (other), the literal must be a value of its type (a
 * number for a numeric column, true or false for a boolean, a label's text
 * for an enum).  Otherwise every check would fail at run time.
 */
static void
check_column_use(Oid relid, const char *col, Oid type, RbacColRead read,
				 RbacOperand *other, bool bare)
{
	char		category;
	bool		preferred;
	bool		fits;
	const char *what;
	Oid			shown = type;

	if (bare)
	{
		if (type == BOOLOID)
			return;
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of table %s has type %s, so it cannot be a condition on its own",
						col, get_rel_name(relid) ? get_rel_name(relid) : "?", format_type_be(type)),
				 errdetail("A fact without a value reads a boolean column."),
				 errhint("Give the fact the value it must have, such as %s(resource, \"x\"), or compare the column: resource.%s = \"x\".",
						 col, col)));
	}
	if (other == NULL || other->kind == RBAC_OP_PATH || other->kind == RBAC_OP_NIL)
		return;
	if (read != RBAC_READ_PLAIN)
		type = read == RBAC_READ_ENUM ? TEXTOID : TEXTARRAYOID;
	get_type_category_preferred(type, &category, &preferred);
	switch (other->kind)
	{
		case RBAC_OP_INTEGER:
		case RBAC_OP_DECIMAL:
			fits = category == TYPCATEGORY_NUMERIC;
			what = "a number";
			break;
		case RBAC_OP_BOOL:
			fits = type == BOOLOID;
			what = "true or false";
			break;
		case RBAC_OP_STRING:
		default:
			fits = category == TYPCATEGORY_STRING || literal_fits(other->text, type);
			what = "this string";
			break;
	}
	if (!fits)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of table %s holds values of type %s and cannot be compared with %s",
						col, get_rel_name(relid) ? get_rel_name(relid) : "?", format_type_be(shown),
						other->kind == RBAC_OP_STRING ? psprintf("\"%s\"", other->text) : what),
				 errdetail("Every check would fail reading the column."),
				 errhint("Compare the column with a value of its type, or change the column's type.")));
}

/*
 * Every column a rule reads (facts, comparisons, "in") must have a type the
 * engine may read, once its type is bound: error 0A000 at bind and
 * load_policy (SPEC 6.1), not at every check afterwards.  The columns on
 * the right of "x in resource.column" must moreover be arrays, and an enum
 * column is never ordered (rbac_refuse_enum_order).  SPI is connected.
 */
static void
check_rule_columns(RbacPolicy *p)
{
	Bindings	b = read_bindings();
	int			i;

	for (i = 0; i < p->nrules; i++)
	{
		RbacExpr  **stack = palloc(sizeof(RbacExpr *) * 16);
		int			cap = 16;
		int			sp = 0;

		stack[sp++] = p->rules[i]->body;
		while (sp > 0)
		{
			RbacExpr   *e = stack[--sp];
			RbacOperand *ops[2];
			Oid			relid;
			int			k;
			int			j;

			if (e == NULL)
				continue;
			if (sp + 2 > cap)
			{
				cap *= 2;
				stack = repalloc(stack, sizeof(RbacExpr *) * cap);
			}
			stack[sp++] = e->left;
			stack[sp++] = e->right;
			if (e->kind != RBAC_EX_CMP && e->kind != RBAC_EX_IN &&
				e->kind != RBAC_EX_OPERAND)
				continue;
			ops[0] = e->a;
			ops[1] = e->kind == RBAC_EX_CMP ? e->b : NULL;
			for (k = 0; k < 2; k++)
				if (OidIsValid(relid = column_path_table(&b, ops[k])))
				{
					RbacColRead read;
					const char *col = ops[k]->path.fields[ops[k]->path.nfields - 1];
					Oid			type = rbac_require_rule_column(relid, col, &read);

					if (read != RBAC_READ_PLAIN && e->kind == RBAC_EX_CMP)
						rbac_refuse_enum_order(e->op, ops[k]);
					if (e->kind == RBAC_EX_OPERAND)
						check_column_use(relid, col, type, read, NULL, true);
					else if (e->kind == RBAC_EX_CMP)
						check_column_use(relid, col, type, read, ops[1 - k], false);
					else
						for (j = 0; j < e->nlist; j++)
							check_column_use(relid, col, type, read, e->list[j], false);
				}
			if (e->kind == RBAC_EX_IN &&
				OidIsValid(relid = column_path_table(&b, e->b_array)))
			{
				const char *col = e->b_array->path.fields[e->b_array->path.nfields - 1];
				RbacColRead read;
				Oid			type;

				rbac_require_array_column(relid, col);
				type = rbac_require_rule_column(relid, col, &read);
				/* the value on the left against the array's elements */
				check_column_use(relid, col, get_element_type(type),
								 read == RBAC_READ_PLAIN ? read : RBAC_READ_ENUM, e->a, false);
			}
		}
		pfree(stack);
	}
}

/*
 * rbac.load_policy(source text, drop_orphans boolean, oso_compat boolean) -> void
 *
 * Validate and atomically replace the whole policy.  Any error raises and
 * the transaction's rollback keeps the previous policy.  With oso_compat,
 * Oso host-bridging rules are skipped with a warning each.
 */
Datum
rbac_load_policy(PG_FUNCTION_ARGS)
{
	text	   *src;
	bool		drop_orphans = PG_ARGISNULL(1) ? false : PG_GETARG_BOOL(1);
	bool		oso_compat = PG_NARGS() > 2 && !PG_ARGISNULL(2) && PG_GETARG_BOOL(2);
	char	   *source;
	RbacParsed *parsed;
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		values[2];
	RbacRunAs	sw;
	StringInfo	detail;

	rbac_arg_not_null(fcinfo, 0, "policy source");
	src = PG_GETARG_TEXT_PP(0);
	source = text_to_cstring(src);

	SPI_connect();
	parsed = rbac_parse_policy_text(source, strlen(source), true,
									CurrentMemoryContext);
	if (oso_compat)
		rbac_oso_compat(&parsed->diags);
	rbac_report_errors(parsed);
	check_rule_columns(parsed->policy);
	notify_warnings(parsed);

	/*
	 * One load at a time, and none while role data is being written (see
	 * rbac_rd_lock_policy): a second load waits for the first and then
	 * replaces its model; the orphan count below sees every committed
	 * write.  Readers (checks, RLS) are not blocked.
	 */
	LockRelationOid(rbac_catalog_relid("policy"), ExclusiveLock);

	/*
	 * The catalogs are written as the extension owner: an administrator
	 * (rbac.grant_admin) may execute this function but not write them.
	 */
	RBAC_AS_OWNER_BEGIN(sw);
	{
		store_model(parsed->policy, source);
		handle_orphans(sw.caller, drop_orphans);

		values[0] = CStringGetTextDatum(source);
		values[1] = CStringGetTextDatum(GetUserNameFromId(sw.caller, false));
		rbac_spi_execute("INSERT INTO rbac.policy AS p (singleton, source, loaded_by) VALUES (true, $1, $2) "
						 "ON CONFLICT (singleton) DO UPDATE SET source = excluded.source, "
						 "loaded_at = pg_catalog.now(), loaded_by = excluded.loaded_by",
						 2, argtypes, values, NULL, false, SPI_OK_INSERT);

		detail = rbac_json_begin();
		rbac_json_int(detail, "types", parsed->policy->ntypes);
		rbac_json_int(detail, "global_roles", parsed->policy->nglobals);
		rbac_json_int(detail, "rules", parsed->policy->nrules);
		rbac_json_int(detail, "bytes", strlen(source));
		rbac_audit(sw.caller, "load_policy", detail);

		/* columns were validated above: regenerate what depends on the policy */
		rbac_policy_refresh(false);
	}
	RBAC_AS_OWNER_END(sw);

	rbac_free_parsed(parsed);
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * rbac.validate_policy(source text, oso_compat boolean)
 *	 -> TABLE(line, col, severity, message)
 *
 * Every error and warning, in source order; changes nothing.
 */
Datum
rbac_validate_policy(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *source;
	RbacParsed *parsed;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	source = text_to_cstring(PG_GETARG_TEXT_PP(0));

	SPI_connect();
	parsed = rbac_parse_policy_text(source, strlen(source), true,
									CurrentMemoryContext);
	if (PG_NARGS() > 1 && !PG_ARGISNULL(1) && PG_GETARG_BOOL(1))
		rbac_oso_compat(&parsed->diags);
	for (i = 0; i < parsed->diags.n; i++)
	{
		RbacDiag   *d = &parsed->diags.items[i];
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = Int32GetDatum(d->line);
		values[1] = Int32GetDatum(d->col);
		values[2] = CStringGetTextDatum(d->severity == RBAC_SEV_ERROR ? "error" : "warning");
		if (d->hint)
			values[3] = CStringGetTextDatum(psprintf("%s\nhint: %s", d->message, d->hint));
		else
			values[3] = CStringGetTextDatum(d->message);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	rbac_free_parsed(parsed);
	SPI_finish();
	return (Datum) 0;
}

/* rbac.policy_source() -> text: the policy as loaded, NULL if none. */
Datum
rbac_policy_source(PG_FUNCTION_ARGS)
{
	char	   *src;
	text	   *result = NULL;

	SPI_connect();
	src = rbac_loaded_policy_source();
	if (src)
	{
		result = (text *) SPI_palloc(VARHDRSZ + strlen(src));
		SET_VARSIZE(result, VARHDRSZ + strlen(src));
		memcpy(VARDATA(result), src, strlen(src));
	}
	SPI_finish();
	if (result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(result);
}

/*
 * After the policy or a binding changed.  With revalidate (a binding
 * changed: rbac.bind, rbac.unbind), the loaded policy is validated again
 * against the tables now bound, so a table that lacks a column a last-mile
 * rule uses is refused and the binding rolls back.  Then the generated
 * row-level-security policies are re-created from the new model.  SPI is
 * connected; runs as the extension owner.
 */
void
rbac_policy_refresh(bool revalidate)
{
	char	   *src;

	/*
	 * Read what the caller wrote in this statement (the model, a binding):
	 * the reads below, and the model's rebuild, use the active snapshot, so
	 * it gets the command id of the writes, as SPI gives a statement that
	 * is not read-only.
	 */
	CommandCounterIncrement();
	PushCopiedSnapshot(GetActiveSnapshot());
	UpdateActiveSnapshotCommandId();

	src = revalidate ? rbac_loaded_policy_source() : NULL;
	if (src != NULL)
	{
		RbacParsed *parsed = rbac_parse_policy_text(src, strlen(src), true,
													CurrentMemoryContext);
		RbacDiag   *first = NULL;
		int			i;

		/* skipped rules were accepted when it was loaded (oso_compat) */
		rbac_oso_compat(&parsed->diags);
		for (i = 0; i < parsed->diags.n && first == NULL; i++)
			if (parsed->diags.items[i].severity == RBAC_SEV_ERROR)
				first = &parsed->diags.items[i];
		if (first)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("the bound tables do not match the loaded policy"),
					 errdetail("line %d, column %d: %s", first->line, first->col,
							   first->message),
					 errhint("Bind a table that has the columns the policy's rules use, or load a policy that does not use them.")));
		check_rule_columns(parsed->policy);
		rbac_free_parsed(parsed);
	}
	rbac_rls_regenerate_all();
	PopActiveSnapshot();
}

/*
 * rbac._policy_changed() -> void
 *
 * rbac_policy_refresh(true) as SQL (released install scripts name it; the
 * C code calls the function directly).
 */
Datum
rbac_policy_changed(PG_FUNCTION_ARGS)
{
	SPI_connect();
	rbac_policy_refresh(true);
	SPI_finish();
	PG_RETURN_VOID();
}
