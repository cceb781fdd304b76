-- Recursive last-mile rules through a relation bound through a join table
-- (issue 14): "close" holds on a task that is open, or whose blocker (join
-- table) or parent (a column) it holds on.  Nested checks are tabled
-- (holds.c; policy_test.c for test blocks), so recursion around cycles
-- costs polynomial time instead of exponential; the answers must not
-- change.  Each small cyclic world is compared, task by task, with a
-- reference written by hand (WITH RECURSIVE over the same rows) on every
-- path: is_allowed, explain, authorized_resources, generated RLS, and
-- test_policy on the same world as test-block facts.  Then worlds whose
-- naive evaluation ran for minutes decide under a timeout.  Runs in a
-- database of its own.
\set own_db regress_s96
\set own_role regress_s96_reader
\i sql/include/own_database.sql

\set policy 'actor User {}\nresource Task {\n  permissions = ["close"];\n  relations = { blockers: Task, parent: Task };\n}\nhas_permission(v: User, "close", r: Task) if r.status = "open" or has_permission(v, "close", r.blockers) or has_permission(v, "close", r.parent);\n'
SELECT rbac.load_policy(E:'policy');
CREATE TABLE users (id text PRIMARY KEY);
INSERT INTO users VALUES ('ann');
CREATE TABLE tasks (id int PRIMARY KEY, status text, parent_id int);
CREATE TABLE task_blockers (task_id int, blocker_id int);
SELECT rbac.bind('User', 'users');
SELECT rbac.bind('Task', 'tasks', relations => '{"parent": "parent_id", "blockers": {"through": "task_blockers", "from": "task_id", "to": "blocker_id"}}');
GRANT SELECT ON tasks, task_blockers TO regress_s96_reader;
SELECT rbac.enable_rls('tasks', '{"select": "close"}');

-- The reference: the tasks that are open or reach an open task through
-- blockers and parents (a dangling or NULL end reaches nothing).
CREATE FUNCTION pg_temp.reference() RETURNS SETOF int LANGUAGE sql AS $$
  WITH RECURSIVE ok(id) AS (
    SELECT id FROM tasks WHERE status = 'open'
    UNION
    SELECT e.src FROM ok
      JOIN (SELECT task_id AS src, blocker_id AS dst FROM task_blockers
            UNION ALL SELECT id, parent_id FROM tasks) e ON e.dst = ok.id)
  SELECT id FROM tasks WHERE id IN (SELECT id FROM ok) ORDER BY id
$$;

-- The world as a test block: the rows as facts (ends with no row left
-- out: a Task{"id"} named in a test is a row), one assertion per task,
-- asserting the reference's answer.
CREATE FUNCTION pg_temp.test_block(policy text) RETURNS text LANGUAGE sql AS $$
  SELECT policy || E'test "world" {\n  setup {\n'
    || coalesce((SELECT string_agg(format('    has_relation(Task{"%s"}, "blockers", Task{"%s"});', b.task_id, b.blocker_id), E'\n')
                 FROM task_blockers b
                 WHERE b.task_id IN (SELECT id FROM tasks) AND b.blocker_id IN (SELECT id FROM tasks)), '')
    || E'\n'
    || coalesce((SELECT string_agg(format('    has_relation(Task{"%s"}, "parent", Task{"%s"});', t.id, t.parent_id), E'\n')
                 FROM tasks t WHERE t.parent_id IN (SELECT id FROM tasks)), '')
    || E'\n'
    || coalesce((SELECT string_agg(format('    status(Task{"%s"}, "%s");', id, status), E'\n')
                 FROM tasks WHERE status IS NOT NULL), '')
    || E'\n  }\n'
    || (SELECT string_agg(format('  %s allow(User{"ann"}, "close", Task{"%s"});',
                                 CASE WHEN id IN (SELECT pg_temp.reference()) THEN 'assert' ELSE 'assert_not' END, id),
                          E'\n' ORDER BY id) FROM tasks)
    || E'\n}\n'
$$;

