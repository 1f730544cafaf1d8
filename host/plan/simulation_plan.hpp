#pragma once
// Everything a backend needs to simulate a run, as flat host arrays ready for
// upload, and the integer tallies it hands back. Built by build_risk_plan
// (host/engine/risk_plan.hpp) and set_market (market_setup.hpp); backends never
// see the snapshot.

#include <cstdint>
#include <vector>

#include "kernels/paths/market_step.hpp"
#include "kernels/risk/atomics.hpp"
#include "kernels/risk/health_form.hpp"

namespace levrisk {

struct factor_spec {
  int numerator_asset;
  int denominator_asset;                        // -1: USD
  std::vector<float> falling_threshold;         // descending log levels
  std::vector<float> rising_threshold_negated;  // descending negated log levels
};

struct simulation_plan {
  std::uint64_t seed = 0;
  std::int64_t n_paths = 0;
  int n_steps = 0;
  int n_assets = 0;
  market_kind model = market_kind::gbm;  // which tables below the kernels read
  std::vector<float> drift_dt;           // per asset, see kernels/paths/market_step.hpp
  std::vector<float> vol_sqrt_dt;
  std::vector<float> cholesky;  // n_assets x n_assets
  // Jumps (kernels/paths/jump_step.hpp), for merton.
  std::vector<float> jump_rate;       // per slot: expected jumps per step, systemic last
  std::vector<float> jump_count_cdf;  // (n_assets + 1) x jump_count_terms, systemic last
  std::vector<float> jump_mean;
  std::vector<float> jump_stdev;
  std::vector<float> systemic_loading;
  float systemic_jump_mean = 0.0f;
  float systemic_jump_stdev = 0.0f;
  // GARCH(1,1)-t (kernels/paths/garch_step.hpp), for garch_t and historical_carried.
  std::vector<float> garch_omega, garch_alpha, garch_beta, garch_variance_now;
  std::vector<float> garch_mixing;  // garch_step_coefficients::interleaved_mixing()
  // Filtered historical simulation (kernels/paths/history_step.hpp), historical kinds.
  std::vector<float> history_residual;  // history_dates x n_assets
  int history_dates = 0;
  int history_block_length = 1;
  std::vector<factor_spec> factors;
  int histogram_bins = 0;
  double histogram_width = 0.0;  // in log-factor units
  // Multi-factor units, evaluated by screen and exact check.
  std::vector<int> term_offset;
  std::vector<health_term> terms;
  std::vector<double> numerator_const_usd;
  std::vector<double> denominator_const_usd;
  std::int64_t hf_sample_paths = 0;

  int n_multi_units() const { return static_cast<int>(numerator_const_usd.size()); }
  // Ladder l = 2 f (falling) or 2 f + 1 (rising); its thresholds start at
  // ladder_offset(l) in the concatenation and its tallies at ladder_offset(l) + l.
  std::vector<std::int64_t> ladder_offsets() const;
};

struct simulation_tallies {
  // Difference arrays of every ladder, concatenated (size + 1 each), see ladder_offsets.
  std::vector<tally_t> crossed_diff;
  std::vector<tally_t> step_sum_diff;
  std::vector<tally_t> step_sq_sum_diff;
  std::vector<tally_t> min_histogram;  // n_factors x histogram_bins
  std::vector<tally_t> max_histogram;
  std::vector<tally_t> multi_liquidated;
  std::vector<tally_t> multi_step_sum;
  std::vector<tally_t> multi_step_sq_sum;
  std::vector<float> hf_min_sample;  // n_multi_units x hf_sample_paths
};

}  // namespace levrisk
