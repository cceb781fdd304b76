/*-------------------------------------------------------------------------
 *
 * bind.c
 *	  Bindings of actor and resource types to tables (rbac.bind,
 *	  rbac.unbind) and the triggers that keep role data in step with the
 *	  rows of bound tables.
 *
 * bind records the key column and one column per relation of the type
 * (given, or inferred from a single-column foreign key to the table bound
 * to the relation's target type), or a join table for a many-to-many
 * relation ({"through": table, "from": column, "to": column}), in
 * rbac.binding, and installs two
 * statement-level triggers on the table: AFTER DELETE (with the deleted
 * rows as transition table rbac_old) and AFTER TRUNCATE.  They delete the
 * role data of the deleted ids of every type bound to the table: the
 * assignments held on them and by them, the custom roles of a tenant, and
 * memberships as member and as group, so that a reused id never inherits
 * old grants.  One trigger pair per table serves every type bound to it.
 *
 *-------------------------------------------------------------------------
 */
#include "admin.h"
#include "audit.h"
#include "policy_api.h"
#include "rls.h"
#include "roledata.h"
#include "util.h"

#include "access/genam.h"
#include "access/table.h"
#include "catalog/partition.h"
#include "catalog/namespace.h"
#include "catalog/pg_inherits.h"
#include "commands/event_trigger.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"

PG_FUNCTION_INFO_V1(rbac_bind);
PG_FUNCTION_INFO_V1(rbac_unbind);
PG_FUNCTION_INFO_V1(rbac_bound_delete);
PG_FUNCTION_INFO_V1(rbac_bound_truncate);
PG_FUNCTION_INFO_V1(rbac_sql_drop);
PG_FUNCTION_INFO_V1(rbac_partitions_ddl);

#define DELETE_TRIGGER	 "rbac_bound_delete"
#define TRUNCATE_TRIGGER "rbac_bound_truncate"

/* Columns (names) of a table, in order, for did-you-mean hints. */
static char **
table_columns(Oid relid, int *n)
{
	Relation	rel = table_open(relid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	char	  **names = palloc0(sizeof(char *) * (desc->natts + 1));
	int			i;

	*n = 0;
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped)
			names[(*n)++] = pstrdup(NameStr(att->attname));
	}
	table_close(rel, AccessShareLock);
	return names;
}

/* 42703 for a column that tbl lacks, with the closest existing column. */
static void
undefined_column(Oid relid, const char *column, const char *role)
{
	int			n;
	char	  **cols = table_columns(relid, &n);
	const char *closest = rbac_closest(column, (const char *const *) cols, n);

	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("column \"%s\" of relation %s does not exist", column,
					rbac_qualified_name(relid)),
			 errdetail("It was given as the %s.", role),
			 closest ? errhint("Did you mean \"%s\"?", closest) : 0));
}

/* Attribute number of a user column, or an error naming its role. */
static AttrNumber
column_attnum(Oid relid, const char *column, const char *role)
{
	AttrNumber	attnum = get_attnum(relid, column);

	if (attnum <= 0)
		undefined_column(relid, column, role);
	return attnum;
}

/*
 * The single-column primary key of a table, or an error saying why there
 * is none to default to.
 */
static char *
primary_key_column(Oid relid, const char *type)
{
	Relation	rel = table_open(relid, AccessShareLock);
	Oid			pk = RelationGetPrimaryKeyIndex(rel);
	Relation	idx;
	int			nkeys;
	AttrNumber	attnum;

	table_close(rel, AccessShareLock);
	if (!OidIsValid(pk))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_COLUMN_REFERENCE),
				 errmsg("table %s has no primary key", rbac_qualified_name(relid)),
				 errhint("Name the key column: rbac.bind('%s', '%s', key => 'column').",
						 type, rbac_qualified_name(relid))));
	idx = index_open(pk, AccessShareLock);
	nkeys = idx->rd_index->indnkeyatts;
	attnum = idx->rd_index->indkey.values[0];
	index_close(idx, AccessShareLock);
	if (nkeys != 1 || attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_COLUMN_REFERENCE),
				 errmsg("primary key of table %s is not a single column", rbac_qualified_name(relid)),
				 errdetail("A type's key must be one column: its values are the ids of references."),
				 errhint("Name the key column: rbac.bind('%s', '%s', key => 'column').",
						 type, rbac_qualified_name(relid))));
	return get_attname(relid, attnum, false);
}

/* A relation of the type being bound. */
typedef struct BindRelation
{
	char	   *name;
	char	   *target;
	char	   *column;			/* chosen column, or NULL */
	char	   *through;		/* or a join table (quoted schema.table) */
	char	   *from;			/* and its columns */
	char	   *to;
} BindRelation;

/* The relations the policy declares for type, sorted by name. */
static BindRelation *
type_relations(const char *type, int *n)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	BindRelation *rels;
	uint64		i;

	values[0] = CStringGetTextDatum(type);
	rbac_spi_execute("SELECT name, target FROM rbac.policy_term "
			 "WHERE type = $1 AND kind = 'relation' ORDER BY name COLLATE \"C\"",
			 1, argtypes, values, NULL, true, SPI_OK_SELECT);
	rels = palloc0(sizeof(BindRelation) * (SPI_processed + 1));
	for (i = 0; i < SPI_processed; i++)
	{
		rels[i].name = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		rels[i].target = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);
	}
	*n = (int) SPI_processed;
	return rels;
}

