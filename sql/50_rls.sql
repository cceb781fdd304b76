-- Generated row-level security (SPEC 3.1, 4.2) on the GitClub world of
-- 40_check: for every actor, the rows a query sees are exactly those
-- is_allowed says it may read; writes are checked against the new row.
\set SHOW_CONTEXT never
SET client_min_messages = warning;

-- the predicate, for hand-written queries and EXPLAIN
SELECT rbac.filter('read', 'Issue');
SELECT rbac.filter('read', 'Repository', 'r');
SELECT rbac.filter('read', 'Folder');
SELECT rbac.filter('fly', 'Issue');
\echo :LAST_ERROR_SQLSTATE

SELECT rbac.enable_rls('repositories');
SELECT rbac.enable_rls('issues');
SELECT rbac.enable_rls('folders', '{"select": "read", "insert": null, "update": null, "delete": null}');
SELECT rbac.enable_rls('issues');   -- idempotent
SELECT rbac.enable_rls('repositories', '{"select": "fly"}');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.enable_rls('repositories', '{"truncate": "read"}');
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE not_bound (id int PRIMARY KEY);
SELECT rbac.enable_rls('not_bound');
\echo :LAST_ERROR_SQLSTATE
SELECT tablename, policyname, cmd FROM pg_policies WHERE policyname LIKE 'rbac%' ORDER BY 1, 2;
SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
WHERE relname IN ('repositories', 'issues', 'folders') ORDER BY 1;

-- what each actor may read, computed with is_allowed (the superuser
-- bypasses row level security)
CREATE TABLE expected AS
SELECT a AS actor, 'Issue' AS type, id::text AS id FROM unnest(ARRAY['User:alice', 'User:bob', 'User:carol', 'User:dave', 'User:erin', 'User:root']) a, issues
WHERE rbac.is_allowed(a, 'read', 'Issue:' || id)
UNION ALL
SELECT a, 'Repository', id::text FROM unnest(ARRAY['User:alice', 'User:bob', 'User:carol', 'User:dave', 'User:erin', 'User:root']) a, repositories
WHERE rbac.is_allowed(a, 'read', 'Repository:' || id)
UNION ALL
SELECT a, 'Folder', id::text FROM unnest(ARRAY['User:alice', 'User:bob', 'User:carol', 'User:dave', 'User:erin', 'User:root']) a, folders
WHERE rbac.is_allowed(a, 'read', 'Folder:' || id);
CREATE TABLE seen (actor text, type text, id text);

CREATE ROLE regress_rls_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON issues, repositories, folders TO regress_rls_reader;
GRANT INSERT ON seen TO regress_rls_reader;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO regress_rls_reader;

SET ROLE regress_rls_reader;
-- no actor: nothing but what a bare _ rule grants (none here)
SELECT count(*) AS issues_without_actor FROM issues;
DO $$
DECLARE a text;
BEGIN
  FOREACH a IN ARRAY ARRAY['User:alice', 'User:bob', 'User:carol', 'User:dave', 'User:erin', 'User:root'] LOOP
    PERFORM rbac.set_actor(a);
    INSERT INTO seen SELECT a, 'Issue', id::text FROM issues;
    INSERT INTO seen SELECT a, 'Repository', id::text FROM repositories;
    INSERT INTO seen SELECT a, 'Folder', id::text FROM folders;
  END LOOP;
END $$;
RESET ROLE;
SELECT count(*) AS decisions_visible FROM seen;
-- the agreement property: no row seen that is not allowed, none allowed unseen
(SELECT * FROM seen EXCEPT SELECT * FROM expected)
UNION ALL
(SELECT * FROM expected EXCEPT SELECT * FROM seen);
SELECT actor, type, string_agg(id, ',' ORDER BY id) FROM seen GROUP BY 1, 2 ORDER BY 1, 2;

