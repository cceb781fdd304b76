-- Security of the policy-language additions (issue 14): nothing the caller
-- defines runs while pg_rbac evaluates a construct as its internal user.
\set VERBOSITY terse
\set spec_policy `cat examples/gitclub.polar`
SELECT current_user AS su \gset
CREATE ROLE regress_lang_app LOGIN;
CREATE SCHEMA la;
CREATE TABLE la.users (id text PRIMARY KEY);
CREATE TABLE la.docs (id int PRIMARY KEY, tags text[], labels varchar[]);
INSERT INTO la.users VALUES ('alice');
INSERT INTO la.docs VALUES (1, '{urgent}', '{x}'), (2, '{}', '{y}'), (3, NULL, NULL);
SELECT rbac.load_policy($$
actor User {}
resource Doc { permissions = ["read", "edit"]; }
has_permission(_: User, "read", d: Doc) if "urgent" in d.tags;
has_permission(_: User, "edit", d: Doc) if "x" in d.labels;
$$);
SELECT rbac.bind('User', 'la.users'), rbac.bind('Doc', 'la.docs');
SELECT rbac.enable_rls('la.docs', '{"select": "read"}');
GRANT USAGE ON SCHEMA la TO regress_lang_app;
GRANT SELECT ON la.docs TO regress_lang_app;
GRANT EXECUTE ON FUNCTION rbac.is_allowed(text, text, text), rbac.set_actor(text, boolean),
    rbac.authorized_resources(text, text, text) TO regress_lang_app;
CREATE SCHEMA evil AUTHORIZATION regress_lang_app;

-- The application's role plants types named like the element types of the
-- array columns, with a CHECK that records who runs it, and puts its schema
-- before pg_catalog.
SET ROLE regress_lang_app;
CREATE TABLE evil.ran (who text, superuser boolean);
CREATE FUNCTION evil.f(v anyelement) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO evil.ran SELECT current_user, rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user;
  RETURN true;
END $$;
CREATE DOMAIN evil.text AS pg_catalog.text CHECK (evil.f(VALUE));
CREATE DOMAIN evil.varchar AS pg_catalog.varchar CHECK (evil.f(VALUE));
-- a new session: its model cache is built under this search_path
\c - regress_lang_app
SET search_path = evil, pg_catalog;
SELECT rbac.is_allowed('User:alice', 'read', 'Doc:1') AS read1,
       rbac.is_allowed('User:alice', 'read', 'Doc:2') AS read2,
       rbac.is_allowed('User:alice', 'read', 'Doc:3') AS read3,
       rbac.is_allowed('User:alice', 'edit', 'Doc:1') AS edit1;
SELECT rbac.authorized_resources('User:alice', 'read', 'Doc') AS readable;
SELECT rbac.set_actor('User:alice');
SELECT id FROM la.docs ORDER BY id;
\c - :su

-- nothing ran: neither as a superuser nor as anyone
SELECT count(*) AS ran FROM evil.ran;

SELECT rbac.disable_rls('la.docs');
SELECT rbac.unbind('Doc'), rbac.unbind('User');
DROP SCHEMA la CASCADE;
DROP SCHEMA evil CASCADE;
DROP OWNED BY regress_lang_app;
DROP ROLE regress_lang_app;
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true);

-- The owner of a bound table turns it into a view after bind (PostgreSQL 15
-- still converts an empty table without indexes or triggers with CREATE
-- RULE "_RETURN"; a VACUUM clears relhastriggers).  The view's query calls
-- the owner's function: checks must refuse to read it, never run it as the
-- internal user.
CREATE ROLE regress_lang_owner LOGIN;
CREATE SCHEMA lv AUTHORIZATION regress_lang_owner;
SET ROLE regress_lang_owner;
CREATE TABLE lv.users (id text PRIMARY KEY);
CREATE TABLE lv.docs (id int PRIMARY KEY, tags text[]);
CREATE TABLE lv.ran (who text, superuser boolean);
GRANT ALL ON lv.ran TO PUBLIC;
INSERT INTO lv.users VALUES ('alice');
INSERT INTO lv.docs VALUES (1, '{urgent}');
CREATE FUNCTION lv.f() RETURNS text[] LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO lv.ran SELECT current_user, rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user;
  RETURN '{urgent}';
