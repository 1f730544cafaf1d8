#include "models/calibration/model_file.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <toml.hpp>

namespace levrisk::calibration {
namespace {

calibration_result two_assets() {
  calibration_result r;
  r.options.period_ms = 3'600'000;
  r.period_days = 1.0 / 24.0;
  r.lambda = 0.9974253;
  r.sources = {"a.csv", "b.csv:ETH"};
  r.window_start_ms = 1672531200000;
  r.window_end_ms = 1704067200000;
  r.joint_returns = 8000;
  r.joint_dropped = 12;
  for (const char* id : {"BTC", "ETH"}) {
    asset_calibration a;
    a.id = id;
    a.source = "a.csv";
    a.vol_annual = 0.1 + 1.0 / 3.0;
    a.garch.omega = 1.234567890123e-7;
    a.garch.omega_se = std::numeric_limits<double>::quiet_NaN();
    a.garch.alpha = 0.05;
    a.garch.beta = 0.94;
    a.garch.nu = 4.5;
    a.garch.log_likelihood = 1234.5;
    a.merton.jump_intensity_annual = 6.0;
    a.coverage.empty_intervals = 3;
    a.warnings = {"a \"quoted\" warning"};
    r.assets.push_back(a);
  }
  r.correlation.matrix = {1.0, 0.7999999999999999, 0.7999999999999999, 1.0};
  r.correlation.shrinkage = 0.01;
  r.systemic.intensity_annual = 3.0;
  r.systemic.loading = {0.9, 1.1};
  return r;
}

toml::value parse(const std::string& text) {
  std::istringstream stream(text);
  return toml::parse(stream, "model.toml");
}

TEST(ModelFile, ParsesAsTomlWithTheDocumentedKeys) {
  const calibration_result r = two_assets();
  const toml::value data = parse(model_file_text(r));
  EXPECT_EQ(toml::find<std::string>(data, "model", "type"), "gbm");
  EXPECT_FALSE(toml::find<bool>(data, "model", "repair_correlation"));
  EXPECT_EQ(toml::find<double>(data, "model", "assets", "BTC", "drift_annual"), 0.0);
  EXPECT_EQ(toml::find<double>(data, "model", "assets", "ETH", "merton", "jump_intensity_annual"),
            6.0);
  for (const char* key : {"jump_mean", "jump_stdev", "diffusion_vol_annual"}) {
    EXPECT_TRUE(toml::find(data, "model", "assets", "BTC", "merton").contains(key)) << key;
  }
  const toml::value& garch = toml::find(data, "model", "assets", "BTC", "garch");
  for (const char* key : {"omega", "omega_se", "alpha", "alpha_se", "beta", "beta_se", "nu",
                          "nu_se", "variance_now", "period_days"}) {
    EXPECT_TRUE(garch.contains(key)) << key;
  }
  EXPECT_TRUE(std::isnan(toml::find<double>(garch, "omega_se")));
  EXPECT_EQ(toml::find<double>(data, "model", "systemic_jumps", "loading", "ETH"), 1.1);
  EXPECT_EQ(toml::find<std::vector<std::string>>(data, "model", "correlation", "assets"),
            (std::vector<std::string>{"BTC", "ETH"}));
  const auto matrix =
      toml::find<std::vector<std::vector<double>>>(data, "model", "correlation", "matrix");
  EXPECT_EQ(matrix[0][1], 0.7999999999999999);
  EXPECT_EQ(toml::find<std::string>(data, "calibration", "frequency"), "1h");
  EXPECT_EQ(toml::find<std::string>(data, "calibration", "window_start"), "2023-01-01T00:00:00Z");
  EXPECT_EQ(toml::find<std::int64_t>(data, "calibration", "n_returns"), 8000);
  EXPECT_EQ(toml::find<std::int64_t>(data, "calibration", "assets", "ETH", "missing_intervals"), 3);
  EXPECT_EQ(
      toml::find<std::vector<std::string>>(data, "calibration", "assets", "BTC", "warnings")[0],
      "a \"quoted\" warning");
}

TEST(ModelFile, NumbersRoundTripExactly) {
  const calibration_result r = two_assets();
  const toml::value data = parse(model_file_text(r));
  EXPECT_EQ(toml::find<double>(data, "model", "assets", "BTC", "vol_annual"),
            r.assets[0].vol_annual);
  EXPECT_EQ(toml::find<double>(data, "model", "assets", "BTC", "garch", "omega"),
            r.assets[0].garch.omega);
  EXPECT_EQ(toml::find<double>(data, "calibration", "lambda"), r.lambda);
  // Integral values are still TOML floats.
  EXPECT_EQ(toml::find<double>(data, "model", "systemic_jumps", "intensity_annual"), 3.0);
}

}  // namespace
}  // namespace levrisk::calibration
