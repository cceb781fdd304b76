-- Semantic errors: 42P17 with line, column and the closest valid name.
\set SHOW_CONTEXT never

-- 1. the typo of the acceptance criterion
SELECT * FROM rbac.validate_policy($$resource Repository {
  roles = ["reader"];
  permissions = ["read"];
  "read" if "reeder";
}$$);
SELECT rbac.load_policy($$resource Repository {
  roles = ["reader"];
  permissions = ["read"];
  "read" if "reeder";
}$$);
\echo :LAST_ERROR_SQLSTATE
-- 2. undeclared head of a shorthand rule
SELECT * FROM rbac.validate_policy('resource Doc { roles = ["viewer"]; "raed" if "viewer"; }');
-- 3. relation to an undeclared type, with a suggestion
SELECT * FROM rbac.validate_policy($$resource Organization { roles = ["owner"]; }
resource Repository { relations = { parent: Organisation }; }$$);
-- 4. "on" an undeclared relation
SELECT * FROM rbac.validate_policy($$resource Organization { roles = ["owner"]; }
resource Repository { roles = ["admin"]; relations = { parent: Organization };
  "admin" if "owner" on "parnet"; }$$);
-- 5. a term not declared in the related block
SELECT * FROM rbac.validate_policy($$resource Organization { roles = ["owner"]; }
resource Repository { roles = ["admin"]; relations = { parent: Organization };
  "admin" if "ownr" on "parent"; }$$);
-- 6. undeclared global role
SELECT * FROM rbac.validate_policy($$global { roles = ["superadmin"]; }
resource Doc { permissions = ["read"]; "read" if global "superadmn"; }$$);
-- 7. global role used when no global block exists
SELECT * FROM rbac.validate_policy('resource Doc { permissions = ["read"]; "read" if global "root"; }');
-- 8. a shorthand body naming a resource relation without "on"
SELECT * FROM rbac.validate_policy($$resource Folder { roles = ["viewer"]; }
resource Doc { permissions = ["read"]; relations = { parent: Folder }; "read" if "parent"; }$$);
-- 9. a name declared twice with different kinds
SELECT * FROM rbac.validate_policy('resource Doc { roles = ["read"]; permissions = ["read"]; }');
-- 10. the same kind across merged blocks is fine, a different kind is not
SELECT * FROM rbac.validate_policy($$resource Doc { roles = ["viewer"]; }
resource Doc { permissions = ["viewer"]; }$$);
-- 11. a duplicate name in one list
SELECT * FROM rbac.validate_policy('resource Doc { roles = ["a", "b", "a"]; }');
-- 12. a declaration repeated in one block
SELECT * FROM rbac.validate_policy('resource Doc { roles = ["a"]; roles = ["b"]; }');
-- 13. a type declared as actor and as resource is one type that is both (sql/90)
SELECT * FROM rbac.validate_policy('actor User {} resource User {}');
-- 14. a relation conflicting with a role
SELECT * FROM rbac.validate_policy('actor User {} resource Doc { roles = ["owner"]; relations = { owner: User }; }');
-- 15. last-mile rule on an undeclared actor type
SELECT * FROM rbac.validate_policy($$actor User {}
resource Doc { permissions = ["read"]; }
has_permission(_: Usr, "read", _: Doc);$$);
-- 16. last-mile rule on an undeclared resource type
SELECT * FROM rbac.validate_policy($$actor User {}
has_permission(_: User, "read", _: Dock);$$);
-- 17. has_role rule naming an undeclared role
SELECT * FROM rbac.validate_policy($$actor User {}
resource Doc { roles = ["viewer"]; }
has_role(u: User, "veiwer", d: Doc) if d.owner_id = u.id;$$);
-- 18. unknown variable in a rule body
SELECT * FROM rbac.validate_policy($$actor User {}
resource Doc { permissions = ["read"]; }
has_permission(user: User, "read", doc: Doc) if dco.public = true;$$);
-- 19. has_role in a body naming a role the target type lacks
SELECT * FROM rbac.validate_policy($$actor User {}
resource Organization { roles = ["member"]; }
resource Doc { permissions = ["read"]; relations = { org: Organization }; }
has_permission(u: User, "read", d: Doc) if has_role(u, "membr", d.org);$$);
-- 20. a relation hop that does not exist
SELECT * FROM rbac.validate_policy($$actor User {}
resource Organization { roles = ["member"]; }
resource Doc { permissions = ["read"]; relations = { org: Organization }; }
has_permission(u: User, "read", d: Doc) if has_role(u, "member", d.orgg);$$);
-- 21. has_role's actor argument must be the rule's actor
SELECT * FROM rbac.validate_policy($$actor User {}
resource Organization { roles = ["member"]; }
resource Doc { permissions = ["read"]; relations = { org: Organization }; }
has_permission(u: User, "read", d: Doc) if has_role(d, "member", d.org);$$);
-- 22. comparing a variable itself with a literal
SELECT * FROM rbac.validate_policy($$actor User {}
resource Doc { permissions = ["read"]; }
has_permission(u: User, "read", d: Doc) if u = "alice";$$);
-- 23. a permission named by a last-mile rule counts as declared
SELECT * FROM rbac.validate_policy($$actor User {}
resource Doc { roles = ["viewer"]; "export" if "viewer"; }
has_permission(_: User, "export", d: Doc) if d.exportable = true;$$);
-- 24. ...but not when it is a role of the type
SELECT * FROM rbac.validate_policy($$actor User {}
resource Doc { roles = ["viewer"]; }
has_permission(_: User, "viewer", _: Doc);$$);
-- 25. the undeclared names of the SPEC example's dotted permission
SELECT * FROM rbac.validate_policy($$resource Organization { permissions = ["repository.read"]; }
resource Repository { permissions = ["read"]; relations = { parent: Organization };
  "read" if "repository.raed" on "parent"; }$$);
-- 26. nothing changes when validation fails
SELECT count(*) AS types_before FROM rbac.policy_type;
SELECT rbac.load_policy('resource Doc { roles = ["a"]; "b" if "a"; }');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS types_after FROM rbac.policy_type;
