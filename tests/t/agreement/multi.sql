-- The multi-resource functions against the reference (issue 17): run after
-- compare.sql (it uses ref.fact, ref.decision and ref.decision_action).
--
--   ref.resources  rbac.authorized_resources for every actor (and nobody,
--                  with the current-actor form) x every permission of
--                  every bound type: exactly the ids the reference derives
--                  (rows, and ids with no row that assignments name)
--   ref.who        rbac.who_can on a sample of (permission, resource):
--                  exactly the candidates SPEC 3.3 describes (the holders
--                  of an assignment on the resource, on a resource reached
--                  from it through relations its rules walk, or of a global
--                  role, and every transitive member of such groups) that
--                  the reference allows; and it must contain every actor
--                  whose permission the reference derives from assignments
--                  alone (spec_missing)
--   ref.explained  rbac.explain's verdict on a sample of ref.decision
--   ref.authorized rbac.authorize on a sample of ref.decision: nothing,
--                  P0002 or 42501, under the default rbac.read_action and
--                  under another permission of the type as read action
--
-- Samples: settings ref.who_pct (default 10), ref.explain_pct (default 5),
-- ref.authorize_pct (default 5).  Nothing here calls the engine to decide
-- what is expected: only the reference's facts and the catalogs.

-- 'ok' or the SQLSTATE of a statement (the engine's error is the outcome)
CREATE FUNCTION ref.outcome(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END $$;

-- authorized_resources -------------------------------------------------------

CREATE TABLE ref.resources AS
SELECT a.type AS a_type, a.id AS a_id, d.type AS r_type, d.name AS action
FROM ref.actor a
CROSS JOIN ref.decision_action d
JOIN rbac.binding b ON b.type = d.type;

SELECT rbac.reset_actor();
ALTER TABLE ref.resources ADD COLUMN engine text[], ADD COLUMN reference text[];
UPDATE ref.resources r SET
    engine = CASE WHEN r.a_type = ''
        THEN ARRAY(SELECT x FROM rbac.authorized_resources(r.action, r.r_type) x ORDER BY x COLLATE "C")
        ELSE ARRAY(SELECT x FROM rbac.authorized_resources(r.a_type || ':' || r.a_id, r.action, r.r_type) x
                   ORDER BY x COLLATE "C") END,
    reference = ARRAY(SELECT f.r_id FROM ref.fact f
                      WHERE f.a_type = r.a_type AND f.a_id = r.a_id AND f.r_type = r.r_type
                        AND f.term = r.action
                      ORDER BY f.r_id COLLATE "C");

-- who_can --------------------------------------------------------------------

-- Relevance per type asked about (root): every role and permission of the
-- root, and backwards through the rules whatever feeds them.
CREATE TABLE ref.relevant AS
WITH RECURSIVE rel(root, type, term) AS (
    SELECT t.type, t.type, t.name FROM rbac.policy_term t WHERE t.kind <> 'relation'
  UNION
    SELECT r.root, coalesce(tt.target, r.type), pr.body
    FROM rel r
    JOIN rbac.policy_rule pr ON pr.type = r.type AND pr.head = r.term
                            AND pr.body_kind IN ('role', 'permission')
    LEFT JOIN rbac.policy_term tt ON tt.type = pr.type AND tt.name = pr.via AND tt.kind = 'relation'
)
SELECT DISTINCT * FROM rel;

CREATE TABLE ref.who AS
SELECT DISTINCT d.action, d.r_type, d.r_id
FROM ref.decision d
WHERE d.a_type = ''
  AND abs(hashtext('who/' || d.action || '/' || d.r_type || ':' || d.r_id)) % 100
      < coalesce(current_setting('ref.who_pct', true)::int, 10);

-- the resources reached from each sampled resource through relations that
-- a relevant rule walks, or that a last-mile rule's has_role walks through
-- a join table (ref.lm_walk; only rows have relations; actor targets are
-- not walked)
CREATE TABLE ref.who_reach AS
WITH RECURSIVE reach(root_type, root_id, type, id) AS (
    SELECT DISTINCT r_type, r_id, r_type, r_id FROM ref.who
  UNION
    SELECT r.root_type, r.root_id, e.target_type, e.target_id
    FROM reach r
    JOIN ref.edge e ON e.type = r.type AND e.id = r.id
    JOIN rbac.policy_type pt ON pt.name = e.target_type AND pt.kind = 'resource'
    WHERE EXISTS (SELECT 1 FROM rbac.policy_rule pr
                  JOIN ref.relevant rv ON rv.root = r.root_type AND rv.type = pr.type
                                      AND rv.term = pr.head
                  WHERE pr.type = e.type AND pr.via = e.rel)
       OR EXISTS (SELECT 1 FROM ref.lm_walk w WHERE w.type = e.type AND w.rel = e.rel)
)
SELECT * FROM reach;

-- candidates: holders of an assignment (expired or not) that is global or
-- on a reached resource, and their members, transitively
CREATE TABLE ref.who_candidate AS
WITH RECURSIVE everyone(root_type, root_id, t, i) AS (
    SELECT DISTINCT w.r_type, w.r_id, a.actor_type, a.actor_id
    FROM (SELECT DISTINCT r_type, r_id FROM ref.who) w
    JOIN rbac.assignment a
      ON a.resource_type IS NULL
      OR EXISTS (SELECT 1 FROM ref.who_reach x
                 WHERE x.root_type = w.r_type AND x.root_id = w.r_id
                   AND x.type = a.resource_type AND x.id = a.resource_id)
  UNION
    SELECT e.root_type, e.root_id, m.member_type, m.member_id
    FROM everyone e
    JOIN rbac.membership m ON m.group_type = e.t AND m.group_id = e.i
)
SELECT * FROM everyone;

-- facts derived from assignments alone: built-in and custom roles held by
-- assignment and global roles, closed under the same steps as ref.fact
-- (actor relations and attribute-only last-mile rules left out)
CREATE TABLE ref.fact_assigned AS
WITH RECURSIVE
base(a_type, a_id, r_type, r_id, term) AS (
    SELECT h.a_type, h.a_id, h.resource_type, h.resource_id, h.role
    FROM ref.held_assignment h
    JOIN rbac.policy_term t ON t.type = h.resource_type AND t.name = h.role AND t.kind = 'role'
  UNION
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
    SELECT h.a_type, h.a_id, r.type, res.id, r.head
    FROM ref.held_assignment h
    JOIN rbac.policy_rule r ON r.body_kind = 'global' AND r.body = h.role
    JOIN ref.res res ON res.type = r.type
    WHERE h.resource_type IS NULL
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
SELECT * FROM fact WHERE (r_type, r_id) IN (SELECT r_type, r_id FROM ref.who);
CREATE INDEX ON ref.fact_assigned (r_type, r_id, term);

ALTER TABLE ref.who ADD COLUMN engine text[], ADD COLUMN reference text[],
                    ADD COLUMN unknown text[], ADD COLUMN spec_missing text[];
UPDATE ref.who w SET engine = ARRAY(SELECT x FROM rbac.who_can(w.action, w.r_type || ':' || w.r_id) x
                                    ORDER BY x COLLATE "C");
UPDATE ref.who w SET
    -- the candidates the reference allows
    reference = ARRAY(
        SELECT DISTINCT c.t || ':' || c.i COLLATE "C" FROM ref.who_candidate c
        JOIN ref.fact f ON f.a_type = c.t AND f.a_id = c.i AND f.r_type = w.r_type
                       AND f.r_id = w.r_id AND f.term = w.action
        WHERE c.root_type = w.r_type AND c.root_id = w.r_id
        ORDER BY 1),
    -- listed actors the reference cannot decide for (no row of a bound actor type)
    unknown = ARRAY(
        SELECT x FROM unnest(w.engine) x
        WHERE NOT EXISTS (SELECT 1 FROM ref.actor a WHERE a.type || ':' || a.id = x)
        ORDER BY x COLLATE "C"),
    -- holders through assignments alone that are not listed
    spec_missing = ARRAY(
        SELECT DISTINCT f.a_type || ':' || f.a_id COLLATE "C" FROM ref.fact_assigned f
        WHERE f.r_type = w.r_type AND f.r_id = w.r_id AND f.term = w.action AND f.a_type <> ''
          AND NOT (f.a_type || ':' || f.a_id = ANY (w.engine))
        ORDER BY 1);
-- compare on the actors the reference knows
UPDATE ref.who w SET engine = ARRAY(SELECT x FROM unnest(w.engine) x
                                    WHERE NOT (x = ANY (w.unknown)) ORDER BY x COLLATE "C");

-- explain's verdict ------------------------------------------------------------

CREATE TABLE ref.explained AS
SELECT d.a_type, d.a_id, d.action, d.r_type, d.r_id, d.reference
FROM ref.decision d
WHERE abs(hashtext('explain/' || d.a_type || ':' || d.a_id || '/' || d.action || '/'
                   || d.r_type || ':' || d.r_id)) % 100
      < coalesce(current_setting('ref.explain_pct', true)::int, 5);
SELECT rbac.reset_actor();
ALTER TABLE ref.explained ADD COLUMN engine boolean;
UPDATE ref.explained e SET engine = CASE WHEN e.a_type = ''
    THEN (SELECT bool_or(l LIKE 'allowed:%') FROM rbac.explain(e.action, e.r_type || ':' || e.r_id) l)
    ELSE (SELECT bool_or(l LIKE 'allowed:%')
          FROM rbac.explain(e.a_type || ':' || e.a_id, e.action, e.r_type || ':' || e.r_id) l) END;

-- authorize ----------------------------------------------------------------

-- the read action: the default, and another permission of the type (by hash)
CREATE TABLE ref.authorized AS
SELECT d.a_type, d.a_id, d.action, d.r_type, d.r_id, d.reference, ra.read_action
FROM ref.decision d
CROSS JOIN LATERAL (
    SELECT 'read' AS read_action
  UNION ALL
    (SELECT p.name FROM ref.decision_action p
     WHERE p.type = d.r_type AND p.name <> 'read'
     ORDER BY hashtext(p.name || d.r_id), p.name LIMIT 1)) ra
WHERE abs(hashtext('authorize/' || d.a_type || ':' || d.a_id || '/' || d.action || '/'
                   || d.r_type || ':' || d.r_id)) % 100
      < coalesce(current_setting('ref.authorize_pct', true)::int, 5);
SELECT rbac.reset_actor();
ALTER TABLE ref.authorized ADD COLUMN engine text, ADD COLUMN expected text;
CREATE FUNCTION ref.authorize_outcome(actor text, action text, resource text, read_action text)
RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('rbac.read_action', read_action, true);
    BEGIN
        IF actor IS NULL THEN
            PERFORM rbac.authorize(action, resource);
        ELSE
            PERFORM rbac.authorize(actor, action, resource);
        END IF;
        RETURN 'ok';
    EXCEPTION WHEN OTHERS THEN
        RETURN SQLSTATE;
    END;
END $$;
UPDATE ref.authorized z SET
    engine = ref.authorize_outcome(CASE WHEN z.a_type <> '' THEN z.a_type || ':' || z.a_id END,
                                   z.action, z.r_type || ':' || z.r_id, z.read_action),
    expected = CASE
        WHEN z.reference THEN 'ok'
        WHEN EXISTS (SELECT 1 FROM ref.fact f JOIN ref.decision_action p
                       ON p.type = f.r_type AND p.name = f.term
                     WHERE f.a_type = z.a_type AND f.a_id = z.a_id AND f.r_type = z.r_type
                       AND f.r_id = z.r_id AND f.term = z.read_action) THEN '42501'
        ELSE 'P0002' END;
RESET rbac.read_action;
