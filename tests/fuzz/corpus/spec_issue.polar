resource Issue {
  permissions = ["read", "close"];
  relations = { repository: Repository, creator: User };

  "read" if "read" on "repository";
  "close" if "maintainer" on "repository";
  "close" if "creator";                 # relation to an actor type: the actor IS the creator
}
