resource Repository {
  roles = ["reader", "maintainer", "admin"];
  permissions = ["read", "push", "delete", "manage_roles"];
  relations = { parent: Organization };

  "reader" if "maintainer";
  "maintainer" if "admin";
  "admin" if "owner" on "parent";       # role on related resource implies role
  "reader" if "member" on "parent";
  "read" if "repository.read" on "parent";  # permission on related resource grants permission
  "read" if "reader";
  "push" if "maintainer";
  "delete" if "admin";
  "manage_roles" if "admin";
}
