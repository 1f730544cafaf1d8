// summarize_losses against a plain full-sort computation, against values computed by
// hand, and the coverage of its VaR and ES intervals over repeated exponential samples.

#include "host/engine/tail_statistics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "host/engine/statistics.hpp"

namespace levrisk {
namespace {

// Relative tolerance for sums taken in a different order than the reference's.
double close(double expected) {
  return 1e-12 * std::max(1.0, std::abs(expected));
}

void expect_same_or_both_nan(double actual, double expected, const std::string& what) {
  if (std::isnan(expected)) {
    EXPECT_TRUE(std::isnan(actual)) << what;
  } else {
    EXPECT_NEAR(actual, expected, close(expected)) << what;
  }
}

// Every figure from a full sort, as the definitions in tail_statistics.hpp read.
void expect_matches_full_sort(const std::vector<double>& losses, const std::vector<double>& levels,
                              int bins) {
  const loss_distribution d = summarize_losses(losses, levels, bins);
  const std::int64_t n = static_cast<std::int64_t>(losses.size());
  std::vector<double> sorted = losses;
  std::sort(sorted.begin(), sorted.end());
  const double count = static_cast<double>(n);

  ASSERT_EQ(d.paths, n);
  double sum = 0.0;
  for (const double x : losses) sum += x;
  const double mean = sum / count;
  double squares = 0.0;
  for (const double x : losses) squares += (x - mean) * (x - mean);
  EXPECT_NEAR(d.mean, mean, close(mean));
  if (n >= 2) {
    const double mean_se = std::sqrt(squares / (count - 1.0) / count);
    EXPECT_NEAR(d.mean_se, mean_se, close(mean_se));
  } else {
    EXPECT_TRUE(std::isnan(d.mean_se));
  }
  const std::int64_t positive =
      std::count_if(losses.begin(), losses.end(), [](double x) { return x > 0.0; });
  EXPECT_EQ(d.probability_positive, static_cast<double>(positive) / count);

  ASSERT_EQ(d.tail.size(), levels.size());
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const double q = levels[i];
    const tail_level& t = d.tail[i];
    const std::string what = "level " + std::to_string(q) + " n " + std::to_string(n);
    EXPECT_EQ(t.level, q);
    const std::int64_t r =
        std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(q * count)));
    EXPECT_EQ(t.var, sorted[static_cast<std::size_t>(r - 1)]) << what;
    const quantile_ranks ranks = quantile_order_ranks(q, n);
    EXPECT_EQ(t.var_lo, sorted[static_cast<std::size_t>(ranks.lo - 1)]) << what;
    EXPECT_EQ(t.var_hi, sorted[static_cast<std::size_t>(ranks.hi - 1)]) << what;
    std::vector<double> tail;
    for (std::int64_t j = 1; j <= n; ++j) {
      if (static_cast<double>(j) > q * count)
        tail.push_back(sorted[static_cast<std::size_t>(j - 1)]);
    }
    if (tail.empty()) tail.push_back(sorted.back());
    ASSERT_EQ(t.tail_paths, static_cast<std::int64_t>(tail.size())) << what;
    double tail_sum = 0.0;
    for (const double x : tail) tail_sum += x;
    const double es = tail_sum / static_cast<double>(tail.size());
    EXPECT_NEAR(t.es, es, close(es)) << what;
    EXPECT_GE(t.es, t.var) << what;
    double es_se = std::numeric_limits<double>::quiet_NaN();
    if (tail.size() >= 2) {
      double tail_squares = 0.0;
      for (const double x : tail) tail_squares += (x - es) * (x - es);
      const double tail_variance = tail_squares / static_cast<double>(tail.size() - 1);
      es_se = std::sqrt((tail_variance + q * (es - t.var) * (es - t.var)) / (count * (1.0 - q)));
    }
    expect_same_or_both_nan(t.es_se, es_se, what + " es_se");
  }

  const loss_histogram& h = d.histogram;
  ASSERT_EQ(h.edges.size(), h.counts.size() + 1);
  EXPECT_EQ(h.edges.front(), sorted.front());
  EXPECT_EQ(h.edges.back(), sorted.back());
  const std::size_t expected_bins = sorted.front() == sorted.back() ? 1 : bins;
  ASSERT_EQ(h.counts.size(), expected_bins);
  const double width = (sorted.back() - sorted.front()) / static_cast<double>(expected_bins);
  for (std::size_t b = 0; b + 1 < h.edges.size(); ++b) {
    EXPECT_LE(h.edges[b], h.edges[b + 1]);
    EXPECT_NEAR(h.edges[b + 1] - h.edges[b], width, 1e-12 * std::abs(sorted.back()) + 1e-300);
  }
  std::vector<std::int64_t> counts(h.counts.size(), 0);
  for (const double x : losses) {
    std::size_t b = 0;
    while (b + 1 < counts.size() && x >= h.edges[b + 1]) ++b;
    ++counts[b];
  }
  EXPECT_EQ(h.counts, counts);
}

