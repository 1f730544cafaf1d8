#include "host/engine/tail_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

#include "common/error.hpp"
#include "host/engine/statistics.hpp"

namespace levrisk {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// The tail of level q: the paths of 1-based ascending rank j > q n.
std::int64_t tail_size(double q, std::int64_t n) {
  const std::int64_t below = static_cast<std::int64_t>(std::floor(q * static_cast<double>(n)));
  return std::max<std::int64_t>(1, n - below);
}

loss_histogram histogram_of(const std::vector<double>& losses, double min, double max, int bins) {
  loss_histogram h;
  if (!(max > min)) {
    h.edges = {min, max};
    h.counts = {static_cast<std::int64_t>(losses.size())};
    return h;
  }
  const double width = (max - min) / bins;
  h.edges.resize(static_cast<std::size_t>(bins) + 1);
  h.edges.front() = min;
  for (int b = 1; b < bins; ++b) h.edges[static_cast<std::size_t>(b)] = min + width * b;
  h.edges.back() = max;
  h.counts.assign(static_cast<std::size_t>(bins), 0);
  const double* edges = h.edges.data();
  for (const double x : losses) {
    double t = (x - min) / width;
    if (!(t >= 0.0)) t = 0.0;
    int b = static_cast<int>(std::min(t, bins - 1.0));
    // The division can land a value one bin off its edges; the edges are what is reported.
    while (b > 0 && x < edges[b]) --b;
    while (b < bins - 1 && x >= edges[b + 1]) ++b;
    ++h.counts[static_cast<std::size_t>(b)];
  }
  return h;
}

}  // namespace

loss_distribution summarize_losses(const std::vector<double>& losses,
                                   const std::vector<double>& levels, int bins) {
  LEVRISK_REQUIRE(bins >= 1, input_error, "summarize_losses: bins must be >= 1, got " << bins);
  for (const double q : levels) {
    LEVRISK_REQUIRE(q > 0.0 && q < 1.0, input_error,
                    "summarize_losses: each level must be in (0, 1), got " << q);
  }
  const std::int64_t n = static_cast<std::int64_t>(losses.size());
  double sum = 0.0;
  double min = std::numeric_limits<double>::infinity();
  double max = -min;
  std::int64_t positive = 0;
  for (std::size_t i = 0; i < losses.size(); ++i) {
    const double x = losses[i];
    LEVRISK_REQUIRE(
        std::isfinite(x), runtime_failure,
        "summarize_losses: the loss of path " << i << " is " << x << ", not a finite number");
    sum += x;
    min = std::min(min, x);
    max = std::max(max, x);
    positive += x > 0.0 ? 1 : 0;
  }

  loss_distribution out;
  out.paths = n;
  const proportion_estimate p = binomial_estimate(positive, n);
  out.probability_positive = p.p;
  out.probability_positive_lo = p.lo;
  out.probability_positive_hi = p.hi;
  if (n == 0) {
    out.mean = out.mean_se = nan;
    for (const double q : levels) out.tail.push_back({q, nan, nan, nan, nan, nan, 0});
    return out;
  }

  const double count = static_cast<double>(n);
  out.mean = sum / count;
  double squares = 0.0;  // two passes: no cancellation when the spread is small beside the mean
  for (const double x : losses) squares += (x - out.mean) * (x - out.mean);
  out.mean_se = n < 2 ? nan : std::sqrt(squares / (count - 1.0) / count);

  // Every rank any level reads lies in the top `needed` values: partition there once and
  // sort only that part (a little over 5% of the paths for the default levels).
  std::int64_t needed = 0;
  for (const double q : levels) {
    needed = std::max(needed, tail_size(q, n));
    needed = std::max(needed, n - quantile_order_ranks(q, n).lo + 1);
  }
  std::vector<double> sorted;
  if (needed > 0) {
    sorted = losses;
    const auto top = sorted.begin() + (n - needed);
    if (needed < n) std::nth_element(sorted.begin(), top, sorted.end());
    std::sort(top, sorted.end());
  }
  auto at_rank = [&](std::int64_t rank) { return sorted[static_cast<std::size_t>(rank - 1)]; };

  for (const double q : levels) {
    const quantile_ranks ranks = quantile_order_ranks(q, n);
    const std::int64_t k = tail_size(q, n);
    tail_level t{q, at_rank(ranks.point), at_rank(ranks.lo), at_rank(ranks.hi), 0.0, nan, k};
    double tail_sum = 0.0;
    for (std::int64_t j = n - k + 1; j <= n; ++j) tail_sum += at_rank(j);
    t.es = tail_sum / static_cast<double>(k);
    if (k >= 2) {
      double tail_squares = 0.0;
      for (std::int64_t j = n - k + 1; j <= n; ++j) {
        tail_squares += (at_rank(j) - t.es) * (at_rank(j) - t.es);
      }
      const double tail_variance = tail_squares / static_cast<double>(k - 1);
      const double gap = t.es - t.var;
      t.es_se = std::sqrt((tail_variance + q * gap * gap) / (count * (1.0 - q)));
    }
    out.tail.push_back(t);
  }

  out.histogram = histogram_of(losses, min, max, bins);
  return out;
}

std::vector<std::int64_t> tail_paths(const std::vector<double>& losses, double level) {
  LEVRISK_REQUIRE(level > 0.0 && level < 1.0, input_error,
                  "tail_paths: the level must be in (0, 1), got " << level);
  const auto n = static_cast<std::int64_t>(losses.size());
  if (n == 0) return {};
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  for (std::int64_t p = 0; p < n; ++p) order[static_cast<std::size_t>(p)] = p;
  const std::int64_t k = tail_size(level, n);
  const auto worse = [&](std::int64_t a, std::int64_t b) {
    const double la = losses[static_cast<std::size_t>(a)];
    const double lb = losses[static_cast<std::size_t>(b)];
    return la != lb ? la > lb : a < b;
  };
  std::nth_element(order.begin(), order.begin() + (k - 1), order.end(), worse);
  order.resize(static_cast<std::size_t>(k));
  std::sort(order.begin(), order.end());
  return order;
}

}  // namespace levrisk
