#pragma once
// Writing TOML by hand for files people read (configurations, model files):
// values that read back exactly.

#include <string>

namespace levrisk {

// Shortest text that reads back to the same double (std::to_chars), always a
// TOML float: "1" becomes "1.0"; NaN and infinities as TOML's nan / inf.
std::string toml_number(double value);

// A basic TOML string with quotes, backslashes and control characters escaped.
std::string toml_quoted(const std::string& text);

// A bare TOML key when the text allows it, a quoted one otherwise.
std::string toml_key(const std::string& text);

}  // namespace levrisk
