#!/usr/bin/env bash
# The main job: builds what is stale, then runs cmm-demo (models are
# generated into ./models on first run). Extra arguments go to cmm-demo.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/setup.sh" "$root/build"
exec "$root/build/tools/demo/cmm-demo" --demo.model-dir="$root/models" "$@"
