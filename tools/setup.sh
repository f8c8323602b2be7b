#!/usr/bin/env bash
# Installs what is missing (Debian packages) and builds what is stale.
# Usage: tools/setup.sh BUILD_DIR [extra cmake arguments...]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tools/packages.sh"
"$root/tools/install_packages.sh" "${cmm_packages[@]}"
build=$1
shift
if [[ ! -f $build/build.ninja ]]; then
  cmake -S "$root" -B "$build" -G Ninja "$@"
fi
cmake --build "$build" -j "$(nproc)"
