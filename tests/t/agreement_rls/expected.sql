-- What the rounds must show, from rbac.is_allowed (run as the superuser,
-- who bypasses row level security): every (actor or nobody, row, action)
-- a round maps a command of the row's table to.  Nobody is checked with
-- the current-actor form and no actor set.
SELECT rbac.reset_actor();
CREATE TABLE rls.allowed AS
SELECT a.actor, r.tbl, r.id, p.action,
       CASE WHEN a.actor = '' THEN rbac.is_allowed(p.action, r.type || ':' || r.id)
            ELSE rbac.is_allowed(a.actor, p.action, r.type || ':' || r.id) END AS allowed
FROM rls.actor a
CROSS JOIN rls.row r
JOIN (SELECT DISTINCT tbl, unnest(select_action || writes) AS action
      FROM rls.target WHERE select_action IS NOT NULL) p ON p.tbl = r.tbl;
CREATE UNIQUE INDEX ON rls.allowed (actor, tbl, id, action);
ANALYZE rls.allowed;
