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
  snap.lending_venues[0].close_factor = 0.5;
  snap.lending_venues[0].close_factor_hf_threshold = 0.9 + 1e-17;
  snap.lending_venues[0].small_position_usd = 1999.9999999999998;
  snap.lending_venues[0].reserve_usd = 0.1 + 0.2;
  snap.perp_venues[0].insurance_fund_usd = 12345678.901234567;
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

// --- venues ---

// Several venues of each kind, with venue values that need 17 digits: venues.csv
// and a venue_id column, read back exactly.
TEST(WriteSnapshot, SeveralVenuesRoundTripExactly) {
  synth_options options;
  options.lending_accounts = 300;
  options.perp_accounts = 200;
  options.seed = 5;
  options.lending_venues = 2;
  options.perp_venues = 3;
  snapshot original = synthesize_snapshot(options);
  original.lending_venues[0].close_factor = 1.0 / 3.0;
  original.lending_venues[1].close_factor_hf_threshold = 0.1 + 0.2;
  original.lending_venues[1].small_position_usd = 1999.9999999999998;
  original.lending_venues[1].reserve_usd = 12345678.901234567;
  original.perp_venues[2].insurance_fund_usd = 0.1 + 0.7;
  const test_directory temp;
  write_snapshot(original, temp.path());
  EXPECT_FALSE(std::filesystem::exists(temp.path() / "protocol.csv"));
  const snapshot loaded = load_snapshot(temp.path());
  expect_same_snapshot(original, loaded);
  EXPECT_TRUE(loaded.notices.empty());
}

TEST(WriteSnapshot, LoadedTwoVenueSnapshotRewritesToTheSameSnapshot) {
  const test_directory temp;
  snapshot_testing::write_two_venue_snapshot(temp.path() / "in");
  const snapshot loaded = load_snapshot(temp.path() / "in");
  write_snapshot(loaded, temp.path() / "out");
  expect_same_snapshot(loaded, load_snapshot(temp.path() / "out"));
}

// Lending venues first, then perp venues; empty lending rules on a perp venue;
// venue_id leading every table.
TEST(WriteSnapshot, VenuesFileAndVenueColumns) {
  snapshot snap;
  snap.assets.push_back(asset{"ETH", 3500});
  snap.perp_venues = {perp_venue{"perp", 5}};
  snap.lending_venues = {lending_venue{"aave"}};
  snap.lending_venues[0].reserve_usd = 0.1 + 0.2;
  snap.lending_markets.push_back(lending_market{0, 0.8, 0.83, 0.05, 0});
  snap.lending_accounts.push_back(lending_account{"L1", {lending_balance{0, 1, 0}}, 0});
  snap.perp_markets.push_back(perp_market{"ETH-PERP", 0, 0.0075, 0.02, 0.005, 0});
  snap.perp_accounts.push_back(perp_account{"P1", 10, 0});
  snap.perp_positions.push_back(
      perp_position{"P1", 0, position_side::long_side, 1, 3500, margin_mode::cross, 0, 0});
  const test_directory temp;
  const auto& directory = temp.path();
  write_snapshot(snap, directory);
  EXPECT_FALSE(std::filesystem::exists(directory / "protocol.csv"));
  EXPECT_EQ(read_text(directory / "venues.csv"),
            "venue_id,kind,fund_usd,close_factor,close_factor_hf_threshold,small_position_usd\n"
            "aave,lending,0.30000000000000004,0.5,0.95,2000\nperp,perp,5,,,\n");
  EXPECT_EQ(
      read_text(directory / "lending_markets.csv"),
      "venue_id,asset_id,ltv,liquidation_threshold,liquidation_bonus\naave,ETH,0.8,0.83,0.05\n");
  EXPECT_EQ(read_text(directory / "lending_balances.csv"),
            "venue_id,account_id,asset_id,collateral_amount,debt_amount\naave,L1,ETH,1,0\n");
  EXPECT_EQ(read_text(directory / "perp_markets.csv"),
            "venue_id,market_id,asset_id,maintenance_margin_fraction,initial_margin_fraction,"
            "liquidation_fee\nperp,ETH-PERP,ETH,0.0075,0.02,0.005\n");
  EXPECT_EQ(read_text(directory / "perp_accounts.csv"),
            "venue_id,account_id,cross_collateral_usd\nperp,P1,10\n");
  EXPECT_EQ(read_text(directory / "perp_positions.csv"),
            "venue_id,account_id,market_id,side,size,entry_price_usd,margin_mode,"
            "isolated_margin_usd\nperp,P1,ETH-PERP,long,1,3500,cross,\n");
  expect_same_snapshot(snap, load_snapshot(directory));
}

