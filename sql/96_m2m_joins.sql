-- Joins over relations bound through join tables (issue 14): a variable
-- joined with has_relation through a join table stands for ONE related
-- row, on which every condition on it must hold (not each condition on a
-- row of its own); a path through a join table (resource.sponsors.tier)
-- holds on any related row.  A join row whose far end has no row relates
-- nothing, NULL ends relate nothing, duplicate join rows change nothing.
-- Each form is checked against SQL written by hand, in is_allowed,
-- authorized_resources, generated RLS, who_can (role-based forms) and
-- test_policy (the ground evaluator, on the same world written as facts).
-- Runs in a database of its own.
\set own_db regress_s96
\set own_role regress_s96_reader
\i sql/include/own_database.sql

CREATE TABLE users (id text PRIMARY KEY);
CREATE TABLE orgs (id text PRIMARY KEY, public boolean, tier text);
CREATE TABLE repos (id int PRIMARY KEY);
CREATE TABLE repo_sponsors (repo_id int, org_id text);
CREATE TABLE org_members (org_id text, user_id text);
-- the role data, as a table the reference reads ("admin" implies nothing)
CREATE TABLE admins (user_id text, org_id text);
INSERT INTO users VALUES ('ann'), ('bob'), ('cy');
INSERT INTO orgs VALUES ('acme', true, 'gold'), ('beta', false, 'silver'), ('zed', NULL, NULL);
INSERT INTO repos SELECT generate_series(1, 9);
-- 1: a dangling end; 3 and 6: duplicates; 4: a NULL end; 5: beta (ann is
-- admin, not public) and acme (public, ann is not admin), the trap of
-- conditions met on different rows; a NULL from end; 9: no join row
INSERT INTO repo_sponsors VALUES (1, 'gone'), (2, 'acme'), (3, 'beta'), (3, 'beta'),
  (4, NULL), (5, 'beta'), (5, 'acme'), (6, 'acme'), (6, 'acme'), (NULL, 'acme'),
  (7, 'zed'), (8, 'zed'), (8, 'beta');
INSERT INTO org_members VALUES ('acme', 'cy'), ('acme', 'cy'), ('beta', 'bob'), ('zed', 'ann'),
  ('acme', 'ghost'), ('gone', 'ann'), (NULL, 'bob'), ('beta', NULL);
INSERT INTO admins VALUES ('ann', 'beta'), ('ann', 'zed'), ('bob', 'acme');
SELECT rbac.load_policy($p$
actor User {}
resource Org {
  roles = ["admin"];
  relations = { members: User };
}
resource Repo {
  permissions = ["delete", "push", "nopub", "gold", "nogold", "nosponsor", "member", "either"];
  relations = { sponsors: Org };
}
has_permission(u: User, "delete", r: Repo) if
  o matches Org and has_relation(r, "sponsors", o) and has_role(u, "admin", o);
has_permission(u: User, "push", r: Repo) if
  o matches Org and has_relation(r, "sponsors", o) and o.public = true and has_role(u, "admin", o);
has_permission(u: User, "nopub", r: Repo) if
  has_role(u, "admin", o) and not o.public = true and has_relation(r, "sponsors", o) and o matches Org;
has_permission(_: User, "gold", r: Repo) if r.sponsors.tier = "gold";
has_permission(_: User, "nogold", r: Repo) if not r.sponsors.tier = "gold";
has_permission(_: User, "nosponsor", r: Repo) if r.sponsors = nil;
has_permission(u: User, "member", r: Repo) if
  o matches Org and has_relation(r, "sponsors", o) and o.public = true and
  m matches User and has_relation(o, "members", m) and m = u;
has_permission(u: User, "either", r: Repo) if
  o matches Org and has_relation(r, "sponsors", o) and (o.tier = "gold" or has_role(u, "admin", o));
$p$);
-- role data on Org:gone, written while Org is not bound (as a database
-- upgraded from 0.2 may hold it): the join row to it relates nothing
SELECT rbac.assign_role('User:ann', 'admin', 'Org:gone');
SELECT rbac.bind('User', 'users');
SELECT rbac.bind('Org', 'orgs', relations => '{"members": {"through": "org_members", "from": "org_id", "to": "user_id"}}');
SELECT rbac.bind('Repo', 'repos', relations => '{"sponsors": {"through": "repo_sponsors", "from": "repo_id", "to": "org_id"}}');
SELECT count(rbac.assign_role('User:' || user_id, 'admin', 'Org:' || org_id)) FROM admins;

