// load_snapshot: the bundled sample, a small hand-written snapshot read field by
// field, and one test per kind of bad input, each checking the exact message
// (file, line, field and what is wrong).

#include "host/snapshot/load_snapshot.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "host/snapshot/synth.hpp"
#include "tests/host/snapshot/snapshot_fixtures.hpp"

namespace levrisk {
namespace {

using snapshot_testing::expect_same_snapshot;
using snapshot_testing::load_error;
using snapshot_testing::test_directory;
using snapshot_testing::write_minimal_snapshot;
using snapshot_testing::write_text;

const std::filesystem::path sample_directory = LEVRISK_SOURCE_DIR "/data/sample";

TEST(LoadSnapshot, SampleLoadsWithItsDocumentedSize) {
  const snapshot snap = load_snapshot(sample_directory);
  EXPECT_EQ(snap.source, sample_directory.string());
  EXPECT_EQ(snap.assets.size(), 10u);
  EXPECT_EQ(snap.lending_markets.size(), 10u);
  EXPECT_EQ(snap.lending_venues[0].close_factor, 0.5);
  EXPECT_EQ(snap.lending_accounts.size(), 7000u);
  EXPECT_EQ(snap.perp_markets.size(), 5u);
  EXPECT_EQ(snap.perp_accounts.size(), 3000u);
  EXPECT_GT(snap.perp_positions.size(), 3000u);
  EXPECT_GE(snap.find_asset("BTC"), 0);
  EXPECT_GE(snap.find_asset("USDC"), 0);
  // The liquidation parameters: every asset has a depth, every market a fee.
  for (const asset& a : snap.assets) EXPECT_TRUE(std::isfinite(a.depth_usd)) << a.id;
  for (const perp_market& m : snap.perp_markets) EXPECT_GT(m.liquidation_fee, 0) << m.id;
  EXPECT_EQ(snap.lending_venues[0].close_factor_hf_threshold, 0.95);
  EXPECT_EQ(snap.lending_venues[0].small_position_usd, 2000);
  EXPECT_GT(snap.lending_venues[0].reserve_usd, 0);
  EXPECT_GT(snap.perp_venues[0].insurance_fund_usd, 0);
}

// data/sample must be what the generator writes today, so that the documented
// command regenerates it (data/README.md).
TEST(LoadSnapshot, SampleIsTheGeneratorOutputForTheDocumentedSeed) {
  synth_options options;
  options.lending_accounts = 7000;
  options.perp_accounts = 3000;
  options.seed = sample_snapshot_seed;
  expect_same_snapshot(synthesize_snapshot(options), load_snapshot(sample_directory));
}

TEST(LoadSnapshot, MinimalSnapshotReadsFieldByField) {
  const test_directory temp;
  const auto& directory = temp.path();
  write_minimal_snapshot(directory);
  const snapshot snap = load_snapshot(directory);

  ASSERT_EQ(snap.assets.size(), 3u);
  EXPECT_EQ(snap.assets[0].id, "BTC");
  EXPECT_EQ(snap.assets[0].spot_usd, 95000);
  EXPECT_EQ(snap.assets[2].id, "USDC");

  ASSERT_EQ(snap.lending_markets.size(), 2u);
  EXPECT_EQ(snap.lending_markets[0].asset_index, 1);
  EXPECT_EQ(snap.lending_markets[0].ltv, 0.8);
  EXPECT_EQ(snap.lending_markets[0].liquidation_threshold, 0.83);
  EXPECT_EQ(snap.lending_markets[0].liquidation_bonus, 0.05);
  EXPECT_EQ(snap.find_lending_market(0, 0), -1);
  EXPECT_EQ(snap.lending_venues[0].close_factor, 0.4);

  // Rows of one account need not be adjacent; accounts keep first-seen order.
  ASSERT_EQ(snap.lending_accounts.size(), 2u);
  EXPECT_EQ(snap.lending_accounts[0].id, "L1");
  ASSERT_EQ(snap.lending_accounts[0].balances.size(), 2u);
  EXPECT_EQ(snap.lending_accounts[0].balances[0].asset_index, 1);
  EXPECT_EQ(snap.lending_accounts[0].balances[0].collateral_amount, 10);
  EXPECT_EQ(snap.lending_accounts[0].balances[1].asset_index, 2);
  EXPECT_EQ(snap.lending_accounts[0].balances[1].debt_amount, 20000);
  EXPECT_EQ(snap.lending_accounts[1].id, "L2");

  ASSERT_EQ(snap.perp_markets.size(), 2u);
  EXPECT_EQ(snap.perp_markets[1].id, "ETH-PERP");
  EXPECT_EQ(snap.perp_markets[1].asset_index, 1);
  EXPECT_EQ(snap.perp_markets[1].maintenance_margin_fraction, 0.0075);
  EXPECT_EQ(snap.perp_markets[1].initial_margin_fraction, 0.02);

  ASSERT_EQ(snap.perp_accounts.size(), 1u);
  EXPECT_EQ(snap.perp_accounts[0].cross_collateral_usd, 10000);

  ASSERT_EQ(snap.perp_positions.size(), 4u);
  const perp_position& cross = snap.perp_positions[0];
  EXPECT_EQ(cross.account_id, "P1");
  EXPECT_EQ(cross.market_index, 0);
  EXPECT_EQ(cross.side, position_side::long_side);
  EXPECT_EQ(cross.size, 0.5);
  EXPECT_EQ(cross.entry_price_usd, 94000);
  EXPECT_EQ(cross.mode, margin_mode::cross);
  EXPECT_EQ(cross.isolated_margin_usd, 0);
  EXPECT_EQ(snap.perp_positions[1].side, position_side::short_side);
  const perp_position& isolated = snap.perp_positions[2];
  EXPECT_EQ(isolated.mode, margin_mode::isolated);
  EXPECT_EQ(isolated.isolated_margin_usd, 1000);
  EXPECT_EQ(snap.perp_positions[3].account_id, "P2");  // isolated only: no perp_accounts row
}

// Snapshots written before the liquidation parameters existed (the minimal
// snapshot's headers) load with the documented defaults.
TEST(LoadSnapshot, OldHeadersLoadWithTheLiquidationDefaults) {
  const test_directory temp;
  const auto& directory = temp.path();
  write_minimal_snapshot(directory);
  const snapshot snap = load_snapshot(directory);
  for (const asset& a : snap.assets) {
    EXPECT_TRUE(std::isinf(a.depth_usd) && a.depth_usd > 0) << a.id << ": no price impact";
  }
  for (const perp_market& m : snap.perp_markets) EXPECT_EQ(m.liquidation_fee, 0) << m.id;
  EXPECT_EQ(snap.lending_venues[0].close_factor, 0.4);
  EXPECT_EQ(snap.lending_venues[0].close_factor_hf_threshold,
            0.95);  // Aave v3.3 CLOSE_FACTOR_HF_THRESHOLD
  EXPECT_EQ(snap.lending_venues[0].small_position_usd,
            2000);  // MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD
  EXPECT_EQ(snap.lending_venues[0].reserve_usd, 0);
  EXPECT_EQ(snap.perp_venues[0].insurance_fund_usd, 0);
}

// The oracle's columns, in any order; empty or NULL: the spot price, age 0.
TEST(LoadSnapshot, OracleColumnsLoad) {
  const test_directory temp;
  const auto& directory = temp.path();
  write_minimal_snapshot(directory);
  write_text(directory / "assets.csv",
             "asset_id,oracle_age_seconds,spot_usd,oracle_price_usd\nBTC,1200,95000,94810.5\n"
             "ETH,,3500,NULL\nUSDC,0,1,1.0002\n");
  const snapshot snap = load_snapshot(directory);
  EXPECT_EQ(snap.assets[0].oracle_price_usd, 94810.5);
  EXPECT_EQ(snap.assets[0].oracle_age_seconds, 1200.0);
  EXPECT_TRUE(std::isnan(snap.assets[1].oracle_price_usd));
  EXPECT_EQ(snap.assets[1].oracle_price_or_spot_usd(), 3500.0);
  EXPECT_EQ(snap.assets[1].oracle_age_seconds, 0.0);
  EXPECT_EQ(snap.assets[2].oracle_price_or_spot_usd(), 1.0002);
  EXPECT_TRUE(snap.notices.empty());
}

// Without the columns: no oracle price (the spot price), age 0.
TEST(LoadSnapshot, OracleColumnsAreOptional) {
  const test_directory temp;
  write_minimal_snapshot(temp.path());
  const snapshot snap = load_snapshot(temp.path());
  for (const asset& a : snap.assets) {
    EXPECT_TRUE(std::isnan(a.oracle_price_usd)) << a.id;
    EXPECT_EQ(a.oracle_price_or_spot_usd(), a.spot_usd) << a.id;
    EXPECT_EQ(a.oracle_age_seconds, 0.0) << a.id;
  }
}

TEST(LoadSnapshot, LiquidationColumnsAndParametersLoad) {
  const test_directory temp;
  const auto& directory = temp.path();
  write_minimal_snapshot(directory);
  write_text(directory / "assets.csv",
             "asset_id,spot_usd,depth_usd\nBTC,95000,4e7\nETH,3500,25000000.5\nUSDC,1,\n");
  write_text(directory / "perp_markets.csv",
             "market_id,asset_id,maintenance_margin_fraction,initial_margin_fraction,"
             "liquidation_fee\n"
             "BTC-PERP,BTC,0.005,0.02,0.005\nETH-PERP,ETH,0.0075,0.02,0\n");
  write_text(directory / "protocol.csv",
             "parameter,value\ninsurance_fund_usd,1500000\nclose_factor,0.5\n"
             "close_factor_hf_threshold,1\nsmall_position_usd,0\nlending_reserve_usd,250000.25\n");
  const snapshot snap = load_snapshot(directory);
  EXPECT_EQ(snap.assets[0].depth_usd, 4e7);
  EXPECT_EQ(snap.assets[1].depth_usd, 25000000.5);
  EXPECT_TRUE(std::isinf(snap.assets[2].depth_usd)) << "empty: no price impact";
  EXPECT_EQ(snap.perp_markets[0].liquidation_fee, 0.005);
  EXPECT_EQ(snap.perp_markets[1].liquidation_fee, 0);
  EXPECT_EQ(snap.lending_venues[0].close_factor, 0.5);
  EXPECT_EQ(snap.lending_venues[0].close_factor_hf_threshold, 1);
  EXPECT_EQ(snap.lending_venues[0].small_position_usd, 0);
  EXPECT_EQ(snap.lending_venues[0].reserve_usd, 250000.25);
  EXPECT_EQ(snap.perp_venues[0].insurance_fund_usd, 1500000);
}

TEST(LoadSnapshot, OnlyAssetsIsAValidSnapshot) {
  const test_directory temp;
  const auto& directory = temp.path();
  write_text(directory / "assets.csv", "asset_id,spot_usd\nETH,3500\n");
  const snapshot snap = load_snapshot(directory);
  EXPECT_EQ(snap.assets.size(), 1u);
  EXPECT_TRUE(snap.lending_markets.empty());
  EXPECT_EQ(snap.lending_venues[0].close_factor, 0.5);  // documented default
  EXPECT_TRUE(snap.lending_accounts.empty());
  EXPECT_TRUE(snap.perp_positions.empty());
}

TEST(LoadSnapshot, HeaderOnlyFilesAreEmpty) {
  const test_directory temp;
  const auto& directory = temp.path();
  write_minimal_snapshot(directory);
  write_text(directory / "lending_balances.csv",
             "account_id,asset_id,collateral_amount,debt_amount\n");
  write_text(directory / "protocol.csv", "parameter,value\n");
  const snapshot snap = load_snapshot(directory);
  EXPECT_TRUE(snap.lending_accounts.empty());
  EXPECT_EQ(snap.lending_venues[0].close_factor, 0.5);
}

TEST(LoadSnapshot, CommentsBeforeTheHeaderAndCrlfAreAccepted) {
  const test_directory temp;
  const auto& directory = temp.path();
  write_minimal_snapshot(directory);
  write_text(directory / "assets.csv",
             "# exported from the warehouse\r\n# 2025-01-01T00:00Z\r\nasset_id,spot_usd\r\n"
             "BTC,95000\r\nETH,3.5e3\r\nUSDC,1\r\n");
  const snapshot snap = load_snapshot(directory);
  EXPECT_EQ(snap.assets[1].spot_usd, 3500);
}

TEST(LoadSnapshot, ZeroAmountsAndZeroThresholdsAreAllowed) {
  const test_directory temp;
  const auto& directory = temp.path();
  write_minimal_snapshot(directory);
  write_text(
      directory / "lending_markets.csv",
      "asset_id,ltv,liquidation_threshold,liquidation_bonus\nETH,0,0,0\nUSDC,0.77,0.8,0.045\n");
  write_text(directory / "lending_balances.csv",
             "account_id,asset_id,collateral_amount,debt_amount\nL1,ETH,0,-0\n");
  const snapshot snap = load_snapshot(directory);
  EXPECT_EQ(snap.lending_markets[0].liquidation_threshold, 0);
  EXPECT_EQ(snap.lending_accounts[0].balances[0].debt_amount, 0);
  EXPECT_FALSE(std::signbit(snap.lending_accounts[0].balances[0].debt_amount));
}

// --- warehouse exports: the minimal snapshot as Snowflake, BigQuery or pandas write it ---

// Quoted upper-case headers in another order, quoted fields, a pandas index
// column, NULL or nothing for zero, LONG and CROSS: the same snapshot.
TEST(LoadSnapshot, WarehouseExportReadsLikeTheStrictFiles) {
  const test_directory strict;
  write_minimal_snapshot(strict.path());
  const test_directory temp;
  const auto& directory = temp.path();
  write_text(directory / "assets.csv",
             "\"ASSET_ID\",\"SPOT_USD\"\n\"BTC\",\"95000\"\n\"ETH\",\"3500\"\n\"USDC\",\"1\"\n");
  write_text(directory / "lending_markets.csv",
             "LIQUIDATION_BONUS,Asset_Id,LTV,LIQUIDATION_THRESHOLD,\"MARKET NAME\"\n"
             "0.05,ETH,0.8,0.83,\"Ether, wrapped\"\n"
             "0.045,USDC,0.77,0.8,\"USD Coin \"\"bridged\"\"\"\n");
  write_text(directory / "protocol.csv", "\"PARAMETER\",\"VALUE\"\r\n\"CLOSE_FACTOR\",0.4\r\n");
  write_text(directory / "lending_balances.csv",
             "ACCOUNT_ID,ASSET_ID,COLLATERAL_AMOUNT,DEBT_AMOUNT\n"
             "L1,ETH,10,NULL\nL2,USDC,5000,\nL1,USDC,null,20000\n");
  write_text(directory / "perp_markets.csv",
             ",market_id,asset_id,maintenance_margin_fraction,initial_margin_fraction\n"
             "0,BTC-PERP,BTC,0.005,0.02\n1,ETH-PERP,ETH,0.0075,0.02\n");
  write_text(directory / "perp_accounts.csv",
             "cross_collateral_usd,account_id\n\"10000\",\"P1\"\n");
  write_text(directory / "perp_positions.csv",
             "ACCOUNT_ID,MARKET_ID,SIDE,SIZE,ENTRY_PRICE_USD,MARGIN_MODE,ISOLATED_MARGIN_USD,NOTE\n"
             "P1,BTC-PERP,LONG,0.5,94000,CROSS,NULL,\"two\nlines\"\n"
             "P1,ETH-PERP,Short,2,3600,Cross,0,\n"
             "P1,BTC-PERP,short,0.1,96000,ISOLATED,1000,\n"
             "P2,ETH-PERP,long,1.5,3400,Isolated,600,\n");
  const snapshot snap = load_snapshot(directory);
  expect_same_snapshot(load_snapshot(strict.path()), snap);
  EXPECT_EQ(snap.notices, (std::vector<std::string>{
                              (directory / "lending_markets.csv").string() +
                                  ":1: ignoring column 'MARKET NAME', not in the snapshot format",
                              (directory / "perp_markets.csv").string() +
                                  ":1: ignoring column '', not in the snapshot format",
                              (directory / "perp_positions.csv").string() +
                                  ":1: ignoring column 'NOTE', not in the snapshot format"}));
}

TEST(LoadSnapshot, StrictFilesHaveNoNotices) {
  const test_directory temp;
  write_minimal_snapshot(temp.path());
  EXPECT_TRUE(load_snapshot(temp.path()).notices.empty());
}

// A misspelled optional column is not the column: it reads as absent, with a notice.
TEST(LoadSnapshot, MisspelledOptionalColumnIsIgnoredWithANotice) {
  const test_directory temp;
  const auto& directory = temp.path();
  write_minimal_snapshot(directory);
  write_text(
      directory / "assets.csv",
      "# export\nasset_id,spot_usd,depth,extra\nBTC,95000,4e7,1\nETH,3500,1,2\nUSDC,1,1,3\n");
  const snapshot snap = load_snapshot(directory);
  EXPECT_TRUE(std::isinf(snap.assets[0].depth_usd));
  EXPECT_EQ(snap.notices,
            (std::vector<std::string>{
                (directory / "assets.csv").string() +
                ":2: ignoring columns 'depth', 'extra', not in the snapshot format"}));
}

// The columns where a missing value means zero (docs/snapshot-format.md), and
// depth_usd, where it means no price impact.
TEST(LoadSnapshot, NullOrEmptyIsZeroWhereZeroIsTheDefault) {
  const test_directory temp;
  const auto& directory = temp.path();
  write_minimal_snapshot(directory);
  write_text(directory / "assets.csv",
             "asset_id,spot_usd,depth_usd\nBTC,95000,NULL\nETH,3500,\nUSDC,1,1e8\n");
  write_text(directory / "lending_balances.csv",
             "account_id,asset_id,collateral_amount,debt_amount\nL1,ETH,NULL,null\nL1,USDC,,\n");
  write_text(directory / "perp_markets.csv",
             "market_id,asset_id,maintenance_margin_fraction,initial_margin_fraction,"
             "liquidation_fee\nBTC-PERP,BTC,0.005,0.02,NULL\nETH-PERP,ETH,0.0075,0.02,\n");
  write_text(directory / "perp_accounts.csv", "account_id,cross_collateral_usd\nP1,Null\nP3,\n");
  const snapshot snap = load_snapshot(directory);
  EXPECT_TRUE(std::isinf(snap.assets[0].depth_usd));
  EXPECT_TRUE(std::isinf(snap.assets[1].depth_usd));
  EXPECT_EQ(snap.assets[2].depth_usd, 1e8);
  for (const lending_balance& b : snap.lending_accounts[0].balances) {
    EXPECT_EQ(b.collateral_amount, 0);
    EXPECT_EQ(b.debt_amount, 0);
  }
  EXPECT_EQ(snap.perp_markets[0].liquidation_fee, 0);
  EXPECT_EQ(snap.perp_markets[1].liquidation_fee, 0);
  EXPECT_EQ(snap.perp_accounts[0].cross_collateral_usd, 0);
  EXPECT_EQ(snap.perp_accounts[1].cross_collateral_usd, 0);
}

// The unscaled-amount rule (docs/snapshot-format.md) on its permitted side: a
// whale's 5e5 ETH (1.75e9 USD), 1e15 units of a token at 2e-5 USD (2e10 USD),
// and a fractional amount, which no on-chain integer is.
TEST(LoadSnapshot, LargeAmountsThatAreNoOnChainIntegersLoad) {
  const test_directory temp;
  const auto& directory = temp.path();
  write_minimal_snapshot(directory);
  // MEME at 2^-10 USD: 1.024e15 units are exactly 1e12 USD, the bound itself.
  write_text(directory / "assets.csv",
             "asset_id,spot_usd\nBTC,95000\nETH,3500\nUSDC,1\nSHIB,2e-5\nMEME,0.0009765625\n");
  write_text(directory / "lending_markets.csv",
             "asset_id,ltv,liquidation_threshold,liquidation_bonus\nETH,0.8,0.83,0.05\n"
             "USDC,0.77,0.8,0.045\nSHIB,0.5,0.6,0.1\nMEME,0.5,0.6,0.1\n");
  write_text(directory / "lending_balances.csv",
             "account_id,asset_id,collateral_amount,debt_amount\nL1,ETH,500000,0\n"
             "L1,SHIB,0,1000000000000000\nL2,ETH,1000000000000000.5,0\n"
             "L3,MEME,1024000000000000,0\n");
  const snapshot snap = load_snapshot(directory);
  EXPECT_EQ(snap.lending_accounts[0].balances[0].collateral_amount, 5e5);
  EXPECT_EQ(snap.lending_accounts[0].balances[1].debt_amount, 1e15);
  EXPECT_EQ(snap.lending_accounts[1].balances[0].collateral_amount, 1000000000000000.5);
  EXPECT_EQ(snap.lending_accounts[2].balances[0].collateral_amount, 1.024e15);
}

// --- venues ---

// A snapshot written before venues existed: protocol.csv's values in the
// venues "lending" and "perp", every row in them.
TEST(LoadSnapshot, SampleLoadsAsOneLendingAndOnePerpVenue) {
  const snapshot snap = load_snapshot(sample_directory);
  ASSERT_EQ(snap.lending_venues.size(), 1u);
  ASSERT_EQ(snap.perp_venues.size(), 1u);
  const lending_venue& lending = snap.lending_venues[0];
  EXPECT_EQ(lending.id, "lending");
  // data/sample/protocol.csv
  EXPECT_EQ(lending.close_factor, 0.5);
  EXPECT_EQ(lending.close_factor_hf_threshold, 0.95);
  EXPECT_EQ(lending.small_position_usd, 2000);
  EXPECT_EQ(lending.reserve_usd, 2655251);
  EXPECT_EQ(snap.perp_venues[0].id, "perp");
  EXPECT_EQ(snap.perp_venues[0].insurance_fund_usd, 2778485);
  for (const lending_market& m : snap.lending_markets) EXPECT_EQ(m.venue_index, 0);
  for (const lending_account& a : snap.lending_accounts) EXPECT_EQ(a.venue_index, 0) << a.id;
  for (const perp_market& m : snap.perp_markets) EXPECT_EQ(m.venue_index, 0) << m.id;
  for (const perp_account& a : snap.perp_accounts) EXPECT_EQ(a.venue_index, 0) << a.id;
  for (const perp_position& p : snap.perp_positions) EXPECT_EQ(p.venue_index, 0);
}

TEST(LoadSnapshot, WithoutProtocolOrVenuesTheDefaultVenuesHaveTheDefaults) {
  const test_directory temp;
  write_text(temp.path() / "assets.csv", "asset_id,spot_usd\nETH,3500\n");
  const snapshot snap = load_snapshot(temp.path());
  ASSERT_EQ(snap.lending_venues.size(), 1u);
  ASSERT_EQ(snap.perp_venues.size(), 1u);
  EXPECT_EQ(snap.lending_venues[0].id, "lending");
  EXPECT_EQ(snap.lending_venues[0].small_position_usd, 2000);
  EXPECT_EQ(snap.lending_venues[0].reserve_usd, 0);
  EXPECT_EQ(snap.perp_venues[0].id, "perp");
  EXPECT_EQ(snap.perp_venues[0].insurance_fund_usd, 0);
}

TEST(LoadSnapshot, TwoVenuesOfEachKindLoadWithTheirIndices) {
  const test_directory temp;
  snapshot_testing::write_two_venue_snapshot(temp.path());
  const snapshot snap = load_snapshot(temp.path());
  EXPECT_TRUE(snap.notices.empty());

  // Indices count within a kind, in the file's order.
  ASSERT_EQ(snap.lending_venues.size(), 2u);
  EXPECT_EQ(snap.lending_venues[0].id, "aave");
  EXPECT_EQ(snap.lending_venues[0].reserve_usd, 1000000);
  EXPECT_EQ(snap.lending_venues[0].close_factor, 0.4);
  EXPECT_EQ(snap.lending_venues[0].close_factor_hf_threshold, 0.95);  // empty: the default
  EXPECT_EQ(snap.lending_venues[0].small_position_usd, 2000);
  EXPECT_EQ(snap.lending_venues[1].id, "spark");
  EXPECT_EQ(snap.lending_venues[1].reserve_usd, 0);
  EXPECT_EQ(snap.lending_venues[1].close_factor, 0.5);
  EXPECT_EQ(snap.lending_venues[1].close_factor_hf_threshold, 0.9);
  EXPECT_EQ(snap.lending_venues[1].small_position_usd, 100);
  ASSERT_EQ(snap.perp_venues.size(), 2u);
  EXPECT_EQ(snap.perp_venues[0].id, "dydx");
  EXPECT_EQ(snap.perp_venues[0].insurance_fund_usd, 500000);
  EXPECT_EQ(snap.perp_venues[1].id, "hl");
  EXPECT_EQ(snap.find_lending_venue("spark"), 1);
  EXPECT_EQ(snap.find_perp_venue("hl"), 1);

  ASSERT_EQ(snap.lending_markets.size(), 3u);
  EXPECT_EQ(snap.lending_markets[2].venue_index, 1);
  EXPECT_EQ(snap.lending_markets[2].ltv, 0.7);
  EXPECT_EQ(snap.find_lending_market(0, 1), 0);   // aave ETH
  EXPECT_EQ(snap.find_lending_market(1, 1), 2);   // spark ETH
  EXPECT_EQ(snap.find_lending_market(1, 2), -1);  // spark does not lend USDC

  ASSERT_EQ(snap.perp_markets.size(), 3u);
  EXPECT_EQ(snap.perp_markets[0].venue_index, 0);
  EXPECT_EQ(snap.perp_markets[2].id, "BTC-PERP");
  EXPECT_EQ(snap.perp_markets[2].venue_index, 1);
  EXPECT_EQ(snap.perp_markets[2].maintenance_margin_fraction, 0.01);

  ASSERT_EQ(snap.perp_positions.size(), 4u);
  EXPECT_EQ(snap.perp_positions[0].venue_index, 0);
  EXPECT_EQ(snap.perp_positions[0].market_index, 0);
  EXPECT_EQ(snap.perp_positions[1].venue_index, 1);
  EXPECT_EQ(snap.perp_positions[1].market_index, 2);  // hl's BTC-PERP, not dydx's
  EXPECT_EQ(snap.perp_positions[2].market_index, 1);
  EXPECT_EQ(snap.perp_positions[3].venue_index, 1);
  EXPECT_EQ(snap.perp_positions[3].market_index, 2);
}

// An account is an (id, venue) pair: L1 in aave and in spark are two accounts
// with their own balances, P1 in dydx and in hl two collateral balances.
TEST(LoadSnapshot, TheSameAccountIdInTwoVenuesIsTwoAccounts) {
  const test_directory temp;
  snapshot_testing::write_two_venue_snapshot(temp.path());
  const snapshot snap = load_snapshot(temp.path());
  ASSERT_EQ(snap.lending_accounts.size(), 3u);
  const lending_account& aave = snap.lending_accounts[0];
  EXPECT_EQ(aave.id, "L1");
  EXPECT_EQ(aave.venue_index, 0);
  ASSERT_EQ(aave.balances.size(), 2u);
  EXPECT_EQ(aave.balances[0].collateral_amount, 10);
  EXPECT_EQ(aave.balances[1].debt_amount, 20000);
  const lending_account& spark = snap.lending_accounts[1];
  EXPECT_EQ(spark.id, "L1");
  EXPECT_EQ(spark.venue_index, 1);
  ASSERT_EQ(spark.balances.size(), 1u);
  EXPECT_EQ(spark.balances[0].asset_index, 1);
  EXPECT_EQ(spark.balances[0].collateral_amount, 2);
  EXPECT_EQ(spark.balances[0].debt_amount, 1);
  EXPECT_EQ(snap.lending_accounts[2].id, "L2");
  EXPECT_EQ(snap.lending_accounts[2].venue_index, 1);

  ASSERT_EQ(snap.perp_accounts.size(), 2u);
  EXPECT_EQ(snap.perp_accounts[0].id, "P1");
  EXPECT_EQ(snap.perp_accounts[0].venue_index, 0);
  EXPECT_EQ(snap.perp_accounts[0].cross_collateral_usd, 10000);
  EXPECT_EQ(snap.perp_accounts[1].id, "P1");
  EXPECT_EQ(snap.perp_accounts[1].venue_index, 1);
  EXPECT_EQ(snap.perp_accounts[1].cross_collateral_usd, 300);
}

// Without the column, a table's rows belong to the only venue of its kind,
// whatever the other kind has.
TEST(LoadSnapshot, WithOneVenueOfAKindItsTablesNeedNoVenueColumn) {
  const test_directory temp;
  const auto& directory = temp.path();
  write_minimal_snapshot(directory);
  std::filesystem::remove(directory / "protocol.csv");
  write_text(directory / "venues.csv",
             "venue_id,kind,fund_usd\naave,lending,250\ndydx,perp,0\nhl,perp,7\n");
  write_text(directory / "perp_markets.csv",
             "market_id,asset_id,maintenance_margin_fraction,initial_margin_fraction,venue_id\n"
             "BTC-PERP,BTC,0.005,0.02,hl\nETH-PERP,ETH,0.0075,0.02,hl\n");
  write_text(directory / "perp_accounts.csv",
             "account_id,cross_collateral_usd,venue_id\nP1,10,hl\n");
  write_text(directory / "perp_positions.csv",
             "venue_id,account_id,market_id,side,size,entry_price_usd,margin_mode,"
             "isolated_margin_usd\nhl,P1,BTC-PERP,long,0.5,94000,cross,\n");
  const snapshot snap = load_snapshot(directory);
  ASSERT_EQ(snap.lending_venues.size(), 1u);
  EXPECT_EQ(snap.lending_venues[0].id, "aave");
  EXPECT_EQ(snap.lending_venues[0].reserve_usd, 250);
  EXPECT_EQ(snap.lending_venues[0].close_factor, 0.5);  // no rule columns: the defaults
  ASSERT_EQ(snap.lending_accounts.size(), 2u);
  for (const lending_account& a : snap.lending_accounts) EXPECT_EQ(a.venue_index, 0) << a.id;
  EXPECT_EQ(snap.perp_positions[0].venue_index, 1);
  EXPECT_EQ(snap.perp_venues[1].insurance_fund_usd, 7);
}

// A venue_id column may name the default venues of a snapshot without venues.csv.
TEST(LoadSnapshot, VenueColumnWithoutVenuesFileNamesTheDefaultVenues) {
  const test_directory temp;
  const auto& directory = temp.path();
  write_minimal_snapshot(directory);
  write_text(directory / "perp_accounts.csv",
             "account_id,cross_collateral_usd,venue_id\nP1,10000,perp\n");
  write_text(directory / "lending_balances.csv",
             "venue_id,account_id,asset_id,collateral_amount,debt_amount\nlending,L1,ETH,10,0\n");
  const snapshot snap = load_snapshot(directory);
  EXPECT_EQ(snap.perp_accounts[0].venue_index, 0);
  EXPECT_EQ(snap.lending_accounts[0].venue_index, 0);
  EXPECT_EQ(snap.lending_venues[0].close_factor, 0.4);  // protocol.csv's
}

// A perp exchange alone: no lending venue, lending tables absent or header-only.
TEST(LoadSnapshot, PerpVenuesWithoutALendingVenue) {
  const test_directory temp;
  const auto& directory = temp.path();
  write_minimal_snapshot(directory);
  std::filesystem::remove(directory / "protocol.csv");
  std::filesystem::remove(directory / "lending_markets.csv");
  write_text(directory / "lending_balances.csv",
             "account_id,asset_id,collateral_amount,debt_amount\n");
  write_text(directory / "venues.csv", "venue_id,kind,fund_usd\nhl,perp,1500\n");
  const snapshot snap = load_snapshot(directory);
  EXPECT_TRUE(snap.lending_venues.empty());
  EXPECT_TRUE(snap.lending_markets.empty());
  EXPECT_TRUE(snap.lending_accounts.empty());
  ASSERT_EQ(snap.perp_venues.size(), 1u);
  EXPECT_EQ(snap.perp_venues[0].insurance_fund_usd, 1500);
  EXPECT_EQ(snap.perp_positions.size(), 4u);
}

TEST(LoadSnapshot, LendingVenuesWithoutAPerpVenue) {
  const test_directory temp;
  const auto& directory = temp.path();
  write_minimal_snapshot(directory);
  std::filesystem::remove(directory / "protocol.csv");
  for (const char* file : {"perp_markets.csv", "perp_accounts.csv", "perp_positions.csv"}) {
    std::filesystem::remove(directory / file);
  }
  write_text(directory / "venues.csv", "venue_id,kind,fund_usd\naave,LENDING,0\n");
  const snapshot snap = load_snapshot(directory);
  EXPECT_EQ(snap.lending_venues.size(), 1u);
  EXPECT_TRUE(snap.perp_venues.empty());
  EXPECT_EQ(snap.lending_accounts.size(), 2u);
}

TEST(LoadSnapshot, UnknownVenueColumnIsIgnoredWithANotice) {
  const test_directory temp;
  const auto& directory = temp.path();
  write_minimal_snapshot(directory);
  std::filesystem::remove(directory / "protocol.csv");
  write_text(directory / "venues.csv",
             "venue_id,kind,fund_usd,chain\naave,lending,0,ethereum\nhl,perp,0,hyperliquid\n");
  EXPECT_EQ(load_snapshot(directory).notices,
            (std::vector<std::string>{(directory / "venues.csv").string() +
                                      ":1: ignoring column 'chain', not in the snapshot format"}));
}

// One directory per test holding the minimal snapshot; each test breaks one file.
class LoadSnapshotError : public ::testing::Test {
 protected:
  void SetUp() override { write_minimal_snapshot(directory_); }

