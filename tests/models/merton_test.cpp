// models/merton: the per-step jump count cap against Poisson tails summed by
// hand, the count table it writes, and the refusal of a step beyond the
// kernel's table, with the tail mass in the message.

#include "models/merton.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "common/error.hpp"
#include "models/parameter_error.hpp"

namespace levrisk {
namespace {

using ::testing::HasSubstr;

// P(N > k) for N ~ Poisson(rate): the terms e^-rate rate^j / j! beyond k.
double poisson_tail_by_hand(double rate, int k) {
  double term = std::exp(-rate);
  double tail = 0.0;
  for (int j = 1; j <= k + 200; ++j) {
    term *= rate / j;
    if (j > k) tail += term;
  }
  return tail;
}

int cap_by_hand(double rate) {
  int k = 1;
  while (poisson_tail_by_hand(rate, k) > 1e-12) ++k;
  return k;
}

TEST(JumpCountCap, IsTheSmallestCountWhoseTailIsWithinTheTolerance) {
  // 1e-4 is a 5-minute step at 10 jumps a year; 60/365, 2 a year over 30 days.
  for (const double rate : {1e-4, 0.01, 60.0 / 365.0, 2.0, 5.0}) {
    const int k = cap_by_hand(rate);
    EXPECT_EQ(jump_count_cap(rate), k) << "rate " << rate;
    EXPECT_LE(poisson_tail(rate, k), 1e-12) << "rate " << rate;
    EXPECT_GT(poisson_tail(rate, k - 1), 1e-12) << "rate " << rate;
  }
  EXPECT_EQ(jump_count_cap(60.0 / 365.0), 8);  // the fixed cap of 7 refused it
  EXPECT_EQ(jump_count_cap(0.0), 1);
}

TEST(JumpCountCap, PoissonTailMatchesTheSumOfTerms) {
  for (const double rate : {0.01, 0.5, 3.0}) {
    for (const int k : {1, 4, 10}) {
      const double hand = poisson_tail_by_hand(rate, k);
      EXPECT_NEAR(poisson_tail(rate, k), hand, 1e-10 * hand) << rate << " " << k;
    }
  }
}

// 9 expected jumps a step need a cap of 37 (by hand), beyond the table's 31.
TEST(JumpCountCap, IsZeroBeyondTheKernelsTable) {
  EXPECT_EQ(cap_by_hand(9.0), 37);
  EXPECT_EQ(jump_count_cap(9.0), 0);
  EXPECT_EQ(max_jump_count_cap, jump_count_terms - 1);
}

TEST(MertonStepCoefficients, TheCountTableIsOneFromTheCapOn) {
  merton_params jumps;
  jumps.assets = {{2.0, -0.1, 0.05, 0.0}};
  const double dt = 30.0 / 365.0;
  const jump_step_coefficients c = merton_step_coefficients(jumps, {"ETH"}, dt, "cfg.toml: model");
  ASSERT_EQ(c.count_cap.size(), 2u);
  EXPECT_EQ(c.count_cap[0], 8);
  EXPECT_EQ(c.count_cap[1], 1);  // no systemic jumps
  const double rate = 2.0 * dt;
  // P(N = 1 | N >= 1) = rate e^-rate / (1 - e^-rate).
  EXPECT_FLOAT_EQ(c.count_cdf[1], static_cast<float>(rate * std::exp(-rate) / -std::expm1(-rate)));
  for (int j = 8; j < jump_count_terms; ++j) EXPECT_EQ(c.count_cdf[j], 1.0f) << j;
  EXPECT_FLOAT_EQ(c.count_cdf[2], static_cast<float>((rate + 0.5 * rate * rate) * std::exp(-rate) /
                                                     -std::expm1(-rate)));
}

TEST(MertonStepCoefficients, AHugeIntensityIsRefusedWithTheTailMass) {
  merton_params jumps;
  jumps.assets = {{9.0 * 365.0, 0.0, 0.1, 0.0}};
  try {
    merton_step_coefficients(jumps, {"ETH"}, 1.0 / 365.0, "cfg.toml: model");
    FAIL() << "accepted 9 jumps per step";
  } catch (const input_error& error) {
    const std::string message = error.what();
    EXPECT_THAT(message, HasSubstr("cfg.toml: model: asset 'ETH': jump_intensity_annual = 3285 "
                                   "gives 9 expected jumps per step: even the cap of 31 jumps "
                                   "per step leaves P(N > 31) = "));
    EXPECT_THAT(message, HasSubstr("above the tolerance of 1e-12; use more steps"));
    const double tail = poisson_tail_by_hand(9.0, 31);
    const std::size_t at = message.find("P(N > 31) = ") + 12;
    EXPECT_NEAR(std::stod(message.substr(at)), tail, 1e-5 * tail);
  }
}

TEST(MertonChecks, NameTheKey) {
  try {
    check_merton_asset({1.0, 0.0, -0.1, 0.0});
    FAIL();
  } catch (const parameter_error& error) {
    EXPECT_EQ(error.field(), "jump_stdev");
    EXPECT_EQ(std::string(error.what()), "jump_stdev must be a finite number >= 0, got -0.1");
  }
  try {
    check_systemic_jumps({std::nan(""), 0.0, 0.1});
    FAIL();
  } catch (const parameter_error& error) {
    EXPECT_EQ(error.field(), "intensity_annual");
  }
}

}  // namespace
}  // namespace levrisk
