#include "host/snapshot/load_snapshot.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "common/utf8.hpp"
#include "host/snapshot/provenance.hpp"
#include "host/snapshot/snapshot_format.hpp"

namespace levrisk {

namespace {

namespace format = snapshot_format;

// Open addressing with linear probing, at most 3/4 full: with std::unordered_map,
// node allocation and pointer chasing took most of the time to load a
// million-row file.
template <class Key, class Value, class Hash>
class flat_table {
 public:
  explicit flat_table(std::size_t expected = 8) { rehash(capacity_for(expected)); }

  // The value stored under `key` and whether it was inserted by this call. The
  // pointer is valid until the next insertion.
  std::pair<Value*, bool> emplace(const Key& key, const Value& value) {
    if (4 * (size_ + 1) > 3 * slots_.size()) rehash(2 * slots_.size());
    std::size_t i = Hash{}(key)&mask_;
    while (slots_[i].used) {
      if (slots_[i].key == key) return {&slots_[i].value, false};
      i = (i + 1) & mask_;
    }
    slots_[i] = slot{key, value, true};
    ++size_;
    return {&slots_[i].value, true};
  }

  const Value* find(const Key& key) const {
    std::size_t i = Hash{}(key)&mask_;
    while (slots_[i].used) {
      if (slots_[i].key == key) return &slots_[i].value;
      i = (i + 1) & mask_;
    }
    return nullptr;
  }

  std::size_t size() const { return size_; }

 private:
  struct slot {
    Key key{};
    Value value{};
    bool used = false;
  };

  static std::size_t capacity_for(std::size_t expected) {
    std::size_t capacity = 16;
    while (3 * capacity < 4 * expected) capacity *= 2;
    return capacity;
  }

  void rehash(std::size_t capacity) {
    std::vector<slot> old(capacity);
    old.swap(slots_);
    mask_ = capacity - 1;
    size_ = 0;
    for (const slot& s : old) {
      if (s.used) emplace(s.key, s.value);
    }
  }

