#!/usr/bin/env bash
# Installs every Debian package mlTrainer needs to build, test and run.
# Idempotent; safe to run on every build. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates
  libcaf-dev
  libboost-dev libboost-system-dev
  libsimdjson-dev
  libdlib-dev
  libeigen3-dev
  libspdlog-dev libfmt-dev
  catch2
  libxgboost-dev
  libquantlib0-dev
  libsqlite3-dev sqlite3
  libssl-dev
  openssl
  # Fuzzing (scripts/fuzz.sh): clang with libFuzzer; the other builds use gcc.
  clang libfuzzer-14-dev
  # The web page: Chart.js embedded at build time; the browser test drives
  # Debian's chromium with playwright-core from npm.
  libjs-chart.js
  chromium
)
# Node.js for the browser test: Debian's nodejs + npm unless a node with npm
# is already there (some images ship NodeSource's, which bundles npm).
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

$SUDO apt-get update
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"

  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all ${#packages[@]} packages present"
fi
