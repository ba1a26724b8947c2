#!/usr/bin/env bash
# Cached catalog reads against ONE API replica, measured with wrk in one run, as ratios to the bare framework:
#   1. GET /alive                             (baseline: ASP.NET Core, no auth, no Redis)
#   2. GET /api/catalog/products/{id}          (JWT, per-tenant rate limit in Redis state, L1 cache hit)
#   3. the same with both `cache` nodes stopped (L1 hit; L2 and backplane unreachable)
# It starts the AppHost itself (rate limit raised so it does not shape the load) and stops everything it started.
# Needs: redis-server, redis-sentinel, wrk (Debian: apt-get install wrk), Linux (/proc for the replica's settings).
# Usage: bench/catalog-reads.sh [seconds per run, default 15] [connections, default 32]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15}
connections=${2:-32}
command -v wrk > /dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

dotnet build HaSystem.AppHost -v q -nologo > /dev/null
log=$(mktemp)
setsid dotnet run --project HaSystem.AppHost --no-build -- \
  "ApiService:Environment:RateLimiting__PermitLimit=1000000" > "$log" 2>&1 &
apphost=$!
cleanup() {
  local host
  host=$(pgrep -P "$apphost" -f 'HaSystem.AppHost' || true)
  kill -TERM ${host:-$apphost} 2> /dev/null || true
  # The AppHost returns before DCP has stopped every process; wait for the services of this run to be gone too.
  for _ in $(seq 1 90); do
    if ! kill -0 "${host:-$apphost}" 2> /dev/null && ! pgrep -f 'bin/.*/HaSystem\.(ApiService|Worker|Web)$' > /dev/null; then break; fi
    sleep 1
  done
}
trap cleanup EXIT

echo "Waiting for an API replica..." >&2
pid=""; port=""
for _ in $(seq 1 180); do
  pid=$(pgrep -f 'bin/.*/HaSystem.ApiService$' | head -n 1 || true)
  if [ -n "$pid" ]; then
    port=$(ss -ltnp 2> /dev/null | grep "pid=$pid," | grep -o '127.0.0.1:[0-9]*' | head -n 1 | cut -d: -f2 || true)
    if [ -n "$port" ] && curl -fs "http://127.0.0.1:$port/health" | grep -q '"status": "Healthy"'; then break; fi
  fi
  sleep 1
done
[ -n "$port" ] || { echo "No healthy API replica after 180 s; AppHost log: $log" >&2; exit 1; }
password=$(tr '\0' '\n' < "/proc/$pid/environ" | sed -n 's/^Demo__Passwords__acme__user=//p')
base="http://127.0.0.1:$port"
token=$(curl -fs -X POST "$base/api/auth/token" -H 'content-type: application/json' \
  -d "{\"userName\":\"user@acme\",\"password\":\"$password\"}" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
curl -fs -o /dev/null "$base/api/catalog/products/5" -H "authorization: Bearer $token"

run() { # name url [auth]: one unmeasured run of the same length (tiered JIT, dynamic PGO, pools), then the measured one
  local out
  wrk -t2 -c"$connections" -d"${duration}s" ${3:+-H "authorization: Bearer $3"} "$2" > /dev/null
  if [ -n "${3:-}" ]; then
    out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency -H "authorization: Bearer $3" "$2")
  else
    out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency "$2")
  fi
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<< "$out")
  p50=$(awk '$1=="50%" {print $2}' <<< "$out")
  p99=$(awk '$1=="99%" {print $2}' <<< "$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<< "$out"); non2xx=${non2xx:-0}
  printf '%s|%s|%s|%s|%s\n' "$1" "$rps" "$p50" "$p99" "$non2xx"
}

results=()
results+=("$(run "/alive (baseline)" "$base/alive")")
results+=("$(run "cached product read" "$base/api/catalog/products/5" "$token")")
# Only this run's cache nodes, found by the ports in their configuration files (redis-server rewrites its
# command line, so the processes cannot be recognised by their arguments).
hostpid=$(pgrep -P "$apphost" -f 'HaSystem.AppHost' | head -n 1)
for conf in "${TMPDIR:-/tmp}"/hasystem/"$hostpid"-*/cache-*/redis.conf; do
  cacheport=$(awk '$1 == "port" {print $2}' "$conf")
  cachepid=$(ss -ltnp 2> /dev/null | grep "127.0.0.1:$cacheport " | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)
  [ -n "$cachepid" ] && kill -TERM "$cachepid" && echo "Stopping cache node on port $cacheport (pid $cachepid)" >&2
  for _ in $(seq 1 50); do ss -ltn 2> /dev/null | grep -q "127.0.0.1:$cacheport " || break; sleep 0.2; done
done
results+=("$(run "cached product read, cache role stopped" "$base/api/catalog/products/5" "$token")")

baseline=$(cut -d'|' -f2 <<< "${results[0]}")
echo
echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk -t2 -c$connections -d${duration}s against one replica ($base)"
echo
echo "| Scenario | Requests/s | vs /alive | p50 | p99 | non-2xx |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for r in "${results[@]}"; do
  IFS='|' read -r name rps p50 p99 non2xx <<< "$r"
  ratio=$(awk -v a="$rps" -v b="$baseline" 'BEGIN { printf "%.2f", a / b }')
  echo "| $name | $rps | $ratio | $p50 | $p99 | $non2xx |"
done
