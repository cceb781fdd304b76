global {
  roles = ["superadmin"];
}
