#pragma once
// Everything a backend needs to simulate a run, as flat host arrays ready for
// upload, and the integer tallies it hands back: the contract between the
// engine and the backends. Grouped as the kernels read it: the market
// (market_plan.hpp), the ladders of single-factor units and the multi-asset
// units; each group has an owning storage in host/backend/ that hands out its
// view. Built by build_risk_plan (host/engine/risk_plan.hpp) and set_market
// (market_setup.hpp); backends never see the snapshot.

#include <cstdint>
#include <vector>

#include "host/plan/execution_plan.hpp"
#include "host/plan/market_plan.hpp"
#include "kernels/risk/atomics.hpp"
#include "kernels/risk/health_form.hpp"

namespace levrisk {

struct factor_spec {
  int numerator_asset;
  int denominator_asset;                        // -1: USD
  std::vector<float> falling_threshold;         // descending log levels
  std::vector<float> rising_threshold_negated;  // descending negated log levels
  std::vector<int> falling_unit;                // the risk unit at each position
  std::vector<int> rising_unit;
  int oracle_group = 0;  // its units' (factor_view::oracle_group)
};

// Units routed to ladders (kernels/risk/factor_ladders.hpp), by factor.
struct ladder_plan {
  std::vector<factor_spec> factors;
  int histogram_bins = 0;
  double histogram_width = 0.0;  // in log-factor units
  // Ladder l = 2 f (falling) or 2 f + 1 (rising); its thresholds start at
  // offsets[l] in the concatenation and its tallies at offsets[l] + l.
  std::vector<std::int64_t> ladder_offsets() const;
};

// Units evaluated by screen and exact check (kernels/risk/screen.hpp, exact_check.hpp).
struct multi_unit_plan {
  std::vector<int> term_offset;  // n_units + 1
  std::vector<health_term> terms;
  std::vector<double> numerator_const_usd;
  std::vector<double> denominator_const_usd;
  std::int64_t hf_sample_paths = 0;

  int n_units() const { return static_cast<int>(numerator_const_usd.size()); }
};

struct simulation_plan {
  std::uint64_t seed = 0;
  std::int64_t n_paths = 0;
  int n_steps = 0;
  market_plan market;
  ladder_plan ladders;
  multi_unit_plan multi;
  execution_plan execution;
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
  // Execution stage (kernels/risk/execution_view.hpp): per unit, n_unit_money x
  // {sum, sum of squares} and n_unit_counts counts.
  std::vector<money_tally> execution_money;
  std::vector<tally_t> execution_counts;
  // With feedback: steps by the cascade rounds they took, max_cascade_rounds + 1.
  std::vector<tally_t> rounds_histogram;
};

}  // namespace levrisk
