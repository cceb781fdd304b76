actor Utilisateur {}
resource "Dossier partagé" {
  roles = ["lecteur", "it's \"quoted\"", "back\\slash", "with space", "select", ""];
  permissions = ["lire"];
  relations = { "dossier parent": "Dossier partagé", "owner": Utilisateur };
  "lire" if "lecteur";
  "lecteur" if "it's \"quoted\"";
  "lecteur" if "back\\slash";
  "lecteur" if "lecteur" on "dossier parent";
}
resource "a:b" {}
resource "" {}
has_permission(_: Utilisateur, "lire", d: "Dossier partagé") if d."x" = 1;
