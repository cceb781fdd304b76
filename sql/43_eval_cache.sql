-- The actor's expansion (groups, global roles, assignments) is kept per
-- snapshot (src/actorset.c).  It must never answer from stale data: each
-- block below changes what a check sees between two checks of the same
-- actor, and the second check must see the change.
\set SHOW_CONTEXT never
\set spec_policy `cat examples/gitclub.polar`
SELECT rbac.load_policy(:'spec_policy' || $$
  actor Member {}
  actor Team {}
  resource Org {
    roles = ["member"];
    permissions = ["read"];
    "read" if "member";
  }
  resource Doc {
    roles = ["viewer"];
    permissions = ["read", "edit"];
    relations = { org: Org };
    "read" if "viewer";
    "read" if "read" on "org";
    "edit" if global "superadmin";
  }
  has_permission(user: Member, "edit", doc: Doc) if doc.locked = false and has_role(user, "viewer", doc);
$$);
CREATE TABLE ec_users (id text PRIMARY KEY);
CREATE TABLE ec_teams (id text PRIMARY KEY);
CREATE TABLE ec_orgs (id text PRIMARY KEY);
CREATE TABLE ec_docs (id int PRIMARY KEY, org_id text REFERENCES ec_orgs, locked boolean NOT NULL DEFAULT false);
INSERT INTO ec_users SELECT 'm' || i FROM generate_series(1, 8) i;
INSERT INTO ec_teams VALUES ('t1'), ('t2');
INSERT INTO ec_orgs VALUES ('o1'), ('o2');
INSERT INTO ec_docs SELECT i, CASE WHEN i <= 5 THEN 'o1' ELSE 'o2' END, i = 3 FROM generate_series(1, 10) i;
SELECT rbac.bind('Member', 'ec_users');
SELECT rbac.bind('Team', 'ec_teams');
SELECT rbac.bind('Org', 'ec_orgs');
SELECT rbac.bind('Doc', 'ec_docs', relations => '{"org": "org_id"}');
-- how many of the ten documents an actor may read, in one statement
CREATE FUNCTION ec_readable(actor text) RETURNS bigint LANGUAGE sql STABLE
  AS $$ SELECT count(*) FROM ec_docs d WHERE rbac.is_allowed(actor, 'read', 'Doc:' || d.id) $$;

-- 1. role data written earlier in the same transaction, by statements and
-- by a function between two checks
BEGIN;
SELECT ec_readable('Member:m1') AS before_assign;
SELECT rbac.assign_role('Member:m1', 'member', 'Org:o1');
SELECT ec_readable('Member:m1') AS after_assign;
SELECT rbac.add_member('Team:t1', 'Member:m1');
SELECT rbac.assign_role('Team:t1', 'viewer', 'Doc:7');
SELECT ec_readable('Member:m1') AS after_team_role;
SELECT rbac.remove_member('Team:t1', 'Member:m1');
SELECT ec_readable('Member:m1') AS after_leaving_team;
DO $$
BEGIN
  ASSERT NOT rbac.is_allowed('Member:m2', 'read', 'Doc:1');
  PERFORM rbac.assign_role('Member:m2', 'viewer', 'Doc:1');
  ASSERT rbac.is_allowed('Member:m2', 'read', 'Doc:1'), 'a role assigned in the function is seen';
  PERFORM rbac.remove_role('Member:m2', 'viewer', 'Doc:1');
  ASSERT NOT rbac.is_allowed('Member:m2', 'read', 'Doc:1'), 'a role removed in the function is gone';
END $$;
-- a global role, loaded with the expansion, then granted
SELECT rbac.is_allowed('Member:m1', 'edit', 'Doc:3') AS edit_before_superadmin;
SELECT rbac.assign_role('Member:m1', 'superadmin');
SELECT rbac.is_allowed('Member:m1', 'edit', 'Doc:3') AS edit_after_superadmin;
ROLLBACK;

-- 2. a changed actor in one transaction (set_actor; PgBouncer reuses the
-- connection the same way: TAP 045)
SELECT rbac.assign_role('Member:m3', 'member', 'Org:o1');
SELECT rbac.assign_role('Member:m4', 'member', 'Org:o2');
BEGIN;
SELECT rbac.set_actor('Member:m3', true);
SELECT count(*) AS u3_reads FROM ec_docs d WHERE rbac.is_allowed('read', 'Doc:' || d.id);
SELECT rbac.set_actor('Member:m4', true);
SELECT count(*) AS u4_reads FROM ec_docs d WHERE rbac.is_allowed('read', 'Doc:' || d.id);
SELECT rbac.reset_actor();
SELECT count(*) AS nobody_reads FROM ec_docs d WHERE rbac.is_allowed('read', 'Doc:' || d.id);
COMMIT;
-- many actors in one statement: more than the cache holds, each right
SELECT string_agg(a || '=' || ec_readable(a), ' ' ORDER BY a) AS per_actor
FROM (SELECT 'Member:m' || i AS a FROM generate_series(1, 8) i) s;

