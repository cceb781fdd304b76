actor User {}
resource Doc { permissions = ["read"]; }
allow(actor, action, resource) if has_permission(actor, action, resource);
allow(actor, "read", resource) if actor.admin = true;
allow(a, b, c) if has_permission(c, b, a);
allow(a, b, c);
allow(a, a, a) if has_permission(a, a, a);
allow(actor: User, action, resource) if has_permission(actor, action, resource);
