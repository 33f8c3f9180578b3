#!/usr/bin/env bash
# `make fresh-test`: the README's two commands on a fresh Debian 12. A container from Debian's
# packages alone (debootstrap minbase) gets only the README's prerequisites (python3 with venv, make),
# then runs `make demo` and `make test` as written on a copy of HEAD. Prints the times.
cd "$(dirname "$0")/.."
source scripts/docker-lib.sh
docker_ready

work=$(mktemp -d /var/tmp/ingest-fresh.XXXXXX)
on_exit "rm -rf $work"
git archive --format=tar HEAD >"$work/repo.tar"
echo "repository: $(git rev-parse --short HEAD) (git archive of HEAD)"

cat >"$work/inside.sh" <<'EOF'
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
# apt over https (a mirror that needs it) trusts the host's bundle too.
if grep -rqs 'https://' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo 'Acquire::https::CAInfo "/etc/ssl/host-ca.crt";' >/etc/apt/apt.conf.d/90host-ca
fi
step() {  # step NAME COMMAND...: runs it niced, records its wall time
  local started=$(date +%s) status=0
  nice -n 10 "${@:2}" || status=$?
  times+=("$1 $(($(date +%s) - started)) s$([ $status -eq 0 ] || echo ", FAILED (exit $status)")")
  return $status
}
times=()
python=$(python3 --version 2>/dev/null || echo "no python3 yet")
trap 'echo "== fresh Debian 12 ($(cat /etc/debian_version), $python), as root, times:"; printf "   %s\n" "${times[@]}"' EXIT
step "prerequisites (apt-get install python3 python3-venv make):" \
  sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 python3-venv make >/dev/null'
mkdir /repo && tar -x -C /repo -f /repo.tar && cd /repo
python=$(python3 --version)
step "make demo:" make demo
step "make test:" make test
EOF

cert_args=()
ca=$(ca_bundle)
[ -n "$ca" ] && cert_args=(-v "$ca:/etc/ssl/host-ca.crt:ro" -e PIP_CERT=/etc/ssl/host-ca.crt)
name=ingest-fresh-$$
on_exit "docker rm -f $name >/dev/null 2>&1"
started=$(date +%s)
# Chromium (the review pages' tests) needs more than Docker's default 64 MB /dev/shm.
docker run --name "$name" --shm-size 1g "${cert_args[@]}" \
  -v "$work/repo.tar:/repo.tar:ro" -v "$work/inside.sh:/inside.sh:ro" \
  "$BASE_IMAGE" bash /inside.sh
echo "fresh-test passed in $(($(date +%s) - started)) s (container start to end)"