  std::vector<slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

// SplitMix64 finalizer: packed integer keys have structured low bits.
struct integer_hash {
  std::size_t operator()(std::uint64_t key) const {
    key = (key ^ (key >> 30)) * 0xBF58476D1CE4E5B9ULL;
    key = (key ^ (key >> 27)) * 0x94D049BB133111EBULL;
    return static_cast<std::size_t>(key ^ (key >> 31));
  }
};

struct id_entry {
  int index;
  int line;
};
// Keys are views into a csv_reader's buffer, which outlives the table.
using id_table = flat_table<std::string_view, id_entry, std::hash<std::string_view>>;
using line_table = flat_table<std::uint64_t, int, integer_hash>;

std::string text(std::string_view view) {
  return std::string(view);
}

std::string first_on(int line) {
  return " (first on line " + std::to_string(line) + ")";
}

// Adds `id` under `index`; a repeated id fails naming the first line. `where`
// follows the id in the message (" in venue 'x'", or nothing).
void add_unique(const csv_reader& csv, std::size_t column, id_table& table, std::string_view id,
                int index, const char* what, const std::string& where = {}) {
  const auto [entry, inserted] = table.emplace(id, id_entry{index, csv.line()});
  if (!inserted) {
    csv.fail(column, "repeats " + text(what) + " " + quoted_for_message(id) + where +
                         first_on(entry->line));
  }
}

int add_unique(const csv_reader& csv, std::size_t column, id_table& table, std::string_view id,
               const char* what) {
  const int index = static_cast<int>(table.size());
  add_unique(csv, column, table, id, index, what);
  return index;
}

int resolve(const csv_reader& csv, std::size_t column, const id_table& table, const char* what,
            const char* defining_file, const std::string& where = {}) {
  const std::string_view id = csv.id(column);
  const id_entry* entry = table.find(id);
  if (entry == nullptr) {
    csv.fail(column, "names an unknown " + text(what) + " " + quoted_for_message(id) + where +
                         " (not in " + defining_file + ")");
  }
  return entry->index;
}

// depth_usd: an empty field is infinite depth (no price impact), as the writer
// writes it; NULL too, as warehouses write a missing value.
double read_depth_usd(const csv_reader& csv, std::size_t column) {
  if (csv.is_missing(column)) return std::numeric_limits<double>::infinity();
  const std::string_view field = csv.raw(column);
  double value = 0;
  if (!parse_number(field, value) || !std::isfinite(value) || !(value > 0)) {
    csv.fail(column, "must be a finite number > 0 (or empty: no price impact), got " +
                         quoted_for_message(field));
  }
  return value;
}

// The columns where zero is what a missing value means (docs/snapshot-format.md,
// "Missing values"): a warehouse writes NULL or nothing for no balance.
double number_or_zero(const csv_reader& csv, std::size_t column, const number_bounds& bounds) {
  return csv.is_missing(column) ? 0.0 : csv.number(column, bounds);
}

// An amount exported in the token's smallest unit (wei, USDC's 10^-6, satoshis)
// parses as a plausible number. What gives it away is a whole number of at least
// 10^15 units worth more than 10^12 USD in one row, a trillion dollars, more
// than any single balance on any protocol (docs/snapshot-format.md).
constexpr double unscaled_min_units = 1e15;
constexpr double unscaled_max_usd = 1e12;

// `price_name` null: the amount is in USD.
void refuse_unscaled_amount(const csv_reader& csv, std::size_t column, double amount,
                            double price_usd, const char* price_name) {
  const double usd = amount * price_usd;
  if (!(amount >= unscaled_min_units && std::floor(amount) == amount && usd > unscaled_max_usd)) {
    return;
  }
  std::ostringstream message;
  message << "looks like an unscaled on-chain integer: " << quoted_for_message(csv.raw(column));
  if (price_name != nullptr) message << " x " << price_name << " " << price_usd;
  message << " is " << usd << " USD, above the " << unscaled_max_usd
          << " USD bound for one row; write amounts in whole units, divided by 10^decimals of the "
             "token (18 for ETH and most ERC-20s, 6 for USDC and USDT, 8 for BTC)";
  csv.fail(column, message.str());
}

std::string quoted_names(const std::vector<std::string>& names) {
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) list += ", ";
    list += quoted_for_message(names[i]);
  }
  return list;
}

// One notice per file with columns the format does not have: a misspelled
// optional column reads as absent, with its default.
void note_ignored_columns(const csv_reader& csv, snapshot& snap) {
  const auto& ignored = csv.ignored_columns();
  if (ignored.empty()) return;
  snap.notices.push_back(csv.path_text() + ":" + std::to_string(csv.header_line()) + ": ignoring " +
                         (ignored.size() == 1 ? "column " : "columns ") + quoted_names(ignored) +
                         ", not in the snapshot format");
}

// An optional number where empty or NULL means the column's default.
double number_or(const csv_reader& csv, std::size_t column, const number_bounds& bounds,
                 double missing) {
  return csv.is_missing(column) ? missing : csv.number(column, bounds);
}

id_table read_assets(csv_reader& csv, snapshot& snap) {
  id_table assets;
  const auto depth_column = csv.column_index(format::depth_usd_column);
  const auto oracle_price_column = csv.column_index(format::oracle_price_usd_column);
  const auto oracle_age_column = csv.column_index(format::oracle_age_seconds_column);
  while (csv.next_row()) {
    const std::string_view id = csv.id(0);
    add_unique(csv, 0, assets, id, "asset");
    const double spot_usd = csv.number(1, number_bounds::above(0));
    asset a{text(id), spot_usd};
    if (depth_column) a.depth_usd = read_depth_usd(csv, *depth_column);
    if (oracle_price_column) {
      a.oracle_price_usd =
          number_or(csv, *oracle_price_column, number_bounds::above(0), a.oracle_price_usd);
    }
    if (oracle_age_column) {
      a.oracle_age_seconds = number_or(csv, *oracle_age_column, number_bounds::at_least(0), 0.0);
    }
    snap.assets.push_back(a);
  }
  LEVRISK_REQUIRE(!snap.assets.empty(), input_error,
                  csv.path_text() << ": no assets; at least one row is required");
  return assets;
}

// --- venues ---

using format::venue_kind;

// venues.csv's word for the kind (a literal, so null-terminated).
const char* kind_name(venue_kind kind) {
  return format::venue_kinds[static_cast<std::size_t>(kind)].data();
}

struct venue_entry {
  venue_kind kind;
  int index;  // into the snapshot's venues of that kind
  int line;   // in venues.csv; 0 for a default venue
};

// Every venue by id, both kinds in one table: ids are unique across kinds.
// Keys are views into venues.csv's reader, or the default ids.
struct venue_set {
  flat_table<std::string_view, venue_entry, std::hash<std::string_view>> by_id;
  bool from_file = false;  // venues.csv, not the default venues of protocol.csv
};

venue_set default_venues() {
  venue_set venues;
  venues.by_id.emplace(default_lending_venue_id, venue_entry{venue_kind::lending, 0, 0});
  venues.by_id.emplace(default_perp_venue_id, venue_entry{venue_kind::perp, 0, 0});
  return venues;
}

void read_protocol(csv_reader& csv, snapshot& snap) {
  std::array<int, format::protocol_parameters.size()> first_line{};
  std::string known;
  for (const auto& p : format::protocol_parameters) {
    known += (known.empty() ? "" : ", ") + text(p.name);
  }
  lending_venue& lending = snap.lending_venues.front();
  perp_venue& perp = snap.perp_venues.front();
  while (csv.next_row()) {
    const std::string_view parameter = csv.id(0);
    std::size_t k = 0;
    while (k < format::protocol_parameters.size() &&
           !equals_ignoring_case(parameter, format::protocol_parameters[k].name)) {
      ++k;
    }
    if (k == format::protocol_parameters.size()) {
      csv.fail(0, "names an unknown parameter " + quoted_for_message(parameter) +
                      " (known: " + known + ")");
    }
    const format::protocol_parameter& p = format::protocol_parameters[k];
    if (first_line[k] != 0) {
      csv.fail(0, "repeats parameter " + quoted_for_message(p.name) + first_on(first_line[k]));
    }
    first_line[k] = csv.line();
    const double value = csv.number(1, p.bounds);
    if (p.lending != nullptr) {
      lending.*p.lending = value;
    } else {
      perp.*p.perp = value;
    }
  }
}

void read_lending_venue(const csv_reader& csv, std::string_view id, double fund_usd,
                        snapshot& snap) {
  lending_venue venue{text(id)};
  venue.reserve_usd = fund_usd;
  for (const format::lending_rule& rule : format::lending_rules) {
    const auto column = csv.column_index(rule.name);
    if (column) venue.*rule.value = number_or(csv, *column, rule.bounds, venue.*rule.value);
  }
  snap.lending_venues.push_back(venue);
}

void read_perp_venue(const csv_reader& csv, std::string_view id, double fund_usd, snapshot& snap) {
  for (const format::lending_rule& rule : format::lending_rules) {
    const auto column = csv.column_index(rule.name);
    if (column && !csv.is_missing(*column)) {
      csv.fail(*column, "must be empty for a perp venue (it is a lending venue's rule), got " +
                            quoted_for_message(csv.raw(*column)));
    }
  }
  snap.perp_venues.push_back(perp_venue{text(id), fund_usd});
}

venue_set read_venues(csv_reader& csv, snapshot& snap) {
  venue_set venues;
  venues.from_file = true;
  snap.lending_venues.clear();
  snap.perp_venues.clear();
  while (csv.next_row()) {
    const std::string_view id = csv.id(0);
    const auto kind = static_cast<venue_kind>(csv.choice(1, format::venue_kinds));
    const int index = static_cast<int>(kind == venue_kind::lending ? snap.lending_venues.size()
                                                                   : snap.perp_venues.size());
    const auto [entry, inserted] = venues.by_id.emplace(id, venue_entry{kind, index, csv.line()});
    if (!inserted) csv.fail(0, "repeats venue " + quoted_for_message(id) + first_on(entry->line));
    const double fund_usd = csv.number(2, format::fund_usd_bounds);
    if (kind == venue_kind::lending) {
      read_lending_venue(csv, id, fund_usd, snap);
    } else {
      read_perp_venue(csv, id, fund_usd, snap);
    }
  }
  LEVRISK_REQUIRE(!snap.lending_venues.empty() || !snap.perp_venues.empty(), input_error,
                  csv.path_text() << ": no venues; at least one row is required");
  return venues;
}

// The venue the current row names in `column`, of either kind.
const venue_entry* find_venue(const csv_reader& csv, std::size_t column, const venue_set& venues) {
  const std::string_view id = csv.id(column);
  const venue_entry* entry = venues.by_id.find(id);
  if (entry == nullptr) {
    csv.fail(column, "names an unknown venue " + quoted_for_message(id) + " (" +
                         (venues.from_file ? std::string("not in ") + format::venues_file
                                           : std::string("without ") + format::venues_file +
                                                 ", the venues are '" + default_lending_venue_id +
                                                 "' and '" + default_perp_venue_id + "'") +
                         ")");
  }
  return entry;
}

// The venue of `kind` a table's current row belongs to: its venue_id field,
// or, in a table without the column, the snapshot's only venue of that kind.
class row_venue {
 public:
  row_venue(const csv_reader& csv, const venue_set& venues, venue_kind kind, const snapshot& snap)
      : csv_(csv),
        venues_(venues),
        kind_(kind),
        snap_(snap),
        column_(csv.column_index(format::venue_id_column)) {}

