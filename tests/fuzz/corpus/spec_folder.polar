resource Folder {
  permissions = ["read"];
  roles = ["viewer"];
  relations = { parent: Folder };       # self-referential: any depth
  "read" if "viewer";
  "viewer" if "viewer" on "parent";
}
