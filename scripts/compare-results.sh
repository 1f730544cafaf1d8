#!/usr/bin/env bash
# Runs every configuration in configs/*.toml with two levrisk binaries (same
# seed, same paths, CPU backend) and compares the result files bit for bit with
# h5diff (no tolerance). Only the run metadata that describes the run rather than
# its results is left out: the attributes named in `ignored` below. Prints one
# line per configuration; exits 1 on any difference, 2 on a failed run.
#
#   scripts/compare-results.sh BIN_A BIN_B [PATHS]     PATHS defaults to 4000
#
# BIN_B may be a newer release than BIN_A (scripts/compare-revision.sh): with
# LEVRISK_COMPARE_NEWER=1, datasets and /run attributes that only BIN_B writes
# are listed and left out, and so is the resolved configuration (a newer release
# records its new keys); every dataset both write must still be the same. With
# LEVRISK_COMPARE_CONFIGS_A=DIR, BIN_A runs DIR's configuration of the same name
# (the older release's own, with its own inputs) and the snapshot path is left
# out of the comparison.
#
# CI compares the portable build with the -march=native one (.ci/run): the
# engine's float code uses only exactly-rounded operations, so the two must agree.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 BIN_A BIN_B [PATHS]" >&2
  exit 2
fi
bin_a=$(realpath "$1")
bin_b=$(realpath "$2")
paths="${3:-4000}"
for bin in "$bin_a" "$bin_b"; do
  [[ -x "$bin" ]] || { echo "$0: '$bin' is not an executable" >&2; exit 2; }
done

# The snapshot's provenance (snapshot_as_of, _block, _source, _sha256) depends on its
# files alone, not on the build: compared.
# Provenance of the build and the run, not results: revision, device, clock, and
# the memory budget (a share of the RAM free at the time of the run), what was planned
# within it, and the peak the process reached.
ignored=(git_revision device created_utc wall_time_s memory_budget_bytes planned_memory_bytes
  peak_memory_bytes)
newer="${LEVRISK_COMPARE_NEWER:-0}"
[[ "$newer" == 1 ]] && ignored+=(resolved_config)
configs_a="${LEVRISK_COMPARE_CONFIGS_A:-}"
[[ -n "$configs_a" ]] && ignored+=(snapshot)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Both binaries write into the same folder under the same name, so that the
# resolved configuration they record (which holds the output folder) is the same;
# each file is moved aside before the next run.
run_one() {
  local bin=$1 config=$2 destination=$3
  rm -rf "$work/out"
  if ! "$bin" run -c "$config" --backend cpu --paths "$paths" --output-dir "$work/out" \
      --name result --quiet >"$work/log" 2>&1; then
    echo "$(basename "$config"): '$bin' failed:" >&2
    cat "$work/log" >&2
    return 1
  fi
  mv "$work/out/result.h5" "$destination"
}

# The compared attributes of /run, one per line, without the file name h5dump prints.
run_attributes() {
  local file=$1 name
  for name in $(h5dump -A -g /run "$file" | sed -n 's/^ *ATTRIBUTE "\([^"]*\)".*/\1/p'); do
    if [[ " ${ignored[*]} " == *" $name "* ]]; then continue; fi
    if [[ "$newer" == 1 && " $(attribute_names "$work/a.h5") " != *" $name "* ]]; then continue; fi
    h5dump -a "/run/$name" "$file" | tail -n +2
  done
}

attribute_names() {
  h5dump -A -g /run "$1" | sed -n 's/^ *ATTRIBUTE "\([^"]*\)".*/\1/p' | tr '\n' ' '
}

# Objects (groups and datasets) of a file, one path per line.
object_paths() {
  h5ls -r "$1" | awk '{print $1}' | sort
}

status=0
shopt -s nullglob
configs=(configs/*.toml)
[[ ${#configs[@]} -gt 0 ]] || { echo "$0: no configs/*.toml" >&2; exit 2; }
for config in "${configs[@]}"; do
  name=$(basename "$config")
  run_one "$bin_a" "${configs_a:-configs}/$name" "$work/a.h5" || exit 2
  run_one "$bin_b" "$config" "$work/b.h5" || exit 2
  # h5diff: 0 same, 1 different, 2 error. --exclude-attribute /run leaves out every
  # /run attribute; the ones that are results of the run are compared below.
  excluded=()
  if [[ "$newer" == 1 ]]; then
    for path in $(comm -13 <(object_paths "$work/a.h5") <(object_paths "$work/b.h5")); do
      excluded+=(--exclude-path "$path")
      echo "  new in B: $path"
    done
  fi
  set +e
  h5diff --exclude-attribute /run "${excluded[@]}" "$work/a.h5" "$work/b.h5" >"$work/diff" 2>&1
  datasets=$?
  set -e
  if [[ $datasets -eq 0 ]] && cmp -s <(run_attributes "$work/a.h5") <(run_attributes "$work/b.h5");
  then
    echo "same       $name ($paths paths)"
  else
    status=1
    echo "DIFFERENT  $name ($paths paths)"
    if [[ $datasets -ne 0 ]]; then
      head -n 20 "$work/diff"
    else
      diff <(run_attributes "$work/a.h5") <(run_attributes "$work/b.h5") | head -n 20 || true
    fi
  fi
done
exit $status
