-- Test strength (issue 17): who an actor is, and what a row is.
--  1. One id, two actor types: User:x and Group:x are different actors for
--     actor relations (shorthand and last-mile), memberships, checks, sets
--     and generated RLS.
--  2. Deleting a bound row removes all its role data (as resource, tenant,
--     actor, member and group), and a re-created row with the same id
--     inherits nothing; the group deleted here still has members.
--  3. who_can lists holders of global roles.
--  4. Types declared child first (Task, Project, Org): set evaluation must
--     run its rounds to the fixpoint.
--  5. and / or / not without parentheses in last-mile rules: not binds
--     tightest, then and, then or; checked against SQL's own evaluation
--     with explicit parentheses, through checks, sets and RLS.
--  6. A prepared statement's generic plan never keeps an old decision.
-- Runs in a database of its own.
\set own_db regress_s83
\set own_role regress_s83_reader
\i sql/include/own_database.sql

SELECT rbac.load_policy($p$
resource Task {
  roles = ["assignee"];
  permissions = ["read", "close", "archive", "flag", "peek", "poke"];
  relations = { project: Project, creator: User, team: Group };

  "read" if "read" on "project";
  "close" if "creator";
  "close" if "assignee";
  "archive" if "team";
}

resource Project {
  roles = ["lead"];
  permissions = ["read"];
  relations = { org: Org };

  "read" if "read" on "org";
  "read" if "lead";
}

resource Org {
  roles = ["owner", "member"];
  permissions = ["read", "manage_roles"];

  "member" if "owner";
  "read" if "member";
  "read" if global "root";
  "manage_roles" if "owner";
}

global { roles = ["root"]; }
actor Group {}
actor User {}

has_permission(a: Actor, "flag", t: Task) if t.creator = a;
has_permission(_: User, "peek", t: Task) if t.a or t.b and t.c;
has_permission(_: User, "poke", t: Task) if not t.a and t.b or not t.c and t.a;
$p$);

CREATE TABLE users (id text PRIMARY KEY);
CREATE TABLE groups (id text PRIMARY KEY);
CREATE TABLE orgs (id int PRIMARY KEY);
CREATE TABLE projects (id int PRIMARY KEY, org_id int REFERENCES orgs ON DELETE CASCADE);
CREATE TABLE tasks (id int PRIMARY KEY, project_id int REFERENCES projects ON DELETE CASCADE,
                    creator text, team text, a boolean, b boolean, c boolean);
INSERT INTO users VALUES ('x'), ('y'), ('z'), ('w');
INSERT INTO groups VALUES ('x'), ('top'), ('eng');
INSERT INTO orgs VALUES (1), (2);
INSERT INTO projects VALUES (1, 1), (2, 2);
-- tasks 1-8: every combination of a, b, c; 9: all three NULL
INSERT INTO tasks
SELECT i, 1 + (i > 4)::int, CASE WHEN i <= 4 THEN 'x' ELSE 'y' END,
       CASE WHEN i <= 4 THEN 'x' END,
       (i - 1) & 4 <> 0, (i - 1) & 2 <> 0, (i - 1) & 1 <> 0
FROM generate_series(1, 8) i;
INSERT INTO tasks VALUES (9, 2, NULL, NULL, NULL, NULL, NULL);
SELECT rbac.bind('User', 'users'), rbac.bind('Group', 'groups'), rbac.bind('Org', 'orgs');
SELECT rbac.bind('Project', 'projects');
SELECT rbac.bind('Task', 'tasks', relations => '{"project": "project_id", "creator": "creator", "team": "team"}');

SELECT rbac.add_member('Group:top', 'Group:x'), rbac.assign_role('Group:top', 'member', 'Org:1'),
       rbac.add_member('Group:eng', 'User:y'), rbac.assign_role('Group:eng', 'member', 'Org:2'),
       rbac.assign_role('User:x', 'assignee', 'Task:5'), rbac.assign_role('User:x', 'lead', 'Project:1'),
       rbac.assign_role('User:z', 'root'),
       rbac.create_role('Org:2', 'auditor', '{read}'), rbac.assign_role('User:w', 'auditor', 'Org:2');

