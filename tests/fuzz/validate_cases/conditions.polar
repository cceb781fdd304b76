actor User { roles = ["self"]; }
resource User { permissions = ["edit"]; "edit" if resource == actor and not frozen(resource); }
global { roles = ["sup"]; }
resource Org { roles = ["owner"]; permissions = ["read"]; }
resource Repo {
  roles = ["viewer"];
  permissions = ["read", "x"];
  relations = { parent: Org, creator: User };
  "read" if "viewer" or is_public(resource) or ("creator" and open(resource, "yes"));
  "read" if "viewr" or is_public(doc);
  "read" if not global "sup" and is_public(resource) or (global "spu" or "viewer") and open(resource);
  "read" if resource == actor;
  "x" if not ("viewer" and "parent");
  "x" if "owner" on "parent" and not ("owner" on "parnt");
  "read" if viewer(resource);
}


# Expected output of rbac_lint -q (checked by check.sh):
#| 10:13: error: undeclared role or permission "viewr" in resource Repo (did you mean "viewer"?)
#| 10:34: error: fact "is_public" must be about the resource, not "doc"
#|   hint: In a shorthand rule the resource is called resource: is_public(resource).
#| 11:65: error: undeclared global role or permission "spu" (did you mean "sup"?)
#| 12:13: error: resource == actor needs Repo to be an actor type too
#|   hint: Declare actor Repo {} as well: a type can be both an actor and a resource.
#| 13:28: error: relation "parent" of resource Repo is not an actor relation and needs "on"
#|   hint: Name a role of resource Org with "on": "owner" on "parent".
#| 14:50: error: undeclared relation "parnt" in resource Repo (did you mean "parent"?)
#| 15:13: error: "viewer" is a role of resource Repo, not a fact about the resource
#|   hint: Name a role as a string: "viewer".
