-- Joins (x matches T and has_relation(a, "rel", x)) in last-mile rule
-- bodies: long chains validate in time linear in their length, whatever
-- the order of their conjuncts (a chain of 3,000 written backwards took
-- minutes when each pass over the conjuncts bound one link), and joins
-- that branch off one variable keep their own paths.  Runs in a database
-- of its own.
\set own_db regress_s95
\i sql/include/own_database.sql

-- 1. chains of 3,000 joins, forwards and backwards, each under a timeout
-- that the old passes exceeded many times over
CREATE FUNCTION pg_temp.chain(n int, backwards boolean) RETURNS text LANGUAGE sql AS $$
  SELECT 'actor User {}
resource Folder { roles = ["viewer"]; permissions = ["read"]; relations = { parent: Folder }; }
has_permission(u: User, "read", f: Folder) if '
    || string_agg(format('x%s matches Folder and has_relation(%s, "parent", x%s)', i,
                         CASE WHEN i = 1 THEN 'f' ELSE 'x' || (i - 1) END, i),
                  ' and ' ORDER BY CASE WHEN backwards THEN -i ELSE i END)
    || format(' and has_role(u, "viewer", x%s);', n)
  FROM generate_series(1, n) i
$$;
SET statement_timeout = '20s';
SELECT count(*) AS forwards_diagnostics FROM rbac.validate_policy(pg_temp.chain(3000, false));
SELECT count(*) AS backwards_diagnostics FROM rbac.validate_policy(pg_temp.chain(3000, true));
-- a chain with a broken link is reported where it breaks, then every
-- variable after it is unknown
SELECT count(*) FILTER (WHERE message LIKE 'undeclared relation%') AS broken,
       min(message) FILTER (WHERE message LIKE 'undeclared relation%') AS message,
       count(*) FILTER (WHERE message LIKE 'unknown variable%') AS unknown_after,
       count(*) AS diagnostics
FROM rbac.validate_policy(replace(pg_temp.chain(3000, true), 'has_relation(x1500, "parent"', 'has_relation(x1500, "parnet"'));
RESET statement_timeout;

-- 2. joins branching off one variable, and a chain on a chain: every
-- path is its own (checked against the rows)
CREATE TABLE users (id text PRIMARY KEY);
CREATE TABLE orgs (id text PRIMARY KEY);
CREATE TABLE folders (id int PRIMARY KEY, parent_id int REFERENCES folders, org_id text REFERENCES orgs);
INSERT INTO users VALUES ('alice'), ('bob'), ('carol');
INSERT INTO orgs VALUES ('acme'), ('globex');
INSERT INTO folders VALUES (1, NULL, 'acme'), (2, 1, 'globex'), (3, 2, 'acme'), (4, 3, 'globex'), (5, 4, NULL);
SELECT rbac.load_policy($$
actor User {}
resource Org { roles = ["member"]; }
resource Folder {
  roles = ["viewer"];
  permissions = ["read", "audit"];
  relations = { parent: Folder, org: Org };
}
has_permission(u: User, "read", f: Folder) if
  p matches Folder and has_relation(f, "parent", p) and
  gp matches Folder and has_relation(p, "parent", gp) and
  o matches Org and has_relation(p, "org", o) and
  has_role(u, "viewer", gp) and has_role(u, "member", o);
has_permission(u: User, "audit", f: Folder) if
  has_relation(p, "org", o2) and has_relation(f, "parent", p) and
  has_relation(gp, "parent", ggp) and has_relation(p, "parent", gp) and
  has_role(u, "member", o2) and has_role(u, "viewer", ggp);
$$);
SELECT rbac.bind('User', 'users');
SELECT rbac.bind('Org', 'orgs');
SELECT rbac.bind('Folder', 'folders');
SELECT rbac.assign_role('User:alice', 'viewer', 'Folder:1');
SELECT rbac.assign_role('User:alice', 'member', 'Org:globex');
SELECT rbac.assign_role('User:bob', 'viewer', 'Folder:2');
SELECT rbac.assign_role('User:bob', 'member', 'Org:acme');
SELECT rbac.assign_role('User:carol', 'viewer', 'Folder:1');
SELECT rbac.assign_role('User:carol', 'member', 'Org:acme');
-- read: the grandparent's viewer who is a member of the parent's org;
-- audit: the great-grandparent's viewer, a member of the parent's org
SELECT u.id AS actor, p AS perm,
       array(SELECT f.id FROM folders f WHERE rbac.is_allowed('User:' || u.id, p, 'Folder:' || f.id) ORDER BY f.id) AS checks,
       array(SELECT x::int FROM rbac.authorized_resources('User:' || u.id, p, 'Folder') x ORDER BY 1) AS lists,
       array(SELECT f.id FROM folders f JOIN folders pf ON pf.id = f.parent_id JOIN folders g ON g.id = pf.parent_id
             LEFT JOIN folders gg ON gg.id = g.parent_id
             WHERE CASE p WHEN 'read' THEN EXISTS (SELECT 1 FROM rbac.assignment a WHERE a.actor_id = u.id
                                                   AND a.role = 'viewer' AND a.resource_id = g.id::text)
                          ELSE EXISTS (SELECT 1 FROM rbac.assignment a WHERE a.actor_id = u.id
                                       AND a.role = 'viewer' AND a.resource_id = gg.id::text) END
               AND EXISTS (SELECT 1 FROM rbac.assignment a WHERE a.actor_id = u.id
                           AND a.role = 'member' AND a.resource_id = pf.org_id)
             ORDER BY f.id) AS expected
FROM users u, unnest(ARRAY['read', 'audit']) p ORDER BY 1, 2;

\i sql/include/own_database_end.sql