-- 1. One id, two actor types --------------------------------------------
CREATE TEMP TABLE probe (action text, resource text);
INSERT INTO probe VALUES ('close', 'Task:1'), ('archive', 'Task:1'), ('flag', 'Task:1'),
    ('read', 'Task:1'), ('read', 'Org:1'), ('close', 'Task:5');
SELECT p.action, p.resource,
       rbac.is_allowed('User:x', p.action, p.resource) AS user_x,
       rbac.is_allowed('Group:x', p.action, p.resource) AS group_x,
       (SELECT bool_or(l LIKE 'allowed:%') FROM rbac.explain('User:x', p.action, p.resource) l) AS explain_user_x,
       (SELECT bool_or(l LIKE 'allowed:%') FROM rbac.explain('Group:x', p.action, p.resource) l) AS explain_group_x
FROM probe p;
SELECT who, p, array(SELECT rbac.authorized_resources(who, p, 'Task')) AS tasks
FROM unnest(ARRAY['User:x', 'Group:x']) who, unnest(ARRAY['read', 'close', 'archive', 'flag']) p
ORDER BY who, p;
SELECT who, array(SELECT rbac.authorized_actions(who, 'Task:1')) AS actions,
       array(SELECT rbac.authorized_roles(who, 'Org:1')) AS org1_roles
FROM unnest(ARRAY['User:x', 'Group:x']) who ORDER BY who;
SELECT rbac.groups_of('User:x') AS user_x_groups;
SELECT rbac.groups_of('Group:x') AS group_x_groups;

