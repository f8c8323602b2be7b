#!/usr/bin/env bash
# Runs on the GPU machine, in one command: finds the CUDA libtorch of the
# machine's python3, configures and builds what the GPU checks need
# (cmm-cuda-tests, cmm-bench) against it and the kit of tools/gpu/prepare.sh,
# checks that CAF, spdlog, fmt and Catch2 came from the kit, runs the CUDA
# tests and the benchmark's miss and unload scenarios on cuda:0, and writes
# report.md and report.json into OUT_DIR next to what they are made of
# (check.log, steps.tsv, machine.txt, figures.tsv, cuda-tests.xml,
# bench.json): eight files in all, as many as the device tool sends back.
#   tools/gpu/check.sh OUT_DIR            on a machine with a GPU
#   tools/gpu/check.sh OUT_DIR --dry-run  anywhere: where python3 has no
#       CUDA libtorch, builds against the system's libtorch instead, runs the
#       CUDA tests (which then report themselves skipped) and stops before
#       the GPU benchmark
# Exits non-zero when a step fails or, without --dry-run, when no GPU ran.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: tools/gpu/check.sh OUT_DIR [--dry-run]}
dry_run=false
case ${2:-} in
  "") ;;
  --dry-run) dry_run=true ;;
  *) echo "usage: tools/gpu/check.sh OUT_DIR [--dry-run]" >&2; exit 2 ;;
esac
mkdir -p "$out"
out=$(cd "$out" && pwd)
kit=${CMM_GPU_KIT:-$root/.gpu-kit}
build=${CMM_GPU_BUILD:-$root/build-gpu}
log=$out/check.log
steps=$out/steps.tsv
: >"$log"
: >"$steps"
export CMM_GPU_FIGURES=$out/figures.tsv
: >"$CMM_GPU_FIGURES"

note() { echo "== $*" | tee -a "$log"; }
# step NAME COMMAND...: runs the command with its output in the log and
# records name, exit status and seconds for the report.
step() {
  local name=$1 start rc ms
  shift
  note "$name: $*"
  start=$(date +%s%N)
  "$@" >>"$log" 2>&1
  rc=$?
  ms=$((($(date +%s%N) - start) / 1000000))
  printf '%s\t%s\t%d.%d\n' "$name" "$rc" $((ms / 1000)) $((ms % 1000 / 100)) \
    >>"$steps"
  note "$name: exit $rc"
  return $rc
}
# finish OUTCOME STATUS: writes the report and exits with STATUS, or with
# the report's own verdict (a CUDA test that did not pass on a GPU).
finish() {
  local verdict=0
  python3 "$root/tools/gpu/report.py" "$out" "$build" "$kit" "$1" \
    >>"$log" 2>&1 || verdict=$?
  echo "report: $out/report.md"
  ((verdict)) && echo "report.py: exit $verdict (see $log)"
  exit $(($2 ? $2 : verdict))
}

# Every CAF, spdlog, fmt and Catch2 location CMake settled on is the kit's.
kit_paths() {
  local key value bad=0
  for key in CAF_INCLUDE_DIR CAF_CORE_LIBRARY CAF_IO_LIBRARY spdlog_DIR \
    fmt_DIR Catch2_DIR; do
    value=$(grep "^$key:" "$build/CMakeCache.txt" | cut -d= -f2-)
    if [[ $value == "$kit"/* ]]; then
      echo "kit: $key from the kit" | tee -a "$out/machine.txt"
    else
      echo "kit: $key=$value is not from the kit" | tee -a "$out/machine.txt"
      bad=1
    fi
  done
  return $bad
}
# The compiler read CAF's headers from the kit, never from /usr/include.
kit_headers() {
  local deps from_kit from_system
  deps=$(ninja -C "$build" -t deps)
  from_kit=$(grep -Fc "$kit/include/caf/" <<<"$deps")
  from_system=$(grep -c "^ */usr/include/caf/" <<<"$deps")
  echo "kit: CAF headers read from the kit $from_kit times, from" \
    "/usr/include $from_system times" | tee -a "$out/machine.txt"
  ((from_kit > 0 && from_system == 0))
}

[[ -d $kit/include/caf ]] || {
  note "no kit at $kit: run tools/gpu/prepare.sh on a Debian machine first"
  finish "no kit" 2
}
export PATH=$PATH:/usr/local/cuda/bin
{
  echo "host: $(uname -srm), $(nproc) cores"
  nvidia-smi --query-gpu=name,driver_version,memory.total \
    --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"
  g++ --version | head -1
  cmake --version | head -1
  nvcc --version 2>/dev/null | tail -1 || true
} >"$out/machine.txt" 2>&1
cat "$out/machine.txt" >>"$log"

torch_query='import torch; print(torch.utils.cmake_prefix_path); print(torch.__version__); print(torch.version.cuda or ""); print(int(torch.cuda.is_available()))'
torch_info=$(python3 -c "$torch_query" 2>>"$log") || torch_info=""
torch_prefix=$(sed -n 1p <<<"$torch_info")
cuda_version=$(sed -n 3p <<<"$torch_info")
gpu_seen=$(sed -n 4p <<<"$torch_info")
printf 'python3 torch: %s (CUDA %s), GPU visible: %s\n' \
  "$(sed -n 2p <<<"$torch_info")" "${cuda_version:-none}" "${gpu_seen:-0}" \
  | tee -a "$out/machine.txt" >>"$log"
if [[ -z $cuda_version || $gpu_seen != 1 ]]; then
  if ! $dry_run; then
    note "no CUDA libtorch with a visible GPU here: nothing to check"
    finish "no GPU" 3
  fi
  note "dry run: no CUDA libtorch here; building against the system's"
  torch_prefix=""
fi

arch=$(cat "$kit/MULTIARCH")
cmake_args=(-S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
            -DCMAKE_PREFIX_PATH="$kit${torch_prefix:+;$torch_prefix}"
            -DCMAKE_LIBRARY_PATH="$kit/lib/$arch")
# Torch_DIR is cached: name it, so a build folder configured before (a dry
# run) cannot keep another libtorch.
[[ -n $torch_prefix ]] && cmake_args+=(-DTorch_DIR="$torch_prefix/Torch")
step configure cmake "${cmake_args[@]}" || finish "configure failed" 1
step kit-paths kit_paths || finish "kit not used" 1
step build cmake --build "$build" -j "$(nproc)" \
  --target cmm-cuda-tests cmm-bench -- -k 0 || finish "build failed" 1
step kit-headers kit_headers || finish "kit not used" 1

tests_rc=0
step cuda-tests "$build/tests/cmm-cuda-tests" -r xml -d yes \
  -o "$out/cuda-tests.xml" || tests_rc=1
if $dry_run && [[ -z $torch_prefix ]]; then
  note "dry run: stopping before the GPU benchmark"
  finish "dry run" "$tests_rc"
fi
bench_rc=0
# A bench that dies before writing must not leave an earlier run's figures.
rm -rf /tmp/cmm-gpu-bench
step bench "$build/bench/cmm-bench" --bench.mode=quick \
  '--bench.scenarios=["miss","unload"]' --bench.device=cuda:0 \
  --bench.out=/tmp/cmm-gpu-bench --bench.model-dir=/tmp/cmm-gpu-bench-models \
  || bench_rc=1
cp /tmp/cmm-gpu-bench/bench.json "$out/" 2>>"$log" || bench_rc=1
finish "ran" $((tests_rc || bench_rc))
