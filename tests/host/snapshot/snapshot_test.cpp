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
  EXPECT_EQ(snap.find_lending_market(1), 0);
  EXPECT_EQ(snap.find_lending_market(0), -1);  // BTC cannot be lent here
  EXPECT_EQ(snap.find_lending_market(7), -1);
}

}  // namespace
}  // namespace levrisk
