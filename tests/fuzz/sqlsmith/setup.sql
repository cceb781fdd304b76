-- The GitClub world the sqlsmith phase fuzzes (scripts/test.sh sqlsmith):
-- the example policy, the benchmark's tables at a small scale, folders,
-- role data, generated RLS on every bound table, and the login role "app"
-- with ordinary grants.  Run as a superuser with psql from a directory
-- holding examples/ and tests/.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
\set spec_policy `cat examples/gitclub.polar`
SELECT rbac.load_policy(:'spec_policy') IS NOT NULL AS loaded;
\set orgs 10
\set repos 100
\set issues 1000
\set users 200
\set groups 20
\ir ../../bench/gitclub_data.sql
CREATE TABLE folders (id int PRIMARY KEY, parent_id int REFERENCES folders, name text);
INSERT INTO folders SELECT i, CASE WHEN i % 10 = 1 THEN NULL ELSE i - 1 END, 'folder' || i
FROM generate_series(1, 100) i;
SELECT rbac.bind('Folder', 'folders', relations => '{"parent": "parent_id"}');
SELECT setseed(0.7);
SELECT count(rbac.assign_role('User:' || u, (ARRAY['owner', 'member'])[1 + (u % 2)], 'Organization:' || (1 + u % 10)))
FROM generate_series(1, 200, 3) u;
SELECT count(rbac.assign_role('User:' || u, (ARRAY['reader', 'maintainer', 'admin'])[1 + (u % 3)], 'Repository:' || (1 + (u * 7) % 100)))
FROM generate_series(1, 200, 2) u;
SELECT count(rbac.add_member('Group:' || (1 + u % 20), 'User:' || u)) FROM generate_series(1, 200, 5) u;
SELECT count(rbac.assign_role('Group:' || g, 'reader', 'Repository:' || g * 3)) FROM generate_series(1, 20) g;
SELECT count(rbac.assign_role('User:' || u, 'viewer', 'Folder:' || (1 + u % 100))) FROM generate_series(1, 200, 11) u;
SELECT rbac.assign_role('User:1', 'superadmin');
SELECT rbac.create_role('Organization:1', 'auditor', ARRAY['read']);
SELECT rbac.enable_rls(t) FROM unnest(ARRAY['repositories', 'issues', 'folders']) t;
ANALYZE;

CREATE ROLE app LOGIN;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO app;

-- Typed entry points to the polymorphic functions (sqlsmith cannot make a
-- value of type anyelement): inlinable SQL functions, so the planner sees
-- the rbac call itself with sqlsmith's arguments (Vars, volatile
-- expressions) and rbac._in's support function is asked about them.
CREATE SCHEMA rbac_fuzz;
GRANT USAGE ON SCHEMA rbac_fuzz TO app;
CREATE FUNCTION rbac_fuzz.keys_int(type text, term text) RETURNS int[] LANGUAGE sql STABLE
    AS $$ SELECT rbac._keys(type, term, NULL::int) $$;
CREATE FUNCTION rbac_fuzz.keys_text(type text, term text) RETURNS text[] LANGUAGE sql STABLE
    AS $$ SELECT rbac._keys(type, term, NULL::text) $$;
CREATE FUNCTION rbac_fuzz.keys_direct_int(type text, term text) RETURNS int[] LANGUAGE sql STABLE
    AS $$ SELECT rbac._keys_direct(type, term, NULL::int) $$;
CREATE FUNCTION rbac_fuzz.keys_path_int(type text, path text[], term text) RETURNS int[] LANGUAGE sql STABLE
    AS $$ SELECT rbac._keys_path(type, path, term, NULL::int) $$;
CREATE FUNCTION rbac_fuzz.actor_key_text(type text) RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT rbac._actor_key(type, NULL::text) $$;
CREATE FUNCTION rbac_fuzz.actor_key_int(type text) RETURNS int LANGUAGE sql STABLE
    AS $$ SELECT rbac._actor_key(type, NULL::int) $$;
CREATE FUNCTION rbac_fuzz.in_int(value int, keys int[], hint text) RETURNS boolean LANGUAGE sql IMMUTABLE
    AS $$ SELECT rbac._in(value, keys, hint) $$;
CREATE FUNCTION rbac_fuzz.in_text(value text, keys text[], hint text) RETURNS boolean LANGUAGE sql IMMUTABLE
    AS $$ SELECT rbac._in(value, keys, hint) $$;
CREATE FUNCTION rbac_fuzz.in_oid(value oid, keys oid[], hint text) RETURNS boolean LANGUAGE sql IMMUTABLE
    AS $$ SELECT rbac._in(value, keys, hint) $$;

-- sqlsmith picks routines uniformly from an unqualified "pg_proc" (about
-- 3,000 in pg_catalog against 40 in rbac).  With pg_catalog last in app's
-- search_path it reads this view instead: every function of rbac and
-- rbac_fuzz, and one in sixteen of pg_catalog's.
CREATE SCHEMA sqlsmith;
CREATE VIEW sqlsmith.pg_proc AS
SELECT * FROM pg_catalog.pg_proc
WHERE pronamespace IN ('rbac'::regnamespace, 'rbac_fuzz'::regnamespace)
   OR (pronamespace = 'pg_catalog'::regnamespace AND oid::int % 16 = 0);
GRANT USAGE ON SCHEMA sqlsmith TO app;
GRANT SELECT ON sqlsmith.pg_proc TO app;
ALTER ROLE app SET search_path = sqlsmith, public, pg_catalog;
