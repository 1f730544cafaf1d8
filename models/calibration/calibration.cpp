#include "models/calibration/calibration.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <exception>
#include <ostream>
#include <sstream>

#include "common/error.hpp"
#include "models/calibration/diagnostics.hpp"
#include "models/calibration/ewma.hpp"
#include "models/calibration/outliers.hpp"

namespace levrisk::calibration {
namespace {

constexpr std::int64_t ms_per_day = 86'400'000;

std::string fixed(double value, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

std::string general(double value, int digits = 4) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*g", digits, value);
  return text;
}

std::string pad(const std::string& text, std::size_t width) {
  return text.size() >= width ? text + " " : std::string(width - text.size(), ' ') + text + " ";
}

std::string with_se(double value, double se, int digits = 4) {
  return general(value, digits) + " (" + general(se, 2) + ")";
}

// Settings the fits check again per asset: refused once, naming the flag, before
// any asset's error could be blamed on its data.
void require_valid_settings(const calibration_options& options) {
  LEVRISK_REQUIRE(options.jumps.window >= 5, input_error,
                  "--jump-window: must be >= 5 returns, got " << options.jumps.window);
  LEVRISK_REQUIRE(options.jumps.threshold_sigmas > 0, input_error,
                  "--jump-threshold: must be > 0 sigmas, got " << options.jumps.threshold_sigmas);
  LEVRISK_REQUIRE(options.ljung_box_lags >= 1, input_error,
                  "calibrate: Ljung-Box lags must be >= 1, got " << options.ljung_box_lags);
}

// "<file>: asset '<id>' at frequency <f>: ", the context of every per-asset fit error.
std::string asset_context(const price_series& series, std::int64_t period_ms) {
  return series.source + ": asset '" + series.asset + "' at frequency " +
         format_frequency(period_ms) + ": ";
}

}  // namespace

std::int64_t parse_frequency(const std::string& text, const std::string& context) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  const std::string unit = text.substr(digits);
  std::int64_t scale = 0;
  if (unit == "s") scale = 1000;
  if (unit == "m" || unit == "min") scale = 60'000;
  if (unit == "h") scale = 3'600'000;
  if (unit == "d") scale = ms_per_day;
  LEVRISK_REQUIRE(digits > 0 && digits <= 6 && scale > 0, input_error,
                  context << ": expected a count and a unit (s, m, h, d) such as 1h or 1d, got '"
                          << text << "'");
  const std::int64_t count = std::stoll(text.substr(0, digits));
  LEVRISK_REQUIRE(count > 0, input_error, context << ": must be > 0, got '" << text << "'");
  return count * scale;
}

std::string format_frequency(std::int64_t period_ms) {
  if (period_ms % ms_per_day == 0) return std::to_string(period_ms / ms_per_day) + "d";
  if (period_ms % 3'600'000 == 0) return std::to_string(period_ms / 3'600'000) + "h";
  if (period_ms % 60'000 == 0) return std::to_string(period_ms / 60'000) + "m";
  return std::to_string(period_ms / 1000) + "s";
}

