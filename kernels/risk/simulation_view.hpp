#pragma once
// Everything the path kernels read and the tallies they write, as one trivially
// copyable view passed by value into a kernel. Each part is owned by a group of
// host/backend/plan_storage.hpp and documented beside its stage.

#include "kernels/common.hpp"
#include "kernels/paths/market_step.hpp"
#include "kernels/risk/atomics.hpp"
#include "kernels/risk/execution_view.hpp"
#include "kernels/risk/factor_ladders.hpp"
#include "kernels/risk/health_form.hpp"
#include "kernels/risk/screen.hpp"

namespace levrisk {

struct multi_unit_tallies {
  tally_t* liquidated;
  tally_t* step_sum;
  tally_t* step_sq_sum;
  std::int64_t sample_paths;  // paths [0, sample_paths) evaluate every unit exactly...
  float* hf_min_sample;       // ...and store its minimum HF at [unit * sample_paths + path]
};

// Units whose health depends on several prices: screen, then exact check.
struct exact_units_view {
  health_forms_view forms;
  multi_unit_tallies tallies;
  path_flags flags;
};

struct simulation_view {
  normal_stream stream;
  int n_steps;
  market_view model;
  factor_ladders_view ladders;
  exact_units_view exact;
  execution_view execution;
};

}  // namespace levrisk
