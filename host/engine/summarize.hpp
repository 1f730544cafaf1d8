#pragma once
// Turns a backend's integer tallies into per-unit risk figures with their
// uncertainty.

#include <vector>

#include "host/engine/results.hpp"
#include "host/engine/risk_plan.hpp"

namespace levrisk {

std::vector<unit_result> summarize_units(const risk_plan& plan, const simulation_tallies& tallies,
                                         double step_days,
                                         const std::vector<double>& hf_min_levels);

}  // namespace levrisk