-- Every path against the reference: the tasks it allows, and for each path
-- whether it agrees on every task.
CREATE FUNCTION pg_temp.compare(policy text)
RETURNS TABLE (reference text, checks boolean, explains boolean, lists boolean, rls boolean, tests boolean)
LANGUAGE plpgsql AS $$
DECLARE
    ref int[] := array(SELECT pg_temp.reference());
    got int[];
BEGIN
    reference := array_to_string(ref, ',');
    got := array(SELECT id FROM tasks WHERE rbac.is_allowed('User:ann', 'close', 'Task:' || id) ORDER BY id);
    checks := got = ref;
    got := array(SELECT id FROM tasks
                 WHERE (SELECT x FROM rbac.explain('User:ann', 'close', 'Task:' || id) x
                        WHERE x LIKE 'allowed:%' OR x LIKE 'denied:%') LIKE 'allowed:%' ORDER BY id);
    explains := got = ref;
    got := array(SELECT x::int FROM rbac.authorized_resources('User:ann', 'close', 'Task') x ORDER BY 1);
    lists := got = ref;
    SET LOCAL ROLE regress_s96_reader;
    PERFORM rbac.set_actor('User:ann');
    got := array(SELECT id FROM tasks ORDER BY id);
    RESET ROLE;
    PERFORM rbac.reset_actor();
    rls := got = ref;
    tests := (SELECT bool_and(passed) FROM rbac.test_policy(pg_temp.test_block(policy)));
    RETURN NEXT;
END $$;

-- 1. self-loops: a closed task blocked by itself, an open one blocked by
-- itself, a task whose parent is itself
INSERT INTO tasks VALUES (1, 'closed', NULL), (2, 'open', NULL), (3, 'closed', 3), (4, 'closed', NULL);
INSERT INTO task_blockers VALUES (1, 1), (2, 2), (4, 4), (4, 2);
SELECT * FROM pg_temp.compare(:'policy');

-- 2. two cycles joined by one edge; the open task in the second: the
-- first reaches it, the second is closed on itself
TRUNCATE tasks, task_blockers;
INSERT INTO tasks SELECT g, CASE WHEN g = 6 THEN 'open' ELSE 'closed' END FROM generate_series(1, 7) g;
INSERT INTO task_blockers VALUES (1, 2), (2, 3), (3, 1), (4, 5), (5, 6), (6, 4), (3, 4), (7, 1);
SELECT * FROM pg_temp.compare(:'policy');
-- the open task in the first cycle instead: the second does not reach it
UPDATE tasks SET status = CASE WHEN id = 2 THEN 'open' ELSE 'closed' END;
SELECT * FROM pg_temp.compare(:'policy');

-- 3. an open task reachable only through a cycle, whose every member is
-- asked first from inside it (entered at each point in turn)
TRUNCATE tasks, task_blockers;
INSERT INTO tasks SELECT g, CASE WHEN g = 14 THEN 'open' ELSE 'closed' END FROM generate_series(10, 15) g;
INSERT INTO task_blockers VALUES (10, 11), (11, 12), (12, 13), (13, 10), (12, 10), (13, 14), (15, 10);
SELECT * FROM pg_temp.compare(:'policy');

-- 4. NULL and dangling join ends, a dangling parent, a join row from a
-- task with no row, a NULL status
TRUNCATE tasks, task_blockers;
INSERT INTO tasks VALUES (20, 'closed', NULL), (21, 'closed', 999), (22, NULL, NULL), (23, 'open', NULL), (24, 'closed', 20);
INSERT INTO task_blockers VALUES (20, NULL), (20, 998), (NULL, 23), (997, 23), (22, 21), (22, 23), (21, 22);
SELECT * FROM pg_temp.compare(:'policy');

-- 5. a cycle through both relations (parent and blockers), answers that
-- depend on a cut goal and turn true later in the same component
TRUNCATE tasks, task_blockers;
INSERT INTO tasks VALUES (30, 'closed', 31), (31, 'closed', NULL), (32, 'closed', 30), (33, 'closed', 32),
                         (34, 'open', NULL), (35, 'closed', 33);
