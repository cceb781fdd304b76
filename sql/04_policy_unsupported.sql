-- Polar constructs pg_rbac does not take, each with a hint saying what
-- replaces it here (SQLSTATE 0A000 from load_policy).
\set SHOW_CONTEXT never

-- 1. the entry rule is accepted
SELECT * FROM rbac.validate_policy($$actor User {}
allow(actor, action, resource) if has_permission(actor, action, resource);$$);
-- 2. any other allow rule is refused
SELECT * FROM rbac.validate_policy($$actor User {}
allow(actor, "read", resource) if actor.admin = true;$$);
-- 3. an allow rule with mismatched variables
SELECT * FROM rbac.validate_policy($$actor User {}
allow(a, b, c) if has_permission(c, b, a);$$);
-- 4. Oso host bridging of roles
SELECT * FROM rbac.validate_policy($$actor User {}
resource Org { roles = ["member"]; }
has_role(user: User, name: String, org: Org) if role in user.roles and role.name = name;$$);
-- 5. has_relation rules
SELECT * FROM rbac.validate_policy($$actor User {}
resource Org {}
resource Repo { relations = { parent: Org }; }
has_relation(org: Org, "parent", repo: Repo) if repo.org = org;$$);
-- 6. a rule with another name
SELECT * FROM rbac.validate_policy($$actor User {}
is_admin(user: User) if user.admin = true;$$);
-- 7. matches / isa
SELECT * FROM rbac.validate_policy($$actor User {}
resource Doc { permissions = ["read"]; }
has_permission(u: User, "read", d: Doc) if d matches Doc;$$);
-- 8. load_policy reports 0A000 with the hint
SELECT rbac.load_policy($$actor User {}
has_relation(a: User, "x", b: User);$$);
\echo :LAST_ERROR_SQLSTATE
