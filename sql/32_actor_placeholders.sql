-- Settings that try to name the actor before pg_rbac's library is loaded in
-- a session: placeholders made by SET, role settings and function SET
-- clauses stored by a superuser.  None of them ever sets an actor.
--
-- What happens depends on the server, so this file has two expected outputs:
--   32_actor_placeholders.out    the library is loaded on first use (the
--                                default; pg_regress's temporary instance):
--                                SET and ALTER ROLE store placeholders, and
--                                loading the library refuses them;
--   32_actor_placeholders_1.out  pg_rbac is in shared_preload_libraries or
--                                session_preload_libraries (as docs/
--                                getting-started.md recommends): the settings
--                                exist from the start of every session, SET
--                                and ALTER ROLE are refused at once, and
--                                settings stored before preloading was
--                                configured (written here into the catalogs)
--                                are refused when a session applies them.
-- The first query says which case ran, so neither output can stand in for
-- the other.

\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

-- pg_settings lists pg_rbac's settings only once the library has defined
-- them; this query does not load it.
SELECT EXISTS (SELECT FROM pg_catalog.pg_settings WHERE name = 'rbac.read_action') AS preloaded \gset
SELECT :'preloaded' AS preloaded;

-- 1. Before the library is loaded, SET only creates placeholders.  Loading
-- the library (the first call below) refuses them: no actor, and unknown
-- rbac.* names are removed.  Preloaded: both SETs are refused.
SET rbac.actor = 'User:admin';
SET rbac.no_such_setting = 'x';
SELECT rbac.current_actor() IS NULL AS no_actor;
SELECT current_setting('rbac.actor') AS setting;
SET rbac.no_such_setting = 'x';

-- 2. Placeholders stored by a superuser before the library was loaded
-- (role settings, function SET clauses) are refused when it loads.
-- Preloaded: ALTER ROLE and CREATE FUNCTION ... SET are refused; the same
-- settings, as a server that preloads the library only since its last
-- restart may still have them, are written into the catalogs directly.
CREATE ROLE regress_placeholder_user LOGIN;
\set regress_user :USER
\c - :regress_user
ALTER ROLE regress_placeholder_user SET rbac.actor = 'User:admin';
CREATE FUNCTION regress_forge() RETURNS text LANGUAGE sql
    SET rbac.actor = 'User:admin' AS $$ SELECT rbac.current_actor() $$;
\if :preloaded
INSERT INTO pg_catalog.pg_db_role_setting (setdatabase, setrole, setconfig)
    VALUES (0, 'regress_placeholder_user'::regrole, '{rbac.actor=User:admin}');
CREATE FUNCTION regress_forge() RETURNS text LANGUAGE sql
    AS $$ SELECT rbac.current_actor() $$;
UPDATE pg_catalog.pg_proc SET proconfig = '{rbac.actor=User:admin}'
    WHERE oid = 'regress_forge()'::regprocedure;
\endif
SELECT setconfig FROM pg_catalog.pg_db_role_setting
    WHERE setrole = 'regress_placeholder_user'::regrole;
SELECT proconfig FROM pg_catalog.pg_proc WHERE oid = 'regress_forge()'::regprocedure;
GRANT EXECUTE ON FUNCTION regress_forge() TO regress_placeholder_user;
\c - regress_placeholder_user
SELECT rbac.current_actor() IS NULL AS no_actor;
SELECT regress_forge() IS NULL AS no_actor;
\c - regress_placeholder_user
SELECT regress_forge() IS NULL AS no_actor;
SELECT regress_forge() IS NULL AS no_actor;
SELECT rbac.current_actor() IS NULL AS no_actor;
\c - :regress_user
DROP FUNCTION regress_forge();
ALTER ROLE regress_placeholder_user RESET ALL;
DROP ROLE regress_placeholder_user;
SELECT rbac.current_actor() IS NULL AS no_actor;
