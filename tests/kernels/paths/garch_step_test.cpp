// GARCH(1,1)-t in the market step: the unconditional variance
// omega / (1 - alpha - beta), the decay of the autocorrelation of squared
// returns by alpha + beta per lag, unit-variance t innovations with the t's
// kurtosis and tails, the configured correlation of innovations, the
// co-movement of their squares that the shared mixing gives, and the same bits
// for one lane and sixteen. At m monitoring sub-steps a period: the period
// returns' GARCH moments, the sub-step shocks' law, and the recursion against a
// double-precision twin fed the kernel's draws.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "kernels/paths/market_step.hpp"
#include "models/correlation.hpp"
#include "models/garch.hpp"
#include "models/t_mixing.hpp"

namespace levrisk {
namespace {

struct garch_market {
  std::vector<float> drift, vol, cholesky;
  garch_step_coefficients g;
  std::vector<float> mixing;
  std::vector<float> residual;  // one asset's history: the recursion then drives FHS
  market_view view() const {
    market_view m{};
    m.kind = residual.empty() ? market_kind::garch_t : market_kind::historical_carried;
    const int n = static_cast<int>(drift.size());
    m.diffusion = gbm_view{n, drift.data(), vol.data(), cholesky.data()};
    m.garch = garch_view{g.omega.data(),
                         g.alpha.data(),
                         g.beta.data(),
                         g.variance_now.data(),
                         mixing.data(),
                         t_mixing_z_min,
                         static_cast<float>(t_mixing_intervals_per_unit),
                         t_mixing_intervals,
                         g.substeps,
                         1.0f / static_cast<float>(g.substeps)};
    if (!residual.empty()) {
      m.history = fhs_view{residual.data(), static_cast<int>(residual.size()), 1};
    }
    return m;
  }
};

// Parameters per day, monitored `substeps` times a day.
garch_market make_market(const std::vector<garch_asset_params>& params, double rho,
                         int substeps = 1) {
  garch_market m;
  const std::size_t n = params.size();
  std::vector<std::string> ids;
  for (std::size_t k = 0; k < n; ++k) ids.push_back("A" + std::to_string(k));
  const std::vector<bool> moving(n, false);
  m.g = garch_coefficients(params, ids, moving, 1.0, substeps, "test");
  m.mixing = m.g.interleaved_mixing();
  std::vector<double> correlation(n * n, rho);
  for (std::size_t k = 0; k < n; ++k) correlation[k * n + k] = 1.0;
  const std::vector<double> l =
      cholesky_lower(garch_normal_correlation(correlation, m.g, moving), static_cast<int>(n));
  for (const double v : l) m.cholesky.push_back(static_cast<float>(v));
  m.drift.assign(n, 0.0f);
  m.vol.assign(n, 0.0f);
  return m;
}

// Returns r[path][step] and innovations eps = r / sqrt(h) of asset k (eps in
// the order computed: step by step within each block of Lanes paths).
template <int Lanes>
void simulate(const market_view& m, int steps, int paths, int k,
              std::vector<std::vector<double>>* r, std::vector<double>* eps) {
  const normal_stream stream{31u, normals_per_step(m)};
  for (int first = 0; first < paths; first += Lanes) {
    market_state<Lanes, max_assets> state{};
    market_begin(m, stream, static_cast<std::uint64_t>(first), state);
    const float(&x)[max_assets][Lanes] = state.log_return;
    std::vector<std::vector<double>> block(Lanes);
    for (int s = 0; s < steps; ++s) {
      float before[Lanes], h[Lanes];
      for (int lane = 0; lane < Lanes; ++lane) {
        before[lane] = x[k][lane];
        h[lane] = state.variance[k][lane];
      }
      market_step(m, stream, static_cast<std::uint64_t>(first), s, state);
      for (int lane = 0; lane < Lanes; ++lane) {
        const double ret = static_cast<double>(x[k][lane]) - before[lane] + 0.5 * h[lane];
        block[static_cast<std::size_t>(lane)].push_back(ret);
        if (eps) eps->push_back(ret / std::sqrt(static_cast<double>(h[lane])));
      }
    }
    if (r) r->insert(r->end(), block.begin(), block.end());
  }
}

const garch_asset_params stationary{true, 2e-5, 0.08, 0.87, 10.0, 2e-5 / 0.05, 1.0};

struct estimate {
  double mean, se;
};

// The mean squared return over r[path][step]; paths are independent, so their
// mean squared returns give the standard error.
estimate mean_squared_return(const std::vector<std::vector<double>>& r) {
  double sum = 0, sum_sq = 0;
  for (const auto& path : r) {
    double m2 = 0;
    for (const double v : path) m2 += v * v;
    m2 /= static_cast<double>(path.size());
    sum += m2;
    sum_sq += m2 * m2;
  }
  const double n = static_cast<double>(r.size());
  const double mean = sum / n;
  return {mean, std::sqrt((sum_sq / n - mean * mean) / (n - 1))};
}

TEST(GarchStep, MeanSquaredReturnIsTheUnconditionalVariance) {
  const garch_market m = make_market({stationary}, 0.0);
  std::vector<std::vector<double>> r;
  simulate<16>(m.view(), 400, 4000, 0, &r, nullptr);
  const estimate m2 = mean_squared_return(r);
  EXPECT_NEAR(m2.mean, stationary.omega / (1 - stationary.alpha - stationary.beta), 4 * m2.se);
}

// Filtered historical simulation with update_volatility: the same recursion
// driven by resampled residuals (i.i.d. dates, block length 1) keeps the
// unconditional variance omega / (1 - alpha - beta) of any unit-variance
// innovations, and every innovation is a date of the table.
TEST(GarchStep, DrivesResampledHistoricalResidualsToo) {
  garch_market m = make_market({stationary}, 0.0);
  std::mt19937_64 engine(3);
  std::exponential_distribution<double> exponential(1.0);
  std::vector<double> draw(3000);
  double sum = 0, sum_sq = 0;
  for (double& v : draw) {
    v = exponential(engine) - exponential(engine) * 1.5;  // skewed, fat-tailed
    sum += v;
    sum_sq += v * v;
  }
  const double mean = sum / 3000.0, sd = std::sqrt(sum_sq / 3000.0 - mean * mean);
  for (const double v : draw) m.residual.push_back(static_cast<float>((v - mean) / sd));
  std::vector<std::vector<double>> r;
  std::vector<double> eps;
  simulate<16>(m.view(), 400, 4000, 0, &r, &eps);
  const estimate m2 = mean_squared_return(r);
  EXPECT_NEAR(m2.mean, stationary.omega / (1 - stationary.alpha - stationary.beta), 4 * m2.se);
  std::vector<float> sorted = m.residual;
  std::sort(sorted.begin(), sorted.end());
  // eps is recovered from float log-prices: to about 1e-5.
  for (std::size_t i = 0; i < eps.size(); i += 97) {
    const auto above = std::lower_bound(sorted.begin(), sorted.end(), eps[i]);
    double nearest = 1e9;
    if (above != sorted.end()) nearest = std::abs(*above - eps[i]);
    if (above != sorted.begin()) nearest = std::fmin(nearest, std::abs(above[-1] - eps[i]));
    ASSERT_LT(nearest, 1e-4) << eps[i];
  }
}

// For GARCH(1,1), corr(r_t^2, r_{t-j}^2) = rho_1 (alpha + beta)^{j-1}. The
// ratio rho_4 / rho_1 = (alpha + beta)^3, estimated in 20 independent groups of
// paths for its standard error.
TEST(GarchStep, SquaredReturnsDecayByPersistencePerLag) {
  const garch_market m = make_market({stationary}, 0.0);
  std::vector<std::vector<double>> r;
  simulate<16>(m.view(), 1500, 2560, 0, &r, nullptr);
  const int groups = 20;
  const std::size_t per_group = r.size() / groups;
  double sum = 0, sum_sq = 0;
  for (int g = 0; g < groups; ++g) {
    double s0 = 0, s00 = 0, s01 = 0, s04 = 0, count = 0;
    for (std::size_t p = g * per_group; p < (g + 1) * per_group; ++p) {
      const auto& path = r[p];
      for (std::size_t t = 4; t < path.size(); ++t) {
        const double a = path[t] * path[t];
        s0 += a;
        s00 += a * a;
        s01 += a * path[t - 1] * path[t - 1];
        s04 += a * path[t - 4] * path[t - 4];
        count += 1;
      }
    }
    const double mean = s0 / count, var = s00 / count - mean * mean;
    const double rho1 = (s01 / count - mean * mean) / var;
    const double rho4 = (s04 / count - mean * mean) / var;
    const double ratio = rho4 / rho1;
    sum += ratio;
    sum_sq += ratio * ratio;
  }
  const double mean = sum / groups;
  const double se = std::sqrt((sum_sq / groups - mean * mean) / (groups - 1));
  EXPECT_NEAR(mean, std::pow(stationary.alpha + stationary.beta, 3), 4 * se);
}

// A unit-variance t(nu) has excess kurtosis 6 / (nu - 4).
TEST(GarchStep, InnovationsAreUnitVarianceStudentT) {
  const garch_market m = make_market({stationary}, 0.0);
  std::vector<double> eps;
  simulate<16>(m.view(), 50, 20000, 0, nullptr, &eps);
  double s2 = 0, s4 = 0, s8 = 0;
  for (const double e : eps) {
    s2 += e * e;
    s4 += e * e * e * e;
    s8 += std::pow(e, 8);
  }
  const double n = static_cast<double>(eps.size());
  const double m2 = s2 / n, m4 = s4 / n;
  EXPECT_NEAR(m2, 1.0, 4 * std::sqrt((m4 - 1) / n));
  const double kurtosis = 3 + 6 / (stationary.nu - 4);
  EXPECT_NEAR(m4, kurtosis, 4 * std::sqrt((s8 / n - m4 * m4) / n));
}

TEST(GarchStep, InnovationsHaveTheConfiguredCorrelation) {
  garch_asset_params heavy = stationary;
  heavy.nu = 5.0;
  const garch_market m = make_market({stationary, heavy}, 0.6);
  std::vector<double> a, b;
  simulate<16>(m.view(), 20, 20000, 0, nullptr, &a);
  simulate<16>(m.view(), 20, 20000, 1, nullptr, &b);
  // Independent paths: 20 groups of 1,000 paths for the standard error.
  const std::size_t per_group = a.size() / 20;
  double sum = 0, sum_sq = 0;
  for (int g = 0; g < 20; ++g) {
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = g * per_group; i < (g + 1) * per_group; ++i) {
      sab += a[i] * b[i];
      saa += a[i] * a[i];
      sbb += b[i] * b[i];
    }
    const double c = sab / std::sqrt(saa * sbb);
    sum += c;
    sum_sq += c * c;
  }
  const double mean = sum / 20;
  const double se = std::sqrt((sum_sq / 20 - mean * mean) / 19);
  EXPECT_NEAR(mean, 0.6, 4 * se);
}

// The t(4) CDF is 1/2 + t (t^2 + 6) / (2 (t^2 + 4)^(3/2)); a unit-variance
// t(4) is t / sqrt(2). Tail frequencies of the innovations against it.
TEST(GarchStep, InnovationTailsFollowTheStudentT) {
  garch_asset_params four = stationary;
  four.nu = 4.0;
  const garch_market m = make_market({four}, 0.0);
  std::vector<double> eps;
  simulate<16>(m.view(), 50, 40000, 0, nullptr, &eps);
  const double n = static_cast<double>(eps.size());
  for (const double x : {-4.0, -2.0, -1.0, 1.0, 3.0}) {
    const double t = x * std::sqrt(2.0);
    const double cdf = 0.5 + t * (t * t + 6.0) / (2.0 * std::pow(t * t + 4.0, 1.5));
    double below = 0;
    for (const double e : eps) below += e < x ? 1.0 : 0.0;
    // Draws of one path are dependent only through h, which eps divides out.
    EXPECT_NEAR(below / n, cdf, 4 * std::sqrt(cdf * (1 - cdf) / n)) << x;
  }
}

// One shared mixing variable: with uncorrelated normals and equal nu, the
// squared innovations still move together: cov(eps_1^2, eps_2^2) = E[s^4] - 1
// = (nu - 2) / (nu - 4) - 1 = 2 / (nu - 4). Independent mixing would give 0.
TEST(GarchStep, SharedMixingMakesLargeMovesComeTogether) {
  garch_asset_params p = stationary;
  p.nu = 12.0;
  const garch_market m = make_market({p, p}, 0.0);
  std::vector<double> a, b;
  simulate<16>(m.view(), 20, 40000, 0, nullptr, &a);
  simulate<16>(m.view(), 20, 40000, 1, nullptr, &b);
  double sum = 0, sum_sq = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double v = a[i] * a[i] * b[i] * b[i];
    sum += v;
    sum_sq += v * v;
  }
  const double n = static_cast<double>(a.size());
  const double mean = sum / n;
  EXPECT_NEAR(mean - 1.0, 2.0 / (p.nu - 4.0), 4 * std::sqrt((sum_sq / n - mean * mean) / n));
}

