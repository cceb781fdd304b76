resource Organization { roles = ["owner"]; }
resource Repository {
  roles = ["admin"];
  relations = { parent: Organisation };
  "admin" if "owner" on "parent";
}


# Expected output of rbac_lint -q (checked by check.sh):
#| 4:25: error: relation "parent" of resource Repository targets undeclared type "Organisation" (did you mean "Organization"?)
