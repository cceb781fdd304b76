actor User {}
resource User {}
resource Doc { roles = ["read"]; permissions = ["read"]; }
resource Doc2 { roles = ["a", "b", "a"]; roles = ["c"]; permissions = ["p"]; permissions = ["q"]; }
resource Doc3 { roles = ["viewer"]; }
resource Doc3 { permissions = ["viewer"]; }
resource Doc4 { roles = ["owner"]; relations = { owner: User }; }
resource Doc5 { relations = { p: Doc, p: Doc }; }
resource Doc5 { relations = { p: Doc2 }; }
global { roles = ["root", "root"]; }
global { roles = ["root"]; permissions = ["x"]; }