/*
 * A relation given as {"through": table, "from": column, "to": column}:
 * the join table, resolved in the bound table's schema when not
 * qualified (bind runs with a fixed search_path), must be a table the
 * caller may read and, for an administrator, owns, like the bound table;
 * its two columns must exist, differ and have types the engine may read.
 */
static void
given_join(BindRelation *r, Oid relid, const char *through, const char *from,
		   const char *to)
{
	List	   *names = stringToQualifiedNameList(through);
	RangeVar   *rv = makeRangeVarFromNameList(names);
	Oid			jrelid;
	char		relkind;
	AclResult	acl;

	if (rv->schemaname == NULL)
		rv->schemaname = get_namespace_name(get_rel_namespace(relid));
	jrelid = RangeVarGetRelid(rv, AccessShareLock, false);
	relkind = get_rel_relkind(jrelid);
	if (get_rel_persistence(jrelid) == RELPERSISTENCE_TEMP)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the join table of relation \"%s\" cannot be a temporary table", r->name),
				 errdetail("Other sessions do not see it.")));
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table", through),
				 errdetail("The join table of relation \"%s\" must be a table or a partitioned table.",
						   r->name)));
	if (!rbac_rd_has_privilege("binding", ACL_INSERT))
		rbac_require_table_admin(jrelid, "bind");
	acl = pg_class_aclcheck(jrelid, GetUserId(), ACL_SELECT);
	if (acl != ACLCHECK_OK)
		aclcheck_error(acl, get_relkind_objtype(relkind), get_rel_name(jrelid));
	column_attnum(jrelid, from, psprintf("from column of relation \"%s\"", r->name));
	column_attnum(jrelid, to, psprintf("to column of relation \"%s\"", r->name));
	if (strcmp(from, to) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the from and to columns of relation \"%s\" are the same column \"%s\"",
						r->name, from)));
	(void) rbac_require_safe_column(jrelid, from, "relation");
	(void) rbac_require_safe_column(jrelid, to, "relation");
	rbac_require_plannable(NULL, jrelid,
						   psprintf("join table of relation \"%s\"", r->name));
	r->through = rbac_qualified_name(jrelid);
	r->from = pstrdup(from);
	r->to = pstrdup(to);
}

/*
 * Apply the relations argument: every key must be a relation of the type,
 * and its value the name of a column of tbl or a join table
 * ({"through": table, "from": column, "to": column}).
 */
static void
given_relations(Jsonb *relations, const char *type, Oid relid,
				BindRelation *rels, int nrels)
{
	Oid			argtypes[1] = {JSONBOID};
	Datum		values[1];
	uint64		i;
	uint64		n;
	int			j;
	SPITupleTable *tt;

	values[0] = JsonbPGetDatum(relations);
	if (!JB_ROOT_IS_OBJECT(relations) || JB_ROOT_IS_SCALAR(relations))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relations must be a JSON object"),
				 errdetail("It maps relation names to column names, for example '{\"parent\": \"org_id\"}', "
						   "or to join tables, for example '{\"teams\": {\"through\": \"repo_teams\", \"from\": \"repo_id\", \"to\": \"team_id\"}}'.")));
	rbac_spi_execute("SELECT key, pg_catalog.jsonb_typeof(value), value OPERATOR(pg_catalog.#>>) '{}', "
			 "  (SELECT pg_catalog.string_agg('\"' OPERATOR(pg_catalog.||) k OPERATOR(pg_catalog.||) '\"', ', ' ORDER BY k COLLATE \"C\") "
			 "   FROM pg_catalog.jsonb_object_keys(o) k "
			 "   WHERE k OPERATOR(pg_catalog.<>) ALL ('{through,from,to}'::pg_catalog.text[])), "
			 "  (SELECT pg_catalog.bool_and(COALESCE(pg_catalog.jsonb_typeof(o OPERATOR(pg_catalog.->) k), 'missing') "
			 "     OPERATOR(pg_catalog.=) 'string') FROM pg_catalog.unnest('{through,from,to}'::pg_catalog.text[]) k), "
			 "  o OPERATOR(pg_catalog.->>) 'through', o OPERATOR(pg_catalog.->>) 'from', "
			 "  o OPERATOR(pg_catalog.->>) 'to' "
			 "FROM pg_catalog.jsonb_each($1), "
			 "  LATERAL (SELECT CASE WHEN pg_catalog.jsonb_typeof(value) OPERATOR(pg_catalog.=) 'object' "
			 "           THEN value ELSE '{}'::pg_catalog.jsonb END) x(o) "
			 "ORDER BY key COLLATE \"C\"",
			 1, argtypes, values, NULL, true, SPI_OK_SELECT);
	tt = SPI_tuptable;
	n = SPI_processed;
	for (i = 0; i < n; i++)
	{
		HeapTuple	tup = tt->vals[i];
		TupleDesc	desc = tt->tupdesc;
		char	   *key = SPI_getvalue(tup, desc, 1);
		char	   *jtype = SPI_getvalue(tup, desc, 2);
		char	   *column = SPI_getvalue(tup, desc, 3);
		BindRelation *found = NULL;

		for (j = 0; j < nrels; j++)
			if (strcmp(rels[j].name, key) == 0)
				found = &rels[j];
		if (found == NULL)
		{
			char	  **names = palloc0(sizeof(char *) * (nrels + 1));
			const char *closest;

			for (j = 0; j < nrels; j++)
				names[j] = rels[j].name;
			closest = rbac_closest(key, (const char *const *) names, nrels);
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("relation \"%s\" is not declared for %s", key, type),
					 nrels == 0 ? errhint("%s declares no relations.", type)
					 : closest ? errhint("Did you mean \"%s\"?", closest) : 0));
		}
		if (strcmp(jtype, "object") == 0)
		{
			char	   *unknown = SPI_getvalue(tup, desc, 4);
			char	   *strings = SPI_getvalue(tup, desc, 5);

			if (unknown != NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("unknown key %s in the join table of relation \"%s\"", unknown, key),
						 errdetail("A relation through a join table is given as {\"through\": table, \"from\": column, \"to\": column}.")));
			if (strings == NULL || strcmp(strings, "t") != 0 ||
				SPI_getvalue(tup, desc, 6) == NULL || SPI_getvalue(tup, desc, 7) == NULL ||
				SPI_getvalue(tup, desc, 8) == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("through, from and to of relation \"%s\" must all be given, as JSON strings", key),
						 errdetail("A relation through a join table is given as {\"through\": table, \"from\": column, \"to\": column}.")));
			given_join(found, relid, SPI_getvalue(tup, desc, 6), SPI_getvalue(tup, desc, 7),
					   SPI_getvalue(tup, desc, 8));
			continue;
		}
		if (strcmp(jtype, "string") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("column of relation \"%s\" must be a JSON string, not %s", key, jtype),
					 errhint("Name a column, or a join table as {\"through\": table, \"from\": column, \"to\": column}.")));
		column_attnum(relid, column, psprintf("column of relation \"%s\"", key));
		found->column = column;
	}
}

