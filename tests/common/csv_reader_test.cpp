// The CSV reader on its own: what it accepts around the data (BOM, CRLF,
// comments, blank lines, RFC 4180 quoting, headers in any case and order), how
// it parses numbers and ids, and its messages.

#include "common/csv_reader.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tests/host/snapshot/snapshot_fixtures.hpp"

namespace levrisk {
namespace {

using snapshot_testing::test_directory;
using snapshot_testing::write_text;

const std::vector<std::string> two_columns{"asset_id", "spot_usd"};

std::string reader_error(const std::filesystem::path& path, bool optional = false) {
  try {
    csv_reader csv(path, two_columns, optional);
    while (csv.next_row()) {
      csv.id(0);
      csv.number(1, number_bounds::above(0));
    }
  } catch (const input_error& error) {
    return error.what();
  }
  ADD_FAILURE() << "no input_error for " << path;
  return {};
}

TEST(NumberBounds, DescribesEachKindOfRange) {
  EXPECT_EQ(number_bounds::above(0).describe(), "> 0");
  EXPECT_EQ(number_bounds::at_least(0).describe(), ">= 0");
  EXPECT_EQ(number_bounds::range(0, false, 1, true).describe(), "in (0, 1]");
  EXPECT_EQ(number_bounds::range(0, true, 1, false).describe(), "in [0, 1)");
}

TEST(NumberBounds, ContainsHonoursOpenAndClosedEnds) {
  const auto unit = number_bounds::range(0, false, 1, true);
  EXPECT_FALSE(unit.contains(0));
  EXPECT_TRUE(unit.contains(1e-300));
  EXPECT_TRUE(unit.contains(1));
  EXPECT_FALSE(unit.contains(std::nextafter(1.0, 2.0)));
  EXPECT_TRUE(number_bounds::at_least(0).contains(0));
  EXPECT_FALSE(number_bounds::above(0).contains(0));
}

TEST(ParseNumber, AcceptsDecimalAndScientificNotation) {
  double value = 0;
  ASSERT_TRUE(parse_number("95000", value));
  EXPECT_EQ(value, 95000);
  ASSERT_TRUE(parse_number("-3.25", value));
  EXPECT_EQ(value, -3.25);
  ASSERT_TRUE(parse_number("1.5e-3", value));
  EXPECT_EQ(value, 1.5e-3);
  ASSERT_TRUE(parse_number(".5", value));
  EXPECT_EQ(value, 0.5);
  ASSERT_TRUE(parse_number("0.1", value));
  EXPECT_EQ(value, 0.1);  // correctly rounded, like the compiler's literal
}

TEST(ParseNumber, RejectsAnythingButTheWholeFieldAsANumber) {
  double value = 0;
  EXPECT_FALSE(parse_number("", value));
  EXPECT_FALSE(parse_number("12abc", value));
  EXPECT_FALSE(parse_number(" 12", value));
  EXPECT_FALSE(parse_number("12 ", value));
  EXPECT_FALSE(parse_number("+12", value));
  EXPECT_FALSE(parse_number("1,5", value));
  EXPECT_FALSE(parse_number("0x10", value));
  EXPECT_FALSE(parse_number("1e400", value));  // out of range
}

TEST(IsValidId, RejectsSeparatorsWhitespaceAndControlCharacters) {
  EXPECT_TRUE(is_valid_id("BTC-PERP"));
  EXPECT_TRUE(is_valid_id("0xAbC:1/2"));
  EXPECT_TRUE(is_valid_id("\xC3\xA9th"));  // UTF-8
  EXPECT_FALSE(is_valid_id(""));
  EXPECT_FALSE(is_valid_id("B TC"));
  EXPECT_FALSE(is_valid_id("BTC\t"));
  EXPECT_FALSE(is_valid_id("a,b"));
  EXPECT_FALSE(is_valid_id("\"BTC\""));
  EXPECT_FALSE(is_valid_id(std::string("B\0C", 3)));
}

TEST(CsvReader, ReadsRowsWithTheirPhysicalLineNumbers) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "# exported 2025-01-01\n\nasset_id,spot_usd\nBTC,95000\n\nETH,3500");
  csv_reader csv(path, two_columns);
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.line(), 4);
  EXPECT_EQ(csv.id(0), "BTC");
  EXPECT_EQ(csv.number(1, number_bounds::above(0)), 95000);
  ASSERT_TRUE(csv.next_row());  // blank line skipped, no final newline needed
  EXPECT_EQ(csv.line(), 6);
  EXPECT_EQ(csv.id(0), "ETH");
  EXPECT_FALSE(csv.next_row());
  EXPECT_FALSE(csv.next_row());
}

