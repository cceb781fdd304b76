-- After the policy (examples/gitclub.polar): bindings, row-level security,
-- the connection roles of the tests, rows and assignments.
SELECT rbac.bind('User', 'users');
SELECT rbac.bind('Group', 'teams');
SELECT rbac.bind('Organization', 'organizations');
SELECT rbac.bind('Repository', 'repositories');
SELECT rbac.bind('Issue', 'issues');
SELECT rbac.bind('Folder', 'folders');
SELECT rbac.enable_rls('organizations');
SELECT rbac.enable_rls('repositories');
SELECT rbac.enable_rls('issues', '{"select": "read", "insert": "read", "update": "close", "delete": null}');
SELECT rbac.enable_rls('folders');

-- rbac_py_app: an ordinary role that can act only through tokens.
-- rbac_py_worker: a privileged role that may name actors (set_actor).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rbac_py_app') THEN
        CREATE ROLE rbac_py_app LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rbac_py_worker') THEN
        CREATE ROLE rbac_py_worker LOGIN;
    END IF;
END $$;
GRANT SELECT ON users, teams, organizations, folders, notes TO rbac_py_app, rbac_py_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON repositories, issues TO rbac_py_app, rbac_py_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON rbac.role_assignments TO rbac_py_app;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO rbac_py_worker;

INSERT INTO users VALUES ('alice', 'Alice'), ('bob', 'Bob'), ('carol', 'Carol'),
                         ('dave', 'Dave'), ('erin', 'Erin');
INSERT INTO teams VALUES ('eng', 'Engineering');
INSERT INTO organizations VALUES ('acme', 'Acme Inc.'), ('globex', 'Globex');
INSERT INTO repositories (id, org_id, name, is_public) VALUES
    (1, 'acme', 'anvil', false), (2, 'acme', 'rocket', false),
    (3, 'globex', 'website', true), (4, 'globex', 'secret', false),
    (5, 'acme', 'scratch', false);
INSERT INTO issues (id, repo_id, creator_id, title, visibility) VALUES
    (10, 1, 'bob', 'Anvil too heavy', 'private'),
    (11, 2, 'carol', 'Rocket misfires', 'internal'),
    (12, 3, 'dave', 'Typo on the home page', 'private'),
    (13, 4, 'dave', 'Launch plan', 'private'),
    (14, 5, 'alice', 'Try things here', 'private');
INSERT INTO folders VALUES
    ('00000000-0000-0000-0000-00000000000a', NULL, 'root'),
    ('00000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0000-00000000000a', 'docs'),
    ('00000000-0000-0000-0000-00000000000c', NULL, 'other');
INSERT INTO notes VALUES (1, 'unbound');

SELECT rbac.assign_role('User:alice', 'owner', 'Organization:acme');
SELECT rbac.assign_role('User:bob', 'member', 'Organization:acme');
SELECT rbac.assign_role('User:dave', 'owner', 'Organization:globex');
SELECT rbac.assign_role('Group:eng', 'maintainer', 'Repository:2');
SELECT rbac.add_member('Group:eng', 'User:carol');
SELECT rbac.assign_role('User:erin', 'viewer', 'Folder:00000000-0000-0000-0000-00000000000a');
