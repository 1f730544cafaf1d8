// The liquidation ladder against its plain twin (tests/reference/ladder_reference.hpp):
// paths of a factor are fed to ladder_advance as the kernel feeds them (step 0,
// then each new running extreme), the difference arrays are prefix-summed as
// the summary does, and each unit's count, step sum and step-square sum must
// equal the scan's exactly (integer tallies, no tolerance).

#include "kernels/risk/ladder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "tests/reference/ladder_reference.hpp"

namespace levrisk {
namespace {

// A ladder over units' thresholds: falling ladders hold t descending, rising
// ones -t descending (kernels/risk/ladder.hpp), so either is one descending search.
struct ladder_storage {
  bool rising = false;
  std::vector<float> threshold;  // ladder order
  std::vector<int> unit_at;      // unit of each ladder position
  std::vector<tally_t> crossed_diff, step_sum_diff, step_sq_sum_diff;

  ladder_storage(const std::vector<float>& unit_threshold, bool is_rising) : rising(is_rising) {
    unit_at.resize(unit_threshold.size());
    std::iota(unit_at.begin(), unit_at.end(), 0);
    auto key = [&](int u) { return rising ? -unit_threshold[u] : unit_threshold[u]; };
    std::stable_sort(unit_at.begin(), unit_at.end(), [&](int a, int b) { return key(a) > key(b); });
    for (const int u : unit_at) threshold.push_back(key(u));
    crossed_diff.assign(threshold.size() + 1, 0);
    step_sum_diff.assign(threshold.size() + 1, 0);
    step_sq_sum_diff.assign(threshold.size() + 1, 0);
  }

  ladder_view view() {
    return ladder_view{threshold.data(),
                       nullptr,
                       static_cast<int>(threshold.size()),
                       crossed_diff.data(),
                       step_sum_diff.data(),
                       step_sq_sum_diff.data()};
  }

  // One path as simulate_paths runs it: a monitoring point at step 0, then an
  // advance at every new running extreme (minimum falling, maximum rising).
  void run_path(const std::vector<float>& y) {
    const ladder_view v = view();
    float extreme = y[0];
    int crossed = ladder_advance(v, 0, rising ? -y[0] : y[0], 0);
    for (std::size_t s = 1; s < y.size(); ++s) {
      const bool new_extreme = rising ? y[s] > extreme : y[s] < extreme;
      if (!new_extreme) continue;
      extreme = y[s];
      crossed = ladder_advance(v, crossed, rising ? -y[s] : y[s], static_cast<int>(s));
    }
  }

  // Prefix sums of the difference arrays (wrapping, as in host/engine/summarize.cpp),
  // returned in the units' order.
  std::vector<reference::crossing_tally> tallies() const {
    std::vector<reference::crossing_tally> out(unit_at.size());
    tally_t crossed = 0, step_sum = 0, step_sq_sum = 0;
    for (std::size_t i = 0; i < unit_at.size(); ++i) {
      crossed += crossed_diff[i];
      step_sum += step_sum_diff[i];
      step_sq_sum += step_sq_sum_diff[i];
      out[static_cast<std::size_t>(unit_at[i])] = {static_cast<std::int64_t>(crossed), step_sum,
                                                   step_sq_sum};
    }
    return out;
  }
};

void expect_tallies_equal(const std::vector<reference::crossing_tally>& got,
                          const std::vector<reference::crossing_tally>& expected,
                          const std::vector<float>& threshold) {
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t u = 0; u < got.size(); ++u) {
    EXPECT_EQ(got[u].crossed, expected[u].crossed) << "unit " << u << " threshold " << threshold[u];
    EXPECT_EQ(got[u].step_sum, expected[u].step_sum) << "unit " << u;
    EXPECT_EQ(got[u].step_sq_sum, expected[u].step_sq_sum) << "unit " << u;
  }
}

// Random walks from y_0 = 0. On a grid of 1/16 (exact in float) levels hit
// thresholds drawn from the same grid often, so ties are exercised on most
// paths; off the grid they almost never are.
std::vector<std::vector<float>> random_walks(std::uint64_t seed, int paths, int steps, bool grid) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> grid_step(-3, 3);
  std::normal_distribution<float> normal_step(0.0f, 0.1f);
  std::vector<std::vector<float>> levels(paths, std::vector<float>(steps + 1, 0.0f));
  for (auto& path : levels) {
    for (int s = 1; s <= steps; ++s) {
      path[s] =
          path[s - 1] + (grid ? static_cast<float>(grid_step(rng)) / 16.0f : normal_step(rng));
    }
  }
  return levels;
}

