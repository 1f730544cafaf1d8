// Filtered historical simulation, host side: the residual table built from the
// bundled synthetic history, EWMA and GARCH filters, and the variance recursion
// that update_volatility carries along paths.

#include "models/fhs.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace levrisk {
namespace {

const std::string history = LEVRISK_SOURCE_DIR "/data/history/synthetic_hourly.csv";

TEST(FhsTables, ResidualsAreStandardizedAndDatesWhole) {
  fhs_params params;
  params.history = {history};
  params.frequency = "1h";
  const fhs_tables t =
      build_fhs_tables(params, {"ETH", "USDC", "BTC"}, {false, true, false}, "", "test");
  ASSERT_GT(t.n_dates, 40000);
  EXPECT_DOUBLE_EQ(t.period_days, 1.0 / 24.0);
  for (const int k : {0, 2}) {
    double s1 = 0, s2 = 0;
    for (int d = 0; d < t.n_dates; ++d) {
      const double e = t.residual[static_cast<std::size_t>(d) * 3 + k];
      s1 += e;
      s2 += e * e;
    }
    EXPECT_NEAR(s1 / t.n_dates, 0.0, 1e-6);
    EXPECT_NEAR(s2 / t.n_dates, 1.0, 1e-3);
    EXPECT_GT(t.vol_now_annual[static_cast<std::size_t>(k)], 0.1);
  }
  for (int d = 0; d < t.n_dates; ++d)
    EXPECT_EQ(t.residual[static_cast<std::size_t>(d) * 3 + 1], 0.0f);
  EXPECT_EQ(t.vol_now_annual[1], 0.0);
}

TEST(FhsTables, AnAssetWithoutHistoryIsRefused) {
  fhs_params params;
  params.history = {history};
  try {
    build_fhs_tables(params, {"ETH", "DOGE"}, {false, false}, "", "cfg.toml: model");
    FAIL();
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              "cfg.toml: model: [model.fhs] history has no prices for asset 'DOGE'");
  }
}

// Lag-1 autocorrelation of squares: the volatility clustering a filter removes.
double squared_autocorrelation(const std::vector<double>& x) {
  double mean = 0;
  for (const double v : x) mean += v * v;
  mean /= static_cast<double>(x.size());
  double num = 0, den = 0;
  for (std::size_t t = 0; t < x.size(); ++t) {
    const double a = x[t] * x[t] - mean;
    den += a * a;
    if (t > 0) num += a * (x[t - 1] * x[t - 1] - mean);
  }
  return num / den;
}

// The synthetic history is GARCH(1,1) with persistence 0.985 (docs/calibration.md).
TEST(FhsTables, GarchFilterRemovesVolatilityClustering) {
  fhs_params params;
  params.history = {history};
  params.frequency = "1h";
  params.filter = "garch";
  const fhs_tables t = build_fhs_tables(params, {"BTC"}, {false}, "", "test");
  std::vector<double> residual(t.residual.begin(), t.residual.end());
  const double se = 1.0 / std::sqrt(static_cast<double>(residual.size()));
  const fhs_filter& f = t.filter[0];
  EXPECT_GT(f.alpha + f.beta, 0.9);
  EXPECT_LT(f.alpha + f.beta, 1.0);
  EXPECT_GT(f.omega, 0.0);
  EXPECT_NEAR(t.vol_now_annual[0], std::sqrt(f.variance_now * 24 * 365), 1e-12);
  params.filter = "ewma";
  const fhs_tables e = build_fhs_tables(params, {"BTC"}, {false}, "", "test");
  std::vector<double> ewma_residual(e.residual.begin(), e.residual.end());
  // GARCH-filtered squares are uncorrelated within 4 standard errors (1 / sqrt(n)).
  EXPECT_LT(std::abs(squared_autocorrelation(residual)), 4 * se);
  // RiskMetrics' hourly decay (half-life 11 days) is far slower than this
  // history's own (persistence 0.985 an hour: half-life 46 hours), so EWMA
  // residuals keep clustering the GARCH filter removes.
  EXPECT_GT(squared_autocorrelation(ewma_residual), 4 * se);
}

TEST(FhsTables, CarriedVolatilityNeedsTheHistorysStep) {
  fhs_params params;
  params.history = {history};
  params.frequency = "1h";
  const fhs_tables t = build_fhs_tables(params, {"BTC"}, {false}, "", "test");
  EXPECT_NEAR(t.filter[0].beta, 0.99742, 1e-5);  // RiskMetrics' hourly decay
  EXPECT_EQ(t.filter[0].alpha, 1.0 - t.filter[0].beta);
  EXPECT_EQ(t.filter[0].omega, 0.0);
  EXPECT_EQ(fhs_variance_recursion(t, 1.0 / 24.0, "test").beta[0],
            static_cast<float>(t.filter[0].beta));
  try {
    fhs_variance_recursion(t, 1.0 / 288.0, "cfg.toml: model");
    FAIL();
  } catch (const input_error& error) {
    EXPECT_NE(std::string(error.what()).find("update_volatility steps the filter once per"),
              std::string::npos)
        << error.what();
  }
}

// Optional: the real Binance daily BTC and ETH files (skipped when
// ../shared/data is absent), GARCH-filtered as they are.
TEST(FhsTables, GarchFilterOnRealDailyHistory) {
  const std::string dir = LEVRISK_SOURCE_DIR "/../shared/data/prices/daily";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no " << dir;
  fhs_params params;
  params.history = {dir + "/Binance_BTCUSDT_d.csv:BTC", dir + "/Binance_ETHUSDT_d.csv:ETH"};
  params.filter = "garch";
  const fhs_tables t = build_fhs_tables(params, {"BTC", "ETH"}, {false, false}, "", "test");
  EXPECT_GT(t.n_dates, 2500);
  for (std::size_t k = 0; k < 2; ++k) {
    std::vector<double> residual(static_cast<std::size_t>(t.n_dates));
    for (std::size_t d = 0; d < residual.size(); ++d) residual[d] = t.residual[2 * d + k];
    const double se = 1.0 / std::sqrt(static_cast<double>(residual.size()));
    EXPECT_LT(std::abs(squared_autocorrelation(residual)), 4 * se) << k;
    EXPECT_GT(t.filter[k].alpha + t.filter[k].beta, 0.85) << k;
    EXPECT_GT(t.vol_now_annual[k], 0.1) << k;
    EXPECT_LT(t.vol_now_annual[k], 3.0) << k;
  }
}

// Optional: the real Binance hourly BTC file holds conflicting duplicate rows
// (its 2020-11-20 format switch): refused by default, read with "first".
TEST(FhsTables, RealHourlyHistoryNeedsADuplicatePolicy) {
  const std::string file =
      LEVRISK_SOURCE_DIR "/../shared/data/prices/hourly/Binance_BTCUSDT_1h.csv";
  if (!std::filesystem::exists(file)) GTEST_SKIP() << "no " << file;
  fhs_params params;
  params.history = {file + ":BTC"};
  params.frequency = "1h";
  params.filter = "garch";
  EXPECT_THROW(build_fhs_tables(params, {"BTC"}, {false}, "", "test"), input_error);
  params.duplicates = "first";
  const fhs_tables t = build_fhs_tables(params, {"BTC"}, {false}, "", "test");
  EXPECT_GT(t.n_dates, 30000);
  std::vector<double> residual(t.residual.begin(), t.residual.end());
  EXPECT_LT(std::abs(squared_autocorrelation(residual)),
            4.0 / std::sqrt(static_cast<double>(residual.size())));
}

}  // namespace
}  // namespace levrisk
