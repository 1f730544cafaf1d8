#include "host/engine/margin_ratio.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace levrisk {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

TEST(MarginRatio, IsTheInverseOfTheHealthFactorAboveOne) {
  EXPECT_EQ(margin_ratio(2.0), 0.5);
  EXPECT_EQ(margin_ratio(4.0), 0.25);
  EXPECT_DOUBLE_EQ(margin_ratio(1.6), 0.625);
}

TEST(MarginRatio, IsOneAtOrBelowAHealthFactorOfOne) {
  EXPECT_EQ(margin_ratio(1.0), 1.0);
  EXPECT_EQ(margin_ratio(0.8), 1.0);
  EXPECT_EQ(margin_ratio(0.0), 1.0);    // equity zero
  EXPECT_EQ(margin_ratio(-13.0), 1.0);  // bankrupt: equity below zero
  EXPECT_EQ(margin_ratio(-inf), 1.0);
}

TEST(MarginRatio, IsZeroWithoutMaintenanceAndNanWhenUndefined) {
  EXPECT_EQ(margin_ratio(inf), 0.0);
  EXPECT_TRUE(std::isnan(margin_ratio(std::nan(""))));
}

unit_result perp_with_quantiles(std::vector<double> point, std::vector<double> lo,
                                std::vector<double> hi) {
  unit_result u{};
  u.kind = risk_unit_kind::perp_isolated;
  u.hf_min_quantile = std::move(point);
  u.hf_min_quantile_lo = std::move(lo);
  u.hf_min_quantile_hi = std::move(hi);
  return u;
}

// The HF interval [lo, hi] turns over: the ratio's lower end comes from the HF's upper.
TEST(SetMarginRatioQuantiles, MapsEachLevelAndTurnsTheIntervalOver) {
  unit_result u = perp_with_quantiles({2.0, 0.8, -13.0, inf}, {1.5625, 0.5, -20.0, 5.0},
                                      {2.5, 1.25, -10.0, inf});
  set_margin_ratio_quantiles(u);
  EXPECT_EQ(u.margin_ratio_max_quantile, (std::vector<double>{0.5, 1.0, 1.0, 0.0}));
  EXPECT_EQ(u.margin_ratio_max_quantile_lo, (std::vector<double>{0.4, 0.8, 1.0, 0.0}));
  EXPECT_EQ(u.margin_ratio_max_quantile_hi, (std::vector<double>{0.64, 1.0, 1.0, 0.2}));
  for (std::size_t l = 0; l < 4; ++l) {
    EXPECT_LE(u.margin_ratio_max_quantile_lo[l], u.margin_ratio_max_quantile[l]) << l;
    EXPECT_LE(u.margin_ratio_max_quantile[l], u.margin_ratio_max_quantile_hi[l]) << l;
  }
  EXPECT_EQ(u.margin_ratio_max_quantile_bound, std::vector<std::uint8_t>(4, 0));
  EXPECT_EQ(u.margin_ratio_max_quantile_lo_bound, std::vector<std::uint8_t>(4, 0));
  EXPECT_EQ(u.margin_ratio_max_quantile_hi_bound, std::vector<std::uint8_t>(4, 0));
}

// An HF at most the value given is a margin ratio at least the ratio given; a ratio of
// 1 from such an HF is exact, as the ratio cannot exceed 1.
TEST(SetMarginRatioQuantiles, AnHfUpperBoundIsARatioLowerBoundBelowOne) {
  unit_result u = perp_with_quantiles({4.0, 0.5}, {2.0, 0.25}, {5.0, 0.75});
  u.kind = risk_unit_kind::perp_cross;
  u.hf_min_quantile_bound = {1, 1};
  u.hf_min_quantile_lo_bound = {1, 0};
  u.hf_min_quantile_hi_bound = {0, 1};
  set_margin_ratio_quantiles(u);
  EXPECT_EQ(u.margin_ratio_max_quantile, (std::vector<double>{0.25, 1.0}));
  EXPECT_EQ(u.margin_ratio_max_quantile_bound, (std::vector<std::uint8_t>{1, 0}));
  // The ratio's lower end is the HF's upper end, and its upper end the HF's lower.
  EXPECT_EQ(u.margin_ratio_max_quantile_lo_bound, (std::vector<std::uint8_t>{0, 0}));
  EXPECT_EQ(u.margin_ratio_max_quantile_hi_bound, (std::vector<std::uint8_t>{1, 0}));
}

TEST(SetMarginRatioQuantiles, HfWithoutBoundFlagsGivesNoBounds) {
  unit_result u = perp_with_quantiles({3.0}, {2.0}, {4.0});
  set_margin_ratio_quantiles(u);
  EXPECT_EQ(u.margin_ratio_max_quantile_bound, std::vector<std::uint8_t>{0});
  EXPECT_EQ(u.margin_ratio_max_quantile_lo_bound, std::vector<std::uint8_t>{0});
  EXPECT_EQ(u.margin_ratio_max_quantile_hi_bound, std::vector<std::uint8_t>{0});
}

TEST(SetMarginRatioQuantiles, NanHfQuantilesStayNan) {
  const double nan = std::nan("");
  unit_result u = perp_with_quantiles({nan}, {nan}, {nan});
  set_margin_ratio_quantiles(u);
  EXPECT_TRUE(std::isnan(u.margin_ratio_max_quantile[0]));
  EXPECT_TRUE(std::isnan(u.margin_ratio_max_quantile_lo[0]));
  EXPECT_TRUE(std::isnan(u.margin_ratio_max_quantile_hi[0]));
}

TEST(SetMarginRatioQuantiles, LendingAccountsHaveNone) {
  unit_result u = perp_with_quantiles({2.0, 0.8}, {1.5, 0.7}, {2.5, 0.9});
  u.kind = risk_unit_kind::lending_account;
  u.hf_min_quantile_bound = {1, 1};
  set_margin_ratio_quantiles(u);
  ASSERT_EQ(u.margin_ratio_max_quantile.size(), 2u);
  for (std::size_t l = 0; l < 2; ++l) {
    EXPECT_TRUE(std::isnan(u.margin_ratio_max_quantile[l])) << l;
    EXPECT_TRUE(std::isnan(u.margin_ratio_max_quantile_lo[l])) << l;
    EXPECT_TRUE(std::isnan(u.margin_ratio_max_quantile_hi[l])) << l;
  }
  EXPECT_EQ(u.margin_ratio_max_quantile_bound, std::vector<std::uint8_t>(2, 0));
  EXPECT_EQ(u.margin_ratio_max_quantile_lo_bound, std::vector<std::uint8_t>(2, 0));
  EXPECT_EQ(u.margin_ratio_max_quantile_hi_bound, std::vector<std::uint8_t>(2, 0));
}

}  // namespace
}  // namespace levrisk
