-- Role assignments (SPEC 3.4): assign_role, remove_role, assignments, the
-- writable view rbac.role_assignments, global roles, expiry, validation.
\set SHOW_CONTEXT never
\set spec_policy `cat examples/gitclub.polar`
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true);
SELECT pg_catalog.clock_timestamp() AS t0 \gset

-- a new assignment is true, a repeated one false, with no second row
SELECT rbac.assign_role('User:alice', 'owner', 'Organization:acme');
SELECT rbac.assign_role('User:alice', 'owner', 'Organization:acme');
SELECT count(*) FROM rbac.assignment WHERE actor_id = 'alice' AND role = 'owner';
SELECT rbac.assign_role('User:bob', 'reader', 'Repository:1');
SELECT rbac.assign_role('Group:eng', 'maintainer', 'Repository:1');
-- ids may contain colons: the type ends at the first one
SELECT rbac.assign_role('User:carol:ext', 'admin', 'Repository:gh:2');

-- global roles: NULL resource, also unique
SELECT rbac.assign_role('User:root', 'superadmin');
SELECT rbac.assign_role('User:root', 'superadmin', NULL);
SELECT count(*) FROM rbac.assignment WHERE role = 'superadmin';

-- expiry: assigning again updates it and returns false
SELECT rbac.assign_role('User:bob', 'admin', 'Repository:1', '2030-01-01 00:00:00+00');
SELECT rbac.assign_role('User:bob', 'admin', 'Repository:1', '2031-06-01 00:00:00+00');
SELECT expires_at FROM rbac.assignments('User:bob', 'Repository:1') WHERE role = 'admin';
-- the same expiry again changes nothing and is not audited
SELECT rbac.assign_role('User:bob', 'admin', 'Repository:1', '2031-06-01 00:00:00+00');
-- NULL makes it permanent
SELECT rbac.assign_role('User:bob', 'admin', 'Repository:1');
SELECT expires_at FROM rbac.assignments('User:bob', 'Repository:1') WHERE role = 'admin';
-- an expired assignment is kept (checks ignore it)
SELECT rbac.assign_role('User:dave', 'reader', 'Repository:1', '2000-01-01 00:00:00+00');

-- listing: all, by actor, by resource, by both; sorted, global first
SELECT * FROM rbac.assignments();
SELECT * FROM rbac.assignments('User:bob');
SELECT * FROM rbac.assignments(resource => 'Repository:1');
SELECT * FROM rbac.assignments('User:bob', 'Repository:1');
SELECT * FROM rbac.assignments('User:nobody');
SELECT * FROM rbac.assignments('User');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM rbac.assignments(resource => 'Nope:1');
\echo :LAST_ERROR_SQLSTATE

-- errors write nothing: count the rows before and after
SELECT count(*) AS assignments_before FROM rbac.assignment \gset
SELECT count(*) AS audit_before FROM rbac.audit_log \gset

-- a role of another type
SELECT rbac.assign_role('User:bob', 'owner', 'Repository:1');
\echo :LAST_ERROR_SQLSTATE
-- a permission is not a role
SELECT rbac.assign_role('User:bob', 'push', 'Repository:1');
\echo :LAST_ERROR_SQLSTATE
-- an unknown role, with a suggestion and the valid roles
SELECT rbac.assign_role('User:bob', 'maintaner', 'Repository:1');
\echo :LAST_ERROR_SQLSTATE
-- a type without roles
SELECT rbac.assign_role('User:bob', 'reader', 'Issue:1');
\echo :LAST_ERROR_SQLSTATE
-- a global role needs no resource, a resource role needs one
SELECT rbac.assign_role('User:bob', 'superadmin', 'Repository:1');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.assign_role('User:bob', 'reader');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.assign_role('User:bob', 'superadmn');
\echo :LAST_ERROR_SQLSTATE
-- unknown actor type, a resource type as actor, an actor type as resource
SELECT rbac.assign_role('Usr:bob', 'reader', 'Repository:1');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.assign_role('Repository:2', 'reader', 'Repository:1');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.assign_role('User:bob', 'reader', 'User:alice');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.assign_role('User:bob', 'reader', 'Repo:1');
\echo :LAST_ERROR_SQLSTATE
-- malformed references
SELECT rbac.assign_role('User:bob', 'reader', 'Repository');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.assign_role('User:bob', 'reader', ':7');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.assign_role('User:bob', 'reader', 'Repository:');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.assign_role('bob', 'reader', 'Repository:1');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.assign_role(NULL, 'reader', 'Repository:1');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.assign_role('User:bob', NULL, 'Repository:1');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.remove_role('User:bob', 'reader', ':7');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.remove_role('User:bob', 'owner', 'Repository:1');
\echo :LAST_ERROR_SQLSTATE

