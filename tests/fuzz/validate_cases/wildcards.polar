actor User {}
resource Org { roles = ["owner", "member", "boss"]; permissions = ["read", "write"]; }
resource Repo {
  roles = ["owner", "member", "viewer"];
  permissions = ["read", "write", "admin"];
  relations = { parent: Org, creator: User };
  role if role on "parent";
  permission if permission on "parent";
  role if "owner";
  permission if "owner" and not locked(resource);
  role if role on "creator";
  role if role on "nothing";
}
resource Empty { roles = ["only"]; role if "only"; permission if "only"; }


# Expected output of rbac_lint -q (checked by check.sh):
#| 11:3: error: wildcard rule role if role on "creator" matches nothing: resource Repo and actor User declare no role in common
#|   hint: Declare the roles that Repo inherits in both types, or write the rules one by one.
#| 12:19: error: undeclared relation "nothing" in resource Repo
#| 14:36: error: wildcard rule role if ... matches nothing: resource Empty declares no other role
#|   hint: Declare roles = [...]; in resource Empty, or remove the rule.
#| 14:52: error: wildcard rule permission if ... matches nothing: resource Empty declares no permission
#|   hint: Declare permissions = [...]; in resource Empty, or remove the rule.
