/*-------------------------------------------------------------------------
 *
 * keyset.h
 *	  Hash sets used by set evaluation and generated policies (keyset.c):
 *	  KeySet, an insertion-ordered set of text keys, and InSet, a read-only
 *	  membership test built once from an array and probed once per row.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_KEYSET_H
#define RBAC_KEYSET_H

#include "postgres.h"
#include "fmgr.h"
#include "utils/array.h"

struct keytab_hash;
struct inttab_hash;

/* A set of keys in their text form, in insertion order. */
typedef struct KeySet
{
	struct keytab_hash *hash;
	char	  **items;
	int			n;
	int			cap;
	bool		universal;		/* every id */
} KeySet;

extern KeySet *keyset_new(void);
extern bool keyset_add(KeySet *k, const char *key);
extern bool keyset_add_len(KeySet *k, const char *key, int len);
extern int	keyset_find(KeySet *k, const char *key, int len);
extern void keyset_reserve(KeySet *k, uint64 extra);
extern bool keyset_make_universal(KeySet *k);

/* How an InSet answers. */
typedef enum InSetKind
{
	INSET_EMPTY,				/* nothing matches */
	INSET_BITMAP,				/* integers in a dense range: one bit each */
	INSET_INTHASH,				/* other integers */
	INSET_TEXT,					/* text and varchar: their bytes */
	INSET_OUTPUT				/* any other type: its output text */
} InSetKind;

/* Membership in the elements of one array, for values of one type. */
typedef struct InSet
{
	InSetKind	kind;
	Oid			valtype;		/* type of the probed values */
	int64		min;			/* INSET_BITMAP: value of bit 0 */
	uint64		nbits;
	uint64	   *bits;
	struct inttab_hash *ints;	/* INSET_INTHASH */
	struct keytab_hash *strs;	/* INSET_TEXT, INSET_OUTPUT */
	FmgrInfo	out;			/* INSET_OUTPUT: output function */
} InSet;

extern bool inset_integer_type(Oid typid);
extern bool inset_bytes_type(Oid typid);
extern InSet *inset_build(MemoryContext cxt, ArrayType *a, Oid valtype);
extern bool inset_contains(InSet *s, Datum value);

#endif							/* RBAC_KEYSET_H */
