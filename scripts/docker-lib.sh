# Sourced by scripts/fresh-debian-test.sh and scripts/docker-test.sh: Debian's Docker engine (started
# here when it is not running, stopped on exit) and a Debian 12 base image made from Debian's packages
# (debootstrap, then docker import): no image registry is needed.
set -euo pipefail
# Debian's docker client before any other on PATH (docker-compose runs `docker build` through it).
export PATH=/usr/bin:/usr/sbin:$PATH

BASE_IMAGE=${INGEST_BASE_IMAGE:-ingest-base:bookworm}
_exit_steps=()

# Run COMMAND when the script exits, after the steps registered later (last in, first out).
on_exit() {
  _exit_steps=("$1" "${_exit_steps[@]}")
}
_run_exit_steps() {
  local step
  for step in "${_exit_steps[@]}"; do
    eval "$step" || true
  done
}
trap _run_exit_steps EXIT

require_root() {
  [ "$(id -u)" -eq 0 ] || { echo "$0: run as root (it starts the Docker engine)" >&2; exit 1; }
}

# Debian's engine, docker-compose (1.29) and debootstrap, from apt when missing.
install_docker_tools() {
  local missing=() p
  for p in debootstrap docker.io docker-compose; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# dockerd runs niced (its containers and builds inherit it: the machine is shared); one started
# here is stopped on exit, one already running is left alone.
start_dockerd() {
  docker info >/dev/null 2>&1 && return
  local log
  log=$(mktemp /tmp/dockerd.XXXXXX.log)
  nice -n 10 dockerd >"$log" 2>&1 &
  local pid=$!
  on_exit "kill $pid; wait $pid; rm -f $log"
  local i
  for i in $(seq 60); do
    docker info >/dev/null 2>&1 && return
    kill -0 "$pid" 2>/dev/null || { echo "dockerd stopped:" >&2; tail -20 "$log" >&2; exit 1; }
    sleep 1
  done
  echo "dockerd did not answer within 60 s (log: $log)" >&2
  exit 1
}

# This machine's CA bundle, for pip (and apt over https) inside containers and builds.
ca_bundle() {
  local f
  for f in "${PIP_CERT:-}" "${REQUESTS_CA_BUNDLE:-}" "${SSL_CERT_FILE:-}" /etc/ssl/certs/ca-certificates.crt; do
    [ -n "$f" ] && [ -f "$f" ] && { echo "$f"; return; }
  done
}

# The host's Debian mirror (the first deb822 URIs line, or the first `deb` line).
_host_mirror() {
  local uri
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

# Debian 12 minbase as the image $BASE_IMAGE, with the host's Debian apt sources (bookworm, its
# updates and security). Made once; INGEST_REBUILD_BASE=1 makes it again.
ensure_base_image() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 && [ "${INGEST_REBUILD_BASE:-0}" != 1 ]; then
    echo "base image $BASE_IMAGE: already made"
    return
  fi
  local root started
  root=$(mktemp -d /var/tmp/ingest-rootfs.XXXXXX)
  on_exit "rm -rf $root"
  started=$(date +%s)
  nice -n 10 debootstrap --variant=minbase bookworm "$root" "$(_host_mirror)" >"$root.log" 2>&1 \
    || { tail -20 "$root.log" >&2; exit 1; }
  rm -f "$root.log"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
    rm -f "$root/etc/apt/sources.list"
  elif grep -q '^deb ' /etc/apt/sources.list 2>/dev/null; then
    grep '^deb ' /etc/apt/sources.list >"$root/etc/apt/sources.list"
  fi
  tar -C "$root" -c . | docker import --change 'ENV LANG=C.UTF-8' - "$BASE_IMAGE" >/dev/null
  echo "base image $BASE_IMAGE: made in $(($(date +%s) - started)) s (debootstrap --variant=minbase bookworm)"
}

# What both make targets start with: root, the tools, the engine, the base image.
docker_ready() {
  require_root
  install_docker_tools
  start_dockerd
  ensure_base_image
}
