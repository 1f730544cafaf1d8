#pragma once
// The execution stage's entry point for the backends: unit by unit
// (kernels/risk/execution.hpp) when no liquidation moves a price the protocols
// act on, else step by step (kernels/risk/feedback_execution.hpp).

#include <cstdint>

#include "kernels/common.hpp"
#include "kernels/risk/execution.hpp"
#include "kernels/risk/feedback_execution.hpp"

namespace levrisk {

template <int MaxAssets>
LEVRISK_HD inline void execute_path(const simulation_view& v, std::uint64_t path,
                                    const stored_rows& rows, const execution_scratch& scratch,
                                    const int* exact_first_step = nullptr) {
  if (v.execution.feedback != 0) {
    execute_path_by_step<MaxAssets>(v, path, rows, scratch);
  } else {
    execute_path_by_unit<MaxAssets>(v, path, rows, scratch, exact_first_step);
  }
}

}  // namespace levrisk