  int index() {
    if (!column_) {
      if (count() != 1) fail_without_column();
      index_ = 0;
      return index_;
    }
    const std::string_view id = csv_.id(*column_);
    const venue_entry* entry = find_venue(csv_, *column_, venues_);
    if (entry->kind != kind_) {
      csv_.fail(*column_, "names venue " + quoted_for_message(id) + ", which is a " +
                              kind_name(entry->kind) + " venue, not a " + kind_name(kind_) +
                              " venue");
    }
    index_ = entry->index;
    return index_;
  }

  // " in venue 'x'" for a row that names its venue; nothing otherwise, so that
  // the messages of a snapshot with one venue of each kind read as before.
  std::string in_venue() const { return column_ ? " in venue " + quoted_id() : std::string(); }
  std::string for_venue() const { return column_ ? " for venue " + quoted_id() : std::string(); }

 private:
  std::size_t count() const {
    return kind_ == venue_kind::lending ? snap_.lending_venues.size() : snap_.perp_venues.size();
  }

  const std::string& id_of(std::size_t index) const {
    return kind_ == venue_kind::lending ? snap_.lending_venues[index].id
                                        : snap_.perp_venues[index].id;
  }

  std::string quoted_id() const {
    return quoted_for_message(id_of(static_cast<std::size_t>(index_)));
  }

