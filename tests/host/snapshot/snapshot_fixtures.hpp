#pragma once
// Helpers for the snapshot tests: a fresh directory per test, a small valid
// snapshot to break one file at a time, and field-by-field comparison.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/error.hpp"
#include "host/snapshot/load_snapshot.hpp"
#include "host/snapshot/snapshot.hpp"

namespace levrisk::snapshot_testing {

// A fresh directory, unique per process and test (other people run the same
// tests on the same machine), removed with its contents at the end of the test.
class test_directory {
 public:
  test_directory() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("levrisk_snapshot_" + std::to_string(::getpid()) + "_" + info->test_suite_name() +
             "_" + info->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~test_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  test_directory(const test_directory&) = delete;
  test_directory& operator=(const test_directory&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  ASSERT_TRUE(file) << path;
  file << text;
}

// The message of the input_error that loading `directory` throws.
inline std::string load_error(const std::filesystem::path& directory) {
  try {
    load_snapshot(directory);
  } catch (const input_error& error) {
    return error.what();
  }
  ADD_FAILURE() << "load_snapshot(" << directory << ") did not throw input_error";
  return {};
}

// Valid: BTC has no lending market, P2 has isolated positions only, L1's rows
// are not adjacent, P1 holds both an isolated and a cross BTC-PERP position.
inline const char* const minimal_assets =
    "asset_id,spot_usd\n"
    "BTC,95000\n"
    "ETH,3500\n"
    "USDC,1\n";
inline const char* const minimal_lending_markets =
    "asset_id,ltv,liquidation_threshold,liquidation_bonus\n"
    "ETH,0.8,0.83,0.05\n"
    "USDC,0.77,0.8,0.045\n";
inline const char* const minimal_protocol =
    "parameter,value\n"
    "close_factor,0.4\n";
inline const char* const minimal_lending_balances =
    "account_id,asset_id,collateral_amount,debt_amount\n"
    "L1,ETH,10,0\n"
    "L2,USDC,5000,0\n"
    "L1,USDC,0,20000\n";
inline const char* const minimal_perp_markets =
    "market_id,asset_id,maintenance_margin_fraction,initial_margin_fraction\n"
    "BTC-PERP,BTC,0.005,0.02\n"
    "ETH-PERP,ETH,0.0075,0.02\n";
inline const char* const minimal_perp_accounts =
    "account_id,cross_collateral_usd\n"
    "P1,10000\n";
inline const char* const minimal_perp_positions =
    "account_id,market_id,side,size,entry_price_usd,margin_mode,isolated_margin_usd\n"
    "P1,BTC-PERP,long,0.5,94000,cross,\n"
    "P1,ETH-PERP,short,2,3600,cross,0\n"
    "P1,BTC-PERP,short,0.1,96000,isolated,1000\n"
    "P2,ETH-PERP,long,1.5,3400,isolated,600\n";

inline void write_minimal_snapshot(const std::filesystem::path& directory) {
  std::filesystem::create_directories(directory);
  write_text(directory / "assets.csv", minimal_assets);
  write_text(directory / "lending_markets.csv", minimal_lending_markets);
  write_text(directory / "protocol.csv", minimal_protocol);
  write_text(directory / "lending_balances.csv", minimal_lending_balances);
  write_text(directory / "perp_markets.csv", minimal_perp_markets);
  write_text(directory / "perp_accounts.csv", minimal_perp_accounts);
  write_text(directory / "perp_positions.csv", minimal_perp_positions);
}

// Valid, with venues.csv: two lending venues (aave lists ETH and USDC, spark
// only ETH) and two perp venues (dydx lists both markets, hl only BTC-PERP),
// listed interleaved; L1 and P1 have accounts in two venues each. The venue_id
// column stands first, last or in the middle.
inline const char* const two_venue_venues =
    "venue_id,kind,fund_usd,close_factor,close_factor_hf_threshold,small_position_usd\n"
    "aave,lending,1000000,0.4,,\n"
    "dydx,perp,500000,,,\n"
    "spark,lending,0,,0.9,100\n"
    "hl,perp,0,NULL,,\n";
inline const char* const two_venue_lending_markets =
    "venue_id,asset_id,ltv,liquidation_threshold,liquidation_bonus\n"
    "aave,ETH,0.8,0.83,0.05\n"
    "aave,USDC,0.77,0.8,0.045\n"
    "spark,ETH,0.7,0.75,0.06\n";
inline const char* const two_venue_lending_balances =
    "account_id,asset_id,collateral_amount,debt_amount,venue_id\n"
    "L1,ETH,10,0,aave\n"
    "L1,ETH,2,1,spark\n"
    "L1,USDC,0,20000,aave\n"
    "L2,ETH,1,0,spark\n";
inline const char* const two_venue_perp_markets =
    "venue_id,market_id,asset_id,maintenance_margin_fraction,initial_margin_fraction\n"
    "dydx,BTC-PERP,BTC,0.005,0.02\n"
    "dydx,ETH-PERP,ETH,0.0075,0.02\n"
    "hl,BTC-PERP,BTC,0.01,0.05\n";
inline const char* const two_venue_perp_accounts =
    "account_id,venue_id,cross_collateral_usd\n"
    "P1,dydx,10000\n"
    "P1,hl,300\n";
inline const char* const two_venue_perp_positions =
    "venue_id,account_id,market_id,side,size,entry_price_usd,margin_mode,isolated_margin_usd\n"
    "dydx,P1,BTC-PERP,long,0.5,94000,cross,\n"
    "hl,P1,BTC-PERP,short,0.01,95000,cross,\n"
    "dydx,P1,ETH-PERP,short,2,3600,isolated,500\n"
    "hl,P2,BTC-PERP,long,0.1,96000,isolated,1000\n";

inline void write_two_venue_snapshot(const std::filesystem::path& directory) {
  std::filesystem::create_directories(directory);
  write_text(directory / "assets.csv", minimal_assets);
  write_text(directory / "venues.csv", two_venue_venues);
  write_text(directory / "lending_markets.csv", two_venue_lending_markets);
  write_text(directory / "lending_balances.csv", two_venue_lending_balances);
  write_text(directory / "perp_markets.csv", two_venue_perp_markets);
  write_text(directory / "perp_accounts.csv", two_venue_perp_accounts);
  write_text(directory / "perp_positions.csv", two_venue_perp_positions);
}

// Exact equality of everything a snapshot file holds (not `source`).
inline void expect_same_snapshot(const snapshot& expected, const snapshot& actual) {
  ASSERT_EQ(expected.assets.size(), actual.assets.size());
  for (std::size_t i = 0; i < expected.assets.size(); ++i) {
    EXPECT_EQ(expected.assets[i].id, actual.assets[i].id) << "asset " << i;
    EXPECT_EQ(expected.assets[i].spot_usd, actual.assets[i].spot_usd) << "asset " << i;
    EXPECT_EQ(expected.assets[i].depth_usd, actual.assets[i].depth_usd) << "asset " << i;
    // NaN (no oracle price) compares equal to NaN here.
    EXPECT_EQ(std::isnan(expected.assets[i].oracle_price_usd),
              std::isnan(actual.assets[i].oracle_price_usd))
        << "asset " << i;
    if (!std::isnan(expected.assets[i].oracle_price_usd)) {
      EXPECT_EQ(expected.assets[i].oracle_price_usd, actual.assets[i].oracle_price_usd)
          << "asset " << i;
    }
    EXPECT_EQ(expected.assets[i].oracle_age_seconds, actual.assets[i].oracle_age_seconds)
        << "asset " << i;
  }
  ASSERT_EQ(expected.lending_markets.size(), actual.lending_markets.size());
  for (std::size_t i = 0; i < expected.lending_markets.size(); ++i) {
    const auto& e = expected.lending_markets[i];
    const auto& a = actual.lending_markets[i];
    EXPECT_EQ(e.asset_index, a.asset_index) << "lending market " << i;
    EXPECT_EQ(e.ltv, a.ltv) << "lending market " << i;
    EXPECT_EQ(e.liquidation_threshold, a.liquidation_threshold) << "lending market " << i;
    EXPECT_EQ(e.liquidation_bonus, a.liquidation_bonus) << "lending market " << i;
    EXPECT_EQ(e.venue_index, a.venue_index) << "lending market " << i;
  }
  ASSERT_EQ(expected.lending_venues.size(), actual.lending_venues.size());
  for (std::size_t i = 0; i < expected.lending_venues.size(); ++i) {
    const auto& e = expected.lending_venues[i];
    const auto& a = actual.lending_venues[i];
    EXPECT_EQ(e.id, a.id) << "lending venue " << i;
    EXPECT_EQ(e.close_factor, a.close_factor) << e.id;
    EXPECT_EQ(e.close_factor_hf_threshold, a.close_factor_hf_threshold) << e.id;
    EXPECT_EQ(e.small_position_usd, a.small_position_usd) << e.id;
    EXPECT_EQ(e.reserve_usd, a.reserve_usd) << e.id;
  }
  ASSERT_EQ(expected.perp_venues.size(), actual.perp_venues.size());
  for (std::size_t i = 0; i < expected.perp_venues.size(); ++i) {
    EXPECT_EQ(expected.perp_venues[i].id, actual.perp_venues[i].id) << "perp venue " << i;
    EXPECT_EQ(expected.perp_venues[i].insurance_fund_usd, actual.perp_venues[i].insurance_fund_usd)
        << expected.perp_venues[i].id;
  }
  ASSERT_EQ(expected.lending_accounts.size(), actual.lending_accounts.size());
  for (std::size_t i = 0; i < expected.lending_accounts.size(); ++i) {
    const auto& e = expected.lending_accounts[i];
    const auto& a = actual.lending_accounts[i];
    ASSERT_EQ(e.id, a.id) << "lending account " << i;
    EXPECT_EQ(e.venue_index, a.venue_index) << e.id;
    ASSERT_EQ(e.balances.size(), a.balances.size()) << e.id;
    for (std::size_t j = 0; j < e.balances.size(); ++j) {
      EXPECT_EQ(e.balances[j].asset_index, a.balances[j].asset_index) << e.id << " " << j;
      EXPECT_EQ(e.balances[j].collateral_amount, a.balances[j].collateral_amount) << e.id;
      EXPECT_EQ(e.balances[j].debt_amount, a.balances[j].debt_amount) << e.id;
    }
  }
  ASSERT_EQ(expected.perp_markets.size(), actual.perp_markets.size());
  for (std::size_t i = 0; i < expected.perp_markets.size(); ++i) {
    const auto& e = expected.perp_markets[i];
    const auto& a = actual.perp_markets[i];
    EXPECT_EQ(e.id, a.id);
    EXPECT_EQ(e.asset_index, a.asset_index) << e.id;
    EXPECT_EQ(e.maintenance_margin_fraction, a.maintenance_margin_fraction) << e.id;
    EXPECT_EQ(e.initial_margin_fraction, a.initial_margin_fraction) << e.id;
    EXPECT_EQ(e.liquidation_fee, a.liquidation_fee) << e.id;
    EXPECT_EQ(e.venue_index, a.venue_index) << e.id;
  }
  ASSERT_EQ(expected.perp_accounts.size(), actual.perp_accounts.size());
  for (std::size_t i = 0; i < expected.perp_accounts.size(); ++i) {
    EXPECT_EQ(expected.perp_accounts[i].id, actual.perp_accounts[i].id);
    EXPECT_EQ(expected.perp_accounts[i].cross_collateral_usd,
              actual.perp_accounts[i].cross_collateral_usd)
        << expected.perp_accounts[i].id;
    EXPECT_EQ(expected.perp_accounts[i].venue_index, actual.perp_accounts[i].venue_index)
        << expected.perp_accounts[i].id;
  }
  ASSERT_EQ(expected.perp_positions.size(), actual.perp_positions.size());
  for (std::size_t i = 0; i < expected.perp_positions.size(); ++i) {
    const auto& e = expected.perp_positions[i];
    const auto& a = actual.perp_positions[i];
    EXPECT_EQ(e.account_id, a.account_id) << "position " << i;
    EXPECT_EQ(e.market_index, a.market_index) << "position " << i;
    EXPECT_EQ(e.side, a.side) << "position " << i;
    EXPECT_EQ(e.size, a.size) << "position " << i;
    EXPECT_EQ(e.entry_price_usd, a.entry_price_usd) << "position " << i;
    EXPECT_EQ(e.mode, a.mode) << "position " << i;
    EXPECT_EQ(e.isolated_margin_usd, a.isolated_margin_usd) << "position " << i;
    EXPECT_EQ(e.venue_index, a.venue_index) << "position " << i;
  }
  ASSERT_EQ(expected.venue_oracles.size(), actual.venue_oracles.size());
  for (std::size_t i = 0; i < expected.venue_oracles.size(); ++i) {
    const auto& e = expected.venue_oracles[i];
    const auto& a = actual.venue_oracles[i];
    EXPECT_EQ(e.perp, a.perp) << "venue oracle " << i;
    EXPECT_EQ(e.venue_index, a.venue_index) << "venue oracle " << i;
    EXPECT_EQ(e.asset_index, a.asset_index) << "venue oracle " << i;
    EXPECT_EQ(e.oracle_price_usd, a.oracle_price_usd) << "venue oracle " << i;
    EXPECT_EQ(e.oracle_age_seconds, a.oracle_age_seconds) << "venue oracle " << i;
  }
}

}  // namespace levrisk::snapshot_testing
