-- pg_rbac install script, part 50: generated row-level security (SPEC 3.1,
-- 4.2).

-- Tables with generated policies, and their command -> permission mapping.
CREATE TABLE rbac.rls_table (
    tbl         regclass PRIMARY KEY,
    type        text NOT NULL,
    actions     jsonb
);
COMMENT ON TABLE rbac.rls_table IS 'Tables protected by rbac.enable_rls, with their action mapping.';
SELECT pg_catalog.pg_extension_config_dump('rbac.rls_table', '');
REVOKE ALL ON rbac.rls_table FROM PUBLIC;
GRANT SELECT ON rbac.rls_table TO PUBLIC;

-- A type none of whose roles grants an action gets policies without the
-- arm of grants on the row itself until it has a custom role (rls.c,
-- direct_grants_possible): its first custom roles make the policies again.
CREATE TRIGGER custom_role_rls_insert AFTER INSERT ON rbac.custom_role
    REFERENCING NEW TABLE AS rbac_new_roles
    FOR EACH STATEMENT EXECUTE FUNCTION rbac._custom_role_rls();
CREATE TRIGGER custom_role_rls_update AFTER UPDATE ON rbac.custom_role
    REFERENCING NEW TABLE AS rbac_new_roles
    FOR EACH STATEMENT EXECUTE FUNCTION rbac._custom_role_rls();

-- Comments on the internal functions of earlier parts (every function of
-- the extension is described in \dx+ pg_rbac / \df+ rbac.*).
COMMENT ON VIEW rbac._orphan_custom_roles IS 'Internal (load_policy): custom roles naming something the loaded model does not declare.';
COMMENT ON VIEW rbac._orphan_assignments IS 'Internal (load_policy): assignments naming a type or role the loaded model does not declare.';
COMMENT ON VIEW rbac._orphan_memberships IS 'Internal (load_policy): memberships between types that are no longer actor types.';
COMMENT ON FUNCTION rbac._orphans() IS 'Internal (load_policy): counts of orphaned assignments, custom roles and memberships.';
COMMENT ON FUNCTION rbac._drop_orphans() IS 'Internal (load_policy with drop_orphans): delete orphaned role data.';
