/*-------------------------------------------------------------------------
 *
 * rowcache.h
 *	  Bound rows kept across transactions, each use checked against the
 *	  table (rowcache.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_ROWCACHE_H
#define RBAC_ROWCACHE_H

#include "postgres.h"

#include "access/attnum.h"
#include "utils/relcache.h"

struct TupleTableSlot;

/*
 * A key as rbac_rowcache_get worked it out, for the rbac_rowcache_put that
 * follows its miss (the same relation, index and key).
 */
typedef struct RbacRowKey
{
	bool		kept;			/* the cache may hold this key */
	Datum		key;
	const char *bytes;			/* the key's bytes (by reference) or NULL */
	int			len;
	uint64		hash;
} RbacRowKey;

extern void rbac_rowcache_init(void);
extern bool rbac_rowcache_get(Relation rel, Relation index, Datum key,
							  int ncols, const AttrNumber *attnums,
							  char **values, RbacRowKey *rk);
extern void rbac_rowcache_put(Relation rel, Relation index, const RbacRowKey *rk,
							  int ncols, const AttrNumber *attnums,
							  struct TupleTableSlot *slot, char **values);

#endif							/* RBAC_ROWCACHE_H */
