-- pg_rbac install script, part 40: the check engine (SPEC 3.3).

CREATE TRIGGER invalidate_model AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON rbac.policy FOR EACH STATEMENT EXECUTE FUNCTION rbac._invalidate_model();
CREATE TRIGGER invalidate_model AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON rbac.binding FOR EACH STATEMENT EXECUTE FUNCTION rbac._invalidate_model();

