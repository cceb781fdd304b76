actor User {}
global {
  roles = ["admin", "superadmin", "auditor"];
  permissions = ["create_org", "view_logs", "nothing"];
  "create_org" if "admin";
  "admin" if "superadmin";
  "view_logs" if "auditor";
  "view_logs" if "create_org";
  "auditor" if "view_logs";
  "nope" if "admin";
  "x" if "admin" and "auditor";
}
resource Org { permissions = ["read", "create_repo", "z"]; "create_repo" if global "create_org"; "read" if global "view_logs" or "z"; "z" if global "nothing"; }
