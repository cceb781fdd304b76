actor User {}
resource Doc { roles = ["viewer"]; }
resource Doc { permissions = ["read"]; "read" if "viewer"; }
resource Doc { roles = ["viewer", "editor"]; "viewer" if "editor"; relations = { parent: Doc }; }
resource Doc { relations = { parent: Doc, owner: User }; "editor" if "owner"; }
actor User { roles = ["self"]; permissions = ["read_profile"]; "read_profile" if "self"; }
global { roles = ["root"]; }
global { roles = ["auditor", "root"]; }
