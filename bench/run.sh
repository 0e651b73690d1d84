#!/usr/bin/env bash
# Every listener gets a 4096 backlog: each wrk run opens all its connections at once, and a proxy then opens as many
# to the backend; with Linux's default backlog of 511 the dropped SYNs (retried after 1 s, 3 s) would dominate p99.
# Load benchmark: a fast backend directly, nginx (1 worker) and HAProxy (1 thread) as reverse proxies to it, and
# loopgate to it, interleaved, on this machine. The proxies share CPU 1; the backend and wrk share CPU 0. loopgate
# runs as a user starts it, `./loopgate serve` (its launcher's JVM flags, its class-data archive), pinned to CPU 1 —
# so one event loop — with only what nginx also gets: the access log off.
# Run by hand, never in CI:  bench/run.sh [seconds-per-run] [rounds]
# Needs: wrk, nginx, haproxy, java 17+, and gateway/target/loopgate.jar (./mvnw -DskipTests package).
set -euo pipefail

DURATION="${1:-10}"
ROUNDS="${2:-3}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$repo/gateway/target/loopgate.jar"
work="$(mktemp -d /tmp/loopgate-bench.XXXXXX)"
out="$repo/bench/results/$(date -u +%Y%m%dT%H%M%SZ).tsv"
BACKEND_PORT=18081 NGINX_PORT=18082 LOOPGATE_PORT=18083 HAPROXY_PORT=18084 LOOPGATE_HTTPS_PORT=18443

for tool in wrk nginx haproxy java taskset; do
  command -v "$tool" >/dev/null || { echo "bench: needs $tool (apt-get install wrk nginx haproxy util-linux)" >&2; exit 1; }
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

cat > "$work/haproxy.cfg" <<CONF
global
  nbthread 1
  maxconn 8000
defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 75s
  timeout server 75s
  timeout http-keep-alive 75s
frontend f
  bind 127.0.0.1:$HAPROXY_PORT backlog 4096
  default_backend b
backend b
  server s 127.0.0.1:$BACKEND_PORT
CONF

taskset -c 0 nginx -p "$work" -c "$work/backend.conf" & pids+=($!)
taskset -c 1 nginx -p "$work" -c "$work/proxy.conf" & pids+=($!)
taskset -c 1 haproxy -db -f "$work/haproxy.cfg" > "$work/logs/haproxy.out" 2>&1 & pids+=($!)

# loopgate exactly as `./loopgate serve` starts it. The first start after a build records the class-data archive
# when it exits (as a user's first start does); the launch figure is the median of the next three starts.
start_loopgate() { # sets lg (its pid) and launches (+= its "ready in" figure)
  LOOPGATE_ACCESS_LOG=OFF taskset -c 1 "$repo/loopgate" serve --config "$work/loopgate.yaml" --port "$LOOPGATE_PORT" \
    --https-port "$LOOPGATE_HTTPS_PORT" --state-dir "$work/state" > "$work/logs/loopgate.out" 2>&1 & lg=$!
  for _ in $(seq 600); do grep -q "ready in" "$work/logs/loopgate.out" && break; sleep 0.05; done
  launches+=("$(sed -n 's/.*ready in \([0-9]*\) ms.*/\1/p' "$work/logs/loopgate.out" | head -1)")
}
stop_loopgate() { kill "$lg"; wait "$lg" 2>/dev/null || true; }
until (exec 3<>"/dev/tcp/127.0.0.1/$BACKEND_PORT") 2>/dev/null; do sleep 0.05; done
launches=()
start_loopgate; curl -s -o /dev/null -H "Host: web.localhost" "http://127.0.0.1:$LOOPGATE_PORT/100"; stop_loopgate
launches=()
for i in 1 2 3; do start_loopgate; [[ $i -lt 3 ]] && stop_loopgate; done
pids+=($lg)
ready_ms=$(printf '%s\n' "${launches[@]}" | sort -n | sed -n 2p)
until (exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null; do sleep 0.05; done
until (exec 3<>"/dev/tcp/127.0.0.1/$HAPROXY_PORT") 2>/dev/null; do sleep 0.05; done
curl -s -o /dev/null -H "Host: web.localhost" "http://127.0.0.1:$LOOPGATE_PORT/100"
sleep 2
idle_rss_kb=$(ps -o rss= -p "$lg" | tr -d ' ')

port_of() { case "$1" in direct) echo $BACKEND_PORT;; nginx) echo $NGINX_PORT;; haproxy) echo $HAPROXY_PORT;; loopgate) echo $LOOPGATE_PORT;; esac; }

