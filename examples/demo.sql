-- pg_rbac demo: run by scripts/demo.sh (psql, as the cluster superuser).
\set QUIET on
\pset footer off
\set SHOW_CONTEXT never
\set VERBOSITY default
CREATE EXTENSION pg_rbac;

\echo
\echo '=== 1. Load the GitClub policy (SPEC section 2) ==='
\echo
\set policy `cat examples/gitclub.polar`
\echo :policy
SELECT rbac.load_policy(:'policy');

\echo
\echo '=== 2. The loaded model ==='
\echo
SELECT type, string_agg(name, ', ' ORDER BY name) FILTER (WHERE kind = 'role') AS roles,
       string_agg(name, ', ' ORDER BY name) FILTER (WHERE kind = 'permission') AS permissions,
       string_agg(name || ' -> ' || target, ', ' ORDER BY name) FILTER (WHERE kind = 'relation') AS relations
FROM rbac.policy_term GROUP BY type ORDER BY type;
SELECT type, head || ' if ' || CASE body_kind WHEN 'global' THEN 'global ' ELSE '' END || body
       || coalesce(' on ' || via, '') AS rule
FROM rbac.policy_rule ORDER BY type, ord;

\echo
\echo '=== 3. Validation: a typo, with line, column and a suggestion ==='
\echo
SELECT * FROM rbac.validate_policy($$resource Repository {
  roles = ["reader", "maintainer"];
  permissions = ["read", "push"];
  "read" if "reeder";
  "push" if "maintainer" on "parent";
}$$);
\echo 'load_policy refuses it and keeps the loaded policy:'
\set ON_ERROR_STOP off
SELECT rbac.load_policy($$resource Repository { roles = ["reader"]; permissions = ["read"]; "read" if "reeder"; }$$);
\set ON_ERROR_STOP on
SELECT count(*) AS types_still_loaded FROM rbac.policy_type;

\echo
\echo '=== 4. The model as a graph (Graphviz DOT, first lines) ==='
\echo
SELECT line FROM regexp_split_to_table(rbac.policy_graph(), E'\n') WITH ORDINALITY AS l(line, n) WHERE n <= 12;

