// The ladder stage (kernels/risk/factor_ladders.hpp: ladders_begin, ladders_step,
// ladders_finish) against a plain per-path scan of the same factor levels, on a
// three-asset GBM market (tests/kernels/risk/gbm_book_fixture.hpp) with USD and
// ratio factors. Per unit, the prefix-summed difference arrays must give the
// scan's first-crossing count, step sum and step-square sum
// (tests/reference/ladder_reference.hpp), and the histograms the direct binning
// of each path's extremes. Integer tallies of the same float levels: no
// tolerance. Blocks of 16 lanes with some inactive and blocks of one lane give
// the same tallies; inactive lanes tally nothing.

#include "kernels/risk/factor_ladders.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/paths/market_step.hpp"
#include "tests/kernels/risk/gbm_book_fixture.hpp"
#include "tests/reference/ladder_reference.hpp"

namespace levrisk {
namespace {

using risk_test::book_max_assets;
using risk_test::factor_book;
using risk_test::factor_spec;
using risk_test::ladder_storage;
using risk_test::test_factors;

constexpr int n_steps = 45;
constexpr std::uint64_t seed = 314159;
constexpr int max_test_factors = 8;
constexpr int histogram_bins = risk_test::factor_histogram_bins;
constexpr float histogram_width = risk_test::factor_histogram_width;

// The stage as simulate_paths drives it, over paths [first_path, + paths) in
// blocks of Lanes, the last one `active` lanes short of full when paths is not
// a multiple; `only_active` overrides the active count of every block.
template <int Lanes>
void run_ladders(const risk_test::gbm_market& market, factor_book& book, std::uint64_t first_path,
                 int paths, int only_active = -1) {
  const market_view model = market.view();
  const normal_stream stream{seed, normals_per_step(model)};
  const factor_ladders_view v = book.view();
  auto m = std::make_unique<market_state<Lanes, book_max_assets>>();
  auto f = std::make_unique<factor_state<Lanes, max_test_factors>>();
  for (int first = 0; first < paths; first += Lanes) {
    const std::uint64_t block_path = first_path + static_cast<std::uint64_t>(first);
    const int active = only_active >= 0 ? only_active : std::min(Lanes, paths - first);
    market_begin(model, stream, block_path, *m);
    ladders_begin(v, active, *f);
    for (int step = 1; step <= n_steps; ++step) {
      market_step(model, stream, block_path, step - 1, *m);
      ladders_step(v, m->log_return, step, active, *f);
    }
    ladders_finish(v, active, *f);
  }
}

// levels[f][path][s]: factor f on each path at steps 0 .. n_steps, from paths
// stepped one at a time and the factor formed as the kernel forms it.
std::vector<std::vector<std::vector<float>>> factor_levels(const risk_test::gbm_market& market,
                                                           std::uint64_t first_path, int paths) {
  const market_view model = market.view();
  const normal_stream stream{seed, normals_per_step(model)};
  std::vector<std::vector<std::vector<float>>> levels(
      test_factors.size(), std::vector<std::vector<float>>(static_cast<std::size_t>(paths)));
  for (int p = 0; p < paths; ++p) {
    const std::uint64_t path = first_path + static_cast<std::uint64_t>(p);
    market_state<1, book_max_assets> m{};
    market_begin(model, stream, path, m);
    for (int s = 0; s <= n_steps; ++s) {
      if (s > 0) market_step(model, stream, path, s - 1, m);
      for (std::size_t f = 0; f < test_factors.size(); ++f) {
        const factor_spec& spec = test_factors[f];
        const float x_den =
            spec.denominator_asset >= 0 ? m.log_return[spec.denominator_asset][0] : 0.0f;
        levels[f][p].push_back(s == 0 ? 0.0f : m.log_return[spec.numerator_asset][0] - x_den);
      }
    }
  }
  return levels;
}

void expect_book_equals_scan(const factor_book& book,
                             const std::vector<std::vector<std::vector<float>>>& levels,
                             const char* what) {
  for (std::size_t f = 0; f < test_factors.size(); ++f) {
    for (const bool rising : {false, true}) {
      const ladder_storage& ladder = rising ? book.rising[f] : book.falling[f];
      const auto got = ladder.tallies();
      // The entry past the last unit closes every range: the full sum is zero.
      tally_t crossed_total = 0, step_total = 0;
      for (const tally_t d : ladder.crossed_diff) crossed_total += d;
      for (const tally_t d : ladder.step_sum_diff) step_total += d;
      EXPECT_EQ(crossed_total, 0u) << what << ": factor " << f;
      EXPECT_EQ(step_total, 0u) << what << ": factor " << f;
      const auto expected =
          reference::first_crossing_tallies(ladder.unit_threshold, levels[f], rising);
      for (std::size_t u = 0; u < got.size(); ++u) {
        EXPECT_EQ(got[u].crossed, expected[u].crossed)
            << what << ": factor " << f << (rising ? " rising" : " falling") << " position " << u
            << " threshold " << ladder.unit_threshold[u];
        EXPECT_EQ(got[u].step_sum, expected[u].step_sum) << what << ": factor " << f;
        EXPECT_EQ(got[u].step_sq_sum, expected[u].step_sq_sum) << what << ": factor " << f;
      }
    }
    std::vector<tally_t> min_bins(histogram_bins, 0ull), max_bins(histogram_bins, 0ull);
    for (const std::vector<float>& path : levels[f]) {
      const float y_min = *std::min_element(path.begin(), path.end());
      const float y_max = *std::max_element(path.begin(), path.end());
      min_bins[histogram_bin(-y_min, 1.0f / histogram_width, histogram_bins)] += 1;
      max_bins[histogram_bin(y_max, 1.0f / histogram_width, histogram_bins)] += 1;
    }
    EXPECT_EQ(book.min_histogram[f], min_bins) << what << ": factor " << f;
    EXPECT_EQ(book.max_histogram[f], max_bins) << what << ": factor " << f;
  }
}

constexpr int n_paths = 203;  // blocks of 16: the last has 11 active lanes

TEST(FactorStage, SixteenLaneBlocksEqualThePerPathScan) {
  const risk_test::gbm_market market = risk_test::three_asset_market(n_steps);
  factor_book book;
  run_ladders<16>(market, book, 0, n_paths);
  const auto levels = factor_levels(market, 0, n_paths);
  expect_book_equals_scan(book, levels, "16 lanes");
  // The scan must see partial crossings, crossings at step 0 on every path,
  // and paths in the histograms' last (overflow) bin.
  int partly = 0, at_snapshot = 0;
  tally_t overflow = 0;
  for (std::size_t f = 0; f < test_factors.size(); ++f) {
    for (const bool rising : {false, true}) {
      const ladder_storage& ladder = rising ? book.rising[f] : book.falling[f];
      for (const auto& t :
           reference::first_crossing_tallies(ladder.unit_threshold, levels[f], rising)) {
        partly += t.crossed > 0 && t.crossed < n_paths;
        at_snapshot += t.crossed == n_paths && t.step_sum == 0;
      }
    }
    overflow += book.min_histogram[f].back() + book.max_histogram[f].back();
  }
  EXPECT_GT(partly, 40);
  EXPECT_GE(at_snapshot, 8);  // the threshold at +-0.01 of every ladder
  EXPECT_GT(overflow, 0u);
}

TEST(FactorStage, OneLaneBlocksEqualSixteenLaneBlocks) {
  const risk_test::gbm_market market = risk_test::three_asset_market(n_steps);
  factor_book wide, narrow;
  run_ladders<16>(market, wide, 0, n_paths);
  run_ladders<1>(market, narrow, 0, n_paths);
  for (std::size_t f = 0; f < test_factors.size(); ++f) {
    EXPECT_EQ(wide.falling[f].crossed_diff, narrow.falling[f].crossed_diff);
    EXPECT_EQ(wide.falling[f].step_sum_diff, narrow.falling[f].step_sum_diff);
    EXPECT_EQ(wide.falling[f].step_sq_sum_diff, narrow.falling[f].step_sq_sum_diff);
    EXPECT_EQ(wide.rising[f].crossed_diff, narrow.rising[f].crossed_diff);
    EXPECT_EQ(wide.rising[f].step_sum_diff, narrow.rising[f].step_sum_diff);
    EXPECT_EQ(wide.rising[f].step_sq_sum_diff, narrow.rising[f].step_sq_sum_diff);
    EXPECT_EQ(wide.min_histogram[f], narrow.min_histogram[f]);
    EXPECT_EQ(wide.max_histogram[f], narrow.max_histogram[f]);
  }
  expect_book_equals_scan(narrow, factor_levels(market, 0, n_paths), "1 lane");
}

// One block of 16 paths with 5 active: the tallies are the scan's over those
// 5 paths alone. With none active, every tally stays zero.
TEST(FactorStage, InactiveLanesTallyNothing) {
  const risk_test::gbm_market market = risk_test::three_asset_market(n_steps);
  constexpr std::uint64_t first_path = 1000;
  factor_book five;
  run_ladders<16>(market, five, first_path, 16, 5);
  expect_book_equals_scan(five, factor_levels(market, first_path, 5), "5 of 16 lanes");

  factor_book none;
  run_ladders<16>(market, none, first_path, 16, 0);
  for (std::size_t f = 0; f < test_factors.size(); ++f) {
    for (const ladder_storage* l : {&none.falling[f], &none.rising[f]}) {
      EXPECT_EQ(std::count(l->crossed_diff.begin(), l->crossed_diff.end(), 0ull),
                static_cast<std::ptrdiff_t>(l->crossed_diff.size()));
      EXPECT_EQ(std::count(l->step_sum_diff.begin(), l->step_sum_diff.end(), 0ull),
                static_cast<std::ptrdiff_t>(l->step_sum_diff.size()));
    }
    EXPECT_EQ(std::count(none.min_histogram[f].begin(), none.min_histogram[f].end(), 0ull),
              histogram_bins);
    EXPECT_EQ(std::count(none.max_histogram[f].begin(), none.max_histogram[f].end(), 0ull),
              histogram_bins);
  }
}

// The binning itself: bin i holds [i w, (i + 1) w), the last bin everything
// from (bins - 1) w on; distance 0 is bin 0.
TEST(FactorStage, HistogramBinEdges) {
  const float inverse_width = 4.0f;  // w = 0.25, exact in float
  const int bins = 8;
  EXPECT_EQ(histogram_bin(0.0f, inverse_width, bins), 0);
  EXPECT_EQ(histogram_bin(-0.0f, inverse_width, bins), 0);
  EXPECT_EQ(histogram_bin(0.2499f, inverse_width, bins), 0);
  EXPECT_EQ(histogram_bin(0.25f, inverse_width, bins), 1);
  EXPECT_EQ(histogram_bin(1.75f, inverse_width, bins), 7);
  EXPECT_EQ(histogram_bin(1.7499f, inverse_width, bins), 6);
  EXPECT_EQ(histogram_bin(100.0f, inverse_width, bins), 7);
  EXPECT_EQ(histogram_bin(INFINITY, inverse_width, bins), 7);
}

}  // namespace
}  // namespace levrisk
