#!/usr/bin/env bash
# Does control-plane work move proxy latency? loopgate (./loopgate serve, one core) in front of an nginx backend;
# wrk for 10 s with 50 keep-alive connections, once quiet and once while 20 registrations a second (each a
# registry change with an fsync) go to the admin API. Prints req/s and p99 of both. Loopback only; run by hand:
#   bench/admin-storm.sh [registrations-per-second, default 20]
# Needs: wrk, nginx, curl, the jar (./mvnw -DskipTests package).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/loopgate-storm.XXXXXX)"
BACKEND=18181 GW=18183 RATE="${1:-20}"
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
# One persistent keep-alive client, as `loopgate run`'s lease renewals are, pinned to the load generator's core: what
# moves the proxy's p99 is then loopgate's own work per registration, not process starts competing for its core.
register() { # $1 seconds: registrations at RATE/s, prints "count slowest_ms"
  taskset -c 0 python3 - "$GW" "$BACKEND" "$token" "$RATE" "$1" <<'PY'
import http.client, json, sys, time
port, backend, token, rate, seconds = int(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
conn = http.client.HTTPConnection("127.0.0.1", port)
headers = {"Host": "loopgate.localhost", "Authorization": "Bearer " + token, "Content-Type": "application/json"}
body = json.dumps({"url": "http://127.0.0.1:" + backend, "ttl": "30s"})
start, n, slowest = time.monotonic(), 0, 0.0
while time.monotonic() - start < seconds:
    t = time.monotonic()
    conn.request("PUT", "/api/v1/services/storm/backends/b%d" % (n % 20), body, headers)
    conn.getresponse().read()
    slowest = max(slowest, time.monotonic() - t)
    n += 1
    time.sleep(max(0.0, start + n / rate - time.monotonic()))
print(n, "%.1f" % (slowest * 1000))
PY
}
# Warm-up: both the proxy path and the admin path get compiled before anything is measured (otherwise the storm
# run measures the JIT compiling the admin code on the proxy's only core).
register 12 >/dev/null & warm=$!; run >/dev/null; wait "$warm"
quiet=$(run)
register 12 > "$work/registrations" & registrar=$!
storm=$(run)
wait "$registrar"
sleep 1
echo "quiet:                        req/s p99 = $quiet"
read -r count slowest < "$work/registrations" || true
echo "with ${count:-?} registrations in 12 s (slowest answer ${slowest:-?} ms): req/s p99 = $storm"
