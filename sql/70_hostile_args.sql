-- Hostile arguments (SPEC 6.1, issue 11): every function of schema rbac
-- that PUBLIC can execute, called by an ordinary login role with a valid
-- actor, with NULLs, NULL array elements, empty arrays, malformed and huge
-- references, domains (whose CHECK records the role it runs as) and foreign
-- types for polymorphic arguments, Vars and volatile expressions where the
-- planner looks for constants, and trigger functions attached to relations
-- they do not belong to.  Each case prints its outcome: "ok: <result>" or
-- "ERROR <SQLSTATE>"; an internal error (XX...) also prints its message.
-- A domain CHECK or a table owner's function that runs as a superuser or as
-- any role but the caller is reported on the case itself.  At the end, the
-- PUBLIC functions are compared with the functions the cases cover: a new
-- PUBLIC function without cases changes this test's output.
\set SHOW_CONTEXT never
SET client_min_messages = warning;
\set regress_user :USER
\set spec_policy `cat examples/gitclub.polar`
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true) IS NOT NULL AS loaded;
-- start from no binding and no generated policy (earlier tests leave some)
DO $$
BEGIN
    PERFORM rbac.disable_rls(tbl) FROM rbac.rls_table;
    PERFORM rbac.unbind(type) FROM rbac.binding;
END $$;

