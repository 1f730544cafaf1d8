#pragma once
// A reader for the snapshot's CSV files (docs/snapshot-format.md): RFC 4180
// quoting, columns found by name in any case and order, the whole file read at
// once and rows unquoted in place. Every problem is reported as an input_error
// naming "<file>:<line>: field '<column>' ...".

#include <cstddef>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace levrisk {

// Accepted range of a numeric field; describe() is the wording used in messages.
struct number_bounds {
  double lower = -std::numeric_limits<double>::infinity();
  bool lower_inclusive = false;
  double upper = std::numeric_limits<double>::infinity();
  bool upper_inclusive = false;

  static number_bounds above(double lower);     // (lower, inf)
  static number_bounds at_least(double lower);  // [lower, inf)
  static number_bounds range(double lower, bool lower_inclusive, double upper,
                             bool upper_inclusive);

  bool contains(double value) const;
  std::string describe() const;  // "> 0", ">= 0", "in (0, 1]"
};

// Ids (asset, market, account) are written unquoted (result files, write_snapshot),
// so they may not contain a comma, a quote, whitespace or a control character,
// even where a quoted field could hold them.
bool is_valid_id(std::string_view id);

// The whole of `text` as a decimal or scientific number (std::from_chars:
// locale-independent, no whitespace, no leading '+'); false on anything else,
// including trailing characters. Infinities and NaN parse; callers check.
bool parse_number(std::string_view text, double& value);

// `text` without a leading UTF-8 byte-order mark, as spreadsheet programs write it.
std::string_view skip_utf8_bom(std::string_view text);

// ASCII case-insensitive equality: warehouses upper-case names (Snowflake) and
// choices (`LONG`); ids stay case-sensitive.
bool equals_ignoring_case(std::string_view a, std::string_view b);

// `NULL` in any case: how warehouse exports write a missing value.
bool is_null_text(std::string_view text);

class csv_reader {
 public:
  // Reads `path` and finds each of `columns` in its header by name, in any case
  // and order. Other header columns are ignored (ignored_columns); a column
  // named twice is an error. A missing file is an input_error unless `optional`,
  // which reads as no rows.
  csv_reader(std::filesystem::path path, std::vector<std::string> columns, bool optional = false);
  // As above, and `optional_columns` may be in the header too: columns added to a
  // format later, so that files written before them still load. Which ones a
  // file has: has_column, column_index.
  csv_reader(std::filesystem::path path, std::vector<std::string> columns,
             std::vector<std::string> optional_columns, bool optional = false);

  csv_reader(const csv_reader&) = delete;
  csv_reader& operator=(const csv_reader&) = delete;

  bool present() const { return present_; }
  const std::string& path_text() const { return path_text_; }

  // The columns the accessors index, as the format spells them: the required
  // ones in their declared order, then the optional ones the header has (just
  // the required ones for an absent file). The file may order them otherwise.
  const std::vector<std::string>& columns() const { return columns_; }
  // Header columns that are not in the format, as the file spells them, and the
  // header's line; the rows' fields in them are skipped.
  const std::vector<std::string>& ignored_columns() const { return ignored_columns_; }
  int header_line() const { return header_line_; }
  // Index of the column for the accessors, or nullopt when the header lacks it.
  std::optional<std::size_t> column_index(std::string_view name) const;
  bool has_column(std::string_view name) const { return column_index(name).has_value(); }

  // Moves to the next data row; false at the end of the file. Views returned
  // by the accessors below point into the reader's buffer and stay valid for
  // the reader's lifetime, across rows.
  bool next_row();
  // The row's first physical line (a quoted field may span several).
  int line() const { return line_; }
  // Lines in the file, to reserve containers before reading the rows.
  std::size_t line_count() const { return line_count_; }

  std::string_view raw(std::size_t column) const { return fields_[column]; }
  std::string_view id(std::size_t column) const;  // non-empty and is_valid_id
  double number(std::size_t column, const number_bounds& bounds) const;
  // Empty or NULL: a missing value, for the columns where the format gives it a meaning.
  bool is_missing(std::size_t column) const;
  // Index of the field's value in `choices`, compared ignoring ASCII case; it
  // must be one of them.
  std::size_t choice(std::size_t column, const std::vector<std::string_view>& choices) const;
  // Fails on an empty field, and on NULL (a missing value in a warehouse export).
  void require_non_empty(std::size_t column) const;

  // "<file>:<line>: field '<column>' <message>"
  [[noreturn]] void fail(std::size_t column, const std::string& message) const;
  // "<file>:<line>: <message>"
  [[noreturn]] void fail_row(const std::string& message) const;

 private:
  void read_header();
  // Skips blank lines (empty or just "\r"); false at the end of the file.
  bool skip_blank_lines();
  void skip_line();
  // Splits the record at position_ into record_, unquoting in place.
  void split_record();
  // Reads the quoted field opening at `opening` into record_; returns the
  // position after its closing quote.
  std::size_t read_quoted_field(std::size_t opening);
  // "<file>:<line>: field '<header column>' <message>", or "header column N" in the header.
  [[noreturn]] void fail_in_record(std::size_t position, const std::string& message) const;
  std::string header_text() const;           // this file's columns: "a,b,c"
  std::string expected_header_text() const;  // the format's: "a,b[,c]"

  std::string path_text_;
  std::vector<std::string> required_columns_;
  std::vector<std::string> optional_columns_;
  std::vector<std::string> columns_;  // the accessors' (required + optional present)
  std::vector<std::string> header_;   // this file's, as it spells them
  std::vector<std::string> ignored_columns_;
  std::vector<std::size_t> position_of_column_;  // columns_[i] is header_[position_of_column_[i]]
  bool present_ = false;
  std::unique_ptr<char[]> buffer_;  // the whole file; not zero-filled first
  std::size_t size_ = 0;
  std::size_t position_ = 0;
  std::size_t line_count_ = 0;
  int line_ = 0;                          // first physical line of the current record, 1-based
  int next_line_ = 1;                     // physical line at position_
  int header_line_ = 0;                   // 0 for an absent file
  std::vector<std::string_view> record_;  // the record's fields in header order
  std::vector<std::string_view> fields_;  // in columns_ order
};

}  // namespace levrisk
