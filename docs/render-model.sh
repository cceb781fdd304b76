#!/usr/bin/env bash
# Regenerate docs/model.svg: the model of examples/gitclub.polar as drawn by
# rbac.policy_graph() and Graphviz, laid out for reading at page width with a
# legend (view it with `dot -Tpng` on the styled DOT, or any SVG viewer).  Builds and installs pg_rbac, starts a
# throwaway cluster, loads the policy, renders, and removes the cluster.
# Run as root (like scripts/demo.sh); RBAC_PRIVATE=name works as there.
#
#   docs/render-model.sh            writes docs/model.svg (and docs/model.dot)
#   docs/render-model.sh OUT.svg    writes OUT.svg instead
#   PNG=FILE docs/render-model.sh   also writes the picture as a PNG, to look at
set -euo pipefail
. "$(dirname "$0")/../scripts/common.sh"

OUT=${1:-$SRC_DIR/docs/model.svg}
"$SRC_DIR/scripts/deps.sh"
build_and_install
DIR=$(mktemp -d /tmp/pg_rbac_render.XXXXXX)
PORT=${PORT:-55478}
trap 'cluster_stop "$DIR"' EXIT
cluster_start "$DIR" "$PORT"
cp "$SRC_DIR/examples/gitclub.polar" "$DIR/"
chmod 644 "$DIR/gitclub.polar"
PSQL=(as_pg "$BINDIR/psql" -X -q -h "$DIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
"${PSQL[@]}" -c "CREATE EXTENSION pg_rbac"
"${PSQL[@]}" -c "SELECT rbac.load_policy(pg_read_file('$DIR/gitclub.polar'))" >/dev/null
"${PSQL[@]}" -At -c "SELECT rbac.policy_graph()" > "$DIR/model.dot"

# The picture is laid out to be read at page width: left to right (types
# stack vertically instead of side by side), larger type, and a legend.
# model.dot stays what rbac.policy_graph() prints; only the SVG is styled.
style() {
    sed -e 's/^  rankdir=BT;/  rankdir=LR;\n  nodesep=0.25;\n  ranksep=0.6;\n  fontname="Helvetica";\n  fontsize=20;\n  labeljust=l;/' \
        -e 's/^  node \[fontname="Helvetica"\];/  node [fontname="Helvetica", fontsize=18];/' \
        -e 's/^  edge \[fontname="Helvetica", fontsize=10\];/  edge [fontname="Helvetica", fontsize=15];/' \
        -e 's/shape=plaintext, fontsize=16\]/shape=plaintext, fontsize=22, fontname="Helvetica-Bold"]/' \
        -e '/^}$/d' "$1"
    cat <<'LEGEND'
  subgraph cluster_legend {
    label="legend";
    style="rounded,filled";
    fillcolor="#f4f4f4";
    "legend role" [label="role", shape=ellipse];
    "legend permission" [label="permission", shape=box];
    "legend relation" [label="relation", shape=diamond];
    "legend type" [label="Type", shape=plaintext, fontsize=22, fontname="Helvetica-Bold"];
    "legend y" [label="Y", shape=ellipse];
    "legend x" [label="X", shape=box];
    "legend y2" [label="Y", shape=ellipse];
    "legend x2" [label="X", shape=box];
    "legend y" -> "legend x" [label="\"X\" if \"Y\""];
    "legend y2" -> "legend x2" [style=dashed, label="\"X\" if \"Y\" on \"rel\"\n(Y held on the related resource)"];
    "legend relation" -> "legend type" [style=bold, arrowhead=vee, label="the type a relation points to"];
  }
}
LEGEND
}
style "$DIR/model.dot" > "$DIR/styled.dot"
grep -q 'rankdir=LR' "$DIR/styled.dot" || { echo "render-model.sh: rbac.policy_graph() output changed; update style()" >&2; exit 1; }
dot -Tsvg "$DIR/styled.dot" > "$OUT.tmp"
[ -z "${PNG:-}" ] || dot -Tpng "$DIR/styled.dot" > "$PNG"
mv "$OUT.tmp" "$OUT"
cp "$DIR/model.dot" "${OUT%.svg}.dot"
echo "wrote $OUT and ${OUT%.svg}.dot"
