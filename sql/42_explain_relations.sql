-- explain through an actor relation on a related resource: for
-- "admin" if "owns" on "parent", the proof says who owns the parent and
-- which parent it is (it said "User:u1 is the parent of Repo:10").  And
-- enable_rls on an actor type's table warns that it hides the table.
\set SHOW_CONTEXT never
SET client_min_messages = warning;
\set spec_policy `cat examples/gitclub.polar`
CREATE SCHEMA ex;
CREATE TABLE ex.people (id text PRIMARY KEY);
CREATE TABLE ex.orgs (id int PRIMARY KEY, owner_id text REFERENCES ex.people);
CREATE TABLE ex.repos (id int PRIMARY KEY, org_id int REFERENCES ex.orgs);
INSERT INTO ex.people VALUES ('u1'), ('u2');
INSERT INTO ex.orgs VALUES (1, 'u1');
INSERT INTO ex.repos VALUES (10, 1);
SELECT rbac.load_policy(:'spec_policy' || $$
actor Person {}
resource Org { permissions = ["read"]; relations = { owns: Person }; "read" if "owns"; }
resource Repo {
  roles = ["admin"];
  permissions = ["delete"];
  relations = { parent: Org };
  "admin" if "owns" on "parent";
  "delete" if "admin";
}
$$);
SELECT rbac.bind('Person', 'ex.people');
SELECT rbac.bind('Org', 'ex.orgs', NULL, '{"owns": "owner_id"}');
SELECT rbac.bind('Repo', 'ex.repos');
SELECT rbac.explain('Person:u1', 'delete', 'Repo:10');
SELECT rbac.explain('Person:u2', 'delete', 'Repo:10');
-- an actor type's table under RLS: a warning
SET client_min_messages = warning;
SELECT rbac.enable_rls('ex.people');
SELECT rbac.disable_rls('ex.people');
SELECT rbac.unbind('Repo'), rbac.unbind('Org'), rbac.unbind('Person');
DROP SCHEMA ex CASCADE;
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true);
