-- World 1 (GitClub): the permissions UPDATE and DELETE map to first, each
-- derived in several ways; the other permissions follow in later rounds.
INSERT INTO rls.choice VALUES
    -- billing: owner through the owner <-> admin cycle (and the co-owner
    -- custom role, superadmin -> admin), or the founder actor relation;
    -- repository.read: member, a custom role (audit-team), global auditor
    ('Organization', 'read', ARRAY['billing', 'repository.read']),
    -- triage: the creator actor relation, push <- writer, repository.push
    -- on the parent (the pushers custom role); delete: admin <- owner on
    -- the parent, or "founder" on "parent" (an actor relation one hop away)
    ('Repository', 'read', ARRAY['triage', 'delete']),
    -- close: maintainer on the repository, the creator, assignee (assigned
    -- actor relation, assignments, the has_role rule on open issues);
    -- label: triage on the repository, or the last-mile rule two hops away
    ('Issue', 'read', ARRAY['close', 'label', 'watch', 'comment']);
