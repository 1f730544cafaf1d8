// levrisk calibrate: fit market models to price histories and write a model file.

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "host/cli/commands.hpp"
#include "models/calibration/calibration.hpp"
#include "models/calibration/model_file.hpp"

namespace levrisk::cli {

void add_calibrate_command(CLI::App& app, int& exit_code) {
  struct options_t {
    std::vector<std::string> history;
    std::vector<std::string> assets;
    std::string frequency = "1d";
    std::string out;
    double lambda = 0;
    double shrinkage = -1;
    bool raw_correlation = false;
    std::string duplicates = "error";
    calibration::calibration_options calibration;
  };
  auto options = std::make_shared<options_t>();
  CLI::App* command = app.add_subcommand(
      "calibrate", "Fit EWMA, GARCH(1,1)-t, jumps and correlation to price histories");
  command
      ->add_option("--history", options->history,
                   "Price history FILE or FILE:ASSET (repeatable; files are merged on time)")
      ->required();
  command->add_option("--assets", options->assets, "Assets to calibrate, in order (default: all)")
      ->delimiter(',');
  command
      ->add_option("--pegged", options->calibration.pegged,
                   "Assets held at their peg (stablecoins), written as [model] pegged: no "
                   "history, no model rows")
      ->delimiter(',');
  command->add_option("--frequency", options->frequency, "Resampling frequency: 1h, 1d, ...")
      ->capture_default_str();
  command->add_option("-o,--out", options->out, "Model file to write (TOML)");
  command->add_option("--lambda", options->lambda,
                      "EWMA decay (default 0.94 daily, 0.94^(1/24) hourly)");
  command->add_option("--shrinkage", options->shrinkage,
                      "Correlation shrinkage toward identity in [0, 1] (default: estimated)");
  command->add_flag("--raw-correlation", options->raw_correlation,
                    "Correlate raw returns instead of GARCH-standardized ones");
  command
      ->add_option("--duplicates", options->duplicates,
                   "A timestamp repeated with another price: error, or first (keep the row "
                   "nearer the top of the file)")
      ->check(CLI::IsMember({"error", "first"}))
      ->capture_default_str();
  command->add_flag("--estimate-drift", options->calibration.estimate_drift,
                    "Write the sample drift instead of 0");
  command->add_flag("--variance-targeting", options->calibration.garch.variance_targeting,
                    "GARCH omega from the sample variance");
  command
      ->add_option("--jump-threshold", options->calibration.jumps.threshold_sigmas,
                   "Jump threshold in robust sigmas")
      ->capture_default_str();
  command
      ->add_option("--jump-window", options->calibration.jumps.window,
                   "Returns in the rolling MAD window of the jump detector")
      ->capture_default_str();
  command->callback([options, &exit_code] {
    calibration::calibration_options settings = options->calibration;
    settings.assets = options->assets;
    for (const std::string& id : settings.pegged) {
      LEVRISK_REQUIRE(
          std::find(settings.assets.begin(), settings.assets.end(), id) == settings.assets.end(),
          input_error,
          "--pegged: '" << id
                        << "' is also in --assets: an asset is either pegged "
                           "or calibrated");
    }
    settings.period_ms = calibration::parse_frequency(options->frequency, "--frequency");
    LEVRISK_REQUIRE(options->lambda == 0 || (options->lambda > 0 && options->lambda < 1),
                    input_error, "--lambda: must be in (0, 1), got " << options->lambda);
    settings.lambda = options->lambda;
    LEVRISK_REQUIRE(
        options->shrinkage == -1 || (options->shrinkage >= 0 && options->shrinkage <= 1),
        input_error, "--shrinkage: must be in [0, 1], got " << options->shrinkage);
    settings.shrinkage = options->shrinkage;
    settings.standardized_correlation = !options->raw_correlation;
    std::vector<calibration::history_source> sources;
    for (const std::string& argument : options->history) {
      sources.push_back(calibration::parse_history_argument(argument));
    }
    const std::vector<calibration::price_series> history = calibration::load_price_history(
        sources, options->duplicates == "first" ? calibration::duplicate_policy::keep_first
                                                : calibration::duplicate_policy::error);
    const calibration::calibration_result result =
        calibration::calibrate(history, options->history, settings);
    for (const auto& asset : result.assets) {
      LEVRISK_REQUIRE(std::find(settings.pegged.begin(), settings.pegged.end(), asset.id) ==
                          settings.pegged.end(),
                      input_error,
                      "--pegged: '" << asset.id
                                    << "' has a price history and is calibrated: an asset is "
                                       "either pegged or calibrated (name the others in --assets)");
    }
    calibration::print_calibration_report(std::cout, result);
    std::cout.flush();
    for (const auto& asset : result.assets) {
      for (const std::string& warning : asset.warnings) {
        std::cerr << "levrisk: warning: " << asset.id << ": " << warning << "\n";
      }
    }
    if (!options->out.empty()) {
      calibration::write_model_file(options->out, result);
      std::cout << "\nwrote " << options->out << "\n";
    }
    exit_code = 0;
  });
}

}  // namespace levrisk::cli
