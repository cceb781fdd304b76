-- Generated GitClub data for the benchmarks (run by tests/bench/*.sh with
-- psql variables orgs, repos, issues, users, groups, assignments).
-- Deterministic: setseed() fixes the random choices.
SELECT setseed(0.42);
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE groups (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE organizations (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE repositories (id int PRIMARY KEY, org_id int NOT NULL REFERENCES organizations,
                           name text NOT NULL, is_public boolean NOT NULL DEFAULT false);
CREATE TABLE issues (id int PRIMARY KEY, repo_id int NOT NULL REFERENCES repositories,
                     creator_id int REFERENCES users, title text NOT NULL,
                     visibility text NOT NULL DEFAULT 'private');

INSERT INTO users SELECT i, 'user' || i FROM generate_series(1, :users) i;
INSERT INTO groups SELECT i, 'group' || i FROM generate_series(1, :groups) i;
INSERT INTO organizations SELECT i, 'org' || i FROM generate_series(1, :orgs) i;
INSERT INTO repositories
  SELECT i, 1 + (i - 1) % :orgs, 'repo' || i, random() < 0.0001
  FROM generate_series(1, :repos) i;
INSERT INTO issues
  SELECT i, 1 + (i - 1) % :repos, 1 + (random() * (:users - 1))::int, 'issue ' || i,
         CASE WHEN random() < 0.05 THEN 'internal' ELSE 'private' END
  FROM generate_series(1, :issues) i;
CREATE INDEX ON repositories (org_id);
-- a rare flag a rule reads (public repositories): a partial index, as
-- docs/performance.md advises
CREATE INDEX ON repositories (id) WHERE is_public;
CREATE INDEX ON issues (repo_id);
CREATE INDEX ON issues (creator_id);
ANALYZE users, groups, organizations, repositories, issues;

SELECT rbac.bind('User', 'users');
SELECT rbac.bind('Group', 'groups');
SELECT rbac.bind('Organization', 'organizations');
SELECT rbac.bind('Repository', 'repositories', relations => '{"parent": "org_id"}');
SELECT rbac.bind('Issue', 'issues', relations => '{"repository": "repo_id", "creator": "creator_id"}');
