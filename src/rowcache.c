/*-------------------------------------------------------------------------
 *
 * rowcache.c
 *	  Rows of bound tables kept across transactions for the check engine,
 *	  each use confirmed by the table itself.
 *
 * A check of an issue reads the row for its repository, then the
 * repository's row for its organization: two btree descents, most of a
 * check's cost.  The parents are shared (every issue of a repository
 * names the same repository row), so a session checking one user's work
 * reads the same few parent rows again and again.
 *
 * An entry keeps, for (key index, key value), where the row version was
 * (its TID), who inserted it (its raw xmin), the table's relfilenode, and
 * the text of the columns the engine asked for.  A use fetches the heap
 * tuple at that TID in the caller's snapshot: when that version is
 * visible and has the same inserter in the same relfilenode, it is the
 * very version read before (a tuple is never changed in place, and a line
 * pointer is reused only after its tuple is dead to everyone), so the
 * kept text is exactly what the index scan would return: for a unique
 * index at most one version of a key is visible to a snapshot.  Anything
 * else is a miss, and the row is read through the index as before.  So
 * writes to the table need no notice: an UPDATE or DELETE makes the kept
 * version invisible to later snapshots, TRUNCATE, CLUSTER and VACUUM FULL
 * change the relfilenode, and a relcache invalidation of the table (DDL,
 * a type changed without rewrite) empties the cache.
 *
 * Not used: for tables not stored as heap and temporary tables, non-unique
 * or deferrable key indexes, keys of variable length over a few bytes,
 * rows past the table's first gigabyte, under SERIALIZABLE (the index scan
 * takes the predicate lock a read of the key needs), and with
 * rbac.row_cache_size = 0.  A kept row whose page is not in shared
 * buffers is read through the index.
 *
 * The cache is a table of fixed-size entries (128 bytes), two per set: a
 * new row replaces the one of its set that was not used again since it
 * was stored, so rows read once (the checked resources themselves) do not
 * push out the shared parents.  It starts at 64 kB and grows fourfold
 * whenever as many rows were pushed out as it has sets, up to
 * rbac.row_cache_size.  A key index whose rows are seldom found again is
 * kept for a sample of its keys only (see IndexUse).
 *
 *-------------------------------------------------------------------------
 */
#include "rowcache.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_am.h"
#include "common/hashfn.h"
#include "executor/tuptable.h"
#include "storage/bufmgr.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

/* rbac.row_cache_size: kB of entries (0: none) */
static int	row_cache_kb = 8192;

/* Bytes of an entry for its key, column numbers and column text. */
#define ENTRY_DATA 80

/* One kept row; hash 0 is an empty entry. */
typedef struct RowEntry
{
	uint64		hash;			/* of the key index and key value */
	Oid			indexid;
	Oid			relnode;		/* the table's relfilenode when read */
	TransactionId xmin;			/* raw xmin of the version read */
	Buffer		buf;			/* the buffer its page was last seen in */
	ItemPointerData tid;		/* where the version was */
	bool		used;			/* found again since it was stored */
	uint8		ncols;
	uint8		keylen;			/* bytes of key in data; 0: by value */
	Datum		keyval;			/* a key passed by value */
	char		data[ENTRY_DATA];	/* key bytes, column numbers, then per
									 * column a null flag and its text */
} RowEntry;

StaticAssertDecl(sizeof(RowEntry) == 128, "a row cache entry is two cache lines");

static RowEntry *entries = NULL;
static uint32 nsets = 0;		/* entries holds 2 * nsets */
static uint32 evictions = 0;	/* rows replaced since the last growth */
static int	entries_kb = 0;		/* the setting they were made under */
static List *cached_rels = NIL; /* OIDs of tables with entries */

/* Sets of a new cache: it grows, up to the setting, as rows push out rows. */
#define FIRST_SETS 256

/*
 * How often the rows of a key index are found again.  An index whose rows
 * are read once (the checked resources themselves, at random) is kept for
 * one key in SAMPLE only, chosen by the key's hash: the sampled keys are
 * kept in full, so their hit rate is the index's, and the index returns to
 * full use once it rises.  Keys of the other indexes' rows are then not
 * pushed out, and a lookup of a key outside the sample touches no entry.
 */
typedef struct IndexUse
{
	Oid			indexid;
	uint32		gets;			/* lookups counted (halved as they grow) */
	uint32		hits;			/* of them found */
} IndexUse;

#define MAX_INDEX_USES 16
#define SAMPLE 8
#define USE_WARM 256			/* lookups before an index can be sampled */
#define USE_DECAY 4096			/* lookups at which both counts halve */
#define USE_RARE 16				/* sampled when hits * USE_RARE < gets */

