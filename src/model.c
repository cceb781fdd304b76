/*-------------------------------------------------------------------------
 *
 * model.c
 *	  The per-backend cache of the compiled model: the loaded policy parsed
 *	  and resolved to term indexes, and the bindings of types to tables with
 *	  a saved plan per bound table to fetch a row's relation columns.
 *
 * Invalidation: a statement trigger on rbac.policy and rbac.binding calls
 * CacheInvalidateRelcacheByRelid() on the changed catalog, which is
 * transactional (sent at commit, seen by the writer at its next command,
 * replayed on hot standbys); one relcache callback marks the cache stale
 * and the next use rebuilds it.  Nothing is freed inside the callback.
 *
 *-------------------------------------------------------------------------
 */
#include "model.h"
#include "run_as.h"
#include "util.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/xact.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_am.h"
#include "catalog/pg_index.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_partitioned_table.h"
#include "catalog/pg_statistic_ext.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(rbac_invalidate_trigger);

static void find_key_index(RbacModel *m, MType *t);

static RbacModel *cached_model = NULL;
static List *retired = NIL;		/* in TopMemoryContext */
static bool retire_callback = false;
static bool model_stale = true;
static uint64 model_builds = 0;	/* models built by this backend */
static Oid	policy_relid = InvalidOid;
static Oid	binding_relid = InvalidOid;

/*
 * Relcache callback: a change to a catalog the model is built from, or any
 * DDL on a bound table or its key index (a column retyped, renamed or
 * dropped, an index created or dropped: the model's key types, output
 * functions, saved plans and index probes would be wrong).  No catalog
 * access here: only the OIDs the cached model holds are compared.
 */
static void
model_relcache_cb(Datum arg, Oid relid)
{
	int			i;

	if (relid == InvalidOid || relid == policy_relid || relid == binding_relid)
	{
		model_stale = true;
		return;
	}
	if (cached_model == NULL || model_stale)
		return;
	/* a join table or column was missing: it may be back (any DDL) */
	if (cached_model->join_missing)
	{
		model_stale = true;
		return;
	}
	for (i = 0; i < cached_model->ntypes; i++)
	{
		MType	   *t = &cached_model->types[i];

		int			j;

		if (t->bound && (t->relid == relid || t->key_index == relid))
		{
			model_stale = true;
			return;
		}
		/* a join table renamed, retyped or dropped */
		for (j = 0; t->bound && j < t->nterms; j++)
			if (t->rel_join[j] != NULL && t->rel_join[j]->relid == relid)
			{
				model_stale = true;
				return;
			}
	}
	/* an index, statistics or constraint added to a partition or child */
	for (i = 0; i < cached_model->nwatch; i++)
		if (cached_model->watch[i] == relid)
		{
			model_stale = true;
			return;
		}
}

/* Register the invalidation callback (called once from _PG_init). */
void
rbac_model_init(void)
{
	CacheRegisterRelcacheCallback(model_relcache_cb, (Datum) 0);
}

/*
 * Mark the model stale for this and (at commit) every other backend.  Used
 * by the statement trigger on the catalogs the model is built from.
 */
void
rbac_model_invalidate(void)
{
	Oid			nsp = get_namespace_oid("rbac", true);

	if (!OidIsValid(nsp))
		return;
	CacheInvalidateRelcacheByRelid(get_relname_relid("policy", nsp));
	CacheInvalidateRelcacheByRelid(get_relname_relid("binding", nsp));
	model_stale = true;
}

/* Statement trigger on rbac.policy and rbac.binding: invalidate the model. */
Datum
rbac_invalidate_trigger(PG_FUNCTION_ARGS)
{
	if (!CALLED_AS_TRIGGER(fcinfo))
		rbac_not_called_as("rbac._invalidate_model()", "a trigger");
	rbac_model_invalidate();
	return PointerGetDatum(NULL);
}

