// sort_ints (kernels/math/int_sort.hpp) against std::sort on the inputs a
// heapsort gets wrong when an index is off by one: empty, one element,
// duplicates, sorted, reversed, and random arrays of every length up to 70.

#include "kernels/math/int_sort.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace levrisk {
namespace {

std::vector<int> sorted_by_heapsort(std::vector<int> values) {
  sort_ints(values.data(), static_cast<int>(values.size()));
  return values;
}

std::vector<int> sorted_by_std(std::vector<int> values) {
  std::sort(values.begin(), values.end());
  return values;
}

TEST(IntSort, EmptyAndSingleArraysStayAsTheyAre) {
  EXPECT_TRUE(sorted_by_heapsort({}).empty());
  EXPECT_EQ(sorted_by_heapsort({7}), std::vector<int>{7});
}

TEST(IntSort, SortedReversedAndRepeatedInputs) {
  const std::vector<std::vector<int>> inputs = {
      {1, 2, 3, 4, 5}, {5, 4, 3, 2, 1}, {3, 3, 3}, {2, 1, 2, 1, 2, 1}, {0, -4, 9, -4, 0}};
  for (const auto& input : inputs) EXPECT_EQ(sorted_by_heapsort(input), sorted_by_std(input));
}

TEST(IntSort, RandomArraysOfEveryLengthMatchStdSort) {
  std::mt19937 generator(20261203);
  std::uniform_int_distribution<int> value(-50, 50);
  for (int n = 0; n <= 70; ++n) {
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<int> input(static_cast<std::size_t>(n));
      for (int& x : input) x = value(generator);
      ASSERT_EQ(sorted_by_heapsort(input), sorted_by_std(input)) << "length " << n;
    }
  }
}

}  // namespace
}  // namespace levrisk
