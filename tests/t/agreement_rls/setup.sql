-- Harness of t/031_rls_agreement.pl, loaded (as the superuser) into a world
-- of t/agreement/ after its world file: the world's tables, policy and role
-- data are used as they are.
--
-- rls.target lists every bound table: its type, key column, the action
-- SELECT maps to, and the permissions that UPDATE and DELETE map to in turn
-- (round r: UPDATE -> writes[2r+1], DELETE -> writes[2r+2], none -> null;
-- INSERT -> null always).  A bound actor type with no permission is a
-- "deny" target (select_action NULL): enable_rls with the default mapping
-- denies every command there, and the harness checks that nothing shows
-- through -- which also makes every actor table protected, so the
-- generated predicates must not depend on what the caller may see of them.
--
-- rls.run_round(r), called by the unprivileged role rls_tester, runs for
-- every actor (and nobody) and every target five statements, each in its
-- own transaction, which is rolled back:
--   select       SELECT key FROM t
--   update_read  UPDATE t SET key = key        (reads a column of t)
--   update       UPDATE t SET rls_touch = 1    (reads no column of t)
--   delete       DELETE FROM t                 (reads no column of t)
--   delete_read  DELETE FROM t WHERE key IS NOT NULL
-- The rows a write affected are logged by an AFTER ROW trigger (RETURNING
-- would itself bring in the SELECT policy) and kept in rls.seen after the
-- rollback.  The actors take turns at rbac.rls_check_budget, so that the
-- related-resource arms (rbac._in_lazy) answer every predicate both ways:
-- every row checked one at a time (a budget no statement exhausts), the
-- actor's whole set at once (0), and the switch between the two during a
-- statement (1 microsecond: the first row is checked, the others are
-- looked up in the set).

CREATE SCHEMA rls;

CREATE TABLE rls.target (
    tbl regclass PRIMARY KEY,
    type text NOT NULL,
    key_col name NOT NULL,
    select_action text,            -- NULL: a deny target
    writes text[] NOT NULL DEFAULT '{}'
);

-- The world's choice (agreement_rls/<world>.sql): the SELECT action of a
-- type and the permissions UPDATE and DELETE should try first; every other
-- permission of the type is appended by rls.plan().
CREATE TABLE rls.choice (type text PRIMARY KEY, select_action text, writes text[] NOT NULL);

-- The actors: every row of a bound actor type, and '' for nobody.
CREATE TABLE rls.actor (actor text PRIMARY KEY);

-- Every row of every target, as the superuser sees it.
CREATE TABLE rls.row (tbl regclass, type text, id text, PRIMARY KEY (tbl, id));

-- What rls_tester saw or changed.
CREATE TABLE rls.seen (round int, actor text, tbl regclass, kind text, id text);
-- Statements that raised an error (none should).
CREATE TABLE rls.error (round int, actor text, tbl regclass, kind text, err text);
-- Rows touched by the current write statement (rolled back with it).
CREATE TABLE rls.log (id text);

-- The permissions of a type: declared in its block or named by a last-mile
-- rule.
CREATE FUNCTION rls.permissions(t text) RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(name ORDER BY name), '{}') FROM (
        SELECT name FROM rbac.policy_term WHERE type = t AND kind = 'permission'
      UNION
        SELECT name FROM rbac.policy_lastmile WHERE resource_type = t AND kind = 'permission') p
$$;

-- Fill rls.target from the bindings and rls.choice, rls.actor and rls.row
-- from the tables, and add the trigger and the column the writes use.
CREATE FUNCTION rls.plan() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    b record;
    perms text[];
    c rls.choice;
BEGIN
    FOR b IN SELECT bd.type, bd.tbl, bd.key_column, pt.kind
             FROM rbac.binding bd JOIN rbac.policy_type pt ON pt.name = bd.type
             ORDER BY bd.type
    LOOP
        perms := rls.permissions(b.type);
        SELECT * INTO c FROM rls.choice WHERE type = b.type;
        IF cardinality(perms) = 0 THEN
            INSERT INTO rls.target VALUES (b.tbl, b.type, b.key_column, NULL, '{}');
        ELSE
            IF c.type IS NULL THEN
                RAISE EXCEPTION 'no choice for type % (permissions %)', b.type, perms;
            END IF;
            IF NOT (c.select_action = ANY (perms) AND c.writes <@ perms) THEN
                RAISE EXCEPTION 'choice for % names an unknown permission (permissions %)',
                    b.type, perms;
            END IF;
            INSERT INTO rls.target VALUES (b.tbl, b.type, b.key_column, c.select_action,
                c.writes || ARRAY(SELECT p FROM unnest(perms) p WHERE p <> ALL (c.writes) ORDER BY p));
        END IF;
        EXECUTE format('INSERT INTO rls.row SELECT %L, %L, %I::text FROM %s',
                       b.tbl, b.type, b.key_column, b.tbl);
        IF b.kind = 'actor' THEN
            EXECUTE format('INSERT INTO rls.actor SELECT %L || '':'' || %I::text FROM %s',
                           b.type, b.key_column, b.tbl);
        END IF;
        EXECUTE format('ALTER TABLE %s ADD COLUMN rls_touch int', b.tbl);
        EXECUTE format('CREATE TRIGGER rls_log AFTER UPDATE OR DELETE ON %s '
                       'FOR EACH ROW EXECUTE FUNCTION rls.log_row(%L)', b.tbl, b.key_column);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO rls_tester', b.tbl);
    END LOOP;
    INSERT INTO rls.actor VALUES ('');
    INSERT INTO rls.map
    SELECT r.round, t.tbl, t.type, t.select_action,
           t.writes[2 * r.round + 1], t.writes[2 * r.round + 2]
    FROM rls.target t,
         generate_series(0, (SELECT greatest(1, max((cardinality(writes) + 1) / 2)) - 1
                             FROM rls.target)) r(round);
    ANALYZE rls.target; ANALYZE rls.row; ANALYZE rls.actor; ANALYZE rls.map;
