-- pg_rbac install script, part 60: administration without a superuser
-- (SPEC 6.3).  An administrator is a role that may execute
-- rbac.load_policy; grant_admin gives it that, the other policy, binding
-- and RLS functions, and the role-data privileges.

