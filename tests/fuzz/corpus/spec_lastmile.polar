# last-mile rules: Polar rules with attribute conditions
has_permission(_: User, "read", repo: Repository) if repo.is_public = true;
has_permission(user: User, "read", issue: Issue) if issue.visibility = "internal" and has_role(user, "member", issue.repository.parent);

allow(actor, action, resource) if has_permission(actor, action, resource);
