// levrisk: Monte Carlo liquidation risk for leveraged crypto positions.

#include <iostream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/suggest.hpp"
#include "host/cli/commands.hpp"

namespace {

// CLI11 reads an unknown first word as a stray argument and answers "A subcommand is
// required"; name the word and the commands instead.
void require_known_command(CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return;
  const std::string word = argv[1];
  std::vector<std::string> names;
  std::string known;
  for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
    if (command->get_name() == word) return;
    names.push_back(command->get_name());
    known += (known.empty() ? "" : ", ") + command->get_name();
  }
  const std::string suggestion = levrisk::did_you_mean(word, names);
  LEVRISK_FAIL(input_error,
               "unknown command '"
                   << word << "'"
                   << (suggestion.empty() ? "; the commands are " + known : suggestion));
}

// The spellings other tools taught users: `levrisk --version` for `levrisk version`,
// `levrisk help run` for `levrisk run --help` (`levrisk help` alone for `levrisk --help`).
std::vector<std::string> habitual_arguments(int argc, char** argv) {
  std::vector<std::string> arguments(argv, argv + argc);
  if (arguments.size() >= 2 && arguments[1] == "--version") {
    arguments[1] = "version";
  } else if (arguments.size() >= 2 && arguments[1] == "help") {
    arguments.erase(arguments.begin() + 1);
    arguments.insert(arguments.begin() + (arguments.size() >= 2 ? 2 : 1), "--help");
  }
  return arguments;
}

}  // namespace

int main(int argc, char** argv) {
  // Named, so that usage lines say "levrisk", not the path the binary was started by.
  CLI::App app{"levrisk: Monte Carlo liquidation risk for leveraged crypto positions", "levrisk"};
  app.footer(
      "levrisk help COMMAND (or levrisk COMMAND --help): the command's options\n"
      "levrisk --version: the same as levrisk version");
  app.require_subcommand(1);
  int exit_code = 0;
  levrisk::cli::add_run_command(app, exit_code);
  levrisk::cli::add_inspect_command(app, exit_code);
  levrisk::cli::add_synth_command(app, exit_code);
  levrisk::cli::add_version_command(app, exit_code);
  levrisk::cli::add_calibrate_command(app, exit_code);
  std::vector<std::string> arguments = habitual_arguments(argc, argv);
  std::vector<char*> words;
  for (std::string& argument : arguments) words.push_back(argument.data());
  try {
    require_known_command(app, static_cast<int>(words.size()), words.data());
    app.parse(static_cast<int>(words.size()), words.data());
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
