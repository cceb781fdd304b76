/*-------------------------------------------------------------------------
 *
 * keyset.c
 *	  Hash sets for set evaluation (sets.c) and for rbac._in, the membership
 *	  test of generated policies.
 *
 * Both sit on hot paths: a set of 50,000 repository keys is built for a
 * query, and every candidate row of a protected table is probed against
 * it.  They use open addressing (lib/simplehash.h) with the hash stored in
 * the entry; integer keys in a dense range are a plain bitmap.
 *
 *-------------------------------------------------------------------------
 */
#include "keyset.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "utils/lsyscache.h"

/* A string key: bytes and length (not necessarily NUL-terminated). */
typedef struct StrKey
{
	const char *s;
	int			len;
} StrKey;

typedef struct KeyEntry
{
	StrKey		key;
	uint32		hash;
	int			pos;			/* KeySet: index in items */
	char		status;
} KeyEntry;

/* hash of a string key */
static inline uint32
strkey_hash(StrKey k)
{
	return hash_bytes((const unsigned char *) k.s, k.len);
}

#define SH_PREFIX keytab
#define SH_ELEMENT_TYPE KeyEntry
#define SH_KEY_TYPE StrKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) strkey_hash(k)
#define SH_EQUAL(tb, a, b) ((a).len == (b).len && memcmp((a).s, (b).s, (a).len) == 0)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) a->hash
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

typedef struct IntEntry
{
	int64		key;
	char		status;
} IntEntry;

