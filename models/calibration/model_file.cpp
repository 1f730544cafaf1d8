#include "models/calibration/model_file.hpp"

#include <sstream>

#include "common/atomic_file.hpp"
#include "common/toml_text.hpp"
#include "models/calibration/ewma.hpp"

namespace levrisk::calibration {

std::string model_file_text(const calibration_result& result) {
  const calibration_options& o = result.options;
  const std::size_t n = result.assets.size();
  std::ostringstream out;
  out << "# Written by `levrisk calibrate` (docs/calibration.md). Parameters per asset:\n"
         "# vol_annual is today's EWMA volatility (365-day year); drift is not estimated\n"
         "# (a few years of crypto returns cannot pin it down) unless --estimate-drift.\n"
         "# garch parameters are per period of period_days; *_se are standard errors.\n\n";
  out << "[model]\ntype = \"gbm\"\nrepair_correlation = false\n";
  if (!o.pegged.empty()) {
    out << "pegged = [";
    for (std::size_t i = 0; i < o.pegged.size(); ++i) {
      out << (i ? ", " : "") << toml_quoted(o.pegged[i]);
    }
    out << "]  # held at their peg: no rows below\n";
  }
  for (const asset_calibration& a : result.assets) {
    const std::string id = toml_key(a.id);
    out << "\n[model.assets." << id << "]\n"
        << "drift_annual = " << toml_number(a.drift_annual) << "\n"
        << "vol_annual = " << toml_number(a.vol_annual) << "\n";
    const merton_estimate& m = a.merton;
    out << "\n[model.assets." << id << ".merton]\n"
        << "jump_intensity_annual = " << toml_number(m.jump_intensity_annual) << "\n"
        << "jump_mean = " << toml_number(m.jump_mean) << "\n"
        << "jump_stdev = " << toml_number(m.jump_stdev) << "\n"
        << "diffusion_vol_annual = " << toml_number(m.diffusion_vol_annual) << "\n";
    const garch_fit& g = a.garch;
    out << "\n[model.assets." << id << ".garch]\n"
        << "omega = " << toml_number(g.omega) << "\n"
        << "omega_se = " << toml_number(g.omega_se) << "\n"
        << "alpha = " << toml_number(g.alpha) << "\n"
        << "alpha_se = " << toml_number(g.alpha_se) << "\n"
        << "beta = " << toml_number(g.beta) << "\n"
        << "beta_se = " << toml_number(g.beta_se) << "\n"
        << "nu = " << toml_number(g.nu) << "\n"
        << "nu_se = " << toml_number(g.nu_se) << "\n"
        << "variance_now = " << toml_number(g.variance_now) << "\n"
        << "period_days = " << toml_number(result.period_days) << "\n";
  }
  const systemic_jump_estimate& s = result.systemic;
  out << "\n[model.systemic_jumps]\n"
      << "intensity_annual = " << toml_number(s.intensity_annual) << "\n"
      << "mean = " << toml_number(s.mean) << "\n"
      << "stdev = " << toml_number(s.stdev) << "\n"
      << "\n[model.systemic_jumps.loading]\n";
  for (std::size_t a = 0; a < n; ++a) {
    out << toml_key(result.assets[a].id) << " = "
        << toml_number(a < s.loading.size() ? s.loading[a] : 0.0) << "\n";
  }
  out << "\n[model.correlation]\nassets = [";
  for (std::size_t a = 0; a < n; ++a) out << (a ? ", " : "") << toml_quoted(result.assets[a].id);
  out << "]\nmatrix = [\n";
  for (std::size_t i = 0; i < n; ++i) {
    out << "  [";
    for (std::size_t j = 0; j < n; ++j) {
      out << (j ? ", " : "") << toml_number(result.correlation.matrix[i * n + j]);
    }
    out << "],  # " << result.assets[i].id << "\n";
  }
  out << "]\n";

  out << "\n[calibration]\n"
      << "sources = [";
  for (std::size_t i = 0; i < result.sources.size(); ++i) {
    out << (i ? ", " : "") << toml_quoted(result.sources[i]);
  }
  out << "]\n"
      << "window_start = " << toml_quoted(format_timestamp(result.window_start_ms)) << "\n"
      << "window_end = " << toml_quoted(format_timestamp(result.window_end_ms)) << "\n"
      << "frequency = " << toml_quoted(format_frequency(o.period_ms)) << "\n"
      << "period_days = " << toml_number(result.period_days) << "\n"
      << "n_returns = " << result.joint_returns << "  # joint: every asset has a price\n"
      << "joint_returns_dropped = " << result.joint_dropped << "\n"
      << "lambda = " << toml_number(result.lambda) << "\n"
      << "shrinkage_intensity = " << toml_number(result.correlation.shrinkage) << "\n"
      << "shrinkage_estimated = " << (result.correlation.shrinkage_estimated ? "true" : "false")
      << "\n"
      << "correlation_of = "
      << toml_quoted(o.standardized_correlation ? "garch_standardized_returns" : "returns") << "\n"
      << "variance_targeting = " << (o.garch.variance_targeting ? "true" : "false") << "\n"
      << "drift_estimated = " << (o.estimate_drift ? "true" : "false") << "\n"
      << "jump_threshold_sigmas = " << toml_number(o.jumps.threshold_sigmas) << "\n"
      << "jump_window = " << o.jumps.window << "\n"
      << "systemic_jump_events = " << s.events << "\n"
      << "ljung_box_lags = " << o.ljung_box_lags << "\n";
  for (const asset_calibration& a : result.assets) {
    out << "\n[calibration.assets." << toml_key(a.id) << "]\n"
        << "source = " << toml_quoted(a.source) << "\n"
        << "rows = " << a.rows << "\n"
        << "n_returns = " << a.n_returns << "\n"
        << "mean_return = " << toml_number(a.mean_return) << "\n"
        << "log_likelihood = " << toml_number(a.garch.log_likelihood) << "\n"
        << "aic = " << toml_number(a.aic) << "\n"
        << "ljung_box_q = " << toml_number(a.ljung_box.q) << "\n"
        << "ljung_box_p = " << toml_number(a.ljung_box.p_value) << "\n"
        << "garch_stationary = " << (a.garch.stationary ? "true" : "false") << "\n"
        << "garch_converged = " << (a.garch.converged ? "true" : "false") << "\n"
        << "jumps = " << a.merton.jumps << "\n"
        << "missing_values = " << a.missing_values << "\n"
        << "missing_intervals = " << a.coverage.empty_intervals << "\n"
        << "largest_gap_intervals = " << a.coverage.largest_gap_intervals << "\n"
        << "dropped_returns = " << a.dropped_returns << "\n"
        << "duplicate_rows = " << a.duplicate_rows << "\n"
        << "conflicting_duplicates = " << a.conflicting_duplicates << "\n"
        << "warnings = [";
    for (std::size_t i = 0; i < a.warnings.size(); ++i) {
      out << (i ? ", " : "") << toml_quoted(a.warnings[i]);
    }
    out << "]\n";
  }
  return out.str();
}

void write_model_file(const std::string& path, const calibration_result& result) {
  // A failed write (a full disk) must leave the previous model file whole.
  write_text_file_atomically(path, model_file_text(result), "model file");
}

}  // namespace levrisk::calibration
