// run_config: the nightly configuration as written, the to_toml round trip, and
// one test per kind of bad input, each checking that the message names the file
// and the key (or, for a TOML syntax error, the line) and what is wrong.

#include "host/config/run_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <sstream>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "common/error.hpp"
#include "host/config/integer_text.hpp"
#include "host/engine/oracle_setup.hpp"
#include "host/engine/snapshot_model.hpp"
#include "host/snapshot/snapshot.hpp"

namespace levrisk {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path source_dir = LEVRISK_SOURCE_DIR;

// Unique per process and test: other people run the same tests on the same machine.
fs::path fresh_test_directory() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const fs::path directory =
      fs::path(::testing::TempDir()) / ("levrisk_config_" + std::to_string(::getpid()) + "_" +
                                        info->test_suite_name() + "_" + info->name());
  fs::remove_all(directory);
  fs::create_directories(directory);
  return directory;
}

// Valid and small: two assets, every section present. Bad-input tests change one thing.
const std::string run_section =
    "[run]\n"
    "snapshot = \"snap\"\n"
    "paths = 1000\n"
    "steps = 10\n";
const std::string model_section =
    "[model]\n"
    "type = \"gbm\"\n"
    "[model.assets.ETH]\n"
    "drift_annual = 0.0\n"
    "vol_annual = 0.7\n"
    "[model.assets.USDC]\n"
    "drift_annual = 0.0\n"
    "vol_annual = 0.0\n"
    "[model.correlation]\n"
    "assets = [\"ETH\", \"USDC\"]\n"
    "matrix = [[1.0, 0.0], [0.0, 1.0]]\n";

// The message of the input_error that loading `path` throws.
// ":LINE" of the first line of `text` holding `needle`: where a message must point.
std::string line_of(const std::string& text, const std::string& needle) {
  const std::size_t at = text.find(needle);
  return ":" + std::to_string(1 + std::count(text.begin(),
                                             text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

std::string load_error(const fs::path& path) {
  try {
    load_run_config(path);
  } catch (const input_error& error) {
    return error.what();
  }
  ADD_FAILURE() << "load_run_config(" << path << ") did not throw input_error";
  return {};
}

void expect_same_oracle(const oracle_asset_config& a, const oracle_asset_config& b) {
  EXPECT_EQ(a.deviation, b.deviation);
  EXPECT_EQ(a.heartbeat_seconds, b.heartbeat_seconds);
  EXPECT_EQ(a.latency_seconds, b.latency_seconds);
  ASSERT_EQ(a.feeds.has_value(), b.feeds.has_value());
  if (!a.feeds) return;
  ASSERT_EQ(a.feeds->size(), b.feeds->size());
  for (std::size_t f = 0; f < a.feeds->size(); ++f) {
    EXPECT_EQ((*a.feeds)[f].noise, (*b.feeds)[f].noise) << f;
    EXPECT_EQ((*a.feeds)[f].delay_seconds, (*b.feeds)[f].delay_seconds) << f;
  }
}

void expect_same_config(const run_config& a, const run_config& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.snapshot, b.snapshot);
  EXPECT_EQ(a.output_dir, b.output_dir);
  EXPECT_EQ(a.paths, b.paths);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.horizon_days, b.horizon_days);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.backend, b.backend);
  EXPECT_EQ(a.threads, b.threads);
  EXPECT_EQ(a.batch_paths, b.batch_paths);
  EXPECT_EQ(a.memory_budget_bytes, b.memory_budget_bytes);
  EXPECT_EQ(a.hf_min_levels, b.hf_min_levels);
  EXPECT_EQ(a.hf_sample_paths, b.hf_sample_paths);
  EXPECT_EQ(a.hf_sample_max_unit_steps, b.hf_sample_max_unit_steps);
  EXPECT_EQ(a.liquidation.execute, b.liquidation.execute);
  EXPECT_EQ(a.liquidation.keeper_delay_steps, b.liquidation.keeper_delay_steps);
  EXPECT_EQ(a.liquidation.impact_exponent, b.liquidation.impact_exponent);
  EXPECT_EQ(a.liquidation.max_rounds_per_step, b.liquidation.max_rounds_per_step);
  EXPECT_EQ(a.liquidation.path_totals_max_paths, b.liquidation.path_totals_max_paths);
  EXPECT_EQ(a.oracle.enabled, b.oracle.enabled);
  expect_same_oracle(a.oracle.defaults, b.oracle.defaults);
  ASSERT_EQ(a.oracle.assets.size(), b.oracle.assets.size());
  for (auto i = a.oracle.assets.begin(), j = b.oracle.assets.begin(); i != a.oracle.assets.end();
       ++i, ++j) {
    EXPECT_EQ(i->first, j->first);
    expect_same_oracle(i->second, j->second);
  }
  ASSERT_EQ(a.oracle.venues.size(), b.oracle.venues.size());
  for (auto i = a.oracle.venues.begin(), j = b.oracle.venues.begin(); i != a.oracle.venues.end();
       ++i, ++j) {
    EXPECT_EQ(i->first, j->first);
    expect_same_oracle(i->second.defaults, j->second.defaults);
    ASSERT_EQ(i->second.assets.size(), j->second.assets.size()) << i->first;
    for (auto k = i->second.assets.begin(), l = j->second.assets.begin();
         k != i->second.assets.end(); ++k, ++l) {
      EXPECT_EQ(k->first, l->first) << i->first;
      expect_same_oracle(k->second, l->second);
    }
  }
  EXPECT_EQ(a.cascade.permanent_impact_share, b.cascade.permanent_impact_share);
  EXPECT_EQ(a.cascade.max_rounds, b.cascade.max_rounds);
  EXPECT_EQ(a.cascade.amplification, b.cascade.amplification);
  EXPECT_EQ(a.cascade.amplification_paths, b.cascade.amplification_paths);
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.gbm.asset_ids, b.gbm.asset_ids);
  ASSERT_EQ(a.gbm.assets.size(), b.gbm.assets.size());
  for (std::size_t k = 0; k < a.gbm.assets.size(); ++k) {
    EXPECT_EQ(a.gbm.assets[k].drift_annual, b.gbm.assets[k].drift_annual) << k;
    EXPECT_EQ(a.gbm.assets[k].vol_annual, b.gbm.assets[k].vol_annual) << k;
  }
  EXPECT_EQ(a.gbm.correlation, b.gbm.correlation);
  EXPECT_EQ(a.gbm.repair_correlation, b.gbm.repair_correlation);
}

// A fresh directory per test, removed afterwards unless the test failed.
class RunConfig : public ::testing::Test {
 protected:
  void SetUp() override { dir = fresh_test_directory(); }
  void TearDown() override {
    std::error_code ignored;
    if (!HasFailure()) fs::remove_all(dir, ignored);
  }
  fs::path write_config(const std::string& text) const {
    const fs::path path = dir / "run.toml";
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
    return path;
  }
  fs::path dir;
};

TEST_F(RunConfig, NightlyLoadsAsWritten) {
  const fs::path path = source_dir / "configs" / "nightly.toml";
  const run_config c = load_run_config(path);
  EXPECT_EQ(c.source, path.string());
  EXPECT_EQ(c.name, "nightly");
  // Relative paths resolve against configs/, whatever the working directory.
  EXPECT_TRUE(c.snapshot.is_absolute());
  EXPECT_EQ(c.snapshot, (source_dir / "data" / "sample").lexically_normal());
  EXPECT_EQ(c.output_dir, (source_dir / "results").lexically_normal());
  EXPECT_EQ(c.paths, 100000);
  EXPECT_EQ(c.steps, 288);
  EXPECT_EQ(c.horizon_days, 1.0);
  EXPECT_EQ(c.seed, 20261124u);
  EXPECT_EQ(c.backend, "auto");
  EXPECT_EQ(c.threads, 0);
  EXPECT_EQ(c.batch_paths, 0);
  EXPECT_EQ(c.hf_min_levels, (std::vector<double>{0.01, 0.05, 0.25, 0.5}));
  EXPECT_EQ(c.hf_sample_paths, 2048);
  EXPECT_TRUE(c.liquidation.execute);
  EXPECT_EQ(c.liquidation.keeper_delay_steps, 0);
  EXPECT_EQ(c.liquidation.impact_exponent, 0.5);
  EXPECT_EQ(c.liquidation.max_rounds_per_step, 16);
  EXPECT_EQ(c.liquidation.path_totals_max_paths, 1000000);
  EXPECT_EQ(c.model, "gbm");
  EXPECT_FALSE(c.gbm.repair_correlation);
  const std::vector<std::string> ids{"BTC",  "ETH",  "SOL",  "stETH", "AVAX",
                                     "LINK", "DOGE", "USDC", "USDT",  "DAI"};
  EXPECT_EQ(c.gbm.asset_ids, ids);
  const double vol_annual[] = {0.55, 0.7, 0.95, 0.7, 1.0, 0.9, 1.1, 0.0, 0.0, 0.0};
  ASSERT_EQ(c.gbm.assets.size(), ids.size());
  for (std::size_t k = 0; k < ids.size(); ++k) {
    EXPECT_EQ(c.gbm.assets[k].drift_annual, 0.0) << ids[k];
    EXPECT_EQ(c.gbm.assets[k].vol_annual, vol_annual[k]) << ids[k];
  }
  ASSERT_EQ(c.gbm.correlation.size(), 100u);
  EXPECT_EQ(c.gbm.correlation[0 * 10 + 1], 0.7920);  // BTC-ETH
  EXPECT_EQ(c.gbm.correlation[1 * 10 + 3], 0.9860);  // ETH-stETH
  EXPECT_EQ(c.gbm.correlation[6 * 10 + 4], 0.6120);  // DOGE-AVAX
  EXPECT_EQ(c.gbm.correlation[9 * 10 + 9], 1.0);     // DAI
  EXPECT_EQ(c.gbm.correlation[7 * 10 + 0], 0.0);     // USDC-BTC
  EXPECT_DOUBLE_EQ(c.dt_years(), 1.0 / 365.0 / 288.0);
  EXPECT_EQ(c.output_file(), (source_dir / "results" / "nightly.h5").lexically_normal());
}

