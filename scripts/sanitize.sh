#!/usr/bin/env bash
# Builds the input-facing test programs and the CLI under AddressSanitizer and
# UndefinedBehaviorSanitizer (preset asan) and runs them; any sanitizer report
# fails the run. docs/hardening.md.
#   LEVRISK_SANITIZE_CLI_FILTER: a --gtest_filter for test_host_cli (default all).
set -euo pipefail
cd "$(dirname "$0")/.."
programs=(test_common test_host_config test_host_snapshot test_models_calibration test_host_cli)

scripts/build.sh asan --target levrisk "${programs[@]}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
for program in "${programs[@]}"; do
  filter="*"
  [[ $program == test_host_cli ]] && filter="${LEVRISK_SANITIZE_CLI_FILTER:-*}"
  echo "== $program (asan) =="
  start=$(date +%s)
  "build/asan/$program" --gtest_filter="$filter" --gtest_brief=1
  echo "$program: $(( $(date +%s) - start )) s"
done
echo "sanitize: no findings"
