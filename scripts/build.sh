#!/usr/bin/env bash
# Installs the Debian packages (scripts/install-deps.sh) and builds everything
# into ./build with the CMake preset "default".
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset default
cmake --build --preset default -j "$(nproc)"