TEST(GarchStep, SameBitsForOneLaneAndSixteen) {
  garch_asset_params heavy = stationary;
  heavy.nu = 4.5;
  const garch_market m = make_market({stationary, heavy}, 0.4);
  std::vector<std::vector<double>> wide, narrow;  // [path][step]
  simulate<16>(m.view(), 41, 64, 1, &wide, nullptr);
  simulate<1>(m.view(), 41, 64, 1, &narrow, nullptr);
  EXPECT_EQ(wide, narrow);
}

// Sub-steps: m monitoring steps per period (kernels/paths/garch_step.hpp).
// Per path, after `burn_in` periods: the period returns R = sum of the
// period's log-price moves + h / 2 (drift 0), and each sub-step's shock
// dx_i + h / (2 m) over sqrt(h / m), the period's h, m per period.
struct period_sample {
  std::vector<std::vector<double>> returns;  // [path][period]
  std::vector<double> shocks;                // m per path-period, in that period's order
};

template <int Lanes>
void sample_periods(const market_view& m, int periods, int burn_in, int paths, int k,
                    period_sample& out) {
  const int substeps = m.garch.substeps;
  const normal_stream stream{31u, normals_per_step(m)};
  for (int first = 0; first < paths; first += Lanes) {
    market_state<Lanes, max_assets> state{};
    market_begin(m, stream, static_cast<std::uint64_t>(first), state);
    std::vector<std::vector<double>> block(Lanes);
    for (int period = 0; period < burn_in + periods; ++period) {
      double h[Lanes], start[Lanes];
      for (int lane = 0; lane < Lanes; ++lane) {
        h[lane] = state.variance[k][lane];
        start[lane] = state.log_return[k][lane];
      }
      std::vector<std::vector<double>> shocks(Lanes);  // [lane][sub-step]
      for (int i = 0; i < substeps; ++i) {
        float before[Lanes];
        for (int lane = 0; lane < Lanes; ++lane) before[lane] = state.log_return[k][lane];
        market_step(m, stream, static_cast<std::uint64_t>(first), period * substeps + i, state);
        for (int lane = 0; lane < Lanes; ++lane) {
          const double dx = static_cast<double>(state.log_return[k][lane]) - before[lane];
          shocks[static_cast<std::size_t>(lane)].push_back((dx + 0.5 * h[lane] / substeps) /
                                                           std::sqrt(h[lane] / substeps));
        }
      }
      if (period < burn_in) continue;
      for (int lane = 0; lane < Lanes; ++lane) {
        const auto& lane_shocks = shocks[static_cast<std::size_t>(lane)];
        out.shocks.insert(out.shocks.end(), lane_shocks.begin(), lane_shocks.end());
        block[static_cast<std::size_t>(lane)].push_back(state.log_return[k][lane] - start[lane] +
                                                        0.5 * h[lane]);
      }
    }
    out.returns.insert(out.returns.end(), block.begin(), block.end());
  }
}

