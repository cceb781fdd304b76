actor User {}
resource Organization {
  roles = ["owner"];
  permissions = ["repository.read"];
  relations = { owns: User, up: Organization };
}
resource Repository {
  roles = ["admin"];
  permissions = ["read"];
  relations = { parent: Organization, creator: User };
  "admin" if "owns" on "parent";
  "admin" if "ownr" on "parent";
  "admin" if "owner" on "prent";
  "admin" if "owner" on "admin";
  "admin" if "up" on "parent";
  "read" if "repository.raed" on "parent";
  "read" if "owner" on "creator";
}
