-- Compare rbac.is_allowed with the reference on every decision of the
-- world: each actor (and nobody) x each permission x each resource with a
-- row, plus the resources with no row that role data or relations name.
-- A world may keep a deterministic sample by setting ref.sample_pct.

CREATE TABLE ref.decision_resource AS
SELECT DISTINCT type, id FROM (
    SELECT type, id FROM ref.res
  UNION
    SELECT resource_type, resource_id FROM rbac.assignment WHERE resource_type IS NOT NULL
  UNION
    SELECT e.target_type, e.target_id FROM ref.edge e
    JOIN rbac.policy_type t ON t.name = e.target_type AND t.kind = 'resource'
  UNION
    SELECT tenant_type, tenant_id FROM rbac.custom_role
  UNION
    SELECT type, id FROM ref.extra_resource
) r;

CREATE TABLE ref.decision_action AS
SELECT DISTINCT type, name FROM (
    SELECT type, name FROM rbac.policy_term WHERE kind = 'permission'
  UNION
    SELECT resource_type, name FROM rbac.policy_lastmile WHERE kind = 'permission'
) p;

CREATE TABLE ref.decision AS
SELECT a.type AS a_type, a.id AS a_id, p.name AS action, r.type AS r_type, r.id AS r_id
FROM ref.actor a
CROSS JOIN ref.decision_resource r
JOIN ref.decision_action p ON p.type = r.type
WHERE abs(hashtext(a.type || ':' || a.id || '/' || p.name || '/' || r.type || ':' || r.id)) % 100
      < coalesce(current_setting('ref.sample_pct', true)::int, 100);

-- The engine: the explicit-actor form, or for nobody the current-actor
-- form with no actor set.
SELECT rbac.reset_actor();
ALTER TABLE ref.decision ADD COLUMN engine boolean, ADD COLUMN reference boolean;
UPDATE ref.decision d SET
    engine = CASE WHEN d.a_type = '' THEN rbac.is_allowed(d.action, d.r_type || ':' || d.r_id)
                  ELSE rbac.is_allowed(d.a_type || ':' || d.a_id, d.action, d.r_type || ':' || d.r_id) END,
    reference = EXISTS (SELECT 1 FROM ref.fact f
                        WHERE f.a_type = d.a_type AND f.a_id = d.a_id AND f.r_type = d.r_type
                          AND f.r_id = d.r_id AND f.term = d.action);

-- The same derivation through the set-returning forms, on a deterministic
-- sample of (actor, resource) pairs: authorized_actions must be exactly the
-- permissions the reference derives, and authorized_roles the roles (built-in
-- roles derived, and the custom roles held by an unexpired assignment on the
-- resource, directly or through a group).
CREATE TABLE ref.pair AS
SELECT a.type AS a_type, a.id AS a_id, r.type AS r_type, r.id AS r_id
FROM ref.actor a CROSS JOIN ref.decision_resource r
WHERE EXISTS (SELECT 1 FROM ref.decision_action p WHERE p.type = r.type)
  AND (abs(hashtext(a.type || ':' || a.id || '/' || r.type || ':' || r.id)) % 100
       < coalesce(current_setting('ref.pair_pct', true)::int, 15)
       -- and every pair on a tenant with custom roles
       OR EXISTS (SELECT 1 FROM rbac.custom_role c
                  WHERE c.tenant_type = r.type AND c.tenant_id = r.id));

ALTER TABLE ref.pair ADD COLUMN engine_actions text[], ADD COLUMN reference_actions text[],
                     ADD COLUMN engine_roles text[], ADD COLUMN reference_roles text[];
UPDATE ref.pair p SET
    engine_actions = CASE WHEN p.a_type = ''
        THEN ARRAY(SELECT x FROM rbac.authorized_actions(p.r_type || ':' || p.r_id) x
                   ORDER BY x COLLATE "C")
        ELSE ARRAY(SELECT x FROM rbac.authorized_actions(p.a_type || ':' || p.a_id, p.r_type || ':' || p.r_id) x
                   ORDER BY x COLLATE "C") END,
    engine_roles = CASE WHEN p.a_type = ''
        THEN ARRAY(SELECT x FROM rbac.authorized_roles(p.r_type || ':' || p.r_id) x
                   ORDER BY x COLLATE "C")
        ELSE ARRAY(SELECT x FROM rbac.authorized_roles(p.a_type || ':' || p.a_id, p.r_type || ':' || p.r_id) x
                   ORDER BY x COLLATE "C") END,
    reference_actions = ARRAY(
        SELECT f.term FROM ref.fact f
        JOIN ref.decision_action d ON d.type = f.r_type AND d.name = f.term
        WHERE f.a_type = p.a_type AND f.a_id = p.a_id AND f.r_type = p.r_type AND f.r_id = p.r_id
        ORDER BY f.term COLLATE "C"),
    reference_roles = ARRAY(
        SELECT term FROM (
            SELECT f.term FROM ref.fact f
            JOIN rbac.policy_term t ON t.type = f.r_type AND t.name = f.term AND t.kind = 'role'
            WHERE f.a_type = p.a_type AND f.a_id = p.a_id AND f.r_type = p.r_type AND f.r_id = p.r_id
          UNION
            SELECT h.role FROM ref.held_assignment h
            JOIN rbac.custom_role c ON c.tenant_type = h.resource_type AND c.tenant_id = h.resource_id
                                   AND c.name = h.role
            WHERE h.a_type = p.a_type AND h.a_id = p.a_id
              AND h.resource_type = p.r_type AND h.resource_id = p.r_id) s
        ORDER BY term COLLATE "C");