// A statistic of all paths, with its standard error by batch means: the spread
// of its values over independent groups of paths, over sqrt(groups).
template <class Statistic>
estimate over_groups(const std::vector<std::vector<double>>& r, int groups, Statistic statistic) {
  const std::size_t per_group = r.size() / static_cast<std::size_t>(groups);
  double sum = 0, sum_sq = 0;
  for (int g = 0; g < groups; ++g) {
    const auto begin = r.begin() + static_cast<std::ptrdiff_t>(g * per_group);
    const double v = statistic(
        std::vector<std::vector<double>>(begin, begin + static_cast<std::ptrdiff_t>(per_group)));
    sum += v;
    sum_sq += v * v;
  }
  const double mean = sum / groups;
  return {statistic(r), std::sqrt((sum_sq / groups - mean * mean) / (groups - 1))};
}

struct return_moments {
  double variance, kurtosis, rho1;  // E R^2, E R^4 / (E R^2)^2, corr(R_t^2, R_{t-1}^2)
};

return_moments moments_of(const std::vector<std::vector<double>>& r) {
  double s2 = 0, s4 = 0, s22 = 0, a = 0, b = 0, count = 0, lagged = 0;
  for (const auto& path : r) {
    for (std::size_t t = 0; t < path.size(); ++t) {
      const double sq = path[t] * path[t];
      s2 += sq;
      s4 += sq * sq;
      count += 1;
      if (t == 0) continue;
      const double prev = path[t - 1] * path[t - 1];
      s22 += sq * prev;
      a += sq;
      b += prev;
      lagged += 1;
    }
  }
  const double m2 = s2 / count, m4 = s4 / count;
  const double cov = s22 / lagged - (a / lagged) * (b / lagged);
  return {m2, m4 / (m2 * m2), cov / (m4 - m2 * m2)};
}

