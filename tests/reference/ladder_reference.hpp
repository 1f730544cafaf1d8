#pragma once
// The plain twin of the liquidation ladder (kernels/risk/ladder.hpp): no sorting,
// no search, no difference arrays. Each unit is checked at every step of every
// path against the definition: a falling unit with threshold t is liquidated at
// the first step s with y_s < t, a rising one at the first s with y_s > t
// (a level equal to the threshold leaves the unit alive, as HF = 1 does).

#include <cstdint>
#include <vector>

namespace levrisk::reference {

struct crossing_tally {
  std::int64_t crossed = 0;       // paths on which the unit is liquidated
  std::uint64_t step_sum = 0;     // sum of the first-crossing steps
  std::uint64_t step_sq_sum = 0;  // sum of their squares
};

// levels[path][s]: the factor y at monitoring step s = 0 .. steps (y_0 is the
// snapshot's level). Thresholds in the units' own order, unsorted.
inline std::vector<crossing_tally> first_crossing_tallies(
    const std::vector<float>& threshold, const std::vector<std::vector<float>>& levels,
    bool rising) {
  std::vector<crossing_tally> tally(threshold.size());
  for (std::size_t u = 0; u < threshold.size(); ++u) {
    for (const std::vector<float>& path : levels) {
      for (std::size_t s = 0; s < path.size(); ++s) {
        const bool crossed = rising ? path[s] > threshold[u] : path[s] < threshold[u];
        if (!crossed) continue;
        tally[u].crossed += 1;
        tally[u].step_sum += s;
        tally[u].step_sq_sum += static_cast<std::uint64_t>(s) * s;
        break;
      }
    }
  }
  return tally;
}

}  // namespace levrisk::reference
