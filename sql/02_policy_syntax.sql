-- Syntax errors: each reports line and column; load_policy raises 42601.
\set SHOW_CONTEXT never

-- 1. missing semicolon after a declaration
SELECT * FROM rbac.validate_policy($$resource Doc {
  permissions = ["read"]
  roles = ["viewer"];
}$$);
-- 2. unterminated string
SELECT * FROM rbac.validate_policy(E'resource Doc {\n  permissions = ["read];\n}');
-- 3. unterminated block
SELECT * FROM rbac.validate_policy('resource Doc { permissions = ["read"];');
-- 4. unexpected character
SELECT * FROM rbac.validate_policy('resource Doc { permissions = ["read"]; } @');
-- 5. unknown escape in a string
SELECT * FROM rbac.validate_policy(E'resource Doc { permissions = ["re\\qad"]; }');
-- 6. missing block name
SELECT * FROM rbac.validate_policy('resource { permissions = ["read"]; }');
-- 7. list without brackets
SELECT * FROM rbac.validate_policy('resource Doc { permissions = "read"; }');
-- 8. bad relation declaration
SELECT * FROM rbac.validate_policy('resource Doc { relations = { parent Folder }; }');
-- 9. shorthand rule missing "if"
SELECT * FROM rbac.validate_policy('resource Doc { roles = ["a", "b"]; "a" "b"; }');
-- 10. shorthand rule missing its body
SELECT * FROM rbac.validate_policy('resource Doc { roles = ["a"]; "a" if; }');
-- 11. "on" without a relation
SELECT * FROM rbac.validate_policy('resource Doc { roles = ["a"]; "a" if "a" on; }');
-- 12. unknown declaration keyword
SELECT * FROM rbac.validate_policy('resource Doc { actions = ["read"]; }');
-- 13. unbalanced parentheses in a rule body
SELECT * FROM rbac.validate_policy($$actor User {}
resource Doc { permissions = ["read"]; }
has_permission(_: User, "read", d: Doc) if (d.public = true;$$);
-- 14. rule missing its final semicolon
SELECT * FROM rbac.validate_policy($$actor User {}
resource Doc { permissions = ["read"]; }
has_permission(_: User, "read", d: Doc) if d.public = true$$);
-- 15. several independent errors are all reported
SELECT * FROM rbac.validate_policy($$resource A { roles = ["x"] }
resource B { permissions = [read]; }
resource C { roles = ["y"]; "y" if ; }$$);
-- 16. line and column count characters, not bytes
SELECT * FROM rbac.validate_policy(E'# héllo wörld\nresource Döc { rôles = ["a"]; }');
-- 17. nesting is bounded
SELECT line, col, severity, message FROM rbac.validate_policy(
  'actor User {} resource Doc { permissions = ["read"]; } has_permission(_: User, "read", d: Doc) if '
  || repeat('(', 5000) || 'd.x = 1' || repeat(')', 5000) || ';') LIMIT 1;
-- 18. an identifier may not start with a digit
SELECT * FROM rbac.validate_policy('resource 9Doc {}');
-- 19. a NUL-free binary-ish garbage input
SELECT * FROM rbac.validate_policy(E'\x01\x02 resource');

-- load_policy raises the first error with SQLSTATE 42601 and lists the others
SELECT rbac.load_policy($$resource A { roles = ["x"] }
resource B { permissions = [read]; }$$);
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.load_policy('resource Doc {');
\echo :LAST_ERROR_SQLSTATE