END $$;
RESET ROLE;
SELECT rbac.load_policy($$
actor User {}
resource Doc { permissions = ["read"]; roles = ["viewer"]; "read" if "viewer"; }
has_permission(_: User, "read", d: Doc) if "urgent" in d.tags;
$$, drop_orphans => true);
SELECT rbac.bind('User', 'lv.users'), rbac.bind('Doc', 'lv.docs');
SELECT rbac.is_allowed('User:alice', 'read', 'Doc:1') AS before_view;
SET ROLE regress_lang_owner;
DELETE FROM lv.docs;
DROP TRIGGER rbac_bound_delete ON lv.docs;
DROP TRIGGER rbac_bound_truncate ON lv.docs;
ALTER TABLE lv.docs DROP CONSTRAINT docs_pkey;
VACUUM lv.docs;
CREATE RULE "_RETURN" AS ON SELECT TO lv.docs DO INSTEAD SELECT 1 AS id, lv.f() AS tags;
SELECT relkind FROM pg_class WHERE oid = 'lv.docs'::regclass;
RESET ROLE;
SELECT rbac.is_allowed('User:alice', 'read', 'Doc:1') AS after_view;
SELECT rbac.authorized_resources('User:alice', 'read', 'Doc');
SELECT count(*) AS ran FROM lv.ran;
SELECT rbac.unbind('Doc'), rbac.unbind('User');
DROP SCHEMA lv CASCADE;
DROP ROLE regress_lang_owner;
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true);

-- Two boolean columns swap names.  Generated policies hold columns by
-- number, checks by name: row level security must follow the rename, or
-- it shows rows that is_allowed denies.  The rename is done by the table's
-- owner, an ordinary role; the policies are made again at once.
CREATE ROLE regress_lang_owner LOGIN;
CREATE ROLE regress_lang_app LOGIN;
CREATE SCHEMA lr AUTHORIZATION regress_lang_owner;
GRANT USAGE ON SCHEMA lr TO regress_lang_app;
SET ROLE regress_lang_owner;
CREATE TABLE lr.users (id text PRIMARY KEY);
CREATE TABLE lr.docs (id int PRIMARY KEY, is_public boolean, is_secret boolean);
INSERT INTO lr.users VALUES ('alice');
INSERT INTO lr.docs VALUES (1, true, false), (2, false, true), (3, NULL, true);
GRANT SELECT ON lr.docs TO regress_lang_app;
RESET ROLE;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO regress_lang_app;
SELECT rbac.load_policy($$
actor User {}
resource Doc { permissions = ["read"]; roles = ["viewer"]; "read" if "viewer" or is_public(resource); }
$$, drop_orphans => true);
SELECT rbac.bind('User', 'lr.users'), rbac.bind('Doc', 'lr.docs');
SELECT rbac.enable_rls('lr.docs', '{"select": "read"}');
SET ROLE regress_lang_app;
BEGIN;
SELECT rbac.set_actor('User:alice', true);
SELECT array_agg(id ORDER BY id) AS rls_before FROM lr.docs;
COMMIT;
SET ROLE regress_lang_owner;
-- the first rename leaves no column is_public: every row is denied until
-- the policies can be made again
ALTER TABLE lr.docs RENAME COLUMN is_public TO tmp;
ALTER TABLE lr.docs RENAME COLUMN is_secret TO is_public;
ALTER TABLE lr.docs RENAME COLUMN tmp TO is_secret;
SET ROLE regress_lang_app;
BEGIN;
SELECT rbac.set_actor('User:alice', true);
SELECT array_agg(id ORDER BY id) AS rls_after FROM lr.docs;
COMMIT;
RESET ROLE;
SELECT array_agg(d ORDER BY d) AS checks_after FROM unnest('{Doc:1,Doc:2,Doc:3}'::text[]) d
WHERE rbac.is_allowed('User:alice', 'read', d);
SELECT rbac.disable_rls('lr.docs');
SELECT rbac.unbind('Doc'), rbac.unbind('User');
DROP SCHEMA lr CASCADE;
REVOKE EXECUTE ON FUNCTION rbac.set_actor(text, boolean) FROM regress_lang_app;
DROP ROLE regress_lang_owner, regress_lang_app;
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true);