TEST_F(RunConfig, DefaultsApplyToKeysTheFileLeavesOut) {
  const run_config c = load_run_config(write_config(run_section + model_section));
  const run_config defaults;
  EXPECT_EQ(c.name, defaults.name);
  EXPECT_EQ(c.horizon_days, defaults.horizon_days);
  EXPECT_EQ(c.seed, defaults.seed);
  EXPECT_EQ(c.backend, defaults.backend);
  EXPECT_EQ(c.hf_min_levels, defaults.hf_min_levels);
  EXPECT_EQ(c.hf_sample_paths, defaults.hf_sample_paths);
  EXPECT_TRUE(c.liquidation.execute);
  EXPECT_EQ(c.liquidation.keeper_delay_steps, 0);
  EXPECT_EQ(c.liquidation.impact_exponent, 0.5);
  EXPECT_EQ(c.liquidation.max_rounds_per_step, 16);
  EXPECT_EQ(c.liquidation.path_totals_max_paths, 1000000);
  // Chainlink ETH/USD on Ethereum (data.chain.link): 0.5% and one hour; off.
  EXPECT_FALSE(c.oracle.enabled);
  EXPECT_EQ(c.oracle.defaults.deviation, 0.005);
  EXPECT_EQ(c.oracle.defaults.heartbeat_seconds, 3600.0);
  EXPECT_EQ(c.oracle.defaults.latency_seconds, 0.0);
  EXPECT_FALSE(c.oracle.defaults.feeds.has_value());
  EXPECT_TRUE(c.oracle.assets.empty());
  EXPECT_EQ(c.cascade.permanent_impact_share, 0.0);
  EXPECT_EQ(c.cascade.max_rounds, 32);
  EXPECT_TRUE(c.cascade.amplification);
  EXPECT_EQ(c.cascade.amplification_paths, 10000);
}

// Each key of an asset's table replaces the default's; the others, feeds
// included, are the defaults'.
TEST_F(RunConfig, OracleSectionLoadsWithPerAssetOverrides) {
  const run_config c = load_run_config(write_config(
      run_section +
      "[oracle]\nenabled = true\ndeviation = 0.01\nheartbeat_seconds = 86400\n"
      "latency_seconds = 2\nfeeds = [{ noise = 0.001, delay_seconds = 12 }, { noise = 0.002 }, "
      "{}]\n"
      "[oracle.assets.ETH]\nheartbeat_seconds = 3600\n"
      "[oracle.assets.USDC]\ndeviation = 0.001\nfeeds = [{ delay_seconds = 30 }]\n"
      "[cascade]\npermanent_impact_share = 0.6667\nmax_rounds = 8\namplification = false\n"
      "amplification_paths = 0\n" +
      model_section));
  EXPECT_TRUE(c.oracle.enabled);
  const oracle_asset_config& d = c.oracle.defaults;
  EXPECT_EQ(d.deviation, 0.01);
  EXPECT_EQ(d.heartbeat_seconds, 86400.0);
  EXPECT_EQ(d.latency_seconds, 2.0);
  ASSERT_TRUE(d.feeds.has_value());
  ASSERT_EQ(d.feeds->size(), 3u);
  EXPECT_EQ((*d.feeds)[0].noise, 0.001);
  EXPECT_EQ((*d.feeds)[0].delay_seconds, 12.0);
  EXPECT_EQ((*d.feeds)[1].noise, 0.002);
  EXPECT_EQ((*d.feeds)[1].delay_seconds, 0.0);
  EXPECT_EQ((*d.feeds)[2].noise, 0.0);
  ASSERT_EQ(c.oracle.assets.size(), 2u);
  const oracle_asset_config& eth = c.oracle.assets.at("ETH");
  EXPECT_EQ(eth.deviation, 0.01);
  EXPECT_EQ(eth.heartbeat_seconds, 3600.0);
  EXPECT_EQ(eth.latency_seconds, 2.0);
  ASSERT_TRUE(eth.feeds.has_value());
  EXPECT_EQ(eth.feeds->size(), 3u);
  const oracle_asset_config& usdc = c.oracle.assets.at("USDC");
  EXPECT_EQ(usdc.deviation, 0.001);
  EXPECT_EQ(usdc.heartbeat_seconds, 86400.0);
  ASSERT_TRUE(usdc.feeds.has_value());
  ASSERT_EQ(usdc.feeds->size(), 1u);
  EXPECT_EQ((*usdc.feeds)[0].delay_seconds, 30.0);
  EXPECT_EQ(d.table, "[oracle]");
  EXPECT_EQ(eth.table, "[oracle.assets.ETH]");
  EXPECT_TRUE(c.oracle.venues.empty());
  EXPECT_EQ(c.cascade.permanent_impact_share, 0.6667);
  EXPECT_EQ(c.cascade.max_rounds, 8);
  EXPECT_FALSE(c.cascade.amplification);
  EXPECT_EQ(c.cascade.amplification_paths, 0);
}

// A key set in each of the four tables, written most specific first: the rule
// lays [oracle], [oracle.assets.X], [oracle.venues.V], [oracle.venues.V.assets.X]
// in that order all the same.
TEST_F(RunConfig, OracleVenueTablesLayOverTheDefaultOracleInOrder) {
  const std::string text = run_section +
                           "[oracle.venues.spark.assets.ETH]\ndeviation = 0.04\n"
                           "[oracle.venues.spark]\nheartbeat_seconds = 900\nlatency_seconds = 60\n"
                           "[oracle.assets.ETH]\ndeviation = 0.02\nheartbeat_seconds = 1800\n"
                           "latency_seconds = 5\nfeeds = [{ delay_seconds = 12 }]\n"
                           "[oracle.assets.BTC]\ndeviation = 0.03\n"
                           "[oracle]\nenabled = true\ndeviation = 0.01\nheartbeat_seconds = 86400\n"
                           "latency_seconds = 2\nfeeds = [{ noise = 0.001 }]\n"
                           "[oracle.venues.aave]\n"
                           "[oracle.venues.aave.assets.USDC]\nlatency_seconds = 30\n" +
                           model_section;
  const run_config c = load_run_config(write_config(text));
  const auto where = [&](const std::string& table) {
    return c.source + line_of(text, table + "\n");
  };
  const auto expect_rule = [&](const oracle_asset_config& rule, double deviation, double heartbeat,
                               double latency, double feed_delay, const std::string& table) {
    EXPECT_EQ(rule.deviation, deviation) << table;
    EXPECT_EQ(rule.heartbeat_seconds, heartbeat) << table;
    EXPECT_EQ(rule.latency_seconds, latency) << table;
    ASSERT_TRUE(rule.feeds.has_value()) << table;
    ASSERT_EQ(rule.feeds->size(), 1u) << table;
    EXPECT_EQ((*rule.feeds)[0].delay_seconds, feed_delay) << table;
    EXPECT_EQ(rule.table, table);
    EXPECT_EQ(rule.where, where(table));
  };
  // The default oracle knows no venue.
  expect_rule(c.oracle.defaults, 0.01, 86400.0, 2.0, 0.0, "[oracle]");
  ASSERT_EQ(c.oracle.assets.size(), 2u);
  expect_rule(c.oracle.assets.at("ETH"), 0.02, 1800.0, 5.0, 12.0, "[oracle.assets.ETH]");
  expect_rule(c.oracle.assets.at("BTC"), 0.03, 86400.0, 2.0, 0.0, "[oracle.assets.BTC]");

  ASSERT_EQ(c.oracle.venues.size(), 2u);
  const oracle_venue_config& spark = c.oracle.venues.at("spark");
  EXPECT_EQ(spark.where, where("[oracle.venues.spark]"));
  expect_rule(spark.defaults, 0.01, 900.0, 60.0, 0.0, "[oracle.venues.spark]");
  ASSERT_EQ(spark.assets.size(), 2u);
  // Each table wins a key: the venue's asset, the venue, the asset, [oracle].
  expect_rule(spark.assets.at("ETH"), 0.04, 900.0, 60.0, 12.0, "[oracle.venues.spark.assets.ETH]");
  // Named only by [oracle.assets.BTC]: the venue's keys still lie over it.
  expect_rule(spark.assets.at("BTC"), 0.03, 900.0, 60.0, 0.0, "[oracle.venues.spark]");

  // A venue table with no key of its own reads as the default oracle.
  const oracle_venue_config& aave = c.oracle.venues.at("aave");
  expect_rule(aave.defaults, 0.01, 86400.0, 2.0, 0.0, "[oracle.venues.aave]");
  ASSERT_EQ(aave.assets.size(), 3u);
  expect_rule(aave.assets.at("ETH"), 0.02, 1800.0, 5.0, 12.0, "[oracle.venues.aave]");
  expect_rule(aave.assets.at("BTC"), 0.03, 86400.0, 2.0, 0.0, "[oracle.venues.aave]");
  // Named only under the venue: [oracle], then the venue's tables.
  expect_rule(aave.assets.at("USDC"), 0.01, 86400.0, 30.0, 0.0, "[oracle.venues.aave.assets.USDC]");
  EXPECT_EQ(c.oracle.assets.count("USDC"), 0u);
}

// A venue built in code without a rule for an asset of [oracle.assets] acts on
// its defaults for it; to_toml writes that rule out, so that it still does.
TEST_F(RunConfig, ToTomlWritesTheRuleAVenueActsOnForEveryAsset) {
  run_config c = load_run_config(write_config(run_section + model_section));
  c.oracle.assets["ETH"].heartbeat_seconds = 60.0;
  c.oracle.venues["spark"].defaults.latency_seconds = 12.0;
  const fs::path path = dir / "resolved.toml";
  {
    std::ofstream file(path);
    file << to_toml(c);
  }
  const run_config back = load_run_config(path);
  const oracle_venue_config& spark = back.oracle.venues.at("spark");
  ASSERT_EQ(spark.assets.size(), 1u);
  EXPECT_EQ(spark.assets.at("ETH").heartbeat_seconds, 3600.0);
  EXPECT_EQ(spark.assets.at("ETH").latency_seconds, 12.0);
  EXPECT_EQ(spark.defaults.latency_seconds, 12.0);
}

