-- World 2: a document store.  Folder parent Folder (self-referential, 8
-- levels deep, plus a cycle of three folders, a folder that is its own
-- parent, and parents with no row), folders on drives, documents in
-- folders; roles and permissions flowing down the tree; actor relations
-- (owned_by, written_by, and "commenter" if "owned_by" on "folder"); global
-- roles; custom roles on drives; teams nested four deep with diamonds;
-- expiring assignments; and
-- last-mile rules: a has_role rule that then flows down the tree, a bare _
-- rule through a relation column, has_role on the parent folder, a rule
-- for a second actor type (Team) with has_permission on a relation, and a
-- has_role rule for any actor type (u: Actor).

SELECT rbac.load_policy($polar$
actor User {}
actor Team {}

global {
  roles = ["root", "reviewer"];
}

resource Drive {
  roles = ["owner", "editor", "viewer"];
  permissions = ["read", "write", "admin"];

  "editor" if "owner";
  "viewer" if "editor";
  "read" if "viewer";
  "write" if "editor";
  "admin" if "owner";
  "owner" if global "root";
}

resource Folder {
  roles = ["owner", "editor", "viewer"];
  permissions = ["read", "write", "share", "delete", "list"];
  relations = { parent: Folder, drive: Drive, owned_by: User };

  "editor" if "owner";
  "viewer" if "editor";
  "owner" if "owner" on "parent";
  "editor" if "editor" on "parent";
  "viewer" if "viewer" on "parent";
  "editor" if "editor" on "drive";
  "viewer" if "viewer" on "drive";
  "viewer" if "owned_by";
  "read" if "viewer";
  "write" if "editor";
  "share" if "owner";
  "delete" if "share";
  "list" if "read";
  "list" if "list" on "parent";
  "read" if global "reviewer";
}

resource Document {
  roles = ["author", "commenter"];
  permissions = ["read", "write", "comment", "delete"];
  relations = { folder: Folder, written_by: User };

  "author" if "written_by";
  "commenter" if "author";
  "commenter" if "owned_by" on "folder";
  "read" if "read" on "folder";
  "write" if "write" on "folder";
  "write" if "author";
  "read" if "write";
  "comment" if "commenter";
  "comment" if "write";
  "delete" if "author";
  "delete" if "delete" on "folder";
}

has_role(_: User, "viewer", f: Folder) if f.is_public = true;
has_permission(_, "read", d: Document) if d.published = true and d.folder.archived = false;
has_permission(u: User, "share", f: Folder) if f.shareable and has_role(u, "editor", f.parent);
has_permission(t: Team, "comment", d: Document) if d.status in ["draft", "review"] and has_permission(t, "read", d.folder);
has_role(a: Actor, "commenter", d: Document) if d.status = "review" and has_permission(a, "list", d.folder);
$polar$);

-- Checks here walk up to nine folders and run last-mile rules on each:
-- compare a deterministic half of the decisions (see compare.sql).
SET ref.sample_pct = 50;
SET ref.pair_pct = 10;

SELECT setseed(0.202);

CREATE TABLE users (id text PRIMARY KEY);
CREATE TABLE teams (id text PRIMARY KEY);
CREATE TABLE drives (id int PRIMARY KEY);
CREATE TABLE folders (id int PRIMARY KEY, parent_id int, drive_id int, owner text,
                      is_public boolean NOT NULL, shareable boolean NOT NULL,
                      archived boolean NOT NULL);
CREATE TABLE documents (id text PRIMARY KEY, folder_id int, author text,
                        published boolean NOT NULL, status text NOT NULL);

INSERT INTO users SELECT 'user' || i FROM generate_series(1, 25) i;
INSERT INTO teams SELECT 'team' || i FROM generate_series(1, 10) i;
INSERT INTO drives SELECT i FROM generate_series(1, 6) i;

CREATE FUNCTION pick_user() RETURNS text LANGUAGE sql VOLATILE AS
$$ SELECT 'user' || (1 + floor(random() * 25))::int $$;

