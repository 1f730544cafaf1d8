#pragma once
// The 62-unit, three-asset book the execution stage is checked on
// (execution_reference_test.cpp, execution_reference_adl_test.cpp): every route
// (ladder, ratio ladder, exact, constant), partial and full lending liquidations,
// bad debt, isolated and cross perps with fees and impact, a fund that runs out.

#include <string>

#include "host/config/run_config.hpp"
#include "host/snapshot/snapshot.hpp"

namespace levrisk::testing_support {

inline snapshot three_asset_book() {
  snapshot snap;
  snap.source = "execution-reference";
  snap.assets = {{"BTC", 95000.0, 5e6}, {"ETH", 3500.0, 2e6}, {"USDC", 1.0, 1e8}};
  snap.lending_markets = {{0, 0.73, 0.78, 0.05}, {1, 0.8, 0.83, 0.06}, {2, 0.77, 0.8, 0.045}};
  snap.perp_markets = {{"BTC-PERP", 0, 0.005, 0.02, 0.005}, {"ETH-PERP", 1, 0.01, 0.03, 0.01}};
  snap.perp_venues[0].insurance_fund_usd = 20000.0;
  snap.lending_venues[0].reserve_usd = 5000.0;
  for (int i = 0; i < 45; ++i) {
    const double hf = 1.01 + 0.004 * i;
    const double scale = 1.0 + (i % 5) * 2.5;  // some above and some below $2,000 per reserve
    const std::string id = "L" + std::to_string(i);
    if (i % 3 == 0) {  // ETH against USDC: a ladder
      snap.lending_accounts.push_back(
          {id, {{1, scale, 0.0}, {2, 0.0, scale * 3500.0 * 0.83 / hf}}});
    } else if (i % 3 == 1) {  // BTC against ETH: a ratio ladder
      snap.lending_accounts.push_back(
          {id, {{0, 0.1 * scale, 0.0}, {1, 0.0, 0.1 * scale * 95000.0 * 0.78 / hf / 3500.0}}});
    } else {  // BTC and ETH against USDC: exact
      const double collateral = 0.05 * scale * 95000.0 * 0.78 + scale * 3500.0 * 0.83;
      snap.lending_accounts.push_back(
          {id, {{0, 0.05 * scale, 0.0}, {1, scale, 0.0}, {2, 0.0, collateral / hf}}});
    }
  }
  snap.lending_accounts.push_back({"L-stable", {{2, 1000.0, 900.0}}});  // constant: HF 0.89
  for (int i = 0; i < 10; ++i) {
    const bool is_long = i % 2 == 0;
    const int market = i % 4 < 2 ? 0 : 1;
    const double spot = market == 0 ? 95000.0 : 3500.0;
    const double size = market == 0 ? 2.0 + i : 40.0 + 10.0 * i;
    snap.perp_accounts.push_back({"P" + std::to_string(i), 0.0});
    snap.perp_positions.push_back({"P" + std::to_string(i), market,
                                   is_long ? position_side::long_side : position_side::short_side,
                                   size, spot, margin_mode::isolated,
                                   (0.015 + 0.003 * i) * size * spot});
  }
  for (int i = 0; i < 6; ++i) {
    const std::string id = "X" + std::to_string(i);
    snap.perp_accounts.push_back({id, 4000.0 + 1500.0 * i});
    snap.perp_positions.push_back(
        {id, 0, position_side::long_side, 1.0, 95000.0, margin_mode::cross, 0.0});
    snap.perp_positions.push_back(
        {id, 1, position_side::short_side, 10.0, 3500.0, margin_mode::cross, 0.0});
  }
  return snap;
}

inline run_config book_config() {
  run_config config;
  config.source = "test-config";
  config.snapshot = "execution-reference";
  config.gbm.asset_ids = {"BTC", "ETH", "USDC"};
  config.gbm.assets = {{0.0, 0.7}, {0.0, 0.9}, {0.0, 0.0}};
  config.gbm.correlation = {1.0, 0.8, 0.0, 0.8, 1.0, 0.0, 0.0, 0.0, 1.0};
  config.backend = "cpu";
  config.paths = 1500;
  config.steps = 48;
  config.horizon_days = 5.0;
  config.hf_sample_paths = 100;
  return config;
}

}  // namespace levrisk::testing_support
