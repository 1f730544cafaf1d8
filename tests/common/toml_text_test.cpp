// TOML written by hand: numbers that read back exactly, strings and keys quoted
// only where TOML needs it.

#include "common/toml_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <toml.hpp>

namespace levrisk {
namespace {

double read_back(const std::string& number) {
  std::istringstream text("x = " + number + "\n");
  return toml::find<double>(toml::parse(text, "number.toml"), "x");
}

TEST(TomlNumber, AlwaysAFloat) {
  EXPECT_EQ(toml_number(1.0), "1.0");
  EXPECT_EQ(toml_number(-3.0), "-3.0");
  EXPECT_EQ(toml_number(0.25), "0.25");
  EXPECT_EQ(toml_number(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(toml_number(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(toml_number(-std::numeric_limits<double>::infinity()), "-inf");
}

TEST(TomlNumber, ReadsBackToTheSameDouble) {
  for (const double value : {0.1, 1.0 / 3.0, 6.02214076e23, -2.5e-8}) {
    EXPECT_EQ(read_back(toml_number(value)), value) << toml_number(value);
  }
}

TEST(TomlQuoted, EscapesQuotesAndBackslashes) {
  EXPECT_EQ(toml_quoted("BTC"), "\"BTC\"");
  EXPECT_EQ(toml_quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
}

// A run name or path holding a newline must still give a file that parses, and
// read back to the same text.
TEST(TomlQuoted, EscapesControlCharacters) {
  EXPECT_EQ(toml_quoted("a\nb"), "\"a\\u000Ab\"");
  EXPECT_EQ(toml_quoted(std::string("\x01\t\x7f", 3)), "\"\\u0001\\u0009\\u007F\"");
  const std::string text = std::string("x\0y\r\n\x1f\"\\z", 9);
  std::istringstream toml_text("s = " + toml_quoted(text) + "\n");
  EXPECT_EQ(toml::find<std::string>(toml::parse(toml_text, "string.toml"), "s"), text);
}

TEST(TomlKey, BareWhenTomlAllowsIt) {
  EXPECT_EQ(toml_key("BTC-PERP_2"), "BTC-PERP_2");
  EXPECT_EQ(toml_key("stETH.v2"), "\"stETH.v2\"");
  EXPECT_EQ(toml_key(""), "\"\"");
}

}  // namespace
}  // namespace levrisk
