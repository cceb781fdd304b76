# The policy of sql/92_test_blocks.sql: every kind of derivation, and its
# tests.
actor User {}
actor Group {}

global {
  roles = ["superadmin"];
}

resource Org {
  roles = ["owner", "member"];
  permissions = ["read", "manage"];
  relations = { founder: User };
  "member" if "owner";
  "read" if "member";
  "manage" if "owner";
  "owner" if "founder";
  "read" if global "superadmin";
}

resource Repo {
  roles = ["reader", "maintainer"];
  permissions = ["read", "push", "delete"];
  relations = { parent: Org };
  "reader" if "maintainer";
  "read" if "reader";
  "push" if "maintainer";
  "reader" if "member" on "parent";
  "maintainer" if "owner" on "parent";
  "delete" if "founder" on "parent";
}

resource Issue {
  permissions = ["read", "close", "edit"];
  relations = { repo: Repo, creator: User };
  "read" if "read" on "repo";
  "close" if "push" on "repo";
  "close" if "creator";
}

resource Folder {
  roles = ["viewer"];
  permissions = ["read"];
  relations = { parent: Folder };
  "read" if "viewer";
  "viewer" if "viewer" on "parent";
}

has_permission(_: User, "read", r: Repo) if r.is_public;
has_permission(u: User, "edit", i: Issue) if i.locked = false and has_permission(u, "read", i.repo);
has_permission(u: User, "read", i: Issue) if i.visibility in ["internal", "public"] and has_role(u, "member", i.repo.parent);
has_permission(u: User, "read_profile", p: User) if u.id = p.id;

allow(actor, action, resource) if has_permission(actor, action, resource);

test "roles flow down relations" {
  setup {
    has_role(User{"alice"}, "owner", Org{"acme"});
    has_role(User{"bob"}, "member", Org{"acme"});
    has_relation(Repo{"anvil"}, "parent", Org{"acme"});
    has_relation(Issue{"1"}, "repo", Repo{"anvil"});
  }
  assert_not allow(User{"alice"}, "delete", Repo{"anvil"});
  assert has_role(User{"alice"}, "member", Org{"acme"});
  assert allow(User{"alice"}, "push", Repo{"anvil"});
  assert allow(User{"alice"}, "close", Issue{"1"});
  assert allow(User{"bob"}, "read", Issue{"1"});
  assert_not allow(User{"bob"}, "close", Issue{"1"});
  assert_not allow(User{"carol"}, "read", Repo{"anvil"});
}

test "relations to actors" {
  setup {
    has_relation(Org{"acme"}, "founder", User{"fay"});
    has_relation(Repo{"anvil"}, "parent", Org{"acme"});
    has_relation(Issue{"2"}, "creator", User{"carol"});
    has_relation(Issue{"2"}, "repo", Repo{"other"});
  }
  assert allow(User{"fay"}, "manage", Org{"acme"});
  assert allow(User{"fay"}, "delete", Repo{"anvil"});
  assert allow(User{"carol"}, "close", Issue{"2"});
  assert_not allow(User{"carol"}, "read", Issue{"2"});
  assert_not allow(User{"fay"}, "close", Issue{"2"});
}

test "global roles and groups" {
  setup {
    has_role(User{"root"}, "superadmin");
    has_group(User{"dan"}, Group{"eng"});
    has_group(Group{"eng"}, Group{"all"});
    has_role(Group{"all"}, "maintainer", Repo{"anvil"});
  }
  assert has_role(User{"root"}, "superadmin");
  assert_not has_role(User{"dan"}, "superadmin");
  assert allow(User{"root"}, "read", Org{"acme"});
  assert_not allow(User{"root"}, "read", Repo{"anvil"});
  assert allow(User{"dan"}, "push", Repo{"anvil"});
  assert has_role(User{"dan"}, "reader", Repo{"anvil"});
  assert_not allow(User{"eve"}, "push", Repo{"anvil"});
}

test "folders in folders" {
  setup {
    has_role(User{"vic"}, "viewer", Folder{"root"});
    has_relation(Folder{"a"}, "parent", Folder{"root"});
    has_relation(Folder{"b"}, "parent", Folder{"a"});
    has_relation(Folder{"c"}, "parent", Folder{"b"});
    has_relation(Folder{"x"}, "parent", Folder{"y"});
    has_relation(Folder{"y"}, "parent", Folder{"x"});
  }
  assert allow(User{"vic"}, "read", Folder{"c"});
  assert_not allow(User{"vic"}, "read", Folder{"x"});
}

test "last-mile rules" {
  setup {
    is_public(Repo{"pub"});
    is_public(Repo{"priv"}, false);
    has_relation(Repo{"anvil"}, "parent", Org{"acme"});
    has_relation(Issue{"3"}, "repo", Repo{"anvil"});
    visibility(Issue{"3"}, "internal");
    locked(Issue{"3"}, false);
    has_relation(Issue{"4"}, "repo", Repo{"pub"});
    has_relation(Issue{"5"}, "repo", Repo{"pub"});
    locked(Issue{"5"}, true);
    has_role(User{"mia"}, "member", Org{"acme"});
  }
  assert allow(User{"anyone"}, "read", Repo{"pub"});
  assert_not allow(User{"anyone"}, "read", Repo{"priv"});
  assert allow(User{"mia"}, "read", Issue{"3"});
  assert allow(User{"mia"}, "edit", Issue{"3"});
  assert_not allow(User{"zed"}, "read", Issue{"3"});
  assert allow(User{"zed"}, "read", Issue{"4"});
  assert_not allow(User{"zed"}, "edit", Issue{"4"});
  assert_not allow(User{"zed"}, "edit", Issue{"5"});
  assert allow(User{"zed"}, "read_profile", User{"zed"});
  assert_not allow(User{"zed"}, "read_profile", User{"mia"});
}
