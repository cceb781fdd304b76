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
