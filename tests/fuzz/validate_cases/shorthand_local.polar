actor User {}
resource Organization { roles = ["owner", "member"]; }
resource Repository {
  roles = ["reader", "admin"];
  permissions = ["read"];
  relations = { parent: Organization, creator: User };
  "reeder" if "admin";
  "reader" if "admn";
  "read" if "parent";
  "read" if "creator";
  "creator" if "admin";
  "read" if "creatr";
}


# Expected output of rbac_lint -q (checked by check.sh):
#| 7:3: error: undeclared role or permission "reeder" in resource Repository (did you mean "reader"?)
#| 8:15: error: undeclared role or permission "admn" in resource Repository (did you mean "admin"?)
#| 9:13: error: relation "parent" of resource Repository is not an actor relation and needs "on"
#|   hint: Write "read" if "owner" on "parent"; to inherit through the relation.
#| 11:3: error: "creator" is a relation of resource Repository, not a role or permission
#| 12:13: error: undeclared role or permission "creatr" in resource Repository (did you mean "creator"?)
