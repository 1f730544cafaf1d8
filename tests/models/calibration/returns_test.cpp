#include "models/calibration/returns.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace levrisk::calibration {
namespace {

constexpr std::int64_t hour = 3'600'000;

price_series series_of(const std::string& asset, std::vector<std::int64_t> hours,
                       std::vector<double> prices) {
  price_series s;
  s.asset = asset;
  s.source = asset + ".csv";
  for (const std::int64_t h : hours) s.time_ms.push_back(h * hour + 60'000);
  s.price_usd = std::move(prices);
  s.line.assign(s.time_ms.size(), 0);
  return s;
}

TEST(ResampleLast, KeepsTheLastPriceOfEachIntervalAndLeavesEmptyOnesEmpty) {
  price_series s = series_of("BTC", {0, 1, 4}, {100, 101, 104});
  s.time_ms.insert(s.time_ms.begin() + 1, 30 * 60'000);  // a second price in hour 0
  s.price_usd.insert(s.price_usd.begin() + 1, 100.5);
  const price_panel panel = resample_last({s}, hour);
  ASSERT_EQ(panel.intervals(), 5u);
  EXPECT_EQ(panel.price_usd[0][0], 100.5);
  EXPECT_EQ(panel.price_usd[0][1], 101);
  EXPECT_TRUE(std::isnan(panel.price_usd[0][2]));
  EXPECT_TRUE(std::isnan(panel.price_usd[0][3]));
  EXPECT_EQ(panel.price_usd[0][4], 104);
  const gap_report report = gaps(panel, 0);
  EXPECT_EQ(report.empty_intervals, 2);
  EXPECT_EQ(report.largest_gap_intervals, 2);
  EXPECT_EQ(report.largest_gap_start_ms, 2 * hour);
  EXPECT_EQ(report.observed_intervals, 3);
}

TEST(LogReturns, AreNotFormedAcrossAGap) {
  const price_panel panel =
      resample_last({series_of("BTC", {0, 1, 3, 4}, {100, 110, 120, 132})}, hour);
  const asset_returns r = log_returns(panel, 0);
  ASSERT_EQ(r.log_return.size(), 2u);
  EXPECT_DOUBLE_EQ(r.log_return[0], std::log(1.1));
  EXPECT_DOUBLE_EQ(r.log_return[1], std::log(1.1));
  EXPECT_EQ(r.interval, (std::vector<int>{1, 4}));
  EXPECT_EQ(r.dropped_across_gaps, 1);
}

TEST(JointLogReturns, UseOnlyIntervalsWhereEveryAssetHasPrices) {
  const price_panel panel = resample_last({series_of("BTC", {0, 1, 2, 3, 4, 5}, {1, 2, 3, 4, 5, 6}),
                                           series_of("ETH", {1, 2, 4, 5, 6}, {1, 2, 4, 5, 6})},
                                          hour);
  const joint_returns joint = joint_log_returns(panel);
  // Common window: hours 1..5; returns ending in 2..5; 3 and 4 touch ETH's empty hour 3.
  EXPECT_EQ(joint.interval, (std::vector<int>{2, 5}));
  EXPECT_EQ(joint.dropped, 2);
  EXPECT_DOUBLE_EQ(joint.log_return[0][1], std::log(6.0 / 5.0));
  EXPECT_DOUBLE_EQ(joint.log_return[1][0], std::log(2.0));
}

}  // namespace
}  // namespace levrisk::calibration