-- Folders 1..320 in 8 levels of 40: a folder of level L > 0 has a random
-- parent of level L - 1 (2% a parent with no row); level 0 has none.
INSERT INTO folders
SELECT i,
       CASE WHEN i <= 40 THEN NULL
            WHEN random() < 0.02 THEN 9999
            ELSE ((i - 1) / 40 - 1) * 40 + 1 + floor(random() * 40)::int END,
       CASE WHEN random() < 0.2 THEN NULL ELSE 1 + floor(random() * 6)::int END,
       CASE WHEN random() < 0.1 THEN pick_user() END,
       random() < 0.04, random() < 0.3, random() < 0.2
FROM generate_series(1, 320) i;
-- a cycle 901 -> 902 -> 903 -> 901, a branch hanging below it (904, 905),
-- and 906, its own parent
INSERT INTO folders VALUES
    (901, 902, 1, NULL, false, true, false), (902, 903, NULL, NULL, false, false, false),
    (903, 901, 2, 'user3', false, true, false), (904, 901, NULL, NULL, false, true, false),
    (905, 904, NULL, NULL, false, false, false), (906, 906, 3, NULL, false, true, false);

INSERT INTO documents
SELECT 'doc-' || i,
       CASE WHEN random() < 0.03 THEN 8888 WHEN random() < 0.05 THEN 900 + (1 + floor(random() * 6))::int
            ELSE 1 + floor(random() * 320)::int END,
       CASE WHEN random() < 0.3 THEN pick_user() END,
       random() < 0.1,
       (ARRAY['draft', 'review', 'final'])[1 + floor(random() * 3)::int]
FROM generate_series(1, 300) i;

-- Teams nested four deep: team1 > team2, team3 > team4 (in both: a
-- diamond) > team5; others at random below a lower-numbered team.
SELECT rbac.add_member('Team:team1', 'Team:team2'), rbac.add_member('Team:team1', 'Team:team3'),
       rbac.add_member('Team:team2', 'Team:team4'), rbac.add_member('Team:team3', 'Team:team4'),
       rbac.add_member('Team:team4', 'Team:team5');
SELECT rbac.add_member('Team:team' || (1 + floor(random() * (i - 1)))::int, 'Team:team' || i)
FROM generate_series(6, 10) i, generate_series(1, 2) k;
SELECT rbac.add_member('Team:team' || (1 + floor(random() * 10))::int, 'User:' || id)
FROM users, generate_series(1, 2) k WHERE random() < 0.6;

CREATE FUNCTION pick_actor() RETURNS text LANGUAGE sql VOLATILE AS
$$ SELECT CASE WHEN random() < 0.35 THEN 'Team:team' || (1 + floor(random() * 10))::int
               ELSE 'User:' || pick_user() END $$;
CREATE FUNCTION pick_expiry() RETURNS timestamptz LANGUAGE sql VOLATILE AS
$$ SELECT CASE WHEN x < 0.75 THEN NULL WHEN x < 0.875 THEN now() - interval '2 days'
               ELSE now() + interval '2 days' END FROM (SELECT random() AS x) s $$;

-- custom roles on drives: their implied roles flow down to the folders
SELECT rbac.create_role('Drive:' || i, 'uploader', ARRAY['write'], ARRAY['viewer'])
FROM generate_series(1, 6, 2) i;
SELECT rbac.create_role('Drive:' || i, 'co-owner', '{}', ARRAY['owner'])
FROM generate_series(2, 6, 2) i;

CREATE TABLE gen_assign (n serial, actor text, role text, resource text, expires_at timestamptz);
INSERT INTO gen_assign (actor, role, resource, expires_at)
SELECT pick_actor(), c.name, 'Drive:' || c.tenant_id, pick_expiry()
FROM rbac.custom_role c, generate_series(1, 2) k ORDER BY c.tenant_id, c.name, k;
INSERT INTO gen_assign (actor, role, resource, expires_at)
SELECT pick_actor(), (ARRAY['owner', 'editor', 'viewer'])[1 + floor(random() * 3)::int],
       'Drive:' || (1 + floor(random() * 7))::int, pick_expiry()
