#!/usr/bin/env bash
# Builds the image's class-data archive: starts the gateway once with -XX:ArchiveClassesAtExit, sends it the
# requests a real start sees (a proxied one, the dashboard, the API), and stops it with SIGTERM so the JVM writes
# the archive as it exits.  Usage: train-cds.sh JAR ARCHIVE
set -euo pipefail
# It listens on a free port (a fixed one may be taken: an image build can share the host's network); web's backend
# is the discard port, where nothing listens, so the training sees the error page too.
jar="$1" archive="$2" work="$(mktemp -d)"
printf 'services:\n  web: http://127.0.0.1:9\ndocker: { enabled: true, endpoint: unix://%s/none.sock }\n' \
  "$work" > "$work/loopgate.yaml"
java -XX:ArchiveClassesAtExit="$archive" -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$jar" serve \
  --config "$work/loopgate.yaml" --bind 127.0.0.1 --port 0 --state-dir "$work/state" >"$work/out" 2>&1 &
pid=$!
for _ in $(seq 1 300); do grep -q "ready in" "$work/out" && break; sleep 0.1; done
port=$(sed -n 's|.*listening on http://[^ ]*:\([0-9][0-9]*\).*|\1|p' "$work/out" | head -1)
[[ -n "$port" ]] || { cat "$work/out" >&2; exit 1; }
request() { # host path
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET %s HTTP/1.1\r\nHost: %s\r\nAccept: text/html\r\nConnection: close\r\n\r\n' "$2" "$1" >&3
  cat <&3 >/dev/null || true
  exec 3<&-
}
for path in / /dashboard.js /api/v1/services /api/v1/requests /metrics /healthz; do request loopgate.localhost "$path"; done
request web.localhost /
request nothing.localhost /
kill -TERM "$pid"
wait "$pid"
rm -rf "$work"
test -s "$archive"
