actor User {}
resource Org { roles = ["owner", "member"]; permissions = ["read", "admin_it"]; "member" if "owner"; }
resource Repo {
  roles = ["viewer", "admin", "member"];
  permissions = ["read", "delete", "write"];
  relations = { parent: Org, creator: User };
  "read" if "viewer" or is_public(resource);
  "delete" if "admin" and not is_protected(resource);
  "write" if ("admin" or "viewer") and status(resource, "open");
  "read" if "member" on "parent" and is_public(resource);
  "write" if "creator" and not archived(resource, true);
  role if role on "parent";
  permission if "admin";
}