TEST(TailStatistics, TiesMatchFullSort) {
  const std::vector<double> losses{2, 5, 5, 5, 1, 5, 5, 3, 5, 5};
  expect_matches_full_sort(losses, {0.1, 0.25, 0.5, 0.7, 0.9, 0.95, 0.99}, 4);
}

TEST(TailStatistics, AllZeroMatchesFullSort) {
  const std::vector<double> losses(1000, 0.0);
  expect_matches_full_sort(losses, {0.95, 0.99, 0.999}, 50);
  const loss_distribution d = summarize_losses(losses);
  EXPECT_EQ(d.probability_positive, 0.0);
  EXPECT_EQ(d.tail[0].es, 0.0);
  EXPECT_EQ(d.tail[0].es_se, 0.0);
  EXPECT_EQ(d.histogram.edges, (std::vector<double>{0.0, 0.0}));
  EXPECT_EQ(d.histogram.counts, (std::vector<std::int64_t>{1000}));
}

TEST(TailStatistics, OnePathMatchesFullSort) {
  expect_matches_full_sort({42.5}, {0.5, 0.95, 0.999}, 50);
  const loss_distribution d = summarize_losses({42.5});
  for (const tail_level& t : d.tail) {
    EXPECT_EQ(t.var, 42.5);
    EXPECT_EQ(t.var_lo, 42.5);
    EXPECT_EQ(t.var_hi, 42.5);
    EXPECT_EQ(t.es, 42.5);
    EXPECT_EQ(t.tail_paths, 1);
    EXPECT_TRUE(std::isnan(t.es_se));  // a tail of one path has no spread to measure
  }
  EXPECT_TRUE(std::isnan(d.mean_se));
}

// The usual shape of a loss run: most paths lose nothing.
TEST(TailStatistics, ManyZerosThenATailMatchFullSort) {
  std::vector<double> losses(9990, 0.0);
  for (int i = 1; i <= 10; ++i) losses.insert(losses.begin() + 997 * i, 1000.0 * i);
  expect_matches_full_sort(losses, {0.5, 0.95, 0.99, 0.999, 0.9995}, 50);
  const loss_distribution d = summarize_losses(losses);
  // 0.95: rank 9500 is 0; the worst 500 paths hold all 10 losses, 55000 / 500 = 110.
  EXPECT_EQ(d.tail[0].var, 0.0);
  EXPECT_EQ(d.tail[0].tail_paths, 500);
  EXPECT_DOUBLE_EQ(d.tail[0].es, 110.0);
  // 0.999: rank 9990 is still 0; the worst 10 paths are the 10 losses, mean 5500.
  EXPECT_EQ(d.tail[2].var, 0.0);
  EXPECT_EQ(d.tail[2].tail_paths, 10);
  EXPECT_DOUBLE_EQ(d.tail[2].es, 5500.0);
  EXPECT_DOUBLE_EQ(d.probability_positive, 0.001);
}

TEST(TailStatistics, GainsAndLossesMatchFullSort) {
  const std::vector<double> losses{-3.5, 2.0, -1.0, 0.0, 7.25, -0.5, 4.0, 1e6, -2e5, 4.0, 0.0};
  expect_matches_full_sort(losses, {0.05, 0.5, 0.8, 0.95}, 7);
}

TEST(TailStatistics, SkewedSampleMatchesFullSort) {
  std::mt19937_64 rng(20240611);
  std::vector<double> losses(20011);
  for (double& x : losses) {
    const double u = (static_cast<double>(rng() >> 11) + 0.5) * 0x1p-53;
    x = std::floor(10.0 * std::exp(0.6 * -std::log(u)));  // Pareto-tailed, rounded: many ties
  }
  expect_matches_full_sort(losses, {0.5, 0.9, 0.95, 0.99, 0.999}, 50);
  expect_matches_full_sort(losses, {0.999, 0.95}, 1);
}

