/*-------------------------------------------------------------------------
 *
 * policy_backend.h
 *	  The policy language inside the backend (policy_backend.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_POLICY_BACKEND_H
#define RBAC_POLICY_BACKEND_H

#include "postgres.h"

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

extern RbacParsed *rbac_parse_policy_text(const char *src, size_t len,
										  bool check_columns,
										  MemoryContext parent);
extern void rbac_free_parsed(RbacParsed *parsed);
extern void rbac_check_interrupts(void);
extern void rbac_report_errors(RbacParsed *parsed);
extern char *rbac_loaded_policy_source(void);

#endif							/* RBAC_POLICY_BACKEND_H */
