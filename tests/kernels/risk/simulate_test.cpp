// The fused kernel (kernels/risk/simulate.hpp) with factors and multi-asset
// units on a three-asset GBM market (tests/kernels/risk/gbm_book_fixture.hpp).
// The kernel shape only sizes the per-path state (host/backend/shapes.hpp), so
// every shape must give bit-identical tallies and flags; and screen plus exact
// check must give, for every unit, the tallies of the exact twin evaluated on
// every path (tests/reference/exact_check_reference.hpp), since the screen
// only drops pairs that cannot be liquidated. Integer tallies: no tolerance.

#include "kernels/risk/simulate.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/risk/exact_check.hpp"
#include "tests/kernels/risk/gbm_book_fixture.hpp"
#include "tests/reference/exact_check_reference.hpp"

namespace levrisk {
namespace {

using risk_test::exact_storage;
using risk_test::factor_book;
using risk_test::forms_storage;
using risk_test::linear_health;

constexpr int n_steps = 37;
constexpr std::uint64_t seed = 4242;
constexpr int n_paths = 250;  // blocks of 16: the last has 10 active lanes
constexpr std::int64_t sample_paths = 30;

struct run_result {
  factor_book factors;
  exact_storage exact;
  explicit run_result(int n_units) : exact(n_units, sample_paths, n_paths) {}
};

// simulate_paths over all paths in blocks of Lanes with path state
// path_state<Lanes, MaxAssets, MaxFactors>, then the exact check with
// exact_state<MaxAssets, 64> over the stored path.
template <int Lanes, int MaxAssets, int MaxFactors>
std::unique_ptr<run_result> run_kernels(const risk_test::gbm_market& market,
                                        const forms_storage& forms) {
  auto r = std::make_unique<run_result>(forms.n_units());
  simulation_view v = risk_test::make_view(market, seed, n_steps, r->exact.view(forms));
  v.ladders = r->factors.view();
  auto state = std::make_unique<path_state<Lanes, MaxAssets, MaxFactors>>();
  for (int first = 0; first < n_paths; first += Lanes) {
    simulate_paths(v, static_cast<std::uint64_t>(first), std::min(Lanes, n_paths - first), *state);
  }
  std::vector<float> scratch(static_cast<std::size_t>(n_steps + 1) * market.n_assets);
  auto exact = std::make_unique<exact_state<MaxAssets, 64>>();
  for (int p = 0; p < n_paths; ++p) {
    exact_check_path(v, static_cast<std::uint64_t>(p), scratch.data(), *exact);
  }
  return r;
}

void expect_identical(const run_result& a, const run_result& b, const char* what) {
  for (std::size_t f = 0; f < a.factors.falling.size(); ++f) {
    for (const bool rising : {false, true}) {
      const risk_test::ladder_storage& la = rising ? a.factors.rising[f] : a.factors.falling[f];
      const risk_test::ladder_storage& lb = rising ? b.factors.rising[f] : b.factors.falling[f];
      EXPECT_EQ(la.crossed_diff, lb.crossed_diff) << what << ", factor " << f;
      EXPECT_EQ(la.step_sum_diff, lb.step_sum_diff) << what << ", factor " << f;
      EXPECT_EQ(la.step_sq_sum_diff, lb.step_sq_sum_diff) << what << ", factor " << f;
    }
    EXPECT_EQ(a.factors.min_histogram[f], b.factors.min_histogram[f]) << what << ", factor " << f;
    EXPECT_EQ(a.factors.max_histogram[f], b.factors.max_histogram[f]) << what << ", factor " << f;
  }
  EXPECT_EQ(a.exact.flags, b.exact.flags) << what;
  EXPECT_EQ(a.exact.liquidated, b.exact.liquidated) << what;
  EXPECT_EQ(a.exact.step_sum, b.exact.step_sum) << what;
  EXPECT_EQ(a.exact.step_sq_sum, b.exact.step_sq_sum) << what;
  std::vector<std::uint32_t> bits_a, bits_b;
  for (const float x : a.exact.hf_min_sample) bits_a.push_back(float_bits(x));
  for (const float x : b.exact.hf_min_sample) bits_b.push_back(float_bits(x));
  EXPECT_EQ(bits_a, bits_b) << what;
}

TEST(Simulate, KernelShapeDoesNotChangeResults) {
  const risk_test::book_case c(n_steps);
  const auto small = run_kernels<16, 4, 8>(c.market, c.forms);
  const auto large = run_kernels<16, 32, 64>(c.market, c.forms);
  const auto one_lane = run_kernels<1, 4, 8>(c.market, c.forms);
  expect_identical(*small, *large, "16 lanes, shape 4 x 8 vs 32 x 64");
  expect_identical(*small, *one_lane, "16 lanes vs 1 lane");
  // Something was tallied on both sides.
  tally_t crossings = 0, liquidations = 0;
  for (const tally_t d : small->factors.falling[0].crossed_diff) crossings += d != 0;
  for (const tally_t n : small->exact.liquidated) liquidations += n;
  EXPECT_GT(crossings, 0u);
  EXPECT_GT(liquidations, 0u);
}

// Screen then exact check, as the backends run them, equal the twin evaluating
// every unit on every path: the screen loses nothing.
TEST(Simulate, ScreenAndExactCheckEqualTheTwinOnEveryPath) {
  const risk_test::book_case c(n_steps);
  const auto got = run_kernels<16, 4, 8>(c.market, c.forms);
  exact_storage expected(c.forms.n_units(), sample_paths, n_paths);
  const simulation_view v = risk_test::make_view(c.market, seed, n_steps, expected.view(c.forms));
  for (std::uint64_t path = 0; path < static_cast<std::uint64_t>(n_paths); ++path) {
    const auto growth =
        reference::path_growth<risk_test::book_max_assets>(v.model, v.stream, path, n_steps);
    for (int u = 0; u < expected.n_units; ++u) {
      const reference::unit_outcome_on_path o = reference::exact_outcome(c.book[u], growth);
      if (o.liquidation_step >= 0) {
        const tally_t s = static_cast<tally_t>(o.liquidation_step);
        expected.liquidated[u] += 1;
        expected.step_sum[u] += s;
        expected.step_sq_sum[u] += s * s;
      }
      if (path < static_cast<std::uint64_t>(sample_paths)) {
        expected.hf_min_sample[static_cast<std::size_t>(u * sample_paths) + path] = o.hf_min;
      }
    }
  }
  EXPECT_EQ(got->exact.liquidated, expected.liquidated);
  EXPECT_EQ(got->exact.step_sum, expected.step_sum);
  EXPECT_EQ(got->exact.step_sq_sum, expected.step_sq_sum);
  for (std::size_t i = 0; i < expected.hf_min_sample.size(); ++i) {
    EXPECT_EQ(float_bits(got->exact.hf_min_sample[i]), float_bits(expected.hf_min_sample[i]))
        << "unit " << i / sample_paths << " path " << i % sample_paths;
  }
}

}  // namespace
}  // namespace levrisk
