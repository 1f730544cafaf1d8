#include "common/csv_reader.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "common/error.hpp"
#include "common/utf8.hpp"

namespace levrisk {

namespace {

std::string quoted(std::string_view text) {
  return quoted_for_message(text);
}

}  // namespace

number_bounds number_bounds::above(double lower) {
  number_bounds bounds;
  bounds.lower = lower;
  return bounds;
}

number_bounds number_bounds::at_least(double lower) {
  number_bounds bounds;
  bounds.lower = lower;
  bounds.lower_inclusive = true;
  return bounds;
}

number_bounds number_bounds::range(double lower, bool lower_inclusive, double upper,
                                   bool upper_inclusive) {
  return number_bounds{lower, lower_inclusive, upper, upper_inclusive};
}

bool number_bounds::contains(double value) const {
  const bool above_lower = lower_inclusive ? value >= lower : value > lower;
  const bool below_upper = upper_inclusive ? value <= upper : value < upper;
  return above_lower && below_upper;
}

std::string number_bounds::describe() const {
  std::ostringstream text;
  if (std::isinf(upper)) {
    text << (lower_inclusive ? ">= " : "> ") << lower;
  } else {
    text << "in " << (lower_inclusive ? '[' : '(') << lower << ", " << upper
         << (upper_inclusive ? ']' : ')');
  }
  return text.str();
}

bool is_valid_id(std::string_view id) {
  if (id.empty()) return false;
  for (const char c : id) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f || c == ',' || c == '"') return false;
  }
  return true;
}

bool parse_number(std::string_view text, double& value) {
  const char* const end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  return error == std::errc{} && stop == end && !text.empty();
}

std::string_view skip_utf8_bom(std::string_view text) {
  return text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text;
}

csv_reader::csv_reader(std::filesystem::path path, std::vector<std::string> columns, bool optional)
    : csv_reader(std::move(path), std::move(columns), {}, optional) {}

csv_reader::csv_reader(std::filesystem::path path, std::vector<std::string> columns,
                       std::vector<std::string> optional_columns, bool optional)
    : path_text_(path.string()),
      required_columns_(std::move(columns)),
      optional_columns_(std::move(optional_columns)),
      columns_(required_columns_) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) {
    LEVRISK_REQUIRE(optional, input_error, path_text_ << ": file not found");
    return;
  }
  LEVRISK_REQUIRE(std::filesystem::is_regular_file(status), input_error,
                  path_text_ << ": not a regular file");
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  LEVRISK_REQUIRE(file, input_error, path_text_ << ": cannot be opened for reading");
  size_ = static_cast<std::size_t>(file.tellg());
  buffer_.reset(new char[size_]);
  file.seekg(0);
  file.read(buffer_.get(), static_cast<std::streamsize>(size_));
  LEVRISK_REQUIRE(file.gcount() == static_cast<std::streamsize>(size_), input_error,
                  path_text_ << ": read failed");
  present_ = true;
  const std::string_view contents(buffer_.get(), size_);
  position_ = size_ - skip_utf8_bom(contents).size();
  fields_.reserve(required_columns_.size() + optional_columns_.size());
  read_header();
}

std::optional<std::size_t> csv_reader::column_index(std::string_view name) const {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i] == name) return i;
  }
  return std::nullopt;
}

std::size_t csv_reader::line_count() const {
  std::size_t count = 0;
  const char* cursor = buffer_.get();
  const char* const end = cursor + size_;
  while (cursor < end) {
    const void* newline = std::memchr(cursor, '\n', static_cast<std::size_t>(end - cursor));
    ++count;
    if (newline == nullptr) break;
    cursor = static_cast<const char*>(newline) + 1;
  }
  return count;
}

bool csv_reader::next_line(std::string_view& line) {
  if (position_ >= size_) return false;
  const char* begin = buffer_.get() + position_;
  const std::size_t remaining = size_ - position_;
  const void* newline = std::memchr(begin, '\n', remaining);
  const std::size_t length =
      newline != nullptr ? static_cast<std::size_t>(static_cast<const char*>(newline) - begin)
                         : remaining;
  position_ += length + (newline != nullptr ? 1 : 0);
  ++line_;
  line = std::string_view(begin, length);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return true;
}

void csv_reader::split(std::string_view line) {
  fields_.clear();
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      fields_.push_back(line.substr(start));
      break;
    }
    fields_.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
}

std::string csv_reader::header_text() const {
  std::string text;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) text += ',';
    text += columns_[i];
  }
  return text;
}

std::string csv_reader::expected_header_text() const {
  std::string text;
  for (std::size_t i = 0; i < required_columns_.size(); ++i) {
    if (i > 0) text += ',';
    text += required_columns_[i];
  }
  for (const auto& column : optional_columns_) text += "[," + column + "]";
  return text;
}

