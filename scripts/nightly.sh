#!/usr/bin/env bash
# One command for the nightly batch on a fresh Debian 12 machine: install the
# dependencies, build, and run configs/nightly.toml on the bundled sample.
# Extra arguments go to `levrisk run` (e.g. --paths 1000000), except --quiet (-q):
# for cron, it sends the installation and build output to build/nightly-build.log
# (printed only when they fail) and leaves on the terminal nothing but errors and
# the run's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
quiet=0
run_args=()
for arg in "$@"; do
  case "$arg" in
    -q | --quiet) quiet=1 ;;
    *) run_args+=("$arg") ;;
  esac
done
preset=cpu
if [[ -x /usr/local/cuda/bin/nvcc || -n "$(command -v nvcc || true)" ]]; then preset=cuda; fi

if ((quiet)); then
  mkdir -p build
  log=build/nightly-build.log
  if ! { scripts/install-deps.sh && scripts/build.sh "$preset" --target levrisk; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "nightly: the build failed (log: $log)" >&2
    exit 1
  fi
  # The run without --quiet prints its summary; its "batch:" line is dropped from stderr,
  # which, being a pipe, also keeps the progress line off.
  { "build/$preset/levrisk" run --config configs/nightly.toml ${run_args[@]+"${run_args[@]}"} \
      2>&1 1>&3 3>&- | sed -u '/^batch: /d' >&2; } 3>&1
  exit 0  # a failed run has already ended the script with its exit code (pipefail)
fi

scripts/install-deps.sh
scripts/build.sh "$preset" --target levrisk
exec "build/$preset/levrisk" run --config configs/nightly.toml ${run_args[@]+"${run_args[@]}"}