// Losses 1, ..., 100 (shuffled), by hand:
// * mean 50.5; sample variance n (n + 1) / 12 = 841.67; se sqrt(841.67 / 100) = 2.9011.
// * q = 0.9: VaR = the 90th value = 90; tail = ranks 91..100, ES = 95.5; tail variance
//   of 10 consecutive integers (10^2 - 1) / 12 x 10 / 9 = 9.1667; se^2 = (9.1667 +
//   0.9 x 5.5^2) / (100 x 0.1) = 3.6392, se = 1.9077. Interval ranks 90 -+ 1.96 x 3 =
//   [84.12, 95.88] -> floor 84, ceil + 1 = 97.
// * q = 0.95: VaR = 95; ES = mean of 96..100 = 98; tail variance 2.5; se^2 = (2.5 + 0.95 x
//   9) / 5 = 2.21, se = 1.4866. Ranks 95 -+ 1.96 sqrt(4.75) = [90.73, 99.27] -> 90, 100.
// * q = 0.99: VaR = 99; the worst ceil(0.01 x 100) = 1 path: ES = 100, se NaN.
// * 10 bins of width 9.9 from 1: edges 1, 10.9, 20.8, ..., 90.1, 100; 10 integers in each.
TEST(TailStatistics, OneToHundredByHand) {
  std::vector<double> losses;
  for (int i = 0; i < 100; ++i) losses.push_back(1.0 + (i * 37) % 100);
  const loss_distribution d = summarize_losses(losses, {0.9, 0.95, 0.99}, 10);
  EXPECT_EQ(d.paths, 100);
  EXPECT_DOUBLE_EQ(d.mean, 50.5);
  EXPECT_NEAR(d.mean_se, std::sqrt(841.0 + 2.0 / 3.0) / 10.0, 1e-12);
  EXPECT_EQ(d.probability_positive, 1.0);
  EXPECT_NEAR(d.probability_positive_lo, 1.0 - 0.036994, 5e-6);  // Wilson, 100 of 100
  EXPECT_EQ(d.probability_positive_hi, 1.0);

  const tail_level& t90 = d.tail[0];
  EXPECT_EQ(t90.var, 90.0);
  EXPECT_EQ(t90.var_lo, 84.0);
  EXPECT_EQ(t90.var_hi, 97.0);
  EXPECT_EQ(t90.tail_paths, 10);
  EXPECT_DOUBLE_EQ(t90.es, 95.5);
  EXPECT_NEAR(t90.es_se, std::sqrt((55.0 / 6.0 + 0.9 * 5.5 * 5.5) / 10.0), 1e-12);
  EXPECT_NEAR(t90.es_se, 1.9077, 5e-5);

  const tail_level& t95 = d.tail[1];
  EXPECT_EQ(t95.var, 95.0);
  EXPECT_EQ(t95.var_lo, 90.0);
  EXPECT_EQ(t95.var_hi, 100.0);
  EXPECT_EQ(t95.tail_paths, 5);
  EXPECT_DOUBLE_EQ(t95.es, 98.0);
  EXPECT_NEAR(t95.es_se, 1.4866, 5e-5);

  const tail_level& t99 = d.tail[2];
  EXPECT_EQ(t99.var, 99.0);
  EXPECT_EQ(t99.tail_paths, 1);
  EXPECT_EQ(t99.es, 100.0);
  EXPECT_TRUE(std::isnan(t99.es_se));

  ASSERT_EQ(d.histogram.edges.size(), 11u);
  EXPECT_EQ(d.histogram.edges.front(), 1.0);
  EXPECT_NEAR(d.histogram.edges[1], 10.9, 1e-12);
  EXPECT_NEAR(d.histogram.edges[9], 90.1, 1e-12);
  EXPECT_EQ(d.histogram.edges.back(), 100.0);
  EXPECT_EQ(d.histogram.counts, std::vector<std::int64_t>(10, 10));
}

TEST(TailStatistics, LeavesTheLossesAsTheyWere) {
  const std::vector<double> losses{5, 3, 9, 1, 7, 2, 8};
  const std::vector<double> copy = losses;
  summarize_losses(losses, {0.5, 0.9});
  EXPECT_EQ(losses, copy);
}