  [[noreturn]] void fail_without_column() const {
    std::ostringstream message;
    message << csv_.path_text() << ":" << csv_.header_line() << ": ";
    if (count() == 0) {
      message << "the file has rows (the first on line " << csv_.line()
              << "), but the snapshot has no " << kind_name(kind_) << " venue ("
              << format::venues_file << " lists none)";
    } else {
      std::vector<std::string> ids;
      for (std::size_t i = 0; i < count(); ++i) ids.push_back(id_of(i));
      message << "header has no column '" << format::venue_id_column << "', and the snapshot has "
              << count() << " " << kind_name(kind_) << " venues (" << quoted_names(ids)
              << "): each row must name its venue";
    }
    LEVRISK_FAIL(input_error, message.str());
  }

  const csv_reader& csv_;
  const venue_set& venues_;
  venue_kind kind_;
  const snapshot& snap_;
  std::optional<std::size_t> column_;
  int index_ = 0;
};

// One id table per venue: ids are unique within a venue, not across venues.
std::vector<id_table> tables_per_venue(std::size_t venues, std::size_t expected_ids) {
  return std::vector<id_table>(venues, id_table(expected_ids / std::max<std::size_t>(venues, 1)));
}

// --- tables ---

void read_lending_markets(csv_reader& csv, const id_table& assets, const venue_set& venues,
                          snapshot& snap) {
  row_venue venue(csv, venues, venue_kind::lending, snap);
  const std::size_t n_assets = snap.assets.size();
  std::vector<int> line_by_market(n_assets * snap.lending_venues.size(), 0);
  while (csv.next_row()) {
    const int venue_index = venue.index();
    const int asset_index = resolve(csv, 0, assets, "asset", format::assets_file);
    int& first_line = line_by_market[static_cast<std::size_t>(venue_index) * n_assets +
                                     static_cast<std::size_t>(asset_index)];
    if (first_line != 0) {
      csv.fail(0, "repeats asset " + quoted_for_message(csv.raw(0)) + venue.in_venue() +
                      first_on(first_line));
    }
    first_line = csv.line();
    const auto unit_interval = number_bounds::range(0, true, 1, false);
    const double ltv = csv.number(1, unit_interval);
    const double liquidation_threshold = csv.number(2, unit_interval);
    const double liquidation_bonus = csv.number(3, unit_interval);
    if (ltv > liquidation_threshold) {
      csv.fail(1, "must be <= liquidation_threshold (" + quoted_for_message(csv.raw(2)) +
                      "), got " + quoted_for_message(csv.raw(1)));
    }
    // Aave v3 PoolConfigurator rule: above 1, liquidating an account just below
    // HF 1 seizes more weighted collateral than it repays and lowers its HF.
    if (liquidation_threshold * (1 + liquidation_bonus) > 1) {
      csv.fail(3, "must satisfy liquidation_threshold * (1 + liquidation_bonus) <= 1, got " +
                      quoted_for_message(csv.raw(2)) + " * (1 + " + quoted_for_message(csv.raw(3)) +
                      ")");
    }
    snap.lending_markets.push_back(
        lending_market{asset_index, ltv, liquidation_threshold, liquidation_bonus, venue_index});
  }
}

// Every USD value the engine derives from a row starts as amount x price: it must be a
// finite double (an amount of 1e308 at a price of 3000 is not), else the row's health
// factor is NaN and the unit would read as safe.
void require_finite_usd(const csv_reader& csv, std::size_t column, double amount, double price_usd,
                        const char* price_name) {
  if (std::isfinite(amount * price_usd)) return;
  std::ostringstream message;
  message << "is worth more USD than a double holds: " << quoted_for_message(csv.raw(column))
          << " x " << price_name << " " << price_usd
          << " overflows (is it in the asset's units, not its smallest on-chain unit?)";
  csv.fail(column, message.str());
}

std::uint64_t pair_key(int first, int second) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(first)) << 32) |
         static_cast<std::uint32_t>(second);
}

