actor User {}
resource Base { roles = ["a"]; }
resource Repo extends Base { roles = ["b"]; }
resource Doc { permissions = ["read"];
  has_permission(u: User, "read", d: Doc) if d.public;
  "read" if is_public(resource);
}
