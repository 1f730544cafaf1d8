#include "host/engine/batch_planner.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "host/backend/backend.hpp"
#include "host/config/run_config.hpp"
#include "host/engine/engine.hpp"
#include "host/engine/market_setup.hpp"
#include "host/engine/risk_plan.hpp"
#include "host/engine/snapshot_model.hpp"
#include "host/snapshot/synth.hpp"
#include "kernels/risk/simulate.hpp"

namespace levrisk {
namespace {

constexpr std::int64_t gib = std::int64_t{1} << 30;

template <class Error, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// A plan small enough to count by hand: 2 assets, 1 factor with 3 falling and 2
// rising thresholds, 4 histogram bins, 33 multi-asset units (2 flag words) with
// 70 terms, a sample of 5 paths.
simulation_plan hand_counted_plan() {
  simulation_plan plan;
  plan.n_paths = 1000;
  plan.n_steps = 9;
  plan.market.n_assets = 2;
  plan.market.diffusion.drift_dt = {0.0f, 0.0f};
  plan.market.diffusion.vol_sqrt_dt = {0.1f, 0.1f};
  plan.market.diffusion.cholesky = {1.0f, 0.0f, 0.0f, 1.0f};
  plan.ladders.factors = {factor_spec{0, -1, {-0.1f, -0.2f, -0.3f}, {-0.1f, -0.2f}, {}, {}}};
  plan.ladders.histogram_bins = 4;
  plan.ladders.histogram_width = 0.5;
  plan.multi.term_offset.assign(34, 0);
  plan.multi.terms.assign(70, health_term{});
  plan.multi.numerator_const_usd.assign(33, 0.0);
  plan.multi.denominator_const_usd.assign(33, 0.0);
  plan.multi.hf_sample_paths = 5;
  return plan;
}

TEST(PlanFootprint, CountsEveryArrayOfThePlan) {
  const memory_footprint f = plan_footprint(hand_counted_plan(), 3);
  const std::int64_t model = (2 + 2 + 4) * 4;
  const std::int64_t ladders = 5 * 4 + static_cast<std::int64_t>(sizeof(factor_view));
  const std::int64_t forms =
      34 * 4 + 70 * static_cast<std::int64_t>(sizeof(health_term)) + 2 * 33 * 8;
  // Difference arrays (5 thresholds + 2 ladders) x 3, histograms 2 x 4, multi
  // tallies 3 x 33, all 8 bytes; the sample 33 x 5 floats. Twice: the copy handed back.
  const std::int64_t tallies = 3 * 7 * 8 + 2 * 4 * 8 + 3 * 33 * 8 + 33 * 5 * 4;
  EXPECT_EQ(f.fixed_bytes, model + ladders + forms + 2 * tallies);
  EXPECT_EQ(f.bytes_per_path, 2 * 4);              // ceil(33 / 32) words
  EXPECT_EQ(f.bytes_per_thread, (9 + 1) * 2 * 4);  // (steps + 1) x assets floats
  EXPECT_EQ(f.threads, 3);
  EXPECT_EQ(f.resident_bytes(), f.fixed_bytes + 3 * 80);
}

TEST(PlanFootprint, NoMultiAssetUnitsNeedNothingPerPathOrThread) {
  simulation_plan plan = hand_counted_plan();
  plan.multi.term_offset.clear();
  plan.multi.terms.clear();
  plan.multi.numerator_const_usd.clear();
  plan.multi.denominator_const_usd.clear();
  const memory_footprint f = plan_footprint(plan, 4);
  EXPECT_EQ(f.bytes_per_path, 0);
  EXPECT_EQ(f.bytes_per_thread, 0);
  EXPECT_EQ(f.resident_bytes(), f.fixed_bytes);
}

constexpr std::int64_t mib = std::int64_t{1} << 20;

memory_footprint small_footprint() {
  memory_footprint f;
  f.fixed_bytes = 924 * mib;
  f.bytes_per_path = mib;
  f.bytes_per_thread = 50 * mib;
  f.threads = 2;  // resident 1 GiB
  return f;
}

batch_request request(std::int64_t budget, std::int64_t paths, std::int64_t preferred,
                      std::int64_t explicit_batch = 0, bool given = true) {
  batch_request r;
  r.budget_bytes = budget;
  r.budget_source = given ? "--memory-budget" : "half of MemAvailable";
  r.budget_given = given;
  r.paths = paths;
  r.preferred_batch = preferred;
  r.explicit_batch = explicit_batch;
  return r;
}

TEST(PlanBatch, TakesThePreferredBatchWhenItFits) {
  const batch_plan p = plan_batch(small_footprint(), request(100 * gib, 10'000, 512));
  EXPECT_EQ(p.batch_paths, 512);
  EXPECT_EQ(p.resident_bytes, gib);
  EXPECT_EQ(p.total_bytes(), gib + 512 * mib);
  EXPECT_EQ(p.reason, "the backend's default");
}

TEST(PlanBatch, NoMoreThanThePaths) {
  const batch_plan p = plan_batch(small_footprint(), request(100 * gib, 300, 512));
  EXPECT_EQ(p.batch_paths, 300);
  EXPECT_EQ(p.reason, "all paths");
}

TEST(PlanBatch, ShrinksTheBatchToTheBudget) {
  // (2 GiB - 1 GiB) / 1 MiB = 1024 paths fit.
  const batch_plan p = plan_batch(small_footprint(), request(2 * gib, 10'000, 4096));
  EXPECT_EQ(p.batch_paths, 1024);
  EXPECT_EQ(p.total_bytes(), 2 * gib);
  EXPECT_EQ(p.reason, "limited by the memory budget");
}

TEST(PlanBatch, ExplicitBatchThatFits) {
  const batch_plan p = plan_batch(small_footprint(), request(100 * gib, 10'000, 512, 4096));
  EXPECT_EQ(p.batch_paths, 4096);
  EXPECT_EQ(p.reason, "as batch_paths asks");
}

TEST(PlanBatch, ExplicitBatchBeyondThePathsTakesThePaths) {
  const batch_plan p = plan_batch(small_footprint(), request(100 * gib, 300, 512, 4096));
  EXPECT_EQ(p.batch_paths, 300);
  EXPECT_EQ(p.reason, "all paths");
}

TEST(PlanBatch, ExplicitBatchThatDoesNotFitIsAnInputError) {
  const std::string message = message_of<input_error>(
      [] { plan_batch(small_footprint(), request(2 * gib, 10'000, 512, 2048)); });
  EXPECT_EQ(message,
            "batch_paths 2048 needs 3 GiB (plan 1 GiB + 1 MiB per path), more than the memory "
            "budget of 2 GiB (--memory-budget); at most 1024 paths fit");
}

TEST(PlanBatch, GivenBudgetBelowThePlanIsAnInputError) {
  const std::string message =
      message_of<input_error>([] { plan_batch(small_footprint(), request(512 * mib, 10, 512)); });
  EXPECT_EQ(message,
            "the run needs 1 GiB before its first batch (the plan and its tallies), more than "
            "the memory budget of 512 MiB (--memory-budget)");
}

TEST(PlanBatch, BackendBudgetBelowThePlanIsARuntimeFailure) {
  const std::string message = message_of<runtime_failure>(
      [] { plan_batch(small_footprint(), request(512 * mib, 10, 512, 0, false)); });
  EXPECT_EQ(message,
            "the run needs 1 GiB before its first batch (the plan and its tallies), more than "
            "the memory budget of 512 MiB (half of MemAvailable)");
}

TEST(PlanBatch, BudgetWithoutRoomForOnePathIsAnError) {
  const std::string message = message_of<input_error>(
      [] { plan_batch(small_footprint(), request(gib + mib / 2, 10, 512)); });
  EXPECT_EQ(message,
            "the run needs 1 GiB for the plan and its tallies and 1 MiB per path of a batch: not "
            "even one path fits the memory budget of 1 GiB (--memory-budget)");
}

TEST(PlanBatch, DescribesItsChoice) {
  memory_footprint f;
  f.fixed_bytes = 1288490189;  // 1.2 GiB
  f.bytes_per_path = 38300;
  const batch_plan p = plan_batch(f, request(12'000'000'000, 1'000'000, 16384));
  EXPECT_EQ(describe(p),
            "16384 paths (memory budget 11.2 GiB: plan 1.2 GiB + 37.4 KiB per path; the "
            "backend's default)");
}

TEST(PlanBatch, CpuBackendOffersHalfOfTheAvailableMemory) {
  const auto cpu = make_cpu_backend(1);
  EXPECT_GT(cpu->available_memory_bytes(), 0);
  EXPECT_EQ(cpu->available_memory_source(), "half of MemAvailable");
  EXPECT_EQ(cpu->scratch_threads(), 1);
  EXPECT_EQ(make_cpu_backend(2, true)->scratch_threads(), 0);  // regenerates, stores no path
}

// The documented large book (docs/performance.md, scaling): levrisk synth
// --lending-accounts 700000 --perp-accounts 300000, 1,081,268 units of which
// 307,110 exact, at 1M paths x 288 steps. Its plan is built (no paths run) and
// must fit a 24 GiB CPU budget with 2 threads and an 80 GB GPU.
class LargeBook : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const snapshot snap = synthesize_snapshot(synth_options{700000, 300000, sample_snapshot_seed});
    run_config config = load_run_config(LEVRISK_SOURCE_DIR "/configs/nightly.toml");
    config.paths = 1'000'000;
    const gbm_model model = snapshot_model(config, snap);
    const std::vector<bool> constant = constant_assets(config, snap, model);
    plan_ = new risk_plan(build_risk_plan(snap, constant, plan_settings(config)));
    set_market(config, snap, model, constant, plan_->simulation);
  }
  static void TearDownTestSuite() {
    delete plan_;
    plan_ = nullptr;
  }
  static risk_plan* plan_;
};
risk_plan* LargeBook::plan_ = nullptr;

TEST_F(LargeBook, HasTheDocumentedShape) {
  std::int64_t routes[3] = {0, 0, 0};
  for (const planned_unit& unit : plan_->units) ++routes[static_cast<int>(unit.route)];
  EXPECT_EQ(plan_->units.size(), 1'081'268u);
  EXPECT_EQ(routes[static_cast<int>(unit_route::constant)], 97'930);
  EXPECT_EQ(routes[static_cast<int>(unit_route::ladder)], 676'228);
  EXPECT_EQ(plan_->simulation.multi.n_units(), 307'110);
  // ceil(307,110 / 32) = 9,598 words of 4 bytes per path.
  EXPECT_EQ(plan_footprint(plan_->simulation, 0).bytes_per_path, 38'392);
}

TEST_F(LargeBook, FitsA24GibCpuBudget) {
  const memory_footprint f = plan_footprint(plan_->simulation, 2);
  const batch_plan p = plan_batch(f, request(24 * gib, 1'000'000, 16384));
  EXPECT_EQ(p.batch_paths, 16384);
  EXPECT_LE(p.total_bytes(), 24 * gib);
  EXPECT_LT(p.resident_bytes, gib) << "the plan and its tallies: " << describe(p);
}

TEST_F(LargeBook, FitsAn80GbGpu) {
  const std::int64_t budget = 80'000'000'000;
  const batch_plan p = plan_batch(plan_footprint(plan_->simulation, 0),
                                  request(budget, 1'000'000, std::int64_t{1} << 20, 0, false));
  EXPECT_EQ(p.batch_paths, 1'000'000);  // every path in one batch: 38.3 GB of flags
  EXPECT_LE(p.total_bytes(), budget);
}

TEST_F(LargeBook, ATightBudgetShrinksTheBatchToFit) {
  const std::int64_t budget = 8 * gib;
  const batch_plan p = plan_batch(plan_footprint(plan_->simulation, 0),
                                  request(budget, 1'000'000, std::int64_t{1} << 20, 0, false));
  EXPECT_LT(p.batch_paths, 1'000'000);
  EXPECT_LE(p.total_bytes(), budget);
  EXPECT_GT(p.total_bytes() + p.bytes_per_path, budget) << "one more path would not fit";
}

}  // namespace
}  // namespace levrisk
