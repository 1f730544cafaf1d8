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

// A file the snapshot does not have, left by an earlier snapshot in the directory:
// protocol.csv beside venues.csv would not load.
void remove_stale(const std::filesystem::path& path) {
  std::error_code error;
  std::filesystem::remove(path, error);
  LEVRISK_REQUIRE(!error, runtime_failure,
                  path.string() << ": cannot be removed: " << error.message());
}

// One lending venue "lending" and one perp venue "perp": the format before
// venues existed, byte for byte (protocol.csv, no venue_id columns).
bool has_default_venues(const snapshot& snap) {
  return snap.lending_venues.size() == 1 && snap.perp_venues.size() == 1 &&
         snap.lending_venues[0].id == default_lending_venue_id &&
         snap.perp_venues[0].id == default_perp_venue_id;
}

csv_text protocol_text(const snapshot& snap) {
  csv_text protocol(format::protocol_columns);
  for (const auto& p : format::protocol_parameters) {
    protocol.field(p.name)
        .field(p.lending != nullptr ? snap.lending_venues[0].*p.lending
                                    : snap.perp_venues[0].*p.perp)
        .end_row();
  }
  return protocol;
}

// Lending venues first, then perp venues, each in its order: the loader's indices.
csv_text venues_text(const snapshot& snap) {
  csv_text venues(all_columns(format::venues_columns, format::venues_optional_columns));
  for (const lending_venue& v : snap.lending_venues) {
    venues.field(checked_id(v.id, "venue")).field(format::venue_kinds[0]).field(v.reserve_usd);
    for (const auto& rule : format::lending_rules) venues.field(v.*rule.value);
    venues.end_row();
  }
  for (const perp_venue& v : snap.perp_venues) {
    venues.field(checked_id(v.id, "venue"))
        .field(format::venue_kinds[1])
        .field(v.insurance_fund_usd);
    for (std::size_t i = 0; i < format::lending_rules.size(); ++i) {
      venues.field(std::string_view());
    }
    venues.end_row();
  }
  return venues;
}

csv_text venue_oracles_text(const snapshot& snap) {
  csv_text oracles(
      all_columns(format::venue_oracles_columns, format::venue_oracles_optional_columns));
  for (const venue_oracle& row : snap.venue_oracles) {
    const auto venue = static_cast<std::size_t>(row.venue_index);
    oracles.field(row.perp ? snap.perp_venues.at(venue).id : snap.lending_venues.at(venue).id)
        .field(snap.assets.at(static_cast<std::size_t>(row.asset_index)).id)
        .field(row.oracle_price_usd)
        .field(row.oracle_age_seconds)
        .end_row();
  }
  return oracles;
}

// The header of a table that belongs to venues: venue_id first where rows name
// their venue.
std::vector<std::string> venue_table_columns(bool venue_column,
                                             const std::vector<std::string>& columns) {
  std::vector<std::string> all;
  if (venue_column) all.push_back(format::venue_id_column);
  all.insert(all.end(), columns.begin(), columns.end());
  return all;
}

}  // namespace

void write_snapshot(const snapshot& snap, const std::filesystem::path& directory) {
  const bool venue_column = !has_default_venues(snap);
  LEVRISK_REQUIRE(!snap.lending_venues.empty() || !snap.perp_venues.empty(), input_error,
                  "write_snapshot: a snapshot without venues cannot be written: "
                      << format::venues_file << " needs at least one");
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  LEVRISK_REQUIRE(!error, runtime_failure,
                  directory.string() << ": cannot create directory: " << error.message());
  const auto asset_id = [&](int index) -> const std::string& {
    return snap.assets.at(static_cast<std::size_t>(index)).id;
  };
  const auto lending_venue_id = [&](int index) -> std::string_view {
    return snap.lending_venues.at(static_cast<std::size_t>(index)).id;
  };
  const auto perp_venue_id = [&](int index) -> std::string_view {
    return snap.perp_venues.at(static_cast<std::size_t>(index)).id;
  };
  // Rows open with their venue only where the header has the column.
  const auto open_row = [&](csv_text& table, std::string_view venue_id) -> csv_text& {
    return venue_column ? table.field(venue_id) : table;
  };

  write_file(directory / format::assets_file, assets_text(snap.assets));

  csv_text markets(venue_table_columns(venue_column, format::lending_markets_columns));
  for (const auto& m : snap.lending_markets) {
    open_row(markets, lending_venue_id(m.venue_index))
        .field(asset_id(m.asset_index))
        .field(m.ltv)
        .field(m.liquidation_threshold)
        .field(m.liquidation_bonus)
        .end_row();
  }
  write_file(directory / format::lending_markets_file, markets);

  if (venue_column) {
    write_file(directory / format::venues_file, venues_text(snap));
    remove_stale(directory / format::protocol_file);
  } else {
    write_file(directory / format::protocol_file, protocol_text(snap));
    remove_stale(directory / format::venues_file);
  }

  csv_text balances(venue_table_columns(venue_column, format::lending_balances_columns));
  for (const auto& account : snap.lending_accounts) {
    const std::string_view id = checked_id(account.id, "lending account");
    const std::string_view venue_id = lending_venue_id(account.venue_index);
    for (const auto& b : account.balances) {
      open_row(balances, venue_id)
          .field(id)
          .field(asset_id(b.asset_index))
          .field(b.collateral_amount)
          .field(b.debt_amount)
          .end_row();
    }
  }
  write_file(directory / format::lending_balances_file, balances);

  csv_text perp_markets(venue_table_columns(
      venue_column, all_columns(format::perp_markets_columns, {format::liquidation_fee_column})));
  for (const auto& m : snap.perp_markets) {
    open_row(perp_markets, perp_venue_id(m.venue_index))
        .field(checked_id(m.id, "perp market"))
        .field(asset_id(m.asset_index))
        .field(m.maintenance_margin_fraction)
        .field(m.initial_margin_fraction)
        .field(m.liquidation_fee)
        .end_row();
  }
  write_file(directory / format::perp_markets_file, perp_markets);

  csv_text perp_accounts(venue_table_columns(venue_column, format::perp_accounts_columns));
  for (const auto& a : snap.perp_accounts) {
    open_row(perp_accounts, perp_venue_id(a.venue_index))
        .field(checked_id(a.id, "perp account"))
        .field(a.cross_collateral_usd)
        .end_row();
  }
  write_file(directory / format::perp_accounts_file, perp_accounts);

  csv_text positions(venue_table_columns(venue_column, format::perp_positions_columns));
  for (const auto& p : snap.perp_positions) {
    const bool isolated = p.mode == margin_mode::isolated;
    open_row(positions, perp_venue_id(p.venue_index))
        .field(checked_id(p.account_id, "perp account"))
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

  if (snap.venue_oracles.empty()) {
    remove_stale(directory / format::venue_oracles_file);
  } else {
    write_file(directory / format::venue_oracles_file, venue_oracles_text(snap));
  }
}

}  // namespace levrisk
