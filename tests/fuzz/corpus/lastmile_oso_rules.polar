actor User {}
resource Organization { roles = ["member", "owner", "reader", "admin"]; relations = { parent: Organization }; }
resource Repository {
  roles = ["reader", "admin"];
  permissions = ["read"];
  relations = { parent: Organization };
  "read" if "reader";
}
has_permission(actor: User, "read", repo: Repository) if
  org matches Organization and has_relation(repo, "parent", org) and has_role(actor, "member", org);
has_permission(actor: User, "read", repo: Repository) if
  org matches Organization and has_relation(repo, "parent", org) and
  has_relation(org, "parent", top) and has_role(actor, "owner", top) and org.name = "x";
has_role(actor: User, role: String, repo: Repository) if role in ["reader", "admin"] and has_role(actor, role, repo.parent);
has_permission(actor: User, "read", repo: Repository) if actor.id in repo.owner_ids or "x" in repo.tags;
has_permission(USER_DB_INIT: User, "read", _resource: Repository);
allow(actor: Actor, action: String, resource: Resource) if has_permission(actor, action, resource);
has_role(user: User, name: String, resource: Resource) if role in user.roles and role matches {name: name};
has_relation(repo: Repository, "parent", org: Organization) if repo.organization = org;
