// Filtered historical simulation, host side: the residual table built from the
// bundled synthetic history.

#include "models/fhs.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "host/common/error.hpp"

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

}  // namespace
}  // namespace levrisk
