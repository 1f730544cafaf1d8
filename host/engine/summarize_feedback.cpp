#include "host/engine/summarize_feedback.hpp"

#include <cmath>
#include <cstddef>

#include "common/error.hpp"
#include "host/engine/summarize_execution.hpp"
#include "host/engine/tail_statistics.hpp"

namespace levrisk {
namespace {

usd_estimate mean_of(const std::vector<double>& values) {
  const loss_distribution d = summarize_losses(values, {0.99}, 1);
  return usd_estimate{d.mean, d.mean_se};
}

// Column `at` of the full run beside its two counterfactual columns.
amplification_row amplification_of(const char* figure, const std::vector<double>& full,
                                   const std::vector<double>& no_permanent,
                                   const std::vector<double>& perfect_oracle) {
  amplification_row row;
  row.figure = figure;
  row.full = mean_of(full);
  row.no_permanent = mean_of(no_permanent);
  row.perfect_oracle = mean_of(perfect_oracle);
  row.permanent_amplification = paired_ratio(full, no_permanent);
  row.oracle_effect = paired_ratio(full, perfect_oracle);
  return row;
}

}  // namespace

ratio_estimate paired_ratio(const std::vector<double>& a, const std::vector<double>& b) {
  LEVRISK_REQUIRE(a.size() == b.size(), runtime_failure, "paired ratio of unequal samples");
  const auto n = static_cast<double>(a.size());
  ratio_estimate r;
  if (a.size() < 2) return r;
  double sum_a = 0.0;
  double sum_b = 0.0;
  for (std::size_t p = 0; p < a.size(); ++p) {
    sum_a += a[p];
    sum_b += b[p];
  }
  const double mean_a = sum_a / n;
  const double mean_b = sum_b / n;
  if (mean_b == 0.0) return r;
  r.ratio = mean_a / mean_b;
  // The residuals a - R b have mean 0; their variance is the ratio's numerator.
  double residual_sq = 0.0;
  for (std::size_t p = 0; p < a.size(); ++p) {
    const double residual = (a[p] - mean_a) - r.ratio * (b[p] - mean_b);
    residual_sq += residual * residual;
  }
  r.se = std::sqrt(residual_sq / (n - 1.0) / n) / std::fabs(mean_b);
  return r;
}

void summarize_feedback(const execution_plan& plan, int n_assets,
                        const std::vector<double>& path_totals, std::int64_t paths,
                        const std::vector<tally_t>& rounds_histogram, system_result& s) {
  feedback_result& f = s.feedback;
  f.enabled = plan.feedback();
  if (!f.enabled) return;
  f.oracle = plan.oracle.enabled;
  f.permanent_impact_share = plan.cascade.permanent_impact_share;
  f.max_cascade_rounds = plan.cascade.max_rounds;
  f.amplification = plan.cascade.amplification;
  f.rounds_histogram.assign(rounds_histogram.begin(), rounds_histogram.end());
  const int stride = plan.path_stride(n_assets);
  for (int k = 0; k < n_assets; ++k) {
    f.asset_drawdown.push_back(
        summarize_losses(column_of(path_totals, stride, n_path_totals + 2 * n_assets + k, paths)));
  }
  if (!f.amplification) return;
  // Every figure of the table over the same paths: those the passes ran on.
  f.amplification_paths = plan.cascade.amplification_paths;
  const auto at = [&](int t) { return column_of(path_totals, stride, t, f.amplification_paths); };
  std::vector<double> uncovered = at(total_lending_shortfall);
  const std::vector<double> deficit = at(total_perp_deficit);
  for (std::size_t p = 0; p < uncovered.size(); ++p) uncovered[p] += deficit[p];
  f.amplification_rows.push_back(amplification_of("book_loss_usd", at(total_book_loss),
                                                  at(total_book_loss_no_permanent),
                                                  at(total_book_loss_perfect_oracle)));
  f.amplification_rows.push_back(amplification_of("uncovered_usd", uncovered,
                                                  at(total_uncovered_no_permanent),
                                                  at(total_uncovered_perfect_oracle)));
}

}  // namespace levrisk
