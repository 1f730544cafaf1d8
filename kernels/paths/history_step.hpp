#pragma once
// Filtered historical simulation: each step takes one date's standardized
// residuals for every asset (the cross-section stays whole) and rescales them by
// today's volatility: x_k += drift_dt_k + vol_sqrt_dt_k eps_{d,k}; or, with the
// filter's variance carried along the path, by that variance (garch_advance
// with eps_{d,k}). Dates are drawn in blocks of block_length consecutive dates
// (a block bootstrap, which keeps short-range volatility clustering), wrapping
// at the end of the table. The start date of a block beginning at step s is
// word x of block history_block_base + s (kernels/rng/stream_layout.hpp), mapped
// to [0, n_dates) by a 64-bit multiply-high.

#include "kernels/common.hpp"
#include "kernels/paths/garch_step.hpp"
#include "kernels/paths/gbm_step.hpp"
#include "kernels/paths/market_state.hpp"
#include "kernels/rng/normal.hpp"
#include "kernels/rng/philox.hpp"
#include "kernels/rng/stream_layout.hpp"

namespace levrisk {

struct fhs_view {
  const float* residual;  // [date * n_assets + k]
  int n_dates;
  int block_length;
};

// Each lane's date of step `step`.
template <int Lanes, int MaxAssets>
LEVRISK_HD LEVRISK_FORCEINLINE void advance_dates(const fhs_view& h, const normal_stream& stream,
                                                  std::uint64_t first_path, int step,
                                                  market_state<Lanes, MaxAssets>& state) {
  if (step % h.block_length == 0) {
    LEVRISK_SIMD
    for (int lane = 0; lane < Lanes; ++lane) {
      const std::uint32_t word =
          philox_block(stream.seed, first_path + lane, history_block_base + step).x;
      state.date[lane] = static_cast<int>((static_cast<std::uint64_t>(word) * h.n_dates) >> 32);
    }
  } else {
    for (int lane = 0; lane < Lanes; ++lane) {
      state.date[lane] = state.date[lane] + 1 == h.n_dates ? 0 : state.date[lane] + 1;
    }
  }
}

// Lanes paths from `step` to `step + 1`. CarryVariance: the filter's recursion
// (garch view) scales the residuals instead of today's fixed volatility.
template <bool CarryVariance, int Lanes, int MaxAssets>
LEVRISK_HD LEVRISK_FORCEINLINE void history_step(const gbm_view& model, const fhs_view& h,
                                                 const garch_view& filter,
                                                 const normal_stream& stream,
                                                 std::uint64_t first_path, int step,
                                                 market_state<Lanes, MaxAssets>& state) {
  const int n = model.n_assets;
  advance_dates(h, stream, first_path, step, state);
  for (int k = 0; k < n; ++k) {
    const float drift = model.drift_dt[k];
    float eps[Lanes];
    LEVRISK_SIMD
    for (int lane = 0; lane < Lanes; ++lane) eps[lane] = h.residual[state.date[lane] * n + k];
    if (CarryVariance) {
      garch_advance_lanes<Lanes>(filter, k, drift, eps, state.variance[k], state.log_return[k]);
      continue;
    }
    const float vol = model.vol_sqrt_dt[k];
    float(&x)[Lanes] = state.log_return[k];
    LEVRISK_SIMD
    for (int lane = 0; lane < Lanes; ++lane) x[lane] += drift + vol * eps[lane];
  }
}

}  // namespace levrisk
