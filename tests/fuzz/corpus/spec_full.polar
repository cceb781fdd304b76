actor User {}
actor Group {}

global {
  roles = ["superadmin"];
}

resource Organization {
  roles = ["owner", "member"];
  permissions = ["read", "create_repository", "manage_roles", "repository.read"];

  "member" if "owner";                  # role implies role
  "read" if "member";                   # role grants permission
  "create_repository" if "owner";
  "manage_roles" if "owner";
  "read" if global "superadmin";        # global role
}

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

resource Issue {
  permissions = ["read", "close"];
  relations = { repository: Repository, creator: User };

  "read" if "read" on "repository";
  "close" if "maintainer" on "repository";
  "close" if "creator";                 # relation to an actor type: the actor IS the creator
}

resource Folder {
  permissions = ["read"];
  roles = ["viewer"];
  relations = { parent: Folder };       # self-referential: any depth
  "read" if "viewer";
  "viewer" if "viewer" on "parent";
}

# last-mile rules: Polar rules with attribute conditions
has_permission(_: User, "read", repo: Repository) if repo.is_public = true;
has_permission(user: User, "read", issue: Issue) if issue.visibility = "internal" and has_role(user, "member", issue.repository.parent);

allow(actor, action, resource) if has_permission(actor, action, resource);
