#!/usr/bin/env bash
# The failover drill, from the outside, the way a user checks the system's promise: with the system started by
# `dotnet run --project HaSystem.AppHost`, it places orders at a fixed rate round-robin over the API replicas (each
# sent once, no client retry; bench/HaSystem.OrderDrill) and breaks the `state` primary by signal:
#   kill       kill -9 of the state primary 10 s into the load
#   pause      SIGSTOP of the state primary for 10 s, then SIGCONT
#   failovers  N times, 8 s apart: SIGSTOP of the primary until the Sentinels promote another node, then SIGCONT
#   leader     kill -9 of the leading worker 10 s into the load, and the hand-over: from the kill to the moment the
#              next leader acquired the lease (by the state primary's clock, this machine's), as the API reports it.
#              The AppHost does not start a killed project again: restart the worker from the dashboard (or the
#              AppHost) before the next run, or the next kill leaves no follower.
#   postgres-kill   (with --Database:Provider=postgres) kill -9 of the PostgreSQL server 10 s into the load; its
#                   keeper starts it again
#   postgres-pause  (the same) SIGSTOP of the PostgreSQL server and its sessions for 5 s, then SIGCONT
#   patroni-kill    (with --Database:Provider=postgres --Database:Postgres:Topology=patroni) kill -9 of the primary
#                   node's PostgreSQL server (its postmaster) 10 s into the load; Patroni fails over
#   patroni-node    (the same) kill -9 of the primary node's Patroni agent and its PostgreSQL server together
#   patroni-switchover (the same) a switchover to the synchronous standby through Patroni's REST API
# It prints the failed orders, the longest time without a successful one, and when orders succeeded after each fault.
# Needs: redis-cli (redis-tools), ss (iproute2), and for the patroni modes curl. Finds the newest running AppHost's run folder under $TMPDIR/hasystem.
# DRILL_CSV=<file> writes every order (sent at, replica, status, latency) to that file, and the faults' times to <file>.events.
# Usage: bench/failover-drill.sh kill|pause|failovers|leader|postgres-kill|postgres-pause|patroni-kill|patroni-node|patroni-switchover [rate, default 10] [failovers, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?usage: bench/failover-drill.sh kill|pause|failovers|leader [rate] [failovers]}
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
  leader) seconds=30 ;;
  postgres-kill) seconds=30 ;;
  postgres-pause) seconds=30 ;;
  patroni-kill|patroni-switchover) seconds=30 ;;
  patroni-node) seconds=40 ;;
  *) echo "unknown mode '$mode'" >&2; exit 2 ;;
esac

dotnet build bench/HaSystem.OrderDrill -c Release -v q -nologo > /dev/null
events=$(mktemp)
trap 'if [ -n "${DRILL_CSV:-}" ]; then cp "$events" "$DRILL_CSV.events"; fi; rm -f "$events"' EXIT
echo "Run folder $run; ${#api[@]} API replicas; $rate orders/s for $seconds s; fault: $mode"
dotnet bench/HaSystem.OrderDrill/bin/Release/net10.0/HaSystem.OrderDrill.dll \
  --api "$(IFS=,; echo "${api[*]}")" --password "$demo_password" --rate "$rate" --seconds "$seconds" --events "$events" \
  ${DRILL_CSV:+--csv "$DRILL_CSV"} &
load=$!
sleep 10

# The local PostgreSQL server: the process started with the run folder's data directory, and its sessions.
# The postmaster's PID (the resource's process is its keeper, which starts a killed server again at once).
postgres_pid() { local p; p=$(head -1 "$run/postgres/data/postmaster.pid" 2> /dev/null); [ -n "$p" ] && kill -0 "$p" 2> /dev/null && echo "$p"; }
postgres_family() { local p; p=$(postgres_pid); [ -n "$p" ] && echo "$p" $(cat "/proc/$p/task/$p/children" 2> /dev/null); }