-- The world: GitClub tables owned by an ordinary role, with a domain-typed
-- key (folders) and relation column (repositories.org_id) whose CHECK is the
-- owner's code; it counts every run as a superuser (finding 2).
CREATE ROLE regress_hostile_owner;
CREATE ROLE regress_hostile_app LOGIN;
CREATE SCHEMA hw AUTHORIZATION regress_hostile_owner;
GRANT USAGE ON SCHEMA hw TO PUBLIC;
SET ROLE regress_hostile_owner;
CREATE SEQUENCE hw.owner_code_ran;
CREATE SEQUENCE hw.owner_code_as_superuser;
GRANT USAGE ON SEQUENCE hw.owner_code_ran, hw.owner_code_as_superuser TO PUBLIC;
CREATE FUNCTION hw.owner_check(v text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('hw.owner_code_ran');
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        PERFORM nextval('hw.owner_code_as_superuser');
        RAISE WARNING 'the table owner''s domain check ran as superuser %', current_user;
        EXECUTE 'ALTER ROLE regress_hostile_owner SUPERUSER';
    END IF;
    RETURN true;
END $$;
CREATE DOMAIN hw.slug AS text CHECK (hw.owner_check(VALUE));
CREATE DOMAIN hw.folder_id AS int CHECK (hw.owner_check(VALUE::text));
CREATE TABLE hw.users (id text PRIMARY KEY);
CREATE TABLE hw.groups (id text PRIMARY KEY);
CREATE TABLE hw.organizations (id hw.slug PRIMARY KEY);
CREATE TABLE hw.repositories (id int PRIMARY KEY, org_id hw.slug REFERENCES hw.organizations,
                              is_public boolean NOT NULL DEFAULT false);
CREATE INDEX ON hw.repositories (org_id);
CREATE TABLE hw.issues (id bigint PRIMARY KEY, repo_id int REFERENCES hw.repositories,
                        creator_id text REFERENCES hw.users,
                        visibility text NOT NULL DEFAULT 'private');
CREATE INDEX ON hw.issues (repo_id);
CREATE INDEX ON hw.issues (creator_id);
CREATE TABLE hw.folders (id hw.folder_id PRIMARY KEY, parent_id hw.folder_id REFERENCES hw.folders);
INSERT INTO hw.users VALUES ('alice'), ('bob'), ('mallory');
INSERT INTO hw.groups VALUES ('eng');
INSERT INTO hw.organizations VALUES ('acme'), ('evil');
INSERT INTO hw.repositories VALUES (1, 'acme', false), (2, 'acme', false), (3, 'evil', false),
  (4, 'evil', true), (5, 'evil', false), (6, 'evil', false);
INSERT INTO hw.issues VALUES (10, 1, 'alice', 'private'), (11, 1, 'mallory', 'private'),
  (12, 2, 'bob', 'internal'), (13, 3, 'alice', 'private'), (14, 5, 'bob', 'private');
INSERT INTO hw.folders VALUES (1, NULL), (2, 1), (3, 2), (4, NULL);
GRANT SELECT ON ALL TABLES IN SCHEMA hw TO regress_hostile_app;
-- relations for the trigger cases: owned by the application role
CREATE TABLE hw.app_rows (actor text, role text, resource text, expires_at timestamptz);
CREATE VIEW hw.app_view AS SELECT * FROM hw.app_rows;
CREATE VIEW hw.app_int_view AS SELECT 1::int AS actor, 2::bigint AS role, 3::int AS resource,
    NULL::timestamptz AS expires_at;
CREATE TABLE hw.app_ids (id int);
RESET ROLE;
ALTER TABLE hw.app_rows OWNER TO regress_hostile_app;
ALTER VIEW hw.app_view OWNER TO regress_hostile_app;
ALTER VIEW hw.app_int_view OWNER TO regress_hostile_app;
ALTER TABLE hw.app_ids OWNER TO regress_hostile_app;

SELECT rbac.bind('User', 'hw.users');
SELECT rbac.bind('Group', 'hw.groups');
SELECT rbac.bind('Organization', 'hw.organizations');
SELECT rbac.bind('Repository', 'hw.repositories', relations => '{"parent": "org_id"}');
SELECT rbac.bind('Issue', 'hw.issues', relations => '{"repository": "repo_id", "creator": "creator_id"}');
SELECT rbac.bind('Folder', 'hw.folders', relations => '{"parent": "parent_id"}');
SELECT rbac.enable_rls('hw.repositories');
SELECT rbac.enable_rls('hw.issues');
SELECT rbac.enable_rls('hw.folders', '{"select": "read", "insert": null, "update": null, "delete": null}');
SELECT rbac.assign_role('User:alice', 'owner', 'Organization:acme');
SELECT rbac.assign_role('User:mallory', 'member', 'Organization:acme');
SELECT rbac.assign_role('User:mallory', 'admin', 'Repository:3');
SELECT rbac.assign_role('Group:eng', 'reader', 'Repository:5');
SELECT rbac.add_member('Group:eng', 'User:mallory');
SELECT rbac.assign_role('User:mallory', 'viewer', 'Folder:2');
SELECT rbac.create_role('Organization:acme', 'auditor', ARRAY['read']);

-- Trigger functions attached by a superuser to relations of the
-- application role that they do not belong to; the application fires them.
CREATE TRIGGER ra_row INSTEAD OF INSERT OR UPDATE OR DELETE ON hw.app_view
    FOR EACH ROW EXECUTE FUNCTION rbac._role_assignments_row();
CREATE TRIGGER ra_row INSTEAD OF INSERT OR UPDATE OR DELETE ON hw.app_int_view
    FOR EACH ROW EXECUTE FUNCTION rbac._role_assignments_row();
CREATE TRIGGER ra_stmt BEFORE INSERT ON hw.app_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rbac._role_assignments_stmt();
CREATE TRIGGER ra_stmt_end AFTER UPDATE ON hw.app_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rbac._role_assignments_stmt();
CREATE TRIGGER bd AFTER DELETE ON hw.app_ids REFERENCING OLD TABLE AS rbac_old
    FOR EACH STATEMENT EXECUTE FUNCTION rbac._bound_delete();
CREATE TRIGGER bd_row BEFORE UPDATE ON hw.app_ids
    FOR EACH ROW EXECUTE FUNCTION rbac._bound_delete();
CREATE TRIGGER bt AFTER TRUNCATE ON hw.app_ids
    FOR EACH STATEMENT EXECUTE FUNCTION rbac._bound_truncate();
CREATE TRIGGER bt_ins AFTER INSERT ON hw.app_ids
    FOR EACH STATEMENT EXECUTE FUNCTION rbac._bound_truncate();
CREATE TRIGGER aa AFTER INSERT ON hw.app_ids
    FOR EACH ROW EXECUTE FUNCTION rbac._audit_append_only();
CREATE TRIGGER ra_table_row BEFORE INSERT ON hw.app_ids
    FOR EACH ROW EXECUTE FUNCTION rbac._role_assignments_row();
ALTER TABLE hw.app_ids DISABLE TRIGGER ra_table_row;

-- The application: an ordinary login role with a valid actor ------------
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO regress_hostile_app;
\c - regress_hostile_app
\set SHOW_CONTEXT never
SET client_min_messages = warning;
SELECT rbac.set_actor('User:mallory');
SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user;

-- the caller's own code: domains whose CHECK counts its runs (and tries to
-- make the caller superuser when it runs as one), and foreign types
CREATE TEMP SEQUENCE check_ran;
CREATE TEMP SEQUENCE check_as_other;
CREATE FUNCTION pg_temp.pwn(v text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('pg_temp.check_ran');
    RAISE NOTICE 'domain check ran as %', current_user;
    IF current_user <> 'regress_hostile_app' THEN
        PERFORM nextval('pg_temp.check_as_other');
        RAISE WARNING 'the caller''s domain check ran as %', current_user;
        IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            EXECUTE 'ALTER ROLE regress_hostile_app SUPERUSER';
        END IF;
    END IF;
    RETURN true;
END $$;
CREATE DOMAIN pg_temp.d_text AS text CHECK (pg_temp.pwn(VALUE));
CREATE DOMAIN pg_temp.d_int AS int CHECK (pg_temp.pwn(VALUE::text));
CREATE DOMAIN pg_temp.d_bigint AS bigint CHECK (pg_temp.pwn(VALUE::text));
-- keys converted to this domain would fail its CHECK
CREATE DOMAIN pg_temp.d_neg AS int CHECK (pg_temp.pwn(VALUE::text) AND (VALUE IS NULL OR VALUE < 0));
CREATE TYPE pg_temp.comp AS (a int, b text);
CREATE TYPE pg_temp.mood AS ENUM ('sad', 'happy');
CREATE TYPE pg_temp.frange AS RANGE (subtype = float8);
-- one row of samples: its columns are Vars of each type in the cases
CREATE TEMP TABLE samples (i int, t text, b bigint, di pg_temp.d_int, dt pg_temp.d_text,
    db pg_temp.d_bigint, dn pg_temp.d_neg, c pg_temp.comp, m pg_temp.mood, r pg_temp.frange,
    a int[], vc varchar, f hw.folder_id, s hw.slug);
INSERT INTO samples VALUES (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'sad', NULL, NULL, NULL, NULL, NULL);
CREATE TEMP TABLE policy_src (src text);
INSERT INTO policy_src VALUES (:'spec_policy');
-- a case-insensitive collation (rbac._in compares bytes; an index condition
-- under this collation must stay lossy)
CREATE COLLATION pg_temp.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TEMP TABLE ci_names (s text COLLATE pg_temp.ci PRIMARY KEY);
INSERT INTO ci_names VALUES ('alice'), ('Bob'), ('carol');
ANALYZE ci_names;

-- The harness: runs a case's statements as this role, in a subtransaction
-- that is always rolled back, and says what happened.
CREATE FUNCTION pg_temp.try(steps text[]) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    res text;
    outcome text;
    ran0 bigint; ran1 bigint; oth0 bigint; oth1 bigint; own0 bigint; own1 bigint;
    i int;
BEGIN
    PERFORM rbac.set_actor('User:mallory');
    ran0 := nextval('pg_temp.check_ran');
    oth0 := nextval('pg_temp.check_as_other');
    own0 := nextval('hw.owner_code_as_superuser');
    BEGIN
        FOR i IN 1 .. cardinality(steps) - 1 LOOP
            EXECUTE steps[i];
        END LOOP;
        IF steps[cardinality(steps)] ~* '^\s*(select|with|values|table)\M' THEN
            EXECUTE 'SELECT string_agg(coalesce(regexp_replace(pg_catalog.left(v::text, 60), ''\s+'', '' '', ''g''), ''NULL''), '' | '') FROM ('
                    || steps[cardinality(steps)] || ') r(v)' INTO res;
            outcome := 'ok: ' || coalesce(res, '(no rows)');
        ELSE
            EXECUTE steps[cardinality(steps)];
            outcome := 'ok';
        END IF;
        RAISE EXCEPTION 'roll back the case' USING ERRCODE = 'HX001';
    EXCEPTION
        WHEN SQLSTATE 'HX001' THEN NULL;
        WHEN OTHERS THEN
            outcome := 'ERROR ' || SQLSTATE ||
                CASE WHEN SQLSTATE LIKE 'XX%' OR SQLSTATE LIKE '58%' THEN ': ' || SQLERRM ELSE '' END;
    END;
    ran1 := nextval('pg_temp.check_ran');
    oth1 := nextval('pg_temp.check_as_other');
    own1 := nextval('hw.owner_code_as_superuser');
    IF ran1 - ran0 > 1 THEN
        outcome := outcome || ' [caller''s domain check ran ' || (ran1 - ran0 - 1) || 'x]';
    END IF;
    IF oth1 - oth0 > 1 THEN
        outcome := outcome || ' [AS ANOTHER ROLE]';
    END IF;
    IF own1 - own0 > 1 THEN
        outcome := outcome || ' [OWNER CODE AS SUPERUSER]';
    END IF;
    RETURN outcome;
END $$;

CREATE TEMP TABLE cases (id serial PRIMARY KEY, fn regprocedure NOT NULL, label text NOT NULL,
                         steps text[] NOT NULL);

-- Generated cases: each argument in turn replaced by hostile values (the
-- others valid), called over one row of samples (so s.* are Vars).
CREATE TEMP TABLE baseline (fn regprocedure PRIMARY KEY, args text[] NOT NULL);
INSERT INTO baseline VALUES
  ('rbac.is_allowed(text,text)', ARRAY['''read''', '''Repository:3''']),
  ('rbac.authorize(text,text)', ARRAY['''read''', '''Repository:3''']),
  ('rbac.authorized_actions(text)', ARRAY['''Repository:3''']),
  ('rbac.authorized_roles(text)', ARRAY['''Repository:3''']),
  ('rbac.authorized_resources(text,text)', ARRAY['''read''', '''Repository''']),
  ('rbac.explain(text,text)', ARRAY['''read''', '''Repository:3''']),
  ('rbac.validate_policy(text,boolean)', ARRAY['(SELECT src FROM pg_temp.policy_src)']),
  ('rbac.policy_source()', '{}'),
  ('rbac.policy_graph()', '{}'),
  ('rbac.assign_role(text,text,text,timestamptz)', ARRAY['''User:bob''', '''reader''', '''Repository:3''', 'NULL::timestamptz']),
  ('rbac.remove_role(text,text,text)', ARRAY['''User:mallory''', '''admin''', '''Repository:3''']),
  ('rbac.assignments(text,text)', ARRAY['''User:mallory''', 'NULL::text']),
  ('rbac.add_member(text,text)', ARRAY['''Group:eng''', '''User:bob''']),
  ('rbac.remove_member(text,text)', ARRAY['''Group:eng''', '''User:mallory''']),
  ('rbac.members(text,boolean)', ARRAY['''Group:eng''', 'false']),
  ('rbac.groups_of(text)', ARRAY['''User:mallory''']),
  ('rbac.create_role(text,text,text[],text[])', ARRAY['''Repository:3''', '''triager''', 'ARRAY[''read'']', '''{}''::text[]']),
  ('rbac.drop_role(text,text,boolean)', ARRAY['''Organization:acme''', '''auditor''', 'false']),
  ('rbac.roles(text)', ARRAY['''Repository:3''']),
  ('rbac.set_actor_token(text,boolean)', ARRAY['''eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJVc2VyOnJvb3QifQ.AAAA''', 'false']),
  ('rbac.current_actor()', '{}'),
  ('rbac.reset_actor()', '{}'),
  ('rbac.filter(text,text,text)', ARRAY['''read''', '''Repository''', 'NULL::text']),
  ('rbac._keys(text,text,anyelement)', ARRAY['''Repository''', '''read''', 's.i']),
  ('rbac._keys_own(text,text,anyelement)', ARRAY['''Repository''', '''read''', 's.i']),
  ('rbac._keys_direct(text,text,anyelement)', ARRAY['''Repository''', '''admin''', 's.i']),
  ('rbac._keys_path(text,text[],text,anyelement)', ARRAY['''Issue''', 'ARRAY[''repository'']', '''read''', 's.i']),
  ('rbac._has_global(text)', ARRAY['''superadmin''']),
  ('rbac._actor_key(text,anyelement)', ARRAY['''User''', 's.t']),
  ('rbac._actor_id()', '{}'),
  ('rbac._actor_type()', '{}'),
  ('rbac._lastmile_row(text,integer,text)', ARRAY['''Repository''', '1', '''4''']),
  ('rbac._in(anyelement,anyarray,text)', ARRAY['3', 'ARRAY[1, 3]', '''k|Repository|read''']),
  ('rbac._in_lazy(anyelement,text,anyelement)', ARRAY['3', '''k|Repository|read''', 'NULL::int']),
  ('rbac._may_see(text,text,text,text)', ARRAY['''User''', '''mallory''', '''Repository''', '''3''']),
  ('rbac.test_policy(text)', ARRAY['(SELECT src FROM pg_temp.policy_src)']);

-- hostile values by argument type
CREATE TEMP TABLE hostile_value (argtype regtype, expr text, ord int);
INSERT INTO hostile_value
SELECT 'text'::regtype, e, o FROM unnest(ARRAY[
  'NULL::text', '''''', ''':''', '''Repository:''', ''':3''', '''Repository''', '''Repository:3:3''',
  '''Repository: 3''', '''Repository:99999999999''', '''Repository:-0''', '''Nope:1''', 'E''Repository:3\n''',
  '''Repository:'' || repeat(''9'', 100000)', 'repeat(''x'', 1000000)', 's.t', 's.dt']) WITH ORDINALITY AS v(e, o)
UNION ALL
SELECT 'text[]'::regtype, e, o FROM unnest(ARRAY[
  'NULL::text[]', '''{}''::text[]', '''{NULL}''::text[]', 'ARRAY[''read'', NULL]', '''{{read,push},{read,push}}''::text[]',
  '''[7:7]={read}''::text[]', 'ARRAY[repeat(''x'', 100000)]', 'array_fill(''read''::text, ARRAY[100000])']) WITH ORDINALITY AS v(e, o)
UNION ALL
SELECT 'boolean'::regtype, e, o FROM unnest(ARRAY['NULL::boolean']) WITH ORDINALITY AS v(e, o)
UNION ALL
SELECT 'integer'::regtype, e, o FROM unnest(ARRAY['NULL::int', '0', '-1', '2147483647', 's.di']) WITH ORDINALITY AS v(e, o)
UNION ALL
SELECT 'timestamptz'::regtype, e, o FROM unnest(ARRAY['NULL::timestamptz', '''-infinity''::timestamptz', '''infinity''::timestamptz'])
  WITH ORDINALITY AS v(e, o)
UNION ALL
SELECT 'anyelement'::regtype, e, o FROM unnest(ARRAY[
  'NULL::int', 's.i', 's.t', 's.b', 's.vc', 's.di', 's.dt', 's.db', 's.dn', 'NULL::pg_temp.d_int', 's.c', 's.m', 's.r',
  's.a', 's.f', 's.s', 'ROW(1, 2)', 'NULL::int4range']) WITH ORDINALITY AS v(e, o)
UNION ALL
SELECT 'anyarray'::regtype, e, o FROM unnest(ARRAY[
  'NULL::int[]', '''{}''::int[]', '''{NULL}''::int[]', 'ARRAY[1, NULL]', '''[5:6]={1,3}''::int[]', '''{{1,2},{3,4}}''::int[]',
  'ARRAY(SELECT generate_series(1, 100000))', 'ARRAY[s.i]', 'ARRAY[1, 3]::bigint[]', 'ARRAY[''3'']::text[]']) WITH ORDINALITY AS v(e, o);

-- the call of fn with args, as a query over samples returning one column
CREATE FUNCTION pg_temp.call_sql(f regprocedure, args text[]) RETURNS text LANGUAGE sql AS $$
SELECT CASE
    WHEN p.proretset THEN
        'SELECT count(*) FROM pg_temp.samples s, LATERAL ' || f::regproc::text || '(' || array_to_string(args, ', ') || ')'
    WHEN p.prorettype = 'anyarray'::regtype THEN
        'SELECT coalesce(cardinality(' || f::regproc::text || '(' || array_to_string(args, ', ') || ')), 0) FROM pg_temp.samples s'
    ELSE
        'SELECT ' || f::regproc::text || '(' || array_to_string(args, ', ') || ') FROM pg_temp.samples s'
    END
FROM pg_proc p WHERE p.oid = f $$;

INSERT INTO cases (fn, label, steps)
SELECT b.fn, 'valid arguments', ARRAY[pg_temp.call_sql(b.fn, b.args)]
FROM baseline b ORDER BY b.fn::text;
INSERT INTO cases (fn, label, steps)
SELECT b.fn, 'arg ' || k || ' = ' || h.expr,
       ARRAY[pg_temp.call_sql(b.fn, b.args[:k - 1] || h.expr || b.args[k + 1:])]
FROM baseline b
JOIN pg_proc p ON p.oid = b.fn
CROSS JOIN LATERAL generate_series(1, p.pronargs) k
JOIN hostile_value h ON h.argtype = p.proargtypes[k - 1]
ORDER BY b.fn::text, k, h.ord;

-- The same calls with no actor (after rbac.reset_actor)
INSERT INTO cases (fn, label, steps)
SELECT b.fn, 'no actor, valid arguments', ARRAY['SELECT rbac.reset_actor()', pg_temp.call_sql(b.fn, b.args)]
FROM baseline b ORDER BY b.fn::text;

-- Hand-written cases ------------------------------------------------------
CREATE FUNCTION pg_temp.add(f regprocedure, label text, VARIADIC steps text[]) RETURNS void
LANGUAGE sql AS $$ INSERT INTO pg_temp.cases (fn, label, steps) VALUES (f, label, steps) $$;
\set keys 'rbac._keys(text,text,anyelement)'
\set own 'rbac._keys_own(text,text,anyelement)'
\set direct 'rbac._keys_direct(text,text,anyelement)'
\set path 'rbac._keys_path(text,text[],text,anyelement)'
\set in 'rbac._in(anyelement,anyarray,text)'
\set lazy 'rbac._in_lazy(anyelement,text,anyelement)'
\set row_checks 'SET LOCAL rbac.rls_check_budget = 2000000000'
\set set_at_once 'SET LOCAL rbac.rls_check_budget = 0'
\set actor_key 'rbac._actor_key(text,anyelement)'
\set no_scan 'SET LOCAL enable_seqscan = off'
\set no_bitmap 'SET LOCAL enable_bitmapscan = off'
\o /dev/null

-- rbac._keys*: the sample's type must be the key column's (a domain counts
-- as its base type, and its CHECK never runs); finding 1 and 4
SELECT pg_temp.add(:'keys', 'int keys', $q$SELECT array(SELECT unnest(rbac._keys('Repository', 'read', NULL::int)) ORDER BY 1)$q$);
SELECT pg_temp.add(:'keys', 'int keys, domain sample (Var)', $q$SELECT array(SELECT unnest(rbac._keys('Repository', 'read', s.di)) ORDER BY 1) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'keys', 'int keys, domain sample (cast)', $q$SELECT array(SELECT unnest(rbac._keys('Repository', 'read', NULL::pg_temp.d_int)) ORDER BY 1)$q$);
SELECT pg_temp.add(:'keys', 'int keys, domain whose CHECK the keys fail', $q$SELECT array(SELECT unnest(rbac._keys('Repository', 'read', s.dn)) ORDER BY 1) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'keys', 'int keys, text sample', $q$SELECT rbac._keys('Repository', 'read', NULL::text)$q$);
SELECT pg_temp.add(:'keys', 'int keys, text domain sample (finding 1)', $q$SELECT rbac._keys('Repository', 'read', NULL::pg_temp.d_text)$q$);
SELECT pg_temp.add(:'keys', 'int keys, bigint sample', $q$SELECT rbac._keys('Repository', 'read', NULL::bigint)$q$);
SELECT pg_temp.add(:'keys', 'int keys, int[] sample', $q$SELECT rbac._keys('Repository', 'read', NULL::int[])$q$);
SELECT pg_temp.add(:'keys', 'int keys, composite sample', $q$SELECT rbac._keys('Repository', 'read', s.c) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'keys', 'int keys, enum sample', $q$SELECT rbac._keys('Repository', 'read', s.m) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'keys', 'int keys, range sample', $q$SELECT rbac._keys('Repository', 'read', s.r) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'keys', 'text keys (owner''s domain), text domain sample', $q$SELECT rbac._keys('Organization', 'read', NULL::pg_temp.d_text)$q$);
SELECT pg_temp.add(:'keys', 'text keys, the owner''s domain as sample', $q$SELECT rbac._keys('Organization', 'read', s.s) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'keys', 'text keys, text sample', $q$SELECT rbac._keys('Organization', 'read', NULL::text)$q$);
SELECT pg_temp.add(:'keys', 'text keys, varchar sample', $q$SELECT rbac._keys('Organization', 'read', NULL::varchar)$q$);
SELECT pg_temp.add(:'keys', 'text keys, name sample', $q$SELECT rbac._keys('Organization', 'read', NULL::name)$q$);
SELECT pg_temp.add(:'keys', 'domain keys, int sample', $q$SELECT array(SELECT unnest(rbac._keys('Folder', 'read', NULL::int)) ORDER BY 1)$q$);
SELECT pg_temp.add(:'keys', 'domain keys, the owner''s domain as sample', $q$SELECT array(SELECT unnest(rbac._keys('Folder', 'read', s.f)) ORDER BY 1) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'keys', 'bigint keys', $q$SELECT array(SELECT unnest(rbac._keys('Issue', 'read', NULL::bigint)) ORDER BY 1)$q$);
SELECT pg_temp.add(:'keys', 'bigint keys, int sample', $q$SELECT rbac._keys('Issue', 'read', NULL::int)$q$);
SELECT pg_temp.add(:'keys', 'bigint keys, bigint domain sample', $q$SELECT array(SELECT unnest(rbac._keys('Issue', 'read', s.db)) ORDER BY 1) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'keys', 'relation to an actor type', $q$SELECT rbac._keys('Issue', 'creator', NULL::bigint)$q$);
SELECT pg_temp.add(:'keys', 'relation to a resource type', $q$SELECT rbac._keys('Repository', 'parent', NULL::int)$q$);
SELECT pg_temp.add(:'keys', 'type without terms', $q$SELECT rbac._keys('User', 'read', NULL::text)$q$);
SELECT pg_temp.add(:'keys', 'unknown type', $q$SELECT rbac._keys('Nope', 'read', NULL::int)$q$);
SELECT pg_temp.add(:'keys', 'NULL type: NULL or empty', $q$SELECT coalesce(cardinality(rbac._keys(NULL, 'read', NULL::int)), 0) = 0$q$);
SELECT pg_temp.add(:'keys', 'NULL term: NULL or empty', $q$SELECT coalesce(cardinality(rbac._keys('Repository', NULL, NULL::int)), 0) = 0$q$);
SELECT pg_temp.add(:'keys', 'type and term from Vars',
  $q$SELECT string_agg(coalesce(cardinality(rbac._keys(v.t, v.p, NULL::int)), 0)::text, ',' ORDER BY v.o) FROM (VALUES (1, 'Repository', 'read'), (2, NULL, 'read'), (3, 'Repository', NULL), (4, 'Folder', 'read')) v(o, t, p)$q$);
SELECT pg_temp.add(:'keys', 'type from a volatile expression', $q$SELECT cardinality(rbac._keys(CASE WHEN random() < 2 THEN 'Repository' END, 'read', NULL::int))$q$);
SELECT pg_temp.add(:'keys', 'in a generated policy''s shape, per row',
  $q$SELECT count(*) FROM hw.repositories r WHERE r.id = ANY (rbac._keys('Repository', 'read', r.id))$q$);

SELECT pg_temp.add(:'own', 'int keys: rbac._keys''s without join tables', $q$SELECT array(SELECT unnest(rbac._keys_own('Repository', 'read', NULL::int)) ORDER BY 1) = array(SELECT unnest(rbac._keys('Repository', 'read', NULL::int)) ORDER BY 1)$q$);
SELECT pg_temp.add(:'own', 'int keys, text domain sample', $q$SELECT array(SELECT unnest(rbac._keys_own('Repository', 'read', NULL::pg_temp.d_text)) ORDER BY 1)$q$);
SELECT pg_temp.add(:'own', 'text keys, enum sample', $q$SELECT rbac._keys_own('Organization', 'read', s.m) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'own', 'domain keys', $q$SELECT array(SELECT unnest(rbac._keys_own('Folder', 'read', s.f)) ORDER BY 1) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'own', 'relation to an actor type', $q$SELECT rbac._keys_own('Issue', 'creator', NULL::bigint)$q$);
SELECT pg_temp.add(:'own', 'unknown type', $q$SELECT rbac._keys_own('Nope', 'read', NULL::int)$q$);
SELECT pg_temp.add(:'own', 'NULL term: NULL or empty', $q$SELECT coalesce(cardinality(rbac._keys_own('Repository', NULL, NULL::int)), 0) = 0$q$);
SELECT pg_temp.add(:'lazy', 'an o hint: the set of rbac._keys_own', $q$SELECT array_agg(r.id ORDER BY r.id) FROM hw.repositories r WHERE rbac._in_lazy(r.id, 'o|Repository|read', NULL::int)$q$);

SELECT pg_temp.add(:'direct', 'int keys', $q$SELECT rbac._keys_direct('Repository', 'admin', NULL::int)$q$);
SELECT pg_temp.add(:'direct', 'int keys, domain sample', $q$SELECT rbac._keys_direct('Repository', 'admin', s.dn) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'direct', 'int keys, text domain sample', $q$SELECT rbac._keys_direct('Repository', 'admin', s.dt) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'direct', 'text keys, text domain sample', $q$SELECT rbac._keys_direct('Organization', 'member', s.dt) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'direct', 'text keys, enum sample', $q$SELECT rbac._keys_direct('Organization', 'member', s.m) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'direct', 'domain keys', $q$SELECT rbac._keys_direct('Folder', 'viewer', s.f) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'direct', 'relation term', $q$SELECT rbac._keys_direct('Issue', 'creator', NULL::bigint)$q$);
SELECT pg_temp.add(:'direct', 'NULL type: NULL or empty', $q$SELECT coalesce(cardinality(rbac._keys_direct(NULL, 'admin', NULL::int)), 0) = 0$q$);
SELECT pg_temp.add(:'direct', 'NULL term: NULL or empty', $q$SELECT coalesce(cardinality(rbac._keys_direct('Repository', NULL, NULL::int)), 0) = 0$q$);

SELECT pg_temp.add(:'path', 'one hop', $q$SELECT array(SELECT unnest(rbac._keys_path('Issue', ARRAY['repository'], 'read', NULL::int)) ORDER BY 1)$q$);
SELECT pg_temp.add(:'path', 'two hops', $q$SELECT array(SELECT unnest(rbac._keys_path('Issue', ARRAY['repository', 'parent'], 'member', NULL::int)) ORDER BY 1)$q$);
SELECT pg_temp.add(:'path', 'two hops, text domain sample', $q$SELECT rbac._keys_path('Issue', ARRAY['repository', 'parent'], 'member', s.dt) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'path', 'to the owner''s domain keys, text domain sample', $q$SELECT rbac._keys_path('Repository', ARRAY['parent'], 'member', s.dt) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'path', 'to the owner''s domain keys, the owner''s domain', $q$SELECT rbac._keys_path('Repository', ARRAY['parent'], 'member', s.s) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'path', 'self-referential, three hops', $q$SELECT array(SELECT unnest(rbac._keys_path('Folder', ARRAY['parent', 'parent', 'parent'], 'viewer', NULL::int)) ORDER BY 1)$q$);
SELECT pg_temp.add(:'path', 'self-referential, 10,000 hops', $q$SELECT rbac._keys_path('Folder', array_fill('parent'::text, ARRAY[10000]), 'viewer', NULL::int)$q$);
SELECT pg_temp.add(:'path', 'NULL hop (finding 4)', $q$SELECT rbac._keys_path('Issue', ARRAY[NULL]::text[], 'read', NULL::int)$q$);
SELECT pg_temp.add(:'path', 'NULL second hop', $q$SELECT rbac._keys_path('Issue', ARRAY['repository', NULL], 'read', NULL::int)$q$);
SELECT pg_temp.add(:'path', 'NULL hop, bound sample', $q$SELECT rbac._keys_path('Issue', '{NULL,parent}', 'member', s.i) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'path', 'empty path', $q$SELECT rbac._keys_path('Issue', '{}', 'read', NULL::int)$q$);
SELECT pg_temp.add(:'path', 'two-dimensional path', $q$SELECT rbac._keys_path('Issue', '{{repository},{parent}}', 'member', NULL::int)$q$);
SELECT pg_temp.add(:'path', 'path through an actor type', $q$SELECT rbac._keys_path('Issue', ARRAY['creator', 'parent'], 'read', NULL::text)$q$);
SELECT pg_temp.add(:'path', 'hop that is a permission', $q$SELECT rbac._keys_path('Issue', ARRAY['read'], 'read', NULL::int)$q$);
SELECT pg_temp.add(:'path', 'term that is a relation', $q$SELECT rbac._keys_path('Issue', ARRAY['repository'], 'parent', NULL::int)$q$);
SELECT pg_temp.add(:'path', 'NULL type: NULL or empty', $q$SELECT coalesce(cardinality(rbac._keys_path(NULL, ARRAY['repository'], 'read', NULL::int)), 0) = 0$q$);
SELECT pg_temp.add(:'path', 'NULL path: NULL or empty', $q$SELECT coalesce(cardinality(rbac._keys_path('Issue', NULL, 'read', NULL::int)), 0) = 0$q$);
SELECT pg_temp.add(:'path', 'NULL term: NULL or empty', $q$SELECT coalesce(cardinality(rbac._keys_path('Issue', ARRAY['repository'], NULL, NULL::int)), 0) = 0$q$);
SELECT pg_temp.add(:'path', 'path from a Var', $q$SELECT string_agg(coalesce(cardinality(rbac._keys_path('Issue', v.p, 'read', NULL::int)), -1)::text, ',' ORDER BY v.o) FROM (VALUES (1, ARRAY['repository']), (2, ARRAY['repository']::text[])) v(o, p)$q$);

-- rbac._in and its planner support (finding 3): Vars of the scanned
-- relation and volatile expressions must never become index conditions
SELECT pg_temp.add(:'in', 'keys from a Var of the scanned relation (finding 3)', :'no_scan', :'no_bitmap',
  $q$SELECT count(*) = (SELECT count(*) FROM pg_class) FROM pg_class c WHERE rbac._in(c.oid, ARRAY[c.oid], 'x')$q$);
SELECT pg_temp.add(:'in', 'keys from another Var of the scanned relation', :'no_scan', :'no_bitmap',
  $q$SELECT count(*) FROM pg_class c WHERE rbac._in(c.oid, ARRAY[c.reltype], 'x') AND c.oid = 'pg_class'::regclass$q$);
SELECT pg_temp.add(:'in', 'keys from a Var, bitmap scan', :'no_scan',
  $q$SELECT count(*) = (SELECT count(*) FROM pg_class) FROM pg_class c WHERE rbac._in(c.oid, ARRAY[c.oid], 'x')$q$);
SELECT pg_temp.add(:'in', 'keys from a correlated subquery', :'no_scan', :'no_bitmap',
  $q$SELECT count(*) = (SELECT count(*) FROM pg_class) FROM pg_class c WHERE rbac._in(c.oid, (SELECT array_agg(c2.oid) FROM pg_class c2 WHERE c2.oid = c.oid), 'x')$q$);
SELECT pg_temp.add(:'in', 'keys from a volatile expression', :'no_scan', :'no_bitmap',
  $q$SELECT count(*) FROM pg_class c WHERE rbac._in(c.oid, ARRAY[('pg_class'::regclass::int + (random() * 0)::int)::oid], 'x')$q$);
SELECT pg_temp.add(:'in', 'keys from a stable function of a Var', :'no_scan', :'no_bitmap',
  $q$SELECT count(*) FROM hw.repositories r WHERE rbac._in(r.id, rbac._keys('Repository', 'read', r.id), 'k|Repository|read')$q$);
SELECT pg_temp.add(:'in', 'keys from the other side of a join', :'no_scan', :'no_bitmap',
  $q$SELECT count(*) FROM hw.repositories r JOIN hw.issues i ON rbac._in(i.repo_id, ARRAY[r.id], 'x')$q$);
SELECT pg_temp.add(:'in', 'keys from an InitPlan', :'no_scan', :'no_bitmap',
  $q$SELECT count(*) FROM hw.repositories r WHERE rbac._in(r.id, (SELECT rbac._keys('Repository', 'read', NULL::int)), 'k|Repository|read')$q$);
SELECT pg_temp.add(:'in', 'keys and value from a function scan',
  $q$SELECT count(*) FROM generate_series(1, 5) v WHERE rbac._in(v, ARRAY[v, 1], 'x')$q$);
SELECT pg_temp.add(:'in', 'keys built per row, sequential scan',
  $q$SELECT count(*) FROM hw.repositories r WHERE rbac._in(r.id, ARRAY[r.id], 'x')$q$);
SELECT pg_temp.add(:'in', 'hint from a Var', :'no_scan', :'no_bitmap',
  $q$SELECT count(*) FROM pg_class c WHERE rbac._in(c.oid, ARRAY['pg_class'::regclass::oid], c.relname::text)$q$);
SELECT pg_temp.add(:'in', 'hint from a volatile expression', :'no_scan', :'no_bitmap',
  $q$SELECT count(*) FROM pg_class c WHERE rbac._in(c.oid, ARRAY['pg_class'::regclass::oid], random()::text)$q$);
SELECT pg_temp.add(:'in', 'name column, index scan', :'no_scan', :'no_bitmap',
  $q$SELECT count(*) FROM pg_class c WHERE rbac._in(c.relname, ARRAY['pg_class'::name], 'x')$q$);
SELECT pg_temp.add(:'in', 'nondeterministic collation, index scan', :'no_scan', :'no_bitmap',
  $q$SELECT count(*) FROM pg_temp.ci_names n WHERE rbac._in(n.s, ARRAY['ALICE', 'Bob'], 'x')$q$);
SELECT pg_temp.add(:'in', 'nondeterministic collation, sequential scan',
  $q$SELECT count(*) FROM pg_temp.ci_names n WHERE rbac._in(n.s, ARRAY['ALICE', 'Bob'], 'x')$q$);
SELECT pg_temp.add(:'in', 'composite values', $q$SELECT rbac._in(ROW(1, 'a')::pg_temp.comp, ARRAY[ROW(1, 'a')::pg_temp.comp], 'x')$q$);
SELECT pg_temp.add(:'in', 'composite NULL value', $q$SELECT rbac._in(s.c, ARRAY[s.c], 'x') FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'in', 'enum values', $q$SELECT rbac._in(s.m, ARRAY['happy', 'sad']::pg_temp.mood[], 'x') FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'in', 'range values', $q$SELECT rbac._in('[1,2)'::pg_temp.frange, ARRAY['[1,2)'::pg_temp.frange], 'x')$q$);
SELECT pg_temp.add(:'in', 'domain value', $q$SELECT rbac._in(3::pg_temp.d_int, ARRAY[1, 3], 'x')$q$);
SELECT pg_temp.add(:'in', 'domain value (Var)', $q$SELECT rbac._in(s.di, ARRAY[1, 3], 'x') FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'in', 'domain values and keys (Vars)', $q$SELECT rbac._in(s.di, ARRAY[s.di], 'x') FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'in', 'array values', $q$SELECT rbac._in(ARRAY[1], ARRAY[ARRAY[1]], 'x')$q$);
SELECT pg_temp.add(:'in', 'two-dimensional keys', $q$SELECT rbac._in(3, '{{1,2},{3,4}}'::int[], 'x')$q$);
SELECT pg_temp.add(:'in', 'keys with a lower bound', $q$SELECT rbac._in(3, '[5:6]={1,3}'::int[], 'x')$q$);
SELECT pg_temp.add(:'in', 'NULL element, not matching', $q$SELECT rbac._in(2, ARRAY[1, NULL], 'x')$q$);
SELECT pg_temp.add(:'in', 'NULL element, matching', $q$SELECT rbac._in(1, ARRAY[NULL, 1], 'x')$q$);
SELECT pg_temp.add(:'in', '1,000,000 keys', $q$SELECT rbac._in(999999, ARRAY(SELECT generate_series(1, 1000000)), 'x')$q$);
SELECT pg_temp.add(:'in', 'text keys, huge value', $q$SELECT rbac._in(repeat('x', 1000000), ARRAY['x', repeat('x', 1000000)], 'x')$q$);
SELECT pg_temp.add(:'in', 'numeric keys', $q$SELECT rbac._in(1.5, ARRAY[1.5, 2], 'x')$q$);
SELECT pg_temp.add(:'in', 'over a generated policy''s table', :'no_scan', :'no_bitmap',
  $q$SELECT array_agg(r.id ORDER BY r.id) FROM hw.repositories r WHERE rbac._in(r.id, ARRAY[1, 3, 6], 'k|Repository|read')$q$);
SELECT pg_temp.add(:'in', 'relation column with the owner''s domain', :'no_scan', :'no_bitmap',
  $q$SELECT array_agg(r.id ORDER BY r.id) FROM hw.repositories r WHERE rbac._in(r.org_id, ARRAY['evil']::hw.slug[], 'k|Organization|read')$q$);

-- rbac._in_lazy: rows checked one at a time, or the set at once, must
-- answer alike; its index condition (rbac._keys of the hint and sample)
-- must never take a Var of the scanned relation or a volatile expression;
-- a hint that names no set (malformed, a path, unknown names) matches
-- nothing; the owner's domain CHECK never runs
SELECT pg_temp.add(:'lazy', 'repositories, rows one at a time', :'row_checks', :'no_scan', :'no_bitmap',
  $q$SELECT array_agg(r.id ORDER BY r.id) FROM hw.repositories r WHERE rbac._in_lazy(r.id, 'k|Repository|read', NULL::int)$q$);
SELECT pg_temp.add(:'lazy', 'repositories, the set at once', :'set_at_once', :'no_scan', :'no_bitmap',
  $q$SELECT array_agg(r.id ORDER BY r.id) FROM hw.repositories r WHERE rbac._in_lazy(r.id, 'k|Repository|read', NULL::int)$q$);
SELECT pg_temp.add(:'lazy', 'repositories, index condition', :'no_scan',
  $q$SELECT array_agg(r.id ORDER BY r.id) FROM hw.repositories r WHERE rbac._in_lazy(r.id, 'k|Repository|read', (SELECT NULL::int))$q$);
SELECT pg_temp.add(:'lazy', 'direct hint, rows one at a time', :'row_checks',
  $q$SELECT array_agg(r.id ORDER BY r.id) FROM hw.repositories r WHERE rbac._in_lazy(r.id, 'd|Repository|admin', NULL::int)$q$);
SELECT pg_temp.add(:'lazy', 'path hint: nothing', :'row_checks',
  $q$SELECT count(*) FROM hw.issues i WHERE rbac._in_lazy(i.repo_id, 'p|Issue|repository|read', NULL::int)$q$);
SELECT pg_temp.add(:'lazy', 'malformed hints: nothing',
  $q$SELECT string_agg(rbac._in_lazy(3, h, NULL::int)::text, ',' ORDER BY h) FROM unnest(ARRAY['', 'k', 'k|', 'k||read', 'k|Repository|', 'k|Nope|read', 'k|Repository|nope', 'x|Repository|read', 'k|Repository|read|x', 'k|Repository\'] ) h$q$);
SELECT pg_temp.add(:'lazy', 'hint from a Var', :'row_checks',
  $q$SELECT string_agg(rbac._in_lazy(r.id, h, NULL::int)::text, ',' ORDER BY r.id, h) FROM hw.repositories r, unnest(ARRAY['k|Repository|read', 'k|Repository|delete']) h$q$);
SELECT pg_temp.add(:'lazy', 'hint from a volatile expression', :'no_scan', :'no_bitmap',
  $q$SELECT count(*) FROM hw.repositories r WHERE rbac._in_lazy(r.id, 'k|Repository|read' || left(random()::text, 0), NULL::int)$q$);
SELECT pg_temp.add(:'lazy', 'sample from a Var of the scanned relation', :'no_scan',
  $q$SELECT array_agg(r.id ORDER BY r.id) FROM hw.repositories r WHERE rbac._in_lazy(r.id, 'k|Repository|read', r.id)$q$);
SELECT pg_temp.add(:'lazy', 'sample from a volatile expression', :'no_scan',
  $q$SELECT array_agg(r.id ORDER BY r.id) FROM hw.repositories r WHERE rbac._in_lazy(r.id, 'k|Repository|read', (random() * 0)::int)$q$);
SELECT pg_temp.add(:'lazy', 'sample from the other side of a join', :'no_scan',
  $q$SELECT count(*) FROM hw.repositories r JOIN hw.issues i ON rbac._in_lazy(i.repo_id, 'k|Repository|read', r.id)$q$);
SELECT pg_temp.add(:'lazy', 'bigint values of an int key', :'row_checks',
  $q$SELECT array_agg(v ORDER BY v) FROM generate_series(1::bigint, 8) v WHERE rbac._in_lazy(v, 'k|Repository|read', NULL::bigint)$q$);
SELECT pg_temp.add(:'lazy', 'text values of an int key', :'row_checks',
  $q$SELECT array_agg(v ORDER BY v) FROM unnest(ARRAY['1', '3', '03', ' 3', '6']) v WHERE rbac._in_lazy(v, 'k|Repository|read', NULL::text)$q$);
SELECT pg_temp.add(:'lazy', 'domain values (the owner''s CHECK)', :'row_checks',
  $q$SELECT array_agg(r.id ORDER BY r.id) FROM hw.repositories r WHERE rbac._in_lazy(r.org_id, 'k|Organization|member', NULL::hw.slug)$q$);
SELECT pg_temp.add(:'lazy', 'domain values, index condition', :'no_scan',
  $q$SELECT array_agg(r.id ORDER BY r.id) FROM hw.repositories r WHERE rbac._in_lazy(r.org_id, 'k|Organization|member', (SELECT NULL::hw.slug))$q$);
SELECT pg_temp.add(:'lazy', 'nondeterministic collation', :'row_checks',
  $q$SELECT count(*) FROM pg_temp.ci_names n WHERE rbac._in_lazy(n.s, 'k|Organization|member', NULL::text)$q$);
SELECT pg_temp.add(:'lazy', 'composite values', $q$SELECT rbac._in_lazy(ROW(1, 'a')::pg_temp.comp, 'k|Repository|read', NULL::pg_temp.comp)$q$);
SELECT pg_temp.add(:'lazy', 'huge value', :'row_checks', $q$SELECT rbac._in_lazy(repeat('9', 1000000), 'k|Organization|member', NULL::text)$q$);
SELECT pg_temp.add(:'lazy', 'the actor changes during the query', :'row_checks',
  $q$SELECT string_agg(rbac._in_lazy(3, 'k|Repository|read', NULL::int)::text, ',' ORDER BY o) FROM (SELECT o, rbac.set_actor(a) FROM unnest(ARRAY['User:mallory', 'User:nobody', 'User:mallory']) WITH ORDINALITY u(a, o) OFFSET 0) x$q$);
SELECT pg_temp.add(:'in', 'hints', :'no_scan', :'no_bitmap',
  $q$SELECT string_agg(v.n::text, ',' ORDER BY v.o) FROM (SELECT o, (SELECT count(*) FROM hw.issues i WHERE rbac._in(i.repo_id, ARRAY[1, 2, 3], h)) AS n FROM unnest(ARRAY['k|Repository|read', 'd|Repository|admin', 'p|Issue|repository|read', 'p|Issue|repository,parent|member', 'p|Folder|' || repeat('parent,', 2000) || '|viewer', 'p||||', '|||', '||', 'k|Nope|read', 'k|Repository|parent', 'k|Repository|', 'p|Issue|,|read', 'p|Issue|repository,,|read', repeat('k|Repository|read', 100), '', 'k', 'p|Issue|read|read']) WITH ORDINALITY AS h(h, o)) v$q$);
SELECT pg_temp.add(:'in', 'hints as constants', :'no_scan', :'no_bitmap',
  $q$SELECT count(*) FROM hw.issues i WHERE rbac._in(i.repo_id, ARRAY[1, 2, 3], 'p|Folder|parent,parent|viewer') AND rbac._in(i.id, ARRAY[10, 11, 12]::bigint[], 'p||,,,|') AND rbac._in(i.creator_id, ARRAY['alice', 'mallory'], '')$q$);
SELECT pg_temp.add(:'in', 'NULL hint, index scan', :'no_scan', :'no_bitmap',
  $q$SELECT count(*) FROM hw.issues i WHERE rbac._in(i.repo_id, ARRAY[1, 2, 3], NULL)$q$);
SELECT pg_temp.add(:'in', 'value and keys of different types', $q$SELECT rbac._in(1, ARRAY['1'], 'x')$q$);

-- rbac._actor_key: the actor's id as the sample's type (a domain: its base
-- type, without running its CHECK)
SELECT pg_temp.add(:'actor_key', 'text sample', $q$SELECT rbac._actor_key('User', NULL::text)$q$);
SELECT pg_temp.add(:'actor_key', 'text domain sample', $q$SELECT rbac._actor_key('User', s.dt) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'actor_key', 'the owner''s domain as sample', $q$SELECT rbac._actor_key('User', s.s) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'actor_key', 'int sample', $q$SELECT rbac._actor_key('User', NULL::int)$q$);
SELECT pg_temp.add(:'actor_key', 'name sample', $q$SELECT rbac._actor_key('User', NULL::name)$q$);
SELECT pg_temp.add(:'actor_key', 'composite sample', $q$SELECT rbac._actor_key('User', s.c) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'actor_key', 'enum sample', $q$SELECT rbac._actor_key('User', s.m) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'actor_key', 'range sample', $q$SELECT rbac._actor_key('User', s.r) FROM pg_temp.samples s$q$);
SELECT pg_temp.add(:'actor_key', 'array sample', $q$SELECT rbac._actor_key('User', NULL::text[])$q$);
SELECT pg_temp.add(:'actor_key', 'another type', $q$SELECT rbac._actor_key('Group', NULL::text)$q$);
SELECT pg_temp.add(:'actor_key', 'in a generated policy''s shape',
  $q$SELECT array_agg(i.id ORDER BY i.id) FROM hw.issues i WHERE i.creator_id = (SELECT rbac._actor_key('User', NULL::text))$q$);

-- rbac._lastmile_row
SELECT pg_temp.add('rbac._lastmile_row(text,integer,text)', 'rules and ids',
  $q$SELECT coalesce(string_agg(format('%s/%s/%s', t, r, i), ',' ORDER BY t, r, i) FILTER (WHERE rbac._lastmile_row(t, r, i)), 'none') FROM unnest(ARRAY['Repository', 'Issue', 'Folder', 'User']) t, unnest(ARRAY[-2147483648, -1, 0, 1, 2, 2147483647]) r, unnest(ARRAY['4', '3', '12', '2', 'x', '', '99999999999', ' 4']) i$q$);

-- Checks on a type whose key is the table owner's domain (finding 2): the
-- owner's CHECK must never run as a superuser
SELECT pg_temp.add('rbac.is_allowed(text,text)', 'domain-typed keys',
  $q$SELECT string_agg(CASE WHEN rbac.is_allowed('read', 'Folder:' || f) THEN 't' ELSE 'f' END, '' ORDER BY f) FROM generate_series(1, 5) f$q$);
SELECT pg_temp.add('rbac.is_allowed(text,text)', 'domain-typed relation column',
  $q$SELECT string_agg(CASE WHEN rbac.is_allowed(p, 'Repository:' || r) THEN 't' ELSE 'f' END, '' ORDER BY r, p) FROM generate_series(1, 6) r, unnest(ARRAY['read', 'push', 'delete']) p$q$);
SELECT pg_temp.add('rbac.explain(text,text)', 'domain-typed keys', $q$SELECT count(*) > 0 FROM rbac.explain('read', 'Folder:3')$q$);
SELECT pg_temp.add('rbac.authorized_resources(text,text)', 'domain-typed keys',
  $q$SELECT array_agg(r ORDER BY r) FROM rbac.authorized_resources('read', 'Folder') r$q$);
SELECT pg_temp.add('rbac.authorized_resources(text,text)', 'domain-typed relation column',
  $q$SELECT array_agg(r ORDER BY r) FROM rbac.authorized_resources('read', 'Repository') r$q$);
SELECT pg_temp.add('rbac.filter(text,text,text)', 'generated RLS over domain-typed keys',
  $q$SELECT array_agg(f.id ORDER BY f.id) FROM hw.folders f$q$);
SELECT pg_temp.add('rbac.filter(text,text,text)', 'generated RLS over a domain-typed relation column',
  $q$SELECT array_agg(r.id ORDER BY r.id) FROM hw.repositories r$q$);
SELECT pg_temp.add('rbac.filter(text,text,text)', 'generated RLS, three hops',
  $q$SELECT array_agg(i.id ORDER BY i.id) FROM hw.issues i$q$);
SELECT pg_temp.add('rbac.filter(text,text,text)', 'hostile aliases',
  $q$SELECT string_agg(length(rbac.filter('read', 'Repository', a))::text, ',') FROM unnest(ARRAY['a"b', 'x; DROP TABLE y', repeat('a', 100000), '']) a$q$);
SELECT pg_temp.add('rbac.assign_role(text,text,text,timestamptz)', 'delegated, into a domain-typed key',
  $q$SELECT rbac.assign_role('User:bob', 'viewer', 'Folder:2')$q$);
SELECT pg_temp.add('rbac.assign_role(text,text,text,timestamptz)', 'delegated, on the owner''s domain-typed key',
  $q$SELECT rbac.assign_role('User:bob', 'member', 'Organization:evil')$q$);

-- the policy parser: deep nesting and huge input
SELECT pg_temp.add('rbac.validate_policy(text,boolean)', 'deep parentheses',
  $q$SELECT count(*) FROM rbac.validate_policy('allow(a, b, c) if ' || repeat('(', 100000) || 'true' || repeat(')', 100000) || ';')$q$);
SELECT pg_temp.add('rbac.validate_policy(text,boolean)', 'deep negation',
  $q$SELECT count(*) FROM rbac.validate_policy('allow(a, b, c) if ' || repeat('not ', 100000) || 'true;')$q$);
SELECT pg_temp.add('rbac.validate_policy(text,boolean)', 'deep lists',
  $q$SELECT count(*) FROM rbac.validate_policy('resource R { roles = ' || repeat('[', 100000) || '"a"' || repeat(']', 100000) || '; }')$q$);
SELECT pg_temp.add('rbac.validate_policy(text,boolean)', 'deep dotted path',
  $q$SELECT count(*) FROM rbac.validate_policy('allow(a, b, c) if c' || repeat('.x', 100000) || ' = 1;')$q$);
SELECT pg_temp.add('rbac.validate_policy(text,boolean)', '5,000 types', $q$SELECT count(*) FROM rbac.validate_policy((SELECT string_agg(format('resource R%s { roles = ["a"]; permissions = ["p"]; "p" if "a"; }', g), E'\n') FROM generate_series(1, 5000) g))$q$);

-- tokens
SELECT pg_temp.add('rbac.set_actor_token(text,boolean)', 'malformed tokens',
  $q$SELECT string_agg(coalesce(t, 'NULL'), ',') FROM (SELECT rbac.set_actor_token(t) FROM unnest(ARRAY['.', '..', 'a.b.c']) t) x(t)$q$);
SELECT pg_temp.add('rbac.set_actor_token(text,boolean)', 'alg none',
  $q$SELECT rbac.set_actor_token('eyJhbGciOiJub25lIn0.eyJzdWIiOiJVc2VyOnJvb3QifQ.')$q$);
SELECT pg_temp.add('rbac.set_actor_token(text,boolean)', 'huge token',
  $q$SELECT rbac.set_actor_token(repeat('A', 1000000) || '.' || repeat('A', 1000000) || '.' || repeat('A', 1000000))$q$);
SELECT pg_temp.add('rbac.set_actor_token(text,boolean)', 'not base64',
  $q$SELECT rbac.set_actor_token('!!!.$$$.***')$q$);
SELECT pg_temp.add('rbac.set_actor_token(text,boolean)', 'a failed token leaves the actor',
  $q$DO $d$ BEGIN PERFORM rbac.set_actor_token('x.y.z'); EXCEPTION WHEN OTHERS THEN RAISE NOTICE '%', SQLSTATE; END $d$$q$,
  $q$SELECT rbac.current_actor()$q$);
SELECT pg_temp.add('rbac.reset_actor()', 'then every current-actor function',
  $q$SELECT rbac.reset_actor()$q$,
  $q$SELECT concat_ws(',', rbac.current_actor(), rbac._actor_id(), rbac._actor_type(), rbac._has_global('superadmin'), cardinality(rbac._keys('Repository', 'read', NULL::int)), rbac.is_allowed('read', 'Repository:4'))$q$);

-- Trigger functions on relations they do not belong to (finding 5).  The
-- role-data and bind trigger functions are not executable by PUBLIC:
-- attaching them to the caller's own relations is refused.
SELECT pg_temp.add('rbac._role_assignments_row()', 'attach to a temp view of text columns',
  'CREATE TEMP TABLE t (actor text, role text, resource text, expires_at timestamptz)',
  'CREATE TEMP VIEW v AS SELECT * FROM t',
  'CREATE TRIGGER x INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION rbac._role_assignments_row()',
  $q$INSERT INTO v VALUES ('User:mallory', 'owner', 'Organization:evil', NULL)$q$);
SELECT pg_temp.add('rbac._role_assignments_row()', 'attach to a temp view of int columns',
  'CREATE TEMP VIEW v AS SELECT 1::int AS actor, 2::bigint AS role, 3::int AS resource',
  'CREATE TRIGGER x INSTEAD OF DELETE ON v FOR EACH ROW EXECUTE FUNCTION rbac._role_assignments_row()',
  'DELETE FROM v');
SELECT pg_temp.add('rbac._role_assignments_stmt()', 'attach to a temp table',
  'CREATE TEMP TABLE t (actor text, role text, resource text, expires_at timestamptz)',
  'CREATE TRIGGER x BEFORE INSERT ON t FOR EACH STATEMENT EXECUTE FUNCTION rbac._role_assignments_stmt()',
  $q$INSERT INTO t VALUES ('User:mallory', 'owner', 'Organization:evil', NULL)$q$);
SELECT pg_temp.add('rbac._bound_delete()', 'attach to a temp table',
  'CREATE TEMP TABLE t (id int)',
  'CREATE TRIGGER x AFTER DELETE ON t REFERENCING OLD TABLE AS rbac_old FOR EACH STATEMENT EXECUTE FUNCTION rbac._bound_delete()',
  'DELETE FROM t');
SELECT pg_temp.add('rbac._bound_truncate()', 'attach to a temp table',
  'CREATE TEMP TABLE t (id int)',
  'CREATE TRIGGER x AFTER TRUNCATE ON t FOR EACH STATEMENT EXECUTE FUNCTION rbac._bound_truncate()',
  'TRUNCATE t');
SELECT pg_temp.add('rbac._audit_append_only()', 'attach to a temp table, update',
  'CREATE TEMP TABLE t (id int)', 'INSERT INTO t VALUES (1)',
  'CREATE TRIGGER x BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION rbac._audit_append_only()',
  'UPDATE t SET id = 2');
SELECT pg_temp.add('rbac._audit_append_only()', 'attach to a temp view, insert',
  'CREATE TEMP VIEW v AS SELECT 1 AS id',
  'CREATE TRIGGER x INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION rbac._audit_append_only()',
  'INSERT INTO v VALUES (2)');
SELECT pg_temp.add('rbac._audit_append_only()', 'attach to a temp table, after insert',
  'CREATE TEMP TABLE t (id int)',
  'CREATE TRIGGER x AFTER INSERT ON t FOR EACH STATEMENT EXECUTE FUNCTION rbac._audit_append_only()',
  'INSERT INTO t VALUES (1)');
SELECT pg_temp.add('rbac._on_sql_drop()', 'attach as an event trigger',
  'CREATE EVENT TRIGGER regress_hostile_evt ON sql_drop EXECUTE FUNCTION rbac._on_sql_drop()');
SELECT pg_temp.add('rbac._on_sql_drop()', 'attach as a table trigger',
  'CREATE TEMP TABLE t (id int)',
  'CREATE TRIGGER x AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION rbac._on_sql_drop()');
SELECT pg_temp.add('rbac._in_support(internal)', 'as the support function of the caller''s function',
  $q$CREATE FUNCTION pg_temp.my_in(int, int[], text) RETURNS boolean LANGUAGE sql SUPPORT rbac._in_support AS 'SELECT $1 = ANY ($2)'$q$);
SELECT pg_temp.add('rbac._in_support(internal)', 'called from SQL', $q$SELECT rbac._in_support(NULL)$q$);
SELECT pg_temp.add('rbac._in_support(internal)', 'planned through rbac._in with every argument a Var', :'no_scan', :'no_bitmap',
  $q$SELECT count(*) FROM hw.issues i, hw.repositories r WHERE rbac._in(i.repo_id, ARRAY[r.id], r.org_id::text)$q$);
-- rbac._move_guard stays PUBLIC (PostgreSQL clones it to new partitions as
-- their creator): attached by the caller to its own tables it only guards
-- them, and refuses any other use
SELECT pg_temp.add('rbac._move_guard()', 'attach without arguments',
  'CREATE TEMP TABLE t (id int, org_id text)', 'INSERT INTO t VALUES (1, $$acme$$)',
  'CREATE TRIGGER x BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION rbac._move_guard()',
  $q$UPDATE t SET org_id = 'evil'$q$);
SELECT pg_temp.add('rbac._move_guard()', 'attach as an AFTER INSERT trigger',
  'CREATE TEMP TABLE t (id int, org_id text)',
  $q$CREATE TRIGGER x AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION rbac._move_guard('Repository', '')$q$,
  $q$INSERT INTO t VALUES (1, 'acme')$q$);
SELECT pg_temp.add('rbac._move_guard()', 'attach to a table without row level security',
  'CREATE TEMP TABLE t (id int, org_id text)', $q$INSERT INTO t VALUES (1, 'acme')$q$,
  $q$CREATE TRIGGER x BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION rbac._move_guard('Repository', 'read')$q$,
  $q$UPDATE t SET org_id = 'evil' RETURNING org_id$q$);
SELECT pg_temp.add('rbac._move_guard()', 'attach with an unknown type',
  'CREATE TEMP TABLE t (id int, org_id text)', $q$INSERT INTO t VALUES (1, 'acme')$q$,
  $q$CREATE TRIGGER x BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION rbac._move_guard(NULL, NULL)$q$,
  $q$UPDATE t SET org_id = 'evil' RETURNING org_id$q$);
-- called directly
SELECT pg_temp.add(f, 'called directly', 'SELECT ' || f::regproc::text || '()')
FROM unnest(ARRAY['rbac._role_assignments_row()', 'rbac._role_assignments_stmt()', 'rbac._bound_delete()',
                  'rbac._bound_truncate()', 'rbac._audit_append_only()', 'rbac._on_sql_drop()',
                  'rbac._move_guard()']::regprocedure[]) f;
-- attached by a superuser to the application's relations, fired by the
-- application: refused with 39P01
SELECT pg_temp.add('rbac._role_assignments_row()', 'fired for a view of text columns',
  $q$INSERT INTO hw.app_view VALUES ('User:mallory', 'owner', 'Organization:evil', NULL)$q$);
SELECT pg_temp.add('rbac._role_assignments_row()', 'fired for a view of int columns (insert)',
  'INSERT INTO hw.app_int_view VALUES (1, 2, 3, NULL)');
SELECT pg_temp.add('rbac._role_assignments_row()', 'fired for a view of int columns (delete)',
  'DELETE FROM hw.app_int_view');
SELECT pg_temp.add('rbac._role_assignments_row()', 'fired for a table, BEFORE ROW',
  'ALTER TABLE hw.app_ids DISABLE TRIGGER bt_ins', 'ALTER TABLE hw.app_ids DISABLE TRIGGER aa',
  'ALTER TABLE hw.app_ids ENABLE TRIGGER ra_table_row', 'INSERT INTO hw.app_ids VALUES (1)');
SELECT pg_temp.add('rbac._role_assignments_stmt()', 'fired for a table (BEFORE INSERT)',
  $q$INSERT INTO hw.app_rows VALUES ('User:mallory', 'owner', 'Organization:evil', NULL)$q$);
SELECT pg_temp.add('rbac._role_assignments_stmt()', 'fired for a table (AFTER UPDATE)',
  $q$UPDATE hw.app_rows SET role = 'owner'$q$);
SELECT pg_temp.add('rbac._bound_delete()', 'fired for a table that is not bound', 'DELETE FROM hw.app_ids');
SELECT pg_temp.add('rbac._bound_delete()', 'fired as a BEFORE ROW trigger',
  'ALTER TABLE hw.app_ids DISABLE TRIGGER bt_ins', 'ALTER TABLE hw.app_ids DISABLE TRIGGER aa',
  'INSERT INTO hw.app_ids VALUES (1)', 'UPDATE hw.app_ids SET id = 2');
SELECT pg_temp.add('rbac._bound_truncate()', 'fired for a table that is not bound', 'TRUNCATE hw.app_ids');
SELECT pg_temp.add('rbac._bound_truncate()', 'fired for an insert',
  'ALTER TABLE hw.app_ids DISABLE TRIGGER aa', 'INSERT INTO hw.app_ids VALUES (1)');
SELECT pg_temp.add('rbac._audit_append_only()', 'fired for an insert into another table',
  'ALTER TABLE hw.app_ids DISABLE TRIGGER bt_ins', 'INSERT INTO hw.app_ids VALUES (1)');

-- policy tests: the loaded policy (read as the caller), huge and deep
-- tests, and nested checks that branch past the evaluator's budget
SELECT pg_temp.add('rbac.test_policy(text)', 'the loaded policy',
  $q$SELECT count(*) FROM rbac.test_policy()$q$);
SELECT pg_temp.add('rbac.test_policy(text)', '20,000 facts',
  $q$SELECT count(*) FILTER (WHERE passed) FROM rbac.test_policy('actor User {} resource F { roles = ["v"]; permissions = ["r"]; relations = { parent: F }; "r" if "v"; "v" if "v" on "parent"; } test "t" { setup { has_role(User{"a"}, "v", F{"0"}); ' || (SELECT string_agg(format('has_relation(F{"%s"}, "parent", F{"%s"}); big(F{"%s"}, %s);', g, g - 1, g, g), ' ') FROM generate_series(1, 10000) g) || ' } assert allow(User{"a"}, "r", F{"10000"}); assert_not allow(User{"b"}, "r", F{"10000"}); }')$q$);
SELECT pg_temp.add('rbac.test_policy(text)', 'huge ids and names',
  $q$SELECT count(*) FROM rbac.test_policy('actor User {} resource R { permissions = ["r"]; } test "' || repeat('n', 100000) || '" { assert_not allow(User{"' || repeat('a', 1000000) || '"}, "r", R{"' || repeat('x', 100000) || '"}); }')$q$);
SELECT pg_temp.add('rbac.test_policy(text)', 'a test not closed',
  $q$SELECT count(*) FROM rbac.test_policy('actor User {} test "t" { setup { ' || repeat('has_role(User{"a"}, ', 10000))$q$);
-- (tabled answers make them linear; a nested check under "not" anywhere
-- turns tabling off, and the budget stops them)
SELECT pg_temp.add('rbac.test_policy(text)', 'nested checks that branch',
  $q$SELECT count(*) FROM rbac.test_policy('actor User {} resource F { permissions = ["r", "w", "x"]; relations = { parent: F }; } has_permission(u: User, "r", f: F) if has_permission(u, "r", f.parent) or has_permission(u, "w", f.parent); has_permission(u: User, "w", f: F) if has_permission(u, "w", f.parent) or has_permission(u, "r", f.parent); has_permission(u: User, "x", f: F) if not has_permission(u, "x", f.parent); test "t" { setup { ' || (SELECT string_agg(format('has_relation(F{"%s"}, "parent", F{"%s"});', g, g - 1), ' ') FROM generate_series(1, 60) g) || ' } assert allow(User{"a"}, "r", F{"60"}); }')$q$);
SELECT pg_temp.add('rbac.test_policy(text)', 'nested checks that branch, tabled',
  $q$SELECT count(*) FILTER (WHERE NOT passed) FROM rbac.test_policy('actor User {} resource F { permissions = ["r", "w"]; relations = { parent: F }; } has_permission(u: User, "r", f: F) if has_permission(u, "r", f.parent) or has_permission(u, "w", f.parent); has_permission(u: User, "w", f: F) if has_permission(u, "w", f.parent) or has_permission(u, "r", f.parent); test "t" { setup { ' || (SELECT string_agg(format('has_relation(F{"%s"}, "parent", F{"%s"});', g, g - 1), ' ') FROM generate_series(1, 60) g) || ' } assert_not allow(User{"a"}, "r", F{"60"}); }')$q$);
\o
-- Run every case ----------------------------------------------------------
CREATE TEMP TABLE outcomes AS
SELECT c.id, c.fn, c.label, pg_temp.try(c.steps) AS outcome FROM cases c ORDER BY c.id;
\pset format unaligned
SELECT * FROM outcomes ORDER BY id;
\pset format aligned

-- no internal error, nothing ran as another role, no role changed privilege
SELECT count(*) AS cases,
       count(*) FILTER (WHERE outcome LIKE 'ok%') AS answers,
       count(*) FILTER (WHERE outcome LIKE 'ERROR%') AS errors,
       count(*) FILTER (WHERE outcome ~ '^ERROR (XX|58)') AS internal_errors,
       count(*) FILTER (WHERE outcome LIKE '%[AS ANOTHER ROLE]%') AS caller_code_as_another_role,
       count(*) FILTER (WHERE outcome LIKE '%[OWNER CODE AS SUPERUSER]%') AS owner_code_as_superuser
FROM outcomes;
SELECT rolname, rolsuper FROM pg_roles WHERE rolname IN ('regress_hostile_app', 'regress_hostile_owner') ORDER BY 1;

-- Completeness: every function PUBLIC may execute has cases.  PUBLIC's
-- privilege read from the ACL itself (a NULL proacl is the default: PUBLIC
-- may execute), and checked against has_function_privilege.
CREATE TEMP VIEW public_functions AS
SELECT p.oid::regprocedure AS fn
FROM pg_proc p
WHERE p.pronamespace = 'rbac'::regnamespace
  AND EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
              WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE');
SELECT count(*) AS disagreements FROM pg_proc p
WHERE p.pronamespace = 'rbac'::regnamespace
  AND has_function_privilege('public', p.oid, 'EXECUTE') <> (p.oid::regprocedure IN (SELECT fn FROM public_functions));
-- PUBLIC functions and their cases
\pset format unaligned
SELECT f.fn AS public_function, (SELECT count(*) FROM cases c WHERE c.fn = f.fn) AS cases
FROM public_functions f ORDER BY f.fn::text;
-- the difference: PUBLIC functions without cases (must be none)
SELECT fn::text AS public_function_without_cases FROM public_functions
EXCEPT SELECT fn::text FROM cases ORDER BY 1;
-- functions with cases that PUBLIC may not execute
SELECT DISTINCT fn::text AS covered_not_public FROM cases
EXCEPT SELECT fn::text FROM public_functions ORDER BY 1;
\pset format aligned
SELECT count(DISTINCT c.fn) FILTER (WHERE c.fn IN (SELECT fn FROM public_functions)) AS public_functions_covered,
       (SELECT count(*) FROM public_functions) AS public_functions
FROM cases c;

-- Clean up ---------------------------------------------------------------
\c - :regress_user
SET client_min_messages = warning;

-- bind's "through" form (many-to-many relations, issue 14) ---------------
-- bind is not PUBLIC: these cases run as the superuser and as an
-- administrator.  Each prints the outcome and leaves nothing behind.  The
-- join table's columns are the owner's domains (hw.folder_id, hw.slug),
-- whose CHECK counts every run as a superuser (hw.owner_code_as_superuser).
CREATE FUNCTION pg_temp.bind_case(as_role text, rels text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    outcome text;
BEGIN
    BEGIN
        IF as_role IS NOT NULL THEN
            EXECUTE format('SET LOCAL ROLE %I', as_role);
        END IF;
        PERFORM rbac.bind('Repository', 'hw.repositories', relations => rels::jsonb);
        outcome := 'ok';
        RAISE EXCEPTION 'roll back the case' USING ERRCODE = 'HX001';
    EXCEPTION
        WHEN SQLSTATE 'HX001' THEN NULL;
        WHEN OTHERS THEN
            outcome := 'ERROR ' || SQLSTATE ||
                CASE WHEN SQLSTATE LIKE 'XX%' OR SQLSTATE LIKE '58%' THEN ': ' || SQLERRM ELSE '' END;
    END;
    RETURN outcome;
END $$;
SET ROLE regress_hostile_owner;
CREATE TABLE hw.repo_orgs (repo_id hw.folder_id, org_id hw.slug, note text);
INSERT INTO hw.repo_orgs VALUES (1, 'acme'), (3, 'evil'), (3, 'acme'), (6, 'gone'), (99, 'acme');
CREATE VIEW hw.repo_orgs_view AS SELECT * FROM hw.repo_orgs;
CREATE TYPE hw.mood AS ENUM ('acme', 'evil');
CREATE TABLE hw.repo_orgs_enum (repo_id int, org_id hw.mood);
RESET ROLE;
CREATE TABLE public.not_theirs (repo_id int, org_id text);
CREATE TEMP TABLE tmp_orgs (repo_id int, org_id text);
SELECT setval('hw.owner_code_as_superuser', 1, false);
SELECT rbac.grant_admin('regress_hostile_owner');
SELECT label, pg_temp.bind_case(as_role, rels) AS outcome FROM (VALUES
  ('valid', NULL, '{"parent": {"through": "hw.repo_orgs", "from": "repo_id", "to": "org_id"}}'),
  ('unqualified: the bound table''s schema', NULL, '{"parent": {"through": "repo_orgs", "from": "repo_id", "to": "org_id"}}'),
  ('through null', NULL, '{"parent": {"through": null, "from": "repo_id", "to": "org_id"}}'),
  ('through a number', NULL, '{"parent": {"through": 7, "from": "repo_id", "to": "org_id"}}'),
  ('through an object', NULL, '{"parent": {"through": {"x": 1}, "from": "repo_id", "to": "org_id"}}'),
  ('from missing', NULL, '{"parent": {"through": "hw.repo_orgs", "to": "org_id"}}'),
  ('empty object', NULL, '{"parent": {}}'),
  ('an unknown key', NULL, '{"parent": {"through": "hw.repo_orgs", "from": "repo_id", "to": "org_id", "where": "true"}}'),
  ('an array', NULL, '{"parent": ["hw.repo_orgs", "repo_id", "org_id"]}'),
  ('SQL in the name', NULL, '{"parent": {"through": "hw.repo_orgs; DROP TABLE hw.users", "from": "repo_id", "to": "org_id"}}'),
  ('SQL in a column', NULL, '{"parent": {"through": "hw.repo_orgs", "from": "repo_id) OR (true", "to": "org_id"}}'),
  ('three-part name', NULL, '{"parent": {"through": "db.hw.repo_orgs", "from": "repo_id", "to": "org_id"}}'),
  ('a 10,000-character name', NULL, '{"parent": {"through": "' || repeat('x', 10000) || '", "from": "repo_id", "to": "org_id"}}'),
  ('a missing table', NULL, '{"parent": {"through": "hw.nope", "from": "repo_id", "to": "org_id"}}'),
  ('a view', NULL, '{"parent": {"through": "hw.repo_orgs_view", "from": "repo_id", "to": "org_id"}}'),
  ('a sequence', NULL, '{"parent": {"through": "hw.owner_code_ran", "from": "repo_id", "to": "org_id"}}'),
  ('a temporary table', NULL, '{"parent": {"through": "pg_temp.tmp_orgs", "from": "repo_id", "to": "org_id"}}'),
  ('a missing column', NULL, '{"parent": {"through": "hw.repo_orgs", "from": "repo", "to": "org_id"}}'),
  ('a system column', NULL, '{"parent": {"through": "hw.repo_orgs", "from": "ctid", "to": "org_id"}}'),
  ('from = to', NULL, '{"parent": {"through": "hw.repo_orgs", "from": "org_id", "to": "org_id"}}'),
  ('an enum column', NULL, '{"parent": {"through": "hw.repo_orgs_enum", "from": "repo_id", "to": "org_id"}}'),
  ('a catalog', NULL, '{"parent": {"through": "pg_catalog.pg_authid", "from": "oid", "to": "rolname"}}'),
  ('administrator, its own join table', 'regress_hostile_owner', '{"parent": {"through": "hw.repo_orgs", "from": "repo_id", "to": "org_id"}}'),
  ('administrator, a table it does not own', 'regress_hostile_owner', '{"parent": {"through": "public.not_theirs", "from": "repo_id", "to": "org_id"}}'),
  ('administrator, a catalog', 'regress_hostile_owner', '{"parent": {"through": "pg_catalog.pg_authid", "from": "oid", "to": "rolname"}}')
) v(label, as_role, rels);
-- bound for real: checks, lists and RLS read the join table's domain
-- columns; the owner's CHECK never runs as a superuser
SET ROLE regress_hostile_owner;
SELECT rbac.bind('Repository', 'hw.repositories',
                 relations => '{"parent": {"through": "repo_orgs", "from": "repo_id", "to": "org_id"}}');
RESET ROLE;
SELECT rbac.revoke_admin('regress_hostile_owner');
SELECT relations FROM rbac.binding WHERE type = 'Repository';
SELECT r, rbac.is_allowed('User:mallory', 'read', r) AS mallory_reads
FROM unnest(ARRAY['Repository:1', 'Repository:3', 'Repository:6', 'Repository:99']) r ORDER BY r;
SELECT array(SELECT rbac.authorized_resources('User:mallory', 'read', 'Repository')) AS mallory_lists;
SET ROLE regress_hostile_app;
BEGIN;
SELECT rbac.set_actor('User:mallory', true);
SELECT id FROM hw.repositories ORDER BY id;
COMMIT;
RESET ROLE;
SELECT last_value AS owner_code_as_superuser, is_called FROM hw.owner_code_as_superuser;
DO $$
BEGIN
    PERFORM rbac.disable_rls(tbl) FROM rbac.rls_table;
    PERFORM rbac.unbind(type) FROM rbac.binding;
END $$;
DROP SCHEMA hw CASCADE;
REVOKE EXECUTE ON FUNCTION rbac.set_actor(text, boolean) FROM regress_hostile_app;
DROP ROLE regress_hostile_app;
DROP ROLE regress_hostile_owner;
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true) IS NOT NULL AS loaded;
