has_permission("x", 1, 2);
has_role(1.5, nil, "r");
has_permission(u: User, "read", d: Doc) if has_role(u, "r", d.x.y);