-- pg_rbac install script, part 20: bindings and role data (SPEC 3.1 bind,
-- 3.4, 3.5, 4.4).
--
-- Every function here is C.  Write functions are not SECURITY DEFINER:
-- they check that the caller holds INSERT (adds) or DELETE (removes) on the
-- catalog table concerned (rbac.assignment, rbac.membership,
-- rbac.custom_role, rbac.binding), or that the current actor may manage
-- the resource (delegated administration), and then write as the
-- extension owner.  So EXECUTE stays granted to PUBLIC except for
-- bind/unbind.

-- The role-data write horizon (horizon.c) ------------------------------------
-- (before the event triggers below: its ALTER TABLEs would fire one)

-- Raised to the writing transaction's 64-bit id before every write of role
-- data, so that a backend may keep an actor's expansion across snapshots
-- and transactions and still see every change (docs/performance.md).
CREATE SEQUENCE rbac.role_data_horizon AS bigint MINVALUE 0 NO CYCLE;
COMMENT ON SEQUENCE rbac.role_data_horizon IS
'Internal: the newest (64-bit) id of a transaction that wrote rbac.assignment or rbac.membership, raised before each write; lets backends keep an actor''s expansion across transactions.';
REVOKE ALL ON SEQUENCE rbac.role_data_horizon FROM PUBLIC;
SELECT pg_catalog.setval('rbac.role_data_horizon'::pg_catalog.regclass, pg_catalog.txid_current());
CREATE TRIGGER role_data_horizon
    BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON rbac.assignment
    FOR EACH STATEMENT EXECUTE FUNCTION rbac._note_role_write();
ALTER TABLE rbac.assignment ENABLE ALWAYS TRIGGER role_data_horizon;
CREATE TRIGGER role_data_horizon
    BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON rbac.membership
    FOR EACH STATEMENT EXECUTE FUNCTION rbac._note_role_write();
ALTER TABLE rbac.membership ENABLE ALWAYS TRIGGER role_data_horizon;

-- Bindings ---------------------------------------------------------------

CREATE EVENT TRIGGER rbac_sql_drop ON sql_drop
    EXECUTE FUNCTION rbac._on_sql_drop();

CREATE EVENT TRIGGER rbac_partitions ON ddl_command_end
    WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE')
    EXECUTE FUNCTION rbac._on_ddl_end();

-- The writable view ------------------------------------------------------

-- A caller without SELECT on rbac.assignment sees its current actor's own
-- assignments and those on resources the actor may manage (SPEC 6.1).
CREATE VIEW rbac.role_assignments AS
SELECT a.actor_type OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) a.actor_id AS actor,
       a.role,
       a.resource_type OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) a.resource_id AS resource,
       a.expires_at
FROM rbac.assignment a
WHERE (SELECT pg_catalog.has_table_privilege('rbac.assignment'::pg_catalog.regclass::pg_catalog.oid, 'SELECT'))
   OR rbac._may_see(a.actor_type, a.actor_id, a.resource_type, a.resource_id);
COMMENT ON VIEW rbac.role_assignments IS
'Role assignments as references. INSERT, UPDATE, DELETE and COPY FROM go through the same validation, privilege checks and audit as rbac.assign_role / rbac.remove_role; inserted rows are written in bulk at the end of the statement, and a statement of more than 10,000 rows is audited with one summary row (operation bulk_assign) per 10,000 rows. Grant the view''s privileges to the roles that use it.';
REVOKE ALL ON rbac.role_assignments FROM PUBLIC;

-- Trigger functions of the view (20_roledata.dat) refuse any relation but
-- rbac.role_assignments (39P01).
CREATE TRIGGER role_assignments_begin
    BEFORE INSERT ON rbac.role_assignments
    FOR EACH STATEMENT EXECUTE FUNCTION rbac._role_assignments_stmt();
CREATE TRIGGER role_assignments_end
    AFTER INSERT ON rbac.role_assignments
    FOR EACH STATEMENT EXECUTE FUNCTION rbac._role_assignments_stmt();
CREATE TRIGGER role_assignments_row
    INSTEAD OF INSERT OR UPDATE OR DELETE ON rbac.role_assignments
    FOR EACH ROW EXECUTE FUNCTION rbac._role_assignments_row();

-- The audit log is append-only ----------------------------------------------

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON rbac.audit_log
    FOR EACH ROW EXECUTE FUNCTION rbac._audit_append_only();
CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON rbac.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION rbac._audit_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON rbac.audit_log FROM PUBLIC;
