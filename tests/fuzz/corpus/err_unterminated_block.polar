resource Doc { permissions = ["read"];
resource Other { roles = ["a"];
global {