-- oso_compat keeps a skipped has_relation rule as a hint for bind.  A rule
-- whose object is another type than the relation's target (a LhUser here,
-- for a parent that is an LhOrg) must not give bind its column, nor
-- must one of two rules that disagree: members of an organization named
-- like the creator would otherwise become members of the repository.
CREATE SCHEMA lh;
CREATE TABLE lh.users (id text PRIMARY KEY);
CREATE TABLE lh.orgs (id text PRIMARY KEY);
CREATE TABLE lh.repos (id int PRIMARY KEY, org_id text, creator_id text);
CREATE TABLE lh.repos2 (id int PRIMARY KEY, org_id text, other_id text);
SELECT rbac.load_policy($$
actor LhUser {}
resource LhOrg { roles = ["member"]; }
resource LhRepo { roles = ["member"]; relations = { parent: LhOrg }; "member" if "member" on "parent"; }
resource LhRepo2 { roles = ["member"]; relations = { parent: LhOrg }; "member" if "member" on "parent"; }
has_relation(repo: LhRepo, "parent", u: LhUser) if repo.creator_id = u;
has_relation(repo: LhRepo, "parent", org: LhOrg) if repo.org_id = org.id;
has_relation(repo: LhRepo2, "parent", org: LhOrg) if repo.org_id = org.id;
has_relation(repo: LhRepo2, "parent", org: LhOrg) if repo.other_id = org;
$$, oso_compat => true, drop_orphans => true);
SELECT rbac.bind('LhUser', 'lh.users'), rbac.bind('LhOrg', 'lh.orgs');
SELECT rbac.bind('LhRepo', 'lh.repos');
SELECT rbac.bind('LhRepo2', 'lh.repos2');
SELECT type, relations FROM rbac.binding WHERE type LIKE 'LhRepo%' ORDER BY type;
SELECT rbac.unbind('LhRepo'), rbac.unbind('LhOrg'), rbac.unbind('LhUser');
DROP SCHEMA lh CASCADE;
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true);