/*
 * The type the engine reads a column of type typid as: the base type of a
 * domain, when that is one of PostgreSQL's own base or array types (from
 * its initial catalog).  InvalidOid for everything a user can define --
 * composite, enum, range and extension types -- whose I/O functions, casts
 * and operators would otherwise run in the internal privileged context
 * (docs/operations.md, "Security notes"), and for char(n), whose padding rules the engine's text
 * comparisons do not follow (the columns rules read may also be enums:
 * rbac_rule_type).  A domain's checks never run: values are
 * converted with the base type's own input function.
 */
Oid
rbac_safe_type(Oid typid)
{
	Oid			base;
	Oid			elem;

	/* the usual key types, without the catalog lookups below (per probe) */
	switch (typid)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case TEXTOID:
		case VARCHAROID:
		case UUIDOID:
			return typid;
		default:
			break;
	}
	base = getBaseType(typid);

	if (!OidIsValid(base) || base >= FirstGenbkiObjectId ||
		get_typtype(base) != TYPTYPE_BASE)
		return InvalidOid;
	elem = get_element_type(base);
	if (base == BPCHAROID || elem == BPCHAROID)
		return InvalidOid;
	if (OidIsValid(elem) && (elem >= FirstGenbkiObjectId ||
							 get_typtype(elem) != TYPTYPE_BASE))
		return InvalidOid;
	return base;
}

/*
 * An error unless the bound relid is still a table or a partitioned table.
 * bind refuses anything else, but in PostgreSQL 15 the owner of an empty
 * table without indexes or triggers can turn it into a view afterwards
 * (CREATE RULE "_RETURN"); the engine would then run the view's query,
 * with the owner's functions, as its internal user.  Checks fail closed.
 */
void
rbac_require_bound_relkind(Oid relid, const char *type)
{
	char		relkind = get_rel_relkind(relid);

	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("relation %s bound to type \"%s\" is no longer a table",
						get_rel_name(relid) ? get_rel_name(relid) : "?", type),
				 errdetail("pg_rbac reads only tables and partitioned tables."),
				 errhint("Unbind the type, or bind it to a table again.")));
}

/*
 * Is typid an enum whose values the engine may read: its output function
 * is enum_out (CREATE TYPE AS ENUM gives no choice, and ALTER TYPE SET
 * cannot change it; checked all the same, since generated SQL calls
 * pg_catalog.enum_out by name).
 */
static bool
safe_enum(Oid typid)
{
	Oid			output;
	bool		varlena;

	if (get_typtype(typid) != TYPTYPE_ENUM)
		return false;
	getTypeOutputInfo(typid, &output, &varlena);
	return output == F_ENUM_OUT;
}

/*
 * The type the engine reads a column that rules read (facts, comparisons,
 * the array on the right of "in") of type typid as: rbac_safe_type's, and
 * besides an enum or an array of an enum (or a domain over either), which
 * *read tells.  The engine never casts or compares an enum as itself (its
 * owner may define casts and operators for it): generated SQL reads the
 * label as text through pg_catalog.enum_out (rbac_rule_value_sql), and
 * compares text with text.  InvalidOid for anything else.
 */
Oid
rbac_rule_type(Oid typid, RbacColRead *read)
{
	Oid			base = rbac_safe_type(typid);
	Oid			elem;
	Oid			output;
	bool		varlena;

	*read = RBAC_READ_PLAIN;
	if (OidIsValid(base))
		return base;
	base = getBaseType(typid);
	if (!OidIsValid(base))
		return InvalidOid;
	if (safe_enum(base))
	{
		*read = RBAC_READ_ENUM;
		return base;
	}
	elem = get_element_type(base);
	if (get_typtype(base) != TYPTYPE_BASE || !OidIsValid(elem) || !safe_enum(elem))
		return InvalidOid;
	getTypeOutputInfo(base, &output, &varlena);
	if (output != F_ARRAY_OUT)
		return InvalidOid;
	*read = RBAC_READ_ENUM_ARRAY;
	return base;
}

