-- World 4: odds and ends.  A three-role implication cycle (a -> c -> b ->
-- a); Site parent Site with a two-site cycle in the data; an actor relation
-- to a group type (it holds for the group itself, not for its members);
-- actor relations across a relation ("p2" if "manager" on "parent");
-- global roles; ids with colons, spaces and quotes; assignments written
-- through the rbac.role_assignments view; and last-mile rules:
-- users as resources (u.id = p.id, a rule for Group actors on User
-- resources), the actor compared with a relation (pg.author = u), "or",
-- "not" over "or", "= nil" on a relation, u.id in a list, a bare _ rule,
-- and a has_role rule that recurses through the parent relation (through
-- the cycle too).

SELECT rbac.load_policy($polar$
actor User {}
actor Group {}

global {
  roles = ["admin", "auditor"];
}

resource Site {
  roles = ["a", "b", "c", "d"];
  permissions = ["p1", "p2", "p3", "p4", "p5"];
  relations = { parent: Site, manager: User, owner_group: Group };

  "a" if "b";
  "b" if "c";
  "c" if "a";
  "d" if "c" on "parent";
  "b" if "manager";
  "a" if "owner_group";
  "p1" if "a";
  "p2" if "p1";
  "p2" if "manager" on "parent";
  "p3" if "d";
  "p5" if "d";
  "p3" if "p3" on "parent";
  "p4" if global "admin";
  "p3" if global "auditor";
}

resource Page {
  roles = ["editor"];
  permissions = ["view", "edit", "publish"];
  relations = { site: Site, author: User };

  "edit" if "editor";
  "view" if "edit";
  "view" if "p2" on "site";
  "edit" if "a" on "site";
  "publish" if "p4" on "site";
  "editor" if "owner_group" on "site";
}

has_permission(u: User, "read_profile", p: User) if u.id = p.id or p.public_profile = true;
has_permission(g: Group, "read_profile", p: User) if p.team = g.id;
has_permission(u: User, "publish", pg: Page) if pg.author = u and not pg.locked;
has_permission(a: Actor, "view", pg: Page) if pg.site = nil or pg.site.open = true;
has_permission(_, "view", pg: Page) if pg.views > 1000 and not (pg.locked or pg.site.open = false);
has_permission(u: User, "edit", pg: Page) if u.id in ["alice", "a:b"] and pg.kind != "legal";
has_role(u: User, "d", s: Site) if s.inherit = true and has_role(u, "d", s.parent);
$polar$);

SELECT setseed(0.404);

CREATE TABLE users (id text PRIMARY KEY, public_profile boolean NOT NULL, team text);
CREATE TABLE groups (id text PRIMARY KEY);
CREATE TABLE sites (id int PRIMARY KEY, parent int, manager text, owner_group text,
                    inherit boolean NOT NULL, open boolean);
CREATE TABLE pages (id text PRIMARY KEY, site int, author text, locked boolean NOT NULL,
                    views int NOT NULL, kind text NOT NULL);

INSERT INTO groups VALUES ('grp:1'), ('grp:2'), ('grp:3'), ('grp:4'), ('grp 5'), ('grp''6'),
    ('grp:7'), ('grp:8');
INSERT INTO users
SELECT u, random() < 0.2,
       CASE WHEN random() < 0.5 THEN (SELECT id FROM groups ORDER BY id COLLATE "C" OFFSET floor(random() * 8)::int LIMIT 1) END
FROM unnest(ARRAY['alice', 'bob', 'a:b', 'o''brien', 'sp ace', 'x:y:z']
            || ARRAY(SELECT 'u' || i FROM generate_series(1, 17) i)) u;

CREATE FUNCTION pick_user() RETURNS text LANGUAGE sql VOLATILE AS
$$ SELECT id FROM users ORDER BY id COLLATE "C" OFFSET floor(random() * 23)::int LIMIT 1 $$;
CREATE FUNCTION pick_group() RETURNS text LANGUAGE sql VOLATILE AS
$$ SELECT id FROM groups ORDER BY id COLLATE "C" OFFSET floor(random() * 8)::int LIMIT 1 $$;

-- sites 1..60 in three levels of 20, plus 901 <-> 902 (a cycle) and 903
-- below it, and a parent with no row
INSERT INTO sites
SELECT i,
       CASE WHEN i <= 20 THEN NULL WHEN random() < 0.03 THEN 999
            ELSE ((i - 1) / 20 - 1) * 20 + 1 + floor(random() * 20)::int END,
       CASE WHEN random() < 0.2 THEN pick_user() END,
       CASE WHEN random() < 0.15 THEN pick_group() END,
       random() < 0.6,
       CASE WHEN random() < 0.2 THEN NULL ELSE random() < 0.3 END
FROM generate_series(1, 60) i;
INSERT INTO sites VALUES (901, 902, NULL, NULL, true, true), (902, 901, 'bob', NULL, true, false),
    (903, 902, NULL, 'grp:2', true, NULL);

INSERT INTO pages
SELECT 'page:' || i,
       CASE WHEN random() < 0.05 THEN NULL WHEN random() < 0.03 THEN 999
            WHEN random() < 0.05 THEN 901 + floor(random() * 3)::int
            ELSE 1 + floor(random() * 60)::int END,
       CASE WHEN random() < 0.3 THEN pick_user() END,
       random() < 0.3,
       floor(random() * 2000)::int,
       (ARRAY['blog', 'legal', 'wiki'])[1 + floor(random() * 3)::int]
FROM generate_series(1, 250) i;

