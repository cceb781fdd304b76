-- Role data for the RLS benchmark (tests/bench/rls.sh), on top of
-- gitclub_data.sql with 1,000 organizations, 100,000 repositories,
-- 1,000,000 issues, 100,000 users and 1,000 teams.  About 500,000
-- assignments.  Deterministic (setseed).
SELECT setseed(0.17);
-- background: every user from 4 on is a member of one organization ...
INSERT INTO rbac.role_assignments (actor, role, resource)
SELECT 'User:' || u, 'member', 'Organization:' || (1 + u % 1000) FROM generate_series(4, 100000) u;
-- ... in one team, and teams read 100 repositories each
INSERT INTO groups SELECT i, 'special' || i FROM generate_series(1001, 1040) i;
INSERT INTO rbac.membership (group_type, group_id, member_type, member_id)
SELECT 'Group', (1 + u % 1000)::text, 'User', u::text FROM generate_series(4, 100000) u;
INSERT INTO rbac.role_assignments (actor, role, resource)
SELECT 'Group:' || g, 'reader', 'Repository:' || (g + k * 1000) FROM generate_series(1, 1000) g, generate_series(0, 99) k;
-- 300,000 direct repository roles
INSERT INTO rbac.role_assignments (actor, role, resource)
SELECT DISTINCT ON (u, r) 'User:' || u, (ARRAY['reader', 'maintainer', 'admin'])[1 + (random() * 2)::int], 'Repository:' || r
FROM (SELECT 4 + (random() * 99996)::int AS u, 1 + (random() * 99999)::int AS r FROM generate_series(1, 300000)) s;
-- the measured users
-- User:1 sees about 0.1%: member of one organization
INSERT INTO rbac.role_assignments (actor, role, resource) VALUES ('User:1', 'member', 'Organization:1');
-- User:2 sees about 5%: member of 50 organizations
INSERT INTO rbac.role_assignments (actor, role, resource)
SELECT 'User:2', 'member', 'Organization:' || o FROM generate_series(1, 50) o;
-- User:3 sees about 50%: through 40 teams, each a member of 13 organizations
INSERT INTO rbac.membership (group_type, group_id, member_type, member_id)
SELECT 'Group', g::text, 'User', '3' FROM generate_series(1001, 1040) g;
INSERT INTO rbac.role_assignments (actor, role, resource)
SELECT 'Group:' || g, 'member', 'Organization:' || ((g - 1001) * 13 + k) FROM generate_series(1001, 1040) g, generate_series(1, 13) k;
VACUUM ANALYZE rbac.assignment;
VACUUM ANALYZE rbac.membership;
