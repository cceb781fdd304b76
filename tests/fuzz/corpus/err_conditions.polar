actor User { roles = ["self"]; permissions = ["edit"]; }
resource User { "edit" if resource == actor; }
resource Org { roles = ["owner"]; permissions = ["read"]; }
global { roles = ["sup"]; }
resource Repo {
  roles = ["viewer"];
  permissions = ["read", "x"];
  relations = { parent: Org };
  "read" if "viewr" or is_public(doc);
  "read" if global "sup" and is_public(resource);
  "read" if resource == actor;
  "x" if not ("viewer" and "parent");
  "read" if viewer(resource);
  role if role on "parent";
  permission if role on "parent";
  "read" if role on "parent";
  role if role;
  "x" if has_role(actor, "a", resource);
  "x" if resource.foo;
  "x" if resource == 3;
}