TEST(CsvReader, AcceptsCrlfLineEndingsAndAByteOrderMark) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path,
             "\xEF\xBB\xBF"
             "asset_id,spot_usd\r\nBTC,95000\r\n");
  csv_reader csv(path, two_columns);
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.line(), 2);
  EXPECT_EQ(csv.id(0), "BTC");
  EXPECT_EQ(csv.number(1, number_bounds::above(0)), 95000);
}

TEST(CsvReader, AbsentOptionalFileHasNoRows) {
  const test_directory temp;
  const auto path = temp.path() / "absent.csv";
  csv_reader csv(path, two_columns, true);
  EXPECT_FALSE(csv.present());
  EXPECT_FALSE(csv.next_row());
}

TEST(CsvReader, ViewsStayValidAcrossRows) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd\nBTC,95000\nETH,3500\n");
  csv_reader csv(path, two_columns);
  ASSERT_TRUE(csv.next_row());
  const std::string_view first = csv.id(0);
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(first, "BTC");
}

TEST(CsvReader, ChoiceReturnsTheIndexOfTheValue) {
  const test_directory temp;
  const auto path = temp.path() / "sides.csv";
  write_text(path, "asset_id,spot_usd\nshort,1\n");
  csv_reader csv(path, two_columns);
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.choice(0, {"long", "short"}), 1u);
}

TEST(CsvReaderErrors, ChoiceNamesTheAllowedValues) {
  const test_directory temp;
  const auto path = temp.path() / "sides.csv";
  write_text(path, "asset_id,spot_usd\nbuy,1\n");
  csv_reader csv(path, two_columns);
  ASSERT_TRUE(csv.next_row());
  try {
    csv.choice(0, {"long", "short"});
    ADD_FAILURE() << "no input_error";
  } catch (const input_error& error) {
    EXPECT_EQ(
        std::string(error.what()),
        path.string() + ":2: field 'asset_id' must be 'long' or 'short' (in any case), got 'buy'");
  }
}

// --- optional trailing columns ---

const std::vector<std::string> two_optional{"depth_usd", "note"};

std::string optional_header_error(const std::filesystem::path& path) {
  try {
    csv_reader csv(path, two_columns, two_optional);
  } catch (const input_error& error) {
    return error.what();
  }
  ADD_FAILURE() << "no input_error for " << path;
  return {};
}

TEST(CsvReaderOptionalColumns, HeaderWithoutThemHasOnlyTheRequiredOnes) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd\nBTC,95000\n");
  csv_reader csv(path, two_columns, two_optional);
  EXPECT_EQ(csv.columns(), two_columns);
  EXPECT_FALSE(csv.has_column("depth_usd"));
  EXPECT_FALSE(csv.column_index("note").has_value());
  EXPECT_EQ(csv.column_index("spot_usd"), 1u);
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.number(1, number_bounds::above(0)), 95000);
}

TEST(CsvReaderOptionalColumns, PresentOnesGetTheirIndex) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd,depth_usd,note\nBTC,95000,4e7,deep\n");
  csv_reader csv(path, two_columns, two_optional);
  EXPECT_EQ(csv.columns(), (std::vector<std::string>{"asset_id", "spot_usd", "depth_usd", "note"}));
  EXPECT_EQ(csv.column_index("depth_usd"), 2u);
  EXPECT_EQ(csv.column_index("note"), 3u);
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.number(*csv.column_index("depth_usd"), number_bounds::above(0)), 4e7);
  EXPECT_EQ(csv.raw(3), "deep");
}

