#!/usr/bin/env bash
# The main job: install, build, start mltrainerd on its built-in defaults and
# run one demo trial through the client, printing the live negotiation and
# the report. Extra arguments go to the client (e.g. a different request).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh

state=$(mktemp -d /tmp/mltrainer-demo.XXXXXX)
log="$state/daemon.out"
./build/app/mltrainerd --port 0 --state-dir "$state" > "$log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "listening on port" "$log" && break
  sleep 0.1
done
port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$log")
if [ -z "$port" ]; then
  echo "demo: mltrainerd did not start:" >&2
  cat "$log" >&2
  exit 1
fi
echo "demo: mltrainerd is listening on ws://127.0.0.1:$port/ws (state in $state)"
request=${1:-"Run trial on TSLA"}
./build/app/mltrainer ask "$request" --yes --port "$port"
