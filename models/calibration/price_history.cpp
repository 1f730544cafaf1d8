#include "models/calibration/price_history.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "common/csv_reader.hpp"
#include "common/error.hpp"

namespace levrisk::calibration {
namespace {

// Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms": days since
// 1970-01-01 of a proleptic Gregorian date, and back.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

void civil_from_days(std::int64_t days, std::int64_t& year, unsigned& month, unsigned& day) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  day = day_of_year - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
}

// Rounds toward minus infinity; unlike negating first, defined for INT64_MIN.
std::int64_t floor_divide(std::int64_t value, std::int64_t divisor) {
  return value / divisor - (value % divisor < 0 ? 1 : 0);
}

bool is_leap(std::int64_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

unsigned days_in_month(std::int64_t year, unsigned month) {
  static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

// Reads exactly `count` digits at text[pos].
bool read_digits(std::string_view text, std::size_t& pos, std::size_t count, int& value) {
  if (pos + count > text.size()) return false;
  value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  return true;
}

// 2^63 ms, the first double beyond int64; the year 292278994.
constexpr double max_decimal_time_ms = 9223372036854775808.0;

bool parse_numeric_timestamp(std::string_view text, std::int64_t& time_ms) {
  const std::size_t dot = text.find('.');
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i != dot && !std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  if (dot != std::string_view::npos) {
    double seconds = 0;
    // llround of a value beyond int64 is unspecified (INT64_MIN on x86-64).
    if (!parse_number(text, seconds) || !(seconds * 1000.0 < max_decimal_time_ms)) return false;
    time_ms = std::llround(seconds * 1000.0);
    return true;
  }
  std::int64_t value = 0;
  const auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || stop != text.data() + text.size()) return false;
  // 10^11 seconds is the year 5138 and 10^11 milliseconds 1973-03-03: no price
  // history is ambiguous between the two.
  time_ms = value >= 100000000000LL ? value : value * 1000;
  return true;
}

bool parse_calendar_timestamp(std::string_view text, std::int64_t& time_ms) {
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0;
  if (!read_digits(text, pos, 4, year) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, month) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, day)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 ||
      static_cast<unsigned>(day) > days_in_month(year, static_cast<unsigned>(month))) {
    return false;
  }
  int hour = 0, minute = 0, second = 0, millisecond = 0, offset_minutes = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != ' ') return false;
    ++pos;
    if (!read_digits(text, pos, 2, hour)) return false;
    if (pos + 3 == text.size() && text[pos] == '-') {
      // CryptoDataDownload's "2020-03-12 11-PM": 12-AM is midnight, 12-PM noon.
      const std::string_view suffix = text.substr(pos + 1);
      const bool pm = suffix == "PM" || suffix == "pm";
      if (!pm && suffix != "AM" && suffix != "am") return false;
      if (hour < 1 || hour > 12) return false;
      hour = hour % 12 + (pm ? 12 : 0);
      pos = text.size();
    } else {
      if (pos >= text.size() || text[pos++] != ':' || !read_digits(text, pos, 2, minute)) {
        return false;
      }
      if (pos < text.size() && text[pos] == ':') {
        ++pos;
        if (!read_digits(text, pos, 2, second)) return false;
        if (pos < text.size() && text[pos] == '.') {
          ++pos;
          int scale = 100;
          const std::size_t start = pos;
          while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
            millisecond += (text[pos] - '0') * scale;
            scale /= 10;
            ++pos;
          }
          if (pos == start) return false;
        }
      }
      if (pos < text.size() && text[pos] == 'Z') {
        ++pos;
      } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        const int sign = text[pos++] == '+' ? 1 : -1;
        int offset_hours = 0, offset_mins = 0;
        if (!read_digits(text, pos, 2, offset_hours)) return false;
        if (pos < text.size() && text[pos] == ':') ++pos;
        if (pos < text.size() && !read_digits(text, pos, 2, offset_mins)) return false;
        offset_minutes = sign * (offset_hours * 60 + offset_mins);
      }
    }
    if (pos != text.size() || hour > 23 || minute > 59 || second > 60) return false;
  }
  const std::int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  time_ms =
      ((days * 24 + hour) * 60 + minute - offset_minutes) * 60000LL + second * 1000LL + millisecond;
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return fields;
}

