actor User {}
global {
  roles = ["admin", "superadmin"];
  permissions = ["create_org", "unused"];
  "create_org" if "admin";
  "admin" if "superadmin";
  "admin" if "create_org";
  "create_org" if "amdin";
}
resource Org { permissions = ["create_repo"]; "create_repo" if global "create_org"; "create_repo" if global "unused"; }


# Expected output of rbac_lint -q (checked by check.sh):
#| 4:32: warning: global permission "unused" is granted by no global role
#| 7:14: error: global role "admin" cannot be granted by permission "create_org"
#|   hint: Roles grant permissions: write "permission" if "role";.
#| 8:19: error: undeclared global role or permission "amdin" (did you mean "admin"?)
#| 10:109: warning: global permission "unused" is granted by no global role, so this rule never holds