// validate_run_config checks the oracle and cascade again, after flags and code.
TEST_F(RunConfig, OracleAndCascadeSetAfterLoadingAreChecked) {
  const run_config loaded = load_run_config(write_config(run_section + model_section));
  const auto error_of = [](const run_config& c) -> std::string {
    try {
      validate_run_config(c);
    } catch (const input_error& error) {
      return error.what();
    }
    return "accepted";
  };
  run_config c = loaded;
  c.oracle.assets["ETH"].heartbeat_seconds = 0.0;
  EXPECT_EQ(error_of(c), c.source +
                             ": [oracle.assets.ETH] heartbeat_seconds must be a finite number > "
                             "0, got 0 (a zero heartbeat: an update every step)");
  c = loaded;
  c.oracle.defaults.feeds = std::vector<oracle_feed_config>(9);
  EXPECT_EQ(error_of(c), c.source + ": [oracle] feeds lists 9 feeds, at most 8");
  c = loaded;
  c.oracle.defaults.feeds = std::vector<oracle_feed_config>{{0.0, 0.0}, {-1.0, 0.0}};
  EXPECT_EQ(error_of(c),
            c.source + ": [oracle] feeds entry 2 noise must be a finite number >= 0, got -1");
  c = loaded;
  c.oracle.venues["spark"].defaults.latency_seconds = -1.0;
  EXPECT_EQ(error_of(c), c.source +
                             ": [oracle.venues.spark] latency_seconds must be a finite number >= "
                             "0, got -1");
  c = loaded;
  c.oracle.venues["spark"].assets["ETH"].feeds = std::vector<oracle_feed_config>(9);
  EXPECT_EQ(error_of(c),
            c.source + ": [oracle.venues.spark.assets.ETH] feeds lists 9 feeds, at most 8");
  c = loaded;
  c.oracle.venues["spark"].assets["ETH"].deviation = 1.5;
  EXPECT_EQ(error_of(c), c.source +
                             ": [oracle.venues.spark.assets.ETH] deviation must be a fraction in "
                             "[0, 1) (0.005 = 0.5%), got 1.5: a threshold of 100% or more is no "
                             "threshold");
  c = loaded;
  for (const char* venue : {"a", "b", "c", "d"}) c.oracle.venues[venue];
  EXPECT_EQ(error_of(c), c.source +
                             ": [oracle.venues] lists 4 venues; at most 3 may read an oracle of "
                             "their own");
  c.oracle.venues.erase("d");
  EXPECT_EQ(error_of(c), "accepted");
  c = loaded;
  c.cascade.max_rounds = 0;
  EXPECT_EQ(error_of(c), c.source + ": [cascade] max_rounds must be in [1, 1000], got 0");
  c = loaded;
  c.cascade.amplification_paths = -1;
  EXPECT_EQ(error_of(c), c.source +
                             ": [cascade] amplification_paths must be 0 (every path) or a number "
                             "of paths, got -1");
  c = loaded;
  c.cascade.permanent_impact_share = std::nan("");
  EXPECT_EQ(error_of(c),
            c.source + ": [cascade] permanent_impact_share must be in [0, 1], got nan");
}

// Every field changed from its default, with values that print inexactly at
// the default precision (1/3, 0.1 + 0.2) and a name that needs escaping.
TEST_F(RunConfig, ToTomlRoundTripsEveryField) {
  run_config c = load_run_config(source_dir / "configs" / "nightly.toml");
  c.name = "stress \"q\\4\"";
  c.snapshot = "/tmp/some where/snapshot";
  c.output_dir = "/tmp/out dir";
  c.paths = 123457;
  c.steps = 97;
  c.horizon_days = 1.0 / 3.0;
  c.seed = (1ull << 62) + 1;
  c.backend = "cpu";
  c.threads = 3;
  c.batch_paths = 4099;
  c.memory_budget_bytes = 8589934593;
  c.hf_min_levels = {0.001, 0.1 + 0.2};
  c.hf_sample_paths = 17;
  c.liquidation.execute = false;
  c.liquidation.keeper_delay_steps = 97;  // = steps: the largest allowed
  c.liquidation.impact_exponent = 1.0 / 3.0;
  c.liquidation.max_rounds_per_step = 1000;
  c.liquidation.path_totals_max_paths = 0;
  c.oracle.enabled = true;
  c.oracle.defaults = {1.0 / 300.0, 1.0 / 3.0, 0.1 + 0.2, std::nullopt, "", ""};
  c.oracle.assets["ETH"] = {0.0, 60.0, 0.0, std::vector<oracle_feed_config>{{0.1 + 0.2, 12.0}},
                            "",  ""};
  c.oracle.assets["a b"] = {
      0.5, 1e9, 7.0, std::vector<oracle_feed_config>(8, oracle_feed_config{1.0 / 7.0, 1.0}),
      "",  ""};
  // As the loader builds them: a rule for every asset of [oracle.assets], and
  // one only the venue names.
  oracle_venue_config& spark = c.oracle.venues["spark"];
  spark.defaults = {0.25, 7.0, 1.0 / 3.0, std::nullopt, "", ""};
  spark.assets["ETH"] = {0.0, 60.0, 0.1 + 0.2, std::vector<oracle_feed_config>(1), "", ""};
  spark.assets["a b"] = {0.5, 1e9, 7.0, std::vector<oracle_feed_config>{{0.0, 1.0 / 7.0}}, "", ""};
  spark.assets["x \"y\""] = {0.125, 2.0 / 3.0, 0.0, std::nullopt, "", ""};
  oracle_venue_config& other = c.oracle.venues["a\\venue"];
  other.defaults = c.oracle.defaults;
  other.assets = c.oracle.assets;
  c.cascade.permanent_impact_share = 2.0 / 3.0;
  c.cascade.max_rounds = 1000;
  c.cascade.amplification = false;
  c.cascade.amplification_paths = 123457;
  c.gbm.repair_correlation = true;
  c.gbm.assets[0] = {0.1 + 0.2, 1.0 / 7.0};
  c.gbm.assets[2].drift_annual = -0.05;
  c.gbm.correlation[0 * 10 + 1] = c.gbm.correlation[1 * 10 + 0] = 2.0 / 3.0;

  const fs::path path = dir / "resolved.toml";
  {
    std::ofstream file(path);
    file << to_toml(c);
  }
  const run_config back = load_run_config(path);
  EXPECT_EQ(back.source, path.string());
  expect_same_config(c, back);
  EXPECT_EQ(to_toml(back), to_toml(c));
}

TEST_F(RunConfig, MissingFileIsNamed) {
  const fs::path path = dir / "absent.toml";
  EXPECT_EQ(load_error(path), path.string() + ": configuration file not found");
}

// toml11 reports the line; the loader adds the file.
TEST_F(RunConfig, InvalidTomlNamesFileAndLine) {
  const fs::path path = write_config(run_section + "horizon_days = \n" + model_section);
  const std::string message = load_error(path);
  EXPECT_THAT(message, HasSubstr(path.string() + ": not valid TOML: "));
  EXPECT_THAT(message, HasSubstr(" 5 | horizon_days"));  // line 5 of the file
}

TEST_F(RunConfig, UnknownKeyIsRefusedNotIgnored) {
  const std::string text = run_section + "pathz = 5\n" + model_section;
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path), path.string() + line_of(text, "pathz") +
                                  ": unknown key 'pathz' in [run]; did you mean 'paths'?");
}

TEST_F(RunConfig, UnknownKeyFarFromEveryKeyGetsNoSuggestion) {
  const std::string text = run_section + "colour = 5\n" + model_section;
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path),
            path.string() + line_of(text, "colour") + ": unknown key 'colour' in [run]");
}

TEST_F(RunConfig, UnknownSectionIsRefused) {
  const std::string text = run_section + model_section + "[ouput]\nx = 1\n";
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path), path.string() + line_of(text, "[ouput]") +
                                  ": unknown key 'ouput' in the top level; did you mean 'output'?");
}

TEST_F(RunConfig, MemoryBudgetAsASize) {
  const std::string text = run_section + "memory_budget = \"8GiB\"\n" + model_section;
  const fs::path path = write_config(text);
  const run_config c = load_run_config(path);
  EXPECT_EQ(c.memory_budget_bytes, 8589934592);
  EXPECT_EQ(c.memory_budget_source,
            path.string() + line_of(text, "memory_budget") + ": [run] memory_budget");
}

TEST_F(RunConfig, MemoryBudgetInBytes) {
  const fs::path path = write_config(run_section + "memory_budget = 500000000\n" + model_section);
  EXPECT_EQ(load_run_config(path).memory_budget_bytes, 500000000);
}

TEST_F(RunConfig, MemoryBudgetDefaultsToTheBackends) {
  const fs::path path = write_config(run_section + model_section);
  EXPECT_EQ(load_run_config(path).memory_budget_bytes, 0);
}

TEST_F(RunConfig, MemoryBudgetWithAnUnknownUnitIsRefused) {
  const std::string text = run_section + "memory_budget = \"8XB\"\n" + model_section;
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path), path.string() + line_of(text, "memory_budget") +
                                  ": [run] memory_budget: unknown unit 'XB' in '8XB' (B, kB, MB, "
                                  "GB, TB, KiB, MiB, GiB or TiB)");
}

TEST_F(RunConfig, MemoryBudgetThatIsNoSizeIsRefused) {
  const std::string text = run_section + "memory_budget = \"lots\"\n" + model_section;
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path), path.string() + line_of(text, "memory_budget") +
                                  ": [run] memory_budget must be a size such as 8GiB, 500MB or a "
                                  "number of bytes, got 'lots'");
}

TEST_F(RunConfig, MemoryBudgetOfTheWrongTypeIsRefused) {
  const std::string text = run_section + "memory_budget = 1.5\n" + model_section;
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path), path.string() + line_of(text, "memory_budget") +
                                  ": [run] memory_budget must be a size such as \"8GiB\" or "
                                  "\"500MB\", or a number of bytes (0: the backend's own)");
}

TEST_F(RunConfig, NegativeMemoryBudgetIsRefused) {
  const std::string text = run_section + "memory_budget = -1\n" + model_section;
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path), path.string() + line_of(text, "memory_budget") +
                                  ": [run] memory_budget must be >= 0 bytes, got -1");
}

TEST_F(RunConfig, ZeroSizedMemoryBudgetIsRefused) {
  const std::string text = run_section + "memory_budget = \"0GiB\"\n" + model_section;
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path), path.string() + line_of(text, "memory_budget") +
                                  ": [run] memory_budget must be at least 1 byte, got '0GiB'");
}

TEST_F(RunConfig, ZeroPathsIsRefused) {
  const fs::path path = write_config("[run]\nsnapshot = \"snap\"\npaths = 0\n" + model_section);
  EXPECT_EQ(load_error(path),
            path.string() + ":3: [run] paths must be in [1, 1000000000000], got 0");
}

TEST_F(RunConfig, NegativeStepsIsRefused) {
  const fs::path path = write_config("[run]\nsnapshot = \"snap\"\nsteps = -5\n" + model_section);
  EXPECT_EQ(load_error(path), path.string() + ":3: [run] steps must be in [1, 1000000], got -5");
}

// Every integer is range-checked where it is read, before it is narrowed: none
// may wrap into another value that would run (24 steps from 2^32 + 24, one
// thread from 2^32 + 1), and a literal beyond 64 bits, which toml11 would
// saturate, is refused as written.
TEST_F(RunConfig, IntegersOutOfRangeAreRefusedWhereTheyAreRead) {
  const struct {
    const char* line;
    const char* message;
  } cases[] = {
      {"steps = 4294967320", "[run] steps must be in [1, 1000000], got 4294967320"},
      {"threads = 4294967297", "[run] threads must be in [0, 1024], got 4294967297"},
      {"threads = 5000", "[run] threads must be in [0, 1024], got 5000"},
      {"paths = 9223372036854775807",
       "[run] paths must be in [1, 1000000000000], got 9223372036854775807"},
      {"paths = 99999999999999999999",
       "[run] paths = 99999999999999999999 does not fit a 64-bit integer"},
      {"seed = 9223372036854775808",
       "[run] seed = 9223372036854775808 does not fit a 64-bit integer"},
      {"batch_paths = -3", "[run] batch_paths must be in [0, 1000000000000], got -3"},
  };
  for (const auto& c : cases) {
    const std::string text =
        "[run]\nsnapshot = \"snap\"\n" + std::string(c.line) + "\n" + model_section;
    const fs::path path = write_config(text);
    EXPECT_EQ(load_error(path), path.string() + ":3: " + c.message) << c.line;
  }
}

