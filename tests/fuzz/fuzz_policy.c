/*-------------------------------------------------------------------------
 *
 * fuzz_policy.c
 *	  libFuzzer target: parse and validate arbitrary bytes as a policy, with
 *	  a malloc arena that is freed after each input, and check a few
 *	  invariants of the result (positions, counts, lookups).
 *
 *-------------------------------------------------------------------------
 */
#include "arena.h"

#include <stdint.h>

/* Abort (a crash libFuzzer records) when an invariant does not hold. */
#define CHECK(cond) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, \
					__FILE__, __LINE__); \
			abort(); \
		} \
	} while (0)

/* Check what the parser and validator produced. */
static void
check_result(RbacPolicy *pol, RbacDiagList *diags, size_t len)
{
	int			i,
				j,
				nerr = 0;

	CHECK(pol != NULL);
	CHECK(diags->n <= 1000);
	for (i = 0; i < diags->n; i++)
	{
		RbacDiag   *d = &diags->items[i];

		CHECK(d->line >= 1 && d->col >= 1);
		CHECK((size_t) d->line <= len + 1 && (size_t) d->col <= len + 1);
		CHECK(d->message != NULL && d->message[0] != '\0');
		if (d->severity == RBAC_SEV_ERROR)
			nerr++;
	}
	CHECK(nerr == diags->nerrors);
	for (i = 0; i < pol->ntypes; i++)
	{
		RbacType   *t = pol->types[i];

		CHECK(t != NULL && t->name != NULL && t->index == i);
		CHECK(rbac_find_type(pol, t->name) == t);
		for (j = 0; j < t->nterms; j++)
			CHECK(t->terms[j].name != NULL);
		for (j = 0; j < t->nrules; j++)
			CHECK(t->rules[j].head != NULL && t->rules[j].body != NULL);
	}
	for (i = 0; i < pol->nglobals; i++)
		CHECK(rbac_is_global_role(pol, pol->globals[i].name));
	for (i = 0; i < pol->nrules; i++)
	{
		RbacRule   *r = pol->rules[i];

		CHECK(r->name != NULL && r->resource_type != NULL && r->body != NULL);
		CHECK(r->start_offset >= 0 && r->start_offset < r->end_offset);
		CHECK((size_t) r->end_offset <= len);
	}
	/* with no error, every diagnostic is a warning */
	if (diags->nerrors == 0)
		for (i = 0; i < diags->n; i++)
			CHECK(diags->items[i].severity == RBAC_SEV_WARNING);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Arena		arena;
	RbacAlloc	alloc;
	RbacDiagList diags;
	RbacPolicy *pol;

	memset(&arena, 0, sizeof(arena));
	memset(&diags, 0, sizeof(diags));
	alloc.alloc = arena_alloc;
	alloc.ctx = &arena;

	pol = rbac_parse((const char *) data, size, &alloc, &diags);
	rbac_validate(pol, NULL, NULL, &alloc, &diags);
	check_result(pol, &diags, size);
	if (diags.nerrors == 0)
	{
		/* the test blocks of a valid policy: one result per assertion */
		RbacTestResult *results;
		int			n = rbac_run_tests(pol, &alloc, &results);
		int			total = 0;

		for (int k = 0; k < pol->ntests; k++)
			total += pol->tests[k]->nasserts;
		CHECK(n == total || n == -1);
	}

	arena_reset(&arena);
	return 0;
}
