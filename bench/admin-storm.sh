#!/usr/bin/env bash
# Does control-plane work move proxy latency? loopgate (./loopgate serve, one core) in front of an nginx backend;
# wrk for 10 s with 50 keep-alive connections, once quiet and once while 20 registrations a second (each a
# registry change with an fsync) go to the admin API. Prints req/s and p99 of both. Loopback only; run by hand.
# Needs: wrk, nginx, curl, the jar (./mvnw -DskipTests package).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/loopgate-storm.XXXXXX)"
BACKEND=18181 GW=18183
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/www" && chmod 755 "$work" "$work/www" && head -c 100 /dev/zero | tr '\0' a > "$work/www/100"
cat > "$work/backend.conf" <<CONF
worker_processes 1; daemon off; pid $work/nginx.pid; error_log $work/error.log;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:$BACKEND backlog=4096; root $work/www; location / { } } }
CONF
taskset -c 0 nginx -p "$work" -c "$work/backend.conf" & pids+=($!)
printf 'services:\n  web: http://127.0.0.1:%s\n' "$BACKEND" > "$work/loopgate.yaml"
LOOPGATE_ACCESS_LOG=OFF LOOPGATE_JAVA_OPTS="-XX:ActiveProcessorCount=1" taskset -c 1 "$repo/loopgate" serve \
  --config "$work/loopgate.yaml" --port $GW --state-dir "$work/state" > "$work/gw.log" 2>&1 & pids+=($!)
for _ in $(seq 300); do grep -q "ready in" "$work/gw.log" 2>/dev/null && break; sleep 0.1; done
token=$(cat "$work/state/token")
run() { taskset -c 0 wrk -t1 -c50 -d10s --latency -H "Host: web.localhost" "http://127.0.0.1:$GW/100" \
  | awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {print rps, p99}'; }
run >/dev/null  # warm-up
quiet=$(run)
( end=$((SECONDS + 12)); n=0
  while (( SECONDS < end )); do
    curl -s -o /dev/null -X PUT -H "Host: loopgate.localhost" -H "Authorization: Bearer $token" \
      "http://127.0.0.1:$GW/api/v1/services/storm/backends/b$((n % 20))" \
      -d "{\"url\": \"http://127.0.0.1:$BACKEND\", \"ttl\": \"30s\"}"
    n=$((n + 1)); sleep 0.05
  done; echo "$n" > "$work/registrations" ) & registrar=$!
storm=$(run)
wait "$registrar"
sleep 1
echo "quiet:                        req/s p99 = $quiet"
echo "with $(cat "$work/registrations" 2>/dev/null || echo '?') registrations in 12 s: req/s p99 = $storm"
