#include "models/calibration/outliers.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <sstream>

#include "common/error.hpp"
#include "models/calibration/returns.hpp"

namespace levrisk::calibration {
namespace {

std::string general(double value, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*g", digits, value);
  return text;
}

void require_market_move(const price_series& series, std::size_t i, double log_return,
                         const outlier_options& options) {
  const std::string where = series.source + ":" + std::to_string(series.line[i]) + ": asset '" +
                            series.asset + "': price " + general(series.price_usd[i], 6) +
                            " after " + general(series.price_usd[i - 1], 6) + " on line " +
                            std::to_string(series.line[i - 1]);
  LEVRISK_REQUIRE(std::isfinite(log_return), input_error,
                  where << " gives a log return that is not finite; a mistyped price?");
  LEVRISK_REQUIRE(std::abs(log_return) <= std::log(options.max_move_factor), input_error,
                  where << " is a log return of " << general(log_return, 4)
                        << ", a move by a factor of more than " << options.max_move_factor
                        << " that no market makes between two rows; a mistyped price?");
}

}  // namespace

outlier_scan scan_outliers(const price_series& series, const outlier_options& options) {
  outlier_scan scan;
  const std::size_t n = series.price_usd.size();
  if (n < 2) return scan;
  std::vector<double> r(n - 1);
  for (std::size_t i = 1; i < n; ++i) {
    r[i - 1] = std::log(series.price_usd[i] / series.price_usd[i - 1]);
    require_market_move(series, i, r[i - 1], options);
  }
  scan.returns = static_cast<int>(r.size());
  std::vector<double> scratch = r;
  scan.median = median_in_place(scratch);
  for (std::size_t t = 0; t < r.size(); ++t) scratch[t] = std::abs(r[t] - scan.median);
  scan.robust_sigma = mad_to_normal_sigma * median_in_place(scratch);
  const double floor = std::log(options.min_move_factor);
  for (std::size_t t = 0; t < r.size(); ++t) {
    const double deviation = std::abs(r[t] - scan.median);
    const double z = scan.robust_sigma > 0 ? deviation / scan.robust_sigma
                     : deviation > 0       ? std::numeric_limits<double>::infinity()
                                           : 0.0;
    scan.largest_robust_z = std::max(scan.largest_robust_z, z);
    if (z > options.robust_sigmas && std::abs(r[t]) > floor) {
      scan.flagged.push_back({series.line[t + 1], series.line[t], r[t], z});
    }
  }
  return scan;
}

std::string outlier_warning(const price_series& series, const outlier_scan& scan,
                            const outlier_options& options) {
  if (scan.flagged.empty()) return {};
  constexpr std::size_t listed = 5;
  std::ostringstream text;
  text << scan.flagged.size() << " return(s) between consecutive rows beyond "
       << general(options.robust_sigmas, 4)
       << " robust sigmas (1.4826 MAD = " << general(scan.robust_sigma, 3) << ") and a factor "
       << general(options.min_move_factor, 4) << ", a possible data error in " << series.source
       << ": ";
  for (std::size_t k = 0; k < scan.flagged.size() && k < listed; ++k) {
    const return_outlier& o = scan.flagged[k];
    text << (k ? ", " : "") << "line " << o.line << " (log return " << general(o.log_return, 4)
         << " from line " << o.previous_line << ", z " << general(o.robust_z, 4) << ")";
  }
  if (scan.flagged.size() > listed) text << " and " << scan.flagged.size() - listed << " more";
  return text.str();
}

}  // namespace levrisk::calibration
