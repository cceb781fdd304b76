resource Doc {
  roles = ["a", "b", "c", "d"];
  permissions = ["p", "q"];
  "b" if "a";
  "c" if "b";
  "a" if "c";
  "d" if "d";
  "p" if "q";
  "q" if "p";
}
resource Folder {
  roles = ["viewer"];
  relations = { parent: Folder };
  "viewer" if "viewer" on "parent";
}
