-- pg_rbac upgrade script 0.2 -> 0.3 (run by ALTER EXTENSION pg_rbac UPDATE).
--
-- RULE FOR EVERYONE CHANGING src/sql/*.sql: 0.2 is released, its install
-- script is frozen in sql_released/pg_rbac--0.2.sql.  Every SQL change made
-- to src/sql/ since then (new, changed or dropped functions, tables, columns,
-- indexes, views, triggers, comments, grants, config-dump registrations)
-- must also be written here, so that a database upgraded from 0.2 ends up
-- with exactly the objects of a fresh CREATE EXTENSION pg_rbac at 0.3.
-- tests/t/070_upgrade.pl installs every released version, upgrades it and
-- compares the result with a fresh install, object by object, printing a
-- diff of what this script misses.
--
-- How to write it:
-- - CREATE OR REPLACE FUNCTION keeps the function's OID, grants and the
--   RLS policies and triggers that use it; re-issue its COMMENT if the
--   comment changed.  A changed signature or return type needs DROP FUNCTION
--   + CREATE FUNCTION + the REVOKE/GRANT and COMMENT of src/sql again.
-- - New columns can only be appended: add them at the END of the table in
--   src/sql too (the test compares column order).  Keep the data of the
--   configuration tables (policy, bindings, assignments, audit log, ...).
-- - A new configuration table needs its pg_extension_config_dump call here.
-- - If the generated RLS predicates change, regenerate the policies of the
--   tables listed in rbac.rls_table here.
-- - Schema-qualify everything; the script runs with search_path = rbac.
-- - The C library (module_pathname) is shared by all versions: never remove
--   or change the meaning of a C symbol that a released install script uses;
--   the test runs every released script against the current library.

\echo Use "ALTER EXTENSION pg_rbac UPDATE TO '0.3'" to load this file. \quit

-- Security (issue #11): trigger functions are not executable by PUBLIC
-- and check the relation they fire for (in C).
REVOKE EXECUTE ON FUNCTION rbac._bound_delete(), rbac._bound_truncate() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION rbac._role_assignments_row(), rbac._role_assignments_stmt() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION rbac._audit_append_only() FROM PUBLIC;

-- Partitions of bound or protected tables (SPEC 6.1).
CREATE FUNCTION rbac._on_ddl_end()
RETURNS event_trigger
LANGUAGE c
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_partitions_ddl';
COMMENT ON FUNCTION rbac._on_ddl_end() IS
'ddl_command_end event trigger: a new partition of a bound or RLS-protected partitioned table gets the delete/truncate triggers and the generated policies of its parent.';
CREATE EVENT TRIGGER rbac_partitions ON ddl_command_end
    WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE')
    EXECUTE FUNCTION rbac._on_ddl_end();
REVOKE EXECUTE ON FUNCTION rbac._on_sql_drop(), rbac._on_ddl_end() FROM PUBLIC;

-- The role-data view is filtered for callers without SELECT on the catalog.
CREATE FUNCTION rbac._may_see(actor_type text, actor_id text, resource_type text, resource_id text)
RETURNS boolean
LANGUAGE c STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_may_see';
COMMENT ON FUNCTION rbac._may_see(text, text, text, text) IS
'Internal (view rbac.role_assignments): is the assignment the current actor''s own, or on a resource the actor may manage (setting rbac.manage_permission)?';

-- A caller without SELECT on rbac.assignment sees its current actor's own
-- assignments and those on resources the actor may manage (SPEC 6.1).
CREATE OR REPLACE VIEW rbac.role_assignments AS
SELECT a.actor_type OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) a.actor_id AS actor,
       a.role,
       a.resource_type OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) a.resource_id AS resource,
       a.expires_at
FROM rbac.assignment a
WHERE (SELECT pg_catalog.has_table_privilege('rbac.assignment'::pg_catalog.regclass::pg_catalog.oid, 'SELECT'))
   OR rbac._may_see(a.actor_type, a.actor_id, a.resource_type, a.resource_id);

-- The policy source and the last-mile rules are not readable by PUBLIC
-- (issue #11 finding 13; the docs said so, the grants did not).
REVOKE SELECT ON rbac.policy, rbac.policy_lastmile FROM PUBLIC;

-- UPDATE may not move a row under another resource without a move
-- permission (SPEC 6.1); the trigger is installed by the regeneration below.
CREATE FUNCTION rbac._move_guard()
RETURNS trigger
LANGUAGE c
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_move_guard';
COMMENT ON FUNCTION rbac._move_guard() IS
'Trigger (BEFORE UPDATE, row) installed by rbac.enable_rls: a change to a relation or actor-relation column is refused (42501) unless the actions map names a move permission that the current actor holds on the old row.';
-- EXECUTE stays with PUBLIC: PostgreSQL clones the row trigger to every new
-- partition, as whoever creates it.  Fired anywhere else it only restricts
-- updates of that table.

-- Administration without a superuser (SPEC 6.3).

CREATE FUNCTION rbac.grant_admin(role regrole)
RETURNS void
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_grant_admin';
COMMENT ON FUNCTION rbac.grant_admin(regrole) IS
'Make a role an administrator: it may load the policy, bind and protect (enable_rls, disable_rls) the tables it owns, and change and read role data without an actor. Superuser or extension owner only (42501). Audited.';
REVOKE EXECUTE ON FUNCTION rbac.grant_admin(regrole) FROM PUBLIC;

CREATE FUNCTION rbac.revoke_admin(role regrole)
RETURNS void
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_revoke_admin';
COMMENT ON FUNCTION rbac.revoke_admin(regrole) IS
'Undo rbac.grant_admin: revoke the privileges it granted. Superuser or extension owner only (42501). Audited.';
REVOKE EXECUTE ON FUNCTION rbac.revoke_admin(regrole) FROM PUBLIC;

-- Orphaned role data: the three row sets are views (they were functions
-- returning SETOF tid); the two functions that use them are redefined first.
-- Custom roles that name something the current model does not declare
-- (their type, a permission, an implied role) or clash with a built-in role.
CREATE VIEW rbac._orphan_custom_roles AS
  SELECT c.ctid AS row_id FROM rbac.custom_role c
  WHERE NOT EXISTS (SELECT 1 FROM rbac.policy_type t WHERE t.name = c.tenant_type)
     OR EXISTS (SELECT 1 FROM pg_catalog.unnest(c.permissions) p(name)
                WHERE NOT EXISTS (SELECT 1 FROM rbac.policy_term t
                                  WHERE t.type = c.tenant_type AND t.name = p.name
                                    AND t.kind = 'permission'))
     OR EXISTS (SELECT 1 FROM pg_catalog.unnest(c.implies) r(name)
                WHERE NOT EXISTS (SELECT 1 FROM rbac.policy_term t
                                  WHERE t.type = c.tenant_type AND t.name = r.name
                                    AND t.kind = 'role'))
     OR EXISTS (SELECT 1 FROM rbac.policy_term t
                WHERE t.type = c.tenant_type AND t.name = c.name);

-- Assignments whose actor type, global role, or role (built-in, or a
-- custom role of the tenant that is not itself orphaned) is not declared.
CREATE VIEW rbac._orphan_assignments AS
  SELECT a.ctid AS row_id FROM rbac.assignment a
  WHERE NOT EXISTS (SELECT 1 FROM rbac.policy_type t
                    WHERE t.name = a.actor_type AND t.kind = 'actor')
     OR (a.resource_type IS NULL
         AND NOT EXISTS (SELECT 1 FROM rbac.policy_global_role g WHERE g.name = a.role))
     OR (a.resource_type IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM rbac.policy_term t
                         WHERE t.type = a.resource_type AND t.name = a.role
                           AND t.kind = 'role')
         AND NOT EXISTS (SELECT 1 FROM rbac.custom_role c
                         WHERE c.tenant_type = a.resource_type
                           AND c.tenant_id = a.resource_id AND c.name = a.role
                           AND c.ctid NOT IN (SELECT o.row_id FROM rbac._orphan_custom_roles o)));

-- Memberships between types that are no longer declared actor types.
CREATE VIEW rbac._orphan_memberships AS
  SELECT m.ctid AS row_id FROM rbac.membership m
  WHERE NOT ARRAY[m.group_type, m.member_type]
            <@ ARRAY(SELECT t.name FROM rbac.policy_type t WHERE t.kind = 'actor');

REVOKE ALL ON rbac._orphan_custom_roles, rbac._orphan_assignments, rbac._orphan_memberships FROM PUBLIC;

CREATE OR REPLACE FUNCTION rbac._orphans(OUT assignments bigint, OUT custom_roles bigint, OUT memberships bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
  SELECT (SELECT pg_catalog.count(*) FROM rbac._orphan_assignments),
         (SELECT pg_catalog.count(*) FROM rbac._orphan_custom_roles),
         (SELECT pg_catalog.count(*) FROM rbac._orphan_memberships)
$$;

-- Delete what rbac._orphans() counts (assignments first: they may hang on
-- orphaned custom roles).
CREATE OR REPLACE FUNCTION rbac._drop_orphans()
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
  DELETE FROM rbac.assignment WHERE ctid IN (SELECT o.row_id FROM rbac._orphan_assignments o);
  DELETE FROM rbac.custom_role WHERE ctid IN (SELECT o.row_id FROM rbac._orphan_custom_roles o);
  DELETE FROM rbac.membership WHERE ctid IN (SELECT o.row_id FROM rbac._orphan_memberships o);
$$;

DROP FUNCTION rbac._orphan_custom_roles(), rbac._orphan_assignments(), rbac._orphan_memberships();
COMMENT ON VIEW rbac._orphan_custom_roles IS 'Internal (load_policy): custom roles naming something the loaded model does not declare.';
COMMENT ON VIEW rbac._orphan_assignments IS 'Internal (load_policy): assignments naming a type or role the loaded model does not declare.';
COMMENT ON VIEW rbac._orphan_memberships IS 'Internal (load_policy): memberships between types that are no longer actor types.';
-- Policy tests (test blocks).
CREATE FUNCTION rbac.test_policy(source text DEFAULT NULL)
RETURNS TABLE (test text, assertion text, passed boolean)
LANGUAGE c STABLE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_test_policy';
COMMENT ON FUNCTION rbac.test_policy(text) IS
'Run the test blocks of a policy source (NULL: the loaded policy) on the policy and their setup facts alone; one row per assertion; changes nothing.';

-- load_policy and validate_policy take oso_compat (a changed signature: DROP
-- and CREATE).  A role granted EXECUTE on load_policy by hand in 0.2 loses
-- it with the old function: the update names it in a WARNING (a GRANT made
-- here would become one of the extension's initial privileges, which
-- pg_dump leaves out, so the right would vanish at the next restore).
SELECT pg_catalog.set_config('pg_rbac_upgrade.grantees',
  (SELECT coalesce(pg_catalog.string_agg(pg_catalog.quote_ident(r.rolname), ','), '')
   FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) a, pg_catalog.pg_roles r
   WHERE p.oid = 'rbac.load_policy(text, boolean)'::pg_catalog.regprocedure
     AND r.oid = a.grantee AND a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner),
  true);
DROP FUNCTION rbac.load_policy(text, boolean);
CREATE FUNCTION rbac.load_policy(source text, drop_orphans boolean DEFAULT false,
                                 oso_compat boolean DEFAULT false)
RETURNS void
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_load_policy';
COMMENT ON FUNCTION rbac.load_policy(text, boolean, boolean) IS
'Validate and atomically replace the whole policy; errors 42601 (syntax), 42P17 (semantic), 0A000 (unsupported), 2BP01 (would orphan role data unless drop_orphans); oso_compat skips Oso host-bridging has_role and has_relation rules with a warning each.';
REVOKE EXECUTE ON FUNCTION rbac.load_policy(text, boolean, boolean) FROM PUBLIC;
DO $$
BEGIN
  IF pg_catalog.current_setting('pg_rbac_upgrade.grantees') <> '' THEN
    RAISE WARNING 'rbac.load_policy has a new signature: % may no longer execute it',
      pg_catalog.current_setting('pg_rbac_upgrade.grantees')
      USING HINT = 'Grant it again with rbac.grant_admin(role), or GRANT EXECUTE ON FUNCTION rbac.load_policy(text, boolean, boolean) TO role.';
  END IF;
END $$;

DROP FUNCTION rbac.validate_policy(text);
CREATE FUNCTION rbac.validate_policy(source text, oso_compat boolean DEFAULT false)
RETURNS TABLE (line integer, col integer, severity text, message text)
LANGUAGE c STABLE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_validate_policy';
COMMENT ON FUNCTION rbac.validate_policy(text, boolean) IS
'All errors and warnings of a policy source, with line and column; changes nothing. oso_compat: as load_policy(source, oso_compat => true) would see it.';

-- Issue 13: membership that checks the first rows one at a time; the
-- planner is told what a set costs
ALTER FUNCTION rbac._keys(text, text, anyelement) COST 160000;
CREATE FUNCTION rbac._in_lazy(value anyelement, hint text, sample anyelement)
RETURNS boolean
LANGUAGE c STABLE PARALLEL SAFE
SUPPORT rbac._in_support
AS 'MODULE_PATHNAME', 'rbac_in_lazy';
COMMENT ON FUNCTION rbac._in_lazy(anyelement, text, anyelement) IS
'Internal (generated policies): is value in the current actor''s set named by hint (k, o or d)? Checks rows one at a time until computing the set is cheaper; indexable through rbac._in_support (sample: a query-constant value of the type, for the index condition).';

-- The set of an arm through a join table, matched against the type's own
-- keys only: no probe for the rows of the join rows' "from" keys
CREATE FUNCTION rbac._keys_own(type text, term text, sample anyelement)
RETURNS anyarray
LANGUAGE c STABLE PARALLEL RESTRICTED COST 160000
AS 'MODULE_PATHNAME', 'rbac_keys_own';
COMMENT ON FUNCTION rbac._keys_own(text, text, anyelement) IS
'Internal (generated policies): keys of type on which the current actor holds term, matched against the type''s own keys only (may hold keys no row has).';

-- bind's relations may name join tables (many-to-many relations)
COMMENT ON FUNCTION rbac.bind(text, regclass, name, jsonb) IS
'Link a declared actor or resource type to its table. key defaults to the single-column primary key; relations maps relation name to column, or to a join table for a many-to-many relation ({"through": table, "from": column, "to": column}); omitted relations are inferred from foreign keys to the tables bound to their target types. Installs delete/truncate triggers that remove the role data of deleted rows. Rebinding replaces. Needs INSERT on rbac.binding, TRIGGER on the table and SELECT on each join table.';

-- Policies of types none of whose roles grants an action leave out the arm
-- of grants on the row itself until the type has a custom role (the
-- regeneration at the end makes them so); its first custom roles make the
-- policies again.
CREATE FUNCTION rbac._custom_role_rls()
RETURNS trigger
LANGUAGE c SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_custom_role_rls';
COMMENT ON FUNCTION rbac._custom_role_rls() IS
'Trigger (AFTER INSERT or UPDATE on rbac.custom_role, statement, new rows as rbac_new_roles): when the first custom roles of a type appear whose policies leave out the arm of grants on the row itself (no role of the type grants the action), make every generated policy again.';
REVOKE EXECUTE ON FUNCTION rbac._custom_role_rls() FROM PUBLIC;
CREATE TRIGGER custom_role_rls_insert AFTER INSERT ON rbac.custom_role
    REFERENCING NEW TABLE AS rbac_new_roles
    FOR EACH STATEMENT EXECUTE FUNCTION rbac._custom_role_rls();
CREATE TRIGGER custom_role_rls_update AFTER UPDATE ON rbac.custom_role
    REFERENCING NEW TABLE AS rbac_new_roles
    FOR EACH STATEMENT EXECUTE FUNCTION rbac._custom_role_rls();

-- The role-data write horizon: a trigger function
CREATE FUNCTION rbac._note_role_write()
RETURNS trigger
LANGUAGE c SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_note_role_write';
COMMENT ON FUNCTION rbac._note_role_write() IS
'Trigger (BEFORE INSERT, UPDATE, DELETE or TRUNCATE on rbac.assignment and rbac.membership, statement, enabled ALWAYS): raises the sequence rbac.role_data_horizon to the writing transaction''s id before it writes role data.';
REVOKE EXECUTE ON FUNCTION rbac._note_role_write() FROM PUBLIC;
-- The role-data write horizon (horizon.c) ------------------------------------

-- Raised to the writing transaction's 64-bit id before every write of role
-- data, so that a backend may keep an actor's expansion across snapshots
-- and transactions and still see every change (docs/performance.md).
CREATE SEQUENCE rbac.role_data_horizon AS bigint MINVALUE 0 NO CYCLE;
COMMENT ON SEQUENCE rbac.role_data_horizon IS
'Internal: the newest (64-bit) id of a transaction that wrote rbac.assignment or rbac.membership, raised before each write; lets backends keep an actor''s expansion across transactions.';
REVOKE ALL ON SEQUENCE rbac.role_data_horizon FROM PUBLIC;
SELECT pg_catalog.setval('rbac.role_data_horizon'::pg_catalog.regclass, pg_catalog.txid_current());
CREATE TRIGGER role_data_horizon
    BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON rbac.assignment
    FOR EACH STATEMENT EXECUTE FUNCTION rbac._note_role_write();
ALTER TABLE rbac.assignment ENABLE ALWAYS TRIGGER role_data_horizon;
CREATE TRIGGER role_data_horizon
    BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON rbac.membership
    FOR EACH STATEMENT EXECUTE FUNCTION rbac._note_role_write();
ALTER TABLE rbac.membership ENABLE ALWAYS TRIGGER role_data_horizon;

-- Partitions that existed before the upgrade: the triggers of bind on each
-- partition of a bound table, the generated policies on each partition of
-- a protected one (regenerated for every protected table).
DO $upgrade$
DECLARE p regclass;
BEGIN
  FOR p IN SELECT DISTINCT t.relid FROM rbac.binding b, pg_catalog.pg_partition_tree(b.tbl) t
           WHERE t.level > 0 LOOP
    EXECUTE pg_catalog.format('CREATE OR REPLACE TRIGGER rbac_bound_delete AFTER DELETE ON %s '
      'REFERENCING OLD TABLE AS rbac_old FOR EACH STATEMENT EXECUTE FUNCTION rbac._bound_delete()', p);
    -- a partition's own rows only: their ids are read before they go
    EXECUTE pg_catalog.format('CREATE OR REPLACE TRIGGER rbac_bound_truncate BEFORE TRUNCATE ON %s '
      'FOR EACH STATEMENT EXECUTE FUNCTION rbac._bound_truncate()', p);
  END LOOP;
END
$upgrade$;
SELECT rbac._regenerate_rls();

-- Tokens (SPEC 6.2): set_actor_token verifies RS256/ES256/HS256 with the key
-- file, and aud/iss/nbf/iat; the function itself is unchanged.
COMMENT ON FUNCTION rbac.set_actor_token(text, boolean) IS
'Verify a JSON Web Token (RS256 or ES256 with the keys in the file named by setting rbac.jwt_key_file, HS256 with those or with setting rbac.jwt_secret) and make its subject the current actor; returns the actor. The token must carry a numeric exp in the future, nbf and iat (if present) not later than now plus rbac.jwt_leeway seconds, iss and aud matching rbac.jwt_issuer and rbac.jwt_audience when those are set, and a string sub: a full reference Type:id (of type rbac.jwt_actor_type only, when rbac.jwt_actor_type_only is on), or a bare id prefixed with setting rbac.jwt_actor_type (default User). Any malformed, forged, expired or not yet valid token, an unusable key file, or an unknown actor type: 28000, and the actor is unchanged. local as for rbac.set_actor.';
