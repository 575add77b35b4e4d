#!/usr/bin/env bash
# The whole test suite from a fresh Debian 12 machine: install, build, test.
#
#   scripts/test.sh                          Release build (./build), every suite
#   scripts/test.sh --sanitize [CTEST ARGS]  the unit and integration suites built
#                                            with ASan + UBSan (preset asan,
#                                            ./build-asan); any finding fails the
#                                            test. Extra arguments go to ctest,
#                                            e.g. --sanitize -R 'test_messages|test_config'
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--sanitize" ]; then
  shift
  ./scripts/install-deps.sh
  cmake --preset asan
  cmake --build --preset asan -j "$(nproc)"
  ctest --preset asan -j "$(nproc)" "$@"
  exit
fi
./scripts/build.sh
# Catch2 suites (unit and integration; the integration tests start the real daemon).
ctest --preset default -j "$(nproc)"
