#pragma once
// File and column names of the on-disk snapshot (docs/snapshot-format.md),
// shared by the loader and the writer so the two cannot drift apart.

#include <array>
#include <string>
#include <vector>

#include "common/csv_reader.hpp"
#include "host/snapshot/snapshot.hpp"

namespace levrisk::snapshot_format {

inline constexpr const char* assets_file = "assets.csv";
inline constexpr const char* lending_markets_file = "lending_markets.csv";
inline constexpr const char* protocol_file = "protocol.csv";
inline constexpr const char* lending_balances_file = "lending_balances.csv";
inline constexpr const char* perp_markets_file = "perp_markets.csv";
inline constexpr const char* perp_accounts_file = "perp_accounts.csv";
inline constexpr const char* perp_positions_file = "perp_positions.csv";
inline constexpr const char* manifest_file = "manifest.toml";

// The files snapshot_sha256 covers, in its order: the tables as documented, then the manifest.
inline constexpr std::array<const char*, 8> hashed_files{
    assets_file,       lending_markets_file, protocol_file,       lending_balances_file,
    perp_markets_file, perp_accounts_file,   perp_positions_file, manifest_file};

// Optional trailing columns (csv_reader): added after the first snapshots were
// written, so a header without them still loads, with the documented defaults.
// write_snapshot writes them, the oracle's only when some asset has a value.
inline constexpr const char* depth_usd_column = "depth_usd";
inline constexpr const char* oracle_price_usd_column = "oracle_price_usd";
inline constexpr const char* oracle_age_seconds_column = "oracle_age_seconds";
inline constexpr const char* liquidation_fee_column = "liquidation_fee";

inline const std::vector<std::string> assets_columns{"asset_id", "spot_usd"};
inline const std::vector<std::string> assets_optional_columns{
    depth_usd_column, oracle_price_usd_column, oracle_age_seconds_column};
inline const std::vector<std::string> lending_markets_columns{
    "asset_id", "ltv", "liquidation_threshold", "liquidation_bonus"};
inline const std::vector<std::string> protocol_columns{"parameter", "value"};
inline const std::vector<std::string> lending_balances_columns{"account_id", "asset_id",
                                                               "collateral_amount", "debt_amount"};
inline const std::vector<std::string> perp_markets_columns{
    "market_id", "asset_id", "maintenance_margin_fraction", "initial_margin_fraction"};
inline const std::vector<std::string> perp_markets_optional_columns{liquidation_fee_column};
inline const std::vector<std::string> perp_accounts_columns{"account_id", "cross_collateral_usd"};
inline const std::vector<std::string> perp_positions_columns{
    "account_id",  "market_id",          "side", "size", "entry_price_usd",
    "margin_mode", "isolated_margin_usd"};

// The parameters of protocol.csv, in the order write_snapshot writes them; an
// absent parameter keeps the snapshot's default.
struct protocol_parameter {
  const char* name;
  double snapshot::*value;
  number_bounds bounds;
};
inline const std::array<protocol_parameter, 5> protocol_parameters{{
    {"close_factor", &snapshot::close_factor, number_bounds::range(0, false, 1, true)},
    {"close_factor_hf_threshold", &snapshot::close_factor_hf_threshold,
     number_bounds::range(0, false, 1, true)},
    {"small_position_usd", &snapshot::small_position_usd, number_bounds::at_least(0)},
    {"lending_reserve_usd", &snapshot::lending_reserve_usd, number_bounds::at_least(0)},
    {"insurance_fund_usd", &snapshot::insurance_fund_usd, number_bounds::at_least(0)},
}};

}  // namespace levrisk::snapshot_format
