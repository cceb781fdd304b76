-- Enum columns read by rules (SPEC 6.1): facts, comparisons with = and !=,
-- "in" over an array of an enum, conditions in shorthand rules, in checks,
-- lists, explain, who_can, generated RLS and test_policy.  The enum's owner
-- plants an implicit cast to text and operators between the enum and text
-- (in public and in its own schema, which the application role puts first
-- in its search_path): none of them may ever run, and the answers must be
-- those of a hand-written SQL reference computed before they existed.
\set VERBOSITY terse
\set spec_policy `cat examples/gitclub.polar`
SELECT current_user AS su \gset
SET client_min_messages = warning;
CREATE ROLE regress_enum_owner;
CREATE ROLE regress_enum_app LOGIN;
CREATE SCHEMA en AUTHORIZATION regress_enum_owner;
GRANT USAGE ON SCHEMA en TO regress_enum_app;
-- who ran a planted object: its name, the role, whether a superuser
CREATE TABLE enum_ran (what text, who name, su boolean);
GRANT INSERT ON enum_ran TO PUBLIC;

SET ROLE regress_enum_owner;
-- declared in an order that is not the labels' text order; labels that
-- array_out quotes (NULL, a comma and a space, braces)
CREATE TYPE en.tier AS ENUM ('silver', 'gold', 'bronze', 'NULL', 'x, y', '{z}');
CREATE FUNCTION en.logged(what text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.enum_ran SELECT what, current_user, rolsuper FROM pg_catalog.pg_roles
   WHERE rolname = current_user;
  RETURN true;
END $$;
-- a domain over the enum whose CHECK records who runs it
CREATE DOMAIN en.level AS en.tier CHECK (en.logged('domain check'));
-- an account's plan: an enum column one relation away
CREATE TABLE en.plans (id text PRIMARY KEY, tier en.tier);
INSERT INTO en.plans VALUES ('p1', 'gold'), ('p2', 'silver'), ('p3', NULL);
CREATE TABLE en.accounts (id int PRIMARY KEY, tier en.tier, lvl en.level, labels en.tier[],
                          plan_id text REFERENCES en.plans);
INSERT INTO en.accounts VALUES
  (1, 'gold', 'silver', '{gold}', 'p1'),
  (2, 'silver', 'gold', '{silver,gold}', 'p2'),
  (3, 'bronze', NULL, '{NULL}', 'p3'),
  (4, NULL, 'bronze', NULL, NULL),
  (5, 'NULL', 'NULL', '{"x, y"}', NULL),
  (6, 'gold', 'gold', '{"{z}",NULL}', NULL),
  (7, 'x, y', 'silver', '{}', NULL),
  (8, 'bronze', 'bronze', '{silver,bronze}', NULL),
  (9, '{z}', '{z}', '{"{z}"}', 'p1');
-- a domain over an array of the enum, with a CHECK that records who runs it
CREATE DOMAIN en.tier_list AS en.tier[] CHECK (en.logged('domain check'));
ALTER TABLE en.accounts ADD COLUMN lbls en.tier_list;
UPDATE en.accounts SET lbls = labels WHERE id % 2 = 1;
RESET ROLE;

-- One policy with every construct that reads an enum column.
SELECT rbac.load_policy(:'spec_policy' || $p$
resource Plan { roles = ["holder"]; }
resource Account {
  roles = ["viewer"];
  permissions = ["read", "audit", "list", "edit", "see", "upgrade", "tag"];
  relations = { plan: Plan };
  "read" if "viewer" and tier(resource, "gold");
  "audit" if "viewer" or lvl(resource, "silver");
  "see" if "viewer" and not tier(resource, "platinum");
}
has_permission(_a: User, "list", r: Account) if r.tier != "bronze" and not "silver" in r.labels;
has_permission(_a: User, "edit", r: Account) if "gold" in r.labels or "x, y" in r.labels or "NULL" in r.labels or r.lvl = "platinum";
has_permission(_a: User, "edit", r: Account) if r.tier in ["NULL", "{z}"] and r.tier = r.lvl;
has_permission(_a: User, "upgrade", r: Account) if r.plan.tier != "silver";
has_permission(_a: User, "tag", r: Account) if "gold" in r.lbls or "{z}" in r.lbls;
$p$);
SELECT rbac.bind('Plan', 'en.plans');
SELECT rbac.bind('Account', 'en.accounts', NULL, '{"plan": "plan_id"}');
SELECT rbac.assign_role('User:alice', 'viewer', 'Account:' || i) FROM generate_series(1, 4) i;
SELECT rbac.assign_role('User:bob', 'viewer', 'Account:6');

-- The reference, by hand, before any planted object exists: labels
-- compared as enums, NULL as SQL has it.
CREATE TABLE enum_expect AS
WITH v(actor, account) AS (
  SELECT u, a.id FROM unnest(ARRAY['alice', 'bob', 'carol']) u, en.accounts a),
viewer AS (
  SELECT v.*, (actor = 'alice' AND account <= 4) OR (actor = 'bob' AND account = 6) AS viewer
  FROM v)
SELECT 'User:' || actor AS actor, 'Account:' || account AS resource, p.perm,
       CASE p.perm
         WHEN 'read' THEN viewer AND coalesce(a.tier = 'gold', false)
         WHEN 'audit' THEN viewer OR coalesce(a.lvl::en.tier = 'silver', false)
         WHEN 'see' THEN viewer
         WHEN 'list' THEN coalesce(a.tier <> 'bronze', false)
                          AND NOT coalesce('silver' = ANY (a.labels), false)
         WHEN 'edit' THEN coalesce('gold' = ANY (a.labels), false)
                          OR coalesce('x, y' = ANY (a.labels), false)
                          OR coalesce('NULL' = ANY (a.labels), false)
                          OR coalesce(a.tier IN ('NULL', '{z}') AND a.tier = a.lvl::en.tier, false)
         WHEN 'tag' THEN coalesce('gold' = ANY (a.lbls::en.tier[]), false)
                         OR coalesce('{z}' = ANY (a.lbls::en.tier[]), false)
         WHEN 'upgrade' THEN coalesce((SELECT pl.tier <> 'silver' FROM en.plans pl WHERE pl.id = a.plan_id), false)
       END AS allowed
FROM viewer JOIN en.accounts a ON a.id = viewer.account,
     unnest(ARRAY['read', 'audit', 'see', 'list', 'edit', 'upgrade', 'tag']) p(perm);
-- what the reference says (so that a wrong reference shows here)
SELECT perm, actor, string_agg(substr(resource, 9), ',' ORDER BY resource) AS allowed_on
FROM enum_expect WHERE allowed GROUP BY perm, actor ORDER BY perm, actor;

-- The planted objects: an implicit cast to text that answers "gold", and
-- operators = and <> between the enum and text, both ways, in public and
-- in the owner's schema, that answer true.  Each records that it ran and
-- tries to make its owner a superuser.
GRANT CREATE ON SCHEMA public TO regress_enum_owner;
SET ROLE regress_enum_owner;
CREATE FUNCTION en.to_text(v en.tier) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM en.logged('cast');
  BEGIN
    ALTER ROLE regress_enum_owner SUPERUSER;
  EXCEPTION WHEN insufficient_privilege THEN NULL;
  END;
  RETURN 'gold';
END $$;
CREATE CAST (en.tier AS text) WITH FUNCTION en.to_text(en.tier) AS IMPLICIT;
CREATE FUNCTION en.eq(a en.tier, b text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM en.logged('operator');
  BEGIN
    ALTER ROLE regress_enum_owner SUPERUSER;
  EXCEPTION WHEN insufficient_privilege THEN NULL;
  END;
  RETURN true;
END $$;
CREATE FUNCTION en.eq(a text, b en.tier) RETURNS boolean LANGUAGE sql
  AS $$ SELECT en.eq(b, a) $$;
CREATE FUNCTION en.eq(a en.tier, b en.tier) RETURNS boolean LANGUAGE sql
  AS $$ SELECT en.eq(a, b::text) $$;
CREATE OPERATOR public.= (LEFTARG = en.tier, RIGHTARG = text, FUNCTION = en.eq);
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = en.tier, FUNCTION = en.eq);
CREATE OPERATOR public.<> (LEFTARG = en.tier, RIGHTARG = text, FUNCTION = en.eq);
CREATE OPERATOR public.<> (LEFTARG = text, RIGHTARG = en.tier, FUNCTION = en.eq);
CREATE OPERATOR en.= (LEFTARG = en.tier, RIGHTARG = text, FUNCTION = en.eq);
CREATE OPERATOR en.= (LEFTARG = text, RIGHTARG = en.tier, FUNCTION = en.eq);
CREATE OPERATOR en.= (LEFTARG = en.tier, RIGHTARG = en.tier, FUNCTION = en.eq);
CREATE OPERATOR en.<> (LEFTARG = en.tier, RIGHTARG = text, FUNCTION = en.eq);
CREATE OPERATOR en.<> (LEFTARG = text, RIGHTARG = en.tier, FUNCTION = en.eq);
-- functions named like the ones pg_rbac calls, earlier in the search_path
CREATE FUNCTION en.enum_out(v en.tier) RETURNS text LANGUAGE sql AS $$ SELECT en.to_text(v) $$;
CREATE FUNCTION en.textin(v text) RETURNS text LANGUAGE sql AS $$ SELECT en.to_text('gold') $$;
RESET ROLE;
-- the traps are live: the cast and the operators run for ordinary SQL
SET ROLE regress_enum_app;
SELECT ('silver'::en.tier)::text AS via_cast,
       'silver'::en.tier OPERATOR(public.=) 'bronze'::text AS via_operator;
RESET ROLE;
SELECT what, who, su, count(*) FROM enum_ran GROUP BY 1, 2, 3 ORDER BY what;
TRUNCATE enum_ran;

GRANT SELECT ON en.accounts, en.plans, enum_expect TO regress_enum_app;
GRANT EXECUTE ON FUNCTION rbac.is_allowed(text, text, text), rbac.set_actor(text, boolean),
    rbac.authorized_resources(text, text, text), rbac.who_can(text, text),
    rbac.explain(text, text, text) TO regress_enum_app;
CREATE TABLE enum_got (perm text, actor text, resource text);
GRANT INSERT, SELECT, TRUNCATE ON enum_got TO regress_enum_app;

-- a new session whose model cache is built under the owner's search_path
\c - regress_enum_app
SET search_path = en, public, pg_catalog;
-- checks: every (actor, permission, account) against the reference
SELECT count(*) AS checks,
       count(*) FILTER (WHERE allowed) AS allowed,
       count(*) FILTER (WHERE rbac.is_allowed(actor, perm, resource) IS DISTINCT FROM allowed) AS wrong
FROM public.enum_expect;
-- lists (ids)
CREATE TEMP TABLE listed AS
SELECT p AS perm, a AS actor, 'Account:' || r AS resource
FROM (SELECT DISTINCT perm AS p, actor AS a FROM public.enum_expect) q,
     rbac.authorized_resources(a, p, 'Account') r;
SELECT count(*) AS listed,
       (SELECT count(*) FROM (SELECT perm, actor, resource FROM public.enum_expect WHERE allowed
                              EXCEPT SELECT * FROM listed) m) AS missing,
       (SELECT count(*) FROM (SELECT * FROM listed
                              EXCEPT SELECT perm, actor, resource FROM public.enum_expect WHERE allowed) m) AS extra
FROM listed;
-- who_can lists the actors with an assignment that hold it
SELECT rbac.who_can('read', 'Account:1') AS read_1, rbac.who_can('read', 'Account:2') AS read_2;
SELECT rbac.who_can('see', 'Account:6') AS see_6;
-- explain, allowed and denied
SELECT rbac.explain('User:alice', 'read', 'Account:1');
SELECT rbac.explain('User:carol', 'edit', 'Account:7');
SELECT rbac.explain('User:carol', 'edit', 'Account:5');
\c - :su

-- generated RLS, each permission in turn as the SELECT policy (generated
-- by the superuser), queried by the application role for each actor, each
-- query in a transaction of its own (statements not echoed)
SET search_path = en, public, pg_catalog;
\set ECHO none
SELECT s FROM unnest(ARRAY['read', 'audit', 'see', 'list', 'edit', 'upgrade', 'tag']) p,
  LATERAL (SELECT format('DO $$BEGIN PERFORM rbac.enable_rls(''en.accounts'', %L); END$$',
                         jsonb_build_object('select', p))
           UNION ALL SELECT 'SET ROLE regress_enum_app'
           UNION ALL SELECT format('DO $$BEGIN PERFORM rbac.set_actor(%L); END$$; '
                                   'INSERT INTO public.enum_got SELECT %L, %L, ''Account:'' || id FROM accounts', a, p, a)
                     FROM unnest(ARRAY['User:alice', 'User:bob', 'User:carol']) a
           UNION ALL SELECT 'RESET ROLE') q(s) \gexec
\set ECHO all
SELECT rbac.reset_actor();
RESET search_path;
SELECT count(*) AS rows_seen,
       (SELECT count(*) FROM (SELECT perm, actor, resource FROM enum_expect WHERE allowed
                              EXCEPT SELECT perm, actor, resource FROM enum_got) m) AS missing,
       (SELECT count(*) FROM (SELECT perm, actor, resource FROM enum_got
                              EXCEPT SELECT perm, actor, resource FROM enum_expect WHERE allowed) m) AS extra
FROM enum_got;
SELECT rbac.disable_rls('en.accounts');

-- test_policy decides the same on the same facts (labels are strings)
SELECT test, assertion, passed FROM rbac.test_policy(:'spec_policy' || $p$
resource Account {
  roles = ["viewer"];
  permissions = ["read", "list", "edit"];
  "read" if "viewer" and tier(resource, "gold");
}
has_permission(_a: User, "list", r: Account) if r.tier != "bronze" and not "silver" in r.labels;
has_permission(_a: User, "edit", r: Account) if "gold" in r.labels or "x, y" in r.labels or r.lvl = "platinum";
test "enum facts" {
  setup {
    has_role(User{"alice"}, "viewer", Account{"1"});
    has_role(User{"alice"}, "viewer", Account{"3"});
    tier(Account{"1"}, "gold"); labels(Account{"1"}, ["gold"]);
    tier(Account{"3"}, "bronze"); labels(Account{"3"}, ["NULL"]);
    tier(Account{"5"}, "NULL"); lvl(Account{"5"}, "NULL"); labels(Account{"5"}, ["x, y"]);
    tier(Account{"8"}, "bronze"); labels(Account{"8"}, ["silver", "bronze"]);
  }
  assert allow(User{"alice"}, "read", Account{"1"});
  assert_not allow(User{"alice"}, "read", Account{"3"});
  assert allow(User{"carol"}, "list", Account{"1"});
  assert_not allow(User{"carol"}, "list", Account{"3"});
  assert allow(User{"carol"}, "list", Account{"5"});
  assert_not allow(User{"carol"}, "list", Account{"8"});
  assert allow(User{"carol"}, "edit", Account{"5"});
  assert_not allow(User{"carol"}, "edit", Account{"3"});
}
$p$);

-- Ordering comparisons with an enum are refused (0A000): by load_policy
-- with the table bound, for a domain over the enum too, and in either
-- operand order; the loaded policy stays.
SELECT rbac.load_policy(:'spec_policy' || $p$
resource Account { roles = ["viewer"]; permissions = ["read"]; "read" if "viewer"; }
has_permission(_a: User, "read", r: Account) if r.tier > "silver";$p$);
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.load_policy(:'spec_policy' || $p$
resource Account { roles = ["viewer"]; permissions = ["read"]; "read" if "viewer"; }
has_permission(_a: User, "read", r: Account) if "gold" <= r.lvl;$p$);
\echo :LAST_ERROR_SQLSTATE
SELECT source LIKE '%lvl(resource, "silver")%' AS kept FROM rbac.policy;
-- and by bind, when the policy was loaded before the table was bound
SELECT rbac.unbind('Account'), rbac.unbind('Plan');
SELECT rbac.load_policy(:'spec_policy' || $p$
resource Account { roles = ["viewer"]; permissions = ["read"]; "read" if "viewer"; }
has_permission(_a: User, "read", r: Account) if r.tier >= "gold";$p$, drop_orphans => true);
SELECT rbac.bind('Account', 'en.accounts');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS bound FROM rbac.binding WHERE type = 'Account';
-- an enum stays refused as a key or a relation column
SELECT rbac.load_policy(:'spec_policy' || $p$
resource Account { roles = ["viewer"]; permissions = ["read"]; "read" if "viewer"; }$p$,
  drop_orphans => true);
SELECT rbac.bind('Account', 'en.accounts', 'tier');
\echo :LAST_ERROR_SQLSTATE

-- nothing planted ran, as anyone; nobody became a superuser
SELECT count(*) AS ran FROM enum_ran;
SELECT rolname FROM pg_roles WHERE rolname LIKE 'regress_enum%' AND rolsuper;

DROP TABLE enum_expect, enum_got, enum_ran;
DROP SCHEMA en CASCADE;
REVOKE CREATE ON SCHEMA public FROM regress_enum_owner;
DROP OWNED BY regress_enum_app, regress_enum_owner;
DROP ROLE regress_enum_app, regress_enum_owner;
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true);
