global { roles = ["superadmin"]; }
resource Doc {
  permissions = ["read"];
  "read" if global "superadmin";
  "read" if global "superadmn";
}


# Expected output of rbac_lint -q (checked by check.sh):
#| 5:20: error: undeclared global role "superadmn" (did you mean "superadmin"?)
