resource Organization { roles = ["owner"]; }
resource Repository {
  roles = ["admin"];
  relations = { parent: Organisation };
  "admin" if "owner" on "parent";
}

# Expected diagnostics (line:col severity: message), checked with a column
# lookup that knows Repository(is_public, name) and Issue(visibility, title):
# 4:25 error: relation "parent" of resource Repository targets undeclared type "Organisation" (did you mean "Organization"?)
