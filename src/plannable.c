/*-------------------------------------------------------------------------
 *
 * plannable.c
 *	  Tables pg_rbac may plan its reads of as its internal user.
 *
 * PostgreSQL's planner evaluates the constant parts of a table's index
 * expressions and predicates, statistics expressions, partition keys and
 * (under constraint_exclusion) CHECK constraints as the user who plans.
 * pg_rbac plans its reads of bound and join tables as the bootstrap
 * superuser (run_as.c), so those may call only PostgreSQL's own functions:
 * bind refuses other tables, model builds check them (and watch them for
 * DDL), and run_as.c's planner hook checks every table at each planning.
 *
 *-------------------------------------------------------------------------
 */
#include "model.h"
#include "util.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/partition.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_index.h"
#include "catalog/pg_partitioned_table.h"
#include "catalog/pg_statistic_ext.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"

/*
 * Is funcid a function a user defined (not from PostgreSQL's initial
 * catalog)?  check_functions_in_node callback; context receives funcid.
 */
static bool
user_function(Oid funcid, void *context)
{
	if (funcid < FirstGenbkiObjectId)
		return false;
	*(Oid *) context = funcid;
	return true;
}

/* Walker: find a function a user defined that node calls (in context). */
static bool
find_user_function(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (check_functions_in_node(node, user_function, context))
		return true;
	return expression_tree_walker(node, find_user_function, context);
}

/*
 * An error if the stored expression (nodeToString form) of object calls
 * a function a user defined.
 */
static void
require_builtin_expression(const char *stored, const char *object, Oid relid)
{
	Oid			found = InvalidOid;

	if (stored == NULL ||
		!find_user_function((Node *) stringToNode(stored), &found))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("%s of table %s calls %s, which pg_rbac must not run",
					object, rbac_qualified_name(relid),
					format_procedure(found)),
			 errdetail("pg_rbac reads the table as its internal superuser, and PostgreSQL's planner "
					   "evaluates index expressions and predicates, statistics expressions, partition keys "
					   "and CHECK constraints while it plans; only PostgreSQL's own functions may appear in them."),
			 errhint("Drop it or write it with built-in functions only, or unbind the type.")));
}

/* require_builtin_expression on a text column of a syscache tuple. */
static void
require_builtin_column(int cacheid, HeapTuple tup, AttrNumber att,
					   const char *object, Oid relid)
{
	bool		isnull;
	Datum		d = SysCacheGetAttr(cacheid, tup, att, &isnull);

	if (!isnull)
		require_builtin_expression(TextDatumGetCString(d), object, relid);
}

/* The checks of rbac_require_plannable on one relation. */
static void
require_plannable_one(Oid relid, const char *what)
{
	char		relkind = get_rel_relkind(relid);
	Relation	rel;
	List	   *oids;
	ListCell   *lc;
	HeapTuple	tup;

	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("relation %s, a partition or child of the %s, is not a table",
						rbac_qualified_name(relid), what),
				 errdetail("pg_rbac reads only tables and partitioned tables.")));
	rel = table_open(relid, NoLock);
	oids = RelationGetIndexList(rel);
	foreach(lc, oids)
	{
		char	   *object;

		tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
		if (!HeapTupleIsValid(tup))
			continue;
		object = psprintf("index %s", quote_identifier(get_rel_name(lfirst_oid(lc))));
		require_builtin_column(INDEXRELID, tup, Anum_pg_index_indexprs, object, relid);
		require_builtin_column(INDEXRELID, tup, Anum_pg_index_indpred, object, relid);
		ReleaseSysCache(tup);
	}
	oids = RelationGetStatExtList(rel);
	foreach(lc, oids)
	{
		tup = SearchSysCache1(STATEXTOID, ObjectIdGetDatum(lfirst_oid(lc)));
		if (!HeapTupleIsValid(tup))
			continue;
		require_builtin_column(STATEXTOID, tup, Anum_pg_statistic_ext_stxexprs,
							   psprintf("statistics object %s",
										quote_identifier(NameStr(((Form_pg_statistic_ext) GETSTRUCT(tup))->stxname))),
							   relid);
		ReleaseSysCache(tup);
	}
	if (rel->rd_att->constr != NULL)
	{
		int			i;

		for (i = 0; i < rel->rd_att->constr->num_check; i++)
			require_builtin_expression(rel->rd_att->constr->check[i].ccbin,
									   psprintf("check constraint %s",
												quote_identifier(rel->rd_att->constr->check[i].ccname)),
									   relid);
	}
	tup = SearchSysCache1(PARTRELID, ObjectIdGetDatum(relid));
	if (HeapTupleIsValid(tup))
	{
		require_builtin_column(PARTRELID, tup, Anum_pg_partitioned_table_partexprs,
							   "the partition key", relid);
		ReleaseSysCache(tup);
	}
	table_close(rel, NoLock);
}

/*
 * An error unless pg_rbac's internal user may plan queries on relid, the
 * table bound to a type or a join table (what says which, for messages).
 * A query on relid also plans its partitions and inheritance children,
 * and a partition's constraint comes from the partition keys above it.
 * While planning, PostgreSQL's planner evaluates the constant parts of
 * index expressions and predicates, of extended statistics' expressions,
 * of partition keys and (with constraint_exclusion, a setting any caller
 * may change) of CHECK constraints, as the user who plans: an immutable
 * function of the table owner's there would run as the superuser.  So
 * every one of these relations must be a table whose expressions call
 * only PostgreSQL's own functions.  Each relation looked at is added to
 * m's watch list (when m is not NULL): DDL on any of them, such as an index
 * created on one partition, invalidates the model, which checks again.
 */
void
rbac_require_plannable(RbacModel *m, Oid relid, const char *what)
{
	List	   *rels = find_all_inheritors(relid, AccessShareLock, NULL);
	ListCell   *lc;

	if (get_rel_relispartition(relid))
		rels = list_concat(rels, get_partition_ancestors(relid));
	foreach(lc, rels)
	{
		Oid			r = lfirst_oid(lc);

		require_plannable_one(r, what);
		if (m == NULL)
			continue;
		if (m->nwatch == m->maxwatch)
		{
			m->maxwatch = Max(8, m->maxwatch * 2);
			m->watch = m->watch == NULL ?
				MemoryContextAlloc(m->cxt, sizeof(Oid) * m->maxwatch) :
				repalloc(m->watch, sizeof(Oid) * m->maxwatch);
		}
		m->watch[m->nwatch++] = r;
	}
}