/*
 * The SQL of the value of a rule column as the engine compares it: value
 * itself for a built-in type, the label as text for an enum, the labels as
 * text[] for an array of an enum.  domain_base is the enum (array) type
 * that rbac_rule_type returned when the column is a domain over it
 * (InvalidOid otherwise): the value is relabelled to it first (no code
 * runs: a cast from a domain to its base type is ignored).  Only
 * pg_catalog functions named in full and built-in casts (text to text[],
 * which only a superuser could redefine): nothing the enum's owner
 * defines runs.
 */
char *
rbac_rule_value_sql(const char *value, RbacColRead read, Oid domain_base)
{
	if (read != RBAC_READ_PLAIN && OidIsValid(domain_base))
		value = psprintf("(%s)::%s", value, format_type_be_qualified(domain_base));
	switch (read)
	{
		case RBAC_READ_ENUM:
			return psprintf("pg_catalog.textin(pg_catalog.enum_out(%s))", value);
		case RBAC_READ_ENUM_ARRAY:
			return psprintf("(pg_catalog.textin(pg_catalog.array_out(%s)))::pg_catalog.text[]",
							value);
		case RBAC_READ_PLAIN:
		default:
			return pstrdup(value);
	}
}

/* Error 0A000: column col of relid, of type typid, cannot be used as what. */
static void
refuse_column(Oid relid, const char *col, Oid typid, const char *what)
{
	bool		is_enum = type_is_enum(getBaseType(typid));

	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("column \"%s\" of table %s has type %s, which pg_rbac cannot use as a %s column",
					col, get_rel_name(relid) ? get_rel_name(relid) : "?",
					format_type_be(typid), what),
			 is_enum ?
			 errdetail("Enums and arrays of enums are accepted only in the columns rules read (facts, comparisons, \"in\"), "
					   "not as key or relation columns.") :
			 errdetail("Key and relation columns must have a built-in base type (or a domain over one); "
					   "rule columns may also be enums or arrays of enums; char(n) is refused for its padding rules."),
			 errhint("Change the column to a built-in type such as integer, bigint, uuid, text or varchar, "
					 "or unbind the type.")));
}

/*
 * The type column col of relid is read as (rbac_rule_type when read is
 * not NULL: a column rules read; else rbac_safe_type), or an error 0A000
 * naming the column and what it is used as; InvalidOid when relid has no
 * such column.
 */
static Oid
require_column(Oid relid, const char *col, const char *what, RbacColRead *read)
{
	AttrNumber	att = get_attnum(relid, col);
	Oid			typid;
	Oid			safe;

	if (read != NULL)
		*read = RBAC_READ_PLAIN;
	if (att == InvalidAttrNumber)
		return InvalidOid;
	typid = get_atttype(relid, att);
	safe = read != NULL ? rbac_rule_type(typid, read) : rbac_safe_type(typid);
	if (!OidIsValid(safe))
		refuse_column(relid, col, typid, what);
	return safe;
}

/* A key or relation column (what: "key", "relation"): rbac_safe_type. */
Oid
rbac_require_safe_column(Oid relid, const char *col, const char *what)
{
	return require_column(relid, col, what, NULL);
}

/* A column rules read: rbac_rule_type, and how it is read in *read. */
Oid
rbac_require_rule_column(Oid relid, const char *col, RbacColRead *read)
{
	return require_column(relid, col, "rule", read);
}

/*
 * Find a type of the model by name, or NULL: through the policy's own name
 * index (rbac_find_type, built by validation).
 */
MType *
rbac_model_type(RbacModel *m, const char *name)
{
	RbacType   *t;

	if (m->parsed == NULL || name == NULL)
		return NULL;
	t = rbac_find_type(m->parsed->policy, name);
	return t ? &m->types[t->index] : NULL;
}

