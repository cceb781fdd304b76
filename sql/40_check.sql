-- The check engine (SPEC 3.3, 4.1) on the GitClub model.
\set SHOW_CONTEXT never
\set spec_policy `cat examples/gitclub.polar`
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true);

CREATE TABLE users (id text PRIMARY KEY, name text);
CREATE TABLE groups (id text PRIMARY KEY);
CREATE TABLE organizations (id text PRIMARY KEY, name text);
CREATE TABLE repositories (id int PRIMARY KEY, org_id text REFERENCES organizations,
                           name text, is_public boolean NOT NULL DEFAULT false);
CREATE TABLE issues (id bigint PRIMARY KEY, repo_id int REFERENCES repositories,
                     creator_id text REFERENCES users, visibility text NOT NULL DEFAULT 'private');
CREATE TABLE folders (id int PRIMARY KEY, parent_id int REFERENCES folders);

INSERT INTO users VALUES ('alice', 'Alice'), ('bob', 'Bob'), ('carol', 'Carol'),
  ('dave', 'Dave'), ('erin', 'Erin'), ('root', 'Root');
INSERT INTO groups VALUES ('eng'), ('eng-leads'), ('everyone');
INSERT INTO organizations VALUES ('acme', 'Acme'), ('globex', 'Globex');
INSERT INTO repositories VALUES (1, 'acme', 'anvil', false), (2, 'acme', 'rocket', false),
  (3, 'globex', 'public-site', true), (4, 'globex', 'secret', false);
INSERT INTO issues VALUES (10, 1, 'bob', 'private'), (11, 1, 'carol', 'internal'),
  (12, 2, 'carol', 'private'), (13, 4, 'dave', 'internal'), (14, 3, 'erin', 'private');
INSERT INTO folders VALUES (1, NULL), (2, 1), (3, 2), (4, 3), (5, 4), (6, NULL);

SELECT rbac.bind('User', 'users');
SELECT rbac.bind('Group', 'groups');
SELECT rbac.bind('Organization', 'organizations');
SELECT rbac.bind('Repository', 'repositories', relations => '{"parent": "org_id"}');
SELECT rbac.bind('Issue', 'issues', relations => '{"repository": "repo_id", "creator": "creator_id"}');
SELECT rbac.bind('Folder', 'folders', relations => '{"parent": "parent_id"}');

SELECT rbac.assign_role('User:alice', 'owner', 'Organization:acme');
SELECT rbac.assign_role('User:bob', 'member', 'Organization:acme');
SELECT rbac.assign_role('User:carol', 'maintainer', 'Repository:2');
SELECT rbac.assign_role('Group:eng', 'reader', 'Repository:4');
SELECT rbac.add_member('Group:eng', 'Group:eng-leads');
SELECT rbac.add_member('Group:eng-leads', 'User:dave');
SELECT rbac.assign_role('User:root', 'superadmin');
SELECT rbac.assign_role('User:erin', 'viewer', 'Folder:2');

-- a grid of decisions: actor x action x resource
SELECT a AS actor, r AS resource,
       string_agg(p, ',' ORDER BY p) FILTER (WHERE rbac.is_allowed(a, p, r)) AS allowed
FROM unnest(ARRAY['User:alice', 'User:bob', 'User:carol', 'User:dave', 'User:erin', 'User:root']) a,
     unnest(ARRAY['Repository:1', 'Repository:2', 'Repository:3', 'Repository:4']) r,
     unnest(ARRAY['read', 'push', 'delete', 'manage_roles']) p
GROUP BY a, r ORDER BY a, r;

-- organizations: owner implies member, member grants read; global role
SELECT a, rbac.authorized_actions(a, 'Organization:acme') FROM unnest(ARRAY['User:alice', 'User:bob', 'User:root']) a ORDER BY 1, 2;
SELECT rbac.is_allowed('User:root', 'read', 'Organization:globex') AS root_reads_globex;
SELECT rbac.is_allowed('User:root', 'create_repository', 'Organization:globex') AS root_creates;

-- issues: three hops (issue -> repository -> organization), actor relation, last-mile rules
SELECT a AS actor, i AS issue,
       string_agg(p, ',' ORDER BY p) FILTER (WHERE rbac.is_allowed(a, p, i)) AS allowed
FROM unnest(ARRAY['User:alice', 'User:bob', 'User:carol', 'User:dave', 'User:erin']) a,
     unnest(ARRAY['Issue:10', 'Issue:11', 'Issue:12', 'Issue:13', 'Issue:14']) i,
     unnest(ARRAY['read', 'close']) p
GROUP BY a, i ORDER BY a, i;

-- roles, implied and inherited
SELECT rbac.authorized_roles('User:alice', 'Repository:1');
SELECT rbac.authorized_roles('User:bob', 'Repository:2');
SELECT rbac.authorized_roles('User:dave', 'Repository:4');

