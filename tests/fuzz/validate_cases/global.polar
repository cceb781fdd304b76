global { roles = ["superadmin"]; }
resource Doc {
  permissions = ["read"];
  "read" if global "superadmin";
  "read" if global "superadmn";
}

# Expected diagnostics (line:col severity: message), checked with a column
# lookup that knows Repository(is_public, name) and Issue(visibility, title):
# 5:20 error: undeclared global role "superadmn" (did you mean "superadmin"?)