-- The reference: the repositories each user may act on, in plain SQL
-- (computed once: the checks below must not run while it is computed).
-- sponsors(r) are the existing orgs a join row of r names.
CREATE VIEW sponsors AS
  SELECT DISTINCT s.repo_id, o.* FROM repo_sponsors s JOIN orgs o ON o.id = s.org_id;
CREATE TABLE reference AS
SELECT u.id AS actor, p.perm, array(
  SELECT r.id FROM repos r WHERE CASE p.perm
    WHEN 'delete' THEN EXISTS (SELECT 1 FROM sponsors o JOIN admins a ON a.org_id = o.id
                               WHERE o.repo_id = r.id AND a.user_id = u.id)
    WHEN 'push' THEN EXISTS (SELECT 1 FROM sponsors o JOIN admins a ON a.org_id = o.id
                             WHERE o.repo_id = r.id AND a.user_id = u.id AND o.public)
    WHEN 'nopub' THEN EXISTS (SELECT 1 FROM sponsors o JOIN admins a ON a.org_id = o.id
                              WHERE o.repo_id = r.id AND a.user_id = u.id
                                AND o.public IS NOT TRUE)
    WHEN 'gold' THEN EXISTS (SELECT 1 FROM sponsors o WHERE o.repo_id = r.id AND o.tier = 'gold')
    WHEN 'nogold' THEN NOT EXISTS (SELECT 1 FROM sponsors o WHERE o.repo_id = r.id AND o.tier = 'gold')
    WHEN 'nosponsor' THEN NOT EXISTS (SELECT 1 FROM sponsors o WHERE o.repo_id = r.id)
    WHEN 'member' THEN EXISTS (SELECT 1 FROM sponsors o JOIN org_members m ON m.org_id = o.id
                               WHERE o.repo_id = r.id AND o.public AND m.user_id = u.id)
    WHEN 'either' THEN EXISTS (SELECT 1 FROM sponsors o WHERE o.repo_id = r.id
                               AND (o.tier = 'gold' OR EXISTS (SELECT 1 FROM admins a
                                    WHERE a.org_id = o.id AND a.user_id = u.id)))
  END ORDER BY r.id) AS ids
FROM users u,
     unnest(ARRAY['delete', 'push', 'nopub', 'gold', 'nogold', 'nosponsor', 'member', 'either']) p(perm);

-- The repositories each user reads under generated RLS for each
-- permission, read as regress_s96_reader.
GRANT SELECT ON repos TO regress_s96_reader;
CREATE TABLE rls_seen (perm text, actor text, ids int[]);
DO $$
DECLARE
    f record;
BEGIN
    FOR f IN SELECT DISTINCT perm FROM reference LOOP
        PERFORM rbac.enable_rls('repos', jsonb_build_object('select', f.perm));
        INSERT INTO rls_seen SELECT f.perm, u.id, NULL FROM users u;
        FOR f IN SELECT * FROM rls_seen WHERE ids IS NULL LOOP
            SET LOCAL ROLE regress_s96_reader;
            PERFORM rbac.set_actor('User:' || f.actor);
            f.ids := array(SELECT id FROM repos ORDER BY id);
            RESET ROLE;
            PERFORM rbac.reset_actor();
            UPDATE rls_seen SET ids = f.ids WHERE perm = f.perm AND actor = f.actor;
        END LOOP;
        PERFORM rbac.disable_rls('repos');
    END LOOP;
END $$;

