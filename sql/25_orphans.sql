-- load_policy refuses to orphan role data (SPEC 3.1): 2BP01 with counts,
-- unless drop_orphans, which deletes the orphans and audits it.
\set SHOW_CONTEXT never
\set spec_policy `cat examples/gitclub.polar`
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true);
SELECT pg_catalog.clock_timestamp() AS t0 \gset

SELECT rbac.assign_role('User:alice', 'owner', 'Organization:acme');
SELECT rbac.assign_role('User:bob', 'maintainer', 'Repository:1');
SELECT rbac.assign_role('Group:eng', 'reader', 'Repository:1');
SELECT rbac.assign_role('User:root', 'superadmin');
SELECT rbac.create_role('Organization:acme', 'billing', ARRAY['read'], ARRAY['member']);
SELECT rbac.create_role('Organization:acme', 'auditor', ARRAY['repository.read']);
SELECT rbac.assign_role('User:carol', 'billing', 'Organization:acme');
SELECT rbac.assign_role('User:erin', 'auditor', 'Organization:acme');
SELECT rbac.add_member('Group:eng', 'User:bob');
SELECT rbac.add_member('User:lead', 'User:bob');

-- a policy without Group, superadmin, maintainer and repository.read
\set small_policy 'actor User {} resource Organization { roles = ["owner", "member"]; permissions = ["read"]; "member" if "owner"; "read" if "member"; } resource Repository { roles = ["reader", "admin"]; permissions = ["read"]; relations = { parent: Organization }; "reader" if "admin"; "read" if "reader"; }'
SELECT count(*) AS diagnostics FROM rbac.validate_policy(:'small_policy');

-- refused, with counts; nothing changes
SELECT rbac.load_policy(:'small_policy');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.policy_source() = :'spec_policy' AS policy_kept;
SELECT count(*) AS assignments FROM rbac.assignment;
SELECT count(*) AS custom_roles FROM rbac.custom_role;
SELECT count(*) AS memberships FROM rbac.membership;

-- with drop_orphans: loaded, orphans deleted, deletion audited
SELECT rbac.load_policy(:'small_policy', drop_orphans => true);
SELECT rbac.policy_source() = :'small_policy' AS policy_loaded;
SELECT * FROM rbac.assignments();
SELECT tenant_type, tenant_id, name FROM rbac.custom_role;
SELECT * FROM rbac.membership;
SELECT operation, detail FROM rbac.audit_log
WHERE at > :'t0' AND operation = 'drop_orphans';

-- nothing orphaned: loads without drop_orphans
SELECT rbac.load_policy(:'spec_policy');

-- clean up
DELETE FROM rbac.assignment;
DELETE FROM rbac.membership;
DELETE FROM rbac.custom_role;
