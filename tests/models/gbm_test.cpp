#include "models/gbm.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace levrisk {
namespace {

const std::string context = "configs/nightly.toml:7: model";

gbm_params btc_eth(double rho = 0.6) {
  gbm_params params;
  params.asset_ids = {"BTC", "ETH"};
  params.assets = {{0.1, 0.8}, {0.05, 0.6}};
  params.correlation = {1, rho, rho, 1};
  return params;
}

std::string message_of(const gbm_params& params) {
  try {
    gbm_model model(params, context);
  } catch (const input_error& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(GbmModel, StepCoefficientsMatchHandComputation) {
  const gbm_model model(btc_eth(0.6), context);
  const double dt = 1.0 / 365.0;
  const gbm_step_coefficients c = model.step_coefficients(dt);
  ASSERT_EQ(c.n_assets, 2);
  // BTC: (0.1 - 0.8^2 / 2) / 365 = -0.22 / 365; ETH: (0.05 - 0.18) / 365 = -0.13 / 365.
  EXPECT_FLOAT_EQ(c.drift_dt[0], static_cast<float>(-0.22 / 365.0));
  EXPECT_FLOAT_EQ(c.drift_dt[1], static_cast<float>(-0.13 / 365.0));
  EXPECT_FLOAT_EQ(c.vol_sqrt_dt[0], static_cast<float>(0.8 / std::sqrt(365.0)));
  EXPECT_FLOAT_EQ(c.vol_sqrt_dt[1], static_cast<float>(0.6 / std::sqrt(365.0)));
  // Cholesky of [[1, 0.6], [0.6, 1]] = [[1, 0], [0.6, 0.8]].
  ASSERT_EQ(c.cholesky.size(), 4u);
  EXPECT_FLOAT_EQ(c.cholesky[0], 1.0f);
  EXPECT_EQ(c.cholesky[1], 0.0f);
  EXPECT_FLOAT_EQ(c.cholesky[2], 0.6f);
  EXPECT_FLOAT_EQ(c.cholesky[3], 0.8f);
  EXPECT_EQ(model.n_assets(), 2);
  EXPECT_EQ(model.correlation_repair_distance(), 0.0);
}

TEST(GbmModel, OneStepLogReturnsHaveTheModelMomentsAndCorrelation) {
  // One step of dt = 30 days drawn with the step coefficients; mean, variance and
  // correlation of the log-returns checked within 5 standard errors.
  const gbm_model model(btc_eth(-0.4), context);
  const double dt = 30.0 / 365.0;
  const gbm_step_coefficients c = model.step_coefficients(dt);
  std::mt19937_64 rng(42);
  std::normal_distribution<double> normal;
  const int samples = 200000;
  double sum[2] = {0, 0}, sum_squares[2] = {0, 0}, sum_cross = 0;
  for (int s = 0; s < samples; ++s) {
    const double z[2] = {normal(rng), normal(rng)};
    double x[2];
    for (std::size_t k = 0; k < 2; ++k) {
      x[k] = c.drift_dt[k] +
             c.vol_sqrt_dt[k] * (c.cholesky[k * 2] * z[0] + c.cholesky[k * 2 + 1] * z[1]);
      sum[k] += x[k];
      sum_squares[k] += x[k] * x[k];
    }
    sum_cross += x[0] * x[1];
  }
  const double vols[2] = {0.8, 0.6}, drifts[2] = {0.1, 0.05};
  double sd[2];
  for (int k = 0; k < 2; ++k) {
    const double mean = sum[k] / samples;
    const double variance = sum_squares[k] / samples - mean * mean;
    const double expected_variance = vols[k] * vols[k] * dt;
    // SE of the mean sqrt(v / N); of the variance of a normal sample v sqrt(2 / N).
    EXPECT_NEAR(mean, (drifts[k] - 0.5 * vols[k] * vols[k]) * dt,
                5 * std::sqrt(expected_variance / samples));
    EXPECT_NEAR(variance, expected_variance, 5 * expected_variance * std::sqrt(2.0 / samples));
    sd[k] = std::sqrt(variance);
  }
  const double covariance = sum_cross / samples - (sum[0] / samples) * (sum[1] / samples);
  // SE of a sample correlation of bivariate normals: (1 - rho^2) / sqrt(N).
  EXPECT_NEAR(covariance / (sd[0] * sd[1]), -0.4, 5 * (1 - 0.16) / std::sqrt(samples));
}

TEST(GbmModel, PerfectlyCorrelatedAssetsShareTheirCholeskyRow) {
  gbm_params params;
  params.asset_ids = {"BTC", "WBTC", "ETH"};
  params.assets = {{0, 0.7}, {0, 0.7}, {0, 0.9}};
  params.correlation = {1, 1, 0.8, 1, 1, 0.8, 0.8, 0.8, 1};
  const gbm_model model(params, context);
  const std::vector<double>& l = model.cholesky();
  for (int j = 0; j < 3; ++j) EXPECT_NEAR(l[0 * 3 + j], l[1 * 3 + j], 1e-15) << "column " << j;
}

TEST(GbmModel, RepairsNonPsdCorrelationWhenAsked) {
  gbm_params params;
  params.asset_ids = {"BTC", "ETH", "SOL"};
  params.assets = {{0, 0.6}, {0, 0.8}, {0, 1.0}};
  params.correlation = {1, 1, 0, 1, 1, 1, 0, 1, 1};  // Higham (2002), section 4
  params.repair_correlation = true;
  const gbm_model model(params, context);
  EXPECT_NEAR(model.params().correlation[1], 0.7607, 1e-4);
  EXPECT_NEAR(model.params().correlation[2], 0.1573, 1e-4);
  EXPECT_GT(model.correlation_repair_distance(), 0.0);
}

TEST(GbmModel, ZeroVolatilityIsAllowed) {
  gbm_params params = btc_eth();
  params.asset_ids = {"USDC", "ETH"};
  params.assets[0] = {0.0, 0.0};
  const gbm_step_coefficients c = gbm_model(params, context).step_coefficients(1.0 / 365.0);
  EXPECT_EQ(c.drift_dt[0], 0.0f);
  EXPECT_EQ(c.vol_sqrt_dt[0], 0.0f);
}

TEST(GbmModel, RejectsNegativeVol) {
  gbm_params params = btc_eth();
  params.assets[1].vol_annual = -0.2;
  EXPECT_EQ(message_of(params),
            "configs/nightly.toml:7: model: asset 'ETH': vol_annual must be a finite number >= 0, "
            "got -0.2");
}

TEST(GbmModel, RejectsNaNVol) {
  gbm_params params = btc_eth();
  params.assets[0].vol_annual = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(message_of(params),
            "configs/nightly.toml:7: model: asset 'BTC': vol_annual must be a finite number >= 0, "
            "got nan");
}

TEST(GbmModel, RejectsInfiniteDrift) {
  gbm_params params = btc_eth();
  params.assets[1].drift_annual = std::numeric_limits<double>::infinity();
  EXPECT_EQ(message_of(params),
            "configs/nightly.toml:7: model: asset 'ETH': drift_annual must be a finite number, got "
            "inf");
}

TEST(GbmModel, RejectsDuplicateAssetId) {
  gbm_params params = btc_eth();
  params.asset_ids = {"ETH", "ETH"};
  EXPECT_EQ(message_of(params),
            "configs/nightly.toml:7: model: asset 'ETH' is listed twice (positions 0 and 1, "
            "counting from 0): asset ids must be unique");
}

TEST(GbmModel, RejectsEmptyAssetId) {
  gbm_params params = btc_eth();
  params.asset_ids = {"BTC", ""};
  EXPECT_EQ(message_of(params),
            "configs/nightly.toml:7: model: asset 1 (counting from 0): id must be non-empty");
}

TEST(GbmModel, RejectsMismatchedSizes) {
  gbm_params params = btc_eth();
  params.assets.pop_back();
  EXPECT_EQ(message_of(params),
            "configs/nightly.toml:7: model: 2 asset ids but 1 sets of asset parameters: they must "
            "match one to one");
}

TEST(GbmModel, RejectsNoAssets) {
  EXPECT_EQ(message_of(gbm_params{}),
            "configs/nightly.toml:7: model: the model needs at least one asset");
}

TEST(GbmModel, RejectsNonPsdCorrelationWithoutRepair) {
  gbm_params params;
  params.asset_ids = {"BTC", "ETH", "SOL"};
  params.assets = {{0, 0.6}, {0, 0.8}, {0, 1.0}};
  params.correlation = {1, 1, 0, 1, 1, 1, 0, 1, 1};
  EXPECT_EQ(message_of(params),
            "configs/nightly.toml:7: model: correlation matrix is not positive semi-definite: "
            "smallest eigenvalue -0.414214 (eigenvalues: -0.414214, 1, 2.41421); set "
            "model.repair_correlation = true to use the nearest correlation matrix");
}

TEST(GbmModel, RejectsNonPositiveTimeStep) {
  const gbm_model model(btc_eth(), context);
  try {
    model.step_coefficients(0.0);
    FAIL() << "no error";
  } catch (const input_error& error) {
    EXPECT_STREQ(error.what(),
                 "configs/nightly.toml:7: model: time step dt_years must be a finite number > 0, "
                 "got 0");
  }
}

}  // namespace
}  // namespace levrisk
