// watch_band_of (kernels/risk/watch_band.hpp) against the margin it stands
// for, computed directly as the step-synchronous stage's lending test sums it
// (sum of the unmoving legs' coefficients, then the moving leg's coefficient
// times the growth factor, in double): at random growth factors and at the
// floats next to each bound, on random accounts of one to three legs.

#include "kernels/risk/watch_band.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace levrisk {
namespace {

struct account {
  std::vector<lending_leg> legs;
  std::vector<double> balance;  // collateral, debt per leg
};

// The lending test's answer at growth factor g of every moving asset.
bool liquidatable_at(const account& a, const int* asset_moves, float g) {
  double margin = 0.0;
  bool has_debt = false;
  for (std::size_t i = 0; i < a.legs.size(); ++i) {
    has_debt = has_debt || a.balance[2 * i + 1] > 0.0;
    const double c = a.balance[2 * i] * a.legs[i].liquidation_threshold - a.balance[2 * i + 1];
    if (asset_moves[a.legs[i].asset] == 0) margin += c;
  }
  for (std::size_t i = 0; i < a.legs.size(); ++i) {
    const double c = a.balance[2 * i] * a.legs[i].liquidation_threshold - a.balance[2 * i + 1];
    if (asset_moves[a.legs[i].asset] != 0 && c != 0.0) margin += c * g;
  }
  return has_debt && margin < 0.0;
}

watch_band band_of(const account& a, const int* asset_moves) {
  return watch_band_of(a.legs.data(), static_cast<int>(a.legs.size()), a.balance.data(),
                       asset_moves);
}

// Asset 0 moves, assets 1 and 2 (stablecoins) do not.
constexpr int asset_moves[3] = {1, 0, 0};

TEST(WatchBand, CollateralThatFallsTriggersBelowTheHandComputedPrice) {
  // 100 USD of collateral at LT 0.8 against 60 USD of stable debt: the margin
  // 80 g - 60 turns negative below g = 0.75.
  const account a{{{0, 0.0, 0.0, 0.8, 0.05}, {1, 0.0, 0.0, 0.0, 0.0}}, {100.0, 0.0, 0.0, 60.0}};
  const watch_band band = band_of(a, asset_moves);
  EXPECT_EQ(band.asset, 0);
  EXPECT_EQ(band.below, 0.75f);
  EXPECT_FALSE(band_triggers(band, 0.75f));
  EXPECT_TRUE(band_triggers(band, std::nextafter(0.75f, 0.0f)));
  EXPECT_FALSE(band_triggers(band, 10.0f));
}

TEST(WatchBand, DebtThatRisesTriggersAboveTheHandComputedPrice) {
  // 100 USD of stable collateral at LT 0.9 against 45 USD of volatile debt:
  // 90 - 45 g turns negative above g = 2.
  const account a{{{1, 0.0, 0.0, 0.9, 0.05}, {0, 0.0, 0.0, 0.0, 0.0}}, {100.0, 0.0, 0.0, 45.0}};
  const watch_band band = band_of(a, asset_moves);
  EXPECT_EQ(band.asset, 0);
  EXPECT_EQ(band.above, 2.0f);
  EXPECT_FALSE(band_triggers(band, 2.0f));
  EXPECT_TRUE(band_triggers(band, std::nextafter(2.0f, 3.0f)));
}

TEST(WatchBand, NoDebtNeverTriggersAndTwoMovingLegsHaveNoBand) {
  const int two_move[3] = {1, 1, 0};
  const account no_debt{{{0, 0.0, 0.0, 0.8, 0.05}}, {100.0, 0.0}};
  EXPECT_FALSE(band_triggers(band_of(no_debt, asset_moves), 1e-30f));
  const account two{{{0, 0.0, 0.0, 0.8, 0.05}, {1, 0.0, 0.0, 0.8, 0.05}}, {100.0, 0.0, 0.0, 50.0}};
  EXPECT_EQ(band_of(two, two_move).asset, -1);
  // Only unmoving legs: the margin is a constant.
  const account fixed_short{{{1, 0.0, 0.0, 0.8, 0.05}}, {100.0, 90.0}};
  EXPECT_TRUE(band_triggers(band_of(fixed_short, asset_moves), 1.0f));
  const account fixed_safe{{{1, 0.0, 0.0, 0.8, 0.05}}, {100.0, 70.0}};
  EXPECT_FALSE(band_triggers(band_of(fixed_safe, asset_moves), 1.0f));
}

TEST(WatchBand, RandomAccountsAgreeWithTheLendingTestEverywhere) {
  std::mt19937_64 generator(20261203);
  std::uniform_real_distribution<double> usd(0.0, 1e6);
  std::uniform_real_distribution<double> threshold(0.5, 0.95);
  std::uniform_real_distribution<float> log_growth(-3.0f, 3.0f);
  std::uniform_int_distribution<int> legs(1, 3);
  std::bernoulli_distribution zero(0.3);
  int with_band = 0;
  for (int trial = 0; trial < 4000; ++trial) {
    account a;
    const int n = legs(generator);
    for (int i = 0; i < n; ++i) {
      a.legs.push_back({i, 0.0, 0.0, threshold(generator), 0.05});
      a.balance.push_back(zero(generator) ? 0.0 : usd(generator));
      a.balance.push_back(zero(generator) ? 0.0 : usd(generator));
    }
    const watch_band band = band_of(a, asset_moves);
    ASSERT_GE(band.asset, 0) << "one moving asset: a band";
    ++with_band;
    std::vector<float> growths;
    for (int j = 0; j < 50; ++j) growths.push_back(std::exp(log_growth(generator)));
    for (const float bound : {band.below, band.above}) {
      if (!std::isfinite(bound) || bound <= 0.0f) continue;
      float g = bound;
      for (int j = 0; j < 3; ++j) g = std::nextafter(g, 0.0f);
      for (int j = 0; j < 7; ++j, g = std::nextafter(g, HUGE_VALF)) growths.push_back(g);
    }
    for (const float g : growths) {
      ASSERT_EQ(band_triggers(band, g), liquidatable_at(a, asset_moves, g))
          << "trial " << trial << " growth " << g;
    }
  }
  EXPECT_EQ(with_band, 4000);
}

}  // namespace
}  // namespace levrisk
