#!/usr/bin/env bash
# Builds the libFuzzer targets (preset asan: clang, ASan, UBSan; the loaders'
# objects are the sanitized tests' own) and runs each for its share of SECONDS
# (default 300) from the corpus in build/fuzz/corpus,
# which it seeds from data/ and configs/ (scripts/fuzz-seed.sh) and which grows
# from run to run. Fails when a target finds anything: the input that did it is
# in build/fuzz/findings/<target>/. docs/hardening.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
targets=(load_snapshot run_config price_history)
declare -A max_len=([load_snapshot]=16384 [run_config]=8192 [price_history]=8192)
per_target=$((seconds / ${#targets[@]}))
((per_target >= 1)) || per_target=1

scripts/build.sh asan --target "${targets[@]/#/fuzz_}"
scripts/fuzz-seed.sh build/fuzz/corpus
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=()
for target in "${targets[@]}"; do
  findings="build/fuzz/findings/$target"
  mkdir -p "$findings"
  echo "== fuzz_$target: $per_target s =="
  if ! "build/asan/fuzz_$target" "build/fuzz/corpus/$target" -max_total_time="$per_target" \
      -max_len="${max_len[$target]}" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$findings/" -print_final_stats=1 2> "build/fuzz/$target.log"; then
    failed+=("$target")
    tail -n 60 "build/fuzz/$target.log"
  fi
  grep -E '^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+ +DONE)' \
    "build/fuzz/$target.log" || true
done
if ((${#failed[@]} > 0)); then
  echo "fuzz: findings in ${failed[*]}; inputs under build/fuzz/findings/" >&2
  exit 1
fi
echo "fuzz: no findings"