-- 3. subtransactions rolled back: what they wrote is gone, though the
-- snapshot may look the same
BEGIN;
SELECT ec_readable('Member:m5') AS u5_start;
SAVEPOINT s1;
SELECT rbac.assign_role('Member:m5', 'member', 'Org:o2');
SELECT ec_readable('Member:m5') AS u5_in_savepoint;
ROLLBACK TO SAVEPOINT s1;
SELECT ec_readable('Member:m5') AS u5_after_rollback;
SAVEPOINT s2;
SELECT rbac.add_member('Team:t2', 'Member:m5');
SELECT rbac.assign_role('Team:t2', 'viewer', 'Doc:2');
SELECT ec_readable('Member:m5') AS u5_team_in_savepoint;
RELEASE SAVEPOINT s2;
SELECT ec_readable('Member:m5') AS u5_team_released;
ROLLBACK;
DO $$
BEGIN
  BEGIN
    PERFORM rbac.assign_role('Member:m6', 'member', 'Org:o1');
    ASSERT rbac.is_allowed('Member:m6', 'read', 'Doc:1');
    RAISE EXCEPTION 'undo';
  EXCEPTION WHEN raise_exception THEN
    NULL;
  END;
  ASSERT NOT rbac.is_allowed('Member:m6', 'read', 'Doc:1'), 'a role of a rolled-back block is gone';
END $$;

-- 4. another session commits: a new statement in READ COMMITTED sees it,
-- REPEATABLE READ keeps its snapshot
CREATE EXTENSION IF NOT EXISTS dblink;
SELECT dblink_connect('ec_other', format('host=%s port=%s dbname=%s',
  split_part(current_setting('unix_socket_directories'), ',', 1),
  current_setting('port'), current_database())) AS connected;
BEGIN;
SELECT ec_readable('Member:m7') AS u7_read_committed_before;
SELECT * FROM dblink('ec_other', $$SELECT rbac.assign_role('Member:m7', 'member', 'Org:o1')$$) AS t(assigned_elsewhere boolean);
SELECT ec_readable('Member:m7') AS u7_read_committed_after;
COMMIT;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT ec_readable('Member:m7') AS u7_repeatable_before;
SELECT * FROM dblink('ec_other', $$SELECT rbac.assign_role('Member:m7', 'member', 'Org:o2')$$) AS t(assigned_elsewhere boolean);
SELECT ec_readable('Member:m7') AS u7_repeatable_same_snapshot;
COMMIT;
SELECT ec_readable('Member:m7') AS u7_next_transaction;

-- 5. a policy reload in the transaction: another model
SELECT rbac.assign_role('Member:m8', 'superadmin');
BEGIN;
SELECT rbac.is_allowed('Member:m8', 'read', 'Org:o1') AS superadmin_reads_before;
SELECT rbac.load_policy(rbac.policy_source() || $$ resource Org { "read" if global "superadmin"; }$$);
SELECT rbac.is_allowed('Member:m8', 'read', 'Org:o1') AS superadmin_reads_after;
ROLLBACK;