TEST_F(RunConfig, AnAssetListedTwiceInTheCorrelationIsRefused) {
  std::string text = run_section + model_section;
  const std::string once = "assets = [\"ETH\", \"USDC\"]";
  text.replace(text.find(once), once.size(), "assets = [\"ETH\", \"ETH\"]");
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path), path.string() + line_of(text, "assets = [") +
                                  ": [model.correlation] assets lists 'ETH' more than once");
}

TEST_F(RunConfig, AnEmptyFolderIsRefused) {
  for (const char* key : {"snapshot", "output_dir"}) {
    const std::string text = "[run]\n" + std::string(key) + " = \"\"\n" + model_section;
    const fs::path path = write_config(text);
    EXPECT_EQ(load_error(path),
              path.string() + ":2: [run] " + key + " must name a folder, got \"\"")
        << key;
  }
}

TEST_F(RunConfig, TheLargestSeedAndHexIntegersAreRead) {
  const std::string text =
      run_section + "seed = 9223372036854775807\nthreads = 0x10\n" + model_section;
  const run_config c = load_run_config(write_config(text));
  EXPECT_EQ(c.seed, 9223372036854775807ull);
  EXPECT_EQ(c.threads, 16);
}

TEST_F(RunConfig, PathsOfTheWrongTypeIsRefused) {
  const fs::path path = write_config("[run]\nsnapshot = \"snap\"\npaths = 1.5\n" + model_section);
  EXPECT_EQ(load_error(path), path.string() + ":3: [run] paths must be an integer");
}

TEST_F(RunConfig, NanHorizonIsRefused) {
  const fs::path path = write_config(run_section + "horizon_days = nan\n" + model_section);
  const std::string message = load_error(path);
  EXPECT_THAT(message,
              HasSubstr(path.string() + ":5: [run] horizon_days must be a finite number > 0"));
  EXPECT_THAT(message, HasSubstr("got nan"));
}

// A --seed above the TOML integer range would be written into the result file's
// resolved configuration as a number that toml11 reads back as INT64_MAX.
TEST_F(RunConfig, SeedBeyondTomlIntegerRangeIsRefused) {
  run_config c = load_run_config(source_dir / "configs" / "nightly.toml");
  c.seed = 18446744073709551615ull;
  try {
    validate_run_config(c);
    ADD_FAILURE() << "validate_run_config accepted seed " << c.seed;
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              c.source + ": seed must be <= 9223372036854775807, got 18446744073709551615");
  }
}

TEST_F(RunConfig, NegativeSeedIsRefused) {
  const std::string text = run_section + "seed = -1\n" + model_section;
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path), path.string() + line_of(text, "seed") +
                                  ": [run] seed must be in [0, 9223372036854775807], got -1");
}

TEST_F(RunConfig, GpuIsNotABackendName) {
  const fs::path path = write_config(run_section + "backend = \"gpu\"\n" + model_section);
  EXPECT_EQ(load_error(path),
            path.string() + ":5: [run] backend must be auto, cpu or cuda, got 'gpu'");
}

TEST_F(RunConfig, HfMinLevelAboveOneIsRefused) {
  const fs::path path =
      write_config(run_section + "[output]\nhf_min_levels = [0.05, 1.5]\n" + model_section);
  EXPECT_EQ(load_error(path),
            path.string() + ":6: [output] hf_min_levels entries must be in (0, 1), got 1.5");
}

TEST_F(RunConfig, MissingModelIsRefused) {
  const fs::path path = write_config(run_section);
  EXPECT_EQ(load_error(path),
            path.string() + ": [model] is missing (in the configuration or --model FILE)");
}

TEST_F(RunConfig, ModelAssetWithoutCorrelationRowIsRefused) {
  const std::string text =
      run_section + model_section + "[model.assets.XRP]\ndrift_annual = 0.0\nvol_annual = 1.0\n";
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path), path.string() + line_of(text, "[model.assets.XRP]") +
                                  ": [model.assets.XRP] has no row in [model.correlation] assets");
}

TEST_F(RunConfig, CorrelationAssetWithoutParametersIsRefused) {
  std::string text = run_section + model_section;
  text.replace(text.find("[\"ETH\", \"USDC\"]"), 15, "[\"ETH\", \"USDC\", \"BTC\"]");
  text.replace(text.find("[[1.0, 0.0], [0.0, 1.0]]"), 24,
               "[[1.0, 0.0, 0.5], [0.0, 1.0, 0.0], [0.5, 0.0, 1.0]]");
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path),
            path.string() + line_of(text, "assets = ") + ": [model.assets.BTC] is missing");
}

TEST_F(RunConfig, MatrixRowOfWrongLengthIsNamed) {
  std::string text = run_section + model_section;
  text.replace(text.find("[[1.0, 0.0], [0.0, 1.0]]"), 24, "[[1.0, 0.0], [0.0, 1.0, 0.0]]");
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path),
            path.string() + line_of(text, "matrix") +
                ": [model.correlation] matrix row 2 ('USDC') must have 2 entries");
}

// Positive semi-definiteness is a rule of the whole matrix: refused at load, at
// the table's line. [[1, a, -a], [a, 1, a], [-a, a, 1]] has eigenvector
// (1, -1, 1) with eigenvalue 1 - 2a = -0.8 for a = 0.9.
TEST_F(RunConfig, NonPsdCorrelationIsRefusedAtTheTablesLine) {
  const std::string text = run_section +
                           "[model]\n"
                           "[model.assets.BTC]\ndrift_annual = 0.0\nvol_annual = 0.5\n"
                           "[model.assets.ETH]\ndrift_annual = 0.0\nvol_annual = 0.7\n"
                           "[model.assets.SOL]\ndrift_annual = 0.0\nvol_annual = 0.9\n"
                           "[model.correlation]\n"
                           "assets = [\"BTC\", \"ETH\", \"SOL\"]\n"
                           "matrix = [[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]]\n";
  const std::string message = load_error(write_config(text));
  EXPECT_THAT(message,
              HasSubstr((dir / "run.toml").string() + line_of(text, "[model.correlation]") +
                        ": [model.correlation]: correlation matrix is not positive "
                        "semi-definite: smallest eigenvalue -0.8 "));
  EXPECT_THAT(message, HasSubstr("repair_correlation"));

  std::string repairing = text;
  repairing.replace(repairing.find("[model]\n"), 8, "[model]\nrepair_correlation = true\n");
  const run_config config = load_run_config(write_config(repairing));
  snapshot snap;
  snap.source = "test-snapshot";
  snap.assets = {{"SOL", 150.0}, {"BTC", 90000.0}, {"ETH", 3000.0}};
  EXPECT_GT(snapshot_model(config, snap).correlation_repair_distance(), 0.0);
}

TEST_F(RunConfig, SnapshotAssetWithoutModelParametersIsNamed) {
  const run_config config = load_run_config(write_config(run_section + model_section));
  snapshot snap;
  snap.source = "test-snapshot";
  snap.assets = {{"ETH", 3000.0}, {"DOGE", 0.1}};
  try {
    snapshot_model(config, snap);
    ADD_FAILURE() << "snapshot_model did not throw";
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              config.source +
                  ": asset 'DOGE' of snapshot 'test-snapshot' has no parameters in [model.assets] "
                  "(an asset held at its price needs none if [model] pegged lists it)");
  }
}

// Checked where the snapshot is known (set_oracle), at the table's line.
TEST_F(RunConfig, OracleTableOfAnAssetTheSnapshotLacksIsNamed) {
  const std::string text = run_section + model_section + "[oracle.assets.DOGE]\ndeviation = 0.01\n";
  const run_config config = load_run_config(write_config(text));
  snapshot snap;
  snap.source = "test-snapshot";
  snap.assets = {{"ETH", 3000.0}, {"USDC", 1.0}};
  execution_plan plan;
  try {
    set_oracle(config, snap, plan);
    ADD_FAILURE() << "set_oracle did not throw";
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              config.source + line_of(text, "[oracle.assets.DOGE]") +
                  ": [oracle.assets.DOGE] names asset 'DOGE', which snapshot 'test-snapshot' does "
                  "not have");
  }
}

// A run without a snapshot in its file: read_run_config takes it, and the rule is
// checked once, by validate_run_config, after a flag (--snapshot) could supply it.
TEST_F(RunConfig, ReadingLeavesTheRunRulesToValidation) {
  const std::string text = "[run]\npaths = 1000\nsteps = 10\n" + model_section;
  const fs::path path = write_config(text);
  run_config c = read_run_config(path);
  try {
    validate_run_config(c);
    ADD_FAILURE() << "validate_run_config accepted a run without a snapshot";
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              path.string() + ": no snapshot given ([run] snapshot or --snapshot)");
  }
  c.snapshot = dir / "snap";
  validate_run_config(c);
  EXPECT_EQ(load_error(path), path.string() + ": no snapshot given ([run] snapshot or --snapshot)");
}

TEST_F(RunConfig, ReadingKeepsTheLineOfABadValue) {
  const std::string text = "[run]\npaths = 0\n" + model_section;
  const fs::path path = write_config(text);
  try {
    read_run_config(path);
    ADD_FAILURE() << "read_run_config accepted paths = 0";
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()), path.string() + ":2: [run] paths must be in [1, " +
                                             std::to_string(max_run_paths) + "], got 0");
  }
}

// A model file as `levrisk calibrate --out` writes one: [model] and [calibration].
const std::string btc_model_file =
    "[model]\n"
    "type = \"merton\"\n"
    "[model.assets.BTC]\n"
    "drift_annual = 0.0\n"
    "vol_annual = 0.5\n"
    "[model.assets.BTC.merton]\n"
    "jump_intensity_annual = 4.0\n"
    "jump_mean = -0.05\n"
    "jump_stdev = 0.03\n"
    "[model.correlation]\n"
    "assets = [\"BTC\"]\n"
    "matrix = [[1.0]]\n"
    "[calibration]\n"
    "n_returns = 8759\n";

class RunConfigModelFile : public RunConfig {
 protected:
  fs::path write_model(const std::string& text) const {
    const fs::path path = dir / "model.toml";
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
    return path;
  }
  std::string apply_error(const fs::path& model) const {
    run_config c = read_run_config(write_config(run_section + model_section));
    try {
      apply_model_file(c, model);
    } catch (const input_error& error) {
      return error.what();
    }
    ADD_FAILURE() << "apply_model_file(" << model << ") did not throw input_error";
    return {};
  }
};

