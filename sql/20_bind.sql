-- Bindings (SPEC 3.1 rbac.bind / rbac.unbind) and the delete triggers they
-- install (SPEC 4.4).  Tables live in schema regress_rd, dropped at the end.
\set SHOW_CONTEXT never
\set spec_policy `cat examples/gitclub.polar`
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true);
SELECT pg_catalog.clock_timestamp() AS t0 \gset

CREATE SCHEMA regress_rd;
SET search_path = regress_rd, public;
-- int, bigint, uuid and text keys
CREATE TABLE orgs (id int PRIMARY KEY, name text);
CREATE TABLE repos (id bigint PRIMARY KEY, org_id int REFERENCES orgs, name text,
                    is_public boolean NOT NULL DEFAULT false);
CREATE TABLE users (name text PRIMARY KEY);
CREATE TABLE teams (slug text PRIMARY KEY);
CREATE TABLE issues (id uuid PRIMARY KEY, repo bigint REFERENCES repos,
                     author text REFERENCES users, reviewer text REFERENCES users,
                     visibility text);
CREATE TABLE folders (id int PRIMARY KEY, parent int REFERENCES folders);
CREATE TABLE nokey (id int, org int);
CREATE TABLE twokeys (a int, b int, PRIMARY KEY (a, b));
CREATE VIEW a_view AS SELECT 1 AS id;

-- an undeclared type, with a suggestion
SELECT rbac.bind('Organisation', 'orgs');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.bind(NULL, 'orgs');
\echo :LAST_ERROR_SQLSTATE
-- not a table
SELECT rbac.bind('Organization', 'a_view');
\echo :LAST_ERROR_SQLSTATE
-- no primary key, a composite one, an unknown key column
SELECT rbac.bind('Organization', 'nokey');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.bind('Organization', 'twokeys');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.bind('Organization', 'orgs', 'nmae');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.bind('Organization', 'orgs', 'ctid');
\echo :LAST_ERROR_SQLSTATE
-- an explicit key on a table without primary key works
SELECT rbac.bind('Organization', 'nokey', 'id');
SELECT type, tbl, key_column, relations FROM rbac.binding ORDER BY type;

-- a relation whose target type is not bound cannot be inferred
SELECT rbac.bind('Repository', 'repos');
\echo :LAST_ERROR_SQLSTATE
-- bound to a table without foreign keys to repos: missing, candidates named
SELECT rbac.bind('Organization', 'orgs');
SELECT rbac.bind('Repository', 'nokey', 'id');
\echo :LAST_ERROR_SQLSTATE
-- inferred from the foreign key
SELECT rbac.bind('Repository', 'repos');
SELECT type, tbl, key_column, relations FROM rbac.binding ORDER BY type;

-- two candidate foreign keys: ambiguous, unless named
SELECT rbac.bind('User', 'users');
ALTER TABLE issues ADD COLUMN repo2 bigint REFERENCES repos;
SELECT rbac.bind('Issue', 'issues');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.bind('Issue', 'issues', relations => '{"repository": "repo"}');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.bind('Issue', 'issues', relations => '{"repository": "repo", "creator": "author"}');
SELECT relations FROM rbac.binding WHERE type = 'Issue';

-- bad relations arguments
SELECT rbac.bind('Issue', 'issues', relations => '["repo"]');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.bind('Issue', 'issues', relations => '{"repositry": "repo"}');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.bind('Issue', 'issues', relations => '{"repository": "rpo", "creator": "author"}');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.bind('Issue', 'issues', relations => '{"repository": 7, "creator": "author"}');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.bind('Organization', 'orgs', relations => '{"parent": "id"}');
\echo :LAST_ERROR_SQLSTATE

-- a self-referential relation is inferred from the table's own foreign key
SELECT rbac.bind('Folder', 'folders');
SELECT relations FROM rbac.binding WHERE type = 'Folder';

-- actor types bind too
SELECT rbac.bind('Group', 'teams');

-- one trigger pair per bound table
SELECT tgrelid::regclass AS tbl, tgname FROM pg_trigger
WHERE tgname LIKE 'rbac_bound%' ORDER BY tgrelid::regclass::text, tgname;

-- rebinding to another table moves the triggers
SELECT rbac.bind('Group', 'nokey', 'id');
SELECT tgrelid::regclass AS tbl, tgname FROM pg_trigger
WHERE tgname LIKE 'rbac_bound%' AND tgrelid IN ('teams'::regclass, 'nokey'::regclass)
ORDER BY tgrelid::regclass::text, tgname;
SELECT rbac.bind('Group', 'teams');

