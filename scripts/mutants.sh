#!/usr/bin/env bash
# Mutation testing of pg_rbac (issue 17): plant each mutant of a list, one
# at a time, in a COPY of the source tree (never the working tree), build
# and install it into a private PostgreSQL copy, run the tests the list
# names for it, and print the kill matrix.  Not part of the CI run (tens of
# minutes); run it before resolving an issue that touches the engine and
# put the score in README.md.
#
#   scripts/test.sh mutants [options]        (or scripts/mutants.sh directly)
#     --list FILE      the mutant list (default tests/mutants/mutants.list)
#     --only ID,...    only these mutants
#     --planted        only the mutants marked "planted" (the bugs of issue 17)
#     --first          stop a mutant's tests at the first behaviour kill
#     --keep           keep the work directory (/tmp/pg_rbac-mutants-NAME)
#
# The list format and how a mutant is located (by function name and code
# snippet, never by file or line) are described in tests/mutants/mutate.py
# and tests/mutants/mutants.list.  Test targets of a mutant:
#   regress          the whole pg_regress suite (sql/), about 10 s
#   tap:FILE.pl      one TAP file of tests/t/
#   parser           the parser checks (tests/fuzz/check.sh, validate_cases)
# A mutant is killed by behaviour when a target fails on anything but the
# wording of a message (see mutate.py: regress-kind, parser-kind, tap-kind).
# RBAC_PRIVATE=NAME: the mutated builds go to /opt/pg-NAME-mutant.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)

list=$HERE/tests/mutants/mutants.list
only=
planted=0
first=0
keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --list) list=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
        --only) only=$2; shift 2 ;;
        --planted) planted=1; shift ;;
        --first) first=1; shift ;;
        --keep) keep=1; shift ;;
        *) echo "usage: $0 [--list FILE] [--only ID,...] [--planted] [--first] [--keep]" >&2; exit 2 ;;
    esac
done

PY=/usr/bin/python3
MUT="$PY $HERE/tests/mutants/mutate.py"
name=${RBAC_PRIVATE:-mutants}
W=/tmp/pg_rbac-mutants-$name
TREE=$W/tree
rm -rf "$W"
mkdir -p "$W/tree"
chmod 755 "$W"

# a private PostgreSQL copy for the mutated builds (common.sh makes it)
export RBAC_PRIVATE=$name-mutant
. "$HERE/scripts/common.sh"
SRC_DIR=$TREE     # everything below works on the copy

# the copy: the working tree as it is (uncommitted changes included),
# without build products
(cd "$HERE" && tar --exclude=.git --exclude='*.o' --exclude='*.so' --exclude='*.bc' \
    --exclude=tests/fuzz/rbac_lint --exclude=tests/fuzz/fuzz_policy -cf - .) | (cd "$TREE" && tar -xf -)
cp -a "$TREE" "$W/pristine"
chown -R postgres "$W" 2>/dev/null || true

build() {
    # JIT bitcode is not built: it changes nothing the tests see and
    # doubles the compile time
    (cd "$TREE" && make -s with_llvm=no PG_CONFIG="$PG_CONFIG" >"$W/build.log" 2>&1 &&
        make -s with_llvm=no PG_CONFIG="$PG_CONFIG" install >>"$W/build.log" 2>&1)
}

# Put back the pristine copies of the given files (relative to the tree),
# with a new mtime so that make rebuilds what depends on them.
restore() {
    local f
    for f in "$@"; do
        cp "$W/pristine/$f" "$TREE/$f"
        touch "$TREE/$f"
    done
}

