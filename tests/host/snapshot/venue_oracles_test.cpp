// venue_oracles.csv: a venue's own oracle price and age per asset, read field by
// field, written back exactly, hashed after the other tables, and one test per
// kind of bad input with its exact message (file, line, field, what is wrong).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "host/snapshot/load_snapshot.hpp"
#include "host/snapshot/provenance.hpp"
#include "host/snapshot/write_snapshot.hpp"
#include "tests/host/snapshot/snapshot_fixtures.hpp"

namespace levrisk {
namespace {

using snapshot_testing::expect_same_snapshot;
using snapshot_testing::load_error;
using snapshot_testing::test_directory;
using snapshot_testing::write_text;

const std::string header = "venue_id,asset_id,oracle_price_usd,oracle_age_seconds\n";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

// The two-venue snapshot (lending aave, spark; perp dydx, hl) with rows for a
// lending and a perp venue; an empty age is 0, the header's order is free.
TEST(VenueOracles, RowsLoadFieldByField) {
  const test_directory temp;
  snapshot_testing::write_two_venue_snapshot(temp.path());
  write_text(temp.path() / "venue_oracles.csv",
             "asset_id,oracle_age_seconds,venue_id,oracle_price_usd\n"
             "ETH,900,spark,3480.5\n"
             "BTC,,hl,94000\n"
             "ETH,12.5,hl,3490\n");
  const snapshot snap = load_snapshot(temp.path());
  EXPECT_TRUE(snap.notices.empty());
  ASSERT_EQ(snap.venue_oracles.size(), 3u);
  const venue_oracle& spark_eth = snap.venue_oracles[0];
  EXPECT_FALSE(spark_eth.perp);
  EXPECT_EQ(spark_eth.venue_index, 1);  // spark, second lending venue
  EXPECT_EQ(spark_eth.asset_index, 1);  // ETH
  EXPECT_EQ(spark_eth.oracle_price_usd, 3480.5);
  EXPECT_EQ(spark_eth.oracle_age_seconds, 900);
  EXPECT_EQ(spark_eth.where, (temp.path() / "venue_oracles.csv").string() + ":2");
  const venue_oracle& hl_btc = snap.venue_oracles[1];
  EXPECT_TRUE(hl_btc.perp);
  EXPECT_EQ(hl_btc.venue_index, 1);  // hl, second perp venue
  EXPECT_EQ(hl_btc.asset_index, 0);  // BTC
  EXPECT_EQ(hl_btc.oracle_price_usd, 94000);
  EXPECT_EQ(hl_btc.oracle_age_seconds, 0);
  EXPECT_EQ(snap.venue_oracles[2].oracle_age_seconds, 12.5);
}

// Without the file, no venue has an oracle state of its own; without venues.csv
// the default venues are named 'lending' and 'perp'; without the age column
// every age is 0.
TEST(VenueOracles, OptionalFileDefaultVenuesAndNoAgeColumn) {
  const test_directory temp;
  snapshot_testing::write_minimal_snapshot(temp.path());
  EXPECT_TRUE(load_snapshot(temp.path()).venue_oracles.empty());
  write_text(temp.path() / "venue_oracles.csv",
             "venue_id,asset_id,oracle_price_usd\nperp,BTC,94500\nlending,ETH,3450\n");
  const snapshot snap = load_snapshot(temp.path());
  ASSERT_EQ(snap.venue_oracles.size(), 2u);
  EXPECT_TRUE(snap.venue_oracles[0].perp);
  EXPECT_EQ(snap.venue_oracles[0].venue_index, 0);
  EXPECT_EQ(snap.venue_oracles[0].oracle_age_seconds, 0);
  EXPECT_FALSE(snap.venue_oracles[1].perp);
  EXPECT_EQ(snap.venue_oracles[1].asset_index, 1);
}

// Rows in the snapshot's order, the age always written; no file where no rows,
// and a stale one removed.
TEST(VenueOracles, WriteRoundTripsExactly) {
  const test_directory temp;
  snapshot_testing::write_two_venue_snapshot(temp.path() / "in");
  snapshot snap = load_snapshot(temp.path() / "in");
  snap.venue_oracles = {venue_oracle{true, 0, 0, 94000.000000000015, 0.1 + 0.2, ""},
                        venue_oracle{false, 1, 1, 3480, 0, ""}};
  const auto out = temp.path() / "out";
  write_snapshot(snap, out);
  EXPECT_EQ(read_text(out / "venue_oracles.csv"),
            header + "dydx,BTC,94000.00000000001,0.30000000000000004\nspark,ETH,3480,0\n");
  expect_same_snapshot(snap, load_snapshot(out));

  snap.venue_oracles.clear();
  write_snapshot(snap, out);
  EXPECT_FALSE(std::filesystem::exists(out / "venue_oracles.csv"));
  expect_same_snapshot(snap, load_snapshot(out));
}

// venue_oracles.csv after venues.csv, before the manifest (one line):
// printf 'assets.csv\n27\nasset_id,spot_usd\nETH,3500\nvenues.csv\n33\nvenue_id,kind,fund_usd\n
// hl,perp,0\nvenue_oracles.csv\n47\nvenue_id,asset_id,oracle_price_usd\nhl,ETH,3490\n
// manifest.toml\n13\nsource = "x"\n' | sha256sum
TEST(VenueOracles, FileIsHashedAfterTheVenuesFile) {
  const test_directory temp;
  write_text(temp.path() / "assets.csv", "asset_id,spot_usd\nETH,3500\n");
  write_text(temp.path() / "venues.csv", "venue_id,kind,fund_usd\nhl,perp,0\n");
  write_text(temp.path() / "venue_oracles.csv",
             "venue_id,asset_id,oracle_price_usd\nhl,ETH,3490\n");
  write_text(temp.path() / "manifest.toml", "source = \"x\"\n");
  const std::string expected = "e2f7a8a9e92d2bceac66c47cda1d3b4faf575995b4e46fb791f2a22810af9e22";
  EXPECT_EQ(snapshot_sha256(temp.path()), expected);
  EXPECT_EQ(load_snapshot(temp.path()).provenance.sha256, expected);
}

// --- bad input ---

class VenueOraclesError : public ::testing::Test {
 protected:
  void SetUp() override { snapshot_testing::write_two_venue_snapshot(directory_); }

