-- Test blocks and rbac.test_policy (SPEC 6.6): policy unit tests that run
-- on the policy and their setup facts alone, with no tables and no role
-- data, and change nothing.
\set SHOW_CONTEXT never
SET client_min_messages = warning;

-- A policy with every kind of derivation, and tests of each.  Its types
-- are bound to no table in this database: the tests need none.
\set policy `cat sql/92_test_blocks.polar`
SELECT rbac.load_policy(:'policy', drop_orphans => true) IS NOT NULL AS loaded;
SELECT rbac.policy_source() = :'policy' AS tests_kept_in_the_source;
SELECT test, assertion, passed FROM rbac.test_policy();
SELECT count(*) AS assertions, count(*) FILTER (WHERE passed) AS passed
FROM rbac.test_policy(:'policy');

-- Test blocks do not change the model: the same policy without them
-- stores the same terms and rules.
CREATE TEMP TABLE model_with_tests AS
SELECT 'term' AS what, type || '.' || name || ':' || kind AS item FROM rbac.policy_term
UNION ALL SELECT 'rule', type || ':' || head || '<' || body || coalesce('@' || via, '') FROM rbac.policy_rule
UNION ALL SELECT 'lastmile', name || ':' || resource_type FROM rbac.policy_lastmile;
SELECT rbac.load_policy(regexp_replace(:'policy', '\ntest .*$', '', 's')) IS NOT NULL AS loaded_without_tests;
SELECT count(*) AS tests_left FROM rbac.test_policy();
SELECT (SELECT count(*) FROM model_with_tests) AS items,
       (SELECT count(*) FROM (
          SELECT * FROM model_with_tests
          EXCEPT
          (SELECT 'term', type || '.' || name || ':' || kind FROM rbac.policy_term
           UNION ALL SELECT 'rule', type || ':' || head || '<' || body || coalesce('@' || via, '') FROM rbac.policy_rule
           UNION ALL SELECT 'lastmile', name || ':' || resource_type FROM rbac.policy_lastmile)) d) AS differences;

-- Nothing is read from role data or tables, and nothing is written: an
-- assignment in the catalogs does not make a test pass, and the catalogs
-- and the audit log are as they were.
SELECT rbac.load_policy(:'policy') IS NOT NULL AS loaded;
SELECT rbac.assign_role('User:bob', 'owner', 'Org:acme');
CREATE TEMP TABLE before AS
SELECT (SELECT count(*) FROM rbac.assignment) AS assignments,
       (SELECT count(*) FROM rbac.audit_log) AS audit,
       (SELECT count(*) FROM rbac.membership) AS memberships;
