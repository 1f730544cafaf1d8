#!/usr/bin/env bash
# clang-tidy over every header of kernels/ with the project's .clang-tidy; any
# finding is an error. Among the checks: no kernel function above cognitive
# complexity 25 (readability-function-cognitive-complexity).
#   scripts/tidy-kernels.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-tidy >/dev/null || { echo "tidy-kernels: clang-tidy is not installed" >&2; exit 1; }
unit=$(mktemp --suffix=.cpp)
trap 'rm -f "$unit"' EXIT
for header in $(find kernels -name '*.hpp' | sort); do echo "#include \"$header\""; done >"$unit"
clang-tidy --quiet --config-file=.clang-tidy --warnings-as-errors='*' --header-filter='(^|/)kernels/' "$unit" \
  -- -std=c++17 -I. -fopenmp -x c++
echo "tidy-kernels: $(grep -c include "$unit") headers clean"