-- the audit log records each bind
SELECT operation, detail FROM rbac.audit_log WHERE at > :'t0' AND operation = 'bind'
ORDER BY at;

-- ids of bound types with non-string keys are stored canonically (role
-- data names existing rows only: SPEC 6.4)
INSERT INTO orgs VALUES (7, 'acme');
INSERT INTO repos VALUES (42, 7, 'anvil');
INSERT INTO users VALUES ('alice');
SELECT rbac.assign_role('User:alice', 'owner', 'Organization:007');
SELECT rbac.assign_role('User:alice', 'owner', 'Organization:7');
SELECT rbac.assign_role('User:alice', 'admin', 'Repository:0042');
SELECT rbac.assign_role('User:alice', 'admin', 'Repository:x');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.assign_role('User:alice', 'reader', 'Repository:99999999999999999999');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM rbac.assignments('User:alice');

-- delete triggers: rows of every key type take their role data with them
INSERT INTO orgs VALUES (8, 'globex');
INSERT INTO repos VALUES (43, 8, 'rocket');
INSERT INTO users VALUES ('bob'), ('carol');
INSERT INTO teams VALUES ('eng'), ('ops');
INSERT INTO issues VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 42, 'bob', NULL);
INSERT INTO folders VALUES (1, NULL), (2, 1);
SELECT rbac.assign_role('User:bob', 'member', 'Organization:7');
SELECT rbac.assign_role('User:carol', 'member', 'Organization:8');
SELECT rbac.assign_role('User:bob', 'reader', 'Repository:43');
SELECT rbac.assign_role('Group:eng', 'maintainer', 'Repository:43');
SELECT rbac.assign_role('User:carol', 'viewer', 'Folder:2');
SELECT rbac.assign_role('User:bob', 'superadmin');
SELECT rbac.create_role('Organization:7', 'auditor', '{read}');
SELECT rbac.assign_role('User:carol', 'auditor', 'Organization:7');
SELECT rbac.add_member('Group:eng', 'User:bob');
SELECT rbac.add_member('Group:ops', 'Group:eng');
SELECT rbac.add_member('Group:ops', 'User:carol');

SELECT rbac.create_role('Organization:8', 'triager', '{read}');
SELECT rbac.assign_role('User:carol', 'owner', 'Organization:8');

-- deleting a repository removes the assignments on it
DELETE FROM issues;
DELETE FROM repos WHERE org_id = 7;
SELECT * FROM rbac.assignments(resource => 'Repository:42');
-- deleting an organization (a tenant) removes its assignments and custom roles
DELETE FROM orgs WHERE id = 7;
SELECT * FROM rbac.assignments(resource => 'Organization:7');
SELECT tenant_type, tenant_id, name FROM rbac.custom_role ORDER BY 1, 2, 3;

-- deleting an actor removes its assignments and its memberships (as member)
DELETE FROM users WHERE name = 'bob';
SELECT * FROM rbac.assignments('User:bob');
SELECT * FROM rbac.membership ORDER BY 1, 2, 3, 4;

-- deleting a group removes its memberships as group and as member
DELETE FROM teams WHERE slug = 'eng';
SELECT * FROM rbac.membership ORDER BY 1, 2, 3, 4;
SELECT * FROM rbac.assignments('Group:eng');

-- a self-referential table: deleting the children, then the parent
DELETE FROM folders WHERE id = 2;
SELECT * FROM rbac.assignments(resource => 'Folder:2');

-- the deletions are audited, one row per statement and type
SELECT operation, detail FROM rbac.audit_log
WHERE at > :'t0' AND operation IN ('delete_cascade', 'truncate_cascade') ORDER BY at;

