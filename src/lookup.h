/*-------------------------------------------------------------------------
 *
 * lookup.h
 *	  Direct index probes of the role-data catalogs (lookup.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_LOOKUP_H
#define RBAC_LOOKUP_H

#include "postgres.h"

#include "access/attnum.h"
#include "fmgr.h"
#include "utils/relcache.h"

/* Catalog relations, indexes and column numbers, resolved per model. */
typedef struct RbacCatalogs
{
	Oid			assignment;
	Oid			assignment_key;
	Oid			membership;
	Oid			membership_pkey;
	Oid			custom_role;
	Oid			custom_role_pkey;
	Oid			assignment_actor_idx;
	Oid			horizon;		/* rbac.role_data_horizon (horizon.c) */
	AttrNumber	asg_actor_type;
	AttrNumber	asg_actor_id;
	AttrNumber	asg_role;
	AttrNumber	asg_resource_type;
	AttrNumber	asg_resource_id;
	AttrNumber	asg_expires_at;
	AttrNumber	mem_group_type;
	AttrNumber	mem_group_id;
	AttrNumber	mem_member_type;
	AttrNumber	mem_member_id;
	AttrNumber	cr_tenant_type;
	AttrNumber	cr_tenant_id;
	AttrNumber	cr_name;
	AttrNumber	cr_permissions;
	AttrNumber	cr_implies;
} RbacCatalogs;

/*
 * One relation opened for the probes of an evaluation, with its index scan
 * (rescanned for the next probe with as many keys).
 */
typedef struct RbacProbeRel
{
	Relation	rel;
	Relation	index;
	struct TupleTableSlot *slot;
	struct IndexScanDescData *scan;
	int			scan_nkeys;
} RbacProbeRel;

/* Bound tables whose rows one evaluation keeps open. */
#define RBAC_PROBE_ROWS 4

/* The catalogs and bound tables opened by one evaluation. */
typedef struct RbacProbe
{
	RbacCatalogs *c;
	RbacProbeRel assignment;
	RbacProbeRel membership;
	RbacProbeRel custom_role;
	RbacProbeRel by_actor;		/* rbac.assignment by actor */
	RbacProbeRel rows[RBAC_PROBE_ROWS];	/* bound tables, by key index */
	int64		expiry_min;		/* lowers to the expiry of each unexpired
								 * assignment read (a TimestampTz) */
} RbacProbe;

extern void rbac_lookup_init(RbacCatalogs *c);
extern void rbac_probe_begin(RbacProbe *p, RbacCatalogs *c);
extern void rbac_probe_end(RbacProbe *p);
extern void rbac_lookup_roles(RbacProbe *p, const char *rtype,
							  const char *rid, const char *atype,
							  const char *aid,
							  void (*fn) (void *arg, const char *role),
							  void *arg);
extern void rbac_lookup_resource_roles(RbacProbe *p, const char *rtype,
									   const char *rid,
									   void (*fn) (void *arg, const char *role,
												   const char *atype,
												   const char *aid),
									   void *arg);
extern void rbac_lookup_actor_roles(RbacProbe *p, const char *atype,
									const char *aid, const char *rtype,
									bool (*fn) (void *arg, const char *role,
												const char *rtype,
												const char *rid),
									void *arg);
extern void rbac_lookup_groups(RbacProbe *p, const char *mtype,
							   const char *mid,
							   void (*fn) (void *arg, const char *gtype,
										   const char *gid),
							   void *arg);
extern bool rbac_lookup_custom_role(RbacProbe *p, const char *ttype,
									const char *tid, const char *name,
									char ***perms, int *nperms,
									char ***implies, int *nimplies);
extern bool rbac_lookup_type_has_custom_role(RbacProbe *p, const char *ttype);
extern bool rbac_fetch_row(RbacProbe *p, Oid relid, Oid indexid, RegProcedure eqproc,
						   Oid collation, Datum key, int ncols,
						   const AttrNumber *attnums, FmgrInfo *outfuncs,
						   char **values);

#endif							/* RBAC_LOOKUP_H */
