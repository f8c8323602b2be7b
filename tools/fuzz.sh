#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang-14, ASan and UBSan in
# ./build-fuzz and runs each on its corpus (build-fuzz/corpus/TARGET).
#   tools/fuzz.sh              1,000,000 runs of each target
#   tools/fuzz.sh --runs N     N runs of each
#   tools/fuzz.sh --smoke      5 seconds of each (tools/test.sh runs this)
# An input that crashes a target, or makes it allocate more than 512 MB from
# at most 4 KB, is kept in build-fuzz/findings/ and the script fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
limit=(-runs=1000000)
case ${1:-} in
  --smoke) limit=(-max_total_time=5) ;;
  --runs) limit=(-runs="${2:?--runs needs a count}") ;;
  "") ;;
  *) echo "usage: tools/fuzz.sh [--smoke | --runs N]" >&2; exit 2 ;;
esac

source "$root/tools/packages.sh"
"$root/tools/install_packages.sh" "${cmm_packages[@]}" clang-14 libfuzzer-14-dev
build=$root/build-fuzz
if [[ ! -f $build/build.ninja ]]; then
  CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMM_BUILD_FUZZ=ON \
    -DCMM_BUILD_TESTS=OFF -DCMM_BUILD_BENCH=OFF
fi
targets=(wire_decoder config v2_request)
cmake --build "$build" -j "$(nproc)" \
  --target "${targets[@]/#/cmm-fuzz-}"

export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p "$build/findings"
status=0
for target in "${targets[@]}"; do
  corpus=$build/corpus/$target
  mkdir -p "$corpus"
  log=$build/fuzz-$target.log
  if "$build/tests/fuzz/cmm-fuzz-$target" "${limit[@]}" -max_len=4096 \
    -malloc_limit_mb=512 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/findings/$target-" "$corpus" >"$log" 2>&1; then
    echo "fuzz $target: $(grep -E '^Done [0-9]+ runs' "$log" || tail -1 "$log")"
  else
    echo "fuzz $target: FAILED, see $log and $build/findings/" >&2
    grep -E "ERROR|SUMMARY|Test unit written" "$log" >&2 || tail -20 "$log" >&2
    status=1
  fi
done
exit $status
