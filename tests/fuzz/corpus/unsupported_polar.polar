actor User {}
resource Doc { permissions = ["read"]; relations = { owner: User }; }
has_permission(u: User, "read", d: Doc) if d matches Doc;
has_permission(u: User, "read", d: Doc) if d isa Doc;
has_permission(u: User, "read", d: Doc) if forall(x in d.tags, x = "a");
has_permission(u: User, "read", d: Doc) if cut;
has_permission(u: User, "read", d: Doc) if x := d.owner and x = u;
has_permission(u: User, "read", d: Doc) if d.n + 1 > 2;
has_permission(u: User, "read", d: Doc) if d.tags = ["a"];
has_permission(u: User, "read", d: Doc) if d.meta = {a: 1};
has_permission(u: User{name: "alice"}, "read", d: Doc);
has_permission(u: User, "read", d: Doc) if d.check(u);
has_permission(u: User, "read", d: Doc) if print(d);
has_permission(u: User, "read", d: Doc) if d = new Doc();
has_permission(u: User, action, d: Doc);
has_permission(u, "read", d: Doc);
