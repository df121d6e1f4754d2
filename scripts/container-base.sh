#!/usr/bin/env bash
# Makes this machine able to build and run the geniusrise images without a Docker engine or a
# reachable image registry: installs rootful podman (and Debian's docker-registry for Jib's push
# path), configures it for this kernel, and builds local base images from the Debian mirror:
#
#   localhost/geniusrise-base:debian   Debian bookworm minbase (debootstrap) + this host's extra CA certificates
#   localhost/geniusrise-base:17-jre   + openjdk-17-jre-headless, curl   (stands in for eclipse-temurin:17-jre)
#   localhost/geniusrise-base:17-jdk   + openjdk-17-jdk-headless, curl   (stands in for eclipse-temurin:17-jdk)
#
# Base images that exist are kept (delete them with `podman rmi` to rebuild). They trust the CA
# certificates of /usr/local/share/ca-certificates (this machine's TLS-intercepting proxy): they are
# for this machine only, never push them.
#
# Usage: scripts/container-base.sh            exit 0 ready, 3 podman cannot run containers here
set -euo pipefail

log() { printf '[container-base] %s\n' "$*" >&2; }

BASE=localhost/geniusrise-base
PACKAGES=(podman runc debootstrap slirp4netns fuse-overlayfs uidmap docker-registry kcat curl python3-yaml)

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"; } >/dev/null; then
      log "cannot install ${missing[*]}: no podman here"
      exit 3
    fi
  fi
}

# crun refuses this kernel's hybrid cgroup layout; no systemd; podman's default ulimits exceed
# the machine's hard limits.
configure_podman() {
  local conf=/etc/containers/containers.conf
  if [[ ! -e $conf ]]; then
    log "writing $conf"
    mkdir -p /etc/containers
    cat >"$conf" <<'CONF'
# written by geniusrise scripts/container-base.sh
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  elif ! grep -q '^runtime *= *"runc"' "$conf"; then
    log "warning: $conf exists without runtime = \"runc\"; leaving it as it is"
  fi
}

# the Debian mirror apt uses on this host (one-line or deb822 format)
debian_mirror() {
  local m
  m=$(grep -hE '^deb +(\[[^]]*\] +)?https?://' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
        | grep -v security | awk '{for(i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; exit}}' | head -1 || true)
  if [[ -z $m ]]; then
    m=$(awk '/^URIs:/{u=$2} /^Suites:.*bookworm( |$)/{print u; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  fi
  echo "${m:-http://deb.debian.org/debian}"
}

can_run_containers() {
  podman run --rm --network=none "$BASE:debian" true >/dev/null 2>&1
}

build_debian() {
  podman image exists "$BASE:debian" && return
  local mirror dir
  mirror=$(debian_mirror)
  dir=$(mktemp -d /var/tmp/geniusrise-rootfs.XXXXXX)
  log "debootstrap bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$dir" "$mirror" >/dev/null
  mkdir -p "$dir/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/" 2>/dev/null || true
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  tar -C "$dir" -c . | podman import --quiet - "$BASE:debian" >/dev/null
  rm -rf "$dir"
}

build_java() { # $1 jre|jdk
  podman image exists "$BASE:17-$1" && return
  log "building $BASE:17-$1"
  local context
  context=$(mktemp -d)
  podman build --quiet --network=host -t "$BASE:17-$1" -f - "$context" >/dev/null <<CONTAINERFILE
FROM $BASE:debian
RUN apt-get update -q \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \\
      openjdk-17-$1-headless ca-certificates curl >/dev/null \\
 && update-ca-certificates >/dev/null \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
ENV LANG=C.UTF-8
CONTAINERFILE
  rmdir "$context"
}

install_packages
configure_podman
build_debian
if ! can_run_containers; then
  log "podman cannot run containers on this machine:"
  podman run --rm --network=none "$BASE:debian" true 2>&1 | sed 's/^/  /' >&2 || true
  exit 3
fi
build_java jre
build_java jdk
log "ready: $BASE:17-jre, $BASE:17-jdk"