-- a cached plan follows the actor
SET ROLE regress_rls_reader;
PREPARE visible AS SELECT count(*) FROM issues;
SELECT rbac.set_actor('User:alice');
EXECUTE visible;
SELECT rbac.set_actor('User:erin');
EXECUTE visible;
SELECT rbac.set_actor('User:dave');
EXECUTE visible;
DEALLOCATE visible;

-- generic plans planned for one actor and run for others, on every path of
-- rbac._in_lazy: rows checked one at a time, the whole set at once, and the
-- index condition (sequential scans off); a list and lookups by key
RESET ROLE;
GRANT SELECT ON expected TO regress_rls_reader;
SET ROLE regress_rls_reader;
SET plan_cache_mode = force_generic_plan;
CREATE FUNCTION pg_temp.visible_issues() RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN RETURN QUERY SELECT id::text FROM issues; END $$;
CREATE FUNCTION pg_temp.issue_visible(k bigint) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN RETURN EXISTS (SELECT 1 FROM issues WHERE id = k); END $$;
CREATE TEMP TABLE seen_generic (budget text, seqscan text, how text, actor text, id text);
DO $$
DECLARE a text; b text; q text; k bigint;
BEGIN
  FOREACH b IN ARRAY ARRAY['2000000000', '0'] LOOP
    FOREACH q IN ARRAY ARRAY['on', 'off'] LOOP
      PERFORM set_config('rbac.rls_check_budget', b, false);
      PERFORM set_config('enable_seqscan', q, false);
      FOREACH a IN ARRAY ARRAY['User:alice', 'User:bob', 'User:carol', 'User:dave', 'User:erin', 'User:root'] LOOP
        PERFORM rbac.set_actor(a);
        INSERT INTO seen_generic SELECT b, q, 'list', a, x FROM pg_temp.visible_issues() x;
        FOR k IN SELECT id::bigint FROM expected WHERE type = 'Issue' UNION SELECT generate_series(1, 30) LOOP
          IF pg_temp.issue_visible(k) THEN
            INSERT INTO seen_generic VALUES (b, q, 'lookup', a, k::text);
          END IF;
        END LOOP;
      END LOOP;
    END LOOP;
  END LOOP;
END $$;
RESET plan_cache_mode;
RESET rbac.rls_check_budget;
RESET enable_seqscan;
RESET ROLE;
-- each of the 8 runs sees exactly the expected issues: rows in disagreement
SELECT g.budget, g.seqscan, g.how, count(*) AS rows_seen,
       (SELECT count(*) FROM ((SELECT actor, id FROM seen_generic s
                               WHERE (s.budget, s.seqscan, s.how) = (g.budget, g.seqscan, g.how)
                               EXCEPT SELECT actor, id FROM expected WHERE type = 'Issue')
                              UNION ALL
                              (SELECT actor, id FROM expected WHERE type = 'Issue'
                               EXCEPT SELECT actor, id FROM seen_generic s
                               WHERE (s.budget, s.seqscan, s.how) = (g.budget, g.seqscan, g.how))) d) AS disagreements
FROM seen_generic g GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
SET ROLE regress_rls_reader;

-- writes: update and delete are checked against the row, old and new
SELECT rbac.set_actor('User:bob');           -- reader of acme's repositories
UPDATE repositories SET name = name || '!' WHERE id = 1;   -- no update permission: 0 rows
SELECT rbac.set_actor('User:alice');         -- owner of acme
DELETE FROM issues WHERE id = 999;
UPDATE issues SET visibility = visibility WHERE id = 10;
-- inserting needs the mapped permission on the new row (Issue has no "create")
INSERT INTO issues VALUES (20, 1, 'alice', 'private');
\echo :LAST_ERROR_SQLSTATE
-- folders: only reads are allowed
UPDATE folders SET parent_id = parent_id;
RESET ROLE;