FROM generate_series(1, 12);
INSERT INTO gen_assign (actor, role, resource, expires_at)
SELECT pick_actor(), (ARRAY['owner', 'editor', 'viewer', 'viewer'])[1 + floor(random() * 4)::int],
       'Folder:' || CASE WHEN random() < 0.1 THEN 900 + floor(random() * 7)::int
                         WHEN random() < 0.05 THEN 9999
                         ELSE 1 + floor(random() * 320)::int END,
       pick_expiry()
FROM generate_series(1, 90);
INSERT INTO gen_assign (actor, role, resource, expires_at)
SELECT pick_actor(), (ARRAY['author', 'commenter'])[1 + floor(random() * 2)::int],
       'Document:doc-' || (1 + floor(random() * 310))::int, pick_expiry()
FROM generate_series(1, 40);
INSERT INTO gen_assign (actor, role, resource, expires_at) VALUES
    ('User:user9', 'root', NULL, NULL),
    ('Team:team7', 'reviewer', NULL, now() + interval '1 hour'),
    ('User:user10', 'reviewer', NULL, now() - interval '1 hour');
SELECT rbac.assign_role(actor, role, resource, expires_at) FROM gen_assign ORDER BY n;

-- The bindings come after the role data: the worlds keep assignments and
-- custom roles on ids with no row (written while the types were unbound, as
-- a database upgraded from 0.2 may hold them), which only direct
-- assignments may use; since 0.3 such rows cannot be written on a bound
-- type (23503).
SELECT rbac.bind('User', 'users');
SELECT rbac.bind('Team', 'teams');
SELECT rbac.bind('Drive', 'drives');
SELECT rbac.bind('Folder', 'folders',
                 relations => '{"parent": "parent_id", "drive": "drive_id", "owned_by": "owner"}');
SELECT rbac.bind('Document', 'documents', relations => '{"folder": "folder_id", "written_by": "author"}');

SELECT ref.materialize();

-- Last-mile rules, hand-translated.
-- has_role(_: User, "viewer", f: Folder) if f.is_public = true;
INSERT INTO ref.lm_fact
SELECT 'User', u.id, 'Folder', f.id::text, 'viewer' FROM users u, folders f WHERE f.is_public;
-- has_permission(_, "read", d: Document) if d.published = true and d.folder.archived = false;
INSERT INTO ref.lm_fact
SELECT a.type, a.id, 'Document', d.id, 'read'
FROM ref.actor a, documents d JOIN folders f ON f.id = d.folder_id
WHERE d.published AND NOT f.archived;
-- has_permission(u: User, "share", f: Folder) if f.shareable and has_role(u, "editor", f.parent);
INSERT INTO ref.lm_link
SELECT 'User', 'Folder', f.parent_id::text, 'editor', 'Folder', f.id::text, 'share'
FROM folders f WHERE f.shareable AND f.parent_id IS NOT NULL;
-- has_permission(t: Team, "comment", d: Document) if d.status in ["draft", "review"]
--     and has_permission(t, "read", d.folder);
INSERT INTO ref.lm_link
SELECT 'Team', 'Folder', d.folder_id::text, 'read', 'Document', d.id, 'comment'
FROM documents d WHERE d.status IN ('draft', 'review') AND d.folder_id IS NOT NULL;
-- has_role(a: Actor, "commenter", d: Document) if d.status = "review"
--     and has_permission(a, "list", d.folder);
INSERT INTO ref.lm_link
SELECT NULL, 'Folder', d.folder_id::text, 'list', 'Document', d.id, 'commenter'
FROM documents d WHERE d.status = 'review' AND d.folder_id IS NOT NULL;