-- a uuid key: ids are canonical (lower case) whatever the case given
CREATE TABLE docs (id uuid PRIMARY KEY, parent uuid REFERENCES docs);
SELECT rbac.bind('Folder', 'docs');
INSERT INTO docs VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', NULL),
  ('b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
SELECT rbac.assign_role('User:carol', 'viewer', 'Folder:A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11');
SELECT rbac.assign_role('User:alice', 'viewer', 'Folder:{b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12}');
SELECT rbac.assign_role('User:alice', 'viewer', 'Folder:not-a-uuid');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM rbac.assignments(resource => 'Folder:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
DELETE FROM docs WHERE parent IS NOT NULL;
SELECT * FROM rbac.assignments('User:alice');
SELECT rbac.bind('Folder', 'folders');

-- a reused id does not inherit old grants
INSERT INTO users VALUES ('bob');
SELECT * FROM rbac.assignments('User:bob');

-- a rolled-back delete keeps the role data
BEGIN;
DELETE FROM users WHERE name = 'carol';
SELECT count(*) FROM rbac.assignment WHERE actor_type = 'User' AND actor_id = 'carol';
ROLLBACK;
SELECT count(*) FROM rbac.assignment WHERE actor_type = 'User' AND actor_id = 'carol';

-- TRUNCATE removes the role data of every id of the type
TRUNCATE orgs CASCADE;
SELECT count(*) FROM rbac.assignment WHERE resource_type = 'Organization';
SELECT count(*) FROM rbac.custom_role;
SELECT operation, detail->>'type' AS type, detail->>'assignments' AS assignments,
       detail->>'custom_roles' AS custom_roles
FROM rbac.audit_log WHERE at > :'t0' AND operation = 'truncate_cascade' ORDER BY at;

-- unbind removes the binding and the triggers; role data stays
INSERT INTO orgs VALUES (9, 'initech');
INSERT INTO repos VALUES (500, 9, 'stapler');
SELECT rbac.assign_role('User:carol', 'reader', 'Repository:500');
SELECT rbac.unbind('Repository');
SELECT tgname FROM pg_trigger WHERE tgrelid = 'repos'::regclass AND tgname LIKE 'rbac%';
DELETE FROM repos;
SELECT * FROM rbac.assignments(resource => 'Repository:500');
SELECT rbac.unbind('Repository');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.unbind('Repo');
\echo :LAST_ERROR_SQLSTATE
SELECT operation, detail FROM rbac.audit_log WHERE at > :'t0' AND operation = 'unbind';

-- a table bound to two types keeps its triggers until both are unbound
SELECT rbac.bind('Organization', 'folders');
SELECT rbac.unbind('Folder');
SELECT count(*) AS triggers FROM pg_trigger WHERE tgrelid = 'folders'::regclass AND tgname LIKE 'rbac%';
SELECT rbac.unbind('Organization');
SELECT count(*) AS triggers FROM pg_trigger WHERE tgrelid = 'folders'::regclass AND tgname LIKE 'rbac%';

-- bindings follow DDL: a key or relation column cannot be dropped, other
-- columns can; dropping a bound table unbinds its types
SELECT rbac.bind('Repository', 'repos', relations => '{"parent": "org_id"}');
ALTER TABLE repos DROP COLUMN org_id;
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE repos DROP COLUMN id CASCADE;
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE repos DROP COLUMN name;
DROP TABLE repos CASCADE;
SELECT type FROM rbac.binding WHERE type = 'Repository';
SELECT operation, detail FROM rbac.audit_log
WHERE at > :'t0' AND operation = 'unbind' AND detail ? 'reason';
SELECT rbac.assign_role('User:carol', 'reader', 'Repository:7');

-- canonical ids of a name key are the key type's own form (63 bytes): role
-- data stores them so, checks look them up so, and the delete trigger finds
-- them
BEGIN;
SELECT rbac.load_policy('actor User {} resource Doc { roles = ["viewer"]; permissions = ["read"]; "read" if "viewer"; }',
                        drop_orphans => true);
CREATE TABLE named_docs (label name PRIMARY KEY);
INSERT INTO named_docs VALUES (repeat('n', 70));
INSERT INTO users VALUES ('ann') ON CONFLICT DO NOTHING;
SELECT rbac.bind('Doc', 'named_docs');
SELECT rbac.assign_role('User:ann', 'viewer', 'Doc:' || repeat('n', 70));
SELECT length(resource) AS stored_length FROM rbac.assignments('User:ann');
SELECT rbac.is_allowed('User:ann', 'read', 'Doc:' || repeat('n', 70)) AS long_id,
       rbac.is_allowed('User:ann', 'read', 'Doc:' || repeat('n', 63)) AS key_id;
DELETE FROM named_docs;
SELECT count(*) AS left_after_delete FROM rbac.assignments('User:ann');
ROLLBACK;

-- clean up
SELECT rbac.unbind(type) FROM rbac.binding ORDER BY type;
DELETE FROM rbac.assignment;
DELETE FROM rbac.membership;
DELETE FROM rbac.custom_role;
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA regress_rd CASCADE;
RESET client_min_messages;