void csv_reader::fail_header(std::size_t column, std::string_view got,
                             std::size_t next_optional) const {
  std::string expected;
  if (column < required_columns_.size()) {
    expected = quoted(std::string_view(required_columns_[column]));
  } else {
    for (std::size_t i = next_optional; i < optional_columns_.size(); ++i) {
      if (i > next_optional) expected += i + 1 == optional_columns_.size() ? " or " : ", ";
      expected += quoted(std::string_view(optional_columns_[i]));
    }
    if (expected.empty()) {
      LEVRISK_FAIL(input_error, path_text_ << ":" << line_ << ": header column " << column + 1
                                           << " " << quoted(got)
                                           << " is repeated or out of order (expected header '"
                                           << expected_header_text() << "')");
    }
  }
  LEVRISK_FAIL(input_error, path_text_ << ":" << line_ << ": header column " << column + 1
                                       << " must be " << expected << ", got " << quoted(got)
                                       << " (expected header '" << expected_header_text() << "')");
}

void csv_reader::read_header() {
  std::string_view line;
  while (next_line(line)) {
    if (line.empty() || line.front() == '#') continue;
    split(line);
    const std::size_t required = required_columns_.size();
    const std::size_t most = required + optional_columns_.size();
    if (fields_.size() < required || fields_.size() > most) {
      std::ostringstream expected;
      expected << required;
      if (most > required) expected << " to " << most;
      LEVRISK_FAIL(input_error, path_text_ << ":" << line_ << ": header has " << fields_.size()
                                           << " columns, expected " << expected.str() << ": '"
                                           << expected_header_text() << "'");
    }
    for (std::size_t i = 0; i < required; ++i) {
      if (fields_[i] != required_columns_[i]) fail_header(i, fields_[i], 0);
    }
    // Optional columns keep their declared order: each one is looked for after
    // the previous one found.
    std::size_t next = 0;
    for (std::size_t i = required; i < fields_.size(); ++i) {
      std::size_t found = next;
      while (found < optional_columns_.size() && optional_columns_[found] != fields_[i]) ++found;
      if (found == optional_columns_.size()) fail_header(i, fields_[i], next);
      columns_.push_back(optional_columns_[found]);
      next = found + 1;
    }
    return;
  }
  LEVRISK_FAIL(input_error,
               path_text_ << ": no header line, expected '" << expected_header_text() << "'");
}

bool csv_reader::next_row() {
  if (!present_) return false;
  std::string_view line;
  while (next_line(line)) {
    if (line.empty()) continue;
    if (line.front() == '#') fail_row("comment lines are allowed only before the header");
    split(line);
    if (fields_.size() != columns_.size()) {
      std::ostringstream message;
      message << "expected " << columns_.size() << " fields (" << header_text() << "), got "
              << fields_.size();
      fail_row(message.str());
    }
    if (line.find('"') != std::string_view::npos) {
      for (std::size_t column = 0; column < fields_.size(); ++column) {
        if (fields_[column].find('"') != std::string_view::npos) {
          fail(column, "contains a quote character; quoted fields are not supported");
        }
      }
    }
    return true;
  }
  return false;
}

void csv_reader::require_non_empty(std::size_t column) const {
  if (fields_[column].empty()) fail(column, "is empty");
}

std::string_view csv_reader::id(std::size_t column) const {
  require_non_empty(column);
  const std::string_view value = fields_[column];
  if (const std::size_t bad = first_invalid_utf8(value); bad != std::string_view::npos) {
    fail(column, "must be UTF-8 text, got " + quoted(value) + " (byte " + std::to_string(bad + 1) +
                     " is not UTF-8)");
  }
  if (!is_valid_id(value)) {
    fail(column,
         "must be an id without whitespace, control characters or quotes, got " + quoted(value));
  }
  return value;
}

double csv_reader::number(std::size_t column, const number_bounds& bounds) const {
  require_non_empty(column);
  const std::string_view text = fields_[column];
  double value = 0;
  if (!parse_number(text, value) || !std::isfinite(value) || !bounds.contains(value)) {
    fail(column, "must be a finite number " + bounds.describe() + ", got " + quoted(text));
  }
  return value + 0.0;  // -0 reads as 0
}

std::size_t csv_reader::choice(std::size_t column,
                               const std::vector<std::string_view>& choices) const {
  require_non_empty(column);
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (fields_[column] == choices[i]) return i;
  }
  std::string allowed;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) allowed += i + 1 == choices.size() ? " or " : ", ";
    allowed += quoted(choices[i]);
  }
  fail(column, "must be " + allowed + ", got " + quoted(fields_[column]));
}

void csv_reader::fail(std::size_t column, const std::string& message) const {
  LEVRISK_FAIL(input_error,
               path_text_ << ":" << line_ << ": field '" << columns_[column] << "' " << message);
}

void csv_reader::fail_row(const std::string& message) const {
  LEVRISK_FAIL(input_error, path_text_ << ":" << line_ << ": " << message);
}

}  // namespace levrisk
