-- Test strength (issue 17): every setting changes what it says it changes.
--   rbac.read_action        authorize's choice between P0002 (not found)
--                           and 42501 (forbidden)
--   rbac.manage_permission  who may delegate role data (assignments,
--                           memberships, custom roles)
--   rbac.jwt_actor_type     the type, and so the rights, of a bare "sub"
-- Outcomes are printed as SQLSTATEs (rows, not error messages), so a
-- changed decision shows whatever the wording.  Runs in a database of its
-- own.
\set own_db regress_s80
\set own_role regress_s80_app
\i sql/include/own_database.sql

\i sql/include/outcome.sql

SELECT rbac.load_policy($p$
actor User {}
actor Group {}

resource Org {
  roles = ["owner", "viewer", "steward"];
  permissions = ["view", "read", "edit", "manage_roles", "administer"];

  "view" if "viewer";
  "view" if "owner";
  "read" if "owner";
  "edit" if "owner";
  "manage_roles" if "owner";
  "administer" if "steward";
}

has_permission(u: User, "manage_roles", g: Group) if g.manager = u.id;
has_permission(u: User, "administer", g: Group) if g.steward = u.id;
$p$);

CREATE TABLE users (id text PRIMARY KEY);
CREATE TABLE groups (id text PRIMARY KEY, manager text, steward text);
CREATE TABLE orgs (id int PRIMARY KEY);
INSERT INTO users VALUES ('owner'), ('viewer'), ('steward'), ('stranger'), ('x'), ('m');
INSERT INTO groups VALUES ('eng', 'owner', 'steward'), ('ops', 'viewer', 'stranger'), ('x', NULL, NULL);
INSERT INTO orgs VALUES (1), (2);
SELECT rbac.bind('User', 'users'), rbac.bind('Group', 'groups'), rbac.bind('Org', 'orgs');
SELECT rbac.assign_role('User:owner', 'owner', 'Org:1'),
       rbac.assign_role('User:viewer', 'viewer', 'Org:1'),
       rbac.assign_role('User:steward', 'steward', 'Org:1'),
       rbac.assign_role('Group:x', 'owner', 'Org:2');

-- 1. rbac.read_action.  The viewer may view Org:1 but not read it; the
-- owner may read it; nobody here may edit Org:2 but Group:x.
CREATE TEMP TABLE probe (actor text, action text, resource text);
INSERT INTO probe VALUES
    ('User:owner', 'edit', 'Org:1'), ('User:viewer', 'edit', 'Org:1'),
    ('User:steward', 'edit', 'Org:1'), ('User:stranger', 'edit', 'Org:1'),
    ('User:viewer', 'read', 'Org:1'), ('User:viewer', 'administer', 'Org:1'),
    ('User:x', 'edit', 'Org:2'), ('Group:x', 'edit', 'Org:2');
CREATE TEMP TABLE authorize_outcome (setting text, actor text, action text, resource text, outcome text);
INSERT INTO authorize_outcome
SELECT 'default', actor, action, resource,
       pg_temp.outcome(format('SELECT rbac.authorize(%L, %L, %L)', actor, action, resource))
FROM probe;
SET rbac.read_action = 'view';
INSERT INTO authorize_outcome
SELECT 'view', actor, action, resource,
       pg_temp.outcome(format('SELECT rbac.authorize(%L, %L, %L)', actor, action, resource))
FROM probe;
-- the current-actor form follows the setting too
SELECT rbac.set_actor('User:viewer');
SELECT pg_temp.outcome($$SELECT rbac.authorize('edit', 'Org:1')$$) AS viewer_edit_current_view;
SET rbac.read_action = 'administer';
INSERT INTO authorize_outcome
SELECT 'administer', actor, action, resource,
       pg_temp.outcome(format('SELECT rbac.authorize(%L, %L, %L)', actor, action, resource))
FROM probe;
SELECT pg_temp.outcome($$SELECT rbac.authorize('edit', 'Org:1')$$) AS viewer_edit_current_administer;
-- a read action the type does not declare: every refusal is "not found"
SET rbac.read_action = 'peek';
INSERT INTO authorize_outcome
SELECT 'peek', actor, action, resource,
       pg_temp.outcome(format('SELECT rbac.authorize(%L, %L, %L)', actor, action, resource))
FROM probe;
RESET rbac.read_action;
SELECT pg_temp.outcome($$SELECT rbac.authorize('edit', 'Org:1')$$) AS viewer_edit_current_default;
SELECT rbac.reset_actor();
SELECT actor, action, resource,
       string_agg(setting || '=' || outcome, ' ' ORDER BY CASE setting WHEN 'default' THEN 0
                  WHEN 'view' THEN 1 WHEN 'administer' THEN 2 ELSE 3 END) AS outcomes