-- folders: the viewer role flows down a self-referential relation
SELECT f, rbac.is_allowed('User:erin', 'read', 'Folder:' || f) FROM generate_series(1, 6) f;
-- a cycle in the data terminates
UPDATE folders SET parent_id = 5 WHERE id = 1;
SELECT f, rbac.is_allowed('User:erin', 'read', 'Folder:' || f) FROM generate_series(1, 6) f;
UPDATE folders SET parent_id = NULL WHERE id = 1;

-- a resource id with no row: nothing holds, and no role can be assigned on
-- it in advance (23503, SPEC 6.4)
SELECT rbac.is_allowed('User:alice', 'read', 'Repository:99') AS no_row;
SELECT rbac.assign_role('User:alice', 'reader', 'Repository:99');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.is_allowed('User:alice', 'read', 'Repository:99') AS still_no_row;
SELECT rbac.is_allowed('User:alice', 'read', 'Repository:not-a-number') AS bad_key;

-- custom roles
SELECT rbac.create_role('Organization:acme', 'auditor', ARRAY['read', 'repository.read'], '{}');
SELECT rbac.assign_role('User:erin', 'auditor', 'Organization:acme');
SELECT rbac.authorized_actions('User:erin', 'Organization:acme');
SELECT rbac.is_allowed('User:erin', 'read', 'Repository:1') AS via_repository_read;
SELECT rbac.is_allowed('User:erin', 'push', 'Repository:1') AS no_push;
SELECT rbac.create_role('Organization:acme', 'repo-admins', '{}', ARRAY['owner']);
SELECT rbac.assign_role('User:carol', 'repo-admins', 'Organization:acme');
SELECT rbac.is_allowed('User:carol', 'delete', 'Repository:1') AS custom_implies_owner;
SELECT rbac.authorized_roles('User:carol', 'Organization:acme');

-- expiring assignments
SELECT rbac.assign_role('User:bob', 'admin', 'Repository:1', now() - interval '1 second');
SELECT rbac.is_allowed('User:bob', 'delete', 'Repository:1') AS expired;
SELECT rbac.assign_role('User:bob', 'admin', 'Repository:1', now() + interval '1 hour');
SELECT rbac.is_allowed('User:bob', 'delete', 'Repository:1') AS not_expired;

-- authorize: not found versus forbidden
SELECT rbac.authorize('User:bob', 'read', 'Repository:1');
SELECT rbac.authorize('User:bob', 'push', 'Repository:2');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.authorize('User:bob', 'push', 'Repository:4');
\echo :LAST_ERROR_SQLSTATE

-- authorized_resources and who_can
SELECT rbac.authorized_resources('User:bob', 'read', 'Repository');
SELECT rbac.authorized_resources('User:dave', 'read', 'Issue');
SELECT rbac.who_can('read', 'Repository:4');
SELECT rbac.who_can('delete', 'Repository:2');

-- explain
SELECT rbac.explain('User:dave', 'read', 'Issue:13');
SELECT rbac.explain('User:alice', 'delete', 'Repository:2');
SELECT rbac.explain('User:carol', 'close', 'Issue:11');
SELECT rbac.explain('User:bob', 'delete', 'Repository:2');

-- errors
SELECT rbac.is_allowed('User:alice', 'fly', 'Repository:1');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.is_allowed('User:alice', 'read', 'Repo:1');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.is_allowed('Usr:alice', 'read', 'Repository:1');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.is_allowed('User:alice', 'read', 'Organization');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.is_allowed('User:alice', 'read', ':1');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.is_allowed('Repository:1', 'read', 'Repository:1');
\echo :LAST_ERROR_SQLSTATE

-- consistency: a change earlier in the transaction is seen
BEGIN;
SELECT rbac.remove_role('User:alice', 'owner', 'Organization:acme');
SELECT rbac.is_allowed('User:alice', 'delete', 'Repository:1') AS after_remove;
ROLLBACK;
SELECT rbac.is_allowed('User:alice', 'delete', 'Repository:1') AS after_rollback;

-- the model follows a policy reload in the same transaction, and a rollback
SELECT rbac.is_allowed('User:dave', 'delete', 'Repository:4') AS reader_deletes;
BEGIN;
SELECT rbac.load_policy(replace(:'spec_policy', '"delete" if "admin";', '"delete" if "reader";'));
SELECT rbac.is_allowed('User:dave', 'delete', 'Repository:4') AS reader_deletes;
ROLLBACK;
SELECT rbac.is_allowed('User:dave', 'delete', 'Repository:4') AS reader_deletes;

-- ids are canonical for non-text keys: Repository:01 is Repository:1
SELECT rbac.is_allowed('User:alice', 'delete', 'Repository:01') AS leading_zero,
       rbac.is_allowed('User:carol', 'push', 'Repository:+2') AS plus_sign;
