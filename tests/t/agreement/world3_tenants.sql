-- World 3: multi-tenancy.  Tenant -> Project -> Task, tenants under
-- resellers (Tenant reseller Tenant, three deep), tenant permissions that
-- reach tasks two hops down ("task.close" on the tenant -> on the project
-- -> "close" on the task), many custom roles per tenant (permissions only,
-- implied roles only, both) assigned to users and groups, some expired;
-- global roles; nested groups with diamonds; and last-mile rules: a
-- two-hop column comparison with an integer comparison, a has_role rule
-- with != and has_role on the tenant, "not" over a nullable column with
-- has_permission on the resource itself (u: Actor), and "= nil" on a
-- relation.

SELECT rbac.load_policy($polar$
actor User {}
actor Group {}

global {
  roles = ["support", "staff"];
}

resource Tenant {
  roles = ["admin", "member", "billing_admin", "guest"];
  permissions = ["read", "manage", "invoice.read", "project.create", "project.read",
                 "project.write", "task.read", "task.close"];
  relations = { reseller: Tenant };

  "member" if "admin";
  "guest" if "member";
  "read" if "guest";
  "manage" if "admin";
  "invoice.read" if "billing_admin";
  "invoice.read" if "admin";
  "project.create" if "admin";
  "project.read" if "member";
  "project.write" if "admin";
  "task.read" if "project.read";
  "task.close" if "project.write";
  "admin" if "admin" on "reseller";
  "billing_admin" if "billing_admin" on "reseller";
  "read" if global "support";
  "task.read" if global "staff";
}

resource Project {
  roles = ["lead", "contributor", "observer"];
  permissions = ["read", "write", "archive", "task.read", "task.close"];
  relations = { tenant: Tenant, lead_user: User };

  "contributor" if "lead";
  "observer" if "contributor";
  "lead" if "lead_user";
  "lead" if "admin" on "tenant";
  "read" if "observer";
  "write" if "contributor";
  "archive" if "lead";
  "read" if "project.read" on "tenant";
  "write" if "project.write" on "tenant";
  "task.read" if "task.read" on "tenant";
  "task.read" if "read";
  "task.close" if "task.close" on "tenant";
  "task.close" if "lead";
}

resource Task {
  roles = ["assignee", "watcher"];
  permissions = ["read", "update", "close", "reopen"];
  relations = { project: Project, creator: User };

  "watcher" if "assignee";
  "read" if "watcher";
  "read" if "task.read" on "project";
  "update" if "assignee";
  "update" if "write" on "project";
  "close" if "update";
  "close" if "task.close" on "project";
  "close" if "creator";
  "reopen" if "close";
}

has_permission(_: User, "read", t: Task) if t.project.tenant.tier = "free" and t.priority >= 4;
has_role(u: User, "observer", p: Project) if p.visibility != "secret" and has_role(u, "member", p.tenant);
has_permission(a: Actor, "reopen", t: Task) if not t.locked and t.due_day < 10 and has_permission(a, "read", t);
has_permission(_: User, "read", p: Project) if p.tenant = nil;
$polar$);

SELECT setseed(0.303);

CREATE TABLE users (id text PRIMARY KEY);
CREATE TABLE groups (id text PRIMARY KEY);
CREATE TABLE tenants (id text PRIMARY KEY, reseller text, tier text NOT NULL);
CREATE TABLE projects (id int PRIMARY KEY, tenant text, lead text, visibility text NOT NULL);
CREATE TABLE tasks (id int PRIMARY KEY, project int, creator text, priority int NOT NULL,
                    locked boolean, due_day int);

INSERT INTO users SELECT 'user-' || i FROM generate_series(1, 30) i;
INSERT INTO groups SELECT 'grp-' || i FROM generate_series(1, 10) i;

CREATE FUNCTION pick_user() RETURNS text LANGUAGE sql VOLATILE AS
$$ SELECT 'user-' || (1 + floor(random() * 30))::int $$;
CREATE FUNCTION pick_tenant() RETURNS text LANGUAGE sql VOLATILE AS
$$ SELECT CASE WHEN random() < 0.04 THEN 't-gone' ELSE 't' || (1 + floor(random() * 30))::int END $$;

