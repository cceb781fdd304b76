-- The policy language: loading the SPEC example, the stored model, the
-- graph, reloads and atomicity.
\set SHOW_CONTEXT never
-- no policy loaded yet
SELECT rbac.policy_source() IS NULL AS no_policy;
SELECT rbac.policy_graph();

-- the SPEC section 2 example loads, with no errors or warnings
\set spec_policy `cat examples/gitclub.polar`
SELECT count(*) AS diagnostics FROM rbac.validate_policy(:'spec_policy');
SELECT rbac.load_policy(:'spec_policy');
SELECT rbac.policy_source() = :'spec_policy' AS source_kept;

-- the stored model
SELECT name, kind FROM rbac.policy_type ORDER BY name;
SELECT type, name, kind, target FROM rbac.policy_term ORDER BY type, kind, name;
SELECT name FROM rbac.policy_global_role;
SELECT type, ord, head, head_kind, body, body_kind, via FROM rbac.policy_rule ORDER BY type, ord;
SELECT ord, kind, actor_kind, actor_type, name, resource_type, source FROM rbac.policy_lastmile ORDER BY ord;

-- the graph
SELECT rbac.policy_graph();

-- the load is audited
SELECT operation, detail FROM rbac.audit_log WHERE operation = 'load_policy';

-- a failed load keeps the previous policy, model and audit log intact
SELECT rbac.load_policy($$resource Repository { roles = ["reader"]; permissions = ["read"]; "read" if "reeder"; }$$);
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.policy_source() = :'spec_policy' AS source_kept;
SELECT count(*) AS types FROM rbac.policy_type;
SELECT count(*) AS loads FROM rbac.audit_log WHERE operation = 'load_policy';

-- a failed load inside a transaction can be caught and the old policy stays
BEGIN;
SAVEPOINT s;
SELECT rbac.load_policy('actor User {} resource Doc { permissions = ["read"]; "read" if "owner"; }');
ROLLBACK TO SAVEPOINT s;
SELECT count(*) AS types FROM rbac.policy_type;
COMMIT;

-- reloading replaces the whole model
SELECT rbac.load_policy($$actor User {}
resource Doc {
  permissions = ["read"];
  roles = ["viewer"];
  "read" if "viewer";
}$$);
SELECT name, kind FROM rbac.policy_type ORDER BY name;
SELECT type, name, kind FROM rbac.policy_term ORDER BY type, name;
SELECT count(*) AS global_roles FROM rbac.policy_global_role;
SELECT count(*) AS lastmile FROM rbac.policy_lastmile;

-- a load rolled back by the caller leaves the old policy
BEGIN;
SELECT rbac.load_policy(:'spec_policy');
SELECT count(*) AS types_inside FROM rbac.policy_type;
ROLLBACK;
SELECT name FROM rbac.policy_type ORDER BY name;

-- the empty policy and a policy of only comments are valid
SELECT count(*) AS diagnostics FROM rbac.validate_policy('');
SELECT count(*) AS diagnostics FROM rbac.validate_policy(E'# nothing here\n   # at all\n');
SELECT rbac.load_policy('');
SELECT count(*) AS types FROM rbac.policy_type;
SELECT rbac.policy_source() = '' AS empty_source;

-- NULL source
SELECT rbac.load_policy(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM rbac.validate_policy(NULL);

-- leave the SPEC policy loaded for later tests
SELECT rbac.load_policy(:'spec_policy');
