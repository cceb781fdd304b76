actor User {}
resource Organization {
  roles = ["owner"];
  permissions = ["repository.read"];
  relations = { owns: User, up: Organization };
}
resource Repository {
  roles = ["admin"];
  permissions = ["read"];
  relations = { parent: Organization, creator: User };
  "admin" if "owns" on "parent";
  "admin" if "ownr" on "parent";
  "admin" if "owner" on "prent";
  "admin" if "owner" on "admin";
  "admin" if "up" on "parent";
  "read" if "repository.raed" on "parent";
  "read" if "owner" on "creator";
}


# Expected output of rbac_lint -q (checked by check.sh):
#| 12:14: error: undeclared role or permission "ownr" in resource Organization, the target of relation "parent" (did you mean "owner"?)
#| 13:25: error: undeclared relation "prent" in resource Repository (did you mean "parent"?)
#| 14:25: error: "admin" is a role of resource Repository, not a relation
#| 15:14: error: relation "up" of resource Organization, the target of relation "parent", is not an actor relation
#|   hint: Inherit through one relation at a time: give resource Organization a role that holds through "up" and name that role here.
#| 16:13: error: undeclared role or permission "repository.raed" in resource Organization, the target of relation "parent" (did you mean "repository.read"?)
#| 17:13: error: undeclared role or permission "owner" in actor User, the target of relation "creator"
