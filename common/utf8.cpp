#include "common/utf8.hpp"

#include <cstdint>

namespace levrisk {
namespace {

// Length of the well-formed sequence starting at text[at], 0 if none does (the table of
// well-formed byte sequences in Unicode 15, section 3.9, table 3-7).
std::size_t sequence_length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[at + i]); };
  const std::uint8_t lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint8_t second_min = 0x80, second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;  // overlong below U+0800
    if (lead == 0xED) second_max = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;  // overlong below U+10000
    if (lead == 0xF4) second_max = 0x8F;  // above U+10FFFF
  } else {
    return 0;  // a continuation byte, an overlong lead (C0, C1) or F5..FF
  }
  if (at + length > text.size()) return 0;
  if (byte(1) < second_min || byte(1) > second_max) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

void append_escaped_byte(std::string& out, std::uint8_t byte) {
  constexpr char digits[] = "0123456789ABCDEF";
  out += "\\x";
  out += digits[byte >> 4];
  out += digits[byte & 0xF];
}

}  // namespace

std::size_t first_invalid_utf8(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t length = sequence_length(text, at);
    if (length == 0) return at;
    at += length;
  }
  return std::string_view::npos;
}

std::string quoted_for_message(std::string_view text, std::size_t max_chars) {
  std::string out = "'";
  std::size_t at = 0;
  std::size_t chars = 0;
  while (at < text.size() && chars < max_chars) {
    const std::size_t length = sequence_length(text, at);
    const auto lead = static_cast<std::uint8_t>(text[at]);
    if (length == 0 || lead < 0x20 || lead == 0x7F) {
      append_escaped_byte(out, lead);
      at += 1;
    } else {
      out.append(text.substr(at, length));
      at += length;
    }
    ++chars;
  }
  out += '\'';
  if (at < text.size()) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

}  // namespace levrisk