bool is_missing(std::string_view text) {
  const std::string value = lower(text);
  return value.empty() || value == "null" || value == "nan" || value == "na";
}

// "BTCUSDT", "BTC/USDT", "BTC-USD" -> "BTC".
std::string asset_from_symbol(std::string_view symbol) {
  for (const std::string_view quote : {"/USDT", "-USDT", "USDT", "/USD", "-USD"}) {
    if (symbol.size() > quote.size() && symbol.substr(symbol.size() - quote.size()) == quote) {
      return std::string(symbol.substr(0, symbol.size() - quote.size()));
    }
  }
  return std::string(symbol);
}

struct raw_series {
  std::string asset;
  std::vector<std::int64_t> time_ms;
  std::vector<double> price_usd;
  std::vector<int> line;
  int missing_values = 0;
};

// Ascending order (a newest-first file is reversed), duplicates of the same
// price dropped; out-of-order rows and conflicting duplicates are errors.
price_series finish_series(raw_series raw, const std::string& path, const std::string& time_field,
                           const std::string& price_field, duplicate_policy duplicates) {
  price_series out;
  out.asset = raw.asset;
  out.source = path;
  out.missing_values = raw.missing_values;
  const std::size_t n = raw.time_ms.size();
  if (n >= 2 && raw.time_ms.front() > raw.time_ms.back()) {
    std::reverse(raw.time_ms.begin(), raw.time_ms.end());
    std::reverse(raw.price_usd.begin(), raw.price_usd.end());
    std::reverse(raw.line.begin(), raw.line.end());
    out.newest_first = true;
  }
  out.time_ms.reserve(n);
  out.price_usd.reserve(n);
  out.line.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!out.time_ms.empty()) {
      const std::int64_t previous = out.time_ms.back();
      LEVRISK_REQUIRE(raw.time_ms[i] >= previous, input_error,
                      path << ":" << raw.line[i] << ": field '" << time_field
                           << "' is out of order: " << format_timestamp(raw.time_ms[i])
                           << " follows " << format_timestamp(previous) << " (line "
                           << out.line.back() << ") in a file sorted "
                           << (out.newest_first ? "newest" : "oldest") << " first");
      if (raw.time_ms[i] == previous) {
        if (raw.price_usd[i] != out.price_usd.back() &&
            duplicates == duplicate_policy::keep_first) {
          ++out.conflicting_duplicates;
          if (raw.line[i] < out.line.back()) {
            out.price_usd.back() = raw.price_usd[i];
            out.line.back() = raw.line[i];
          }
          continue;
        }
        LEVRISK_REQUIRE(raw.price_usd[i] == out.price_usd.back(), input_error,
                        path << ":" << raw.line[i] << ": field '" << time_field
                             << "' duplicates timestamp " << format_timestamp(previous)
                             << " of line " << out.line.back() << " with a different '"
                             << price_field << "' (" << raw.price_usd[i] << " vs "
                             << out.price_usd.back() << ")");
        ++out.duplicate_rows;
        continue;
      }
    }
    out.time_ms.push_back(raw.time_ms[i]);
    out.price_usd.push_back(raw.price_usd[i]);
    out.line.push_back(raw.line[i]);
  }
  return out;
}

std::int64_t read_time(std::string_view text, const std::string& path, int line,
                       const std::string& field) {
  std::int64_t time_ms = 0;
  LEVRISK_REQUIRE(
      parse_timestamp_ms(text, time_ms), input_error,
      path << ":" << line << ": field '" << field << "' is not a timestamp: '" << text << "'");
  return time_ms;
}

// False for a missing value; throws for a malformed or non-positive one.
bool read_price(std::string_view text, const std::string& path, int line, const std::string& field,
                double& price) {
  if (is_missing(text)) return false;
  LEVRISK_REQUIRE(
      parse_number(text, price), input_error,
      path << ":" << line << ": field '" << field << "' is not a number: '" << text << "'");
  LEVRISK_REQUIRE(std::isfinite(price) && price > 0, input_error,
                  path << ":" << line << ": field '" << field << "' must be > 0, got " << text);
  return true;
}

int find_column(const std::vector<std::string>& columns, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const auto it = std::find(columns.begin(), columns.end(), name);
    if (it != columns.end()) return static_cast<int>(it - columns.begin());
  }
  return -1;
}

}  // namespace

