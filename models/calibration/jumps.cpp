#include "models/calibration/jumps.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.hpp"
#include "models/calibration/returns.hpp"

namespace levrisk::calibration {
rolling_scale rolling_mad(const std::vector<double>& returns, int window) {
  LEVRISK_REQUIRE(window >= 5, input_error, "jump window must be >= 5 returns, got " << window);
  const std::size_t n = returns.size();
  const auto w = static_cast<std::size_t>(window);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  rolling_scale out{std::vector<double>(n, nan), std::vector<double>(n, nan)};
  std::vector<double> scratch(w);
  for (std::size_t t = w; t < n; ++t) {
    std::copy(returns.begin() + static_cast<std::ptrdiff_t>(t - w),
              returns.begin() + static_cast<std::ptrdiff_t>(t), scratch.begin());
    const double center = median_in_place(scratch);
    for (std::size_t i = 0; i < w; ++i) scratch[i] = std::abs(returns[t - w + i] - center);
    out.median[t] = center;
    out.sigma[t] = mad_to_normal_sigma * median_in_place(scratch);
  }
  return out;
}

std::vector<char> detect_jumps(const std::vector<double>& returns, const jump_options& options) {
  LEVRISK_REQUIRE(options.threshold_sigmas > 0, input_error,
                  "jump threshold must be > 0 sigmas, got " << options.threshold_sigmas);
  const rolling_scale scale = rolling_mad(returns, options.window);
  std::vector<char> jump(returns.size(), 0);
  for (std::size_t t = 0; t < returns.size(); ++t) {
    if (std::isnan(scale.sigma[t])) continue;
    // A window of constant prices has a zero MAD: any move in it is not called a jump.
    if (!(scale.sigma[t] > 0)) continue;
    jump[t] = std::abs(returns[t] - scale.median[t]) > options.threshold_sigmas * scale.sigma[t];
  }
  return jump;
}

merton_estimate estimate_merton(const std::vector<double>& returns, double period_days,
                                const jump_options& options) {
  merton_estimate out;
  const std::vector<char> jump = detect_jumps(returns, options);
  std::vector<double> jumps, diffusion;
  for (std::size_t t = 0; t < returns.size(); ++t) {
    (jump[t] ? jumps : diffusion).push_back(returns[t]);
  }
  out.tested = static_cast<int>(
      std::max<std::ptrdiff_t>(0, static_cast<std::ptrdiff_t>(returns.size()) - options.window));
  out.jumps = static_cast<int>(jumps.size());
  const double years = out.tested * period_days / 365.0;
  out.jump_intensity_annual = years > 0 ? out.jumps / years : 0.0;
  out.jump_mean = mean(jumps);
  out.jump_stdev = std::sqrt(sample_variance(jumps));
  out.diffusion_vol_annual = std::sqrt(sample_variance(diffusion) * 365.0 / period_days);
  return out;
}

systemic_jump_estimate estimate_systemic_jumps(const std::vector<std::vector<double>>& returns,
                                               double period_days, const jump_options& options) {
  systemic_jump_estimate out;
  const std::size_t n_assets = returns.size();
  out.loading.assign(n_assets, 0.0);
  if (n_assets < 2) return out;
  const std::size_t n = returns[0].size();
  std::vector<std::vector<char>> jump;
  for (const std::vector<double>& series : returns) jump.push_back(detect_jumps(series, options));
  std::vector<double> sizes;
  for (std::size_t t = 0; t < n; ++t) {
    std::size_t count = 0;
    double sum = 0.0;
    for (std::size_t a = 0; a < n_assets; ++a) {
      count += jump[a][t] ? 1 : 0;
      sum += returns[a][t];
    }
    if (2 * count > n_assets && count >= 2) {
      out.event_index.push_back(static_cast<int>(t));
      sizes.push_back(sum / static_cast<double>(n_assets));
    }
  }
  out.events = static_cast<int>(sizes.size());
  const double tested = static_cast<double>(
      std::max<std::ptrdiff_t>(0, static_cast<std::ptrdiff_t>(n) - options.window));
  const double years = tested * period_days / 365.0;
  if (out.events == 0 || years <= 0) return out;
  out.intensity_annual = out.events / years;
  out.mean = mean(sizes);
  out.stdev = std::sqrt(sample_variance(sizes));
  double size_square = 0.0;
  for (const double s : sizes) size_square += s * s;
  for (std::size_t a = 0; a < n_assets; ++a) {
    double cross = 0.0;
    for (std::size_t e = 0; e < sizes.size(); ++e) {
      cross += returns[a][static_cast<std::size_t>(out.event_index[e])] * sizes[e];
    }
    out.loading[a] = size_square > 0 ? cross / size_square : 0.0;
  }
  return out;
}

}  // namespace levrisk::calibration
