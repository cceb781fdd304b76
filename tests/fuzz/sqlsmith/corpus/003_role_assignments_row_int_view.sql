-- issue 11, finding 5: the role-data trigger function attached by the
-- caller to its own temporary view of int columns read them as text
-- (SIGSEGV).  Attaching it must now be refused.
CREATE TEMP VIEW v AS SELECT 1::int AS actor, 2::bigint AS role, 3::int AS resource;
CREATE TRIGGER x INSTEAD OF DELETE ON v FOR EACH ROW EXECUTE FUNCTION rbac._role_assignments_row();
DELETE FROM v;