-- The planner evaluates the constant parts of index expressions and
-- predicates, of extended statistics' expressions, of partition keys and
-- (with constraint_exclusion = on, which anyone may set) of CHECK
-- constraints while it plans a query, as the user who plans it.  pg_rbac
-- plans its reads of bound tables and join tables as its internal
-- superuser: an IMMUTABLE function of the table owner's in any of them ran
-- as the superuser (ALTER ROLE ... SUPERUSER from there worked).  bind
-- refuses such tables, and a model built after one appears (on the table,
-- a partition attached later, an index on one partition, an inheritance
-- child) fails closed.
CREATE ROLE regress_lang_app LOGIN;
SELECT rbac.grant_admin('regress_lang_app');
CREATE SCHEMA lp AUTHORIZATION regress_lang_app;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO regress_lang_app;
SET ROLE regress_lang_app;
CREATE TABLE lp.ran (who text, superuser boolean);
CREATE FUNCTION lp.g() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO lp.ran SELECT current_user, rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user;
END $$;
CREATE FUNCTION lp.evil() RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN PERFORM lp.g(); RETURN true; END $$;
CREATE TABLE lp.users (id text PRIMARY KEY);
CREATE TABLE lp.teams (id text PRIMARY KEY);
CREATE TABLE lp.repos (id int PRIMARY KEY);
CREATE TABLE lp.repo_teams (repo_id int, team_id text) PARTITION BY LIST (repo_id);
CREATE TABLE lp.repo_teams_1 PARTITION OF lp.repo_teams FOR VALUES IN (1);
CREATE TABLE lp.plain_teams (repo_id int, team_id text);
INSERT INTO lp.users VALUES ('alice');
INSERT INTO lp.teams VALUES ('t1');
INSERT INTO lp.repos VALUES (1), (2);
INSERT INTO lp.repo_teams VALUES (1, 't1');
INSERT INTO lp.plain_teams VALUES (2, 't1');
SELECT rbac.load_policy($$
actor User {}
resource Team { roles = ["member"]; }
resource Repo { permissions = ["read"]; roles = ["reader"]; relations = { teams: Team };
  "reader" if "member" on "teams"; "read" if "reader"; }
$$, drop_orphans => true);
SELECT rbac.bind('User', 'lp.users'), rbac.bind('Team', 'lp.teams');
SELECT rbac.bind('Repo', 'lp.repos', relations => '{"teams": {"through": "repo_teams", "from": "repo_id", "to": "team_id"}}');
SELECT rbac.assign_role('User:alice', 'member', 'Team:t1');
SELECT rbac.set_actor('User:alice');
SELECT rbac.is_allowed('read', 'Repo:1') AS before;
-- an index on one partition of the join table, after the model was built
CREATE INDEX rt1_pwn ON lp.repo_teams_1 (repo_id) WHERE lp.evil();
SELECT rbac.is_allowed('read', 'Repo:1') AS partition_index;
SELECT rbac.authorized_resources('read', 'Repo') AS partition_index;
DROP INDEX lp.rt1_pwn;
SELECT rbac.is_allowed('read', 'Repo:1') AS dropped;
-- a partition attached later, with such an index
CREATE TABLE lp.repo_teams_2 (repo_id int, team_id text);
CREATE INDEX rt2_pwn ON lp.repo_teams_2 (repo_id) WHERE lp.evil();
ALTER TABLE lp.repo_teams ATTACH PARTITION lp.repo_teams_2 FOR VALUES IN (2);
SELECT rbac.is_allowed('read', 'Repo:1') AS attached;
ALTER TABLE lp.repo_teams DETACH PARTITION lp.repo_teams_2;
-- extended statistics and a CHECK constraint of the join table
CREATE STATISTICS lp.st ON (repo_id + lp.evil()::int), team_id FROM lp.repo_teams_1;
SELECT rbac.is_allowed('read', 'Repo:1') AS statistics;
DROP STATISTICS lp.st;
ALTER TABLE lp.repo_teams_1 ADD CONSTRAINT pwn CHECK (lp.evil());
SET constraint_exclusion = on;
SELECT rbac.is_allowed('read', 'Repo:1') AS check_constraint;
ALTER TABLE lp.repo_teams_1 DROP CONSTRAINT pwn;
RESET constraint_exclusion;
-- the bound table itself (its set queries are planned as the internal user)
CREATE INDEX repos_pwn ON lp.repos (id) WHERE lp.evil();
SELECT rbac.authorized_resources('read', 'Repo') AS bound_index;
SELECT rbac.bind('Repo', 'lp.repos', relations => '{"teams": {"through": "repo_teams", "from": "repo_id", "to": "team_id"}}');
DROP INDEX lp.repos_pwn;
SELECT rbac.authorized_resources('read', 'Repo') AS dropped;
-- bind refuses a join table that is hostile already, or whose child is
CREATE INDEX plain_pwn ON lp.plain_teams (team_id) WHERE lp.evil();
SELECT rbac.bind('Repo', 'lp.repos', relations => '{"teams": {"through": "plain_teams", "from": "repo_id", "to": "team_id"}}');
DROP INDEX lp.plain_pwn;
SELECT rbac.bind('Repo', 'lp.repos', relations => '{"teams": {"through": "plain_teams", "from": "repo_id", "to": "team_id"}}');
SELECT rbac.is_allowed('read', 'Repo:2') AS plain;
CREATE TABLE lp.plain_child () INHERITS (lp.plain_teams);
CREATE INDEX child_pwn ON lp.plain_child (repo_id) WHERE lp.evil();
SELECT rbac.is_allowed('read', 'Repo:2') AS child_index;
DROP TABLE lp.plain_child;
SELECT rbac.is_allowed('read', 'Repo:2') AS child_dropped;
-- a partitioned bound table whose partition key calls the owner's function
CREATE TABLE lp.users2 (id text) PARTITION BY LIST ((id || lp.evil()::text));
SELECT rbac.bind('User', 'lp.users2', key => 'id');
RESET ROLE;
-- nothing ran as a superuser (the table owner's own DDL ran it as the owner)
SELECT who, superuser, count(*) > 0 AS ran FROM lp.ran GROUP BY 1, 2 ORDER BY 1;
SELECT rbac.unbind('Repo'), rbac.unbind('Team'), rbac.unbind('User');
DROP SCHEMA lp CASCADE;
SELECT rbac.revoke_admin('regress_lang_app');
REVOKE EXECUTE ON FUNCTION rbac.set_actor(text, boolean) FROM regress_lang_app;
DROP ROLE regress_lang_app;
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true);

