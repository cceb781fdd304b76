-- Columns used by last-mile rules are checked once the type is bound: at
-- load time against the bound tables, and at bind time against the
-- loaded policy.
\set SHOW_CONTEXT never
\set spec_policy `cat examples/gitclub.polar`
SELECT rbac.load_policy(:'spec_policy');
CREATE TABLE col_orgs (id text PRIMARY KEY);
CREATE TABLE col_repos (id int PRIMARY KEY, org_id text REFERENCES col_orgs, is_publik boolean);
SELECT rbac.bind('Organization', 'col_orgs');
-- the table lacks repo.is_public: the binding is refused and not written
SELECT rbac.bind('Repository', 'col_repos');
\echo :LAST_ERROR_SQLSTATE
SELECT type FROM rbac.binding ORDER BY type;
-- with the column it binds
ALTER TABLE col_repos RENAME COLUMN is_publik TO is_public;
SELECT rbac.bind('Repository', 'col_repos');
-- and now a policy naming a missing column is refused at load, with a suggestion
SELECT * FROM rbac.validate_policy(replace(:'spec_policy', 'repo.is_public', 'repo.is_pubic'));
SELECT rbac.load_policy(replace(:'spec_policy', 'repo.is_public', 'repo.is_pubic'));
\echo :LAST_ERROR_SQLSTATE
-- a column through a relation hop
SELECT * FROM rbac.validate_policy(:'spec_policy' || E'\nhas_permission(_: User, "delete", r: Repository) if r.parent.archived = true;');
SELECT rbac.unbind('Repository');
SELECT rbac.unbind('Organization');
DROP TABLE col_repos, col_orgs;
