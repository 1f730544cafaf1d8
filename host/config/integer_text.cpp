#include "host/config/integer_text.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "common/error.hpp"

namespace levrisk {
namespace {

// Digits of `base` after an optional prefix, '_' allowed between them (TOML).
std::optional<std::int64_t> digits_in_base(std::string_view text, int base, bool negative) {
  std::string digits;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_' && i > 0 && i + 1 < text.size()) continue;
    digits += text[i];
  }
  if (digits.empty()) return std::nullopt;
  const std::string signed_digits = (negative ? "-" : "") + digits;
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(signed_digits.c_str(), &end, base);
  if (errno == ERANGE || end != signed_digits.c_str() + signed_digits.size()) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

// A display of what was typed, shortened: a megabyte of digits is not echoed.
std::string echo(const std::string& text) {
  constexpr std::size_t most = 40;
  return text.size() <= most
             ? text
             : text.substr(0, most) + "... (" + std::to_string(text.size()) + " characters)";
}

}  // namespace

std::optional<std::int64_t> exact_int64(std::string_view literal) {
  if (literal.empty()) return std::nullopt;
  bool negative = false;
  if (literal.front() == '+' || literal.front() == '-') {
    negative = literal.front() == '-';
    literal.remove_prefix(1);
  }
  if (literal.size() > 2 && literal[0] == '0') {
    const char kind = literal[1];
    if (kind == 'x') return digits_in_base(literal.substr(2), 16, negative);
    if (kind == 'o') return digits_in_base(literal.substr(2), 8, negative);
    if (kind == 'b') return digits_in_base(literal.substr(2), 2, negative);
  }
  for (const char c : literal) {
    if (!(c >= '0' && c <= '9') && c != '_') return std::nullopt;
  }
  return digits_in_base(literal, 10, negative);
}

std::int64_t parse_flag_integer(const std::string& text, const std::string& flag, std::int64_t min,
                                std::int64_t max) {
  std::optional<std::int64_t> value;
  if (text.find_first_of("eE") == std::string::npos) {
    if (text.find('_') == std::string::npos) value = exact_int64(text);
  } else {
    // Scientific notation: exact integers within double's exact range only.
    errno = 0;
    char* end = nullptr;
    const double number = std::strtod(text.c_str(), &end);
    const bool whole = end == text.c_str() + text.size() && errno == 0 && std::isfinite(number) &&
                       number == std::floor(number) && std::fabs(number) <= 9007199254740992.0;
    if (whole) value = static_cast<std::int64_t>(number);
  }
  LEVRISK_REQUIRE(
      value && *value >= min && *value <= max, input_error,
      flag << " must be an integer in [" << min << ", " << max << "], got '" << echo(text) << "'");
  return *value;
}

}  // namespace levrisk