// GARCH(1,1) with iid unit-variance innovations of kurtosis kappa, persistence
// p = alpha + beta and kappa alpha^2 + 2 alpha beta + beta^2 < 1 (the fourth
// moment condition; He & Terasvirta 1999, "Properties of moments of a family of
// GARCH processes", J. Econometrics 92):
//   E r^2 = omega / (1 - p),
//   kurtosis = kappa (1 - p^2) / (1 - p^2 - (kappa - 1) alpha^2),
// and, from E[r_t^2 r_{t-1}^2] = omega E r^2 + (kappa alpha + beta) E h^2 and
// E h^2 = kurtosis (E r^2)^2 / kappa, the lag-1 autocorrelation of r^2, in
// which kappa cancels (Bollerslev 1988's form for normal innovations):
//   rho_1 = alpha (1 - alpha beta - beta^2) / (1 - 2 alpha beta - beta^2).
return_moments garch_closed_form(const garch_asset_params& p, double kappa) {
  const double a = p.alpha, b = p.beta, persistence = a + b;
  const double q = 1 - persistence * persistence;
  return {p.omega / (1 - persistence), kappa * q / (q - (kappa - 1) * a * a),
          a * (1 - a * b - b * b) / (1 - 2 * a * b - b * b)};
}

// nu = 10: innovations of kurtosis 3 + 6 / (nu - 4) = 4, and the eighth
// moment of the returns exists (E[(alpha eps^2 + beta)^4] = 0.88 < 1), so the
// groups' kurtosis estimates have a finite variance.
const garch_asset_params clustered{true, 2e-5, 0.05, 0.90, 10.0, 2e-5 / 0.05, 1.0};

