#include "models/calibration/outliers.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "tests/models/calibration/test_files.hpp"

namespace levrisk::calibration {
namespace {

using testing::expect_error;

// Prices 100 x exp(cumulative sum of `log_returns`), on lines 2, 3, ...
price_series series_of(const std::vector<double>& log_returns) {
  price_series s;
  s.asset = "BTC";
  s.source = "h.csv";
  double log_price = std::log(100.0);
  for (std::size_t i = 0; i <= log_returns.size(); ++i) {
    if (i > 0) log_price += log_returns[i - 1];
    s.time_ms.push_back(static_cast<std::int64_t>(i) * 86'400'000);
    s.price_usd.push_back(std::exp(log_price));
    s.line.push_back(static_cast<int>(i) + 2);
  }
  return s;
}

// +-0.01 alternating: median 0, MAD 0.01, robust sigma 1.4826 x 0.01.
std::vector<double> calm(std::size_t n) {
  std::vector<double> r(n);
  for (std::size_t i = 0; i < n; ++i) r[i] = i % 2 == 0 ? 0.01 : -0.01;
  return r;
}

TEST(ScanOutliers, RobustScaleOfAlternatingReturns) {
  const outlier_scan scan = scan_outliers(series_of(calm(40)));
  EXPECT_EQ(scan.returns, 40);
  EXPECT_NEAR(scan.median, 0.0, 1e-12);
  EXPECT_NEAR(scan.robust_sigma, 1.482602218505602 * 0.01, 1e-12);
  EXPECT_NEAR(scan.largest_robust_z, 1.0 / 1.482602218505602, 1e-9);
  EXPECT_TRUE(scan.flagged.empty());
}

// A spike and its reversal, a factor 9 each way (log 9 = 2.197 > log 8): both
// flagged, z = log 9 / (1.4826 x 0.01) = 148.2. The two extra returns are
// symmetric, so the median and the MAD stay 0 and 0.01.
TEST(ScanOutliers, FlagsASpikeBeyondBothBounds) {
  std::vector<double> r = calm(40);
  r[10] = std::log(9.0);
  r[11] = -std::log(9.0);
  r[20] = 0.01;  // keeps the counts of +0.01 and -0.01 equal
  r[21] = -0.01;
  const price_series series = series_of(r);
  const outlier_scan scan = scan_outliers(series);
  ASSERT_EQ(scan.flagged.size(), 2u);
  EXPECT_EQ(scan.flagged[0].line, 13);  // return 10 ends at observation 11, line 13
  EXPECT_EQ(scan.flagged[0].previous_line, 12);
  EXPECT_NEAR(scan.flagged[0].log_return, std::log(9.0), 1e-12);
  EXPECT_NEAR(scan.flagged[0].robust_z, std::log(9.0) / (1.482602218505602 * 0.01), 1e-6);
  EXPECT_EQ(scan.flagged[1].line, 14);
  EXPECT_EQ(
      outlier_warning(series, scan),
      "2 return(s) between consecutive rows beyond 10 robust sigmas (1.4826 MAD = 0.0148) "
      "and a factor 8, a possible data error in h.csv: line 13 (log return 2.197 from line 12, z "
      "148.2), line 14 (log return -2.197 from line 13, z 148.2)");
}

// A factor 7 is 131 robust sigmas here, but below the absolute floor (log 8):
// a stablecoin's or a calm asset's big day is not called a data error.
TEST(ScanOutliers, ALargeZBelowTheFloorIsNotFlagged) {
  std::vector<double> r = calm(40);
  r[10] = std::log(7.0);
  r[11] = -std::log(7.0);
  const price_series series = series_of(r);
  const outlier_scan scan = scan_outliers(series);
  EXPECT_TRUE(scan.flagged.empty());
  EXPECT_GT(scan.largest_robust_z, 100.0);
  EXPECT_EQ(outlier_warning(series, scan), "");
}

TEST(ScanOutliers, AMoveByMoreThanAThousandfoldIsAnError) {
  price_series s = series_of(calm(10));
  s.price_usd[5] = 1e308;
  // Line 7 holds observation 5; observation 4 is 100 x exp(0.01 - 0.01 + 0.01 - 0.01) = 100.
  expect_error<input_error>(
      [&] { scan_outliers(s); },
      "h.csv:7: asset 'BTC': price 1e+308 after 100 on line 6 is a log return of 704.6, a move "
      "by a factor of more than 1000 that no market makes between two rows; a mistyped price?");
}

TEST(ScanOutliers, ATinyOrAnOverflowingPriceIsAnError) {
  price_series s = series_of(calm(10));
  s.price_usd[3] = 1e-300;
  expect_error<input_error>(
      [&] { scan_outliers(s); },
      "h.csv:5: asset 'BTC': price 1e-300 after 100 on line 4 is a log return of -695.4, a "
      "move by a factor of more than 1000 that no market makes between two rows; a mistyped "
      "price?");
  // 1e300 / 1e-310 overflows to inf.
  price_series u = series_of(calm(2));
  u.price_usd = {1e-310, 1e300, 1e300};
  expect_error<input_error>([&] { scan_outliers(u); },
                            "h.csv:3: asset 'BTC': price 1e+300 after 1e-310 on line 2 gives a "
                            "log return that is not finite; a mistyped price?");
}

// The bounds against the real histories (docs/calibration.md, "Outliers"): no
// return is an error; the one pair flagged is UST's 2022-03-25 glitch in the Aave
// prices (0.9999 -> 0.0945 -> 0.9994 within three hours). Skipped when the real
// histories are absent.
TEST(ScanOutliers, RealHistoriesFlagOnlyTheUstGlitch) {
  const std::filesystem::path dir = testing::shared_data_dir() + "/prices";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no " << dir;
  int files = 0;
  for (const auto& folder : std::filesystem::directory_iterator(dir)) {
    for (const auto& file : std::filesystem::directory_iterator(folder.path())) {
      if (file.path().extension() != ".csv") continue;
      ++files;
      for (const price_series& series :
           load_price_file({file.path().string(), ""}, duplicate_policy::keep_first)) {
        const outlier_scan scan = scan_outliers(series);
        std::cout << series.asset << " (" << file.path().filename().string()
                  << "): largest robust z " << scan.largest_robust_z << "\n";
        if (series.asset == "UST") {
          ASSERT_EQ(scan.flagged.size(), 2u);
          EXPECT_NEAR(scan.flagged[0].log_return, std::log(0.0945021418464386 / 0.9999883329649508),
                      1e-12);
        } else {
          EXPECT_TRUE(scan.flagged.empty())
              << series.asset << ": " << outlier_warning(series, scan);
        }
      }
    }
  }
  EXPECT_EQ(files, 19);
}

}  // namespace
}  // namespace levrisk::calibration
