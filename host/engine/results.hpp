#pragma once
// What a run produces, independent of how it is stored. Every Monte Carlo
// figure carries its standard error or a confidence interval.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "host/engine/tail_statistics.hpp"

namespace levrisk {

// What is liquidated as one unit: a lending account, an isolated perp position,
// or a cross-margin perp account (all its positions together).
enum class risk_unit_kind : std::uint8_t { lending_account, perp_isolated, perp_cross };

const char* to_string(risk_unit_kind kind);

// A Monte Carlo mean over all paths and its standard error.
struct usd_estimate {
  double mean = std::nan("");
  double se = std::nan("");
};

struct unit_execution_result {
  // At the snapshot's prices.
  double collateral_usd = 0.0;  // lending: collateral; perps: margin
  double debt_usd = 0.0;
  double notional_usd = 0.0;  // perps: sum of |size| x spot
  double equity_usd = 0.0;    // collateral - debt; perps: margin + unrealised PnL
  // Price of the unit's one factor at which it is liquidated; NaN when several
  // prices drive it (or none).
  double liquidation_price = std::nan("");
  // Means over all paths, USD.
  usd_estimate liquidated_usd;  // collateral seized (lending), notional closed (perps)
  usd_estimate owner_loss_usd;  // liquidation bonus (lending); slippage and fee (perps)
  usd_estimate bad_debt_usd;    // debt left with no collateral; perps: the venue's loss
  std::int64_t bad_debt_paths = 0;
  double bad_debt_probability = 0.0;  // with its 95% Wilson interval
  double bad_debt_probability_lo = 0.0;
  double bad_debt_probability_hi = 0.0;
  std::int64_t executed_paths = 0;                // paths with at least one execution
  double calls_per_executed_path = std::nan("");  // liquidation calls (lending rounds)
  std::int64_t calls_exhausted_paths = 0;         // a step ended with HF < 1 and no call left
  std::int64_t pending_paths = 0;                 // triggered, executed beyond the horizon
  // Perps: what auto-deleveraging took from it, at the bankruptcy price of the
  // positions on the other side: the profit it gave up and the notional closed.
  usd_estimate adl_loss_usd;
  usd_estimate adl_notional_usd;
  std::int64_t adl_paths = 0;
  double adl_probability = 0.0;  // with its 95% Wilson interval
  double adl_probability_lo = 0.0;
  double adl_probability_hi = 0.0;
  // Its contribution to the book's expected shortfall at system_result::contribution_level
  // (Euler allocation): the mean of its loss over the tail paths, with its standard error.
  usd_estimate es_contribution_usd;
};

struct unit_result {
  std::string id;  // account id; for isolated positions "<account>/<market>"
  // The id of its lending protocol or perp exchange; "" in files written before
  // units named their venue.
  std::string venue;
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

  // Perp units: quantiles of the path maximum of the margin ratio, maintenance /
  // equity bounded to [0, 1] (Binance USD-M; host/engine/margin_ratio.hpp), read from
  // the HF quantiles beside them: entry i is the (1 - hf_min_levels[i]) quantile, with
  // its 95% interval. NaN for lending units. Same length as hf_min_quantile, or empty
  // (written as NaN).
  std::vector<double> margin_ratio_max_quantile;
  std::vector<double> margin_ratio_max_quantile_lo;
  std::vector<double> margin_ratio_max_quantile_hi;
  // 1 where the value beside it is only a lower bound: the true value is at least the
  // one given (the HF it comes from is an upper bound). Same length as the values, or
  // empty (no bounds).
  std::vector<std::uint8_t> margin_ratio_max_quantile_bound;
  std::vector<std::uint8_t> margin_ratio_max_quantile_lo_bound;
  std::vector<std::uint8_t> margin_ratio_max_quantile_hi_bound;

