#pragma once
// The liquidation ladder (docs/methodology.md, routes). A unit whose health
// factor depends on prices through one factor y (a log-return, or a log price
// ratio) is liquidated on a path exactly when the running minimum of y falls
// below its threshold (or the running maximum rises above it). With thresholds
// sorted, the units crossed when the running minimum moves form a contiguous
// range of the ladder, so a path costs O(log N) per new extreme, not O(N) per
// step, and per-unit tallies are kept as difference arrays over ladder
// positions, prefix-summed once at the end.
//
// Rising ladders store negated thresholds and are fed -y, so one descending
// search serves both directions.

#include "kernels/common.hpp"
#include "kernels/risk/atomics.hpp"

namespace levrisk {

struct ladder_view {
  const float* threshold;  // descending; units crossed by level y are those with threshold > y
  const int* unit;         // the risk unit at each position (the execution stage's)
  int size;
  tally_t* crossed_diff;      // size + 1 entries each
  tally_t* step_sum_diff;     // sum of first-crossing steps
  tally_t* step_sq_sum_diff;  // sum of their squares, for the standard error
};

// Number of thresholds above y, searching positions [first, size): those before
// `first` were crossed earlier on this path.
LEVRISK_HD LEVRISK_FORCEINLINE int ladder_crossed_count(const ladder_view& ladder, int first,
                                                        float y) {
  int lo = first;
  int hi = ladder.size;
  while (lo < hi) {
    const int mid = lo + (hi - lo) / 2;
    if (ladder.threshold[mid] > y) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// Units at ladder positions [from, to) are first crossed at `step`.
LEVRISK_HD LEVRISK_FORCEINLINE void ladder_record(const ladder_view& ladder, int from, int to,
                                                  int step) {
  const tally_t s = static_cast<tally_t>(step);
  tally_add(ladder.crossed_diff + from, 1ull);
  tally_add(ladder.crossed_diff + to, ~0ull);  // -1 modulo 2^64
  tally_add(ladder.step_sum_diff + from, s);
  tally_add(ladder.step_sum_diff + to, 0ull - s);
  tally_add(ladder.step_sq_sum_diff + from, s * s);
  tally_add(ladder.step_sq_sum_diff + to, 0ull - s * s);
}

// Moves a ladder to the new running extreme `y`, recording the units it crosses.
LEVRISK_HD LEVRISK_FORCEINLINE int ladder_advance(const ladder_view& ladder, int crossed, float y,
                                                  int step) {
  const int now_crossed = ladder_crossed_count(ladder, crossed, y);
  if (now_crossed > crossed) ladder_record(ladder, crossed, now_crossed, step);
  return now_crossed;
}

}  // namespace levrisk
