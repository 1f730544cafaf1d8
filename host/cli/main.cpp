// levrisk: Monte Carlo liquidation risk for leveraged crypto positions.

#include <iostream>

#include "common/error.hpp"
#include "host/cli/commands.hpp"

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
