#!/usr/bin/env bash
# The whole test suite from a fresh Debian 12 machine: install, build, test.
#
#   scripts/test.sh                what CI (.ci/run) runs: the Release build (./build)
#                                  and every suite, then the suites labelled
#                                  "sanitize" built with ASan + UBSan (preset asan,
#                                  ./build-asan; any finding fails the test)
#   scripts/test.sh --release      the Release part only
#   scripts/test.sh --sanitize [CTEST ARGS]
#                                  the ASan + UBSan part only; CTEST ARGS replace the
#                                  label (everything is built then), e.g.
#                                  --sanitize -R 'test_messages|test_config'
# Which suites carry the label, and why, is said in tests/CMakeLists.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

release() {
  ./scripts/build.sh
  # Catch2 suites (unit and integration; the integration tests start the real daemon).
  ctest --preset default -j "$(nproc)"
}

sanitize() {
  cmake --preset asan
  if [ "$#" -gt 0 ]; then
    cmake --build --preset asan -j "$(nproc)"
    ctest --preset asan -j "$(nproc)" "$@"
    return
  fi
  # Only what the labelled suites need: their executables (a corpus replay
  # fuzz_replay_X runs fuzz_X_replay) and the programs the integration tests start.
  local targets=(mltrainerd mltrainer) t
  for t in $(ctest --preset asan -N -L sanitize | sed -n 's/^ *Test *#[0-9]*: *//p'); do
    case "$t" in
      fuzz_replay_*) targets+=("fuzz_${t#fuzz_replay_}_replay") ;;
      *) targets+=("$t") ;;
    esac
  done
  cmake --build --preset asan -j "$(nproc)" --target "${targets[@]}"
  ctest --preset asan -j "$(nproc)" -L sanitize
}

timed() {
  local start=$SECONDS
  "$@"
  echo "test.sh: $1 took $(((SECONDS - start) / 60)) min $(((SECONDS - start) % 60)) s"
}

case "${1:-}" in
  "") timed release; timed sanitize ;;
  --release) timed release ;;
  --sanitize) shift; ./scripts/install-deps.sh; timed sanitize "$@" ;;
  *) echo "usage: scripts/test.sh [--release | --sanitize [CTEST ARGS]]" >&2; exit 2 ;;
esac
