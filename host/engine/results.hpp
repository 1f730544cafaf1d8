#pragma once
// What a run produces, independent of how it is stored. Every Monte Carlo
// figure carries its standard error or a confidence interval.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace levrisk {

// What is liquidated as one unit: a lending account, an isolated perp position,
// or a cross-margin perp account (all its positions together).
enum class risk_unit_kind : std::uint8_t { lending_account, perp_isolated, perp_cross };

const char* to_string(risk_unit_kind kind);

struct unit_result {
  std::string id;  // account id; for isolated positions "<account>/<market>"
  risk_unit_kind kind;
  // Health factor at the snapshot: collateral weighted by LT over debt for lending,
  // equity over maintenance requirement for perps. Liquidated when below 1.
  double health_factor_initial;

  std::int64_t liquidated_paths;
  double liquidation_probability;
  double liquidation_probability_se;  // binomial: sqrt(p (1 - p) / n)
  double liquidation_probability_lo;  // 95% Wilson interval
  double liquidation_probability_hi;
  double time_to_liquidation_days;  // mean given liquidation; NaN if never liquidated
  double time_to_liquidation_se_days;

  // Quantiles of the path minimum of the health factor, at run_result::hf_min_levels,
  // each with a 95% order-statistic interval. hf_min_paths: how many paths they use.
  std::vector<double> hf_min_quantile;
  std::vector<double> hf_min_quantile_lo;
  std::vector<double> hf_min_quantile_hi;
  // 1 where the value beside it is only an upper bound: the quantile fell beyond the
  // range of the factor's histogram, and the true value is at most the one given.
  // Same length as the values, or empty (no bounds, as in files written before it).
  std::vector<std::uint8_t> hf_min_quantile_bound;
  std::vector<std::uint8_t> hf_min_quantile_lo_bound;
  std::vector<std::uint8_t> hf_min_quantile_hi_bound;
  std::int64_t hf_min_paths;
};

// Whether entry `level` of one of unit_result's *_bound vectors marks a bound.
inline bool is_bound(const std::vector<std::uint8_t>& bound, std::size_t level) {
  return level < bound.size() && bound[level] != 0;
}

struct asset_result {
  std::string id;
  double spot_usd;
  double drift_annual;
  double vol_annual;  // at the snapshot, as simulated (garch: variance_now; fhs: the filter's)
};

struct run_metadata {
  std::string engine_version;
  std::string git_revision;
  std::string run_name;
  std::uint64_t seed = 0;
  std::int64_t paths = 0;
  int steps = 0;
  double horizon_days = 0.0;
  std::string backend;  // "cpu" or "cuda"
  std::string device;   // human-readable device description
  std::string model;    // "gbm"
  std::string snapshot;
  std::string resolved_config;  // the full configuration as TOML
  std::string model_fit;        // what the run fitted from data (TOML); empty if nothing
  std::string created_utc;      // ISO 8601
  double wall_time_s = 0.0;
  std::int64_t batch_paths = 0;          // paths per batch (host/engine/batch_planner.hpp)
  std::int64_t memory_budget_bytes = 0;  // the budget the batch was chosen within
};

struct run_result {
  run_metadata metadata;
  std::vector<asset_result> assets;
  std::vector<double> correlation;    // n_assets x n_assets, row-major, as simulated
  std::vector<double> hf_min_levels;  // probability levels of the hf_min quantiles
  std::vector<unit_result> units;
};

}  // namespace levrisk
