#!/usr/bin/env bash
# The whole test suite from a fresh Debian 12 machine: install, build, test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
# Catch2 suites (unit and integration; the integration tests start the real daemon).
ctest --preset default -j "$(nproc)"
