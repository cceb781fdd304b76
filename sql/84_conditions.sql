-- Test strength (issue 17): every comparison of a last-mile rule at its
-- boundaries, "in" lists, "not" and "= nil" over missing values, through
-- checks, sets and generated RLS, each against SQL's own evaluation of the
-- same condition; custom roles of one name on two tenants; non-canonical
-- ids of integer keys.  Runs in a database of its own.
\set own_db regress_s84
\set own_role regress_s84_reader
\i sql/include/own_database.sql

SELECT rbac.load_policy($p$
actor User {}

resource Org {
  roles = ["member"];
  permissions = ["read", "write", "admin"];
  "read" if "member";
}

resource Item {
  permissions = ["lt", "le", "gt", "ge", "eq", "ne", "in2", "in3", "notflag", "isnil", "notnil",
                 "flag", "notlt"];
  relations = { org: Org };
}

has_permission(_: User, "lt", i: Item) if i.n < 3;
has_permission(_: User, "le", i: Item) if i.n <= 3;
has_permission(_: User, "gt", i: Item) if i.n > 3;
has_permission(_: User, "ge", i: Item) if i.n >= 3;
has_permission(_: User, "eq", i: Item) if i.n = 3;
has_permission(_: User, "ne", i: Item) if i.n != 3;
has_permission(_: User, "in2", i: Item) if i.s in ["b", "d"];
has_permission(_: User, "in3", i: Item) if i.n in [1, 3, 5];
has_permission(_: User, "notflag", i: Item) if not i.flag;
has_permission(_: User, "isnil", i: Item) if i.s = nil;
has_permission(_: User, "notnil", i: Item) if i.n != nil;
has_permission(_: User, "flag", i: Item) if i.flag;
has_permission(_: User, "notlt", i: Item) if not i.n < 3;
$p$);

CREATE TABLE users (id text PRIMARY KEY);
CREATE TABLE orgs (id int PRIMARY KEY);
CREATE TABLE items (id int PRIMARY KEY, org_id int, n int, s text, flag boolean);
INSERT INTO users VALUES ('u'), ('v'), ('w');
INSERT INTO orgs VALUES (1), (2), (7);
-- n from 1 to 5 and NULL; s over a..e and NULL; flag true, false, NULL
INSERT INTO items
SELECT i, 1 + i % 2, CASE WHEN i <= 5 THEN i END, CASE WHEN i <= 5 THEN chr(96 + i) END,
       CASE i % 3 WHEN 0 THEN true WHEN 1 THEN false END
FROM generate_series(1, 6) i;
SELECT rbac.bind('User', 'users'), rbac.bind('Org', 'orgs');
SELECT rbac.bind('Item', 'items', relations => '{"org": "org_id"}');

-- 1. conditions: is_allowed, authorized_resources and RLS against SQL
CREATE TEMP TABLE cond (perm text, expected_sql text);
INSERT INTO cond VALUES
    ('lt', 'n < 3'), ('le', 'n <= 3'), ('gt', 'n > 3'), ('ge', 'n >= 3'), ('eq', 'n = 3'),
    ('ne', 'n <> 3'), ('in2', $$s IN ('b', 'd')$$), ('in3', 'n IN (1, 3, 5)'),
    ('notflag', 'NOT coalesce(flag, false)'), ('isnil', 's IS NULL'), ('notnil', 'n IS NOT NULL'),
    ('flag', 'coalesce(flag, false)'), ('notlt', 'NOT coalesce(n < 3, false)');
CREATE FUNCTION pg_temp.expected(q text) RETURNS int[] LANGUAGE plpgsql AS $$
DECLARE r int[];
BEGIN
    EXECUTE format('SELECT array_agg(id ORDER BY id) FROM items WHERE %s', q) INTO r;
    RETURN coalesce(r, '{}');
END $$;
GRANT SELECT ON items TO regress_s84_reader;
CREATE TEMP TABLE seen (perm text, ids int[]);
GRANT INSERT ON seen TO regress_s84_reader;
CREATE FUNCTION pg_temp.look() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT * FROM cond LOOP
        PERFORM rbac.enable_rls('items', jsonb_build_object('select', c.perm));
        SET LOCAL ROLE regress_s84_reader;
        PERFORM rbac.set_actor('User:u');
        INSERT INTO seen SELECT c.perm, coalesce(array_agg(id ORDER BY id), '{}') FROM items;
        PERFORM rbac.reset_actor();
        RESET ROLE;
    END LOOP;
END $$;
SELECT pg_temp.look();
SELECT c.perm, pg_temp.expected(c.expected_sql) AS expected,
       array(SELECT id FROM items WHERE rbac.is_allowed('User:u', c.perm, 'Item:' || id) ORDER BY id)
           = pg_temp.expected(c.expected_sql) AS checks_agree,
       array(SELECT x::int FROM rbac.authorized_resources('User:u', c.perm, 'Item') x ORDER BY 1)
           = pg_temp.expected(c.expected_sql) AS sets_agree,
       s.ids = pg_temp.expected(c.expected_sql) AS rls_agrees
FROM cond c JOIN seen s ON s.perm = c.perm ORDER BY c.perm;

-- 2. custom roles of one name on two tenants grant what their own tenant says
SELECT rbac.create_role('Org:1', 'helper', ARRAY['write']),
       rbac.create_role('Org:2', 'helper', ARRAY['admin']);
SELECT rbac.assign_role('User:v', 'helper', 'Org:1'), rbac.assign_role('User:w', 'helper', 'Org:2');
SELECT who, o, array(SELECT rbac.authorized_actions(who, 'Org:' || o)) AS actions,
       array(SELECT rbac.authorized_roles(who, 'Org:' || o)) AS roles
FROM unnest(ARRAY['User:v', 'User:w']) who, unnest(ARRAY[1, 2]) o ORDER BY who, o;
SELECT who, p, array(SELECT rbac.authorized_resources(who, p, 'Org')) AS orgs
FROM unnest(ARRAY['User:v', 'User:w']) who, unnest(ARRAY['write', 'admin']) p ORDER BY who, p;

-- 3. an integer key given in another spelling is the same resource
SELECT rbac.assign_role('User:u', 'member', 'Org:007');
SELECT * FROM rbac.assignments('User:u');
SELECT x AS ref, rbac.is_allowed('User:u', 'read', x) AS allowed,
       array(SELECT rbac.authorized_actions('User:u', x)) AS actions
FROM unnest(ARRAY['Org:7', 'Org:007', 'Org:+7', 'Org:8']) x;

\i sql/include/own_database_end.sql
