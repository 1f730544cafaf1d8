// A watched lending account's band and terms (kernels/risk/watch_band.hpp)
// against the margin they stand for, computed directly (the unmoving legs'
// coefficients summed, then each moving leg's coefficient times its growth
// factor, in double, in leg order): bands at random growth factors and at the
// floats next to each bound, terms at random growth factors and over random
// boxes, on random accounts of one to three legs.

#include "kernels/risk/watch_band.hpp"

#include <gtest/gtest.h>

#include <algorithm>

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

lending_trigger_form form_of(const account& a, const int* asset_moves) {
  execution_view e{};
  e.asset_moves = asset_moves;
  lending_balances b{};
  b.n_legs = static_cast<int>(a.legs.size());
  for (std::size_t i = 0; i < a.legs.size(); ++i) {
    b.collateral[i] = a.balance[2 * i];
    b.debt[i] = a.balance[2 * i + 1];
  }
  return lending_trigger_form_of(e, a.legs.data(), b);
}

bool has_debt(const account& a) {
  for (std::size_t i = 0; i < a.legs.size(); ++i) {
    if (a.balance[2 * i + 1] > 0.0) return true;
  }
  return false;
}

// The margin's sign with every leg's asset moving, at per-asset growth g.
bool liquidatable_at3(const account& a, const float* g) {
  double margin = 0.0;
  for (std::size_t i = 0; i < a.legs.size(); ++i) {
    const double c = a.balance[2 * i] * a.legs[i].liquidation_threshold - a.balance[2 * i + 1];
    if (c != 0.0) margin += c * g[a.legs[i].asset];
  }
  return has_debt(a) && margin < 0.0;
}

watch_band band_of(const account& a, const int* asset_moves) {
  return watch_band_of(form_of(a, asset_moves), has_debt(a));
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

// Accounts with every leg's asset moving: terms, no band; their sum is the
// margin at any prices, and a box any of whose prices liquidates is never
// cleared by the box test.
TEST(WatchTerms, MultiAssetAccountsKeepTheirMarginAndTheBoxTestIsConservative) {
  const int all_move[3] = {1, 1, 1};
  std::mt19937_64 generator(20261204);
  std::uniform_real_distribution<double> usd(0.0, 1e6);
  std::uniform_real_distribution<double> threshold(0.5, 0.95);
  std::uniform_real_distribution<float> log_growth(-1.0f, 1.0f);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  int triggered_boxes = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    account a;
    for (int i = 0; i < 3; ++i) {
      a.legs.push_back({i, 0.0, 0.0, threshold(generator), 0.05});
      a.balance.push_back(usd(generator));
      a.balance.push_back(usd(generator));
    }
    const lending_trigger_form f = form_of(a, all_move);
    ASSERT_EQ(watch_band_of(f, true).asset, -1);
    std::vector<double> terms(2 * static_cast<std::size_t>(f.n_terms));
    store_terms(f, terms.data());
    float low[3];
    float high[3];
    for (int k = 0; k < 3; ++k) {
      const float a_growth = std::exp(log_growth(generator));
      const float b_growth = std::exp(log_growth(generator));
      low[k] = std::min(a_growth, b_growth);
      high[k] = std::max(a_growth, b_growth);
    }
    const bool may_trigger =
        terms_may_trigger_in_box(f.constant_usd, terms.data(), f.n_terms, low, high);
    for (int j = 0; j < 20; ++j) {
      float g[3];
      for (int k = 0; k < 3; ++k) g[k] = low[k] + unit(generator) * (high[k] - low[k]);
      const bool liquidatable = liquidatable_at3(a, g);
      ASSERT_EQ(terms_trigger(f.constant_usd, terms.data(), f.n_terms, g), liquidatable)
          << "trial " << trial;
      if (liquidatable) {
        ASSERT_TRUE(may_trigger) << "trial " << trial;
        ++triggered_boxes;
      }
    }
  }
  EXPECT_GT(triggered_boxes, 100) << "the trials should reach liquidatable prices";
}

}  // namespace
}  // namespace levrisk
