#!/usr/bin/env bash
# A service that registers itself with loopgate through the API, the way a dev server inside Compose can:
# it serves on $PORT and renews a 30 s lease every 10 s, so its route goes away soon after it stops.
# Needs only bash (no curl): the PUT is written by hand to /dev/tcp.
set -u
: "${LOOPGATE_TOKEN:?set LOOPGATE_TOKEN to the token of the gateway}"
GATEWAY_HOST="${GATEWAY_HOST:-loopgate}"
GATEWAY_PORT="${GATEWAY_PORT:-80}"
SERVICE="${SERVICE:-hello}"
SELF_URL="${SELF_URL:-http://$(hostname):${PORT}}"

java /app/Hello.java "$SERVICE" "$PORT" "${BIND:-0.0.0.0}" &
server=$!
trap 'kill $server 2>/dev/null; exit 0' TERM INT

register() {
  local body="{\"url\": \"$SELF_URL\", \"ttl\": \"30s\"}"
  exec 3<>"/dev/tcp/$GATEWAY_HOST/$GATEWAY_PORT" || return 1
  printf 'PUT /api/v1/services/%s/backends/%s HTTP/1.1\r\nHost: loopgate.localhost\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
    "$SERVICE" "$SERVICE-1" "$LOOPGATE_TOKEN" "${#body}" "$body" >&3
  local status
  IFS= read -r -t 5 status <&3
  exec 3<&-
  status=${status%$'\r'}
  case "$status" in
    "HTTP/1.1 20"*) echo "registered $SERVICE -> $SELF_URL ($status)" ;;
    *) echo "registration refused: $status"; return 1 ;;
  esac
}

while kill -0 $server 2>/dev/null; do
  register || echo "loopgate at $GATEWAY_HOST:$GATEWAY_PORT is not reachable yet; retrying"
  sleep 10 & wait $!
done