run_one() { # target conns body mode -> "rps p99_ms rss_mib errors" (rss: loopgate's, halfway through its run)
  local target=$1 conns=$2 body=$3 mode=$4 extra=()
  [[ $mode == close ]] && extra=(-H "Connection: close")
  rm -f "$work/rss"
  local sampler=""
  if [[ $target == loopgate ]]; then { sleep $((DURATION / 2)); ps -o rss= -p "$lg" > "$work/rss"; } & sampler=$!; fi
  local res
  res=$(taskset -c 0 wrk -t1 -c"$conns" -d"${DURATION}s" --latency -H "Host: web.localhost" "${extra[@]}" \
        "http://127.0.0.1:$(port_of "$target")/$body" 2>&1)
  local rps p99 errs
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$res")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$res")
  errs=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$res" | tr '\n' ' ')
  [[ -n $sampler ]] && wait "$sampler"
  local rss=NA; [[ -s "$work/rss" ]] && rss=$(( $(tr -d ' ' < "$work/rss") / 1024 ))
  echo "$rps ${p99:-NA} $rss ${errs:-none}"
}

echo -e "round\ttarget\tconns\tbody\tmode\trps\tp99_ms\trss_mib\terrors" > "$out"
# The JIT needs traffic before loopgate runs at speed; nginx needs none, so only loopgate is warmed at length.
for warm in direct nginx haproxy; do run_one "$warm" 50 100 keepalive >/dev/null; done
for body in 100 64k; do for mode in keepalive close; do
  DURATION=$((DURATION * 2)) run_one loopgate 200 "$body" "$mode" >/dev/null
done; done
for round in $(seq 1 "$ROUNDS"); do
  for conns in 50 1000; do for body in 100 64k; do for mode in keepalive close; do
    for target in direct nginx haproxy loopgate; do
      read -r rps p99 rss errs < <(run_one "$target" "$conns" "$body" "$mode")
      echo -e "$round\t$target\t$conns\t$body\t$mode\t$rps\t$p99\t$rss\t$errs" | tee -a "$out"
    done
  done; done; done
done

python3 - "$out" "$ready_ms" "$idle_rss_kb" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
runs = {}
for r in rows:
    runs.setdefault((r["conns"], r["body"], r["mode"], r["target"]), []).append(r)
med = lambda xs: statistics.median(xs)
def col(key, field):
    return [float(r[field]) for r in runs[key] if r[field] not in ("NA", "")]
print(f"\nlaunch to accepting (median of 3 starts, pinned): {sys.argv[2]} ms; idle RSS: {int(sys.argv[3]) // 1024} MiB\n")
print("| conns | body | connection | direct | nginx | HAProxy | loopgate | loopgate/nginx | /HAProxy | p99 ms nginx | HAProxy | loopgate | p99/nginx | loopgate spread | nginx spread | loopgate RSS MiB |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
def spread(xs):
    m = med(xs)
    return f"{100 * (min(xs) - m) / m:+.0f}/{100 * (max(xs) - m) / m:+.0f} %"
for conns in ("50", "1000"):
    for body in ("100", "64k"):
        for mode in ("keepalive", "close"):
            k = lambda t: (conns, body, mode, t)
            rps = {t: col(k(t), "rps") for t in ("direct", "nginx", "haproxy", "loopgate")}
            p99 = {t: med(col(k(t), "p99_ms")) for t in ("nginx", "haproxy", "loopgate")}
            r = {t: med(v) for t, v in rps.items()}
            rss = col(k("loopgate"), "rss_mib")
            print(f"| {conns} | {body} | {mode} | {r['direct']:,.0f} | {r['nginx']:,.0f} | {r['haproxy']:,.0f} | {r['loopgate']:,.0f} "
                  f"| {r['loopgate'] / r['nginx']:.2f}x | {r['loopgate'] / r['haproxy']:.2f}x | {p99['nginx']:.2f} | {p99['haproxy']:.2f} "
                  f"| {p99['loopgate']:.2f} | {p99['loopgate'] / p99['nginx']:.2f}x | {spread(rps['loopgate'])} | {spread(rps['nginx'])} "
                  f"| {max(rss) if rss else float('nan'):.0f} |")
PY
echo "raw results: $out"