TEST_F(RunConfigModelFile, ReplacesTheModelAndKeepsTheRun) {
  const fs::path base =
      write_config(run_section + "[liquidation]\nkeeper_delay_steps = 3\n" +
                   "[model.systemic_jumps]\nintensity_annual = 2.0\n" + model_section);
  run_config c = read_run_config(base);
  const fs::path model = write_model(btc_model_file);
  apply_model_file(c, model);
  validate_run_config(c);
  EXPECT_EQ(c.source, base.string());
  EXPECT_EQ(c.model_source, model.string());
  EXPECT_EQ(c.paths, 1000);
  EXPECT_EQ(c.steps, 10);
  EXPECT_EQ(c.liquidation.keeper_delay_steps, 3);
  EXPECT_EQ(c.model, "merton");
  EXPECT_EQ(c.gbm.asset_ids, std::vector<std::string>{"BTC"});
  ASSERT_EQ(c.gbm.assets.size(), 1u);
  EXPECT_EQ(c.gbm.assets[0].vol_annual, 0.5);
  EXPECT_EQ(c.gbm.correlation, std::vector<double>{1.0});
  ASSERT_EQ(c.merton.assets.size(), 1u);
  EXPECT_EQ(c.merton.assets[0].jump_intensity_annual, 4.0);
  // The base's [model.systemic_jumps] went with the rest of its [model].
  EXPECT_EQ(c.merton.systemic.intensity_annual, 0.0);
}

TEST_F(RunConfigModelFile, BaseWithoutAModelTakesTheModelFile) {
  run_config c = read_run_config(write_config(run_section));
  apply_model_file(c, write_model(btc_model_file));
  validate_run_config(c);
  EXPECT_EQ(c.gbm.asset_ids, std::vector<std::string>{"BTC"});
}

// The resolved configuration re-runs as is: the model inline, from where it came noted.
TEST_F(RunConfigModelFile, MergedConfigurationRoundTrips) {
  run_config c = read_run_config(write_config(run_section + model_section));
  const fs::path model = write_model(btc_model_file);
  apply_model_file(c, model);
  c.output_dir = dir / "out";  // the default "results" would resolve against resolved.toml
  const std::string text = to_toml(c);
  EXPECT_THAT(text, HasSubstr("# [model] from " + model.string() + "\n"));
  const fs::path resolved = dir / "resolved.toml";
  std::ofstream(resolved, std::ios::binary) << text;
  const run_config again = load_run_config(resolved);
  expect_same_config(c, again);
  ASSERT_EQ(again.merton.assets.size(), 1u);
  EXPECT_EQ(again.merton.assets[0].jump_mean, -0.05);
}

TEST_F(RunConfigModelFile, RunSettingsInTheModelFileAreRefused) {
  const std::string text = btc_model_file + "[run]\npaths = 5\n";
  const fs::path model = write_model(text);
  EXPECT_EQ(apply_error(model), model.string() + line_of(text, "[run]") +
                                    ": [run] in a model file: it holds [model] (and "
                                    "[calibration]) only; run settings belong in the "
                                    "configuration (" +
                                    (dir / "run.toml").string() + ")");
}

TEST_F(RunConfigModelFile, ErrorsNameTheModelFileAndLine) {
  std::string text = btc_model_file;
  text.replace(text.find("vol_annual = 0.5"), 16, "vol_annual = -0.5");
  const fs::path model = write_model(text);
  EXPECT_THAT(apply_error(model), HasSubstr(model.string() + line_of(text, "vol_annual") +
                                            ": [model.assets.BTC] vol_annual"));
}

TEST_F(RunConfigModelFile, MissingModelFileIsNamed) {
  const fs::path model = dir / "absent.toml";
  EXPECT_EQ(apply_error(model), model.string() + ": model file not found");
}

TEST_F(RunConfigModelFile, ModelFileWithoutAModelIsRefused) {
  const fs::path model = write_model("[calibration]\nn_returns = 10\n");
  EXPECT_EQ(apply_error(model), model.string() + ": [model] is missing from the model file");
}

// model_section with USDC pegged instead of given a zero-volatility row.
const std::string pegged_model_section =
    "[model]\n"
    "type = \"gbm\"\n"
    "pegged = [\"USDC\"]\n"
    "[model.assets.ETH]\n"
    "drift_annual = 0.0\n"
    "vol_annual = 0.7\n"
    "[model.correlation]\n"
    "assets = [\"ETH\"]\n"
    "matrix = [[1.0]]\n";

TEST_F(RunConfig, PeggedAssetIsAZeroVolatilityUncorrelatedAsset) {
  const run_config explicit_row = load_run_config(write_config(run_section + model_section));
  const run_config pegged = load_run_config(write_config(run_section + pegged_model_section));
  EXPECT_EQ(pegged.pegged, std::vector<std::string>{"USDC"});
  expect_same_config(explicit_row, pegged);
  snapshot snap;
  snap.source = "test-snapshot";
  snap.assets = {{"USDC", 1.0}, {"ETH", 3000.0}};
  const gbm_model a = snapshot_model(explicit_row, snap);
  const gbm_model b = snapshot_model(pegged, snap);
  EXPECT_EQ(a.params().asset_ids, b.params().asset_ids);
  EXPECT_EQ(a.params().correlation, b.params().correlation);
  EXPECT_EQ(b.params().assets[0].vol_annual, 0.0);
  EXPECT_EQ(b.params().assets[0].drift_annual, 0.0);
}

TEST_F(RunConfig, PeggedListRoundTrips) {
  run_config c = load_run_config(write_config(run_section + pegged_model_section));
  c.output_dir = dir / "out";  // the default "results" would resolve against resolved.toml
  const std::string text = to_toml(c);
  EXPECT_THAT(text, HasSubstr("pegged = [\"USDC\"]\n"));
  EXPECT_THAT(text, HasSubstr("assets = [\"ETH\"]\n"));
  const fs::path resolved = dir / "resolved.toml";
  std::ofstream(resolved, std::ios::binary) << text;
  const run_config again = load_run_config(resolved);
  expect_same_config(c, again);
  EXPECT_EQ(again.pegged, c.pegged);
}

TEST_F(RunConfig, PeggedAssetWithACorrelationRowIsRefused) {
  std::string text = run_section + model_section;
  text.replace(text.find("type = \"gbm\"\n"), 13, "type = \"gbm\"\npegged = [\"USDC\"]\n");
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path), path.string() + line_of(text, "pegged") +
                                  ": [model] pegged lists 'USDC', which has a row in "
                                  "[model.correlation] assets: an asset is either pegged or "
                                  "modelled");
}

TEST_F(RunConfig, PeggedAssetWithParametersIsRefused) {
  const std::string text = run_section + pegged_model_section +
                           "[model.assets.USDC]\ndrift_annual = 0.0\nvol_annual = 0.0\n";
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path), path.string() + line_of(text, "[model.assets.USDC]") +
                                  ": [model.assets.USDC] is given but the asset is listed in "
                                  "[model] pegged: a pegged asset has no parameters (it is held "
                                  "at its price)");
}

TEST_F(RunConfig, PeggedAssetListedTwiceIsRefused) {
  std::string text = run_section + pegged_model_section;
  text.replace(text.find("[\"USDC\"]"), 8, "[\"USDC\", \"USDC\"]");
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path), path.string() + line_of(text, "pegged") +
                                  ": [model] pegged lists 'USDC' more than once");
}

TEST_F(RunConfig, PeggedOfTheWrongTypeIsRefused) {
  std::string text = run_section + pegged_model_section;
  text.replace(text.find("[\"USDC\"]"), 8, "true");
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path), path.string() + line_of(text, "pegged") +
                                  ": [model] pegged must be an array of asset ids");
}

}  // namespace
}  // namespace levrisk

namespace levrisk {
namespace {

TEST_F(RunConfig, JumpModelLoadsAndRoundTrips) {
  const run_config c = load_run_config(source_dir / "configs" / "nightly_jumps.toml");
  EXPECT_EQ(c.model, "merton");
  const auto eth = static_cast<std::size_t>(
      std::find(c.gbm.asset_ids.begin(), c.gbm.asset_ids.end(), "ETH") - c.gbm.asset_ids.begin());
  EXPECT_EQ(c.merton.assets[eth].jump_intensity_annual, 8.0);
  EXPECT_EQ(c.merton.assets[eth].jump_mean, -0.035);
  EXPECT_EQ(c.merton.assets[eth].jump_stdev, 0.05);
  EXPECT_EQ(c.merton.assets[eth].systemic_loading, 1.2);
  EXPECT_EQ(c.merton_diffusion_vol[eth], 0.55);
  EXPECT_EQ(c.merton.systemic.intensity_annual, 2.0);
  EXPECT_EQ(c.merton.systemic.mean, -0.12);
  const fs::path path = write_config(to_toml(c));
  const run_config back = load_run_config(path);
  EXPECT_EQ(to_toml(back), to_toml(c));
}

TEST_F(RunConfig, LoadingOfAnUnknownAssetIsRefused) {
  const run_config c = load_run_config(source_dir / "configs" / "nightly_jumps.toml");
  std::string text = to_toml(c);
  const std::string marker = "[model.systemic_jumps.loading]\n";
  text.insert(text.find(marker) + marker.size(), "\"XRP\" = 1.0\n");
  const fs::path path = write_config(text);
  try {
    load_run_config(path);
    FAIL() << "accepted a loading for an asset with no parameters";
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              path.string() + line_of(text, "\"XRP\"") +
                  ": [model.systemic_jumps.loading] names asset 'XRP', which has no "
                  "row in [model.correlation] assets");
  }
}

}  // namespace
}  // namespace levrisk

