#!/usr/bin/env bash
# Builds what is stale and runs every test with ctest, then a short smoke of
# each fuzz target (tools/fuzz.sh --smoke, clang build in ./build-fuzz).
#   tools/test.sh              the regular build (./build)
#   tools/test.sh --sanitize   AddressSanitizer + UBSan build (./build-asan)
#   tools/test.sh --thread     ThreadSanitizer build (./build-tsan) of the
#                              actor, remote and cluster tests, with the
#                              suppressions in tools/tsan.supp
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ ${1:-} == --thread ]]; then
  build=$root/build-tsan
  "$root/tools/install_packages.sh" cmake ninja-build g++ ccache libcaf-dev \
    libtorch-dev libspdlog-dev catch2 openssl
  if [[ ! -f $build/build.ninja ]]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMM_TSAN=ON \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMM_BUILD_BENCH=OFF
  fi
  cmake --build "$build" -j "$(nproc)" --target cmm-actor-tests \
    cmm-remote-tests cmm-cluster-tests cmm-node cmm-remote-client
  export TSAN_OPTIONS="suppressions=$root/tools/tsan.supp second_deadlock_stack=1"
  (cd "$build" && ctest -j "$(nproc)" --output-on-failure --timeout 900 \
    -R '^(actors|remote|cluster):')
  exit
fi
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
