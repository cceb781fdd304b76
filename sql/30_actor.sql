-- The current actor (SPEC 3.2): set_actor, current_actor, reset_actor,
-- transaction-local actors, and every way a setting could forge an actor.
--
-- Actor types User and Group are valid whether or not a policy is loaded
-- (earlier files leave the SPEC example loaded); checks of actor types run
-- against policies loaded in a transaction that is rolled back.

\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

-- 1. Placeholders set before the library is loaded, and settings stored
-- that way, are in 32_actor_placeholders.sql: what happens to them depends
-- on whether the server preloads the library.

-- 2. set_actor, current_actor, reset_actor
SELECT rbac.set_actor('User:alice');
SELECT rbac.current_actor();
-- ids may contain ':' (the type is everything before the first one)
SELECT rbac.set_actor('User:urn:example:bob');
SELECT rbac.current_actor();
SELECT rbac.reset_actor();
SELECT rbac.current_actor() IS NULL AS no_actor;
SELECT rbac.reset_actor();
SELECT rbac.set_actor('User:alice');

-- malformed references: 22023, actor unchanged
SELECT rbac.set_actor('alice');
SELECT rbac.set_actor('');
SELECT rbac.set_actor(':alice');
SELECT rbac.set_actor('User:');
SELECT rbac.set_actor(':');
SELECT rbac.set_actor(NULL);
SELECT rbac.set_actor(NULL, true);
SELECT rbac.current_actor();

-- 3. Actor types, against the loaded policy
BEGIN;
DELETE FROM rbac.policy;
-- no policy: any well-formed type
SELECT rbac.set_actor('Anything:1', true);
SELECT rbac.current_actor();
SELECT rbac.load_policy('actor User {} actor Group {} resource Repository {}', drop_orphans => true);
SELECT rbac.set_actor('Group:eng', true);
SELECT rbac.current_actor();
SELECT rbac.set_actor('Usr:alice');
SELECT rbac.set_actor('user:alice');
SELECT rbac.set_actor('Repository:7');
SELECT rbac.set_actor('Zebra:1');
SELECT rbac.set_actor('Anything:1');
SELECT rbac.current_actor();
-- a policy with no actor type at all
SELECT rbac.load_policy('resource Repository {}', drop_orphans => true);
SELECT rbac.set_actor('User:alice');
ROLLBACK;
SELECT rbac.current_actor();

-- 4. local => true: until the end of the transaction (SET LOCAL semantics)
BEGIN;
SELECT rbac.set_actor('User:bob', true);
SELECT rbac.current_actor();
COMMIT;
SELECT rbac.current_actor();
BEGIN;
SELECT rbac.set_actor('User:bob', true);
ROLLBACK;
SELECT rbac.current_actor();
-- local within a transaction that then sets a session actor: SET wins
BEGIN;
SELECT rbac.set_actor('User:bob', true);
SELECT rbac.set_actor('User:carol');
COMMIT;
SELECT rbac.current_actor();
SELECT rbac.set_actor('User:alice');
-- a session actor set in a transaction that rolls back is undone
BEGIN;
SELECT rbac.set_actor('User:dave');
SELECT rbac.current_actor();
ROLLBACK;
SELECT rbac.current_actor();
-- savepoints
BEGIN;
SELECT rbac.set_actor('User:erin');
SAVEPOINT s1;
SELECT rbac.set_actor('User:frank', true);
SELECT rbac.current_actor();
ROLLBACK TO SAVEPOINT s1;
SELECT rbac.current_actor();
SAVEPOINT s2;
SELECT rbac.reset_actor();
RELEASE SAVEPOINT s2;
SELECT rbac.current_actor() IS NULL AS no_actor;
ROLLBACK;
SELECT rbac.current_actor();
-- outside a transaction block a local actor ends with the statement
SELECT rbac.set_actor('User:grace', true);
SELECT rbac.current_actor();
-- several statements sent at once form one implicit transaction (what a
-- transaction-pooling client does): the local actor spans them, then ends
SELECT rbac.set_actor('User:heidi', true) \; SELECT rbac.current_actor();
SELECT rbac.current_actor();
-- a failed set_actor inside a transaction keeps the local actor
BEGIN;
SELECT rbac.set_actor('User:ivan', true);
SELECT rbac.set_actor('ivan', true);
SELECT rbac.current_actor();
COMMIT;

-- 5. Settings never change the actor, not even for a superuser
SET rbac.actor = 'User:mallory';
SET rbac.actor = '';
SET rbac.actor TO 'Group:admins';
BEGIN;
SET LOCAL rbac.actor = 'User:mallory';
SELECT rbac.current_actor();
COMMIT;
SELECT set_config('rbac.actor', 'User:mallory', false);
SELECT set_config('rbac.actor', 'User:mallory', true);
ALTER ROLE CURRENT_USER SET rbac.actor = 'User:mallory';
ALTER DATABASE :"DBNAME" SET rbac.actor = 'User:mallory';
ALTER SYSTEM SET rbac.actor = 'User:mallory';
CREATE FUNCTION regress_forge() RETURNS text LANGUAGE sql
    SET rbac.actor = 'User:mallory' AS $$ SELECT rbac.current_actor() $$;
