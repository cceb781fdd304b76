actor User {}
resource Org { roles = ["member"]; relations = { parent: Org }; }
resource Repo { permissions = ["read"]; relations = { parent: Org }; }
has_permission(a: User, "read", r: Repo) if x matches {name: "y"};
has_permission(a: User, "read", r: Repo) if has_relation(r, "parent", o.x);
has_permission(a: User, "read", r: Repo) if a.id in 3;
has_role(a: User, role, r: Repo) if has_role(a, role, r.parent);
has_role(u: User, name: String, o: Org) if role in u.roles and role matches Role{name: name};
has_relation(r: Repo, "parent", o: Org);
allow(actor: User, action: String, resource: Resource) if has_permission(actor, action, resource);
allow(a: Actor, b: String, c: Resource) if has_permission(a, b, c);
