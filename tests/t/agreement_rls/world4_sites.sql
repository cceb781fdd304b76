-- World 4 (sites): no type has a "read" permission, so SELECT maps to the
-- permission that plays its part; UPDATE and DELETE map to these first,
-- then to the others in later rounds.
INSERT INTO rls.choice VALUES
    -- User is an actor type and a resource of last-mile rules
    -- (u.id = p.id, a rule for Group actors)
    ('User', 'read_profile', ARRAY['read_profile']),
    -- p3: d <- c on the parent, the has_role rule recursing through the
    -- parent (and a cycle), p3 on the parent, global auditor; p2: p1 <- a
    -- <- the a/b/c cycle, "manager" on "parent"; p5: d
    ('Site', 'p3', ARRAY['p2', 'p5']),
    -- view: edit, p2 on the site, bare _ and Actor rules; publish: p4 on
    -- the site (global admin), the author rule; edit: editor, a on the
    -- site, u.id in a list
    ('Page', 'view', ARRAY['publish', 'edit']);