SELECT test, assertion, passed FROM rbac.test_policy(
  'actor User {} resource Org { roles = ["owner"]; permissions = ["read"]; "read" if "owner"; }
   test "catalogs are not read" { assert_not allow(User{"bob"}, "read", Org{"acme"}); }');
SELECT (SELECT count(*) FROM rbac.assignment) = assignments AS assignments_unchanged,
       (SELECT count(*) FROM rbac.audit_log) = audit AS audit_unchanged,
       (SELECT count(*) FROM rbac.membership) = memberships AS memberships_unchanged
FROM before;
SELECT rbac.remove_role('User:bob', 'owner', 'Org:acme');

-- NULL and SQL semantics of conditions: a column with no fact is NULL; a
-- comparison with NULL never grants, "not" of it does; "= nil" tests it.
SELECT test, assertion, passed FROM rbac.test_policy($$
actor User {}
resource Doc { permissions = ["a", "b", "c", "d", "e", "f", "g"]; }
has_permission(_: User, "a", d: Doc) if d.level > 2;
has_permission(_: User, "b", d: Doc) if not d.level > 2;
has_permission(_: User, "c", d: Doc) if d.level = nil;
has_permission(_: User, "d", d: Doc) if d.level != 3 or d.tag = "x";
has_permission(_: User, "e", d: Doc) if d.tag in ["x", "y"] and d.ratio >= 0.5;
has_permission(_: User, "f", d: Doc) if d.flag;
has_permission(u: User, "g", d: Doc) if d.owner_name = u.id and d.flag = false;
test "no facts: NULL" {
  assert_not allow(User{"u"}, "a", Doc{"1"});
  assert allow(User{"u"}, "b", Doc{"1"});
  assert allow(User{"u"}, "c", Doc{"1"});
  assert_not allow(User{"u"}, "d", Doc{"1"});
  assert_not allow(User{"u"}, "e", Doc{"1"});
  assert_not allow(User{"u"}, "f", Doc{"1"});
}
test "values" {
  setup {
    level(Doc{"1"}, 3); tag(Doc{"1"}, "y"); ratio(Doc{"1"}, 0.75); flag(Doc{"1"});
    level(Doc{"2"}, 2); tag(Doc{"2"}, "x"); ratio(Doc{"2"}, 0.25); flag(Doc{"2"}, false);
    owner_name(Doc{"2"}, "u");
  }
  assert allow(User{"u"}, "a", Doc{"1"});
  assert_not allow(User{"u"}, "b", Doc{"1"});
  assert_not allow(User{"u"}, "c", Doc{"1"});
  assert_not allow(User{"u"}, "d", Doc{"1"});
  assert allow(User{"u"}, "e", Doc{"1"});
  assert allow(User{"u"}, "f", Doc{"1"});
  assert_not allow(User{"u"}, "a", Doc{"2"});
  assert allow(User{"u"}, "d", Doc{"2"});
  assert_not allow(User{"u"}, "e", Doc{"2"});
  assert_not allow(User{"u"}, "f", Doc{"2"});
  assert allow(User{"u"}, "g", Doc{"2"});
  assert_not allow(User{"v"}, "g", Doc{"2"});
  assert_not allow(User{"u"}, "g", Doc{"1"});
}
$$);

-- The constructs of SPEC 6.6 in tests: conditions in shorthand rules,
-- wildcards, the global block's permissions and rules, a type both actor
-- and resource, "in" over an array column (a list fact), joins, and an Oso
-- host-bridging rule, which test_policy skips as oso_compat does.
SELECT test, assertion, passed FROM rbac.test_policy($$
actor User {}
resource User { roles = ["friend"]; permissions = ["poke"]; "poke" if "friend"; }
global { roles = ["admin", "superadmin"]; permissions = ["create_org"]; "create_org" if "admin"; "admin" if "superadmin"; }
resource Org { roles = ["member"]; permissions = ["read"]; "read" if "member"; }
resource Repo {
  roles = ["viewer", "editor"];
  permissions = ["read", "write", "audit", "triage"];
  relations = { parent: Repo, org: Org };
  "read" if "viewer" or is_public(resource);
  "write" if "editor" and not is_protected(resource);
  role if role on "parent";
  permission if "editor";
  "audit" if global "admin";
}
has_permission(u: User, "triage", r: Repo) if u.id in r.triagers;
has_permission(u: User, "read", r: Repo) if o matches Org and has_relation(r, "org", o) and has_role(u, "member", o);
has_role(user: User, name: String, org: Org) if role in user.roles and role.name = name and role.org_id = org.id;
test "6.6" {
  setup {
    is_public(Repo{"pub"});
    has_role(User{"e"}, "editor", Repo{"top"});
    has_relation(Repo{"sub"}, "parent", Repo{"top"});
    is_protected(Repo{"sub"});
    has_role(User{"root"}, "superadmin");
    has_role(User{"a"}, "friend", User{"b"});
    triagers(Repo{"top"}, ["t", nil]);
    has_relation(Repo{"sub"}, "org", Org{"o"});
    has_role(User{"m"}, "member", Org{"o"});
  }
  assert allow(User{"x"}, "read", Repo{"pub"});
  assert_not allow(User{"x"}, "read", Repo{"top"});
  assert allow(User{"e"}, "write", Repo{"top"});
  assert has_role(User{"e"}, "editor", Repo{"sub"});
  assert allow(User{"e"}, "write", Repo{"sub"});   # not by the condition: by permission if "editor"
  assert allow(User{"e"}, "triage", Repo{"sub"});
  assert allow(User{"root"}, "create_org");
  assert has_role(User{"root"}, "admin");
  assert allow(User{"root"}, "audit", Repo{"pub"});
  assert_not allow(User{"e"}, "create_org");
  assert allow(User{"a"}, "poke", User{"b"});
  assert allow(User{"t"}, "triage", Repo{"top"});
  assert_not allow(User{"u"}, "triage", Repo{"top"});
  assert allow(User{"m"}, "read", Repo{"sub"});
  assert_not allow(User{"m"}, "read", Repo{"top"});
}
$$);
SELECT rbac.test_policy($$actor User {} global { roles = ["admin"]; permissions = ["create_org"]; }
test "t" { assert allow(User{"a"}, "create_rog"); }$$);
\echo :LAST_ERROR_SQLSTATE

-- A failing assertion is a row with passed = false, not an error.
SELECT test, assertion, passed FROM rbac.test_policy($$
actor User {}
resource Org { roles = ["member"]; permissions = ["read"]; "read" if "member"; }
test "wrong on purpose" {
  setup { has_role(User{"a"}, "member", Org{"o"}); }
  assert_not allow(User{"a"}, "read", Org{"o"});
  assert allow(User{"b"}, "read", Org{"o"});
  assert allow(User{"a"}, "read", Org{"o"});
}
$$);

-- Errors in tests are policy errors, with line and column: load_policy,
-- validate_policy and test_policy report them alike.
SELECT rbac.test_policy($$actor User {}
resource Org { permissions = ["read"]; }
test "t" { assert allow(User{"a"}, "read", Org{"o"}) }$$);
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.test_policy($$actor User {}
resource Org { permissions = ["read"]; }
test "t" { setup { has_role(User{"a"}, "member" Org{"o"}); } }$$);
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.test_policy($$actor User {}
resource Org { permissions = ["read"]; }
test "t" { assert allow(User{"a"}, "raed", Org{"o"}); }$$);
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.load_policy($$actor User {}
resource Org { permissions = ["read"]; }
test "t" { assert allow(Usr{"a"}, "read", Org{"o"}); }$$);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM rbac.validate_policy($$actor User {}
global { roles = ["admin"]; }
resource Org { roles = ["member"]; permissions = ["read"]; relations = { parent: Org }; }
test "names" {
  setup {
    has_role(Org{"x"}, "member", Org{"o"});
    has_role(User{"a"}, "membr", Org{"o"});
    has_role(User{"a"}, "admn");
    has_role(User{"a"}, "member", User{"b"});
    has_relation(Org{"o"}, "parnet", Org{"p"});
    has_relation(Org{"o"}, "parent", User{"p"});
    has_permission(User{"a"}, "read", Org{"o"});
    parent(Org{"o"}, "p");
  }
  assert allow(User{"a"}, "member", Org{"o"});
  assert has_role(User{"a"}, "read", Org{"o"});
  assert has_role(User{"a"}, "root");
}
test "another" { setup { nonsense; } }
test "and one more" { assert allow(User{"a"}, "read", Org{"o"}); }
$$);

-- test_policy is PUBLIC, like validate_policy; with NULL it reads the
-- loaded source as the caller, like policy_source.
CREATE ROLE regress_tester;
SET ROLE regress_tester;
SELECT count(*) AS assertions FROM rbac.test_policy(:'policy');
SELECT count(*) FROM rbac.test_policy();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
DROP ROLE regress_tester;
SELECT count(*) AS no_rows FROM rbac.test_policy('actor User {}');
SELECT count(*) AS no_rows FROM rbac.test_policy(NULL::text) WHERE NOT passed;
