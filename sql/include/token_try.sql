-- sql/include/token_try.sql: pg_temp.try(token), the outcome of presenting a
-- token: 'ok' and the actor, or the SQLSTATE, message and detail
CREATE FUNCTION pg_temp.try(token text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    st text;
    msg text;
    det text;
BEGIN
    RETURN 'ok ' || rbac.set_actor_token(token);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                            det = PG_EXCEPTION_DETAIL;
    RETURN st || ' ' || msg || coalesce(' / ' || nullif(det, ''), '');
END $$;
