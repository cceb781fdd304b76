-- Policy-language additions for last-mile rules (docs/policy-language.md):
-- existential joins (matches + has_relation), "in" over array columns,
-- variable role and permission names in rule heads, the typed entry rule,
-- the warning on a parameter used once (D2), oso_compat, and the hints of
-- the Oso constructs still refused.  Each construct is checked in
-- is_allowed, authorized_resources, who_can, explain and generated RLS on
-- real bound tables.
\set SHOW_CONTEXT never
SET client_min_messages = warning;
\set spec_policy `cat examples/gitclub.polar`
CREATE SCHEMA lr;
CREATE TABLE lr.users (id text PRIMARY KEY, username text);
CREATE TABLE lr.orgs (id int PRIMARY KEY, parent_id int REFERENCES lr.orgs, name text, owners text[]);
CREATE TABLE lr.repos (id int PRIMARY KEY, org_id int REFERENCES lr.orgs, owner_ids text[], tags text[]);
INSERT INTO lr.users VALUES ('alice', 'al'), ('bob', 'bo'), ('carol', 'ca'), ('dave', NULL);
INSERT INTO lr.orgs VALUES (1, NULL, 'root', '{al}'), (2, 1, 'public', '{bo,NULL}'), (3, NULL, 'x', NULL);
INSERT INTO lr.repos VALUES
  (10, 2, '{bob}', '{featured}'),
  (11, 3, NULL, '{NULL}'),
  (12, NULL, '{carol,NULL}', '{featured,x}'),
  (13, 1, '{}', '{}');

SELECT rbac.load_policy($$
actor User {}
resource Org {
  roles = ["member", "owner", "reader", "maintainer"];
  relations = { parent: Org };
}
resource Repo {
  roles = ["reader", "maintainer"];
  permissions = ["pull", "merge"];
  relations = { parent: Org };
  "pull" if "reader";
  "merge" if "maintainer";
}
# 1. joins: the variable org stands for repo.parent
has_permission(actor: User, "read", repo: Repo) if
  org matches Org and has_relation(repo, "parent", org) and has_role(actor, "member", org);
# ... a chain of two
has_permission(actor: User, "audit", repo: Repo) if
  org matches Org and has_relation(repo, "parent", org) and
  has_relation(org, "parent", top) and top matches Org and has_role(actor, "owner", top);
# ... a column of the joined resource
has_permission(_: User, "browse", repo: Repo) if
  has_relation(repo, "parent", org) and org.name = "public";
# 2. in over array columns
has_permission(actor: User, "push", repo: Repo) if actor.id in repo.owner_ids;
has_permission(_: User, "star", repo: Repo) if "featured" in repo.tags;
has_permission(user: User, "admin", repo: Repo) if user.username in repo.parent.owners;
has_permission(_: User, "hide", repo: Repo) if not "featured" in repo.tags;
# 3. variable role names fixed by the body
has_role(actor: User, role: String, repo: Repo) if
  role in ["reader", "maintainer"] and has_role(actor, role, repo.parent);
has_role(actor: User, r: String, repo: Repo) if r = "maintainer" and has_role(actor, "owner", repo.parent);
# 4. the typed entry rule
allow(actor: Actor, action: String, resource: Resource) if has_permission(actor, action, resource);
$$, drop_orphans => true);
SELECT rbac.bind('User', 'lr.users');
SELECT rbac.bind('Org', 'lr.orgs');
SELECT rbac.bind('Repo', 'lr.repos');
SELECT rbac.assign_role('User:alice', 'member', 'Org:2');
SELECT rbac.assign_role('User:carol', 'owner', 'Org:1');
SELECT rbac.assign_role('User:bob', 'reader', 'Org:2');
SELECT rbac.assign_role('User:dave', 'maintainer', 'Org:3');

CREATE TEMP TABLE lr_users AS SELECT 'User:' || id AS actor FROM lr.users;
CREATE TEMP TABLE lr_actions (action text);
INSERT INTO lr_actions VALUES ('read'), ('audit'), ('browse'), ('push'), ('star'), ('admin'), ('hide'), ('pull'), ('merge');

-- checks: every decision that holds
CREATE TEMP TABLE lr_checks AS
SELECT u.actor, a.action, r.id::text AS id
FROM lr_users u, lr_actions a, lr.repos r
WHERE rbac.is_allowed(u.actor, a.action, 'Repo:' || r.id);
SELECT action, actor, string_agg(id, ',' ORDER BY id) AS repos
FROM lr_checks GROUP BY 1, 2 ORDER BY 1, 2;

-- lists agree with checks
CREATE TEMP TABLE lr_lists AS
SELECT u.actor, a.action, x AS id
FROM lr_users u, lr_actions a, rbac.authorized_resources(u.actor, a.action, 'Repo') x;
(SELECT * FROM lr_checks EXCEPT SELECT * FROM lr_lists)
UNION ALL
(SELECT * FROM lr_lists EXCEPT SELECT * FROM lr_checks);

