#!/usr/bin/env bash
# `make bench`: runs redis-eventsource-bench against the release build and records the figures,
# the machine and the date in BENCHMARKS.md, between the bench:results markers.
# Extra arguments go to the bench, e.g. `scripts/bench.sh --entries 50000`.
# `scripts/bench.sh --partial-only [--partial-rounds 5 --partial-failure-percents 30]` runs only
# the partly-failing-receiver figure, alternating healthy and failing runs, and prints it without
# touching BENCHMARKS.md (one figure alone is not a run of the whole bench). `--cluster-only`
# likewise runs only the cluster figure (4 streams over 3 masters, stdout sink vs raw loops).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/benchmarks-block.sh

bin="$(swift build -c release --show-bin-path)"
for program in redis-eventsource redis-eventsource-bench; do
    [ -x "$bin/$program" ] || { echo "no $bin/$program; run: swift build -c release" >&2; exit 1; }
done

for argument in "$@"; do
    if [ "$argument" = --partial-only ] || [ "$argument" = --cluster-only ]; then
        echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
        status=0
        "$bin/redis-eventsource-bench" --product "$bin/redis-eventsource" "$@" || status=$?
        echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
        exit "$status"
    fi
done

results="$(mktemp)"
block="$(mktemp)"
# Each figure with its aim, for scripts/bench-summary.sh's final table; removed first, so a
# failed run shows as "no figures" there instead of an older run's rows.
summary=.build/bench-summary/throughput.md
# Issue 19's aims from this run, for scripts/bench-issue19.sh; removed first for the same reason.
issue19=.build/bench-summary/issue19.md
mkdir -p "$(dirname "$summary")"
rm -f "$summary" "$issue19" "$issue19.load"
bench_pid=""
# The bench runs in a process group of its own (set -m), so whatever happens to this script
# (Ctrl-C, an error, the bench crashing) the EXIT trap can stop the bench and every process it
# started — redis-server, nats-server, redis-eventsource, wrk — by that group's id.
cleanup() {
    if [ -n "$bench_pid" ]; then kill -TERM -- "-$bench_pid" 2>/dev/null || true; fi
    rm -f "$results" "$block"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
set -m
"$bin/redis-eventsource-bench" --product "$bin/redis-eventsource" --markdown "$results" --summary "$summary" --issue19-aims "$issue19" "$@" &
bench_pid=$!
set +m
status=0
wait "$bench_pid" || status=$?
bench_pid=""
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
[ "$status" -eq 0 ] || { echo "bench failed with status $status; BENCHMARKS.md left as it was" >&2; exit "$status"; }

cpu="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
memory="$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
versions="$(dpkg-query -W -f='${Package} ${Version}, ' redis-server libhiredis0.14 libcurl4 wrk nats-server libnats3.4 2>/dev/null | sed 's/, $//')"
swift_version="$(swift --version 2>/dev/null | head -1)"
{
    echo "<!-- bench:results:begin (written by scripts/bench.sh; edit outside the markers) -->"
    echo "### Latest run: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo
    echo "Machine: $(nproc) CPUs ($cpu), $memory memory, Linux $(uname -r). Load average (1, 5, 15 min) before the run: $load_before; after: $load_after."
    echo "Software: $swift_version; $versions."
    echo
    cat "$results"
    echo "<!-- bench:results:end -->"
} > "$block"

echo "$load_before|$load_after|$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" > "$issue19.load"
replace_benchmarks_block results "$block"
echo "BENCHMARKS.md updated." >&2
