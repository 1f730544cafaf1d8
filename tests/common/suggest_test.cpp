// Edit distances worked by hand, and which names are close enough to suggest.

#include "common/suggest.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace levrisk {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("run", "run"), 0u);
  EXPECT_EQ(edit_distance("", "run"), 3u);            // three insertions
  EXPECT_EQ(edit_distance("runn", "run"), 1u);        // one deletion
  EXPECT_EQ(edit_distance("path", "paths"), 1u);      // one insertion
  EXPECT_EQ(edit_distance("seet", "seed"), 1u);       // one substitution
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);  // k->s, e->i, +g
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2u);       // -f, +n
}

TEST(EditDistance, IsSymmetric) {
  EXPECT_EQ(edit_distance("sitting", "kitten"), 3u);
  EXPECT_EQ(edit_distance("run", ""), 3u);
}

TEST(ClosestName, SuggestsTheNearestKnownName) {
  const std::vector<std::string> commands = {"run", "inspect", "synth", "version", "calibrate"};
  EXPECT_EQ(closest_name("runn", commands), "run");
  EXPECT_EQ(closest_name("inspcet", commands), "inspect");  // two substitutions in seven
  EXPECT_EQ(closest_name("verison", commands), "version");
}

TEST(ClosestName, SuggestsNothingForAWordFarFromEveryName) {
  const std::vector<std::string> commands = {"run", "inspect", "synth", "version", "calibrate"};
  EXPECT_EQ(closest_name("simulate", commands), "");
  EXPECT_EQ(closest_name("x", commands), "");  // 3 edits from "run": more than a third of 3
  EXPECT_EQ(closest_name("anything", {}), "");
}

TEST(ClosestName, TakesTheFirstOfEqualCandidates) {
  EXPECT_EQ(closest_name("seex", {"seed", "seen"}), "seed");  // one substitution each
}

TEST(DidYouMean, FormsTheMessageTail) {
  EXPECT_EQ(did_you_mean("path", {"name", "paths", "steps"}), "; did you mean 'paths'?");
  EXPECT_EQ(did_you_mean("colour", {"name", "paths"}), "");
}

}  // namespace
}  // namespace levrisk
