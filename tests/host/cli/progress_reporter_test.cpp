// The progress line's numbers: counts grouped by thousands, durations in the
// units a person reads them in.

#include "host/cli/progress_reporter.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace levrisk {
namespace {

TEST(GroupedInteger, CommasEveryThreeDigits) {
  EXPECT_EQ(grouped_integer(0), "0");
  EXPECT_EQ(grouped_integer(999), "999");
  EXPECT_EQ(grouped_integer(1000), "1,000");
  EXPECT_EQ(grouped_integer(12345), "12,345");
  EXPECT_EQ(grouped_integer(300000), "300,000");
  EXPECT_EQ(grouped_integer(1234567890), "1,234,567,890");
  EXPECT_EQ(grouped_integer(-4321), "-4,321");
}

TEST(DurationText, SecondsUnderAMinute) {
  EXPECT_EQ(duration_text(0.0), "0 s");
  EXPECT_EQ(duration_text(0.4), "0 s");
  EXPECT_EQ(duration_text(43.0), "43 s");
  EXPECT_EQ(duration_text(59.4), "59 s");
}

TEST(DurationText, MinutesAndSecondsUnderAnHour) {
  EXPECT_EQ(duration_text(59.6), "1 min 00 s");  // rounds to 60 s
  EXPECT_EQ(duration_text(83.0), "1 min 23 s");
  EXPECT_EQ(duration_text(3599.0), "59 min 59 s");
}

TEST(DurationText, HoursAndMinutesBeyond) {
  EXPECT_EQ(duration_text(3600.0), "1 h 00 min");
  EXPECT_EQ(duration_text(2 * 3600.0 + 5 * 60.0), "2 h 05 min");
  EXPECT_EQ(duration_text(2 * 3600.0 + 5 * 60.0 + 29.0), "2 h 05 min");  // 29 s: down
  EXPECT_EQ(duration_text(2 * 3600.0 + 5 * 60.0 + 30.0), "2 h 06 min");  // 30 s: up
  EXPECT_EQ(duration_text(25 * 3600.0), "25 h 00 min");
}

TEST(DurationText, NoTimeForAnUnknownEstimate) {
  EXPECT_EQ(duration_text(-1.0), "0 s");
  EXPECT_EQ(duration_text(std::numeric_limits<double>::infinity()), "0 s");
}

}  // namespace
}  // namespace levrisk
