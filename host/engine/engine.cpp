#include "host/engine/engine.hpp"

#include <algorithm>
#include <chrono>

#include "common/error.hpp"
#include "host/common/build_info.hpp"
#include "host/engine/batch_planner.hpp"
#include "host/engine/contributions.hpp"
#include "host/engine/execution_setup.hpp"
#include "host/engine/market_setup.hpp"
#include "host/engine/oracle_setup.hpp"
#include "host/engine/risk_plan.hpp"
#include "host/engine/snapshot_model.hpp"
#include "host/engine/summarize.hpp"
#include "host/engine/summarize_execution.hpp"
#include "host/engine/summarize_feedback.hpp"

namespace levrisk {
namespace {

// Health-factor minimum histograms: bins of 0.0005 in log-factor units (0.05%
// of price) out to a move of e^-4.1 (a 98% fall) or e^4.1.
constexpr int histogram_bins = 8192;
constexpr double histogram_width = 0.0005;

// With a progress callback a batch runs in slices of about this much work, so
// that a batch of minutes still shows its paths going by. Results do not depend
// on how the paths are split (tests/host/engine/engine_test.cpp, BitIdentical);
// slices of seconds keep the threads' idle tail at each slice's end small.
constexpr double progress_slice_s = 2.0;
constexpr std::int64_t slice_granule = 256;  // whole warps and SIMD blocks

std::int64_t round_up_to_granule(std::int64_t paths) {
  return (paths + slice_granule - 1) / slice_granule * slice_granule;
}

// The first slice, before any rate is known: a sixteenth of the batch.
std::int64_t first_slice(std::int64_t batch) {
  return std::min(batch, round_up_to_granule(std::max<std::int64_t>(1, batch / 16)));
}

// The slice that takes about progress_slice_s at the rate the last one ran at.
std::int64_t next_slice(std::int64_t batch, std::int64_t last_paths, double last_s) {
  if (last_s <= 0.0) return batch;
  const double paths = static_cast<double>(last_paths) * progress_slice_s / last_s;
  if (paths >= static_cast<double>(batch)) return batch;
  return std::min(batch,
                  round_up_to_granule(std::max<std::int64_t>(1, static_cast<std::int64_t>(paths))));
}

}  // namespace

risk_plan_settings plan_settings(const run_config& config) {
  return risk_plan_settings{config.seed,
                            config.paths,
                            config.steps,
                            config.hf_sample_paths,
                            config.hf_sample_max_unit_steps,
                            histogram_bins,
                            histogram_width,
                            own_oracle_venues(config)};
}

execution_settings execution_settings_of(const run_config& config) {
  execution_settings s;
  s.enabled = config.liquidation.execute;
  s.keeper_delay_steps = config.liquidation.keeper_delay_steps;
  s.impact_exponent = config.liquidation.impact_exponent;
  s.max_calls_per_step = config.liquidation.max_rounds_per_step;
  return s;
}

// The oracle and the cascade rules (kernels/risk/feedback_execution.hpp). Both
// act on executed liquidations, so either needs the execution stage.
void set_feedback(const run_config& config, const snapshot& snap, execution_plan& plan) {
  set_oracle(config, snap, plan);
  // An asset the model holds fixed keeps its peg for the protocols too: the
  // lending triggers fold it in at its snapshot price, so every oracle must agree.
  const std::size_t n_assets = plan.asset_moves.size();
  for (std::size_t r = 0; n_assets > 0 && r < plan.oracle.rules.size(); ++r) {
    if (plan.asset_moves[r % n_assets] != 0) continue;
    plan.oracle.rules[r].n_feeds = 0;
    plan.oracle.rules[r].initial_growth = 1.0f;
  }
  const std::int64_t amplification_paths =
      config.cascade.amplification_paths == 0
          ? config.paths
          : std::min(config.cascade.amplification_paths, config.paths);
  plan.cascade = cascade_plan{config.cascade.permanent_impact_share, config.cascade.max_rounds,
                              config.cascade.amplification, amplification_paths};
  LEVRISK_REQUIRE(plan.enabled || !plan.feedback(), input_error,
                  config.source << ": [oracle] enabled = true and [cascade] permanent_impact_share "
                                   "> 0 act on executed liquidations; they need [liquidation] "
                                   "execute = true");
}

batch_plan choose_batch(const run_config& config, const simulation_plan& plan,
                        const backend& executor) {
  batch_request request;
  request.budget_given = config.memory_budget_bytes > 0;
  request.budget_bytes =
      request.budget_given ? config.memory_budget_bytes : executor.available_memory_bytes();
  request.budget_source =
      request.budget_given ? config.memory_budget_source : executor.available_memory_source();
  request.paths = config.paths;
  request.preferred_batch = executor.default_batch_paths();
  request.explicit_batch = config.batch_paths;
  return plan_batch(plan_footprint(plan, executor.scratch_threads(), executor.batch_scratch()),
                    request);
}

namespace {

// The units' contributions to the ES of the book's loss (host/engine/contributions.hpp).
void add_es_contributions(const simulation_plan& plan, backend& executor,
                          const std::vector<double>& path_totals, run_result& result) {
  const int stride = plan.execution.path_stride(plan.market.n_assets);
  std::vector<double> book_loss(static_cast<std::size_t>(plan.n_paths));
  for (std::int64_t p = 0; p < plan.n_paths; ++p) {
    book_loss[static_cast<std::size_t>(p)] =
        path_totals[static_cast<std::size_t>(p * stride + total_book_loss)];
  }
  const std::vector<std::int64_t> tail = tail_paths(book_loss, result.system.contribution_level);
  const std::vector<usd_estimate> contribution = es_contributions(plan, executor, tail);
  result.system.contribution_tail_paths = static_cast<std::int64_t>(tail.size());
  for (std::size_t u = 0; u < result.units.size(); ++u) {
    result.units[u].execution.es_contribution_usd = contribution[u];
  }
}

}  // namespace

run_result run_simulation(const run_config& config, const snapshot& snap, backend& executor,
                          const progress_callback& progress, const batch_callback& on_batch) {
  validate_run_config(config);
  const gbm_model model = snapshot_model(config, snap);
  const std::vector<bool> constant_asset = constant_assets(config, snap, model);
  risk_plan plan = build_risk_plan(snap, constant_asset, plan_settings(config));
  const market_summary market = set_market(config, snap, model, constant_asset, plan.simulation);
  set_execution(snap, constant_asset, execution_settings_of(config), plan);
  set_feedback(config, snap, plan.simulation.execution);
  const bool executing = plan.simulation.execution.enabled;

  const batch_plan batching = choose_batch(config, plan.simulation, executor);
  if (on_batch) on_batch(batching);
  const std::int64_t batch = batching.batch_paths;
  executor.begin(plan.simulation, batch);
  std::vector<double> path_totals;
  if (progress) progress(0, config.paths);  // the set-up is done, the paths begin
  std::int64_t slice = progress ? first_slice(batch) : batch;
  for (std::int64_t first = 0; first < config.paths;) {
    const std::int64_t n = std::min(slice, config.paths - first);
    const auto start = std::chrono::steady_clock::now();
    executor.run_batch(static_cast<std::uint64_t>(first), n);
    if (executing) {
      const std::vector<double> batch_totals = executor.batch_path_totals(n);
      path_totals.insert(path_totals.end(), batch_totals.begin(), batch_totals.end());
    }
    first += n;
    if (progress) {
      progress(first, config.paths);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      slice = next_slice(batch, n, seconds);
    }
  }
  const simulation_tallies tallies = executor.finish();

  run_result result;
  result.metadata.engine_version = build_info::version;
  result.metadata.git_revision = build_info::git_revision;
  result.metadata.run_name = config.name;
  result.metadata.seed = config.seed;
  result.metadata.paths = config.paths;
  result.metadata.steps = config.steps;
  result.metadata.horizon_days = config.horizon_days;
  result.metadata.backend = executor.name();
  result.metadata.device = executor.device();
  result.metadata.model = config.model;
  result.metadata.snapshot = snap.source;
  result.metadata.snapshot_as_of = snap.provenance.as_of;
  result.metadata.snapshot_block = snap.provenance.block;
  result.metadata.snapshot_source = snap.provenance.source;
  result.metadata.snapshot_sha256 = snap.provenance.sha256;
  run_config resolved = config;
  resolved.backend = executor.name();
  result.metadata.resolved_config = to_toml(resolved);
  result.metadata.model_fit = market.fit_toml;
  result.metadata.wall_time_s = 0.0;
  result.metadata.batch_paths = batch;
  result.metadata.memory_budget_bytes = batching.budget_bytes;
  result.metadata.planned_memory_bytes = batching.total_bytes();

  for (std::size_t k = 0; k < snap.assets.size(); ++k) {
    result.assets.push_back(asset_result{snap.assets[k].id, snap.assets[k].spot_usd,
                                         model.params().assets[k].drift_annual,
                                         market.vol_now_annual[k]});
  }
  result.correlation = model.params().correlation;
  result.hf_min_levels = config.hf_min_levels;
  result.units =
      summarize_units(plan, tallies, config.horizon_days / config.steps, config.hf_min_levels);
  if (executing) {
    summarize_unit_execution(plan, unit_books(plan.simulation.execution), tallies, config.paths,
                             result.units);
    result.system =
        summarize_system(plan.simulation.execution, static_cast<int>(snap.assets.size()),
                         path_totals, config.paths, config.liquidation.path_totals_max_paths);
    summarize_feedback(plan.simulation.execution, static_cast<int>(snap.assets.size()), path_totals,
                       config.paths, tallies.rounds_histogram, result.system);
    add_es_contributions(plan.simulation, executor, path_totals, result);
  }
  return result;
}

}  // namespace levrisk
