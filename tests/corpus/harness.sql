-- Harness of t/033_corpus.pl, run (as the superuser) in a corpus policy's
-- database after its setup and its expectations (table corpus.expect).
-- Each expected decision is asked three ways, none of which sees the
-- others' answers:
--   checked  rbac.is_allowed (explicit actor; for nobody the current-actor
--            form with no actor set)
--   listed   whether rbac.authorized_resources lists the id
--   rls      whether an unprivileged role (corpus_reader) sees the row under
--            the RLS policy rbac.enable_rls generates with SELECT mapped to
--            the action; NULL when the resource has no row in a bound table
--            (RLS can only show rows)
-- The Perl side compares the three with the expected answer.

CREATE FUNCTION corpus.table_of(t text, OUT tbl regclass, OUT key_column name)
LANGUAGE sql STABLE AS $$ SELECT b.tbl, b.key_column FROM rbac.binding b WHERE b.type = t $$;

ALTER TABLE corpus.expect
    ADD COLUMN r_type text, ADD COLUMN r_id text, ADD COLUMN has_row boolean,
    ADD COLUMN checked boolean, ADD COLUMN listed boolean, ADD COLUMN rls boolean;
UPDATE corpus.expect SET r_type = split_part(resource, ':', 1),
                         r_id = substr(resource, strpos(resource, ':') + 1);

SELECT rbac.reset_actor();
UPDATE corpus.expect e SET
    checked = CASE WHEN e.actor = '' THEN rbac.is_allowed(e.action, e.resource)
                   ELSE rbac.is_allowed(e.actor, e.action, e.resource) END,
    listed = e.r_id IN (SELECT x FROM (
        SELECT rbac.authorized_resources(e.action, e.r_type) x WHERE e.actor = ''
      UNION ALL
        SELECT rbac.authorized_resources(e.actor, e.action, e.r_type) WHERE e.actor <> '') s);

DO $$
DECLARE
    e record;
    b record;
    grp record;
    seen boolean;
BEGIN
    FOR e IN SELECT * FROM corpus.expect LOOP
        SELECT * INTO b FROM corpus.table_of(e.r_type);
        IF b.tbl IS NOT NULL THEN
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE %I::text = %L)',
                           b.tbl, b.key_column, e.r_id) INTO seen;
            UPDATE corpus.expect SET has_row = seen WHERE n = e.n;
        END IF;
    END LOOP;
    -- one generated policy per (type, action): SELECT mapped to the action
    FOR grp IN SELECT DISTINCT r_type, action FROM corpus.expect WHERE has_row ORDER BY 1, 2 LOOP
        SELECT * INTO b FROM corpus.table_of(grp.r_type);
        PERFORM rbac.enable_rls(b.tbl, jsonb_build_object(
            'select', grp.action, 'insert', NULL, 'update', NULL, 'delete', NULL));
        FOR e IN SELECT * FROM corpus.expect
                 WHERE has_row AND r_type = grp.r_type AND action = grp.action LOOP
            IF e.actor = '' THEN
                PERFORM rbac.reset_actor();
            ELSE
                PERFORM rbac.set_actor(e.actor, true);
            END IF;
            SET LOCAL ROLE corpus_reader;
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE %I::text = %L)',
                           b.tbl, b.key_column, e.r_id) INTO seen;
            RESET ROLE;
            UPDATE corpus.expect SET rls = seen WHERE n = e.n;
        END LOOP;
        PERFORM rbac.disable_rls(b.tbl);
    END LOOP;
    PERFORM rbac.reset_actor();
END
$$;