/* Comma-separated list of the rows of the last SPI result, column 1. */
static char *
spi_column_list(void)
{
	StringInfoData buf;
	uint64		i;

	initStringInfo(&buf);
	for (i = 0; i < SPI_processed; i++)
		appendStringInfo(&buf, "%s%s", i ? ", " : "",
						 SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1));
	return buf.data;
}

/*
 * The column a has_relation rule of the loaded policy names for relation
 * rel of type (has_relation(repo: Repo, "parent", org: Org) if
 * repo.org_id = org.id; skipped by oso_compat, kept as a hint), or NULL.
 * Only rules whose object has the relation's target type (or no type)
 * count, and only when they agree on one column: a rule about another
 * target or a second rule naming another column must not pick a column
 * the policy's author did not mean.
 */
static const char *
relation_hint_column(const char *type, const char *rel, const char *target)
{
	RbacModel  *m = rbac_get_model();
	RbacPolicy *p = m->parsed ? m->parsed->policy : NULL;
	const char *found = NULL;
	int			i;

	for (i = 0; p != NULL && i < p->nrelhints; i++)
	{
		RbacRelationHint *h = &p->relhints[i];

		if (h->field == NULL || strcmp(h->type, type) != 0 ||
			strcmp(h->relation, rel) != 0 ||
			(h->target != NULL && strcmp(h->target, target) != 0))
			continue;
		if (found != NULL && strcmp(found, h->field) != 0)
			return NULL;
		found = h->field;
	}
	return found;
}

/*
 * Infer the column of a relation from the foreign keys of tbl: the single
 * single-column foreign key that references the key column of the table
 * bound to the relation's target type (tbl itself for a self-relation).
 * No foreign key: the column a has_relation rule of the policy names, if
 * tbl has it.  Otherwise (or several keys): an error naming the candidates.
 */
static void
infer_relation(const char *type, Oid relid, const char *key, BindRelation *r)
{
	Oid			target_rel;
	char	   *target_key;
	AttrNumber	target_attnum;
	Oid			argtypes[3] = {OIDOID, OIDOID, INT2OID};
	Datum		values[3];
	char	   *hint = psprintf("Name the column: relations => '{\"%s\": \"column\"}'.", r->name);

	if (strcmp(r->target, type) == 0)
	{
		target_rel = relid;
		target_key = pstrdup(key);
	}
	else
	{
		Oid			t[1] = {TEXTOID};
		Datum		v[1];
		bool		isnull;

		v[0] = CStringGetTextDatum(r->target);
		rbac_spi_execute("SELECT tbl::pg_catalog.oid, key_column::pg_catalog.text FROM rbac.binding WHERE type = $1",
				 1, t, v, NULL, true, SPI_OK_SELECT);
		if (SPI_processed == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_COLUMN_REFERENCE),
					 errmsg("cannot infer the column of relation \"%s\" of %s", r->name, type),
					 errdetail("%s, the target type of the relation, is not bound to a table.",
							   r->target),
					 errhint("Bind %s first, or name the column: relations => '{\"%s\": \"column\"}'.",
							 r->target, r->name)));
		target_rel = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0],
													SPI_tuptable->tupdesc, 1, &isnull));
		target_key = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	}
	target_attnum = get_attnum(target_rel, target_key);

	values[0] = ObjectIdGetDatum(relid);
	values[1] = ObjectIdGetDatum(target_rel);
	values[2] = Int16GetDatum(target_attnum);
	rbac_spi_execute("SELECT DISTINCT a.attname::pg_catalog.text, a.attnum "
			 "FROM pg_catalog.pg_constraint c "
			 "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
			 "WHERE c.conrelid = $1 AND c.contype = 'f' AND c.confrelid = $2 "
			 "  AND pg_catalog.cardinality(c.conkey) = 1 AND c.confkey[1] = $3 "
			 "ORDER BY a.attnum",
			 3, argtypes, values, NULL, true, SPI_OK_SELECT);
	if (SPI_processed == 1)
	{
		r->column = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		return;
	}
	if (SPI_processed > 1)
		ereport(ERROR,
				(errcode(ERRCODE_AMBIGUOUS_COLUMN),
				 errmsg("relation \"%s\" of %s is ambiguous", r->name, type),
				 errdetail("Foreign keys on columns %s of %s reference %s(%s), the table bound to %s.",
						   spi_column_list(), rbac_qualified_name(relid),
						   rbac_qualified_name(target_rel), quote_identifier(target_key), r->target),
				 errhint("%s", hint)));

	/* No foreign key: the column the policy's has_relation rule names */
	{
		const char *col = relation_hint_column(type, r->name, r->target);

		if (col != NULL && get_attnum(relid, col) != InvalidAttrNumber)
		{
			r->column = pstrdup(col);
			return;
		}
		if (col != NULL)
			hint = psprintf("The policy's has_relation rule for \"%s\" names column \"%s\", which %s lacks. %s",
							r->name, col, rbac_qualified_name(relid), hint);
	}
	/* No foreign key: offer the columns of the target key's type. */
	{
		Oid			t[3] = {OIDOID, OIDOID, INT2OID};
		Datum		v[3];

		v[0] = ObjectIdGetDatum(relid);
		v[1] = ObjectIdGetDatum(get_atttype(target_rel, target_attnum));
		v[2] = Int16GetDatum(get_attnum(relid, key));
		rbac_spi_execute("SELECT attname::pg_catalog.text FROM pg_catalog.pg_attribute "
				 "WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped "
				 "  AND atttypid = $2 AND attnum <> $3 ORDER BY attnum",
				 3, t, v, NULL, true, SPI_OK_SELECT);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_COLUMN_REFERENCE),
				 errmsg("cannot infer the column of relation \"%s\" of %s", r->name, type),
				 SPI_processed > 0
				 ? errdetail("No single-column foreign key of %s references %s(%s), the table bound to %s. Candidate columns of the same type: %s.",
							 rbac_qualified_name(relid), rbac_qualified_name(target_rel),
							 quote_identifier(target_key), r->target, spi_column_list())
				 : errdetail("No single-column foreign key of %s references %s(%s), the table bound to %s, and no column has the type of its key.",
							 rbac_qualified_name(relid), rbac_qualified_name(target_rel),
							 quote_identifier(target_key), r->target),
				 errhint("%s", hint)));
	}
}

