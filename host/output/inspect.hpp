#pragma once
// A terminal summary of a run result: what `levrisk inspect FILE` prints.

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "host/engine/results.hpp"

namespace levrisk {

// Prints the run metadata, the unit counts per kind, the shortfall when the run executed
// liquidations (the totals' means, probabilities, VaR and ES, the fund and reserve, the
// assets sold most), and a table of the top_n riskiest units (riskiest_units), with
// their bad debt when executed. top_n == 0 prints no table, top_n < 0 prints every unit.
void print_inspection(const run_result& result, std::ostream& out, int top_n);

// Units by risk: highest liquidation probability first, ties by lowest initial health
// factor, then by id, so that the order does not depend on the order of the run.
// top_n < 0: all units.
std::vector<const unit_result*> riskiest_units(const run_result& result, int top_n);

// A probability as a percentage with three significant digits ("12.3%", "0.0412%",
// "0%"); "n/a" for NaN.
std::string format_probability(double probability);

// "12.34% ± 0.21%": as many decimals as show the standard error to two significant
// digits, the same for the estimate.
std::string format_probability_with_se(double probability, double se);

// "[11.9%, 12.8%]"
std::string format_probability_interval(double lo, double hi);

// "3.21 ± 0.15" with decimals chosen as above; "-" when the value is NaN (for example
// the time to liquidation of a unit never liquidated), the value alone when the
// standard error is not finite.
std::string format_value_with_se(double value, double se);

// USD to three significant digits in compact units: "$950", "$12.5", "$1.23K",
// "$45.6M", "-$7.89B", "$0"; cents at most below $1,000 ("$0.00" for a few tenths of
// a cent); "n/a" for NaN.
std::string format_usd(double usd);

// "1,234,567"
std::string format_count(long long count);

// Columns of the terminal that a UTF-8 string occupies (code points; no wide glyphs).
std::size_t display_width(const std::string& text);

}  // namespace levrisk
