#!/usr/bin/env bash
# Builds the CPU binary of an earlier revision in a temporary worktree and
# compares its results with this checkout's build, dataset by dataset, for every
# shipped configuration (scripts/compare-results.sh with LEVRISK_COMPARE_NEWER=1:
# what only the newer release writes is listed and left out). The earlier
# revision runs its own configurations and inputs (configs/, data/ of its tree),
# which a newer release may have extended.
#   scripts/compare-revision.sh REVISION [PATHS]
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 1 ]] || { echo "usage: $0 REVISION [PATHS]" >&2; exit 2; }
revision=$(git rev-parse --verify "$1^{commit}")
paths="${2:-4000}"
[[ -x build/cpu/levrisk ]] || scripts/build.sh cpu --target levrisk
tree=$(mktemp -d)
trap 'git worktree remove --force "$tree" >/dev/null 2>&1 || rm -rf "$tree"' EXIT
git worktree add --detach -q "$tree" "$revision"
echo "== building $(git log -1 --format='%h %s' "$revision") =="
cmake -S "$tree" -B "$tree/build" -DCMAKE_BUILD_TYPE=Release -DLEVRISK_CUDA=OFF \
  -DLEVRISK_BUILD_TESTS=OFF -DLEVRISK_BUILD_BENCH=OFF >/dev/null
cmake --build "$tree/build" -j "${LEVRISK_JOBS:-$(nproc)}" --target levrisk >/dev/null
LEVRISK_COMPARE_NEWER=1 LEVRISK_COMPARE_CONFIGS_A="$tree/configs" scripts/compare-results.sh "$tree/build/levrisk" build/cpu/levrisk "$paths"
