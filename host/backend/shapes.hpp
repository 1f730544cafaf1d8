#pragma once
// Kernel shapes: the path kernels' per-path state is sized at compile time
// (kernels/risk/simulate.hpp path_state), so each backend instantiates them for
// a few size buckets and runs the smallest that holds the run. The GPU keeps
// that state in shared memory, whose size decides how many paths a
// multiprocessor runs at once: small runs should not pay for the largest shape.

#include "kernels/risk/factor_ladders.hpp"
#include "kernels/rng/stream_layout.hpp"

namespace levrisk {

template <int MaxAssets, int MaxFactors>
struct kernel_shape {
  static constexpr int max_assets = MaxAssets;
  static constexpr int max_factors = MaxFactors;
};

// Calls fn(kernel_shape<A, F>{}) with the smallest bucket holding the run.
template <class Fn>
void with_kernel_shape(int n_assets, int n_factors, Fn&& fn) {
  if (n_assets <= 4 && n_factors <= 8) return fn(kernel_shape<4, 8>{});
  if (n_assets <= 8 && n_factors <= 16) return fn(kernel_shape<8, 16>{});
  if (n_assets <= 16 && n_factors <= 32) return fn(kernel_shape<16, 32>{});
  return fn(kernel_shape<max_assets, max_factors>{});
}

}  // namespace levrisk
