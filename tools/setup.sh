#!/usr/bin/env bash
# Installs what is missing (Debian packages) and builds what is stale.
# Usage: tools/setup.sh BUILD_DIR [extra cmake arguments...]
set -euo pipefail

packages=(cmake ninja-build g++ ccache libcaf-dev libtorch-dev libspdlog-dev
          catch2 openssl gnuplot-nox)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo=""
  [[ $(id -u) == 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

root=$(cd "$(dirname "$0")/.." && pwd)
build=$1
shift
if [[ ! -f $build/build.ninja ]]; then
  cmake -S "$root" -B "$build" -G Ninja "$@"
fi
cmake --build "$build" -j "$(nproc)"
