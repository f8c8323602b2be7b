#!/usr/bin/env bash
# Builds what is stale and runs every test with ctest, then a short smoke of
# each fuzz target (tools/fuzz.sh --smoke, clang build in ./build-fuzz).
#   tools/test.sh              the regular build (./build)
#   tools/test.sh --sanitize   AddressSanitizer + UBSan build (./build-asan)
#   tools/test.sh --thread     ThreadSanitizer build (./build-tsan) of the
#                              actor, remote and cluster tests, with the
#                              suppressions in tools/tsan.supp
# --thread needs a CAF built with -fsanitize=thread, named by the environment:
#   CMM_TSAN_CAF=/prefix tools/test.sh --thread
# (/prefix holding include/caf and lib/libcaf_*.so; README, "Tests and the
# sanitizer build", says how to build one). Its headers and libraries are then
# the only CAF used, and the test programs load it through their RPATH.
# Without it the build uses Debian's CAF, and most of what TSan reports is
# false: it cannot see CAF's own synchronization.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ ${1:-} == --thread ]]; then
  build=$root/build-tsan
  source "$root/tools/packages.sh"
  "$root/tools/install_packages.sh" "${cmm_packages[@]}"
  caf=${CMM_TSAN_CAF:-}
  if [[ -z $caf ]]; then
    cat >&2 <<EOF
test.sh --thread: CMM_TSAN_CAF is not set, so this builds against Debian's
CAF, which is not built with ThreadSanitizer: TSan cannot see CAF's own
synchronization, and the races it reports are almost all false positives.
Build CAF 0.17.6 with -fsanitize=thread (README, "Tests and the sanitizer
build") and run: CMM_TSAN_CAF=/its/prefix $0 --thread
EOF
  elif [[ ! -f $caf/include/caf/all.hpp ]]; then
    echo "test.sh --thread: CMM_TSAN_CAF=$caf holds no include/caf/all.hpp" >&2
    exit 1
  else
    caf=$(cd "$caf" && pwd)
  fi
  if [[ ! -f $build/build.ninja ]] ||
    ! grep -qxF "CMM_CAF_PREFIX:PATH=$caf" "$build/CMakeCache.txt"; then
    cmake -S "$root" -B "$build" -G Ninja -DCMM_TSAN=ON \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMM_BUILD_BENCH=OFF \
      -DCMM_CAF_PREFIX:PATH="$caf"
  fi
  cmake --build "$build" -j "$(nproc)" --target cmm-actor-tests \
    cmm-remote-tests cmm-cluster-tests cmm-node cmm-remote-client
  # Reports go to files, one per process: the tests' child processes
  # (cmm-node, clients) report there too, even when a test kills them or
  # does not look at how they exited.
  reports=$build/tsan-reports
  rm -rf "$reports" && mkdir -p "$reports"
  export TSAN_OPTIONS="suppressions=$root/tools/tsan.supp \
second_deadlock_stack=1 log_path=$reports/report"
  rc=0
  (cd "$build" && ctest -j "$(nproc)" --output-on-failure --timeout 900 \
    -R '^(actors|remote|cluster):') || rc=$?
  if compgen -G "$reports/report.*" >/dev/null; then
    echo "ThreadSanitizer reports:" "$reports"/report.* >&2
    exit 1
  fi
  exit $rc
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