static IndexUse index_uses[MAX_INDEX_USES];
static int	n_index_uses = 0;

/* Empty the cache (an invalidation, or a new size). */
static void
rowcache_clear(void)
{
	if (entries != NULL)
		memset(entries, 0, sizeof(RowEntry) * 2 * (Size) nsets);
	list_free(cached_rels);
	cached_rels = NIL;
	n_index_uses = 0;
}

/* Free the cache (the setting changed); the next use makes a new one. */
static void
rowcache_free(void)
{
	if (entries != NULL)
		pfree(entries);
	entries = NULL;
	nsets = 0;
	rowcache_clear();
}

/* Relcache invalidation: a table with entries changed, or any (InvalidOid). */
static void
rowcache_relcache_cb(Datum arg, Oid relid)
{
	if (cached_rels == NIL)
		return;
	if (relid == InvalidOid || list_member_oid(cached_rels, relid))
		rowcache_clear();
}

/* Define rbac.row_cache_size and register the callback (from _PG_init). */
void
rbac_rowcache_init(void)
{
	DefineCustomIntVariable("rbac.row_cache_size",
							"Memory each session may keep rows of bound tables in across transactions.",
							"A kept row is used only after the table confirms the same row version is visible; 0 keeps none.",
							&row_cache_kb,
							8192, 0, MAX_KILOBYTES,
							PGC_SUSET, GUC_UNIT_KB,
							NULL, NULL, NULL);
	CacheRegisterRelcacheCallback(rowcache_relcache_cb, (Datum) 0);
}

/*
 * The key's bytes (for a key passed by reference) and their number, or
 * -1 when the key cannot be kept: too long, or of a length the index does
 * not give.
 */
static int
key_bytes(Relation index, Datum key, const char **bytes)
{
	Form_pg_attribute att = TupleDescAttr(RelationGetDescr(index), 0);
	int			len;

	*bytes = NULL;
	if (att->attbyval)
		return 0;
	if (att->attlen == -1)
	{
		*bytes = VARDATA_ANY(DatumGetPointer(key));
		len = VARSIZE_ANY_EXHDR(DatumGetPointer(key));
	}
	else if (att->attlen > 0)
	{
		*bytes = DatumGetPointer(key);
		len = att->attlen;
	}
	else
		return -1;
	return len < ENTRY_DATA / 2 ? len : -1;
}

/* The sets rbac.row_cache_size holds. */
static uint32
max_sets(void)
{
	Size		n = (Size) row_cache_kb * 1024 / (2 * sizeof(RowEntry));

	return (uint32) Min(Max(n, 1), PG_UINT32_MAX / 2);
}

/*
 * Make the cache want sets, moving the entries there (a row whose set is
 * full is dropped).  The memory is zeroed, so it is all counted at once:
 * growing in steps keeps sessions that check little small.
 */
