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
