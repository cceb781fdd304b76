/*-------------------------------------------------------------------------
 *
 * util.h
 *	  Small services shared by the backend files (util.c): SPI calls that
 *	  raise on failure, saved plans, text arguments, set-returning results,
 *	  catalog names, and the error helpers of trigger functions and
 *	  authorization decisions.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_UTIL_H
#define RBAC_UTIL_H

#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "nodes/execnodes.h"

/*
 * In an ereport of an authorization decision (authorize's 42501 and P0002,
 * a refused delegation, a refused move): schema name "rbac" in the error's
 * schema field, so drivers tell it from a missing GRANT.
 */
#define rbac_errdecision() err_generic_string(PG_DIAG_SCHEMA_NAME, "rbac")

extern void rbac_not_called_as(const char *function, const char *as) pg_attribute_noreturn();

extern Oid	rbac_catalog_relid(const char *relname);
extern char *rbac_qualified_name(Oid relid);

extern char *rbac_arg_text(FunctionCallInfo fcinfo, int n);
extern void rbac_arg_not_null(FunctionCallInfo fcinfo, int n, const char *what);
extern char *rbac_arg_required(FunctionCallInfo fcinfo, int n, const char *what);
extern char *rbac_counted_key(uint64 n, const char *a, const char *b);
extern int	rbac_cmp_cstr(const void *a, const void *b);
extern void rbac_srf_put_text(ReturnSetInfo *rsinfo, const char *s);

extern void rbac_spi_execute(const char *sql, int nargs, Oid *argtypes,
							 Datum *values, const char *nulls, bool read_only,
							 int expected);
extern void rbac_spi_ddl(const char *sql);
extern SPIPlanPtr rbac_spi_saved_plan(SPIPlanPtr *slot, const char *sql,
									  int nargs, Oid *argtypes);
extern void rbac_spi_execute_plan(SPIPlanPtr plan, Datum *values,
								  const char *nulls, bool read_only,
								  int expected);
extern ErrorData *rbac_subxact_catch(MemoryContext cxt, ResourceOwner owner);

#endif							/* RBAC_UTIL_H */
