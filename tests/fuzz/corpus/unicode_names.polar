# héllo wörld — 日本語 コメント
actor Utilisateur {}
actor 用户 {}
resource Dossier {
  roles = ["lecteur", "rédacteur", "管理者"];
  permissions = ["lire", "écrire"];
  relations = { propriétaire: Utilisateur, 親: Dossier };
  "lire" if "lecteur";
  "écrire" if "rédacteur";
  "lecteur" if "管理者";
  "lecteur" if "lecteur" on "親";
  "lire" if "propriétaire";
}
has_permission(u: 用户, "lire", d: Dossier) if d.état = "publié" and d.親.état != "brouillon";
resource Döc { rôles = ["a"]; }