SELECT count(*) - :assignments_before AS assignments_written FROM rbac.assignment;
SELECT count(*) - :audit_before AS audit_written FROM rbac.audit_log;

-- remove_role: true when held, false when not
SELECT rbac.remove_role('User:bob', 'reader', 'Repository:1');
SELECT rbac.remove_role('User:bob', 'reader', 'Repository:1');
SELECT rbac.remove_role('User:root', 'superadmin');
SELECT rbac.remove_role('User:root', 'superadmin');
SELECT rbac.remove_role('User:carol:ext', 'admin', 'Repository:gh:2');

-- the audit log: one row per change, with the database user
SELECT db_user = current_user AS by_me, actor, operation, detail
FROM rbac.audit_log WHERE at > :'t0' AND operation IN ('assign_role', 'remove_role')
ORDER BY at;

-- the current actor is recorded
SELECT rbac.set_actor('User:alice');
SELECT rbac.assign_role('User:erin', 'reader', 'Repository:3');
SELECT rbac.reset_actor();
SELECT actor, operation, detail->>'actor' AS assignee FROM rbac.audit_log
WHERE at > :'t0' ORDER BY at DESC LIMIT 1;

-- The writable view ----------------------------------------------------------
SELECT * FROM rbac.role_assignments ORDER BY actor, resource NULLS FIRST, role;

SELECT pg_catalog.clock_timestamp() AS t1 \gset
INSERT INTO rbac.role_assignments VALUES ('User:frank', 'reader', 'Repository:7', NULL);
INSERT INTO rbac.role_assignments (actor, role) VALUES ('User:frank', 'superadmin');
-- already held: nothing changes (every valid row inserted counts)
INSERT INTO rbac.role_assignments VALUES ('User:frank', 'reader', 'Repository:7', NULL);
\echo rows: :ROW_COUNT
-- RETURNING shows what was stored
INSERT INTO rbac.role_assignments VALUES ('User:frank', 'admin', 'Repository:7', '2040-01-01 00:00:00+00')
RETURNING *;
-- the same validation: one bad row and nothing is written
INSERT INTO rbac.role_assignments VALUES
  ('User:gina', 'reader', 'Repository:8', NULL),
  ('User:gina', 'owner', 'Repository:8', NULL);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO rbac.role_assignments VALUES ('User:gina', 'reader', 'Repository', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM rbac.role_assignments WHERE actor = 'User:gina';

-- UPDATE: only the expiry, or a different assignment
UPDATE rbac.role_assignments SET expires_at = '2041-01-01 00:00:00+00'
WHERE actor = 'User:frank' AND role = 'admin';
UPDATE rbac.role_assignments SET role = 'maintainer'
WHERE actor = 'User:frank' AND role = 'reader';
UPDATE rbac.role_assignments SET role = 'owner'
WHERE actor = 'User:frank' AND role = 'maintainer';
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM rbac.role_assignments WHERE actor = 'User:frank' ORDER BY resource NULLS FIRST, role;

-- DELETE
DELETE FROM rbac.role_assignments WHERE actor = 'User:frank' AND resource IS NULL;
\echo rows: :ROW_COUNT
DELETE FROM rbac.role_assignments WHERE actor = 'User:frank' RETURNING actor, role, resource;
SELECT * FROM rbac.role_assignments WHERE actor = 'User:frank';

-- COPY FROM
COPY rbac.role_assignments (actor, role, resource, expires_at) FROM stdin;
User:h1	reader	Repository:10	\N
User:h2	maintainer	Repository:10	2050-01-01 00:00:00+00
Group:ops	admin	Repository:11	\N
User:h3	superadmin	\N	\N
User:h1	reader	Repository:10	\N
\.
-- COPY counts the five rows read; four assignments were made (one repeated)
\echo rows: :ROW_COUNT
SELECT * FROM rbac.role_assignments WHERE actor IN ('User:h1', 'User:h2', 'User:h3', 'Group:ops')
ORDER BY actor, resource NULLS FIRST, role;
-- a bad row fails the whole COPY
COPY rbac.role_assignments (actor, role, resource) FROM stdin;
User:h4	reader	Repository:12
User:h4	reeder	Repository:12
\.
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM rbac.role_assignments WHERE actor = 'User:h4';

-- the view's changes are audited like the functions'
SELECT operation, detail FROM rbac.audit_log WHERE at > :'t1' ORDER BY at;

-- clean up
DELETE FROM rbac.assignment;
