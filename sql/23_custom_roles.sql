-- Custom roles (SPEC 3.4): create_role, drop_role, roles.
\set SHOW_CONTEXT never
\set spec_policy `cat examples/gitclub.polar`
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true);
SELECT pg_catalog.clock_timestamp() AS t0 \gset

-- the built-in roles of a type: what each grants and implies directly
SELECT * FROM rbac.roles('Repository');
SELECT * FROM rbac.roles('Organization');
-- actor types and types without roles have none
SELECT * FROM rbac.roles('User');
SELECT * FROM rbac.roles('Issue');

-- a custom role on one tenant; permissions and implied roles are stored
-- sorted and without duplicates
SELECT rbac.create_role('Organization:acme', 'billing', ARRAY['read', 'read']);
SELECT rbac.create_role('Organization:acme', 'auditor', ARRAY['repository.read', 'read'], ARRAY['member']);
SELECT rbac.create_role('Organization:acme', 'empty');
SELECT rbac.create_role('Organization:acme', 'nulls', NULL, NULL);
SELECT rbac.create_role('Organization:globex', 'billing', ARRAY['create_repository']);
SELECT rbac.create_role('Repository:1', 'triager', ARRAY['read', 'push'], ARRAY['reader']);
SELECT * FROM rbac.custom_role ORDER BY tenant_type, tenant_id, name;

-- roles of a tenant: built-in first, then its own custom roles, by name
SELECT * FROM rbac.roles('Organization:acme');
SELECT * FROM rbac.roles('Organization:globex');
SELECT * FROM rbac.roles('Organization:initech');
SELECT * FROM rbac.roles('Repository:1');

-- roles() errors
SELECT * FROM rbac.roles('Organisation');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM rbac.roles('Organization:');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM rbac.roles(':acme');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM rbac.roles('');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM rbac.roles(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM rbac.roles('User:alice');
\echo :LAST_ERROR_SQLSTATE

-- create_role errors write nothing
SELECT count(*) AS before FROM rbac.custom_role \gset
-- a name clashing with a built-in role, permission or relation of the type
SELECT rbac.create_role('Organization:acme', 'owner');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.create_role('Organization:acme', 'read');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.create_role('Repository:1', 'parent');
\echo :LAST_ERROR_SQLSTATE
-- a duplicate custom role
SELECT rbac.create_role('Organization:acme', 'billing', ARRAY['read']);
\echo :LAST_ERROR_SQLSTATE
-- permissions of the tenant's type only
SELECT rbac.create_role('Organization:acme', 'x', ARRAY['reed']);
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.create_role('Organization:acme', 'x', ARRAY['push']);
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.create_role('Organization:acme', 'x', ARRAY['read', NULL]);
\echo :LAST_ERROR_SQLSTATE
-- implied roles: built-in roles of the tenant's type only
SELECT rbac.create_role('Organization:acme', 'x', '{}', ARRAY['admin']);
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.create_role('Organization:acme', 'x', '{}', ARRAY['billing']);
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.create_role('Organization:acme', 'x', '{}', ARRAY['read']);
\echo :LAST_ERROR_SQLSTATE
-- tenants are resources of declared types
SELECT rbac.create_role('User:alice', 'x');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.create_role('Org:acme', 'x');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.create_role('Organization', 'x');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.create_role('Organization:acme', '');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.create_role('Organization:acme', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) - :before AS written FROM rbac.custom_role;

-- a custom role is assignable on its own tenant only
SELECT rbac.assign_role('User:erin', 'auditor', 'Organization:acme');
SELECT rbac.assign_role('User:frank', 'auditor', 'Organization:acme');
SELECT rbac.assign_role('User:erin', 'billing', 'Organization:globex');
SELECT rbac.assign_role('User:erin', 'auditor', 'Organization:globex');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.assign_role('User:erin', 'triager', 'Repository:2');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.assign_role('User:erin', 'triager', 'Repository:1');
SELECT rbac.remove_role('User:erin', 'triager', 'Repository:1');

-- drop_role: refused while assigned, unless cascade
SELECT rbac.drop_role('Organization:acme', 'auditor');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM rbac.custom_role WHERE name = 'auditor';
SELECT rbac.drop_role('Organization:acme', 'auditor', cascade => true);
SELECT count(*) FROM rbac.custom_role WHERE name = 'auditor';
SELECT * FROM rbac.assignments(resource => 'Organization:acme');
-- not assigned: dropped
SELECT rbac.drop_role('Organization:acme', 'empty');
-- dropping a role of one tenant leaves the same name on another tenant
SELECT rbac.remove_role('User:erin', 'billing', 'Organization:globex');
SELECT rbac.drop_role('Organization:acme', 'billing');
SELECT tenant_type, tenant_id, name FROM rbac.custom_role ORDER BY 1, 2, 3;
-- drop_role errors
SELECT rbac.drop_role('Organization:acme', 'billing');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.drop_role('Organization:acme', 'owner');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.drop_role('Organization:acme', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.drop_role('Organization', 'billing');
\echo :LAST_ERROR_SQLSTATE

-- audited
SELECT operation, detail FROM rbac.audit_log
WHERE at > :'t0' AND operation IN ('create_role', 'drop_role') ORDER BY at;

-- clean up
DELETE FROM rbac.assignment;
DELETE FROM rbac.custom_role;
