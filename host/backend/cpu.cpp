// CPU backend: OpenMP threads over blocks of cpu_lanes paths; inside a block the
// kernels' lane loops vectorize across paths, not along one path: the steps of a
// path depend on each other, the paths do not (docs/performance.md). Each thread
// keeps one path state on its stack.

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "common/error.hpp"
#include "host/backend/backend.hpp"
#include "host/backend/execution_storage.hpp"
#include "host/backend/plan_backend.hpp"
#include "kernels/risk/exact_check.hpp"
#include "kernels/risk/execute_path.hpp"
#include "kernels/risk/simulate.hpp"

namespace levrisk {
namespace {

constexpr int cpu_lanes = 16;  // one AVX-512 register of floats
// Units per pass over a path in the exact check. A stored path is read once per
// unit (its growth rows stream from cache while the unit's terms and minimum stay
// in registers); a regenerated one is stepped once per group.
constexpr int cpu_stored_group = 1;
constexpr int cpu_regenerated_group = 64;

struct host_memory {
  template <class T>
  using vector = std::vector<T>;
  template <class T>
  static T* raw(std::vector<T>& v) {
    return v.data();
  }
  template <class T>
  static void fill_zero(std::vector<T>& v) {
    std::fill(v.begin(), v.end(), T{});
  }
  template <class T>
  static std::vector<T> to_host(const std::vector<T>& v) {
    return v;
  }
};

// Half of MemAvailable (/proc/meminfo: the kernel's estimate of the memory that
// can be allocated without swapping, which counts reclaimable page cache), so that
// a run leaves room for the rest of the machine; the physical pages free
// (sysconf) where /proc is not mounted.
std::int64_t half_of_available_ram() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  long long kib = 0;
  std::string unit;
  while (meminfo >> key >> kib) {
    std::getline(meminfo, unit);
    if (key == "MemAvailable:") return static_cast<std::int64_t>(kib) * 1024 / 2;
  }
  const long pages = sysconf(_SC_AVPHYS_PAGES);
  const long page_bytes = sysconf(_SC_PAGESIZE);
  return pages > 0 && page_bytes > 0
             ? static_cast<std::int64_t>(pages) * static_cast<std::int64_t>(page_bytes) / 2
             : 0;
}

std::string cpu_model_name() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const std::size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown CPU";
}

// The step-synchronous stage's per-thread scratch (execution_scratch), empty
// when the run has no feedback.
class feedback_scratch {
 public:
  explicit feedback_scratch(const simulation_view& view) {
    const execution_view& e = view.execution;
    if (e.feedback == 0) return;
    tracks_.assign(static_cast<std::size_t>(e.n_units), untouched_track(no_path));
    lending_balance_.assign(static_cast<std::size_t>(lending_scratch_doubles(e.n_lending_legs)),
                            0.0);
    lists_.assign(static_cast<std::size_t>(unit_list_ints(e.n_units, view.exact.forms.n_units)), 0);
  }
  unit_track* tracks() { return tracks_.empty() ? nullptr : tracks_.data(); }
  double* lending_balance() { return lending_balance_.empty() ? nullptr : lending_balance_.data(); }
  int* lists() { return lists_.empty() ? nullptr : lists_.data(); }

 private:
  std::vector<unit_track> tracks_;
  std::vector<double> lending_balance_;
  std::vector<int> lists_;
};

class cpu_device {
 public:
  using memory = host_memory;

  cpu_device(int threads, bool regenerate_exact_paths)
      : threads_(threads > 0 ? threads : omp_get_max_threads()),
        regenerate_exact_paths_(regenerate_exact_paths) {}

  std::string name() const { return "cpu"; }
  std::string description() const {
    std::ostringstream out;
    out << threads_ << " OpenMP thread" << (threads_ == 1 ? "" : "s") << " on " << cpu_model_name();
    return out.str();
  }
  std::int64_t default_batch_paths() const { return 16384; }
  std::int64_t available_memory_bytes() const { return half_of_available_ram(); }
  std::string available_memory_source() const { return "half of MemAvailable"; }
  int scratch_threads() const { return regenerate_exact_paths_ ? 0 : threads_; }
  bool batch_scratch() const { return false; }

  template <class Shape>
  void run(Shape, const simulation_view& view, std::uint64_t first_path,
           std::int64_t n_paths) const {
    simulate_batch<Shape::max_assets, Shape::max_factors>(view, first_path, n_paths);
    if (view.execution.enabled != 0) {
      if (regenerate_exact_paths_) {
        execution_batch<Shape::max_assets, cpu_regenerated_group>(view, first_path, n_paths);
      } else {
        execution_batch<Shape::max_assets, cpu_stored_group>(view, first_path, n_paths);
      }
    } else if (view.exact.forms.n_units > 0) {
      if (regenerate_exact_paths_) {
        exact_check_batch<Shape::max_assets, cpu_regenerated_group>(view, first_path, n_paths);
      } else {
        exact_check_batch<Shape::max_assets, cpu_stored_group>(view, first_path, n_paths);
      }
    }
  }

