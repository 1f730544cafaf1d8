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

std::string quoted_list(const std::vector<std::string>& names) {
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) list += i + 1 == names.size() ? " and " : ", ";
    list += quoted(std::string_view(names[i]));
  }
  return list;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += ',';
    text += names[i];
  }
  return text;
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

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool is_null_text(std::string_view text) {
  return equals_ignoring_case(text, "NULL");
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
  // Counted before unquoting moves any byte.
  const char* cursor = buffer_.get();
  const char* const end = cursor + size_;
  while (cursor < end) {
    const void* newline = std::memchr(cursor, '\n', static_cast<std::size_t>(end - cursor));
    ++line_count_;
    if (newline == nullptr) break;
    cursor = static_cast<const char*>(newline) + 1;
  }
  read_header();
}

std::optional<std::size_t> csv_reader::column_index(std::string_view name) const {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i] == name) return i;
  }
  return std::nullopt;
}

bool csv_reader::skip_blank_lines() {
  const char* const data = buffer_.get();
  while (position_ < size_) {
    if (data[position_] == '\n') {
      ++position_;
      ++next_line_;
    } else if (data[position_] == '\r' && (position_ + 1 == size_ || data[position_ + 1] == '\n')) {
      ++position_;
    } else {
      return true;
    }
  }
  return false;
}

void csv_reader::skip_line() {
  const char* begin = buffer_.get() + position_;
  const void* newline = std::memchr(begin, '\n', size_ - position_);
  position_ = newline != nullptr
                  ? static_cast<std::size_t>(static_cast<const char*>(newline) - buffer_.get()) + 1
                  : size_;
  ++next_line_;
}

void csv_reader::fail_in_record(std::size_t position, const std::string& message) const {
  if (header_line_ == 0) {
    LEVRISK_FAIL(input_error, path_text_ << ":" << line_ << ": header column " << position + 1
                                         << " " << message);
  }
  if (position < header_.size()) {
    LEVRISK_FAIL(input_error,
                 path_text_ << ":" << line_ << ": field '" << header_[position] << "' " << message);
  }
  LEVRISK_FAIL(input_error,
               path_text_ << ":" << line_ << ": field " << position + 1 << " " << message);
}

// RFC 4180 section 2: a quoted field ends at a quote not doubled; "" stands for
// one quote. The text is moved left over the opening quote, which keeps the
// earlier rows' views intact.
std::size_t csv_reader::read_quoted_field(std::size_t opening) {
  char* const data = buffer_.get();
  std::size_t write = opening;
  std::size_t read = opening + 1;
  while (true) {
    if (read == size_) {
      fail_in_record(record_.size(),
                     "opens a quote that is never closed (the file ends inside it)");
    }
    const char c = data[read];
    if (c == '"') {
      if (read + 1 < size_ && data[read + 1] == '"') {
        data[write++] = '"';
        read += 2;
        continue;
      }
      record_.emplace_back(data + opening, write - opening);
      return read + 1;
    }
    if (c == '\n') ++next_line_;
    data[write++] = c;
    ++read;
  }
}

void csv_reader::split_record() {
  const char* const data = buffer_.get();
  line_ = next_line_;
  record_.clear();
  std::size_t p = position_;
  const auto at_line_end = [&](std::size_t i) {
    return i == size_ || data[i] == '\n' ||
           (data[i] == '\r' && (i + 1 == size_ || data[i + 1] == '\n'));
  };
  while (true) {
    if (p < size_ && data[p] == '"') {
      p = read_quoted_field(p);
      if (!at_line_end(p) && data[p] != ',') {
        fail_in_record(record_.size() - 1,
                       "has text after its closing quote; a quoted field ends at a comma or the "
                       "end of the line (a quote inside it is written \"\")");
      }
    } else {
      const std::size_t start = p;
      while (!at_line_end(p) && data[p] != ',') {
        if (data[p] == '"') {
          fail_in_record(record_.size(),
                         "has a quote character inside an unquoted field; quote the whole field "
                         "and write the quote as \"\"");
        }
        ++p;
      }
      record_.emplace_back(data + start, p - start);
    }
    if (p < size_ && data[p] == ',') {
      ++p;
      continue;
    }
    if (p < size_ && data[p] == '\r') ++p;
    if (p < size_) {
      ++p;
      ++next_line_;
    }
    break;
  }
  position_ = p;
}

std::string csv_reader::header_text() const {
  return joined(header_);
}

