#pragma once
// Price histories on a regular grid and the log returns calibration fits. Gaps
// are reported, never filled: an interval without an observation stays empty,
// and a return that would span it is dropped rather than spread over it.

#include <cstdint>
#include <string>
#include <vector>

#include "models/calibration/price_history.hpp"

namespace levrisk::calibration {

// All assets on one grid of `period_ms` intervals [start + k period, start + (k+1) period);
// each interval holds the last price observed in it, NaN where none was.
struct price_panel {
  std::int64_t period_ms = 0;
  std::int64_t start_ms = 0;
  std::vector<std::string> assets;
  std::vector<std::vector<double>> price_usd;  // [asset][interval]

  std::size_t intervals() const { return price_usd.empty() ? 0 : price_usd[0].size(); }
  std::int64_t interval_start_ms(std::size_t interval) const {
    return start_ms + static_cast<std::int64_t>(interval) * period_ms;
  }
};

price_panel resample_last(const std::vector<price_series>& history, std::int64_t period_ms);

// Coverage of one asset between its first and last non-empty interval.
struct gap_report {
  int first_interval = -1;
  int last_interval = -1;
  int observed_intervals = 0;
  int empty_intervals = 0;        // missing timestamps at the panel's frequency
  int largest_gap_intervals = 0;  // longest run of empty intervals
  std::int64_t largest_gap_start_ms = 0;
};
gap_report gaps(const price_panel& panel, std::size_t asset);

// Log returns of one asset between consecutive non-empty intervals; `interval`
// is the interval each return ends in.
struct asset_returns {
  std::vector<double> log_return;
  std::vector<int> interval;
  int dropped_across_gaps = 0;  // returns not formed because an end was empty
};
asset_returns log_returns(const price_panel& panel, std::size_t asset);

// Log returns of all assets over the intervals where every asset has a price at
// both ends; `dropped` counts the intervals of the common window (latest first
// observation to earliest last one) that fail this.
struct joint_returns {
  std::vector<int> interval;
  std::vector<std::vector<double>> log_return;  // [asset][k]
  int dropped = 0;
};
joint_returns joint_log_returns(const price_panel& panel);

// Sample mean and variance (n - 1); 0 for fewer than two values.
double mean(const std::vector<double>& values);
double sample_variance(const std::vector<double>& values);

// Median of `values`, which it reorders (nth_element); NaN when empty.
double median_in_place(std::vector<double>& values);

// 1 / Phi^{-1}(3/4): 1.4826 x the median absolute deviation estimates a normal sd.
constexpr double mad_to_normal_sigma = 1.482602218505602;

}  // namespace levrisk::calibration
