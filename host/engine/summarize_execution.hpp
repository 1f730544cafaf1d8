#pragma once
// The execution stage's tallies and per-path totals (kernels/risk/execution_view.hpp)
// turned into per-unit figures in USD with their standard errors, and into the
// distributions of the book's losses over paths (docs/methodology.md, "Shortfall").

#include <cstdint>
#include <string>
#include <vector>

#include "host/engine/execution_setup.hpp"
#include "host/engine/results.hpp"
#include "host/engine/risk_plan.hpp"

namespace levrisk {

// Names of the per-path totals, in the order of enum path_total.
const std::vector<std::string>& path_total_names();

// Column `column` of per-path totals laid out paths x stride.
std::vector<double> column_of(const std::vector<double>& totals, int stride, int column,
                              std::int64_t paths);

// A fixed-point sum (kernels/risk/money_tally.hpp) in USD (or USD^2).
double money_value(const money_tally& sum, int scale_bits);

// The mean over `paths` of a {sum, sum of squares} pair of money tallies, with its
// standard error.
usd_estimate usd_from_sums(const money_tally* sums, std::int64_t paths);

// Fills units[u].execution from the tallies, the books at the snapshot and
// the plan's liquidation prices.
void summarize_unit_execution(const risk_plan& plan, const std::vector<unit_book>& books,
                              const simulation_tallies& tallies, std::int64_t paths,
                              std::vector<unit_result>& units);

// Each venue's own figures from its block of the per-path totals (paths x stride).
std::vector<venue_result> summarize_venues(const execution_plan& plan, int n_assets,
                                           const std::vector<double>& path_totals,
                                           std::int64_t paths);

// The book's figures from the per-path totals (paths x stride, as the backend
// returned them batch after batch); the totals themselves are kept when paths
// <= keep_paths_max.
system_result summarize_system(const execution_plan& plan, int n_assets,
                               const std::vector<double>& path_totals, std::int64_t paths,
                               std::int64_t keep_paths_max);

}  // namespace levrisk