 private:
  int threads_;
  bool regenerate_exact_paths_;

  template <int MaxAssets, int MaxFactors>
  void simulate_batch(const simulation_view& view, std::uint64_t first_path,
                      std::int64_t n_paths) const {
    const std::int64_t n_blocks = (n_paths + cpu_lanes - 1) / cpu_lanes;
#pragma omp parallel num_threads(threads_)
    {
      path_state<cpu_lanes, MaxAssets, MaxFactors> state{};
#pragma omp for schedule(dynamic, 4)
      for (std::int64_t block = 0; block < n_blocks; ++block) {
        const std::int64_t first_in_batch = block * cpu_lanes;
        const int active =
            static_cast<int>(std::min<std::int64_t>(cpu_lanes, n_paths - first_in_batch));
        simulate_paths(view, first_path + static_cast<std::uint64_t>(first_in_batch), active,
                       state);
      }
    }
  }

  template <int MaxAssets, int Group>
  void exact_check_batch(const simulation_view& view, std::uint64_t first_path,
                         std::int64_t n_paths) const {
#pragma omp parallel num_threads(threads_)
    {
      std::vector<float> growth_scratch(static_cast<std::size_t>(view.n_steps + 1) *
                                        static_cast<std::size_t>(view.model.diffusion.n_assets));
      exact_state<MaxAssets, Group> state{};
#pragma omp for schedule(dynamic, 16)
      for (std::int64_t p = 0; p < n_paths; ++p) {
        exact_check_path<double>(view, first_path + static_cast<std::uint64_t>(p),
                                 regenerate_exact_paths_ ? nullptr : growth_scratch.data(), state);
      }
    }
  }

  // The exact check and the execution stage path by path, over one stored path
  // per thread (the exact check regenerates its own when asked to).
  template <int MaxAssets, int Group>
  void execution_batch(const simulation_view& view, std::uint64_t first_path,
                       std::int64_t n_paths) const {
    const int n_assets = view.model.diffusion.n_assets;
    const auto row_floats = static_cast<std::size_t>(view.n_steps + 1) * n_assets;
#pragma omp parallel num_threads(threads_)
    {
      std::vector<float> rows(static_cast<std::size_t>(stored_rows_floats(view.n_steps, n_assets)));
      std::vector<double> ledger(static_cast<std::size_t>(ledger_doubles(
                                     view.n_steps, n_assets, n_perp_venues(view.execution))),
                                 0.0);
      std::vector<perp_unit_state> perp_states(
          static_cast<std::size_t>(view.execution.n_perp_units),
          perp_unit_state{no_path, -1, 0, 0.0, 0.0, 0.0});
      std::vector<double> leg_scale(static_cast<std::size_t>(view.execution.n_perp_legs), 1.0);
      feedback_scratch feedback(view);
      const execution_scratch scratch{
          ledger.data(),     rows.data() + 2 * row_floats, perp_states.data(), leg_scale.data(),
          feedback.tracks(), feedback.lending_balance(),   feedback.lists()};
      const stored_rows stored{rows.data() + row_floats, rows.data(), n_assets};
      // The exact check's first steps, handed to the execution stage; with the
      // GPU's way through the exact check, the execution stage finds them as the GPU does.
      std::vector<int> first_step(static_cast<std::size_t>(view.exact.forms.n_units), -1);
      int* exact_first_step = regenerate_exact_paths_ ? nullptr : first_step.data();
      exact_state<MaxAssets, Group> state{};
#pragma omp for schedule(dynamic, 16)
      for (std::int64_t p = 0; p < n_paths; ++p) {
        const std::uint64_t path = first_path + static_cast<std::uint64_t>(p);
        store_path<MaxAssets>(view, path, rows.data(), rows.data() + row_floats);
        if (view.exact.forms.n_units > 0) {
          exact_check_path<double>(view, path, regenerate_exact_paths_ ? nullptr : rows.data(),
                                   state, true, exact_first_step);
        }
        execute_path<MaxAssets>(view, path, stored, scratch, exact_first_step);
      }
    }
  }
};

}  // namespace

std::unique_ptr<backend> make_cpu_backend(int threads, bool regenerate_exact_paths) {
  return std::make_unique<plan_backend<cpu_device>>(cpu_device(threads, regenerate_exact_paths));
}

}  // namespace levrisk