-- rbac.test_policy (PUBLIC) runs test blocks in plain C with a work budget
-- per assertion, but the budget does not bound a test of many assertions,
-- and a chain of global rules costs its square per assertion: a source of
-- 100 KB kept a backend busy for minutes, deaf to statement_timeout,
-- pg_cancel_backend and pg_terminate_backend.  The evaluation now checks
-- for interrupts.
SELECT clock_timestamp() AS t0 \gset
SET statement_timeout = '300ms';
SELECT count(*) FROM rbac.test_policy(format($f$actor User {}
global { roles = [%s]; permissions = ["p"]; "p" if "g0"; %s }
resource R { permissions = ["read"]; "read" if global "p"; }
test "t" { setup { has_role(User{"u"}, "g3999"); } %s }$f$,
  (SELECT string_agg(format('"g%s"', i), ', ') FROM generate_series(0, 3999) i),
  (SELECT string_agg(format('"g%s" if "g%s";', i, i + 1), ' ') FROM generate_series(0, 3998) i),
  (SELECT string_agg(format('assert allow(User{"u"}, "read", R{"r%s"});', i), ' ')
   FROM generate_series(1, 100) i)));
RESET statement_timeout;
SELECT clock_timestamp() - :'t0'::timestamptz < interval '5 s' AS cancelled_in_time;

-- A column a rule reads (a fact, a comparison, "in") of a type the engine
-- must not read (a composite: its casts and operators are its owner's to
-- define) was accepted by bind and load_policy, and then every check
-- failed with 0A000.  SPEC 6.1: bind (and load_policy) refuse it.  Enums
-- and arrays of enums are accepted: read as their labels, never through
-- their casts or operators (sql/67_enum_columns.sql).
CREATE TYPE regress_tier AS ENUM ('gold', 'silver');
CREATE TYPE regress_pair AS (a int, b int);
CREATE TABLE regress_accounts (id int PRIMARY KEY, tier regress_tier, labels regress_tier[], name text,
                               pair regress_pair, pairs regress_pair[]);
