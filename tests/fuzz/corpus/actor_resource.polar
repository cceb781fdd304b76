actor User { roles = ["admin"]; relations = { manager: User }; }
resource User {
  permissions = ["read_profile", "edit_profile"];
  "read_profile" if resource == actor or "admin" or "manager";
  "edit_profile" if actor == resource and not frozen(resource);
}
global { roles = ["superuser"]; }
resource Folder {
  roles = ["owner", "editor", "viewer"];
  permissions = ["read", "write", "share"];
  relations = { parent: Folder, owner_user: User };
  role if "owner";
  "viewer" if "editor";
  role if role on "parent";
  permission if permission on "parent";
  "read" if "viewer" or global "superuser" or (("owner_user" or "manager" on "owner_user") and not archived(resource, true));
  "write" if "editor" and (status(resource, "open") or level(resource, 3) or ratio(resource, 0.5));
  permission if "owner" and not locked(resource);
}
