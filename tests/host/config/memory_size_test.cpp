// parse_memory_size: every accepted form, and one test per kind of bad input
// checking the exact message; format_bytes.

#include "host/config/memory_size.hpp"

#include <gtest/gtest.h>

#include <string>

#include "common/error.hpp"

namespace levrisk {
namespace {

std::string parse_error(const std::string& text) {
  try {
    parse_memory_size(text, "--memory-budget");
  } catch (const input_error& error) {
    return error.what();
  }
  ADD_FAILURE() << "'" << text << "' did not throw input_error";
  return {};
}

TEST(ParseMemorySize, BinaryUnits) {
  EXPECT_EQ(parse_memory_size("8GiB", "x"), 8LL << 30);
  EXPECT_EQ(parse_memory_size("3KiB", "x"), 3 * 1024);
  EXPECT_EQ(parse_memory_size("2MiB", "x"), 2 << 20);
  EXPECT_EQ(parse_memory_size("1TiB", "x"), 1LL << 40);
}

TEST(ParseMemorySize, DecimalUnits) {
  EXPECT_EQ(parse_memory_size("500MB", "x"), 500'000'000);
  EXPECT_EQ(parse_memory_size("2kB", "x"), 2000);
  EXPECT_EQ(parse_memory_size("80GB", "x"), 80'000'000'000);
  EXPECT_EQ(parse_memory_size("1TB", "x"), 1'000'000'000'000);
}

TEST(ParseMemorySize, PlainBytes) {
  EXPECT_EQ(parse_memory_size("123456789", "x"), 123456789);
  EXPECT_EQ(parse_memory_size("64B", "x"), 64);
}

TEST(ParseMemorySize, FractionsSpacesAndCase) {
  EXPECT_EQ(parse_memory_size("1.5 GiB", "x"), 3LL << 29);
  EXPECT_EQ(parse_memory_size("8gib", "x"), 8LL << 30);
  EXPECT_EQ(parse_memory_size("4G", "x"), 4'000'000'000);
  EXPECT_EQ(parse_memory_size("1.5", "x"), 1);  // rounded down to whole bytes
}

TEST(ParseMemorySize, AutoIsTheBackendsOwn) {
  EXPECT_EQ(parse_memory_size("auto", "x"), 0);
  EXPECT_EQ(parse_memory_size("AUTO", "x"), 0);
}

TEST(ParseMemorySize, EmptyIsRefused) {
  EXPECT_EQ(parse_error(""),
            "--memory-budget must be a size such as 8GiB, 500MB or a number of bytes, got ''");
}

TEST(ParseMemorySize, UnitWithoutNumberIsRefused) {
  EXPECT_EQ(parse_error("GiB"),
            "--memory-budget must be a size such as 8GiB, 500MB or a number of bytes, got 'GiB'");
}

TEST(ParseMemorySize, NegativeIsRefused) {
  EXPECT_EQ(parse_error("-1GiB"),
            "--memory-budget must be a size such as 8GiB, 500MB or a number of bytes, got "
            "'-1GiB'");
}

TEST(ParseMemorySize, TwoDecimalPointsAreRefused) {
  EXPECT_EQ(parse_error("1.2.3GB"),
            "--memory-budget must be a size such as 8GiB, 500MB or a number of bytes, got "
            "'1.2.3GB'");
}

TEST(ParseMemorySize, UnknownUnitIsRefused) {
  EXPECT_EQ(parse_error("8 gigs"),
            "--memory-budget: unknown unit 'gigs' in '8 gigs' (B, kB, MB, GB, TB, KiB, MiB, GiB "
            "or TiB)");
}

TEST(ParseMemorySize, ZeroIsRefused) {
  EXPECT_EQ(parse_error("0"), "--memory-budget must be at least 1 byte, got '0'");
}

TEST(ParseMemorySize, LessThanOneByteIsRefused) {
  EXPECT_EQ(parse_error("0.5B"), "--memory-budget must be at least 1 byte, got '0.5B'");
}

TEST(ParseMemorySize, MoreThan64BitsIsRefused) {
  EXPECT_EQ(parse_error("9000000TiB"),
            "--memory-budget must be below 8 EiB (2^63 bytes), got '9000000TiB'");
}

TEST(FormatBytes, ThreeSignificantDigitsInBinaryUnits) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
  EXPECT_EQ(format_bytes(38300), "37.4 KiB");
  EXPECT_EQ(format_bytes(12'000'000'000), "11.2 GiB");
  EXPECT_EQ(format_bytes(1LL << 30), "1 GiB");
  EXPECT_EQ(format_bytes(200LL << 20), "200 MiB");
}

}  // namespace
}  // namespace levrisk
