#pragma once
// What the execution stage (kernels/risk/execution.hpp) reads and writes: the
// units' balances and rules, and where its tallies and per-path totals go.

#include <cstdint>

#include "kernels/common.hpp"
#include "kernels/risk/atomics.hpp"
#include "kernels/risk/lending_liquidation.hpp"
#include "kernels/risk/money_tally.hpp"
#include "kernels/risk/perp_liquidation.hpp"
#include "kernels/risk/price_impact.hpp"

namespace levrisk {

enum class execution_kind : int { lending, perp };

struct execution_unit {
  execution_kind kind;
  int first_leg;  // into lending_legs or perp_legs, by kind
  int n_legs;
  double margin_usd;  // perps: isolated margin or cross collateral
};

// Per-unit sums over paths: money[(unit * n_unit_money + m) * 2 + {0: sum, 1: squares}].
enum unit_money : int { money_liquidated, money_owner_loss, money_bad_debt, n_unit_money };
// Per-unit counts: counts[unit * n_unit_counts + c].
enum unit_count : int {
  count_executed,         // paths with at least one execution
  count_bad_debt,         // paths with bad debt (lending) or a loss to the venue (perps)
  count_calls,            // liquidation calls, all paths
  count_calls_exhausted,  // paths where a step ran out of calls with HF still below 1
  count_pending,          // paths triggered with the execution beyond the horizon
  n_unit_counts
};

// A path's totals: totals.values[(path - first_path) * stride + t]; after the
// n_path_totals entries, USD sold then bought by liquidations per asset.
enum path_total : int {
  total_book_loss,  // lending bad debt + perp losses, before any buffer
  total_lending_bad_debt,
  total_lending_reserve_draw,
  total_lending_shortfall,  // bad debt the reserve did not cover
  total_perp_loss,          // venue losses before the fund
  total_fund_draw,
  total_perp_deficit,  // beyond the fund: to auto-deleveraging
  total_fund_fees,     // liquidation fees paid into the fund
  total_liquidated,    // collateral seized (lending) and notional closed (perps), USD
  total_owner_loss,    // bonuses, owners' slippage and fees
  total_lending_bonus,
  total_perp_owner_slippage,
  total_liquidator_slippage,
  n_path_totals
};

struct path_totals_view {
  double* values;
  int stride;  // n_path_totals + 2 n_assets
  std::uint64_t first_path;
};

struct execution_view {
  int enabled;
  const execution_unit* units;  // every risk unit, in output order
  const lending_leg* lending_legs;
  const perp_leg* perp_legs;
  const int* exact_units;  // multi-asset unit index -> risk unit
  const int* step0_units;  // constant route, liquidated at the snapshot
  const int* asset_moves;  // per asset: 0 when its price never moves (growth 1)
  int n_step0_units;
  lending_rules lending;
  impact_view impact;
  int keeper_delay_steps;
  int max_calls_per_step;
  double lending_reserve_usd;
  double insurance_fund_usd;
  money_tally* money;
  tally_t* counts;
  path_totals_view totals;
  float* batch_rows;  // GPU: each path's stored prices, by path in batch (else null)
  double* batch_ledger;
};

// Floats of one path's stored prices and scratch (growth factors, log-returns,
// and the growth factors' suffix extremes) and doubles of its fund ledger.
LEVRISK_HD inline std::int64_t stored_rows_floats(int n_steps, int n_assets) {
  return 4 * static_cast<std::int64_t>(n_steps + 1) * n_assets;
}
LEVRISK_HD inline std::int64_t ledger_doubles(int n_steps) {
  return 2 * static_cast<std::int64_t>(n_steps + 1);
}

}  // namespace levrisk
