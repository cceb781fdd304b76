actor User {}
actor Group {}
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
has_permission(g: Group, "read", issue: Issue) if issue.creator = g;
has_permission(user: User, "read", issue: Issue) if issue.creator < user;
has_permission(user: User, "read", issue: Issue) if issue.visibility in ["a", issue.creator, user.id];
has_permission(user: User, "read", issue: Issue) if has_permission(user, "read", issue.repository) and has_role(user, "read", issue.repository);
has_permission(user: User, "read", issue: Issue) if issue.titel = "x" and issue.title != nil and not issue.repository.is_public;


# Expected output of rbac_lint -q (checked by check.sh):
#| 13:51: error: unknown variable "rr" (did you mean "r"?)
#|   hint: A body names the rule's parameters, and variables joined to them: rr matches Type and has_relation(resource, "relation", rr).
#| 14:51: error: the anonymous variable "_" cannot be used in a rule body
#| 15:51: error: cannot compare variable "r" itself with a literal
#|   hint: Compare r.id instead.
#| 16:60: error: operator "<" cannot be applied to nil
#| 17:59: error: operator ">=" cannot be applied to a boolean
#| 18:51: error: field "foo" of resource Organization is not a relation
#| 19:51: error: the first argument of has_role must be the actor variable "u", not "r"
#| 20:51: error: undeclared role "ownr" in resource Organization (did you mean "owner"?)
#| 21:51: error: undeclared permission "delete" in resource Repository
#| 22:72: error: undeclared relation "prent" in resource Repository (did you mean "parent"?)
#| 23:72: error: the target of has_role must be a rule variable or a path to a relation, not "r.id"
#| 24:51: error: "r.parent" is not a boolean column
#|   hint: A condition is a comparison, has_role, has_permission or a boolean column.
#| 25:51: error: a literal condition must be true or false
#| 27:60: error: cannot compare the actor "user" with relation "issue.repository", which targets resource Repository
#| 28:53: error: cannot use relation "issue.repository" as a value
#|   hint: Compare issue.repository.id instead, or compare the relation with the actor itself (issue.creator = user).
#| 31:88: error: cannot compare variable "issue" itself with a literal
#|   hint: Compare issue.id instead.
#| 33:51: error: variable "a" may be any actor type, so only .id is available
#|   hint: Use a.id, or give the actor a type (a: User).
#| 34:72: error: the target of has_role must have a known type, but "a" may be any actor type
#| 35:44: error: the first argument of has_role must be the rule's actor variable, but the rule has none
#|   hint: Give the actor of the rule a name (user: User) and pass it.
#| 37:51: error: cannot compare the actor "g" (a Group) with relation "issue.creator", which targets actor User
#| 38:53: error: operator "<" cannot be applied to actors
#| 39:79: error: only literals can appear in the list of "in", found "issue"
#| 40:104: error: "read" is a permission of resource Repository, not a role
