// write_snapshot: what it writes loads back exactly (round trip), and it refuses
// what the format cannot hold.

#include "host/snapshot/write_snapshot.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>

#include "host/snapshot/load_snapshot.hpp"
#include "host/snapshot/synth.hpp"
#include "tests/host/snapshot/snapshot_fixtures.hpp"

namespace levrisk {
namespace {

using snapshot_testing::expect_same_snapshot;
using snapshot_testing::test_directory;
using snapshot_testing::write_minimal_snapshot;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

TEST(WriteSnapshot, SyntheticSnapshotRoundTripsExactly) {
  synth_options options;
  options.lending_accounts = 500;
  options.perp_accounts = 300;
  options.seed = 7;
  const snapshot original = synthesize_snapshot(options);
  const test_directory temp;
  const auto directory = temp.path() / "written";  // created by the writer
  write_snapshot(original, directory);
  expect_same_snapshot(original, load_snapshot(directory));
}

TEST(WriteSnapshot, LoadedSnapshotRewritesToTheSameSnapshot) {
  const test_directory temp;
  const auto& directory = temp.path();
  write_minimal_snapshot(directory / "in");
  const snapshot loaded = load_snapshot(directory / "in");
  write_snapshot(loaded, directory / "out");
  expect_same_snapshot(loaded, load_snapshot(directory / "out"));
}

// Doubles whose shortest decimal needs 17 digits, or sits at the edges of the range.
TEST(WriteSnapshot, DoublesRoundTripBitForBit) {
  snapshot snap;
  const double awkward[] = {0.1 + 0.2,
                            1.0 / 3.0,
                            std::nextafter(95000.0, 1e9),
                            std::numeric_limits<double>::denorm_min(),
                            std::numeric_limits<double>::min(),
                            std::numeric_limits<double>::max(),
                            123456789012345678.0,
                            5e-324 * 3};
  int i = 0;
  for (const double spot : awkward) snap.assets.push_back(asset{"A" + std::to_string(i++), spot});
  const test_directory temp;
  const auto& directory = temp.path();
  write_snapshot(snap, directory);
  const snapshot loaded = load_snapshot(directory);
  ASSERT_EQ(loaded.assets.size(), snap.assets.size());
  for (std::size_t k = 0; k < snap.assets.size(); ++k) {
    EXPECT_EQ(loaded.assets[k].spot_usd, snap.assets[k].spot_usd) << snap.assets[k].id;
  }
}

TEST(WriteSnapshot, WritesAllSevenFilesWithTheirHeaders) {
  snapshot snap;
  snap.assets.push_back(asset{"ETH", 3500});
  const test_directory temp;
  const auto& directory = temp.path();
  write_snapshot(snap, directory);
  EXPECT_EQ(read_text(directory / "assets.csv"), "asset_id,spot_usd,depth_usd\nETH,3500,\n");
  EXPECT_EQ(read_text(directory / "protocol.csv"),
            "parameter,value\nclose_factor,0.5\nclose_factor_hf_threshold,0.95\n"
            "small_position_usd,2000\nlending_reserve_usd,0\ninsurance_fund_usd,0\n");
  EXPECT_EQ(read_text(directory / "perp_markets.csv"),
            "market_id,asset_id,maintenance_margin_fraction,initial_margin_fraction,"
            "liquidation_fee\n");
  EXPECT_EQ(read_text(directory / "perp_positions.csv"),
            "account_id,market_id,side,size,entry_price_usd,margin_mode,isolated_margin_usd\n");
  for (const char* file : {"lending_markets.csv", "lending_balances.csv", "perp_accounts.csv"}) {
    EXPECT_TRUE(std::filesystem::is_regular_file(directory / file)) << file;
  }
}

TEST(WriteSnapshot, CrossPositionsHaveAnEmptyIsolatedMargin) {
  snapshot snap;
  snap.assets.push_back(asset{"BTC", 95000});
  snap.perp_markets.push_back(perp_market{"BTC-PERP", 0, 0.005, 0.02});
  snap.perp_accounts.push_back(perp_account{"P1", 1000});
  snap.perp_positions.push_back(
      perp_position{"P1", 0, position_side::short_side, 0.25, 94000, margin_mode::cross, 0});
  const test_directory temp;
  const auto& directory = temp.path();
  write_snapshot(snap, directory);
  EXPECT_EQ(read_text(directory / "perp_positions.csv"),
            "account_id,market_id,side,size,entry_price_usd,margin_mode,isolated_margin_usd\n"
            "P1,BTC-PERP,short,0.25,94000,cross,\n");
}

// Depth and fee columns, infinite depth (no price impact) as an empty field, and
// every protocol parameter away from its default with a value that needs 17 digits.
TEST(WriteSnapshot, LiquidationParametersRoundTrip) {
  snapshot snap;
  snap.assets.push_back(asset{"BTC", 95000, 1.0 / 3.0 * 1e8});
  snap.assets.push_back(asset{"USDC", 1});  // default depth: infinite
  snap.perp_markets.push_back(perp_market{"BTC-PERP", 0, 0.005, 0.02, 0.1 + 0.2 - 0.29});
  snap.close_factor = 0.5;
  snap.close_factor_hf_threshold = 0.9 + 1e-17;
  snap.small_position_usd = 1999.9999999999998;
  snap.lending_reserve_usd = 0.1 + 0.2;
  snap.insurance_fund_usd = 12345678.901234567;
  const test_directory temp;
  const auto& directory = temp.path();
  write_snapshot(snap, directory);
  EXPECT_EQ(read_text(directory / "assets.csv"),
            "asset_id,spot_usd,depth_usd\nBTC,95000,33333333.333333332\nUSDC,1,\n");
  const snapshot loaded = load_snapshot(directory);
  expect_same_snapshot(snap, loaded);
  EXPECT_TRUE(std::isinf(loaded.assets[1].depth_usd));
}

// The oracle's columns appear once some asset has a value; an asset without an
// oracle price has an empty field (the spot price).
TEST(WriteSnapshot, OracleColumnsRoundTrip) {
  snapshot snap;
  snap.assets.push_back(asset{"BTC", 95000});
  snap.assets.push_back(asset{"ETH", 3500});
  snap.assets[0].oracle_price_usd = 94810.5 + 1.0 / 3.0;
  snap.assets[1].oracle_age_seconds = 0.1 + 0.2;
  const test_directory temp;
  const auto& directory = temp.path();
  write_snapshot(snap, directory);
  EXPECT_EQ(read_text(directory / "assets.csv"),
            "asset_id,spot_usd,depth_usd,oracle_price_usd,oracle_age_seconds\n"
            "BTC,95000,,94810.83333333333,0\nETH,3500,,,0.30000000000000004\n");
  expect_same_snapshot(snap, load_snapshot(directory));
}

// Without oracle values the file is the one written before the columns existed.
TEST(WriteSnapshot, NoOracleColumnsWithoutOracleValues) {
  snapshot snap;
  snap.assets.push_back(asset{"BTC", 95000});
  const test_directory temp;
  write_snapshot(snap, temp.path());
  EXPECT_EQ(read_text(temp.path() / "assets.csv"), "asset_id,spot_usd,depth_usd\nBTC,95000,\n");
}

TEST(WriteSnapshotErrors, IdWithACommaIsRefused) {
  snapshot snap;
  snap.assets.push_back(asset{"BTC,WBTC", 95000});
  const test_directory temp;
  const auto& directory = temp.path();
  try {
    write_snapshot(snap, directory);
    ADD_FAILURE() << "no input_error";
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              "write_snapshot: asset id 'BTC,WBTC' cannot be written: ids must be non-empty, "
              "without whitespace, control characters, commas or quotes");
  }
}

TEST(WriteSnapshotErrors, UnwritableDirectoryIsARuntimeFailure) {
  const test_directory temp;
  const auto& directory = temp.path();
  snapshot_testing::write_text(directory / "file", "x");
  snapshot snap;
  snap.assets.push_back(asset{"ETH", 3500});
  EXPECT_THROW(write_snapshot(snap, directory / "file" / "sub"), runtime_failure);
}

}  // namespace
}  // namespace levrisk