calibration_result calibrate(const std::vector<price_series>& history,
                             const std::vector<std::string>& sources,
                             const calibration_options& options) {
  LEVRISK_REQUIRE(!history.empty(), input_error, "calibrate: no price history (--history FILE)");
  require_valid_settings(options);
  std::vector<price_series> selected;
  if (options.assets.empty()) {
    selected = history;
  } else {
    for (const std::string& id : options.assets) {
      // A model lists each asset once: a repeat would write a file run refuses.
      LEVRISK_REQUIRE(std::count(options.assets.begin(), options.assets.end(), id) == 1,
                      input_error, "calibrate: --assets lists '" << id << "' more than once");
      const auto it = std::find_if(history.begin(), history.end(),
                                   [&](const price_series& s) { return s.asset == id; });
      if (it == history.end()) {
        std::ostringstream known;
        for (std::size_t i = 0; i < history.size(); ++i) {
          known << (i ? ", " : "") << history[i].asset;
        }
        LEVRISK_FAIL(input_error,
                     "--assets: unknown asset '" << id << "'; the history has " << known.str());
      }
      selected.push_back(*it);
    }
  }

  calibration_result result;
  result.options = options;
  result.sources = sources;
  result.period_days = static_cast<double>(options.period_ms) / static_cast<double>(ms_per_day);
  result.lambda = options.lambda > 0 ? options.lambda : riskmetrics_lambda(result.period_days);
  const price_panel panel = resample_last(selected, options.period_ms);
  const std::size_t n_assets = selected.size();
  result.assets.resize(n_assets);
  std::vector<asset_returns> returns(n_assets);
  result.window_start_ms = selected[0].time_ms.front();
  result.window_end_ms = selected[0].time_ms.back();
  for (std::size_t a = 0; a < n_assets; ++a) {
    const price_series& series = selected[a];
    asset_calibration& out = result.assets[a];
    out.id = series.asset;
    out.source = series.source;
    out.rows = static_cast<int>(series.time_ms.size());
    out.missing_values = series.missing_values;
    out.duplicate_rows = series.duplicate_rows;
    out.conflicting_duplicates = series.conflicting_duplicates;
    if (series.conflicting_duplicates > 0) {
      out.warnings.push_back(std::to_string(series.conflicting_duplicates) +
                             " timestamps repeated with another price; the first row kept");
    }
    const std::string outliers = outlier_warning(series, scan_outliers(series));
    if (!outliers.empty()) out.warnings.push_back(outliers);
    out.coverage = gaps(panel, a);
    returns[a] = log_returns(panel, a);
    out.n_returns = static_cast<int>(returns[a].log_return.size());
    out.dropped_returns = returns[a].dropped_across_gaps;
    result.window_start_ms = std::min(result.window_start_ms, series.time_ms.front());
    result.window_end_ms = std::max(result.window_end_ms, series.time_ms.back());
    LEVRISK_REQUIRE(out.n_returns >= options.min_garch_returns, input_error,
                    asset_context(series, options.period_ms)
                        << out.n_returns << " returns (prices on lines " << series.line.front()
                        << " to " << series.line.back() << "); GARCH needs at least "
                        << options.min_garch_returns);
  }

  // The fits are independent; OpenMP threads must not let an exception escape.
  std::vector<std::exception_ptr> failures(n_assets);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::size_t a = 0; a < n_assets; ++a) {
    try {
      asset_calibration& out = result.assets[a];
      const std::vector<double>& r = returns[a].log_return;
      out.mean_return = mean(r);
      if (options.estimate_drift) {
        // Log-return mean plus the Ito term: E[S_T/S_0] growth of a GBM.
        out.drift_annual =
            (out.mean_return + 0.5 * sample_variance(r)) * 365.0 / result.period_days;
      }
      std::vector<double> demeaned(r.size());
      for (std::size_t t = 0; t < r.size(); ++t) demeaned[t] = r[t] - out.mean_return;
      out.ewma_variance_now = ewma_variance(demeaned, result.lambda).back();
      out.vol_annual = annualized_vol(out.ewma_variance_now, result.period_days);
      out.garch = fit_garch_t(demeaned, options.garch);
      out.aic = aic(out.garch.log_likelihood, out.garch.parameters);
      std::vector<double> squared(r.size());
      for (std::size_t t = 0; t < r.size(); ++t) {
        squared[t] = demeaned[t] * demeaned[t] / out.garch.conditional_variance[t];
      }
      out.ljung_box = ljung_box(squared, options.ljung_box_lags);
      out.merton = estimate_merton(r, result.period_days, options.jumps);
    } catch (const input_error& error) {
      // The estimators know only numbers; the user needs the file and asset they came from.
      failures[a] = std::make_exception_ptr(
          input_error(asset_context(selected[a], options.period_ms) + error.what()));
    } catch (...) {
      failures[a] = std::current_exception();
    }
  }
  for (const std::exception_ptr& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
  for (asset_calibration& out : result.assets) {
    const garch_fit& g = out.garch;
    if (!g.stationary) {
      out.warnings.push_back("GARCH alpha + beta = " + fixed(g.alpha + g.beta, 5) +
                             " >= 0.999: non-stationary (integrated) fit; its long-run variance "
                             "is undefined, prefer vol_annual (EWMA) or a longer history");
    }
    if (!g.converged) out.warnings.push_back("GARCH optimizer stopped before its tolerance");
    if (!g.se_valid) {
      out.warnings.push_back("GARCH Hessian not negative definite: standard errors are nan");
    }
    if (g.nu > 400) out.warnings.push_back("GARCH nu at its bound (normal innovations)");
  }

  const joint_returns joint = joint_log_returns(panel);
  result.joint_returns = static_cast<int>(joint.interval.size());
  result.joint_dropped = joint.dropped;
  std::vector<std::string> ids;
  for (const asset_calibration& a : result.assets) ids.push_back(a.id);
  if (n_assets == 1) {
    result.correlation.sample = result.correlation.matrix = {1.0};
    result.correlation.observations = result.joint_returns;
    result.systemic.loading = {0.0};
    return result;
  }
  std::ostringstream assets_and_files;
  for (std::size_t a = 0; a < n_assets; ++a) {
    assets_and_files << (a ? ", " : "") << selected[a].asset << " (" << selected[a].source << ")";
  }
  LEVRISK_REQUIRE(result.joint_returns >= 3, input_error,
                  "calibrate: the histories of "
                      << assets_and_files.str() << " share only " << result.joint_returns
                      << " returns at frequency " << format_frequency(options.period_ms)
                      << " (intervals where every asset has a price); the correlation needs more");
  std::vector<std::vector<double>> correlated(n_assets);
  for (std::size_t a = 0; a < n_assets; ++a) {
    std::vector<int> index(panel.intervals(), -1);
    for (std::size_t t = 0; t < returns[a].interval.size(); ++t) {
      index[static_cast<std::size_t>(returns[a].interval[t])] = static_cast<int>(t);
    }
    const asset_calibration& fit = result.assets[a];
    for (std::size_t k = 0; k < joint.interval.size(); ++k) {
      double value = joint.log_return[a][k];
      if (options.standardized_correlation) {
        const int t = index[static_cast<std::size_t>(joint.interval[k])];
        value = (value - fit.mean_return) /
                std::sqrt(fit.garch.conditional_variance[static_cast<std::size_t>(t)]);
      }
      correlated[a].push_back(value);
    }
  }
  result.correlation = estimate_correlation(correlated, ids, options.shrinkage);
  if (result.joint_returns > options.jumps.window) {
    result.systemic = estimate_systemic_jumps(joint.log_return, result.period_days, options.jumps);
    // The per-asset detector also counts an asset's jumps on systemic event
    // dates; the simulator adds both components, so remove those from the
    // idiosyncratic intensity: lambda_k -= lambda_s x (share of events in which
    // asset k jumped).
    const double events = static_cast<double>(result.systemic.events);
    for (std::size_t a = 0; a < n_assets && events > 0.0; ++a) {
      const std::vector<char> jumped = detect_jumps(joint.log_return[a], options.jumps);
      double shared = 0.0;
      for (const int k : result.systemic.event_index) {
        shared += jumped[static_cast<std::size_t>(k)] != 0 ? 1.0 : 0.0;
      }
      merton_estimate& merton = result.assets[a].merton;
      merton.jump_intensity_annual = std::max(
          0.0, merton.jump_intensity_annual - result.systemic.intensity_annual * shared / events);
    }
  } else {
    result.systemic.loading.assign(n_assets, 0.0);
    result.warnings.push_back("too few joint returns for the systemic jump estimator");
  }
  return result;
}

