-- sql/include/own_database.sql: a test file runs in a database of its own
-- (\set own_db NAME first; \set own_role NAME too for a login-less role
-- with EXECUTE on rbac.set_actor); own_database_end.sql drops them.
\set SHOW_CONTEXT never
SET client_min_messages = warning;
SELECT current_database() AS regress_db \gset
CREATE DATABASE :"own_db";
\c :own_db
SET client_min_messages = warning;
CREATE EXTENSION pg_rbac;
\if :{?own_role}
CREATE ROLE :"own_role";
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO :"own_role";
\endif