history_source parse_history_argument(const std::string& argument) {
  const std::size_t colon = argument.rfind(':');
  if (colon != std::string::npos && colon + 1 < argument.size()) {
    const std::string asset = argument.substr(colon + 1);
    if (asset.find_first_of("/.\\") == std::string::npos && is_valid_id(asset)) {
      return {argument.substr(0, colon), asset};
    }
  }
  return {argument, ""};
}

bool parse_timestamp_ms(std::string_view text, std::int64_t& time_ms) {
  text = trim(text);
  if (text.empty()) return false;
  if (text.size() >= 5 && text[4] == '-') return parse_calendar_timestamp(text, time_ms);
  return parse_numeric_timestamp(text, time_ms);
}

std::string format_timestamp(std::int64_t time_ms) {
  const std::int64_t seconds = floor_divide(time_ms, 1000);
  const std::int64_t days = floor_divide(seconds, 86400);
  const std::int64_t second_of_day = seconds - days * 86400;
  std::int64_t year = 0;
  unsigned month = 0, day = 0;
  civil_from_days(days, year, month, day);
  char text[40];
  std::snprintf(text, sizeof text, "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(year),
                month, day, static_cast<int>(second_of_day / 3600),
                static_cast<int>(second_of_day / 60 % 60), static_cast<int>(second_of_day % 60));
  return text;
}

