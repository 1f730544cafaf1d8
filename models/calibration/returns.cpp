#include "models/calibration/returns.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.hpp"

namespace levrisk::calibration {
namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

price_panel resample_last(const std::vector<price_series>& history, std::int64_t period_ms) {
  LEVRISK_REQUIRE(period_ms > 0, input_error, "resampling period must be > 0 ms");
  LEVRISK_REQUIRE(!history.empty(), input_error, "no price history to resample");
  price_panel panel;
  panel.period_ms = period_ms;
  std::int64_t first = std::numeric_limits<std::int64_t>::max();
  std::int64_t last = std::numeric_limits<std::int64_t>::min();
  for (const price_series& series : history) {
    LEVRISK_REQUIRE(!series.time_ms.empty(), input_error,
                    series.source << ": asset '" << series.asset << "' has no prices");
    first = std::min(first, series.time_ms.front());
    last = std::max(last, series.time_ms.back());
  }
  panel.start_ms = floor_div(first, period_ms) * period_ms;
  const std::int64_t count = floor_div(last, period_ms) - floor_div(first, period_ms) + 1;
  LEVRISK_REQUIRE(count <= 50'000'000, input_error,
                  "resampling " << format_timestamp(first) << " to " << format_timestamp(last)
                                << " gives " << count << " intervals; choose a longer --frequency");
  for (const price_series& series : history) {
    panel.assets.push_back(series.asset);
    std::vector<double> prices(static_cast<std::size_t>(count),
                               std::numeric_limits<double>::quiet_NaN());
    for (std::size_t i = 0; i < series.time_ms.size(); ++i) {
      const auto k =
          static_cast<std::size_t>(floor_div(series.time_ms[i] - panel.start_ms, period_ms));
      prices[k] = series.price_usd[i];  // ascending times: the last one in the interval stays
    }
    panel.price_usd.push_back(std::move(prices));
  }
  return panel;
}

gap_report gaps(const price_panel& panel, std::size_t asset) {
  gap_report report;
  const std::vector<double>& prices = panel.price_usd[asset];
  int run = 0;
  for (std::size_t k = 0; k < prices.size(); ++k) {
    if (std::isnan(prices[k])) {
      if (report.first_interval >= 0) ++run;
      continue;
    }
    if (report.first_interval < 0) report.first_interval = static_cast<int>(k);
    report.last_interval = static_cast<int>(k);
    ++report.observed_intervals;
    if (run > 0) {
      report.empty_intervals += run;
      if (run > report.largest_gap_intervals) {
        report.largest_gap_intervals = run;
        report.largest_gap_start_ms = panel.interval_start_ms(k - static_cast<std::size_t>(run));
      }
      run = 0;
    }
  }
  return report;
}

asset_returns log_returns(const price_panel& panel, std::size_t asset) {
  asset_returns out;
  const std::vector<double>& prices = panel.price_usd[asset];
  const gap_report coverage = gaps(panel, asset);
  if (coverage.first_interval < 0) return out;
  for (int k = coverage.first_interval + 1; k <= coverage.last_interval; ++k) {
    const double now = prices[static_cast<std::size_t>(k)];
    const double before = prices[static_cast<std::size_t>(k - 1)];
    if (std::isnan(now) || std::isnan(before)) {
      if (!std::isnan(now)) ++out.dropped_across_gaps;
      continue;
    }
    out.log_return.push_back(std::log(now / before));
    out.interval.push_back(k);
  }
  return out;
}

joint_returns joint_log_returns(const price_panel& panel) {
  joint_returns out;
  const std::size_t n_assets = panel.assets.size();
  out.log_return.resize(n_assets);
  int first = 0;
  int last = static_cast<int>(panel.intervals()) - 1;
  for (std::size_t a = 0; a < n_assets; ++a) {
    const gap_report coverage = gaps(panel, a);
    first = std::max(first, coverage.first_interval);
    last = std::min(last, coverage.last_interval);
  }
  for (int k = first + 1; k <= last; ++k) {
    bool complete = true;
    for (std::size_t a = 0; a < n_assets && complete; ++a) {
      complete = !std::isnan(panel.price_usd[a][static_cast<std::size_t>(k)]) &&
                 !std::isnan(panel.price_usd[a][static_cast<std::size_t>(k - 1)]);
    }
    if (!complete) {
      ++out.dropped;
      continue;
    }
    out.interval.push_back(k);
    for (std::size_t a = 0; a < n_assets; ++a) {
      out.log_return[a].push_back(std::log(panel.price_usd[a][static_cast<std::size_t>(k)] /
                                           panel.price_usd[a][static_cast<std::size_t>(k - 1)]));
    }
  }
  return out;
}

double mean(const std::vector<double>& values) {
  if (values.empty()) return 0.0;
  double sum = 0.0;
  for (const double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

double sample_variance(const std::vector<double>& values) {
  if (values.size() < 2) return 0.0;
  const double m = mean(values);
  double sum = 0.0;
  for (const double v : values) sum += (v - m) * (v - m);
  return sum / static_cast<double>(values.size() - 1);
}

double median_in_place(std::vector<double>& values) {
  const std::size_t n = values.size();
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), middle, values.end());
  const double upper = *middle;
  if (n % 2 == 1) return upper;
  return 0.5 * (upper + *std::max_element(values.begin(), middle));
}

}  // namespace levrisk::calibration