// Any of them may be left out, as long as the others keep their order.
TEST(CsvReaderOptionalColumns, AnEarlierOneMayBeLeftOut) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd,note\nBTC,95000,deep\n");
  csv_reader csv(path, two_columns, two_optional);
  EXPECT_FALSE(csv.has_column("depth_usd"));
  EXPECT_EQ(csv.column_index("note"), 2u);
}

TEST(CsvReaderOptionalColumns, AbsentFileHasNone) {
  const test_directory temp;
  csv_reader csv(temp.path() / "absent.csv", two_columns, two_optional, true);
  EXPECT_FALSE(csv.present());
  EXPECT_FALSE(csv.has_column("depth_usd"));
  EXPECT_EQ(csv.columns(), two_columns);
}

TEST(CsvReaderOptionalColumnsErrors, RowsFollowTheFilesOwnHeader) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd,depth_usd\nBTC,95000,4e7\nETH,3500\n");
  csv_reader csv(path, two_columns, two_optional);
  ASSERT_TRUE(csv.next_row());
  try {
    csv.next_row();
    ADD_FAILURE() << "no input_error";
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              path.string() + ":3: expected 3 fields (asset_id,spot_usd,depth_usd), got 2");
  }
}

TEST(CsvReaderOptionalColumnsErrors, FieldMessagesNameTheOptionalColumn) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd,depth_usd\nBTC,95000,-1\n");
  csv_reader csv(path, two_columns, two_optional);
  ASSERT_TRUE(csv.next_row());
  try {
    csv.number(2, number_bounds::above(0));
    ADD_FAILURE() << "no input_error";
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              path.string() + ":2: field 'depth_usd' must be a finite number > 0, got '-1'");
  }
}

TEST(CsvReaderOptionalColumns, UnknownColumnsAreIgnoredAndListed) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "# query 42\n,asset_id,depth,spot_usd\n0,BTC,4e7,95000\n");
  csv_reader csv(path, two_columns, two_optional);
  EXPECT_EQ(csv.ignored_columns(), (std::vector<std::string>{"", "depth"}));
  EXPECT_EQ(csv.header_line(), 2);
  EXPECT_FALSE(csv.has_column("depth_usd"));
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.id(0), "BTC");
  EXPECT_EQ(csv.number(1, number_bounds::above(0)), 95000);
}

TEST(CsvReaderOptionalColumns, AnyOrderGivesTheDeclaredIndices) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "note,spot_usd,depth_usd,asset_id\ndeep,95000,4e7,BTC\n");
  csv_reader csv(path, two_columns, two_optional);
  EXPECT_EQ(csv.columns(), (std::vector<std::string>{"asset_id", "spot_usd", "depth_usd", "note"}));
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.id(0), "BTC");
  EXPECT_EQ(csv.number(1, number_bounds::above(0)), 95000);
  EXPECT_EQ(csv.raw(2), "4e7");
  EXPECT_EQ(csv.raw(3), "deep");
}

TEST(CsvReaderOptionalColumnsErrors, Repeated) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd,depth_usd,depth_usd\n");
  EXPECT_EQ(optional_header_error(path),
            path.string() + ":1: header column 4 'depth_usd' repeats column 3 'depth_usd'");
}

// The optional columns cannot stand in for a required one.
TEST(CsvReaderOptionalColumnsErrors, RequiredColumnMissing) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,depth_usd\n");
  EXPECT_EQ(optional_header_error(path),
            path.string() +
                ":1: header lacks column 'spot_usd' (header 'asset_id,depth_usd', expected "
                "'asset_id,spot_usd[,depth_usd][,note]' in any order and case)");
}

TEST(CsvReaderOptionalColumnsErrors, NoHeaderNamesTheOptionalColumns) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "# nothing\n");
  EXPECT_EQ(optional_header_error(path),
            path.string() + ": no header line, expected 'asset_id,spot_usd[,depth_usd][,note]'");
}

TEST(CsvReaderErrors, MissingRequiredFile) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  EXPECT_EQ(reader_error(path), path.string() + ": file not found");
}

TEST(CsvReaderErrors, DirectoryInsteadOfFile) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  std::filesystem::create_directory(path);
  EXPECT_EQ(reader_error(path, true), path.string() + ": not a regular file");
}