-- generated RLS: what each actor sees of tasks with SELECT mapped to each
-- permission in turn (a reader with no privilege on the catalogs)
GRANT SELECT ON tasks TO regress_s83_reader;
CREATE TEMP TABLE seen (perm text, actor text, ids int[]);
GRANT INSERT ON seen TO regress_s83_reader;
CREATE FUNCTION pg_temp.look(perm text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    a text;
BEGIN
    PERFORM rbac.enable_rls('tasks', jsonb_build_object('select', perm));
    SET LOCAL ROLE regress_s83_reader;
    FOREACH a IN ARRAY ARRAY['User:x', 'Group:x', 'User:z'] LOOP
        PERFORM rbac.set_actor(a);
        INSERT INTO seen SELECT perm, a, array(SELECT id FROM tasks ORDER BY id);
    END LOOP;
    PERFORM rbac.reset_actor();
    RESET ROLE;
END $$;
SELECT pg_temp.look(p) FROM unnest(ARRAY['read', 'close', 'archive', 'flag', 'peek', 'poke']) p;
SELECT s.perm, s.actor, s.ids AS rls_rows,
       s.ids = array(SELECT id FROM tasks WHERE rbac.is_allowed(s.actor, s.perm, 'Task:' || id) ORDER BY id)
           AS same_as_is_allowed
FROM seen s ORDER BY s.perm, s.actor;

-- 3. who_can: members of groups expanded, global role holders listed ------
SELECT rbac.who_can('read', 'Org:1');
SELECT rbac.who_can('read', 'Project:2');

-- 4. Types declared child first: sets reach the fixpoint -----------------
SELECT who, array(SELECT rbac.authorized_resources(who, 'read', 'Task')) AS tasks,
       array(SELECT id FROM tasks WHERE rbac.is_allowed(who, 'read', 'Task:' || id) ORDER BY id) AS is_allowed
FROM unnest(ARRAY['User:z', 'Group:x', 'User:y', 'User:w', 'User:x']) who ORDER BY who;

-- 5. and / or / not without parentheses ---------------------------------
-- peek: a or (b and c); poke: ((not a) and b) or ((not c) and a); a NULL
-- column makes a comparison false, and "not" of it true
SELECT t.id, t.a, t.b, t.c,
       rbac.is_allowed('User:z', 'peek', 'Task:' || t.id) AS peek,
       coalesce(t.a, false) OR (coalesce(t.b, false) AND coalesce(t.c, false)) AS peek_expected,
       rbac.is_allowed('User:z', 'poke', 'Task:' || t.id) AS poke,
       ((NOT coalesce(t.a, false)) AND coalesce(t.b, false))
           OR ((NOT coalesce(t.c, false)) AND coalesce(t.a, false)) AS poke_expected
FROM tasks t ORDER BY t.id;
SELECT p, array(SELECT rbac.authorized_resources('User:z', p, 'Task')) AS sets
FROM unnest(ARRAY['peek', 'poke']) p;

-- 2. Deleting bound rows, and re-creating them -------------------------
-- before: User:y reads Org:2 through Group:eng, Group:x reads Org:1
-- through Group:top, User:x reads Project:1 as its lead and closes Task:5
-- as its assignee, User:w reads Org:2 through the custom role auditor.
-- Org:2 goes with its project and tasks (ON DELETE CASCADE).
CREATE TEMP VIEW rights AS
SELECT rbac.is_allowed('User:y', 'read', 'Org:2') AS y_reads_org2,
       rbac.is_allowed('Group:x', 'read', 'Org:1') AS group_x_reads_org1,
       rbac.is_allowed('User:x', 'read', 'Project:1') AS user_x_reads_project1,
       rbac.is_allowed('User:x', 'close', 'Task:5') AS user_x_closes_task5,
       rbac.is_allowed('User:w', 'read', 'Org:2') AS w_reads_org2;
SELECT * FROM rights;
DELETE FROM groups WHERE id IN ('eng', 'top');
DELETE FROM users WHERE id = 'x';
DELETE FROM orgs WHERE id = 2;
SELECT group_type || ':' || group_id AS grp, member_type || ':' || member_id AS member
FROM rbac.membership ORDER BY 1, 2;
SELECT * FROM rbac.assignments() ORDER BY 1, 2, 3;
SELECT * FROM rbac.custom_role;
INSERT INTO groups VALUES ('eng'), ('top');
INSERT INTO users VALUES ('x');
INSERT INTO orgs VALUES (2);
INSERT INTO projects VALUES (2, 2);
INSERT INTO tasks VALUES (5, 2, 'y', NULL, true, false, false);
SELECT * FROM rights;
SELECT rbac.members('Group:eng') AS eng_members, rbac.members('Group:top') AS top_members;
SELECT name, custom FROM rbac.roles('Org:2') ORDER BY custom, name;
SELECT array(SELECT rbac.authorized_resources('User:y', 'read', 'Org')) AS y_orgs,
       array(SELECT rbac.authorized_resources('User:w', 'read', 'Org')) AS w_orgs,
       array(SELECT rbac.authorized_resources('Group:x', 'read', 'Project')) AS group_x_projects;
SELECT rbac.who_can('read', 'Org:2');
-- a new grant to the re-created group reaches only its new members
SELECT rbac.assign_role('Group:eng', 'member', 'Org:1'), rbac.add_member('Group:eng', 'User:w');
SELECT rbac.is_allowed('User:y', 'read', 'Org:1') AS y_reads_org1,
       rbac.is_allowed('User:w', 'read', 'Org:1') AS w_reads_org1;

-- 6. Prepared statements (a generic plan is built once) -------------------
SET plan_cache_mode = force_generic_plan;
PREPARE explicit_check AS SELECT rbac.is_allowed('User:y', 'read', 'Org:2');
PREPARE current_check AS SELECT rbac.is_allowed('read', 'Org:2');
SELECT rbac.set_actor('User:y');
EXECUTE explicit_check;
EXECUTE current_check;
SELECT rbac.assign_role('User:y', 'member', 'Org:2');
EXECUTE explicit_check;
EXECUTE current_check;
SELECT rbac.set_actor('User:w');
EXECUTE current_check;
SELECT rbac.reset_actor();
RESET plan_cache_mode;

\i sql/include/own_database_end.sql