void read_lending_balances(csv_reader& csv, const id_table& assets, const venue_set& venues,
                           snapshot& snap) {
  row_venue venue(csv, venues, venue_kind::lending, snap);
  const std::size_t n_assets = snap.assets.size();
  std::vector<int> market_by_venue_asset(n_assets * snap.lending_venues.size(), -1);
  for (std::size_t i = 0; i < snap.lending_markets.size(); ++i) {
    const lending_market& m = snap.lending_markets[i];
    market_by_venue_asset[static_cast<std::size_t>(m.venue_index) * n_assets +
                          static_cast<std::size_t>(m.asset_index)] = static_cast<int>(i);
  }
  const std::size_t rows = csv.line_count();
  // Accounts hold a few balances each.
  std::vector<id_table> accounts = tables_per_venue(snap.lending_venues.size(), rows / 2);
  line_table line_by_balance(rows);
  while (csv.next_row()) {
    const std::string_view account_id = csv.id(0);
    const int venue_index = venue.index();
    const int asset_index = resolve(csv, 1, assets, "asset", format::assets_file);
    if (market_by_venue_asset[static_cast<std::size_t>(venue_index) * n_assets +
                              static_cast<std::size_t>(asset_index)] < 0) {
      csv.fail(1, "names asset " + quoted_for_message(csv.raw(1)) + ", which has no row in " +
                      format::lending_markets_file + venue.for_venue());
    }
    const double collateral_amount = number_or_zero(csv, 2, number_bounds::at_least(0));
    const double debt_amount = number_or_zero(csv, 3, number_bounds::at_least(0));
    const double spot_usd = snap.assets[static_cast<std::size_t>(asset_index)].spot_usd;
    require_finite_usd(csv, 2, collateral_amount, spot_usd, "spot_usd");
    require_finite_usd(csv, 3, debt_amount, spot_usd, "spot_usd");
    refuse_unscaled_amount(csv, 2, collateral_amount, spot_usd, "spot_usd");
    refuse_unscaled_amount(csv, 3, debt_amount, spot_usd, "spot_usd");

    const auto [account, new_account] = accounts[static_cast<std::size_t>(venue_index)].emplace(
        account_id, id_entry{static_cast<int>(snap.lending_accounts.size()), csv.line()});
    const int account_index = account->index;
    if (new_account) {
      snap.lending_accounts.push_back(lending_account{text(account_id), {}, venue_index});
    }
    const auto [first_line, new_balance] =
        line_by_balance.emplace(pair_key(account_index, asset_index), csv.line());
    if (!new_balance) {
      csv.fail(1, "repeats asset " + quoted_for_message(csv.raw(1)) + " for account " +
                      quoted_for_message(account_id) + venue.in_venue() + first_on(*first_line));
    }
    snap.lending_accounts[static_cast<std::size_t>(account_index)].balances.push_back(
        lending_balance{asset_index, collateral_amount, debt_amount});
  }
}

