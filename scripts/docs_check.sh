#!/usr/bin/env bash
# The docs check: run the SQL of the tutorial pages against a throwaway
# cluster set up the way the pages say, and compare what psql prints with
# the output the pages show.  Any difference fails.
#
#   scripts/docs_check.sh [--no-build]     (run as root; RBAC_PRIVATE works)
#
# What it runs, in order:
#   1. README.md's first ```sql block, in a database of its own: it must run
#      without an ERROR or WARNING.
#   2. docs/getting-started.md, docs/application-structure.md and
#      docs/uninstalling.md, in one psql session on one fresh database (the
#      later pages use the tutorial's data; the last removes what it built),
#      from the repository's root (so that
#      `\set policy `cat examples/gitclub.polar`` works as the page says);
#      then docs/policy-language.md in a database of its own, and
#      docs/migrating-from-oso.md in another.
#   3. pg_regress (what `make installcheck` runs) against the same server:
#      the regression tests must pass on a server configured as the
#      tutorial recommends, not only on pg_regress's temporary instance.
#
# Conventions in the pages (the HTML comments do not show when rendered):
#   - every ```sql block runs, in page order, in the same session;
#   - a ```sql block followed (blank lines aside) by a ```text block must
#     print exactly that text: psql's default aligned output with its
#     messages (ERROR, HINT, ...), trailing spaces and blank lines at the
#     ends ignored, and results of functions returning void (one column,
#     one empty row) left out;
#   - a ```sql block without a ```text block may print results, but no
#     ERROR, WARNING or FATAL;
#   - a code block whose first line is `# postgresql.conf` is appended to
#     the cluster's postgresql.conf before the server starts;
#   - `<!-- docs-check: file PATH -->` on the line before a code block: the
#     block must equal the repository's file PATH;
#   - `<!-- docs-check: skip -->` on the line before a ```sql block: the
#     block (and its ```text block) is not run.
set -euo pipefail
. "$(dirname "$0")/common.sh"

if [ "${1:-}" != --no-build ]; then
    "$SRC_DIR/scripts/deps.sh"
    build_and_install
fi

PAGES=(docs/getting-started.md docs/application-structure.md docs/uninstalling.md)
PORT=${RBAC_DOCS_PORT:-55479}
DIR=$(mktemp -d /tmp/pg_rbac_docs.XXXXXX)
chmod 755 "$DIR"
WORK=$DIR/work
mkdir -p "$WORK"
cleanup() { cluster_stop "$DIR"; }
trap cleanup EXIT
[ -n "${RBAC_KEEP:-}" ] && trap 'echo "docs check: kept $DIR"; as_pg "$BINDIR/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null' EXIT
fail=0

