-- A global role combined with "and", "not", "or" and parentheses in a
-- shorthand rule (issue 14, SPEC 6.6): "freeze" if global "compliance" and
-- not state(resource, "settled");  Each shape is checked with is_allowed,
-- authorized_actions, authorized_resources, generated RLS (as an ordinary
-- role with an actor) and rbac.test_policy (the plain-C evaluator, on the
-- same world written as test facts) against an independent SQL reference;
-- explain and who_can outputs are shown.  Actors hold global roles
-- directly, through a group, through the global block's implications
-- ("flag_admin" if "superadmin") and as a global permission ("audit");
-- facts are NULL on some rows; one actor holds nothing.  Runs in a
-- database of its own.
\set own_db regress_s94
\set own_role regress_s94_reader
\i sql/include/own_database.sql

CREATE TABLE users (id text PRIMARY KEY);
CREATE TABLE teams (id text PRIMARY KEY);
CREATE TABLE accounts (id int PRIMARY KEY, state text, stage text, is_private boolean, flagged boolean);
INSERT INTO users VALUES ('alice'), ('bob'), ('carol'), ('dave'), ('erin'), ('frank');
INSERT INTO teams VALUES ('qa');
INSERT INTO accounts VALUES
    (1, 'settled', 'beta',    false, true),
    (2, 'open',    'retired', true,  false),
    (3, NULL,      NULL,      NULL,  NULL),
    (4, 'open',    'beta',    false, NULL),
    (5, 'pending', 'ga',      true,  true);

SELECT $p$
actor User {}
actor Team {}

global {
  roles = ["compliance", "beta_tester", "flag_admin", "superadmin"];
  permissions = ["audit"];
  "flag_admin" if "superadmin";
  "audit" if "compliance";
  "audit" if "superadmin";
}

resource Account {
  roles = ["viewer", "owner"];
  permissions = ["read", "freeze", "use", "configure", "inspect", "close", "list"];
  "viewer" if "owner";
  "freeze" if global "compliance" and not state(resource, "settled");
  "use" if global "beta_tester" and stage(resource, "beta");
  "configure" if global "flag_admin" and not stage(resource, "retired");
  "read" if "viewer" or (global "audit" and not is_private(resource));
  "inspect" if not global "compliance" and ("viewer" or global "beta_tester" and flagged(resource));
  "close" if "owner" and not (global "compliance" or stage(resource, "beta"));
  "list" if not global "compliance" and not is_private(resource);
}
$p$ AS policy \gset
SELECT rbac.load_policy(:'policy');
SELECT rbac.bind('User', 'users');
SELECT rbac.bind('Team', 'teams');
SELECT rbac.bind('Account', 'accounts');
SELECT rbac.assign_role('User:alice', 'compliance');
SELECT rbac.assign_role('User:bob', 'beta_tester');
SELECT rbac.assign_role('User:carol', 'viewer', 'Account:2');
SELECT rbac.assign_role('User:carol', 'owner', 'Account:4');
SELECT rbac.assign_role('User:carol', 'owner', 'Account:3');
SELECT rbac.add_member('Team:qa', 'User:dave');
SELECT rbac.assign_role('Team:qa', 'beta_tester');
SELECT rbac.assign_role('User:erin', 'superadmin');
SELECT rbac.assign_role('User:erin', 'owner', 'Account:1');

-- 1. the reference, written by hand from the policy: the global roles and
-- permission each actor holds (directly, through Team:qa, through the
-- global block's rules), its roles on accounts, and each rule in SQL with
-- the engine's NULL semantics (a fact that is NULL is not true; "not"
-- counts an unknown as false before negating)
CREATE TEMP TABLE actors (ref text PRIMARY KEY);
INSERT INTO actors SELECT 'User:' || id FROM users UNION ALL SELECT 'Team:qa';
CREATE TEMP TABLE held (ref text, name text);
INSERT INTO held VALUES ('User:alice', 'compliance'), ('User:alice', 'audit'),
  ('User:bob', 'beta_tester'), ('Team:qa', 'beta_tester'), ('User:dave', 'beta_tester'),
  ('User:erin', 'superadmin'), ('User:erin', 'flag_admin'), ('User:erin', 'audit');
CREATE TEMP TABLE roles_on (ref text, role text, account int);
INSERT INTO roles_on VALUES ('User:carol', 'viewer', 2), ('User:carol', 'owner', 4),
  ('User:carol', 'viewer', 4), ('User:carol', 'owner', 3), ('User:carol', 'viewer', 3),
  ('User:erin', 'owner', 1), ('User:erin', 'viewer', 1);
