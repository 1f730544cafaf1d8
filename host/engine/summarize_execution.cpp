#include "host/engine/summarize_execution.hpp"

#include <cmath>
#include <cstddef>
#include <utility>

#include "common/error.hpp"
#include "host/engine/statistics.hpp"
#include "host/engine/tail_statistics.hpp"

namespace levrisk {
std::vector<double> column_of(const std::vector<double>& totals, int stride, int column,
                              std::int64_t paths) {
  std::vector<double> values(static_cast<std::size_t>(paths));
  for (std::int64_t p = 0; p < paths; ++p) {
    values[static_cast<std::size_t>(p)] = totals[static_cast<std::size_t>(p * stride + column)];
  }
  return values;
}

usd_estimate usd_from_sums(const money_tally* sums, std::int64_t paths) {
  const mean_estimate m = mean_from_sums(paths, money_value(sums[0], money_scale_bits),
                                         money_value(sums[1], money_square_scale_bits));
  return usd_estimate{m.mean, m.se};
}

const std::vector<std::string>& path_total_names() {
  // In the order of enum path_total (kernels/risk/execution_view.hpp).
  static const std::vector<std::string> names{"book_loss_usd",
                                              "lending_bad_debt_usd",
                                              "lending_reserve_draw_usd",
                                              "lending_shortfall_usd",
                                              "perp_loss_usd",
                                              "fund_draw_usd",
                                              "perp_deficit_usd",
                                              "adl_usd",
                                              "adl_unfilled_usd",
                                              "fund_fees_usd",
                                              "liquidated_usd",
                                              "owner_loss_usd",
                                              "lending_bonus_usd",
                                              "perp_owner_slippage_usd",
                                              "liquidator_slippage_usd",
                                              "cascade_steps",
                                              "unconverged_steps",
                                              "max_cascade_rounds",
                                              "oracle_updates",
                                              "book_loss_no_permanent_usd",
                                              "uncovered_no_permanent_usd",
                                              "book_loss_perfect_oracle_usd",
                                              "uncovered_perfect_oracle_usd"};
  return names;
}

double money_value(const money_tally& sum, int scale_bits) {
  const long double high = static_cast<long double>(static_cast<std::int64_t>(sum.high));
  const long double value = high * 18446744073709551616.0L + static_cast<long double>(sum.low);
  return static_cast<double>(std::ldexp(value, -scale_bits));
}

void summarize_unit_execution(const risk_plan& plan, const std::vector<unit_book>& books,
                              const simulation_tallies& tallies, std::int64_t paths,
                              std::vector<unit_result>& units) {
  LEVRISK_REQUIRE(books.size() == units.size() &&
                      tallies.execution_counts.size() == units.size() * n_unit_counts &&
                      tallies.execution_money.size() == units.size() * n_unit_money * 2,
                  runtime_failure, "execution tallies do not match the units");
  for (std::size_t u = 0; u < units.size(); ++u) {
    unit_execution_result& r = units[u].execution;
    const unit_book& book = books[u];
    r.collateral_usd = book.collateral_usd;
    r.debt_usd = book.debt_usd;
    r.notional_usd = book.notional_usd;
    r.equity_usd = book.equity_usd;
    r.liquidation_price = plan.units[u].liquidation_price;
    const money_tally* money = tallies.execution_money.data() + u * n_unit_money * 2;
    const auto sums = [money](unit_money m) { return money + 2 * static_cast<std::ptrdiff_t>(m); };
    r.liquidated_usd = usd_from_sums(sums(money_liquidated), paths);
    r.owner_loss_usd = usd_from_sums(sums(money_owner_loss), paths);
    r.bad_debt_usd = usd_from_sums(sums(money_bad_debt), paths);
    const tally_t* counts = tallies.execution_counts.data() + u * n_unit_counts;
    r.bad_debt_paths = static_cast<std::int64_t>(counts[count_bad_debt]);
    const proportion_estimate bad = binomial_estimate(r.bad_debt_paths, paths);
    r.bad_debt_probability = bad.p;
    r.bad_debt_probability_lo = bad.lo;
    r.bad_debt_probability_hi = bad.hi;
    r.executed_paths = static_cast<std::int64_t>(counts[count_executed]);
    r.calls_per_executed_path = r.executed_paths > 0 ? static_cast<double>(counts[count_calls]) /
                                                           static_cast<double>(r.executed_paths)
                                                     : std::nan("");
    r.calls_exhausted_paths = static_cast<std::int64_t>(counts[count_calls_exhausted]);
    r.pending_paths = static_cast<std::int64_t>(counts[count_pending]);
    r.adl_loss_usd = usd_from_sums(sums(money_adl_loss), paths);
    r.adl_notional_usd = usd_from_sums(sums(money_adl_notional), paths);
    r.adl_paths = static_cast<std::int64_t>(counts[count_adl]);
    const proportion_estimate adl = binomial_estimate(r.adl_paths, paths);
    r.adl_probability = adl.p;
    r.adl_probability_lo = adl.lo;
    r.adl_probability_hi = adl.hi;
  }
}

// Each venue's block of the per-path totals (venue_totals_offset).
std::vector<venue_result> summarize_venues(const execution_plan& plan, int n_assets,
                                           const std::vector<double>& path_totals,
                                           std::int64_t paths) {
  const int stride = plan.path_stride(n_assets);
  std::vector<venue_result> venues;
  for (int v = 0; v < plan.n_venues(); ++v) {
    venue_result r;
    r.id = plan.venue_ids[static_cast<std::size_t>(v)];
    r.kind = v < plan.first_perp_venue ? "lending" : "perp";
    r.fund_usd = plan.venues[static_cast<std::size_t>(v)].fund_usd;
    r.total_names.assign(path_total_names().begin(), path_total_names().begin() + n_venue_totals);
    const int first = venue_totals_offset(n_assets) + v * n_venue_totals;
    for (int t = 0; t < n_venue_totals; ++t) {
      r.totals.push_back(summarize_losses(column_of(path_totals, stride, first + t, paths)));
    }
    venues.push_back(std::move(r));
  }
  return venues;
}

system_result summarize_system(const execution_plan& plan, int n_assets,
                               const std::vector<double>& path_totals, std::int64_t paths,
                               std::int64_t keep_paths_max) {
  const int stride = plan.path_stride(n_assets);
  LEVRISK_REQUIRE(static_cast<std::int64_t>(path_totals.size()) == paths * stride, runtime_failure,
                  "per-path totals: " << path_totals.size() << " values for " << paths
                                      << " paths of " << stride);
  LEVRISK_REQUIRE(path_total_names().size() == static_cast<std::size_t>(n_path_totals),
                  runtime_failure, "path totals: names and enum path_total disagree");
  system_result s;
  s.executed = true;
  for (int v = 0; v < plan.n_venues(); ++v) {
    (v < plan.first_perp_venue ? s.lending_reserve_usd : s.insurance_fund_usd) +=
        plan.venues[static_cast<std::size_t>(v)].fund_usd;
  }
  s.keeper_delay_steps = plan.keeper_delay_steps;
  s.impact_exponent = plan.impact_exponent;
  s.total_names = path_total_names();
  for (int t = 0; t < n_path_totals; ++t) {
    s.totals.push_back(summarize_losses(column_of(path_totals, stride, t, paths)));
  }
  for (int k = 0; k < n_assets; ++k) {
    s.asset_sold.push_back(
        summarize_losses(column_of(path_totals, stride, n_path_totals + k, paths)));
    s.asset_bought.push_back(
        summarize_losses(column_of(path_totals, stride, n_path_totals + n_assets + k, paths)));
  }
  s.venues = summarize_venues(plan, n_assets, path_totals, paths);
  if (paths <= keep_paths_max) {
    s.path_totals.resize(static_cast<std::size_t>(paths * n_path_totals));
    for (std::int64_t p = 0; p < paths; ++p) {
      for (int t = 0; t < n_path_totals; ++t) {
        s.path_totals[static_cast<std::size_t>(p * n_path_totals + t)] =
            path_totals[static_cast<std::size_t>(p * stride + t)];
      }
    }
  }
  return s;
}

}  // namespace levrisk
