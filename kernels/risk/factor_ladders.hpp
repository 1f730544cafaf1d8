#pragma once
// The ladder stage: every factor's running extremes along a block of paths, the
// liquidation ladders they walk (kernels/risk/ladder.hpp), and at the path's end
// the extremes binned into histograms (the health-factor minimum of every
// single-factor unit is a monotone function of them).

#include "kernels/common.hpp"
#include "kernels/risk/atomics.hpp"
#include "kernels/risk/ladder.hpp"

namespace levrisk {

// The factors, and the largest count a run can have: more single-factor units
// than this go through the exact check (host/engine/risk_plan.cpp).
constexpr int max_factors = 64;

// A factor y = x[numerator_asset] - x[denominator_asset] (a log price ratio), or
// x[numerator_asset] alone (a log-return in USD) when denominator_asset < 0.
struct factor_view {
  int numerator_asset;
  int denominator_asset;
  // The oracle whose prices trigger its units where liquidations feed back
  // (kernels/risk/feedback_execution.hpp): a factor's units share one.
  int oracle_group;
  ladder_view falling;     // liquidated when y falls below the threshold
  ladder_view rising;      // liquidated when y rises above it (thresholds negated)
  tally_t* min_histogram;  // bins of -min_t y(t) over [0, bins / inverse_width)
  tally_t* max_histogram;  // bins of  max_t y(t)
};

struct factor_ladders_view {
  int n_factors;
  const factor_view* factors;
  int histogram_bins;
  float histogram_inverse_width;
};

template <int Lanes, int MaxFactors>
struct factor_state {
  float y_min[MaxFactors][Lanes];  // running extremes of each factor
  float y_max[MaxFactors][Lanes];
  int falling_crossed[MaxFactors][Lanes];  // ladder positions crossed so far
  int rising_crossed[MaxFactors][Lanes];
};

// The bin of a distance; the last bin also holds every distance beyond the range.
LEVRISK_HD LEVRISK_FORCEINLINE int histogram_bin(float distance, float inverse_width, int bins) {
  const float scaled = distance * inverse_width;
  return scaled >= static_cast<float>(bins - 1) ? bins - 1 : static_cast<int>(scaled);
}

// Step 0 is a monitoring point: units already below HF 1 at the snapshot.
template <int Lanes, int MaxFactors>
LEVRISK_HD LEVRISK_FORCEINLINE void ladders_begin(const factor_ladders_view& v, int active_lanes,
                                                  factor_state<Lanes, MaxFactors>& state) {
  for (int f = 0; f < v.n_factors; ++f) {
    for (int lane = 0; lane < Lanes; ++lane) {
      state.y_min[f][lane] = state.y_max[f][lane] = 0.0f;
      state.falling_crossed[f][lane] =
          lane < active_lanes ? ladder_advance(v.factors[f].falling, 0, 0.0f, 0) : 0;
      state.rising_crossed[f][lane] =
          lane < active_lanes ? ladder_advance(v.factors[f].rising, 0, 0.0f, 0) : 0;
    }
  }
}

// Lanes whose factor reached a new extreme walk its ladder. Most steps set no
// new extreme on any lane, so the walk sits behind one vectorized test.
template <int Lanes, int MaxFactors, int MaxAssets>
LEVRISK_HD LEVRISK_FORCEINLINE void ladders_step(const factor_ladders_view& v,
                                                 const float (&log_return)[MaxAssets][Lanes],
                                                 int step, int active_lanes,
                                                 factor_state<Lanes, MaxFactors>& state) {
  for (int f = 0; f < v.n_factors; ++f) {
    const factor_view& factor = v.factors[f];
    float y[Lanes];
    int new_extreme = 0;
    LEVRISK_SIMD_OR(new_extreme)
    for (int lane = 0; lane < Lanes; ++lane) {
      y[lane] = log_return[factor.numerator_asset][lane] -
                (factor.denominator_asset >= 0 ? log_return[factor.denominator_asset][lane] : 0.0f);
      new_extreme |=
          static_cast<int>(y[lane] < state.y_min[f][lane] || y[lane] > state.y_max[f][lane]);
    }
    if (!new_extreme) continue;
    for (int lane = 0; lane < active_lanes && lane < Lanes; ++lane) {
      if (y[lane] < state.y_min[f][lane]) {
        state.y_min[f][lane] = y[lane];
        state.falling_crossed[f][lane] =
            ladder_advance(factor.falling, state.falling_crossed[f][lane], y[lane], step);
      } else if (y[lane] > state.y_max[f][lane]) {
        state.y_max[f][lane] = y[lane];
        state.rising_crossed[f][lane] =
            ladder_advance(factor.rising, state.rising_crossed[f][lane], -y[lane], step);
      }
    }
  }
}

// The path's extremes into the histograms.
template <int Lanes, int MaxFactors>
LEVRISK_HD LEVRISK_FORCEINLINE void ladders_finish(const factor_ladders_view& v, int active_lanes,
                                                   const factor_state<Lanes, MaxFactors>& state) {
  for (int lane = 0; lane < active_lanes && lane < Lanes; ++lane) {
    for (int f = 0; f < v.n_factors; ++f) {
      const factor_view& factor = v.factors[f];
      tally_add(factor.min_histogram + histogram_bin(-state.y_min[f][lane],
                                                     v.histogram_inverse_width, v.histogram_bins),
                1ull);
      tally_add(factor.max_histogram + histogram_bin(state.y_max[f][lane],
                                                     v.histogram_inverse_width, v.histogram_bins),
                1ull);
    }
  }
}

}  // namespace levrisk
