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

extern void rbac_rowcache_init(void);
extern bool rbac_rowcache_get(Relation rel, Relation index, Datum key,
							  int ncols, const AttrNumber *attnums,
							  char **values);
extern void rbac_rowcache_put(Relation rel, Relation index, Datum key,
							  int ncols, const AttrNumber *attnums,
							  struct TupleTableSlot *slot, char **values);

#endif							/* RBAC_ROWCACHE_H */
