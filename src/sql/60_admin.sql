-- pg_rbac install script, part 60: administration without a superuser
-- (SPEC 6.3).  An administrator is a role that may execute
-- rbac.load_policy; grant_admin gives it that, the other policy, binding
-- and RLS functions, and the role-data privileges.

CREATE FUNCTION rbac.grant_admin(role regrole)
RETURNS void
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_grant_admin';
COMMENT ON FUNCTION rbac.grant_admin(regrole) IS
'Make a role an administrator: it may load the policy, bind and protect (enable_rls, disable_rls) the tables it owns, and change and read role data without an actor. Superuser or extension owner only (42501). Audited.';
REVOKE EXECUTE ON FUNCTION rbac.grant_admin(regrole) FROM PUBLIC;

CREATE FUNCTION rbac.revoke_admin(role regrole)
RETURNS void
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_revoke_admin';
COMMENT ON FUNCTION rbac.revoke_admin(regrole) IS
'Undo rbac.grant_admin: revoke the privileges it granted. Superuser or extension owner only (42501). Audited.';
REVOKE EXECUTE ON FUNCTION rbac.revoke_admin(regrole) FROM PUBLIC;
