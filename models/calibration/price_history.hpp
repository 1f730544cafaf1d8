#pragma once
// Price histories for calibration: CSV files in the formats of
// docs/calibration.md (wide, long, Binance/CryptoDataDownload OHLCV, Aave
// `symbol,timestamp,USD_price`), read into one ascending series per asset.
// Every problem is an input_error naming "<file>:<line>: field '<column>' ...".

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace levrisk::calibration {

// One --history argument: "FILE" or "FILE:ASSET". With an asset, an OHLCV file's
// Close column, a wide file's column ASSET, or a long file's single asset
// (renamed) or rows of ASSET is read.
struct history_source {
  std::string path;
  std::string asset;  // empty: the asset ids come from the file
};

// Splits "FILE:ASSET" at the last ':' when what follows is a valid asset id
// (no '/', no '.'); "FILE" otherwise.
history_source parse_history_argument(const std::string& argument);

struct price_series {
  std::string asset;
  std::string source;                 // the file it was read from
  std::vector<std::int64_t> time_ms;  // unix milliseconds, strictly ascending
  std::vector<double> price_usd;      // > 0
  std::vector<int> line;              // source line of each observation
  int missing_values = 0;             // rows with an empty, "NULL" or "NaN" price, not used
  int duplicate_rows = 0;             // repeated rows (same time and price), dropped
  int conflicting_duplicates = 0;     // same time, another price: dropped (keep_first only)
  bool newest_first = false;          // the file was newest-first and was reversed
};

// Unix milliseconds from "1706659200", "1706659200000", "1502949600.0" (integers of
// 10^11 or more are milliseconds, others seconds; a decimal point means seconds),
// "2024-01-31", "2024-01-31T13:00:00Z", "2024-01-31 13:00:00", "2024-01-31 13:00",
// "2024-01-31T13:00:00+02:00" and CryptoDataDownload's "2020-03-12 11-PM".
// False on anything else.
bool parse_timestamp_ms(std::string_view text, std::int64_t& time_ms);

// "2024-01-31T13:00:00Z" (UTC), the inverse of parse_timestamp_ms to the second.
std::string format_timestamp(std::int64_t time_ms);

// What to do with two rows of one timestamp and different prices: an input_error
// (the default), or keep the row nearer the top of the file and count the other
// (Binance's hourly BTC and ETH files repeat 2020-11-20 06:00-07:00 in both of
// their formats, with different closes).
enum class duplicate_policy { error, keep_first };

// The series of one file, in the order the assets appear in it.
std::vector<price_series> load_price_file(const history_source& source,
                                          duplicate_policy duplicates = duplicate_policy::error);

// All files; an asset that appears in two files is an input_error.
std::vector<price_series> load_price_history(const std::vector<history_source>& sources,
                                             duplicate_policy duplicates = duplicate_policy::error);

}  // namespace levrisk::calibration
