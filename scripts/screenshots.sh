#!/bin/sh
# Refreshes the README's screenshots in docs/screenshots: runs the browser
# test (tests/web/browser_test.cjs) against a freshly built daemon and keeps
# its pictures. A deliberate step: ctest writes its screenshots under the
# build folder and never touches the checkout.
#
# usage: scripts/screenshots.sh [BUILD_DIR]   (default: build)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
cmake --build "$build" --target mltrainerd
shots="$root/docs/screenshots"
work="$build/tests/web"
# proposal.png, report.png and running.png are the README's; the test also
# writes exported-report.png, which the README does not show.
sh "$root/tests/web/run_browser_test.sh" "$build/app/mltrainerd" "$root/tests/web" "$work" "$work/screenshots"
for f in proposal.png report.png running.png; do
  cp "$work/screenshots/$f" "$shots/$f"
done
echo "refreshed $shots: proposal.png report.png running.png (review with git diff --stat before committing)"
