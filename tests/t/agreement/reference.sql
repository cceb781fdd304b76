-- An independent reference evaluator for SPEC section 4.1, in plain SQL.
--
-- Loaded into each world's database before the world itself (the world's
-- file then creates and binds its tables, writes role data, and adds its
-- hand-translated last-mile rules to ref.lm_fact / ref.lm_link); derive.sql
-- then computes every derived fact as a least fixpoint with recursive CTEs,
-- and compare.sql compares with rbac.is_allowed.
--
-- Nothing here calls the extension's C code: it reads only the catalog
-- tables (rbac.policy_rule, policy_term, binding, assignment, membership,
-- custom_role) and the bound tables.  The one PL/pgSQL function below only
-- runs generated dynamic SQL that copies keys and relation columns of the
-- bound tables into ref.res / ref.edge; all derivation is recursive SQL.

SET jit = off;   -- compiling the big plans below costs more than running them

CREATE SCHEMA ref;

-- Every row of every bound table: (type, key as text).  The types are the
-- resource and actor types of the policy that have a binding.
CREATE TABLE ref.res (type text, id text, PRIMARY KEY (type, id));

-- One relation link of a row: row (type, id) has relation rel pointing to
-- (target_type, target_id).  Only rows that exist have links.  A relation
-- bound to a column links each row to at most one target, which may not
-- exist (a resource id with no row) or be an actor; one bound through a
-- join table links a row to every target a join row names, when that
-- target has a row (a join row with a NULL end, or an end with no row,
-- links nothing; duplicates link once).
CREATE TABLE ref.edge (type text, id text, rel text, target_type text, target_id text,
                       PRIMARY KEY (type, id, rel, target_type, target_id));
CREATE INDEX ON ref.edge (target_type, target_id);

-- The actors decisions are made for: every row of a bound actor type, and
-- "nobody" ('', ''): no actor set (checked with the current-actor form).
CREATE TABLE ref.actor (type text, id text, PRIMARY KEY (type, id));

-- Last-mile rules, hand-translated by each world (see the world files):
--   lm_fact: the rule holds for (actor, resource) with no premise about
--            derived facts (attribute conditions only).
--   lm_link: the rule holds for (actor, head resource) when the actor holds
--            prem_term on the premise resource (has_role / has_permission in
--            the body) and the attribute conditions hold; a_type NULL: any
--            actor but nobody, else only actors of that type; a_id NULL:
--            any id, else only that actor (conditions on the actor itself).
CREATE TABLE ref.lm_fact (a_type text, a_id text, r_type text, r_id text, term text);
-- relations a last-mile rule's has_role / has_permission walks through a
-- join table (type, rel): who_can follows them from every resource it
-- reaches (multi.sql, ref.who_reach)
CREATE TABLE ref.lm_walk (type text, rel text);
CREATE TABLE ref.lm_link (a_type text, prem_type text, prem_id text, prem_term text,
                          head_type text, head_id text, head_term text, a_id text);

-- Decision resources with no row that a world wants checked besides the
-- ones derive.sql finds itself (assignment targets, relation targets).
CREATE TABLE ref.extra_resource (type text, id text);

-- Copy keys and relation columns of the bound tables (dynamic SQL only).
CREATE FUNCTION ref.materialize() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    b record;
    rel record;
BEGIN
    FOR b IN SELECT bd.type, bd.tbl, bd.key_column, bd.relations, pt.kind
             FROM rbac.binding bd JOIN rbac.policy_type pt ON pt.name = bd.type
    LOOP
        EXECUTE format('INSERT INTO ref.res SELECT %L, %I::text FROM %s',
                       b.type, b.key_column, b.tbl);
        IF b.kind = 'actor' THEN
            EXECUTE format('INSERT INTO ref.actor SELECT %L, %I::text FROM %s',
                           b.type, b.key_column, b.tbl);
        END IF;
        FOR rel IN SELECT j.key AS name, j.value #>> '{}' AS col, t.target
                   FROM jsonb_each(b.relations) j
                   JOIN rbac.policy_term t ON t.type = b.type AND t.name = j.key
                                          AND t.kind = 'relation'
                   WHERE jsonb_typeof(j.value) = 'string'
        LOOP
            EXECUTE format('INSERT INTO ref.edge SELECT %L, %I::text, %L, %L, %I::text '
                           'FROM %s WHERE %I IS NOT NULL',
                           b.type, b.key_column, rel.name, rel.target, rel.col,
                           b.tbl, rel.col);
        END LOOP;
    END LOOP;
    -- relations through join tables, once every row is in ref.res: the
    -- join table's name is stored schema-qualified; both ends are compared
    -- through their text form with the keys of the rows
    FOR b IN SELECT bd.type, j.key AS name, j.value ->> 'through' AS through,
                    j.value ->> 'from' AS from_col, j.value ->> 'to' AS to_col, t.target
             FROM rbac.binding bd
             CROSS JOIN jsonb_each(bd.relations) j
             JOIN rbac.policy_term t ON t.type = bd.type AND t.name = j.key AND t.kind = 'relation'
             WHERE jsonb_typeof(j.value) = 'object'
    LOOP
        EXECUTE format('INSERT INTO ref.edge SELECT DISTINCT %L, j.%I::text, %L, %L, j.%I::text '
                       'FROM %s j '
                       'WHERE j.%I IS NOT NULL AND j.%I IS NOT NULL '
                       '  AND EXISTS (SELECT 1 FROM ref.res r WHERE r.type = %L AND r.id = j.%I::text) '
                       '  AND (NOT EXISTS (SELECT 1 FROM rbac.binding x WHERE x.type = %L) '
                       '       OR EXISTS (SELECT 1 FROM ref.res r WHERE r.type = %L AND r.id = j.%I::text))',
                       b.type, b.from_col, b.name, b.target, b.to_col, b.through,
                       b.from_col, b.to_col, b.type, b.from_col, b.target, b.target, b.to_col);
    END LOOP;
    INSERT INTO ref.actor VALUES ('', '');
END
$$;
