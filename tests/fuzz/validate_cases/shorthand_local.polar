actor User {}
resource Organization { roles = ["owner", "member"]; }
resource Repository {
  roles = ["reader", "admin"];
  permissions = ["read"];
  relations = { parent: Organization, creator: User };
  "reeder" if "admin";
  "reader" if "admn";
  "read" if "parent";
  "read" if "creator";
  "creator" if "admin";
  "read" if "creatr";
}
