#include "models/calibration/price_history.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "common/error.hpp"
#include "tests/models/calibration/test_files.hpp"

namespace levrisk::calibration {
namespace {

using testing::expect_error;
using testing::write_test_file;

TEST(ParseTimestamp, AcceptsTheDocumentedForms) {
  std::int64_t t = 0;
  ASSERT_TRUE(parse_timestamp_ms("2024-01-31", t));
  EXPECT_EQ(t, 1706659200000);
  ASSERT_TRUE(parse_timestamp_ms("2024-01-31T13:00:00Z", t));
  EXPECT_EQ(t, 1706706000000);
  ASSERT_TRUE(parse_timestamp_ms("2024-01-31 13:00:00", t));
  EXPECT_EQ(t, 1706706000000);
  ASSERT_TRUE(parse_timestamp_ms("2024-01-31T15:00:00+02:00", t));
  EXPECT_EQ(t, 1706706000000);
  ASSERT_TRUE(parse_timestamp_ms("1706706000", t));
  EXPECT_EQ(t, 1706706000000);
  ASSERT_TRUE(parse_timestamp_ms("1706706000000", t));
  EXPECT_EQ(t, 1706706000000);
  ASSERT_TRUE(parse_timestamp_ms("1706706000.5", t));
  EXPECT_EQ(t, 1706706000500);
  // The hourly Binance file gives 1584054000.0 for this row.
  ASSERT_TRUE(parse_timestamp_ms("2020-03-12 11-PM", t));
  EXPECT_EQ(t, 1584054000000);
  ASSERT_TRUE(parse_timestamp_ms("2020-03-12 12-AM", t));
  EXPECT_EQ(t, 1583971200000);
  ASSERT_TRUE(parse_timestamp_ms("2020-03-12 12-PM", t));
  EXPECT_EQ(t, 1584014400000);
}

// Spreadsheet programs start a UTF-8 file with a byte-order mark; the snapshot
// reader skips it (common/csv_reader.cpp), and so does this one.
TEST(LoadPriceFile, SkipsAByteOrderMark) {
  const std::string path =
      write_test_file("bom.csv", "\xEF\xBB\xBFtimestamp,BTC\n2024-01-01,100\n2024-01-02,101\n");
  const std::vector<price_series> series = load_price_file({path, ""});
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].asset, "BTC");
  EXPECT_EQ(series[0].price_usd, (std::vector<double>{100, 101}));
  EXPECT_EQ(series[0].line, (std::vector<int>{2, 3}));
}

TEST(LoadPriceFile, SkipsAByteOrderMarkBeforeAUrlLine) {
  const std::string path = write_test_file(
      "bom_ohlcv.csv",
      "\xEF\xBB\xBFhttps://www.cryptodatadownload.com\nUnix,Date,Symbol,Open,High,Low,Close\n"
      "1704153600000,2024-01-02,BTCUSDT,1,1,1,101\n1704067200000,2024-01-01,BTCUSDT,1,1,1,100\n");
  const std::vector<price_series> series = load_price_file({path, ""});
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].asset, "BTC");
  EXPECT_EQ(series[0].price_usd, (std::vector<double>{100, 101}));
}

TEST(ParseTimestamp, RejectsMalformedText) {
  std::int64_t t = 0;
  for (const char* text : {"", "2024-13-01", "2023-02-29", "2024-01-31T25:00", "yesterday",
                           "2024-01-31X", "12ab", "2020-03-12 13-PM"}) {
    EXPECT_FALSE(parse_timestamp_ms(text, t)) << text;
  }
}

// Decimal seconds whose milliseconds do not fit an int64 (2^63 ms, about 9.22e18)
// are no timestamp: std::llround would give an unspecified value.
TEST(ParseTimestamp, RejectsDecimalSecondsBeyondSixtyFourBitMilliseconds) {
  std::int64_t t = 0;
  ASSERT_TRUE(parse_timestamp_ms("1000000000000000.0", t));
  EXPECT_EQ(t, 1000000000000000000);
  EXPECT_FALSE(parse_timestamp_ms("9300000000000000.0", t));
  EXPECT_FALSE(parse_timestamp_ms("99999999999999999999.0", t));
}