-- who_can names the actors whose assignments grant it through joins and
-- variable roles (attribute grants such as owner_ids have no assignment to
-- start from: who_can lists actors with role data)
SELECT action, r.id, rbac.who_can(action, 'Repo:' || r.id) AS actor
FROM lr_actions, lr.repos r
WHERE action IN ('read', 'audit', 'pull', 'merge')
ORDER BY 1, 2, 3;
-- and every actor it names holds the permission
SELECT count(*) AS who_can_wrong
FROM lr_actions a, lr.repos r, rbac.who_can(a.action, 'Repo:' || r.id) w
WHERE NOT rbac.is_allowed(w, a.action, 'Repo:' || r.id);

-- explain tells the rule
SELECT rbac.explain('User:carol', 'audit', 'Repo:10');
SELECT rbac.explain('User:bob', 'admin', 'Repo:10');
SELECT rbac.explain('User:dave', 'merge', 'Repo:11');

-- generated RLS agrees with checks, action by action
CREATE ROLE regress_lr_reader;
GRANT USAGE ON SCHEMA lr TO regress_lr_reader;
GRANT SELECT ON lr.repos TO regress_lr_reader;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO regress_lr_reader;
CREATE TABLE lr_seen (actor text, action text, id text);
GRANT INSERT ON lr_seen TO regress_lr_reader;
DO $$
DECLARE
  act text;
  a text;
  actions text[] := ARRAY(SELECT action FROM lr_actions);
  actors text[] := ARRAY(SELECT actor FROM lr_users);
BEGIN
  FOREACH act IN ARRAY actions LOOP
    PERFORM rbac.enable_rls('lr.repos', jsonb_build_object('select', act, 'insert', NULL, 'update', NULL, 'delete', NULL));
    SET LOCAL ROLE regress_lr_reader;
    FOREACH a IN ARRAY actors LOOP
      PERFORM rbac.set_actor(a, false);
      INSERT INTO lr_seen SELECT a, act, id::text FROM lr.repos;
    END LOOP;
    RESET ROLE;
  END LOOP;
END $$;
SELECT count(*) AS rls_rows FROM lr_seen;
(SELECT * FROM lr_checks EXCEPT SELECT * FROM lr_seen)
UNION ALL
(SELECT * FROM lr_seen EXCEPT SELECT * FROM lr_checks);
SELECT rbac.disable_rls('lr.repos');

-- errors, with line, column and hint
SELECT * FROM rbac.validate_policy($$
actor User {}
resource Org { roles = ["member"]; relations = { parent: Org }; }
resource Team { roles = ["member"]; }
resource Repo { permissions = ["read"]; relations = { parent: Org }; }
has_permission(a: User, "read", repo: Repo) if org matches Team and has_relation(repo, "parent", org) and has_role(a, "member", org);
has_permission(a: User, "read", repo: Repo) if org matches Org and has_role(a, "member", org);
has_permission(a: User, "read", repo: Repo) if has_relation(repo, "parent", o) and has_relation(repo, "parent", o) and has_role(a, "member", o);
has_permission(a: User, "read", repo: Repo) if has_relation(repo, "owner", o) and has_role(a, "member", o);
has_permission(a: User, "read", repo: Repo) if has_relation(x, "parent", o) and has_role(a, "member", o);
has_permission(a: User, "read", repo: Repo) if a.id in repo.parent;
has_role(a: User, role: String, repo: Org) if has_role(a, role, repo.parent);
has_permission(a: User, "read", repo: Repo) if has_role(a, role, repo.parent);
allow(actor: User, action: String, resource: Resource) if has_permission(actor, action, resource);
allow(actor, "read", resource) if resource.public = true;
$$) ORDER BY line, col;