  // What its liquidations left behind (docs/methodology.md, "Liquidation
  // execution"); filled when the run executed liquidations (run_result::system).
  unit_execution_result execution;
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
  // The snapshot's manifest.toml (empty when absent) and content hash
  // (host/snapshot/snapshot.hpp, snapshot_provenance).
  std::string snapshot_as_of;
  std::string snapshot_block;
  std::string snapshot_source;
  std::string snapshot_sha256;
  std::string resolved_config;  // the full configuration as TOML
  std::string model_fit;        // what the run fitted from data (TOML); empty if nothing
  std::string created_utc;      // ISO 8601
  double wall_time_s = 0.0;
  std::int64_t batch_paths = 0;           // paths per batch (host/engine/batch_planner.hpp)
  std::int64_t memory_budget_bytes = 0;   // the budget the batch was chosen within
  std::int64_t planned_memory_bytes = 0;  // what the batch planner counted against the budget
  std::int64_t peak_memory_bytes = 0;     // the process's peak resident set; 0 when unknown
};

// The shortfall of the whole book (docs/methodology.md, "Shortfall"): per-path
// totals and their distributions.
// A ratio of two means over the same paths, with its delta-method standard
// error (the paths' pairing kept: docs/methodology.md, "Amplification").
struct ratio_estimate {
  double ratio = std::nan("");
  double se = std::nan("");
};

// One figure of the book under the full run and its two counterfactuals on the
// same paths: without permanent impact, and with a perfect oracle.
struct amplification_row {
  std::string figure;  // "book_loss_usd" | "uncovered_usd"
  usd_estimate full;
  usd_estimate no_permanent;
  usd_estimate perfect_oracle;
  ratio_estimate permanent_amplification;  // full / no_permanent
  ratio_estimate oracle_effect;            // full / perfect_oracle
};

// What the step-synchronous stage adds (kernels/risk/feedback_execution.hpp).
struct feedback_result {
  bool enabled = false;
  bool oracle = false;
  double permanent_impact_share = 0.0;
  int max_cascade_rounds = 0;
  bool amplification = false;            // the counterfactual passes ran ...
  std::int64_t amplification_paths = 0;  // ... on paths [0, this), the table's sample
  // Steps (all paths) by the rounds they took: [r] for r = 1..max_cascade_rounds.
  std::vector<std::int64_t> rounds_histogram;
  std::vector<loss_distribution> asset_drawdown;  // per asset: 1 - lowest impact multiplier
  std::vector<amplification_row> amplification_rows;
};

// One venue's own figures on every path: a lending protocol or a perp exchange
// of the snapshot.
struct venue_result {
  std::string id;
  std::string kind;       // "lending" or "perp"
  double fund_usd = 0.0;  // its reserve, or its insurance fund, at the snapshot
  // The first n_venue_totals of system_result::total_names (enum path_total) and
  // their distributions over paths, of this venue's units and buffer only.
  std::vector<std::string> total_names;
  std::vector<loss_distribution> totals;
};

struct system_result {
  bool executed = false;
  double lending_reserve_usd = 0.0;  // all lending venues' reserves
  double insurance_fund_usd = 0.0;   // all perp venues' insurance funds
  int keeper_delay_steps = 0;
  double impact_exponent = 0.0;
  std::vector<std::string> total_names;         // one per path total, as in the file
  std::vector<loss_distribution> totals;        // their distributions over paths
  std::vector<loss_distribution> asset_sold;    // per asset: USD sold by liquidations
  std::vector<loss_distribution> asset_bought;  // per asset: USD bought (shorts closed)
  // The level and the paths of the tail over which units' ES contributions are
  // averaged (the book_loss_usd tail; they add up to its ES at that level).
  double contribution_level = 0.99;
  std::int64_t contribution_tail_paths = 0;
  // The per-path totals themselves, paths x total_names.size(); empty above the
  // configured size ([liquidation] path_totals_max_paths).
  std::vector<double> path_totals;
  feedback_result feedback;
  std::vector<venue_result> venues;  // lending venues, then perp venues, as in the snapshot
};

struct run_result {
  run_metadata metadata;
  std::vector<asset_result> assets;
  std::vector<double> correlation;    // n_assets x n_assets, row-major, as simulated
  std::vector<double> hf_min_levels;  // probability levels of the hf_min quantiles
  std::vector<unit_result> units;
  system_result system;
};

}  // namespace levrisk
