#pragma once
// How many paths a batch holds, from a memory budget. A run's memory on the
// backend is a fixed part, resident for the whole run (the plan's arrays and the
// tallies), and a part that grows with the batch (the exact check's flag words,
// one bit per multi-asset unit and path). The planner takes the backend's
// preferred batch, or the one asked for, and checks or shrinks it so that both
// parts fit the budget. Results do not depend on the batch (docs/methodology.md,
// reproducibility), so this only trades memory for batches.

#include <cstdint>
#include <string>

#include "host/config/memory_size.hpp"
#include "host/plan/simulation_plan.hpp"

namespace levrisk {

struct memory_footprint {
  std::int64_t fixed_bytes = 0;       // resident for the whole run
  std::int64_t bytes_per_path = 0;    // per path of the largest batch
  std::int64_t bytes_per_thread = 0;  // per worker thread holding a scratch path
  int threads = 0;                    // worker threads holding one

  std::int64_t resident_bytes() const { return fixed_bytes + bytes_per_thread * threads; }
};

// What plan_storage (host/backend/plan_storage.hpp) and the backends allocate for
// `plan`: every array of the plan as uploaded, the tallies, and their copy as
// handed back by finish(); per path, ceil(n_multi_units / 32) 32-bit flag words;
// per scratch thread, (n_steps + 1) x n_assets floats of a stored path; and the
// execution stage's tables, tallies, per-path totals and stored paths (per path
// of the batch where the device keeps them per batch, `batch_scratch`).
memory_footprint plan_footprint(const simulation_plan& plan, int scratch_threads,
                                bool batch_scratch = false);

struct batch_request {
  std::int64_t budget_bytes = 0;
  std::string budget_source;         // for messages: "--memory-budget", "half of MemAvailable", ...
  bool budget_given = false;         // by the user (an input error when it is too small)
  std::int64_t paths = 0;            // of the whole run
  std::int64_t preferred_batch = 0;  // the backend's default
  std::int64_t explicit_batch = 0;   // batch_paths asked for; 0: none
};

struct batch_plan {
  std::int64_t batch_paths = 0;
  std::int64_t budget_bytes = 0;
  std::int64_t resident_bytes = 0;  // memory_footprint::resident_bytes
  std::int64_t bytes_per_path = 0;
  std::string
      reason;  // why this batch: "the backend's default", "limited by the memory budget", ...

  std::int64_t total_bytes() const { return resident_bytes + bytes_per_path * batch_paths; }
};

// Throws input_error (budget_given, or an explicit batch that does not fit) or
// runtime_failure (the backend's own budget) when the resident part, or it and
// one path, or the explicit batch, does not fit the budget.
batch_plan plan_batch(const memory_footprint& footprint, const batch_request& request);

// "16384 paths (memory budget 11.6 GiB: plan 1.2 GiB + 38.3 KiB per path; the backend's default)"
std::string describe(const batch_plan& plan);

}  // namespace levrisk
