actor User {}
actor Group {}
resource Organization { roles = ["member"]; permissions = ["create"]; }
resource Repo { permissions = ["read", "write"]; relations = { org: Organization, creator: User }; }
has_permission(_: User, "create", _: Organization);
has_permission(u: User, "read", r: Repo) if r.is_public or (r.stars >= 10 and not r.archived);
has_permission(u: User, "read", r: Repo) if r.kind in ["a", "b", 3, 4.5, -6, true, false, nil,];
has_permission(u: User, "write", r: Repo) if r.creator = u and u.id != "banned" and r.size < 1.5;
has_permission(u: Actor, "read", r: Repo) if has_role(u, "member", r.org);
has_permission(_, "read", r: Repo) if r.visibility == "public";
has_role(u: User, "member", o: Organization) if o.owner_id = u.id;
has_permission(u: User, "read_profile", p: User) if u.id = p.id;
has_permission(u: User, "write", r: Repo) if has_permission(u, "read", r) and r.open > -1;