/* Index of a term of a type by name, or -1. */
int
rbac_type_term(MType *t, const char *name)
{
	int			i;

	if (name == NULL)
		return -1;
	for (i = 0; i < t->nterms; i++)
		if (strcmp(t->ast->terms[i].name, name) == 0)
			return i;
	return -1;
}

/*
 * The term named name of the model's type named type, with the type in
 * *t: -1 (and *t NULL when there is no such type) if either is missing.
 */
int
rbac_model_term(RbacModel *m, const char *type, const char *name, MType **t)
{
	*t = rbac_model_type(m, type);
	return *t ? rbac_type_term(*t, name) : -1;
}

/* The source text of a last-mile rule, as written in the policy. */
char *
rbac_policy_rule_text(RbacModel *m, RbacRule *rule)
{
	if (m->source == NULL || rule->end_offset <= rule->start_offset)
		return pstrdup("");
	return pnstrdup(m->source + rule->start_offset,
					rule->end_offset - rule->start_offset);
}

/* Index of a global role by name, or -1. */
int
rbac_model_global(RbacModel *m, const char *name)
{
	int			i;

	for (i = 0; i < m->nglobals; i++)
		if (strcmp(m->globals[i], name) == 0)
			return i;
	return -1;
}

/* Resolve the shorthand and last-mile rules of the parsed policy. */
static void
resolve_rules(RbacModel *m)
{
	RbacPolicy *p = m->parsed->policy;
	int			i,
				j;

	for (i = 0; i < m->ntypes; i++)
	{
		MType	   *t = &m->types[i];

		t->rules = palloc0(sizeof(MRule) * (t->ast->nrules + 1));
		t->via_used = palloc0(sizeof(bool) * (t->nterms + 1));
		for (j = 0; j < t->ast->nrules; j++)
		{
			RbacShorthand *s = &t->ast->rules[j];
			MRule	   *r = &t->rules[t->nrules];
			MType	   *bt = t;

			r->head = rbac_type_term(t, s->head);
			r->body_kind = s->body_kind;
			r->via = s->via ? rbac_type_term(t, s->via) : -1;
			r->ord = j;
			if (r->via >= 0)
			{
				bt = rbac_model_type(m, t->ast->terms[r->via].target);
				if (bt == NULL)
					continue;
				t->via_used[r->via] = true;
			}
			if (s->body_kind == RBAC_BODY_GLOBAL)
				r->body = rbac_model_global(m, s->body);
			else
				r->body = rbac_type_term(bt, s->body);
			if (r->head < 0 || r->body < 0)
				continue;		/* cannot happen after validation */
			t->nrules++;
		}
	}
	for (i = 0; i < p->nrules; i++)
	{
		RbacRule   *rule = p->rules[i];
		MType	   *t = rbac_model_type(m, rule->resource_type);
		int			term;

		if (t == NULL)
			continue;
		term = rbac_type_term(t, rule->name);
		if (term < 0)
			continue;
		if (t->lastmile == NULL)
			t->lastmile = palloc0(sizeof(MLastMile) * p->nrules);
		t->lastmile[t->nlastmile].rule = rule;
		t->lastmile[t->nlastmile].term = term;
		t->nlastmile++;
	}
}

/*
 * Is relation term of t bound (to a column, or through a join table whose
 * columns exist)?  An unbound relation never relates anything.
 */
bool
rbac_relation_bound(MType *t, int term)
{
	return t->bound && term >= 0 &&
		((t->rel_col[term] != NULL && t->rel_attnum[term] != InvalidAttrNumber) ||
		 t->rel_join[term] != NULL);
}

/*
 * Resolve the join table of a relation bound with the "through" form
 * ({"through": "schema.table", "from": col, "to": col}) and prepare the
 * plan that reads the related ids of one resource.  A table or column that
 * no longer exists leaves the relation unbound: it relates nothing until
 * the type is bound again.  The columns must still have safe types.
 */