-- EXPLAIN: a lookup by key under RLS uses the primary key
SET ROLE regress_rls_reader;
SELECT rbac.set_actor('User:alice');
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM issues WHERE id = 12;
RESET enable_seqscan;
RESET ROLE;

-- the policies follow a policy reload (same transaction)
\set spec_policy `cat examples/gitclub.polar`
BEGIN;
SELECT rbac.load_policy(replace(:'spec_policy', '"reader" if "member" on "parent";', ''));
SET LOCAL ROLE regress_rls_reader;
SELECT rbac.set_actor('User:bob');
SELECT count(*) AS bob_repositories_after_reload FROM repositories;
-- organization members no longer read every repository, so the rule on
-- internal issues is not implied by "read" on the repository any more: its
-- arm is back in the predicate (it is left out while implied), and every
-- actor still sees exactly what is_allowed allows
RESET ROLE;
SELECT rbac.filter('read', 'Issue');
CREATE TEMP TABLE reload_expected AS
SELECT a AS actor, count(*) FILTER (WHERE rbac.is_allowed(a, 'read', 'Issue:' || id)) AS n
FROM unnest(ARRAY['User:alice', 'User:bob', 'User:carol', 'User:dave', 'User:erin', 'User:root']) a, issues
GROUP BY a;
CREATE TEMP TABLE reload_seen (actor text, n bigint);
GRANT SELECT ON reload_expected TO regress_rls_reader;
GRANT INSERT ON reload_seen TO regress_rls_reader;
SET LOCAL ROLE regress_rls_reader;
DO $$
DECLARE a text;
BEGIN
  FOR a IN SELECT actor FROM reload_expected ORDER BY actor LOOP
    PERFORM rbac.set_actor(a);
    INSERT INTO reload_seen SELECT a, count(*) FROM issues;
  END LOOP;
END $$;
RESET ROLE;
SELECT e.actor, e.n AS allowed, s.n AS seen FROM reload_expected e JOIN reload_seen s USING (actor) ORDER BY 1;
ROLLBACK;
SET ROLE regress_rls_reader;
SELECT rbac.set_actor('User:bob');
SELECT count(*) AS bob_repositories FROM repositories;
RESET ROLE;

-- Sets computed while planning are reused within the transaction only
-- while its snapshot is unchanged: a role granted in the same transaction
-- (a new command id) shows at once.  User:zed is new, so the planner
-- computes (and keeps) its sets here.
BEGIN;
INSERT INTO users (id) VALUES ('zed');
SET LOCAL ROLE regress_rls_reader;
SELECT rbac.set_actor('User:zed', true);
SELECT count(*) AS zed_repositories FROM repositories;
RESET ROLE;
SELECT rbac.assign_role('User:zed', 'reader', 'Repository:2');
SET LOCAL ROLE regress_rls_reader;
SELECT count(*) AS zed_repositories_after_grant FROM repositories;
ROLLBACK;