/* Does any binding use table relid (other than for type except)? */
static bool
table_still_bound(Oid relid, const char *except)
{
	Oid			argtypes[2] = {OIDOID, TEXTOID};
	Datum		values[2];

	values[0] = ObjectIdGetDatum(relid);
	values[1] = CStringGetTextDatum(except);
	rbac_spi_execute("SELECT 1 FROM rbac.binding WHERE tbl::pg_catalog.oid = $1 AND type <> $2",
			 2, argtypes, values, NULL, true, SPI_OK_SELECT);
	return SPI_processed > 0;
}

/*
 * Install (or replace) the delete and truncate triggers on one table.
 * Statement triggers fire only for the table a statement names, so every
 * partition of a partitioned table gets its own (rbac_partitions_ddl adds
 * them to partitions created or attached later).
 */
static void
create_triggers_on(Oid relid)
{
	char	   *tbl = rbac_qualified_name(relid);

	rbac_spi_ddl(psprintf("CREATE OR REPLACE TRIGGER " DELETE_TRIGGER
						  " AFTER DELETE ON %s REFERENCING OLD TABLE AS rbac_old"
						  " FOR EACH STATEMENT EXECUTE FUNCTION rbac._bound_delete()",
						  tbl));

	/*
	 * Truncating a partition removes only its rows: the trigger reads their
	 * ids BEFORE they go.  Anywhere else every id of the type goes.
	 */
	rbac_spi_ddl(psprintf("CREATE OR REPLACE TRIGGER " TRUNCATE_TRIGGER
						  " %s TRUNCATE ON %s"
						  " FOR EACH STATEMENT EXECUTE FUNCTION rbac._bound_truncate()",
						  get_rel_relispartition(relid) ? "BEFORE" : "AFTER",
						  tbl));
}

/*
 * The triggers on relid and all its partitions, as the extension owner
 * (the trigger functions are not executable by PUBLIC); the caller must
 * hold TRIGGER privilege on the table, as if it created them itself.
 */
static void
create_triggers(Oid relid)
{
	List	   *rels;
	ListCell   *lc;
	RbacRunAs	sw;

	if (pg_class_aclcheck(relid, GetUserId(), ACL_TRIGGER) != ACLCHECK_OK)
		aclcheck_error(ACLCHECK_NO_PRIV, get_relkind_objtype(get_rel_relkind(relid)),
					   get_rel_name(relid));
	rels = find_all_inheritors(relid, AccessShareLock, NULL);
	RBAC_AS_OWNER_BEGIN(sw);
	{
		foreach(lc, rels)
			create_triggers_on(lfirst_oid(lc));
	}
	RBAC_AS_OWNER_END(sw);
}

/* Drop the triggers from relid and its partitions, if the table still exists. */
static void
drop_triggers(Oid relid)
{
	List	   *rels;
	ListCell   *lc;
	RbacRunAs	sw;

	if (get_rel_name(relid) == NULL)
		return;
	rels = find_all_inheritors(relid, AccessShareLock, NULL);
	RBAC_AS_OWNER_BEGIN(sw);
	{
		foreach(lc, rels)
		{
			char	   *tbl = rbac_qualified_name(lfirst_oid(lc));

			rbac_spi_ddl(psprintf("DROP TRIGGER IF EXISTS " DELETE_TRIGGER " ON %s", tbl));
			rbac_spi_ddl(psprintf("DROP TRIGGER IF EXISTS " TRUNCATE_TRIGGER " ON %s", tbl));
		}
	}
	RBAC_AS_OWNER_END(sw);
}

