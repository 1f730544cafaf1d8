// The multi-asset health forms against their plain twin
// (tests/reference/health_box_reference.hpp): the price-box screen against
// every corner of the box, interior points against the screen, and the health
// factor's edge cases.
//
// No tolerances: the products are float x float, exact in double, and rounded
// addition is monotone, so a sum of termwise-smaller terms in the same order is
// never larger. The screen's sum is therefore exactly the corner minimum when
// each asset appears once, and no interior point can round below it.

#include "kernels/risk/health_form.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "tests/kernels/risk/forms_storage.hpp"
#include "tests/reference/health_box_reference.hpp"

namespace levrisk {
namespace {

using reference::linear_health;
using reference::linear_term;

constexpr int n_assets = 6;

using risk_test::forms_storage;

// Units over 1 to 6 distinct assets in random order, signed coefficients (one
// in ten zero) and signed constants, as lending (collateral, debt) and perp
// (equity, maintenance) forms can produce.
std::vector<linear_health> random_units(std::uint64_t seed, int count) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> asset_count(1, n_assets);
  std::uniform_real_distribution<float> coefficient(-1e5f, 1e5f);
  std::uniform_real_distribution<double> constant(-5e4, 5e4);
  std::bernoulli_distribution zero(0.1);
  std::vector<linear_health> units(count);
  std::vector<int> assets(n_assets);
  for (linear_health& u : units) {
    std::iota(assets.begin(), assets.end(), 0);
    std::shuffle(assets.begin(), assets.end(), rng);
    u.numerator_const_usd = constant(rng);
    u.denominator_const_usd = constant(rng);
    const int n = asset_count(rng);
    for (int i = 0; i < n; ++i) {
      const float num = zero(rng) ? 0.0f : coefficient(rng);
      const float den = zero(rng) ? 0.0f : coefficient(rng);
      u.terms.push_back({assets[i], num, den});
    }
  }
  return units;
}

struct price_box {
  std::vector<float> growth_min, growth_max;
};

// A path's box: growth factors e^{min x} <= 1 <= e^{max x}.
price_box random_box(std::mt19937_64& rng) {
  std::uniform_real_distribution<float> log_move(0.0f, 0.8f);
  price_box box;
  for (int k = 0; k < n_assets; ++k) {
    box.growth_min.push_back(std::exp(-log_move(rng)));
    box.growth_max.push_back(std::exp(log_move(rng)));
  }
  return box;
}

TEST(HealthForm, WorstCaseIsTheLowestNumeratorAndHighestDenominatorOverCorners) {
  const std::vector<linear_health> units = random_units(41, 400);
  const forms_storage forms(units);
  std::mt19937_64 rng(42);
  for (int trial = 0; trial < 5; ++trial) {
    const price_box box = random_box(rng);
    for (std::size_t u = 0; u < units.size(); ++u) {
      const health_value worst = health_worst_case(forms.view(), static_cast<int>(u),
                                                   box.growth_min.data(), box.growth_max.data());
      const reference::corner_extremes expected =
          reference::corner_extremes_of(units[u], box.growth_min, box.growth_max);
      EXPECT_EQ(worst.numerator_usd, expected.numerator_min_usd) << "unit " << u;
      EXPECT_EQ(worst.denominator_usd, expected.denominator_max_usd) << "unit " << u;
    }
  }
}

// Prices anywhere in the box, corners and faces included, never give a lower
// numerator or a higher denominator than the screen; so a unit the screen
// clears is not liquidatable anywhere in the box.
TEST(HealthForm, NoPointOfTheBoxFallsBelowTheWorstCase) {
  const std::vector<linear_health> units = random_units(43, 200);
  const forms_storage forms(units);
  std::mt19937_64 rng(44);
  std::uniform_real_distribution<float> unit_interval(0.0f, 1.0f);
  std::bernoulli_distribution on_face(0.2);
  int cleared = 0;
  for (int trial = 0; trial < 5; ++trial) {
    const price_box box = random_box(rng);
    for (std::size_t u = 0; u < units.size(); ++u) {
      const int unit = static_cast<int>(u);
      const health_value worst =
          health_worst_case(forms.view(), unit, box.growth_min.data(), box.growth_max.data());
      cleared += !is_liquidatable(worst);
      for (int point = 0; point < 50; ++point) {
        std::vector<float> growth(n_assets);
        for (int k = 0; k < n_assets; ++k) {
          const float w = on_face(rng) ? std::round(unit_interval(rng)) : unit_interval(rng);
          growth[k] = std::clamp(box.growth_min[k] + w * (box.growth_max[k] - box.growth_min[k]),
                                 box.growth_min[k], box.growth_max[k]);
        }
        const health_value h = health_at(forms.view(), unit, growth.data());
        ASSERT_GE(h.numerator_usd, worst.numerator_usd) << "unit " << u;
        ASSERT_LE(h.denominator_usd, worst.denominator_usd) << "unit " << u;
        if (!is_liquidatable(worst)) {
          ASSERT_FALSE(is_liquidatable(h)) << "unit " << u;
        }
      }
    }
  }
  EXPECT_GT(cleared, 100) << "the book should include units the screen clears";
}

// health_at is the plain evaluation of the form.
TEST(HealthForm, HealthAtIsTheLinearForm) {
  const std::vector<linear_health> units = random_units(45, 100);
  const forms_storage forms(units);
  std::mt19937_64 rng(46);
  const price_box box = random_box(rng);
  for (std::size_t u = 0; u < units.size(); ++u) {
    double numerator = 0.0, denominator = 0.0;
    reference::evaluate(units[u], box.growth_max, numerator, denominator);
    const health_value h = health_at(forms.view(), static_cast<int>(u), box.growth_max.data());
    EXPECT_EQ(h.numerator_usd, numerator);
    EXPECT_EQ(h.denominator_usd, denominator);
  }
}

// An asset in two terms of one unit (e.g. collateral and debt in the same
// token) with opposite signs: each term takes its own worst end of the box, so
// the screen is conservative, strictly below the best corner bound here.
TEST(HealthForm, RepeatedAssetGivesAConservativeBound) {
  const std::vector<linear_health> units = {
      {100.0, 50.0, {{0, 1000.0f, 200.0f}, {0, -400.0f, -100.0f}, {1, 300.0f, 0.0f}}}};
  const forms_storage forms(units);
  const std::vector<float> growth_min = {0.5f, 0.75f}, growth_max = {2.0f, 1.25f};
  const health_value worst =
      health_worst_case(forms.view(), 0, growth_min.data(), growth_max.data());
  const reference::corner_extremes corners =
      reference::corner_extremes_of(units[0], growth_min, growth_max);
  EXPECT_LT(worst.numerator_usd, corners.numerator_min_usd);
  EXPECT_GT(worst.denominator_usd, corners.denominator_max_usd);
  // 100 + 1000 (0.5) - 400 (2) + 300 (0.75), and 50 + 200 (2) - 100 (0.5).
  EXPECT_EQ(worst.numerator_usd, 100.0 + 500.0 - 800.0 + 225.0);
  EXPECT_EQ(worst.denominator_usd, 50.0 + 400.0 - 50.0);
}

TEST(HealthForm, UnitWithoutTermsIsItsConstants) {
  const std::vector<linear_health> units = {{120.0, 100.0, {}}};
  const forms_storage forms(units);
  const float growth_min[1] = {0.1f}, growth_max[1] = {10.0f};
  const health_value worst = health_worst_case(forms.view(), 0, growth_min, growth_max);
  EXPECT_EQ(worst.numerator_usd, 120.0);
  EXPECT_EQ(worst.denominator_usd, 100.0);
  EXPECT_EQ(health_at(forms.view(), 0, growth_max).numerator_usd, 120.0);
}

TEST(HealthFactor, IsTheRatioWhenTheDenominatorIsPositive) {
  EXPECT_EQ(health_factor({150.0, 100.0}), 1.5);
  EXPECT_EQ(health_factor({-20.0, 100.0}), -0.2);
  EXPECT_EQ(health_factor({0.0, 100.0}), 0.0);
}

// No debt (or no maintenance requirement): nothing to liquidate, HF infinite.
TEST(HealthFactor, IsInfiniteWithoutADenominator) {
  EXPECT_EQ(health_factor({150.0, 0.0}), HUGE_VAL);
  EXPECT_EQ(health_factor({0.0, 0.0}), HUGE_VAL);
  EXPECT_FALSE(is_liquidatable({150.0, 0.0}));
  EXPECT_FALSE(is_liquidatable({0.0, 0.0}));
}

// HF exactly 1 is not liquidated (the scalar reference liquidates at HF < 1).
TEST(HealthFactor, ExactlyOneIsNotLiquidatable) {
  EXPECT_FALSE(is_liquidatable({100.0, 100.0}));
  EXPECT_EQ(health_factor({100.0, 100.0}), 1.0);
  EXPECT_TRUE(is_liquidatable({std::nextafter(100.0, 0.0), 100.0}));
}

// With a positive denominator, numerator < denominator exactly when the
// rounded ratio is below 1: a quotient of adjacent doubles is at most
// 1 - 2^-53, which rounds below 1. Checked on random pairs and adjacent ones.
TEST(HealthFactor, LiquidatableExactlyWhenTheRatioIsBelowOne) {
  std::mt19937_64 rng(47);
  std::uniform_real_distribution<double> magnitude(-30.0, 30.0);
  for (int i = 0; i < 100000; ++i) {
    const double denominator = std::exp(magnitude(rng));
    const double numerator = i % 3 == 0
                                 ? std::nextafter(denominator, 0.0)
                                 : (i % 3 == 1 ? std::nextafter(denominator, HUGE_VAL)
                                               : denominator * std::exp(0.01 * magnitude(rng)));
    const health_value h{numerator, denominator};
    ASSERT_EQ(is_liquidatable(h), health_factor(h) < 1.0) << numerator << " / " << denominator;
  }
}

}  // namespace
}  // namespace levrisk