TEST(FormatTimestamp, IsTheInverseToTheSecond) {
  EXPECT_EQ(format_timestamp(1706706000000), "2024-01-31T13:00:00Z");
  EXPECT_EQ(format_timestamp(0), "1970-01-01T00:00:00Z");
}

// Before the epoch the second rounds down; the int64 extremes are the instants
// java.time.Instant.ofEpochMilli gives for Long.MIN_VALUE and Long.MAX_VALUE.
TEST(FormatTimestamp, RoundsDownAndCoversTheWholeInt64Range) {
  EXPECT_EQ(format_timestamp(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_timestamp(-86400000), "1969-12-31T00:00:00Z");
  EXPECT_EQ(format_timestamp(INT64_MAX), "292278994-08-17T07:12:55Z");
  EXPECT_EQ(format_timestamp(INT64_MIN), "-292275055-05-16T16:47:04Z");
}

TEST(HistoryArgument, SplitsAnAssetSuffix) {
  const history_source a = parse_history_argument("../data/Binance_BTCUSDT_d.csv:BTC");
  EXPECT_EQ(a.path, "../data/Binance_BTCUSDT_d.csv");
  EXPECT_EQ(a.asset, "BTC");
  const history_source b = parse_history_argument("prices.csv");
  EXPECT_EQ(b.path, "prices.csv");
  EXPECT_EQ(b.asset, "");
}

TEST(LoadPriceFile, WideWithDatesAndMissingValues) {
  const std::string path = write_test_file(
      "wide.csv", "timestamp,BTC,ETH\n2024-01-01,100,10\n2024-01-02,,11\n2024-01-03,102,NULL\n");
  const std::vector<price_series> series = load_price_file({path, ""});
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0].asset, "BTC");
  EXPECT_EQ(series[0].time_ms, (std::vector<std::int64_t>{1704067200000, 1704240000000}));
  EXPECT_EQ(series[0].price_usd, (std::vector<double>{100, 102}));
  EXPECT_EQ(series[0].line, (std::vector<int>{2, 4}));
  EXPECT_EQ(series[0].missing_values, 1);
  EXPECT_EQ(series[1].asset, "ETH");
  EXPECT_EQ(series[1].price_usd, (std::vector<double>{10, 11}));
  EXPECT_EQ(series[1].missing_values, 1);
}

TEST(LoadPriceFile, WideSelectsTheNamedColumn) {
  const std::string path =
      write_test_file("wide.csv", "timestamp,BTC,ETH\n1704067200,100,10\n1704153600000,101,11\n");
  const std::vector<price_series> series = load_price_file({path, "ETH"});
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].asset, "ETH");
  EXPECT_EQ(series[0].time_ms, (std::vector<std::int64_t>{1704067200000, 1704153600000}));
}

TEST(LoadPriceFile, LongWithSeveralAssets) {
  const std::string path = write_test_file(
      "long.csv",
      "timestamp,asset,price_usd\n2024-01-31T13:00:00Z,BTC,100\n2024-01-31T13:00:00Z,ETH,10\n"
      "2024-01-31T14:00:00Z,BTC,101\n2024-01-31T14:00:00Z,ETH,10.5\n");
  const std::vector<price_series> series = load_price_file({path, ""});
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0].asset, "BTC");
  EXPECT_EQ(series[0].price_usd, (std::vector<double>{100, 101}));
  EXPECT_EQ(series[1].asset, "ETH");
  EXPECT_EQ(series[1].line, (std::vector<int>{3, 5}));
}

TEST(LoadPriceFile, AaveFormatRenamedByTheAssetSuffix) {
  const std::string path = write_test_file(
      "WETH_usd.csv",
      "symbol,timestamp,USD_price\nWETH,1609460789131,732.08\nWETH,1609463014882,735.86\n");
  const std::vector<price_series> series = load_price_file({path, "ETH"});
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].asset, "ETH");
  EXPECT_EQ(series[0].time_ms, (std::vector<std::int64_t>{1609460789131, 1609463014882}));
}

