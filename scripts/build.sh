#!/usr/bin/env bash
# Configures and builds with a CMake preset: `cpu` (default, portable), `native`
# (tuned for this machine: -march=native), `cuda` or `debug`. When the build has a
# levrisk binary, build/levrisk links to it, so that the commands in README.md
# work whichever preset the scripts chose.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-cpu}"
shift || true
jobs="${LEVRISK_JOBS:-$(nproc)}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs" "$@"
if [[ -x "build/$preset/levrisk" ]]; then
  ln -sfn "$preset/levrisk" build/levrisk  # relative: the checkout may move
  echo "levrisk: build/$preset/levrisk (linked as build/levrisk)"
fi
