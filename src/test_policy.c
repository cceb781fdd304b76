/*-------------------------------------------------------------------------
 *
 * test_policy.c
 *	  rbac.test_policy: run a policy's test blocks (policy_test.c) from
 *	  SQL.
 *
 * The tests run on the policy text and their setup facts alone: nothing is
 * read but the source (the loaded one for NULL, as the caller, like
 * rbac.policy_source), nothing is written, and no bound table or role data
 * is consulted, so the same call gives the same rows in any database.
 *
 *-------------------------------------------------------------------------
 */
#include "policy_backend.h"
#include "util.h"

#include "funcapi.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(rbac_test_policy);

/*
 * rbac.test_policy(source text DEFAULT NULL)
 *		-> TABLE(test text, assertion text, passed boolean)
 *
 * One row per assertion, in source order.  Errors of the policy (its tests
 * included) are raised like load_policy's: 42601, 42P17, 0A000 with line
 * and column; Oso host-bridging rules are skipped silently, as
 * load_policy(oso_compat => true) skips them (a stored source loaded so
 * keeps them).  NULL runs the tests of the loaded policy (no rows when none
 * is loaded).
 */
Datum
rbac_test_policy(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *source;
	RbacParsed *parsed;
	RbacTestResult *results;
	int			n;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
	{
		MemoryContext cxt = CurrentMemoryContext;

		SPI_connect();
		source = rbac_loaded_policy_source();
		if (source)
			source = MemoryContextStrdup(cxt, source);
		SPI_finish();
		if (source == NULL)
			return (Datum) 0;
	}
	else
		source = text_to_cstring(PG_GETARG_TEXT_PP(0));

	parsed = rbac_parse_policy_text(source, strlen(source), false,
									CurrentMemoryContext);
	/* Oso host-bridging rules are skipped, as with oso_compat: no host */
	rbac_oso_compat(&parsed->diags);
	rbac_report_errors(parsed);
	n = rbac_run_tests(parsed->policy, &parsed->alloc, &results);
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("policy tests need too much work to evaluate"),
				 errdetail("Nested has_role and has_permission conditions branched past the evaluator's budget."),
				 errhint("Split the test into smaller ones, or simplify the rules that call each other.")));
	for (i = 0; i < n; i++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = CStringGetTextDatum(results[i].test);
		values[1] = CStringGetTextDatum(results[i].assertion);
		values[2] = BoolGetDatum(results[i].passed);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	rbac_free_parsed(parsed);
	return (Datum) 0;
}
