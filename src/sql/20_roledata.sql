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

-- Bindings ---------------------------------------------------------------

CREATE FUNCTION rbac.bind(type text, tbl regclass, key name DEFAULT NULL,
                          relations jsonb DEFAULT NULL)
RETURNS void
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_bind';
COMMENT ON FUNCTION rbac.bind(text, regclass, name, jsonb) IS
'Link a declared actor or resource type to its table. key defaults to the single-column primary key; relations maps relation name to column, omitted relations are inferred from foreign keys to the tables bound to their target types. Installs delete/truncate triggers that remove the role data of deleted rows. Rebinding replaces. Needs INSERT on rbac.binding and TRIGGER on the table.';
REVOKE EXECUTE ON FUNCTION rbac.bind(text, regclass, name, jsonb) FROM PUBLIC;

CREATE FUNCTION rbac.unbind(type text)
RETURNS void
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_unbind';
COMMENT ON FUNCTION rbac.unbind(text) IS
'Remove the binding of a type, and the triggers from its table when no other type is bound to it. Role data is kept. Needs DELETE on rbac.binding.';
REVOKE EXECUTE ON FUNCTION rbac.unbind(text) FROM PUBLIC;

-- Trigger functions installed on bound tables (and their partitions) by
-- rbac.bind, as the extension owner.  Not executable by PUBLIC, and they
-- refuse to run for a table that is not bound (39P01).
CREATE FUNCTION rbac._bound_delete()
RETURNS trigger
LANGUAGE c
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_bound_delete';
COMMENT ON FUNCTION rbac._bound_delete() IS
'Trigger (AFTER DELETE, statement, OLD TABLE rbac_old) installed by rbac.bind: deletes the assignments, custom roles and memberships of the deleted ids.';

CREATE FUNCTION rbac._bound_truncate()
RETURNS trigger
LANGUAGE c
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_bound_truncate';
COMMENT ON FUNCTION rbac._bound_truncate() IS
'Trigger (AFTER TRUNCATE) installed by rbac.bind: deletes the role data of every id of the types bound to the table.';
REVOKE EXECUTE ON FUNCTION rbac._bound_delete(), rbac._bound_truncate() FROM PUBLIC;

-- Keep bindings consistent with the tables: dropping a bound table unbinds
-- its types (audited), dropping a key or relation column is refused.
CREATE FUNCTION rbac._on_sql_drop()
RETURNS event_trigger
LANGUAGE c
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_sql_drop';
COMMENT ON FUNCTION rbac._on_sql_drop() IS
'sql_drop event trigger: dropping a bound table unbinds its types; dropping a column a binding uses is refused (2BP01).';
CREATE EVENT TRIGGER rbac_sql_drop ON sql_drop
    EXECUTE FUNCTION rbac._on_sql_drop();

-- Partitions created in or attached to a bound or protected partitioned
-- table get its triggers and generated policies (SPEC 6.1).
CREATE FUNCTION rbac._on_ddl_end()
RETURNS event_trigger
LANGUAGE c
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_partitions_ddl';
COMMENT ON FUNCTION rbac._on_ddl_end() IS
'ddl_command_end event trigger: a new partition of a bound or RLS-protected partitioned table gets the delete/truncate triggers and the generated policies of its parent.';
CREATE EVENT TRIGGER rbac_partitions ON ddl_command_end
    WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE')
    EXECUTE FUNCTION rbac._on_ddl_end();
REVOKE EXECUTE ON FUNCTION rbac._on_sql_drop(), rbac._on_ddl_end() FROM PUBLIC;

-- Assignments ------------------------------------------------------------

CREATE FUNCTION rbac.assign_role(actor text, role text, resource text DEFAULT NULL,
                                 expires_at timestamptz DEFAULT NULL)
RETURNS boolean
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_assign_role';
COMMENT ON FUNCTION rbac.assign_role(text, text, text, timestamptz) IS
'Assign a role to an actor on a resource (NULL resource: a global role). True if new, false if it already held (its expiry is then set to expires_at). Errors: 22023 malformed reference, 42704 unknown type or role, 42501 no INSERT on rbac.assignment and no delegated manage permission.';

CREATE FUNCTION rbac.remove_role(actor text, role text, resource text DEFAULT NULL)
RETURNS boolean
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_remove_role';
COMMENT ON FUNCTION rbac.remove_role(text, text, text) IS
'Remove a role assignment; false if it was not held. Needs DELETE on rbac.assignment or the delegated manage permission on the resource.';

CREATE FUNCTION rbac.assignments(actor text DEFAULT NULL, resource text DEFAULT NULL)
RETURNS TABLE (actor text, role text, resource text, expires_at timestamptz)
LANGUAGE c STABLE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_assignments';
COMMENT ON FUNCTION rbac.assignments(text, text) IS
'Direct role assignments (expired ones included), filtered by actor and/or resource, sorted by actor, resource (global first), role. Needs SELECT on rbac.assignment, or the actor filter is the current actor, or the delegated manage permission on the resource filter.';

