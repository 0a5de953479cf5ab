#!/usr/bin/env bash
# `make bench`, last line: issue 19's aims, each figure met or missed, from the rows the latest
# scripts/bench.sh run wrote (one run, alternating rounds, the load with every figure), printed
# and put in BENCHMARKS.md between the bench:issue19 markers.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/benchmarks-block.sh

rows=.build/bench-summary/issue19.md
block="$(mktemp)"
trap 'rm -f "$block"' EXIT

if [ ! -s "$rows" ]; then
    echo "issue 19's aims: no figures; scripts/bench.sh failed before writing them (see its output above)" >&2
    exit 1
fi
IFS='|' read -r load_before load_after commit < "$rows.load" || true
total="$(wc -l < "$rows")"
missed="$(grep -c 'MISSED' "$rows" || true)"
{
    echo "<!-- bench:issue19:begin (written by scripts/bench-issue19.sh; edit outside the markers) -->"
    echo "### Issue 19's aims: $(date -u -r "$rows" '+%Y-%m-%d %H:%M UTC'), commit ${commit:-unknown}, load average ${load_before:-?} before the run, ${load_after:-?} after"
    echo
    echo "One \`scripts/bench.sh\` run; each ratio is the median product round against the median raw round of the same alternating rounds, and every round shows the 1-minute load average as it ended."
    echo
    echo "| figure | measured | aim | met? |"
    echo "|---|---|---|---|"
    cat "$rows"
    echo
    if [ "$missed" -eq 0 ]; then
        echo "All $total of issue 19's figures meet their aims."
    else
        echo "**$missed of $total figures missed:** $(grep 'MISSED' "$rows" | cut -d'|' -f2 | sed 's/^ *//; s/ *$//' | paste -sd ';' | sed 's/;/; /g')."
    fi
    echo "<!-- bench:issue19:end -->"
} > "$block"

echo
sed '1d;$d' "$block"
replace_benchmarks_block issue19 "$block"
echo "BENCHMARKS.md updated (issue 19's aims)." >&2