TEST(CsvReaderErrors, EmptyFileHasNoHeader) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "");
  EXPECT_EQ(reader_error(path), path.string() + ": no header line, expected 'asset_id,spot_usd'");
}

TEST(CsvReaderErrors, CommentAfterTheHeader) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd\nBTC,95000\n# ETH,3500\n");
  EXPECT_EQ(reader_error(path),
            path.string() + ":3: comment lines are allowed only before the header");
}

TEST(CsvReaderErrors, WhitespaceInsideAnId) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd\nBTC ,95000\n");
  EXPECT_EQ(reader_error(path),
            path.string() +
                ":2: field 'asset_id' must be an id without whitespace, control "
                "characters, commas or quotes, got 'BTC '");
}

TEST(CsvReaderErrors, MissingColumnsAreNamedTogether) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "id,price\n");
  EXPECT_EQ(reader_error(path), path.string() +
                                    ":1: header lacks columns 'asset_id' and 'spot_usd' (header "
                                    "'id,price', expected 'asset_id,spot_usd' in any order and "
                                    "case)");
}

// Case-insensitively the same name: which one is meant is not clear.
TEST(CsvReaderErrors, ColumnGivenTwiceInDifferentCase) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd,SPOT_USD\n");
  EXPECT_EQ(reader_error(path),
            path.string() + ":1: header column 3 'SPOT_USD' repeats column 2 'spot_usd'");
}

TEST(CsvReaderErrors, IgnoredColumnGivenTwice) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd,note,Note\n");
  EXPECT_EQ(reader_error(path),
            path.string() + ":1: header column 4 'Note' repeats column 3 'note'");
}

// --- RFC 4180 quoting ---

TEST(CsvReaderQuoting, QuotedHeaderAndFieldsInAnyCase) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "\"ASSET_ID\",\"Spot_USD\"\r\n\"BTC\",\"95000\"\r\n\"ETH\",3500\r\n");
  csv_reader csv(path, two_columns);
  EXPECT_TRUE(csv.ignored_columns().empty());
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.line(), 2);
  EXPECT_EQ(csv.id(0), "BTC");
  EXPECT_EQ(csv.number(1, number_bounds::above(0)), 95000);
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.id(0), "ETH");
  EXPECT_EQ(csv.number(1, number_bounds::above(0)), 3500);
  EXPECT_FALSE(csv.next_row());
}

TEST(CsvReaderQuoting, CommasDoubledQuotesAndEmptyQuotedFields) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,note,spot_usd\nBTC,\"a, \"\"b\"\"\",1\nETH,\"\",2\nSOL,\"\"\"\",3\n");
  csv_reader csv(path, two_columns, std::vector<std::string>{"note"});
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.raw(2), "a, \"b\"");
  EXPECT_EQ(csv.number(1, number_bounds::above(0)), 1);
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.raw(2), "");
  EXPECT_TRUE(csv.is_missing(2));
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.raw(2), "\"");
  EXPECT_EQ(csv.number(1, number_bounds::above(0)), 3);
}

// A row's line is its first: lines 3 and 4 hold one row, the next starts on 5.
TEST(CsvReaderQuoting, NewlineInsideQuotesSpansLines) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd,note\nBTC,1,plain\nETH,2,\"two\r\nlines\"\nSOL,-3,x\n");
  csv_reader csv(path, two_columns, std::vector<std::string>{"note"});
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.line(), 2);
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.line(), 3);
  EXPECT_EQ(csv.raw(2), "two\r\nlines");
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.line(), 5);
  try {
    csv.number(1, number_bounds::above(0));
    ADD_FAILURE() << "no input_error";
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              path.string() + ":5: field 'spot_usd' must be a finite number > 0, got '-3'");
  }
}

TEST(CsvReaderQuoting, ViewsOfEarlierRowsSurviveUnquoting) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd\n\"BTC\",1\n\"E\"\"\",2\n");
  csv_reader csv(path, two_columns);
  ASSERT_TRUE(csv.next_row());
  const std::string_view first = csv.id(0);
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.raw(0), "E\"");
  EXPECT_EQ(first, "BTC");
}