// Exp(1) losses: VaR_q = -ln(1 - q) and, memoryless, ES_q = VaR_q + 1. 400 runs of 4000
// paths with fixed seeds; each interval must cover the truth in 95% of runs, within 4
// binomial standard errors, 4 sqrt(0.95 x 0.05 / 400) = 0.044. The exponential comes from
// its inverse CDF so that the samples do not depend on the standard library.
TEST(TailStatisticsCoverage, VarAndEsIntervalsCoverExponentialTruth) {
  const int runs = 400;
  const int n = 4000;
  const std::vector<double> levels{0.95, 0.99};
  std::vector<int> var_covered(levels.size(), 0), es_covered(levels.size(), 0);
  std::vector<double> losses(n);
  for (int run = 0; run < runs; ++run) {
    std::mt19937_64 rng(1000 + run);
    for (double& x : losses) {
      const double u = (static_cast<double>(rng() >> 11) + 0.5) * 0x1p-53;
      x = -std::log(u);
    }
    const loss_distribution d = summarize_losses(losses, levels, 10);
    for (std::size_t i = 0; i < levels.size(); ++i) {
      const double var = -std::log1p(-levels[i]);
      const double es = var + 1.0;
      const tail_level& t = d.tail[i];
      var_covered[i] += t.var_lo <= var && var <= t.var_hi ? 1 : 0;
      es_covered[i] += std::abs(t.es - es) <= z_95 * t.es_se ? 1 : 0;
    }
  }
  const double tolerance = 4.0 * std::sqrt(0.95 * 0.05 / runs);
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const double var_rate = static_cast<double>(var_covered[i]) / runs;
    const double es_rate = static_cast<double>(es_covered[i]) / runs;
    EXPECT_NEAR(var_rate, 0.95, tolerance) << "VaR at " << levels[i];
    EXPECT_NEAR(es_rate, 0.95, tolerance) << "ES at " << levels[i];
    std::printf("level %.2f: VaR interval covers %.4f, ES +- 1.96 se covers %.4f\n", levels[i],
                var_rate, es_rate);
  }
}

TEST(TailStatisticsBadInput, NanLossThrowsNamingThePath) {
  std::vector<double> losses{1.0, 2.0, std::numeric_limits<double>::quiet_NaN(), 4.0};
  try {
    summarize_losses(losses);
    FAIL() << "no exception";
  } catch (const runtime_failure& e) {
    EXPECT_STREQ(e.what(), "summarize_losses: the loss of path 2 is nan, not a finite number");
  }
}

TEST(TailStatisticsBadInput, InfiniteLossThrows) {
  const std::vector<double> losses{std::numeric_limits<double>::infinity()};
  EXPECT_THROW(summarize_losses(losses), runtime_failure);
}

TEST(TailStatisticsBadInput, LevelOutsideZeroOneThrows) {
  try {
    summarize_losses({1.0, 2.0}, {0.95, 1.0});
    FAIL() << "no exception";
  } catch (const input_error& e) {
    EXPECT_STREQ(e.what(), "summarize_losses: each level must be in (0, 1), got 1");
  }
}

TEST(TailStatisticsBadInput, NoBinsThrows) {
  try {
    summarize_losses({1.0, 2.0}, {0.95}, 0);
    FAIL() << "no exception";
  } catch (const input_error& e) {
    EXPECT_STREQ(e.what(), "summarize_losses: bins must be >= 1, got 0");
  }
}

TEST(TailStatisticsBadInput, NoPathsGiveNanWithoutCrashing) {
  const loss_distribution d = summarize_losses({});
  EXPECT_EQ(d.paths, 0);
  EXPECT_TRUE(std::isnan(d.mean));
  EXPECT_TRUE(std::isnan(d.mean_se));
  EXPECT_TRUE(std::isnan(d.probability_positive));
  EXPECT_TRUE(std::isnan(d.probability_positive_lo));
  EXPECT_TRUE(std::isnan(d.probability_positive_hi));
  ASSERT_EQ(d.tail.size(), 3u);
  EXPECT_EQ(d.tail[1].level, 0.99);
  for (const tail_level& t : d.tail) {
    EXPECT_TRUE(std::isnan(t.var));
    EXPECT_TRUE(std::isnan(t.var_lo));
    EXPECT_TRUE(std::isnan(t.var_hi));
    EXPECT_TRUE(std::isnan(t.es));
    EXPECT_TRUE(std::isnan(t.es_se));
    EXPECT_EQ(t.tail_paths, 0);
  }
  EXPECT_TRUE(d.histogram.edges.empty());
  EXPECT_TRUE(d.histogram.counts.empty());
}

}  // namespace
}  // namespace levrisk