class GarchSubsteps : public ::testing::TestWithParam<int> {};

// Whatever m, the period's return is the period's GARCH-t return: its
// variance, kurtosis and squared-return autocorrelation are GARCH(1,1)'s, each
// within 4 standard errors of 32 groups of 128 paths of 300 periods after 100
// of burn-in (the variance of h forgets its start by 0.91^100).
TEST_P(GarchSubsteps, PeriodReturnsHaveTheGarchMoments) {
  const int m = GetParam();
  const garch_market market = make_market({clustered}, 0.0, m);
  period_sample sample;
  sample_periods<16>(market.view(), 300, 100, 4096, 0, sample);
  const return_moments expected = garch_closed_form(clustered, 3 + 6 / (clustered.nu - 4));
  const estimate variance =
      over_groups(sample.returns, 32, [](const auto& r) { return moments_of(r).variance; });
  const estimate kurtosis =
      over_groups(sample.returns, 32, [](const auto& r) { return moments_of(r).kurtosis; });
  const estimate rho1 =
      over_groups(sample.returns, 32, [](const auto& r) { return moments_of(r).rho1; });
  EXPECT_NEAR(variance.mean, expected.variance, 4 * variance.se);
  EXPECT_NEAR(kurtosis.mean, expected.kurtosis, 4 * kurtosis.se);
  EXPECT_NEAR(rho1.mean, expected.rho1, 4 * rho1.se);
}

