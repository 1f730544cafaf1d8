// The step-synchronous execution stage (kernels/risk/feedback_execution.hpp)
// through the whole engine: with an oracle that publishes the market at every
// step and no permanent impact it is the unit-by-unit stage, unit for unit (a
// different code path over the same liquidations, auto-deleveraging and keeper
// delays included); with cascades on, its results are the same on any thread
// count and batch size; and cascades amplify the book's loss.

#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

#include "host/backend/backend.hpp"
#include "host/config/run_config.hpp"
#include "host/engine/engine.hpp"
#include "host/snapshot/synth.hpp"

namespace levrisk {
namespace {

struct book_run {
  snapshot snap;
  run_config config;
};

// A synthetic book under jumps, with a small fund (auto-deleveraging on some
// paths) and the given keeper delay.
book_run stressed_book(int keeper_delay_steps) {
  book_run b{synthesize_snapshot(synth_options{300, 150, 5}),
             load_run_config(LEVRISK_SOURCE_DIR "/configs/nightly_jumps.toml")};
  b.snap.perp_venues[0].insurance_fund_usd = 2000.0;
  b.snap.lending_venues[0].reserve_usd = 500.0;
  b.config.paths = 1500;
  b.config.steps = 48;
  b.config.horizon_days = 7.0;
  b.config.hf_sample_paths = 64;
  b.config.liquidation.keeper_delay_steps = keeper_delay_steps;
  return b;
}

// An oracle publishing the market price at every step: a perfect one, through the oracle's code.
void market_oracle(run_config& config) {
  config.oracle.enabled = true;
  config.oracle.defaults.deviation = 0.0;
  config.oracle.defaults.heartbeat_seconds = 1.0;
  config.oracle.defaults.latency_seconds = 0.0;
}

void expect_same_units(const run_result& a, const run_result& b) {
  ASSERT_EQ(a.units.size(), b.units.size());
  for (std::size_t u = 0; u < a.units.size(); ++u) {
    const unit_execution_result& x = a.units[u].execution;
    const unit_execution_result& y = b.units[u].execution;
    SCOPED_TRACE(a.units[u].id);
    EXPECT_EQ(x.executed_paths, y.executed_paths);
    EXPECT_EQ(x.bad_debt_paths, y.bad_debt_paths);
    EXPECT_EQ(x.pending_paths, y.pending_paths);
    EXPECT_EQ(x.calls_exhausted_paths, y.calls_exhausted_paths);
    EXPECT_EQ(x.adl_paths, y.adl_paths);
    EXPECT_EQ(x.liquidated_usd.mean, y.liquidated_usd.mean);
    EXPECT_EQ(x.owner_loss_usd.mean, y.owner_loss_usd.mean);
    EXPECT_EQ(x.bad_debt_usd.mean, y.bad_debt_usd.mean);
    // A position's share of auto-deleveraging divides the step's summed
    // losses, which the unit stage adds in its ladders' order and the step
    // stage by unit index: equal to rounding.
    EXPECT_NEAR(x.adl_loss_usd.mean, y.adl_loss_usd.mean, 1e-12 * (1.0 + x.adl_loss_usd.mean));
  }
}

class PerfectOracle : public ::testing::TestWithParam<int> {};

TEST_P(PerfectOracle, StepStageIsTheUnitStage) {
  book_run b = stressed_book(GetParam());
  const run_result by_unit = run_simulation(b.config, b.snap, *make_cpu_backend(0));
  market_oracle(b.config);
  b.config.cascade.amplification = false;
  const run_result by_step = run_simulation(b.config, b.snap, *make_cpu_backend(0));
  ASSERT_TRUE(by_step.system.feedback.enabled);
  expect_same_units(by_unit, by_step);
  // Per-path totals are summed in another order (steps, not units): equal to rounding.
  const std::vector<double>& x = by_unit.system.path_totals;
  const std::vector<double>& y = by_step.system.path_totals;
  ASSERT_EQ(x.size(), y.size());
  const std::size_t n = by_unit.system.total_names.size();
  int paths_with_adl = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const auto column = static_cast<int>(i % n);
    if (column >= total_cascade_steps) continue;
    EXPECT_NEAR(x[i], y[i], 1e-9 * (1.0 + x[i - column + total_liquidated]))
        << by_unit.system.total_names[i % n] << " of path " << i / n;
    if (column == total_adl) paths_with_adl += x[i] > 0.0;
  }
  if (GetParam() > 0) {
    EXPECT_GT(paths_with_adl, 0) << "the book should deleverage on some paths";
  }
}

INSTANTIATE_TEST_SUITE_P(FeedbackEngine, PerfectOracle, ::testing::Values(0, 3),
                         [](const auto& info) {
                           return "KeeperDelay" + std::to_string(info.param);
                         });

// The stressed book with thin markets: a hundredth of the synthetic depths.
book_run cascading_book() {
  book_run b = stressed_book(0);
  for (asset& a : b.snap.assets) a.depth_usd /= 100.0;
  b.config.oracle.enabled = true;
  b.config.cascade.permanent_impact_share = 2.0 / 3.0;
  return b;
}

TEST(FeedbackEngine, CascadesAreTheSameOnAnyThreadsAndBatches) {
  book_run b = cascading_book();
  b.config.batch_paths = 1500;
  const run_result one = run_simulation(b.config, b.snap, *make_cpu_backend(1));
  b.config.batch_paths = 97;
  const run_result two = run_simulation(b.config, b.snap, *make_cpu_backend(2));
  expect_same_units(one, two);
  EXPECT_EQ(one.system.path_totals, two.system.path_totals);
  EXPECT_EQ(one.system.feedback.rounds_histogram, two.system.feedback.rounds_histogram);
}

TEST(FeedbackEngine, CascadesAmplifyTheBookLoss) {
  book_run b = cascading_book();
  const run_result r = run_simulation(b.config, b.snap, *make_cpu_backend(0));
  const feedback_result& f = r.system.feedback;
  ASSERT_TRUE(f.enabled);
  ASSERT_EQ(f.amplification_rows.size(), 2u);
  const amplification_row& book = f.amplification_rows[0];
  EXPECT_EQ(book.figure, "book_loss_usd");
  EXPECT_EQ(book.full.mean, r.system.totals[total_book_loss].mean);
  // Lending sells collateral into the fall: permanent impact deepens it.
  EXPECT_GT(book.permanent_amplification.ratio - 4.0 * book.permanent_amplification.se, 1.0);
  std::int64_t cascade_steps = 0;
  for (std::size_t r_ = 2; r_ < f.rounds_histogram.size(); ++r_)
    cascade_steps += f.rounds_histogram[r_];
  EXPECT_GT(cascade_steps, 0);
  EXPECT_NEAR(static_cast<double>(cascade_steps) / static_cast<double>(r.metadata.paths),
              r.system.totals[total_cascade_steps].mean, 1e-9);
}

// The counterfactual passes on the first paths only: the table is that of a
// run of just those paths, and the full run's figures do not depend on them.
TEST(FeedbackEngine, AmplificationOnTheFirstPathsIsThatOfARunOfThosePaths) {
  book_run b = cascading_book();
  b.config.cascade.amplification_paths = 400;
  const run_result sampled = run_simulation(b.config, b.snap, *make_cpu_backend(0));
  b.config.cascade.amplification = false;
  const run_result without = run_simulation(b.config, b.snap, *make_cpu_backend(0));
  b.config.cascade.amplification = true;
  b.config.cascade.amplification_paths = 0;
  b.config.paths = 400;
  const run_result first = run_simulation(b.config, b.snap, *make_cpu_backend(0));
  const feedback_result& s = sampled.system.feedback;
  const feedback_result& f = first.system.feedback;
  EXPECT_EQ(s.amplification_paths, 400);
  EXPECT_EQ(f.amplification_paths, 400);
  ASSERT_EQ(s.amplification_rows.size(), 2u);
  ASSERT_EQ(f.amplification_rows.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const amplification_row& x = s.amplification_rows[i];
    const amplification_row& y = f.amplification_rows[i];
    SCOPED_TRACE(x.figure);
    EXPECT_EQ(x.full.mean, y.full.mean);
    EXPECT_EQ(x.full.se, y.full.se);
    EXPECT_EQ(x.no_permanent.mean, y.no_permanent.mean);
    EXPECT_EQ(x.perfect_oracle.mean, y.perfect_oracle.mean);
    EXPECT_EQ(x.permanent_amplification.ratio, y.permanent_amplification.ratio);
    EXPECT_EQ(x.permanent_amplification.se, y.permanent_amplification.se);
    EXPECT_EQ(x.oracle_effect.ratio, y.oracle_effect.ratio);
    EXPECT_EQ(x.oracle_effect.se, y.oracle_effect.se);
  }
  expect_same_units(sampled, without);
  EXPECT_EQ(sampled.system.totals[total_book_loss].mean,
            without.system.totals[total_book_loss].mean);
}

}  // namespace
}  // namespace levrisk