std::string csv_reader::expected_header_text() const {
  std::string text = joined(required_columns_);
  for (const auto& column : optional_columns_) text += "[," + column + "]";
  return text;
}

void csv_reader::read_header() {
  while (skip_blank_lines()) {
    if (buffer_[position_] == '#') {
      skip_line();
      continue;
    }
    split_record();
    header_.assign(record_.begin(), record_.end());
    header_line_ = line_;
    for (std::size_t i = 0; i < header_.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (equals_ignoring_case(header_[i], header_[j])) {
          LEVRISK_FAIL(input_error, path_text_ << ":" << line_ << ": header column " << i + 1 << " "
                                               << quoted(std::string_view(header_[i]))
                                               << " repeats column " << j + 1 << " "
                                               << quoted(std::string_view(header_[j])));
        }
      }
    }
    const auto find = [&](const std::string& name) -> std::optional<std::size_t> {
      for (std::size_t i = 0; i < header_.size(); ++i) {
        if (equals_ignoring_case(header_[i], name)) return i;
      }
      return std::nullopt;
    };
    columns_.clear();
    std::vector<std::string> missing;
    std::vector<bool> used(header_.size(), false);
    for (const auto& name : required_columns_) {
      const auto position = find(name);
      if (!position) {
        missing.push_back(name);
        continue;
      }
      columns_.push_back(name);
      position_of_column_.push_back(*position);
      used[*position] = true;
    }
    if (!missing.empty()) {
      LEVRISK_FAIL(input_error, path_text_ << ":" << line_ << ": header lacks "
                                           << (missing.size() == 1 ? "column " : "columns ")
                                           << quoted_list(missing) << " (header '" << header_text()
                                           << "', expected '" << expected_header_text()
                                           << "' in any order and case)");
    }
    for (const auto& name : optional_columns_) {
      if (const auto position = find(name)) {
        columns_.push_back(name);
        position_of_column_.push_back(*position);
        used[*position] = true;
      }
    }
    for (std::size_t i = 0; i < header_.size(); ++i) {
      if (!used[i]) ignored_columns_.push_back(header_[i]);
    }
    fields_.resize(columns_.size());
    return;
  }
  LEVRISK_FAIL(input_error,
               path_text_ << ": no header line, expected '" << expected_header_text() << "'");
}

bool csv_reader::next_row() {
  if (!present_) return false;
  if (!skip_blank_lines()) return false;
  if (buffer_[position_] == '#') {
    line_ = next_line_;
    fail_row("comment lines are allowed only before the header");
  }
  split_record();
  if (record_.size() != header_.size()) {
    std::ostringstream message;
    message << "expected " << header_.size() << " fields (" << header_text() << "), got "
            << record_.size();
    fail_row(message.str());
  }
  for (std::size_t i = 0; i < fields_.size(); ++i) fields_[i] = record_[position_of_column_[i]];
  return true;
}

bool csv_reader::is_missing(std::size_t column) const {
  return fields_[column].empty() || is_null_text(fields_[column]);
}

void csv_reader::require_non_empty(std::size_t column) const {
  if (fields_[column].empty()) fail(column, "is empty");
  if (is_null_text(fields_[column])) {
    fail(column, "is " + quoted(fields_[column]) + " (a missing value); this column needs one");
  }
}

std::string_view csv_reader::id(std::size_t column) const {
  require_non_empty(column);
  const std::string_view value = fields_[column];
  if (const std::size_t bad = first_invalid_utf8(value); bad != std::string_view::npos) {
    fail(column, "must be UTF-8 text, got " + quoted(value) + " (byte " + std::to_string(bad + 1) +
                     " is not UTF-8)");
  }
  if (!is_valid_id(value)) {
    fail(column, "must be an id without whitespace, control characters, commas or quotes, got " +
                     quoted(value));
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
    if (equals_ignoring_case(fields_[column], choices[i])) return i;
  }
  std::string allowed;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) allowed += i + 1 == choices.size() ? " or " : ", ";
    allowed += quoted(choices[i]);
  }
  fail(column, "must be " + allowed + " (in any case), got " + quoted(fields_[column]));
}

void csv_reader::fail(std::size_t column, const std::string& message) const {
  LEVRISK_FAIL(input_error,
               path_text_ << ":" << line_ << ": field '" << columns_[column] << "' " << message);
}

void csv_reader::fail_row(const std::string& message) const {
  LEVRISK_FAIL(input_error, path_text_ << ":" << line_ << ": " << message);
}

}  // namespace levrisk
