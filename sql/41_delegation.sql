-- Delegated end-user administration (SPEC 3.4): a database role with no
-- privilege on the catalogs may change role data on a resource when its
-- current actor holds manage_roles (setting rbac.manage_permission) there.
\set SHOW_CONTEXT never
SET client_min_messages = warning;
CREATE ROLE regress_delegate;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO regress_delegate;
SET ROLE regress_delegate;

-- alice owns acme: manage_roles on the organization and (as admin) on its repositories
SELECT rbac.set_actor('User:alice');
SELECT rbac.assign_role('User:erin', 'reader', 'Repository:2');
SELECT rbac.remove_role('User:erin', 'reader', 'Repository:2');
SELECT rbac.assign_role('User:erin', 'member', 'Organization:acme');
SELECT rbac.create_role('Organization:acme', 'triager', ARRAY['read'], '{}');
SELECT rbac.drop_role('Organization:acme', 'triager');
-- but not on globex, and never global roles
SELECT rbac.assign_role('User:erin', 'member', 'Organization:globex');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.assign_role('User:erin', 'superadmin');
\echo :LAST_ERROR_SQLSTATE

-- bob is only a member: no manage_roles
SELECT rbac.set_actor('User:bob');
SELECT rbac.assign_role('User:bob', 'owner', 'Organization:acme');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.remove_role('User:erin', 'member', 'Organization:acme');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.create_role('Organization:acme', 'sneaky', ARRAY['manage_roles'], '{}');
\echo :LAST_ERROR_SQLSTATE

-- no actor: nothing
SELECT rbac.reset_actor();
SELECT rbac.assign_role('User:erin', 'reader', 'Repository:2');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- what was written, audited with the actor
SELECT actor, operation, detail->>'role' AS role FROM rbac.audit_log
WHERE db_user = 'regress_delegate' ORDER BY at;
SELECT rbac.remove_role('User:erin', 'member', 'Organization:acme');
REVOKE EXECUTE ON FUNCTION rbac.set_actor(text, boolean) FROM regress_delegate;
DROP ROLE regress_delegate;
