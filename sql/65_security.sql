-- Security regressions (issue #11, SPEC 6.1): an attacker holding the
-- application's credentials (regress_sec_app) or owning the bound tables
-- (regress_sec_owner) must never run code as anyone else, crash the
-- server, or get a wrong answer.  Each block is one finding of the review.
\set SHOW_CONTEXT never
\set VERBOSITY terse
SET client_min_messages = warning;

CREATE ROLE regress_sec_owner;
CREATE ROLE regress_sec_app;
CREATE SCHEMA sec AUTHORIZATION regress_sec_owner;
GRANT USAGE ON SCHEMA sec TO regress_sec_app;
-- who ran the planted functions, and whether it was a superuser
CREATE TABLE sec_ran (who name, su boolean);
GRANT INSERT ON sec_ran TO PUBLIC;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO regress_sec_app;

SET ROLE regress_sec_owner;
CREATE FUNCTION sec.chk(v text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.sec_ran SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user;
  RETURN true;
END $$;
-- finding 2: a domain-typed key and relation column owned by the table owner
CREATE DOMAIN sec.slug AS text CHECK (sec.chk(VALUE));
CREATE TABLE sec.orgs (id sec.slug PRIMARY KEY);
CREATE TABLE sec.repos (id int PRIMARY KEY, org_id sec.slug REFERENCES sec.orgs,
                        is_public boolean NOT NULL DEFAULT false, creator_id text);
INSERT INTO sec.orgs VALUES ('acme'), ('evil');
INSERT INTO sec.repos VALUES (1, 'acme', false, NULL), (2, 'evil', false, NULL), (3, 'evil', true, NULL),
                             (4, 'acme', false, 'mallory');
GRANT SELECT, UPDATE ON sec.orgs, sec.repos TO regress_sec_app;
RESET ROLE;

-- this file's types beside the SPEC policy (restored at the end)
\set spec_policy `cat examples/gitclub.polar`
\set sec_policy `cat sql/65_security.polar`
SELECT rbac.load_policy(:'spec_policy' || :'sec_policy');
SELECT rbac.bind('Org', 'sec.orgs');
SELECT rbac.bind('Repo', 'sec.repos', NULL, '{"org": "org_id", "creator": "creator_id"}');
SELECT rbac.assign_role('User:alice', 'member', 'Org:acme');
SELECT rbac.enable_rls('sec.orgs');
SELECT rbac.enable_rls('sec.repos');
TRUNCATE sec_ran;
-- the actors of this file exist: role data names existing rows of bound
-- types (SPEC 6.4)
CREATE TABLE sec_users AS WITH n AS (
  INSERT INTO users (id)
  SELECT unnest(ARRAY['alice', 'bob', 'carol', 'dora', 'erik', 'mallory', 'deep', 'first',
                      'second', 'r1', 'r2', 'x'])
  UNION ALL SELECT 'pad' || g FROM generate_series(1, 10001) g
  ON CONFLICT DO NOTHING RETURNING id)
SELECT id FROM n;
INSERT INTO groups (id) SELECT 'chain' || g FROM generate_series(1, 20000) g;

-- the domain's check never runs inside pg_rbac: not for checks, role data,
-- generated RLS or the key sets
SELECT rbac.is_allowed('User:alice', 'read', 'Repo:1') AS alice_reads_1,
       rbac.is_allowed('User:alice', 'read', 'Repo:2') AS alice_reads_2,
       rbac.is_allowed('User:alice', 'read', 'Repo:3') AS alice_reads_public_3;
SELECT rbac.assign_role('User:bob', 'owner', 'Org:evil');
SELECT rbac.authorized_resources('User:bob', 'update', 'Repo');
SET ROLE regress_sec_app;
SELECT rbac.set_actor('User:alice');
SELECT id FROM sec.repos ORDER BY id;
SELECT id FROM sec.orgs ORDER BY id;
-- finding 1: a domain over text as the sample type of the key sets
CREATE FUNCTION pg_temp.pwn(v text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.sec_ran SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user;
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE 'ALTER ROLE regress_sec_app SUPERUSER';
  END IF;
  RETURN true;
END $$;
CREATE DOMAIN pg_temp.d AS text CHECK (pg_temp.pwn(VALUE));
SELECT rbac._keys('Org', 'read', NULL::text::pg_temp.d);
SELECT rbac._keys_direct('Org', 'read', NULL::text::pg_temp.d);
SELECT rbac._keys_path('Repo', ARRAY['org'], 'read', NULL::text::pg_temp.d);
-- types a user can define are refused as key sets (their I/O is theirs)
CREATE TYPE pg_temp.e AS ENUM ('acme');
SELECT rbac._keys('Org', 'read', NULL::pg_temp.e);
\echo :LAST_ERROR_SQLSTATE
CREATE TYPE pg_temp.c AS (a text);
SELECT rbac._keys_direct('Org', 'read', NULL::pg_temp.c);
\echo :LAST_ERROR_SQLSTATE
-- finding 4: null elements of the path
SELECT rbac._keys_path('Repo', ARRAY[NULL]::text[], 'read', NULL::int);
\echo :LAST_ERROR_SQLSTATE
SELECT rbac._keys_path('Repo', ARRAY['org', NULL], 'read', NULL::int);
\echo :LAST_ERROR_SQLSTATE
-- finding 3: keys that change per row are refused before any index
-- condition is derived from them; constant keys still work
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT count(*) FROM pg_class c WHERE rbac._in(c.oid, ARRAY[c.oid], 'x');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) = (SELECT count(*) FROM pg_class) AS correlated_keys_all_found
FROM pg_class c WHERE rbac._in(c.oid, (SELECT ARRAY[c.oid]), 'x');
SELECT count(*) FROM pg_class c WHERE rbac._in(c.oid, ARRAY['pg_class'::regclass::oid], 'x');
SELECT count(*) FROM pg_class c WHERE rbac._in(c.oid, (SELECT ARRAY['pg_class'::regclass::oid]), NULL);
RESET enable_seqscan;
RESET enable_bitmapscan;
-- a PL/pgSQL variable reassigned between calls is a new set each time
DO $$
DECLARE arr int[]; hits int := 0;
BEGIN
  FOR i IN 1..5 LOOP
    arr := ARRAY[i];
    IF rbac._in(3, arr, NULL) THEN hits := hits + 1; END IF;
  END LOOP;
  RAISE WARNING 'hits for 3 in [1]..[5]: %', hits;
END $$;
RESET ROLE;
-- nobody became superuser, nothing ran as a superuser
SELECT rolname FROM pg_roles WHERE rolname LIKE 'regress_sec%' AND rolsuper;
SELECT count(*) AS ran_as_superuser FROM sec_ran WHERE su;

-- finding 11 and SPEC 6.1: bind refuses key and relation columns whose
-- type a user defined, and char(n)
SET ROLE regress_sec_owner;
CREATE TYPE sec.color AS ENUM ('red', 'blue');
CREATE TABLE sec.by_enum (id sec.color PRIMARY KEY);
CREATE TABLE sec.by_char (id char(4) PRIMARY KEY);
CREATE TABLE sec.by_rel (id int PRIMARY KEY, org_id sec.color);
RESET ROLE;
SELECT rbac.bind('Plain', 'sec.by_enum');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.bind('Plain', 'sec.by_char');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.bind('Rel', 'sec.by_rel', 'id', '{"org": "org_id"}');
\echo :LAST_ERROR_SQLSTATE

-- finding 5: the trigger functions of the role-data view and of bind are
-- not PUBLIC, and refuse any relation but their own
SET ROLE regress_sec_app;
CREATE TEMP VIEW fake AS SELECT 1::int AS actor, 2::bigint AS role, 3 AS resource, now() AS expires_at;
CREATE TRIGGER t INSTEAD OF INSERT ON fake FOR EACH ROW EXECUTE FUNCTION rbac._role_assignments_row();
\echo :LAST_ERROR_SQLSTATE
CREATE TEMP TABLE mine (id int);
CREATE TRIGGER t AFTER DELETE ON mine REFERENCING OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION rbac._bound_delete();
\echo :LAST_ERROR_SQLSTATE
DROP VIEW fake;
DROP TABLE mine;
RESET ROLE;
CREATE TEMP VIEW fake AS SELECT 1::int AS actor, 2::bigint AS role, 3 AS resource, now() AS expires_at;
CREATE TRIGGER t INSTEAD OF INSERT ON fake FOR EACH ROW EXECUTE FUNCTION rbac._role_assignments_row();
INSERT INTO fake VALUES (1, 2, 3, now());
\echo :LAST_ERROR_SQLSTATE
CREATE TRIGGER t2 BEFORE INSERT ON fake FOR EACH STATEMENT EXECUTE FUNCTION rbac._role_assignments_stmt();
INSERT INTO fake VALUES (1, 2, 3, now());
\echo :LAST_ERROR_SQLSTATE
CREATE TEMP TABLE mine (id int);
CREATE TRIGGER t AFTER DELETE ON mine REFERENCING OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION rbac._bound_delete();
INSERT INTO mine VALUES (1);
DELETE FROM mine;
\echo :LAST_ERROR_SQLSTATE
DROP VIEW fake;
DROP TABLE mine;

-- finding 9: every partition of a protected table is protected, also
-- partitions created or attached later, and deleting from a partition
-- removes the role data of the deleted rows
SET ROLE regress_sec_owner;
CREATE TABLE sec.docs (id int PRIMARY KEY, org_id sec.slug REFERENCES sec.orgs) PARTITION BY RANGE (id);
CREATE TABLE sec.docs_1 PARTITION OF sec.docs FOR VALUES FROM (1) TO (100);
INSERT INTO sec.docs VALUES (1, 'acme'), (2, 'evil');
GRANT SELECT, DELETE ON sec.docs, sec.docs_1 TO regress_sec_app;
RESET ROLE;
SELECT rbac.bind('Doc', 'sec.docs');
SELECT rbac.enable_rls('sec.docs');
SELECT rbac.assign_role('User:carol', 'editor', 'Doc:2');
SET ROLE regress_sec_owner;
CREATE TABLE sec.docs_2 PARTITION OF sec.docs FOR VALUES FROM (100) TO (200);
CREATE TABLE sec.docs_3 (id int PRIMARY KEY, org_id sec.slug);
ALTER TABLE sec.docs ATTACH PARTITION sec.docs_3 FOR VALUES FROM (200) TO (300);
GRANT SELECT, DELETE ON sec.docs_2, sec.docs_3 TO regress_sec_app;
RESET ROLE;
INSERT INTO sec.docs VALUES (150, 'evil'), (250, 'evil');
SELECT rbac.assign_role('User:carol', 'editor', 'Doc:150');
SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
       (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname LIKE 'rbac%') AS policies,
       (SELECT count(*) FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname LIKE 'rbac_bound%') AS triggers
FROM pg_class c WHERE c.relname LIKE 'docs%' AND c.relnamespace = 'sec'::regnamespace AND c.relkind IN ('r', 'p')
ORDER BY 1;
SET ROLE regress_sec_app;
SELECT rbac.set_actor('User:alice');
SELECT id FROM sec.docs ORDER BY 1;
SELECT id FROM sec.docs_1 ORDER BY 1;
SELECT id FROM sec.docs_2 ORDER BY 1;
SELECT id FROM sec.docs_3 ORDER BY 1;
DELETE FROM sec.docs_1;
DELETE FROM sec.docs_2;
SELECT rbac.set_actor('User:carol');
DELETE FROM sec.docs_1 RETURNING id;
DELETE FROM sec.docs_2 RETURNING id;
RESET ROLE;
-- the deleted documents' assignments went with them
SELECT * FROM rbac.assignments('User:carol');
SELECT id FROM sec.docs ORDER BY 1;

-- checks on a partitioned table's rows (no index probe of a partitioned index)
SELECT rbac.is_allowed('User:alice', 'read', 'Doc:1') AS alice_reads_doc_1,
       rbac.is_allowed('User:alice', 'read', 'Doc:250') AS alice_reads_doc_250,
       rbac.is_allowed('User:bob', 'read', 'Doc:250') AS bob_reads_doc_250;

-- finding 6: DDL on a bound table invalidates the cached model.  The key
-- of Org becomes a bigint-keyed table's: an org id above 2^32 must not be
-- read as another one, and a retyped relation column must not break checks
CREATE TABLE sec.teams (id int PRIMARY KEY, org_id int);
INSERT INTO sec.teams VALUES (1, 1), (2, 4294967297 % 1000);
CREATE TABLE sec.tenants (id int PRIMARY KEY);
INSERT INTO sec.tenants VALUES (1), (297);
SELECT rbac.bind('Tenant', 'sec.tenants');
SELECT rbac.bind('Team', 'sec.teams', NULL, '{"org": "org_id"}');
SELECT rbac.assign_role('User:dora', 'member', 'Tenant:1');
SELECT rbac.is_allowed('User:dora', 'read', 'Team:1') AS dora_reads_team_1,
       rbac.is_allowed('User:dora', 'read', 'Team:2') AS dora_reads_team_2;
ALTER TABLE sec.tenants ALTER COLUMN id TYPE bigint;
ALTER TABLE sec.teams ALTER COLUMN org_id TYPE bigint;
UPDATE sec.teams SET org_id = 4294967297 WHERE id = 2;
INSERT INTO sec.tenants VALUES (4294967297);
SELECT rbac.is_allowed('User:dora', 'read', 'Team:1') AS dora_reads_team_1,
       rbac.is_allowed('User:dora', 'read', 'Team:2') AS dora_reads_team_2;
SELECT rbac.assign_role('User:erik', 'member', 'Tenant:4294967297');
SELECT rbac.is_allowed('User:erik', 'read', 'Team:2') AS erik_reads_team_2,
       rbac.is_allowed('User:erik', 'read', 'Team:1') AS erik_reads_team_1;
-- a retyped key column of a bound table to a type pg_rbac refuses: checks
-- fail closed with the reason, until the column is changed back
CREATE TYPE sec.code AS ENUM ('1', '2');
ALTER TABLE sec.teams ALTER COLUMN id TYPE sec.code USING id::text::sec.code;
SELECT rbac.is_allowed('User:dora', 'read', 'Team:1');
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE sec.teams ALTER COLUMN id TYPE int USING id::text::int;
SELECT rbac.is_allowed('User:dora', 'read', 'Team:1') AS dora_reads_team_1;
-- dropping and re-creating the key index is seen too
ALTER TABLE sec.teams DROP CONSTRAINT teams_pkey;
SELECT rbac.is_allowed('User:dora', 'read', 'Team:1') AS dora_reads_team_1_no_index;
ALTER TABLE sec.teams ADD PRIMARY KEY (id);
SELECT rbac.is_allowed('User:dora', 'read', 'Team:1') AS dora_reads_team_1_new_index;
SELECT rbac.unbind('Team'), rbac.unbind('Tenant');

-- finding 12: checks are linear in the depth of relation and group chains
-- (100,000 nested folders and 20,000 nested groups took minutes; the
-- timeout only keeps a quadratic regression from hanging the suite)
CREATE TABLE sec.deep (id int PRIMARY KEY, parent_id int REFERENCES sec.deep);
INSERT INTO sec.deep SELECT g, NULLIF(g - 1, 0) FROM generate_series(1, 100000) g;
SELECT rbac.bind('Folder', 'sec.deep');
SELECT rbac.assign_role('User:deep', 'viewer', 'Folder:1');
INSERT INTO rbac.membership (group_type, group_id, member_type, member_id)
SELECT 'Group', 'chain' || g, CASE WHEN g = 1 THEN 'User' ELSE 'Group' END,
       CASE WHEN g = 1 THEN 'deep' ELSE 'chain' || (g - 1) END
FROM generate_series(1, 20000) g;
SELECT rbac.assign_role('Group:chain20000', 'viewer', 'Folder:50000');
SET statement_timeout = '60s';
SELECT rbac.is_allowed('User:deep', 'read', 'Folder:100000') AS deepest_by_root,
       rbac.is_allowed('User:nobody', 'read', 'Folder:100000') AS nobody,
       rbac.is_allowed('Group:chain1', 'read', 'Folder:60000') AS via_group_chain,
       rbac.is_allowed('Group:chain1', 'read', 'Folder:40000') AS above_the_group_grant;
SELECT count(*) AS explain_steps FROM rbac.explain('User:deep', 'read', 'Folder:100000');
RESET statement_timeout;
DELETE FROM rbac.membership WHERE group_id LIKE 'chain%';
SELECT rbac.unbind('Folder');

-- finding 7: every delegated change is audited by name, with the actor
-- that was authorized for it, however many rows the statement has
SELECT rbac.assign_role('User:mallory', 'owner', 'Org:acme');
GRANT SELECT, INSERT, DELETE ON rbac.role_assignments TO regress_sec_app;
SET ROLE regress_sec_app;
SELECT rbac.set_actor('User:mallory');
INSERT INTO rbac.role_assignments (actor, role, resource)
SELECT 'User:pad' || g, 'member', 'Org:acme' FROM generate_series(1, 10001) g;
RESET ROLE;
SELECT operation, actor, count(*) FROM rbac.audit_log
WHERE detail->>'actor' LIKE 'User:pad%' OR operation = 'bulk_assign'
GROUP BY 1, 2 ORDER BY 1, 2;
-- a privileged writer's rows are audited with the actor current when each
-- was added, even when the statement changes the actor between rows
SELECT rbac.set_actor('User:first');
INSERT INTO rbac.role_assignments (actor, role, resource)
SELECT CASE WHEN v.n = 2 THEN rbac.set_actor('User:second')::text || v.a ELSE v.a END,
       'member', 'Org:evil'
FROM (VALUES (1, 'User:r1'), (2, 'User:r2')) v(n, a)
ORDER BY v.n;
SELECT actor, detail->>'actor' AS assigned FROM rbac.audit_log
WHERE detail->>'actor' IN ('User:r1', 'User:r2') ORDER BY 2;
SELECT rbac.reset_actor();

-- finding 10: the role-data view and rbac.assignments() show a caller
-- without SELECT on the catalog only the actor's own assignments and those
-- on resources it manages; nothing without an actor
DELETE FROM rbac.assignment WHERE actor_id LIKE 'pad%';
SELECT rbac.assign_role('User:mallory', 'member', 'Org:evil');
SET ROLE regress_sec_app;
SELECT rbac.reset_actor();
SELECT count(*) AS rows_without_actor FROM rbac.role_assignments;
SELECT count(*) AS listed_without_actor FROM rbac.assignments();
SELECT rbac.set_actor('User:mallory');
SELECT * FROM rbac.role_assignments ORDER BY 1, 2, 3;
SELECT * FROM rbac.assignments() ORDER BY 1, 2, 3;
-- what is not shown cannot be deleted through the view either
DELETE FROM rbac.role_assignments WHERE resource = 'Org:evil' AND actor <> 'User:mallory';
SELECT rbac.set_actor('User:bob');
SELECT * FROM rbac.role_assignments ORDER BY 1, 2, 3;
RESET ROLE;
SELECT count(*) > 3 AS superuser_sees_all FROM rbac.role_assignments;
SELECT count(*) AS evil_members_left FROM rbac.assignment WHERE resource_id = 'evil';
REVOKE ALL ON rbac.role_assignments FROM regress_sec_app;

-- finding 8: an UPDATE cannot move a row under another resource (or
-- rewrite its creator) unless the actions map names a move permission
CREATE FUNCTION pg_temp.outcome(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; sch text; msg text; n bigint;
BEGIN
  EXECUTE q;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN 'ok, ' || n || ' rows';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, sch = SCHEMA_NAME, msg = MESSAGE_TEXT;
  RETURN st || ' schema=' || coalesce(nullif(sch, ''), '-') || ': ' || msg;
END $$;
GRANT EXECUTE ON FUNCTION pg_temp.outcome(text) TO PUBLIC;
SET ROLE regress_sec_app;
SELECT rbac.set_actor('User:bob');
-- bob maintains evil's repositories and owns nothing in acme
SELECT pg_temp.outcome($$UPDATE sec.repos SET org_id = 'acme' WHERE id = 2$$) AS move_to_acme;
SELECT pg_temp.outcome($$UPDATE sec.repos SET is_public = true WHERE id = 2$$) AS other_column;
SELECT rbac.set_actor('User:mallory');
SELECT pg_temp.outcome($$UPDATE sec.repos SET creator_id = 'alice' WHERE id = 4$$) AS rewrite_creator;
RESET ROLE;
SELECT id, org_id, is_public, creator_id FROM sec.repos ORDER BY id;
SELECT rbac.enable_rls('sec.repos', '{"move": "transfer"}');
SELECT rbac.enable_rls('sec.repos', '{"move": "fly"}');
\echo :LAST_ERROR_SQLSTATE
SET ROLE regress_sec_app;
SELECT rbac.set_actor('User:bob');
-- transfer on the old row, but no update permission on the new one
SELECT pg_temp.outcome($$UPDATE sec.repos SET org_id = 'acme' WHERE id = 2$$) AS move_without_target;
RESET ROLE;
INSERT INTO sec.repos VALUES (5, 'evil', true, 'alice');
SET ROLE regress_sec_app;
SELECT rbac.set_actor('User:alice');
-- alice created public repository 5 (so she may update it) but may not
-- transfer it
SELECT pg_temp.outcome($$UPDATE sec.repos SET org_id = 'acme' WHERE id = 5$$) AS move_without_transfer;
SELECT pg_temp.outcome($$UPDATE sec.repos SET creator_id = 'bob' WHERE id = 5$$) AS give_away;
SELECT pg_temp.outcome($$UPDATE sec.repos SET is_public = true WHERE id = 5$$) AS update_in_place;
RESET ROLE;
SELECT rbac.assign_role('User:bob', 'owner', 'Org:acme');
SET ROLE regress_sec_app;
SELECT rbac.set_actor('User:bob');
SELECT pg_temp.outcome($$UPDATE sec.repos SET org_id = 'acme' WHERE id = 2$$) AS move_with_both;
RESET ROLE;
SELECT id, org_id FROM sec.repos WHERE id = 2;
-- the superuser (who bypasses row level security) is not stopped
UPDATE sec.repos SET org_id = 'evil' WHERE id = 2;
SELECT rbac.remove_role('User:bob', 'owner', 'Org:acme');

-- SPEC 6.5: authorization decisions carry schema rbac, a missing GRANT not
SET ROLE regress_sec_app;
SELECT rbac.set_actor('User:alice');
SELECT pg_temp.outcome($$SELECT rbac.authorize('update', 'Repo:1')$$) AS forbidden;
SELECT pg_temp.outcome($$SELECT rbac.authorize('read', 'Repo:99')$$) AS not_found;
SELECT pg_temp.outcome($$SELECT rbac.assign_role('User:x', 'member', 'Org:evil')$$) AS refused_delegation;
SELECT pg_temp.outcome($$DELETE FROM sec.repos$$) AS missing_grant;
SELECT pg_temp.outcome($$INSERT INTO sec.orgs VALUES ('x')$$) AS missing_grant_insert;
RESET ROLE;

-- SPEC 6.4: role data names existing rows of bound types, through every
-- writer (assign_role, the view's INSERT and COPY paths, add_member,
-- create_role, custom role assignment); unbound types are accepted
CREATE FUNCTION pg_temp.state(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN EXECUTE q; RETURN 'ok';
EXCEPTION WHEN OTHERS THEN RETURN SQLSTATE || ': ' || SQLERRM; END $$;
SELECT pg_temp.state($$SELECT rbac.assign_role('User:ghost', 'member', 'Org:acme')$$) AS missing_actor,
       pg_temp.state($$SELECT rbac.assign_role('User:alice', 'member', 'Org:ghost')$$) AS missing_resource,
       pg_temp.state($$SELECT rbac.assign_role('User:ghost', 'superadmin')$$) AS missing_actor_global;
SELECT pg_temp.state($$INSERT INTO rbac.role_assignments (actor, role, resource)
                       VALUES ('User:alice', 'member', 'Org:ghost')$$) AS view_missing_resource,
       pg_temp.state($$INSERT INTO rbac.role_assignments (actor, role, resource)
                       SELECT 'User:ghost' || g, 'member', 'Org:acme' FROM generate_series(1, 3) g$$) AS view_bulk_missing_actor;
SELECT pg_temp.state($$SELECT rbac.add_member('Group:ghost', 'User:alice')$$) AS missing_group,
       pg_temp.state($$SELECT rbac.add_member('Group:chain1', 'User:ghost')$$) AS missing_member;
SELECT pg_temp.state($$SELECT rbac.create_role('Org:ghost', 'auditor', ARRAY['read'])$$) AS missing_tenant;
SELECT rbac.create_role('Org:acme', 'auditor', ARRAY['read']);
SELECT pg_temp.state($$SELECT rbac.assign_role('User:ghost', 'auditor', 'Org:acme')$$) AS custom_role_missing_actor;
SELECT rbac.drop_role('Org:acme', 'auditor');
-- a type that is not bound takes any id
SELECT pg_temp.state($$SELECT rbac.assign_role('User:alice', 'viewer', 'Folder:ghost')$$) AS unbound_type;
SELECT rbac.remove_role('User:alice', 'viewer', 'Folder:ghost');
SELECT count(*) AS ghost_rows FROM rbac.assignment WHERE actor_id LIKE 'ghost%' OR resource_id = 'ghost';
SELECT count(*) AS ghost_members FROM rbac.membership WHERE group_id = 'ghost' OR member_id = 'ghost';

-- clean up; the SPEC policy back for anything that follows
DELETE FROM users WHERE id IN (SELECT id FROM sec_users);
DELETE FROM groups WHERE id LIKE 'chain%';
DROP TABLE sec_users;
SELECT rbac.reset_actor();
SELECT rbac.disable_rls('sec.orgs'), rbac.disable_rls('sec.repos'), rbac.disable_rls('sec.docs');
SELECT rbac.unbind('Repo'), rbac.unbind('Doc'), rbac.unbind('Org');
DROP SCHEMA sec CASCADE;
DROP TABLE sec_ran;
DROP OWNED BY regress_sec_app, regress_sec_owner;
DROP ROLE regress_sec_app;
DROP ROLE regress_sec_owner;
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true);
