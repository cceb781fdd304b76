-- World 2 (folders): the permissions UPDATE and DELETE map to first; the
-- others follow in later rounds.
INSERT INTO rls.choice VALUES
    ('Drive', 'read', ARRAY['write', 'admin']),
    -- share: owner down the folder tree (cycles included), or the last-mile
    -- rule (shareable and editor on the parent); list: read, or "list" on
    -- the parent, any depth
    ('Folder', 'read', ARRAY['share', 'list']),
    -- comment: commenter <- author <- written_by, "owned_by" on "folder"
    -- (an actor relation one hop away), the has_role rule for any actor
    -- type, the Team rule; delete: the author, or delete <- share on the
    -- folder
    ('Document', 'read', ARRAY['comment', 'delete']);
