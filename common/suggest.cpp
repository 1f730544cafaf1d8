#include "common/suggest.hpp"

#include <algorithm>
#include <numeric>

namespace levrisk {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // One row of the Wagner-Fischer table: row[j] is the distance from a[0, i) to b[0, j).
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest_name(std::string_view word, const std::vector<std::string>& candidates) {
  constexpr std::size_t max_edits = 2;
  std::string best;
  std::size_t best_distance = max_edits + 1;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    const bool close = 3 * distance <= std::max(word.size(), candidate.size());
    if (close && distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string name = closest_name(word, candidates);
  return name.empty() ? "" : "; did you mean '" + name + "'?";
}

}  // namespace levrisk
