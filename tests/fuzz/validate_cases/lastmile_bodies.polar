actor User {}
resource Organization { roles = ["owner", "member"]; permissions = ["read"]; }
resource Repository {
  roles = ["reader"];
  permissions = ["read"];
  relations = { parent: Organization };
}
resource Issue {
  permissions = ["read"];
  relations = { repository: Repository, creator: User, assignee: User };
}
has_permission(u: User, "read", r: Repository) if rr.name = "x";
has_permission(u: User, "read", r: Repository) if _.name = "x";
has_permission(u: User, "read", r: Repository) if r = "x";
has_permission(u: User, "read", r: Repository) if r.name < nil;
has_permission(u: User, "read", r: Repository) if r.id >= true;
has_permission(u: User, "read", r: Repository) if r.parent.foo.bar = 1;
has_permission(u: User, "read", r: Repository) if has_role(r, "owner", r.parent);
has_permission(u: User, "read", r: Repository) if has_role(u, "ownr", r.parent);
has_permission(u: User, "read", r: Repository) if has_permission(u, "delete", r);
has_permission(u: User, "read", r: Repository) if has_role(u, "owner", r.prent);
has_permission(u: User, "read", r: Repository) if has_role(u, "owner", r.id);
has_permission(u: User, "read", r: Repository) if r.parent;
has_permission(u: User, "read", r: Repository) if 5;
has_permission(user: User, "read", issue: Issue) if issue.creator = user;
has_permission(user: User, "read", issue: Issue) if user = issue.repository;
has_permission(user: User, "read", issue: Issue) if issue.repository = 3;
has_permission(user: User, "read", issue: Issue) if issue.repository.parent.id = user.id;
has_permission(user: User, "read", issue: Issue) if issue.creator = nil or issue.creator = issue.assignee;
has_permission(user: User, "read", issue: Issue) if issue.visibility in ["a", "b"] and issue in ["x"];
has_permission(a: Actor, "read", issue: Issue) if a.id = issue.creator.id or a = issue.creator;
has_permission(a: Actor, "read", issue: Issue) if a.name = "x";
has_permission(a: Actor, "read", issue: Issue) if has_role(a, "owner", a);
has_permission(_, "read", issue: Issue) if has_role(x, "owner", issue.repository.parent);
has_permission(user: User, "read", issue: Issue) if has_role(user, "member", issue.repository.parent);