SELECT rbac.load_policy(:'spec_policy' || $p$
resource Account { roles = ["viewer"]; permissions = ["read"]; "read" if "viewer" and pair(resource, "x"); }$p$);
SELECT rbac.bind('Account', 'regress_accounts');                         -- 0A000
SELECT count(*) FROM rbac.binding WHERE type = 'Account';                  -- nothing half-written
SELECT rbac.load_policy(:'spec_policy' || $p$
resource Account { roles = ["viewer"]; permissions = ["read"]; "read" if "viewer" and tier(resource, "gold"); }$p$);
SELECT rbac.bind('Account', 'regress_accounts');
-- with the table bound, load_policy refuses the same reads: a fact, a
-- comparison in a last-mile rule, an array of the composite on the right
-- of "in"
SELECT rbac.load_policy(:'spec_policy' || $p$
resource Account { roles = ["viewer"]; permissions = ["read"]; "read" if "viewer" and pair(resource, "x"); }$p$);
SELECT rbac.load_policy(:'spec_policy' || $p$
resource Account { roles = ["viewer"]; permissions = ["read"]; "read" if "viewer"; }
has_permission(_a: User, "read", r: Account) if r.pair = "x";$p$);
SELECT rbac.load_policy(:'spec_policy' || $p$
resource Account { roles = ["viewer"]; permissions = ["read"]; "read" if "viewer"; }
has_permission(_a: User, "read", r: Account) if "x" in r.pairs;$p$);
-- the policy that was loaded stays
SELECT source LIKE '%tier(resource, "gold")%' AS kept FROM rbac.policy;
-- and the enum's reads are accepted
SELECT rbac.load_policy(:'spec_policy' || $p$
resource Account { roles = ["viewer"]; permissions = ["read"]; "read" if "viewer"; }
has_permission(_a: User, "read", r: Account) if r.tier = "gold" or "silver" in r.labels;$p$);
-- A fact without a value on a column that is not boolean, and a column
-- compared with a literal its type cannot read (a number against text, a
-- string that is not a value of the column's type) were accepted, and then
-- every check failed (42804, 42883, 22P02).  load_policy and bind refuse
-- them with 42804; literals the type reads are accepted.
SELECT rbac.load_policy(:'spec_policy' || $p$
resource Account { roles = ["viewer"]; permissions = ["read"]; "read" if "viewer" and name(resource); }$p$);
SELECT rbac.load_policy(:'spec_policy' || $p$
resource Account { roles = ["viewer"]; permissions = ["read"]; "read" if "viewer"; }
has_permission(_a: User, "read", r: Account) if r.name = 3;$p$);
SELECT rbac.load_policy(:'spec_policy' || $p$
resource Account { roles = ["viewer"]; permissions = ["read"]; "read" if "viewer"; }
has_permission(_a: User, "read", r: Account) if r.id = "three" or r.tier = 1;$p$);
SELECT rbac.load_policy(:'spec_policy' || $p$
resource Account { roles = ["viewer"]; permissions = ["read"]; "read" if "viewer"; }
has_permission(_a: User, "read", r: Account) if r.name in ["x", 2];$p$);
SELECT rbac.load_policy(:'spec_policy' || $p$
resource Account { roles = ["viewer"]; permissions = ["read"]; "read" if "viewer"; }
has_permission(_a: User, "read", r: Account) if r.labels = "gold";$p$);
SELECT rbac.load_policy(:'spec_policy' || $p$
resource Account { roles = ["viewer"]; permissions = ["read"]; "read" if "viewer"; }
has_permission(_a: User, "read", r: Account) if 7 in r.labels;$p$);
SELECT source LIKE '%r.tier = "gold" or "silver" in r.labels%' AS kept FROM rbac.policy;
-- what the types read is accepted, and decides
INSERT INTO regress_accounts (id, tier, name) VALUES (3, 'gold', 'x');
SELECT rbac.load_policy(:'spec_policy' || $p$
resource Account { roles = ["viewer"]; permissions = ["read"]; "read" if "viewer"; }
has_permission(_a: User, "read", r: Account) if r.id = "3" and r.id = 3.0 and r.name in ["x", "y"];$p$);
SELECT rbac.is_allowed('User:alice', 'read', 'Account:3') AS string_and_number_read;
-- bind refuses a table whose column does not fit a loaded rule
SELECT rbac.unbind('Account');
SELECT rbac.load_policy(:'spec_policy' || $p$
resource Account { roles = ["viewer"]; permissions = ["read"]; "read" if "viewer" and name(resource); }$p$);
SELECT rbac.bind('Account', 'regress_accounts');                         -- 42804
SELECT count(*) FROM rbac.binding WHERE type = 'Account';                  -- nothing half-written
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true);
DROP TABLE regress_accounts;
DROP TYPE regress_tier, regress_pair;
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true);
