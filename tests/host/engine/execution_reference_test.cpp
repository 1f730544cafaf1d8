// The engine's execution figures against the plain twin
// (tests/reference/execution_reference.hpp) on a book of 62 units over three
// assets (tests/host/engine/execution_reference_book.hpp): every route (ladder,
// ratio ladder, exact, constant), partial and full lending liquidations, bad
// debt, isolated and cross perps with fees and impact, a fund that runs out,
// auto-deleveraging of the winners. The twin sees the same paths in double
// precision, so the figures may differ only where float arithmetic flips a path
// that grazes a threshold: each must agree within 4 standard errors.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "host/backend/backend.hpp"
#include "host/config/run_config.hpp"
#include "host/engine/engine.hpp"
#include "host/engine/snapshot_model.hpp"
#include "host/engine/tail_statistics.hpp"
#include "tests/host/engine/execution_reference_book.hpp"
#include "tests/reference/execution_reference.hpp"

namespace levrisk {
namespace {

using testing_support::book_config;
using testing_support::three_asset_book;

// |a - b| within 4 standard errors (and a rounding floor).
void expect_within(double engine, double reference, double se, const std::string& what) {
  EXPECT_NEAR(engine, reference, 4.0 * se + 1e-9 * (1.0 + std::fabs(reference))) << what;
}

double sample_se(double sum, double sum_sq, double n) {
  const double mean = sum / n;
  return std::sqrt(std::max(sum_sq / n - mean * mean, 0.0) / (n - 1.0));
}

class ExecutionReference : public ::testing::TestWithParam<int> {};

TEST_P(ExecutionReference, EveryUnitAndTheBookAgree) {
  const snapshot snap = three_asset_book();
  run_config config = book_config();
  config.liquidation.keeper_delay_steps = GetParam();
  const run_result r = run_simulation(config, snap, *make_cpu_backend(0));
  const gbm_model model = snapshot_model(config, snap);
  const reference::execution_outcome twin = reference::simulate_execution(
      snap, model, config.seed, config.paths, config.steps, config.dt_years(),
      reference::execution_rules{config.liquidation.keeper_delay_steps, 0.5, 16});
  ASSERT_EQ(r.units.size(), twin.units.size());
  ASSERT_GE(r.units.size(), 50u);
  const auto n = static_cast<double>(config.paths);
  int units_with_bad_debt = 0, units_deleveraged = 0;
  for (std::size_t u = 0; u < r.units.size(); ++u) {
    const unit_execution_result& e = r.units[u].execution;
    const reference::unit_sums& t = twin.units[u];
    const std::string& id = r.units[u].id;
    expect_within(e.liquidated_usd.mean, t.liquidated / n,
                  sample_se(t.liquidated, t.liquidated_sq, n), id + " liquidated");
    expect_within(e.owner_loss_usd.mean, t.owner_loss / n,
                  sample_se(t.owner_loss, t.owner_loss_sq, n), id + " owner loss");
    expect_within(e.bad_debt_usd.mean, t.bad_debt / n, sample_se(t.bad_debt, t.bad_debt_sq, n),
                  id + " bad debt");
    const double p = static_cast<double>(t.bad_debt_paths) / n;
    expect_within(e.bad_debt_probability, p, std::sqrt(std::max(p * (1 - p), 1.0 / n) / n),
                  id + " P(bad debt)");
    units_with_bad_debt += t.bad_debt_paths > 0;
    expect_within(e.adl_loss_usd.mean, t.adl_loss / n, sample_se(t.adl_loss, t.adl_loss_sq, n),
                  id + " ADL loss");
    expect_within(e.adl_notional_usd.mean, t.adl_notional / n,
                  sample_se(t.adl_notional, t.adl_notional_sq, n), id + " ADL notional");
    const double q = static_cast<double>(t.adl_paths) / n;
    expect_within(e.adl_probability, q, std::sqrt(std::max(q * (1 - q), 1.0 / n) / n),
                  id + " P(ADL)");
    units_deleveraged += t.adl_paths > 0;
  }
  EXPECT_GT(units_with_bad_debt, 5) << "the book should leave bad debt";
  EXPECT_GT(units_deleveraged, 0) << "the fund should run out and deleverage winners";

  // The book: each per-path total's mean against the twin's.
  const auto mean_and_se = [&](auto member) {
    double sum = 0.0, sum_sq = 0.0;
    for (const reference::path_figures& f : twin.paths) {
      sum += f.*member;
      sum_sq += (f.*member) * (f.*member);
    }
    return std::pair<double, double>{sum / n, sample_se(sum, sum_sq, n)};
  };
  const std::pair<int, double reference::path_figures::*> book[] = {
      {total_lending_bad_debt, &reference::path_figures::lending_bad_debt},
      {total_lending_reserve_draw, &reference::path_figures::reserve_draw},
      {total_perp_loss, &reference::path_figures::perp_loss},
      {total_fund_draw, &reference::path_figures::fund_draw},
      {total_perp_deficit, &reference::path_figures::perp_deficit},
      {total_fund_fees, &reference::path_figures::fees},
      {total_liquidated, &reference::path_figures::liquidated},
      {total_adl, &reference::path_figures::adl},
      {total_adl_unfilled, &reference::path_figures::adl_unfilled}};
  for (const auto& [total, member] : book) {
    const auto [mean, se] = mean_and_se(member);
    expect_within(r.system.totals[static_cast<std::size_t>(total)].mean, mean, se,
                  r.system.total_names[static_cast<std::size_t>(total)]);
  }
  EXPECT_GT(r.system.totals[total_perp_deficit].probability_positive, 0.0);

  // ES contributions: each unit's mean loss over the twin's own 99% tail of the
  // book's loss (lending bad debt plus perp losses).
  std::vector<double> book_loss;
  for (const reference::path_figures& f : twin.paths) {
    book_loss.push_back(f.lending_bad_debt + f.perp_loss);
  }
  const std::vector<std::int64_t> tail = tail_paths(book_loss, 0.99);
  ASSERT_EQ(r.system.contribution_tail_paths, static_cast<std::int64_t>(tail.size()));
  double contributions = 0.0;
  for (std::size_t u = 0; u < r.units.size(); ++u) {
    double sum = 0.0;
    for (const std::int64_t p : tail) sum += twin.unit_loss[static_cast<std::size_t>(p)][u];
    const usd_estimate& c = r.units[u].execution.es_contribution_usd;
    expect_within(c.mean, sum / static_cast<double>(tail.size()), std::isnan(c.se) ? 0.0 : c.se,
                  r.units[u].id + " ES contribution");
    contributions += c.mean;
  }
  // Euler: the contributions add up to the book's ES.
  EXPECT_NEAR(contributions, r.system.totals[total_book_loss].tail[1].es,
              1e-6 * (1.0 + contributions));
}

INSTANTIATE_TEST_SUITE_P(KeeperDelays, ExecutionReference, ::testing::Values(0, 2));

}  // namespace
}  // namespace levrisk
