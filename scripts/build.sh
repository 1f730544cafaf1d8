#!/usr/bin/env bash
# Configures and builds with a CMake preset: `cpu` (default, portable), `native`
# (tuned for this machine: -march=native), `cuda` or `debug`.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-cpu}"
shift || true
jobs="${LEVRISK_JOBS:-$(nproc)}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs" "$@"
