#!/usr/bin/env bash
# Regenerate docs/model.svg: the model of examples/gitclub.polar as drawn by
# rbac.policy_graph() and Graphviz.  Builds and installs pg_rbac, starts a
# throwaway cluster, loads the policy, renders, and removes the cluster.
# Run as root (like scripts/demo.sh); RBAC_PRIVATE=name works as there.
#
#   docs/render-model.sh            writes docs/model.svg (and docs/model.dot)
#   docs/render-model.sh OUT.svg    writes OUT.svg instead
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
dot -Tsvg "$DIR/model.dot" > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
cp "$DIR/model.dot" "${OUT%.svg}.dot"
echo "wrote $OUT and ${OUT%.svg}.dot"
