actor User {}
actor AuthenticatedActor {}
resource Database { permissions = ["modify"]; }
resource Org { roles = ["member", "owner", "reader"]; relations = { parent: Org }; }
resource Repo { roles = ["reader"]; permissions = ["read"]; relations = { parent: Org }; "read" if "reader"; }
has_permission(a: User, "read", r: Repo) if o matches Org and has_relation(r, "parent", o) and has_role(a, "member", o);
has_permission(a: User, "read", r: Repo) if has_relation(r, "parent", o) and has_relation(o, "parent", t) and t.name = "x" and has_role(a, "owner", t);
has_permission(a: User, "read", r: Repo) if a.id in r.owner_ids or "x" in r.parent.tags;
has_role(a: User, role: String, r: Repo) if role in ["reader"] and has_role(a, role, r.parent);
has_permission(USER_DB_INIT: AuthenticatedActor, "modify", _resource: Database);
has_permission(_USER_DB_INIT: AuthenticatedActor, "modify", db: Database) if db matches Database;
allow(actor: Actor, action: String, resource: Resource) if has_permission(actor, action, resource);


# Expected output of rbac_lint -q (checked by check.sh):
#| 10:1: warning: variable "USER_DB_INIT" is used only once: it matches every AuthenticatedActor, it is not a constant
#|   hint: Write _: AuthenticatedActor (or _USER_DB_INIT) when every one is meant; to single out one actor, compare USER_DB_INIT.id = "..." in the body or give it a role with rbac.assign_role.
