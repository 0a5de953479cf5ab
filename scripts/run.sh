#!/usr/bin/env bash
# `make run`: the operator on embedded defaults. A local redis-server and kube-testserver, the
# EventSource CRD and the example EventSource applied with kubectl, and the controller in the
# foreground sending events to stdout. Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="$(swift build --show-bin-path)"
state="$PWD/.run"
mkdir -p "$state"
kubeconfig="$state/kubeconfig"

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
redis_port=6379
port_is_free "$redis_port" || redis_port=$(free_port)
http_port=7777
port_is_free "$http_port" || http_port=$(free_port)

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# In sessions of their own, so Ctrl-C reaches only the controller: it drains against a live
# Redis and API server, and the EXIT trap stops these two afterwards.
setsid redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$state" --save "" --appendonly no \
    --logfile "$state/redis.log" --daemonize no &
pids+=($!)
setsid "$bin/kube-testserver" --port 0 --kubeconfig "$kubeconfig" > "$state/kube-testserver.url" 2> "$state/kube-testserver.log" &
pids+=($!)

for _ in $(seq 1 100); do
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
cat >&2 <<TXT

  redis-server:     127.0.0.1:$redis_port (stream FOO)
  kube-testserver:  $(cat "$state/kube-testserver.url"), kubeconfig $kubeconfig
  health, metrics:  http://127.0.0.1:$http_port/healthz /readyz /metrics

  In another terminal:
    $cli XADD FOO '*' message hello                       # the event is printed below
    kubectl --kubeconfig .run/kubeconfig get es -w        # READY turns True
    kubectl --kubeconfig .run/kubeconfig describe es redis-stream

  Ctrl-C stops the controller, kube-testserver and redis-server.

TXT
"$bin/redis-eventsource" controller --kubeconfig "$kubeconfig" --default-sink stdout --http-port "$http_port" \
    --consumer-name make-run