# Split a page into numbered files in $WORK: P-NNN.sql (a block to run),
# P-NNN.expected (the ```text block after it), P-NNN.where (page:line),
# P-NNN.file + P-NNN.want (a block that must equal a file), P.conf (the
# postgresql.conf blocks).
extract() {
    local page=$1 tag=$2
    awk -v page="$page" -v tag="$tag" -v out="$WORK" '
        function fname(n, ext) { return sprintf("%s/%s-%03d.%s", out, tag, n, ext) }
        BEGIN { n = 0; infence = 0; want_text = 0; directive = "" }
        !infence && /^```/ {
            info = substr($0, 4); gsub(/[ \t]+$/, "", info)
            infence = 1; first = 1; body = ""; start = NR
            if (want_text && info == "text") { kind = "text"; target = last_sql }
            else if (info == "sql") {
                if (directive == "skip") kind = "skipsql"
                else { kind = "sql"; n++; last_sql = n
                       print page ":" NR > fname(n, "where"); close(fname(n, "where")) }
            } else kind = "other"
            want_text = 0
            next
        }
        infence && /^```[ \t]*$/ {
            infence = 0
            if (kind == "sql") { printf "%s", body > fname(n, "sql"); close(fname(n, "sql")); want_text = 1 }
            else if (kind == "text") { printf "%s", body > fname(target, "expected"); close(fname(target, "expected")) }
            if (directive ~ /^file /) {
                f = substr(directive, 6)
                m++
                printf "%s", body > sprintf("%s/%s-file-%03d.want", out, tag, m)
                print f > sprintf("%s/%s-file-%03d.file", out, tag, m)
                print page ":" start > sprintf("%s/%s-file-%03d.where", out, tag, m)
            }
            if (isconf) printf "%s", body >> (out "/" tag ".conf")
            isconf = 0; directive = ""
            next
        }
        infence {
            if (first && $0 ~ /^# postgresql\.conf/) isconf = 1
            first = 0
            body = body $0 "\n"
            next
        }
        /^<!-- docs-check: .* -->[ \t]*$/ {
            directive = $0
            sub(/^<!-- docs-check: /, "", directive); sub(/ -->[ \t]*$/, "", directive)
            next
        }
        /^[ \t]*$/ { next }
        { want_text = 0; directive = "" }
    ' "$SRC_DIR/$page"
}

# psql's output, made comparable: no results of void functions, no trailing
# spaces, no blank lines at either end.
normalize() {
    awk '
        { line[NR] = $0; sub(/[ \t]+$/, "", line[NR]) }
        END {
            n = 0
            for (i = 1; i <= NR; i++) {
                if (i + 3 <= NR && line[i] !~ /\|/ && line[i] != "" && line[i + 1] ~ /^-+$/ &&
                        line[i + 2] == "" && line[i + 3] == "(1 row)") {
                    i += 3
                    if (i + 1 <= NR && line[i + 1] == "") i++
                    continue
                }
                keep[++n] = line[i]
            }
            s = 1; while (s <= n && keep[s] == "") s++
            e = n; while (e >= s && keep[e] == "") e--
            for (i = s; i <= e; i++) print keep[i]
        }' "$1"
}

PSQL=("$BINDIR/psql" -X -q -h "$DIR" -p "$PORT" -U postgres)

for i in "${!PAGES[@]}"; do extract "${PAGES[$i]}" "p$i"; done
extract docs/policy-language.md q0
extract docs/migrating-from-oso.md m0
conf=()
for i in "${!PAGES[@]}"; do
    [ -f "$WORK/p$i.conf" ] && while IFS= read -r l; do conf+=("$l"); done < "$WORK/p$i.conf"
done
[ ${#conf[@]} -gt 0 ] || { echo "docs check: no '# postgresql.conf' block found"; exit 1; }

# blocks that must equal a file of the repository
for want in "$WORK"/*-file-*.want; do
    [ -e "$want" ] || continue
    f=$(cat "${want%.want}.file")
    if ! diff -u "$SRC_DIR/$f" "$want" > "$WORK/filediff"; then
        echo "docs check: the block at $(cat "${want%.want}.where") differs from $f:"
        cat "$WORK/filediff"
        fail=1
    fi
done

start=$(date +%s)
cluster_start "$DIR" "$PORT" "${conf[@]}"

# 1. README's first SQL block, in a database of its own
awk '/^```sql[ \t]*$/ && !done { on = 1; next } on && /^```/ { on = 0; done = 1 } on' \
    "$SRC_DIR/README.md" > "$WORK/readme.sql"
"${PSQL[@]}" -d postgres -c "CREATE DATABASE readme"
(cd "$SRC_DIR" && "${PSQL[@]}" -d readme < "$WORK/readme.sql") > "$WORK/readme.out" 2>&1
if [ ! -s "$WORK/readme.sql" ] || grep -Eq '^(ERROR|WARNING|FATAL|PANIC):' "$WORK/readme.out"; then
    echo "docs check: README.md's first SQL block failed:"
    cat "$WORK/readme.out"
    fail=1
fi

# 2. the pages' blocks, in order, in one session per group of pages: the
# tutorial pages in database tutorial, the policy-language page (its own
# tables and policy) in database language, the migration page in database
# migration
run_blocks() {
    local db=$1 tag=$2
    "${PSQL[@]}" -d postgres -c "CREATE DATABASE $db"
    : > "$WORK/all.sql"
    blocks=()
    for f in "$WORK"/$tag*-[0-9][0-9][0-9].sql; do
        b=$(basename "$f" .sql)
        blocks+=("$b")
        { echo "\\echo @@block $b@@"; cat "$f"; echo; } >> "$WORK/all.sql"
    done
    (cd "$SRC_DIR" && "${PSQL[@]}" -d "$db" < "$WORK/all.sql") > "$WORK/all.out" 2>&1 || true
    awk -v out="$WORK" '/^@@block .*@@$/ { if (f) close(f); f = out "/" substr($2, 1, length($2) - 2) ".actual"; printf "" > f; next }
                        f { print >> f }' "$WORK/all.out"
    compared=0
    for b in "${blocks[@]}"; do
        where=$(cat "$WORK/$b.where")
        [ -f "$WORK/$b.actual" ] || { echo "docs check: block at $where did not run"; fail=1; continue; }
        normalize "$WORK/$b.actual" > "$WORK/$b.got"
        if [ -f "$WORK/$b.expected" ]; then
            compared=$((compared + 1))
            normalize "$WORK/$b.expected" > "$WORK/$b.want"
            if ! diff -u "$WORK/$b.want" "$WORK/$b.got" > "$WORK/$b.diff"; then
                echo "docs check: the output of the block at $where differs from the page (- page, + psql):"
                cat "$WORK/$b.diff"
                fail=1
            fi
        elif grep -Eq '^(ERROR|WARNING|FATAL|PANIC):' "$WORK/$b.got"; then
            echo "docs check: the block at $where (no output shown) printed:"
            cat "$WORK/$b.got"
            fail=1
        fi
    done
    echo "docs check: ${#blocks[@]} SQL blocks run in database $db, $compared outputs compared with the page, in $(( $(date +%s) - start )) s"
}
run_blocks tutorial p
run_blocks language q
run_blocks migration m

# 3. the regression tests on this server
cp -r "$SRC_DIR/sql" "$SRC_DIR/expected" "$SRC_DIR/examples" "$WORK/"
chown -R postgres "$DIR"
tests=$(cd "$SRC_DIR/sql" && ls *.sql | sed 's/\.sql$//' | sort)
if ! (cd "$WORK" && as_pg "$PG_REGRESS" --host="$DIR" --port="$PORT" --user=postgres \
        --bindir="$BINDIR" --inputdir="$WORK" --outputdir="$WORK" \
        --load-extension=pg_rbac --dbname=contrib_regression $tests); then
    cat "$WORK/regression.diffs" 2>/dev/null | head -200
    fail=1
fi

if [ $fail -eq 0 ]; then echo "docs check: passed"; else echo "docs check: FAILED"; fi
exit $fail