std::vector<id_table> read_perp_markets(csv_reader& csv, const id_table& assets,
                                        const venue_set& venues, snapshot& snap) {
  row_venue venue(csv, venues, venue_kind::perp, snap);
  std::vector<id_table> markets = tables_per_venue(snap.perp_venues.size(), 8);
  const auto fee_column = csv.column_index(format::liquidation_fee_column);
  while (csv.next_row()) {
    const std::string_view id = csv.id(0);
    const int venue_index = venue.index();
    add_unique(csv, 0, markets[static_cast<std::size_t>(venue_index)], id,
               static_cast<int>(snap.perp_markets.size()), "market", venue.in_venue());
    const int asset_index = resolve(csv, 1, assets, "asset", format::assets_file);
    const double maintenance = csv.number(2, number_bounds::range(0, false, 1, false));
    const double initial = csv.number(3, number_bounds::range(0, false, 1, true));
    if (!(maintenance < initial)) {
      csv.fail(2, "must be < initial_margin_fraction (" + quoted_for_message(csv.raw(3)) +
                      "), got " + quoted_for_message(csv.raw(2)));
    }
    perp_market market{text(id), asset_index, maintenance, initial};
    if (fee_column) {
      market.liquidation_fee =
          number_or_zero(csv, *fee_column, number_bounds::range(0, true, 1, false));
    }
    market.venue_index = venue_index;
    snap.perp_markets.push_back(market);
  }
  return markets;
}

std::vector<id_table> read_perp_accounts(csv_reader& csv, const venue_set& venues, snapshot& snap) {
  row_venue venue(csv, venues, venue_kind::perp, snap);
  std::vector<id_table> accounts = tables_per_venue(snap.perp_venues.size(), csv.line_count());
  while (csv.next_row()) {
    const std::string_view id = csv.id(0);
    const int venue_index = venue.index();
    add_unique(csv, 0, accounts[static_cast<std::size_t>(venue_index)], id,
               static_cast<int>(snap.perp_accounts.size()), "account", venue.in_venue());
    const double collateral_usd = number_or_zero(csv, 1, number_bounds::at_least(0));
    refuse_unscaled_amount(csv, 1, collateral_usd, 1, nullptr);
    snap.perp_accounts.push_back(perp_account{text(id), collateral_usd, venue_index});
  }
  return accounts;
}

