#!/usr/bin/env bash
# What the GPU kernels cost in registers and local memory, without a GPU: compiles
# host/backend/cuda.cu with ptxas' verbose report and prints one row per kernel
# instantiation (registers, stack frame, spill bytes, static shared memory).
#   scripts/gpu-resources.sh [sm_90]     (architecture; default sm_90)
# A stack frame or spills mean per-path state in local memory: the kernel then
# pays memory bandwidth for it (docs/performance.md).
set -euo pipefail
cd "$(dirname "$0")/.."
arch="${1:-sm_90}"
nvcc="${NVCC:-/usr/local/cuda/bin/nvcc}"
[[ -x "$nvcc" ]] || { echo "gpu-resources: no nvcc at $nvcc (set NVCC)" >&2; exit 1; }
report=$(mktemp)
trap 'rm -f "$report"' EXIT
"$nvcc" -std=c++17 -arch="$arch" --fmad=false --expt-relaxed-constexpr -Xcompiler=-fopenmp \
  -Xptxas -v -I. -c host/backend/cuda.cu -o /dev/null 2>"$report" || { cat "$report" >&2; exit 1; }
printf '%-44s %9s %11s %12s %11s %9s\n' kernel registers "stack (B)" "spill st (B)" \
  "spill ld (B)" "smem (B)"
awk '
  /Compiling entry function/ { split($0, a, "\047"); name = a[2] }
  /bytes stack frame/ && name != "" { stack = $1; spill_st = $5; spill_ld = $9 }
  /Used [0-9]+ registers/ && name != "" {
    regs = $0; sub(/.*Used /, "", regs); sub(/ registers.*/, "", regs)
    smem = 0
    if ($0 ~ /bytes smem/) { smem = $0; sub(/ bytes smem.*/, "", smem); sub(/.* /, "", smem) }
    print name, regs, stack, spill_st, spill_ld, smem; name = "" }
' "$report" | while read -r mangled regs stack st ld smem; do
  kernel=$(echo "$mangled" | c++filt)
  [[ "$kernel" == levrisk::* || "$kernel" == "void levrisk::"* ]] || continue  # not Thrust's
  kernel=$(echo "$kernel" | sed -E 's/\(levrisk::simulation_view.*//; s/levrisk:://g; s/\(anonymous namespace\):://; s/^void //')
  printf '%-44s %9s %11s %12s %11s %9s\n' "$kernel" "$regs" "$stack" "$st" "$ld" "$smem"
done
echo "(ptxas, $arch)"
echo
# Per-path state in dynamic shared memory, as host/backend/cuda.cu lays it out.
sizes=$(mktemp)
trap 'rm -f "$report" "$sizes"' EXIT
g++ -std=c++17 -I. -x c++ -o "$sizes" - <<'CPP'
#include <cstdio>
#include "host/backend/gpu_launch.hpp"
#include "kernels/risk/exact_check.hpp"
#include "kernels/risk/simulate.hpp"
using namespace levrisk;
template <class State>
void row(const char* name) {
  const int threads = threads_for_shared_state<State>();
  std::printf("%-44s %13zu %9d %13zu\n", name, state_stride_words<State>() * 4, threads,
              state_stride_words<State>() * 4 * threads);
}
int main() {
  std::printf("%-44s %13s %9s %13s\n", "shared state", "B per thread", "threads", "B per block");
  row<path_state<1, 4, 8>>("simulate_kernel<4, 8>");
  row<path_state<1, 8, 16>>("simulate_kernel<8, 16>");
  row<path_state<1, 16, 32>>("simulate_kernel<16, 32>");
  row<path_state<1, 32, 64>>("simulate_kernel<32, 64>");
  row<exact_state<4, gpu_exact_group>>("exact_check_kernel<4>");
  row<exact_state<8, gpu_exact_group>>("exact_check_kernel<8>");
  row<exact_state<16, gpu_exact_group>>("exact_check_kernel<16>");
  row<exact_state<32, gpu_exact_group>>("exact_check_kernel<32>");
}
CPP
"$sizes"
