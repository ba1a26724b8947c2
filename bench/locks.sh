#!/usr/bin/env bash
# Lock acquire+release throughput and latency, for 1 contender and for 8 on one key, against a baseline measured in
# the same run (one client's PING round trips). Runs the services' own lock component (bench/HaSystem.LockBench)
# against a Redis primary with one replica, as in the `state` group.
# It starts both redis-server processes itself, on free ports, and stops them (by PID) when done.
# Needs: redis-server. Usage: bench/locks.sh [seconds per measurement, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
command -v redis-server > /dev/null || { echo "redis-server is not installed (apt-get install redis-server)" >&2; exit 1; }

free_port() {
  local port
  while :; do
    port=$(( 20000 + RANDOM % 40000 ))
    ss -ltn "sport = :$port" | grep -q ":$port" || { echo "$port"; return; }
  done
}

dotnet build bench/HaSystem.LockBench -c Release -v q -nologo > /dev/null
work=$(mktemp -d)
primary=$(free_port)
replica=$(free_port)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

redis-server --bind 127.0.0.1 --port "$primary" --dir "$work" --save '' --appendonly no > "$work/primary.log" 2>&1 &
pids+=($!)
redis-server --bind 127.0.0.1 --port "$replica" --dir "$work" --dbfilename replica.rdb --save '' --appendonly no \
  --replicaof 127.0.0.1 "$primary" > "$work/replica.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  redis-cli -p "$primary" info replication 2> /dev/null | grep -q 'state=online' && break
  sleep 0.1
done

echo "Redis primary :$primary with a replica :$replica; ${seconds} s per measurement"
HASYSTEM_REDIS="127.0.0.1:$primary" dotnet bench/HaSystem.LockBench/bin/Release/net10.0/HaSystem.LockBench.dll \
  bench --contenders 1,8 --duration "00:00:$(printf '%02d' "$seconds")"
