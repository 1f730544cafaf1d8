#!/usr/bin/env bash
# The one GPU check, for a machine with an NVIDIA GPU and the CUDA toolkit:
# builds the CUDA backend, runs the CPU-vs-CUDA bit-identity test over every
# shipped configuration (every market model, the sample book), then the
# benchmarks on both backends, and prints one table. Under 5 minutes on one GPU.
#   scripts/gpu-check.sh            (LEVRISK_JOBS: build parallelism)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "== build (cuda preset) =="
scripts/build.sh cuda --target levrisk levrisk_bench test_host_backend
build/cuda/levrisk version
scripts/gpu-resources.sh sm_90 || true
echo "== CPU vs CUDA, bit for bit =="
build/cuda/test_host_backend --gtest_brief=1
echo "== benchmarks =="
filter='normals_only|price_paths/assets:(1|10)/paths:65536|price_paths/assets:10/paths:1000000|nightly_sample'
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for backend in cpu cuda; do
  LEVRISK_BENCH_BACKEND=$backend build/cuda/levrisk_bench --benchmark_filter="$filter" \
    --benchmark_format=csv >"$out/$backend.csv" 2>"$out/$backend.log" || {
    cat "$out/$backend.log" >&2
    exit 1
  }
done
# One table: each benchmark's wall time and rate on both backends.
python3 - "$out/cpu.csv" "$out/cuda.csv" <<'PY'
import csv, sys
def load(path):
    rows = [line for line in open(path) if not line.startswith("baseline") and not line.startswith("backend")]
    return {r["name"]: r for r in csv.DictReader(rows)}
cpu, gpu = load(sys.argv[1]), load(sys.argv[2])
def rate(r):
    for key in ("asset_steps/s", "path_steps/s", "normals/s"):
        if r.get(key):
            return float(r[key]), key
    return float("nan"), ""
print(f"{'benchmark':58} {'cpu time':>12} {'cuda time':>12} {'cuda rate':>12} {'unit':>14} {'cuda/cpu':>9}")
for name, c in cpu.items():
    g = gpu.get(name)
    if g is None:
        continue
    (rc, unit), (rg, _) = rate(c), rate(g)
    print(f"{name:58} {float(c['real_time']):>9.1f} {c['time_unit']:2} {float(g['real_time']):>9.1f} {g['time_unit']:2}"
          f" {rg:>12.3e} {unit:>14} {rg / rc:>9.1f}")
PY
