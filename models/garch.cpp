#include "models/garch.hpp"

#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "common/error.hpp"
#include "kernels/rng/stream_layout.hpp"
#include "models/calibration/garch.hpp"
#include "models/parameter_error.hpp"
#include "models/t_mixing.hpp"

namespace levrisk {

std::vector<float> garch_step_coefficients::interleaved_mixing() const {
  const std::size_t n = mixing_tables.size();
  std::vector<float> out(n * t_mixing_floats);
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t i = 0; i < mixing_tables[k].size(); ++i) out[i * n + k] = mixing_tables[k][i];
  }
  return out;
}

namespace {

std::string number_text(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

void require_above(double value, double bound, const std::string& field, bool inclusive) {
  const bool ok = std::isfinite(value) && (inclusive ? value >= bound : value > bound);
  if (!ok) {
    throw parameter_error(field, std::string("must be a finite number ") +
                                     (inclusive ? ">= " : "> ") + number_text(bound) + ", got " +
                                     number_text(value));
  }
}

}  // namespace

void check_garch_asset(const garch_asset_params& p) {
  require_above(p.omega, 0.0, "omega", false);
  require_above(p.alpha, 0.0, "alpha", true);
  require_above(p.beta, 0.0, "beta", true);
  require_above(p.nu, 2.0, "nu", false);
  require_above(p.variance_now, 0.0, "variance_now", false);
  require_above(p.period_days, 0.0, "period_days", false);
  // calibrate reports persistence from this threshold on as integrated
  // (garch_stationary = false): a run refuses what calibrate flags.
  const double persistence = p.alpha + p.beta;
  if (!(persistence < calibration::garch_nonstationary_persistence)) {
    std::ostringstream problem;
    problem << "= " << std::setprecision(12) << persistence << " is not stationary: must be < "
            << calibration::garch_nonstationary_persistence
            << ", where calibrate reports garch_stationary = false (an integrated GARCH has no "
               "unconditional variance)";
    throw parameter_error("alpha + beta", problem.str());
  }
  // The kernel's float32 coefficients: rounding can carry a sum just below 1 to 1.
  const float persistence_float = static_cast<float>(p.alpha) + static_cast<float>(p.beta);
  if (!(persistence_float < 1.0f)) {
    std::ostringstream problem;
    problem << "= " << std::setprecision(12) << persistence
            << " is not stationary in the kernel's float32 coefficients, whose sum is "
            << persistence_float << ": must be < 1";
    throw parameter_error("alpha + beta", problem.str());
  }
}

namespace {

// m when horizon_days / steps divides period_days (to a relative 1e-6), else 0.
int whole_substeps(double period_days, double horizon_days, int steps) {
  const double step_days = horizon_days / steps;
  const double m = std::round(period_days / step_days);
  const bool divides = m >= 1.0 && std::fabs(m * step_days - period_days) <= 1e-6 * period_days;
  return divides && m <= max_steps ? static_cast<int>(m) : 0;
}

// The nearest step count from `steps` on, in direction +1 or -1, whose step
// divides the period; 0 when none lies in [1, max_steps].
int nearest_dividing_steps(double period_days, double horizon_days, int steps, int direction) {
  for (int s = steps + direction; s >= 1 && s <= max_steps; s += direction) {
    if (whole_substeps(period_days, horizon_days, s) > 0) return s;
  }
  return 0;
}

void describe_steps(std::ostream& out, double period_days, double horizon_days, int steps) {
  out << "steps = " << steps << " (m = " << whole_substeps(period_days, horizon_days, steps) << ")";
}

}  // namespace

int garch_substeps(double period_days, double horizon_days, int steps, const std::string& where) {
  const int m = whole_substeps(period_days, horizon_days, steps);
  if (m > 0) return m;
  const int below = nearest_dividing_steps(period_days, horizon_days, steps, -1);
  const int above = nearest_dividing_steps(period_days, horizon_days, steps, +1);
  std::ostringstream message;
  message << where << " parameters are per " << period_days << " days but the run's step, [run] "
          << "horizon_days / steps = " << horizon_days << " / " << steps << " = "
          << horizon_days / steps
          << " days, does not divide the period: GARCH needs period_days = m * horizon_days / "
             "steps for a whole m >= 1";
  if (below > 0 || above > 0) message << "; nearest valid:";
  if (below > 0) describe_steps(message << " ", period_days, horizon_days, below);
  if (below > 0 && above > 0) message << " or";
  if (above > 0) describe_steps(message << " ", period_days, horizon_days, above);
  throw input_error(message.str());
}

garch_step_coefficients garch_coefficients(const std::vector<garch_asset_params>& params,
                                           const std::vector<std::string>& asset_ids,
                                           const std::vector<bool>& constant_asset,
                                           double horizon_days, int steps,
                                           const std::string& context) {
  garch_step_coefficients c;
  const std::string* period_asset = nullptr;  // the first moving asset, whose period all share
  double period_days = 0.0;
  for (std::size_t k = 0; k < asset_ids.size(); ++k) {
    if (constant_asset[k]) {
      for (auto* v : {&c.omega, &c.alpha, &c.beta, &c.variance_now}) v->push_back(0.0f);
      c.mixing_tables.push_back(t_mixing_unit_table());
      continue;
    }
    const garch_asset_params& p = params[k];
    const std::string where = context + ": [model.assets." + asset_ids[k] + ".garch]";
    LEVRISK_REQUIRE(p.present, input_error,
                    where << " is missing: type \"garch\" needs it for every asset that moves");
    try {
      check_garch_asset(p);
    } catch (const parameter_error& error) {
      LEVRISK_FAIL(input_error, where << " " << error.what());
    }
    if (period_asset == nullptr) {
      period_asset = &asset_ids[k];
      period_days = p.period_days;
      c.substeps = garch_substeps(p.period_days, horizon_days, steps, where);
    }
    // One period for all: the shared mixing variable is drawn once per period.
    LEVRISK_REQUIRE(std::fabs(p.period_days - period_days) <= 1e-6 * period_days, input_error,
                    where << " period_days = " << p.period_days << " differs from " << *period_asset
                          << "'s " << period_days
                          << ": the assets of a GARCH run share one period");
    c.omega.push_back(static_cast<float>(p.omega));
    c.alpha.push_back(static_cast<float>(p.alpha));
    c.beta.push_back(static_cast<float>(p.beta));
    c.variance_now.push_back(static_cast<float>(p.variance_now));
    c.mixing_tables.push_back(t_mixing_table(p.nu));
  }
  return c;
}

std::vector<double> garch_normal_correlation(const std::vector<double>& correlation,
                                             const garch_step_coefficients& coefficients,
                                             const std::vector<bool>& constant_asset) {
  const std::size_t n = constant_asset.size();
  std::vector<double> adjusted = correlation;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      if (constant_asset[i] || constant_asset[j]) continue;
      const double moment =
          t_mixing_cross_moment(coefficients.mixing_tables[i], coefficients.mixing_tables[j]);
      // Capped at +-1: a pair already near +-1 cannot be raised further.
      const double r = std::fmax(-1.0, std::fmin(1.0, correlation[i * n + j] / moment));
      adjusted[i * n + j] = adjusted[j * n + i] = r;
    }
  }
  return adjusted;
}

}  // namespace levrisk
