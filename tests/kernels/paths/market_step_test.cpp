// The market step with Merton jumps: terminal log-return moments against the
// closed form, a European put against Merton's series formula, and the same
// bits for any lane count.

#include "kernels/paths/market_step.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "models/gbm.hpp"
#include "models/merton.hpp"

namespace levrisk {
namespace {

// A one-asset market with idiosyncratic and systemic jumps, simulated by the
// kernel's own step for `paths` paths; returns the terminal log-returns and,
// when asked, every step's increment.
struct one_asset_market {
  double mu, sigma, lambda, jump_mean, jump_stdev;
  double systemic_lambda, systemic_mean, systemic_stdev, loading;
};

template <int Lanes>
std::vector<double> terminal_log_returns(const one_asset_market& m, double horizon_years, int steps,
                                         std::int64_t paths, std::uint64_t seed,
                                         std::vector<float>* increments = nullptr) {
  const double dt = horizon_years / steps;
  merton_params jumps;
  jumps.assets = {{m.lambda, m.jump_mean, m.jump_stdev, m.loading}};
  jumps.systemic = {m.systemic_lambda, m.systemic_mean, m.systemic_stdev};
  const jump_step_coefficients j = merton_step_coefficients(jumps, {"X"}, dt, "test");
  const std::vector<float> drift{
      static_cast<float>((m.mu - 0.5 * m.sigma * m.sigma) * dt - j.drift_compensation_dt[0])};
  const std::vector<float> vol{static_cast<float>(m.sigma * std::sqrt(dt))};
  const std::vector<float> cholesky{1.0f};
  market_view view{};
  view.kind = market_kind::merton;
  view.diffusion = gbm_view{1, drift.data(), vol.data(), cholesky.data()};
  view.jumps = jump_view{j.rate.data(),   j.count_cdf.data(),        j.mean.data(),
                         j.stdev.data(),  j.systemic_loading.data(), j.systemic_mean,
                         j.systemic_stdev};
  const normal_stream stream{seed, normals_per_step(view)};
  std::vector<double> out;
  for (std::int64_t first = 0; first < paths; first += Lanes) {
    market_state<Lanes, 1> state{};
    market_begin(view, stream, static_cast<std::uint64_t>(first), state);
    const float(&x)[1][Lanes] = state.log_return;
    for (int s = 0; s < steps; ++s) {
      float before[Lanes];
      for (int lane = 0; lane < Lanes; ++lane) before[lane] = x[0][lane];
      market_step(view, stream, static_cast<std::uint64_t>(first), s, state);
      for (int lane = 0; lane < Lanes && increments; ++lane) {
        increments->push_back(x[0][lane] - before[lane]);
      }
    }
    for (int lane = 0; lane < Lanes && first + lane < paths; ++lane) out.push_back(x[0][lane]);
  }
  return out;
}

TEST(MarketStep, JumpDiffusionLogReturnMomentsMatchTheClosedForm) {
  const one_asset_market m{0.1, 0.6, 12.0, -0.04, 0.06, 3.0, -0.10, 0.05, 1.3};
  const double t = 30.0 / 365.0;
  const std::int64_t n = 200000;
  const std::vector<double> x = terminal_log_returns<16>(m, t, 288, n, 2024);
  const double kappa = jump_compensator(1.0, m.jump_mean, m.jump_stdev);
  const double kappa_s = jump_compensator(m.loading, m.systemic_mean, m.systemic_stdev);
  // x_T = (mu - s^2/2 - lambda kappa - lambda_s kappa_s) T + sigma W_T + compound jumps.
  const double mean =
      (m.mu - 0.5 * m.sigma * m.sigma - m.lambda * kappa - m.systemic_lambda * kappa_s) * t +
      m.lambda * t * m.jump_mean + m.systemic_lambda * t * m.loading * m.systemic_mean;
  const double variance =
      m.sigma * m.sigma * t +
      m.lambda * t * (m.jump_stdev * m.jump_stdev + m.jump_mean * m.jump_mean) +
      m.systemic_lambda * t * m.loading * m.loading *
          (m.systemic_stdev * m.systemic_stdev + m.systemic_mean * m.systemic_mean);
  double s1 = 0, s2 = 0, s4 = 0;
  for (const double v : x) s1 += v;
  const double sample_mean = s1 / n;
  for (const double v : x) {
    const double d = v - sample_mean;
    s2 += d * d;
    s4 += d * d * d * d;
  }
  const double sample_variance = s2 / (n - 1);
  const double variance_se = std::sqrt((s4 / n - sample_variance * sample_variance) / n);
  EXPECT_NEAR(sample_mean, mean, 4.0 * std::sqrt(variance / n));
  EXPECT_NEAR(sample_variance, variance, 4.0 * variance_se);
}

// Fourth cumulant of x_T: the compound Poisson parts' lambda T E[Y^4] (the
// diffusion adds none), E[Y^4] = m^4 + 6 m^2 s^2 + 3 s^4 for Y ~ N(m, s^2).
// Checked as excess kurtosis, its standard error from 20 independent groups.
TEST(MarketStep, JumpDiffusionExcessKurtosisMatchesTheClosedForm) {
  const one_asset_market m{0.0, 0.4, 20.0, -0.05, 0.08, 4.0, -0.12, 0.06, 1.2};
  const double t = 30.0 / 365.0;
  const std::vector<double> x = terminal_log_returns<16>(m, t, 288, 200000, 4242);
  auto fourth = [](double mean, double sd) {
    return std::pow(mean, 4) + 6 * mean * mean * sd * sd + 3 * std::pow(sd, 4);
  };
  auto second = [](double mean, double sd) { return mean * mean + sd * sd; };
  const double b = m.loading;
  const double variance = m.sigma * m.sigma * t + m.lambda * t * second(m.jump_mean, m.jump_stdev) +
                          m.systemic_lambda * t * b * b * second(m.systemic_mean, m.systemic_stdev);
  const double cumulant4 =
      m.lambda * t * fourth(m.jump_mean, m.jump_stdev) +
      m.systemic_lambda * t * std::pow(b, 4) * fourth(m.systemic_mean, m.systemic_stdev);
  const double expected = cumulant4 / (variance * variance);
  const std::size_t groups = 20, per_group = x.size() / groups;
  double sum = 0, sum_sq = 0;
  for (std::size_t g = 0; g < groups; ++g) {
    double s1 = 0, s2 = 0, s4 = 0;
    for (std::size_t i = g * per_group; i < (g + 1) * per_group; ++i) s1 += x[i];
    const double mean = s1 / per_group;
    for (std::size_t i = g * per_group; i < (g + 1) * per_group; ++i) {
      const double d = x[i] - mean;
      s2 += d * d;
      s4 += d * d * d * d;
    }
    const double v = s2 / per_group;
    const double excess = s4 / per_group / (v * v) - 3.0;
    sum += excess;
    sum_sq += excess * excess;
  }
  const double mean = sum / groups;
  const double se = std::sqrt((sum_sq / groups - mean * mean) / (groups - 1));
  EXPECT_NEAR(mean, expected, 4 * se) << "expected excess kurtosis " << expected;
}

double normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

double black_scholes_put(double s, double k, double t, double r, double sigma) {
  const double d1 = (std::log(s / k) + (r + 0.5 * sigma * sigma) * t) / (sigma * std::sqrt(t));
  const double d2 = d1 - sigma * std::sqrt(t);
  return k * std::exp(-r * t) * normal_cdf(-d2) - s * normal_cdf(-d1);
}

// Merton (1976), eq. (16): a Poisson mixture of Black-Scholes prices.
double merton_put(double s, double k, double t, double r, double sigma, double lambda, double m,
                  double delta) {
  const double kappa = std::expm1(m + 0.5 * delta * delta);
  const double lambda_prime = lambda * (1.0 + kappa);
  double price = 0.0, weight = std::exp(-lambda_prime * t);
  for (int n = 0; n < 80; ++n) {
    const double sigma_n = std::sqrt(sigma * sigma + n * delta * delta / t);
    const double r_n = r - lambda * kappa + n * std::log1p(kappa) / t;
    price += weight * black_scholes_put(s, k, t, r_n, sigma_n);
    weight *= lambda_prime * t / (n + 1);
  }
  return price;
}

TEST(MarketStep, EuropeanPutMatchesMertonsSeries) {
  const double s0 = 100.0, strike = 90.0, t = 0.25, r = 0.03;
  const one_asset_market m{r, 0.5, 5.0, -0.10, 0.15, 0.0, 0.0, 0.0, 0.0};
  const std::int64_t n = 200000;
  const std::vector<double> x = terminal_log_returns<16>(m, t, 90, n, 77);
  double sum = 0, sum_sq = 0;
  for (const double v : x) {
    const double payoff = std::exp(-r * t) * std::max(strike - s0 * std::exp(v), 0.0);
    sum += payoff;
    sum_sq += payoff * payoff;
  }
  const double price = sum / n;
  const double se = std::sqrt((sum_sq / n - price * price) / (n - 1));
  EXPECT_NEAR(price, merton_put(s0, strike, t, r, 0.5, 5.0, -0.10, 0.15), 4.0 * se);
}

// Jump steps come from exponential waiting times: with no diffusion and fixed
// jump sizes of 0.01, a step's increment is 0.01 N. N must be Poisson(rate) on
// every step and independent of the step before: the frequencies of N = 0..3
// and of jumps on two consecutive steps, within 4 binomial standard errors.
TEST(MarketStep, JumpCountsPerStepArePoissonAndIndependent) {
  const double rate = 0.1, horizon_years = 1.0 / 365.0;
  const int steps = 60;
  const one_asset_market m{0.0, 0.0, rate * steps / horizon_years, 0.01, 0.0, 0, 0, 0, 0};
  std::vector<float> increments;
  terminal_log_returns<16>(m, horizon_years, steps, 16000, 11, &increments);
  const double drift = -std::expm1(0.01) * rate;  // the compensation: -(e^0.01 - 1) rate per step
  std::vector<double> count_frequency(4, 0.0);
  double pairs = 0, both = 0;
  for (std::size_t i = 0; i < increments.size(); ++i) {
    const int n = static_cast<int>(std::lround((increments[i] - drift) / 0.01));
    ASSERT_GE(n, 0);
    if (n < 4) count_frequency[static_cast<std::size_t>(n)] += 1;
    // Increments run step by step with 16 lanes interleaved: the same lane's
    // previous step is 16 entries back, within a block of steps x 16.
    if (i % static_cast<std::size_t>(steps * 16) >= 16) {
      const int before = static_cast<int>(std::lround((increments[i - 16] - drift) / 0.01));
      pairs += 1;
      both += (n > 0 && before > 0) ? 1 : 0;
    }
  }
  const double total = static_cast<double>(increments.size());
  double pmf = std::exp(-rate);
  for (int n = 0; n < 4; ++n) {
    const double f = count_frequency[static_cast<std::size_t>(n)] / total;
    EXPECT_NEAR(f, pmf, 4 * std::sqrt(pmf * (1 - pmf) / total)) << "N = " << n;
    pmf *= rate / (n + 1);
  }
  const double jump_step = -std::expm1(-rate);
  const double p_both = jump_step * jump_step;
  EXPECT_NEAR(both / pairs, p_both, 4 * std::sqrt(p_both * (1 - p_both) / pairs));
}

TEST(MarketStep, SameBitsForOneLaneAndSixteen) {
  const one_asset_market m{0.0, 0.8, 30.0, -0.05, 0.08, 5.0, -0.12, 0.04, 1.1};
  const std::vector<double> wide = terminal_log_returns<16>(m, 7.0 / 365.0, 101, 64, 5);
  const std::vector<double> narrow = terminal_log_returns<1>(m, 7.0 / 365.0, 101, 64, 5);
  EXPECT_EQ(wide, narrow);
}

TEST(Merton, RefusesAStepWithTooManyJumps) {
  merton_params jumps;
  jumps.assets = {{5000.0, 0.0, 0.1, 0.0}};
  try {
    merton_step_coefficients(jumps, {"ETH"}, 1.0 / 365.0, "cfg.toml: model");
    FAIL() << "accepted 13.7 jumps per step";
  } catch (const std::exception& error) {
    EXPECT_NE(std::string(error.what())
                  .find("cfg.toml: model: asset 'ETH': jump_intensity_annual = 5000 gives 13.69"),
              std::string::npos)
        << error.what();
  }
}

TEST(Merton, RefusesANegativeIntensity) {
  merton_params jumps;
  jumps.assets = {{-1.0, 0.0, 0.1, 0.0}};
  try {
    merton_step_coefficients(jumps, {"ETH"}, 1e-4, "cfg.toml: model");
    FAIL();
  } catch (const std::exception& error) {
    EXPECT_EQ(
        std::string(error.what()),
        "cfg.toml: model: asset 'ETH': jump_intensity_annual must be a finite number >= 0, got -1");
  }
}

}  // namespace
}  // namespace levrisk
