-- pg_rbac upgrade script 0.1 -> 0.2 (run by ALTER EXTENSION pg_rbac UPDATE).
--
-- RULE FOR EVERYONE CHANGING src/sql/*.sql: 0.1 is released, its install
-- script is frozen in sql_released/pg_rbac--0.1.sql.  Every SQL change made
-- to src/sql/ since then (new, changed or dropped functions, tables, columns,
-- indexes, views, triggers, comments, grants, config-dump registrations)
-- must also be written here, so that a database upgraded from 0.1 ends up
-- with exactly the objects of a fresh CREATE EXTENSION pg_rbac at 0.2.
-- tests/t/070_upgrade.pl installs every released version, upgrades it and
-- compares the result with a fresh install, object by object, printing a
-- diff of what this script misses.
--
-- How to write it:
-- - CREATE OR REPLACE FUNCTION keeps the function's OID, grants and the
--   RLS policies and triggers that use it; re-issue its COMMENT if the
--   comment changed.  A changed signature or return type needs DROP FUNCTION
--   + CREATE FUNCTION + the REVOKE/GRANT and COMMENT of src/sql again.
-- - New columns can only be appended: add them at the END of the table in
--   src/sql too (the test compares column order).  Keep the data of the
--   configuration tables (policy, bindings, assignments, audit log, ...).
-- - A new configuration table needs its pg_extension_config_dump call here.
-- - If the generated RLS predicates change, regenerate the policies of the
--   tables listed in rbac.rls_table here.
-- - Schema-qualify everything; the script runs with search_path = rbac.
-- - The C library (module_pathname) is shared by all versions: never remove
--   or change the meaning of a C symbol that a released install script uses;
--   the test runs every released script against the current library.

\echo Use "ALTER EXTENSION pg_rbac UPDATE TO '0.2'" to load this file. \quit

-- 0.2 generates shorter RLS predicates (a last-mile arm implied by a
-- relation arm is left out; src/rls.c): regenerate the policies of every
-- table under generated RLS.  The 0.1 predicates were correct, only slower.
SELECT rbac._regenerate_rls();
