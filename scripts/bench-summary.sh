#!/usr/bin/env bash
# `make bench`, last part: every figure of issue 10 with its aim, from the rows that
# scripts/bench.sh and scripts/bench-controller.sh wrote, as one table on standard output and
# in BENCHMARKS.md between the bench:summary markers, followed by the list of missed figures.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/benchmarks-block.sh

rows="$(mktemp)"
block="$(mktemp)"
trap 'rm -f "$rows" "$block"' EXIT

for part in throughput scale; do
    file=".build/bench-summary/$part.md"
    if [ -s "$file" ]; then
        cat "$file" >> "$rows"
    else
        echo "| $part bench | no figures: it failed before writing them (see its output above) | — | **MISSED** (not measured) |" >> "$rows"
    fi
done

total="$(wc -l < "$rows")"
missed="$(grep -c 'MISSED' "$rows" || true)"
{
    echo "<!-- bench:summary:begin (written by scripts/bench-summary.sh; edit outside the markers) -->"
    echo "### Issue 10's figures: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "Rows from the latest \`scripts/bench.sh\` and \`scripts/bench-controller.sh\` runs; their blocks below give each run's time, commit and load."
    echo
    echo "| figure | measured | aim | met? |"
    echo "|---|---|---|---|"
    cat "$rows"
    echo
    if [ "$missed" -eq 0 ]; then
        echo "All $total figures meet their aims."
    else
        echo "**$missed of $total figures missed:** $(grep 'MISSED' "$rows" | cut -d'|' -f2 | sed 's/^ *//; s/ *$//' | paste -sd ';' | sed 's/;/; /g')."
    fi
    echo "<!-- bench:summary:end -->"
} > "$block"

echo
sed '1d;$d' "$block"
replace_benchmarks_block summary "$block"
echo "BENCHMARKS.md updated (summary)." >&2