// Results and write_snapshot write ids unquoted, so a comma stays out of them.
TEST(CsvReaderQuotingErrors, QuotedIdWithAComma) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd\n\"BTC,2\",95000\n");
  EXPECT_EQ(reader_error(path), path.string() +
                                    ":2: field 'asset_id' must be an id without whitespace, "
                                    "control characters, commas or quotes, got 'BTC,2'");
}

TEST(CsvReaderQuotingErrors, QuoteInsideAnUnquotedField) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd\nBTC,95000\nE\"TH,3500\n");
  EXPECT_EQ(reader_error(path), path.string() +
                                    ":3: field 'asset_id' has a quote character inside an unquoted "
                                    "field; quote the whole field and write the quote as \"\"");
}

TEST(CsvReaderQuotingErrors, TextAfterTheClosingQuote) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd\nBTC,\"95\"000\n");
  EXPECT_EQ(reader_error(path),
            path.string() +
                ":2: field 'spot_usd' has text after its closing quote; a quoted field ends at a "
                "comma or the end of the line (a quote inside it is written \"\")");
}

// The row's first line, not the end of the file where the quote is found open.
TEST(CsvReaderQuotingErrors, QuoteNeverClosed) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd\nBTC,95000\nETH,\"3500\nSOL,240\n");
  EXPECT_EQ(reader_error(path), path.string() +
                                    ":3: field 'spot_usd' opens a quote that is never closed (the "
                                    "file ends inside it)");
}

TEST(CsvReaderQuotingErrors, QuoteNeverClosedInTheHeader) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,\"spot_usd\n");
  EXPECT_EQ(reader_error(path), path.string() +
                                    ":1: header column 2 opens a quote that is never closed (the "
                                    "file ends inside it)");
}

// A line break inside quotes moves the next row to line 4.
TEST(CsvReaderQuoting, LineNumbersAfterAMultiLineRow) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd\n\"B\nTC\",1\nETH,0\n");
  csv_reader csv(path, two_columns);
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.line(), 2);
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.line(), 4);
}

// --- choices and missing values ---

TEST(CsvReader, ChoiceIgnoresCase) {
  const test_directory temp;
  const auto path = temp.path() / "sides.csv";
  write_text(path, "asset_id,spot_usd\nLONG,1\nShort,1\n");
  csv_reader csv(path, two_columns);
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.choice(0, {"long", "short"}), 0u);
  ASSERT_TRUE(csv.next_row());
  EXPECT_EQ(csv.choice(0, {"long", "short"}), 1u);
}

TEST(CsvReader, NullInAnyCaseIsMissing) {
  EXPECT_TRUE(is_null_text("NULL"));
  EXPECT_TRUE(is_null_text("null"));
  EXPECT_TRUE(is_null_text("Null"));
  EXPECT_FALSE(is_null_text("NULLS"));
  EXPECT_FALSE(is_null_text(""));
  EXPECT_TRUE(equals_ignoring_case("Spot_USD", "spot_usd"));
  EXPECT_FALSE(equals_ignoring_case("spot_usd", "spot_usd_"));
  EXPECT_FALSE(equals_ignoring_case("\xC3\xA9", "\xC3\x89"));  // ASCII only: e-acute stays
}

TEST(CsvReaderErrors, NullWhereAValueIsRequired) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd\nBTC,null\n");
  EXPECT_EQ(
      reader_error(path),
      path.string() + ":2: field 'spot_usd' is 'null' (a missing value); this column needs one");
}

TEST(CsvReaderErrors, NullId) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd\nNULL,1\n");
  EXPECT_EQ(
      reader_error(path),
      path.string() + ":2: field 'asset_id' is 'NULL' (a missing value); this column needs one");
}

TEST(CsvReaderErrors, NumberOutOfDoubleRange) {
  const test_directory temp;
  const auto path = temp.path() / "assets.csv";
  write_text(path, "asset_id,spot_usd\nBTC,1e400\n");
  EXPECT_EQ(reader_error(path),
            path.string() + ":2: field 'spot_usd' must be a finite number > 0, got '1e400'");
}

}  // namespace
}  // namespace levrisk
