-- Many-to-many data for the RLS benchmark (tests/bench/rls.sh), on top of
-- gitclub_data.sql and rls_data.sql: documents shared with teams through a
-- join table (bind's "through" form).  10,000 teams, 200,000 documents,
-- each shared with 5 random teams: 1,000,000 join rows.  Every user from 4
-- on is a member of one team; the measured users are members of few and of
-- many teams: User:1 of 3, User:2 of 30, User:3 of 300.  Deterministic
-- (setseed).
SELECT setseed(0.29);
SELECT rbac.load_policy(rbac.policy_source() || $polar$
resource Team {
  roles = ["member"];
}

resource Document {
  permissions = ["read"];
  relations = { teams: Team };      # many-to-many: bound through document_teams
  "read" if "member" on "teams";
}
$polar$);
CREATE TABLE teams (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE documents (id int PRIMARY KEY, title text NOT NULL);
CREATE TABLE document_teams (doc_id int NOT NULL REFERENCES documents,
                             team_id int NOT NULL REFERENCES teams,
                             PRIMARY KEY (doc_id, team_id));
INSERT INTO teams SELECT i, 'team' || i FROM generate_series(1, 10000) i;
INSERT INTO documents SELECT i, 'document ' || i FROM generate_series(1, 200000) i;
INSERT INTO document_teams
  SELECT DISTINCT d, 1 + (random() * 9999)::int FROM generate_series(1, 200000) d, generate_series(1, 5) k;
-- what the set computation probes (to = ANY(...)); the primary key serves
-- a check (from = $1), as docs/performance.md advises
CREATE INDEX ON document_teams (team_id);
ANALYZE teams, documents, document_teams;
SELECT rbac.bind('Team', 'teams');
SELECT rbac.bind('Document', 'documents',
                 relations => '{"teams": {"through": "document_teams", "from": "doc_id", "to": "team_id"}}');
INSERT INTO rbac.role_assignments (actor, role, resource)
SELECT 'User:' || u, 'member', 'Team:' || (1 + u % 10000) FROM generate_series(4, 100000) u;
INSERT INTO rbac.role_assignments (actor, role, resource)
SELECT 'User:' || u, 'member', 'Team:' || (1 + (t * 37) % 10000)
FROM (VALUES (1, 3), (2, 30), (3, 300)) n(u, c), generate_series(1, c) t;
VACUUM ANALYZE rbac.assignment;
