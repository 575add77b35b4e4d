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
#                                  label (what they select is built), e.g.
#                                  --sanitize -R 'test_messages|test_config'
#   scripts/test.sh --tsan [CTEST ARGS]
#                                  not in CI: the suites labelled "tsan" (actors,
#                                  server, daemon) built with ThreadSanitizer
#                                  (preset tsan, ./build-tsan), CAF's core too
#                                  (scripts/caf-tsan.sh); any report fails, the
#                                  daemons' included (their stderr is in the log)
# Which suites carry the labels, and why, is said in tests/CMakeLists.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

release() {
  ./scripts/build.sh
  # Catch2 suites (unit and integration; the integration tests start the real daemon).
  ctest --preset default -j "$(nproc)"
}

# sanitized PRESET LABEL [CTEST ARGS]: the suites labelled LABEL (or those CTEST
# ARGS select) built with PRESET; ctest runs under the command in run_under
# (set by the caller, empty by default).
run_under=()
sanitized() {
  local preset=$1 label=$2
  shift 2
  local selection=("$@")
  [ "${#selection[@]}" -gt 0 ] || selection=(-L "$label")
  cmake --preset "$preset"
  # Only what the selected suites need: their executables (a corpus replay
  # fuzz_replay_X runs fuzz_X_replay; the browser test is a script) and the
  # programs the integration tests start.
  local targets=(mltrainerd mltrainer) t
  for t in $(ctest --preset "$preset" -N "${selection[@]}" | sed -n 's/^ *Test *#[0-9]*: *//p'); do
    case "$t" in
      fuzz_replay_*) targets+=("fuzz_${t#fuzz_replay_}_replay") ;;
      test_web_browser) ;;
      *) targets+=("$t") ;;
    esac
  done
  cmake --build --preset "$preset" -j "$(nproc)" --target "${targets[@]}"
  "${run_under[@]}" ctest --preset "$preset" -j "$(nproc)" "${selection[@]}"
}

sanitize() { sanitized asan sanitize "$@"; }

# ASLR off where the kernel lets us (TSan's shadow memory layout can clash with
# a randomised one when vm.mmap_rnd_bits > 28; children inherit the setting).
# A daemon's report does not always fail its test (a daemon killed at the end
# does not exit 66), so ctest's log of every test's output, the daemons' stderr
# included, is searched too.
tsan() {
  local log=build-tsan/Testing/Temporary/LastTest.log
  if setarch "$(uname -m)" -R true 2>/dev/null; then run_under=(setarch "$(uname -m)" -R); fi
  ./scripts/caf-tsan.sh
  rm -f "$log"
  local status=0
  # In the background, so that set -e still stops it at a failed step.
  sanitized tsan tsan "$@" &
  wait $! || status=$?
  if grep -q "WARNING: ThreadSanitizer" "$log" 2>/dev/null; then
    echo "test.sh: ThreadSanitizer reports in $log:" >&2
    grep -A3 "WARNING: ThreadSanitizer" "$log" >&2
    status=1
  fi
  return "$status"
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
  --tsan) shift; ./scripts/install-deps.sh; timed tsan "$@" ;;
  *) echo "usage: scripts/test.sh [--release | --sanitize [CTEST ARGS] | --tsan [CTEST ARGS]]" >&2; exit 2 ;;
esac