FROM authorize_outcome GROUP BY actor, action, resource ORDER BY resource, actor, action;

-- 2. rbac.manage_permission.  A database role with no privilege on the
-- catalogs delegates through its current actor: with manage_roles the
-- owner may (on Org:1, and on Group:eng it manages), with administer the
-- steward may (on Org:1, and on Group:eng it stewards); each only then.
CREATE TEMP TABLE delegation (setting text, actor text, op text, outcome text);
CREATE FUNCTION pg_temp.delegate(setting text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    a text;
    op text;
BEGIN
    FOREACH a IN ARRAY ARRAY['User:owner', 'User:steward', 'User:viewer', 'User:stranger'] LOOP
        PERFORM rbac.set_actor(a);
        FOREACH op IN ARRAY ARRAY[
            $q$SELECT rbac.assign_role('User:m', 'viewer', 'Org:1')$q$,
            $q$SELECT rbac.remove_role('User:viewer', 'viewer', 'Org:1')$q$,
            $q$SELECT rbac.create_role('Org:1', 'helper', ARRAY['view'])$q$,
            $q$SELECT rbac.assign_role('User:m', 'viewer', 'Org:2')$q$,
            $q$SELECT rbac.add_member('Group:eng', 'User:m')$q$,
            $q$SELECT rbac.remove_member('Group:eng', 'User:x')$q$,
            $q$SELECT rbac.add_member('Group:ops', 'User:m')$q$] LOOP
            INSERT INTO delegation VALUES (setting, a, op, pg_temp.outcome(op, 'regress_s80_app'));
        END LOOP;
    END LOOP;
    PERFORM rbac.reset_actor();
END $$;
SELECT rbac.add_member('Group:eng', 'User:x');
SELECT pg_temp.delegate('manage_roles');
SET rbac.manage_permission = 'administer';
SELECT pg_temp.delegate('administer');
RESET rbac.manage_permission;
SELECT regexp_replace(op, '^SELECT rbac\.', '') AS op,
       string_agg(setting || ' ' || split_part(actor, ':', 2) || '=' || outcome, ', '
                  ORDER BY setting DESC, actor) AS outcomes
FROM delegation GROUP BY op ORDER BY op;

-- a change made under the setting is really made, and audited with the actor
SET rbac.manage_permission = 'administer';
SELECT rbac.set_actor('User:steward');
SELECT pg_temp.outcome($$SELECT rbac.add_member('Group:eng', 'User:m')$$, 'regress_s80_app', true) AS steward_adds;
SELECT pg_temp.outcome($$SELECT rbac.remove_member('Group:eng', 'User:x')$$, 'regress_s80_app', true) AS steward_removes;
SELECT pg_temp.outcome($$SELECT rbac.assign_role('User:m', 'viewer', 'Org:1')$$, 'regress_s80_app', true) AS steward_assigns;
SELECT rbac.reset_actor();
RESET rbac.manage_permission;
SELECT * FROM rbac.members('Group:eng');
SELECT rbac.is_allowed('User:m', 'view', 'Org:1') AS m_views;
SELECT actor, operation FROM rbac.audit_log WHERE db_user = 'regress_s80_app' ORDER BY at;

-- 3. rbac.jwt_actor_type: the bare subject "x" is User:x by default and
-- Group:x under 'Group'; only Group:x owns Org:2.
\set hs256_key regress-s80-secret
\i sql/include/hs256.sql
SET rbac.jwt_secret = 'regress-s80-secret';
SELECT rbac.set_actor_token(pg_temp.jwt('{"alg":"HS256"}', '{"sub":"x","exp":4102444800}')) AS actor,
       rbac.is_allowed('edit', 'Org:2') AS may_edit_org2,
       pg_temp.outcome($$SELECT rbac.authorize('edit', 'Org:2')$$) AS authorize;
SET rbac.jwt_actor_type = 'Group';
SELECT rbac.set_actor_token(pg_temp.jwt('{"alg":"HS256"}', '{"sub":"x","exp":4102444800}')) AS actor,
       rbac.is_allowed('edit', 'Org:2') AS may_edit_org2,
       pg_temp.outcome($$SELECT rbac.authorize('edit', 'Org:2')$$) AS authorize;
-- a full reference keeps its own type
SELECT rbac.set_actor_token(pg_temp.jwt('{"alg":"HS256"}', '{"sub":"User:x","exp":4102444800}')) AS actor,
       rbac.is_allowed('edit', 'Org:2') AS may_edit_org2;
RESET rbac.jwt_actor_type;
RESET rbac.jwt_secret;
SELECT rbac.reset_actor();

\i sql/include/own_database_end.sql
