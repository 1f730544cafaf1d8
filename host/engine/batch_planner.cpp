#include "host/engine/batch_planner.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <vector>

#include "common/error.hpp"
#include "kernels/risk/simulate.hpp"

namespace levrisk {
namespace {

template <class T>
std::int64_t bytes_of(const std::vector<T>& values) {
  return static_cast<std::int64_t>(values.size() * sizeof(T));
}

std::int64_t bytes_of(std::int64_t count, std::size_t element_bytes) {
  return count * static_cast<std::int64_t>(element_bytes);
}

[[noreturn]] void fail_budget(const batch_request& request, const std::string& message) {
  if (request.budget_given) LEVRISK_FAIL(input_error, message);
  LEVRISK_FAIL(runtime_failure, message);
}

std::string budget_words(const batch_request& request) {
  return "the memory budget of " + format_bytes(request.budget_bytes) + " (" +
         request.budget_source + ")";
}

// The step-synchronous stage's scratch per path (execution_scratch): a track
// per unit, the lending legs' balances and the unit lists.
std::int64_t feedback_scratch_bytes(const simulation_plan& plan) {
  const execution_plan& e = plan.execution;
  if (!e.feedback()) return 0;
  const auto n_units = static_cast<int>(e.units.size());
  return bytes_of(n_units, sizeof(unit_track)) +
         bytes_of(lending_scratch_doubles(static_cast<int>(e.lending_legs.size())),
                  sizeof(double)) +
         bytes_of(unit_list_ints(n_units, static_cast<int>(e.exact_units.size())), sizeof(int));
}

// The execution stage's share: its tables and tallies for the run, the host's
// per-path totals of every path, and per path of the batch its totals (and, with
// batch scratch, the stored prices, fund ledger, perp units' state and the
// step-synchronous stage's scratch); per thread
// the CPU's copy.
void add_execution_footprint(const simulation_plan& plan, int scratch_threads, bool batch_scratch,
                             memory_footprint& footprint) {
  const execution_plan& e = plan.execution;
  if (!e.enabled) return;
  const auto n_units = static_cast<std::int64_t>(e.units.size());
  const std::int64_t stride = e.path_stride(plan.market.n_assets);
  const std::int64_t rows_bytes =
      bytes_of(stored_rows_floats(plan.n_steps, plan.market.n_assets), sizeof(float)) +
      bytes_of(ledger_doubles(plan.n_steps, plan.market.n_assets, e.n_perp_venues()),
               sizeof(double)) +
      bytes_of(e.n_perp_units(), sizeof(perp_unit_state)) +
      bytes_of(e.n_perp_legs(), sizeof(double)) + feedback_scratch_bytes(plan);
  const std::int64_t tables = bytes_of(e.units) + bytes_of(e.lending_legs) + bytes_of(e.perp_legs) +
                              bytes_of(e.exact_units) + bytes_of(e.step0_units) +
                              bytes_of(e.depth_usd) + bytes_of(e.adl_candidates) +
                              bytes_of(e.adl_offsets) + bytes_of(e.venues);
  const std::int64_t tallies = bytes_of(n_units * n_unit_money * 2, sizeof(money_tally)) +
                               bytes_of(n_units * n_unit_counts, sizeof(tally_t));
  footprint.fixed_bytes += tables + 2 * tallies + bytes_of(plan.n_paths * stride, sizeof(double));
  footprint.bytes_per_path += 2 * bytes_of(stride, sizeof(double));
  if (batch_scratch) {
    footprint.bytes_per_path += rows_bytes;
  } else if (scratch_threads > 0) {
    footprint.bytes_per_thread += rows_bytes;
    footprint.threads = scratch_threads;
  }
}

}  // namespace

memory_footprint plan_footprint(const simulation_plan& plan, int scratch_threads,
                                bool batch_scratch) {
  const std::vector<std::int64_t> offsets = plan.ladders.ladder_offsets();
  const std::int64_t n_ladders = static_cast<std::int64_t>(offsets.size()) - 1;
  const std::int64_t n_thresholds = offsets.back();
  const std::int64_t n_factors = static_cast<std::int64_t>(plan.ladders.factors.size());
  const std::int64_t n_multi = plan.multi.n_units();

  std::int64_t model = 0;
  for (const std::vector<float>* table :
       {&plan.market.diffusion.drift_dt, &plan.market.diffusion.vol_sqrt_dt,
        &plan.market.diffusion.cholesky, &plan.market.jumps.rate, &plan.market.jumps.count_cdf,
        &plan.market.jumps.mean, &plan.market.jumps.stdev, &plan.market.jumps.systemic_loading,
        &plan.market.history.residual, &plan.market.garch.omega, &plan.market.garch.alpha,
        &plan.market.garch.beta, &plan.market.garch.variance_now, &plan.market.garch.mixing}) {
    model += bytes_of(*table);
  }
  const std::int64_t ladders =
      bytes_of(n_thresholds, sizeof(float)) + bytes_of(n_factors, sizeof(factor_view));
  const std::int64_t forms = bytes_of(plan.multi.term_offset) + bytes_of(plan.multi.terms) +
                             bytes_of(plan.multi.numerator_const_usd) +
                             bytes_of(plan.multi.denominator_const_usd);
  // Tallies: the ladders' three difference arrays, two histograms per factor, three
  // counters per multi-asset unit and its HF-minimum sample.
  const std::int64_t tallies =
      bytes_of(3 * (n_thresholds + n_ladders), sizeof(tally_t)) +
      bytes_of(2 * n_factors * plan.ladders.histogram_bins, sizeof(tally_t)) +
      bytes_of(3 * n_multi, sizeof(tally_t)) +
      bytes_of(n_multi * plan.multi.hf_sample_paths, sizeof(float));

  memory_footprint footprint;
  // finish() hands the tallies back as a copy while the backend's are still held.
  footprint.fixed_bytes = model + ladders + forms + 2 * tallies;
  footprint.bytes_per_path = bytes_of((n_multi + 31) / 32, sizeof(std::uint32_t));
  if (n_multi > 0 && scratch_threads > 0) {
    footprint.bytes_per_thread =
        bytes_of(static_cast<std::int64_t>(plan.n_steps + 1) * plan.market.n_assets, sizeof(float));
    footprint.threads = scratch_threads;
  }
  add_execution_footprint(plan, scratch_threads, batch_scratch, footprint);
  return footprint;
}

batch_plan plan_batch(const memory_footprint& footprint, const batch_request& request) {
  LEVRISK_REQUIRE(request.paths > 0 && request.preferred_batch > 0, runtime_failure,
                  "batch planner: paths (" << request.paths << ") and the preferred batch ("
                                           << request.preferred_batch << ") must be > 0");
  batch_plan plan;
  plan.budget_bytes = request.budget_bytes;
  plan.resident_bytes = footprint.resident_bytes();
  plan.bytes_per_path = footprint.bytes_per_path;
  const std::string resident = format_bytes(plan.resident_bytes);
  if (plan.resident_bytes > request.budget_bytes) {
    fail_budget(request, "the run needs " + resident +
                             " before its first batch (the plan and its tallies), more than " +
                             budget_words(request));
  }
  const std::int64_t room = request.budget_bytes - plan.resident_bytes;
  const std::int64_t fitting = plan.bytes_per_path > 0 ? room / plan.bytes_per_path
                                                       : std::numeric_limits<std::int64_t>::max();
  if (fitting < 1) {
    fail_budget(request, "the run needs " + resident + " for the plan and its tallies and " +
                             format_bytes(plan.bytes_per_path) +
                             " per path of a batch: not even one path fits " +
                             budget_words(request));
  }
  if (request.explicit_batch > 0) {
    plan.batch_paths = std::min(request.explicit_batch, request.paths);
    if (plan.batch_paths > fitting) {
      LEVRISK_FAIL(input_error, "batch_paths " << request.explicit_batch << " needs "
                                               << format_bytes(plan.total_bytes()) << " (plan "
                                               << resident << " + "
                                               << format_bytes(plan.bytes_per_path)
                                               << " per path), more than " << budget_words(request)
                                               << "; at most " << fitting << " paths fit");
    }
    plan.reason = plan.batch_paths < request.explicit_batch ? "all paths" : "as batch_paths asks";
    return plan;
  }
  const std::int64_t wanted = std::min(request.preferred_batch, request.paths);
  plan.batch_paths = std::min(wanted, fitting);
  plan.reason = fitting < wanted                          ? "limited by the memory budget"
                : request.paths < request.preferred_batch ? "all paths"
                                                          : "the backend's default";
  return plan;
}

std::string describe(const batch_plan& plan) {
  std::ostringstream out;
  out << plan.batch_paths << " paths (memory budget " << format_bytes(plan.budget_bytes)
      << ": plan " << format_bytes(plan.resident_bytes) << " + "
      << format_bytes(plan.bytes_per_path) << " per path; " << plan.reason << ")";
  return out.str();
}

}  // namespace levrisk