namespace levrisk {
namespace {

std::string read_text_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST_F(RunConfig, HistoricalSimulationSectionLoadsAndRoundTrips) {
  const std::string text = read_text_file(source_dir / "configs" / "nightly.toml");
  std::string edited = text;
  const std::string gbm = "type = \"gbm\"";
  edited.replace(edited.find(gbm), gbm.size(), "type = \"fhs\"");
  edited +=
      "\n[model.fhs]\nhistory = [\"hist.csv:BTC\"]\nfrequency = \"1h\"\nblock_length = 12\n"
      "filter = \"garch\"\nupdate_volatility = true\nduplicates = \"first\"\n";
  const fs::path path = write_config(edited);
  const run_config c = load_run_config(path);
  EXPECT_EQ(c.model, "fhs");
  ASSERT_EQ(c.fhs.history.size(), 1u);
  EXPECT_EQ(c.fhs.history[0], (dir / "hist.csv:BTC").lexically_normal().string());
  EXPECT_EQ(c.fhs.frequency, "1h");
  EXPECT_EQ(c.fhs.block_length, 12);
  EXPECT_EQ(c.fhs.filter, "garch");
  EXPECT_TRUE(c.fhs.update_volatility);
  EXPECT_EQ(c.fhs.duplicates, "first");
  const run_config back = load_run_config(write_config(to_toml(c)));
  EXPECT_EQ(to_toml(back), to_toml(c));
}

TEST_F(RunConfig, HistoricalSimulationBlockLengthZeroIsRefused) {
  std::string text = read_text_file(source_dir / "configs" / "nightly.toml");
  const std::string gbm = "type = \"gbm\"";
  text.replace(text.find(gbm), gbm.size(), "type = \"fhs\"");
  text += "\n[model.fhs]\nhistory = [\"h.csv\"]\nblock_length = 0\n";
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path), path.string() + line_of(text, "block_length") +
                                  ": [model.fhs] block_length must be in [1, 1000000], got 0");
}

TEST_F(RunConfig, HistoricalSimulationUnknownFilterIsRefused) {
  std::string text = read_text_file(source_dir / "configs" / "nightly.toml");
  const std::string gbm = "type = \"gbm\"";
  text.replace(text.find(gbm), gbm.size(), "type = \"fhs\"");
  text += "\n[model.fhs]\nhistory = [\"h.csv\"]\nfilter = \"egarch\"\n";
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path),
            path.string() + line_of(text, "filter") +
                ": [model.fhs] filter must be \"ewma\" or \"garch\", got \"egarch\"");
}

}  // namespace
}  // namespace levrisk

namespace levrisk {
namespace {

// [liquidation]: every key, then one test per bad value. Checks that need no
// other key name the line; keeper_delay_steps against steps, after flags, the key.
const std::string liquidation_header = "[liquidation]\n";

TEST_F(RunConfig, LiquidationSectionLoads) {
  const fs::path path = write_config(run_section + liquidation_header +
                                     "execute = false\n"
                                     "keeper_delay_steps = 10\n"
                                     "impact_exponent = 1\n"
                                     "max_rounds_per_step = 1\n"
                                     "path_totals_max_paths = 0\n" +
                                     model_section);
  const run_config c = load_run_config(path);
  EXPECT_FALSE(c.liquidation.execute);
  EXPECT_EQ(c.liquidation.keeper_delay_steps, 10);  // = steps
  EXPECT_EQ(c.liquidation.impact_exponent, 1.0);    // an integer is a number
  EXPECT_EQ(c.liquidation.max_rounds_per_step, 1);
  EXPECT_EQ(c.liquidation.path_totals_max_paths, 0);
  const run_config back = load_run_config(write_config(to_toml(c)));
  EXPECT_FALSE(back.liquidation.execute);
  EXPECT_EQ(back.liquidation.keeper_delay_steps, 10);
  EXPECT_EQ(back.liquidation.impact_exponent, 1.0);
  EXPECT_EQ(back.liquidation.max_rounds_per_step, 1);
  EXPECT_EQ(back.liquidation.path_totals_max_paths, 0);
}

TEST_F(RunConfig, ResolvedConfigurationHoldsTheLiquidationSection) {
  const std::string text = to_toml(load_run_config(write_config(run_section + model_section)));
  EXPECT_THAT(text, HasSubstr("[liquidation]\nexecute = true\nkeeper_delay_steps = 0\n"
                              "impact_exponent = 0.5\nmax_rounds_per_step = 16\n"
                              "path_totals_max_paths = 1000000\n"));
}

// Loads `key = value` in [liquidation]; returns the message and the expected "FILE:LINE".
struct liquidation_error {
  std::string message;
  std::string where;
};

class RunConfigLiquidation : public RunConfig {
 protected:
  liquidation_error load_with(const std::string& line) const {
    const std::string text = run_section + liquidation_header + line + "\n" + model_section;
    const fs::path path = write_config(text);
    return {load_error(path), path.string() + line_of(text, line)};
  }
};

TEST_F(RunConfigLiquidation, ZeroImpactExponent) {
  const auto [message, where] = load_with("impact_exponent = 0");
  EXPECT_EQ(message, where + ": [liquidation] impact_exponent must be in (0, 1], got 0");
}

TEST_F(RunConfigLiquidation, ImpactExponentAboveOne) {
  const auto [message, where] = load_with("impact_exponent = 1.5");
  EXPECT_EQ(message, where + ": [liquidation] impact_exponent must be in (0, 1], got 1.5");
}

TEST_F(RunConfigLiquidation, NegativeImpactExponent) {
  const auto [message, where] = load_with("impact_exponent = -0.5");
  EXPECT_EQ(message, where + ": [liquidation] impact_exponent must be in (0, 1], got -0.5");
}

TEST_F(RunConfigLiquidation, NanImpactExponent) {
  const auto [message, where] = load_with("impact_exponent = nan");
  EXPECT_THAT(message,
              HasSubstr(where + ": [liquidation] impact_exponent must be in (0, 1], got "));
}

TEST_F(RunConfigLiquidation, ImpactExponentThatIsNoNumber) {
  const auto [message, where] = load_with("impact_exponent = \"sqrt\"");
  EXPECT_EQ(message, where + ": [liquidation] impact_exponent must be a number");
}

TEST_F(RunConfigLiquidation, NegativeKeeperDelay) {
  const auto [message, where] = load_with("keeper_delay_steps = -1");
  EXPECT_EQ(message, where + ": [liquidation] keeper_delay_steps must be >= 0, got -1");
}

TEST_F(RunConfigLiquidation, KeeperDelayOfTheWrongType) {
  const auto [message, where] = load_with("keeper_delay_steps = 1.5");
  EXPECT_EQ(message, where + ": [liquidation] keeper_delay_steps must be an integer");
}

// run_section has steps = 10.
TEST_F(RunConfigLiquidation, KeeperDelayBeyondTheSteps) {
  const std::string text =
      run_section + liquidation_header + "keeper_delay_steps = 11\n" + model_section;
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path),
            path.string() + ": [liquidation] keeper_delay_steps must be <= steps (10), got 11");
}

// Beyond any possible steps: refused before it is narrowed to an int.
TEST_F(RunConfigLiquidation, HugeKeeperDelay) {
  const auto [message, where] = load_with("keeper_delay_steps = 4294967296");
  EXPECT_EQ(message, where +
                         ": [liquidation] keeper_delay_steps must be <= steps (at most 1000000), "
                         "got 4294967296");
}

// A flag that lowers steps below the delay (validate_run_config runs after the flags).
TEST_F(RunConfigLiquidation, StepsLoweredBelowTheKeeperDelay) {
  run_config c = load_run_config(
      write_config(run_section + liquidation_header + "keeper_delay_steps = 8\n" + model_section));
  c.steps = 4;
  try {
    validate_run_config(c);
    ADD_FAILURE() << "validate_run_config accepted a delay beyond the steps";
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              c.source + ": [liquidation] keeper_delay_steps must be <= steps (4), got 8");
  }
}

TEST_F(RunConfigLiquidation, NegativeKeeperDelaySetAfterLoading) {
  run_config c = load_run_config(write_config(run_section + model_section));
  c.liquidation.keeper_delay_steps = -2;
  try {
    validate_run_config(c);
    ADD_FAILURE() << "validate_run_config accepted a negative delay";
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              c.source + ": [liquidation] keeper_delay_steps must be >= 0, got -2");
  }
}

TEST_F(RunConfigLiquidation, ZeroRoundsPerStep) {
  const auto [message, where] = load_with("max_rounds_per_step = 0");
  EXPECT_EQ(message, where + ": [liquidation] max_rounds_per_step must be in [1, 1000], got 0");
}

TEST_F(RunConfigLiquidation, TooManyRoundsPerStep) {
  const auto [message, where] = load_with("max_rounds_per_step = 1001");
  EXPECT_EQ(message, where + ": [liquidation] max_rounds_per_step must be in [1, 1000], got 1001");
}

TEST_F(RunConfigLiquidation, NegativePathTotalsMaxPaths) {
  const auto [message, where] = load_with("path_totals_max_paths = -1");
  EXPECT_EQ(message, where + ": [liquidation] path_totals_max_paths must be >= 0, got -1");
}

TEST_F(RunConfigLiquidation, ExecuteThatIsNoBoolean) {
  const auto [message, where] = load_with("execute = 1");
  EXPECT_EQ(message, where + ": [liquidation] execute must be true or false");
}

TEST_F(RunConfigLiquidation, UnknownKeyIsRefused) {
  const auto [message, where] = load_with("keeper_delay = 2");
  EXPECT_EQ(message, where + ": unknown key 'keeper_delay' in [liquidation]");
}

TEST_F(RunConfigLiquidation, SectionThatIsNoTable) {
  const std::string text = "liquidation = 1\n" + run_section + model_section;
  const fs::path path = write_config(text);
  EXPECT_EQ(load_error(path), path.string() + ":1: [liquidation] must be a table");
}

}  // namespace
}  // namespace levrisk

