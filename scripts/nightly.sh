#!/usr/bin/env bash
# One command for the nightly batch on a fresh Debian 12 machine: install the
# dependencies, build, and run configs/nightly.toml on the bundled sample.
# Extra arguments go to `levrisk run` (e.g. --paths 1000000 --quiet).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
preset=cpu
if [[ -x /usr/local/cuda/bin/nvcc || -n "$(command -v nvcc || true)" ]]; then preset=cuda; fi
scripts/build.sh "$preset" --target levrisk
exec "build/$preset/levrisk" run --config configs/nightly.toml "$@"
