#!/usr/bin/env bash
# `make run`: the operator on embedded defaults. A local redis-server and kube-testserver, the
# EventSource CRD and the example EventSource applied with kubectl, and the controller sending
# events to stdout. SIGINT (Ctrl-C), SIGTERM or SIGHUP — to this script or to the `make` that
# started it — drains the controller, then stops everything this script started.
#
# RUN_DIR (default .run) holds the kubeconfig, logs and a lock: a second `make run` on the same
# folder refuses instead of overwriting the first one's files; give it RUN_DIR=/another/folder.
# BIN_DIR points at built binaries (default: `swift build --show-bin-path`).
set -euo pipefail
cd "$(dirname "$0")/.."

state="${RUN_DIR:-$PWD/.run}"
mkdir -p "$state"
state="$(cd "$state" && pwd)"
exec 9>"$state/lock"
if ! flock -n 9; then
    echo "make run is already running in $state (pid $(cat "$state/pid" 2>/dev/null || echo '?'))." >&2
    echo "Stop that one first, or start another in a folder of its own: make run RUN_DIR=/tmp/second-run" >&2
    exit 1
fi
echo $$ > "$state/pid"
bin="${BIN_DIR:-$(swift build --show-bin-path)}"
kubeconfig="$state/kubeconfig"
rm -f "$kubeconfig" "$state/kube-testserver.url"

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
redis_port=6379
port_is_free "$redis_port" || redis_port=$(free_port)
http_port=7777
port_is_free "$http_port" || http_port=$(free_port)

servers=()
controller=""
stopping=0
cleanup() {
    trap - EXIT INT TERM HUP
    if [ -n "$controller" ] && kill -0 "$controller" 2>/dev/null; then
        # The controller drains against a live Redis and API server before those two stop.
        kill -TERM "$controller" 2>/dev/null || true
        wait "$controller" 2>/dev/null || true
    fi
    for pid in "${servers[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${servers[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -f "$state/pid" "$state/pids"
}
stop() { stopping=1; [ -z "$controller" ] || kill -TERM "$controller" 2>/dev/null || true; }
trap cleanup EXIT
trap stop INT TERM HUP

# In sessions of their own, so a Ctrl-C on the terminal reaches only the controller; and without
# the lock's descriptor, so a server that outlived us could not hold the folder locked.
setsid redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$state" --save "" --appendonly no \
    --logfile "$state/redis.log" --daemonize no 9>&- &
servers+=($!)
setsid "$bin/kube-testserver" --port 0 --kubeconfig "$kubeconfig" > "$state/kube-testserver.url" 2> "$state/kube-testserver.log" 9>&- &
servers+=($!)

for _ in $(seq 1 200); do
    redis-cli -p "$redis_port" PING >/dev/null 2>&1 && [ -s "$kubeconfig" ] && break
    sleep 0.1
done
redis-cli -p "$redis_port" PING >/dev/null || { echo "redis-server did not start; see $state/redis.log" >&2; exit 1; }
[ -s "$kubeconfig" ] || { echo "kube-testserver did not start; see $state/kube-testserver.log" >&2; exit 1; }

kubectl="kubectl --kubeconfig $kubeconfig"
# The test server serves no OpenAPI document, so kubectl's client-side schema check is off.
$kubectl apply -f manifests/crds/argoproj.io_eventsources.yaml >&2
sed "s/hostAddress: .*/hostAddress: 127.0.0.1:$redis_port/" manifests/examples/redis-streams.yaml > "$state/redis-streams.yaml"
$kubectl apply -f "$state/redis-streams.yaml" >&2

# The stream must exist before the adapter creates its group at the newest entry ('$'), or the
# first XADD would create the stream and land before the group, unseen. MAXLEN 0 leaves it empty.
redis-cli -p "$redis_port" XADD FOO MAXLEN 0 '*' created-by make-run >/dev/null

cli="redis-cli"
[ "$redis_port" = 6379 ] || cli="redis-cli -p $redis_port"
kubectl_hint="kubectl --kubeconfig $kubeconfig"
[ "$state" = "$PWD/.run" ] && kubectl_hint="kubectl --kubeconfig .run/kubeconfig"
cat >&2 <<TXT

  redis-server:     127.0.0.1:$redis_port (stream FOO)
  kube-testserver:  $(cat "$state/kube-testserver.url"), kubeconfig $kubeconfig
  health, metrics:  http://127.0.0.1:$http_port/healthz /readyz /metrics

  In another terminal:
    $cli XADD FOO '*' message hello                       # the event is printed below
    $kubectl_hint get es -w        # READY turns True
    $kubectl_hint describe es redis-stream

  Ctrl-C stops the controller, kube-testserver and redis-server.

TXT
[ "$stopping" = 0 ] || exit 0
"$bin/redis-eventsource" controller --kubeconfig "$kubeconfig" --watch eventsources --default-sink stdout \
    --http-port "$http_port" --consumer-name make-run 9>&- &
controller=$!
echo "${servers[*]} $controller" > "$state/pids"

# Whoever started us going away is a stop too, so no controller is left orphaned. GNU make
# forwards SIGTERM to us, but on SIGINT or SIGHUP sent to make alone it waits for us to exit,
# expecting the terminal to have signalled us too; it resets that signal's handler first, so a
# change in the signals it catches (SigCgt) tells us make is going away.
parent=$PPID
stop_signals() { local mask; mask=$(awk '/^SigCgt:/ {print $2}' "/proc/$1/status" 2>/dev/null) || return 0; echo $(( 16#${mask:-0} & 0x4003 )); }
caught=$(stop_signals "$parent")
( while kill -0 "$parent" 2>/dev/null && [ "$(stop_signals "$parent")" = "$caught" ]; do sleep 1; done
  kill -TERM $$ 2>/dev/null ) 9>&- &
servers+=($!)

status=0
while :; do
    # A trapped signal interrupts `wait` while the controller still drains: wait again.
    if wait "$controller"; then status=0; else status=$?; fi
    kill -0 "$controller" 2>/dev/null || break
done
controller=""
exit "$status"
