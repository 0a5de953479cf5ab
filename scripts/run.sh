#!/usr/bin/env bash
# `make run`: a local redis-server, the example EventSource from manifests/examples, events on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="$(swift build --show-bin-path)"
state="$PWD/.run"
mkdir -p "$state"

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=6379
if ! port_is_free "$port"; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi

redis-server --port "$port" --bind 127.0.0.1 --dir "$state" --save "" --appendonly no \
    --logfile "$state/redis.log" --daemonize no &
redis_pid=$!
cleanup() { kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 100); do
    kill -0 "$redis_pid" 2>/dev/null || { echo "redis-server did not start; see $state/redis.log" >&2; exit 1; }
    redis-cli -p "$port" PING >/dev/null 2>&1 && break
    sleep 0.1
done

# The stream must exist before the adapter creates its group at the newest entry ('$'), or the
# first XADD would create the stream and land before the group, unseen. MAXLEN 0 leaves it empty.
redis-cli -p "$port" XADD FOO MAXLEN 0 '*' created-by make-run >/dev/null

sed "s/hostAddress: .*/hostAddress: 127.0.0.1:$port/" manifests/examples/redis-streams.yaml > "$state/redis-streams.yaml"
cli="redis-cli"
[ "$port" = 6379 ] || cli="redis-cli -p $port"
cat >&2 <<TXT

  redis-server is listening on 127.0.0.1:$port; the EventSource 'redis-stream' reads stream FOO.
  In another terminal:   $cli XADD FOO '*' message hello
  Each entry is printed below as one JSON event. Ctrl-C stops everything.

TXT
"$bin/redis-eventsource" run -f "$state/redis-streams.yaml" --sink stdout
