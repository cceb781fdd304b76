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


# Expected output of rbac_lint -q (checked by check.sh):
#| 4:3: warning: implication cycle in resource Doc: "b" -> "c" -> "a" -> "b" (these roles are equivalent)
#| 7:3: warning: implication cycle in resource Doc: "d" -> "d" (these roles are equivalent)
#| 8:3: warning: implication cycle in resource Doc: "p" -> "q" -> "p" (these permissions are equivalent)