CREATE TEMP TABLE perms (perm text);
INSERT INTO perms VALUES ('read'), ('freeze'), ('use'), ('configure'), ('inspect'), ('close'), ('list');
CREATE FUNCTION pg_temp.expected(actor text, perm text, a accounts) RETURNS boolean LANGUAGE sql AS $$
  WITH g AS (SELECT array_agg(name) AS names FROM pg_temp.held WHERE ref = actor),
       r AS (SELECT array_agg(role) AS roles FROM pg_temp.roles_on WHERE ref = actor AND account = a.id)
  SELECT CASE perm
    WHEN 'freeze' THEN 'compliance' = ANY (coalesce(g.names, '{}')) AND a.state IS DISTINCT FROM 'settled'
    WHEN 'use' THEN 'beta_tester' = ANY (coalesce(g.names, '{}')) AND a.stage IS NOT DISTINCT FROM 'beta'
    WHEN 'configure' THEN 'flag_admin' = ANY (coalesce(g.names, '{}')) AND a.stage IS DISTINCT FROM 'retired'
    WHEN 'read' THEN 'viewer' = ANY (coalesce(r.roles, '{}'))
                     OR ('audit' = ANY (coalesce(g.names, '{}')) AND a.is_private IS NOT TRUE)
    WHEN 'inspect' THEN NOT 'compliance' = ANY (coalesce(g.names, '{}'))
                        AND ('viewer' = ANY (coalesce(r.roles, '{}'))
                             OR ('beta_tester' = ANY (coalesce(g.names, '{}')) AND a.flagged IS TRUE))
    WHEN 'close' THEN 'owner' = ANY (coalesce(r.roles, '{}'))
                      AND NOT coalesce('compliance' = ANY (coalesce(g.names, '{}')) OR a.stage = 'beta', false)
    WHEN 'list' THEN NOT 'compliance' = ANY (coalesce(g.names, '{}')) AND a.is_private IS NOT TRUE
  END FROM g, r
$$;

-- 2. checks, authorized_actions and authorized_resources against it
SELECT count(*) FILTER (WHERE rbac.is_allowed(x.ref, p.perm, 'Account:' || a.id)
                              IS DISTINCT FROM pg_temp.expected(x.ref, p.perm, a)) AS check_disagreements,
       count(*) FILTER (WHERE pg_temp.expected(x.ref, p.perm, a)) AS allowed,
       count(*) AS cases
FROM actors x, accounts a, perms p;
SELECT count(*) FILTER (WHERE array(SELECT y FROM rbac.authorized_actions(x.ref, 'Account:' || a.id) y ORDER BY 1)
                              <> array(SELECT p.perm FROM perms p WHERE pg_temp.expected(x.ref, p.perm, a) ORDER BY 1))
         AS action_disagreements
FROM actors x, accounts a;
SELECT count(*) FILTER (WHERE array(SELECT y::int FROM rbac.authorized_resources(x.ref, p.perm, 'Account') y ORDER BY 1)
                              <> array(SELECT a.id FROM accounts a WHERE pg_temp.expected(x.ref, p.perm, a) ORDER BY 1))
         AS list_disagreements
FROM actors x, perms p;
-- the grants themselves, readable
SELECT x.ref AS actor, p.perm,
       array(SELECT a.id FROM accounts a WHERE rbac.is_allowed(x.ref, p.perm, 'Account:' || a.id) ORDER BY a.id) AS accounts
FROM actors x, perms p
WHERE x.ref IN ('User:alice', 'User:bob', 'User:dave', 'User:erin', 'User:frank')
ORDER BY 1, 2;

