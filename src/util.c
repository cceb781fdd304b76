/*-------------------------------------------------------------------------
 *
 * util.c
 *	  Small services shared by the backend files: SPI calls that raise on
 *	  failure (one message for every internal statement), saved plans, text
 *	  arguments, set-returning results, catalog names, and the error of a
 *	  trigger function fired other than as installed.
 *
 * SQL run through these helpers follows the convention of its caller: a
 * function declared with SET search_path = pg_catalog, pg_temp may write
 * plain operators; code that runs per row without that clause writes
 * OPERATOR(pg_catalog.=) (see HACKING.md, "search_path").
 *
 *-------------------------------------------------------------------------
 */
#include "util.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/*
 * A trigger or event trigger function of pg_rbac fired (or called) other
 * than as it is installed: 39P01, whatever the caller attached it to.
 */
void
rbac_not_called_as(const char *function, const char *as)
{
	ereport(ERROR,
			(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
			 errmsg("%s must be called as %s", function, as)));
}

/* OID of rbac.<relname>; errors if the extension's schema is broken. */
Oid
rbac_catalog_relid(const char *relname)
{
	Oid			nsp = get_namespace_oid("rbac", false);
	Oid			relid = get_relname_relid(relname, nsp);

	if (!OidIsValid(relid))
		elog(ERROR, "catalog table rbac.%s does not exist", relname);
	return relid;
}

/* schema.table of a relation, each part quoted as needed. */
char *
rbac_qualified_name(Oid relid)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
}

/* Text argument n as a C string, or NULL. */
char *
rbac_arg_text(FunctionCallInfo fcinfo, int n)
{
	if (PG_ARGISNULL(n))
		return NULL;
	return text_to_cstring(PG_GETARG_TEXT_PP(n));
}

/* Raise 22004 "<what> must not be null" when argument n is NULL. */
void
rbac_arg_not_null(FunctionCallInfo fcinfo, int n, const char *what)
{
	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", what)));
}

/* Text argument n, or 22023 "<what> must not be null". */
char *
rbac_arg_required(FunctionCallInfo fcinfo, int n, const char *what)
{
	char	   *v = rbac_arg_text(fcinfo, n);

	if (v == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be null", what)));
	return v;
}

/*
 * The key "n:" followed by a and b, for the hash sets of a check (n is a
 * length or a type's number, so that no two pairs make the same key).
 * Built by hand: a check makes several, and a printf each was a visible
 * part of its cost.
 */
char *
rbac_counted_key(uint64 n, const char *a, const char *b)
{
	size_t		la = strlen(a);
	size_t		lb = strlen(b);
	char	   *key = palloc(MAXINT8LEN + 1 + la + lb + 1);
	int			len = pg_ulltoa_n(n, key);

	key[len++] = ':';
	memcpy(key + len, a, la);
	memcpy(key + len + la, b, lb + 1);
	return key;
}

/* qsort comparator for C strings (byte order). */
int
rbac_cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Append one text row to a materialized set-returning function's result. */
void
rbac_srf_put_text(ReturnSetInfo *rsinfo, const char *s)
{
	Datum		v = CStringGetTextDatum(s);
	bool		isnull = false;

	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &v, &isnull);
}

/*
 * Run a statement with parameters (argtypes NULL: every parameter is text)
 * and raise unless SPI returns expected.  SPI is connected.
 */
void
rbac_spi_execute(const char *sql, int nargs, Oid *argtypes, Datum *values,
				 const char *nulls, bool read_only, int expected)
{
	Oid			texttypes[8];
	int			ret;
	int			i;

	if (argtypes == NULL && nargs > 0)
	{
		Assert(nargs <= lengthof(texttypes));
		for (i = 0; i < nargs; i++)
			texttypes[i] = TEXTOID;
		argtypes = texttypes;
	}
	if (nargs == 0)
		ret = SPI_execute(sql, read_only, 0);
	else
		ret = SPI_execute_with_args(sql, nargs, argtypes, values, nulls,
									read_only, 0);
	if (ret != expected)
		elog(ERROR, "could not run \"%s\": %s", sql, SPI_result_code_string(ret));
}

/* Run a utility statement (DDL) without parameters. */
void
rbac_spi_ddl(const char *sql)
{
	rbac_spi_execute(sql, 0, NULL, NULL, NULL, false, SPI_OK_UTILITY);
}

/* The plan in *slot, prepared and kept for the backend's life on first use. */
SPIPlanPtr
rbac_spi_saved_plan(SPIPlanPtr *slot, const char *sql, int nargs, Oid *argtypes)
{
	if (*slot == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare(sql, nargs, argtypes);

		if (plan == NULL)
			elog(ERROR, "could not prepare \"%s\": %s", sql,
				 SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "could not keep the plan of \"%s\"", sql);
		*slot = plan;
	}
	return *slot;
}

/* Run a saved plan and raise unless SPI returns expected. */
void
rbac_spi_execute_plan(SPIPlanPtr plan, Datum *values, const char *nulls,
					  bool read_only, int expected)
{
	int			ret = SPI_execute_plan(plan, values, nulls, read_only, 0);

	if (ret != expected)
		elog(ERROR, "could not run a saved statement: %s", SPI_result_code_string(ret));
}

/*
 * In the PG_CATCH of an internal subtransaction begun in memory context cxt
 * under resource owner owner: the error, copied into cxt and cleared; the
 * subtransaction rolled back; cxt and owner current again.
 */
ErrorData *
rbac_subxact_catch(MemoryContext cxt, ResourceOwner owner)
{
	ErrorData  *edata;

	MemoryContextSwitchTo(cxt);
	edata = CopyErrorData();
	FlushErrorState();
	RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
	return edata;
}
