/*-------------------------------------------------------------------------
 *
 * policy_backend.c
 *	  The plain-C policy language (parser.c, validate.c) inside the
 *	  backend: a parse in a memory context of its own, the columns of bound
 *	  tables for validation, diagnostics raised as errors, and the loaded
 *	  policy's source.
 *
 *-------------------------------------------------------------------------
 */
#include "policy_backend.h"
#include "util.h"

#include "miscadmin.h"


/* RbacAlloc callback: zeroed palloc in the parse's own memory context. */
static void *
pg_alloc_cb(void *ctx, size_t size)
{
	return MemoryContextAllocZero((MemoryContext) ctx, size);
}

/* rbac_interrupt_hook of the backend: a long evaluation can be cancelled. */
void
rbac_check_interrupts(void)
{
	CHECK_FOR_INTERRUPTS();
}

/* Columns of bound tables, loaded once per validation for column checks. */
typedef struct BoundColumns
{
	int			n;
	char	  **type;
	char	  **column;
} BoundColumns;

/*
 * Load (type, column) for every bound table.  Uses SPI; the caller has
 * connected.  Returns an empty list when nothing is bound.
 */
static BoundColumns *
load_bound_columns(MemoryContext cxt)
{
	BoundColumns *bc = MemoryContextAllocZero(cxt, sizeof(BoundColumns));
	uint64		i;

	rbac_spi_execute("SELECT b.type, a.attname::text "
					 "FROM rbac.binding b "
					 "JOIN pg_catalog.pg_attribute a ON a.attrelid = b.tbl "
					 "WHERE a.attnum > 0 AND NOT a.attisdropped "
					 "ORDER BY b.type, a.attnum", 0, NULL, NULL, NULL, true, SPI_OK_SELECT);
	bc->n = (int) SPI_processed;
	bc->type = MemoryContextAllocZero(cxt, sizeof(char *) * (bc->n + 1));
	bc->column = MemoryContextAllocZero(cxt, sizeof(char *) * (bc->n + 1));
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *t = SPI_getvalue(tup, desc, 1);
		char	   *c = SPI_getvalue(tup, desc, 2);

		bc->type[i] = MemoryContextStrdup(cxt, t);
		bc->column[i] = MemoryContextStrdup(cxt, c);
	}
	return bc;
}

/*
 * RbacColumnLookup over the bound columns: 1 if the column exists on the
 * type's table, 0 if not (suggesting the closest), -1 if the type is not
 * bound.
 */
static int
column_lookup_cb(void *arg, const char *type, const char *column,
				 const char **suggestion)
{
	BoundColumns *bc = (BoundColumns *) arg;
	int			first = -1;
	int			count = 0;
	int			i;

	for (i = 0; i < bc->n; i++)
	{
		if (strcmp(bc->type[i], type) != 0)
			continue;
		if (first < 0)
			first = i;
		count++;
		if (strcmp(bc->column[i], column) == 0)
			return 1;
	}
	if (first < 0)
		return -1;
	if (suggestion)
		*suggestion = rbac_closest(column, (const char *const *) &bc->column[first],
								   count);
	return 0;
}

/*
 * Parse and validate policy text in a new memory context under parent.
 * With check_columns, last-mile rule columns are checked against the bound
 * tables (needs SPI to be connected by the caller).
 */
RbacParsed *
rbac_parse_policy_text(const char *src, size_t len, bool check_columns,
					   MemoryContext parent)
{
	MemoryContext cxt = AllocSetContextCreate(parent, "pg_rbac policy",
											  ALLOCSET_DEFAULT_SIZES);
	RbacParsed *parsed = MemoryContextAllocZero(cxt, sizeof(RbacParsed));
	BoundColumns *bc = NULL;

	parsed->cxt = cxt;
	parsed->alloc.alloc = pg_alloc_cb;
	parsed->alloc.ctx = cxt;
	parsed->policy = rbac_parse(src, len, &parsed->alloc, &parsed->diags);
	if (check_columns)
		bc = load_bound_columns(cxt);
	rbac_validate(parsed->policy, bc ? column_lookup_cb : NULL, bc,
				  &parsed->alloc, &parsed->diags);
	return parsed;
}

/* Release everything a parse allocated. */
void
rbac_free_parsed(RbacParsed *parsed)
{
	if (parsed)
		MemoryContextDelete(parsed->cxt);
}

/* The SQLSTATE that a diagnostic is reported with. */
static int
diag_sqlstate(const RbacDiag *d)
{
	switch (d->dclass)
	{
		case RBAC_DIAG_SYNTAX:
			return ERRCODE_SYNTAX_ERROR;
		case RBAC_DIAG_UNSUPPORTED:
			return ERRCODE_FEATURE_NOT_SUPPORTED;
		case RBAC_DIAG_SEMANTIC:
		default:
			return ERRCODE_INVALID_OBJECT_DEFINITION;
	}
}

/*
 * If the parse found errors, raise the first one (by position) with its
 * SQLSTATE, line and column; the others are listed in the detail.
 */
void
rbac_report_errors(RbacParsed *parsed)
{
	RbacDiagList *dl = &parsed->diags;
	RbacDiag   *first = NULL;
	StringInfoData detail;
	int			shown = 0;
	int			i;

	if (dl->nerrors == 0)
		return;
	initStringInfo(&detail);
	for (i = 0; i < dl->n; i++)
	{
		RbacDiag   *d = &dl->items[i];

		if (d->severity != RBAC_SEV_ERROR)
			continue;
		if (first == NULL)
		{
			first = d;
			continue;
		}
		if (shown < 10)
			appendStringInfo(&detail, "%sline %d, column %d: %s",
							 shown ? "\n" : "", d->line, d->col, d->message);
		shown++;
	}
	if (shown > 10)
		appendStringInfo(&detail, "\n... and %d more errors", shown - 10);

	ereport(ERROR,
			(errcode(diag_sqlstate(first)),
			 errmsg("line %d, column %d: %s", first->line, first->col,
					first->message),
			 shown ? errdetail_plural("%d more error:\n%s", "%d more errors:\n%s",
									  shown, shown, detail.data) : 0,
			 first->hint ? errhint("%s", first->hint) : 0));
}

/*
 * The loaded policy source in the current memory context, or NULL when no
 * policy was ever loaded.  Caller has connected SPI.
 */
char *
rbac_loaded_policy_source(void)
{

	rbac_spi_execute("SELECT source FROM rbac.policy", 0, NULL, NULL, NULL, true,
					 SPI_OK_SELECT);
	if (SPI_processed == 0)
		return NULL;
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}
