// A snapshot's manifest.toml and content hash (docs/snapshot-format.md,
// "Manifest and content hash"): the fields as recorded, each bad input's exact
// message, and the hash against sha256sum over the documented byte stream.

#include "host/snapshot/provenance.hpp"

#include <gtest/gtest.h>

#include <string>

#include "host/snapshot/load_snapshot.hpp"
#include "tests/host/snapshot/snapshot_fixtures.hpp"

namespace levrisk {
namespace {

using snapshot_testing::test_directory;
using snapshot_testing::write_minimal_snapshot;
using snapshot_testing::write_text;

std::string manifest_error(const std::filesystem::path& directory) {
  try {
    read_manifest(directory);
  } catch (const input_error& error) {
    return error.what();
  }
  ADD_FAILURE() << "no input_error for " << directory;
  return {};
}

TEST(SnapshotManifest, AbsentGivesEmptyFields) {
  const test_directory temp;
  write_minimal_snapshot(temp.path());
  const snapshot snap = load_snapshot(temp.path());
  EXPECT_EQ(snap.provenance.as_of, "");
  EXPECT_EQ(snap.provenance.block, "");
  EXPECT_EQ(snap.provenance.source, "");
  EXPECT_EQ(snap.provenance.sha256.size(), 64u);
}

TEST(SnapshotManifest, FieldsAsRecorded) {
  const test_directory temp;
  write_minimal_snapshot(temp.path());
  write_text(temp.path() / "manifest.toml",
             "# written by the exporter\nas_of = 2025-01-01T08:30:00+02:00\nblock = 21525000\n"
             "source = \"snowflake risk.positions_v3\"\n");
  const snapshot snap = load_snapshot(temp.path());
  EXPECT_EQ(snap.provenance.as_of, "2025-01-01T08:30:00+02:00");
  EXPECT_EQ(snap.provenance.block, "21525000");
  EXPECT_EQ(snap.provenance.source, "snowflake risk.positions_v3");
}

TEST(SnapshotManifest, UtcIsWrittenWithZ) {
  const test_directory temp;
  write_text(temp.path() / "manifest.toml", "as_of = 2025-01-01T00:00:00+00:00\n");
  EXPECT_EQ(read_manifest(temp.path()).as_of, "2025-01-01T00:00:00Z");
}

TEST(SnapshotManifest, BlockPerChainIsSortedByChain) {
  const test_directory temp;
  write_text(temp.path() / "manifest.toml", "[block]\nethereum = 21525000\narbitrum = 285000000\n");
  EXPECT_EQ(read_manifest(temp.path()).block, "arbitrum:285000000,ethereum:21525000");
}

TEST(SnapshotManifestErrors, AsOfWithoutOffset) {
  const test_directory temp;
  const auto path = temp.path() / "manifest.toml";
  write_text(path, "source = \"x\"\nas_of = 2025-01-01T00:00:00\n");
  EXPECT_EQ(manifest_error(temp.path()),
            path.string() +
                ":2: 'as_of' must be a TOML date-time with an offset (RFC 3339), e.g. "
                "2025-01-01T00:00:00Z");
}

TEST(SnapshotManifestErrors, AsOfAsAString) {
  const test_directory temp;
  const auto path = temp.path() / "manifest.toml";
  write_text(path, "as_of = \"2025-01-01T00:00:00Z\"\n");
  EXPECT_EQ(manifest_error(temp.path()),
            path.string() +
                ":1: 'as_of' must be a TOML date-time with an offset (RFC 3339), e.g. "
                "2025-01-01T00:00:00Z");
}

TEST(SnapshotManifestErrors, NegativeBlock) {
  const test_directory temp;
  const auto path = temp.path() / "manifest.toml";
  write_text(path, "block = -1\n");
  EXPECT_EQ(manifest_error(temp.path()), path.string() + ":1: 'block' must be an integer >= 0");
}

TEST(SnapshotManifestErrors, ChainBlockThatIsNoInteger) {
  const test_directory temp;
  const auto path = temp.path() / "manifest.toml";
  write_text(path, "[block]\nethereum = 21525000\narbitrum = \"latest\"\n");
  EXPECT_EQ(manifest_error(temp.path()),
            path.string() + ":3: block of chain 'arbitrum' must be an integer >= 0");
}

TEST(SnapshotManifestErrors, SourceThatIsNoString) {
  const test_directory temp;
  const auto path = temp.path() / "manifest.toml";
  write_text(path, "\nsource = 3\n");
  EXPECT_EQ(manifest_error(temp.path()), path.string() + ":2: 'source' must be a string");
}

TEST(SnapshotManifestErrors, UnknownKey) {
  const test_directory temp;
  const auto path = temp.path() / "manifest.toml";
  write_text(path, "as_of = 2025-01-01T00:00:00Z\nasof = 2025-01-01T00:00:00Z\n");
  EXPECT_EQ(manifest_error(temp.path()),
            path.string() + ":2: unknown key 'asof' (known: as_of, block, source)");
}

// The loader reads the manifest before any CSV file.
TEST(SnapshotManifestErrors, NotTomlStopsTheLoad) {
  const test_directory temp;
  write_minimal_snapshot(temp.path());
  const auto path = temp.path() / "manifest.toml";
  write_text(path, "as_of = = 1\n");
  const std::string message = snapshot_testing::load_error(temp.path());
  EXPECT_EQ(message.rfind(path.string() + ": not valid TOML: ", 0), 0u) << message;
}

// printf 'assets.csv\n27\nasset_id,spot_usd\nETH,3500\nmanifest.toml\n13\nsource = "x"\n' |
// sha256sum
TEST(SnapshotSha256, IsTheDocumentedStreamsHash) {
  const test_directory temp;
  write_text(temp.path() / "assets.csv", "asset_id,spot_usd\nETH,3500\n");
  write_text(temp.path() / "manifest.toml", "source = \"x\"\n");
  write_text(temp.path() / "notes.txt", "not part of the snapshot\n");
  EXPECT_EQ(snapshot_sha256(temp.path()),
            "f84096a34e3b267ebff2d8eb158a4068fbe58d4b5accdb54ff24be6aaa7d8d1d");
  EXPECT_EQ(load_snapshot(temp.path()).provenance.sha256,
            "f84096a34e3b267ebff2d8eb158a4068fbe58d4b5accdb54ff24be6aaa7d8d1d");
}

// Lengths delimit the files: moving a byte from one file to the next changes the hash.
TEST(SnapshotSha256, FileBoundariesCount) {
  const test_directory temp;
  const auto a = temp.path() / "a";
  const auto b = temp.path() / "b";
  std::filesystem::create_directories(a);
  std::filesystem::create_directories(b);
  write_text(a / "assets.csv", "asset_id,spot_usd\nETH,3500\n");
  write_text(a / "protocol.csv", "parameter,value\n");
  write_text(b / "assets.csv", "asset_id,spot_usd\nETH,3500\np");
  write_text(b / "protocol.csv", "arameter,value\n");
  EXPECT_NE(snapshot_sha256(a), snapshot_sha256(b));
}

// venues.csv after the other tables, before the manifest:
// printf 'assets.csv\n27\nasset_id,spot_usd\nETH,3500\nperp_accounts.csv\n32\n
// account_id,cross_collateral_usd\nvenues.csv\n33\nvenue_id,kind,fund_usd\nhl,perp,0\n
// manifest.toml\n13\nsource = "x"\n' | sha256sum   (one line)
TEST(SnapshotSha256, VenuesFileIsHashedAfterTheTables) {
  const test_directory temp;
  write_text(temp.path() / "assets.csv", "asset_id,spot_usd\nETH,3500\n");
  write_text(temp.path() / "perp_accounts.csv", "account_id,cross_collateral_usd\n");
  write_text(temp.path() / "venues.csv", "venue_id,kind,fund_usd\nhl,perp,0\n");
  write_text(temp.path() / "manifest.toml", "source = \"x\"\n");
  EXPECT_EQ(snapshot_sha256(temp.path()),
            "6d7c39b18e62fa15344d42fb601a1ac137c7ebd1948eedadc84c34c303dcc341");
  EXPECT_EQ(load_snapshot(temp.path()).provenance.sha256,
            "6d7c39b18e62fa15344d42fb601a1ac137c7ebd1948eedadc84c34c303dcc341");
}

// A snapshot without venues.csv hashes as before venues.csv existed: data/sample's
// hash by the file list of that time, from the shell (one line):
//   cd data/sample && for f in assets.csv lending_markets.csv protocol.csv
//   lending_balances.csv perp_markets.csv perp_accounts.csv perp_positions.csv
//   manifest.toml; do [ -f "$f" ] && { printf '%s\n%s\n' "$f" "$(wc -c < "$f")";
//   cat "$f"; }; done | sha256sum
TEST(SnapshotSha256, SampleHashIsUnchangedByTheVenuesFile) {
  EXPECT_EQ(snapshot_sha256(LEVRISK_SOURCE_DIR "/data/sample"),
            "9d2c28e52db11348246e8f2c4b15d284d44049b80c39309b6bca785810c36f09");
}

}  // namespace
}  // namespace levrisk
