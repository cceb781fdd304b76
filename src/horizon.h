/*-------------------------------------------------------------------------
 *
 * horizon.h
 *	  The role-data write horizon (horizon.c): lets a backend reuse what it
 *	  read of role data under an earlier snapshot, exactly.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_HORIZON_H
#define RBAC_HORIZON_H

#include "postgres.h"

#include "fmgr.h"

extern void rbac_horizon_init(void);
extern Oid	rbac_horizon_relid(void);
extern uint64 rbac_horizon_full_xid(TransactionId xid);
extern bool rbac_horizon_same_role_data(Oid seq, uint64 a, uint64 b);

#endif							/* RBAC_HORIZON_H */