void read_perp_positions(csv_reader& csv, const std::vector<id_table>& markets,
                         const std::vector<id_table>& accounts, const venue_set& venues,
                         snapshot& snap) {
  enum column : std::size_t {
    account_col,
    market_col,
    side_col,
    size_col,
    entry_col,
    mode_col,
    margin_col
  };
  const std::vector<std::string_view> sides{"long", "short"};
  const std::vector<std::string_view> modes{"isolated", "cross"};
  row_venue venue(csv, venues, venue_kind::perp, snap);
  const std::size_t rows = csv.line_count();
  snap.perp_positions.reserve(rows);
  // Any (venue, account id) seen here gets a number, for the (account, market, mode) key.
  using number_table = flat_table<std::string_view, int, std::hash<std::string_view>>;
  std::vector<number_table> account_numbers(
      snap.perp_venues.size(),
      number_table(rows / 2 / std::max<std::size_t>(snap.perp_venues.size(), 1)));
  int numbered_accounts = 0;
  line_table line_by_position(rows);
  while (csv.next_row()) {
    const std::string_view account_id = csv.id(account_col);
    const int venue_index = venue.index();
    const auto v = static_cast<std::size_t>(venue_index);
    const int market_index =
        resolve(csv, market_col, markets[v], "market", format::perp_markets_file, venue.in_venue());
    const auto side =
        csv.choice(side_col, sides) == 0 ? position_side::long_side : position_side::short_side;
    const double size = csv.number(size_col, number_bounds::above(0));
    const double entry_price_usd = csv.number(entry_col, number_bounds::above(0));
    const perp_market& market = snap.perp_markets[static_cast<std::size_t>(market_index)];
    require_finite_usd(csv, size_col, size,
                       snap.assets[static_cast<std::size_t>(market.asset_index)].spot_usd,
                       "spot_usd");
    require_finite_usd(csv, size_col, size, entry_price_usd, "entry_price_usd");
    refuse_unscaled_amount(csv, size_col, size,
                           snap.assets[static_cast<std::size_t>(market.asset_index)].spot_usd,
                           "spot_usd");
    const auto mode = csv.choice(mode_col, modes) == 0 ? margin_mode::isolated : margin_mode::cross;
    double isolated_margin_usd = 0;
    if (mode == margin_mode::isolated) {
      isolated_margin_usd = csv.number(margin_col, number_bounds::above(0));
      refuse_unscaled_amount(csv, margin_col, isolated_margin_usd, 1, nullptr);
    } else {
      const std::string_view margin = csv.raw(margin_col);
      double value = 0;
      if (!csv.is_missing(margin_col) && !(parse_number(margin, value) && value == 0)) {
        csv.fail(margin_col, "must be 0, empty or NULL for a cross position, got " +
                                 quoted_for_message(margin));
      }
      if (accounts[v].find(account_id) == nullptr) {
        csv.fail(account_col, "names account " + quoted_for_message(account_id) +
                                  ", which has no row in " + format::perp_accounts_file +
                                  venue.for_venue() + "; cross positions need one");
      }
    }

    const int account_number = *account_numbers[v].emplace(account_id, numbered_accounts).first;
    if (account_number == numbered_accounts) ++numbered_accounts;
    const auto key = pair_key(account_number, market_index * 2 + (mode == margin_mode::cross));
    const auto [first_line, inserted] = line_by_position.emplace(key, csv.line());
    if (!inserted) {
      csv.fail(market_col, "repeats the " + text(modes[mode == margin_mode::cross]) +
                               " position of account " + quoted_for_message(account_id) +
                               " in market " + quoted_for_message(csv.raw(market_col)) +
                               venue.in_venue() + first_on(*first_line));
    }
    snap.perp_positions.push_back(perp_position{text(account_id), market_index, side, size,
                                                entry_price_usd, mode, isolated_margin_usd,
                                                venue_index});
  }
}

// A venue's own oracle price and age per asset at the snapshot: for venues the
// run gives an oracle of their own ([oracle.venues.ID]; host/engine/oracle_setup.cpp
// checks that against the configuration). Ids are unique across kinds, so the
// venue id alone says which venue.
void read_venue_oracles(csv_reader& csv, const id_table& assets, const venue_set& venues,
                        snapshot& snap) {
  enum column : std::size_t { venue_col, asset_col, price_col };
  const auto age_column = csv.column_index(format::oracle_age_seconds_column);
  const std::size_t n_assets = snap.assets.size();
  std::vector<int> line_by_pair((snap.lending_venues.size() + snap.perp_venues.size()) * n_assets,
                                0);
  while (csv.next_row()) {
    const venue_entry* venue = find_venue(csv, venue_col, venues);
    const bool perp = venue->kind == venue_kind::perp;
    const int asset_index = resolve(csv, asset_col, assets, "asset", format::assets_file);
    const std::size_t venue_number =
        static_cast<std::size_t>(venue->index) + (perp ? snap.lending_venues.size() : 0);
    int& first_line = line_by_pair[venue_number * n_assets + static_cast<std::size_t>(asset_index)];
    if (first_line != 0) {
      csv.fail(asset_col, "repeats asset " + quoted_for_message(csv.raw(asset_col)) +
                              " for venue " + quoted_for_message(csv.raw(venue_col)) +
                              first_on(first_line));
    }
    first_line = csv.line();
    const double price_usd = csv.number(price_col, number_bounds::above(0));
    const double age_seconds =
        age_column ? number_or(csv, *age_column, number_bounds::at_least(0), 0.0) : 0.0;
    snap.venue_oracles.push_back(venue_oracle{perp, venue->index, asset_index, price_usd,
                                              age_seconds,
                                              csv.path_text() + ":" + std::to_string(csv.line())});
  }
}