-- a variable permission, and joins inside "or" and "not" (each branch
-- binds its own variables)
SELECT rbac.load_policy($$
actor User {}
resource Org {
  roles = ["member", "owner", "reader", "maintainer"];
  relations = { parent: Org };
}
resource Repo {
  roles = ["reader", "maintainer"];
  permissions = ["pull", "merge"];
  relations = { parent: Org };
}
has_permission(actor: User, action: String, repo: Repo) if
  action in ["pull", "merge"] and
  ((has_relation(repo, "parent", o) and has_role(actor, "member", o)) or
   (has_relation(repo, "parent", o) and has_relation(o, "parent", g) and has_role(actor, "owner", g)));
has_permission(actor: User, "fork", repo: Repo) if
  has_role(actor, "owner", repo.parent) and not (has_relation(repo, "parent", o) and o.name = "root");
$$, drop_orphans => true);
SELECT rbac.assign_role('User:carol', 'owner', 'Org:3');  -- fork 11 (org x), not 13 (org root)
SELECT a.actor, p.action, string_agg(r.id::text, ',' ORDER BY r.id) AS repos
FROM lr_users a, (VALUES ('pull'), ('merge'), ('fork')) p(action), lr.repos r
WHERE rbac.is_allowed(a.actor, p.action, 'Repo:' || r.id)
GROUP BY 1, 2 ORDER BY 1, 2;
SELECT count(*) AS lists_disagree FROM (
  (SELECT a.actor, p.action, r.id::text FROM lr_users a, (VALUES ('pull'), ('merge'), ('fork')) p(action), lr.repos r
   WHERE rbac.is_allowed(a.actor, p.action, 'Repo:' || r.id)
   EXCEPT
   SELECT a.actor, p.action, x FROM lr_users a, (VALUES ('pull'), ('merge'), ('fork')) p(action),
     rbac.authorized_resources(a.actor, p.action, 'Repo') x)
  UNION ALL
  (SELECT a.actor, p.action, x FROM lr_users a, (VALUES ('pull'), ('merge'), ('fork')) p(action),
     rbac.authorized_resources(a.actor, p.action, 'Repo') x
   EXCEPT
   SELECT a.actor, p.action, r.id::text FROM lr_users a, (VALUES ('pull'), ('merge'), ('fork')) p(action), lr.repos r
   WHERE rbac.is_allowed(a.actor, p.action, 'Repo:' || r.id))) d;

-- in over a column that is not an array: refused once the type is bound
SELECT rbac.load_policy($$
actor User {}
resource Org { roles = ["member"]; relations = { parent: Org }; }
resource Repo { roles = ["reader"]; permissions = ["pull", "merge"]; relations = { parent: Org }; "pull" if "reader"; }
has_permission(_: User, "merge", repo: Repo) if "bob" in repo.parent.name;
$$, drop_orphans => true);
SELECT rbac.unbind('Repo'), rbac.unbind('Org'), rbac.unbind('User');

-- D2: a named parameter used once matches everything (a warning; it loads)
SELECT * FROM rbac.validate_policy($$
actor AuthenticatedActor {}
resource Database { permissions = ["modify"]; }
has_permission(USER_DB_INIT: AuthenticatedActor, "modify", _resource: Database);
has_permission(_USER_DB_INIT: AuthenticatedActor, "modify", _resource: Database);
$$);
SET client_min_messages = notice;
SELECT rbac.load_policy($$
actor AuthenticatedActor {}
resource Database { permissions = ["modify"]; }
has_permission(USER_DB_INIT: AuthenticatedActor, "modify", _resource: Database);
$$, drop_orphans => true);
SELECT rbac.is_allowed('AuthenticatedActor:anyone', 'modify', 'Database:main');
SET client_min_messages = warning;

-- oso_compat: an Oso library policy with host-bridging rules
\set oso_policy 'actor User {}\nresource Organization { roles = ["member"]; permissions = ["read"]; "read" if "member"; }\nresource Repository { permissions = ["read"]; relations = { parent: Organization }; "read" if "member" on "parent"; }\nhas_role(user: User, name: String, org: Organization) if\n  role in user.roles and role matches { name: name, org_id: org.id };\nhas_relation(repo: Repository, "parent", org: Organization) if repo.organization = org;\nallow(actor, action, resource) if has_permission(actor, action, resource);\n'
SELECT rbac.load_policy(E:'oso_policy', drop_orphans => true);
SELECT * FROM rbac.validate_policy(E:'oso_policy', oso_compat => true);
SET client_min_messages = notice;
SELECT rbac.load_policy(E:'oso_policy', oso_compat => true);
SET client_min_messages = warning;
SELECT rbac.policy_source() = E:'oso_policy' AS source_kept;
CREATE TABLE lr.organizations (id text PRIMARY KEY);
CREATE TABLE lr.repositories (id int PRIMARY KEY, organization text);
INSERT INTO lr.organizations VALUES ('acme');
INSERT INTO lr.repositories VALUES (1, 'acme');
SELECT rbac.bind('Organization', 'lr.organizations');
-- no foreign key: bind takes the column the skipped has_relation rule names
SELECT rbac.bind('Repository', 'lr.repositories');
SELECT relations FROM rbac.binding WHERE type = 'Repository';
SELECT rbac.assign_role('User:alice', 'member', 'Organization:acme');
SELECT rbac.is_allowed('User:alice', 'read', 'Repository:1');
SELECT rbac.unbind('Repository'), rbac.unbind('Organization');

DROP TABLE lr_seen;
DROP SCHEMA lr CASCADE;
REVOKE EXECUTE ON FUNCTION rbac.set_actor(text, boolean) FROM regress_lr_reader;
DROP ROLE regress_lr_reader;
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true);
