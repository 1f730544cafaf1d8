// A unit's results do not depend on the size of its balances: the risk plan divides each
// unit's health form by a power of two of its own size (host/engine/risk_plan.cpp), which
// is exact, so a book scaled by 2^120 (about 1e40 USD, beyond float range) or by 2^-150
// (below float's normal range) gives the unscaled book's probabilities, times to
// liquidation and health-factor quantiles bit for bit. Execution tallies hold a bounded
// USD range, so a scaled book beyond it is refused, naming the unit, before any path.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "common/error.hpp"
#include "host/backend/backend.hpp"
#include "host/config/run_config.hpp"
#include "host/engine/engine.hpp"
#include "host/snapshot/synth.hpp"

namespace levrisk {
namespace {

// Every amount and USD balance times 2^exponent: each unit's health form scales by the
// same power of two, its health factor not at all.
snapshot scaled(snapshot snap, int exponent) {
  const auto scale = [exponent](double& x) { x = std::ldexp(x, exponent); };
  for (lending_account& account : snap.lending_accounts) {
    for (lending_balance& b : account.balances) {
      scale(b.collateral_amount);
      scale(b.debt_amount);
    }
  }
  for (perp_position& p : snap.perp_positions) {
    scale(p.size);
    scale(p.isolated_margin_usd);
  }
  for (perp_account& a : snap.perp_accounts) scale(a.cross_collateral_usd);
  return snap;
}

run_config scale_test_config(bool execute) {
  run_config config = load_run_config(LEVRISK_SOURCE_DIR "/configs/nightly.toml");
  config.paths = 800;
  config.steps = 48;
  config.horizon_days = 10.0;
  config.backend = "cpu";
  config.hf_sample_paths = 200;
  config.liquidation.execute = execute;
  return config;
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof(double)) == 0;
}

void expect_same_probabilities(const run_result& expected, const run_result& actual) {
  ASSERT_EQ(expected.units.size(), actual.units.size());
  for (std::size_t u = 0; u < expected.units.size(); ++u) {
    const unit_result& e = expected.units[u];
    const unit_result& a = actual.units[u];
    EXPECT_EQ(e.liquidated_paths, a.liquidated_paths) << e.id;
    EXPECT_TRUE(same_bits(e.health_factor_initial, a.health_factor_initial)) << e.id;
    EXPECT_TRUE(same_bits(e.time_to_liquidation_days, a.time_to_liquidation_days)) << e.id;
    EXPECT_EQ(e.hf_min_quantile, a.hf_min_quantile) << e.id;
    EXPECT_EQ(e.hf_min_quantile_lo, a.hf_min_quantile_lo) << e.id;
    EXPECT_EQ(e.hf_min_quantile_hi, a.hf_min_quantile_hi) << e.id;
  }
}

class UnitScale : public ::testing::TestWithParam<int> {};

TEST_P(UnitScale, ResultsAreTheUnscaledBooksBitForBit) {
  const snapshot book = synthesize_snapshot(synth_options{150, 80, 5});
  const run_config config = scale_test_config(false);
  const run_result expected = run_simulation(config, book, *make_cpu_backend(0));
  const run_result actual = run_simulation(config, scaled(book, GetParam()), *make_cpu_backend(0));
  std::int64_t liquidated = 0;
  for (const unit_result& u : expected.units) liquidated += u.liquidated_paths;
  EXPECT_GT(liquidated, 0) << "the book should liquidate on some paths";
  expect_same_probabilities(expected, actual);
}

INSTANTIATE_TEST_SUITE_P(PowersOfTwo, UnitScale, ::testing::Values(120, -150, 900, -900));

TEST(UnitScale, TinyBooksExecuteWithTheSameProbabilities) {
  const snapshot book = synthesize_snapshot(synth_options{150, 80, 5});
  const run_config config = scale_test_config(true);
  const run_result expected = run_simulation(config, book, *make_cpu_backend(0));
  expect_same_probabilities(expected,
                            run_simulation(config, scaled(book, -150), *make_cpu_backend(0)));
}

TEST(UnitScale, ExecutionRefusesUnitsBeyondItsTallies) {
  const snapshot book = scaled(synthesize_snapshot(synth_options{20, 10, 5}), 120);
  try {
    run_simulation(scale_test_config(true), book, *make_cpu_backend(0));
    FAIL() << "a 1e40 USD book should be refused for execution";
  } catch (const input_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("lending_account '"), std::string::npos) << message;
    EXPECT_NE(message.find("more than execution tallies add exactly over 800 paths"),
              std::string::npos)
        << message;
  }
}

// A sum that overflows is refused before it becomes a NaN health factor.
TEST(UnitScale, BalancesWhoseSumOverflowsAreRefused) {
  snapshot book = synthesize_snapshot(synth_options{5, 0, 5});
  lending_account& account = book.lending_accounts[0];
  for (lending_balance& b : account.balances) {
    b.collateral_amount = 1.0e308 / book.assets[static_cast<std::size_t>(b.asset_index)].spot_usd;
    b.debt_amount = b.collateral_amount;
  }
  try {
    run_simulation(scale_test_config(false), book, *make_cpu_backend(0));
    FAIL() << "the account's USD sum overflows";
  } catch (const input_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("lending account '" + account.id + "': its balances add up to more USD"),
              std::string::npos)
        << message;
  }
}

}  // namespace
}  // namespace levrisk