// The venues "lending" and "perp" alone: protocol.csv and no venue_id column,
// the format of every snapshot written before venues existed.
TEST(WriteSnapshot, DefaultVenuesWriteTheFormatBeforeVenues) {
  synth_options options;
  options.lending_accounts = 20;
  options.perp_accounts = 20;
  const test_directory temp;
  write_snapshot(synthesize_snapshot(options), temp.path());
  EXPECT_FALSE(std::filesystem::exists(temp.path() / "venues.csv"));
  EXPECT_TRUE(std::filesystem::exists(temp.path() / "protocol.csv"));
  for (const char* file : {"lending_markets.csv", "lending_balances.csv", "perp_markets.csv",
                           "perp_accounts.csv", "perp_positions.csv"}) {
    const std::string text = read_text(temp.path() / file);
    EXPECT_EQ(text.substr(0, text.find('\n')).find("venue_id"), std::string::npos) << file;
  }
}

// A venue named otherwise is no default venue: venues.csv.
TEST(WriteSnapshot, OneVenueOfEachKindNamedOtherwiseWritesVenuesFile) {
  snapshot snap;
  snap.assets.push_back(asset{"ETH", 3500});
  snap.perp_venues[0].id = "hl";
  const test_directory temp;
  write_snapshot(snap, temp.path());
  EXPECT_EQ(read_text(temp.path() / "venues.csv"),
            "venue_id,kind,fund_usd,close_factor,close_factor_hf_threshold,small_position_usd\n"
            "lending,lending,0,0.5,0.95,2000\nhl,perp,0,,,\n");
  expect_same_snapshot(snap, load_snapshot(temp.path()));
}

// protocol.csv beside venues.csv would not load: each write removes the other.
TEST(WriteSnapshot, ReplacesTheOtherVenueFile) {
  const test_directory temp;
  snapshot_testing::write_two_venue_snapshot(temp.path() / "in");
  const snapshot venues = load_snapshot(temp.path() / "in");
  snapshot defaults;
  defaults.assets.push_back(asset{"ETH", 3500});
  write_snapshot(defaults, temp.path());
  write_snapshot(venues, temp.path());
  EXPECT_FALSE(std::filesystem::exists(temp.path() / "protocol.csv"));
  expect_same_snapshot(venues, load_snapshot(temp.path()));
  write_snapshot(defaults, temp.path());
  EXPECT_FALSE(std::filesystem::exists(temp.path() / "venues.csv"));
  expect_same_snapshot(defaults, load_snapshot(temp.path()));
}

TEST(WriteSnapshot, PerpVenuesAloneRoundTrip) {
  snapshot snap;
  snap.assets.push_back(asset{"BTC", 95000});
  snap.lending_venues.clear();
  snap.perp_venues = {perp_venue{"dydx", 1}, perp_venue{"hl", 2}};
  snap.perp_markets.push_back(perp_market{"BTC-PERP", 0, 0.005, 0.02, 0, 1});
  snap.perp_positions.push_back(
      perp_position{"P1", 0, position_side::short_side, 1, 94000, margin_mode::isolated, 900, 1});
  const test_directory temp;
  write_snapshot(snap, temp.path());
  EXPECT_EQ(read_text(temp.path() / "lending_markets.csv"),
            "venue_id,asset_id,ltv,liquidation_threshold,liquidation_bonus\n");
  expect_same_snapshot(snap, load_snapshot(temp.path()));
}

TEST(WriteSnapshotErrors, SnapshotWithoutVenuesIsRefused) {
  snapshot snap;
  snap.assets.push_back(asset{"ETH", 3500});
  snap.lending_venues.clear();
  snap.perp_venues.clear();
  const test_directory temp;
  try {
    write_snapshot(snap, temp.path() / "out");
    ADD_FAILURE() << "no input_error";
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              "write_snapshot: a snapshot without venues cannot be written: venues.csv needs at "
              "least one");
  }
  EXPECT_FALSE(std::filesystem::exists(temp.path() / "out"));
}

TEST(WriteSnapshotErrors, VenueIdWithASpaceIsRefused) {
  snapshot snap;
  snap.assets.push_back(asset{"ETH", 3500});
  snap.lending_venues[0].id = "aave v3";
  const test_directory temp;
  try {
    write_snapshot(snap, temp.path());
    ADD_FAILURE() << "no input_error";
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              "write_snapshot: venue id 'aave v3' cannot be written: ids must be non-empty, "
              "without whitespace, control characters, commas or quotes");
  }
}

}  // namespace
}  // namespace levrisk
