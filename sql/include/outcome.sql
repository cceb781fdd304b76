-- sql/include/outcome.sql: pg_temp.outcome(q), 'ok' or the SQLSTATE the
-- statement q raised, as a value; its effects are kept only when keep (run
-- as role r, or as the caller when r is NULL)
CREATE FUNCTION pg_temp.outcome(q text, r text DEFAULT NULL, keep boolean DEFAULT false)
RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        IF r IS NOT NULL THEN
            EXECUTE format('SET LOCAL ROLE %I', r);
        END IF;
        EXECUTE q;
        IF NOT keep THEN
            RAISE EXCEPTION USING ERRCODE = 'RBOK0';
        END IF;
        IF r IS NOT NULL THEN
            RESET ROLE;
        END IF;
        RETURN 'ok';
    EXCEPTION WHEN OTHERS THEN
        RETURN CASE WHEN SQLSTATE = 'RBOK0' THEN 'ok' ELSE SQLSTATE END;
    END;
END $$;
