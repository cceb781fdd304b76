/*-------------------------------------------------------------------------
 *
 * policy_api.h
 *	  The SQL functions over the policy (policy_api.c), and what follows a
 *	  change of the policy or of a binding.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_POLICY_API_H
#define RBAC_POLICY_API_H

#include "postgres.h"

extern void rbac_policy_refresh(bool revalidate);

#endif							/* RBAC_POLICY_API_H */