-- every path agrees with the reference
SELECT f.perm, f.actor, f.ids AS reference,
       array(SELECT r.id FROM repos r
             WHERE rbac.is_allowed('User:' || f.actor, f.perm, 'Repo:' || r.id) ORDER BY r.id)
         = f.ids AS checks,
       array(SELECT x::int FROM rbac.authorized_resources('User:' || f.actor, f.perm, 'Repo') x
             ORDER BY 1) = f.ids AS lists,
       s.ids = f.ids AS rls
FROM reference f JOIN rls_seen s USING (perm, actor) ORDER BY 1, 2;
-- who_can through role data (SPEC 3.3) for the forms that need a role
SELECT f.perm, f.actor,
       array(SELECT r.id FROM repos r
             WHERE 'User:' || f.actor IN (SELECT rbac.who_can(f.perm, 'Repo:' || r.id))
             ORDER BY r.id) = f.ids AS who_can
FROM reference f WHERE f.perm IN ('delete', 'push', 'nopub') ORDER BY 1, 2;
-- explain names the rule for the trap, and its denial
SELECT rbac.explain('User:bob', 'push', 'Repo:5');
SELECT rbac.explain('User:ann', 'push', 'Repo:5');

-- test_policy: the same world as facts (join rows whose ends exist, the
-- columns that are not NULL), one assertion per decision of the reference
SELECT count(*) AS assertions, count(*) FILTER (WHERE passed) AS passed
FROM rbac.test_policy(rbac.policy_source() || (
  SELECT E'\ntest "the world of sql/96" {\n  setup {\n'
    || (SELECT string_agg(format('    has_relation(Repo{"%s"}, "sponsors", Org{"%s"});', s.repo_id, s.org_id), E'\n')
        FROM repo_sponsors s JOIN orgs o ON o.id = s.org_id WHERE s.repo_id IS NOT NULL)
    || E'\n'
    || (SELECT string_agg(format('    has_relation(Org{"%s"}, "members", User{"%s"});', m.org_id, m.user_id), E'\n')
        FROM org_members m JOIN users u ON u.id = m.user_id JOIN orgs o ON o.id = m.org_id)
    || E'\n'
    || (SELECT string_agg(format('    has_role(User{"%s"}, "admin", Org{"%s"});', user_id, org_id), E'\n') FROM admins)
    || E'\n'
    || (SELECT string_agg(concat_ws(E'\n',
                 CASE WHEN public IS NOT NULL THEN format('    public(Org{"%s"}, %s);', id, CASE WHEN public THEN 'true' ELSE 'false' END) END,
                 CASE WHEN tier IS NOT NULL THEN format('    tier(Org{"%s"}, "%s");', id, tier) END), E'\n')
        FROM orgs)
    || E'\n  }\n'
    || (SELECT string_agg(format('  %s allow(User{"%s"}, "%s", Repo{"%s"});',
                                 CASE WHEN r.id = ANY (f.ids) THEN 'assert' ELSE 'assert_not' END,
                                 f.actor, f.perm, r.id), E'\n')
        FROM reference f, repos r)
    || E'\n}\n'));

-- the trap, decided alone by test_policy: ann administers beta (not
-- public), acme is public (ann does not administer it)
SELECT test, assertion, passed FROM rbac.test_policy(rbac.policy_source() || $t$
test "one row for every condition" {
  setup {
    has_relation(Repo{"5"}, "sponsors", Org{"beta"});
    has_relation(Repo{"5"}, "sponsors", Org{"acme"});
    public(Org{"acme"}, true);
    has_role(User{"ann"}, "admin", Org{"beta"});
    has_role(User{"bob"}, "admin", Org{"acme"});
  }
  assert_not allow(User{"ann"}, "push", Repo{"5"});
  assert allow(User{"bob"}, "push", Repo{"5"});
  assert allow(User{"ann"}, "nopub", Repo{"5"});
  assert_not allow(User{"ann"}, "nosponsor", Repo{"5"});
  assert allow(User{"ann"}, "nosponsor", Repo{"6"});
}
$t$);

\i sql/include/own_database_end.sql