/* The table type is bound to (InvalidOid when not bound). */
static Oid
bound_table(const char *type)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	bool		isnull;

	values[0] = CStringGetTextDatum(type);
	rbac_spi_execute("SELECT tbl::pg_catalog.oid FROM rbac.binding WHERE type = $1",
			 1, argtypes, values, NULL, true, SPI_OK_SELECT);
	if (SPI_processed == 0)
		return InvalidOid;
	return DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
										  1, &isnull));
}

/* 42501 unless the caller holds mode on rbac.binding. */
static void
check_binding_privilege(AclMode mode, const char *operation)
{
	if (!rbac_rd_has_privilege("binding", mode))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for %s", operation),
				 errdetail("Database role \"%s\" has no %s privilege on rbac.binding.",
						   GetUserNameFromId(GetUserId(), false),
						   mode == ACL_INSERT ? "INSERT" : "DELETE")));
}

/*
 * Let whatever depends on bindings know (generated RLS, model caches), as
 * the extension owner (who may create the policies on any table).
 */
static void
bindings_changed(void)
{
	RbacRunAs	sw;

	CacheInvalidateRelcacheByRelid(rbac_catalog_relid("binding"));
	RBAC_AS_OWNER_BEGIN(sw);
	{
		rbac_policy_refresh(true);
	}
	RBAC_AS_OWNER_END(sw);
}

/*
 * rbac.bind(type, tbl, key DEFAULT NULL, relations DEFAULT NULL) -> void
 *
 * Link a declared type to its table; rebinding replaces.  Validation and
 * the triggers' DDL run as the caller (who needs TRIGGER privilege on the
 * table); the catalog write and the audit row as the extension owner.
 */
Datum
rbac_bind(PG_FUNCTION_ARGS)
{
	char	   *type;
	Oid			relid;
	char	   *key;
	Jsonb	   *relations = PG_ARGISNULL(3) ? NULL : PG_GETARG_JSONB_P(3);
	char		relkind;
	BindRelation *rels;
	int			nrels;
	int			i;
	Oid			old_relid;
	StringInfo	relsjson;
	RbacRunAs	sw;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("type and table must not be null")));
	type = text_to_cstring(PG_GETARG_TEXT_PP(0));
	relid = PG_GETARG_OID(1);
	key = PG_ARGISNULL(2) ? NULL : pstrdup(NameStr(*PG_GETARG_NAME(2)));

	/* DBA-granted INSERT on rbac.binding, or an administrator's own table */
	if (!rbac_rd_has_privilege("binding", ACL_INSERT))
		rbac_require_table_admin(relid, "bind");
	relkind = get_rel_relkind(relid);
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table", get_rel_name(relid) ? get_rel_name(relid) : "?"),
				 errdetail("Only tables and partitioned tables can be bound.")));

	SPI_connect();
	(void) rbac_ref_require_type(rbac_get_model(), type, RBAC_TYPE_ANY);

	if (key == NULL)
		key = primary_key_column(relid, type);
	else
		column_attnum(relid, key, "key");

	rels = type_relations(type, &nrels);
	if (relations)
		given_relations(relations, type, relid, rels, nrels);
	for (i = 0; i < nrels; i++)
		if (rels[i].column == NULL && rels[i].through == NULL)
			infer_relation(type, relid, key, &rels[i]);

	/* only types and tables the engine may read in its privileged context */
	rbac_require_plannable(NULL, relid, psprintf("table bound to type \"%s\"", type));
	(void) rbac_require_safe_column(relid, key, "key");
	for (i = 0; i < nrels; i++)
		if (rels[i].column != NULL)
			(void) rbac_require_safe_column(relid, rels[i].column, "relation");

	relsjson = rbac_json_begin();
	for (i = 0; i < nrels; i++)
	{
		StringInfo	join;

		if (rels[i].through == NULL)
		{
			rbac_json_string(relsjson, rels[i].name, rels[i].column);
			continue;
		}
		join = rbac_json_begin();
		rbac_json_string(join, "through", rels[i].through);
		rbac_json_string(join, "from", rels[i].from);
		rbac_json_string(join, "to", rels[i].to);
		rbac_json_raw(relsjson, rels[i].name, rbac_json_end(join));
	}
	rbac_json_end(relsjson);

	old_relid = bound_table(type);

	/* DDL as the caller: its privileges on the tables apply. */
	create_triggers(relid);
	if (OidIsValid(old_relid) && old_relid != relid && !table_still_bound(old_relid, type))
		drop_triggers(old_relid);

	RBAC_AS_OWNER_BEGIN(sw);
	{
		Oid			argtypes[4] = {TEXTOID, OIDOID, TEXTOID, TEXTOID};
		Datum		values[4];
		StringInfo	detail = rbac_json_begin();

		values[0] = CStringGetTextDatum(type);
		values[1] = ObjectIdGetDatum(relid);
		values[2] = CStringGetTextDatum(key);
		values[3] = CStringGetTextDatum(relsjson->data);
		rbac_spi_execute("INSERT INTO rbac.binding AS b (type, tbl, key_column, relations) "
				 "VALUES ($1, $2::pg_catalog.regclass, $3::pg_catalog.name, $4::pg_catalog.jsonb) "
				 "ON CONFLICT (type) DO UPDATE SET tbl = excluded.tbl, "
				 "key_column = excluded.key_column, relations = excluded.relations",
				 4, argtypes, values, NULL, false, SPI_OK_INSERT);

		rbac_json_string(detail, "type", type);
		rbac_json_string(detail, "table", rbac_qualified_name(relid));
		rbac_json_string(detail, "key", key);
		rbac_json_raw(detail, "relations", relsjson->data);
		if (OidIsValid(old_relid))
			rbac_json_raw(detail, "rebind", "true");
		rbac_audit(sw.caller, "bind", detail);
	}
	RBAC_AS_OWNER_END(sw);

	bindings_changed();
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * rbac.unbind(type) -> void: remove a binding, and the triggers from its
 * table when no other type is bound to it.  Role data is kept.
 */
