#include "models/calibration/synthetic_history.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <random>

#include "common/error.hpp"
#include "models/calibration/price_history.hpp"
#include "models/correlation.hpp"

namespace levrisk::calibration {
namespace {

class draws {
 public:
  explicit draws(std::uint64_t seed) : engine_(seed) {}

  // (0, 1): 53 random bits, centred in their cell.
  double uniform() {
    return (static_cast<double>(engine_() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
  }
  // Box & Muller (1958), one value per call (the sine partner is discarded for simplicity).
  double normal() {
    const double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Marsaglia & Tsang (2000), "A simple method for generating gamma variables";
  // shape < 1 through Gamma(shape + 1) U^(1/shape).
  double gamma(double shape) {
    if (shape < 1.0) return gamma(shape + 1.0) * std::pow(uniform(), 1.0 / shape);
    const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      const double x = normal();
      const double v = 1.0 + c * x;
      if (v <= 0) continue;
      const double v3 = v * v * v;
      if (std::log(uniform()) < 0.5 * x * x + d - d * v3 + d * std::log(v3)) return d * v3;
    }
  }
  bool bernoulli(double p) { return p > 0 && uniform() < p; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace

synthetic_history simulate_history(const synthetic_history_options& options) {
  const std::size_t n_assets = options.assets.size();
  LEVRISK_REQUIRE(n_assets >= 1 && options.periods >= 1, input_error,
                  "synthetic history: needs assets and periods >= 1");
  LEVRISK_REQUIRE(options.nu == 0 || options.nu > 2, input_error,
                  "synthetic history: nu must be > 2 or 0, got " << options.nu);
  std::vector<double> correlation = options.correlation;
  if (correlation.empty()) {
    correlation.assign(n_assets * n_assets, 0.0);
    for (std::size_t i = 0; i < n_assets; ++i) correlation[i * n_assets + i] = 1.0;
  }
  const std::vector<double> chol = cholesky_lower(correlation, static_cast<int>(n_assets));
  draws rng(options.seed);
  const auto periods = static_cast<std::size_t>(options.periods);
  synthetic_history out;
  out.time_ms.resize(periods + 1);
  for (std::size_t i = 0; i <= periods; ++i) {
    out.time_ms[i] = options.start_ms + static_cast<std::int64_t>(i) * options.period_ms;
  }
  out.price_usd.assign(n_assets, std::vector<double>(periods + 1));
  out.log_return.assign(n_assets, std::vector<double>(periods));
  out.innovation.assign(n_assets, std::vector<double>(periods));
  out.jump.assign(n_assets, std::vector<char>(periods, 0));
  out.systemic.assign(periods, 0);
  std::vector<double> log_price(n_assets), variance(n_assets), normals(n_assets);
  for (std::size_t a = 0; a < n_assets; ++a) {
    const synthetic_asset& asset = options.assets[a];
    LEVRISK_REQUIRE(
        asset.omega > 0 && asset.alpha >= 0 && asset.beta >= 0 && asset.alpha + asset.beta < 1,
        input_error, "synthetic history: asset '" << asset.id << "' is not a stationary GARCH");
    log_price[a] = std::log(asset.start_price_usd);
    variance[a] = asset.omega / (1.0 - asset.alpha - asset.beta);
    out.price_usd[a][0] = asset.start_price_usd;
  }
  const double t_scale = options.nu > 0 ? std::sqrt((options.nu - 2.0) / options.nu) : 1.0;
  for (std::size_t t = 0; t < periods; ++t) {
    for (std::size_t a = 0; a < n_assets; ++a) normals[a] = rng.normal();
    const double mixing =
        options.nu > 0 ? t_scale / std::sqrt(2.0 * rng.gamma(0.5 * options.nu) / options.nu) : 1.0;
    const bool systemic = rng.bernoulli(options.systemic_jump_probability);
    const double systemic_size =
        systemic ? options.systemic_jump_mean + options.systemic_jump_stdev * rng.normal() : 0.0;
    out.systemic[t] = systemic;
    for (std::size_t a = 0; a < n_assets; ++a) {
      const synthetic_asset& asset = options.assets[a];
      double z = 0.0;
      for (std::size_t j = 0; j <= a; ++j) z += chol[a * n_assets + j] * normals[j];
      z *= mixing;
      const double diffusive = std::sqrt(variance[a]) * z;
      double r = diffusive + asset.systemic_loading * systemic_size;
      if (rng.bernoulli(asset.jump_probability)) {
        r += asset.jump_mean + asset.jump_stdev * rng.normal();
        out.jump[a][t] = 1;
      }
      out.innovation[a][t] = z;
      out.log_return[a][t] = r;
      log_price[a] += r;
      out.price_usd[a][t + 1] = std::exp(log_price[a]);
      variance[a] = asset.omega + asset.alpha * diffusive * diffusive + asset.beta * variance[a];
    }
  }
  if (options.missing_probability > 0) {
    for (std::size_t a = 0; a < n_assets; ++a) {
      for (std::size_t i = 1; i <= periods; ++i) {
        if (rng.bernoulli(options.missing_probability)) {
          out.price_usd[a][i] = std::numeric_limits<double>::quiet_NaN();
        }
      }
    }
  }
  return out;
}

synthetic_history_options synthetic_hourly_options() {
  synthetic_history_options o;
  // Hourly GARCH with persistence 0.985 and the stationary vol below (365-day year):
  // omega = vol_annual^2 / 8760 (1 - alpha - beta).
  auto asset = [](const char* id, double price, double vol_annual, double alpha, double beta,
                  double jumps_per_year, double jump_mean, double jump_stdev, double loading) {
    synthetic_asset a;
    a.id = id;
    a.start_price_usd = price;
    a.alpha = alpha;
    a.beta = beta;
    a.omega = vol_annual * vol_annual / 8760.0 * (1.0 - alpha - beta);
    a.jump_probability = jumps_per_year / 8760.0;
    a.jump_mean = jump_mean;
    a.jump_stdev = jump_stdev;
    a.systemic_loading = loading;
    return a;
  };
  o.assets = {asset("BTC", 30000.0, 0.55, 0.06, 0.925, 6.0, -0.01, 0.05, 1.0),
              asset("ETH", 2000.0, 0.70, 0.07, 0.915, 8.0, -0.01, 0.06, 1.2),
              asset("SOL", 50.0, 0.95, 0.08, 0.905, 12.0, 0.0, 0.08, 1.5)};
  o.correlation = {1.0, 0.8, 0.7, 0.8, 1.0, 0.72, 0.7, 0.72, 1.0};
  o.nu = 5.0;
  o.periods = 5 * 8760;
  o.start_ms = 1672531200000LL;  // 2023-01-01T00:00:00Z
  o.period_ms = 3'600'000;
  o.systemic_jump_probability = 3.0 / 8760.0;
  o.systemic_jump_mean = -0.06;
  o.systemic_jump_stdev = 0.04;
  o.missing_probability = 0.001;
  o.seed = 20260101;
  return o;
}

synthetic_history_options sample_assets_hourly_options() {
  synthetic_history_options o;
  auto asset = [](const char* id, double price, double vol_annual, double alpha,
                  double jumps_per_year, double jump_stdev, double loading) {
    synthetic_asset a;
    a.id = id;
    a.start_price_usd = price;
    a.alpha = alpha;
    a.beta = 0.985 - alpha;  // persistence 0.985 an hour: a half-life of 46 hours
    a.omega = vol_annual * vol_annual / 8760.0 * (1.0 - 0.985);
    a.jump_probability = jumps_per_year / 8760.0;
    a.jump_mean = -0.01;
    a.jump_stdev = jump_stdev;
    a.systemic_loading = loading;
    return a;
  };
  // configs/nightly.toml's volatilities; stETH moves with ETH (correlation 0.97).
  o.assets = {asset("BTC", 95000.0, 0.55, 0.06, 6.0, 0.05, 1.0),
              asset("ETH", 3500.0, 0.70, 0.07, 8.0, 0.06, 1.2),
              asset("SOL", 240.0, 0.95, 0.08, 12.0, 0.08, 1.5),
              asset("stETH", 3493.0, 0.70, 0.07, 2.0, 0.03, 1.2),
              asset("AVAX", 38.0, 1.00, 0.08, 12.0, 0.08, 1.5),
              asset("LINK", 23.0, 0.90, 0.08, 10.0, 0.07, 1.4),
              asset("DOGE", 0.38, 1.10, 0.09, 14.0, 0.10, 1.6)};
  // Two factors, the market and ether: rho_ij = b_i . b_j off the diagonal, a
  // valid correlation since every row of loadings has norm below 1.
  const double loadings[7][2] = {{0.90, 0.00}, {0.90, 0.40}, {0.82, 0.10}, {0.89, 0.42},
                                 {0.80, 0.05}, {0.80, 0.05}, {0.72, 0.00}};
  for (std::size_t i = 0; i < 7; ++i) {
    for (std::size_t j = 0; j < 7; ++j) {
      o.correlation.push_back(
          i == j ? 1.0 : loadings[i][0] * loadings[j][0] + loadings[i][1] * loadings[j][1]);
    }
  }
  o.nu = 5.0;
  o.periods = 8760;
  o.start_ms = 1732406400000LL;  // 2024-11-24T00:00:00Z
  o.period_ms = 3'600'000;
  o.systemic_jump_probability = 3.0 / 8760.0;
  o.systemic_jump_mean = -0.06;
  o.systemic_jump_stdev = 0.04;
  o.seed = 20261124;
  return o;
}

void write_wide_csv(const std::string& path, const synthetic_history& history,
                    const std::vector<std::string>& assets) {
  std::ofstream file(path, std::ios::binary);
  LEVRISK_REQUIRE(file, runtime_failure, path << ": cannot write");
  file << "timestamp";
  for (const std::string& id : assets) file << ',' << id;
  file << '\n';
  char number[64];
  for (std::size_t i = 0; i < history.time_ms.size(); ++i) {
    file << format_timestamp(history.time_ms[i]);
    for (std::size_t a = 0; a < assets.size(); ++a) {
      file << ',';
      const double price = history.price_usd[a][i];
      if (std::isnan(price)) continue;
      std::snprintf(number, sizeof number, "%.10g", price);
      file << number;
    }
    file << '\n';
  }
  LEVRISK_REQUIRE(file.good(), runtime_failure, path << ": write failed");
}

}  // namespace levrisk::calibration