/* 64-bit finalizer (murmur3's fmix64): integer keys are often sequential */
static inline uint32
int64_hash(int64 v)
{
	uint64		h = (uint64) v;

	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64CONST(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return (uint32) h;
}

#define SH_PREFIX inttab
#define SH_ELEMENT_TYPE IntEntry
#define SH_KEY_TYPE int64
#define SH_KEY key
#define SH_HASH_KEY(tb, k) int64_hash(k)
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* The initial capacity of a set, in keys. */
#define KEYSET_INITIAL 8

/*
 * A new empty set in the current memory context.  It starts small (a
 * check's sets of nodes and actors hold a few keys, and a table of 64 was
 * 4 kB to zero for each) and doubles as it fills; keyset_reserve sizes a
 * large one at once.
 */
KeySet *
keyset_new(void)
{
	KeySet	   *k = palloc0(sizeof(KeySet));

	k->hash = keytab_create(CurrentMemoryContext, KEYSET_INITIAL, NULL);
	return k;
}

/* Add a key of len bytes (copied, NUL-terminated); true if it was new. */
bool
keyset_add_len(KeySet *k, const char *key, int len)
{
	bool		found;
	StrKey		sk;
	KeyEntry   *e;
	char	   *copy;

	if (key == NULL || k->universal)
		return false;
	sk.s = key;
	sk.len = len;
	e = keytab_insert(k->hash, sk, &found);
	if (found)
		return false;
	copy = palloc(len + 1);
	memcpy(copy, key, len);
	copy[len] = '\0';
	e->key.s = copy;
	e->pos = k->n;
	if (k->n == k->cap)
	{
		k->cap = k->cap ? k->cap * 2 : KEYSET_INITIAL;
		k->items = k->items ? repalloc_huge(k->items, sizeof(char *) * k->cap) :
			palloc(sizeof(char *) * k->cap);
	}
	k->items[k->n++] = copy;
	return true;
}

/* Position of a key of len bytes in k->items, or -1. */
int
keyset_find(KeySet *k, const char *key, int len)
{
	StrKey		sk;
	KeyEntry   *e;

	sk.s = key;
	sk.len = len;
	e = keytab_lookup(k->hash, sk);
	return e ? e->pos : -1;
}

/* Add a C-string key (copied); true if it was new. */
bool
keyset_add(KeySet *k, const char *key)
{
	return key != NULL && keyset_add_len(k, key, strlen(key));
}

/* Make room for extra more keys at once (one resize instead of many). */
void
keyset_reserve(KeySet *k, uint64 extra)
{
	uint64		want = ((uint64) k->n + extra) * 10 / 9 + 1;

	if (want > k->hash->size)
		keytab_grow(k->hash, pg_nextpower2_64(want));
}

/* Make a set universal; true if it was not already. */
bool
keyset_make_universal(KeySet *k)
{
	if (k->universal)
		return false;
	k->universal = true;
	return true;
}

/* Is typid one of the integer types an InSet compares as int64? */
bool
inset_integer_type(Oid typid)
{
	return typid == INT2OID || typid == INT4OID || typid == INT8OID;
}

/* Is typid a type an InSet compares by its bytes (text, varchar)? */
bool
inset_bytes_type(Oid typid)
{
	return typid == TEXTOID || typid == VARCHAROID;
}

/* An integer datum of type typid as int64. */
static int64
as_int64(Oid typid, Datum d)
{
	if (typid == INT2OID)
		return DatumGetInt16(d);
	if (typid == INT4OID)
		return DatumGetInt32(d);
	return DatumGetInt64(d);
}

/* The string key of a value, by bytes or through an output function. */
static StrKey
value_strkey(Datum value, FmgrInfo *out)
{
	StrKey		k;

	if (out == NULL)
	{
		/* short headers are fine; compressed or external ones are expanded */
		text	   *t = DatumGetTextPP(value);

		k.s = VARDATA_ANY(t);
		k.len = VARSIZE_ANY_EXHDR(t);
	}
	else
	{
		k.s = OutputFunctionCall(out, value);
		k.len = strlen(k.s);
	}
	return k;
}

/*
 * Build the membership test of the elements of array a for values of type
 * valtype, in cxt.  Integers of any width compare as numbers, text and
 * varchar by their bytes, other types by their output text.
 */
InSet *
inset_build(MemoryContext cxt, ArrayType *a, Oid valtype)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	InSet	   *s = palloc0(sizeof(InSet));
	Oid			elemtype = ARR_ELEMTYPE(a);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			i;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	s->valtype = valtype;
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(a, elemtype, typlen, typbyval, typalign, &elems, &nulls, &n);
	if (n == 0)
		s->kind = INSET_EMPTY;
	else if (inset_integer_type(elemtype) && inset_integer_type(valtype))
	{
		int64		min = PG_INT64_MAX,
					max = PG_INT64_MIN;
		int			m = 0;

		for (i = 0; i < n; i++)
		{
			int64		v;

			if (nulls[i])
				continue;
			v = as_int64(elemtype, elems[i]);
			min = Min(min, v);
			max = Max(max, v);
			m++;
		}
		/* a dense range (at most 64 bits per key, or 4096 bits) is a bitmap */
		if (m == 0)
			s->kind = INSET_EMPTY;
		else if ((uint64) max - (uint64) min < (uint64) 64 * m + 4096)
		{
			s->kind = INSET_BITMAP;
			s->min = min;
			s->nbits = (uint64) max - (uint64) min + 1;
			s->bits = palloc0(((s->nbits + 63) / 64) * sizeof(uint64));
			for (i = 0; i < n; i++)
			{
				uint64		b;

				if (nulls[i])
					continue;
				b = (uint64) as_int64(elemtype, elems[i]) - (uint64) min;
				s->bits[b / 64] |= UINT64CONST(1) << (b % 64);
			}
		}
		else
		{
			s->kind = INSET_INTHASH;
			s->ints = inttab_create(cxt, m, NULL);
			for (i = 0; i < n; i++)
			{
				bool		found;

				if (!nulls[i])
					inttab_insert(s->ints, as_int64(elemtype, elems[i]), &found);
			}
		}
	}
	else
	{
		FmgrInfo	elemout;
		FmgrInfo   *eout = NULL;

		if (inset_bytes_type(elemtype) && inset_bytes_type(valtype))
			s->kind = INSET_TEXT;
		else
		{
			Oid			outfunc;
			bool		varlena;

			s->kind = INSET_OUTPUT;
			getTypeOutputInfo(valtype, &outfunc, &varlena);
			fmgr_info_cxt(outfunc, &s->out, cxt);
			getTypeOutputInfo(elemtype, &outfunc, &varlena);
			fmgr_info_cxt(outfunc, &elemout, cxt);
			eout = &elemout;
		}
		s->strs = keytab_create(cxt, n, NULL);
		for (i = 0; i < n; i++)
		{
			bool		found;
			StrKey		k;
			KeyEntry   *e;

			if (nulls[i])
				continue;
			k = value_strkey(elems[i], eout);
			e = keytab_insert(s->strs, k, &found);
			if (!found && eout == NULL)
			{
				/* keep the bytes: elems point into the array, which may go */
				char	   *copy = palloc(k.len + 1);

				memcpy(copy, k.s, k.len);
				e->key.s = copy;
			}
		}
	}
	MemoryContextSwitchTo(old);
	return s;
}

/* Is value (of the set's value type) one of the set's keys? */
bool
inset_contains(InSet *s, Datum value)
{
	switch (s->kind)
	{
		case INSET_EMPTY:
			return false;
		case INSET_BITMAP:
			{
				uint64		b = (uint64) as_int64(s->valtype, value) - (uint64) s->min;

				return b < s->nbits && (s->bits[b / 64] & (UINT64CONST(1) << (b % 64))) != 0;
			}
		case INSET_INTHASH:
			return inttab_lookup(s->ints, as_int64(s->valtype, value)) != NULL;
		case INSET_TEXT:
			return keytab_lookup(s->strs, value_strkey(value, NULL)) != NULL;
		case INSET_OUTPUT:
			{
				StrKey		k = value_strkey(value, &s->out);
				bool		found = keytab_lookup(s->strs, k) != NULL;

				pfree((char *) k.s);
				return found;
			}
	}
	return false;
}
