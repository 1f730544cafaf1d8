// levrisk: Monte Carlo liquidation risk for leveraged crypto positions.

#include <iostream>
#include <string>

#include "common/error.hpp"
#include "host/cli/commands.hpp"

namespace {

// CLI11 reads an unknown first word as a stray argument and answers "A subcommand is
// required"; name the word and the commands instead.
void require_known_command(CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return;
  const std::string word = argv[1];
  std::string known;
  for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
    if (command->get_name() == word) return;
    known += (known.empty() ? "" : ", ") + command->get_name();
  }
  LEVRISK_FAIL(input_error, "unknown command '" << word << "'; the commands are " << known);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"levrisk: Monte Carlo liquidation risk for leveraged crypto positions"};
  app.require_subcommand(1);
  int exit_code = 0;
  levrisk::cli::add_run_command(app, exit_code);
  levrisk::cli::add_inspect_command(app, exit_code);
  levrisk::cli::add_synth_command(app, exit_code);
  levrisk::cli::add_version_command(app, exit_code);
  levrisk::cli::add_calibrate_command(app, exit_code);
  try {
    require_known_command(app, argc, argv);
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help
    std::cerr << "levrisk: error: " << error.what() << "\nRun 'levrisk --help' for usage.\n";
    return levrisk::cli::exit_input_error;
  } catch (const levrisk::input_error& error) {
    std::cerr << "levrisk: error: " << error.what() << "\n";
    return levrisk::cli::exit_input_error;
  } catch (const std::exception& error) {
    std::cerr << "levrisk: error: " << error.what() << "\n";
    return levrisk::cli::exit_runtime_failure;
  }
  return exit_code;
}
