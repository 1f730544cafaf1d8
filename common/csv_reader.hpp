#pragma once
// A strict reader for the snapshot's CSV files (docs/snapshot-format.md): the
// whole file is read at once, rows are split in place, and every problem is
// reported as an input_error naming "<file>:<line>: field '<column>' ...".

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

// Ids (asset, market, account) are written unquoted, so they may not contain a
// comma, a quote, whitespace or a control character.
bool is_valid_id(std::string_view id);

// The whole of `text` as a decimal or scientific number (std::from_chars:
// locale-independent, no whitespace, no leading '+'); false on anything else,
// including trailing characters. Infinities and NaN parse; callers check.
bool parse_number(std::string_view text, double& value);

// `text` without a leading UTF-8 byte-order mark, as spreadsheet programs write it.
std::string_view skip_utf8_bom(std::string_view text);

class csv_reader {
 public:
  // Reads `path` and checks that its header is exactly `columns`, in order.
  // A missing file is an input_error unless `optional`, which reads as no rows.
  csv_reader(std::filesystem::path path, std::vector<std::string> columns, bool optional = false);
  // The header is `columns`, in order, then zero or more of `optional_columns`
  // in their declared order: columns added to a format later, so that files
  // written before them still load. Which ones a file has: has_column, column_index.
  csv_reader(std::filesystem::path path, std::vector<std::string> columns,
             std::vector<std::string> optional_columns, bool optional = false);

  csv_reader(const csv_reader&) = delete;
  csv_reader& operator=(const csv_reader&) = delete;

  bool present() const { return present_; }
  const std::string& path_text() const { return path_text_; }

  // The columns of this file's header: the required ones, then the optional
  // ones it has (just the required ones for an absent file).
  const std::vector<std::string>& columns() const { return columns_; }
  // Index of the column in the rows, or nullopt when the header lacks it.
  std::optional<std::size_t> column_index(std::string_view name) const;
  bool has_column(std::string_view name) const { return column_index(name).has_value(); }

  // Moves to the next data row; false at the end of the file. Views returned
  // by the accessors below point into the reader's buffer and stay valid for
  // the reader's lifetime, across rows.
  bool next_row();
  int line() const { return line_; }
  // Lines in the file, to reserve containers before reading the rows.
  std::size_t line_count() const;

  std::string_view raw(std::size_t column) const { return fields_[column]; }
  std::string_view id(std::size_t column) const;  // non-empty and is_valid_id
  double number(std::size_t column, const number_bounds& bounds) const;
  // Index of the field's value in `choices`, which must contain it.
  std::size_t choice(std::size_t column, const std::vector<std::string_view>& choices) const;
  void require_non_empty(std::size_t column) const;

  // "<file>:<line>: field '<column>' <message>"
  [[noreturn]] void fail(std::size_t column, const std::string& message) const;
  // "<file>:<line>: <message>"
  [[noreturn]] void fail_row(const std::string& message) const;

 private:
  void read_header();
  bool next_line(std::string_view& line);
  void split(std::string_view line);
  std::string header_text() const;           // this file's columns: "a,b,c"
  std::string expected_header_text() const;  // the format's: "a,b[,c]"
  // Header column `column` is not what the format allows there; `next_optional`:
  // the first optional column that may still come (for a column past the required ones).
  [[noreturn]] void fail_header(std::size_t column, std::string_view got,
                                std::size_t next_optional) const;

  std::string path_text_;
  std::vector<std::string> required_columns_;
  std::vector<std::string> optional_columns_;
  std::vector<std::string> columns_;  // of the header read (required + optional present)
  bool present_ = false;
  std::unique_ptr<char[]> buffer_;  // the whole file; not zero-filled first
  std::size_t size_ = 0;
  std::size_t position_ = 0;
  int line_ = 0;  // physical line of the current row, 1-based
  std::vector<std::string_view> fields_;
};

}  // namespace levrisk