\echo
\echo '=== 5. A small GitClub: organizations, repositories, issues, users, teams ==='
\echo
CREATE TABLE users (id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE groups (id text PRIMARY KEY);
CREATE TABLE organizations (id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE repositories (id int PRIMARY KEY, org_id text NOT NULL REFERENCES organizations,
                           name text NOT NULL, is_public boolean NOT NULL DEFAULT false);
CREATE TABLE issues (id int PRIMARY KEY, repo_id int NOT NULL REFERENCES repositories,
                     creator_id text REFERENCES users, title text NOT NULL,
                     visibility text NOT NULL DEFAULT 'private');
CREATE TABLE folders (id int PRIMARY KEY, parent_id int REFERENCES folders);
INSERT INTO users VALUES ('alice', 'Alice'), ('bob', 'Bob'), ('carol', 'Carol'), ('dave', 'Dave'), ('erin', 'Erin');
INSERT INTO groups VALUES ('eng'), ('eng-leads');
INSERT INTO organizations VALUES ('acme', 'Acme'), ('globex', 'Globex');
INSERT INTO repositories SELECT i, CASE WHEN i <= 60 THEN 'acme' ELSE 'globex' END, 'repo-' || i, i % 50 = 0
FROM generate_series(1, 120) i;
INSERT INTO issues SELECT i, 1 + i % 120, (ARRAY['alice', 'bob', 'carol', 'dave', 'erin'])[1 + i % 5],
       'issue ' || i, CASE WHEN i % 7 = 0 THEN 'internal' ELSE 'private' END
FROM generate_series(1, 360) i;
INSERT INTO folders VALUES (1, NULL), (2, 1), (3, 2), (4, 3);
SELECT rbac.bind('User', 'users');
SELECT rbac.bind('Group', 'groups');
SELECT rbac.bind('Organization', 'organizations');
SELECT rbac.bind('Repository', 'repositories');   -- parent: inferred from the foreign key
SELECT rbac.bind('Issue', 'issues');
SELECT rbac.bind('Folder', 'folders');
SELECT type, tbl, key_column, relations FROM rbac.binding ORDER BY type;

SELECT rbac.assign_role('User:alice', 'owner', 'Organization:acme');
SELECT rbac.assign_role('User:bob', 'member', 'Organization:acme');
SELECT rbac.assign_role('User:carol', 'maintainer', 'Repository:61');
SELECT rbac.assign_role('Group:eng', 'reader', 'Repository:' || i) FROM generate_series(70, 79) i;
SELECT rbac.add_member('Group:eng', 'Group:eng-leads');
SELECT rbac.add_member('Group:eng-leads', 'User:dave');
SELECT rbac.assign_role('User:erin', 'viewer', 'Folder:2');
SELECT * FROM rbac.assignments() ORDER BY resource, actor LIMIT 8;

\echo
\echo '=== 6. Checks: the same question for different actors ==='
\echo
SELECT a AS actor, string_agg(p, ', ' ORDER BY p) FILTER (WHERE rbac.is_allowed(a, p, 'Repository:5')) AS "may on Repository:5"
FROM unnest(ARRAY['User:alice', 'User:bob', 'User:carol', 'User:dave', 'User:erin']) a,
     unnest(ARRAY['read', 'push', 'delete', 'manage_roles']) p
GROUP BY a ORDER BY a;
SELECT f AS folder, rbac.is_allowed('User:erin', 'read', 'Folder:' || f) AS erin_reads FROM generate_series(1, 4) f;

\echo
\echo '=== 7. Row-level security: the same SELECT, different rows ==='
\echo
SELECT rbac.enable_rls('repositories');
SELECT rbac.enable_rls('issues', '{"select": "read", "update": "close", "delete": null, "insert": null}');
CREATE ROLE app LOGIN;
GRANT SELECT, UPDATE ON repositories, issues TO app;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO app;
SET ROLE app;
SELECT rbac.set_actor('User:alice');
SELECT rbac.current_actor() AS actor, count(*) AS issues_visible, min(id), max(id) FROM issues;
SELECT rbac.set_actor('User:bob');
SELECT rbac.current_actor() AS actor, count(*) AS issues_visible, min(id), max(id) FROM issues;
SELECT rbac.set_actor('User:dave');
SELECT rbac.current_actor() AS actor, count(*) AS issues_visible, min(id), max(id) FROM issues;
SELECT id, name FROM repositories ORDER BY id;
\echo 'a denied update changes no row (dave may read but not close issues of repository 70):'
WITH u AS (UPDATE issues SET title = title || ' (closed)' WHERE repo_id = 70 RETURNING id)
SELECT count(*) AS rows_updated FROM u;
RESET ROLE;
\echo 'the generated predicate, for EXPLAIN and hand-written queries:'
SELECT rbac.filter('read', 'Issue');

\echo
\echo '=== 8. authorize: not found versus forbidden ==='
\echo
\set ON_ERROR_STOP off
SELECT rbac.authorize('User:bob', 'push', 'Repository:5');
SELECT rbac.authorize('User:bob', 'read', 'Repository:61');
\set ON_ERROR_STOP on

\echo
\echo '=== 9. explain: an allowed and a denied decision ==='
\echo
SELECT rbac.explain('User:dave', 'read', 'Issue:70');
SELECT rbac.explain('User:bob', 'delete', 'Repository:5');

\echo
\echo '=== 10. A tenant creates a custom role, and it takes effect ==='
\echo
SELECT rbac.create_role('Organization:acme', 'auditor', ARRAY['read', 'repository.read'], '{}');
SELECT * FROM rbac.roles('Organization:acme');
SELECT rbac.is_allowed('User:erin', 'read', 'Repository:5') AS erin_reads_before;
SELECT rbac.assign_role('User:erin', 'auditor', 'Organization:acme');
SELECT rbac.is_allowed('User:erin', 'read', 'Repository:5') AS erin_reads_after;

\echo
\echo '=== 11. A group membership takes effect ==='
\echo
SET ROLE app;
SELECT rbac.set_actor('User:carol');
SELECT count(*) AS carol_issues_before FROM issues;
RESET ROLE;
SELECT rbac.add_member('Group:eng', 'User:carol');
SET ROLE app;
SELECT count(*) AS carol_issues_after FROM issues;
RESET ROLE;
SELECT rbac.who_can('read', 'Repository:75');

\echo
\echo '=== 12. Every change is audited ==='
\echo
SELECT operation, count(*) FROM rbac.audit_log GROUP BY operation ORDER BY operation;
