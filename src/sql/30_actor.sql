-- pg_rbac install script, part 30: the current actor (SPEC 3.2).
--
-- The actor is kept in backend-private state that only these functions can
-- change (see src/actor.c); SET, set_config and connection options cannot.
-- RESET ALL and DISCARD ALL clear it; an aborted transaction restores it.

GRANT EXECUTE ON FUNCTION rbac.set_actor_token(text, boolean) TO PUBLIC;

GRANT EXECUTE ON FUNCTION rbac.current_actor() TO PUBLIC;

GRANT EXECUTE ON FUNCTION rbac.reset_actor() TO PUBLIC;
