#pragma once
// Per-path loss totals (USD, one per simulated path, of either sign) -> the figures a
// risk team reports, each with its uncertainty: the mean, the probability of a loss,
// value-at-risk and expected shortfall at several levels, and a histogram.
//
// With n paths and the losses sorted ascending, L_(1) <= ... <= L_(n), and a level q
// (q n evaluated in double precision, as in quantile_order_ranks: 0.99 x 100 is 99):
// * VaR_q = L_(r), r = ceil(q n): the inverse of the empirical distribution function;
//   [var_lo, var_hi] = [L_(lo), L_(hi)], the distribution-free 95% interval of the
//   quantile with lo and hi from quantile_order_ranks (clamped to [1, n]).
// * ES_q = the mean of the tail, the paths of rank j > q n: the worst
//   k = ceil((1 - q) n) = n - floor(q n) paths (at least 1). Every tail loss is >= VaR_q;
//   the path of rank r is in the tail unless q n is a whole number. This is the sample
//   estimator of Acerbi & Tasche (2002), who take the worst floor((1 - q) n) paths:
//   the same paths whenever (1 - q) n is a whole number.
// * es_se: the large-sample standard error of ES (Manistre & Hancock 2005),
//   se^2 = [s_tail^2 + q (ES_q - VaR_q)^2] / (n (1 - q)), s_tail^2 the sample variance
//   (divisor k - 1) of the k tail losses. NaN when the tail has fewer than 2 paths.

#include <cstdint>
#include <vector>

namespace levrisk {

struct tail_level {
  double level;             // q, in (0, 1)
  double var;               // L_(ceil(q n))
  double var_lo;            // 95% order-statistic interval of the q-quantile
  double var_hi;            //   (ranks from quantile_order_ranks)
  double es;                // mean of the worst ceil((1 - q) n) losses
  double es_se;             // Manistre & Hancock (2005); NaN when tail_paths < 2
  std::int64_t tail_paths;  // k, the paths averaged into es
};

// Equal-width bins over [min, max] of the losses; bin b holds edges[b] <= L < edges[b + 1],
// the last bin also L = max. All losses equal: one bin of zero width, {L, L}.
struct loss_histogram {
  std::vector<double> edges;         // bins + 1 ascending edges
  std::vector<std::int64_t> counts;  // bins; they sum to the number of paths
};

struct loss_distribution {
  std::int64_t paths;
  double mean, mean_se;         // sample mean, sample sd / sqrt(n) (NaN when n < 2)
  double probability_positive;  // share of paths with loss > 0, and its Wilson interval
  double probability_positive_lo, probability_positive_hi;
  std::vector<tail_level> tail;  // one per requested level, in order
  loss_histogram histogram;
};

// levels in (0, 1) and bins >= 1, or input_error. A non-finite loss throws
// runtime_failure naming the path (a NaN loss is a bug upstream). No paths: the
// figures are NaN, tail_paths 0 and the histogram empty. losses is not modified.
loss_distribution summarize_losses(const std::vector<double>& losses,
                                   const std::vector<double>& levels = {0.95, 0.99, 0.999},
                                   int bins = 50);

// The paths of the level-q tail, as ES_q averages them: the worst
// n - floor(q n) paths (at least 1), ties by lower path index; in ascending path
// order. Expected shortfall contributions (Euler allocation) average each
// unit's loss over exactly these paths, so that they add up to ES_q.
std::vector<std::int64_t> tail_paths(const std::vector<double>& losses, double level);

}  // namespace levrisk
