resource Organization {
  roles = ["owner", "member"];
  permissions = ["read", "create_repository", "manage_roles", "repository.read"];

  "member" if "owner";                  # role implies role
  "read" if "member";                   # role grants permission
  "create_repository" if "owner";
  "manage_roles" if "owner";
  "read" if global "superadmin";        # global role
}
