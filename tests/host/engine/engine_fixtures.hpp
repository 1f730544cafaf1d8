#pragma once
// Small hand-built snapshots and configurations for the engine tests.

#include <string>
#include <vector>

#include "host/config/run_config.hpp"
#include "host/snapshot/snapshot.hpp"

namespace levrisk::testing_support {

// Two assets: a volatile one ("ETH") and a stablecoin at its peg ("USDC").
inline snapshot eth_usdc_snapshot(double eth_spot_usd) {
  snapshot snap;
  snap.source = "test-snapshot";
  snap.assets = {{"ETH", eth_spot_usd}, {"USDC", 1.0}};
  snap.lending_markets = {{0, 0.80, 0.83, 0.05}, {1, 0.77, 0.80, 0.045}};
  snap.perp_markets = {{"ETH-PERP", 0, 0.01, 0.02}};
  return snap;
}

// A lending account with ETH collateral and USDC debt whose health factor
// reaches 1 when ETH falls to barrier_fraction of spot:
// HF = c LT P / d = 1 at P = barrier_fraction spot.
inline lending_account barrier_account(const snapshot& snap, const std::string& id,
                                       double barrier_fraction) {
  const double collateral_eth = 10.0;
  const double lt = snap.lending_markets[0].liquidation_threshold;
  const double debt_usdc = collateral_eth * lt * barrier_fraction * snap.assets[0].spot_usd;
  return lending_account{id, {{0, collateral_eth, 0.0}, {1, 0.0, debt_usdc}}};
}

inline run_config eth_usdc_config(double drift_annual, double vol_annual) {
  run_config config;
  config.source = "test-config";
  config.snapshot = "test-snapshot";
  config.gbm.asset_ids = {"ETH", "USDC"};
  config.gbm.assets = {{drift_annual, vol_annual}, {0.0, 0.0}};
  config.gbm.correlation = {1.0, 0.0, 0.0, 1.0};
  config.backend = "cpu";
  return config;
}

}  // namespace levrisk::testing_support
