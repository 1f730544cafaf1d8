// A multi-asset unit's safe box (kernels/risk/safe_box.hpp) against the worst
// case it stands in for: every box of prices that box_is_safe clears has a
// worst case (health_worst_case, the screens' exact bound) that
// box_may_liquidate rejects, whatever the box's ends on the sides the unit's
// terms do not read; and the safe box is the widest uniform one, to the
// bisection's resolution.

#include "kernels/risk/safe_box.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "tests/kernels/risk/forms_storage.hpp"

namespace levrisk {
namespace {

using reference::linear_health;
using risk_test::forms_storage;

constexpr int n_assets = 6;

// Units over 1 to 6 terms on random assets, repeats allowed (collateral and
// debt in one token), with signed coefficients (one in five zero) and a
// numerator constant that leaves most of them safe at the snapshot, some by a
// little and some not at all.
std::vector<linear_health> random_units(std::uint64_t seed, int count) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> term_count(1, n_assets);
  std::uniform_int_distribution<int> asset(0, n_assets - 1);
  std::uniform_real_distribution<float> coefficient(-1e4f, 1e4f);
  std::uniform_real_distribution<double> cushion(-0.05, 0.6);
  std::bernoulli_distribution zero(0.2);
  std::vector<linear_health> units(count);
  for (linear_health& u : units) {
    const int n = term_count(rng);
    double numerator = 0.0, denominator = 0.0;
    for (int i = 0; i < n; ++i) {
      const float num = zero(rng) ? 0.0f : coefficient(rng);
      const float den = zero(rng) ? 0.0f : coefficient(rng);
      u.terms.push_back({asset(rng), num, den});
      numerator += num;
      denominator += den;
    }
    u.denominator_const_usd = 5e3;
    denominator += u.denominator_const_usd;
    u.numerator_const_usd = denominator * (1.0 + cushion(rng)) - numerator;
  }
  return units;
}

struct price_box {
  std::vector<float> low, high;
};

// A box around the snapshot whose ends are, asset by asset, inside the safe
// box, just outside it, or anywhere: so box_is_safe both clears and rejects,
// and the sides the unit does not read go far out.
price_box random_box(std::mt19937_64& rng, const safe_box& s) {
  std::uniform_real_distribution<float> unit_interval(0.0f, 1.0f);
  std::uniform_int_distribution<int> kind(0, 3);
  const float low_edge = std::fmax(s.low, 0.05f);
  const float high_edge = std::fmin(s.high, 20.0f);
  price_box box;
  for (int k = 0; k < n_assets; ++k) {
    const float w = unit_interval(rng);
    switch (kind(rng)) {
      case 0:  // inside, ends included
        box.low.push_back(low_edge + std::round(w) * (1.0f - low_edge));
        box.high.push_back(high_edge - std::round(w) * (high_edge - 1.0f));
        break;
      case 1:
        box.low.push_back(low_edge + w * (1.0f - low_edge));
        box.high.push_back(1.0f + w * (high_edge - 1.0f));
        break;
      case 2:  // just outside
        box.low.push_back(std::nextafter(low_edge, 0.0f));
        box.high.push_back(std::nextafter(high_edge, HUGE_VALF));
        break;
      default:  // anywhere
        box.low.push_back(0.01f + w * 0.99f);
        box.high.push_back(1.0f + 99.0f * unit_interval(rng));
        break;
    }
  }
  return box;
}

TEST(SafeBox, EveryBoxItClearsHasAWorstCaseTheScreenClears) {
  const std::vector<linear_health> units = random_units(71, 600);
  const forms_storage forms(units);
  std::mt19937_64 rng(72);
  int cleared = 0, rejected = 0;
  for (int m = 0; m < forms.n_units(); ++m) {
    const safe_box s = safe_box_of(forms.view(), m, n_assets);
    for (int trial = 0; trial < 200; ++trial) {
      const price_box box = random_box(rng, s);
      if (!box_is_safe(s, box.low.data(), box.high.data())) {
        ++rejected;
        continue;
      }
      ++cleared;
      const health_value worst =
          health_worst_case(forms.view(), m, box.low.data(), box.high.data());
      ASSERT_FALSE(box_may_liquidate(worst)) << "unit " << m << ", trial " << trial;
    }
  }
  EXPECT_GT(cleared, 10000);
  EXPECT_GT(rejected, 10000);
}

// The box whose read ends are the safe box's own, the unread ones far out, is
// cleared, and its worst case passes: the edge belongs to the safe box.
TEST(SafeBox, ItsOwnEdgesAreSafeWhateverTheUnreadSides) {
  const std::vector<linear_health> units = random_units(73, 600);
  const forms_storage forms(units);
  int safe_at_snapshot = 0;
  for (int m = 0; m < forms.n_units(); ++m) {
    const safe_box s = safe_box_of(forms.view(), m, n_assets);
    if (!(s.low <= s.high)) continue;
    ++safe_at_snapshot;
    price_box box;
    for (int k = 0; k < n_assets; ++k) {
      const std::uint32_t bit = asset_bit(k);
      box.low.push_back((s.liquidating.falls & bit) != 0u ? s.low : 1e-3f);
      box.high.push_back((s.liquidating.rises & bit) != 0u ? s.high : 1e3f);
    }
    ASSERT_TRUE(box_is_safe(s, box.low.data(), box.high.data())) << "unit " << m;
    ASSERT_FALSE(
        box_may_liquidate(health_worst_case(forms.view(), m, box.low.data(), box.high.data())))
        << "unit " << m;
  }
  EXPECT_GT(safe_at_snapshot, 400);
}

// The uniform box a little wider than the safe one may liquidate: the
// bisection stops within 2^-24 of the boundary (safe_box_bisections).
TEST(SafeBox, IsTheWidestUniformBoxToTheBisectionsResolution) {
  const std::vector<linear_health> units = random_units(75, 600);
  const forms_storage forms(units);
  int bounded = 0;
  for (int m = 0; m < forms.n_units(); ++m) {
    const safe_box s = safe_box_of(forms.view(), m, n_assets);
    if (!(s.low <= s.high)) continue;
    const double half_width = s.liquidating.falls != 0u ? 1.0 - s.low : s.high - 1.0;
    if (half_width > 0.99) continue;  // safe out to the bracket's end
    ++bounded;
    ASSERT_TRUE(uniform_box_is_safe(forms.view(), m, n_assets, half_width)) << "unit " << m;
    ASSERT_FALSE(uniform_box_is_safe(forms.view(), m, n_assets, half_width + 3e-7))
        << "unit " << m << ", half-width " << half_width;
  }
  EXPECT_GT(bounded, 300);
}

// A unit liquidatable at the snapshot has no safe box, and a NaN bound clears
// nothing.
TEST(SafeBox, NoneForALiquidatableUnitAndNoneAcrossANaN) {
  const std::vector<linear_health> units = {
      {90.0, 100.0, {{0, 10.0f, 5.0f}}},  // 100 < 105 at the snapshot
      {200.0, 100.0, {{0, 10.0f, 5.0f}, {2, -20.0f, 0.0f}}}};
  const forms_storage forms(units);
  const std::vector<float> low(n_assets, 1.0f), high(n_assets, 1.0f);
  const safe_box liquidatable = safe_box_of(forms.view(), 0, n_assets);
  EXPECT_FALSE(liquidatable.low <= liquidatable.high);
  EXPECT_FALSE(box_is_safe(liquidatable, low.data(), high.data()));

  const safe_box s = safe_box_of(forms.view(), 1, n_assets);
  ASSERT_TRUE(box_is_safe(s, low.data(), high.data()));
  std::vector<float> nan_low = low, nan_high = high;
  nan_low[0] = std::nanf("");
  nan_high[2] = std::nanf("");
  EXPECT_FALSE(box_is_safe(s, nan_low.data(), high.data()));
  EXPECT_FALSE(box_is_safe(s, low.data(), nan_high.data()));
}

}  // namespace
}  // namespace levrisk