void print_calibration_report(std::ostream& out, const calibration_result& result) {
  const calibration_options& o = result.options;
  out << "calibration: " << result.assets.size() << " asset(s), frequency "
      << format_frequency(o.period_ms) << ", window " << format_timestamp(result.window_start_ms)
      << " .. " << format_timestamp(result.window_end_ms) << ", EWMA lambda "
      << general(result.lambda, 6) << "\n\n";
  out << "data\n" << pad("asset", 8) << pad("source", 0) << "\n";
  for (const asset_calibration& a : result.assets) out << pad(a.id, 8) << a.source << "\n";
  out << "\n"
      << pad("asset", 8) << pad("rows", 8) << pad("returns", 8) << pad("empty_int", 10)
      << pad("largest_gap", 12) << pad("gap_start", 21) << pad("missing", 8) << pad("dup", 5)
      << pad("gap_drop", 9) << "\n";
  for (const asset_calibration& a : result.assets) {
    out << pad(a.id, 8) << pad(std::to_string(a.rows), 8) << pad(std::to_string(a.n_returns), 8)
        << pad(std::to_string(a.coverage.empty_intervals), 10)
        << pad(std::to_string(a.coverage.largest_gap_intervals), 12)
        << pad(a.coverage.largest_gap_intervals ? format_timestamp(a.coverage.largest_gap_start_ms)
                                                : "-",
               21)
        << pad(std::to_string(a.missing_values), 8)
        << pad(std::to_string(a.duplicate_rows + a.conflicting_duplicates), 5)
        << pad(std::to_string(a.dropped_returns), 9) << "\n";
  }
  out << "(empty_int: intervals without a price between an asset's first and last; gap_drop: "
         "returns spanning a gap, not formed)\n\n";
  out << "volatility (per " << format_frequency(o.period_ms) << " unless annual; SE in brackets)\n"
      << pad("asset", 8) << pad("ewma_vol_ann", 13) << pad("omega", 20) << pad("alpha", 18)
      << pad("beta", 18) << pad("nu", 16) << pad("a+b", 8) << pad("garch_vol_now", 14) << "\n";
  for (const asset_calibration& a : result.assets) {
    const garch_fit& g = a.garch;
    out << pad(a.id, 8) << pad(fixed(a.vol_annual, 4), 13) << pad(with_se(g.omega, g.omega_se), 20)
        << pad(with_se(g.alpha, g.alpha_se), 18) << pad(with_se(g.beta, g.beta_se), 18)
        << pad(with_se(g.nu, g.nu_se), 16) << pad(fixed(g.alpha + g.beta, 4), 8)
        << pad(fixed(annualized_vol(g.variance_now, result.period_days), 4), 14) << "\n";
  }
  out << "\ndiagnostics (Ljung-Box on squared standardized residuals, " << o.ljung_box_lags
      << " lags)\n"
      << pad("asset", 8) << pad("log_lik", 14) << pad("aic", 14) << pad("lb_q", 10)
      << pad("lb_p", 8) << "\n";
  for (const asset_calibration& a : result.assets) {
    out << pad(a.id, 8) << pad(fixed(a.garch.log_likelihood, 2), 14) << pad(fixed(a.aic, 2), 14)
        << pad(fixed(a.ljung_box.q, 2), 10) << pad(fixed(a.ljung_box.p_value, 4), 8) << "\n";
  }
  out << "\njumps (|r - median| > " << general(o.jumps.threshold_sigmas) << " x rolling MAD sigma, "
      << o.jumps.window << " returns)\n"
      << pad("asset", 8) << pad("jumps", 7) << pad("per_year", 10) << pad("mean", 10)
      << pad("stdev", 10) << pad("diff_vol_ann", 13) << "\n";
  for (const asset_calibration& a : result.assets) {
    const merton_estimate& m = a.merton;
    out << pad(a.id, 8) << pad(std::to_string(m.jumps), 7)
        << pad(fixed(m.jump_intensity_annual, 3), 10) << pad(fixed(m.jump_mean, 4), 10)
        << pad(fixed(m.jump_stdev, 4), 10) << pad(fixed(m.diffusion_vol_annual, 4), 13) << "\n";
  }
  const std::size_t n = result.assets.size();
  out << "\njoint returns: " << result.joint_returns << " used, " << result.joint_dropped
      << " left out: some asset has no price at one end\n";
  if (n > 1) {
    out << "systemic jumps: " << result.systemic.events << " events, "
        << fixed(result.systemic.intensity_annual, 3) << " per year, size mean "
        << fixed(result.systemic.mean, 4) << " sd " << fixed(result.systemic.stdev, 4)
        << ", loadings";
    for (std::size_t a = 0; a < n; ++a) {
      out << " " << result.assets[a].id << "=" << fixed(result.systemic.loading[a], 3);
    }
    out << "\n\ncorrelation of " << (o.standardized_correlation ? "GARCH-standardized" : "raw")
        << " returns, shrinkage " << fixed(result.correlation.shrinkage, 4)
        << (result.correlation.shrinkage_estimated ? " (estimated)" : " (fixed)") << "\n"
        << pad("", 8);
    for (std::size_t j = 0; j < n; ++j) out << pad(result.assets[j].id, 8);
    out << "\n";
    for (std::size_t i = 0; i < n; ++i) {
      out << pad(result.assets[i].id, 8);
      for (std::size_t j = 0; j < n; ++j)
        out << pad(fixed(result.correlation.matrix[i * n + j], 4), 8);
      out << "\n";
    }
  }
  bool any = !result.warnings.empty();
  for (const asset_calibration& a : result.assets) any = any || !a.warnings.empty();
  if (any) {
    out << "\nwarnings\n";
    for (const std::string& w : result.warnings) out << "  " << w << "\n";
    for (const asset_calibration& a : result.assets) {
      for (const std::string& w : a.warnings) out << "  " << a.id << ": " << w << "\n";
    }
  }
}

}  // namespace levrisk::calibration
