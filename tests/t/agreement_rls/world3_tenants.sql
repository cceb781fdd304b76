-- World 3 (tenants): the permissions UPDATE and DELETE map to first; the
-- others follow in later rounds.
INSERT INTO rls.choice VALUES
    -- task.close <- project.write <- admin, admin on the reseller (any
    -- depth), custom roles (closer, reseller-admin); invoice.read: the
    -- billing_admin chain through resellers and the ops custom role
    ('Tenant', 'read', ARRAY['task.close', 'invoice.read']),
    -- task.close: from the tenant two rules away, or lead (lead_user actor
    -- relation, admin on the tenant); archive: lead
    ('Project', 'read', ARRAY['task.close', 'archive']),
    -- reopen: close, or the last-mile rule that needs read on the task
    -- itself; close: update, task.close on the project, the creator
    ('Task', 'read', ARRAY['reopen', 'close']);
