#!/usr/bin/env bash
# `make chaos`: runs redis-eventsource-chaos against the release build and records the results,
# the machine and the date in RELIABILITY.md, between the bench:chaos markers.
# Extra arguments go to the runner, e.g. `scripts/chaos.sh --only sink` or `--skip-fuzz`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/benchmarks-block.sh

bin="$(swift build -c release --show-bin-path)"
for program in redis-eventsource kube-testserver redis-eventsource-chaos; do
    [ -x "$bin/$program" ] || { echo "no $bin/$program; run: swift build -c release" >&2; exit 1; }
done

results="$(mktemp)"
block="$(mktemp)"
chaos_pid=""
# The runner has a process group of its own (set -m), so whatever happens to this script the
# EXIT trap stops it and every process it started (redis-server, the product, kube-testserver).
cleanup() {
    if [ -n "$chaos_pid" ]; then kill -KILL -- "-$chaos_pid" 2>/dev/null || true; fi
    rm -f "$results" "$block"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date +%s)"
set -m
"$bin/redis-eventsource-chaos" scenarios --product "$bin/redis-eventsource" --kube-test-server "$bin/kube-testserver" \
    --markdown "$results" "$@" >/dev/null &
chaos_pid=$!
set +m
status=0
wait "$chaos_pid" || status=$?
chaos_pid=""
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
[ "$status" -eq 0 ] || { echo "chaos run failed with status $status; RELIABILITY.md left as it was" >&2; exit "$status"; }

cpu="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
versions="$(dpkg-query -W -f='${Package} ${Version}, ' redis-server libhiredis0.14 libcurl4 2>/dev/null | sed 's/, $//')"
{
    echo "<!-- bench:chaos:begin (written by scripts/chaos.sh; edit outside the markers) -->"
    echo "### Latest run: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(( $(date +%s) - started )) s"
    echo
    echo "Machine: $(nproc) CPUs ($cpu), Linux $(uname -r). Load average (1, 5, 15 min) before the run: $load_before; after: $load_after."
    echo "Software: $(swift --version 2>/dev/null | head -1); $versions."
    echo
    cat "$results"
    echo "<!-- bench:chaos:end -->"
} > "$block"

replace_benchmarks_block chaos "$block" RELIABILITY.md
cat "$results"
echo "RELIABILITY.md updated." >&2