-- Issue has no role: its policies leave out the arm of grants on the row
-- itself (one arm: a count is an index-only scan) until an issue gets a
-- custom role.  The first custom roles of the type, from create_role or
-- written into rbac.custom_role, make the policies again; a generic plan
-- made before is planned again (the policy changed), and an actor with no
-- grant on an issue and one with a custom role on it share the new plan.
CREATE FUNCTION pg_temp.issue_count() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN RETURN (SELECT count(*) FROM issues); END $$;
CREATE FUNCTION pg_temp.direct_arms() RETURNS bigint LANGUAGE sql AS $$
SELECT count(*) FROM pg_policies WHERE tablename = 'issues' AND qual LIKE '%d|Issue|read%' $$;
CREATE TEMP TABLE issue_counts (step text, actor text, rls bigint, allowed bigint);
GRANT INSERT ON issue_counts TO regress_rls_reader;
CREATE FUNCTION pg_temp.count_issues(step text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE a text;
BEGIN
  SET LOCAL plan_cache_mode = force_generic_plan;
  FOREACH a IN ARRAY ARRAY['User:erin', 'User:alice', 'User:dave'] LOOP
    PERFORM rbac.set_actor(a);
    SET LOCAL ROLE regress_rls_reader;
    INSERT INTO issue_counts (step, actor, rls) VALUES (step, a, pg_temp.issue_count());
    RESET ROLE;
  END LOOP;
  PERFORM rbac.reset_actor();
  UPDATE issue_counts c SET allowed = (SELECT count(*) FROM issues i
                                       WHERE rbac.is_allowed(c.actor, 'read', 'Issue:' || i.id))
  WHERE c.step = count_issues.step;
END $$;
SELECT min(id) AS hidden FROM issues WHERE NOT rbac.is_allowed('User:erin', 'read', 'Issue:' || id) \gset
SELECT max(id) AS hidden2 FROM issues WHERE NOT rbac.is_allowed('User:erin', 'read', 'Issue:' || id) \gset
SELECT pg_temp.direct_arms() AS arms_without_custom_roles;
SELECT pg_temp.count_issues('1 before');
SELECT rbac.create_role('Issue:' || :'hidden', 'watcher', ARRAY['read']);
SELECT pg_temp.direct_arms() AS arms_after_create_role;
SELECT rbac.assign_role('User:erin', 'watcher', 'Issue:' || :'hidden');
SELECT pg_temp.count_issues('2 custom role');
SELECT rbac.drop_role('Issue:' || :'hidden', 'watcher', true);
SELECT pg_temp.direct_arms() AS arms_after_drop_role;   -- kept: still correct
SELECT pg_temp.count_issues('3 dropped');
SELECT rbac._regenerate_rls();
SELECT pg_temp.direct_arms() AS arms_regenerated;
-- several first custom roles in one statement, written directly
INSERT INTO rbac.custom_role (tenant_type, tenant_id, name, permissions)
VALUES ('Issue', :'hidden', 'w1', '{read}'), ('Issue', :'hidden2', 'w2', '{read}');
SELECT pg_temp.direct_arms() AS arms_after_insert;
SELECT rbac.assign_role('User:erin', 'w2', 'Issue:' || :'hidden2');
SELECT pg_temp.count_issues('4 inserted');
-- a custom role on a type whose roles grant read changes nothing
SELECT count(*) AS repository_arms FROM pg_policies
WHERE tablename = 'repositories' AND qual LIKE '%d|Repository|read%';
SELECT step, actor, rls, allowed, rls = allowed AS agree FROM issue_counts ORDER BY 1, 2;
SELECT rbac.drop_role('Issue:' || :'hidden', 'w1', true), rbac.drop_role('Issue:' || :'hidden2', 'w2', true);
SELECT rbac._regenerate_rls();
DROP TABLE issue_counts;

-- plan shapes of the single arm, on statistics of a large table (1M
-- issues, 100,000 repositories; User:pat reads one repository): a count is
-- an index-only scan of the relation column's index with the set as its
-- condition; a one-parent filter keeps its own index condition alone (the
-- set is not computed to narrow it) and checks its rows one at a time
CREATE INDEX issues_repo_id_idx ON issues (repo_id);
UPDATE pg_class SET reltuples = 1000000, relpages = 1 WHERE oid = 'issues'::regclass;
UPDATE pg_class SET reltuples = 100000 WHERE oid = 'repositories'::regclass;
INSERT INTO users (id) VALUES ('pat');
SELECT rbac.assign_role('User:pat', 'reader', 'Repository:1');
SELECT count(*) AS pat_allowed FROM issues WHERE rbac.is_allowed('User:pat', 'read', 'Issue:' || id);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SET ROLE regress_rls_reader;
SELECT rbac.set_actor('User:pat');
EXPLAIN (COSTS OFF) SELECT count(*) FROM issues;
EXPLAIN (COSTS OFF) SELECT * FROM issues WHERE repo_id = 1;
EXPLAIN (COSTS OFF) SELECT * FROM issues WHERE repo_id IN (1, 2);
SELECT count(*) AS pat_issues, count(*) FILTER (WHERE repo_id = 1) AS of_repository_1 FROM issues;
RESET ROLE;
RESET enable_seqscan;
RESET enable_bitmapscan;
-- the planner's estimate of the arm comes from the actor's roles, not from
-- computing its set: each role that leads to "read" stands for its share
-- of its own type's table (quinn: reader on 1 of 100,000 repositories, 10
-- of the 1,000,000 issues; rita: owner of 1 of 1,000 organizations, 1,000
-- issues); a role that does not lead to it counts for nothing (sam:
-- superadmin reads organizations, not their repositories), like no role
-- at all (tess): the floor, 1 row.  Actors not estimated before in this
-- session: estimates are kept for a minute
SELECT reltuples AS org_reltuples FROM pg_class WHERE oid = 'organizations'::regclass \gset
UPDATE pg_class SET reltuples = 1000 WHERE oid = 'organizations'::regclass;
INSERT INTO users (id) VALUES ('quinn'), ('rita'), ('sam'), ('tess');
SELECT rbac.assign_role('User:quinn', 'reader', 'Repository:1'),
       rbac.assign_role('User:rita', 'owner', 'Organization:acme'),
       rbac.assign_role('User:sam', 'superadmin');
