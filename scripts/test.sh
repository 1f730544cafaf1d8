#!/usr/bin/env bash
# One command for the test suite on a fresh Debian 12 machine: install the
# dependencies, build the CPU backend and run every test through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh cpu
ctest --preset cpu -j "${LEVRISK_JOBS:-$(nproc)}"
