-- Names: unicode, quotes, keywords; merged blocks; self-referential
-- relations; implication cycles are warnings; large policies.
\set SHOW_CONTEXT never

-- 1. unicode identifiers and names with quotes, backslashes and spaces
SELECT * FROM rbac.validate_policy($$actor Utilisateur {}
resource Dossier {
  roles = ["lecteur", "rédacteur", "it's \"quoted\"", "back\\slash", "with space", "select"];
  permissions = ["lire", "écrire"];
  "lire" if "lecteur";
  "écrire" if "rédacteur";
  "lecteur" if "it's \"quoted\"";
  "lecteur" if "back\\slash";
  "lecteur" if "with space";
  "lecteur" if "select";
}$$);
SELECT rbac.load_policy($$actor Utilisateur {}
resource "Dossier partagé" {
  roles = ["lecteur", "it's \"quoted\"", "back\\slash"];
  permissions = ["lire"];
  relations = { "dossier parent": "Dossier partagé" };
  "lire" if "lecteur";
  "lecteur" if "it's \"quoted\"";
  "lecteur" if "back\\slash";
  "lecteur" if "lecteur" on "dossier parent";
}$$);
SELECT type, name, kind, target FROM rbac.policy_term ORDER BY type, kind, name;
SELECT rbac.policy_graph();

-- 2. blocks for one type merge
SELECT rbac.load_policy($$actor User {}
resource Doc { roles = ["viewer"]; }
resource Doc { permissions = ["read"]; "read" if "viewer"; }
resource Doc { roles = ["viewer", "editor"]; "viewer" if "editor"; }
global { roles = ["root"]; }
global { roles = ["auditor"]; }$$);
SELECT type, name, kind FROM rbac.policy_term ORDER BY type, kind, name;
SELECT name FROM rbac.policy_global_role ORDER BY name;
SELECT type, ord, head, body FROM rbac.policy_rule ORDER BY type, ord;

-- 3. self-referential relations at any depth are legal
SELECT * FROM rbac.validate_policy($$resource Folder {
  permissions = ["read"];
  roles = ["viewer"];
  relations = { parent: Folder };
  "read" if "viewer";
  "viewer" if "viewer" on "parent";
}$$);
-- 4. mutual relations between two types are legal
SELECT * FROM rbac.validate_policy($$resource A { roles = ["r"]; relations = { b: B }; "r" if "r" on "b"; }
resource B { roles = ["r"]; relations = { a: A }; "r" if "r" on "a"; }$$);

-- 5. implication cycles are warnings, and the policy loads
SELECT * FROM rbac.validate_policy($$resource Doc {
  roles = ["a", "b", "c", "d"];
  "b" if "a";
  "c" if "b";
  "a" if "c";
  "d" if "d";
}$$);
SELECT rbac.load_policy($$resource Doc {
  roles = ["a", "b"];
  "b" if "a";
  "a" if "b";
}$$);
SELECT type, head, body FROM rbac.policy_rule ORDER BY ord;

-- 6. keywords of the language are fine as quoted names
SELECT * FROM rbac.validate_policy($$actor User {}
resource Doc {
  roles = ["if", "on", "global", "resource"];
  permissions = ["and", "or", "not"];
  "and" if "if";
  "or" if "on";
  "not" if "global";
}$$);

-- 7. a 1 MB policy (about 4,000 types) loads
SELECT length(p) > 1000000 AS over_1mb,
       (SELECT count(*) FROM rbac.validate_policy(p)) AS diagnostics
FROM (SELECT 'actor User {}' || string_agg(format($f$
resource T%1$s {
  roles = ["owner", "editor", "viewer"];
  permissions = ["read", "write", "delete", "share"];
  relations = { parent: T%2$s, creator: User };
  "editor" if "owner";
  "viewer" if "editor";
  "read" if "viewer";
  "write" if "editor";
  "delete" if "owner";
  "share" if "owner";
  "viewer" if "viewer" on "parent";
  "delete" if "creator";
}$f$, i, greatest(i - 1, 1)), '') AS p
FROM generate_series(1, 4000) i) s;

SELECT rbac.load_policy(string_agg(format('resource R%s { roles = ["a"]; }', i), E'\n'))
FROM generate_series(1, 4000) i;
SELECT count(*) AS types FROM rbac.policy_type;

-- restore the SPEC policy for later tests
\set spec_policy `cat examples/gitclub.polar`
SELECT rbac.load_policy(:'spec_policy');
