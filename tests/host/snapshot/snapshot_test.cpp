// Lookups on a loaded snapshot.

#include "host/snapshot/snapshot.hpp"

#include <gtest/gtest.h>

namespace levrisk {
namespace {

snapshot two_assets_one_market() {
  snapshot snap;
  snap.assets = {asset{"BTC", 95000}, asset{"USDC", 1}};
  snap.lending_markets = {lending_market{1, 0.77, 0.8, 0.045}};
  return snap;
}

// Two lending venues listing USDC, only the second BTC; two perp venues.
snapshot two_venues() {
  snapshot snap = two_assets_one_market();
  snap.lending_venues = {lending_venue{"aave"}, lending_venue{"spark"}};
  snap.perp_venues = {perp_venue{"dydx"}, perp_venue{"hyperliquid"}};
  snap.lending_markets.push_back(lending_market{0, 0.7, 0.75, 0.05, 1});
  snap.lending_markets.push_back(lending_market{1, 0.7, 0.75, 0.05, 1});
  return snap;
}

TEST(Snapshot, FindAssetReturnsItsIndex) {
  const snapshot snap = two_assets_one_market();
  EXPECT_EQ(snap.find_asset("BTC"), 0);
  EXPECT_EQ(snap.find_asset("USDC"), 1);
}

TEST(Snapshot, FindAssetIsCaseSensitiveAndReturnsMinusOneWhenAbsent) {
  const snapshot snap = two_assets_one_market();
  EXPECT_EQ(snap.find_asset("btc"), -1);
  EXPECT_EQ(snap.find_asset(""), -1);
}

TEST(Snapshot, FindLendingMarketMapsAnAssetIndexToItsMarket) {
  const snapshot snap = two_assets_one_market();
  EXPECT_EQ(snap.find_lending_market(0, 1), 0);
  EXPECT_EQ(snap.find_lending_market(0, 0), -1);  // BTC cannot be lent here
  EXPECT_EQ(snap.find_lending_market(0, 7), -1);
}

TEST(Snapshot, FindLendingMarketLooksInTheVenueOnly) {
  const snapshot snap = two_venues();
  EXPECT_EQ(snap.find_lending_market(0, 0), -1);  // aave does not lend BTC
  EXPECT_EQ(snap.find_lending_market(1, 0), 1);
  EXPECT_EQ(snap.find_lending_market(1, 1), 2);
  EXPECT_EQ(snap.find_lending_market(2, 1), -1);  // no third venue
}

TEST(Snapshot, DefaultVenuesAreLendingAndPerp) {
  const snapshot snap;
  ASSERT_EQ(snap.lending_venues.size(), 1u);
  ASSERT_EQ(snap.perp_venues.size(), 1u);
  EXPECT_EQ(snap.lending_venues[0].id, "lending");
  EXPECT_EQ(snap.perp_venues[0].id, "perp");
  // Aave v3.3's DEFAULT_LIQUIDATION_CLOSE_FACTOR, CLOSE_FACTOR_HF_THRESHOLD and
  // MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD (2000e8 base units).
  EXPECT_EQ(snap.lending_venues[0].close_factor, 0.5);
  EXPECT_EQ(snap.lending_venues[0].close_factor_hf_threshold, 0.95);
  EXPECT_EQ(snap.lending_venues[0].small_position_usd, 2000.0);
  EXPECT_EQ(snap.lending_venues[0].reserve_usd, 0.0);
  EXPECT_EQ(snap.perp_venues[0].insurance_fund_usd, 0.0);
}

TEST(Snapshot, FindVenueByIdPerKind) {
  const snapshot snap = two_venues();
  EXPECT_EQ(snap.find_lending_venue("aave"), 0);
  EXPECT_EQ(snap.find_lending_venue("spark"), 1);
  EXPECT_EQ(snap.find_lending_venue("dydx"), -1);  // a perp venue
  EXPECT_EQ(snap.find_perp_venue("hyperliquid"), 1);
  EXPECT_EQ(snap.find_perp_venue("aave"), -1);
  EXPECT_EQ(snap.find_perp_venue("Dydx"), -1);  // ids are case-sensitive
}

}  // namespace
}  // namespace levrisk
