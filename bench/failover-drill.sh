#!/usr/bin/env bash
# The failover drill, from the outside, the way a user checks the system's promise: with the system started by
# `dotnet run --project HaSystem.AppHost`, it places orders at a fixed rate round-robin over the API replicas (each
# sent once, no client retry; bench/HaSystem.OrderDrill) and breaks the `state` primary by signal:
#   kill       kill -9 of the state primary 10 s into the load
#   pause      SIGSTOP of the state primary for 10 s, then SIGCONT
#   failovers  N times, 8 s apart: SIGSTOP of the primary until the Sentinels promote another node, then SIGCONT
# It prints the failed orders, the longest time without a successful one, and when orders succeeded after each fault.
# Needs: redis-cli (redis-tools), ss (iproute2). Finds the newest running AppHost's run folder under $TMPDIR/hasystem.
# Usage: bench/failover-drill.sh kill|pause|failovers [rate, default 10] [failovers, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?usage: bench/failover-drill.sh kill|pause|failovers [rate] [failovers]}
rate=${2:-10}
count=${3:-10}

run=""
for dir in $(ls -dt "${TMPDIR:-/tmp}"/hasystem/*/ 2> /dev/null); do
  apphost=$(basename "$dir" | cut -d- -f1)
  if kill -0 "$apphost" 2> /dev/null; then run=${dir%/}; break; fi
done
[ -n "$run" ] || { echo "No running AppHost found: start one with 'dotnet run --project HaSystem.AppHost'." >&2; exit 1; }

conf_value() { sed -n "s/^$2 \"\{0,1\}\([^\"]*\)\"\{0,1\}$/\1/p" "$run/$1" | head -1; }
# The drill acts as the Sentinels' own Redis user: on the nodes it may read ROLE and INFO, no data; the administrator's
# password is never written to disk in clear.
password=$(conf_value sentinel-0/sentinel.conf "sentinel sentinel-pass")
sentinel_port=$(conf_value sentinel-0/sentinel.conf port)
cli() { REDISCLI_AUTH="$password" redis-cli --user sentinel --no-auth-warning -h 127.0.0.1 -p "$@"; }
pid_on() { ss -ltnpH "sport = :$1" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1; }
now_ms() { date +%s%3N; }
sentinel_primary_port() { cli "$sentinel_port" SENTINEL get-master-addr-by-name state | sed -n 2p; }
state_primary_port() {
  for conf in "$run"/state-*/redis.conf; do
    local port; port=$(sed -n 's/^port //p' "$conf")
    [ "$(cli "$port" ROLE 2> /dev/null | head -1)" = master ] && { echo "$port"; return; }
  done
}
wait_until_replica() {
  for _ in $(seq 1 300); do
    cli "$1" INFO replication 2> /dev/null | grep -q '^master_link_status:up' && return 0
    sleep 0.1
  done
  echo "warning: the node on :$1 is not a linked replica after 30 s" >&2
}

api=()
for port in $(ss -ltnpH | grep '"HaSystem.ApiSer"' | grep -o '127.0.0.1:[0-9]*' | cut -d: -f2 | sort -u); do api+=("http://127.0.0.1:$port"); done
[ ${#api[@]} -gt 0 ] || { echo "No API replica is listening." >&2; exit 1; }
api_pid=$(pid_on "${api[0]##*:}")
demo_password=$(tr '\0' '\n' < "/proc/$api_pid/environ" | sed -n 's/^Demo__Passwords__globex__user=//p')

case $mode in
  kill) seconds=30 ;;
  pause) seconds=35 ;;
  failovers) seconds=$(( count * 11 + 20 )) ;;
  *) echo "unknown mode '$mode'" >&2; exit 2 ;;
esac

dotnet build bench/HaSystem.OrderDrill -c Release -v q -nologo > /dev/null
events=$(mktemp)
trap 'rm -f "$events"' EXIT
echo "Run folder $run; ${#api[@]} API replicas; $rate orders/s for $seconds s; fault: $mode"
dotnet bench/HaSystem.OrderDrill/bin/Release/net10.0/HaSystem.OrderDrill.dll \
  --api "$(IFS=,; echo "${api[*]}")" --password "$demo_password" --rate "$rate" --seconds "$seconds" --events "$events" &
load=$!
sleep 10

primary=$(state_primary_port)
pid=$(pid_on "$primary")
case $mode in
  kill)
    echo "$(now_ms) kill -9 of the state primary :$primary" >> "$events"
    kill -9 "$pid"
    ;;
  pause)
    echo "$(now_ms) SIGSTOP of the state primary :$primary" >> "$events"
    kill -STOP "$pid"
    sleep 10
    echo "$(now_ms) SIGCONT of :$primary" >> "$events"
    kill -CONT "$pid"
    ;;
  failovers)
    for i in $(seq 1 "$count"); do
      # Sentinel starts no new failover of a group within 2 x failover-timeout (4 s) of its last one.
      [ "$i" -gt 1 ] && while [ $(( $(now_ms) - stopped )) -lt 8000 ]; do sleep 0.2; done
      primary=$(state_primary_port)
      pid=$(pid_on "$primary")
      stopped=$(now_ms)
      kill -STOP "$pid"
      while [ "$(sentinel_primary_port)" = "$primary" ]; do sleep 0.05; done
      promoted=$(now_ms)
      echo "$promoted failover $i: promotion $(( promoted - stopped )) ms after SIGSTOP of :$primary" >> "$events"
      kill -CONT "$pid"
      wait_until_replica "$primary"
    done
    ;;
esac
wait "$load"
