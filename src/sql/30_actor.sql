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
'Verify a JSON Web Token (RS256 or ES256 with the keys in the file named by setting rbac.jwt_key_file, HS256 with those or with setting rbac.jwt_secret) and make its subject the current actor; returns the actor. The token must carry a numeric exp in the future, nbf and iat (if present) not later than now plus rbac.jwt_leeway seconds, iss and aud matching rbac.jwt_issuer and rbac.jwt_audience when those are set, and a string sub: a full reference Type:id (of type rbac.jwt_actor_type only, when rbac.jwt_actor_type_only is on), or a bare id prefixed with setting rbac.jwt_actor_type (default User). Any malformed, forged, expired or not yet valid token, an unusable key file, or an unknown actor type: 28000, and the actor is unchanged. local as for rbac.set_actor.';
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
