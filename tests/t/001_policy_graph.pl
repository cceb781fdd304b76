# The policy graph (issue 2): rbac.policy_graph() of the SPEC example is DOT
# that Graphviz renders, and names with quotes, backslashes and unicode
# survive the trip.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $src = $ENV{RBAC_SRC} or die "RBAC_SRC is not set";

my $node = PostgreSQL::Test::Cluster->new('graph');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION pg_rbac');

# Render DOT text with dot -Tsvg; returns (exit code, svg).
sub render
{
	my ($dot) = @_;
	my ($svg, $err);
	my $ok = IPC::Run::run([ 'dot', '-Tsvg' ], '<', \$dot, '>', \$svg, '2>', \$err);
	return ($ok ? 0 : 1, $svg // '', $err // '');
}

my $policy = slurp_file("$src/examples/gitclub.polar");
$node->safe_psql('postgres',
	'SELECT rbac.load_policy($pol$' . $policy . '$pol$)');
my $dot = $node->safe_psql('postgres', 'SELECT rbac.policy_graph()');
like($dot, qr/^digraph rbac \{/, 'policy_graph returns a digraph');
my ($rc, $svg, $err) = render($dot);
is($rc, 0, 'dot -Tsvg renders the SPEC example') or diag($err);
like($svg, qr/<svg/, 'the output is SVG');
for my $name (qw(Organization Repository Issue Folder superadmin maintainer repository.read))
{
	like($svg, qr/>\Q$name\E</, "the SVG shows $name");
}

# awkward names: quotes, backslashes, spaces, unicode
$node->safe_psql('postgres', q{SELECT rbac.load_policy($pol$actor Utilisateur {}
resource "Dossier \"partagé\"" {
  roles = ["lecteur", "it's \"quoted\"", "back\\\\slash"];
  permissions = ["lire"];
  relations = { "dossier parent": "Dossier \"partagé\"" };
  "lire" if "lecteur";
  "lecteur" if "it's \"quoted\"";
  "lecteur" if "back\\\\slash";
  "lecteur" if "lecteur" on "dossier parent";
}$pol$)});
$dot = $node->safe_psql('postgres', 'SELECT rbac.policy_graph()');
($rc, $svg, $err) = render($dot);
is($rc, 0, 'dot renders names with quotes, backslashes and unicode') or diag($err);
like($svg, qr/partagé/, 'unicode type name in the SVG');
like($svg, qr/back\\slash/, 'backslash kept in the SVG');

$node->stop;
done_testing();