INSTANTIATE_TEST_SUITE_P(MonitoringSteps, GarchSubsteps, ::testing::Values(1, 4, 24));

// Given the period's h and mixing W, the sub-step shocks are iid
// N(0, h W / m): normalized by sqrt(h / m) (W has mean 1 scaled to the t's
// variance) each has variance E[W] = 1, two of a period are uncorrelated, and
// they share W: E[u_i^2 u_j^2] = E[W^2] = (nu - 2) / (nu - 4), where a fresh W
// per sub-step would give 1. Periods are independent once h is divided out, so
// the standard errors are those of iid samples.
TEST(GarchStep, SubstepShocksAreUncorrelatedWithTheSharedPeriodVariance) {
  const int m = 4;
  const garch_market market = make_market({clustered}, 0.0, m);
  period_sample sample;
  sample_periods<16>(market.view(), 40, 0, 8192, 0, sample);
  const std::size_t periods = sample.shocks.size() / m;
  const double n = static_cast<double>(periods);
  const auto mean_and_se = [&](auto value) {
    double sum = 0, sum_sq = 0;
    for (std::size_t p = 0; p < periods; ++p) {
      const double v = value(&sample.shocks[p * m]);
      sum += v;
      sum_sq += v * v;
    }
    return estimate{sum / n, std::sqrt((sum_sq / n - sum * sum / (n * n)) / n)};
  };
  const double shared = (clustered.nu - 2) / (clustered.nu - 4);
  for (int i = 0; i < m; ++i) {
    const estimate var = mean_and_se([i](const double* u) { return u[i] * u[i]; });
    EXPECT_NEAR(var.mean, 1.0, 4 * var.se) << i;
    for (int j = i + 1; j < m; ++j) {
      const estimate cov = mean_and_se([i, j](const double* u) { return u[i] * u[j]; });
      EXPECT_NEAR(cov.mean, 0.0, 4 * cov.se) << i << ", " << j;
      const estimate co4 =
          mean_and_se([i, j](const double* u) { return u[i] * u[i] * u[j] * u[j]; });
      EXPECT_NEAR(co4.mean, shared, 4 * co4.se) << i << ", " << j;
    }
  }
}

// The sub-step recursion redone in double from the kernel's own draws (the
// step's normals in state.z and the period's mixing scales): log-prices and
// variances agree to float rounding, and h moves only at period ends.
TEST(GarchStep, SubstepsFollowTheScalarRecursion) {
  garch_asset_params heavy = stationary;
  heavy.nu = 5.0;
  const int m = 4;
  const garch_market market = make_market({stationary, heavy}, 0.4, m);
  const market_view view = market.view();
  const normal_stream stream{31u, normals_per_step(view)};
  const std::vector<garch_asset_params> params = {stationary, heavy};
  for (std::uint64_t path = 0; path < 8; ++path) {
    market_state<1, max_assets> state{};
    market_begin(view, stream, path, state);
    double x[2] = {0, 0}, h[2] = {stationary.variance_now, heavy.variance_now}, shock[2] = {0, 0};
    for (int step = 0; step < 40; ++step) {
      market_step(view, stream, path, step, state);
      const int base = (step % 4) * stream.blocks_per_chunk;
      for (int k = 0; k < 2; ++k) {
        double g = 0;
        for (int j = 0; j <= k; ++j) g += market.cholesky[k * 2 + j] * state.z[base + j][0];
        const double r = std::sqrt(h[k] / m) * g * state.mixing[k][0];
        x[k] += -0.5 * h[k] / m + r;
        shock[k] += r;
        if (step % m == m - 1) {
          h[k] = params[k].omega + params[k].alpha * shock[k] * shock[k] + params[k].beta * h[k];
          shock[k] = 0;
        }
        ASSERT_NEAR(state.log_return[k][0], x[k], 1e-5) << path << ", " << step << ", " << k;
        ASSERT_NEAR(state.variance[k][0], h[k], 1e-5 * h[k]) << path << ", " << step << ", " << k;
      }
    }
  }
}

