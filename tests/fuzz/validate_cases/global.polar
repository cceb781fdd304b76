global { roles = ["superadmin"]; }
resource Doc {
  permissions = ["read"];
  "read" if global "superadmin";
  "read" if global "superadmn";
}
