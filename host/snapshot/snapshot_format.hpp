#pragma once
// File and column names of the on-disk snapshot (docs/snapshot-format.md),
// shared by the loader and the writer so the two cannot drift apart.

#include <string>
#include <vector>

namespace levrisk::snapshot_format {

inline constexpr const char* assets_file = "assets.csv";
inline constexpr const char* lending_markets_file = "lending_markets.csv";
inline constexpr const char* protocol_file = "protocol.csv";
inline constexpr const char* lending_balances_file = "lending_balances.csv";
inline constexpr const char* perp_markets_file = "perp_markets.csv";
inline constexpr const char* perp_accounts_file = "perp_accounts.csv";
inline constexpr const char* perp_positions_file = "perp_positions.csv";

inline const std::vector<std::string> assets_columns{"asset_id", "spot_usd"};
inline const std::vector<std::string> lending_markets_columns{
    "asset_id", "ltv", "liquidation_threshold", "liquidation_bonus"};
inline const std::vector<std::string> protocol_columns{"parameter", "value"};
inline const std::vector<std::string> lending_balances_columns{"account_id", "asset_id",
                                                               "collateral_amount", "debt_amount"};
inline const std::vector<std::string> perp_markets_columns{
    "market_id", "asset_id", "maintenance_margin_fraction", "initial_margin_fraction"};
inline const std::vector<std::string> perp_accounts_columns{"account_id", "cross_collateral_usd"};
inline const std::vector<std::string> perp_positions_columns{
    "account_id",  "market_id",          "side", "size", "entry_price_usd",
    "margin_mode", "isolated_margin_usd"};

inline constexpr const char* close_factor_parameter = "close_factor";

}  // namespace levrisk::snapshot_format
