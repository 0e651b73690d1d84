#!/usr/bin/env bash
# Every listener gets a 4096 backlog: each wrk run opens all its connections at once, and a proxy then opens as many
# to the backend; with Linux's default backlog of 511 the dropped SYNs (retried after 1 s, 3 s) would dominate p99.
# Load benchmark: a fast backend directly, nginx (1 worker) as a reverse proxy to it, and loopgate (1 event loop)
# to it, interleaved, on this machine. The proxies share CPU 1; the backend and wrk share CPU 0.
# Run by hand, never in CI:  bench/run.sh [seconds-per-run] [rounds]
# Needs: wrk, nginx, java 17+, and gateway/target/loopgate.jar (./mvnw -DskipTests package).
set -euo pipefail

DURATION="${1:-10}"
ROUNDS="${2:-3}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$repo/gateway/target/loopgate.jar"
work="$(mktemp -d /tmp/loopgate-bench.XXXXXX)"
out="$repo/bench/results/$(date -u +%Y%m%dT%H%M%SZ).tsv"
BACKEND_PORT=18081 NGINX_PORT=18082 LOOPGATE_PORT=18083

for tool in wrk nginx java taskset; do
  command -v "$tool" >/dev/null || { echo "bench: needs $tool (apt-get install wrk nginx util-linux)" >&2; exit 1; }
done
[[ -f "$jar" ]] || { echo "bench: build the jar first: ./mvnw -DskipTests package" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # 1000 connections need ~3000 descriptors per proxy
mkdir -p "$repo/bench/results"
source "$repo/bench/common.sh"

nginx_conf backend "server { listen 127.0.0.1:$BACKEND_PORT reuseport backlog=4096; root $work/www; location / { } }"
nginx_conf proxy "upstream b { server 127.0.0.1:$BACKEND_PORT; keepalive 256; }
  server { listen 127.0.0.1:$NGINX_PORT backlog=4096; location / { proxy_pass http://b; proxy_http_version 1.1;
  proxy_set_header Connection \"\"; proxy_set_header Host \$host; proxy_buffering on; } }"
cat > "$work/loopgate.yaml" <<CONF
services:
  web: http://127.0.0.1:$BACKEND_PORT
CONF

taskset -c 0 nginx -p "$work" -c "$work/backend.conf" & pids+=($!)
taskset -c 1 nginx -p "$work" -c "$work/proxy.conf" & pids+=($!)

# Started as users start it (./loopgate, the image): with a class-data archive from one earlier start.
lg_opts=(-XX:ActiveProcessorCount=1 -XX:+UseSerialGC -Xms64m -Xmx256m)
TRAIN_PORT=$LOOPGATE_PORT TRAIN_JAVA_OPTS="${lg_opts[*]}" taskset -c 1 "$repo/docker/train-cds.sh" "$jar" "$work/loopgate.jsa"
LOOPGATE_ACCESS_LOG=OFF taskset -c 1 java "${lg_opts[@]}" -XX:SharedArchiveFile="$work/loopgate.jsa" -Xlog:cds=off \
  -Xlog:cds+dynamic=off -jar "$jar" serve --config "$work/loopgate.yaml" --port "$LOOPGATE_PORT" --state-dir "$work/state" \
  > "$work/logs/loopgate.out" 2>&1 & lg=$!; pids+=($lg)
until (exec 3<>"/dev/tcp/127.0.0.1/$LOOPGATE_PORT") 2>/dev/null; do sleep 0.01; done
for _ in $(seq 100); do grep -q "ready in" "$work/logs/loopgate.out" && break; sleep 0.1; done
# The banner's figure: JVM start to accepting, pinned to one core like the rest of the run.
ready_ms=$(sed -n 's/.*ready in \([0-9]*\) ms.*/\1/p' "$work/logs/loopgate.out" | head -1)
until (exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null; do sleep 0.05; done
until (exec 3<>"/dev/tcp/127.0.0.1/$BACKEND_PORT") 2>/dev/null; do sleep 0.05; done
sleep 1
idle_rss_kb=$(ps -o rss= -p "$lg" | tr -d ' ')

port_of() { case "$1" in direct) echo $BACKEND_PORT;; nginx) echo $NGINX_PORT;; loopgate) echo $LOOPGATE_PORT;; esac; }

run_one() { # target conns body mode -> "rps p99_ms errors"
  local target=$1 conns=$2 body=$3 mode=$4 extra=()
  [[ $mode == close ]] && extra=(-H "Connection: close")
  local res
  res=$(taskset -c 0 wrk -t1 -c"$conns" -d"${DURATION}s" --latency -H "Host: web.localhost" "${extra[@]}" \
        "http://127.0.0.1:$(port_of "$target")/$body" 2>&1)
  local rps p99 errs
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$res")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$res")
  errs=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$res" | tr '\n' ' ')
  echo "$rps ${p99:-NA} ${errs:-none}"
}

echo -e "round\ttarget\tconns\tbody\tmode\trps\tp99_ms\terrors" > "$out"
# The JIT needs traffic before loopgate runs at speed; nginx needs none, so only loopgate is warmed at length.
for warm in direct nginx; do run_one "$warm" 50 100 keepalive >/dev/null; done
for body in 100 64k; do for mode in keepalive close; do
  DURATION=$((DURATION * 2)) run_one loopgate 200 "$body" "$mode" >/dev/null
done; done
for round in $(seq 1 "$ROUNDS"); do
  for conns in 50 1000; do for body in 100 64k; do for mode in keepalive close; do
    for target in direct nginx loopgate; do
      read -r rps p99 errs < <(run_one "$target" "$conns" "$body" "$mode")
      echo -e "$round\t$target\t$conns\t$body\t$mode\t$rps\t$p99\t$errs" | tee -a "$out"
    done
  done; done; done
done

python3 - "$out" "$ready_ms" "$idle_rss_kb" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
med = {}
for r in rows:
    key = (r["conns"], r["body"], r["mode"], r["target"])
    med.setdefault(key, ([], []))
    med[key][0].append(float(r["rps"])); med[key][1].append(float(r["p99_ms"]) if r["p99_ms"] != "NA" else float("nan"))
print(f"\nlaunch to accepting: {sys.argv[2]} ms; idle RSS: {int(sys.argv[3]) // 1024} MiB\n")
print("| conns | body | connection | direct req/s | nginx req/s | loopgate req/s | loopgate/nginx | nginx p99 ms | loopgate p99 ms | p99 ratio |")
print("|---|---|---|---|---|---|---|---|---|---|")
for conns in ("50", "1000"):
    for body in ("100", "64k"):
        for mode in ("keepalive", "close"):
            d, n, l = (med[(conns, body, mode, t)] for t in ("direct", "nginx", "loopgate"))
            dr, nr, lr = (statistics.median(x[0]) for x in (d, n, l))
            np99, lp99 = statistics.median(n[1]), statistics.median(l[1])
            print(f"| {conns} | {body} | {mode} | {dr:,.0f} | {nr:,.0f} | {lr:,.0f} | {lr / nr:.2f}x | {np99:.2f} | {lp99:.2f} | {lp99 / np99:.2f}x |")
PY
echo "raw results: $out"
