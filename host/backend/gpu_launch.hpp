#pragma once
// How the CUDA backend lays out per-path state in shared memory and sizes its
// blocks; plain constexpr arithmetic, so scripts/gpu-resources.sh can print the
// same figures without a GPU.
//
// Each thread's state is one slice of the block's dynamic shared memory, at an
// odd stride in 32-bit words, so that the threads of a warp reading the same
// member hit 32 different banks. Members are indexed at run time (by asset,
// factor or unit); registers cannot be, and local memory would make the kernel
// bandwidth-bound (docs/performance.md).

#include <cstddef>

namespace levrisk {

constexpr int gpu_max_threads_per_block = 128;
constexpr int gpu_exact_group = 4;  // units per pass over a regenerated path (in registers)
// Shared memory a block may take for path states: two blocks fit an SM of
// 228 KB (H100, H200) with room for the L1 share.
constexpr std::size_t gpu_shared_state_budget_bytes = 96 * 1024;

template <class State>
constexpr std::size_t state_stride_words() {
  static_assert(alignof(State) <= 4, "shared path states hold 32-bit members only");
  constexpr std::size_t words = (sizeof(State) + 3) / 4;
  return words % 2 == 1 ? words : words + 1;
}

// Threads per block: as many whole warps as the budget holds, 32 to 128.
template <class State>
constexpr int threads_for_shared_state() {
  constexpr int fit =
      static_cast<int>(gpu_shared_state_budget_bytes / (state_stride_words<State>() * 4)) / 32 * 32;
  return fit < 32 ? 32 : (fit > gpu_max_threads_per_block ? gpu_max_threads_per_block : fit);
}

}  // namespace levrisk
