resource Doc {
  permissions = ["read"]
  roles = ["viewer"]
  "read" if "viewer"
}
actor User {}
has_permission(_: User, "read", d: Doc) if d.public = true