static MRelJoin *
resolve_join(RbacModel *m, MType *t, int term, const char *through,
			 const char *from, const char *to)
{
	RangeVar   *rv;
	Oid			relid;
	MRelJoin   *j;
	char	   *sql;
	char		relkind;

	rv = makeRangeVarFromNameList(stringToQualifiedNameList(through));
	relid = RangeVarGetRelid(rv, NoLock, true);
	relkind = OidIsValid(relid) ? get_rel_relkind(relid) : '\0';
	if ((relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE) ||
		get_attnum(relid, from) == InvalidAttrNumber ||
		get_attnum(relid, to) == InvalidAttrNumber)
	{
		m->join_missing = true;
		return NULL;
	}
	rbac_require_plannable(m, relid,
						   psprintf("join table of relation \"%s\" of type \"%s\"",
									t->ast->terms[term].name, t->name));
	j = MemoryContextAllocZero(m->cxt, sizeof(MRelJoin));
	j->relid = relid;
	j->qualname = MemoryContextStrdup(m->cxt, rbac_qualified_name(relid));
	j->from_col = MemoryContextStrdup(m->cxt, from);
	j->to_col = MemoryContextStrdup(m->cxt, to);
	j->from_type = rbac_require_safe_column(relid, from, "relation");
	j->to_type = rbac_require_safe_column(relid, to, "relation");
	j->target = rbac_model_type(m, t->ast->terms[term].target);
	sql = psprintf("SELECT DISTINCT j.%s::pg_catalog.text FROM %s j "
				   "WHERE j.%s OPERATOR(pg_catalog.=) $1 AND j.%s IS NOT NULL",
				   quote_identifier(to), j->qualname, quote_identifier(from),
				   quote_identifier(to));
	j->plan = SPI_prepare_cursor(sql, 1, &j->from_type, CURSOR_OPT_GENERIC_PLAN);
	if (j->plan == NULL)
		elog(ERROR, "could not prepare the join-table lookup of %s: %s",
			 j->qualname, SPI_result_code_string(SPI_result));
	SPI_keepplan(j->plan);
	MemoryContextSwitchTo(m->cxt);
	return j;
}

/*
 * Attach bindings: table, key column and type, relation columns, and the
 * saved plan that fetches a row's relation columns by key.
 */
