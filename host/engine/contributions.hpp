#pragma once
// Each unit's contribution to the book's expected shortfall, the Euler
// allocation (Tasche 1999, "Risk contributions and performance measurement";
// docs/methodology.md, "Shortfall statistics"):
//   C_i = E[L_i | the path is in the level-q tail of L],  L = sum_i L_i,
// L_i the unit's bad debt (lending) or the venue's loss on it (perps), L the
// path total book_loss_usd. The tail is the ES tail (tail_paths in
// tail_statistics.hpp), so the contributions add up to ES_q of the book's loss.
//
// Which paths are in the tail is known only once every path has run; the
// streams are counter-based, so those paths are run again, alone, through the
// same backend, and the execution tallies then hold sums over the tail only.

#include <cstdint>
#include <vector>

#include "host/backend/backend.hpp"
#include "host/engine/results.hpp"
#include "host/plan/simulation_plan.hpp"

namespace levrisk {

// Per unit, in plan order: the mean of its loss over `tail` (ascending path
// indices) and the standard error of that mean over the tail's paths.
std::vector<usd_estimate> es_contributions(const simulation_plan& plan, backend& executor,
                                           const std::vector<std::int64_t>& tail);

}  // namespace levrisk
