-- sql/include/own_database_end.sql: back to the regression database, the
-- test's own database and role (own_database.sql) dropped
\c :regress_db
SET client_min_messages = warning;
DROP DATABASE :"own_db";
\if :{?own_role}
DROP ROLE :"own_role";
\endif
