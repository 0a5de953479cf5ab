#!/usr/bin/env bash
# Profiles the product inside the bench (BENCHMARKS.md, "Issue 19 aims"): runs
# redis-eventsource-bench with a wrapper as --product that puts `perf record` around the product
# runs whose manifest matches PATTERN (the bench names them stdout-N, http-N, jetstream-N,
# latency, partial-30...), then prints each profile's top symbols. Nothing in BENCHMARKS.md changes.
#   scripts/bench-profile.sh 'stdout-1|http-1' --entries 100000 --rounds 1
# perf comes with scripts/install-deps.sh WITH_BENCH_TOOLS=1 (linux-perf).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 PATTERN [bench arguments]" >&2; exit 2; }
pattern="$1"; shift
bin="$(swift build -c release --show-bin-path)"
command -v perf >/dev/null || { echo "no perf; run: WITH_BENCH_TOOLS=1 scripts/install-deps.sh" >&2; exit 1; }

out="${PROFILE_DIR:-.build/bench-profiles}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
wrapper="$(mktemp)"
trap 'rm -f "$wrapper"' EXIT
cat > "$wrapper" <<WRAPPER
#!/usr/bin/env bash
# The manifest's name (its label) decides: perf around the matching runs, the bare product otherwise.
for argument in "\$@"; do
    label="\$(basename "\$argument" .yaml)"
    if [[ "\$argument" == *.yaml && "\$label" =~ ^($pattern)\$ ]]; then
        exec perf record -F 999 -g -o "$out/\$label.perf.data" -- "$bin/redis-eventsource" "\$@"
    fi
done
exec "$bin/redis-eventsource" "\$@"
WRAPPER
chmod +x "$wrapper"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$bin/redis-eventsource-bench" --product "$wrapper" "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for data in "$out"/*.perf.data; do
    [ -f "$data" ] || continue
    echo
    echo "== $(basename "$data" .perf.data): top symbols (self time) =="
    perf report -i "$data" --no-children --sort symbol --percent-limit 1.5 --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -40
done