TEST(GarchStep, SubstepsGiveTheSameBitsForOneLaneAndSixteen) {
  garch_asset_params heavy = stationary;
  heavy.nu = 4.5;
  const garch_market m = make_market({stationary, heavy}, 0.4, 4);
  std::vector<std::vector<double>> wide, narrow;  // [path][step]
  simulate<16>(m.view(), 41, 64, 1, &wide, nullptr);
  simulate<1>(m.view(), 41, 64, 1, &narrow, nullptr);
  EXPECT_EQ(wide, narrow);
}

TEST(Garch, NonStationaryParametersAreRefused) {
  garch_asset_params p = stationary;
  p.beta = 0.95;
  try {
    garch_coefficients({p}, {"BTC"}, {false}, 1.0, 1, "cfg.toml: model");
    FAIL();
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              "cfg.toml: model: [model.assets.BTC.garch] alpha + beta = 1.03 is not stationary: "
              "must be < 0.999, where calibrate reports garch_stationary = false (an integrated "
              "GARCH has no unconditional variance)");
  }
}

// 7 days of daily parameters: steps must be a multiple of 7.
TEST(Garch, AStepThatDoesNotDivideThePeriodIsRefused) {
  try {
    garch_coefficients({stationary}, {"BTC"}, {false}, 7.0, 30, "cfg.toml: model");
    FAIL();
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              "cfg.toml: model: [model.assets.BTC.garch] parameters are per 1 days but the run's "
              "step, [run] horizon_days / steps = 7 / 30 = 0.233333 days, does not divide the "
              "period: GARCH needs period_days = m * horizon_days / steps for a whole m >= 1; "
              "nearest valid: steps = 28 (m = 4) or steps = 35 (m = 5)");
  }
}

TEST(Garch, AStepLongerThanThePeriodIsRefused) {
  try {
    garch_coefficients({stationary}, {"BTC"}, {false}, 7.0, 3, "cfg.toml: model");
    FAIL();
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              "cfg.toml: model: [model.assets.BTC.garch] parameters are per 1 days but the run's "
              "step, [run] horizon_days / steps = 7 / 3 = 2.33333 days, does not divide the "
              "period: GARCH needs period_days = m * horizon_days / steps for a whole m >= 1; "
              "nearest valid: steps = 7 (m = 1)");
  }
}

TEST(Garch, AStepThatDividesThePeriodGivesItsSubsteps) {
  EXPECT_EQ(garch_coefficients({stationary}, {"BTC"}, {false}, 7.0, 7, "m").substeps, 1);
  EXPECT_EQ(garch_coefficients({stationary}, {"BTC"}, {false}, 7.0, 168, "m").substeps, 24);
  EXPECT_EQ(garch_coefficients({stationary}, {"BTC"}, {false}, 1.0, 288, "m").substeps, 288);
}

TEST(Garch, AssetsWithDifferentPeriodsAreRefused) {
  garch_asset_params hourly = stationary;
  hourly.period_days = 1.0 / 24.0;
  try {
    garch_coefficients({stationary, hourly}, {"BTC", "ETH"}, {false, false}, 1.0, 24,
                       "cfg.toml: model");
    FAIL();
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              "cfg.toml: model: [model.assets.ETH.garch] period_days = 0.0416667 differs from "
              "BTC's 1: the assets of a GARCH run share one period");
  }
}

}  // namespace
}  // namespace levrisk
