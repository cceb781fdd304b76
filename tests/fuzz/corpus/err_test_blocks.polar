actor User {}
resource Org { roles = ["member"]; permissions = ["read"]; "read" if "member"; }
test "missing semicolon" {
  setup { has_role(User{"a"}, "member", Org{"o"}) }
  assert allow(User{"a"}, "read", Org{"o"});
}
test "bad reference" { assert allow(User("a"), "read", Org{"o"}); }
test "facts that are not facts" {
  setup { has_permission(User{"a"}, "read", Org{"o"}); tags(Org{"o"}, [1, "x", true, nil, -2.5]); }
  assert_not has_role(User{"a"}, "admin");
  assert maybe(User{"a"}, "read", Org{"o"});
}
test "not closed" {
  setup { has_group(User{"a"}, Group{"g"});
resource Repo { permissions = ["read"]; }
test unnamed { }
test "after the rest" { assert allow(User{"a"}, "read", Repo{"r"}); }