-- tenants t1..t5 are resellers of t6..t15, which resell t16..t30 (some
-- have none; one names a reseller with no row)
INSERT INTO tenants
SELECT 't' || i,
       CASE WHEN i <= 5 THEN NULL
            WHEN random() < 0.25 THEN NULL
            WHEN i = 20 THEN 't-gone'
            WHEN i <= 15 THEN 't' || (1 + floor(random() * 5))::int
            ELSE 't' || (6 + floor(random() * 10))::int END,
       (ARRAY['free', 'team', 'enterprise'])[1 + floor(random() * 3)::int]
FROM generate_series(1, 30) i;

INSERT INTO projects
SELECT i,
       CASE WHEN random() < 0.05 THEN NULL ELSE pick_tenant() END,
       CASE WHEN random() < 0.2 THEN pick_user() END,
       (ARRAY['open', 'internal', 'secret'])[1 + floor(random() * 3)::int]
FROM generate_series(1, 200) i;

INSERT INTO tasks
SELECT i,
       CASE WHEN random() < 0.03 THEN 777 ELSE 1 + floor(random() * 200)::int END,
       CASE WHEN random() < 0.3 THEN pick_user() END,
       floor(random() * 6)::int,
       CASE WHEN random() < 0.3 THEN NULL ELSE random() < 0.3 END,
       CASE WHEN random() < 0.2 THEN NULL ELSE floor(random() * 20)::int END
FROM generate_series(1, 350) i;

-- groups: grp-1 > grp-2, grp-3 > grp-4 (diamond) > grp-5 > grp-6; the
-- rest random below lower-numbered groups; users in up to three groups
SELECT rbac.add_member('Group:grp-1', 'Group:grp-2'), rbac.add_member('Group:grp-1', 'Group:grp-3'),
       rbac.add_member('Group:grp-2', 'Group:grp-4'), rbac.add_member('Group:grp-3', 'Group:grp-4'),
       rbac.add_member('Group:grp-4', 'Group:grp-5'), rbac.add_member('Group:grp-5', 'Group:grp-6');
SELECT rbac.add_member('Group:grp-' || (1 + floor(random() * (i - 1)))::int, 'Group:grp-' || i)
FROM generate_series(7, 10) i, generate_series(1, 2) k;
SELECT rbac.add_member('Group:grp-' || (1 + floor(random() * 10))::int, 'User:' || id)
FROM users, generate_series(1, 3) k WHERE random() < 0.5;

-- custom roles: on every fourth tenant several, on the reseller with no
-- row one
SELECT rbac.create_role('Tenant:t' || i, 'auditor', ARRAY['read', 'invoice.read', 'project.read'])
FROM generate_series(1, 30, 3) i;
SELECT rbac.create_role('Tenant:t' || i, 'pm', ARRAY['project.create'], ARRAY['member'])
FROM generate_series(1, 30, 2) i;
SELECT rbac.create_role('Tenant:t' || i, 'closer', ARRAY['task.close'])
FROM generate_series(2, 30, 4) i;
SELECT rbac.create_role('Tenant:t' || i, 'ops', '{}', ARRAY['billing_admin', 'guest'])
FROM generate_series(1, 30, 5) i;
SELECT rbac.create_role('Tenant:t' || i, 'reseller-admin', '{}', ARRAY['admin'])
FROM generate_series(1, 5) i;
SELECT rbac.create_role('Tenant:t-gone', 'pm', ARRAY['project.create', 'task.read'], ARRAY['member']);

CREATE FUNCTION pick_actor() RETURNS text LANGUAGE sql VOLATILE AS
$$ SELECT CASE WHEN random() < 0.3 THEN 'Group:grp-' || (1 + floor(random() * 10))::int
               ELSE 'User:' || pick_user() END $$;
CREATE FUNCTION pick_expiry() RETURNS timestamptz LANGUAGE sql VOLATILE AS
$$ SELECT CASE WHEN x < 0.7 THEN NULL WHEN x < 0.85 THEN now() - interval '3 days'
               ELSE now() + interval '3 days' END FROM (SELECT random() AS x) s $$;

