#pragma once
// UTF-8 validity (RFC 3629) and the form in which a field is echoed into a message.
// Result files store ids as UTF-8 HDF5 strings; readers decode them strictly (h5py's
// asstr() raises on a bad byte), so the loaders refuse text that is not UTF-8.

#include <cstddef>
#include <string>
#include <string_view>

namespace levrisk {

// Offset of the first byte that does not start or continue a well-formed UTF-8
// sequence (overlong forms, surrogates U+D800..U+DFFF and code points above U+10FFFF are
// ill-formed), or std::string_view::npos when the whole text is UTF-8.
std::size_t first_invalid_utf8(std::string_view text);

inline bool is_valid_utf8(std::string_view text) {
  return first_invalid_utf8(text) == std::string_view::npos;
}

// `text` in single quotes for a message: control characters and bytes that are not
// UTF-8 as \xNN, and at most `max_chars` characters of it followed by
// "... (N bytes)", so that a megabyte field does not make a megabyte message.
std::string quoted_for_message(std::string_view text, std::size_t max_chars = 64);

}  // namespace levrisk
