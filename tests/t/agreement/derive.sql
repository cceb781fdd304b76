-- The reference derivation (SPEC 4.1) as a least fixpoint, in plain SQL.
-- Run after ref.materialize() and the world's last-mile translation.
--
-- A fact (a_type, a_id, r_type, r_id, term): the actor holds the role or
-- permission term on resource r_type:r_id.  Facts are computed for every
-- decision actor (ref.actor) directly, not for its groups: what a group
-- holds reaches its members through the closure below.

-- closure: actor -> itself and every group it belongs to, transitively.
CREATE TABLE ref.closure AS
WITH RECURSIVE c(a_type, a_id, p_type, p_id) AS (
    SELECT type, id, type, id FROM ref.actor
  UNION
    SELECT c.a_type, c.a_id, m.group_type, m.group_id
    FROM c JOIN rbac.membership m ON m.member_type = c.p_type AND m.member_id = c.p_id
)
SELECT * FROM c;

-- Unexpired assignments, held by decision actors through the closure.
CREATE TABLE ref.held_assignment AS
SELECT c.a_type, c.a_id, a.role, a.resource_type, a.resource_id
FROM ref.closure c
JOIN rbac.assignment a ON a.actor_type = c.p_type AND a.actor_id = c.p_id
WHERE a.expires_at IS NULL OR a.expires_at > now();

-- Every resource that can hold a fact: rows of bound tables, and ids with
-- no row that role data names.
CREATE TABLE ref.node AS
SELECT type, id FROM ref.res
UNION
SELECT resource_type, resource_id FROM rbac.assignment WHERE resource_type IS NOT NULL;

-- The rules grounded on the data: holding src_term on src yields dst_term
-- on dst, for actors of type a_type (NULL: any actor and nobody, '*': any
-- actor but nobody) and, when a_id is set, only for that actor id.
CREATE TABLE ref.step AS
    -- "X" if "Y": on the same resource (also one with no row)
    SELECT n.type AS src_type, n.id AS src_id, r.body AS src_term,
           n.type AS dst_type, n.id AS dst_id, r.head AS dst_term, NULL::text AS a_type,
           NULL::text AS a_id
    FROM ref.node n
    JOIN rbac.policy_rule r ON r.type = n.type AND r.via IS NULL
                           AND r.body_kind IN ('role', 'permission')
  UNION ALL
    -- "X" if "Y" on "rel": Y on the related resource of a row (the related
    -- resource may have no row: it then holds only what assignments give)
    SELECT e.target_type, e.target_id, r.body, e.type, e.id, r.head, NULL, NULL
    FROM ref.edge e
    JOIN rbac.policy_rule r ON r.type = e.type AND r.via = e.rel
                           AND r.body_kind IN ('role', 'permission')
  UNION ALL
    -- last-mile rules whose body needs a derived fact
    SELECT prem_type, prem_id, prem_term, head_type, head_id, head_term, coalesce(a_type, '*'), a_id
    FROM ref.lm_link;

CREATE TABLE ref.fact AS
WITH RECURSIVE
base(a_type, a_id, r_type, r_id, term) AS (
    -- a built-in role assigned on the resource (with or without a row)
    SELECT h.a_type, h.a_id, h.resource_type, h.resource_id, h.role
    FROM ref.held_assignment h
    JOIN rbac.policy_term t ON t.type = h.resource_type AND t.name = h.role AND t.kind = 'role'
  UNION
    -- a custom role of the tenant assigned on it: its permissions and
    -- implied roles
    SELECT h.a_type, h.a_id, h.resource_type, h.resource_id, g.term
    FROM ref.held_assignment h
    JOIN rbac.custom_role c ON c.tenant_type = h.resource_type AND c.tenant_id = h.resource_id
                           AND c.name = h.role
    CROSS JOIN LATERAL unnest(c.permissions || c.implies) g(term)
    WHERE NOT EXISTS (SELECT 1 FROM rbac.policy_term t
                      WHERE t.type = h.resource_type AND t.name = h.role)
      AND EXISTS (SELECT 1 FROM rbac.policy_term t
                  WHERE t.type = h.resource_type AND t.name = g.term AND t.kind <> 'relation')
  UNION
    -- "X" if global "G": on every resource that has a row
    SELECT h.a_type, h.a_id, r.type, res.id, r.head
    FROM ref.held_assignment h
    JOIN rbac.policy_rule r ON r.body_kind = 'global' AND r.body = h.role
    JOIN ref.res res ON res.type = r.type
    WHERE h.resource_type IS NULL
  UNION
    -- "X" if "rel" (rel to an actor type): the actor itself is the related actor
    SELECT e.target_type, e.target_id, r.type, e.id, r.head
    FROM rbac.policy_rule r
    JOIN ref.edge e ON e.type = r.type AND e.rel = r.body
    WHERE r.body_kind = 'actor_relation' AND r.via IS NULL
  UNION
    -- "X" if "rel2" on "rel": the actor is the rel2 of the row's rel (which
    -- must have a row: links exist only from rows)
    SELECT e2.target_type, e2.target_id, r.type, e1.id, r.head
    FROM rbac.policy_rule r
    JOIN ref.edge e1 ON e1.type = r.type AND e1.rel = r.via
    JOIN ref.edge e2 ON e2.type = e1.target_type AND e2.id = e1.target_id AND e2.rel = r.body
    WHERE r.body_kind = 'actor_relation' AND r.via IS NOT NULL
  UNION
    -- last-mile rules with attribute conditions only
    SELECT a_type, a_id, r_type, r_id, term FROM ref.lm_fact
),
fact(a_type, a_id, r_type, r_id, term) AS (
    SELECT * FROM base
  UNION
    SELECT f.a_type, f.a_id, s.dst_type, s.dst_id, s.dst_term
    FROM fact f
    JOIN ref.step s ON s.src_type = f.r_type AND s.src_id = f.r_id AND s.src_term = f.term
    WHERE (s.a_type IS NULL OR s.a_type = f.a_type OR (s.a_type = '*' AND f.a_type <> ''))
      AND (s.a_id IS NULL OR s.a_id = f.a_id)
)
SELECT * FROM fact;

CREATE INDEX ON ref.fact (a_type, a_id, r_type, r_id, term);
ANALYZE ref.fact;