CREATE FUNCTION regress_forge() RETURNS text LANGUAGE sql
    SET rbac.actor FROM CURRENT AS $$ SELECT rbac.current_actor() $$;
DO $$ BEGIN PERFORM pg_catalog.set_config('rbac.actor', 'User:mallory', false); END $$;
SELECT rbac.current_actor();
-- the setting is hidden from SHOW ALL / pg_settings
SELECT name FROM pg_settings WHERE name LIKE 'rbac.%' ORDER BY name;
-- resetting the setting to its default (no actor) is harmless and allowed
RESET rbac.actor;
SELECT rbac.current_actor() IS NULL AS no_actor;
SELECT rbac.set_actor('User:alice');
SET rbac.actor TO DEFAULT;
SELECT rbac.current_actor() IS NULL AS no_actor;

-- 6. RESET ALL and DISCARD ALL clear the actor (pooler safety)
SELECT rbac.set_actor('User:alice');
RESET ALL;
SELECT rbac.current_actor() IS NULL AS no_actor;
SELECT rbac.set_actor('User:alice');
DISCARD ALL;
SELECT rbac.current_actor() IS NULL AS no_actor;
-- RESET ALL inside a transaction that rolls back restores it
SELECT rbac.set_actor('User:alice');
BEGIN;
RESET ALL;
SELECT rbac.current_actor() IS NULL AS no_actor;
ROLLBACK;
SELECT rbac.current_actor();

-- 7. Parallel workers see the leader's actor
CREATE TABLE regress_actor_rows AS SELECT g FROM generate_series(1, 1000) g;
ANALYZE regress_actor_rows;
SET force_parallel_mode = on;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SELECT count(*) FROM regress_actor_rows WHERE rbac.current_actor() = 'User:alice';
SELECT rbac.current_actor();
RESET force_parallel_mode;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
DROP TABLE regress_actor_rows;
-- a cached plan reads the actor when it runs, not when it was planned
PREPARE regress_who AS SELECT rbac.current_actor();
EXECUTE regress_who;
SELECT rbac.set_actor('User:bob');
EXECUTE regress_who;
EXECUTE regress_who;
EXECUTE regress_who;
EXECUTE regress_who;
EXECUTE regress_who;
SELECT rbac.set_actor('User:alice');
EXECUTE regress_who;
DEALLOCATE regress_who;

-- 8. Privileges: an ordinary role cannot call set_actor nor touch the
-- settings; it can read and clear its actor and present a token
CREATE ROLE regress_app_user LOGIN;
SET ROLE regress_app_user;
SELECT rbac.current_actor();
SELECT rbac.set_actor('User:mallory');
SELECT rbac.set_actor('User:mallory', true);
SET rbac.actor = 'User:mallory';
SELECT set_config('rbac.actor', 'User:mallory', false);
RESET rbac.actor;
SET rbac.jwt_secret = 'forged';
SHOW rbac.jwt_secret;
SELECT current_setting('rbac.jwt_secret');
SET rbac.jwt_actor_type = 'Admin';
SET rbac.read_action = 'list';
SET rbac.manage_permission = 'read';
ALTER ROLE regress_app_user SET rbac.actor = 'User:mallory';
SELECT rbac.current_actor();
-- SET ROLE / RESET ROLE change neither the actor nor the privileges
RESET ROLE;
SET ROLE regress_app_user;
SELECT rbac.set_actor('User:mallory');
SELECT rbac.reset_actor();
SELECT rbac.current_actor() IS NULL AS no_actor;
RESET ROLE;
SELECT has_function_privilege('regress_app_user', 'rbac.set_actor(text, boolean)', 'EXECUTE') AS set_actor,
       has_function_privilege('regress_app_user', 'rbac.set_actor_token(text, boolean)', 'EXECUTE') AS set_actor_token,
       has_function_privilege('regress_app_user', 'rbac.current_actor()', 'EXECUTE') AS current_actor,
       has_function_privilege('regress_app_user', 'rbac.reset_actor()', 'EXECUTE') AS reset_actor;
-- the DBA grants set_actor to the application's connection role
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO regress_app_user;
SET ROLE regress_app_user;
SELECT rbac.set_actor('User:alice');
SELECT rbac.current_actor();
RESET ROLE;
REVOKE EXECUTE ON FUNCTION rbac.set_actor(text, boolean) FROM regress_app_user;
-- the other settings have their defaults
SELECT current_setting('rbac.jwt_actor_type') AS jwt_actor_type,
       current_setting('rbac.read_action') AS read_action,
       current_setting('rbac.manage_permission') AS manage_permission;
SET rbac.jwt_actor_type = 'User:x';
SET rbac.jwt_actor_type = '';
SET rbac.read_action = '';
SET rbac.manage_permission = '';
DROP ROLE regress_app_user;
