// Quantiles read from the kernel's extreme histograms against the same
// quantiles of the sorted sample. A sample of running-extreme distances is
// binned as kernels/risk/simulate.hpp bins them (histogram_bin), the bins are
// read at the order-statistic ranks of host/engine/statistics.hpp as
// host/engine/summarize.cpp reads them, and every value must lie in the bin
// found for its rank: the histogram's quantile (read at the bin's upper edge)
// is then within one bin width of the sample's. Values in the last bin, which
// also holds everything beyond the range, are not compared.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "host/engine/statistics.hpp"
#include "kernels/risk/simulate.hpp"

namespace levrisk {
namespace {

// The engine's histogram (host/engine/engine.cpp): 8192 bins of 0.0005 in log-factor units.
constexpr int bins = 8192;
constexpr double width = 0.0005;
// The kernel scales by a float inverse width, a product rounded to 2^-24
// relative: a value that close to a bin edge may fall on either side of it.
// Allowed: twice that, relative to the value.
double edge_slack(double value) {
  return 0x1p-23 * value;
}

struct binned_sample {
  std::vector<float> sorted;               // ascending
  std::vector<unsigned long long> counts;  // bins
};

// Distances -min y >= 0 of n paths: |N(0, 1.6^2)| puts about 1% beyond the
// histogram's range of 4.096, so the clamped last bin is populated too.
binned_sample random_distances(std::uint64_t seed, std::int64_t n) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.6f);
  binned_sample s;
  s.counts.assign(bins, 0);
  const float inverse_width = static_cast<float>(1.0 / width);
  for (std::int64_t i = 0; i < n; ++i) {
    const float distance = std::fabs(normal(rng));
    s.sorted.push_back(distance);
    s.counts[static_cast<std::size_t>(histogram_bin(distance, inverse_width, bins))] += 1;
  }
  std::sort(s.sorted.begin(), s.sorted.end());
  return s;
}

// The value of ascending rank `rank` must lie in the histogram's bin for that
// rank, unless it is in the clamped last bin. Returns whether it was compared.
bool expect_rank_in_bin(const binned_sample& s, std::int64_t rank) {
  const double value = s.sorted[static_cast<std::size_t>(rank - 1)];
  const double slack = edge_slack(value);
  if (value >= (bins - 1) * width - slack) return false;
  const int bin = histogram_bin_at_rank(s.counts.data(), bins, rank);
  EXPECT_GE(value, bin * width - slack) << "rank " << rank;
  EXPECT_LT(value, (bin + 1) * width + slack) << "rank " << rank;
  // The summary reports the upper edge: within one bin width above the value.
  const double reported = (bin + 1) * width;
  EXPECT_LE(reported - value, width + slack) << "rank " << rank;
  EXPECT_GE(reported - value, -slack) << "rank " << rank;
  return true;
}

// Ascending quantiles of the distance and their distribution-free intervals.
TEST(HistogramQuantile, OrderStatisticsLieInTheirBins) {
  const std::int64_t n = 50000;
  const binned_sample s = random_distances(61, n);
  int compared = 0;
  for (const double q : {0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.98}) {
    const quantile_ranks r = quantile_order_ranks(q, n);
    ASSERT_LE(r.lo, r.point);
    ASSERT_LE(r.point, r.hi);
    for (const std::int64_t rank : {r.lo, r.point, r.hi}) compared += expect_rank_in_bin(s, rank);
    // The interval's bins bracket the point's, as the sorted values do.
    EXPECT_LE(histogram_bin_at_rank(s.counts.data(), bins, r.lo),
              histogram_bin_at_rank(s.counts.data(), bins, r.point));
    EXPECT_LE(histogram_bin_at_rank(s.counts.data(), bins, r.point),
              histogram_bin_at_rank(s.counts.data(), bins, r.hi));
  }
  EXPECT_EQ(compared, 24);
}

// The health-factor minimum's quantiles as summarize reads them: HF rank k of
// n (ascending HF, a decreasing function of the distance) is distance rank
// n - k + 1. The lowest levels reach into the clamped bin and are skipped
// there; the rest must match the sorted sample.
TEST(HistogramQuantile, HealthFactorRanksMapToDescendingDistances) {
  const std::int64_t n = 40000;
  const binned_sample s = random_distances(62, n);
  int compared = 0;
  for (const double level : {0.001, 0.01, 0.05, 0.25, 0.5}) {
    const quantile_ranks r = quantile_order_ranks(level, n);
    for (const std::int64_t hf_rank : {r.lo, r.point, r.hi}) {
      compared += expect_rank_in_bin(s, n - hf_rank + 1);
    }
  }
  EXPECT_GE(compared, 9) << "levels 0.05 and above lie inside the histogram's range";
}

// Every rank, not only the reported ones: each sorted value inside the range
// lies in the bin histogram_bin_at_rank finds for its rank.
TEST(HistogramQuantile, EveryRankInsideTheRangeLiesInItsBin) {
  const std::int64_t n = 5000;
  const binned_sample s = random_distances(63, n);
  int compared = 0;
  for (std::int64_t rank = 1; rank <= n; ++rank) compared += expect_rank_in_bin(s, rank);
  EXPECT_GT(compared, n * 98 / 100);
}

// Zero (a path whose minimum is the snapshot's level) is bin 0; a value just
// below an edge stays below it; anything past the range is the last bin.
TEST(HistogramQuantile, KernelBinningAtTheEdges) {
  const float inverse_width = static_cast<float>(1.0 / width);
  EXPECT_EQ(histogram_bin(0.0f, inverse_width, bins), 0);
  EXPECT_EQ(histogram_bin(-0.0f, inverse_width, bins), 0);
  EXPECT_EQ(histogram_bin(0.00049f, inverse_width, bins), 0);
  EXPECT_EQ(histogram_bin(0.00051f, inverse_width, bins), 1);
  EXPECT_EQ(histogram_bin(4.0f, inverse_width, bins), 8000);
  EXPECT_EQ(histogram_bin(100.0f, inverse_width, bins), bins - 1);
  EXPECT_EQ(histogram_bin(HUGE_VALF, inverse_width, bins), bins - 1);
}

}  // namespace
}  // namespace levrisk
