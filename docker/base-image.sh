#!/usr/bin/env bash
# Builds the local base images the container tests use, where no registry can be reached: a minimal Debian from
# debootstrap with a headless JRE (the runtime), and the same with the JDK (the build stage). Users build
# docker/Dockerfile against the public defaults instead. Images already there are kept: a second run takes a second.
#   DOCKER_HOST=unix:///... docker/base-image.sh      prints the two image names
set -euo pipefail
IMAGE="loopgate-test/debian-jre:17"
JDK_IMAGE="loopgate-test/debian-jdk:17"
jdk() {
  if ! docker image inspect "$JDK_IMAGE" >/dev/null 2>&1; then
    # The build stage downloads from Maven Central, so it trusts the CAs this machine trusts (some networks
    # inspect TLS with their own).
    ctx="$(mktemp -d)"
    mkdir -p "$ctx/ca"
    cp /usr/local/share/ca-certificates/*.crt "$ctx/ca/" 2>/dev/null || true
    printf '%s\n' "FROM $IMAGE" \
      "COPY ca/ /usr/local/share/ca-certificates/" \
      "RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless ca-certificates-java >/dev/null && update-ca-certificates >/dev/null && apt-get clean && rm -rf /var/lib/apt/lists/*" \
      >"$ctx/Dockerfile"
    docker build -q --network host -t "$JDK_IMAGE" "$ctx" >/dev/null
    rm -rf "$ctx"
  fi
  echo "$IMAGE $JDK_IMAGE"
}
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  jdk; exit 0
fi
WORK="$(mktemp -d /var/tmp/loopgate-rootfs.XXXXXX)"
trap 'umount "$WORK/rootfs/proc" 2>/dev/null || true; rm -rf "$WORK"' EXIT
debootstrap --variant=minbase bookworm "$WORK/rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$WORK/debootstrap.log" 2>&1 \
  || { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
mount -t proc proc "$WORK/rootfs/proc"
chroot "$WORK/rootfs" /bin/sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null && apt-get clean && rm -rf /var/lib/apt/lists/*'
umount "$WORK/rootfs/proc"
tar -C "$WORK/rootfs" -c . | docker import -c 'ENV LANG=C.UTF-8' - "$IMAGE" >/dev/null
jdk
