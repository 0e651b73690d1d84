#!/usr/bin/env bash
# HTTP/2 over TLS: h2load against loopgate's HTTPS port and against nginx serving h2 with a certificate from the same
# local CA, both reverse proxies to one fast HTTP/1.1 backend, interleaved rounds. The proxies share CPU 1; the
# backend and h2load share CPU 0. Run by hand, never in CI:  bench/h2.sh [requests-per-run] [rounds]
# Needs: h2load (nghttp2-client), nginx, openssl, java 17+, gateway/target/loopgate.jar.
set -euo pipefail

REQUESTS="${1:-200000}"
ROUNDS="${2:-3}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$repo/gateway/target/loopgate.jar"
work="$(mktemp -d /tmp/loopgate-h2bench.XXXXXX)"
out="$repo/bench/results/h2-$(date -u +%Y%m%dT%H%M%SZ).tsv"
BACKEND_PORT=18091 NGINX_PORT=18092 LOOPGATE_PORT=18093 LOOPGATE_TLS=18094

for tool in h2load nginx openssl java taskset; do
  command -v "$tool" >/dev/null || { echo "bench: needs $tool (apt-get install nghttp2-client nginx)" >&2; exit 1; }
done
[[ -f "$jar" ]] || { echo "bench: build the jar first: ./mvnw -DskipTests package" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
mkdir -p "$repo/bench/results"
source "$repo/bench/common.sh"

cat > "$work/loopgate.yaml" <<CONF
services:
  web: http://127.0.0.1:$BACKEND_PORT
CONF
lg_opts=(-XX:ActiveProcessorCount=1 -XX:+UseSerialGC -Xms64m -Xmx256m)
LOOPGATE_ACCESS_LOG=OFF taskset -c 1 java "${lg_opts[@]}" -jar "$jar" serve --config "$work/loopgate.yaml" \
  --port "$LOOPGATE_PORT" --https-port "$LOOPGATE_TLS" --state-dir "$work/state" > "$work/logs/loopgate.out" 2>&1 &
pids+=($!)
until (exec 3<>"/dev/tcp/127.0.0.1/$LOOPGATE_TLS") 2>/dev/null; do sleep 0.05; done
until [[ -f "$work/state/ca/root.pem" ]]; do sleep 0.05; done  # the CA is made in the background at first start

# nginx gets a leaf for web.localhost from loopgate's CA: the same key type (P-256) and chain length as loopgate's.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=web.localhost \
  -addext subjectAltName=DNS:web.localhost -keyout "$work/leaf.key" -out "$work/leaf.csr" 2>/dev/null
openssl x509 -req -in "$work/leaf.csr" -CA "$work/state/ca/root.pem" -CAkey "$work/state/ca/root.key" \
  -CAcreateserial -days 30 -copy_extensions copy -out "$work/leaf.pem" 2>/dev/null

nginx_conf backend "server { listen 127.0.0.1:$BACKEND_PORT reuseport backlog=4096; root $work/www; location / { } }"
nginx_conf proxy "upstream b { server 127.0.0.1:$BACKEND_PORT; keepalive 256; }
  server { listen 127.0.0.1:$NGINX_PORT ssl http2 backlog=4096; ssl_certificate $work/leaf.pem;
  ssl_certificate_key $work/leaf.key; ssl_protocols TLSv1.3; http2_max_concurrent_streams 128;
  location / { proxy_pass http://b; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_set_header Host \$host; } }"
taskset -c 0 nginx -p "$work" -c "$work/backend.conf" & pids+=($!)
taskset -c 1 nginx -p "$work" -c "$work/proxy.conf" & pids+=($!)
until (exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null; do sleep 0.05; done
until (exec 3<>"/dev/tcp/127.0.0.1/$BACKEND_PORT") 2>/dev/null; do sleep 0.05; done

port_of() { case "$1" in nginx) echo $NGINX_PORT;; loopgate) echo $LOOPGATE_TLS;; esac; }

run_one() { # target clients streams body requests -> "rps mean_ms max_ms failed"
  local res
  res=$(taskset -c 0 h2load -n "$5" -c "$2" -m "$3" -H ':authority: web.localhost' \
        "https://127.0.0.1:$(port_of "$1")/$4" 2>&1)
  local rps mean max failed
  rps=$(awk '/^finished in/ {gsub(",","",$4); print $4}' <<<"$res")
  # "time for request:  min  max  mean  sd  +/- sd"; "requests: N total, N started, N done, N succeeded, N failed, …"
  mean=$(awk '$1=="time" && $2=="for" && $3=="request:" {print $6}' <<<"$res")
  max=$(awk '$1=="time" && $2=="for" && $3=="request:" {print $5}' <<<"$res")
  failed=$(awk '/^requests:/ {print $10}' <<<"$res")
  echo "$rps $(ms "$mean") $(ms "$max") ${failed:-NA}"
}
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; printf "%.2f", v }'; }

echo -e "round\ttarget\tclients\tstreams\tbody\trps\tmean_ms\tmax_ms\tfailed" > "$out"
# Warm loopgate's JIT (nginx needs none).
run_one loopgate 10 10 100 "$REQUESTS" >/dev/null; run_one loopgate 10 10 64k $((REQUESTS / 10)) >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  for shape in "1 100" "10 10" "100 1"; do read -r clients streams <<<"$shape"; for body in 100 64k; do
    n=$REQUESTS; [[ $body == 64k ]] && n=$((REQUESTS / 10))
    for target in nginx loopgate; do
      read -r rps mean max failed < <(run_one "$target" "$clients" "$streams" "$body" "$n")
      echo -e "$round\t$target\t$clients\t$streams\t$body\t$rps\t$mean\t$max\t$failed" | tee -a "$out"
    done
  done; done
done

python3 - "$out" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
med = {}
for r in rows:
    med.setdefault((r["clients"], r["streams"], r["body"], r["target"]), []).append(r)
print("| connections × streams | body | nginx req/s | loopgate req/s | loopgate/nginx | nginx mean ms | loopgate mean ms | failed (n/l) |")
print("|---|---|---|---|---|---|---|---|")
for shape in (("1", "100"), ("10", "10"), ("100", "1")):
    for body in ("100", "64k"):
        n, l = (med[(shape[0], shape[1], body, t)] for t in ("nginx", "loopgate"))
        nr, lr = (statistics.median(float(x["rps"]) for x in v) for v in (n, l))
        nm, lm = (statistics.median(float(x["mean_ms"]) for x in v) for v in (n, l))
        nf, lf = (sum(int(x["failed"]) for x in v if x["failed"].isdigit()) for v in (n, l))
        print(f"| {shape[0]} × {shape[1]} | {body} | {nr:,.0f} | {lr:,.0f} | {lr / nr:.2f}x | {nm:.2f} | {lm:.2f} | {nf}/{lf} |")
PY
echo "raw results: $out"
