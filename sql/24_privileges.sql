-- Privileges on role data (SPEC 3, 3.4, 3.5): the catalogs are closed to
-- PUBLIC; the write functions check the caller's privileges on them and
-- then write as the extension owner; the audit log is append-only.
\set SHOW_CONTEXT never
\set spec_policy `cat examples/gitclub.polar`
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true);
SELECT pg_catalog.clock_timestamp() AS t0 \gset

CREATE ROLE regress_rbac_app;
CREATE ROLE regress_rbac_admin;
CREATE TABLE regress_rbac_docs (id int PRIMARY KEY, is_public boolean);
GRANT SELECT, DELETE ON regress_rbac_docs TO regress_rbac_app;
SELECT rbac.assign_role('User:alice', 'owner', 'Organization:acme');
SELECT rbac.add_member('Group:eng', 'User:alice');
SELECT rbac.create_role('Organization:acme', 'billing', ARRAY['read']);

-- An unprivileged role ------------------------------------------------------
SET ROLE regress_rbac_app;
-- the catalogs and the view are closed
SELECT count(*) FROM rbac.assignment;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM rbac.membership;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM rbac.custom_role;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM rbac.audit_log;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM rbac.role_assignments;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO rbac.assignment VALUES ('User', 'mallory', 'owner', 'Organization', 'acme', NULL);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO rbac.role_assignments VALUES ('User:mallory', 'owner', 'Organization:acme', NULL);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO rbac.audit_log (operation) VALUES ('forged');
\echo :LAST_ERROR_SQLSTATE
-- the write functions refuse, naming what is missing
SELECT rbac.assign_role('User:mallory', 'owner', 'Organization:acme');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.assign_role('User:mallory', 'superadmin');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.remove_role('User:alice', 'owner', 'Organization:acme');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.add_member('Group:eng', 'User:mallory');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.remove_member('Group:eng', 'User:alice');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.create_role('Organization:acme', 'mine');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.drop_role('Organization:acme', 'billing');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.bind('Repository', 'regress_rbac_docs');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.unbind('Repository');
\echo :LAST_ERROR_SQLSTATE
-- without SELECT on the catalog and without an actor nothing is listed
SELECT * FROM rbac.assignments();
SELECT * FROM rbac.assignments('User:alice');
SELECT rbac.members('Group:eng');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.groups_of('User:alice');
\echo :LAST_ERROR_SQLSTATE
-- roles() is for everyone (a UI's drop-down); a tenant's custom roles only
-- for whoever may manage the tenant (no actor here: built-in roles only)
SELECT name, custom FROM rbac.roles('Organization:acme');
RESET ROLE;

-- the current actor may read its own assignments and groups, nobody else's
SELECT rbac.set_actor('User:alice');
SET ROLE regress_rbac_app;
SELECT rbac.current_actor();
SELECT * FROM rbac.assignments('User:alice');
SELECT rbac.groups_of('User:alice');
-- another actor's assignments: only those on resources alice manages
SELECT * FROM rbac.assignments('User:bob');
-- everything alice may see: her own and those on acme, which she manages
SELECT * FROM rbac.assignments();
-- and acme's custom roles
SELECT name, custom FROM rbac.roles('Organization:acme');
SELECT rbac.groups_of('User:bob');
\echo :LAST_ERROR_SQLSTATE
-- delegated administration: the current actor (alice, owner of acme)
-- holds manage_roles on the organization, so the write is allowed (see
-- 41_delegation for the refusals)
SELECT rbac.assign_role('User:bob', 'member', 'Organization:acme');
RESET ROLE;
-- undo it, so what follows starts from the same state
SELECT rbac.remove_role('User:bob', 'member', 'Organization:acme');
SELECT rbac.reset_actor();

-- Privileges granted by the DBA ---------------------------------------------
GRANT INSERT ON rbac.assignment TO regress_rbac_admin;
SET ROLE regress_rbac_admin;
SELECT rbac.assign_role('User:bob', 'member', 'Organization:acme');
-- no DELETE privilege: removing is refused
SELECT rbac.remove_role('User:bob', 'member', 'Organization:acme');
\echo :LAST_ERROR_SQLSTATE
-- no SELECT privilege, no actor: nothing is listed
SELECT * FROM rbac.assignments();
RESET ROLE;
GRANT DELETE, SELECT ON rbac.assignment TO regress_rbac_admin;
GRANT INSERT, DELETE, SELECT ON rbac.membership TO regress_rbac_admin;
GRANT INSERT, DELETE ON rbac.custom_role TO regress_rbac_admin;
SET ROLE regress_rbac_admin;
SELECT rbac.remove_role('User:bob', 'member', 'Organization:acme');
SELECT * FROM rbac.assignments();
SELECT rbac.add_member('Group:eng', 'User:bob');
SELECT rbac.members('Group:eng');
SELECT rbac.remove_member('Group:eng', 'User:bob');
SELECT rbac.create_role('Organization:acme', 'auditor', ARRAY['repository.read']);
SELECT rbac.drop_role('Organization:acme', 'auditor');
-- still no direct access to the catalog's rows beyond the grants
UPDATE rbac.assignment SET role = 'owner';
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- the view: its own privileges, then the same checks as assign_role
GRANT INSERT, SELECT, DELETE ON rbac.role_assignments TO regress_rbac_app;
SET ROLE regress_rbac_app;
INSERT INTO rbac.role_assignments VALUES ('User:mallory', 'owner', 'Organization:acme', NULL);
\echo :LAST_ERROR_SQLSTATE
COPY rbac.role_assignments (actor, role, resource) FROM stdin;
User:mallory	owner	Organization:acme
\.
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
GRANT INSERT, SELECT, DELETE ON rbac.role_assignments TO regress_rbac_admin;
SET ROLE regress_rbac_admin;
COPY rbac.role_assignments (actor, role, resource) FROM stdin;
User:gina	member	Organization:acme
User:hank	member	Organization:acme
\.
DELETE FROM rbac.role_assignments WHERE actor = 'User:hank';
SELECT * FROM rbac.role_assignments ORDER BY actor;
RESET ROLE;

-- the audit log names the database role that made each change
SELECT CASE db_user WHEN current_user THEN '(superuser)' ELSE db_user END AS db_user,
       operation, detail->>'actor' AS actor, detail->>'role' AS role
FROM rbac.audit_log WHERE at > :'t0' ORDER BY at;

-- Append-only audit log ------------------------------------------------------
GRANT SELECT, UPDATE, DELETE, TRUNCATE ON rbac.audit_log TO regress_rbac_admin;
SET ROLE regress_rbac_admin;
UPDATE rbac.audit_log SET operation = 'forged';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM rbac.audit_log;
\echo :LAST_ERROR_SQLSTATE
TRUNCATE rbac.audit_log;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) > 0 AS still_there FROM rbac.audit_log;
RESET ROLE;
-- a superuser may (here rolled back)
BEGIN;
DELETE FROM rbac.audit_log WHERE at > :'t0';
ROLLBACK;
SELECT count(*) > 0 AS still_there FROM rbac.audit_log WHERE at > :'t0';

-- the delete triggers on a bound table work for a role that may only
-- delete its rows: it needs no privilege on the catalogs
SELECT rbac.bind('Repository', 'regress_rbac_docs', relations => '{"parent": "id"}');
INSERT INTO regress_rbac_docs VALUES (1), (2);
SELECT rbac.assign_role('User:alice', 'admin', 'Repository:1');
SET ROLE regress_rbac_app;
DELETE FROM regress_rbac_docs WHERE id = 1;
RESET ROLE;
SELECT * FROM rbac.assignments(resource => 'Repository:1');
SELECT db_user, operation, detail->>'assignments' AS assignments FROM rbac.audit_log
WHERE at > :'t0' AND operation = 'delete_cascade';

-- clean up
SELECT rbac.unbind('Repository');
DROP TABLE regress_rbac_docs;
DELETE FROM rbac.assignment;
DELETE FROM rbac.membership;
DELETE FROM rbac.custom_role;
DROP OWNED BY regress_rbac_app, regress_rbac_admin;
DROP ROLE regress_rbac_app;
DROP ROLE regress_rbac_admin;