// Thresholds on the 1/16 grid in [-2, 0.5] drawn from few values (so many
// repeat), including some above 0 (crossed at step 0 by a falling ladder) and
// some at exactly 0 (not crossed at step 0).
std::vector<float> grid_thresholds(std::uint64_t seed, int units, int lowest, int highest) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> level(lowest, highest);
  std::vector<float> threshold(units);
  for (float& t : threshold) t = static_cast<float>(level(rng)) / 16.0f;
  threshold[0] = 0.0f;
  threshold[1] = threshold[2] = threshold[3];
  return threshold;
}

struct walk_case {
  bool rising;
  bool grid;
};

class LadderAgainstScan : public ::testing::TestWithParam<walk_case> {};

TEST_P(LadderAgainstScan, PrefixSummedTalliesEqualFirstCrossingScan) {
  const walk_case c = GetParam();
  const auto levels = random_walks(c.grid ? 11 : 12, 1500, 60, c.grid);
  // Falling units sit mostly below 0, rising ones mostly above.
  const std::vector<float> threshold =
      c.rising ? grid_thresholds(21, 48, -8, 32) : grid_thresholds(22, 48, -32, 8);
  ladder_storage ladder(threshold, c.rising);
  for (const auto& path : levels) ladder.run_path(path);
  const auto expected = reference::first_crossing_tallies(threshold, levels, c.rising);
  expect_tallies_equal(ladder.tallies(), expected, threshold);
  // The book must exercise partial crossing and crossing at step 0.
  int partly_crossed_units = 0, always_crossed_units = 0;
  for (const auto& t : expected) {
    partly_crossed_units += t.crossed > 0 && t.crossed < 1500;
    always_crossed_units += t.crossed == 1500 && t.step_sum == 0;
  }
  EXPECT_GT(partly_crossed_units, 10);
  EXPECT_GT(always_crossed_units, 0);
}

INSTANTIATE_TEST_SUITE_P(Directions, LadderAgainstScan,
                         ::testing::Values(walk_case{false, true}, walk_case{false, false},
                                           walk_case{true, true}, walk_case{true, false}));

// A level equal to the threshold does not cross it; the next grid point beyond
// does, at the step it is reached.
TEST(Ladder, LevelEqualToThresholdDoesNotCross) {
  const std::vector<float> threshold = {-0.5f, -0.5625f, -0.625f};
  const std::vector<std::vector<float>> levels = {{0.0f, -0.25f, -0.5f, -0.5f, -0.5625f, 0.0f}};
  ladder_storage ladder(threshold, false);
  ladder.run_path(levels[0]);
  const auto got = ladder.tallies();
  EXPECT_EQ(got[0].crossed, 1);
  EXPECT_EQ(got[0].step_sum, 4u);  // -0.5 equals it at steps 2-3; -0.5625 crosses at 4
  EXPECT_EQ(got[1].crossed, 0);    // reached, never passed
  EXPECT_EQ(got[2].crossed, 0);
  expect_tallies_equal(got, reference::first_crossing_tallies(threshold, levels, false), threshold);
}

// The same for a rising ladder, which stores -t and is fed -y.
TEST(Ladder, RisingLevelEqualToThresholdDoesNotCross) {
  const std::vector<float> threshold = {0.25f, 0.3125f};
  const std::vector<std::vector<float>> levels = {{0.0f, 0.25f, 0.3125f, 0.375f}};
  ladder_storage ladder(threshold, true);
  ladder.run_path(levels[0]);
  const auto got = ladder.tallies();
  EXPECT_EQ(got[0].crossed, 1);
  EXPECT_EQ(got[0].step_sum, 2u);
  EXPECT_EQ(got[1].crossed, 1);
  EXPECT_EQ(got[1].step_sum, 3u);
  expect_tallies_equal(got, reference::first_crossing_tallies(threshold, levels, true), threshold);
}

