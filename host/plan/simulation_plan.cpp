#include "host/plan/simulation_plan.hpp"

namespace levrisk {

std::vector<std::int64_t> ladder_plan::ladder_offsets() const {
  std::vector<std::int64_t> offsets;
  offsets.reserve(2 * factors.size() + 1);
  std::int64_t offset = 0;
  for (const factor_spec& f : factors) {
    offsets.push_back(offset);
    offset += static_cast<std::int64_t>(f.falling_threshold.size());
    offsets.push_back(offset);
    offset += static_cast<std::int64_t>(f.rising_threshold_negated.size());
  }
  offsets.push_back(offset);
  return offsets;
}

}  // namespace levrisk