-- 6. nested evaluations: the last-mile rule of "edit" calls rbac._holds
-- for the same actor while the outer check holds its expansion; a bound
-- table's relcache invalidation (ANALYZE) rebuilds the model between
-- checks of one transaction
SELECT rbac.assign_role('Member:m2', 'viewer', 'Doc:' || i) FROM generate_series(1, 4) i;
BEGIN;
SELECT string_agg(d.id::text, ',' ORDER BY d.id) AS u2_edits
FROM ec_docs d WHERE rbac.is_allowed('Member:m2', 'edit', 'Doc:' || d.id);
ANALYZE ec_docs;
SELECT rbac.remove_role('Member:m2', 'viewer', 'Doc:4');
SELECT string_agg(d.id::text, ',' ORDER BY d.id) AS u2_edits_after
FROM ec_docs d WHERE rbac.is_allowed('Member:m2', 'edit', 'Doc:' || d.id);
COMMIT;
-- generated row-level security: rows checked one at a time (rbac._in_lazy)
-- share the expansion, and see a role assigned before the next statement
SELECT rbac.enable_rls('ec_docs');
CREATE ROLE ec_app;
GRANT SELECT ON ec_docs TO ec_app;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO ec_app;
SET rbac.rls_check_budget = 1000000;
SET ROLE ec_app;
BEGIN;
SELECT rbac.set_actor('Member:m3', true);
SELECT string_agg(id::text, ',' ORDER BY id) AS u3_rows FROM ec_docs;
RESET ROLE;
SELECT rbac.assign_role('Member:m3', 'viewer', 'Doc:9');
SET ROLE ec_app;
SELECT string_agg(id::text, ',' ORDER BY id) AS u3_rows_after FROM ec_docs;
SELECT rbac.set_actor('Member:m4', true);
SELECT string_agg(id::text, ',' ORDER BY id) AS u4_rows FROM ec_docs;
ROLLBACK;
RESET ROLE;
-- a savepoint rolled back after another session committed: the snapshot
-- after the rollback is the same as inside the savepoint (the newest
-- transaction is the other session's), yet the role is gone, for checks
-- and for the sets of generated policies (kept per snapshot for the
-- statements of a transaction, rls_runtime.c)
CREATE TABLE ec_scratch (x int);
SET rbac.rls_check_budget = 0;
BEGIN;
SELECT rbac.set_actor('Member:m5', true);
SAVEPOINT s3;
SELECT rbac.assign_role('Member:m5', 'member', 'Org:o2');
SELECT dblink_exec('ec_other', 'INSERT INTO ec_scratch VALUES (1)');
SET ROLE ec_app;
SELECT count(*) AS m5_rows_in_savepoint FROM ec_docs;
SELECT rbac.is_allowed('read', 'Doc:7') AS m5_check_in_savepoint;
RESET ROLE;
ROLLBACK TO SAVEPOINT s3;
SET ROLE ec_app;
SELECT count(*) AS m5_rows_after_rollback FROM ec_docs;
SELECT rbac.is_allowed('read', 'Doc:7') AS m5_check_after_rollback;
RESET ROLE;
ROLLBACK;
SELECT dblink_disconnect('ec_other');
DROP TABLE ec_scratch;
RESET rbac.rls_check_budget;
SELECT rbac.disable_rls('ec_docs');
REVOKE ALL ON ec_docs FROM ec_app;
REVOKE EXECUTE ON FUNCTION rbac.set_actor(text, boolean) FROM ec_app;
DROP ROLE ec_app;

-- 7. the probes compare text in the collation of the catalogs' indexes: in
-- a database whose default collation is not "C" ('B' < 'a' in "C", not in
-- ICU's "en"), every assignment of every actor is found
CREATE DATABASE ec_icu ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en' LOCALE 'C' TEMPLATE template0;
SELECT dblink_connect('ec_icu', format('host=%s port=%s dbname=ec_icu',
  split_part(current_setting('unix_socket_directories'), ',', 1),
  current_setting('port'))) AS connected;
SELECT dblink_exec('ec_icu', $$CREATE EXTENSION pg_rbac$$);
SELECT * FROM dblink('ec_icu', $$SELECT rbac.load_policy('actor U {} resource D { roles = ["r"]; permissions = ["p"]; "p" if "r"; }') IS NOT NULL$$) AS t(loaded boolean);
SELECT * FROM dblink('ec_icu', $$
  WITH ids(i) AS (SELECT unnest(ARRAY['a', 'B', 'c', 'D', 'e', 'F', '_g', 'Z', 'b', 'A']))
  SELECT count(rbac.assign_role('U:' || x.i, 'r', 'D:' || y.i)) FROM ids x, ids y$$) AS t(assigned bigint);
SELECT * FROM dblink('ec_icu', $$
  WITH ids(i) AS (SELECT unnest(ARRAY['a', 'B', 'c', 'D', 'e', 'F', '_g', 'Z', 'b', 'A']))
  SELECT count(*) FILTER (WHERE rbac.is_allowed('U:' || x.i, 'p', 'D:' || y.i)),
         count(*) FILTER (WHERE y.i IN (SELECT rbac.authorized_resources('U:' || x.i, 'p', 'D')))
  FROM ids x, ids y$$) AS t(allowed bigint, listed bigint);
SELECT dblink_disconnect('ec_icu');
DROP DATABASE ec_icu;

-- clean up
SELECT rbac.unbind('Doc');
SELECT rbac.unbind('Org');
SELECT rbac.unbind('Team');
SELECT rbac.unbind('Member');
DROP FUNCTION ec_readable(text);
DROP TABLE ec_docs, ec_orgs, ec_teams, ec_users;
DROP EXTENSION dblink;
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true);
