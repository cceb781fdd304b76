-- Test strength (issue 17): privileges granted ONE at a time, so that a
-- check of the wrong privilege (INSERT for DELETE, the wrong catalog)
-- shows.  A role with nothing but the one privilege tries every operation
-- on role data, bindings and the explicit-actor functions, with no actor
-- set (no delegation); each attempt is rolled back.  The expected matrix:
-- each operation works under exactly the privilege SPEC 3.4 names for it
-- ("works" for a read: it shows the assignment; the writable view needs
-- its own privilege and the catalog's, and SELECT on the catalog to see
-- rows with no actor set, SPEC 6.1; bind and
-- unbind need EXECUTE and the binding privilege together, which
-- t/032_random_worlds.pl tests).
-- Runs in a database of its own.
\set own_db regress_s82
\i sql/include/own_database.sql

\i sql/include/outcome.sql

SELECT rbac.load_policy($p$
actor User {}
actor Group {}
global { roles = ["root"]; }
resource Org {
  roles = ["owner", "member"];
  permissions = ["read", "manage_roles"];
  "member" if "owner";
  "read" if "member";
  "manage_roles" if "owner";
  "read" if global "root";
}
resource Thing {
  permissions = ["read"];
  relations = { org: Org };
  "read" if "read" on "org";
}
$p$);
CREATE TABLE users (id text PRIMARY KEY);
CREATE TABLE groups (id text PRIMARY KEY);
CREATE TABLE orgs (id int PRIMARY KEY);
INSERT INTO users VALUES ('u'), ('v');
INSERT INTO groups VALUES ('g');
INSERT INTO orgs VALUES (1);
SELECT rbac.bind('User', 'users'), rbac.bind('Group', 'groups'), rbac.bind('Org', 'orgs');
SELECT rbac.assign_role('User:v', 'member', 'Org:1'), rbac.add_member('Group:g', 'User:v'),
       rbac.create_role('Org:1', 'c1', '{read}');

CREATE ROLE regress_s82_p;
-- a table the role owns, for bind
CREATE TABLE things (id int PRIMARY KEY, org_id int REFERENCES orgs);
ALTER TABLE things OWNER TO regress_s82_p;

CREATE TEMP TABLE op (n int, name text, q text);
INSERT INTO op VALUES
 (1, 'assign_role', $$SELECT rbac.assign_role('User:u', 'member', 'Org:1')$$),
 (2, 'remove_role', $$SELECT rbac.remove_role('User:v', 'member', 'Org:1')$$),
 (3, 'assign global', $$SELECT rbac.assign_role('User:u', 'root')$$),
 (4, 'assignments', $q$DO $d$ BEGIN IF NOT EXISTS (SELECT FROM rbac.assignments(resource => 'Org:1'))
                      THEN RAISE EXCEPTION USING ERRCODE = '42501'; END IF; END $d$$q$),
 (5, 'add_member', $$SELECT rbac.add_member('Group:g', 'User:u')$$),
 (6, 'remove_member', $$SELECT rbac.remove_member('Group:g', 'User:v')$$),
 (7, 'members', $$SELECT rbac.members('Group:g')$$),
 (8, 'groups_of', $$SELECT rbac.groups_of('User:v')$$),
 (9, 'create_role', $$SELECT rbac.create_role('Org:1', 'c2', '{read}')$$),
 (10, 'drop_role', $$SELECT rbac.drop_role('Org:1', 'c1')$$),
 (11, 'view insert', $$INSERT INTO rbac.role_assignments VALUES ('User:u', 'member', 'Org:1', NULL)$$),
 (12, 'view delete', $q$DO $d$ DECLARE n int; BEGIN
                          DELETE FROM rbac.role_assignments WHERE actor = 'User:v';
                          GET DIAGNOSTICS n = ROW_COUNT;
                          IF n = 0 THEN RAISE EXCEPTION USING ERRCODE = '42501'; END IF; END $d$$q$),
 (13, 'bind', $$SELECT rbac.bind('Thing', 'things')$$),
 (14, 'unbind', $$SELECT rbac.unbind('Org')$$),
 (15, 'is_allowed', $$SELECT rbac.is_allowed('User:v', 'read', 'Org:1')$$),
 (16, 'authorize', $$SELECT rbac.authorize('User:v', 'read', 'Org:1')$$),
 (17, 'authorized_actions', $$SELECT rbac.authorized_actions('User:v', 'Org:1')$$),
 (18, 'authorized_roles', $$SELECT rbac.authorized_roles('User:v', 'Org:1')$$),
 (19, 'authorized_resources', $$SELECT rbac.authorized_resources('User:v', 'read', 'Org')$$),
 (20, 'explain', $$SELECT rbac.explain('User:v', 'read', 'Org:1')$$),
 (21, 'who_can', $$SELECT rbac.who_can('read', 'Org:1')$$),
 (22, 'set_actor', $$SELECT rbac.set_actor('User:v')$$),
 (23, '_holds', $$SELECT rbac._holds('User:v', 'read', 'Org', '1')$$);