CREATE TABLE gen_assign (n serial, actor text, role text, resource text, expires_at timestamptz);
-- every custom role assigned once or twice
INSERT INTO gen_assign (actor, role, resource, expires_at)
SELECT pick_actor(), c.name, 'Tenant:' || c.tenant_id, pick_expiry()
FROM rbac.custom_role c, generate_series(1, 2) k
WHERE k = 1 OR random() < 0.5
ORDER BY c.tenant_id, c.name, k;
INSERT INTO gen_assign (actor, role, resource, expires_at)
SELECT pick_actor(), (ARRAY['admin', 'member', 'billing_admin', 'guest'])[1 + floor(random() * 4)::int],
       'Tenant:' || pick_tenant(), pick_expiry()
FROM generate_series(1, 30);
INSERT INTO gen_assign (actor, role, resource, expires_at)
SELECT pick_actor(), (ARRAY['lead', 'contributor', 'observer'])[1 + floor(random() * 3)::int],
       'Project:' || (1 + floor(random() * 205))::int, pick_expiry()
FROM generate_series(1, 60);
INSERT INTO gen_assign (actor, role, resource, expires_at)
SELECT pick_actor(), (ARRAY['assignee', 'watcher'])[1 + floor(random() * 2)::int],
       'Task:' || CASE WHEN random() < 0.05 THEN 5000 + floor(random() * 3)::int
                       ELSE 1 + floor(random() * 350)::int END,
       pick_expiry()
FROM generate_series(1, 60);
INSERT INTO gen_assign (actor, role, resource, expires_at) VALUES
    ('Group:grp-6', 'support', NULL, NULL),
    ('User:user-12', 'staff', NULL, NULL),
    ('User:user-13', 'staff', NULL, now() - interval '1 minute');
SELECT rbac.assign_role(actor, role, resource, expires_at) FROM gen_assign ORDER BY n;

-- The bindings come after the role data: the worlds keep assignments and
-- custom roles on ids with no row (written while the types were unbound, as
-- a database upgraded from 0.2 may hold them), which only direct
-- assignments may use; since 0.3 such rows cannot be written on a bound
-- type (23503).
SELECT rbac.bind('User', 'users');
SELECT rbac.bind('Group', 'groups');
SELECT rbac.bind('Tenant', 'tenants', relations => '{"reseller": "reseller"}');
SELECT rbac.bind('Project', 'projects', relations => '{"tenant": "tenant", "lead_user": "lead"}');
SELECT rbac.bind('Task', 'tasks', relations => '{"project": "project", "creator": "creator"}');

SELECT ref.materialize();

-- Last-mile rules, hand-translated.
-- has_permission(_: User, "read", t: Task) if t.project.tenant.tier = "free" and t.priority >= 4;
INSERT INTO ref.lm_fact
SELECT 'User', u.id, 'Task', t.id::text, 'read'
FROM users u, tasks t JOIN projects p ON p.id = t.project JOIN tenants tn ON tn.id = p.tenant
WHERE tn.tier = 'free' AND t.priority >= 4;
-- has_role(u: User, "observer", p: Project) if p.visibility != "secret"
--     and has_role(u, "member", p.tenant);
INSERT INTO ref.lm_link
SELECT 'User', 'Tenant', p.tenant, 'member', 'Project', p.id::text, 'observer'
FROM projects p WHERE p.visibility <> 'secret' AND p.tenant IS NOT NULL;
-- has_permission(a: Actor, "reopen", t: Task) if not t.locked and t.due_day < 10
--     and has_permission(a, "read", t);      (a NULL locked is not true: "not" holds)
INSERT INTO ref.lm_link
SELECT NULL, 'Task', t.id::text, 'read', 'Task', t.id::text, 'reopen'
FROM tasks t WHERE NOT coalesce(t.locked, false) AND t.due_day < 10;
-- has_permission(_: User, "read", p: Project) if p.tenant = nil;
INSERT INTO ref.lm_fact
SELECT 'User', u.id, 'Project', p.id::text, 'read'
FROM users u, projects p WHERE p.tenant IS NULL;