Datum
rbac_unbind(PG_FUNCTION_ARGS)
{
	char	   *type;
	Oid			relid;
	RbacRunAs	sw;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("type must not be null")));
	type = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (!rbac_rd_has_privilege("binding", ACL_DELETE) && !rbac_is_admin())
		check_binding_privilege(ACL_DELETE, "unbind");

	SPI_connect();
	relid = bound_table(type);
	if (!OidIsValid(relid))
	{
		(void) rbac_ref_require_type(rbac_get_model(), type, RBAC_TYPE_ANY);
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("type \"%s\" is not bound", type)));
	}
	/* an administrator unbinds only the types of tables it owns */
	if (!rbac_rd_has_privilege("binding", ACL_DELETE) && get_rel_name(relid) != NULL)
		rbac_require_table_admin(relid, "unbind");
	if (!table_still_bound(relid, type))
		drop_triggers(relid);

	RBAC_AS_OWNER_BEGIN(sw);
	{
		Oid			argtypes[1] = {TEXTOID};
		Datum		values[1];
		StringInfo	detail = rbac_json_begin();

		values[0] = CStringGetTextDatum(type);
		rbac_spi_execute("DELETE FROM rbac.binding WHERE type = $1", 1, argtypes, values, NULL,
				 false, SPI_OK_DELETE);
		rbac_json_string(detail, "type", type);
		rbac_json_string(detail, "table", get_rel_name(relid) ? rbac_qualified_name(relid) : NULL);
		rbac_audit(sw.caller, "unbind", detail);
	}
	RBAC_AS_OWNER_END(sw);

	bindings_changed();
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * Delete the role data of ids of type (ids_sql: a query yielding the ids
 * as text, or NULL for every id of the type) and audit what went.  SPI is
 * connected and the owner is the current user.
 */
static void
delete_role_data(Oid caller, const char *type, Oid relid, const char *ids_sql,
				 const char *operation)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	StringInfoData sql;
	bool		isnull;
	int64		counts[4];
	int			i;

	initStringInfo(&sql);
	if (ids_sql)
		appendStringInfo(&sql,
						 "WITH ids AS MATERIALIZED (%s), "
						 "a AS (DELETE FROM rbac.assignment x WHERE x.resource_type = $1 "
						 "      AND x.resource_id IN (SELECT id FROM ids) RETURNING 1), "
						 "b AS (DELETE FROM rbac.assignment x WHERE x.actor_type = $1 "
						 "      AND x.actor_id IN (SELECT id FROM ids) RETURNING 1), "
						 "c AS (DELETE FROM rbac.custom_role x WHERE x.tenant_type = $1 "
						 "      AND x.tenant_id IN (SELECT id FROM ids) RETURNING 1), "
						 "m AS (DELETE FROM rbac.membership x WHERE x.member_type = $1 "
						 "      AND x.member_id IN (SELECT id FROM ids) RETURNING 1), "
						 "g AS (DELETE FROM rbac.membership x WHERE x.group_type = $1 "
						 "      AND x.group_id IN (SELECT id FROM ids) RETURNING 1) "
						 "SELECT (SELECT pg_catalog.count(*) FROM ids), "
						 "(SELECT pg_catalog.count(*) FROM a) + (SELECT pg_catalog.count(*) FROM b), "
						 "(SELECT pg_catalog.count(*) FROM c), "
						 "(SELECT pg_catalog.count(*) FROM m) + (SELECT pg_catalog.count(*) FROM g)",
						 ids_sql);
	else
		appendStringInfoString(&sql,
							   "WITH a AS (DELETE FROM rbac.assignment x WHERE x.resource_type = $1 RETURNING 1), "
							   "b AS (DELETE FROM rbac.assignment x WHERE x.actor_type = $1 RETURNING 1), "
							   "c AS (DELETE FROM rbac.custom_role x WHERE x.tenant_type = $1 RETURNING 1), "
							   "m AS (DELETE FROM rbac.membership x WHERE x.member_type = $1 RETURNING 1), "
							   "g AS (DELETE FROM rbac.membership x WHERE x.group_type = $1 RETURNING 1) "
							   "SELECT NULL::pg_catalog.int8, "
							   "(SELECT pg_catalog.count(*) FROM a) + (SELECT pg_catalog.count(*) FROM b), "
							   "(SELECT pg_catalog.count(*) FROM c), "
							   "(SELECT pg_catalog.count(*) FROM m) + (SELECT pg_catalog.count(*) FROM g)");
	values[0] = CStringGetTextDatum(type);
	rbac_spi_execute(sql.data, 1, argtypes, values, NULL, false, SPI_OK_SELECT);
	for (i = 0; i < 4; i++)
	{
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, i + 1, &isnull);

		counts[i] = isnull ? -1 : DatumGetInt64(d);
	}
	if (counts[1] + counts[2] + counts[3] > 0)
	{
		StringInfo	detail = rbac_json_begin();

		rbac_json_string(detail, "type", type);
		rbac_json_string(detail, "table", rbac_qualified_name(relid));
		if (counts[0] >= 0)
			rbac_json_int(detail, "ids", counts[0]);
		rbac_json_int(detail, "assignments", counts[1]);
		rbac_json_int(detail, "custom_roles", counts[2]);
		rbac_json_int(detail, "memberships", counts[3]);
		rbac_audit(caller, operation, detail);
	}
}