-- Groups -----------------------------------------------------------------

CREATE FUNCTION rbac.add_member(grp text, member text)
RETURNS boolean
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_add_member';
COMMENT ON FUNCTION rbac.add_member(text, text) IS
'Make member (an actor or a group) a member of group grp; true if new. A membership that would close a cycle is refused with 22023. Needs INSERT on rbac.membership or the delegated manage permission on the group.';

CREATE FUNCTION rbac.remove_member(grp text, member text)
RETURNS boolean
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_remove_member';
COMMENT ON FUNCTION rbac.remove_member(text, text) IS
'Remove a direct membership; false if there was none. Needs DELETE on rbac.membership or the delegated manage permission on the group.';

CREATE FUNCTION rbac.members(grp text, transitive boolean DEFAULT false)
RETURNS SETOF text
LANGUAGE c STABLE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_members';
COMMENT ON FUNCTION rbac.members(text, boolean) IS
'Direct members of a group, or with transitive all members at any depth (nested groups included), sorted. Needs SELECT on rbac.membership or the delegated manage permission on the group.';

CREATE FUNCTION rbac.groups_of(actor text)
RETURNS SETOF text
LANGUAGE c STABLE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_groups_of';
COMMENT ON FUNCTION rbac.groups_of(text) IS
'Every group the actor belongs to, directly or through nested groups, sorted. Needs SELECT on rbac.membership unless the actor is the current actor.';

-- Custom roles -----------------------------------------------------------

CREATE FUNCTION rbac.create_role(tenant text, name text, permissions text[] DEFAULT '{}',
                                 implies text[] DEFAULT '{}')
RETURNS void
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_create_role';
COMMENT ON FUNCTION rbac.create_role(text, text, text[], text[]) IS
'Create a custom role on one tenant resource, granting permissions of the tenant''s type and implying built-in roles of that type; assignable on that tenant only. 42710 if the name clashes with a built-in name of the type or an existing custom role. Needs INSERT on rbac.custom_role or the delegated manage permission on the tenant.';

CREATE FUNCTION rbac.drop_role(tenant text, name text, "cascade" boolean DEFAULT false)
RETURNS void
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_drop_role';
COMMENT ON FUNCTION rbac.drop_role(text, text, boolean) IS
'Drop a custom role of a tenant. 2BP01 while it is assigned, unless cascade (which deletes its assignments). Needs DELETE on rbac.custom_role or the delegated manage permission on the tenant.';

CREATE FUNCTION rbac.roles(target text)
RETURNS TABLE (name text, custom boolean, permissions text[], implies text[])
LANGUAGE c STABLE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_roles';
COMMENT ON FUNCTION rbac.roles(text) IS
'Assignable roles of a type (''Repository'') or a tenant (''Organization:acme'': built-in plus its custom roles): built-in roles first, then custom, each sorted by name, with the permissions each grants and the roles it implies directly. Callable by PUBLIC.';

-- The writable view ------------------------------------------------------

CREATE FUNCTION rbac._may_see(actor_type text, actor_id text, resource_type text, resource_id text)
RETURNS boolean
LANGUAGE c STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_may_see';
COMMENT ON FUNCTION rbac._may_see(text, text, text, text) IS
'Internal (view rbac.role_assignments): is the assignment the current actor''s own, or on a resource the actor may manage (setting rbac.manage_permission)?';

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

-- No SET clause here: the C function pins search_path itself whenever it
-- runs SQL, and the per-row fast path of COPY runs none.
CREATE FUNCTION rbac._role_assignments_row()
RETURNS trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'rbac_role_assignments_row';
COMMENT ON FUNCTION rbac._role_assignments_row() IS
'INSTEAD OF trigger of rbac.role_assignments: validates and writes one assignment like assign_role / remove_role.';

CREATE FUNCTION rbac._role_assignments_stmt()
RETURNS trigger
LANGUAGE c
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_role_assignments_stmt';
COMMENT ON FUNCTION rbac._role_assignments_stmt() IS
'BEFORE/AFTER INSERT statement triggers of rbac.role_assignments: rows inserted or copied into the view are validated one by one and written in bulk at the end of the statement.';
-- they refuse any relation but rbac.role_assignments (39P01)
REVOKE EXECUTE ON FUNCTION rbac._role_assignments_row(), rbac._role_assignments_stmt() FROM PUBLIC;

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

CREATE FUNCTION rbac._audit_append_only()
RETURNS trigger
LANGUAGE c
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_audit_append_only';
COMMENT ON FUNCTION rbac._audit_append_only() IS
'Trigger of rbac.audit_log: refuses UPDATE, DELETE and TRUNCATE (42501) to everyone but superusers.';
REVOKE EXECUTE ON FUNCTION rbac._audit_append_only() FROM PUBLIC;

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON rbac.audit_log
    FOR EACH ROW EXECUTE FUNCTION rbac._audit_append_only();
CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON rbac.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION rbac._audit_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON rbac.audit_log FROM PUBLIC;