END
$$;

CREATE FUNCTION rls.log_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rls.log VALUES (to_jsonb(OLD) ->> TG_ARGV[0]);
    RETURN NULL;
END
$$;

-- The mapping of each round: enough rounds for every permission to be
-- mapped to UPDATE or DELETE once (filled by rls.plan()).
CREATE TABLE rls.map (round int, tbl regclass, type text, select_action text,
                      update_action text, delete_action text, PRIMARY KEY (round, tbl));

-- Install the policies of round r (as the superuser).
CREATE FUNCTION rls.enable_round(r int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    m record;
BEGIN
    FOR m IN SELECT * FROM rls.map WHERE round = r ORDER BY tbl::text LOOP
        IF m.select_action IS NULL THEN
            PERFORM rbac.enable_rls(m.tbl);          -- the defaults: all denied
        ELSE
            PERFORM rbac.enable_rls(m.tbl, jsonb_build_object(
                'select', m.select_action, 'insert', NULL,
                'update', m.update_action, 'delete', m.delete_action));
        END IF;
    END LOOP;
END
$$;

-- One statement of the harness, as rls_tester, in the caller's
-- transaction: the keys it saw or changed, or the error it raised.
CREATE FUNCTION rls.attempt(tbl regclass, key_col name, kind text, OUT keys text[], OUT err text)
LANGUAGE plpgsql AS $$
BEGIN
    IF kind = 'select' THEN
        EXECUTE format('SELECT array_agg(%I::text) FROM %s', key_col, tbl) INTO keys;
    ELSE
        EXECUTE CASE kind
            WHEN 'update_read' THEN format('UPDATE %s SET %I = %I', tbl, key_col, key_col)
            WHEN 'update' THEN format('UPDATE %s SET rls_touch = 1', tbl)
            WHEN 'delete' THEN format('DELETE FROM %s', tbl)
            WHEN 'delete_read' THEN format('DELETE FROM %s WHERE %I IS NOT NULL', tbl, key_col)
        END;
        SELECT array_agg(id) INTO keys FROM rls.log;
    END IF;
EXCEPTION WHEN OTHERS THEN
    err := SQLSTATE || ': ' || SQLERRM;
END
$$;

-- Round r, as rls_tester: every actor x target x statement, each statement
-- in a transaction of its own that is rolled back.
CREATE PROCEDURE rls.run_round(r int) LANGUAGE plpgsql AS $$
DECLARE
    actors text[] := ARRAY(SELECT actor FROM rls.actor ORDER BY actor);
    tbls regclass[] := ARRAY(SELECT tbl FROM rls.target ORDER BY tbl::text);
    keycols name[] := ARRAY(SELECT key_col FROM rls.target ORDER BY tbl::text);
    kinds text[] := ARRAY['select', 'update_read', 'update', 'delete', 'delete_read'];
    budgets text[] := ARRAY['2000000000', '0', '1'];
    a text;
    n int := 0;
    i int;
    k text;
    res record;
BEGIN
    FOREACH a IN ARRAY actors LOOP
        n := n + 1;
        FOR i IN 1 .. cardinality(tbls) LOOP
            FOREACH k IN ARRAY kinds LOOP
                -- an aborted transaction restores the actor: set it each time
                IF a = '' THEN
                    PERFORM rbac.reset_actor();
                ELSE
                    PERFORM rbac.set_actor(a);
                END IF;
                IF rbac.current_actor() IS DISTINCT FROM nullif(a, '') THEN
                    RAISE EXCEPTION 'current actor is %, not %', rbac.current_actor(), a;
                END IF;
                PERFORM set_config('rbac.rls_check_budget', budgets[1 + (n + r) % 3], true);
                res := rls.attempt(tbls[i], keycols[i], k);
                ROLLBACK;
                INSERT INTO rls.seen SELECT r, a, tbls[i], k, unnest(res.keys);
                IF res.err IS NOT NULL THEN
                    INSERT INTO rls.error VALUES (r, a, tbls[i], k, res.err);
                END IF;
                COMMIT;
            END LOOP;
        END LOOP;
    END LOOP;
END
$$;

-- INSERT is mapped to null: a row the actor sees, inserted again, must be
-- refused by the policy (42501, which is checked before the key would
-- clash).  Returns the error, or how many rows went in.
CREATE FUNCTION rls.try_insert(tbl regclass) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format('INSERT INTO %s SELECT * FROM %s LIMIT 1', tbl, tbl);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN 'inserted ' || n;
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;

GRANT USAGE ON SCHEMA rls TO rls_tester;
GRANT INSERT ON rls.seen, rls.error TO rls_tester;
GRANT SELECT, INSERT ON rls.log TO rls_tester;
GRANT SELECT ON rls.actor, rls.target TO rls_tester;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO rls_tester;