# The Patroni cluster's nodes: each one's REST port, from its patroni.yml; the primary is the one /patroni calls so.
patroni_rest() { sed -n '/^restapi:/,/^[a-z]/s/^  listen: 127.0.0.1:\([0-9]*\)$/\1/p' "$1/patroni.yml"; }
patroni_primary() {
  # A crashed primary's agent still says "master" until it notices: the primary is the one whose server also runs.
  for node in "$run"/postgres-[0-9]*; do
    [ -f "$node/patroni.yml" ] || continue
    local status; status=$(curl -sf -m 1 "http://127.0.0.1:$(patroni_rest "$node")/patroni" 2> /dev/null || true)
    if grep -q '"role": *"\(master\|primary\)"' <<< "$status" && grep -q '"state": *"running"' <<< "$status"; then echo "$node"; return 0; fi
  done
  return 0
}
wait_for_new_primary() {
  for _ in $(seq 1 600); do
    local now; now=$(patroni_primary)
    [ -n "$now" ] && [ "$now" != "$1" ] && { echo "$(now_ms) $(basename "$now") is the primary" >> "$events"; return 0; }
    sleep 0.1
  done
  echo "$(now_ms) no other primary within 60 s" >> "$events"
}

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
  leader)
    token=$(curl -fsS -X POST "${api[0]}/api/auth/token" -H 'Content-Type: application/json' \
      -d "{\"userName\":\"user@globex\",\"password\":\"$demo_password\"}" | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')
    leader_field() {
      curl -fsS -m 2 -H "Authorization: Bearer $token" "${api[0]}/api/coordination/leader" 2> /dev/null \
        | sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p"
    }
    holder=$(leader_field holder)
    [ -n "$holder" ] || { echo "No worker leads: nothing to kill." >&2; exit 1; }
    pid=""
    for worker in $(ss -ltnpH | grep '"HaSystem.Worker"' | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | sort -u); do
      # Aspire names the replica's instance either worker-abcd1234 or abcd1234; the API reports worker-abcd1234.
      tr '\0' '\n' < "/proc/$worker/environ" | grep -qE "service\.instance\.id=(worker-)?${holder#worker-}(,|$)" && pid=$worker
    done
    [ -n "$pid" ] || { echo "The leader $holder has no process listening here." >&2; exit 1; }
    killed=$(now_ms)
    echo "$killed kill -9 of the leading worker $holder (pid $pid)" >> "$events"
    kill -9 "$pid"
    next=""
    while [ $(( $(now_ms) - killed )) -lt 20000 ]; do
      next=$(leader_field holder)
      [ -n "$next" ] && [ "$next" != "$holder" ] && break
      sleep 0.05
    done
    if [ -n "$next" ] && [ "$next" != "$holder" ]; then
      since=$(date -d "$(leader_field since)" +%s%3N)
      echo "$since $next leads: hand-over $(( since - killed )) ms after the kill" >> "$events"
    else
      echo "$(now_ms) no other worker led within 20 s of the kill" >> "$events"
    fi
    ;;
  postgres-kill)
    pg=$(postgres_pid)
    [ -n "$pg" ] || { echo "No PostgreSQL server in $run: start the AppHost with -- --Database:Provider=postgres." >&2; exit 1; }
    echo "$(now_ms) kill -9 of the PostgreSQL server (pid $pg)" >> "$events"
    kill -9 "$pg"
    for _ in $(seq 1 300); do
      next=$(postgres_pid)
      [ -n "$next" ] && [ "$next" != "$pg" ] && { echo "$(now_ms) PostgreSQL started again by its keeper (pid $next)" >> "$events"; break; }
      sleep 0.1
    done
    ;;
  patroni-kill|patroni-node|patroni-switchover)
    node=$(patroni_primary)
    [ -n "$node" ] || { echo "No Patroni primary in $run: start the AppHost with -- --Database:Provider=postgres --Database:Postgres:Topology=patroni." >&2; exit 1; }
    pg=$(head -1 "$node/data/postmaster.pid")
    case $mode in
      patroni-kill)
        echo "$(now_ms) kill -9 of $(basename "$node")'s PostgreSQL server (pid $pg)" >> "$events"
        kill -9 "$pg"
        ;;
      patroni-node)
        agent=$(pid_on "$(patroni_rest "$node")" || true)
        echo "$(now_ms) kill -9 of $(basename "$node")'s Patroni (pid $agent) and PostgreSQL server (pid $pg)" >> "$events"
        kill -9 "$agent" "$pg"
        ;;
      patroni-switchover)
        # With synchronous_mode Patroni accepts only the synchronous standby as the candidate.
        candidate=$(curl -sf -m 2 "http://127.0.0.1:$(patroni_rest "$node")/cluster" | tr '{' '\n' | grep '"sync_standby"' | sed -n 's/.*"name": *"\([^"]*\)".*/\1/p' | head -1 || true)
        [ -n "$candidate" ] || { echo "No synchronous standby to switch over to." >&2; exit 1; }
        # The REST API's unsafe methods need its user: the password is in the agent's environment (readable by root or its account).
        rest_password=$(tr '\0' '\n' < "/proc/$(pid_on "$(patroni_rest "$node")")/environ" | sed -n 's/^PATRONI_RESTAPI_PASSWORD=//p')
        echo "$(now_ms) switchover of $(basename "$node") to $candidate" >> "$events"
        curl -sf -m 30 -u "patroni:$rest_password" -X POST -H 'Content-Type: application/json' -d "{\"leader\": \"$(basename "$node")\", \"candidate\": \"$candidate\"}" \
          "http://127.0.0.1:$(patroni_rest "$node")/switchover" > /dev/null
        ;;
    esac
    wait_for_new_primary "$node"
    ;;
  postgres-pause)
    family=$(postgres_family)
    [ -n "$family" ] || { echo "No PostgreSQL server in $run: start the AppHost with -- --Database:Provider=postgres." >&2; exit 1; }
    echo "$(now_ms) SIGSTOP of the PostgreSQL server and its sessions" >> "$events"
    kill -STOP $family
    sleep 5
    echo "$(now_ms) SIGCONT of the PostgreSQL server" >> "$events"
    kill -CONT $family
    ;;
esac
wait "$load"
