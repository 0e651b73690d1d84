#!/usr/bin/env bash
# The image's HEALTHCHECK: GET /healthz on the admin host, with nothing but bash (no curl in a JRE image).
port="${LOOPGATE_LISTEN##*:}"
exec 3<>"/dev/tcp/127.0.0.1/${port:-80}" || exit 1
printf 'GET /healthz HTTP/1.1\r\nHost: loopgate.localhost\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t 2 status <&3 || exit 1
[[ "$status" == "HTTP/1.1 200"* ]]
