#!/usr/bin/env bash
# `make bench`, second part (after scripts/bench.sh): the operator at scale, issues 5 and 10.
# Applies 1, 1,000 and 10,000 EventSources with kubectl, each size on a fresh redis-server,
# kube-testserver and controller, times them to Ready, measures the idle controller (RSS,
# threads, CPU over 30 s), the reaction to an edit (at the largest size), SIGTERM to exit and
# the PELs after it, and rewrites the block between the bench:controller markers in BENCHMARKS.md.
# A size that cannot run is reported as missed with its reason; the others still run.
# Extra arguments go to the bench, e.g. `scripts/bench-controller.sh --scale-sizes 1,100`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/benchmarks-block.sh

bin="$(swift build -c release --show-bin-path)"
for program in redis-eventsource redis-eventsource-bench kube-testserver; do
    [ -x "$bin/$program" ] || { echo "no $bin/$program; run: swift build -c release" >&2; exit 1; }
done
for tool in kubectl redis-server; do
    command -v "$tool" > /dev/null || { echo "no $tool; run: scripts/install-deps.sh" >&2; exit 1; }
done

# 10,000 adapters hold 10,000 sockets in the controller and as many in redis-server (whose
# maxclients shrinks to the descriptor limit less 32): the soft limit goes up to the hard one,
# and the children inherit it.
hard="$(ulimit -Hn)"
if [ "$hard" = unlimited ]; then wanted=65536; else wanted="$hard"; fi
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$wanted" ]; then ulimit -n "$wanted"; fi
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 10200 ]; then
    echo "note: open files limit $(ulimit -n) (hard $hard); 10,000 EventSources want about 10,100 in the controller and in redis-server" >&2
fi

results="$(mktemp)"
block="$(mktemp)"
summary=.build/bench-summary/scale.md
mkdir -p "$(dirname "$summary")"
rm -f "$summary"
bench_pid=""
# The bench runs in a process group of its own (set -m), so whatever happens to this script
# the EXIT trap stops it and everything it started (redis-server, kube-testserver, the
# controller, kubectl) by the group's id.
cleanup() {
    if [ -n "$bench_pid" ]; then
        kill -TERM -- "-$bench_pid" 2>/dev/null || true
        # Interrupted: nobody will read the scratch folder the bench names after its pid.
        rm -rf "${TMPDIR:-/tmp}/redis-eventsource-scale-$bench_pid"
    fi
    rm -f "$results" "$block"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date +%s)"
set -m
"$bin/redis-eventsource-bench" --controller-scale --product "$bin/redis-eventsource" --markdown "$results" --summary "$summary" "$@" &
bench_pid=$!
set +m
status=0
wait "$bench_pid" || status=$?
bench_pid=""
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
[ "$status" -eq 0 ] || { echo "controller bench failed with status $status; BENCHMARKS.md left as it was" >&2; exit "$status"; }

cpu="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
memory="$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
versions="$(dpkg-query -W -f='${Package} ${Version}, ' redis-server 2>/dev/null | sed 's/, $//')"
kubectl_version="$(kubectl version --client 2>/dev/null | head -1 | sed "s/^Client Version: //")"
{
    echo "<!-- bench:controller:begin (written by scripts/bench-controller.sh; edit outside the markers) -->"
    echo "### Latest run: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(( $(date +%s) - started )) s in all"
    echo
    echo "Machine: $(nproc) CPUs ($cpu), $memory memory, Linux $(uname -r), open files limit $(ulimit -n). Load average (1, 5, 15 min) before the run: $load_before; after: $load_after."
    echo "Software: $(swift --version 2>/dev/null | head -1); kubectl $kubectl_version; $versions."
    echo
    cat "$results"
    echo "<!-- bench:controller:end -->"
} > "$block"

replace_benchmarks_block controller "$block"
echo "BENCHMARKS.md updated (controller section)." >&2