TEST(LoadPriceFile, BinanceDailyNewestFirstWithUrlLine) {
  const std::string path = write_test_file(
      "Binance_BTCUSDT_d.csv",
      "https://www.CryptoDataDownload.com\n"
      "Unix,Date,Symbol,Open,High,Low,Close,Volume BTC,Volume USDT,tradecount\n"
      "1774828800000,2026-03-30,BTCUSDT,66010.93,68169.65,65800.59,66797.37,18353.3,1234.5,"
      "3902849\n"
      "1774742400000,2026-03-29,BTCUSDT,66377.04,67130.5,65000.0,66010.93,10052.8,667.0,2146177\n");
  const std::vector<price_series> series = load_price_file({path, ""});
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].asset, "BTC");
  EXPECT_TRUE(series[0].newest_first);
  EXPECT_EQ(series[0].time_ms, (std::vector<std::int64_t>{1774742400000, 1774828800000}));
  EXPECT_EQ(series[0].price_usd, (std::vector<double>{66010.93, 66797.37}));
  EXPECT_EQ(series[0].line, (std::vector<int>{4, 3}));
}

TEST(LoadPriceFile, BinanceHourlyMixedUnitsAndNullTradecount) {
  const std::string path =
      write_test_file("Binance_ETHUSDT_1h.csv",
                      "unix,date,symbol,open,high,low,close,Volume ETH,Volume USDT,tradecount\n"
                      "1584057600000,2020-03-13 00:00:00,ETH/USDT,1,1,1,112.5,1,1,10796\n"
                      "1584054000.0,2020-03-12 11-PM,ETH/USDT,1,1,1,110.0,1,1,NULL\n");
  const std::vector<price_series> series = load_price_file({path, ""});
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].asset, "ETH");
  EXPECT_EQ(series[0].time_ms, (std::vector<std::int64_t>{1584054000000, 1584057600000}));
  EXPECT_EQ(series[0].price_usd, (std::vector<double>{110.0, 112.5}));
}

TEST(LoadPriceFile, RepeatedRowsWithTheSamePriceAreDroppedAndCounted) {
  const std::string path =
      write_test_file("dup.csv", "timestamp,BTC\n2024-01-01,100\n2024-01-01,100\n2024-01-02,101\n");
  const std::vector<price_series> series = load_price_file({path, ""});
  EXPECT_EQ(series[0].price_usd, (std::vector<double>{100, 101}));
  EXPECT_EQ(series[0].duplicate_rows, 1);
}

TEST(LoadPriceFile, UnsortedRowsAreAnError) {
  const std::string path = write_test_file(
      "unsorted.csv",
      "timestamp,BTC\n2024-01-01,100\n2024-01-03,102\n2024-01-02,101\n2024-01-04,103\n");
  expect_error<input_error>(
      [&] {
        load_price_file({path, ""});
      },
      path +
          ":4: field 'timestamp' is out of order: 2024-01-02T00:00:00Z "
          "follows 2024-01-03T00:00:00Z (line 3) in a file sorted oldest first");
}

TEST(LoadPriceFile, DuplicateTimestampWithADifferentPriceIsAnError) {
  const std::string path =
      write_test_file("dup.csv", "timestamp,BTC\n2024-01-01,100\n2024-01-01,101\n2024-01-02,102\n");
  expect_error<input_error>(
      [&] {
        load_price_file({path, ""});
      },
      path +
          ":3: field 'timestamp' duplicates timestamp 2024-01-01T00:00:00Z "
          "of line 2 with a different 'BTC' (101 vs 100)");
}

TEST(LoadPriceFile, ConflictingDuplicatesCanKeepTheFirstRow) {
  const std::string path =
      write_test_file("dup.csv", "timestamp,BTC\n2024-01-02,102\n2024-01-01,101\n2024-01-01,100\n");
  const std::vector<price_series> series =
      load_price_file({path, ""}, duplicate_policy::keep_first);
  EXPECT_EQ(series[0].price_usd, (std::vector<double>{101, 102}));
  EXPECT_EQ(series[0].line, (std::vector<int>{3, 2}));
  EXPECT_EQ(series[0].conflicting_duplicates, 1);
}