static void
load_bindings(RbacModel *m)
{
	uint64		i;
	uint64		nrows;
	int			ret;
	SPITupleTable *tt;

	ret = SPI_execute("SELECT b.type, b.tbl::pg_catalog.oid, b.key_column::pg_catalog.text, "
					  "r.key, CASE WHEN pg_catalog.jsonb_typeof(r.value) OPERATOR(pg_catalog.=) 'string' "
					  "THEN r.value OPERATOR(pg_catalog.#>>) '{}' END, "
					  "r.value OPERATOR(pg_catalog.->>) 'through', "
					  "r.value OPERATOR(pg_catalog.->>) 'from', "
					  "r.value OPERATOR(pg_catalog.->>) 'to' "
					  "FROM rbac.binding b "
					  "LEFT JOIN LATERAL pg_catalog.jsonb_each(b.relations) r ON true "
					  "ORDER BY b.type, r.key", true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not read rbac.binding: SPI error %d", ret);
	/* SPI calls leave SPI's procedure context current: the model's again */
	MemoryContextSwitchTo(m->cxt);
	tt = SPI_tuptable;
	nrows = SPI_processed;
	for (i = 0; i < nrows; i++)
	{
		HeapTuple	tup = tt->vals[i];
		char	   *tname = SPI_getvalue(tup, tt->tupdesc, 1);
		MType	   *t = rbac_model_type(m, tname);
		char	   *relname = SPI_getvalue(tup, tt->tupdesc, 4);
		char	   *col = SPI_getvalue(tup, tt->tupdesc, 5);
		bool		isnull;

		if (t == NULL)
			continue;
		if (!t->bound)
		{
			AttrNumber	att;
			Oid			relid = DatumGetObjectId(SPI_getbinval(tup, tt->tupdesc, 2, &isnull));

			/* a binding whose table is gone (dropped): treat as unbound */
			if (get_rel_name(relid) == NULL)
				continue;
			rbac_require_bound_relkind(relid, tname);
			rbac_require_plannable(m, relid,
								   psprintf("table bound to type \"%s\"", tname));

			t->bound = true;
			t->relid = DatumGetObjectId(SPI_getbinval(tup, tt->tupdesc, 2, &isnull));
			t->key_col = MemoryContextStrdup(m->cxt, SPI_getvalue(tup, tt->tupdesc, 3));
			t->qualname = MemoryContextStrdup(m->cxt,
											  rbac_qualified_name(t->relid));
			att = get_attnum(t->relid, t->key_col);
			t->key_type = att == InvalidAttrNumber ? TEXTOID :
				rbac_require_safe_column(t->relid, t->key_col, "key");
			{
				Oid			outfunc;
				bool		varlena;

				getTypeOutputInfo(t->key_type, &outfunc, &varlena);
				fmgr_info_cxt(outfunc, &t->key_out, m->cxt);
			}
			t->rel_col = palloc0(sizeof(char *) * (t->nterms + 1));
			t->rel_pos = palloc0(sizeof(int) * (t->nterms + 1));
			t->rel_join = palloc0(sizeof(MRelJoin *) * (t->nterms + 1));
		}
		if (relname != NULL)
		{
			int			term = rbac_type_term(t, relname);
			char	   *through = SPI_getvalue(tup, tt->tupdesc, 6);
			char	   *from = SPI_getvalue(tup, tt->tupdesc, 7);
			char	   *to = SPI_getvalue(tup, tt->tupdesc, 8);

			if (term < 0 || t->ast->terms[term].kind != RBAC_TERM_RELATION)
				continue;
			if (col != NULL)
				t->rel_col[term] = MemoryContextStrdup(m->cxt, col);
			else if (through != NULL && from != NULL && to != NULL)
				t->rel_join[term] = resolve_join(m, t, term, through, from, to);
		}
	}

	/* one saved plan per bound type */
	for (i = 0; i < (uint64) m->ntypes; i++)
	{
		MType	   *t = &m->types[i];
		StringInfoData sql;
		int			j;

		if (!t->bound)
			continue;
		initStringInfo(&sql);
		appendStringInfoString(&sql, "SELECT true");
		for (j = 0; j < t->nterms; j++)
		{
			t->rel_pos[j] = -1;
			if (t->rel_col[j] == NULL)
				continue;
			appendStringInfo(&sql, ", %s::pg_catalog.text",
							 quote_identifier(t->rel_col[j]));
			t->rel_pos[j] = 2 + t->nrelcols++;
		}
		appendStringInfo(&sql, " FROM %s WHERE %s OPERATOR(pg_catalog.=) $1",
						 t->qualname, quote_identifier(t->key_col));
		t->row_plan = SPI_prepare_cursor(sql.data, 1, &t->key_type, CURSOR_OPT_GENERIC_PLAN);
		if (t->row_plan == NULL)
			elog(ERROR, "could not prepare the row lookup for type \"%s\": %s",
				 t->name, SPI_result_code_string(SPI_result));
		SPI_keepplan(t->row_plan);
		MemoryContextSwitchTo(m->cxt);
		pfree(sql.data);
		find_key_index(m, t);
	}
}

/*
 * Find a plain btree index on the key column alone (the primary key, as a
 * rule) so rows can be fetched by a direct index probe, and the output
 * functions of the relation columns.
 */
static void
find_key_index(RbacModel *m, MType *t)
{
	Relation	rel = table_open(t->relid, AccessShareLock);
	AttrNumber	keyatt = get_attnum(t->relid, t->key_col);
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	int			term;

	t->rel_attnum = MemoryContextAllocZero(m->cxt, sizeof(AttrNumber) * (t->nterms + 1));
	t->rel_out = MemoryContextAllocZero(m->cxt, sizeof(FmgrInfo) * (t->nterms + 1));
	for (term = 0; term < t->nterms; term++)
	{
		Oid			outfunc;
		bool		varlena;

		if (t->rel_col[term] == NULL)
			continue;
		t->rel_attnum[term] = get_attnum(t->relid, t->rel_col[term]);
		if (t->rel_attnum[term] == InvalidAttrNumber)
			continue;
		getTypeOutputInfo(rbac_require_safe_column(t->relid, t->rel_col[term], "relation"),
						  &outfunc, &varlena);
		fmgr_info_cxt(outfunc, &t->rel_out[term], m->cxt);
	}

	foreach(lc, indexes)
	{
		Relation	idx = index_open(lfirst_oid(lc), AccessShareLock);
		Form_pg_index form = idx->rd_index;
		bool		ok;

		/* a partitioned table's index cannot be probed: rows by SQL then */
		ok = idx->rd_rel->relkind == RELKIND_INDEX &&
			idx->rd_rel->relam == BTREE_AM_OID && form->indisvalid &&
			IndexRelationGetNumberOfKeyAttributes(idx) == 1 &&
			form->indkey.values[0] == keyatt &&
			heap_attisnull(idx->rd_indextuple, Anum_pg_index_indpred, NULL) &&
			heap_attisnull(idx->rd_indextuple, Anum_pg_index_indexprs, NULL);
		if (ok)
		{
			Oid			opno = get_opfamily_member(idx->rd_opfamily[0], t->key_type,
												   t->key_type, BTEqualStrategyNumber);

			if (OidIsValid(opno))
			{
				t->key_index = RelationGetRelid(idx);
				t->key_eqproc = get_opcode(opno);
				t->key_collation = idx->rd_indcollation[0];
			}
		}
		index_close(idx, AccessShareLock);
		if (OidIsValid(t->key_index))
			break;
	}
	list_free(indexes);
	table_close(rel, AccessShareLock);
}

/* Free the saved plans and memory of a model that is no longer used. */
static void
free_model(RbacModel *m)
{
	int			i;

	for (i = 0; i < m->ntypes; i++)
	{
		MType	   *t = &m->types[i];
		int			j;

		if (t->row_plan)
			SPI_freeplan(t->row_plan);
		for (j = 0; t->bound && j < t->nterms; j++)
			if (t->rel_join[j] != NULL)
				SPI_freeplan(t->rel_join[j]->plan);
		for (j = 0; j < t->nlastmile; j++)
			if (t->lastmile[j].plan)
				SPI_freeplan(t->lastmile[j].plan);
	}
	MemoryContextDelete(m->cxt);
}

/* Models replaced during the transaction, freed at its end. */
static void
free_retired(XactEvent event, void *arg)
{
	ListCell   *lc;
	MemoryContext old;

	if (retired == NIL ||
		(event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT &&
		 event != XACT_EVENT_PARALLEL_COMMIT && event != XACT_EVENT_PARALLEL_ABORT &&
		 event != XACT_EVENT_PREPARE))
		return;
	foreach(lc, retired)
		free_model((RbacModel *) lfirst(lc));
	old = MemoryContextSwitchTo(TopMemoryContext);
	list_free(retired);
	retired = NIL;
	MemoryContextSwitchTo(old);
}

/* Build the model from the catalogs.  Caller has connected SPI. */
static RbacModel *
build_model(void)
{
	MemoryContext cxt = AllocSetContextCreate(TopMemoryContext, "pg_rbac model",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	RbacModel  *m = palloc0(sizeof(RbacModel));
	Oid			nsp = get_namespace_oid("rbac", false);
	char	   *src;
	int			i;

	m->cxt = cxt;
	m->generation = ++model_builds;
	rbac_lookup_init(&m->cat);
	policy_relid = get_relname_relid("policy", nsp);
	binding_relid = get_relname_relid("binding", nsp);

	src = rbac_loaded_policy_source();
	MemoryContextSwitchTo(cxt);
	if (src != NULL)
	{
		RbacPolicy *p;

		src = MemoryContextStrdup(cxt, src);
		m->source = src;
		m->parsed = rbac_parse_policy_text(src, strlen(src), false, cxt);
		rbac_oso_compat(&m->parsed->diags);	/* skipped rules: see load */
		if (m->parsed->diags.nerrors > 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("the stored policy does not validate"),
					 errhint("Load a valid policy with rbac.load_policy().")));
		p = m->parsed->policy;
		m->ntypes = p->ntypes;
		m->types = palloc0(sizeof(MType) * (p->ntypes + 1));
		for (i = 0; i < p->ntypes; i++)
		{
			MType	   *t = &m->types[i];

			t->name = p->types[i]->name;
			t->index = i;
			t->is_actor = p->types[i]->is_actor;
			t->ast = p->types[i];
			t->nterms = p->types[i]->nterms;
		}
		m->nglobals = p->nglobals;
		m->globals = palloc0(sizeof(char *) * (p->nglobals + 1));
		for (i = 0; i < p->nglobals; i++)
			m->globals[i] = p->globals[i].name;
		resolve_rules(m);
		for (i = 0; i < m->ntypes; i++)
		{
			int			j;

			for (j = 0; j < m->types[i].nrules; j++)
				if (m->types[i].rules[j].body_kind == RBAC_BODY_GLOBAL)
					m->any_global_rules = true;
		}
		load_bindings(m);
	}
	MemoryContextSwitchTo(old);
	return m;
}

/*
 * The current model, rebuilt if a catalog changed since it was built.
 * Builds run as the internal user so bound tables are read in full.
 */
RbacModel *
rbac_get_model(void)
{
	RbacRunAs	run_as;
	RbacModel  *m;

	if (cached_model != NULL && !model_stale)
		return cached_model;

	rbac_as_superuser_begin(&run_as);
	SPI_connect();
	PG_TRY();
	{
		/* mark fresh first: an invalidation during the build re-marks it */
		model_stale = false;
		m = build_model();
	}
	PG_CATCH();
	{
		model_stale = true;
		PG_RE_THROW();
	}
	PG_END_TRY();
	SPI_finish();
	rbac_run_as_end(&run_as);

	/*
	 * The model replaced may still be in use: an evaluation runs SQL (a
	 * last-mile rule's body calling rbac._holds) that gets here again, and
	 * an invalidation accepted meanwhile (autovacuum's statistics of a bound
	 * table are one) rebuilds the model under it.  It is freed at the end of
	 * the transaction, when no evaluation can hold it.
	 */
	if (cached_model != NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		retired = lappend(retired, cached_model);
		MemoryContextSwitchTo(old);
		if (!retire_callback)
		{
			RegisterXactCallback(free_retired, NULL);
			retire_callback = true;
		}
	}
	cached_model = m;
	return m;
}

/*
 * "alias.col" for a column of the table bound to t, cast to its base type
 * when it is a domain (so it matches the key sets, typed by base types).
 */
char *
rbac_column_sql(MType *t, const char *alias, const char *col)
{
	Oid			typid = get_atttype(t->relid, get_attnum(t->relid, col));
	Oid			base = rbac_require_safe_column(t->relid, col, "relation");

	if (typid == base)
		return psprintf("%s.%s", alias, quote_identifier(col));
	return psprintf("%s.%s::%s", alias, quote_identifier(col), format_type_be_qualified(base));
}

/*
 * The SQL name of the type a column of the table bound to t is read as
 * (its safe base type; for casts in generated SQL).
 */
char *
rbac_column_type_sql(MType *t, const char *col)
{
	return format_type_be(rbac_require_safe_column(t->relid, col, "relation"));
}
