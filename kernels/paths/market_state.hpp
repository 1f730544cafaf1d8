#pragma once
// The per-path state of the market model for a block of Lanes paths, sized at
// compile time by the largest asset count it serves. The CPU backend keeps it
// on the thread's stack; the GPU backend keeps it in shared memory (one slice
// per thread), since arrays indexed at run time would otherwise go to local
// memory (docs/performance.md).

#include "kernels/common.hpp"

namespace levrisk {

template <int Lanes, int MaxAssets>
struct market_state {
  float log_return[MaxAssets][Lanes];  // x_k: log of price over snapshot price
  // The normals of the current four-step chunk (kernels/paths/innovations.hpp).
  float z[4 * (MaxAssets + 1)][Lanes];
  float mixing[MaxAssets][Lanes];        // GARCH-t: s_k(zeta) of the period
  float variance[MaxAssets][Lanes];      // GARCH-t and carried FHS: h of the next return
  float period_shock[MaxAssets][Lanes];  // GARCH-t sub-steps: the period's shock so far
  int next_jump[MaxAssets + 1][Lanes];   // Merton: each jump slot's next jump step
  int date[Lanes];                       // FHS: the date of the current step
};

}  // namespace levrisk
