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


# Expected output of rbac_lint -q (checked by check.sh):
#| 4:1: error: undeclared actor type "Usr" (did you mean "User"?)
#| 5:36: error: undeclared type "Repo"
#| 6:1: error: resource Repository is not an actor type
#|   hint: Only types declared with "actor Name {}" can be the actor of a rule.
#| 7:25: error: "reader" is a role of resource Repository, not a permission
#| 8:19: error: undeclared role "membr" in resource Organization (did you mean "member"?)
#| 11:1: error: variable "u" names both the actor and the resource
#|   hint: Name the resource differently and compare ids: u.id = other.id.
