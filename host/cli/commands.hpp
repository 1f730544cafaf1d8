#pragma once
// Subcommands of the levrisk executable, one file each. Each registers itself
// on the application and sets `exit_code` when it runs.

#include <CLI/CLI.hpp>

namespace levrisk::cli {

void add_run_command(CLI::App& app, int& exit_code);
void add_inspect_command(CLI::App& app, int& exit_code);
void add_synth_command(CLI::App& app, int& exit_code);
void add_version_command(CLI::App& app, int& exit_code);
void add_calibrate_command(CLI::App& app, int& exit_code);

// Exit codes: 0 success, 1 runtime failure (I/O, device), 2 bad input; an interrupted
// run exits 128 + the signal number (host/cli/interruption.hpp).
constexpr int exit_runtime_failure = 1;
constexpr int exit_input_error = 2;

}  // namespace levrisk::cli