TEST(LoadPriceFile, NonPositivePriceIsAnError) {
  const std::string path =
      write_test_file("neg.csv", "timestamp,BTC\n2024-01-01,100\n2024-01-02,-5\n");
  expect_error<input_error>(
      [&] {
        load_price_file({path, ""});
      },
      path + ":3: field 'BTC' must be > 0, got -5");
}

TEST(LoadPriceFile, ZeroPriceIsAnError) {
  const std::string path = write_test_file(
      "Binance_BTCUSDT_d.csv",
      "Unix,Date,Symbol,Open,High,Low,Close\n1774828800000,2026-03-30,BTCUSDT,1,1,1,0\n");
  expect_error<input_error>(
      [&] {
        load_price_file({path, ""});
      },
      path + ":2: field 'Close' must be > 0, got 0");
}

TEST(LoadPriceFile, NonNumericPriceIsAnError) {
  const std::string path = write_test_file(
      "text.csv", "timestamp,asset,price_usd\n2024-01-01,BTC,100\n2024-01-02,BTC,abc\n");
  expect_error<input_error>(
      [&] {
        load_price_file({path, ""});
      },
      path + ":3: field 'price_usd' is not a number: 'abc'");
}

TEST(LoadPriceFile, MalformedTimestampIsAnError) {
  const std::string path =
      write_test_file("time.csv", "timestamp,BTC\n2024-01-01,100\n2024-13-01,101\n");
  expect_error<input_error>(
      [&] {
        load_price_file({path, ""});
      },
      path + ":3: field 'timestamp' is not a timestamp: '2024-13-01'");
}

TEST(LoadPriceFile, TimestampBeyondTheRangeIsAnError) {
  const std::string path =
      write_test_file("time.csv", "timestamp,BTC\n5,100\n99999999999999999999.0,101\n6,102\n");
  expect_error<input_error>(
      [&] {
        load_price_file({path, ""});
      },
      path + ":3: field 'timestamp' is not a timestamp: '99999999999999999999.0'");
}

TEST(LoadPriceFile, WrongFieldCountIsAnError) {
  const std::string path = write_test_file("fields.csv", "timestamp,BTC,ETH\n2024-01-01,100\n");
  expect_error<input_error>(
      [&] {
        load_price_file({path, ""});
      },
      path + ":2: expected 3 fields, got 2");
}

TEST(LoadPriceFile, UnknownColumnForTheAssetSuffixIsAnError) {
  const std::string path = write_test_file("wide.csv", "timestamp,BTC\n2024-01-01,100\n");
  expect_error<input_error>([&] { load_price_file({path, "SOL"}); }, path + ":1: no column 'SOL'");
}

TEST(LoadPriceFile, UnrecognizedHeaderIsAnError) {
  const std::string path = write_test_file("odd.csv", "when,BTC\n2024-01-01,100\n");
  expect_error<input_error>(
      [&] {
        load_price_file({path, ""});
      },
      path +
          ":1: unrecognized header; expected 'timestamp,<ASSET>,...', "
          "'timestamp,asset,price_usd' or an OHLCV header with 'close'");
}

TEST(LoadPriceFile, MissingFileIsAnError) {
  expect_error<input_error>(
      [&] {
        load_price_file({"/nonexistent/prices.csv", ""});
      },
      "/nonexistent/prices.csv: cannot open price history file");
}

TEST(LoadPriceHistory, TheSameAssetFromTwoFilesIsAnError) {
  const std::string a = write_test_file("a.csv", "timestamp,BTC\n2024-01-01,100\n");
  const std::string b = write_test_file("b.csv", "timestamp,BTC\n2024-01-01,100\n");
  expect_error<input_error>(
      [&] {
        load_price_history({{a, ""}, {b, ""}});
      },
      b + ": asset 'BTC' is also read from " + a + "; name it differently with FILE:ASSET");
}

}  // namespace
}  // namespace levrisk::calibration
