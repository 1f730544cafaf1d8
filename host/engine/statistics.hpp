#pragma once
// Estimators and their uncertainty, for every figure a run reports.

#include <cstdint>

namespace levrisk {

constexpr double z_95 = 1.959963984540054;  // two-sided 95% normal quantile

struct proportion_estimate {
  double p;
  double se;  // sqrt(p (1 - p) / n)
  double lo;  // Wilson score interval (Wilson 1927); stays inside [0, 1] and is
  double hi;  // honest when no or every path liquidates, unlike p +- z se.
};

proportion_estimate binomial_estimate(std::int64_t successes, std::int64_t trials, double z = z_95);

struct mean_estimate {
  double mean;  // NaN when n == 0
  double se;    // sample standard deviation / sqrt(n); NaN when n < 2
};

mean_estimate mean_from_sums(std::int64_t n, double sum, double sum_sq);

// 1-based ranks in ascending order of the q-quantile of n values and of the
// ends of its distribution-free confidence interval (normal approximation to the
// binomial count of values below the quantile; e.g. Conover, Practical
// Nonparametric Statistics, 3rd ed., 3.2).
struct quantile_ranks {
  std::int64_t point;
  std::int64_t lo;
  std::int64_t hi;
};

quantile_ranks quantile_order_ranks(double q, std::int64_t n, double z = z_95);

// Index of the bin holding the value of 1-based ascending rank `rank` among the
// values counted in `counts`.
int histogram_bin_at_rank(const unsigned long long* counts, int bins, std::int64_t rank);

}  // namespace levrisk
