/*-------------------------------------------------------------------------
 *
 * arena.h
 *	  A malloc arena for the fuzz target and rbac_lint: every allocation is
 *	  its own malloc block (so AddressSanitizer sees the exact bounds of each
 *	  one), remembered in a list and freed all at once by arena_reset.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_FUZZ_ARENA_H
#define RBAC_FUZZ_ARENA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/policy.h"

typedef struct Arena
{
	void	  **blocks;
	size_t		n;
	size_t		cap;
	size_t		bytes;			/* total requested, for limits */
} Arena;

/* RbacAlloc callback: a zeroed block that lives until arena_reset. */
static void *
arena_alloc(void *ctx, size_t size)
{
	Arena	   *a = (Arena *) ctx;
	void	   *p;

	if (a->n == a->cap)
	{
		size_t		ncap = a->cap ? a->cap * 2 : 256;
		void	  **nb = realloc(a->blocks, ncap * sizeof(void *));

		if (nb == NULL)
		{
			fprintf(stderr, "out of memory\n");
			abort();
		}
		a->blocks = nb;
		a->cap = ncap;
	}
	p = calloc(1, size ? size : 1);
	if (p == NULL)
	{
		fprintf(stderr, "out of memory\n");
		abort();
	}
	a->blocks[a->n++] = p;
	a->bytes += size;
	return p;
}

/* Free everything allocated since the last reset. */
static void
arena_reset(Arena *a)
{
	size_t		i;

	for (i = 0; i < a->n; i++)
		free(a->blocks[i]);
	free(a->blocks);
	memset(a, 0, sizeof(*a));
}

#endif							/* RBAC_FUZZ_ARENA_H */
