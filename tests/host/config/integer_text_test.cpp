// Integers read exactly: TOML literals as toml11 would parse them but without
// its saturation, and command-line counts, scientific notation included.

#include "host/config/integer_text.hpp"

#include <gtest/gtest.h>

#include <string>

#include "common/error.hpp"

namespace levrisk {
namespace {

TEST(ExactInt64, TomlLiterals) {
  EXPECT_EQ(exact_int64("0"), 0);
  EXPECT_EQ(exact_int64("+42"), 42);
  EXPECT_EQ(exact_int64("-17"), -17);
  EXPECT_EQ(exact_int64("1_000_000"), 1000000);
  EXPECT_EQ(exact_int64("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(exact_int64("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(exact_int64("0xff"), 255);
  EXPECT_EQ(exact_int64("0o17"), 15);
  EXPECT_EQ(exact_int64("0b101"), 5);
}

TEST(ExactInt64, WhatDoesNotFitOrIsNoInteger) {
  EXPECT_FALSE(exact_int64("9223372036854775808"));
  EXPECT_FALSE(exact_int64("-9223372036854775809"));
  EXPECT_FALSE(exact_int64("99999999999999999999"));
  EXPECT_FALSE(exact_int64("0x10000000000000000"));
  EXPECT_FALSE(exact_int64(""));
  EXPECT_FALSE(exact_int64("1.5"));
  EXPECT_FALSE(exact_int64("_1"));
}

std::string flag_error(const std::string& text, std::int64_t min, std::int64_t max) {
  try {
    parse_flag_integer(text, "--paths", min, max);
  } catch (const input_error& e) {
    return e.what();
  }
  return "accepted";
}

TEST(ParseFlagInteger, CountsAsPeopleTypeThem) {
  EXPECT_EQ(parse_flag_integer("1000", "--paths", 1, max_run_paths), 1000);
  EXPECT_EQ(parse_flag_integer("1e6", "--paths", 1, max_run_paths), 1000000);
  EXPECT_EQ(parse_flag_integer("2.5E5", "--paths", 1, max_run_paths), 250000);
  EXPECT_EQ(parse_flag_integer("-1", "--seed", -5, 5), -1);
}

TEST(ParseFlagInteger, RefusedWithTheFlagTheRangeAndTheText) {
  EXPECT_EQ(flag_error("0", 1, 10), "--paths must be an integer in [1, 10], got '0'");
  EXPECT_EQ(flag_error("11", 1, 10), "--paths must be an integer in [1, 10], got '11'");
  EXPECT_EQ(flag_error("1.5", 1, 10), "--paths must be an integer in [1, 10], got '1.5'");
  EXPECT_EQ(flag_error("1.5e0", 1, 10), "--paths must be an integer in [1, 10], got '1.5e0'");
  EXPECT_EQ(flag_error("1e300", 1, 10), "--paths must be an integer in [1, 10], got '1e300'");
  EXPECT_EQ(flag_error("ten", 1, 10), "--paths must be an integer in [1, 10], got 'ten'");
  EXPECT_EQ(flag_error("1_000", 1, 10), "--paths must be an integer in [1, 10], got '1_000'");
  // A megabyte of digits is not echoed whole.
  const std::string huge(1000000, '9');
  EXPECT_EQ(flag_error(huge, 1, 10), "--paths must be an integer in [1, 10], got '" +
                                         std::string(40, '9') + "... (1000000 characters)'");
}

}  // namespace
}  // namespace levrisk
