#include "host/snapshot/write_snapshot.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "host/snapshot/snapshot_format.hpp"

namespace levrisk {

namespace {

namespace format = snapshot_format;

class csv_text {
 public:
  explicit csv_text(const std::vector<std::string>& columns) {
    for (const auto& column : columns) field(column);
    end_row();
  }

  csv_text& field(std::string_view value) {
    if (!at_row_start_) text_ += ',';
    text_ += value;
    at_row_start_ = false;
    return *this;
  }

  // Shortest text that reads back to the same double (std::to_chars).
  csv_text& field(double value) {
    char digits[32];
    const auto result = std::to_chars(digits, digits + sizeof digits, value);
    return field(std::string_view(digits, static_cast<std::size_t>(result.ptr - digits)));
  }

  void end_row() {
    text_ += '\n';
    at_row_start_ = true;
  }

  const std::string& str() const { return text_; }

 private:
  std::string text_;
  bool at_row_start_ = true;
};

// Every column of the format, the optional ones included.
std::vector<std::string> all_columns(const std::vector<std::string>& columns,
                                     const std::vector<std::string>& optional_columns) {
  std::vector<std::string> all = columns;
  all.insert(all.end(), optional_columns.begin(), optional_columns.end());
  return all;
}

std::string_view checked_id(const std::string& id, const char* what) {
  LEVRISK_REQUIRE(is_valid_id(id), input_error,
                  "write_snapshot: " << what << " id '" << id
                                     << "' cannot be written: ids must be non-empty, without "
                                        "whitespace, control characters, commas or quotes");
  return id;
}

// The oracle's columns only where some asset has them, so that a snapshot
// without them is written as before.
csv_text assets_text(const std::vector<asset>& assets) {
  const bool oracle_columns = std::any_of(assets.begin(), assets.end(), [](const asset& a) {
    return !std::isnan(a.oracle_price_usd) || a.oracle_age_seconds != 0.0;
  });
  std::vector<std::string> columns = format::assets_columns;
  columns.push_back(format::depth_usd_column);
  if (oracle_columns) {
    columns.push_back(format::oracle_price_usd_column);
    columns.push_back(format::oracle_age_seconds_column);
  }
  csv_text text(columns);
  for (const auto& a : assets) {
    text.field(checked_id(a.id, "asset")).field(a.spot_usd);
    // Infinite depth (no price impact) is written as an empty field.
    if (std::isinf(a.depth_usd) && a.depth_usd > 0) {
      text.field(std::string_view());
    } else {
      text.field(a.depth_usd);
    }
    if (oracle_columns) {
      // No oracle price (NaN) is written as an empty field: the spot price.
      if (std::isnan(a.oracle_price_usd)) {
        text.field(std::string_view());
      } else {
        text.field(a.oracle_price_usd);
      }
      text.field(a.oracle_age_seconds);
    }
    text.end_row();
  }
  return text;
}

void write_file(const std::filesystem::path& path, const csv_text& csv) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  LEVRISK_REQUIRE(file, runtime_failure, path.string() << ": cannot be opened for writing");
  file.write(csv.str().data(), static_cast<std::streamsize>(csv.str().size()));
  file.close();
  LEVRISK_REQUIRE(file, runtime_failure, path.string() << ": write failed");
}

}  // namespace

void write_snapshot(const snapshot& snap, const std::filesystem::path& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  LEVRISK_REQUIRE(!error, runtime_failure,
                  directory.string() << ": cannot create directory: " << error.message());
  const auto asset_id = [&](int index) -> const std::string& {
    return snap.assets.at(static_cast<std::size_t>(index)).id;
  };

  write_file(directory / format::assets_file, assets_text(snap.assets));

  csv_text markets(format::lending_markets_columns);
  for (const auto& m : snap.lending_markets) {
    markets.field(asset_id(m.asset_index))
        .field(m.ltv)
        .field(m.liquidation_threshold)
        .field(m.liquidation_bonus)
        .end_row();
  }
  write_file(directory / format::lending_markets_file, markets);

  csv_text protocol(format::protocol_columns);
  for (const auto& p : format::protocol_parameters) {
    protocol.field(p.name).field(snap.*p.value).end_row();
  }
  write_file(directory / format::protocol_file, protocol);

  csv_text balances(format::lending_balances_columns);
  for (const auto& account : snap.lending_accounts) {
    const std::string_view id = checked_id(account.id, "lending account");
    for (const auto& b : account.balances) {
      balances.field(id)
          .field(asset_id(b.asset_index))
          .field(b.collateral_amount)
          .field(b.debt_amount)
          .end_row();
    }
  }
  write_file(directory / format::lending_balances_file, balances);

  csv_text perp_markets(
      all_columns(format::perp_markets_columns, format::perp_markets_optional_columns));
  for (const auto& m : snap.perp_markets) {
    perp_markets.field(checked_id(m.id, "perp market"))
        .field(asset_id(m.asset_index))
        .field(m.maintenance_margin_fraction)
        .field(m.initial_margin_fraction)
        .field(m.liquidation_fee)
        .end_row();
  }
  write_file(directory / format::perp_markets_file, perp_markets);

  csv_text perp_accounts(format::perp_accounts_columns);
  for (const auto& a : snap.perp_accounts) {
    perp_accounts.field(checked_id(a.id, "perp account")).field(a.cross_collateral_usd).end_row();
  }
  write_file(directory / format::perp_accounts_file, perp_accounts);

  csv_text positions(format::perp_positions_columns);
  for (const auto& p : snap.perp_positions) {
    const bool isolated = p.mode == margin_mode::isolated;
    positions.field(checked_id(p.account_id, "perp account"))
        .field(snap.perp_markets.at(static_cast<std::size_t>(p.market_index)).id)
        .field(p.side == position_side::long_side ? "long" : "short")
        .field(p.size)
        .field(p.entry_price_usd)
        .field(isolated ? "isolated" : "cross");
    if (isolated) {
      positions.field(p.isolated_margin_usd);
    } else {
      positions.field(std::string_view());
    }
    positions.end_row();
  }
  write_file(directory / format::perp_positions_file, positions);
}

}  // namespace levrisk
