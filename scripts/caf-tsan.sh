#!/usr/bin/env bash
# Builds CAF's core library, the version Debian installed, with ThreadSanitizer
# into build-tsan/caf-tsan/, where scripts/test.sh --tsan loads it in place of
# Debian's (LD_LIBRARY_PATH; same version, same headers, so the same ABI).
#
#   scripts/caf-tsan.sh [CAF_SOURCE_DIR]
#
# Why: CAF passes messages and hands actors between its worker threads with
# atomics inside libcaf_core. Uninstrumented, TSan does not see them, and
# reports every message an actor reads and every state an actor touches on a
# new worker as a race (over 1,000 reports in test_actors_scheduler alone).
# Without CAF_SOURCE_DIR the release tag is cloned from GitHub.
set -euo pipefail
cd "$(dirname "$0")/.."

lib=$(ls /usr/lib/*/libcaf_core.so.0.* 2>/dev/null | head -n1)
[ -n "$lib" ] || { echo "caf-tsan: Debian's libcaf_core is not installed (scripts/install-deps.sh)" >&2; exit 1; }
version=${lib##*/libcaf_core.so.}
out=build-tsan/caf-tsan
src=${1:-}
if [ -z "$src" ] && [ -f "$out/libcaf_core.so.$version" ] && [ ! -d "$out/src" ]; then
  echo "caf-tsan: $PWD/$out/libcaf_core.so.$version (already built; give a CAF source folder to rebuild)"
  exit 0
fi
if [ -z "$src" ]; then
  src=$out/src
  [ -d "$src" ] || git clone --quiet --depth 1 --branch "$version" https://github.com/actor-framework/actor-framework "$src"
fi
core=$(realpath "$src")/libcaf_core
[ -f "$core/CMakeLists.txt" ] || { echo "caf-tsan: no libcaf_core in $src" >&2; exit 1; }
# The installed headers must be this source's (build_config.hpp is generated, so it is not in the source).
if diff -rq -x build_config.hpp "$core/caf" /usr/include/caf | grep -v '^Only in /usr/include/caf' >/dev/null; then
  echo "caf-tsan: $src is not CAF $version (its headers differ from /usr/include/caf)" >&2
  exit 1
fi

mkdir -p "$out/obj"
# The sources CAF's own build compiles (platform-dependent files are left out of the list).
mapfile -t sources < <(sed -n '/^set(LIBCAF_CORE_SRCS/,/^)/s/^ *\(src\/.*\.cpp\)$/\1/p' "$core/CMakeLists.txt")
launcher=$(command -v ccache || true)
{
  echo "cxx = $launcher g++ -std=c++17 -O1 -g1 -fPIC -fsanitize=thread -fno-omit-frame-pointer -w -I$core"
  echo "rule cc"
  echo '  command = $cxx -MMD -MF $out.d -c $in -o $out'
  echo '  depfile = $out.d'
  echo "rule link"
  echo "  command = g++ -shared -fsanitize=thread -Wl,-soname,libcaf_core.so.$version -o \$out \$in -lpthread"
  objs=()
  for s in "${sources[@]}"; do
    o="obj/${s//\//_}.o"
    objs+=("$o")
    echo "build $o: cc $core/$s"
  done
  echo "build libcaf_core.so.$version: link ${objs[*]}"
} > "$out/build.ninja"
ninja -C "$out" -j "$(nproc)"
echo "caf-tsan: $PWD/$out/libcaf_core.so.$version"
