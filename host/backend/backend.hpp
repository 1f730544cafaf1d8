#pragma once
// The execution backends. host/backend/ holds the only files that name an
// execution policy: cpu.cpp (OpenMP over blocks of paths, SIMD across the paths
// of a block) and cuda.cu (one path per GPU thread). Both run the kernels of
// kernels/risk/simulate.hpp from the same source.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "host/plan/simulation_plan.hpp"

namespace levrisk {

class backend {
 public:
  virtual ~backend() = default;
  virtual std::string name() const = 0;    // "cpu" or "cuda"
  virtual std::string device() const = 0;  // e.g. "2 OpenMP threads", "NVIDIA H100 (sm_90)"
  // Batches hold at most max_batch_paths paths; results do not depend on it.
  virtual std::int64_t default_batch_paths() const = 0;
  // Memory a run may use where the backend keeps its plan, in bytes, when no
  // budget is given (host/engine/batch_planner.hpp), and where the figure comes from.
  virtual std::int64_t available_memory_bytes() const = 0;
  virtual std::string available_memory_source() const = 0;
  // Worker threads that each hold one stored path for the exact check (0: none).
  virtual int scratch_threads() const { return 0; }
  // Whether it keeps each path's stored prices for the whole batch (the GPU's execution stage).
  virtual bool batch_scratch() const { return false; }
  virtual void begin(const simulation_plan& plan, std::int64_t max_batch_paths) = 0;
  virtual void run_batch(std::uint64_t first_path, std::int64_t n_paths) = 0;
  // The last batch's per-path totals of the execution stage, n_paths x stride
  // (kernels/risk/execution_view.hpp); empty when execution is off.
  virtual std::vector<double> batch_path_totals(std::int64_t n_paths) const = 0;
  virtual simulation_tallies finish() = 0;
};

// threads <= 0: OpenMP's default. regenerate_exact_paths: take the GPU's way
// through the exact check (regenerate a path per group of units, no scratch),
// so that tests on the CPU cover that code too.
std::unique_ptr<backend> make_cpu_backend(int threads, bool regenerate_exact_paths = false);

struct cuda_device_info {
  int index;
  std::string name;
  int compute_major;
  int compute_minor;
  double memory_gib;
};

bool cuda_compiled_in();
// Devices the CUDA runtime reports; empty without a GPU or without the CUDA build.
// `problem` receives the runtime's reason when there is none.
std::vector<cuda_device_info> cuda_devices(std::string* problem = nullptr);
// Throws runtime_failure when no device is usable.
std::unique_ptr<backend> make_cuda_backend(int device_index);

// "auto" takes a GPU when one is present, else the CPU; "cuda" without one is an error.
std::unique_ptr<backend> make_backend(const std::string& choice, int cpu_threads);

}  // namespace levrisk
