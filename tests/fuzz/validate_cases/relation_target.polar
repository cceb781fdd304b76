resource Organization { roles = ["owner"]; }
resource Repository {
  roles = ["admin"];
  relations = { parent: Organisation };
  "admin" if "owner" on "parent";
}