// venues.csv when the snapshot has one, else the default venues with
// protocol.csv's parameters. The reader owns the text the venue ids point into.
venue_set read_venue_parameters(const std::filesystem::path& directory, csv_reader& venues_csv,
                                snapshot& snap) {
  if (!venues_csv.present()) {
    csv_reader protocol_csv(directory / format::protocol_file, format::protocol_columns, true);
    note_ignored_columns(protocol_csv, snap);
    read_protocol(protocol_csv, snap);
    return default_venues();
  }
  std::error_code error;
  LEVRISK_REQUIRE(!std::filesystem::exists(directory / format::protocol_file, error), input_error,
                  directory.string()
                      << ": " << format::protocol_file << " and " << format::venues_file
                      << " both give venue parameters; " << format::venues_file
                      << " holds each venue's fund and liquidation rules: remove "
                      << format::protocol_file);
  note_ignored_columns(venues_csv, snap);
  return read_venues(venues_csv, snap);
}

}  // namespace

snapshot load_snapshot(const std::filesystem::path& directory) {
  std::error_code error;
  const auto status = std::filesystem::status(directory, error);
  LEVRISK_REQUIRE(std::filesystem::exists(status), input_error,
                  directory.string() << ": snapshot directory not found");
  LEVRISK_REQUIRE(std::filesystem::is_directory(status), input_error,
                  directory.string()
                      << ": not a directory; a snapshot is a directory of CSV files");
  snapshot snap;
  snap.source = directory.string();
  snap.provenance = read_manifest(directory);

  // The readers own the text that the id tables point into: keep them alive.
  csv_reader assets_csv(directory / format::assets_file, format::assets_columns,
                        format::assets_optional_columns);
  note_ignored_columns(assets_csv, snap);
  const id_table assets = read_assets(assets_csv, snap);

  csv_reader venues_csv(directory / format::venues_file, format::venues_columns,
                        format::venues_optional_columns, true);
  const venue_set venues = read_venue_parameters(directory, venues_csv, snap);

  csv_reader lending_markets_csv(directory / format::lending_markets_file,
                                 format::lending_markets_columns, format::venue_id_optional_columns,
                                 true);
  note_ignored_columns(lending_markets_csv, snap);
  read_lending_markets(lending_markets_csv, assets, venues, snap);

  csv_reader lending_balances_csv(directory / format::lending_balances_file,
                                  format::lending_balances_columns,
                                  format::venue_id_optional_columns, true);
  note_ignored_columns(lending_balances_csv, snap);
  read_lending_balances(lending_balances_csv, assets, venues, snap);

  csv_reader perp_markets_csv(directory / format::perp_markets_file, format::perp_markets_columns,
                              format::perp_markets_optional_columns, true);
  note_ignored_columns(perp_markets_csv, snap);
  const std::vector<id_table> markets = read_perp_markets(perp_markets_csv, assets, venues, snap);

  csv_reader perp_accounts_csv(directory / format::perp_accounts_file,
                               format::perp_accounts_columns, format::venue_id_optional_columns,
                               true);
  note_ignored_columns(perp_accounts_csv, snap);
  const std::vector<id_table> accounts = read_perp_accounts(perp_accounts_csv, venues, snap);

  csv_reader perp_positions_csv(directory / format::perp_positions_file,
                                format::perp_positions_columns, format::venue_id_optional_columns,
                                true);
  note_ignored_columns(perp_positions_csv, snap);
  read_perp_positions(perp_positions_csv, markets, accounts, venues, snap);

  csv_reader venue_oracles_csv(directory / format::venue_oracles_file,
                               format::venue_oracles_columns,
                               format::venue_oracles_optional_columns, true);
  note_ignored_columns(venue_oracles_csv, snap);
  read_venue_oracles(venue_oracles_csv, assets, venues, snap);
  snap.provenance.sha256 = snapshot_sha256(directory);
  return snap;
}

}  // namespace levrisk
