-- Groups (SPEC 3.4): add_member, remove_member, members, groups_of, cycles.
\set SHOW_CONTEXT never
\set spec_policy `cat examples/gitclub.polar`
SELECT rbac.load_policy(:'spec_policy', drop_orphans => true);
SELECT pg_catalog.clock_timestamp() AS t0 \gset

-- true when new, false when already a member
SELECT rbac.add_member('Group:eng', 'User:alice');
SELECT rbac.add_member('Group:eng', 'User:alice');
SELECT rbac.add_member('Group:eng', 'User:bob');
SELECT rbac.add_member('Group:eng', 'Group:eng-leads');
SELECT rbac.add_member('Group:eng-leads', 'User:carol');
SELECT rbac.add_member('Group:everyone', 'Group:eng');
SELECT rbac.add_member('Group:everyone', 'User:dave');
-- any actor may have members, ids may contain colons
SELECT rbac.add_member('User:team:x', 'User:erin');
SELECT count(*) FROM rbac.membership;

-- direct and transitive members, sorted
SELECT rbac.members('Group:everyone');
SELECT rbac.members('Group:everyone', true);
SELECT rbac.members('Group:eng', transitive => true);
SELECT rbac.members('Group:nobody');
-- every group an actor belongs to, at any depth
SELECT rbac.groups_of('User:carol');
SELECT rbac.groups_of('User:dave');
SELECT rbac.groups_of('User:erin');
SELECT rbac.groups_of('Group:eng');
SELECT rbac.groups_of('User:nobody');

-- cycles are refused, whatever their length; nothing is written
SELECT count(*) AS before FROM rbac.membership \gset
-- length 1
SELECT rbac.add_member('Group:eng', 'Group:eng');
\echo :LAST_ERROR_SQLSTATE
-- length 2
SELECT rbac.add_member('Group:eng', 'Group:everyone');
\echo :LAST_ERROR_SQLSTATE
-- length 3 through eng-leads
SELECT rbac.add_member('Group:eng-leads', 'Group:everyone');
\echo :LAST_ERROR_SQLSTATE
-- length 5: g1 in g2 in g3 in g4 in g5, then g5 in g1
SELECT rbac.add_member('Group:g2', 'Group:g1');
SELECT rbac.add_member('Group:g3', 'Group:g2');
SELECT rbac.add_member('Group:g4', 'Group:g3');
SELECT rbac.add_member('Group:g5', 'Group:g4');
SELECT rbac.add_member('Group:g1', 'Group:g5');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) - :before AS written FROM rbac.membership;
-- a diamond is not a cycle
SELECT rbac.add_member('Group:g5', 'Group:g1');
SELECT rbac.members('Group:g5', true);

-- validation: actor references of declared actor types
SELECT rbac.add_member('Repository:1', 'User:alice');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.add_member('Group:eng', 'Organization:acme');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.add_member('Gruop:eng', 'User:alice');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.add_member('Group', 'User:alice');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.add_member('Group:eng', ':alice');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.add_member('Group:eng', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.members('Group:');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.members('Repository:1');
\echo :LAST_ERROR_SQLSTATE
SELECT rbac.groups_of('Nope:1');
\echo :LAST_ERROR_SQLSTATE

-- remove_member: true when removed, false when not a direct member
SELECT rbac.remove_member('Group:eng', 'User:bob');
SELECT rbac.remove_member('Group:eng', 'User:bob');
SELECT rbac.remove_member('Group:everyone', 'User:carol');
SELECT rbac.remove_member('Group:eng', 'Group:eng-leads');
SELECT rbac.groups_of('User:carol');
-- now the cycle through eng-leads is gone
SELECT rbac.add_member('Group:eng-leads', 'Group:everyone');
SELECT rbac.members('Group:eng-leads', true);

-- audited: one row per change
SELECT operation, detail FROM rbac.audit_log
WHERE at > :'t0' AND operation IN ('add_member', 'remove_member') ORDER BY at;

-- clean up
DELETE FROM rbac.membership;