-- groups: grp:1 > grp:2, grp:3 > grp:4 (diamond) > grp 5 > grp'6
SELECT rbac.add_member('Group:grp:1', 'Group:grp:2'), rbac.add_member('Group:grp:1', 'Group:grp:3'),
       rbac.add_member('Group:grp:2', 'Group:grp:4'), rbac.add_member('Group:grp:3', 'Group:grp:4'),
       rbac.add_member('Group:grp:4', 'Group:grp 5'), rbac.add_member('Group:grp 5', 'Group:grp''6'),
       rbac.add_member('Group:grp:7', 'Group:grp:4'), rbac.add_member('Group:grp:8', 'Group:grp''6');
SELECT rbac.add_member('Group:' || pick_group(), 'User:' || id)
FROM users, generate_series(1, 2) k WHERE random() < 0.5;

CREATE FUNCTION pick_actor() RETURNS text LANGUAGE sql VOLATILE AS
$$ SELECT CASE WHEN random() < 0.3 THEN 'Group:' || pick_group() ELSE 'User:' || pick_user() END $$;
CREATE FUNCTION pick_expiry() RETURNS timestamptz LANGUAGE sql VOLATILE AS
$$ SELECT CASE WHEN x < 0.7 THEN NULL WHEN x < 0.85 THEN now() - interval '1 day'
               ELSE now() + interval '1 day' END FROM (SELECT random() AS x) s $$;

CREATE TABLE gen_assign (n serial, actor text, role text, resource text, expires_at timestamptz);
INSERT INTO gen_assign (actor, role, resource, expires_at)
SELECT pick_actor(), (ARRAY['a', 'b', 'c', 'd'])[1 + floor(random() * 4)::int],
       'Site:' || CASE WHEN random() < 0.05 THEN 999 WHEN random() < 0.1 THEN 901 + floor(random() * 3)::int
                       ELSE 1 + floor(random() * 60)::int END,
       pick_expiry()
FROM generate_series(1, 50);
INSERT INTO gen_assign (actor, role, resource, expires_at)
SELECT pick_actor(), 'editor', 'Page:page:' || (1 + floor(random() * 260))::int, pick_expiry()
FROM generate_series(1, 30);
INSERT INTO gen_assign (actor, role, resource, expires_at) VALUES
    ('User:x:y:z', 'admin', NULL, NULL),
    ('Group:grp 5', 'auditor', NULL, NULL),
    ('User:bob', 'admin', NULL, now() - interval '1 second');
-- written through the writable view (SQL-level grants); of duplicates the
-- last one wins, as with assign_role
INSERT INTO rbac.role_assignments (actor, role, resource, expires_at)
SELECT DISTINCT ON (actor, role, resource) actor, role, resource, expires_at
FROM gen_assign ORDER BY actor, role, resource, n DESC;

-- The bindings come after the role data: the worlds keep assignments and
-- custom roles on ids with no row (written while the types were unbound, as
-- a database upgraded from 0.2 may hold them), which only direct
-- assignments may use; since 0.3 such rows cannot be written on a bound
-- type (23503).
SELECT rbac.bind('User', 'users');
SELECT rbac.bind('Group', 'groups');
SELECT rbac.bind('Site', 'sites',
                 relations => '{"parent": "parent", "manager": "manager", "owner_group": "owner_group"}');
SELECT rbac.bind('Page', 'pages', relations => '{"site": "site", "author": "author"}');

SELECT ref.materialize();

-- Last-mile rules, hand-translated.
-- has_permission(u: User, "read_profile", p: User) if u.id = p.id or p.public_profile = true;
INSERT INTO ref.lm_fact
SELECT 'User', u.id, 'User', p.id, 'read_profile'
FROM users u, users p WHERE u.id = p.id OR p.public_profile;
-- has_permission(g: Group, "read_profile", p: User) if p.team = g.id;
INSERT INTO ref.lm_fact
SELECT 'Group', g.id, 'User', p.id, 'read_profile'
FROM groups g, users p WHERE p.team = g.id;
-- has_permission(u: User, "publish", pg: Page) if pg.author = u and not pg.locked;
INSERT INTO ref.lm_fact
SELECT 'User', pg.author, 'Page', pg.id, 'publish' FROM pages pg WHERE pg.author IS NOT NULL AND NOT pg.locked;
-- has_permission(a: Actor, "view", pg: Page) if pg.site = nil or pg.site.open = true;
INSERT INTO ref.lm_fact
SELECT a.type, a.id, 'Page', pg.id, 'view'
FROM ref.actor a, pages pg LEFT JOIN sites s ON s.id = pg.site
WHERE a.type <> '' AND (pg.site IS NULL OR s.open);
-- has_permission(_, "view", pg: Page) if pg.views > 1000
--     and not (pg.locked or pg.site.open = false);   (a missing site or NULL open: not false)
INSERT INTO ref.lm_fact
SELECT a.type, a.id, 'Page', pg.id, 'view'
FROM ref.actor a, pages pg LEFT JOIN sites s ON s.id = pg.site
WHERE pg.views > 1000 AND NOT coalesce(pg.locked OR s.open = false, false);
-- has_permission(u: User, "edit", pg: Page) if u.id in ["alice", "a:b"] and pg.kind != "legal";
INSERT INTO ref.lm_fact
SELECT 'User', u.id, 'Page', pg.id, 'edit'
FROM users u, pages pg WHERE u.id IN ('alice', 'a:b') AND pg.kind <> 'legal';
-- has_role(u: User, "d", s: Site) if s.inherit = true and has_role(u, "d", s.parent);
INSERT INTO ref.lm_link
SELECT 'User', 'Site', s.parent::text, 'd', 'Site', s.id::text, 'd'
FROM sites s WHERE s.inherit AND s.parent IS NOT NULL;
