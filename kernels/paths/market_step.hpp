#pragma once
// One step of the market model for a block of paths, in log-space: the model
// named by market_view::kind advances every asset's log-return x_k. Each model
// is its own stage (kernels/paths/gbm_step.hpp, garch_step.hpp,
// history_step.hpp); jumps are an overlay of the diffusion only, so the kind
// names every combination that exists and nothing else can be built.

#include "kernels/common.hpp"
#include "kernels/paths/garch_step.hpp"
#include "kernels/paths/gbm_step.hpp"
#include "kernels/paths/history_step.hpp"
#include "kernels/paths/jump_step.hpp"
#include "kernels/paths/market_state.hpp"
#include "kernels/rng/normal.hpp"
#include "kernels/rng/stream_layout.hpp"

namespace levrisk {

enum class market_kind : int {
  gbm,                 // correlated GBM
  merton,              // GBM plus idiosyncratic and systemic jumps
  garch_t,             // GARCH(1,1) with grouped-t innovations
  historical,          // filtered historical simulation, today's volatility
  historical_carried,  // the same with the filter's variance carried along paths
};

struct market_view {
  market_kind kind;
  gbm_view diffusion;  // historical: drift_dt and vol_sqrt_dt only; garch_t: mu dt and L
  jump_view jumps;     // merton
  fhs_view history;    // historical kinds
  garch_view garch;    // garch_t; historical_carried: the filter's recursion
};

LEVRISK_HD LEVRISK_FORCEINLINE bool carries_variance(market_kind kind) {
  return kind == market_kind::garch_t || kind == market_kind::historical_carried;
}

// Normals per step: n diffusion draws, then for GARCH the shared mixing normal
// zeta. Jumps and bootstrap dates draw from their own regions.
LEVRISK_HD LEVRISK_FORCEINLINE int normals_per_step(const market_view& m) {
  switch (m.kind) {
    case market_kind::historical:
    case market_kind::historical_carried:
      return 0;
    case market_kind::garch_t:
      return m.diffusion.n_assets + 1;
    default:
      return m.diffusion.n_assets;
  }
}

// Puts Lanes paths at the snapshot: x = 0, each jump slot's first jump, the
// variance at the snapshot, which opens a period (no shock yet).
template <int Lanes, int MaxAssets>
LEVRISK_HD LEVRISK_FORCEINLINE void market_begin(const market_view& m, const normal_stream& stream,
                                                 std::uint64_t first_path,
                                                 market_state<Lanes, MaxAssets>& state) {
  const int n = m.diffusion.n_assets;
  for (int k = 0; k < n; ++k) {
    for (int lane = 0; lane < Lanes; ++lane) state.log_return[k][lane] = 0.0f;
  }
  if (carries_variance(m.kind)) {
    for (int k = 0; k < n; ++k) {
      for (int lane = 0; lane < Lanes; ++lane) {
        state.variance[k][lane] = m.garch.variance_now[k];
        state.period_shock[k][lane] = 0.0f;
      }
    }
  }
  if (m.kind == market_kind::merton) {
    for (int slot = 0; slot <= n; ++slot) {
      for (int lane = 0; lane < Lanes; ++lane) {
        state.next_jump[slot][lane] =
            first_jump_step(stream.seed, first_path + lane, slot, m.jumps.rate[slot]);
      }
    }
  }
}

// Advances Lanes consecutive paths [first_path, first_path + Lanes) from step
// `step` to `step + 1`, after market_begin; steps must be taken in order from
// 0, since draws are generated every fourth step. The lane loops are where the
// CPU backend vectorizes; the GPU backend runs Lanes = 1, one path per thread.
template <int Lanes, int MaxAssets>
LEVRISK_HD LEVRISK_FORCEINLINE void market_step(const market_view& m, const normal_stream& stream,
                                                std::uint64_t first_path, int step,
                                                market_state<Lanes, MaxAssets>& state) {
  switch (m.kind) {
    case market_kind::gbm:
      diffusion_step<false>(m.diffusion, m.jumps, stream, first_path, step, state);
      return;
    case market_kind::merton:
      diffusion_step<true>(m.diffusion, m.jumps, stream, first_path, step, state);
      return;
    case market_kind::garch_t:
      garch_t_step(m.diffusion, m.garch, stream, first_path, step, state);
      return;
    case market_kind::historical:
      history_step<false>(m.diffusion, m.history, m.garch, stream, first_path, step, state);
      return;
    case market_kind::historical_carried:
      history_step<true>(m.diffusion, m.history, m.garch, stream, first_path, step, state);
      return;
  }
}

}  // namespace levrisk
