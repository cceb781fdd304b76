#!/usr/bin/env bash
# Draw the RLS benchmark chart (SVG, gnuplot from Debian's gnuplot-nox):
#   tests/bench/chart.sh RESULTS.tsv OUT.svg "NOTE"
# RESULTS.tsv has one line per query: label, hand-written ms, RLS ms,
# naive ms, "-" where not measured (written by tests/bench/rls.sh).  Log
# scale: the strategies differ by orders of magnitude from shape to shape.
set -euo pipefail
tsv=$1 out=$2 note=${3:-}
width=$(awk 'END { w = 45 * NR; print (w < 1200) ? 1200 : w }' "$tsv")   # 45 px a query
if ! command -v gnuplot >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnuplot-nox >/dev/null
fi
gnuplot <<GP
set terminal svg size $width,420 dynamic noenhanced font "sans,11" background "white"
set output "$out"
set datafile missing "-"
set title "Generated RLS: time per query ($(date +%F), $note; no naive bar: not measured)"
set ylabel "milliseconds (log scale)"
set logscale y
set yrange [0.05:*]
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set key outside top center horizontal
set grid ytics
set xtics font "sans,8"
plot "$tsv" using 2:xtic(1) title "hand-written query, no RLS" lc rgb "#4c72b0", \
     "" using 3 title "pg_rbac generated RLS" lc rgb "#55a868", \
     "" using 4 title "naive policy: is_allowed per row" lc rgb "#c44e52"
GP
echo "chart: $out"
