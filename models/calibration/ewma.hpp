#pragma once
// RiskMetrics exponentially weighted volatility (J.P. Morgan/Reuters,
// RiskMetrics Technical Document, 4th ed., 1996, eq. 5.3): zero-mean returns,
// sigma2_t = lambda sigma2_{t-1} + (1 - lambda) r_{t-1}^2.

#include <vector>

namespace levrisk::calibration {

// 0.94 for daily data (RiskMetrics); for other periods the decay with the same
// half-life in calendar time, 0.94^(period_days): 0.99742 hourly (half-life 11.2 days).
double riskmetrics_lambda(double period_days);

// Variance forecasts: element t is the variance of return t given returns 0..t-1,
// element n (the last) today's forecast after all returns. The recursion starts
// from the mean square of the first min(n, seed_count) returns.
std::vector<double> ewma_variance(const std::vector<double>& returns, double lambda,
                                  int seed_count = 30);

// Annualised volatility (365-day year) of a per-period variance.
double annualized_vol(double variance_per_period, double period_days);

}  // namespace levrisk::calibration
