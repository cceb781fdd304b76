actor User {}
resource Org { roles = ["member"]; }
has_role(user: User, name: String, org: Org) if role in user.roles and role.name = name and role.resource = org;
has_relation(org: Org, "parent", repo: Repo) if repo.org = org;
is_admin(user: User) if user.admin = true;
has_permission(user: User, "read", org: Org) if org.tag in org.tags;
