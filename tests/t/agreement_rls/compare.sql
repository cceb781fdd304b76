-- One decision per round x actor (or nobody) x row x statement: what
-- rls_tester saw or changed under the generated policies, against what
-- rbac.is_allowed says it should.
--
-- The rule for writes is PostgreSQL's (checked on a plain table with
-- hand-written policies by t/031_rls_agreement.pl): UPDATE and DELETE see
-- the rows the USING clause of their own policy admits, and when the
-- statement reads a column of the table (SET col = col, a WHERE or a
-- RETURNING clause naming one) also only the rows the SELECT policy
-- admits.  So:
--   select                       is_allowed(select action)
--   update (SET rls_touch = 1)   is_allowed(update action)
--   update_read (SET key = key)  is_allowed(update action) and is_allowed(select action)
--   delete (no WHERE)            is_allowed(delete action)
--   delete_read (WHERE key ...)  is_allowed(delete action) and is_allowed(select action)
-- A command mapped to null, and every command on a deny target, affects
-- nothing.
ANALYZE rls.seen;
CREATE TABLE rls.decision AS
WITH base AS (
    SELECT m.round, a.actor, r.tbl, r.type, r.id, k.kind, m.select_action,
           CASE WHEN k.kind LIKE 'update%' THEN m.update_action
                WHEN k.kind LIKE 'delete%' THEN m.delete_action END AS action,
           k.kind IN ('select', 'update_read', 'delete_read') AS needs_read
    FROM rls.map m
    JOIN rls.row r ON r.tbl = m.tbl
    CROSS JOIN rls.actor a
    CROSS JOIN unnest(ARRAY['select', 'update_read', 'update', 'delete', 'delete_read']) k(kind)
)
SELECT b.round, b.actor, b.tbl, b.type, b.id, b.kind, b.select_action, b.action,
       sel.allowed AS read_allowed, act.allowed AS action_allowed,
       coalesce((NOT b.needs_read OR sel.allowed) AND (b.kind = 'select' OR act.allowed), false)
           AS expected,
       s.id IS NOT NULL AS seen
FROM base b
LEFT JOIN rls.allowed sel
       ON (sel.actor, sel.tbl, sel.id, sel.action) = (b.actor, b.tbl, b.id, b.select_action)
LEFT JOIN rls.allowed act
       ON (act.actor, act.tbl, act.id, act.action) = (b.actor, b.tbl, b.id, b.action)
LEFT JOIN (SELECT DISTINCT round, actor, tbl, kind, id FROM rls.seen) s
       ON (s.round, s.actor, s.tbl, s.kind, s.id) = (b.round, b.actor, b.tbl, b.kind, b.id);
ANALYZE rls.decision;
