#!/usr/bin/env perl
# Generate a policy of N resource types (default 5000) for the load
# benchmark: each type has roles, permissions, a relation to the previous
# type and a self relation, and shorthand rules of every kind.
use strict;
use warnings;

my $n = shift // 5000;
print "actor User {}\nactor Group {}\n\nglobal {\n  roles = [\"superadmin\"];\n}\n\n";
for my $i (1 .. $n) {
    my $prev = $i > 1 ? $i - 1 : 1;
    print <<"END";
resource T$i {
  roles = ["owner", "editor", "viewer"];
  permissions = ["read", "write", "delete", "share", "manage_roles"];
  relations = { parent: T$prev, folder: T$i, creator: User };
  "editor" if "owner";
  "viewer" if "editor";
  "read" if "viewer";
  "write" if "editor";
  "delete" if "owner";
  "share" if "owner";
  "manage_roles" if "owner";
  "viewer" if "viewer" on "parent";
  "editor" if "owner" on "folder";
  "delete" if "creator";
  "read" if global "superadmin";
}

END
}
print "has_permission(_: User, \"read\", t: T1) if t.is_public = true;\n";
print "allow(actor, action, resource) if has_permission(actor, action, resource);\n";
