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
-- below are the interface.  The declarative model (types, roles,
-- permissions, shorthand rules) is what rbac.roles() shows anyway; the
-- policy source and the last-mile rules can hold business logic and are
-- read only by roles the DBA grants SELECT on rbac.policy (policy_source,
-- policy_graph) and rbac.policy_lastmile.
REVOKE ALL ON ALL TABLES IN SCHEMA rbac FROM PUBLIC;
GRANT USAGE ON SCHEMA rbac TO PUBLIC;
GRANT SELECT ON rbac.policy_type, rbac.policy_term,
    rbac.policy_global_role, rbac.policy_rule TO PUBLIC;
GRANT SELECT ON rbac.binding TO PUBLIC;
