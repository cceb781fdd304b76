/*-------------------------------------------------------------------------
 *
 * roledata.h
 *	  The role-data family: what the writers share (roledata.c) and the
 *	  assignment statements the writable view reuses (roledata_assign.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_ROLEDATA_H
#define RBAC_ROLEDATA_H

#include "postgres.h"

#include "utils/acl.h"

#include "executor/spi.h"
#include "nodes/execnodes.h"

#include "refs.h"
#include "run_as.h"

/* An assignment as passed in: references parsed, not yet validated. */
typedef struct AssignArgs
{
	RbacRef		actor;
	char	   *role;
	RbacRef		res;
	bool		global;			/* res unused */
	Datum		expires_at;
	bool		expires_null;
} AssignArgs;

/* roledata.c */
extern bool rbac_may_manage(const char *resource_type,
							const char *resource_id);
extern void rbac_rd_lock_policy(void);
extern bool rbac_rd_has_privilege(const char *relname, AclMode mode);
extern void rbac_rd_check_write_privilege(RbacRunAs *sw, const char *relname,
										  AclMode mode,
										  const char *resource_type,
										  const char *resource_id,
										  const char *operation);
extern Datum rbac_rd_text_datum(const char *s);
extern char *rbac_rd_spi_text(uint64 i, int n);
extern bool rbac_rd_spi_bool(int n);
extern int64 rbac_rd_spi_int64(int n);
extern void rbac_rd_resolve_ref(RbacRef *ref, RbacTypeKind kind);
extern void rbac_rd_require_row(const RbacRef *ref, const char *what);
extern int	rbac_rd_term_kind(const char *type, const char *name);
extern bool rbac_rd_is_global_role(const char *name);
extern char *rbac_rd_quoted_list(const char *sql, int nargs, Datum *values,
								 const char *nulls, char ***names_out,
								 int *n_out, bool quote);
extern void rbac_rd_validate_role(const char *role, const RbacRef *res);
extern void rbac_rd_spi_to_tuplestore(ReturnSetInfo *rsinfo);
extern void rbac_rd_spi_to_tuplestore_visible(ReturnSetInfo *rsinfo);
extern bool rbac_rd_is_current_actor(const RbacRef *ref);
extern void rbac_rd_check_read_privilege(RbacRunAs *sw, const char *relname,
										 bool self, const RbacRef *managed,
										 const char *operation);

/* roledata_assign.c */
extern void rbac_rd_parse_assignment(AssignArgs *a, const char *actor,
									 const char *role, const char *resource);
extern void rbac_rd_validate_assignment(RbacRunAs *sw, AssignArgs *a,
										AclMode mode, const char *operation);
extern int	rbac_rd_write_assignment(AssignArgs *a, Oid caller,
									const char *operation);
extern bool rbac_rd_delete_assignment(AssignArgs *a, Oid caller,
									  const char *operation);

#endif							/* RBAC_ROLEDATA_H */
