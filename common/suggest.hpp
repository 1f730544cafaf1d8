#pragma once
// "Did you mean" for a mistyped name (a command, a configuration key): the known
// name at the smallest edit distance, when it is close enough to be a typo.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace levrisk {

// Levenshtein distance: the fewest single-character insertions, deletions and
// substitutions that turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word` (the first of equals), or "" when none is within
// a third of the longer name's length and at most 2 edits: beyond that a guess
// names something the user did not mean.
std::string closest_name(std::string_view word, const std::vector<std::string>& candidates);

// "; did you mean 'NAME'?" for the closest name, or "" when none is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace levrisk
