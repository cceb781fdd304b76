actor User {}
resource Organization { roles = ["owner", "member"]; "owner" if "create"; }
resource Repository { roles = ["reader"]; permissions = ["read"]; }
has_permission(_: Usr, "read", _: Repository);
has_permission(_: User, "read", _: Repo);
has_permission(_: Repository, "read", _: Repository);
has_permission(_: User, "reader", _: Repository);
has_role(u: User, "membr", o: Organization);
has_permission(_: User, "create", _: Organization);
has_permission(u: User, "read_profile", p: User) if u.id = p.id;
has_permission(u: User, "read", u: Repository);