-- 3. generated RLS as an ordinary role, per permission and actor
GRANT SELECT ON accounts TO regress_s94_reader;
CREATE TEMP TABLE seen (perm text, actor text, ids int[]);
GRANT INSERT ON seen TO regress_s94_reader;
CREATE FUNCTION pg_temp.look(perms text[], actors text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    p text;
    a text;
    ids int[];
BEGIN
    FOREACH p IN ARRAY perms LOOP
        PERFORM rbac.enable_rls('accounts', jsonb_build_object('select', p));
        FOREACH a IN ARRAY actors LOOP
            SET LOCAL ROLE regress_s94_reader;
            PERFORM rbac.set_actor(a);
            SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO ids FROM accounts;
            INSERT INTO seen VALUES (p, a, ids);
            PERFORM rbac.reset_actor();
            RESET ROLE;
        END LOOP;
    END LOOP;
    PERFORM rbac.disable_rls('accounts');
END $$;
SELECT pg_temp.look(ARRAY(SELECT perm FROM perms), ARRAY(SELECT ref FROM actors ORDER BY ref));
SELECT count(*) FILTER (WHERE s.ids <> array(SELECT a.id FROM accounts a
                                             WHERE pg_temp.expected(s.actor, s.perm, a) ORDER BY a.id)) AS rls_disagreements,
       count(*) AS rounds
FROM seen s;
SELECT perm, actor, ids FROM seen WHERE perm IN ('freeze', 'inspect', 'close') ORDER BY perm, actor;

-- 4. the plain-C evaluator: the same world as test facts, every decision
-- of the reference as an assertion (NULL columns have no fact)
SELECT :'policy' || E'\ntest "every decision" {\n  setup {\n'
    || (SELECT string_agg(f, E'\n' ORDER BY f) FROM (
          SELECT '    has_role(User{"alice"}, "compliance");' AS f
          UNION ALL SELECT '    has_role(User{"bob"}, "beta_tester");'
          UNION ALL SELECT '    has_group(User{"dave"}, Team{"qa"});'
          UNION ALL SELECT '    has_role(Team{"qa"}, "beta_tester");'
          UNION ALL SELECT '    has_role(User{"erin"}, "superadmin");'
          UNION ALL SELECT '    has_role(User{"carol"}, "viewer", Account{"2"});'
          UNION ALL SELECT '    has_role(User{"carol"}, "owner", Account{"4"});'
          UNION ALL SELECT '    has_role(User{"carol"}, "owner", Account{"3"});'
          UNION ALL SELECT '    has_role(User{"erin"}, "owner", Account{"1"});'
          UNION ALL SELECT format('    state(Account{"%s"}, "%s");', id, state) FROM accounts WHERE state IS NOT NULL
          UNION ALL SELECT format('    stage(Account{"%s"}, "%s");', id, stage) FROM accounts WHERE stage IS NOT NULL
          UNION ALL SELECT format('    is_private(Account{"%s"}, %s);', id, is_private::text) FROM accounts WHERE is_private IS NOT NULL
          UNION ALL SELECT format('    flagged(Account{"%s"}, %s);', id, flagged::text) FROM accounts WHERE flagged IS NOT NULL) facts)
    || E'\n  }\n'
    || (SELECT string_agg(format('  %s allow(%s{"%s"}, "%s", Account{"%s"});',
                                 CASE WHEN pg_temp.expected(x.ref, p.perm, a) THEN 'assert' ELSE 'assert_not' END,
                                 split_part(x.ref, ':', 1), split_part(x.ref, ':', 2), p.perm, a.id), E'\n'
                          ORDER BY x.ref, p.perm, a.id)
        FROM actors x, accounts a, perms p)
    || E'\n}\n' AS with_tests \gset
SELECT count(*) FILTER (WHERE NOT passed) AS failed, count(*) AS assertions FROM rbac.test_policy(:'with_tests');

-- 5. explain: the global role and who holds it (through a group, through
-- an implication), a test under "not", and what would grant a denial
SELECT * FROM rbac.explain('User:alice', 'freeze', 'Account:3');
SELECT * FROM rbac.explain('User:dave', 'use', 'Account:4');
SELECT * FROM rbac.explain('User:erin', 'configure', 'Account:5');
SELECT * FROM rbac.explain('User:erin', 'read', 'Account:4');
SELECT * FROM rbac.explain('User:bob', 'inspect', 'Account:1');
SELECT * FROM rbac.explain('User:carol', 'close', 'Account:3');
SELECT * FROM rbac.explain('User:alice', 'freeze', 'Account:1');
SELECT * FROM rbac.explain('User:frank', 'use', 'Account:1');

-- 6. who_can: candidates are actors with a role assignment on the account
-- or of a global role, and the members of such groups (SPEC 3.3), so an
-- actor allowed only because it lacks a global role is not listed ("list"
-- for User:frank, who has no assignment, and for User:carol on accounts
-- she has no role on); everyone listed is allowed, and every allowed
-- candidate is listed
SELECT p.perm, a.id,
       array(SELECT w FROM rbac.who_can(p.perm, 'Account:' || a.id) w ORDER BY 1) AS who_can
FROM perms p, accounts a WHERE p.perm IN ('freeze', 'use', 'list') ORDER BY 1, 2;
SELECT count(*) FILTER (WHERE array(SELECT w FROM rbac.who_can(p.perm, 'Account:' || a.id) w ORDER BY 1)
                              <> array(SELECT x.ref FROM actors x
                                       WHERE pg_temp.expected(x.ref, p.perm, a)
                                         AND (x.ref IN (SELECT ref FROM held)
                                              OR x.ref IN (SELECT ref FROM roles_on WHERE account = a.id))
                                       ORDER BY 1)) AS who_can_disagreements,
       count(*) AS cases
FROM perms p, accounts a;

-- 7. no actor: rules compiled from conditions need one, "not global" too
SELECT rbac.is_allowed('list', 'Account:1') AS nobody_lists,
       (SELECT count(*) FROM rbac.authorized_resources('list', 'Account')) AS nobody_lists_any;

-- 8. a global name that is not declared, with a suggestion; a global
-- permission that no role grants makes the test false (a warning)
\set VERBOSITY default
SELECT * FROM rbac.validate_policy($$actor User {}
global { roles = ["compliance"]; permissions = ["nobody"]; }
resource Doc { permissions = ["read", "edit"];
  "read" if not global "complaince" and is_public(resource);
  "edit" if global "nobody" and is_public(resource) or not global "nobody"; }$$);
\set VERBOSITY terse

\i sql/include/own_database_end.sql
