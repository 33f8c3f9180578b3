#!/usr/bin/env bash
# `make docker-test`: builds the image (docker/Dockerfile) on a base made from Debian's packages, checks
# that the final image holds no CA bundle and runs unprivileged, starts the compose stack (redis,
# postgres, api, watcher, 3 workers), drops files into the inbox and fetches every result over HTTP
# (tests/docker_stack.py), then takes the stack down with its volumes. Prints times and throughput.
cd "$(dirname "$0")/.."
source scripts/docker-lib.sh
docker_ready

WORKERS=${INGEST_DOCKER_WORKERS:-3}
export COMPOSE_PROJECT_NAME=ingest-test-$$
export INGEST_TOKEN INGEST_DB_PASSWORD INGEST_INBOX INGEST_API_PORT
INGEST_TOKEN=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
INGEST_DB_PASSWORD=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
INGEST_INBOX=$(mktemp -d /var/tmp/ingest-inbox.XXXXXX)
on_exit "rm -rf $INGEST_INBOX"
chown 10001:10001 "$INGEST_INBOX"  # the image's user `ingest` moves files out of it
port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
INGEST_API_PORT=127.0.0.1:$port
compose=(docker-compose -f docker/docker-compose.yml)

# The CA bundle reaches the build stage only (see docker/Dockerfile).
ca=$(ca_bundle)
if [ -n "$ca" ]; then
  cp "$ca" docker/build-ca.crt
  on_exit "rm -f docker/build-ca.crt"
fi
started=$(date +%s)
"${compose[@]}" build -q
image=$("${compose[@]}" config | awk '/image:/ {print $2; exit}')
echo "image $image built in $(($(date +%s) - started)) s, $(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1 / 1e6}')"

# The final image: an unprivileged user, Debian's python3, and no copy of the CA bundle anywhere.
[ "$(docker run --rm "$image" id -u)" = 10001 ] || { echo "the image does not run as uid 10001" >&2; exit 1; }
docker run --rm "$image" python3 --version
if [ -n "$ca" ]; then
  container=$(docker create "$image")
  on_exit "docker rm -f $container >/dev/null 2>&1"
  docker export "$container" | .venv/bin/python -m tests.image_files --absent "$ca"
fi

on_exit "${compose[*]} down -v --remove-orphans >/dev/null 2>&1"
started=$(date +%s)
"${compose[@]}" up -d --scale worker="$WORKERS"
echo "stack up in $(($(date +%s) - started)) s: $(docker ps --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" \
  --format '{{.Label "com.docker.compose.service"}}' | sort | uniq -c | xargs)"
if ! .venv/bin/python -m tests.docker_stack --url "http://$INGEST_API_PORT" --token "$INGEST_TOKEN" \
    --inbox "$INGEST_INBOX" --n "${INGEST_DOCKER_DOCS:-24}"; then
  "${compose[@]}" logs --tail 30 >&2
  exit 1
fi
echo "docker-test passed with $WORKERS workers ($(nproc) cores)"