INSERT INTO task_blockers VALUES (31, 32), (32, 33), (33, 30), (31, 35), (35, 34), (30, 33);
SELECT * FROM pg_temp.compare(:'policy');
-- the same with nothing open: every answer false, the whole component cut
UPDATE tasks SET status = 'closed';
SELECT * FROM pg_temp.compare(:'policy');

-- 6. t/032's world: 26 tasks, each blocked by the next two around a
-- cycle (the naive evaluation took minutes for one check), all closed,
-- then one open
TRUNCATE tasks, task_blockers;
INSERT INTO tasks SELECT g, 'closed' FROM generate_series(1, 26) g;
INSERT INTO task_blockers SELECT g, g % 26 + 1 FROM generate_series(1, 26) g
  UNION ALL SELECT g, (g + 1) % 26 + 1 FROM generate_series(1, 26) g;
SET statement_timeout = '60s';
SELECT * FROM pg_temp.compare(:'policy');
UPDATE tasks SET status = 'open' WHERE id = 20;
SELECT * FROM pg_temp.compare(:'policy');

-- 7. 200 tasks, three blockers and a parent each, in cycles; nothing
-- open, then one task open (every task reaches it)
TRUNCATE tasks, task_blockers;
INSERT INTO tasks SELECT g, 'closed', (g * 7) % 200 + 1 FROM generate_series(1, 200) g;
INSERT INTO task_blockers SELECT g, (g + j * 13) % 200 + 1 FROM generate_series(1, 200) g, generate_series(1, 3) j;
SELECT count(*) AS allowed FROM pg_temp.reference();
SELECT checks, explains, lists, rls, tests FROM pg_temp.compare(:'policy');
UPDATE tasks SET status = 'open' WHERE id = 100;
SELECT count(*) AS allowed FROM pg_temp.reference();
SELECT checks, explains, lists, rls, tests FROM pg_temp.compare(:'policy');
RESET statement_timeout;

-- 8. answers are kept for one snapshot only: a write of the transaction,
-- and a rolled-back savepoint, are seen by the next check
TRUNCATE tasks, task_blockers;
INSERT INTO tasks VALUES (1, 'closed', NULL), (2, 'closed', NULL), (3, 'closed', 1);
INSERT INTO task_blockers VALUES (1, 2), (2, 1);
BEGIN;
SELECT rbac.is_allowed('User:ann', 'close', 'Task:3') AS before_update;
UPDATE tasks SET status = 'open' WHERE id = 2;
SELECT rbac.is_allowed('User:ann', 'close', 'Task:3') AS after_update;
SAVEPOINT s;
UPDATE tasks SET status = 'closed' WHERE id = 2;
SELECT rbac.is_allowed('User:ann', 'close', 'Task:3') AS in_savepoint;
ROLLBACK TO SAVEPOINT s;
SELECT rbac.is_allowed('User:ann', 'close', 'Task:3') AS after_rollback;
DELETE FROM task_blockers WHERE task_id = 1;
SELECT rbac.is_allowed('User:ann', 'close', 'Task:3') AS blocker_deleted;
COMMIT;

-- 9. a policy with the nested check under "not" is not monotone: its
-- answers are not tabled, and a cut goal stays false on that path (as
-- before tabling): Task:1 blocked by itself is not "closed" by the rule
-- "not close on a blocker"
SELECT rbac.load_policy($p$
actor User {}
resource Task {
  permissions = ["close"];
  relations = { blockers: Task, parent: Task };
}
has_permission(v: User, "close", r: Task) if r.status = "open" or not has_permission(v, "close", r.parent);
$p$);
TRUNCATE tasks, task_blockers;
INSERT INTO tasks VALUES (1, 'closed', 1), (2, 'closed', NULL), (3, 'closed', 2), (4, 'closed', 3);
SELECT id, rbac.is_allowed('User:ann', 'close', 'Task:' || id) FROM tasks ORDER BY id;

\i sql/include/own_database_end.sql
