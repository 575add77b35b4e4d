#!/bin/sh
# The browser test's ctest entry: installs playwright-core (npm ci, skipped
# when node_modules is already there) into the build folder, then drives
# Debian's Chromium through the real daemon with browser_test.cjs.
# Exit 77 (ctest SKIP_RETURN_CODE) only when node, npm's package or the
# browser cannot be had; every other failure fails.
#
# usage: run_browser_test.sh MLTRAINERD SOURCE_DIR WORK_DIR SCREENSHOT_DIR
set -u
daemon=$1
src=$2
work=$3
shots=$4
chromium=${MLT_CHROMIUM:-/usr/bin/chromium}

skip() {
  echo "skipped: $*"
  exit 77
}

command -v node >/dev/null 2>&1 || skip "node is not installed (scripts/install-deps.sh installs nodejs and npm)"
[ -x "$chromium" ] || skip "no Chromium at $chromium (scripts/install-deps.sh installs Debian's chromium; MLT_CHROMIUM overrides the path)"
[ -x "$daemon" ] || { echo "FAILED: the daemon $daemon is not built"; exit 1; }

mkdir -p "$work"
if [ ! -f "$work/node_modules/playwright-core/package.json" ] ||
   ! cmp -s "$src/package-lock.json" "$work/package-lock.json"; then
  command -v npm >/dev/null 2>&1 || skip "npm is not installed and $work/node_modules has no playwright-core"
  cp "$src/package.json" "$src/package-lock.json" "$work/" || exit 1
  echo "installing playwright-core from the lockfile (npm ci) into $work"
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error) ||
    skip "npm ci could not install playwright-core (offline? see the npm output above)"
fi

exec node "$src/browser_test.cjs" "$daemon" "$work" "$shots"