static void
grow(uint32 want)
{
	RowEntry   *old = entries;
	uint32		oldsets = nsets;
	uint32		i;

	entries = MemoryContextAllocExtended(TopMemoryContext,
										 sizeof(RowEntry) * 2 * (Size) want,
										 MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	nsets = want;
	evictions = 0;
	for (i = 0; old != NULL && i < 2 * oldsets; i++)
	{
		RowEntry   *set;

		if (old[i].hash == 0)
			continue;
		set = &entries[2 * (old[i].hash % nsets)];
		if (set[0].hash == 0)
			set[0] = old[i];
		else if (set[1].hash == 0)
			set[1] = old[i];
	}
	if (old != NULL)
		pfree(old);
}

/* Can rows of rel be kept, read through index, in this transaction? */
static bool
usable(Relation rel, Relation index)
{
	if (entries != NULL && entries_kb != row_cache_kb)
		rowcache_free();
	if (row_cache_kb == 0 || IsolationIsSerializable())
		return false;
	if (rel->rd_rel->relkind != RELKIND_RELATION || rel->rd_rel->relam != HEAP_TABLE_AM_OID ||
		RelationUsesLocalBuffers(rel))
		return false;
	if (!index->rd_index->indisunique || !index->rd_index->indimmediate)
		return false;
	if (entries == NULL)
	{
		grow(Min(FIRST_SETS, max_sets()));
		entries_kb = row_cache_kb;
	}
	return true;
}

/* The hash of (index, key); never 0, which marks an empty entry. */
static uint64
entry_hash(Oid indexid, Datum key, const char *bytes, int len)
{
	uint64		h = hash_bytes_uint32_extended(indexid, 0);

	if (bytes == NULL)
		h = hash_bytes_extended((const unsigned char *) &key, sizeof(Datum), h);
	else
		h = hash_bytes_extended((const unsigned char *) bytes, len, h);
	return h ? h : 1;
}

/* Does entry e hold (index, key, columns) of rel's current relfilenode? */
static bool
entry_matches(RowEntry *e, uint64 h, Relation rel, Relation index, Datum key,
			  const char *bytes, int len, int ncols, const AttrNumber *attnums)
{
	if (e->hash != h || e->indexid != RelationGetRelid(index) ||
		e->relnode != rel->rd_node.relNode || e->ncols != ncols || e->keylen != len)
		return false;
	if (bytes == NULL ? e->keyval != key : memcmp(e->data, bytes, len) != 0)
		return false;
	return memcmp(e->data + len, attnums, sizeof(AttrNumber) * ncols) == 0;
}

/*
 * Is the version e read still the visible one?  The tuple at its TID must
 * have the same inserter and be visible to the active snapshot.  The page
 * is looked for in the buffer it was last seen in (ReadRecentBuffer checks
 * the buffer still holds it, without a lookup in the buffer table), then
 * in shared buffers only (a page not there is a miss: the index path reads
 * it anyway), which also makes a TID past the end of a table VACUUM
 * truncated a miss instead of a read error, without asking the file its
 * size.  Within the first segment only: a prefetch of a later one may fail
 * when the table shrank below it.  What heap_fetch does, without the
 * predicate lock (never under SERIALIZABLE here).
 */
static bool
still_visible(Relation rel, RowEntry *e)
{
	BlockNumber blk = ItemPointerGetBlockNumber(&e->tid);
	OffsetNumber off = ItemPointerGetOffsetNumber(&e->tid);
	HeapTupleData tuple;
	Buffer		buf = e->buf;
	Page		page;
	ItemId		lp;
	bool		ok;

	if (blk >= RELSEG_SIZE)
		return false;
	if (!BufferIsValid(buf) ||
		!ReadRecentBuffer(rel->rd_node, MAIN_FORKNUM, blk, buf))
	{
		PrefetchBufferResult pf = PrefetchBuffer(rel, MAIN_FORKNUM, blk);

		buf = pf.recent_buffer;
		if (!BufferIsValid(buf) ||
			!ReadRecentBuffer(rel->rd_node, MAIN_FORKNUM, blk, buf))
			return false;
		e->buf = buf;
	}
	LockBuffer(buf, BUFFER_LOCK_SHARE);
	page = BufferGetPage(buf);
	ok = off >= FirstOffsetNumber && off <= PageGetMaxOffsetNumber(page);
	if (ok)
	{
		lp = PageGetItemId(page, off);
		ok = ItemIdIsNormal(lp);
	}
	if (ok)
	{
		tuple.t_data = (HeapTupleHeader) PageGetItem(page, lp);
		tuple.t_len = ItemIdGetLength(lp);
		tuple.t_tableOid = RelationGetRelid(rel);
		tuple.t_self = e->tid;
		ok = HeapTupleHeaderGetRawXmin(tuple.t_data) == e->xmin &&
			HeapTupleSatisfiesVisibility(&tuple, GetActiveSnapshot(), buf);
	}
	LockBuffer(buf, BUFFER_LOCK_UNLOCK);
	ReleaseBuffer(buf);
	return ok;
}

/*
 * The use counts of indexid (NULL when MAX_INDEX_USES indexes are counted
 * already: those past it are always kept).
 */
static IndexUse *
index_use(Oid indexid)
{
	int			i;

	for (i = 0; i < n_index_uses; i++)
		if (index_uses[i].indexid == indexid)
			return &index_uses[i];
	if (n_index_uses == MAX_INDEX_USES)
		return NULL;
	index_uses[n_index_uses].indexid = indexid;
	index_uses[n_index_uses].gets = 0;
	index_uses[n_index_uses].hits = 0;
	return &index_uses[n_index_uses++];
}

/* Is the key of hash h, of an index with use counts u, kept at all? */
static bool
key_kept(const IndexUse *u, uint64 h)
{
	if (u == NULL || u->gets < USE_WARM || (uint64) u->hits * USE_RARE >= u->gets)
		return true;
	return (h >> 56) % SAMPLE == 0;
}

/*
 * The kept text of the columns attnums of the row of rel whose key (in
 * index) is key, into values (palloc'd in the current context), when the
 * version kept is the one the active snapshot sees.  False: read it, and
 * pass rk (the key as worked out here) to rbac_rowcache_put.
 */
bool
rbac_rowcache_get(Relation rel, Relation index, Datum key, int ncols,
				  const AttrNumber *attnums, char **values, RbacRowKey *rk)
{
	const char *bytes;
	int			len;
	uint64		h;
	IndexUse   *u;
	RowEntry   *set;
	int			w;

	rk->kept = false;
	if (!usable(rel, index) || (len = key_bytes(index, key, &bytes)) < 0)
		return false;
	h = entry_hash(RelationGetRelid(index), key, bytes, len);
	u = index_use(RelationGetRelid(index));
	if (!key_kept(u, h))
		return false;
	rk->kept = true;
	rk->key = key;
	rk->bytes = bytes;
	rk->len = len;
	rk->hash = h;
	if (u != NULL && ++u->gets >= USE_DECAY)
	{
		u->gets /= 2;
		u->hits /= 2;
	}
	set = &entries[2 * (h % nsets)];
	for (w = 0; w < 2; w++)
	{
		RowEntry   *e = &set[w];
		const char *p;
		int			i;

		if (!entry_matches(e, h, rel, index, key, bytes, len, ncols, attnums))
			continue;
		if (!still_visible(rel, e))
		{
			e->hash = 0;
			return false;
		}
		e->used = true;
		if (u != NULL)
			u->hits++;
		p = e->data + len + sizeof(AttrNumber) * ncols;
		for (i = 0; i < ncols; i++)
		{
			bool		isnull = *p++;

			values[i] = isnull ? NULL : pstrdup(p);
			if (!isnull)
				p += strlen(p) + 1;
		}
		return true;
	}
	return false;
}

/*
 * Keep the row just read through index into slot, with the text of its
 * columns, unless its key is not kept (rk, from the rbac_rowcache_get that
 * missed it) or it does not fit in an entry.
 */
void
rbac_rowcache_put(Relation rel, Relation index, const RbacRowKey *rk, int ncols,
				  const AttrNumber *attnums, TupleTableSlot *slot, char **values)
{
	const char *bytes = rk->bytes;
	int			len = rk->len;
	uint64		h = rk->hash;
	int			need;
	int			i;
	RowEntry   *set;
	RowEntry   *e;
	char	   *p;
	bool		shouldfree;
	HeapTuple	tuple;

	if (!rk->kept || ncols > 255)
		return;
	need = len + sizeof(AttrNumber) * ncols;
	for (i = 0; i < ncols; i++)
		need += 1 + (values[i] ? strlen(values[i]) + 1 : 0);
	if (need > ENTRY_DATA)
		return;
	set = &entries[2 * (h % nsets)];

	/* its own way, an empty one, else one not used again since stored */
	if (set[0].hash == h)
		e = &set[0];
	else if (set[1].hash == h)
		e = &set[1];
	else if (set[0].hash == 0)
		e = &set[0];
	else if (set[1].hash == 0)
		e = &set[1];
	else if (!set[0].used)
		e = &set[0];
	else if (!set[1].used)
		e = &set[1];
	else
	{
		/* both used again: replace one, and let the other prove itself */
		e = &set[h >> 63];
		set[1 - (h >> 63)].used = false;
	}
	if (e->hash != 0 && e->hash != h && ++evictions > nsets && nsets < max_sets())
	{
		/* rows pushing out rows: a larger cache, and this row's new set */
		grow(Min((uint64) nsets * 4, max_sets()));
		rbac_rowcache_put(rel, index, rk, ncols, attnums, slot, values);
		return;
	}

	tuple = ExecFetchSlotHeapTuple(slot, false, &shouldfree);
	e->xmin = HeapTupleHeaderGetRawXmin(tuple->t_data);
	if (shouldfree)
		heap_freetuple(tuple);
	e->hash = h;
	e->indexid = RelationGetRelid(index);
	e->relnode = rel->rd_node.relNode;
	e->tid = slot->tts_tid;
	e->buf = TTS_IS_BUFFERTUPLE(slot) ? ((BufferHeapTupleTableSlot *) slot)->buffer : InvalidBuffer;
	e->used = false;
	e->ncols = ncols;
	e->keylen = len;
	e->keyval = bytes == NULL ? rk->key : (Datum) 0;
	p = e->data;
	if (len > 0)
		memcpy(p, bytes, len);
	p += len;
	memcpy(p, attnums, sizeof(AttrNumber) * ncols);
	p += sizeof(AttrNumber) * ncols;
	for (i = 0; i < ncols; i++)
	{
		*p++ = values[i] == NULL;
		if (values[i] != NULL)
		{
			size_t		l = strlen(values[i]) + 1;

			memcpy(p, values[i], l);
			p += l;
		}
	}
	if (!list_member_oid(cached_rels, RelationGetRelid(rel)))
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		cached_rels = lappend_oid(cached_rels, RelationGetRelid(rel));
		MemoryContextSwitchTo(old);
	}
}