CREATE TEMP TABLE grant_one (n int, what text, grant_sql text);
INSERT INTO grant_one VALUES
 (1, 'nothing', NULL),
 (2, 'INSERT on assignment', 'GRANT INSERT ON rbac.assignment TO regress_s82_p'),
 (3, 'DELETE on assignment', 'GRANT DELETE ON rbac.assignment TO regress_s82_p'),
 (4, 'SELECT on assignment', 'GRANT SELECT ON rbac.assignment TO regress_s82_p'),
 (5, 'UPDATE on assignment', 'GRANT UPDATE ON rbac.assignment TO regress_s82_p'),
 (6, 'INSERT on membership', 'GRANT INSERT ON rbac.membership TO regress_s82_p'),
 (7, 'DELETE on membership', 'GRANT DELETE ON rbac.membership TO regress_s82_p'),
 (8, 'SELECT on membership', 'GRANT SELECT ON rbac.membership TO regress_s82_p'),
 (9, 'INSERT on custom_role', 'GRANT INSERT ON rbac.custom_role TO regress_s82_p'),
 (10, 'DELETE on custom_role', 'GRANT DELETE ON rbac.custom_role TO regress_s82_p'),
 (11, 'INSERT on role_assignments', 'GRANT INSERT ON rbac.role_assignments TO regress_s82_p'),
 (12, 'DELETE on role_assignments', 'GRANT DELETE, SELECT ON rbac.role_assignments TO regress_s82_p'),
 (13, 'INSERT on binding', 'GRANT INSERT ON rbac.binding TO regress_s82_p'),
 (14, 'DELETE on binding', 'GRANT DELETE ON rbac.binding TO regress_s82_p'),
 (15, 'EXECUTE bind', 'GRANT EXECUTE ON FUNCTION rbac.bind(text, regclass, name, jsonb) TO regress_s82_p'),
 (16, 'EXECUTE unbind', 'GRANT EXECUTE ON FUNCTION rbac.unbind(text) TO regress_s82_p'),
 (17, 'INSERT on role_assignments and assignment', 'GRANT INSERT ON rbac.role_assignments TO regress_s82_p; GRANT INSERT ON rbac.assignment TO regress_s82_p'),
 (18, 'DELETE on role_assignments, SELECT and DELETE on assignment', 'GRANT DELETE, SELECT ON rbac.role_assignments TO regress_s82_p; GRANT DELETE, SELECT ON rbac.assignment TO regress_s82_p'),
 (19, 'EXECUTE is_allowed', 'GRANT EXECUTE ON FUNCTION rbac.is_allowed(text, text, text) TO regress_s82_p'),
 (20, 'EXECUTE authorize', 'GRANT EXECUTE ON FUNCTION rbac.authorize(text, text, text) TO regress_s82_p'),
 (21, 'EXECUTE authorized_actions', 'GRANT EXECUTE ON FUNCTION rbac.authorized_actions(text, text) TO regress_s82_p'),
 (22, 'EXECUTE authorized_roles', 'GRANT EXECUTE ON FUNCTION rbac.authorized_roles(text, text) TO regress_s82_p'),
 (23, 'EXECUTE authorized_resources', 'GRANT EXECUTE ON FUNCTION rbac.authorized_resources(text, text, text) TO regress_s82_p'),
 (24, 'EXECUTE explain', 'GRANT EXECUTE ON FUNCTION rbac.explain(text, text, text) TO regress_s82_p'),
 (25, 'EXECUTE who_can', 'GRANT EXECUTE ON FUNCTION rbac.who_can(text, text) TO regress_s82_p'),
 (26, 'EXECUTE set_actor', 'GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO regress_s82_p');

-- for each grant alone: the operations that work, and any refusal that is
-- not 42501
CREATE TEMP TABLE outcome (g int, n int, outcome text);
CREATE FUNCTION pg_temp.run_matrix() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    gr record;
    o record;
BEGIN
    FOR gr IN SELECT * FROM grant_one ORDER BY n LOOP
        IF gr.grant_sql IS NOT NULL THEN
            EXECUTE gr.grant_sql;
        END IF;
        FOR o IN SELECT * FROM op ORDER BY n LOOP
            INSERT INTO outcome VALUES (gr.n, o.n, pg_temp.outcome(o.q, 'regress_s82_p'));
        END LOOP;
        IF gr.grant_sql IS NOT NULL THEN
            EXECUTE replace(replace(gr.grant_sql, 'GRANT', 'REVOKE'), ' TO ', ' FROM ');
        END IF;
    END LOOP;
END $$;
SELECT rbac.reset_actor();
SELECT pg_temp.run_matrix();
SELECT g.what AS granted,
       coalesce(string_agg(op.name, ', ' ORDER BY op.n) FILTER (WHERE o.outcome = 'ok'), '-') AS works,
       coalesce(string_agg(op.name || ' ' || o.outcome, ', ' ORDER BY op.n)
                FILTER (WHERE o.outcome NOT IN ('ok', '42501')), '') AS other_errors
FROM outcome o JOIN grant_one g ON g.n = o.g JOIN op ON op.n = o.n
GROUP BY g.n, g.what ORDER BY g.n;

-- nothing was left behind by the attempts
SELECT (SELECT count(*) FROM rbac.assignment) AS assignments,
       (SELECT count(*) FROM rbac.membership) AS memberships,
       (SELECT count(*) FROM rbac.custom_role) AS custom_roles,
       (SELECT count(*) FROM rbac.binding) AS bindings;

\i sql/include/own_database_end.sql
DROP ROLE regress_s82_p;
