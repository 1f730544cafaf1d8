#pragma once
// Threshold jump estimators. A return is a jump when it lies more than k local
// robust standard deviations from the local median; the local scale is 1.4826
// times the median absolute deviation of the preceding `window` returns (a
// trailing window, so a jump does not mask itself). This is the truncation idea
// of Mancini (2009, Scand. J. Stat. 36) with a robust, rolling scale (Lee &
// Mykland 2008, RFS 21, use a rolling bipower variation to the same end).
// Only returns with a full window before them are tested.

#include <vector>

namespace levrisk::calibration {

struct jump_options {
  double threshold_sigmas = 4.0;  // k
  int window = 60;                // returns in the trailing MAD window
};

// Local median and robust sd (1.4826 MAD) of the `window` returns before each
// return; NaN for the first `window` returns.
struct rolling_scale {
  std::vector<double> median;
  std::vector<double> sigma;
};
rolling_scale rolling_mad(const std::vector<double>& returns, int window);

// 1 where a return is a jump, 0 otherwise (and for untested returns).
std::vector<char> detect_jumps(const std::vector<double>& returns, const jump_options& options);

// Merton (1976) jump-diffusion for one asset: jump intensity = jumps / years
// tested; jump mean and sd of the jump returns (sd 0 with fewer than two jumps);
// diffusion vol = sd of the other returns, annualised (365 days).
struct merton_estimate {
  double jump_intensity_annual = 0;
  double jump_mean = 0;   // log-return size
  double jump_stdev = 0;  // log-return size
  double diffusion_vol_annual = 0;
  int jumps = 0;
  int tested = 0;  // returns with a full window before them
};
merton_estimate estimate_merton(const std::vector<double>& returns, double period_days,
                                const jump_options& options = {});

// Systemic jumps on joint returns ([asset][k], aligned): an interval is a systemic
// event when a strict majority of assets, and at least two, jump in it. The event
// size is the cross-sectional mean return S; asset i's loading is the least-squares
// slope of its return on S over the events (its jump is loading_i * S); intensity
// = events / years tested; mean and sd of S (sd 0 with fewer than two events).
// Without events: intensity, mean, sd 0 and loadings 0.
struct systemic_jump_estimate {
  double intensity_annual = 0;
  double mean = 0;
  double stdev = 0;
  std::vector<double> loading;
  int events = 0;
  std::vector<int> event_index;  // k of each event in the joint returns
};
systemic_jump_estimate estimate_systemic_jumps(const std::vector<std::vector<double>>& returns,
                                               double period_days,
                                               const jump_options& options = {});

}  // namespace levrisk::calibration
