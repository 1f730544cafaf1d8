// Path-step throughput of the CPU backend against the cost of generating the
// same number of normal variates alone, measured in the same process: the
// practical ceiling on this machine (docs/performance.md).
//
//   build/native/levrisk_bench                      all benchmarks
//   build/native/levrisk_bench --benchmark_filter=price_paths
//   LEVRISK_BENCH_BACKEND=cuda build/cuda/levrisk_bench   on the GPU
//
// Counters: path_steps/s; asset_steps/s (= normals consumed per second); and
// vs_normals = asset_steps/s over the normals-only rate of this process,
// measured at start-up on the same machine and load (the practical ceiling).

#include <benchmark/benchmark.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "host/backend/backend.hpp"
#include "host/config/run_config.hpp"
#include "host/engine/engine.hpp"
#include "host/engine/market_setup.hpp"
#include "host/snapshot/load_snapshot.hpp"
#include "host/snapshot/synth.hpp"
#include "kernels/paths/market_step.hpp"
#include "kernels/rng/normal.hpp"
#include "models/garch.hpp"
#include "models/gbm.hpp"
#include "models/merton.hpp"

namespace levrisk {
namespace {

constexpr int lanes = 16;
double normals_per_second = 0.0;  // the baseline, measured once in main

// LEVRISK_BENCH_BACKEND=cpu (default), cuda or auto: where the price paths and
// the nightly run execute. The normals-only baseline always runs on the CPU.
std::unique_ptr<backend> bench_backend() {
  const char* choice = std::getenv("LEVRISK_BENCH_BACKEND");
  return make_backend(choice != nullptr ? choice : "cpu", 0);
}

// Philox4x32-10 + Box-Muller over blocks of lanes, all cores: normals only.
double generate_normals(std::int64_t n_paths, int n_steps, int blocks_per_chunk) {
  const normal_stream stream{42u, blocks_per_chunk};
  double checksum = 0.0;
#pragma omp parallel for schedule(dynamic, 4) reduction(+ : checksum)
  for (std::int64_t first = 0; first < n_paths; first += lanes) {
    float acc[lanes] = {};
    for (int step = 0; step < n_steps; ++step) {
      for (int block = 0; block < blocks_per_chunk; ++block) {
#pragma omp simd
        for (int lane = 0; lane < lanes; ++lane) {
          const normal4 z =
              stream_normals(stream, static_cast<std::uint64_t>(first + lane), step, block);
          acc[lane] += z.z0 + z.z1 + z.z2 + z.z3;
        }
      }
    }
    for (int lane = 0; lane < lanes; ++lane) checksum += acc[lane];
  }
  return checksum;
}

double measure_normal_rate() {
  const std::int64_t paths = 1 << 16;
  const int steps = 288, blocks = 3;
  generate_normals(paths / 8, steps, blocks);  // warm up
  const auto start = std::chrono::steady_clock::now();
  benchmark::DoNotOptimize(generate_normals(paths, steps, blocks));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(paths) * steps * blocks * 4 / seconds;
}

void normals_only(benchmark::State& state) {
  const std::int64_t paths = 1 << 15;
  const int steps = 288;
  for (auto _ : state) benchmark::DoNotOptimize(generate_normals(paths, steps, 3));
  state.counters["normals/s"] = benchmark::Counter(static_cast<double>(paths) * steps * 12,
                                                   benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(normals_only)->Unit(benchmark::kMillisecond)->UseRealTime();

// Price paths alone, no positions: correlated GBM (model 0), Merton jumps,
// idiosyncratic and systemic, on every asset (1), or filtered historical
// simulation from a year of hourly residuals, blocks of 6 (2), or GARCH(1,1)-t
// with nu from 3.5 to 8 across the assets (3), or historical simulation with
// the filter's variance carried along the paths (4: update_volatility).
void price_paths(benchmark::State& state) {
  const int n_assets = static_cast<int>(state.range(0));
  const std::int64_t paths = state.range(1);
  const bool jumps = state.range(2) == 1;
  const bool carried = state.range(2) == 4;
  const bool history = state.range(2) == 2 || carried;
  const bool garch = state.range(2) == 3;
  const int steps = 288;
  gbm_params params;
  for (int k = 0; k < n_assets; ++k) {
    params.asset_ids.push_back("A" + std::to_string(k));
    params.assets.push_back({0.0, 0.6 + 0.05 * k});
    for (int j = 0; j < n_assets; ++j) params.correlation.push_back(j == k ? 1.0 : 0.5);
  }
  const gbm_model model(params, "bench");
  const gbm_step_coefficients step = model.step_coefficients(1.0 / 365.0 / steps);
  simulation_plan plan;
  plan.seed = 7;
  plan.n_paths = paths;
  plan.n_steps = steps;
  plan.market.n_assets = n_assets;
  plan.market.diffusion.drift_dt = step.drift_dt;
  plan.market.diffusion.vol_sqrt_dt = step.vol_sqrt_dt;
  plan.market.diffusion.cholesky = step.cholesky;
  plan.ladders.histogram_bins = 1;
  plan.ladders.histogram_width = 1.0;
  plan.multi.term_offset = {0};
  if (jumps) {
    merton_params merton;
    for (int k = 0; k < n_assets; ++k) merton.assets.push_back({10.0, -0.04, 0.06, 1.2});
    merton.systemic = {2.0, -0.12, 0.05};
    const jump_step_coefficients j =
        merton_step_coefficients(merton, params.asset_ids, 1.0 / 365.0 / steps, "bench");
    set_jump_tables(j, plan);
    plan.market.kind = market_kind::merton;
  }
  if (history) {
    plan.market.kind = carried ? market_kind::historical_carried : market_kind::historical;
    const int dates = 8760;
    for (int i = 0; i < dates * n_assets; ++i) {  // any fixed residuals serve for timing
      plan.market.history.residual.push_back(static_cast<float>((i * 7919 % 2001) - 1000) / 577.0f);
    }
    plan.market.history.dates = dates;
    plan.market.history.block_length = 6;
  }
  if (garch) {
    std::vector<garch_asset_params> g;
    for (int k = 0; k < n_assets; ++k) {
      g.push_back(garch_asset_params{true, 1e-8, 0.05, 0.94, 3.5 + 0.5 * k, 1e-6, 1.0});
    }
    const garch_step_coefficients c = garch_coefficients(
        g, params.asset_ids, std::vector<bool>(static_cast<std::size_t>(n_assets), false), 1.0, 1,
        "bench");
    set_garch_tables(c, plan);
    plan.market.kind = market_kind::garch_t;
  }
  if (carried) {
    garch_step_coefficients recursion;
    for (int k = 0; k < n_assets; ++k) {
      recursion.omega.push_back(1e-9f);
      recursion.alpha.push_back(0.06f);
      recursion.beta.push_back(0.93f);
      recursion.variance_now.push_back(1e-6f);
    }
    set_garch_tables(recursion, plan);
  }
  const auto executor = bench_backend();
  double seconds = 0.0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    executor->begin(plan, std::min<std::int64_t>(paths, 1 << 16));
    for (std::int64_t first = 0; first < paths; first += 1 << 16) {
      executor->run_batch(static_cast<std::uint64_t>(first),
                          std::min<std::int64_t>(1 << 16, paths - first));
    }
    benchmark::DoNotOptimize(executor->finish());
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  const double path_steps = static_cast<double>(paths) * steps;
  const double iterations = static_cast<double>(state.iterations());
  state.counters["path_steps/s"] =
      benchmark::Counter(path_steps, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["asset_steps/s"] =
      benchmark::Counter(path_steps * n_assets, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["vs_normals"] = path_steps * n_assets * iterations / seconds / normals_per_second;
}
BENCHMARK(price_paths)
    ->ArgNames({"assets", "paths", "model"})
    ->Args({1, 1 << 16, 0})
    ->Args({10, 1 << 16, 0})
    ->Args({1, 1 << 16, 1})
    ->Args({10, 1 << 16, 1})
    ->Args({1, 1 << 16, 2})
    ->Args({10, 1 << 16, 2})
    ->Args({1, 1 << 16, 3})
    ->Args({10, 1 << 16, 3})
    ->Args({1, 1 << 16, 4})
    ->Args({10, 1 << 16, 4})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
// The target of issue 2: 1M paths x 288 steps x 10 correlated assets, once.
BENCHMARK(price_paths)
    ->ArgNames({"assets", "paths", "model"})
    ->Args({10, 1000000, 0})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

// Oracles (Chainlink's default rules) and cascades (2/3 of impact permanent),
// with the amplification passes: configs/nightly_cascades.toml's feedback.
void set_feedback(run_config& config, bool on) {
  config.oracle.enabled = on;
  config.cascade.permanent_impact_share = on ? 2.0 / 3.0 : 0.0;
}

// The nightly batch on the bundled sample: 100k paths x 288 steps, once, with
// liquidation execution (execution:1, as configured) and without (execution:0),
// and with oracles and cascades (feedback:1): the ratios are the execution
// stage's and the feedback's costs.
void nightly_sample(benchmark::State& state) {
  run_config config = load_run_config(LEVRISK_SOURCE_DIR "/configs/nightly.toml");
  config.paths = state.range(0);
  config.liquidation.execute = state.range(1) != 0;
  set_feedback(config, state.range(2) != 0);
  const snapshot snap = load_snapshot(config.snapshot);
  const auto executor = bench_backend();
  std::size_t units = 0;
  for (auto _ : state) units = run_simulation(config, snap, *executor).units.size();
  state.counters["path_steps/s"] =
      benchmark::Counter(static_cast<double>(config.paths) * config.steps,
                         benchmark::Counter::kIsIterationInvariantRate);
  state.counters["units"] = static_cast<double>(units);
}
BENCHMARK(nightly_sample)
    ->Args({100000, 0, 0})
    ->Args({100000, 1, 0})
    ->Args({100000, 1, 1})
    ->ArgNames({"paths", "execution", "feedback"})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

// A synthetic book of `accounts` lending accounts (and a tenth as many perp
// accounts) over the nightly's model, with and without oracles and cascades.
// Its markets are as deep, for its size, as the sample's (7,000 lending
// accounts over the synthetic depths): a book 140 times the sample's selling
// into the same depths would crash every market, and the cascade's work would
// be that of the crash, not of the engine (docs/performance.md).
void synthetic_book(benchmark::State& state) {
  run_config config = load_run_config(LEVRISK_SOURCE_DIR "/configs/nightly.toml");
  config.paths = state.range(1);
  set_feedback(config, state.range(2) != 0);
  snapshot snap = synthesize_snapshot(synth_options{state.range(0), state.range(0) / 10});
  const double sample_accounts = 7000.0;
  for (asset& a : snap.assets) a.depth_usd *= static_cast<double>(state.range(0)) / sample_accounts;
  const auto executor = bench_backend();
  for (auto _ : state) run_simulation(config, snap, *executor);
  state.counters["path_steps/s"] =
      benchmark::Counter(static_cast<double>(config.paths) * config.steps,
                         benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(synthetic_book)
    ->ArgsProduct({{1000000}, {10000}, {0, 1}})
    ->ArgNames({"accounts", "paths", "feedback"})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace
}  // namespace levrisk

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  levrisk::normals_per_second = levrisk::measure_normal_rate();
  std::printf("baseline: %.3e normals/s (Philox4x32-10 + Box-Muller, %d CPU threads)\n",
              levrisk::normals_per_second, omp_get_max_threads());
  std::printf("backend: %s\n", levrisk::bench_backend()->device().c_str());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
