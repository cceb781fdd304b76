/*-------------------------------------------------------------------------
 *
 * run_as.h
 *	  The two identities pg_rbac runs its own SQL as (run_as.c): the
 *	  bootstrap superuser for the engine's reads, the extension owner for
 *	  role-data writes.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_RUN_AS_H
#define RBAC_RUN_AS_H

#include "postgres.h"

#include "executor/spi.h"

/* The identity to restore, and the caller's (the user before the switch). */
typedef struct RbacRunAs
{
	Oid			save_user;
	int			save_sec;
	Oid			caller;
	Oid			save_internal;	/* internal_user before the switch */
} RbacRunAs;

extern Oid	rbac_extension_owner(void);
extern void rbac_as_superuser_begin(RbacRunAs *r);
extern void rbac_as_owner_begin(RbacRunAs *r);
extern void rbac_run_as_end(RbacRunAs *r);
extern void rbac_run_as_init(void);

/*
 * Bracket a block that runs with SPI connected as the bootstrap superuser,
 * restoring the user on error too.  Scratch memory of the block lives in
 * SPI's procedure context and goes away at SPI_finish: anything that must
 * outlive the block is copied into a context the caller saved before
 * (MemoryContext callcxt = CurrentMemoryContext).  Fetch the model before
 * (it has its own connection).
 */
#define RBAC_INTERNAL_BEGIN() \
	do { \
		RbacRunAs	rbac_run_as_; \
		rbac_as_superuser_begin(&rbac_run_as_); \
		SPI_connect(); \
		PG_TRY(); \
		{

#define RBAC_INTERNAL_END() \
		} \
		PG_FINALLY(); \
		{ \
			rbac_run_as_end(&rbac_run_as_); \
		} \
		PG_END_TRY(); \
		SPI_finish(); \
	} while (0)

/*
 * Bracket a block that runs as the extension owner, restoring the user on
 * error too: RBAC_AS_OWNER_BEGIN(run_as); { ... } RBAC_AS_OWNER_END(run_as);
 * with an RbacRunAs of the caller's (run_as.caller is the user before).
 */
#define RBAC_AS_OWNER_BEGIN(run_as) RBAC_RUN_AS_BEGIN(rbac_as_owner_begin, run_as)
#define RBAC_AS_OWNER_END(run_as) RBAC_RUN_AS_END(run_as)

/*
 * The same for any identity: begin_fn is rbac_as_owner_begin or
 * rbac_as_superuser_begin (no SPI connection, unlike RBAC_INTERNAL_BEGIN).
 */
#define RBAC_RUN_AS_BEGIN(begin_fn, run_as) \
	do { \
		begin_fn(&(run_as)); \
		PG_TRY(); \
		{

#define RBAC_RUN_AS_END(run_as) \
		} \
		PG_FINALLY(); \
		{ \
			rbac_run_as_end(&(run_as)); \
		} \
		PG_END_TRY(); \
	} while (0)

#endif							/* RBAC_RUN_AS_H */
