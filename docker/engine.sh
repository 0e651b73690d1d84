#!/usr/bin/env bash
# Starts or stops a Docker engine for the container tests that creates no bridge or private-range network:
# containers use host networking and talk over loopback only.
#   docker/engine.sh start   prints the DOCKER_HOST to use
#   docker/engine.sh stop
set -euo pipefail
ROOT="${LOOPGATE_DOCKER_ROOT:-/var/tmp/loopgate-docker}"
SOCK="$ROOT/docker.sock"
PIDFILE="$ROOT/dockerd.pid"

case "${1:-}" in
  start)
    mkdir -p "$ROOT/data" "$ROOT/exec"
    if [ -S "$SOCK" ] && docker -H "unix://$SOCK" version >/dev/null 2>&1; then
      echo "unix://$SOCK"; exit 0
    fi
    rm -f "$SOCK"
    dockerd -H "unix://$SOCK" --data-root "$ROOT/data" --exec-root "$ROOT/exec" --pidfile "$PIDFILE" \
      --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
      >"$ROOT/dockerd.log" 2>&1 &
    for _ in $(seq 1 100); do
      if docker -H "unix://$SOCK" version >/dev/null 2>&1; then echo "unix://$SOCK"; exit 0; fi
      sleep 0.2
    done
    echo "dockerd did not start; see $ROOT/dockerd.log" >&2
    tail -20 "$ROOT/dockerd.log" >&2 || true
    exit 1
    ;;
  stop)
    if [ -f "$PIDFILE" ]; then
      kill "$(cat "$PIDFILE")" 2>/dev/null || true
      for _ in $(seq 1 100); do [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break; sleep 0.1; done
    fi
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
