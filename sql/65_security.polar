# types of sql/65_security.sql, loaded beside examples/gitclub.polar
resource Org {
  roles = ["member", "owner"];
  permissions = ["read", "manage_roles"];
  "member" if "owner";
  "read" if "member";
  "manage_roles" if "owner";
}
resource Repo {
  roles = ["maint"];
  permissions = ["read", "update", "transfer"];
  relations = { org: Org, creator: User };
  "maint" if "owner" on "org";
  "read" if "member" on "org";
  "read" if "maint";
  "update" if "maint";
  "update" if "creator";
  "transfer" if "owner" on "org";
}
resource Plain {}
resource Rel { relations = { org: Org }; }
has_permission(_: User, "read", r: Repo) if r.is_public = true;
resource Doc {
  roles = ["editor"];
  permissions = ["read", "delete"];
  relations = { org: Org };
  "read" if "member" on "org";
  "read" if "editor";
  "delete" if "editor";
}
resource Team {
  roles = ["member"];
  permissions = ["read"];
  relations = { org: Tenant };
  "read" if "member";
  "read" if "member" on "org";
}
resource Tenant { roles = ["member"]; }
