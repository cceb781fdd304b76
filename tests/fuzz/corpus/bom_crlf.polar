actor User {}
resource Doc {
  roles = ["a"];
}