  std::string error_for(const std::string& text) {
    write_text(directory_ / "venue_oracles.csv", text);
    return load_error(directory_);
  }
  std::string path() const { return (directory_ / "venue_oracles.csv").string(); }

  test_directory temp_;
  const std::filesystem::path& directory_ = temp_.path();
};

TEST_F(VenueOraclesError, UnknownVenue) {
  EXPECT_EQ(error_for(header + "spark,ETH,3480,0\nmorpho,ETH,3480,0\n"),
            path() + ":3: field 'venue_id' names an unknown venue 'morpho' (not in venues.csv)");
}

TEST_F(VenueOraclesError, UnknownVenueWithoutVenuesFile) {
  std::filesystem::remove_all(directory_);
  snapshot_testing::write_minimal_snapshot(directory_);
  EXPECT_EQ(error_for(header + "aave,ETH,3480,0\n"),
            path() +
                ":2: field 'venue_id' names an unknown venue 'aave' (without venues.csv, the "
                "venues are 'lending' and 'perp')");
}

TEST_F(VenueOraclesError, UnknownAsset) {
  EXPECT_EQ(error_for(header + "hl,SOL,150,0\n"),
            path() + ":2: field 'asset_id' names an unknown asset 'SOL' (not in assets.csv)");
}

TEST_F(VenueOraclesError, RepeatedAssetForAVenue) {
  EXPECT_EQ(error_for(header + "hl,ETH,3490,0\nspark,ETH,3480,0\nhl,ETH,3500,0\n"),
            path() + ":4: field 'asset_id' repeats asset 'ETH' for venue 'hl' (first on line 2)");
}

TEST_F(VenueOraclesError, ZeroPrice) {
  EXPECT_EQ(error_for(header + "hl,ETH,0,0\n"),
            path() + ":2: field 'oracle_price_usd' must be a finite number > 0, got '0'");
}

TEST_F(VenueOraclesError, MissingPrice) {
  EXPECT_EQ(
      error_for(header + "hl,ETH,NULL,0\n"),
      path() + ":2: field 'oracle_price_usd' is 'NULL' (a missing value); this column needs one");
}

TEST_F(VenueOraclesError, PriceThatIsNoNumber) {
  EXPECT_EQ(error_for(header + "hl,ETH,\"3,490\",0\n"),
            path() + ":2: field 'oracle_price_usd' must be a finite number > 0, got '3,490'");
}

TEST_F(VenueOraclesError, NegativeAge) {
  EXPECT_EQ(error_for(header + "hl,ETH,3490,-60\n"),
            path() + ":2: field 'oracle_age_seconds' must be a finite number >= 0, got '-60'");
}

TEST_F(VenueOraclesError, HeaderWithoutThePrice) {
  EXPECT_EQ(error_for("venue_id,asset_id\nhl,ETH\n"),
            path() +
                ":1: header lacks column 'oracle_price_usd' (header 'venue_id,asset_id', "
                "expected 'venue_id,asset_id,oracle_price_usd[,oracle_age_seconds]' in any order "
                "and case)");
}

// A misspelled age column reads as absent (age 0), with a notice.
TEST(VenueOracles, MisspelledAgeColumnIsIgnoredWithANotice) {
  const test_directory temp;
  snapshot_testing::write_two_venue_snapshot(temp.path());
  write_text(temp.path() / "venue_oracles.csv",
             "venue_id,asset_id,oracle_price_usd,oracle_age\nhl,ETH,3490,60\n");
  const snapshot snap = load_snapshot(temp.path());
  EXPECT_EQ(snap.venue_oracles.at(0).oracle_age_seconds, 0);
  EXPECT_EQ(
      snap.notices,
      (std::vector<std::string>{(temp.path() / "venue_oracles.csv").string() +
                                ":1: ignoring column 'oracle_age', not in the snapshot format"}));
}

}  // namespace
}  // namespace levrisk
