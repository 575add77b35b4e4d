#!/usr/bin/env bash
# Builds the libFuzzer harnesses (preset "fuzz": clang, ASan + UBSan, own
# build dir build-fuzz/) and runs each for SECONDS (default 60), one after
# the other, printing one JSON line per harness:
#   {"name":"fuzz_wire","seconds":60,"executions":...,"exec_per_sec":...,
#    "coverage":...,"features":...,"corpus":...,"new_inputs":...,"crashes":0,
#    "peak_rss_mb":...,"total_executions":...,"artifact":""}
# "coverage" is libFuzzer's covered edges (cov:), "features" its ft:.
# New inputs a run finds are kept in build-fuzz/corpus/<name>/ (not in the
# repository); seeds and regression inputs live in tests/fuzz/corpus/<name>/.
# Every run is appended to build-fuzz/fuzz-runs.jsonl; total_executions
# sums that file for the harness (executions reached over time).
# A crash leaves its input in build-fuzz/crashes/<name>/ and the exit code is 1.
# MLT_FUZZ_BUILD=0 skips the build step (runs the harnesses as last built).
#
#   scripts/fuzz.sh [SECONDS] [HARNESS...]     e.g. scripts/fuzz.sh 30 wire cron
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, got '$seconds'" >&2; exit 2;; esac

all=(wire config csv polygon anthropic openai llm_tools cron intent http_target)
harnesses=("$@")
[ "${#harnesses[@]}" -gt 0 ] || harnesses=("${all[@]}")
for h in "${harnesses[@]}"; do
  [ -d "tests/fuzz/corpus/$h" ] || { echo "fuzz.sh: no harness '$h' (known: ${all[*]})" >&2; exit 2; }
done

if [ "${MLT_FUZZ_BUILD:-1}" != 0 ]; then  # MLT_FUZZ_BUILD=0: run the binaries as built
  cmake --preset fuzz >/dev/null
  targets=()
  for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
  cmake --build --preset fuzz -j "$(nproc)" --target "${targets[@]}" >&2
fi

out=build-fuzz
mkdir -p "$out/logs"
status=0
for h in "${harnesses[@]}"; do
  exe="$out/tests/fuzz/fuzz_$h"
  work="$out/corpus/$h"
  crashes="$out/crashes/$h"
  log="$out/logs/fuzz_$h.log"
  mkdir -p "$work" "$crashes"
  before=$(ls "$crashes" | wc -l)
  # The first directory receives new inputs; the repository's seeds are read only.
  set +e
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" \
  "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$work" "tests/fuzz/corpus/$h" >"$log" 2>&1
  rc=$?
  set -e
  after=$(ls "$crashes" | wc -l)
  found=$((after - before))
  if [ "$rc" -ne 0 ] && [ "$found" -eq 0 ]; then found=1; fi  # died without an artifact: still a failure
  [ "$found" -eq 0 ] || status=1
  artifact=""
  [ "$after" -eq "$before" ] || artifact="$crashes/$(ls -t "$crashes" | head -1)"
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
  execs=$(stat number_of_executed_units); execs=${execs:-0}
  eps=$(stat average_exec_per_sec); eps=${eps:-0}
  new=$(stat new_units_added); new=${new:-0}
  rss=$(stat peak_rss_mb); rss=${rss:-0}
  last=$(grep -E '^#[0-9]+' "$log" | grep 'cov:' | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last"); cov=${cov:-0}
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last"); ft=${ft:-0}
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last"); corp=${corp:-0}
  line=$(printf '{"name":"fuzz_%s","seconds":%s,"executions":%s,"exec_per_sec":%s,"coverage":%s,"features":%s,"corpus":%s,"new_inputs":%s,"crashes":%s,"peak_rss_mb":%s' \
    "$h" "$seconds" "$execs" "$eps" "$cov" "$ft" "$corp" "$new" "$found" "$rss")
  echo "$line}" >>"$out/fuzz-runs.jsonl"
  total=$(sed -n "s/.*\"name\":\"fuzz_$h\".*\"executions\":\([0-9]*\).*/\1/p" "$out/fuzz-runs.jsonl" | awk '{s+=$1} END {print s+0}')
  printf '%s,"total_executions":%s,"artifact":"%s"}\n' "$line" "$total" "$artifact"
done
exit "$status"