/*
 * Types bound to relid -- or, for a partition, to the partitioned table it
 * belongs to -- with their key columns, in the SPI context.  A trigger
 * firing for a table with no binding is not one bind installed: 39P01.
 */
static int
bindings_of_table(Oid relid, char ***types, char ***keys)
{
	Oid			argtypes[1] = {OIDARRAYOID};
	Datum		values[1];
	List	   *rels = list_make1_oid(relid);
	Datum	   *oids;
	ListCell   *lc;
	int			k = 0;
	uint64		i;

	if (get_rel_relispartition(relid))
		rels = list_concat(rels, get_partition_ancestors(relid));
	oids = palloc(sizeof(Datum) * list_length(rels));
	foreach(lc, rels)
		oids[k++] = ObjectIdGetDatum(lfirst_oid(lc));
	values[0] = PointerGetDatum(construct_array(oids, k, OIDOID, sizeof(Oid), true, TYPALIGN_INT));
	rbac_spi_execute("SELECT type, key_column::pg_catalog.text FROM rbac.binding "
			 "WHERE tbl::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1) ORDER BY type COLLATE \"C\"",
			 1, argtypes, values, NULL, true, SPI_OK_SELECT);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger function of rbac.bind fired for table \"%s\", which is not bound",
						get_rel_name(relid))));
	*types = palloc0(sizeof(char *) * (SPI_processed + 1));
	*keys = palloc0(sizeof(char *) * (SPI_processed + 1));
	for (i = 0; i < SPI_processed; i++)
	{
		(*types)[i] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		(*keys)[i] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);
	}
	return (int) SPI_processed;
}

/*
 * The role data of the ids of the types bound to the table a trigger fired
 * for, as the extension owner: those listed in ids_table (quoted; the
 * transition table or the table itself), or with ids_table NULL every id
 * of the types.
 */
static void
delete_bound_role_data(TriggerData *td, const char *ids_table, const char *operation)
{
	RbacRunAs	sw;

	RBAC_AS_OWNER_BEGIN(sw);
	{
		Oid			relid = RelationGetRelid(td->tg_relation);
		char	  **types;
		char	  **keys;
		int			n = bindings_of_table(relid, &types, &keys);
		int			i;

		for (i = 0; i < n; i++)
		{
			const char *k = quote_identifier(keys[i]);

			delete_role_data(sw.caller, types[i], relid,
							 ids_table ? psprintf("SELECT DISTINCT o.%s::pg_catalog.text AS id "
												  "FROM %s o WHERE o.%s IS NOT NULL",
												  k, ids_table, k) : NULL,
							 operation);
		}
	}
	RBAC_AS_OWNER_END(sw);
}

/*
 * AFTER DELETE ... REFERENCING OLD TABLE AS rbac_old FOR EACH STATEMENT
 * trigger installed by bind: delete the role data of the deleted ids of
 * every type bound to the table, as the extension owner.
 */
Datum
rbac_bound_delete(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BY_DELETE(td->tg_event) ||
		!TRIGGER_FIRED_FOR_STATEMENT(td->tg_event) || td->tg_oldtable == NULL)
		rbac_not_called_as("rbac._bound_delete()", "an AFTER DELETE statement trigger with an OLD TABLE");

	SPI_connect();
	if (SPI_register_trigger_data(td) != SPI_OK_TD_REGISTER)
		elog(ERROR, "could not register the transition table");
	delete_bound_role_data(td, quote_identifier(td->tg_trigger->tgoldtable), "delete_cascade");
	SPI_finish();
	return PointerGetDatum(NULL);
}

/*
 * TRUNCATE FOR EACH STATEMENT trigger installed by bind: every id of the
 * types bound to the table is gone, so is all their role data; a
 * partition's (BEFORE) trigger deletes the role data of its own ids only.
 */
Datum
rbac_bound_truncate(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BY_TRUNCATE(td->tg_event))
		rbac_not_called_as("rbac._bound_truncate()", "a TRUNCATE trigger");

	SPI_connect();
	delete_bound_role_data(td, TRIGGER_FIRED_BEFORE(td->tg_event) ?
						   rbac_qualified_name(RelationGetRelid(td->tg_relation)) : NULL,
						   "truncate_cascade");
	SPI_finish();
	return PointerGetDatum(NULL);
}

/*
 * sql_drop event trigger: keep rbac.binding consistent with the tables.
 * Dropping a bound table removes its bindings (audited as "unbind"), so no
 * binding names a table that no longer exists; dropping a column that a
 * binding uses as key or relation column is refused (2BP01), like a
 * dependency, until the type is rebound or unbound.
 */
