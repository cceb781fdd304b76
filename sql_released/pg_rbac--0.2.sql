-- pg_rbac install script, part 00: catalog tables.
-- The install script pg_rbac--<version>.sql is built by concatenating
-- src/sql/*.sql in name order (see Makefile).

\echo Use "CREATE EXTENSION pg_rbac" to load this file. \quit

-- Tables below are registered with pg_extension_config_dump so pg_dump keeps
-- their contents.  There are deliberately no foreign keys between them:
-- pg_dump restores extension configuration tables in no particular order.

-- The policy as loaded: one row at most.
CREATE TABLE rbac.policy (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    source      text NOT NULL,
    loaded_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    loaded_by   text NOT NULL DEFAULT CURRENT_USER
);
COMMENT ON TABLE rbac.policy IS 'The policy source as last loaded by rbac.load_policy (one row).';

-- The validated model, derived from rbac.policy by rbac.load_policy.
CREATE TABLE rbac.policy_type (
    name        text PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('actor', 'resource'))
);
COMMENT ON TABLE rbac.policy_type IS 'Actor and resource types declared by the loaded policy.';

CREATE TABLE rbac.policy_term (
    type        text NOT NULL,
    name        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('role', 'permission', 'relation')),
    target      text,            -- relation target type
    PRIMARY KEY (type, name),
    CHECK ((kind = 'relation') = (target IS NOT NULL))
);
COMMENT ON TABLE rbac.policy_term IS 'Roles, permissions and relations of each type in the loaded policy.';

CREATE TABLE rbac.policy_global_role (
    name        text PRIMARY KEY
);
COMMENT ON TABLE rbac.policy_global_role IS 'Global roles declared by the loaded policy.';

-- Shorthand rules "head" if "body" [on "via"] / "head" if global "body".
CREATE TABLE rbac.policy_rule (
    type        text NOT NULL,
    ord         integer NOT NULL,
    head        text NOT NULL,
    head_kind   text NOT NULL CHECK (head_kind IN ('role', 'permission')),
    body        text NOT NULL,
    body_kind   text NOT NULL CHECK (body_kind IN ('role', 'permission', 'actor_relation', 'global')),
    via         text,            -- relation walked, or NULL
    PRIMARY KEY (type, ord)
);
COMMENT ON TABLE rbac.policy_rule IS 'Shorthand rules of the loaded policy, one row per rule.';

-- Last-mile rules (has_permission / has_role outside blocks).
CREATE TABLE rbac.policy_lastmile (
    ord         integer PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('permission', 'role')),
    actor_kind  text NOT NULL CHECK (actor_kind IN ('typed', 'any_actor', 'anyone')),
    actor_type  text,
    name        text NOT NULL,
    resource_type text NOT NULL,
    source      text NOT NULL
);
COMMENT ON TABLE rbac.policy_lastmile IS 'Last-mile has_permission/has_role rules of the loaded policy, with their source text.';

-- Links from types to tables (rbac.bind).
CREATE TABLE rbac.binding (
    type        text PRIMARY KEY,
    tbl         regclass NOT NULL,
    key_column  name NOT NULL,
    relations   jsonb NOT NULL DEFAULT '{}'::jsonb   -- relation name -> column name
);
COMMENT ON TABLE rbac.binding IS 'Tables bound to actor and resource types by rbac.bind.';

-- Role assignments.  resource_type/resource_id are NULL for global roles.
CREATE TABLE rbac.assignment (
    actor_type    text NOT NULL,
    actor_id      text NOT NULL,
    role          text NOT NULL,
    resource_type text,
    resource_id   text,
    expires_at    timestamptz,
    CHECK ((resource_type IS NULL) = (resource_id IS NULL)),
    CONSTRAINT assignment_key UNIQUE NULLS NOT DISTINCT (resource_type, resource_id, actor_type, actor_id, role)
);
CREATE INDEX assignment_actor_idx ON rbac.assignment (actor_type, actor_id, resource_type);
COMMENT ON TABLE rbac.assignment IS 'Direct role assignments (rbac.assign_role, rbac.role_assignments).';

-- Group memberships: member (an actor or a group) belongs to group.
CREATE TABLE rbac.membership (
    group_type  text NOT NULL,
    group_id    text NOT NULL,
    member_type text NOT NULL,
    member_id   text NOT NULL,
    PRIMARY KEY (member_type, member_id, group_type, group_id)
);
CREATE INDEX membership_group_idx ON rbac.membership (group_type, group_id);
COMMENT ON TABLE rbac.membership IS 'Group memberships (rbac.add_member); groups nest to any depth.';

-- Custom roles defined by a tenant.
CREATE TABLE rbac.custom_role (
    tenant_type text NOT NULL,
    tenant_id   text NOT NULL,
    name        text NOT NULL,
    permissions text[] NOT NULL DEFAULT '{}',
    implies     text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_type, tenant_id, name)
);
COMMENT ON TABLE rbac.custom_role IS 'Custom roles created by tenants (rbac.create_role).';

-- Audit trail of every change to policy, bindings and role data.
CREATE TABLE rbac.audit_log (
    at          timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    db_user     text NOT NULL DEFAULT CURRENT_USER,
    actor       text,
    operation   text NOT NULL,
    detail      jsonb
);
CREATE INDEX audit_log_at_idx ON rbac.audit_log (at);
COMMENT ON TABLE rbac.audit_log IS 'Append-only record of changes to the policy, bindings, assignments, memberships and custom roles.';

SELECT pg_catalog.pg_extension_config_dump('rbac.policy', '');
SELECT pg_catalog.pg_extension_config_dump('rbac.policy_type', '');
SELECT pg_catalog.pg_extension_config_dump('rbac.policy_term', '');
SELECT pg_catalog.pg_extension_config_dump('rbac.policy_global_role', '');
SELECT pg_catalog.pg_extension_config_dump('rbac.policy_rule', '');
SELECT pg_catalog.pg_extension_config_dump('rbac.policy_lastmile', '');
SELECT pg_catalog.pg_extension_config_dump('rbac.binding', '');
SELECT pg_catalog.pg_extension_config_dump('rbac.assignment', '');
SELECT pg_catalog.pg_extension_config_dump('rbac.membership', '');
SELECT pg_catalog.pg_extension_config_dump('rbac.custom_role', '');
SELECT pg_catalog.pg_extension_config_dump('rbac.audit_log', '');

-- Nobody but the owner reads or writes the catalogs directly; functions
-- below are the interface.  Read access to the model is harmless.
REVOKE ALL ON ALL TABLES IN SCHEMA rbac FROM PUBLIC;
GRANT USAGE ON SCHEMA rbac TO PUBLIC;
GRANT SELECT ON rbac.policy, rbac.policy_type, rbac.policy_term,
    rbac.policy_global_role, rbac.policy_rule, rbac.policy_lastmile TO PUBLIC;
GRANT SELECT ON rbac.binding TO PUBLIC;
-- pg_rbac install script, part 10: the policy (SPEC 3.1).

CREATE FUNCTION rbac.load_policy(source text, drop_orphans boolean DEFAULT false)
RETURNS void
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_load_policy';
COMMENT ON FUNCTION rbac.load_policy(text, boolean) IS
'Validate and atomically replace the whole policy; errors 42601 (syntax), 42P17 (semantic), 0A000 (unsupported), 2BP01 (would orphan role data unless drop_orphans).';
REVOKE EXECUTE ON FUNCTION rbac.load_policy(text, boolean) FROM PUBLIC;

CREATE FUNCTION rbac.validate_policy(source text)
RETURNS TABLE (line integer, col integer, severity text, message text)
LANGUAGE c STABLE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_validate_policy';
COMMENT ON FUNCTION rbac.validate_policy(text) IS
'All errors and warnings of a policy source, with line and column; changes nothing.';

CREATE FUNCTION rbac.policy_source()
RETURNS text
LANGUAGE c STABLE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_policy_source';
COMMENT ON FUNCTION rbac.policy_source() IS 'The policy source as loaded; NULL when none was loaded.';

CREATE FUNCTION rbac.policy_graph()
RETURNS text
LANGUAGE c STABLE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_policy_graph';
COMMENT ON FUNCTION rbac.policy_graph() IS
'The loaded model as Graphviz DOT: types, roles, permissions, implications and relations.';

-- Custom roles that name something the current model does not declare
-- (their type, a permission, an implied role) or clash with a built-in role.
CREATE FUNCTION rbac._orphan_custom_roles()
RETURNS SETOF tid
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT c.ctid FROM rbac.custom_role c
  WHERE NOT EXISTS (SELECT 1 FROM rbac.policy_type t WHERE t.name = c.tenant_type)
     OR EXISTS (SELECT 1 FROM pg_catalog.unnest(c.permissions) p(name)
                WHERE NOT EXISTS (SELECT 1 FROM rbac.policy_term t
                                  WHERE t.type = c.tenant_type AND t.name = p.name
                                    AND t.kind = 'permission'))
     OR EXISTS (SELECT 1 FROM pg_catalog.unnest(c.implies) r(name)
                WHERE NOT EXISTS (SELECT 1 FROM rbac.policy_term t
                                  WHERE t.type = c.tenant_type AND t.name = r.name
                                    AND t.kind = 'role'))
     OR EXISTS (SELECT 1 FROM rbac.policy_term t
                WHERE t.type = c.tenant_type AND t.name = c.name)
$$;

-- Assignments whose actor type, global role, or role (built-in, or a
-- custom role of the tenant that is not itself orphaned) is not declared.
CREATE FUNCTION rbac._orphan_assignments()
RETURNS SETOF tid
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT a.ctid FROM rbac.assignment a
  WHERE NOT EXISTS (SELECT 1 FROM rbac.policy_type t
                    WHERE t.name = a.actor_type AND t.kind = 'actor')
     OR (a.resource_type IS NULL
         AND NOT EXISTS (SELECT 1 FROM rbac.policy_global_role g WHERE g.name = a.role))
     OR (a.resource_type IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM rbac.policy_term t
                         WHERE t.type = a.resource_type AND t.name = a.role
                           AND t.kind = 'role')
         AND NOT EXISTS (SELECT 1 FROM rbac.custom_role c
                         WHERE c.tenant_type = a.resource_type
                           AND c.tenant_id = a.resource_id AND c.name = a.role
                           AND c.ctid NOT IN (SELECT rbac._orphan_custom_roles())))
$$;

-- Memberships between types that are no longer declared actor types.
CREATE FUNCTION rbac._orphan_memberships()
RETURNS SETOF tid
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT m.ctid FROM rbac.membership m
  WHERE NOT EXISTS (SELECT 1 FROM rbac.policy_type t
                    WHERE t.name = m.group_type AND t.kind = 'actor')
     OR NOT EXISTS (SELECT 1 FROM rbac.policy_type t
                    WHERE t.name = m.member_type AND t.kind = 'actor')
$$;

-- Counts of orphaned role data; called by load_policy after it stores the
-- new model.
CREATE FUNCTION rbac._orphans(OUT assignments bigint, OUT custom_roles bigint, OUT memberships bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT (SELECT pg_catalog.count(*) FROM rbac._orphan_assignments()),
         (SELECT pg_catalog.count(*) FROM rbac._orphan_custom_roles()),
         (SELECT pg_catalog.count(*) FROM rbac._orphan_memberships())
$$;

-- Delete what rbac._orphans() counts (assignments first: they may hang on
-- orphaned custom roles).
CREATE FUNCTION rbac._drop_orphans()
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
  DELETE FROM rbac.assignment WHERE ctid IN (SELECT rbac._orphan_assignments());
  DELETE FROM rbac.custom_role WHERE ctid IN (SELECT rbac._orphan_custom_roles());
  DELETE FROM rbac.membership WHERE ctid IN (SELECT rbac._orphan_memberships());
$$;

REVOKE EXECUTE ON FUNCTION rbac._orphan_custom_roles(), rbac._orphan_assignments(),
    rbac._orphan_memberships(), rbac._orphans(), rbac._drop_orphans() FROM PUBLIC;

-- Hook run by load_policy, bind and unbind after the model changes: checks
-- that the bound tables have the columns the policy's rules use (and, as
-- the extension grows, regenerates what depends on the policy).
CREATE FUNCTION rbac._policy_changed()
RETURNS void
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_policy_changed';
REVOKE EXECUTE ON FUNCTION rbac._policy_changed() FROM PUBLIC;
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

-- Trigger functions installed on bound tables by rbac.bind.  Harmless for
-- PUBLIC: they act only on the bindings of the table they fire for.
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

CREATE VIEW rbac.role_assignments AS
SELECT a.actor_type OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) a.actor_id AS actor,
       a.role,
       a.resource_type OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) a.resource_id AS resource,
       a.expires_at
FROM rbac.assignment a;
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

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON rbac.audit_log
    FOR EACH ROW EXECUTE FUNCTION rbac._audit_append_only();
CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON rbac.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION rbac._audit_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON rbac.audit_log FROM PUBLIC;
-- pg_rbac install script, part 30: the current actor (SPEC 3.2).
--
-- The actor is kept in backend-private state that only these functions can
-- change (see src/actor.c); SET, set_config and connection options cannot.
-- RESET ALL and DISCARD ALL clear it; an aborted transaction restores it.

CREATE FUNCTION rbac.set_actor(actor text, local boolean DEFAULT false)
RETURNS void
LANGUAGE c VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_set_actor';
COMMENT ON FUNCTION rbac.set_actor(text, boolean) IS
'Set the current actor (Type:id) for the session, or until the end of the transaction when local (like SET LOCAL; outside a transaction block it ends with the statement, with a warning). The type must be a declared actor type once a policy is loaded. Errors: 22023 malformed reference, 42704 unknown actor type. EXECUTE is not granted to PUBLIC: grant it to the application''s connection role only.';
REVOKE EXECUTE ON FUNCTION rbac.set_actor(text, boolean) FROM PUBLIC;

CREATE FUNCTION rbac.set_actor_token(token text, local boolean DEFAULT false)
RETURNS text
LANGUAGE c VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_set_actor_token';
COMMENT ON FUNCTION rbac.set_actor_token(text, boolean) IS
'Verify an HS256 JWT with the key in setting rbac.jwt_secret and make its subject the current actor; returns the actor. The token must carry a numeric exp in the future (and nbf, if present, not in the future) and a string sub: a full reference Type:id, or a bare id prefixed with setting rbac.jwt_actor_type (default User). Any malformed, forged, expired or not yet valid token, or an unknown actor type: 28000, and the actor is unchanged. local as for rbac.set_actor.';
GRANT EXECUTE ON FUNCTION rbac.set_actor_token(text, boolean) TO PUBLIC;

-- No SET search_path here, unlike every other function: current_actor runs
-- no SQL and looks up no name, so there is nothing to pin, and a SET clause
-- would make each call save and restore a setting (measured: 1.9 us instead
-- of 0.16 us per call, which matters when a query calls it per row).
CREATE FUNCTION rbac.current_actor()
RETURNS text
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'rbac_current_actor';
COMMENT ON FUNCTION rbac.current_actor() IS
'The current actor (Type:id), or NULL when none is set.';
GRANT EXECUTE ON FUNCTION rbac.current_actor() TO PUBLIC;

CREATE FUNCTION rbac.reset_actor()
RETURNS void
LANGUAGE c VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_reset_actor';
COMMENT ON FUNCTION rbac.reset_actor() IS
'Clear the current actor for the rest of the session (an aborted transaction restores it).';
GRANT EXECUTE ON FUNCTION rbac.reset_actor() TO PUBLIC;
-- pg_rbac install script, part 40: the check engine (SPEC 3.3).
--
-- The C functions below carry no SET search_path: every statement they run
-- is schema-qualified and writes its operators as OPERATOR(pg_catalog.op),
-- and a SET clause would cost a GUC save/restore on every call (these are
-- called per row by RLS policies).

-- Keep the per-backend model cache in step with the catalogs it is built
-- from: a statement trigger sends a transactional relcache invalidation.
CREATE FUNCTION rbac._invalidate_model()
RETURNS trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'rbac_invalidate_trigger';
REVOKE EXECUTE ON FUNCTION rbac._invalidate_model() FROM PUBLIC;

CREATE TRIGGER invalidate_model AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON rbac.policy FOR EACH STATEMENT EXECUTE FUNCTION rbac._invalidate_model();
CREATE TRIGGER invalidate_model AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON rbac.binding FOR EACH STATEMENT EXECUTE FUNCTION rbac._invalidate_model();

-- Explicit-actor forms: revealing another actor's rights needs a grant.
CREATE FUNCTION rbac.is_allowed(actor text, action text, resource text)
RETURNS boolean
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'rbac_is_allowed';
COMMENT ON FUNCTION rbac.is_allowed(text, text, text) IS
'May the actor perform the action on the resource?  Errors: 22023 malformed reference, 42704 unknown type or action.';

CREATE FUNCTION rbac.authorize(actor text, action text, resource text)
RETURNS void
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'rbac_authorize';
COMMENT ON FUNCTION rbac.authorize(text, text, text) IS
'Raise unless allowed: P0002 "not found" when the actor may not read the resource (setting rbac.read_action), else 42501.';

CREATE FUNCTION rbac.authorized_actions(actor text, resource text)
RETURNS SETOF text
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'rbac_authorized_actions';
COMMENT ON FUNCTION rbac.authorized_actions(text, text) IS
'The permissions the actor holds on the resource, sorted.';

CREATE FUNCTION rbac.authorized_roles(actor text, resource text)
RETURNS SETOF text
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'rbac_authorized_roles';
COMMENT ON FUNCTION rbac.authorized_roles(text, text) IS
'The roles the actor holds on the resource, implied and inherited included (and custom roles held directly), sorted.';

CREATE FUNCTION rbac.authorized_resources(actor text, action text, type text)
RETURNS SETOF text
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'rbac_authorized_resources';
COMMENT ON FUNCTION rbac.authorized_resources(text, text, text) IS
'Ids of the resources of the type on which the actor may perform the action, sorted.';

CREATE FUNCTION rbac.explain(actor text, action text, resource text)
RETURNS SETOF text
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'rbac_explain';
COMMENT ON FUNCTION rbac.explain(text, text, text) IS
'One line per derivation step of a proof that the actor may act; when denied, one line saying so and what would grant it.';

CREATE FUNCTION rbac.who_can(action text, resource text)
RETURNS SETOF text
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'rbac_who_can';
COMMENT ON FUNCTION rbac.who_can(text, text) IS
'The actors (members of groups expanded, groups listed too) that hold the permission through role assignments, sorted.';

REVOKE EXECUTE ON FUNCTION rbac.is_allowed(text, text, text), rbac.authorize(text, text, text),
    rbac.authorized_actions(text, text), rbac.authorized_roles(text, text),
    rbac.authorized_resources(text, text, text), rbac.explain(text, text, text),
    rbac.who_can(text, text) FROM PUBLIC;

-- Current-actor forms: PUBLIC.
CREATE FUNCTION rbac.is_allowed(action text, resource text)
RETURNS boolean
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'rbac_is_allowed_current';
COMMENT ON FUNCTION rbac.is_allowed(text, text) IS
'May the current actor perform the action on the resource?  False when no actor is set.';

CREATE FUNCTION rbac.authorize(action text, resource text)
RETURNS void
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'rbac_authorize_current';
COMMENT ON FUNCTION rbac.authorize(text, text) IS
'Raise unless the current actor may act: P0002 not found, or 42501 forbidden.';

CREATE FUNCTION rbac.authorized_actions(resource text)
RETURNS SETOF text
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'rbac_authorized_actions_current';
COMMENT ON FUNCTION rbac.authorized_actions(text) IS
'The permissions the current actor holds on the resource, sorted.';

CREATE FUNCTION rbac.authorized_roles(resource text)
RETURNS SETOF text
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'rbac_authorized_roles_current';
COMMENT ON FUNCTION rbac.authorized_roles(text) IS
'The roles the current actor holds on the resource, sorted.';

CREATE FUNCTION rbac.authorized_resources(action text, type text)
RETURNS SETOF text
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'rbac_authorized_resources_current';
COMMENT ON FUNCTION rbac.authorized_resources(text, text) IS
'Ids of the resources of the type on which the current actor may act, sorted.';

CREATE FUNCTION rbac.explain(action text, resource text)
RETURNS SETOF text
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'rbac_explain_current';
COMMENT ON FUNCTION rbac.explain(text, text) IS
'Proof lines for the current actor, or one line saying what would grant the permission.';

-- Used by compiled last-mile rule bodies.
CREATE FUNCTION rbac._holds(actor text, term text, type text, id text)
RETURNS boolean
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'rbac_holds';
COMMENT ON FUNCTION rbac._holds(text, text, text, text) IS
'Internal: does the actor hold the role or permission on Type:id?  Used by compiled last-mile rules.';
REVOKE EXECUTE ON FUNCTION rbac._holds(text, text, text, text) FROM PUBLIC;
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

CREATE FUNCTION rbac.filter(action text, type text, alias text DEFAULT NULL)
RETURNS text
LANGUAGE c STABLE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_filter';
COMMENT ON FUNCTION rbac.filter(text, text, text) IS
'The SQL boolean expression the generated policy for action on type uses (columns qualified by alias, default the table name); errors 42704 unknown type or action, 55000 type not bound.';

CREATE FUNCTION rbac.enable_rls(tbl regclass, actions jsonb DEFAULT NULL)
RETURNS void
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_enable_rls';
COMMENT ON FUNCTION rbac.enable_rls(regclass, jsonb) IS
'Install generated policies (SELECT read, INSERT create, UPDATE update, DELETE delete unless actions says otherwise; null denies) and enable and force row level security on a bound table. Idempotent.';
REVOKE EXECUTE ON FUNCTION rbac.enable_rls(regclass, jsonb) FROM PUBLIC;

CREATE FUNCTION rbac.disable_rls(tbl regclass)
RETURNS void
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_disable_rls';
COMMENT ON FUNCTION rbac.disable_rls(regclass) IS
'Drop the generated policies of a table; when no other policy remains, disable (and stop forcing) row level security on it.';
REVOKE EXECUTE ON FUNCTION rbac.disable_rls(regclass) FROM PUBLIC;

CREATE FUNCTION rbac._regenerate_rls()
RETURNS void
LANGUAGE c VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_regenerate_rls';
REVOKE EXECUTE ON FUNCTION rbac._regenerate_rls() FROM PUBLIC;

-- Functions called by generated policies, as the querying user.  They only
-- reveal what the current actor itself may do, so PUBLIC may call them.
-- No SET search_path (they are schema-qualified inside and run per query).
CREATE FUNCTION rbac._keys(type text, term text, sample anyelement)
RETURNS anyarray
LANGUAGE c STABLE PARALLEL RESTRICTED
AS 'MODULE_PATHNAME', 'rbac_keys';
COMMENT ON FUNCTION rbac._keys(text, text, anyelement) IS
'Internal (generated policies): keys of type on which the current actor holds term.';

CREATE FUNCTION rbac._keys_direct(type text, term text, sample anyelement)
RETURNS anyarray
LANGUAGE c STABLE PARALLEL RESTRICTED
AS 'MODULE_PATHNAME', 'rbac_keys_direct';
COMMENT ON FUNCTION rbac._keys_direct(text, text, anyelement) IS
'Internal (generated policies): keys of type on which the current actor holds term by direct assignment or custom role.';

CREATE FUNCTION rbac._keys_path(type text, path text[], term text, sample anyelement)
RETURNS anyarray
LANGUAGE c STABLE PARALLEL RESTRICTED
AS 'MODULE_PATHNAME', 'rbac_keys_path';
COMMENT ON FUNCTION rbac._keys_path(text, text[], text, anyelement) IS
'Internal (generated policies): keys of the first hop of path from type whose walk ends where the current actor holds term.';

CREATE FUNCTION rbac._has_global(role text)
RETURNS boolean
LANGUAGE c STABLE PARALLEL RESTRICTED
AS 'MODULE_PATHNAME', 'rbac_has_global';
COMMENT ON FUNCTION rbac._has_global(text) IS 'Internal (generated policies): does the current actor hold the global role?';

CREATE FUNCTION rbac._actor_key(type text, sample anyelement)
RETURNS anyelement
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'rbac_actor_key';
COMMENT ON FUNCTION rbac._actor_key(text, anyelement) IS
'Internal (generated policies): the current actor''s id as sample''s type when the actor is of type, else NULL.';

CREATE FUNCTION rbac._actor_id()
RETURNS text
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'rbac_actor_id';
COMMENT ON FUNCTION rbac._actor_id() IS 'Internal (generated policies): the current actor''s id.';

CREATE FUNCTION rbac._actor_type()
RETURNS text
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'rbac_actor_type';
COMMENT ON FUNCTION rbac._actor_type() IS 'Internal (generated policies): the current actor''s type.';

CREATE FUNCTION rbac._lastmile_row(type text, rule integer, id text)
RETURNS boolean
LANGUAGE c STABLE PARALLEL RESTRICTED
AS 'MODULE_PATHNAME', 'rbac_lastmile_row';
COMMENT ON FUNCTION rbac._lastmile_row(text, integer, text) IS
'Internal (generated policies): does the type''s last-mile rule number rule hold for the current actor on Type:id?';

-- value = ANY(keys) with the array hashed once per query, and a planner
-- support function that gives the planner "value = ANY(keys)" as an index
-- condition (so indexes on key and relation columns are used).
CREATE FUNCTION rbac._in_support(internal)
RETURNS internal
LANGUAGE c IMMUTABLE STRICT
AS 'MODULE_PATHNAME', 'rbac_in_support';
COMMENT ON FUNCTION rbac._in_support(internal) IS 'Internal: planner support of rbac._in (index condition, selectivity).';

CREATE FUNCTION rbac._in(value anyelement, keys anyarray, hint text)
RETURNS boolean
LANGUAGE c IMMUTABLE PARALLEL SAFE
SUPPORT rbac._in_support
AS 'MODULE_PATHNAME', 'rbac_in';
COMMENT ON FUNCTION rbac._in(anyelement, anyarray, text) IS
'Internal (generated policies): value = ANY(keys), hashing keys once per query; indexable through its support function, which estimates the set''s size for the current actor from hint.';

-- Comments on the internal functions of earlier parts (every function of
-- the extension is described in \dx+ pg_rbac / \df+ rbac.*).
COMMENT ON FUNCTION rbac._orphan_custom_roles() IS 'Internal (load_policy): custom roles naming something the loaded model does not declare.';
COMMENT ON FUNCTION rbac._orphan_assignments() IS 'Internal (load_policy): assignments naming a type or role the loaded model does not declare.';
COMMENT ON FUNCTION rbac._orphan_memberships() IS 'Internal (load_policy): memberships between types that are no longer actor types.';
COMMENT ON FUNCTION rbac._orphans() IS 'Internal (load_policy): counts of orphaned assignments, custom roles and memberships.';
COMMENT ON FUNCTION rbac._drop_orphans() IS 'Internal (load_policy with drop_orphans): delete orphaned role data.';
COMMENT ON FUNCTION rbac._policy_changed() IS 'Internal: after a policy or binding change, check rule columns against bound tables and regenerate RLS policies.';
COMMENT ON FUNCTION rbac._invalidate_model() IS 'Internal trigger: transactional invalidation of the per-backend model cache.';
COMMENT ON FUNCTION rbac._regenerate_rls() IS 'Internal: re-create the generated policies of every table in rbac.rls_table.';