CREATE FUNCTION estimated_issues() RETURNS float8 LANGUAGE plpgsql AS $f$
DECLARE p json;
BEGIN
  EXECUTE 'EXPLAIN (FORMAT JSON) SELECT * FROM issues' INTO p;
  RETURN (p->0->'Plan'->>'Plan Rows')::float8;
END $f$;
SET ROLE regress_rls_reader;
SELECT rbac.set_actor('User:quinn');
SELECT estimated_issues() AS quinn_estimated;
SELECT rbac.set_actor('User:rita');
SELECT estimated_issues() AS rita_estimated;
SELECT rbac.set_actor('User:sam');
SELECT estimated_issues() AS sam_estimated;
SELECT rbac.set_actor('User:tess');
SELECT estimated_issues() AS tess_estimated;
RESET ROLE;
DROP FUNCTION estimated_issues();
SELECT rbac.remove_role('User:quinn', 'reader', 'Repository:1'),
       rbac.remove_role('User:rita', 'owner', 'Organization:acme'),
       rbac.remove_role('User:sam', 'superadmin');
DELETE FROM users WHERE id IN ('quinn', 'rita', 'sam', 'tess');
UPDATE pg_class SET reltuples = :org_reltuples WHERE oid = 'organizations'::regclass;
SELECT rbac.remove_role('User:pat', 'reader', 'Repository:1');
DELETE FROM users WHERE id = 'pat';
DROP INDEX issues_repo_id_idx;
ANALYZE issues, repositories;

SELECT rbac.disable_rls('folders');
SELECT count(*) FROM pg_policies WHERE tablename = 'folders';
SELECT rbac.reset_actor();
DROP TABLE expected, seen, not_bound;
REVOKE ALL ON issues, repositories, folders FROM regress_rls_reader;
REVOKE EXECUTE ON FUNCTION rbac.set_actor(text, boolean) FROM regress_rls_reader;
DROP ROLE regress_rls_reader;

-- disable_rls leaves the table as it was, even when enabled in the same statement
CREATE TABLE rls_again (id int PRIMARY KEY, parent_id int REFERENCES rls_again);
SELECT rbac.bind('Folder', 'rls_again');
SELECT rbac.enable_rls('rls_again'), rbac.enable_rls('rls_again');
SELECT rbac.disable_rls('rls_again');
SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'rls_again';
SELECT rbac.bind('Folder', 'folders', relations => '{"parent": "parent_id"}');
DROP TABLE rls_again;
