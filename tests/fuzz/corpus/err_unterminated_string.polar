resource Doc {
  permissions = ["read];
  roles = ["viewer"];
}
resource X { roles = ["a", "b
