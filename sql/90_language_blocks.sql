-- Policy-language additions in blocks (issue 14, SPEC 6.6): conditions in
-- shorthand rules (and, or, not, parentheses, facts about the resource,
-- relations to actors, resource == actor), role and permission wildcards,
-- a type that is both actor and resource.  Each construct is checked with
-- is_allowed, authorized_actions, authorized_resources, who_can, explain
-- and generated RLS against an independent SQL reference of the same
-- rules.  Runs in a database of its own.
\set own_db regress_s90
\set own_role regress_s90_reader
\i sql/include/own_database.sql

CREATE TABLE users (id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE orgs (id text PRIMARY KEY, is_public boolean NOT NULL DEFAULT false);
CREATE TABLE repos (id int PRIMARY KEY, org_id text REFERENCES orgs, creator_id text REFERENCES users,
                    is_public boolean, is_protected boolean, status text);
INSERT INTO users VALUES ('alice', 'Alice'), ('bob', 'Bob'), ('carol', 'Carol'),
                         ('dave', 'Dave'), ('erin', 'Erin');
INSERT INTO orgs VALUES ('acme', false), ('globex', true);
INSERT INTO repos VALUES
    (1, 'acme',   'erin',  false, false, 'open'),
    (2, 'acme',   'erin',  true,  true,  'open'),
    (3, 'acme',   'bob',   false, true,  'closed'),
    (4, 'globex', 'erin',  false, false, 'closed'),
    (5, 'globex', 'alice', true,  NULL,  NULL),
    (6, NULL,     NULL,    NULL,  false, 'open');
CREATE TABLE folders (id int PRIMARY KEY, parent_id int REFERENCES folders);
INSERT INTO folders VALUES (1, NULL), (2, 1), (3, 2), (4, NULL);
CREATE TABLE pages (id int PRIMARY KEY, folder_id int REFERENCES folders, locked boolean, shared boolean);
INSERT INTO pages VALUES (1, 2, false, true), (2, 3, true, false), (3, NULL, false, true), (4, 1, NULL, NULL);

SELECT rbac.load_policy($p$
actor User {}

resource User {
  roles = ["admin"];
  permissions = ["read_profile", "edit_profile"];
  "read_profile" if resource == actor or "admin";
  "edit_profile" if resource == actor;
}

global {
  roles = ["admin", "superadmin"];
  permissions = ["create_org", "view_audit"];
  "create_org" if "admin";
  "admin" if "superadmin";
  "view_audit" if "superadmin";
}

resource Org {
  roles = ["owner", "member"];
  permissions = ["read", "create_repo"];
  "member" if "owner";
  "read" if "member" or is_public(resource);
  "create_repo" if "owner" or global "create_org";
}

resource Repo {
  roles = ["owner", "member", "viewer", "admin"];
  permissions = ["read", "write", "delete", "archive"];
  relations = { parent: Org, creator: User };
  role if role on "parent";
  "viewer" if "member";
  "read" if "viewer" or is_public(resource);
  "write" if "member" and status(resource, "open");
  "delete" if "owner" and not is_protected(resource);
  "archive" if ("owner" or "creator") and not is_protected(resource);
  "read" if "member" on "parent" and is_public(resource);
  permission if "admin";
}

resource Folder {
  roles = ["owner", "editor", "viewer"];
  permissions = ["read", "write"];
  relations = { parent: Folder };
  role if "owner";
  "viewer" if "editor";
  role if role on "parent";
  "read" if "viewer";
  "write" if "editor";
  permission if permission on "parent";
}

resource Page {
  roles = ["owner", "editor"];
  permissions = ["edit"];
  relations = { folder: Folder };
  "editor" if "owner" and not locked(resource);
  "editor" if "editor" on "folder" and shared(resource);
  "edit" if "editor";
}
$p$);
SELECT rbac.bind('User', 'users'), rbac.bind('Org', 'orgs');
SELECT rbac.bind('Repo', 'repos', relations => '{"parent": "org_id", "creator": "creator_id"}');
SELECT rbac.bind('Folder', 'folders', relations => '{"parent": "parent_id"}');
SELECT rbac.bind('Page', 'pages', relations => '{"folder": "folder_id"}');
SELECT rbac.assign_role('User:alice', 'owner', 'Org:acme'),
       rbac.assign_role('User:bob', 'member', 'Org:acme'),
       rbac.assign_role('User:carol', 'viewer', 'Repo:4'),
       rbac.assign_role('User:dave', 'admin', 'Repo:3'),
       rbac.assign_role('User:carol', 'member', 'Repo:6'),
       rbac.assign_role('User:dave', 'admin', 'User:erin'),
       rbac.assign_role('User:alice', 'owner', 'Folder:1'),
       rbac.assign_role('User:bob', 'editor', 'Folder:2'),
       rbac.assign_role('User:carol', 'viewer', 'Folder:3'),
       rbac.assign_role('User:erin', 'owner', 'Page:1'),
       rbac.assign_role('User:erin', 'owner', 'Page:2'),
       rbac.assign_role('User:erin', 'owner', 'Page:4'),
       rbac.assign_role('User:carol', 'admin'),
       rbac.assign_role('User:dave', 'superadmin');

-- what the policy became: wildcards expanded, conditions as last-mile rules
SELECT type, head, body, body_kind, via FROM rbac.policy_rule ORDER BY type, ord;
SELECT ord, kind, actor_kind, actor_type, name, resource_type, source
FROM rbac.policy_lastmile ORDER BY ord;

-- 1. the reference: the same rules written in SQL over the role data
CREATE FUNCTION pg_temp.has(u text, r text, t text, i text) RETURNS boolean LANGUAGE sql AS $$
  SELECT EXISTS (SELECT 1 FROM rbac.assignment a
                 WHERE a.actor_type = 'User' AND a.actor_id = u AND a.role = r
                   AND a.resource_type = t AND a.resource_id = i) $$;
CREATE FUNCTION pg_temp.expected(u text, perm text, r repos) RETURNS boolean LANGUAGE sql AS $$
  WITH x AS (
    SELECT pg_temp.has(u, 'owner', 'Org', r.org_id) OR pg_temp.has(u, 'owner', 'Repo', r.id::text) AS owner,
           pg_temp.has(u, 'owner', 'Org', r.org_id) OR pg_temp.has(u, 'member', 'Org', r.org_id)
             OR pg_temp.has(u, 'member', 'Repo', r.id::text) AS member,
           pg_temp.has(u, 'owner', 'Org', r.org_id) OR pg_temp.has(u, 'member', 'Org', r.org_id) AS org_member,
           pg_temp.has(u, 'viewer', 'Repo', r.id::text) AS viewer,
           pg_temp.has(u, 'admin', 'Repo', r.id::text) AS admin)
  SELECT coalesce(CASE perm
    WHEN 'read' THEN x.viewer OR x.member OR r.is_public IS TRUE OR x.admin
    WHEN 'write' THEN (x.member AND r.status = 'open') OR x.admin
    WHEN 'delete' THEN (x.owner AND NOT coalesce(r.is_protected, false)) OR x.admin
    WHEN 'archive' THEN ((x.owner OR r.creator_id = u) AND NOT coalesce(r.is_protected, false)) OR x.admin
  END, false) FROM x $$;

CREATE TEMP TABLE perms (perm text);
INSERT INTO perms VALUES ('read'), ('write'), ('delete'), ('archive');

-- 2. is_allowed and authorized_actions against the reference, every user,
-- repository and permission (count of disagreements, and of grants)
SELECT count(*) FILTER (WHERE rbac.is_allowed('User:' || u.id, p.perm, 'Repo:' || r.id)
                              <> pg_temp.expected(u.id, p.perm, r)) AS check_disagreements,
       count(*) FILTER (WHERE ((p.perm IN (SELECT rbac.authorized_actions('User:' || u.id, 'Repo:' || r.id)))
                              <> pg_temp.expected(u.id, p.perm, r))) AS actions_disagreements,
       count(*) FILTER (WHERE pg_temp.expected(u.id, p.perm, r)) AS grants,
       count(*) AS cases
FROM users u, repos r, perms p;
-- the grants themselves, readable
SELECT u.id AS actor, p.perm,
       array(SELECT r.id FROM repos r WHERE rbac.is_allowed('User:' || u.id, p.perm, 'Repo:' || r.id) ORDER BY r.id) AS repos
FROM users u, perms p ORDER BY u.id, p.perm;

-- 3. authorized_resources and who_can against the reference
SELECT count(*) FILTER (WHERE array(SELECT x::int FROM rbac.authorized_resources('User:' || u.id, p.perm, 'Repo') x ORDER BY 1)
                              <> array(SELECT r.id FROM repos r WHERE pg_temp.expected(u.id, p.perm, r) ORDER BY 1)) AS list_disagreements
FROM users u, perms p;
-- (who_can answers through role assignments: the actors with one on the
-- repository or its organization, or a global role; public rows and
-- creators are not listed)
SELECT count(*) FILTER (WHERE array(SELECT w FROM rbac.who_can(p.perm, 'Repo:' || r.id) w ORDER BY 1)
                              <> array(SELECT 'User:' || u.id FROM users u
                                       WHERE pg_temp.expected(u.id, p.perm, r)
                                         AND EXISTS (SELECT 1 FROM rbac.assignment a
                                                     WHERE a.actor_id = u.id
                                                       AND (a.resource_type IS NULL
                                                            OR (a.resource_type = 'Repo' AND a.resource_id = r.id::text)
                                                            OR (a.resource_type = 'Org' AND a.resource_id = r.org_id)))
                                       ORDER BY 1)) AS who_can_disagreements,
       count(*) AS cases
FROM repos r, perms p;
SELECT array(SELECT rbac.who_can('archive', 'Repo:1')) AS archive_1,
       array(SELECT rbac.who_can('write', 'Repo:6')) AS write_6;

-- 4. generated RLS against the reference, per permission and user
GRANT SELECT ON repos, users TO regress_s90_reader;
CREATE TEMP TABLE seen (perm text, actor text, ids text[]);
GRANT INSERT ON seen TO regress_s90_reader;
CREATE FUNCTION pg_temp.look(tbl text, perms text[], actors text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    p text;
    a text;
    ids text[];
BEGIN
    FOREACH p IN ARRAY perms LOOP
        PERFORM rbac.enable_rls(tbl, jsonb_build_object('select', p));
        FOREACH a IN ARRAY actors LOOP
            SET LOCAL ROLE regress_s90_reader;
            PERFORM rbac.set_actor(a);
            EXECUTE format('SELECT coalesce(array_agg(id::text ORDER BY id::text), ''{}'') FROM %I', tbl) INTO ids;
            INSERT INTO seen VALUES (p, a, ids);
            PERFORM rbac.reset_actor();
            RESET ROLE;
        END LOOP;
    END LOOP;
    PERFORM rbac.disable_rls(tbl);
END $$;
SELECT pg_temp.look('repos', ARRAY['read', 'write', 'delete', 'archive'],
                    ARRAY(SELECT 'User:' || id FROM users ORDER BY id));
SELECT count(*) FILTER (WHERE s.ids <> array(SELECT r.id::text FROM repos r
                                             WHERE pg_temp.expected(substr(s.actor, 6), s.perm, r)
                                             ORDER BY r.id::text)) AS rls_disagreements,
       count(*) AS rounds
FROM seen s;

-- 5. explain quotes the shorthand rule as written
SELECT * FROM rbac.explain('User:erin', 'archive', 'Repo:1');
SELECT * FROM rbac.explain('User:bob', 'write', 'Repo:1');
SELECT * FROM rbac.explain('User:bob', 'read', 'Repo:5');

-- 6. a type that is both actor and resource: User:x acting on User:y
SELECT a.id AS actor, p AS perm,
       array(SELECT u.id FROM users u WHERE rbac.is_allowed('User:' || a.id, p, 'User:' || u.id) ORDER BY u.id) AS users
FROM users a, unnest(ARRAY['read_profile', 'edit_profile']) p
WHERE a.id IN ('alice', 'dave', 'erin') ORDER BY 1, 2;
SELECT array(SELECT rbac.authorized_actions('User:erin', 'User:erin')) AS own,
       array(SELECT rbac.authorized_actions('User:dave', 'User:erin')) AS admin_of_erin,
       array(SELECT rbac.authorized_resources('User:dave', 'read_profile', 'User') ORDER BY 1) AS dave_reads,
       array(SELECT rbac.who_can('read_profile', 'User:erin') ORDER BY 1) AS who_reads_erin,
       array(SELECT rbac.authorized_roles('User:dave', 'User:erin')) AS roles;
SELECT * FROM rbac.explain('User:alice', 'edit_profile', 'User:alice');
TRUNCATE seen;
SELECT pg_temp.look('users', ARRAY['read_profile', 'edit_profile'],
                    ARRAY['User:alice', 'User:dave', 'User:erin']);
SELECT perm, actor, ids FROM seen ORDER BY perm, actor;
-- an actor of the type may hold roles on resources of the type
SELECT * FROM rbac.assignments('User:dave') ORDER BY 1, 2, 3;

-- 7. explain and the graph of a plain rule split from "or" are unchanged
SELECT * FROM rbac.explain('User:alice', 'read', 'Org:acme');
SELECT rbac.is_allowed('User:erin', 'read', 'Org:globex') AS public_org,
       rbac.is_allowed('User:erin', 'read', 'Org:acme') AS private_org;

-- 8. wildcards: role if "owner" (owner implies every other role), role if
-- role on "parent" and permission if permission on "parent" (inherit every
-- role and permission down the folder tree); in checks, lists, who_can and RLS
SELECT u.id AS actor, p AS perm,
       array(SELECT f.id FROM folders f WHERE rbac.is_allowed('User:' || u.id, p, 'Folder:' || f.id) ORDER BY f.id) AS checks,
       array(SELECT x::int FROM rbac.authorized_resources('User:' || u.id, p, 'Folder') x ORDER BY 1) AS lists
FROM users u, unnest(ARRAY['read', 'write']) p WHERE u.id IN ('alice', 'bob', 'carol', 'dave')
ORDER BY 1, 2;
SELECT f.id, array(SELECT rbac.authorized_roles('User:bob', 'Folder:' || f.id)) AS bob_roles,
       array(SELECT rbac.who_can('write', 'Folder:' || f.id)) AS writers
FROM folders f ORDER BY f.id;
SELECT * FROM rbac.explain('User:alice', 'write', 'Folder:3');
TRUNCATE seen;
GRANT SELECT ON folders TO regress_s90_reader;
SELECT pg_temp.look('folders', ARRAY['read', 'write'], ARRAY['User:alice', 'User:bob', 'User:carol', 'User:dave']);
SELECT perm, actor, ids FROM seen ORDER BY perm, actor;

-- 10. global permissions: checked on the resource 'global', and usable in
-- resource blocks as global "permission" (held through the global roles
-- that grant it, global role implications included)
SELECT u.id AS actor, rbac.is_allowed('User:' || u.id, 'create_org', 'global') AS create_org,
       rbac.is_allowed('User:' || u.id, 'view_audit', 'global') AS view_audit,
       rbac.is_allowed('User:' || u.id, 'create_repo', 'Org:acme') AS create_repo_acme,
       rbac.is_allowed('User:' || u.id, 'create_repo', 'Org:globex') AS create_repo_globex
FROM users u ORDER BY u.id;
SELECT u.id, array(SELECT rbac.authorized_resources('User:' || u.id, 'create_repo', 'Org') ORDER BY 1) AS orgs
FROM users u ORDER BY u.id;
SELECT array(SELECT rbac.who_can('create_repo', 'Org:globex')) AS who_creates_in_globex;
SELECT * FROM rbac.explain('User:dave', 'create_repo', 'Org:globex');
TRUNCATE seen;
GRANT SELECT ON orgs TO regress_s90_reader;
SELECT pg_temp.look('orgs', ARRAY['create_repo'], ARRAY['User:alice', 'User:bob', 'User:carol', 'User:dave']);
SELECT perm, actor, ids FROM seen ORDER BY perm, actor;
BEGIN;
SELECT rbac.set_actor('User:carol', true);
SELECT rbac.is_allowed('create_org', 'global') AS carol_creates, rbac.is_allowed('view_audit', 'global') AS carol_audits;
SELECT rbac.authorize('create_org', 'global');
COMMIT;
\set VERBOSITY default
SELECT rbac.authorize('User:bob', 'create_org', 'global');
SELECT rbac.is_allowed('User:bob', 'create_orgs', 'global');
SELECT rbac.assign_role('User:bob', 'create_org');
\set VERBOSITY terse

-- a role granted by a condition: the owner of an unlocked page is its
-- editor; an editor of its folder is one when the page is shared
-- (erin owns 1, 2 and 4; 2 is locked, 4's locked is NULL; alice edits the
-- folders 1 to 3, bob 2 and 3; pages 1 and 3 are shared, 3 has no folder)
SELECT u.id AS actor,
       array(SELECT d.id FROM pages d WHERE rbac.is_allowed('User:' || u.id, 'edit', 'Page:' || d.id) ORDER BY d.id) AS checks,
       array(SELECT x::int FROM rbac.authorized_resources('User:' || u.id, 'edit', 'Page') x ORDER BY 1) AS lists,
       array(SELECT d.id FROM pages d WHERE 'editor' IN (SELECT rbac.authorized_roles('User:' || u.id, 'Page:' || d.id)) ORDER BY d.id) AS editor_of
FROM users u ORDER BY u.id;
-- (alice and bob hold their roles on folders that only the compiled
-- last-mile rule walks to: who_can follows its relations too)
SELECT d.id, array(SELECT rbac.who_can('edit', 'Page:' || d.id)) AS editors FROM pages d ORDER BY d.id;
SELECT * FROM rbac.explain('User:alice', 'edit', 'Page:1');
TRUNCATE seen;
GRANT SELECT ON pages TO regress_s90_reader;
SELECT pg_temp.look('pages', ARRAY['edit'], ARRAY['User:alice', 'User:bob', 'User:carol', 'User:erin']);
SELECT perm, actor, ids FROM seen ORDER BY perm, actor;

-- 9. errors: line and column, a hint saying what to write instead, and the
-- loaded policy unchanged (validation is atomic)
\set VERBOSITY default
SELECT md5(rbac.policy_source()) AS before \gset
-- an undeclared name in a condition, with a suggestion
SELECT rbac.load_policy($$actor User {}
resource Doc { roles = ["viewer"]; permissions = ["read"];
  "read" if "veiwer" or is_public(resource); }$$);
-- a fact must be about the resource, and must not name a role
SELECT * FROM rbac.validate_policy($$actor User {}
resource Doc { roles = ["viewer"]; permissions = ["read"];
  "read" if is_public(doc);
  "read" if viewer(resource); }$$);
-- a fact names a column of the bound table (checked when it is bound)
SELECT rbac.load_policy($$actor User {}
resource Repo { permissions = ["read"]; "read" if is_pubic(resource); }$$);
-- a relation to a resource type needs "on"; one to an actor type does not
SELECT * FROM rbac.validate_policy($$actor User {}
resource Org { roles = ["member"]; }
resource Doc { permissions = ["read"]; relations = { org: Org, author: User };
  "read" if "org" and is_public(resource);
  "read" if "author" and is_public(resource); }$$);
-- a global role in a condition must be declared (sql/94_global_conditions.sql
-- checks global roles under and / not / or)
SELECT rbac.load_policy($$actor User {}
global { roles = ["admin"]; }
resource Doc { permissions = ["read"]; "read" if global "amdin" and is_public(resource); }$$);
SELECT * FROM rbac.validate_policy($$actor User {}
global { roles = ["admin"]; }
resource Doc { permissions = ["read"]; "read" if global "admin" or is_public(resource); }$$);
-- the global block: rules between global names only, roles not granted
-- by permissions, a permission nothing grants (a warning)
SELECT * FROM rbac.validate_policy($$actor User {}
global { roles = ["admin"]; permissions = ["create_org", "unused"];
  "create_org" if "admin";
  "admin" if "create_org";
  "create_org" if "admin" and "admin";
  "create_org" if "amdin"; }$$);
-- resource == actor needs a type that is an actor too, and cannot be negated
SELECT rbac.load_policy($$actor User {}
resource Doc { permissions = ["read"]; "read" if resource == actor; }$$);
SELECT rbac.load_policy($$actor User {}
resource User { permissions = ["read"]; "read" if not resource == actor; }$$);
-- other comparisons and fields belong in last-mile rules (0A000)
SELECT rbac.load_policy($$actor User {}
resource Doc { permissions = ["read"]; "read" if resource.owner == actor; }$$);
SELECT rbac.load_policy($$actor User {}
resource Doc { permissions = ["read"]; "read" if resource == 3; }$$);
SELECT rbac.load_policy($$actor User {}
resource Doc { roles = ["viewer"]; permissions = ["read"]; "read" if has_role(actor, "viewer", resource); }$$);
-- wildcards: matching nothing, mixing kinds, without "on", in a plain rule
SELECT rbac.load_policy($$actor User {}
resource Org { roles = ["boss"]; }
resource Doc { roles = ["viewer"]; relations = { org: Org }; role if role on "org"; }$$);
SELECT rbac.load_policy($$actor User {}
resource Doc { roles = ["owner"]; role if "owner"; }$$);
SELECT * FROM rbac.validate_policy($$actor User {}
resource Org { roles = ["viewer"]; }
resource Doc { roles = ["viewer"]; permissions = ["read"]; relations = { org: Org };
  permission if role on "org";
  role if role;
  "read" if role on "org";
  role if role on "orgs"; }$$);
-- block-level Oso constructs that pg_rbac refuses (0A000), with what to write
SELECT rbac.load_policy($$actor User {}
resource Base { roles = ["a"]; }
resource Repo extends Base { roles = ["b"]; }$$);
SELECT rbac.load_policy($$actor User {}
resource Doc { permissions = ["read"];
  has_permission(u: User, "read", d: Doc) if d.public; }$$);
-- syntax: a condition that does not close
SELECT rbac.load_policy($$actor User {}
resource Doc { roles = ["viewer"]; permissions = ["read"]; "read" if ("viewer" or; }$$);
-- the SQLSTATE of each refusal: 0A000 for what pg_rbac does not support,
-- 42P17 for what is wrong, 42601 for syntax
CREATE FUNCTION pg_temp.sqlstate_of(src text) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM rbac.load_policy(src);
    RETURN 'loaded';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END $f$;
SELECT c AS policy, pg_temp.sqlstate_of('actor User {} global { roles = ["g"]; } ' || c) AS sqlstate
FROM unnest(ARRAY[
  $$resource D { permissions = ["r"]; "r" if not global "gg" and f(resource); }$$,
  $$resource User { permissions = ["r"]; "r" if not resource == actor; }$$,
  $$resource D { permissions = ["r"]; "r" if resource.x == actor; }$$,
  $$resource D { permissions = ["r"]; "r" if resource == 1; }$$,
  $$resource D { roles = ["v"]; permissions = ["r"]; "r" if has_role(actor, "v", resource); }$$,
  $$resource D { roles = ["v"]; relations = { p: D }; role if role on "p" and f(resource); }$$,
  $$resource D extends E { }$$,
  $$resource D { permissions = ["r"]; has_permission(u: User, "r", d: D); }$$,
  $$global { permissions = ["p"]; "p" if "g" and "g"; }$$,
  $$resource D { permissions = ["r"]; "r" if resource == actor; }$$,
  $$resource D { roles = ["v"]; role if role; }$$,
  $$resource D { roles = ["v"]; "v" if "v" on "nothing" or f(resource); }$$,
  $$resource D { permissions = ["r"]; "r" if ("x"; }$$]) c;
SELECT md5(rbac.policy_source()) = :'before' AS policy_unchanged;
\set VERBOSITY terse

-- A condition on a type that is not bound: is_allowed granted, and
-- authorized_resources listed nothing (the set engine ran rule bodies only
-- over table rows).  The candidates are now the ids of the roles the body
-- cannot hold without, each checked; a body that may hold on ids no role
-- data names (a global role, "not" alone) cannot be listed: 0A000.
-- (alice's Memo:3 is not bob's.)
SELECT rbac.load_policy($$actor User {}
global { roles = ["admin"]; }
resource Memo { roles = ["member", "other", "owner", "banned"]; permissions = ["read"];
  "member" if "owner" and not "banned"; "read" if "member" and not "other"; }$$,
  drop_orphans => true);
SELECT rbac.assign_role('User:bob', r, 'Memo:' || i)
FROM (VALUES ('member', 1), ('member', 2), ('other', 2), ('owner', 7), ('banned', 7), ('owner', 8)) v(r, i);
SELECT rbac.assign_role('User:alice', 'member', 'Memo:3');
SELECT array(SELECT rbac.authorized_resources('User:bob', 'read', 'Memo') ORDER BY 1) AS listed,
       array(SELECT i FROM generate_series(1, 9) i
             WHERE rbac.is_allowed('User:bob', 'read', 'Memo:' || i)) AS checked;
SELECT rbac.load_policy($$actor User {}
global { roles = ["admin"]; }
resource Memo { roles = ["member", "other", "owner", "banned"]; permissions = ["read"];
  "read" if global "admin" and not "other"; }$$, drop_orphans => true);
SELECT rbac.authorized_resources('User:bob', 'read', 'Memo');

\i sql/include/own_database_end.sql
