// Estimators against values computed by hand from their textbook formulas, and
// the quantile interval's coverage against the exact binomial distribution.

#include "host/engine/statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace levrisk {
namespace {

// Wilson (1927): (p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n).
// 0 of 100, z = 1.96: centre = half-width = 0.0192073 / 1.0384146 = 0.0184968.
TEST(BinomialEstimate, NoSuccessesGiveWilsonUpperBoundNotZero) {
  const proportion_estimate e = binomial_estimate(0, 100);
  EXPECT_EQ(e.p, 0.0);
  EXPECT_EQ(e.se, 0.0);
  EXPECT_EQ(e.lo, 0.0);
  EXPECT_NEAR(e.hi, 0.036994, 5e-6);
}

TEST(BinomialEstimate, AllSuccessesMirrorNoSuccesses) {
  const proportion_estimate e = binomial_estimate(100, 100);
  EXPECT_EQ(e.p, 1.0);
  EXPECT_EQ(e.se, 0.0);
  EXPECT_NEAR(e.lo, 1.0 - 0.036994, 5e-6);
  EXPECT_EQ(e.hi, 1.0);
}

// 50 of 100: half-width 1.96 sqrt(0.0025 + 0.00009604) / 1.0384146 = 0.096170.
TEST(BinomialEstimate, HalfGivesSymmetricInterval) {
  const proportion_estimate e = binomial_estimate(50, 100);
  EXPECT_EQ(e.p, 0.5);
  EXPECT_DOUBLE_EQ(e.se, 0.05);
  EXPECT_NEAR(e.lo, 0.40383, 5e-5);
  EXPECT_NEAR(e.hi, 0.59617, 5e-5);
}

// Newcombe (1998), "Two-sided confidence intervals for the single proportion:
// comparison of seven methods", Stat. Med. 17, 857-872, Table II, method 3
// (Wilson score without continuity correction), to the 4 decimals printed there.
TEST(BinomialEstimate, MatchesNewcombesPublishedWilsonIntervals) {
  struct published {
    std::int64_t successes, trials;
    double lo, hi;
  };
  const published cases[] = {{81, 263, 0.2553, 0.3662},
                             {15, 148, 0.0624, 0.1605},
                             {0, 20, 0.0, 0.1611},
                             {1, 29, 0.0061, 0.1718}};
  for (const published& c : cases) {
    const proportion_estimate e = binomial_estimate(c.successes, c.trials);
    EXPECT_NEAR(e.lo, c.lo, 5e-5) << c.successes << " of " << c.trials;
    EXPECT_NEAR(e.hi, c.hi, 5e-5) << c.successes << " of " << c.trials;
  }
}

TEST(BinomialEstimate, WiderForHigherConfidence) {
  const proportion_estimate e95 = binomial_estimate(30, 1000);
  const proportion_estimate e99 = binomial_estimate(30, 1000, 2.5758293035489);
  EXPECT_EQ(e95.p, e99.p);
  EXPECT_LT(e99.lo, e95.lo);
  EXPECT_GT(e99.hi, e95.hi);
  EXPECT_LT(e95.lo, 0.03);
  EXPECT_GT(e95.hi, 0.03);
}

TEST(BinomialEstimate, NoTrialsGiveNan) {
  const proportion_estimate e = binomial_estimate(0, 0);
  EXPECT_TRUE(std::isnan(e.p));
  EXPECT_TRUE(std::isnan(e.se));
  EXPECT_TRUE(std::isnan(e.lo));
  EXPECT_TRUE(std::isnan(e.hi));
}

// Values 1, 2, 3, 4: mean 2.5, sample variance (30 - 10 * 2.5) / 3 = 5/3,
// standard error sqrt(5/3 / 4).
TEST(MeanFromSums, SampleMeanAndStandardError) {
  const mean_estimate e = mean_from_sums(4, 10.0, 30.0);
  EXPECT_DOUBLE_EQ(e.mean, 2.5);
  EXPECT_DOUBLE_EQ(e.se, std::sqrt(5.0 / 12.0));
}

TEST(MeanFromSums, OneValueHasNoStandardError) {
  const mean_estimate e = mean_from_sums(1, 7.0, 49.0);
  EXPECT_EQ(e.mean, 7.0);
  EXPECT_TRUE(std::isnan(e.se));
}

TEST(MeanFromSums, NoValuesGiveNan) {
  const mean_estimate e = mean_from_sums(0, 0.0, 0.0);
  EXPECT_TRUE(std::isnan(e.mean));
  EXPECT_TRUE(std::isnan(e.se));
}

// Rounding in sum_sq - sum * mean can leave a tiny negative variance for equal
// values; the standard error must come out 0, not NaN.
TEST(MeanFromSums, EqualValuesGiveZeroNotNan) {
  const int n = 1000;
  double sum = 0.0, sum_sq = 0.0;
  for (int i = 0; i < n; ++i) {
    sum += 0.1;
    sum_sq += 0.1 * 0.1;
  }
  const mean_estimate e = mean_from_sums(n, sum, sum_sq);
  EXPECT_NEAR(e.mean, 0.1, 1e-12);
  EXPECT_GE(e.se, 0.0);
  EXPECT_LT(e.se, 1e-7);
}

// n = 100, q = 0.5: the point is the 50th value (inverse of the empirical
// distribution function, ceil(n q)); the interval is 50 -+ 1.96 sqrt(100 / 4) =
// 50 -+ 9.8, widened outward to ranks 40 and 61.
TEST(QuantileOrderRanks, MedianOfHundred) {
  const quantile_ranks r = quantile_order_ranks(0.5, 100);
  EXPECT_EQ(r.point, 50);
  EXPECT_EQ(r.lo, 40);
  EXPECT_EQ(r.hi, 61);
}

TEST(QuantileOrderRanks, RanksStayWithinOneToN) {
  const quantile_ranks low = quantile_order_ranks(0.01, 10);
  EXPECT_EQ(low.point, 1);
  EXPECT_EQ(low.lo, 1);
  EXPECT_GE(low.hi, 1);
  EXPECT_LE(low.hi, 10);
  const quantile_ranks high = quantile_order_ranks(0.99, 100);
  EXPECT_EQ(high.point, 99);
  EXPECT_EQ(high.hi, 100);
  EXPECT_LE(high.lo, 99);
  const quantile_ranks one = quantile_order_ranks(0.5, 1);
  EXPECT_EQ(one.point, 1);
  EXPECT_EQ(one.lo, 1);
  EXPECT_EQ(one.hi, 1);
}

// P(lo <= B <= hi - 1) for B ~ Binomial(n, q), B the count of values below the
// true quantile: the probability that [X_(lo), X_(hi)] covers it (Conover 3.2).
double order_statistic_coverage(std::int64_t n, double q, std::int64_t lo, std::int64_t hi) {
  double coverage = 0.0;
  for (std::int64_t b = lo; b <= hi - 1; ++b) {
    const double log_pmf =
        std::lgamma(static_cast<double>(n) + 1.0) - std::lgamma(static_cast<double>(b) + 1.0) -
        std::lgamma(static_cast<double>(n - b) + 1.0) + static_cast<double>(b) * std::log(q) +
        static_cast<double>(n - b) * std::log1p(-q);
    coverage += std::exp(log_pmf);
  }
  return coverage;
}

// Away from the ends (where the clamp to [1, n] makes the interval one-sided),
// the normal approximation must not undercover by more than a little.
TEST(QuantileOrderRanks, IntervalCoversAboutNinetyFivePercent) {
  const std::int64_t sizes[] = {100, 1000, 2048, 100000};
  const double levels[] = {0.01, 0.05, 0.25, 0.5, 0.9};
  for (const std::int64_t n : sizes) {
    for (const double q : levels) {
      if (n * q < 10) continue;
      const quantile_ranks r = quantile_order_ranks(q, n);
      EXPECT_LE(r.lo, r.point);
      EXPECT_GE(r.hi, r.point);
      EXPECT_GE(order_statistic_coverage(n, q, r.lo, r.hi), 0.94) << "n " << n << " q " << q;
    }
  }
}

TEST(HistogramBinAtRank, FindsTheBinHoldingEachRank) {
  const std::vector<unsigned long long> counts{0, 3, 0, 2, 5};
  const int bins = static_cast<int>(counts.size());
  EXPECT_EQ(histogram_bin_at_rank(counts.data(), bins, 1), 1);
  EXPECT_EQ(histogram_bin_at_rank(counts.data(), bins, 3), 1);
  EXPECT_EQ(histogram_bin_at_rank(counts.data(), bins, 4), 3);
  EXPECT_EQ(histogram_bin_at_rank(counts.data(), bins, 5), 3);
  EXPECT_EQ(histogram_bin_at_rank(counts.data(), bins, 6), 4);
  EXPECT_EQ(histogram_bin_at_rank(counts.data(), bins, 10), 4);
}

TEST(HistogramBinAtRank, RankBeyondTheCountGivesTheLastBin) {
  const std::vector<unsigned long long> counts{2, 1, 0};
  EXPECT_EQ(histogram_bin_at_rank(counts.data(), 3, 4), 2);
}

}  // namespace
}  // namespace levrisk
