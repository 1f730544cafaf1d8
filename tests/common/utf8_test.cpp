// UTF-8 validity against the well-formed sequences of Unicode 15, table 3-7, and the
// form of an echoed field.

#include "common/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace levrisk {
namespace {

TEST(Utf8, WellFormedSequencesOfEveryLength) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("BTC-PERP"));
  EXPECT_TRUE(is_valid_utf8("\xc3\xa9"));          // U+00E9
  EXPECT_TRUE(is_valid_utf8("\xe2\x82\xac"));      // U+20AC
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x92\xb0"));  // U+1F4B0
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF, the last code point
  EXPECT_TRUE(is_valid_utf8("\xed\x9f\xbf"));      // U+D7FF, just below the surrogates
}

TEST(Utf8, IllFormedSequencesGiveTheirFirstByte) {
  EXPECT_EQ(first_invalid_utf8("ab\xff"), 2u);            // never in UTF-8
  EXPECT_EQ(first_invalid_utf8("\x80"), 0u);              // a lone continuation byte
  EXPECT_EQ(first_invalid_utf8("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(first_invalid_utf8("\xe0\x80\xaf"), 0u);      // overlong, three bytes
  EXPECT_EQ(first_invalid_utf8("\xf0\x8f\xbf\xbf"), 0u);  // overlong, four bytes
  EXPECT_EQ(first_invalid_utf8("x\xed\xa0\x80"), 1u);     // U+D800, a surrogate
  EXPECT_EQ(first_invalid_utf8("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(first_invalid_utf8("\xe2\x82"), 0u);          // truncated
  EXPECT_EQ(first_invalid_utf8("\xc3\xa9\xc3("), 2u);     // bad continuation
}

TEST(Utf8, MessagesEscapeWhatIsNotPrintableText) {
  EXPECT_EQ(quoted_for_message("ETH"), "'ETH'");
  EXPECT_EQ(quoted_for_message("R\xc3\xa9sum\xc3\xa9"), "'R\xc3\xa9sum\xc3\xa9'");
  EXPECT_EQ(quoted_for_message("a\xff"
                               "b\tc"),
            "'a\\xFFb\\x09c'");
}

TEST(Utf8, LongFieldsAreCutToTheirStartAndLength) {
  const std::string field = "12345" + std::string(995, '0');
  EXPECT_EQ(quoted_for_message(field, 5), "'12345'... (1000 bytes)");
  EXPECT_EQ(quoted_for_message("12345", 5), "'12345'");
  // The cut counts characters, so it never splits a multi-byte one.
  EXPECT_EQ(quoted_for_message("\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", 2),
            "'\xe2\x82\xac\xe2\x82\xac'... (9 bytes)");
}

}  // namespace
}  // namespace levrisk