# run_target TARGET LOGPREFIX -> prints B, M, T or - (passed)
run_target() {
    local target=$1 log=$2 rc=0
    local tw=$W/run
    rm -rf "$tw"
    mkdir -p "$tw"
    chown postgres "$tw" 2>/dev/null || true
    case "$target" in
        regress)
            cp -r "$TREE/sql" "$TREE/expected" "$TREE/examples" "$tw/"
            chown -R postgres "$tw"
            local tests
            tests=$(cd "$TREE/sql" && ls *.sql | sed 's/\.sql$//' | sort)
            (cd "$tw" && timeout 900 runuser -u postgres -- "$PG_REGRESS" \
                --temp-instance="$tw/instance" --bindir="$BINDIR" --inputdir="$tw" \
                --outputdir="$tw" --temp-config="$TREE/tests/regress.conf" \
                --load-extension=pg_rbac $tests) >"$log" 2>&1 || rc=$?
            if [ $rc -eq 0 ]; then echo -; elif [ $rc -eq 124 ]; then echo T;
            elif [ -f "$tw/regression.diffs" ]; then
                cp "$tw/regression.diffs" "$log.diffs"
                $MUT regress-kind "$log.diffs"
            else echo B; fi
            ;;
        tap:*)
            local file=${target#tap:}
            mkdir -p "$tw/tap"
            cp -r "$TREE/tests/t" "$tw/tap/"
            chown -R postgres "$tw"
            (cd "$tw/tap" && timeout 900 runuser -u postgres -- env TESTDIR="$tw/tap" \
                PATH="$BINDIR:$PATH" PG_REGRESS="$PG_REGRESS" RBAC_SRC="$TREE" \
                prove -v -I "$PERL_TEST_DIR" -I t "t/$file") >"$log" 2>&1 || rc=$?
            if [ $rc -eq 0 ]; then echo -; elif [ $rc -eq 124 ]; then echo T;
            else $MUT tap-kind "$log"; fi
            ;;
        parser)
            rm -f "$TREE/tests/fuzz/rbac_lint"
            { sh "$TREE/tests/fuzz/check.sh" && sh "$TREE/tests/fuzz/validate_cases/check.sh"; } \
                >"$log" 2>&1 || rc=$?
            if [ $rc -eq 0 ]; then echo -; else $MUT parser-kind "$log"; fi
            ;;
        *) echo "unknown test target $target" >&2; echo B ;;
    esac
}

# the mutants to run
ids=()
for id in $($MUT ids "$list"); do
    if [ -n "$only" ] && [[ ",$only," != *",$id,"* ]]; then continue; fi
    if [ $planted -eq 1 ] && [ -z "$($MUT field "$list" "$id" planted)" ]; then continue; fi
    ids+=("$id")
done
[ ${#ids[@]} -gt 0 ] || { echo "mutants: nothing to run" >&2; exit 2; }

# every target the chosen mutants use must pass on the unmutated copy
t0=$(date +%s)
echo "=== mutants: baseline build and tests (unmutated copy in $TREE)"
build || { cat "$W/build.log"; echo "mutants: the unmutated tree does not build"; exit 1; }
targets=$(for id in "${ids[@]}"; do $MUT field "$list" "$id" tests; done | tr ' ' '\n' | sort -u)
for t in $targets; do
    out=$(run_target "$t" "$W/baseline.${t//[:\/]/_}.log")
    if [ "$out" != - ]; then
        echo "mutants: target $t fails on the unmutated tree (log: $W/baseline.${t//[:\/]/_}.log)"
        keep=1
        exit 1
    fi
    echo "  $t passes ($(( $(date +%s) - t0 )) s)"
done

results=$W/results.tsv
: >"$results"
for id in "${ids[@]}"; do
    m0=$(date +%s)
    if ! applied=$($MUT apply "$list" "$id" "$TREE"); then
        echo "$id: ${applied#stale: } -> STALE"
        printf '%s\tstale\t%s\n' "$id" "${applied#stale: }" >>"$results"
        continue
    fi
    for f in $applied; do touch "$TREE/$f"; done
    if ! build; then
        echo "$id: does not build (see $W/$id.build.log)"
        cp "$W/build.log" "$W/$id.build.log"
        printf '%s\tbuild\tX\n' "$id" >>"$results"
        restore $applied
        continue
    fi
    line="$id:"
    killed=0
    for t in $($MUT field "$list" "$id" tests); do
        if [ $first -eq 1 ] && [ $killed -eq 1 ]; then continue; fi
        out=$(run_target "$t" "$W/$id.${t//[:\/]/_}.log")
        printf '%s\t%s\t%s\n' "$id" "$t" "$out" >>"$results"
        line="$line $t=$out"
        case "$out" in B|T) killed=1 ;; esac
    done
    echo "$line ($(( $(date +%s) - m0 )) s)"
    restore $applied
done

# leave the private install with the unmutated build
build || true

echo
echo "=== kill matrix ($(date -u +%Y-%m-%d), $(nproc) cores, $(( ($(date +%s) - t0) / 60 )) min)"
$MUT matrix "$results" "$list"
cp "$results" "/tmp/pg_rbac-mutants-$name.results.tsv"
[ $keep -eq 1 ] || rm -rf "$W"
# fail when a mutant survived, was stale or did not build
! cut -f3 "/tmp/pg_rbac-mutants-$name.results.tsv" | grep -qvE '^(B|M|T|-)$' &&
    awk -F'\t' '$3 == "B" || $3 == "T" { k[$1] = 1 } { all[$1] = 1 }
        END { for (m in all) if (!(m in k)) exit 1 }' "/tmp/pg_rbac-mutants-$name.results.tsv"
