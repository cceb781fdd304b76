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

# Expected diagnostics (line:col severity: message), checked with a column
# lookup that knows Repository(is_public, name) and Issue(visibility, title):
# 4:3 warning: implication cycle in resource Doc: "b" -> "c" -> "a" -> "b" (these roles are equivalent)
# 7:3 warning: implication cycle in resource Doc: "d" -> "d" (these roles are equivalent)
# 8:3 warning: implication cycle in resource Doc: "p" -> "q" -> "p" (these permissions are equivalent)