Datum
rbac_sql_drop(PG_FUNCTION_ARGS)
{
	RbacRunAs	sw;
	uint64		i;
	int			n;
	int			j;
	char	  **types;
	Oid		   *relids;
	char	  **idents;
	int32	   *subids;
	bool		any_table = false;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		rbac_not_called_as("rbac._on_sql_drop()", "a sql_drop event trigger");

	SPI_connect();
	rbac_spi_execute("SELECT b.type, b.tbl::pg_catalog.oid, d.object_identity, d.objsubid "
			 "FROM pg_catalog.pg_event_trigger_dropped_objects() d "
			 "JOIN rbac.binding b ON b.tbl::pg_catalog.oid = d.objid "
			 "WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
			 "ORDER BY b.type COLLATE \"C\", d.objsubid",
			 0, NULL, NULL, NULL, true, SPI_OK_SELECT);
	n = (int) SPI_processed;
	types = palloc0(sizeof(char *) * (n + 1));
	relids = palloc0(sizeof(Oid) * (n + 1));
	idents = palloc0(sizeof(char *) * (n + 1));
	subids = palloc0(sizeof(int32) * (n + 1));
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;

		types[i] = SPI_getvalue(tup, desc, 1);
		relids[i] = DatumGetObjectId(SPI_getbinval(tup, desc, 2, &isnull));
		idents[i] = SPI_getvalue(tup, desc, 3);
		subids[i] = DatumGetInt32(SPI_getbinval(tup, desc, 4, &isnull));
		if (subids[i] == 0)
			any_table = true;
	}

	/* a dropped column that a binding of a remaining table uses */
	for (j = 0; j < n; j++)
	{
		Oid			argtypes[1] = {TEXTOID};
		Datum		values[1];

		if (subids[j] == 0 || get_rel_name(relids[j]) == NULL)
			continue;
		values[0] = CStringGetTextDatum(types[j]);
		/* the columns it uses; the catalog cache sees this command's drop */
		rbac_spi_execute("SELECT b.key_column::pg_catalog.text FROM rbac.binding b WHERE b.type = $1 "
				 "UNION ALL SELECT r.value OPERATOR(pg_catalog.#>>) '{}' FROM rbac.binding b, "
				 "  pg_catalog.jsonb_each(b.relations) r WHERE b.type = $1 "
				 "  AND pg_catalog.jsonb_typeof(r.value) OPERATOR(pg_catalog.=) 'string'",
				 1, argtypes, values, NULL, true, SPI_OK_SELECT);
		for (i = 0; i < SPI_processed; i++)
		{
			char	   *col = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);

			if (get_attnum(relids[j], col) == InvalidAttrNumber)
				ereport(ERROR,
						(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
						 errmsg("cannot drop column \"%s\" of table %s because the binding of type %s uses it",
								col, rbac_qualified_name(relids[j]), types[j]),
						 errhint("Rebind the type with another column (rbac.bind), or unbind it (rbac.unbind) first.")));
		}
	}

	/* a dropped table: its types are no longer bound */
	if (any_table)
	{
		RBAC_AS_OWNER_BEGIN(sw);
		{
			for (j = 0; j < n; j++)
			{
				Oid			argtypes[1] = {TEXTOID};
				Datum		values[1];
				StringInfo	detail;

				if (subids[j] != 0)
					continue;
				values[0] = CStringGetTextDatum(types[j]);
				rbac_spi_execute("DELETE FROM rbac.binding WHERE type = $1", 1, argtypes, values,
						 NULL, false, SPI_OK_DELETE);
				if (SPI_processed == 0)
					continue;
				detail = rbac_json_begin();
				rbac_json_string(detail, "type", types[j]);
				rbac_json_string(detail, "table", idents[j]);
				rbac_json_string(detail, "reason", "table dropped");
				rbac_audit(sw.caller, "unbind", detail);
				ereport(NOTICE,
						(errmsg("type %s is no longer bound: its table %s was dropped",
								types[j], idents[j])));
			}
		}
		RBAC_AS_OWNER_END(sw);
	}
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * ddl_command_end event trigger (CREATE TABLE, ALTER TABLE): a partition
 * created in or attached to a bound or protected partitioned table gets
 * the delete and truncate triggers of bind and the policies of enable_rls,
 * as its parent has (docs/operations.md, "Security notes").  Does nothing
 * when every partition has them.  A column of a bound or protected table
 * renamed: the generated policies are made again (rbac_rls_after_rename).
 */
Datum
rbac_partitions_ddl(PG_FUNCTION_ARGS)
{
	uint64		i;
	uint64		n;
	Oid		   *parts;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		rbac_not_called_as("rbac._on_ddl_end()", "a ddl_command_end event trigger");

	SPI_connect();
	rbac_spi_execute("SELECT DISTINCT p.relid::pg_catalog.oid "
			 "FROM rbac.binding b, LATERAL pg_catalog.pg_partition_tree(b.tbl) p "
			 "WHERE p.level OPERATOR(pg_catalog.>) 0 AND NOT EXISTS ("
			 "  SELECT 1 FROM pg_catalog.pg_trigger t WHERE t.tgrelid OPERATOR(pg_catalog.=) p.relid "
			 "  AND t.tgname OPERATOR(pg_catalog.=) '" DELETE_TRIGGER "')",
			 0, NULL, NULL, NULL, false, SPI_OK_SELECT);
	n = SPI_processed;
	parts = palloc(sizeof(Oid) * (n + 1));
	for (i = 0; i < n; i++)
	{
		bool		isnull;

		parts[i] = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
	}
	if (n > 0)
	{
		RbacRunAs	sw;

		RBAC_AS_OWNER_BEGIN(sw);
		{
			for (i = 0; i < n; i++)
				create_triggers_on(parts[i]);
		}
		RBAC_AS_OWNER_END(sw);
	}
	rbac_rls_protect_partitions();
	rbac_rls_after_rename();
	SPI_finish();
	PG_RETURN_VOID();
}
