-- pg_rbac install script, part 10: the policy (SPEC 3.1).

-- Orphaned role data: rows naming something the loaded model does not
-- declare.  load_policy counts them (rbac._orphans) and refuses with 2BP01,
-- or deletes them (rbac._drop_orphans) when called with drop_orphans.

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

-- Counts of orphaned role data; called by load_policy after it stores the
-- new model.  jit is off: on small or never-analysed catalogs the planner's
-- estimates put these anti-joins far above jit_above_cost, and compiling
-- them took ~4 s of every load_policy where running them takes a millisecond.
CREATE FUNCTION rbac._orphans(OUT assignments bigint, OUT custom_roles bigint, OUT memberships bigint)
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
CREATE FUNCTION rbac._drop_orphans()
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
  DELETE FROM rbac.assignment WHERE ctid IN (SELECT o.row_id FROM rbac._orphan_assignments o);
  DELETE FROM rbac.custom_role WHERE ctid IN (SELECT o.row_id FROM rbac._orphan_custom_roles o);
  DELETE FROM rbac.membership WHERE ctid IN (SELECT o.row_id FROM rbac._orphan_memberships o);
$$;

REVOKE EXECUTE ON FUNCTION rbac._orphans(), rbac._drop_orphans() FROM PUBLIC;

