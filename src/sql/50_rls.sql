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

CREATE FUNCTION rbac._move_guard()
RETURNS trigger
LANGUAGE c
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'rbac_move_guard';
COMMENT ON FUNCTION rbac._move_guard() IS
'Trigger (BEFORE UPDATE, row) installed by rbac.enable_rls: a change to a relation or actor-relation column is refused (42501) unless the actions map names a move permission that the current actor holds on the old row.';
-- EXECUTE stays with PUBLIC: PostgreSQL clones the row trigger to every new
-- partition, as whoever creates it.  Fired anywhere else it only restricts
-- updates of that table.

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