std::vector<price_series> load_price_file(const history_source& source,
                                          duplicate_policy duplicates) {
  const std::string& path = source.path;
  std::ifstream file(path, std::ios::binary);
  LEVRISK_REQUIRE(file, input_error, path << ": cannot open price history file");
  std::stringstream buffer;
  buffer << file.rdbuf();
  const std::string contents = buffer.str();
  // Read like the snapshot's files (common/csv_reader.cpp): a byte-order mark
  // left in place would become part of the first column's name.
  const std::string_view text = skip_utf8_bom(contents);

  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  // The header is the first line with a comma: CryptoDataDownload files start
  // with a line holding only their URL.
  std::size_t header_index = 0;
  while (header_index < lines.size() && lines[header_index].find(',') == std::string_view::npos) {
    ++header_index;
  }
  LEVRISK_REQUIRE(header_index < lines.size(), input_error,
                  path << ": no CSV header (a line with comma-separated column names)");
  const int header_line = static_cast<int>(header_index) + 1;
  std::vector<std::string> names;
  std::vector<std::string> columns;
  for (const std::string_view field : split_fields(lines[header_index])) {
    names.emplace_back(field);
    columns.push_back(lower(field));
  }

  enum class layout { ohlcv, long_rows, wide };
  layout kind;
  int time_column = -1, price_column = -1, asset_column = -1;
  if ((price_column = find_column(columns, {"close"})) >= 0) {
    kind = layout::ohlcv;
    time_column = find_column(columns, {"unix", "timestamp", "time", "date", "datetime"});
    asset_column = find_column(columns, {"symbol", "asset"});
  } else if ((price_column = find_column(columns, {"price_usd", "usd_price", "price"})) >= 0) {
    kind = layout::long_rows;
    time_column = find_column(columns, {"timestamp", "unix", "time", "date", "datetime"});
    asset_column = find_column(columns, {"asset", "symbol"});
    LEVRISK_REQUIRE(asset_column >= 0, input_error,
                    path << ":" << header_line << ": a long price file needs a column 'asset'");
  } else {
    kind = layout::wide;
    time_column = find_column(columns, {"timestamp", "unix", "time", "date", "datetime"});
    LEVRISK_REQUIRE(time_column == 0 && columns.size() >= 2, input_error,
                    path << ":" << header_line
                         << ": unrecognized header; expected 'timestamp,<ASSET>,...', "
                            "'timestamp,asset,price_usd' or an OHLCV header with 'close'");
  }
  LEVRISK_REQUIRE(time_column >= 0, input_error,
                  path << ":" << header_line << ": no timestamp column ('timestamp' or 'unix')");
  const std::string& time_field = names[static_cast<std::size_t>(time_column)];

  std::vector<raw_series> series;
  std::map<std::string, std::size_t> series_index;
  std::vector<int> wide_columns;  // header column of each series, wide layout
  if (kind == layout::wide) {
    for (std::size_t c = 1; c < names.size(); ++c) {
      LEVRISK_REQUIRE(is_valid_id(names[c]), input_error,
                      path << ":" << header_line << ": column " << c + 1 << " '" << names[c]
                           << "' is not a valid asset id");
      if (!source.asset.empty() && names[c] != source.asset) continue;
      series.push_back({names[c], {}, {}, {}, 0});
      wide_columns.push_back(static_cast<int>(c));
    }
    LEVRISK_REQUIRE(!series.empty(), input_error,
                    path << ":" << header_line << ": no column '" << source.asset << "'");
  }

  for (std::size_t index = header_index + 1; index < lines.size(); ++index) {
    const int line = static_cast<int>(index) + 1;
    if (trim(lines[index]).empty()) continue;
    const std::vector<std::string_view> fields = split_fields(lines[index]);
    LEVRISK_REQUIRE(
        fields.size() == names.size(), input_error,
        path << ":" << line << ": expected " << names.size() << " fields, got " << fields.size());
    const std::int64_t time_ms =
        read_time(fields[static_cast<std::size_t>(time_column)], path, line, time_field);
    if (kind == layout::wide) {
      for (std::size_t s = 0; s < series.size(); ++s) {
        const auto column = static_cast<std::size_t>(wide_columns[s]);
        double price = 0;
        if (!read_price(fields[column], path, line, names[column], price)) {
          ++series[s].missing_values;
          continue;
        }
        series[s].time_ms.push_back(time_ms);
        series[s].price_usd.push_back(price);
        series[s].line.push_back(line);
      }
      continue;
    }
    std::string asset;
    if (asset_column >= 0) {
      const std::string_view symbol = fields[static_cast<std::size_t>(asset_column)];
      LEVRISK_REQUIRE(!symbol.empty(), input_error,
                      path << ":" << line << ": field '"
                           << names[static_cast<std::size_t>(asset_column)] << "' is empty");
      asset = kind == layout::ohlcv ? asset_from_symbol(symbol) : std::string(symbol);
    }
    if (kind == layout::ohlcv && !source.asset.empty()) asset = source.asset;
    LEVRISK_REQUIRE(
        !asset.empty(), input_error,
        path << ": the OHLCV file has no 'symbol' column; name the asset as " << path << ":ASSET");
    auto [it, inserted] = series_index.emplace(asset, series.size());
    if (inserted) series.push_back({asset, {}, {}, {}, 0});
    raw_series& target = series[it->second];
    double price = 0;
    if (!read_price(fields[static_cast<std::size_t>(price_column)], path, line,
                    names[static_cast<std::size_t>(price_column)], price)) {
      ++target.missing_values;
      continue;
    }
    target.time_ms.push_back(time_ms);
    target.price_usd.push_back(price);
    target.line.push_back(line);
  }

  if (kind == layout::long_rows && !source.asset.empty()) {
    // One asset in the file: it is renamed (WETH:ETH); several: the one named is read.
    if (series.size() == 1) {
      series[0].asset = source.asset;
    } else {
      const auto it = series_index.find(source.asset);
      LEVRISK_REQUIRE(it != series_index.end(), input_error,
                      path << ": no rows of asset '" << source.asset << "'");
      series = {series[it->second]};
    }
  }
  LEVRISK_REQUIRE(!series.empty(), input_error, path << ": no price rows");

  const std::string price_field =
      price_column >= 0 ? names[static_cast<std::size_t>(price_column)] : std::string("price");
  std::vector<price_series> out;
  for (std::size_t s = 0; s < series.size(); ++s) {
    const std::string field =
        kind == layout::wide ? names[static_cast<std::size_t>(wide_columns[s])] : price_field;
    out.push_back(finish_series(std::move(series[s]), path, time_field, field, duplicates));
  }
  return out;
}

std::vector<price_series> load_price_history(const std::vector<history_source>& sources,
                                             duplicate_policy duplicates) {
  std::vector<price_series> all;
  for (const history_source& source : sources) {
    for (price_series& series : load_price_file(source, duplicates)) {
      for (const price_series& other : all) {
        LEVRISK_REQUIRE(other.asset != series.asset, input_error,
                        source.path << ": asset '" << series.asset << "' is also read from "
                                    << other.source << "; name it differently with FILE:ASSET");
      }
      all.push_back(std::move(series));
    }
  }
  return all;
}

}  // namespace levrisk::calibration
