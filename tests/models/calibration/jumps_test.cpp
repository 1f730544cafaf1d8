#include "models/calibration/jumps.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "models/calibration/synthetic_history.hpp"

namespace levrisk::calibration {
namespace {

constexpr double sigma = 0.01;  // daily diffusion sd of the simulated series

synthetic_asset constant_vol(const char* id) {
  synthetic_asset a;
  a.id = id;
  a.omega = sigma * sigma;
  return a;
}

TEST(RollingMad, IsTheScaledMedianAbsoluteDeviationOfTheWindowBefore) {
  const std::vector<double> r = {1, 2, 3, 4, 100, 6, 7};
  const rolling_scale scale = rolling_mad(r, 5);
  EXPECT_TRUE(std::isnan(scale.sigma[4]));
  // Window {1,2,3,4,100}: median 3, deviations {2,1,0,1,97}, MAD 1.
  EXPECT_DOUBLE_EQ(scale.median[5], 3.0);
  EXPECT_NEAR(scale.sigma[5], 1.482602218505602, 1e-15);
}

// Jumps of N(-0.15, 0.03) on N(0, 0.01) diffusion: all but ~1e-4 of them exceed
// 4 sigma. Normal returns also exceed 4 sigma-hat now and then: with sigma-hat from
// a 60-return MAD the ratio is t-like and false alarms run near 1e-3 per return
// rather than the 6.3e-5 of a known sigma. They are small returns, so they pull the
// jump mean toward 0 and widen the jump sd: the tolerances below add that
// contamination (false share f: mean |mu| f, sd |mu| sqrt(f)) to 3 standard errors.
TEST(Merton, RecoversIntensitySizeAndDiffusionVol) {
  synthetic_history_options o;
  synthetic_asset a = constant_vol("X");
  a.jump_probability = 0.01;
  a.jump_mean = -0.15;
  a.jump_stdev = 0.03;
  o.assets = {a};
  o.periods = 50000;
  o.seed = 17;
  const synthetic_history h = simulate_history(o);
  const jump_options options;
  const merton_estimate m = estimate_merton(h.log_return[0], 1.0, options);
  const std::vector<char> found = detect_jumps(h.log_return[0], options);
  int simulated = 0, missed = 0, false_alarms = 0;
  for (std::size_t t = static_cast<std::size_t>(options.window); t < found.size(); ++t) {
    simulated += h.jump[0][t];
    missed += h.jump[0][t] && !found[t];
    false_alarms += found[t] && !h.jump[0][t];
  }
  EXPECT_LE(missed, simulated / 100);
  const double tested = o.periods - options.window;
  EXPECT_LE(false_alarms, 2e-3 * tested);
  const double f = static_cast<double>(false_alarms) / m.jumps;
  const double years = tested / 365.0;
  const double expected_jumps = 0.01 * tested;
  // Poisson count: SE sqrt(N).
  EXPECT_NEAR(m.jump_intensity_annual, 0.01 * 365,
              (3 * std::sqrt(expected_jumps) + false_alarms) / years);
  EXPECT_NEAR(m.jump_mean, a.jump_mean,
              3 * a.jump_stdev / std::sqrt(expected_jumps) + std::abs(a.jump_mean) * f);
  // A jump return also carries that period's diffusion: sd sqrt(s_J^2 + sigma^2);
  // SE of a sample sd about s / sqrt(2N).
  const double jump_return_sd = std::sqrt(a.jump_stdev * a.jump_stdev + sigma * sigma);
  EXPECT_NEAR(
      m.jump_stdev, jump_return_sd,
      3 * jump_return_sd / std::sqrt(2 * expected_jumps) + std::abs(a.jump_mean) * std::sqrt(f));
  const double vol = sigma * std::sqrt(365.0);
  EXPECT_NEAR(m.diffusion_vol_annual, vol, 3 * vol / std::sqrt(2.0 * o.periods));
}

TEST(Merton, PureDiffusionFalseAlarmsStayBelowTheStatedRate) {
  synthetic_history_options o;
  o.assets = {constant_vol("X")};
  o.periods = 20000;
  o.seed = 23;
  const synthetic_history h = simulate_history(o);
  const merton_estimate m = estimate_merton(h.log_return[0], 1.0);
  EXPECT_LE(m.jumps, 2e-3 * m.tested);
}

TEST(SystemicJumps, RecoverIntensityAndRelativeLoadings) {
  synthetic_history_options o;
  o.assets = {constant_vol("A"), constant_vol("B"), constant_vol("C")};
  o.assets[0].systemic_loading = 1.0;
  o.assets[1].systemic_loading = 1.2;
  o.assets[2].systemic_loading = 1.5;
  o.systemic_jump_probability = 0.005;
  o.systemic_jump_mean = -0.12;
  o.systemic_jump_stdev = 0.03;
  o.periods = 40000;
  o.seed = 29;
  const synthetic_history h = simulate_history(o);
  const systemic_jump_estimate s = estimate_systemic_jumps(h.log_return, 1.0);
  const double tested = o.periods - 60;
  const double expected_events = 0.005 * tested;
  EXPECT_NEAR(s.events, expected_events, 3 * std::sqrt(expected_events));
  EXPECT_NEAR(s.intensity_annual, 0.005 * 365, 3 * std::sqrt(expected_events) / (tested / 365));
  // Loadings are relative to the cross-sectional mean move (they average 1).
  const double mean_loading = (1.0 + 1.2 + 1.5) / 3.0;
  EXPECT_NEAR(s.loading[0] + s.loading[1] + s.loading[2], 3.0, 1e-12);
  // Slope SE about sigma / (sd of S * sqrt(N)) with S of sd ~0.037: ~0.02.
  EXPECT_NEAR(s.loading[0], 1.0 / mean_loading, 0.05);
  EXPECT_NEAR(s.loading[1], 1.2 / mean_loading, 0.05);
  EXPECT_NEAR(s.loading[2], 1.5 / mean_loading, 0.05);
  const double size_sd = mean_loading * 0.03;
  EXPECT_NEAR(s.mean, mean_loading * -0.12, 3 * size_sd / std::sqrt(expected_events));
}

TEST(SystemicJumps, IdiosyncraticJumpsAloneAreNotSystemic) {
  synthetic_history_options o;
  o.assets = {constant_vol("A"), constant_vol("B"), constant_vol("C")};
  for (synthetic_asset& a : o.assets) {
    a.jump_probability = 0.002;
    a.jump_mean = -0.1;
    a.jump_stdev = 0.02;
  }
  o.periods = 20000;
  o.seed = 31;
  const synthetic_history h = simulate_history(o);
  // Two of three jumping together by chance: about 3 * 0.002^2 * 20000 = 0.24 events.
  EXPECT_LE(estimate_systemic_jumps(h.log_return, 1.0).events, 2);
}

}  // namespace
}  // namespace levrisk::calibration