  void replace(const char* file, const std::string& text) { write_text(directory_ / file, text); }
  // "<directory>/<file>" as messages print it.
  std::string path(const char* file) const { return (directory_ / file).string(); }
  std::string error() const { return load_error(directory_); }

  test_directory temp_;
  const std::filesystem::path& directory_ = temp_.path();
};

const std::string assets_header = "asset_id,spot_usd\n";
const std::string markets_header = "asset_id,ltv,liquidation_threshold,liquidation_bonus\n";
const std::string balances_header = "account_id,asset_id,collateral_amount,debt_amount\n";
const std::string perp_markets_header =
    "market_id,asset_id,maintenance_margin_fraction,initial_margin_fraction\n";
const std::string perp_accounts_header = "account_id,cross_collateral_usd\n";
const std::string positions_header =
    "account_id,market_id,side,size,entry_price_usd,margin_mode,isolated_margin_usd\n";

// --- the directory and its files ---

TEST_F(LoadSnapshotError, MissingDirectory) {
  const auto missing = directory_ / "nope";
  EXPECT_EQ(load_error(missing), missing.string() + ": snapshot directory not found");
}

TEST_F(LoadSnapshotError, FileInsteadOfDirectory) {
  const auto file = directory_ / "assets.csv";
  EXPECT_EQ(load_error(file),
            file.string() + ": not a directory; a snapshot is a directory of CSV files");
}

TEST_F(LoadSnapshotError, MissingAssetsFile) {
  std::filesystem::remove(directory_ / "assets.csv");
  EXPECT_EQ(error(), path("assets.csv") + ": file not found");
}

TEST_F(LoadSnapshotError, EmptyAssetsFile) {
  replace("assets.csv", "");
  EXPECT_EQ(error(), path("assets.csv") +
                         ": no header line, expected "
                         "'asset_id,spot_usd[,depth_usd][,oracle_price_usd][,oracle_age_seconds]'");
}

TEST_F(LoadSnapshotError, NoAssetRows) {
  replace("assets.csv", assets_header);
  EXPECT_EQ(error(), path("assets.csv") + ": no assets; at least one row is required");
}

// --- headers and rows ---

TEST_F(LoadSnapshotError, WrongHeaderColumnName) {
  replace("assets.csv", "asset_id,price\nBTC,95000\n");
  EXPECT_EQ(error(), path("assets.csv") +
                         ":1: header lacks column 'spot_usd' (header 'asset_id,price', expected "
                         "'asset_id,spot_usd[,depth_usd][,oracle_price_usd][,oracle_age_seconds]' "
                         "in any order and case)");
}

TEST_F(LoadSnapshotError, MissingHeaderColumn) {
  replace("lending_markets.csv", "asset_id,ltv,liquidation_threshold\n");
  EXPECT_EQ(
      error(),
      path("lending_markets.csv") +
          ":1: header lacks column 'liquidation_bonus' (header "
          "'asset_id,ltv,liquidation_threshold', expected "
          "'asset_id,ltv,liquidation_threshold,liquidation_bonus[,venue_id]' in any order and "
          "case)");
}

TEST_F(LoadSnapshotError, HeaderColumnGivenTwice) {
  replace("perp_accounts.csv", "account_id,cross_collateral_usd,Account_ID\n");
  EXPECT_EQ(error(), path("perp_accounts.csv") +
                         ":1: header column 3 'Account_ID' repeats column 1 'account_id'");
}

TEST_F(LoadSnapshotError, HeaderLineNumberCountsComments) {
  replace("assets.csv", "# comment\nasset,spot_usd\n");
  EXPECT_EQ(error(), path("assets.csv") +
                         ":2: header lacks column 'asset_id' (header 'asset,spot_usd', expected "
                         "'asset_id,spot_usd[,depth_usd][,oracle_price_usd][,oracle_age_seconds]' "
                         "in any order and case)");
}

TEST_F(LoadSnapshotError, TooManyFieldsInARow) {
  replace("assets.csv", assets_header + "BTC,95000\nETH,3500,extra\n");
  EXPECT_EQ(error(), path("assets.csv") + ":3: expected 2 fields (asset_id,spot_usd), got 3");
}

TEST_F(LoadSnapshotError, RowWithoutTheOptionalFieldItsHeaderHas) {
  replace("assets.csv", "asset_id,spot_usd,depth_usd\nBTC,95000,4e7\nETH,3500\n");
  EXPECT_EQ(error(),
            path("assets.csv") + ":3: expected 3 fields (asset_id,spot_usd,depth_usd), got 2");
}

TEST_F(LoadSnapshotError, TooFewFieldsInARow) {
  replace("perp_positions.csv", positions_header + "P2,ETH-PERP,long,1.5,3400,isolated\n");
  EXPECT_EQ(error(), path("perp_positions.csv") +
                         ":2: expected 7 fields (account_id,market_id,side,size,entry_price_usd,"
                         "margin_mode,isolated_margin_usd), got 6");
}

TEST_F(LoadSnapshotError, QuoteInsideAnUnquotedField) {
  replace("assets.csv", assets_header + "BTC,95000\nE\"TH\",3500\n");
  EXPECT_EQ(error(), path("assets.csv") +
                         ":3: field 'asset_id' has a quote character inside an unquoted field; "
                         "quote the whole field and write the quote as \"\"");
}

// Results and write_snapshot write ids unquoted: quoting does not let a comma in.
TEST_F(LoadSnapshotError, QuotedIdWithAComma) {
  replace("perp_accounts.csv", perp_accounts_header + "\"P1,P2\",10000\n");
  EXPECT_EQ(error(), path("perp_accounts.csv") +
                         ":2: field 'account_id' must be an id without whitespace, control "
                         "characters, commas or quotes, got 'P1,P2'");
}

// Where zero is no meaningful default, NULL is an error as an empty field is.
TEST_F(LoadSnapshotError, NullSpot) {
  replace("assets.csv", assets_header + "BTC,NULL\n");
  EXPECT_EQ(error(), path("assets.csv") +
                         ":2: field 'spot_usd' is 'NULL' (a missing value); this column needs one");
}

TEST_F(LoadSnapshotError, NullSize) {
  replace("perp_positions.csv", positions_header + "P2,ETH-PERP,long,null,3400,isolated,600\n");
  EXPECT_EQ(error(), path("perp_positions.csv") +
                         ":2: field 'size' is 'null' (a missing value); this column needs one");
}

TEST_F(LoadSnapshotError, NullIsolatedMargin) {
  replace("perp_positions.csv", positions_header + "P2,ETH-PERP,long,1,3400,isolated,NULL\n");
  EXPECT_EQ(error(), path("perp_positions.csv") +
                         ":2: field 'isolated_margin_usd' is 'NULL' (a missing value); this "
                         "column needs one");
}

TEST_F(LoadSnapshotError, NullAccountId) {
  replace("lending_balances.csv", balances_header + "NULL,ETH,1,0\n");
  EXPECT_EQ(error(), path("lending_balances.csv") +
                         ":2: field 'account_id' is 'NULL' (a missing value); this column needs "
                         "one");
}

TEST_F(LoadSnapshotError, NullProtocolValue) {
  replace("protocol.csv", "parameter,value\nclose_factor,NULL\n");
  EXPECT_EQ(error(), path("protocol.csv") +
                         ":2: field 'value' is 'NULL' (a missing value); this column needs one");
}

// --- amounts in the smallest on-chain unit ---

// 4.061793 ETH exported in wei: 4.06e18 x 3500 USD.
TEST_F(LoadSnapshotError, CollateralInWei) {
  replace("lending_balances.csv", balances_header + "L1,ETH,4061793000000000000,0\n");
  EXPECT_EQ(error(), path("lending_balances.csv") +
                         ":2: field 'collateral_amount' looks like an unscaled on-chain integer: "
                         "'4061793000000000000' x spot_usd 3500 is 1.42163e+22 USD, above the "
                         "1e+12 USD bound for one row; write amounts in whole units, divided by "
                         "10^decimals of the token (18 for ETH and most ERC-20s, 6 for USDC and "
                         "USDT, 8 for BTC)");
}

// At 1 USD, 10^15 units is the smallest whole amount refused: a billion USDC in 10^-6 units.
TEST_F(LoadSnapshotError, DebtInUsdcBaseUnits) {
  replace("lending_balances.csv", balances_header + "L1,USDC,0,1000000000000000\n");
  EXPECT_EQ(error(), path("lending_balances.csv") +
                         ":2: field 'debt_amount' looks like an unscaled on-chain integer: "
                         "'1000000000000000' x spot_usd 1 is 1e+15 USD, above the 1e+12 USD bound "
                         "for one row; write amounts in whole units, divided by 10^decimals of the "
                         "token (18 for ETH and most ERC-20s, 6 for USDC and USDT, 8 for BTC)");
}

TEST_F(LoadSnapshotError, PerpSizeInSatoshis) {
  replace("perp_positions.csv", positions_header + "P2,BTC-PERP,long,5e16,94000,isolated,600\n");
  EXPECT_EQ(error(), path("perp_positions.csv") +
                         ":2: field 'size' looks like an unscaled on-chain integer: '5e16' x "
                         "spot_usd 95000 is 4.75e+21 USD, above the 1e+12 USD bound for one row; "
                         "write amounts in whole units, divided by 10^decimals of the token (18 "
                         "for ETH and most ERC-20s, 6 for USDC and USDT, 8 for BTC)");
}

TEST_F(LoadSnapshotError, CrossCollateralInUsdcBaseUnits) {
  replace("perp_accounts.csv", perp_accounts_header + "P1,2084393964000000\n");
  EXPECT_EQ(error(), path("perp_accounts.csv") +
                         ":2: field 'cross_collateral_usd' looks like an unscaled on-chain "
                         "integer: '2084393964000000' is 2.08439e+15 USD, above the 1e+12 USD "
                         "bound for one row; write amounts in whole units, divided by 10^decimals "
                         "of the token (18 for ETH and most ERC-20s, 6 for USDC and USDT, 8 for "
                         "BTC)");
}

TEST_F(LoadSnapshotError, EmptyIdField) {
  replace("assets.csv", assets_header + ",95000\n");
  EXPECT_EQ(error(), path("assets.csv") + ":2: field 'asset_id' is empty");
}

TEST_F(LoadSnapshotError, EmptyNumberField) {
  replace("assets.csv", assets_header + "BTC,\n");
  EXPECT_EQ(error(), path("assets.csv") + ":2: field 'spot_usd' is empty");
}

// --- numbers ---

TEST_F(LoadSnapshotError, NegativeSpot) {
  replace("assets.csv", assets_header + "BTC,95000\nETH,3500\nUSDC,1\n\n\nDOGE,-3\n");
  EXPECT_EQ(error(),
            path("assets.csv") + ":7: field 'spot_usd' must be a finite number > 0, got '-3'");
}

TEST_F(LoadSnapshotError, ZeroSpot) {
  replace("assets.csv", assets_header + "BTC,0\n");
  EXPECT_EQ(error(),
            path("assets.csv") + ":2: field 'spot_usd' must be a finite number > 0, got '0'");
}

TEST_F(LoadSnapshotError, TrailingGarbageInANumber) {
  replace("assets.csv", assets_header + "BTC,12abc\n");
  EXPECT_EQ(error(),
            path("assets.csv") + ":2: field 'spot_usd' must be a finite number > 0, got '12abc'");
}

TEST_F(LoadSnapshotError, ZeroOraclePrice) {
  replace("assets.csv", "asset_id,spot_usd,oracle_price_usd\nBTC,95000,94000\nETH,3500,0\n");
  EXPECT_EQ(error(), path("assets.csv") +
                         ":3: field 'oracle_price_usd' must be a finite number > 0, got '0'");
}

TEST_F(LoadSnapshotError, InfiniteOraclePrice) {
  replace("assets.csv", "asset_id,spot_usd,oracle_price_usd\nBTC,95000,inf\n");
  EXPECT_EQ(error(), path("assets.csv") +
                         ":2: field 'oracle_price_usd' must be a finite number > 0, got 'inf'");
}

TEST_F(LoadSnapshotError, NanOraclePrice) {
  replace("assets.csv", "asset_id,spot_usd,oracle_price_usd\nBTC,95000,nan\n");
  EXPECT_EQ(error(), path("assets.csv") +
                         ":2: field 'oracle_price_usd' must be a finite number > 0, got 'nan'");
}

TEST_F(LoadSnapshotError, NegativeOracleAge) {
  replace("assets.csv", "asset_id,spot_usd,oracle_age_seconds\nBTC,95000,-1\n");
  EXPECT_EQ(error(), path("assets.csv") +
                         ":2: field 'oracle_age_seconds' must be a finite number >= 0, got '-1'");
}

TEST_F(LoadSnapshotError, InfiniteOracleAge) {
  replace("assets.csv", "asset_id,spot_usd,oracle_age_seconds\nBTC,95000,inf\n");
  EXPECT_EQ(error(), path("assets.csv") +
                         ":2: field 'oracle_age_seconds' must be a finite number >= 0, got 'inf'");
}

TEST_F(LoadSnapshotError, ThousandsSeparatorIsNotANumber) {
  replace("assets.csv", assets_header + "BTC,95 000\n");
  EXPECT_EQ(error(),
            path("assets.csv") + ":2: field 'spot_usd' must be a finite number > 0, got '95 000'");
}

TEST_F(LoadSnapshotError, NanIsNotANumber) {
  replace("assets.csv", assets_header + "BTC,nan\n");
  EXPECT_EQ(error(),
            path("assets.csv") + ":2: field 'spot_usd' must be a finite number > 0, got 'nan'");
}

TEST_F(LoadSnapshotError, InfinityIsNotFinite) {
  replace("lending_balances.csv", balances_header + "L1,ETH,inf,0\n");
  EXPECT_EQ(error(), path("lending_balances.csv") +
                         ":2: field 'collateral_amount' must be a finite number >= 0, got 'inf'");
}

// 1e308 ETH at 3500 USD is no finite double: the row's health factor would be NaN.
TEST_F(LoadSnapshotError, CollateralWorthMoreThanADoubleHolds) {
  replace("lending_balances.csv", balances_header + "L1,ETH,1e308,0\nL1,USDC,0,1e308\n");
  EXPECT_EQ(error(), path("lending_balances.csv") +
                         ":2: field 'collateral_amount' is worth more USD than a double holds: "
                         "'1e308' x spot_usd 3500 overflows (is it in the asset's units, not its "
                         "smallest on-chain unit?)");
}

TEST_F(LoadSnapshotError, PerpNotionalWorthMoreThanADoubleHolds) {
  replace("perp_positions.csv", positions_header + "P2,ETH-PERP,long,1e307,3400,isolated,600\n");
  EXPECT_EQ(error(), path("perp_positions.csv") +
                         ":2: field 'size' is worth more USD than a double holds: '1e307' x "
                         "spot_usd 3500 overflows (is it in the asset's units, not its smallest "
                         "on-chain unit?)");
}

// Result files store ids as UTF-8 strings, which strict readers decode.
TEST_F(LoadSnapshotError, IdThatIsNotUtf8) {
  replace("perp_accounts.csv", perp_accounts_header + "P1,10000\nP\xff\xfe,500\n");
  EXPECT_EQ(error(), path("perp_accounts.csv") +
                         ":3: field 'account_id' must be UTF-8 text, got 'P\\xFF\\xFE' (byte 2 is "
                         "not UTF-8)");
}

TEST(LoadSnapshot, Utf8IdsLoad) {
  const test_directory temp;
  write_minimal_snapshot(temp.path());
  write_text(temp.path() / "perp_accounts.csv",
             "account_id,cross_collateral_usd\nP1,10000\nR\xc3\xa9sum\xc3\xa9\xe2\x82\xac,5\n");
  const snapshot snap = load_snapshot(temp.path());
  ASSERT_EQ(snap.perp_accounts.size(), 2u);
  EXPECT_EQ(snap.perp_accounts[1].id, "R\xc3\xa9sum\xc3\xa9\xe2\x82\xac");
}

// A megabyte field is echoed by its start and its length, not whole.
TEST_F(LoadSnapshotError, HugeFieldIsEchoedInPart) {
  replace("assets.csv", assets_header + "BTC,9" + std::string(1000000, '1') + "x\n");
  const std::string message = error();
  EXPECT_LT(message.size(), 300u) << message.substr(0, 300);
  EXPECT_NE(message.find(path("assets.csv") + ":2: field 'spot_usd' must be a finite number > 0, "
                                              "got '9111"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("... (1000002 bytes)"), std::string::npos) << message;
}

// --- liquidation columns ---

const std::string assets_depth_header = "asset_id,spot_usd,depth_usd\n";
const std::string perp_markets_fee_header =
    "market_id,asset_id,maintenance_margin_fraction,initial_margin_fraction,liquidation_fee\n";

TEST_F(LoadSnapshotError, ZeroDepth) {
  replace("assets.csv", assets_depth_header + "BTC,95000,4e7\nETH,3500,0\n");
  EXPECT_EQ(error(), path("assets.csv") +
                         ":3: field 'depth_usd' must be a finite number > 0 (or empty: no price "
                         "impact), got '0'");
}

TEST_F(LoadSnapshotError, NegativeDepth) {
  replace("assets.csv", assets_depth_header + "BTC,95000,-4e7\n");
  EXPECT_EQ(error(), path("assets.csv") +
                         ":2: field 'depth_usd' must be a finite number > 0 (or empty: no price "
                         "impact), got '-4e7'");
}

TEST_F(LoadSnapshotError, DepthThatIsNoNumber) {
  replace("assets.csv", assets_depth_header + "BTC,95000,40M\n");
  EXPECT_EQ(error(), path("assets.csv") +
                         ":2: field 'depth_usd' must be a finite number > 0 (or empty: no price "
                         "impact), got '40M'");
}

// Infinite depth is written as an empty field, never as text.
TEST_F(LoadSnapshotError, InfiniteDepthAsText) {
  replace("assets.csv", assets_depth_header + "BTC,95000,inf\n");
  EXPECT_EQ(error(), path("assets.csv") +
                         ":2: field 'depth_usd' must be a finite number > 0 (or empty: no price "
                         "impact), got 'inf'");
}

TEST_F(LoadSnapshotError, NegativeLiquidationFee) {
  replace("perp_markets.csv", perp_markets_fee_header + "BTC-PERP,BTC,0.005,0.02,-0.001\n");
  EXPECT_EQ(error(), path("perp_markets.csv") +
                         ":2: field 'liquidation_fee' must be a finite number in [0, 1), got "
                         "'-0.001'");
}

TEST_F(LoadSnapshotError, LiquidationFeeOfOne) {
  replace("perp_markets.csv", perp_markets_fee_header +
                                  "BTC-PERP,BTC,0.005,0.02,0.005\n"
                                  "ETH-PERP,ETH,0.0075,0.02,1\n");
  EXPECT_EQ(error(), path("perp_markets.csv") +
                         ":3: field 'liquidation_fee' must be a finite number in [0, 1), got '1'");
}

TEST_F(LoadSnapshotError, LiquidationFeeThatIsNoNumber) {
  replace("perp_markets.csv", perp_markets_fee_header + "BTC-PERP,BTC,0.005,0.02,0.5%\n");
  EXPECT_EQ(error(), path("perp_markets.csv") +
                         ":2: field 'liquidation_fee' must be a finite number in [0, 1), got "
                         "'0.5%'");
}

// --- ids ---

TEST_F(LoadSnapshotError, DuplicateAsset) {
  replace("assets.csv", assets_header + "BTC,95000\nETH,3500\nBTC,94000\n");
  EXPECT_EQ(error(),
            path("assets.csv") + ":4: field 'asset_id' repeats asset 'BTC' (first on line 2)");
}

TEST_F(LoadSnapshotError, IdWithWhitespace) {
  replace("perp_accounts.csv", perp_accounts_header + "P 1,10000\n");
  EXPECT_EQ(error(), path("perp_accounts.csv") +
                         ":2: field 'account_id' must be an id without whitespace, control "
                         "characters, commas or quotes, got 'P 1'");
}

// --- lending_markets.csv ---

TEST_F(LoadSnapshotError, LendingMarketForUnknownAsset) {
  replace("lending_markets.csv", markets_header + "ETH,0.8,0.83,0.05\nWBTC,0.73,0.78,0.05\n");
  EXPECT_EQ(error(), path("lending_markets.csv") +
                         ":3: field 'asset_id' names an unknown asset 'WBTC' (not in assets.csv)");
}

TEST_F(LoadSnapshotError, DuplicateLendingMarket) {
  replace("lending_markets.csv", markets_header + "ETH,0.8,0.83,0.05\nETH,0.7,0.75,0.05\n");
  EXPECT_EQ(error(), path("lending_markets.csv") +
                         ":3: field 'asset_id' repeats asset 'ETH' (first on line 2)");
}

TEST_F(LoadSnapshotError, LtvAboveLiquidationThreshold) {
  replace("lending_markets.csv", markets_header + "ETH,0.85,0.83,0.05\n");
  EXPECT_EQ(error(), path("lending_markets.csv") +
                         ":2: field 'ltv' must be <= liquidation_threshold ('0.83'), got '0.85'");
}

TEST_F(LoadSnapshotError, LiquidationThresholdOfOne) {
  replace("lending_markets.csv", markets_header + "ETH,0.8,1,0\n");
  EXPECT_EQ(error(), path("lending_markets.csv") +
                         ":2: field 'liquidation_threshold' must be a finite number in [0, 1), "
                         "got '1'");
}

TEST_F(LoadSnapshotError, NegativeLiquidationBonus) {
  replace("lending_markets.csv", markets_header + "ETH,0.8,0.83,-0.05\n");
  EXPECT_EQ(error(), path("lending_markets.csv") +
                         ":2: field 'liquidation_bonus' must be a finite number in [0, 1), got "
                         "'-0.05'");
}

TEST_F(LoadSnapshotError, LiquidationSeizesMoreThanItRepays) {
  replace("lending_markets.csv", markets_header + "ETH,0.8,0.9,0.15\n");
  EXPECT_EQ(error(), path("lending_markets.csv") +
                         ":2: field 'liquidation_bonus' must satisfy liquidation_threshold * (1 + "
                         "liquidation_bonus) <= 1, got '0.9' * (1 + '0.15')");
}

// --- protocol.csv ---

TEST_F(LoadSnapshotError, UnknownProtocolParameter) {
  replace("protocol.csv", "parameter,value\nclose_factor,0.5\nreserve_factor,0.1\n");
  EXPECT_EQ(error(), path("protocol.csv") +
                         ":3: field 'parameter' names an unknown parameter 'reserve_factor' "
                         "(known: close_factor, close_factor_hf_threshold, small_position_usd, "
                         "lending_reserve_usd, insurance_fund_usd)");
}

TEST_F(LoadSnapshotError, ZeroCloseFactor) {
  replace("protocol.csv", "parameter,value\nclose_factor,0\n");
  EXPECT_EQ(error(),
            path("protocol.csv") + ":2: field 'value' must be a finite number in (0, 1], got '0'");
}

TEST_F(LoadSnapshotError, CloseFactorAboveOne) {
  replace("protocol.csv", "parameter,value\nclose_factor,1.5\n");
  EXPECT_EQ(error(), path("protocol.csv") +
                         ":2: field 'value' must be a finite number in (0, 1], got '1.5'");
}

TEST_F(LoadSnapshotError, RepeatedProtocolParameter) {
  replace("protocol.csv", "parameter,value\nclose_factor,0.5\nclose_factor,1\n");
  EXPECT_EQ(error(),
            path("protocol.csv") +
                ":3: field 'parameter' repeats parameter 'close_factor' (first on line 2)");
}

TEST_F(LoadSnapshotError, NegativeInsuranceFund) {
  replace("protocol.csv", "parameter,value\nclose_factor,0.5\ninsurance_fund_usd,-1\n");
  EXPECT_EQ(error(),
            path("protocol.csv") + ":3: field 'value' must be a finite number >= 0, got '-1'");
}

TEST_F(LoadSnapshotError, NegativeLendingReserve) {
  replace("protocol.csv", "parameter,value\nlending_reserve_usd,-250000\n");
  EXPECT_EQ(error(),
            path("protocol.csv") + ":2: field 'value' must be a finite number >= 0, got '-250000'");
}

TEST_F(LoadSnapshotError, NegativeSmallPositionThreshold) {
  replace("protocol.csv", "parameter,value\nsmall_position_usd,-2000\n");
  EXPECT_EQ(error(),
            path("protocol.csv") + ":2: field 'value' must be a finite number >= 0, got '-2000'");
}

TEST_F(LoadSnapshotError, InfiniteInsuranceFund) {
  replace("protocol.csv", "parameter,value\ninsurance_fund_usd,inf\n");
  EXPECT_EQ(error(),
            path("protocol.csv") + ":2: field 'value' must be a finite number >= 0, got 'inf'");
}

TEST_F(LoadSnapshotError, ZeroCloseFactorHfThreshold) {
  replace("protocol.csv", "parameter,value\nclose_factor_hf_threshold,0\n");
  EXPECT_EQ(error(),
            path("protocol.csv") + ":2: field 'value' must be a finite number in (0, 1], got '0'");
}

TEST_F(LoadSnapshotError, CloseFactorHfThresholdAboveOne) {
  replace("protocol.csv", "parameter,value\nclose_factor_hf_threshold,1.05\n");
  EXPECT_EQ(error(), path("protocol.csv") +
                         ":2: field 'value' must be a finite number in (0, 1], got '1.05'");
}

TEST_F(LoadSnapshotError, RepeatedLiquidationParameter) {
  replace("protocol.csv",
          "parameter,value\ninsurance_fund_usd,100\nclose_factor,0.5\ninsurance_fund_usd,200\n");
  EXPECT_EQ(error(), path("protocol.csv") +
                         ":4: field 'parameter' repeats parameter 'insurance_fund_usd' (first on "
                         "line 2)");
}

// --- lending_balances.csv ---

TEST_F(LoadSnapshotError, BalanceInUnknownAsset) {
  replace("lending_balances.csv", balances_header + "L1,ETH,10,0\nL1,DAI,0,100\n");
  EXPECT_EQ(error(), path("lending_balances.csv") +
                         ":3: field 'asset_id' names an unknown asset 'DAI' (not in assets.csv)");
}

TEST_F(LoadSnapshotError, BalanceInAssetWithoutLendingMarket) {
  replace("lending_balances.csv", balances_header + "L1,BTC,1,0\n");
  EXPECT_EQ(error(), path("lending_balances.csv") +
                         ":2: field 'asset_id' names asset 'BTC', which has no row in "
                         "lending_markets.csv");
}

TEST_F(LoadSnapshotError, RepeatedAccountAssetPairNotAdjacent) {
  replace("lending_balances.csv",
          balances_header + "L1,ETH,10,0\nL2,USDC,5,0\nL1,USDC,0,100\nL1,ETH,0,1\n");
  EXPECT_EQ(error(), path("lending_balances.csv") +
                         ":5: field 'asset_id' repeats asset 'ETH' for account 'L1' (first on "
                         "line 2)");
}

TEST_F(LoadSnapshotError, NegativeDebt) {
  replace("lending_balances.csv", balances_header + "L1,USDC,0,-100\n");
  EXPECT_EQ(error(), path("lending_balances.csv") +
                         ":2: field 'debt_amount' must be a finite number >= 0, got '-100'");
}

// --- perp_markets.csv ---

TEST_F(LoadSnapshotError, DuplicatePerpMarket) {
  replace("perp_markets.csv",
          perp_markets_header + "BTC-PERP,BTC,0.005,0.02\nBTC-PERP,BTC,0.01,0.05\n");
  EXPECT_EQ(error(), path("perp_markets.csv") +
                         ":3: field 'market_id' repeats market 'BTC-PERP' (first on line 2)");
}

TEST_F(LoadSnapshotError, PerpMarketOnUnknownAsset) {
  replace("perp_markets.csv", perp_markets_header + "SOL-PERP,SOL,0.01,0.05\n");
  EXPECT_EQ(error(), path("perp_markets.csv") +
                         ":2: field 'asset_id' names an unknown asset 'SOL' (not in assets.csv)");
}

TEST_F(LoadSnapshotError, MaintenanceNotBelowInitialMargin) {
  replace("perp_markets.csv", perp_markets_header + "BTC-PERP,BTC,0.05,0.05\n");
  EXPECT_EQ(error(), path("perp_markets.csv") +
                         ":2: field 'maintenance_margin_fraction' must be < "
                         "initial_margin_fraction ('0.05'), got '0.05'");
}

TEST_F(LoadSnapshotError, ZeroMaintenanceMargin) {
  replace("perp_markets.csv", perp_markets_header + "BTC-PERP,BTC,0,0.02\n");
  EXPECT_EQ(error(), path("perp_markets.csv") +
                         ":2: field 'maintenance_margin_fraction' must be a finite number in (0, "
                         "1), got '0'");
}

TEST_F(LoadSnapshotError, InitialMarginAboveOne) {
  replace("perp_markets.csv", perp_markets_header + "BTC-PERP,BTC,0.5,1.5\n");
  EXPECT_EQ(error(), path("perp_markets.csv") +
                         ":2: field 'initial_margin_fraction' must be a finite number in (0, 1], "
                         "got '1.5'");
}

// --- perp_accounts.csv ---

TEST_F(LoadSnapshotError, DuplicatePerpAccount) {
  replace("perp_accounts.csv", perp_accounts_header + "P1,10000\nP1,5\n");
  EXPECT_EQ(error(), path("perp_accounts.csv") +
                         ":3: field 'account_id' repeats account 'P1' (first on line 2)");
}

TEST_F(LoadSnapshotError, NegativeCrossCollateral) {
  replace("perp_accounts.csv", perp_accounts_header + "P1,-1\n");
  EXPECT_EQ(error(), path("perp_accounts.csv") +
                         ":2: field 'cross_collateral_usd' must be a finite number >= 0, got '-1'");
}

// --- perp_positions.csv ---

TEST_F(LoadSnapshotError, PositionInUnknownMarket) {
  replace("perp_positions.csv", positions_header + "P2,SOL-PERP,long,1,240,isolated,50\n");
  EXPECT_EQ(error(), path("perp_positions.csv") +
                         ":2: field 'market_id' names an unknown market 'SOL-PERP' (not in "
                         "perp_markets.csv)");
}

TEST_F(LoadSnapshotError, UnknownSide) {
  replace("perp_positions.csv", positions_header + "P2,ETH-PERP,buy,1,3400,isolated,600\n");
  EXPECT_EQ(error(), path("perp_positions.csv") +
                         ":2: field 'side' must be 'long' or 'short' (in any case), got 'buy'");
}

TEST_F(LoadSnapshotError, ZeroSize) {
  replace("perp_positions.csv", positions_header + "P2,ETH-PERP,long,0,3400,isolated,600\n");
  EXPECT_EQ(error(),
            path("perp_positions.csv") + ":2: field 'size' must be a finite number > 0, got '0'");
}

TEST_F(LoadSnapshotError, NegativeEntryPrice) {
  replace("perp_positions.csv", positions_header + "P2,ETH-PERP,long,1,-3400,isolated,600\n");
  EXPECT_EQ(error(), path("perp_positions.csv") +
                         ":2: field 'entry_price_usd' must be a finite number > 0, got '-3400'");
}

TEST_F(LoadSnapshotError, UnknownMarginMode) {
  replace("perp_positions.csv", positions_header + "P2,ETH-PERP,long,1,3400,isolate,600\n");
  EXPECT_EQ(error(), path("perp_positions.csv") +
                         ":2: field 'margin_mode' must be 'isolated' or 'cross' (in any case), "
                         "got 'isolate'");
}

TEST_F(LoadSnapshotError, IsolatedPositionWithoutMargin) {
  replace("perp_positions.csv", positions_header + "P2,ETH-PERP,long,1,3400,isolated,\n");
  EXPECT_EQ(error(), path("perp_positions.csv") + ":2: field 'isolated_margin_usd' is empty");
}

TEST_F(LoadSnapshotError, IsolatedPositionWithZeroMargin) {
  replace("perp_positions.csv", positions_header + "P2,ETH-PERP,long,1,3400,isolated,0\n");
  EXPECT_EQ(error(), path("perp_positions.csv") +
                         ":2: field 'isolated_margin_usd' must be a finite number > 0, got '0'");
}

TEST_F(LoadSnapshotError, CrossPositionWithIsolatedMargin) {
  replace("perp_positions.csv", positions_header + "P1,ETH-PERP,long,1,3400,cross,600\n");
  EXPECT_EQ(error(), path("perp_positions.csv") +
                         ":2: field 'isolated_margin_usd' must be 0, empty or NULL for a cross "
                         "position, got '600'");
}

TEST_F(LoadSnapshotError, CrossPositionOfUnknownAccount) {
  replace("perp_positions.csv", positions_header +
                                    "P1,ETH-PERP,long,1,3400,cross,\n"
                                    "P9,ETH-PERP,long,1,3400,cross,\n");
  EXPECT_EQ(error(), path("perp_positions.csv") +
                         ":3: field 'account_id' names account 'P9', which has no row in "
                         "perp_accounts.csv; cross positions need one");
}

TEST_F(LoadSnapshotError, TwoIsolatedPositionsInOneMarket) {
  replace("perp_positions.csv", positions_header +
                                    "P2,ETH-PERP,long,1,3400,isolated,600\n"
                                    "P1,ETH-PERP,long,1,3400,cross,\n"
                                    "P2,ETH-PERP,short,1,3500,isolated,600\n");
  EXPECT_EQ(error(), path("perp_positions.csv") +
                         ":4: field 'market_id' repeats the isolated position of account 'P2' in "
                         "market 'ETH-PERP' (first on line 2)");
}

TEST_F(LoadSnapshotError, TwoCrossPositionsInOneMarket) {
  replace("perp_positions.csv", positions_header +
                                    "P1,ETH-PERP,long,1,3400,cross,\n"
                                    "P1,ETH-PERP,long,2,3300,cross,0\n");
  EXPECT_EQ(error(), path("perp_positions.csv") +
                         ":3: field 'market_id' repeats the cross position of account 'P1' in "
                         "market 'ETH-PERP' (first on line 2)");
}

// --- venues.csv ---

const std::string venues_header = "venue_id,kind,fund_usd\n";

// The minimal snapshot with venues.csv in place of protocol.csv.
class LoadSnapshotVenuesFileError : public LoadSnapshotError {
 protected:
  void use_venues(const std::string& text) {
    std::filesystem::remove(directory_ / "protocol.csv");
    replace("venues.csv", text);
  }
};

TEST_F(LoadSnapshotVenuesFileError, ProtocolAndVenuesBoth) {
  replace("venues.csv", venues_header + "aave,lending,0\nhl,perp,0\n");
  EXPECT_EQ(error(), directory_.string() +
                         ": protocol.csv and venues.csv both give venue parameters; venues.csv "
                         "holds each venue's fund and liquidation rules: remove protocol.csv");
}

TEST_F(LoadSnapshotVenuesFileError, NoVenueRows) {
  use_venues("# exported\n" + venues_header);
  EXPECT_EQ(error(), path("venues.csv") + ": no venues; at least one row is required");
}

TEST_F(LoadSnapshotVenuesFileError, MissingFundColumn) {
  use_venues("venue_id,kind\naave,lending\n");
  EXPECT_EQ(error(), path("venues.csv") +
                         ":1: header lacks column 'fund_usd' (header 'venue_id,kind', expected "
                         "'venue_id,kind,fund_usd[,close_factor][,close_factor_hf_threshold][,"
                         "small_position_usd]' in any order and case)");
}

TEST_F(LoadSnapshotVenuesFileError, UnknownKind) {
  use_venues(venues_header + "aave,lending,0\nbinance,spot,0\n");
  EXPECT_EQ(error(), path("venues.csv") +
                         ":3: field 'kind' must be 'lending' or 'perp' (in any case), got 'spot'");
}

TEST_F(LoadSnapshotVenuesFileError, NegativeFund) {
  use_venues(venues_header + "aave,lending,-1\n");
  EXPECT_EQ(error(),
            path("venues.csv") + ":2: field 'fund_usd' must be a finite number >= 0, got '-1'");
}

TEST_F(LoadSnapshotVenuesFileError, MissingFund) {
  use_venues(venues_header + "aave,lending,0\nhl,perp,NULL\n");
  EXPECT_EQ(error(), path("venues.csv") +
                         ":3: field 'fund_usd' is 'NULL' (a missing value); this column needs one");
}

TEST_F(LoadSnapshotVenuesFileError, LendingRuleOnAPerpVenue) {
  use_venues(
      "venue_id,kind,fund_usd,close_factor,small_position_usd\naave,lending,0,0.5,\n"
      "hl,perp,0,,2000\n");
  EXPECT_EQ(error(), path("venues.csv") +
                         ":3: field 'small_position_usd' must be empty for a perp venue (it is a "
                         "lending venue's rule), got '2000'");
}

TEST_F(LoadSnapshotVenuesFileError, ZeroCloseFactor) {
  use_venues("venue_id,kind,fund_usd,close_factor\naave,lending,0,0\n");
  EXPECT_EQ(error(), path("venues.csv") +
                         ":2: field 'close_factor' must be a finite number in (0, 1], got '0'");
}

TEST_F(LoadSnapshotVenuesFileError, CloseFactorHfThresholdAboveOne) {
  use_venues("venue_id,kind,fund_usd,close_factor_hf_threshold\naave,lending,0,1.5\n");
  EXPECT_EQ(error(), path("venues.csv") +
                         ":2: field 'close_factor_hf_threshold' must be a finite number in (0, 1], "
                         "got '1.5'");
}

TEST_F(LoadSnapshotVenuesFileError, NegativeSmallPosition) {
  use_venues("venue_id,kind,fund_usd,small_position_usd\naave,lending,0,-5\n");
  EXPECT_EQ(error(), path("venues.csv") +
                         ":2: field 'small_position_usd' must be a finite number >= 0, got '-5'");
}

// Ids are unique across both kinds: a row names a venue, not a (kind, venue).
TEST_F(LoadSnapshotVenuesFileError, DuplicateVenueIdAcrossKinds) {
  use_venues(venues_header + "aave,lending,0\nhl,perp,0\naave,perp,0\n");
  EXPECT_EQ(error(),
            path("venues.csv") + ":4: field 'venue_id' repeats venue 'aave' (first on line 2)");
}

TEST_F(LoadSnapshotVenuesFileError, VenueIdWithWhitespace) {
  use_venues(venues_header + "aave v3,lending,0\n");
  EXPECT_EQ(error(), path("venues.csv") +
                         ":2: field 'venue_id' must be an id without whitespace, control "
                         "characters, commas or quotes, got 'aave v3'");
}

TEST_F(LoadSnapshotVenuesFileError, LendingRowsWithoutALendingVenue) {
  use_venues(venues_header + "hl,perp,0\n");
  EXPECT_EQ(error(), path("lending_markets.csv") +
                         ":1: the file has rows (the first on line 2), but the snapshot has no "
                         "lending venue (venues.csv lists none)");
}

TEST_F(LoadSnapshotVenuesFileError, PerpRowsWithoutAPerpVenue) {
  use_venues(venues_header + "aave,lending,0\n");
  EXPECT_EQ(error(), path("perp_markets.csv") +
                         ":1: the file has rows (the first on line 2), but the snapshot has no "
                         "perp venue (venues.csv lists none)");
}

// --- venue_id columns ---

// The two-venue snapshot; each test breaks one file.
class LoadSnapshotVenueError : public LoadSnapshotError {
 protected:
  void SetUp() override { snapshot_testing::write_two_venue_snapshot(directory_); }
};

TEST_F(LoadSnapshotVenueError, MissingVenueColumnWithTwoVenues) {
  replace("lending_balances.csv", "# export\n" + balances_header + "L1,ETH,10,0\n");
  EXPECT_EQ(error(), path("lending_balances.csv") +
                         ":2: header has no column 'venue_id', and the snapshot has 2 lending "
                         "venues ('aave', 'spark'): each row must name its venue");
}

TEST_F(LoadSnapshotVenueError, MissingVenueColumnInPerpPositions) {
  replace("perp_positions.csv", positions_header + "P2,BTC-PERP,long,0.1,96000,isolated,1000\n");
  EXPECT_EQ(error(), path("perp_positions.csv") +
                         ":1: header has no column 'venue_id', and the snapshot has 2 perp "
                         "venues ('dydx', 'hl'): each row must name its venue");
}

// Header-only: no row needs a venue.
TEST(LoadSnapshot, HeaderOnlyTablesNeedNoVenueColumn) {
  const test_directory temp;
  snapshot_testing::write_two_venue_snapshot(temp.path());
  write_text(temp.path() / "perp_positions.csv", positions_header);
  EXPECT_TRUE(load_snapshot(temp.path()).perp_positions.empty());
}

TEST_F(LoadSnapshotVenueError, UnknownVenue) {
  replace("lending_markets.csv",
          "venue_id,asset_id,ltv,liquidation_threshold,liquidation_bonus\naave,ETH,0.8,0.83,0.05\n"
          "compound,ETH,0.8,0.83,0.05\n");
  EXPECT_EQ(error(), path("lending_markets.csv") +
                         ":3: field 'venue_id' names an unknown venue 'compound' (not in "
                         "venues.csv)");
}

TEST_F(LoadSnapshotError, UnknownVenueWithoutVenuesFile) {
  replace("perp_accounts.csv", "account_id,cross_collateral_usd,venue_id\nP1,10000,dydx\n");
  EXPECT_EQ(error(), path("perp_accounts.csv") +
                         ":2: field 'venue_id' names an unknown venue 'dydx' (without venues.csv, "
                         "the venues are 'lending' and 'perp')");
}

TEST_F(LoadSnapshotVenueError, VenueOfTheOtherKind) {
  replace("lending_balances.csv",
          "account_id,asset_id,collateral_amount,debt_amount,venue_id\n"
          "L1,ETH,10,0,aave\nL1,ETH,10,0,hl\n");
  EXPECT_EQ(error(), path("lending_balances.csv") +
                         ":3: field 'venue_id' names venue 'hl', which is a perp venue, not a "
                         "lending venue");
}

TEST_F(LoadSnapshotVenueError, PerpMarketInALendingVenue) {
  replace("perp_markets.csv",
          "venue_id,market_id,asset_id,maintenance_margin_fraction,initial_margin_fraction\n"
          "spark,BTC-PERP,BTC,0.005,0.02\n");
  EXPECT_EQ(error(), path("perp_markets.csv") +
                         ":2: field 'venue_id' names venue 'spark', which is a lending venue, not "
                         "a perp venue");
}

TEST_F(LoadSnapshotVenueError, EmptyVenueField) {
  replace("perp_accounts.csv", "account_id,venue_id,cross_collateral_usd\nP1,,10000\n");
  EXPECT_EQ(error(), path("perp_accounts.csv") + ":2: field 'venue_id' is empty");
}

// --- keys per venue ---

TEST_F(LoadSnapshotVenueError, LendingMarketDuplicatedWithinAVenue) {
  replace("lending_markets.csv",
          "venue_id,asset_id,ltv,liquidation_threshold,liquidation_bonus\naave,ETH,0.8,0.83,0.05\n"
          "spark,ETH,0.7,0.75,0.06\naave,ETH,0.7,0.75,0.05\n");
  EXPECT_EQ(error(), path("lending_markets.csv") +
                         ":4: field 'asset_id' repeats asset 'ETH' in venue 'aave' (first on line "
                         "2)");
}

TEST_F(LoadSnapshotVenueError, PerpMarketDuplicatedWithinAVenue) {
  replace("perp_markets.csv",
          "venue_id,market_id,asset_id,maintenance_margin_fraction,initial_margin_fraction\n"
          "hl,BTC-PERP,BTC,0.005,0.02\ndydx,BTC-PERP,BTC,0.005,0.02\nhl,BTC-PERP,BTC,0.01,0.05\n");
  EXPECT_EQ(error(), path("perp_markets.csv") +
                         ":4: field 'market_id' repeats market 'BTC-PERP' in venue 'hl' (first on "
                         "line 2)");
}

TEST_F(LoadSnapshotVenueError, PerpAccountDuplicatedWithinAVenue) {
  replace("perp_accounts.csv",
          "account_id,venue_id,cross_collateral_usd\nP1,dydx,1\nP1,hl,2\n"
          "P1,dydx,3\n");
  EXPECT_EQ(error(), path("perp_accounts.csv") +
                         ":4: field 'account_id' repeats account 'P1' in venue 'dydx' (first on "
                         "line 2)");
}

TEST_F(LoadSnapshotVenueError, BalanceInAnAssetTheVenueDoesNotLend) {
  replace("lending_balances.csv",
          "account_id,asset_id,collateral_amount,debt_amount,venue_id\n"
          "L1,USDC,10,0,aave\nL1,USDC,10,0,spark\n");
  EXPECT_EQ(error(), path("lending_balances.csv") +
                         ":3: field 'asset_id' names asset 'USDC', which has no row in "
                         "lending_markets.csv for venue 'spark'");
}

TEST_F(LoadSnapshotVenueError, BalanceRepeatedWithinAVenueAccount) {
  replace("lending_balances.csv",
          "account_id,asset_id,collateral_amount,debt_amount,venue_id\n"
          "L1,ETH,10,0,aave\nL1,ETH,10,0,spark\nL1,ETH,0,1,aave\n");
  EXPECT_EQ(error(), path("lending_balances.csv") +
                         ":4: field 'asset_id' repeats asset 'ETH' for account 'L1' in venue "
                         "'aave' (first on line 2)");
}

// P1 has a perp_accounts row in dydx only: its cross position in hl has no collateral.
TEST_F(LoadSnapshotVenueError, CrossPositionWhoseAccountIsInAnotherVenue) {
  replace("perp_accounts.csv", "account_id,venue_id,cross_collateral_usd\nP1,dydx,10000\n");
  EXPECT_EQ(error(), path("perp_positions.csv") +
                         ":3: field 'account_id' names account 'P1', which has no row in "
                         "perp_accounts.csv for venue 'hl'; cross positions need one");
}

// hl lists BTC-PERP only; dydx's ETH-PERP is no market of hl.
TEST_F(LoadSnapshotVenueError, PositionInAMarketOfAnotherVenue) {
  replace(
      "perp_positions.csv",
      "venue_id,account_id,market_id,side,size,entry_price_usd,margin_mode,isolated_margin_usd\n"
      "dydx,P2,ETH-PERP,long,1,3400,isolated,600\nhl,P2,ETH-PERP,long,1,3400,isolated,600\n");
  EXPECT_EQ(error(), path("perp_positions.csv") +
                         ":3: field 'market_id' names an unknown market 'ETH-PERP' in venue 'hl' "
                         "(not in perp_markets.csv)");
}

TEST_F(LoadSnapshotVenueError, PositionRepeatedWithinAVenue) {
  replace(
      "perp_positions.csv",
      "venue_id,account_id,market_id,side,size,entry_price_usd,margin_mode,isolated_margin_usd\n"
      "hl,P2,BTC-PERP,long,1,94000,isolated,600\ndydx,P2,BTC-PERP,long,1,94000,isolated,600\n"
      "hl,P2,BTC-PERP,short,1,95000,isolated,600\n");
  EXPECT_EQ(error(), path("perp_positions.csv") +
                         ":4: field 'market_id' repeats the isolated position of account 'P2' in "
                         "market 'BTC-PERP' in venue 'hl' (first on line 2)");
}

}  // namespace
}  // namespace levrisk
