-- pg_rbac install script, part 10: the policy (SPEC 3.1).

CREATE FUNCTION rbac.load_policy(source text, drop_orphans boolean DEFAULT false)
RETURNS void
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_load_policy';
COMMENT ON FUNCTION rbac.load_policy(text, boolean) IS
'Validate and atomically replace the whole policy; errors 42601 (syntax), 42P17 (semantic), 0A000 (unsupported), 2BP01 (would orphan role data unless drop_orphans).';
REVOKE EXECUTE ON FUNCTION rbac.load_policy(text, boolean) FROM PUBLIC;

CREATE FUNCTION rbac.validate_policy(source text)
RETURNS TABLE (line integer, col integer, severity text, message text)
LANGUAGE c STABLE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_validate_policy';
COMMENT ON FUNCTION rbac.validate_policy(text) IS
'All errors and warnings of a policy source, with line and column; changes nothing.';

CREATE FUNCTION rbac.policy_source()
RETURNS text
LANGUAGE c STABLE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_policy_source';
COMMENT ON FUNCTION rbac.policy_source() IS 'The policy source as loaded; NULL when none was loaded.';

CREATE FUNCTION rbac.policy_graph()
RETURNS text
LANGUAGE c STABLE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_policy_graph';
COMMENT ON FUNCTION rbac.policy_graph() IS
'The loaded model as Graphviz DOT: types, roles, permissions, implications and relations.';

-- Custom roles that name something the current model does not declare
-- (their type, a permission, an implied role) or clash with a built-in role.
CREATE FUNCTION rbac._orphan_custom_roles()
RETURNS SETOF tid
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT c.ctid FROM rbac.custom_role c
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
                WHERE t.type = c.tenant_type AND t.name = c.name)
$$;

-- Assignments whose actor type, global role, or role (built-in, or a
-- custom role of the tenant that is not itself orphaned) is not declared.
CREATE FUNCTION rbac._orphan_assignments()
RETURNS SETOF tid
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT a.ctid FROM rbac.assignment a
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
                           AND c.ctid NOT IN (SELECT rbac._orphan_custom_roles())))
$$;

-- Memberships between types that are no longer declared actor types.
CREATE FUNCTION rbac._orphan_memberships()
RETURNS SETOF tid
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT m.ctid FROM rbac.membership m
  WHERE NOT EXISTS (SELECT 1 FROM rbac.policy_type t
                    WHERE t.name = m.group_type AND t.kind = 'actor')
     OR NOT EXISTS (SELECT 1 FROM rbac.policy_type t
                    WHERE t.name = m.member_type AND t.kind = 'actor')
$$;

-- Counts of orphaned role data; called by load_policy after it stores the
-- new model.
CREATE FUNCTION rbac._orphans(OUT assignments bigint, OUT custom_roles bigint, OUT memberships bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT (SELECT pg_catalog.count(*) FROM rbac._orphan_assignments()),
         (SELECT pg_catalog.count(*) FROM rbac._orphan_custom_roles()),
         (SELECT pg_catalog.count(*) FROM rbac._orphan_memberships())
$$;

-- Delete what rbac._orphans() counts (assignments first: they may hang on
-- orphaned custom roles).
CREATE FUNCTION rbac._drop_orphans()
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
  DELETE FROM rbac.assignment WHERE ctid IN (SELECT rbac._orphan_assignments());
  DELETE FROM rbac.custom_role WHERE ctid IN (SELECT rbac._orphan_custom_roles());
  DELETE FROM rbac.membership WHERE ctid IN (SELECT rbac._orphan_memberships());
$$;

REVOKE EXECUTE ON FUNCTION rbac._orphan_custom_roles(), rbac._orphan_assignments(),
    rbac._orphan_memberships(), rbac._orphans(), rbac._drop_orphans() FROM PUBLIC;

-- What load_policy, bind and unbind do after the model changes (they call
-- the C function directly): check that the bound tables have the columns
-- the policy's rules use, and regenerate the row-level-security policies.
CREATE FUNCTION rbac._policy_changed()
RETURNS void
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_policy_changed';
REVOKE EXECUTE ON FUNCTION rbac._policy_changed() FROM PUBLIC;
