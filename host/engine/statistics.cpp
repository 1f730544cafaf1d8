#include "host/engine/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace levrisk {

proportion_estimate binomial_estimate(std::int64_t successes, std::int64_t trials, double z) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (trials <= 0) return {nan, nan, nan, nan};
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = z * z;
  const double denominator = 1.0 + z2 / n;
  const double center = (p + z2 / (2.0 * n)) / denominator;
  const double half = z * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator;
  // At 0 or n successes the Wilson bound is exactly 0 or 1; the formula would
  // leave a rounding residue there.
  const double lo = successes == 0 ? 0.0 : std::max(0.0, center - half);
  const double hi = successes == trials ? 1.0 : std::min(1.0, center + half);
  return {p, std::sqrt(p * (1.0 - p) / n), lo, hi};
}

mean_estimate mean_from_sums(std::int64_t n, double sum, double sum_sq) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (n <= 0) return {nan, nan};
  const double count = static_cast<double>(n);
  const double mean = sum / count;
  if (n < 2) return {mean, nan};
  const double variance = std::max(0.0, (sum_sq - sum * mean) / (count - 1.0));
  return {mean, std::sqrt(variance / count)};
}

quantile_ranks quantile_order_ranks(double q, std::int64_t n, double z) {
  const double count = static_cast<double>(n);
  const double center = q * count;
  const double half = z * std::sqrt(count * q * (1.0 - q));
  auto clamp = [n](double rank) {
    return std::min<std::int64_t>(n, std::max<std::int64_t>(1, static_cast<std::int64_t>(rank)));
  };
  return {clamp(std::ceil(center)), clamp(std::floor(center - half)),
          clamp(std::ceil(center + half) + 1.0)};
}

int histogram_bin_at_rank(const unsigned long long* counts, int bins, std::int64_t rank) {
  unsigned long long seen = 0;
  for (int b = 0; b < bins; ++b) {
    seen += counts[b];
    if (static_cast<std::int64_t>(seen) >= rank) return b;
  }
  return bins - 1;
}

}  // namespace levrisk
