#!/usr/bin/env bash
# Installs the Debian packages the project runs on (or those named as arguments), skipping
# those already there.
set -euo pipefail
packages=(
  libreoffice-writer-nogui   # .doc/.wps conversion, generated PDFs
  fonts-noto-cjk             # Chinese fonts for LibreOffice
  tesseract-ocr tesseract-ocr-chi-sim  # OCR of scanned reports
  poppler-utils              # pdftoppm, for looking at pages
  redis-server               # the job queue of the worker pool
  postgresql                 # the service's database for workers on many machines (tests start their own)
  chromium                   # headless browser: the review pages' tests, the benchmark's browser prints
  procps                     # pgrep: tests check no soffice process is left behind
)
if [ $# -gt 0 ]; then
  packages=("$@")
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing system packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
