#pragma once
// Correlated GBM, optionally with Merton jumps, in log-space. With x_k the
// log-return of asset k since the snapshot:
//   x_k(t + dt) = x_k(t) + drift_dt_k + vol_sqrt_dt_k g_k [+ J_k]
// g = L z the correlated normals (kernels/paths/innovations.hpp). Without jumps
// this is GBM discretised exactly (drift_dt = (mu - sigma^2 / 2) dt): only
// monitoring is discrete. With jumps it is Merton's jump-diffusion with a
// systemic component (kernels/paths/jump_step.hpp); drift_dt then holds the
// jump compensation too.

#include "kernels/common.hpp"
#include "kernels/paths/innovations.hpp"
#include "kernels/paths/jump_step.hpp"
#include "kernels/paths/market_state.hpp"
#include "kernels/rng/normal.hpp"

namespace levrisk {

struct gbm_view {
  int n_assets;
  const float* drift_dt;     // per asset, compensated for jumps when there are any
  const float* vol_sqrt_dt;  // sigma sqrt(dt), per asset
  const float* cholesky;     // lower triangle, row-major n_assets x n_assets
};

// Lanes paths from `step` to `step + 1`. WithJumps adds the jump overlay: the
// systemic slot's jump first, then each asset's own after its diffusion move.
template <bool WithJumps, int Lanes, int MaxAssets>
LEVRISK_HD LEVRISK_FORCEINLINE void diffusion_step(const gbm_view& model, const jump_view& jumps,
                                                   const normal_stream& stream,
                                                   std::uint64_t first_path, int step,
                                                   market_state<Lanes, MaxAssets>& state) {
  const int n = model.n_assets;
  const int normal_base = step_normals(stream, first_path, step, state);
  float systemic[Lanes] = {};
  if (WithJumps) {
    slot_jumps<Lanes>(jumps, stream, first_path, step, n, n, jumps.systemic_mean,
                      jumps.systemic_stdev, state.next_jump[n], systemic);
  }
  for (int k = 0; k < n; ++k) {
    float correlated[Lanes];
    correlated_normal(model.cholesky, n, k, normal_base, state, correlated);
    const float drift = model.drift_dt[k];
    const float vol = model.vol_sqrt_dt[k];
    float(&x)[Lanes] = state.log_return[k];
    LEVRISK_SIMD
    for (int lane = 0; lane < Lanes; ++lane) x[lane] += drift + vol * correlated[lane];
    if (!WithJumps) continue;
    float jump[Lanes];
    slot_jumps<Lanes>(jumps, stream, first_path, step, n, k, jumps.mean[k], jumps.stdev[k],
                      state.next_jump[k], jump);
    const float loading = jumps.systemic_loading[k];
    LEVRISK_SIMD
    for (int lane = 0; lane < Lanes; ++lane) x[lane] += jump[lane] + loading * systemic[lane];
  }
}

}  // namespace levrisk