// Units already beyond their threshold at the snapshot are crossed at step 0
// on every path, and contribute nothing to the step sums.
TEST(Ladder, UnitsAlreadyCrossedAtTheSnapshotCountAtStepZero) {
  const std::vector<float> threshold = {0.125f, 0.0f, 1.0f, -1.0f};
  const auto levels = random_walks(5, 200, 20, true);
  ladder_storage ladder(threshold, false);
  for (const auto& path : levels) ladder.run_path(path);
  const auto got = ladder.tallies();
  for (const int u : {0, 2}) {
    EXPECT_EQ(got[u].crossed, 200) << u;
    EXPECT_EQ(got[u].step_sum, 0u) << u;
    EXPECT_EQ(got[u].step_sq_sum, 0u) << u;
  }
  EXPECT_LT(got[1].crossed, 200);  // at 0 exactly: not yet crossed at step 0
  expect_tallies_equal(got, reference::first_crossing_tallies(threshold, levels, false), threshold);
}

// Equal thresholds are crossed together: same count and step sums for each.
TEST(Ladder, RepeatedThresholdsAreCrossedTogether) {
  const std::vector<float> threshold(7, -0.25f);
  const auto levels = random_walks(6, 300, 30, true);
  ladder_storage ladder(threshold, false);
  for (const auto& path : levels) ladder.run_path(path);
  const auto got = ladder.tallies();
  for (const auto& t : got) {
    EXPECT_EQ(t.crossed, got[0].crossed);
    EXPECT_EQ(t.step_sum, got[0].step_sum);
  }
  EXPECT_GT(got[0].crossed, 0);
  expect_tallies_equal(got, reference::first_crossing_tallies(threshold, levels, false), threshold);
}

// An empty ladder crosses nothing and writes only zeros (its one sentinel entry).
TEST(Ladder, EmptyLadderCrossesNothing) {
  ladder_storage ladder({}, false);
  const ladder_view v = ladder.view();
  EXPECT_EQ(ladder_crossed_count(v, 0, -100.0f), 0);
  EXPECT_EQ(ladder_advance(v, 0, -100.0f, 0), 0);
  EXPECT_EQ(ladder_advance(v, 0, -200.0f, 3), 0);
  EXPECT_EQ(ladder.crossed_diff, std::vector<tally_t>{0});
  EXPECT_EQ(ladder.step_sum_diff, std::vector<tally_t>{0});
  EXPECT_EQ(ladder.step_sq_sum_diff, std::vector<tally_t>{0});
}

// The search alone: the number of thresholds strictly above y, by linear count,
// from any start at or below it; a start beyond it (positions crossed earlier
// on the path) is kept.
TEST(Ladder, CrossedCountIsTheNumberOfThresholdsAboveLevel) {
  std::vector<float> threshold = grid_thresholds(31, 40, -20, 4);
  std::sort(threshold.begin(), threshold.end(), std::greater<float>());
  ladder_storage ladder(threshold, false);
  const ladder_view v = ladder.view();
  for (int i = -24; i <= 8; ++i) {
    const float y = static_cast<float>(i) / 16.0f;
    const int above = static_cast<int>(
        std::count_if(threshold.begin(), threshold.end(), [y](float t) { return t > y; }));
    for (int first = 0; first <= above; ++first) {
      EXPECT_EQ(ladder_crossed_count(v, first, y), above) << "y " << y << " first " << first;
    }
    for (int first = above + 1; first <= v.size; ++first) {
      EXPECT_EQ(ladder_crossed_count(v, first, y), first) << "y " << y << " first " << first;
    }
  }
}

}  // namespace
}  // namespace levrisk
