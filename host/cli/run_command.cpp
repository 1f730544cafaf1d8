// levrisk run: the nightly batch. Configuration file, overridden by flags;
// snapshot in, HDF5 result file and a summary out.

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include <sys/resource.h>

#include "common/error.hpp"
#include "host/backend/backend.hpp"
#include "host/cli/commands.hpp"
#include "host/cli/interruption.hpp"
#include "host/cli/progress_reporter.hpp"
#include "host/common/build_info.hpp"
#include "host/config/integer_text.hpp"
#include "host/config/memory_size.hpp"
#include "host/config/run_config.hpp"
#include "host/engine/engine.hpp"
#include "host/output/inspect.hpp"
#include "host/output/result_writer.hpp"
#include "host/snapshot/load_snapshot.hpp"
#include "kernels/rng/stream_layout.hpp"

namespace levrisk::cli {
namespace {

struct run_options {
  std::string config_path = "configs/nightly.toml";
  std::string model_path;  // --model: a model file laid over the configuration's [model]
  std::string name, snapshot, output_dir, backend, memory_budget;
  // Integers as typed, read by parse_flag_integer: exactly, or refused.
  std::string paths, batch_paths, steps, threads, keeper_delay_steps, seed;
  int top = 10;
  double horizon_days = 0.0;
  bool quiet = false, no_liquidation = false;
};

// The process's peak resident set so far (getrusage reports it in KiB on Linux): the
// host's side of the memory the run used, besides the planner's count of its buffers.
std::int64_t peak_resident_bytes() {
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<std::int64_t>(usage.ru_maxrss) * 1024;
}

// A test seam (tests/host/cli/interruption_test.cpp): LEVRISK_TEST_HOLD_WRITE_AFTER=<stage>
// stops the write after that stage of write_result_file, its temporary file open, until
// a signal ends the process.
write_observer held_write_for_tests() {
  const char* held_stage = std::getenv("LEVRISK_TEST_HOLD_WRITE_AFTER");
  if (held_stage == nullptr || held_stage[0] == '\0') return {};
  return [stage = std::string(held_stage)](const std::string& done) {
    if (done != stage) return;
    std::cerr << "holding the write after stage '" << stage << "'" << std::endl;
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
  };
}

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

// The default configuration is named relative to the working directory; run from
// anywhere else (a cron job's home, the build folder) it is the one in the checkout
// the binary was built from.
std::filesystem::path default_config_file(const std::filesystem::path& relative) {
  std::error_code ignored;
  if (std::filesystem::exists(relative, ignored)) return relative;
  const std::filesystem::path in_source = std::filesystem::path(build_info::source_dir) / relative;
  if (std::filesystem::exists(in_source, ignored)) return in_source;
  LEVRISK_FAIL(input_error, relative.string()
                                << ": configuration file not found in the working directory ("
                                << std::filesystem::current_path(ignored).string()
                                << ") nor in the source tree (" << build_info::source_dir
                                << "); name one with --config");
}

// The configuration file, then the flags over it, then the model file: every
// rule of the whole run (a snapshot given, delay <= steps) is checked once, after
// all three, so that a flag can supply what the file leaves out.
run_config resolved_config(const run_options& options, const CLI::App& command) {
  auto given = [&command](const char* flag) { return command.count(flag) > 0; };
  run_config config = read_run_config(given("--config") ? std::filesystem::path(options.config_path)
                                                        : default_config_file(options.config_path));
  if (given("--name")) config.name = options.name;
  // A bad flag is named as the flag, not blamed on the configuration file.
  for (const auto& [flag, folder] : {std::pair{"--snapshot", &options.snapshot},
                                     std::pair{"--output-dir", &options.output_dir}}) {
    LEVRISK_REQUIRE(!given(flag) || !folder->empty(), input_error,
                    flag << " must name a folder, got ''");
  }
  if (given("--snapshot")) config.snapshot = std::filesystem::absolute(options.snapshot);
  if (given("--output-dir")) config.output_dir = std::filesystem::absolute(options.output_dir);
  if (given("--paths")) {
    config.paths = parse_flag_integer(options.paths, "--paths", 1, max_run_paths);
  }
  if (given("--steps")) {
    config.steps = static_cast<int>(parse_flag_integer(options.steps, "--steps", 1, max_steps));
  }
  if (given("--horizon-days")) config.horizon_days = options.horizon_days;
  if (given("--seed")) {
    config.seed =
        static_cast<std::uint64_t>(parse_flag_integer(options.seed, "--seed", 0, INT64_MAX));
  }
  if (given("--backend")) config.backend = options.backend;
  if (given("--threads")) {
    config.threads =
        static_cast<int>(parse_flag_integer(options.threads, "--threads", 0, max_run_threads));
  }
  if (given("--batch-paths")) {
    config.batch_paths = parse_flag_integer(options.batch_paths, "--batch-paths", 0, max_run_paths);
  }
  if (given("--memory-budget")) {
    config.memory_budget_bytes = parse_memory_size(options.memory_budget, "--memory-budget");
    config.memory_budget_source = "--memory-budget";
  }
  if (given("--keeper-delay-steps")) {
    config.liquidation.keeper_delay_steps = static_cast<int>(
        parse_flag_integer(options.keeper_delay_steps, "--keeper-delay-steps", 0, max_steps));
  }
  if (given("--no-liquidation")) config.liquidation.execute = false;
  LEVRISK_REQUIRE(
      !given("--horizon-days") || (std::isfinite(options.horizon_days) && options.horizon_days > 0),
      input_error, "--horizon-days must be a finite number > 0, got " << options.horizon_days);
  if (given("--model")) {
    LEVRISK_REQUIRE(!options.model_path.empty(), input_error, "--model must name a file, got ''");
    apply_model_file(config, options.model_path);
  }
  validate_run_config(config);
  return config;
}

int run(const run_options& options, const CLI::App& command) {
  const run_config config = resolved_config(options, command);

  const std::filesystem::path output = config.output_file();
  exit_cleanly_when_interrupted(output);  // before the backend starts its threads
  check_output_writable(output);          // fail before the work, not after
  const snapshot snap = load_snapshot(config.snapshot);

  // What the loader tolerated (host/snapshot/snapshot.hpp, notices).
  if (!options.quiet) {
    for (const std::string& notice : snap.notices) std::cerr << "notice: " << notice << "\n";
  }

  std::unique_ptr<backend> executor = make_backend(config.backend, config.threads);

  const auto start = std::chrono::steady_clock::now();
  run_result result;
  {
    const bool show_progress = !options.quiet && progress_reporter::stderr_is_terminal();
    progress_reporter progress(show_progress);
    // No callback when nothing is shown: the engine then runs whole batches, unsliced.
    progress_callback on_progress;
    if (show_progress) {
      on_progress = [&progress](std::int64_t done, std::int64_t total) {
        progress.update(done, total);
      };
    }
    result =
        run_simulation(config, snap, *executor, on_progress, [&options](const batch_plan& plan) {
          if (!options.quiet) std::cerr << "batch: " << describe(plan) << "\n";
        });
  }
  result.metadata.wall_time_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.metadata.created_utc = utc_now_iso8601();
  result.metadata.peak_memory_bytes = peak_resident_bytes();
  write_result_file(result, output, held_write_for_tests());

  if (!options.quiet) {
    print_inspection(result, std::cout, options.top);
    std::cout << "\nwrote " << output.string() << "\n";
  }
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<run_options>();
  CLI::App* command = app.add_subcommand("run", "Simulate a snapshot and write results/<name>.h5");
  command
      ->add_option("-c,--config", options->config_path,
                   "Run configuration (TOML); the default is looked for in the working "
                   "directory, then in the source tree levrisk was built from")
      ->capture_default_str();
  command->add_option("--model", options->model_path,
                      "Model file (levrisk calibrate --out) replacing the config's [model]");
  command->add_option("--name", options->name,
                      "Run name: the output file is <output-dir>/<name>.h5");
  command->add_option("--snapshot", options->snapshot, "Snapshot folder (overrides the config)");
  command->add_option("--output-dir", options->output_dir, "Folder for the result file");
  command->add_option("--paths", options->paths, "Number of Monte Carlo paths");
  command->add_option("--steps", options->steps, "Monitoring steps over the horizon");
  command->add_option("--horizon-days", options->horizon_days, "Horizon in days");
  command->add_option("--seed", options->seed, "Seed of the random stream");
  command->add_option("--backend", options->backend, "auto, cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  command->add_option("--threads", options->threads, "CPU backend threads (0: all cores)");
  command->add_option("--batch-paths", options->batch_paths,
                      "Paths per batch (0: the largest the memory budget allows, up to the "
                      "backend's default; results do not depend on it)");
  command->add_option("--memory-budget", options->memory_budget,
                      "Memory the run may use, e.g. 8GiB, 500MB or bytes (default: half of "
                      "MemAvailable on the CPU, the free GPU memory)");
  command->add_option("--keeper-delay-steps", options->keeper_delay_steps,
                      "Steps between a liquidation's trigger and its execution (0 to steps)");
  command->add_flag("--no-liquidation", options->no_liquidation,
                    "Do not execute liquidations (no bad debt, fund or shortfall figures)");
  command->add_option("--top", options->top, "Riskiest units listed in the summary")
      ->capture_default_str();
  command->add_flag("-q,--quiet", options->quiet, "No progress and no summary (batch mode)");
  command->callback([options, command, &exit_code] { exit_code = run(*options, *command); });
}

}  // namespace levrisk::cli
