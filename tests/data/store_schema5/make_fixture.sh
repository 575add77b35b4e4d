#!/bin/bash
# Makes the schema-5 state directory in this folder with a build of main from
# before typed records (commit 089383f): a completed trial with its report, a
# paper portfolio that traded the bars after the trial, an interrupted trial with a checkpoint, a waiting scheduled
# proposal, and what that build answered about them (expected/).
# usage: make_fixture.sh BUILD_DIR [capture]  (BUILD_DIR/app/mltrainerd, BUILD_DIR/app/mltrainer);
# "capture" only re-asks that build about the committed database.
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
data=$(cd "$here/../../../data" && pwd)
work=$(mktemp -d)
state=$work/state
mkdir -p "$state"
start() {  # start [extra args]; sets pid and port
  "$build/app/mltrainerd" --port 0 --state-dir "$state" --data-dir "$data" --log-level warn "$@" >"$work/out" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q "listening on port" "$work/out" && break; sleep 0.2; done
  port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$work/out" | head -1)
}
stop() { kill -TERM "$pid"; wait "$pid" || true; }
cli() { "$build/app/mltrainer" "$@" --port "$port"; }

# What this build shows of them (run alone, "capture", on the committed files).
capture() {
  start
  exp=$here/expected
  mkdir -p "$exp"
  for path in "" /1 /2 /1/equity.csv /1/trades.csv; do
    name=$(echo "trials$path" | tr / _)
    curl -sf "http://127.0.0.1:$port/api/trials$path" >"$exp/$name"
  done
  cli trials >"$exp/cli_trials.txt"
  cli show 1 >"$exp/cli_show_1.txt"
  cli show 2 >"$exp/cli_show_2.txt"
  # The chat's frames: hello, the waiting proposal, then the answers to
  # "trials", "show trial 1" and "show trial 2".
  { sleep 1; echo "trials"; sleep 1; echo "show trial 1"; sleep 1; echo "show trial 2"; sleep 1; } |
    cli chat --json | grep '^{' >"$exp/chat.jsonl"
  stop
}
if [ "${2:-}" = capture ]; then
  cp "$here/mltrainer.db" "$state/"
  capture
  rm -rf "$work"
  exit 0
fi


# 1: a completed trial with a report, then a forward paper portfolio from it.
start
cli ask "Run trial on TSLA with logistic from 2015-01-02 to 2017-06-30, long threshold 0.51, allow short, short threshold 0.49, stop loss 0.03" --yes --timeout 300 >/dev/null
cli ask "update my TSLA paper portfolio" --timeout 120 >/dev/null
# It has traded every bar now: a second update only reads it back and says so.
mkdir -p "$here/expected"
cli ask "update my TSLA paper portfolio" --timeout 120 >"$here/expected/cli_paper_update.txt"
# 2: a trial killed while it runs (interrupted on the next start).
"$build/app/mltrainer" ask "Run trial on AAPL with xgboost" --yes --timeout 300 --port "$port" >/dev/null &
client=$!
for _ in $(seq 300); do
  n=$(sqlite3 "$state/mltrainer.db" "SELECT COUNT(*) FROM checkpoints WHERE trial_id=2" 2>/dev/null || echo 0)
  [ "$n" = 1 ] && break
  sleep 0.1
done
kill -KILL "$pid"; wait "$pid" || true; kill "$client" 2>/dev/null || true; wait "$client" 2>/dev/null || true
# 3: a scheduled proposal that waits for a person (fires a few seconds after start).
fire=$(date -u -d '+4 seconds' '+%-S %-M %-H')
cat >"$work/config.json" <<JSON
{"schedules": [{"name": "weekly", "cron": "$fire * * *", "timezone": "UTC", "kind": "trial",
  "request": {"symbol": "GOOGL", "model": "logistic"}, "approved": false, "missed": "skip"}]}
JSON
start --config "$work/config.json"
for _ in $(seq 100); do
  n=$(sqlite3 "$state/mltrainer.db" "SELECT COUNT(*) FROM proposals WHERE pending=1")
  [ "$n" = 1 ] && break
  sleep 0.2
done
stop
capture
sqlite3 "$state/mltrainer.db" "PRAGMA wal_checkpoint(TRUNCATE); VACUUM;" >/dev/null
cp "$state/mltrainer.db" "$here/mltrainer.db"
mkdir -p "$here/models"
cp "$state"/models/trial_1.model "$here/models/" 2>/dev/null || true
rm -rf "$work"
