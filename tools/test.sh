#!/usr/bin/env bash
# Builds what is stale and runs every test with ctest, then a short smoke of
# each fuzz target (tools/fuzz.sh --smoke, clang build in ./build-fuzz).
#   tools/test.sh              the regular build (./build)
#   tools/test.sh --sanitize   AddressSanitizer + UBSan build (./build-asan)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ ${1:-} == --sanitize ]]; then
  build=$root/build-asan
  "$root/tools/setup.sh" "$build" -DCMM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
  export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
else
  build=$root/build
  "$root/tools/setup.sh" "$build"
fi
(cd "$build" && ctest -j "$(nproc)" --output-on-failure --timeout 600)
"$root/tools/fuzz.sh" --smoke
