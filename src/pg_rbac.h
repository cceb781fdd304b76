/*-------------------------------------------------------------------------
 *
 * pg_rbac.h
 *	  Declarations shared by the backend parts of pg_rbac.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_RBAC_H
#define PG_RBAC_H

#include "postgres.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/memutils.h"

#include "policy.h"

/* A parsed and validated policy together with the memory that holds it. */
typedef struct RbacParsed
{
	MemoryContext cxt;			/* owns policy and diags */
	RbacAlloc	alloc;
	RbacPolicy *policy;
	RbacDiagList diags;
} RbacParsed;

/* pg_rbac.c */
extern RbacParsed *rbac_parse_policy_text(const char *src, size_t len,
										  bool check_columns,
										  MemoryContext parent);
extern void rbac_free_parsed(RbacParsed *parsed);
extern void rbac_report_errors(RbacParsed *parsed);
extern int	rbac_diag_sqlstate(const RbacDiag *d);
extern char *rbac_loaded_policy_source(void);
/* roledata.c */
extern bool rbac_may_manage(const char *resource_type, const char *resource_id);

#endif							/* PG_RBAC_H */