namespace levrisk {
namespace {

// Every error loading can raise points at the line of the value or table it
// blames: "FILE:LINE: [TABLE] KEY PROBLEM". `text` is a whole file, `needle` the
// first text of the blamed line, `message` what follows "FILE:LINE: ".
struct located_case {
  const char* name;
  std::string text;
  std::string needle;
  std::string message;
};

std::string with(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  if (at == std::string::npos) ADD_FAILURE() << "no '" << from << "' in the test's text";
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

const std::string base = run_section + model_section;
const std::string eth_jumps = "[model.assets.ETH.merton]\njump_intensity_annual = 2.0\n";
// One daily step: type "garch" with daily parameters.
const std::string garch_run =
    "[run]\nsnapshot = \"snap\"\npaths = 1000\nsteps = 1\nhorizon_days = 1.0\n";
const std::string garch_model = with(model_section, "type = \"gbm\"", "type = \"garch\"");
const std::string eth_garch =
    "[model.assets.ETH.garch]\nomega = 1e-5\nalpha = 0.1\nbeta = 0.85\nnu = 5.0\n"
    "variance_now = 1e-3\nperiod_days = 1.0\n";
const std::string fhs_model = with(model_section, "type = \"gbm\"", "type = \"fhs\"");
const std::string merton_model = with(model_section, "type = \"gbm\"", "type = \"merton\"");

const std::vector<located_case>& located_cases() {
  static const std::vector<located_case> cases = {
      {"RunNameWithNul", run_section + "name = \"a\\u0000b\"\n" + model_section,
       "name =", "[run] name must contain no control character, got code 0 at character 2"},
      {"RunNameWithNewline", run_section + "name = \"a\\nb\"\n" + model_section,
       "name =", "[run] name must contain no control character, got code 10 at character 2"},
      {"RunNameWithSlash", run_section + "name = \"a/b\"\n" + model_section,
       "name =", "[run] name must contain no '/' (it names the result file), got 'a/b'"},
      {"RunNameTooLongForAFileName",
       run_section + "name = \"" + std::string(253, 'n') + "\"\n" + model_section, "name =",
       "[run] name must be at most 252 bytes (the result file NAME.h5 is a file name), got 253"},
      {"EmptyRunName", run_section + "name = \"\"\n" + model_section,
       "name =", "[run] name must be non-empty"},
      {"ZeroHorizon", run_section + "horizon_days = 0\n" + model_section, "horizon_days",
       "[run] horizon_days must be a finite number > 0, got 0"},
      {"NoHfMinLevels", run_section + "[output]\nhf_min_levels = []\n" + model_section,
       "hf_min_levels", "[output] hf_min_levels must list at least one probability"},
      {"HfMinLevelsNoArray", run_section + "[output]\nhf_min_levels = 0.5\n" + model_section,
       "hf_min_levels", "[output] hf_min_levels must be an array of probabilities"},
      {"NegativeHfSampleMaxUnitSteps",
       run_section + "[output]\nhf_sample_max_unit_steps = -1\n" + model_section,
       "hf_sample_max_unit_steps",
       "[output] hf_sample_max_unit_steps must be a finite number >= 0, got -1"},
      {"OutputNoTable", "output = 5\n" + base, "output = 5", "[output] must be a table"},
      {"NegativeVol", with(base, "vol_annual = 0.7", "vol_annual = -0.7"), "vol_annual = -0.7",
       "[model.assets.ETH] vol_annual must be a finite number >= 0, got -0.7"},
      {"NanDrift", with(base, "drift_annual = 0.0", "drift_annual = nan"), "drift_annual = nan",
       "[model.assets.ETH] drift_annual must be a finite number, got nan"},
      {"AssetWithoutVol", with(base, "vol_annual = 0.0\n", ""), "[model.assets.USDC]",
       "[model.assets.USDC] needs drift_annual and vol_annual"},
      {"AssetsMissing",
       run_section + "[model]\n[model.correlation]\nassets = [\"ETH\"]\n"
                     "matrix = [[1.0]]\n",
       "[model]",
       "[model.assets] is missing: one table per asset with drift_annual and "
       "vol_annual"},
      {"CorrelationMissing",
       run_section + "[model]\n[model.assets.ETH]\ndrift_annual = 0.0\nvol_annual = 0.7\n",
       "[model]", "[model.correlation] is missing (keys: assets, matrix)"},
      {"MatrixMissing", with(base, "matrix = [[1.0, 0.0], [0.0, 1.0]]\n", ""),
       "[model.correlation]",
       "[model.correlation] matrix must be an array of 2 rows, one per entry of assets"},
      {"CorrelationAboveOne", with(base, "[[1.0, 0.0], [0.0, 1.0]]", "[[1.0, 1.5], [1.5, 1.0]]"),
       "matrix",
       "[model.correlation] matrix (ETH, USDC) must be a correlation in [-1, 1], got 1.5"},
      {"DiagonalNotOne", with(base, "[[1.0, 0.0], [0.0, 1.0]]", "[[0.9, 0.0], [0.0, 1.0]]"),
       "matrix",
       "[model.correlation] matrix (ETH, ETH) is a diagonal entry and must be 1, got 0.9"},
      {"AsymmetricMatrix",
       with(base, "[[1.0, 0.0], [0.0, 1.0]]", "[[1.0, 0.2],\n          [0.3, 1.0]]"), "[0.3,",
       "[model.correlation] matrix (USDC, ETH) = 0.3 but (ETH, USDC) = 0.2: the matrix must be "
       "symmetric"},
      {"NegativeJumpStdev", base + eth_jumps + "jump_stdev = -0.1\n", "jump_stdev",
       "[model.assets.ETH.merton] jump_stdev must be a finite number >= 0, got -0.1"},
      {"InfiniteJumpIntensity", base + "[model.assets.ETH.merton]\njump_intensity_annual = inf\n",
       "jump_intensity_annual",
       "[model.assets.ETH.merton] jump_intensity_annual must be a finite number >= 0, got inf"},
      {"NanJumpMean", base + eth_jumps + "jump_mean = nan\n", "jump_mean",
       "[model.assets.ETH.merton] jump_mean must be finite, got nan"},
      {"NegativeDiffusionVol", base + eth_jumps + "diffusion_vol_annual = -0.2\n",
       "diffusion_vol_annual",
       "[model.assets.ETH.merton] diffusion_vol_annual must be a finite number >= 0, got -0.2"},
      {"NegativeSystemicStdev",
       base + "[model.systemic_jumps]\nintensity_annual = 1.0\nstdev = -1.0\n", "stdev",
       "[model.systemic_jumps] stdev must be a finite number >= 0, got -1"},
      {"NanSystemicLoading",
       base + "[model.systemic_jumps]\n[model.systemic_jumps.loading]\n"
              "ETH = nan\n",
       "ETH = nan", "[model.systemic_jumps.loading] ETH must be finite, got nan"},
      {"GarchNotStationary",
       garch_run + garch_model + with(eth_garch, "beta = 0.85", "beta = 0.899999999945"),
       "[model.assets.ETH.garch]",
       "[model.assets.ETH.garch] alpha + beta = 0.999999999945 is not stationary: must be < "
       "0.999, where calibrate reports garch_stationary = false (an integrated GARCH has no "
       "unconditional variance)"},
      {"GarchAtTheThreshold",
       garch_run + garch_model + with(eth_garch, "beta = 0.85", "beta = 0.899"),
       "[model.assets.ETH.garch]",
       "[model.assets.ETH.garch] alpha + beta = 0.999 is not stationary: must be < 0.999, where "
       "calibrate reports garch_stationary = false (an integrated GARCH has no unconditional "
       "variance)"},
      {"GarchZeroOmega", garch_run + garch_model + with(eth_garch, "omega = 1e-5", "omega = 0"),
       "omega", "[model.assets.ETH.garch] omega must be a finite number > 0, got 0"},
      {"GarchNuTwo", garch_run + garch_model + with(eth_garch, "nu = 5.0", "nu = 2"),
       "nu =", "[model.assets.ETH.garch] nu must be a finite number > 2, got 2"},
      {"GarchNegativeAlpha",
       garch_run + garch_model + with(eth_garch, "alpha = 0.1", "alpha = -0.1"), "alpha",
       "[model.assets.ETH.garch] alpha must be a finite number >= 0, got -0.1"},
      {"GarchKeyMissing", garch_run + garch_model + with(eth_garch, "nu = 5.0\n", ""),
       "[model.assets.ETH.garch]", "[model.assets.ETH.garch] needs nu"},
      {"FhsFrequency",
       run_section + fhs_model + "[model.fhs]\nhistory = [\"h.csv\"]\nfrequency = \"banana\"\n",
       "frequency",
       "[model.fhs] frequency: expected a count and a unit (s, m, h, d) such as 1h or 1d, got "
       "'banana'"},
      {"FhsEmptyHistory", run_section + fhs_model + "[model.fhs]\nhistory = []\n", "history",
       "[model.fhs] history must name at least one price file"},
      {"FhsWithoutHistory", run_section + fhs_model, "[model]",
       "[model.fhs] history must name at least one price file (type \"fhs\" resamples it)"},
      // One daily step: 1e5 jumps a year are 273.97 a step; P(N > 31) rounds to 1.
      {"TooManyJumpsPerStep",
       garch_run + merton_model + "[model.assets.ETH.merton]\njump_intensity_annual = 1e5\n",
       "jump_intensity_annual",
       "[model.assets.ETH.merton] jump_intensity_annual = 100000 gives 273.973 expected jumps per "
       "step: even the cap of 31 jumps per step leaves P(N > 31) = 1 above the tolerance of "
       "1e-12; use more steps"},
      {"TooManySystemicJumpsPerStep",
       garch_run + merton_model + "[model.systemic_jumps]\nintensity_annual = 1e5\n",
       "intensity_annual",
       "[model.systemic_jumps] intensity_annual = 100000 gives 273.973 expected jumps per step: "
       "even the cap of 31 jumps per step leaves P(N > 31) = 1 above the tolerance of 1e-12; use "
       "more steps"},
      {"OracleNegativeDeviation", base + "[oracle]\ndeviation = -0.01\n", "deviation",
       "[oracle] deviation must be a fraction in [0, 1) (0.005 = 0.5%), got -0.01"},
      {"OracleDeviationOfOne", base + "[oracle]\ndeviation = 1\n", "deviation",
       "[oracle] deviation must be a fraction in [0, 1) (0.005 = 0.5%), got 1: a threshold of "
       "100% or more is no threshold"},
      {"OracleNanDeviation", base + "[oracle]\ndeviation = nan\n", "deviation",
       "[oracle] deviation must be a fraction in [0, 1) (0.005 = 0.5%), got nan"},
      {"OracleZeroHeartbeat", base + "[oracle]\nheartbeat_seconds = 0\n", "heartbeat_seconds",
       "[oracle] heartbeat_seconds must be a finite number > 0, got 0 (a zero heartbeat: an "
       "update every step)"},
      {"OracleNegativeHeartbeat", base + "[oracle.assets.ETH]\nheartbeat_seconds = -60\n",
       "heartbeat_seconds",
       "[oracle.assets.ETH] heartbeat_seconds must be a finite number > 0, got -60"},
      {"OracleNegativeLatency", base + "[oracle]\nlatency_seconds = -1\n", "latency_seconds",
       "[oracle] latency_seconds must be a finite number >= 0, got -1"},
      {"OracleNegativeNoise", base + "[oracle]\nfeeds = [{ noise = -0.1 }]\n", "feeds",
       "[oracle] feeds entry 1 noise must be a finite number >= 0, got -0.1"},
      {"OracleInfiniteNoise",
       base + "[oracle]\nfeeds = [\n  { noise = 0.001 },\n  { noise = inf },\n]\n", "{ noise = inf",
       "[oracle] feeds entry 2 noise must be a finite number >= 0, got inf"},
      {"OracleNanNoise", base + "[oracle]\nfeeds = [{ noise = nan }]\n", "feeds",
       "[oracle] feeds entry 1 noise must be a finite number >= 0, got nan"},
      {"OracleNegativeDelay", base + "[oracle.assets.ETH]\nfeeds = [{ delay_seconds = -12 }]\n",
       "feeds",
       "[oracle.assets.ETH] feeds entry 1 delay_seconds must be a finite number >= 0, got -12"},
      {"OracleNoFeeds", base + "[oracle]\nfeeds = []\n", "feeds",
       "[oracle] feeds must list at least one feed (a median of no feeds); leave feeds out for "
       "the market price itself"},
      {"OracleNineFeeds", base + "[oracle]\nfeeds = [{}, {}, {}, {}, {}, {}, {}, {}, {}]\n",
       "feeds", "[oracle] feeds lists 9 feeds, at most 8"},
      {"OracleFeedsNoArray", base + "[oracle]\nfeeds = 3\n", "feeds",
       "[oracle] feeds must be an array of tables such as { noise = 0.001, delay_seconds = 12 }"},
      {"OracleFeedNoTable", base + "[oracle]\nfeeds = [0.001]\n", "feeds",
       "[oracle] feeds entry 1 must be a table such as { noise = 0.001, delay_seconds = 12 }"},
      {"OracleFeedUnknownKey", base + "[oracle]\nfeeds = [{ noice = 0.001 }]\n", "feeds",
       "unknown key 'noice' in [oracle] feeds entry 1; did you mean 'noise'?"},
      {"OracleUnknownKey", base + "[oracle]\nheartbeat_second = 60\n", "heartbeat_second",
       "unknown key 'heartbeat_second' in [oracle]; did you mean 'heartbeat_seconds'?"},
      {"OracleAssetEnabled", base + "[oracle.assets.ETH]\nenabled = true\n", "enabled",
       "unknown key 'enabled' in [oracle.assets.ETH]"},
      {"OracleEnabledNoBoolean", base + "[oracle]\nenabled = 1\n", "enabled",
       "[oracle] enabled must be true or false"},
      {"OracleNoTable", "oracle = 1\n" + base, "oracle = 1", "[oracle] must be a table"},
      {"OracleAssetNoTable", base + "[oracle]\nassets = { ETH = 1 }\n", "assets = {",
       "[oracle.assets.ETH] must be a table"},
      {"OracleVenueEnabled", base + "[oracle.venues.spark]\nenabled = true\n", "enabled",
       "unknown key 'enabled' in [oracle.venues.spark]"},
      {"OracleVenueUnknownKey", base + "[oracle.venues.spark]\nheartbeat_second = 60\n",
       "heartbeat_second",
       "unknown key 'heartbeat_second' in [oracle.venues.spark]; did you mean "
       "'heartbeat_seconds'?"},
      {"OracleVenueAssetUnknownKey",
       base + "[oracle.venues.spark.assets.ETH]\nlatency_second = 5\n", "latency_second",
       "unknown key 'latency_second' in [oracle.venues.spark.assets.ETH]; did you mean "
       "'latency_seconds'?"},
      {"OracleVenueAssetAssets", base + "[oracle.venues.spark.assets.ETH]\nassets = {}\n",
       "assets = {}", "unknown key 'assets' in [oracle.venues.spark.assets.ETH]"},
      {"OracleVenuesNoTable", base + "[oracle]\nvenues = 1\n", "venues = 1",
       "[oracle.venues] must be a table of per-venue tables such as [oracle.venues.spark]"},
      {"OracleVenueNoTable", base + "[oracle]\nvenues = { spark = 1 }\n", "venues = {",
       "[oracle.venues.spark] must be a table"},
      {"OracleVenueAssetsNoTable", base + "[oracle.venues.spark]\nassets = 1\n", "assets = 1",
       "[oracle.venues.spark.assets] must be a table of per-asset tables such as "
       "[oracle.venues.spark.assets.ETH]"},
      {"OracleVenueAssetNoTable", base + "[oracle.venues.spark]\nassets = { ETH = 1 }\n",
       "assets = {", "[oracle.venues.spark.assets.ETH] must be a table"},
      {"OracleVenueDeviationOfOne", base + "[oracle.venues.spark]\ndeviation = 1\n", "deviation",
       "[oracle.venues.spark] deviation must be a fraction in [0, 1) (0.005 = 0.5%), got 1: a "
       "threshold of 100% or more is no threshold"},
      {"OracleVenueNegativeLatency", base + "[oracle.venues.spark]\nlatency_seconds = -1\n",
       "latency_seconds",
       "[oracle.venues.spark] latency_seconds must be a finite number >= 0, got -1"},
      {"OracleVenueNoFeeds", base + "[oracle.venues.spark]\nfeeds = []\n", "feeds",
       "[oracle.venues.spark] feeds must list at least one feed (a median of no feeds); leave "
       "feeds out for the market price itself"},
      {"OracleVenueAssetZeroHeartbeat",
       base + "[oracle.venues.spark.assets.ETH]\nheartbeat_seconds = 0\n", "heartbeat_seconds",
       "[oracle.venues.spark.assets.ETH] heartbeat_seconds must be a finite number > 0, got 0 (a "
       "zero heartbeat: an update every step)"},
      {"OracleVenueAssetNegativeDeviation",
       base + "[oracle.venues.spark.assets.ETH]\ndeviation = -0.01\n", "deviation",
       "[oracle.venues.spark.assets.ETH] deviation must be a fraction in [0, 1) (0.005 = 0.5%), "
       "got -0.01"},
      {"OracleVenueAssetNineFeeds",
       base + "[oracle.venues.spark.assets.ETH]\nfeeds = [{}, {}, {}, {}, {}, {}, {}, {}, {}]\n",
       "feeds", "[oracle.venues.spark.assets.ETH] feeds lists 9 feeds, at most 8"},
      {"OracleVenueAssetNegativeNoise",
       base + "[oracle.venues.spark.assets.ETH]\nfeeds = [{ noise = -0.1 }]\n", "feeds",
       "[oracle.venues.spark.assets.ETH] feeds entry 1 noise must be a finite number >= 0, got "
       "-0.1"},
      {"OracleVenueAssetNegativeDelay",
       base + "[oracle.venues.spark.assets.ETH]\nfeeds = [{ delay_seconds = -12 }]\n", "feeds",
       "[oracle.venues.spark.assets.ETH] feeds entry 1 delay_seconds must be a finite number >= "
       "0, got -12"},
      {"OracleFourVenues",
       base + "[oracle]\nenabled = true\n[oracle.venues]\na = {}\nb = {}\nc = {}\nd = {}\n",
       "[oracle.venues]",
       "[oracle.venues] lists 4 venues; at most 3 may read an oracle of their own"},
      // [oracle.venues] made by its venues' tables: the first one's line.
      {"OracleFourVenueTables",
       base + "[oracle.venues.a]\n[oracle.venues.b]\ndeviation = 0.1\n[oracle.venues.c]\n"
              "[oracle.venues.d]\n",
       "[oracle.venues.a]",
       "[oracle.venues] lists 4 venues; at most 3 may read an oracle of their own"},
      {"CascadeShareAboveOne", base + "[cascade]\npermanent_impact_share = 1.5\n",
       "permanent_impact_share", "[cascade] permanent_impact_share must be in [0, 1], got 1.5"},
      {"CascadeNegativeShare", base + "[cascade]\npermanent_impact_share = -0.1\n",
       "permanent_impact_share", "[cascade] permanent_impact_share must be in [0, 1], got -0.1"},
      {"CascadeNanShare", base + "[cascade]\npermanent_impact_share = nan\n",
       "permanent_impact_share", "[cascade] permanent_impact_share must be in [0, 1], got nan"},
      {"CascadeZeroRounds", base + "[cascade]\nmax_rounds = 0\n", "max_rounds",
       "[cascade] max_rounds must be in [1, 1000], got 0"},
      {"CascadeTooManyRounds", base + "[cascade]\nmax_rounds = 1001\n", "max_rounds",
       "[cascade] max_rounds must be in [1, 1000], got 1001"},
      {"CascadeRoundsNoInteger", base + "[cascade]\nmax_rounds = 2.5\n", "max_rounds",
       "[cascade] max_rounds must be an integer"},
      {"CascadeNegativeAmplificationPaths", base + "[cascade]\namplification_paths = -5\n",
       "amplification_paths",
       "[cascade] amplification_paths must be 0 (every path) or a number of paths, got -5"},
      {"CascadeUnknownKey", base + "[cascade]\nmax_round = 3\n", "max_round",
       "unknown key 'max_round' in [cascade]; did you mean 'max_rounds'?"},
      {"CascadeAmplificationNoBoolean", base + "[cascade]\namplification = \"yes\"\n",
       "amplification", "[cascade] amplification must be true or false"},
  };
  return cases;
}

class RunConfigLocated : public RunConfig, public ::testing::WithParamInterface<located_case> {};

TEST_P(RunConfigLocated, NamesFileLineAndKey) {
  const located_case& c = GetParam();
  const fs::path path = write_config(c.text);
  EXPECT_EQ(load_error(path), path.string() + line_of(c.text, c.needle) + ": " + c.message);
}

INSTANTIATE_TEST_SUITE_P(EveryError, RunConfigLocated, ::testing::ValuesIn(located_cases()),
                         [](const ::testing::TestParamInfo<located_case>& info) {
                           return std::string(info.param.name);
                         });

// calibrate writes its GARCH tables under type "gbm", with garch_stationary = false
// for an integrated fit: only type "garch" refuses them.
TEST_F(RunConfig, NonStationaryGarchLoadsUnderAnotherModel) {
  const std::string text =
      garch_run + model_section + with(eth_garch, "beta = 0.85", "beta = 0.899999999945");
  EXPECT_EQ(load_run_config(write_config(text)).garch[0].beta, 0.899999999945);
}

// P(N > k) for N ~ Poisson(rate), summed term by term.
double poisson_tail_by_hand(double rate, int k) {
  double term = std::exp(-rate);
  double tail = 0.0;
  for (int j = 1; j <= k + 200; ++j) {
    term *= rate / j;
    if (j > k) tail += term;
  }
  return tail;
}

// 2 jumps a year over one 30-day step: 0.164 expected jumps, a tail beyond 7 of
// 1.1e-11, so the cap is 8 where it was refused at a fixed 7.
TEST_F(RunConfig, AThirtyDaySingleStepMertonRunIsAccepted) {
  const std::string text =
      "[run]\nsnapshot = \"snap\"\npaths = 1000\nsteps = 1\nhorizon_days = 30.0\n" + merton_model +
      eth_jumps + "jump_mean = -0.1\njump_stdev = 0.05\n";
  const run_config config = load_run_config(write_config(text));
  const jump_step_coefficients j = merton_step_coefficients(config.merton, config.gbm.asset_ids,
                                                            config.dt_years(), config.source);
  const double rate = 2.0 * 30.0 / 365.0;
  int cap = 1;
  while (poisson_tail_by_hand(rate, cap) > 1e-12) ++cap;
  EXPECT_EQ(cap, 8);
  EXPECT_EQ(j.count_cap[0], cap);
  EXPECT_GT(poisson_tail_by_hand(rate, 7), 1e-12);
}

}  // namespace
}  // namespace levrisk
