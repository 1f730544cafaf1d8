#include "models/calibration/calibration.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "common/error.hpp"
#include "models/calibration/synthetic_history.hpp"
#include "tests/models/calibration/test_files.hpp"

namespace levrisk::calibration {
namespace {

using testing::expect_error;
using testing::write_test_file;

std::vector<price_series> to_series(const synthetic_history& h,
                                    const synthetic_history_options& o) {
  std::vector<price_series> out;
  for (std::size_t a = 0; a < o.assets.size(); ++a) {
    price_series s;
    s.asset = o.assets[a].id;
    s.source = "synthetic";
    for (std::size_t i = 0; i < h.time_ms.size(); ++i) {
      if (std::isnan(h.price_usd[a][i])) {
        ++s.missing_values;
        continue;
      }
      s.time_ms.push_back(h.time_ms[i]);
      s.price_usd.push_back(h.price_usd[a][i]);
      s.line.push_back(static_cast<int>(i) + 2);
    }
    out.push_back(std::move(s));
  }
  return out;
}

TEST(ParseFrequency, AcceptsCountAndUnit) {
  EXPECT_EQ(parse_frequency("1h", "--frequency"), 3'600'000);
  EXPECT_EQ(parse_frequency("1d", "--frequency"), 86'400'000);
  EXPECT_EQ(parse_frequency("15m", "--frequency"), 900'000);
  EXPECT_EQ(format_frequency(3'600'000), "1h");
  expect_error<input_error>(
      [] { parse_frequency("hourly", "--frequency"); },
      "--frequency: expected a count and a unit (s, m, h, d) such as 1h or 1d, "
      "got 'hourly'");
}

TEST(Calibrate, UnknownAssetIsAnError) {
  const std::string path = write_test_file("wide.csv", "timestamp,BTC,ETH\n2024-01-01,1,2\n");
  calibration_options options;
  options.assets = {"BTC", "SOL"};
  expect_error<input_error>(
      [&] {
        calibrate(load_price_history({{path, ""}}), {path}, options);
      },
      "--assets: unknown asset 'SOL'; the history has BTC, ETH");
}

// A repeated asset would give a model file with a repeated key, which run refuses.
TEST(Calibrate, AnAssetListedTwiceIsAnError) {
  const std::string path = write_test_file("wide.csv", "timestamp,BTC,ETH\n2024-01-01,1,2\n");
  calibration_options options;
  options.assets = {"BTC", "ETH", "BTC"};
  expect_error<input_error>(
      [&] {
        calibrate(load_price_history({{path, ""}}), {path}, options);
      },
      "calibrate: --assets lists 'BTC' more than once");
}

TEST(Calibrate, TooShortAHistoryIsAnError) {
  std::ostringstream text;
  text << "timestamp,BTC\n";
  for (int day = 0; day < 60; ++day)
    text << 1704067200 + day * 86400 << "," << 100 + day % 7 << "\n";
  const std::string path = write_test_file("short.csv", text.str());
  expect_error<input_error>(
      [&] {
        calibrate(load_price_history({{path, ""}}), {path}, {});
      },
      path +
          ": asset 'BTC' at frequency 1d: 59 returns (prices on lines 2 to 61); GARCH needs at "
          "least 100");
}

// 150 days of `BTC` prices from `price_of(day)`, a wide file starting with `prefix`.
template <typename PriceOf>
std::string daily_history(const std::string& prefix, PriceOf price_of) {
  std::ostringstream text;
  text << prefix << "timestamp,BTC\n";
  for (int day = 0; day < 150; ++day) {
    text << 1704067200 + day * 86400 << "," << price_of(day) << "\n";
  }
  return text.str();
}

double wavy_price(int day) {
  return 100.0 + day % 7 + (day % 3) * 0.5;
}

TEST(Calibrate, AHistoryWithAByteOrderMarkGivesTheSameFit) {
  const std::string plain = write_test_file("plain.csv", daily_history("", wavy_price));
  const std::string marked =
      write_test_file("marked.csv", daily_history("\xEF\xBB\xBF", wavy_price));
  const calibration_result a = calibrate(load_price_history({{plain, ""}}), {plain}, {});
  const calibration_result b = calibrate(load_price_history({{marked, ""}}), {marked}, {});
  ASSERT_EQ(b.assets.size(), 1u);
  EXPECT_EQ(b.assets[0].id, "BTC");
  EXPECT_EQ(b.assets[0].n_returns, a.assets[0].n_returns);
  EXPECT_EQ(b.assets[0].vol_annual, a.assets[0].vol_annual);
  EXPECT_EQ(b.assets[0].garch.omega, a.assets[0].garch.omega);
  EXPECT_EQ(b.assets[0].garch.alpha, a.assets[0].garch.alpha);
  EXPECT_EQ(b.assets[0].garch.beta, a.assets[0].garch.beta);
  EXPECT_EQ(b.assets[0].garch.nu, a.assets[0].garch.nu);
}

TEST(Calibrate, AConstantPriceNamesTheFileAssetAndFrequency) {
  const std::string path = write_test_file("flat.csv", daily_history("", [](int) { return 100; }));
  expect_error<input_error>(
      [&] {
        calibrate(load_price_history({{path, ""}}), {path}, {});
      },
      path + ": asset 'BTC' at frequency 1d: GARCH: the returns are all zero (a constant price)");
}

// A bad setting is blamed on its flag, not on the first asset fitted.
TEST(Calibrate, AShortJumpWindowNamesTheFlag) {
  const std::string path = write_test_file("wavy.csv", daily_history("", wavy_price));
  calibration_options options;
  options.jumps.window = 3;
  expect_error<input_error>(
      [&] {
        calibrate(load_price_history({{path, ""}}), {path}, options);
      },
      "--jump-window: must be >= 5 returns, got 3");
}

TEST(Calibrate, HistoriesWithoutCommonIntervalsNameAssetsAndFiles) {
  std::ostringstream late;
  late << "timestamp,ETH\n";
  for (int day = 0; day < 150; ++day) {
    late << 1704067200 + (day + 200) * 86400 << "," << wavy_price(day) << "\n";
  }
  const std::string btc = write_test_file("btc.csv", daily_history("", wavy_price));
  const std::string eth = write_test_file("eth.csv", late.str());
  expect_error<input_error>(
      [&] {
        calibrate(load_price_history({{btc, ""}, {eth, ""}}), {btc, eth}, {});
      },
      "calibrate: the histories of BTC (" + btc + "), ETH (" + eth +
          ") share only 0 returns at frequency 1d (intervals where every asset has a price); "
          "the correlation needs more");
}

TEST(Calibrate, AnImpossiblePriceIsAnErrorNamingTheRow) {
  const std::string path = write_test_file(
      "typo.csv", daily_history("", [](int day) { return day == 40 ? 1e308 : wavy_price(day); }));
  // Day 40 is on line 42 (header on line 1); day 39's price is 100 + 4 + 0.
  expect_error<input_error>(
      [&] {
        calibrate(load_price_history({{path, ""}}), {path}, {});
      },
      path +
          ":42: asset 'BTC': price 1e+308 after 104 on line 41 is a log return of 704.6, a move "
          "by a factor of more than 1000 that no market makes between two rows; a mistyped "
          "price?");
}

TEST(Calibrate, AnOutlierIsAWarningListingItsRows) {
  const std::string path = write_test_file(
      "spike.csv", daily_history("", [](int day) { return day == 40 ? 1000.0 : wavy_price(day); }));
  const calibration_result r = calibrate(load_price_history({{path, ""}}), {path}, {});
  // The first warning; the GARCH fit of this toy series adds others.
  ASSERT_FALSE(r.assets[0].warnings.empty());
  const std::string& warning = r.assets[0].warnings[0];
  EXPECT_EQ(warning.rfind("2 return(s) between consecutive rows beyond 10 robust sigmas", 0), 0u)
      << warning;
  // Days 39 and 41 cost 104 and 107: log(1000 / 104) = 2.263 and log(107 / 1000) = -2.235,
  // both beyond log 8 = 2.079.
  EXPECT_NE(warning.find("error in " + path + ": line 42 (log return 2.263 from line 41"),
            std::string::npos)
      << warning;
  EXPECT_NE(warning.find("line 43 (log return -2.235 from line 42"), std::string::npos) << warning;
  std::ostringstream report;
  print_calibration_report(report, r);
  EXPECT_NE(report.str().find("BTC: 2 return(s)"), std::string::npos);
}

TEST(Calibrate, RecoversTheSyntheticHourlyHistory) {
  const synthetic_history_options o = synthetic_hourly_options();
  const std::string path = LEVRISK_SOURCE_DIR "/data/history/synthetic_hourly.csv";
  calibration_options options;
  options.period_ms = 3'600'000;
  const calibration_result r = calibrate(load_price_history({{path, ""}}), {path}, options);
  ASSERT_EQ(r.assets.size(), 3u);
  EXPECT_NEAR(r.lambda, std::pow(0.94, 1.0 / 24.0), 1e-15);
  for (std::size_t a = 0; a < 3; ++a) {
    const asset_calibration& fit = r.assets[a];
    EXPECT_GT(fit.missing_values, 0) << fit.id;  // 0.1% of prices are blank
    EXPECT_EQ(fit.missing_values, fit.coverage.empty_intervals) << fit.id;
    EXPECT_EQ(fit.n_returns + fit.dropped_returns + fit.coverage.empty_intervals, o.periods)
        << fit.id;
    EXPECT_TRUE(fit.garch.stationary) << fit.id;
    // Jumps (not in the GARCH) lower nu and alpha: a band, not a 3-SE test.
    const double persistence = o.assets[a].alpha + o.assets[a].beta;
    EXPECT_NEAR(fit.garch.alpha + fit.garch.beta, persistence, 0.02) << fit.id;
    EXPECT_GT(fit.garch.nu, 3.0) << fit.id;
    EXPECT_LT(fit.garch.nu, 7.0) << fit.id;
    EXPECT_GT(fit.ljung_box.p_value, 0.001) << fit.id;
  }
  // The simulated systemic jumps (3 a year) are found; the multivariate-t innovations'
  // common mixing variable also moves all assets by > 4 sigma together at times, and
  // the detector counts those too (docs/calibration.md), so only a lower bound holds.
  const synthetic_history truth = simulate_history(o);
  int simulated = 0;
  for (const char s : truth.systemic) simulated += s;
  EXPECT_GE(r.systemic.events, simulated * 8 / 10);
  // Correlation of the innovations (0.8, 0.7, 0.72), lowered by the idiosyncratic
  // jumps, which inflate one asset's fitted GARCH variance for days after each: a band.
  EXPECT_NEAR(r.correlation.matrix[1], 0.8, 0.1);
  EXPECT_NEAR(r.correlation.matrix[2], 0.7, 0.1);
  EXPECT_NEAR(r.correlation.matrix[5], 0.72, 0.1);
  EXPECT_GT(r.joint_dropped, 0);
  std::ostringstream report;
  print_calibration_report(report, r);
  EXPECT_NE(report.str().find("systemic jumps"), std::string::npos);
  // The two kinds of return not used, named apart.
  EXPECT_NE(report.str().find(" gap_drop \n"), std::string::npos);
  EXPECT_NE(report.str().find("joint returns: " + std::to_string(r.joint_returns) + " used, " +
                              std::to_string(r.joint_dropped) +
                              " left out: some asset has no price at one end\n"),
            std::string::npos);
  EXPECT_EQ(report.str().find("dropped"), std::string::npos);
}

// Ten assets, five years hourly (43,800 returns each): the target is < 10 s on the
// two-core development machine; asserted loosely (a shared machine), measured and printed.
TEST(Calibrate, TenAssetsFiveYearsHourlyPerformance) {
  synthetic_history_options o = synthetic_hourly_options();
  const std::vector<synthetic_asset> base = o.assets;
  o.assets.clear();
  for (int i = 0; i < 10; ++i) {
    synthetic_asset a = base[static_cast<std::size_t>(i % 3)];
    a.id = "A" + std::to_string(i);
    o.assets.push_back(a);
  }
  o.correlation.assign(100, 0.5);
  for (int i = 0; i < 10; ++i) o.correlation[static_cast<std::size_t>(i * 11)] = 1.0;
  const std::vector<price_series> history = to_series(simulate_history(o), o);
  calibration_options options;
  options.period_ms = 3'600'000;
  const auto start = std::chrono::steady_clock::now();
  const calibration_result r = calibrate(history, {"synthetic"}, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "calibration of 10 assets x " << r.assets[0].n_returns
            << " hourly returns: " << seconds << " s\n";
  EXPECT_EQ(r.assets.size(), 10u);
  EXPECT_LT(seconds, 60.0);
}

// Optional checks on the real Binance daily files (skipped when ../shared/data is absent).
calibration_result calibrate_real_daily(const std::string& symbol) {
  const std::string path =
      testing::shared_data_dir() + "/prices/daily/Binance_" + symbol + "USDT_d.csv";
  if (!std::filesystem::exists(path)) return {};
  return calibrate(load_price_history({{path, ""}}), {path}, {});
}

void print_fit(const asset_calibration& a) {
  const garch_fit& g = a.garch;
  std::cout << a.id << " daily " << a.n_returns << " returns: omega " << g.omega << " ("
            << g.omega_se << ") alpha " << g.alpha << " (" << g.alpha_se << ") beta " << g.beta
            << " (" << g.beta_se << ") nu " << g.nu << " (" << g.nu_se << ") alpha+beta "
            << g.alpha + g.beta << " EWMA vol " << a.vol_annual << " LL " << g.log_likelihood
            << " LB p " << a.ljung_box.p_value << "\n";
}

TEST(CalibrateRealData, BtcDailyIsPersistentAndHeavyTailed) {
  const calibration_result r = calibrate_real_daily("BTC");
  if (r.assets.empty()) GTEST_SKIP() << "no " << testing::shared_data_dir();
  const asset_calibration& btc = r.assets[0];
  print_fit(btc);
  // The brief expects alpha + beta in [0.85, 1); over the full 2017-2026 history the
  // likelihood rises all the way to the integrated boundary (docs/calibration.md), so
  // the fit is flagged non-stationary instead.
  EXPECT_GE(btc.garch.alpha + btc.garch.beta, 0.85);
  EXPECT_LE(btc.garch.alpha + btc.garch.beta, 1.0);
  EXPECT_EQ(btc.garch.stationary, btc.garch.alpha + btc.garch.beta < 0.999);
  EXPECT_LT(btc.garch.nu, 10.0);
  EXPECT_GT(btc.vol_annual, 0.1);
  EXPECT_LT(btc.vol_annual, 2.0);
}

TEST(CalibrateRealData, EthDailyIsPersistentAndHeavyTailed) {
  const calibration_result r = calibrate_real_daily("ETH");
  if (r.assets.empty()) GTEST_SKIP() << "no " << testing::shared_data_dir();
  const asset_calibration& eth = r.assets[0];
  print_fit(eth);
  EXPECT_GE(eth.garch.alpha + eth.garch.beta, 0.85);
  EXPECT_LT(eth.garch.alpha + eth.garch.beta, 1.0);
  EXPECT_LT(eth.garch.nu, 10.0);
}

TEST(CalibrateRealData, HourlyAndAaveFilesLoadAsTheyAre) {
  const std::string dir = testing::shared_data_dir() + "/prices";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no " << dir;
  const std::vector<price_series> history = load_price_history(
      {{dir + "/hourly/Binance_BTCUSDT_1h.csv", ""}, {dir + "/aave-hourly/WETH_usd.csv", "ETH"}},
      duplicate_policy::keep_first);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].asset, "BTC");
  EXPECT_TRUE(history[0].newest_first);
  EXPECT_GT(history[0].time_ms.size(), 30000u);
  EXPECT_GT(history[0].conflicting_duplicates, 0);  // the 2020-11-20 format switch
  EXPECT_EQ(history[1].asset, "ETH");
  calibration_options options;
  options.period_ms = 3'600'000;
  const calibration_result r = calibrate(history, {"hourly BTC", "aave WETH"}, options);
  EXPECT_GT(r.joint_returns, 1000);
  // Aave's oracle prices update on deviation thresholds, not on the hour: the hourly
  // correlation with Binance BTC is positive but far below the daily one.
  EXPECT_GT(r.correlation.matrix[1], 0.0);
}

}  // namespace
}  // namespace levrisk::calibration
