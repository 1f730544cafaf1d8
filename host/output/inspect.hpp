#pragma once
// What `levrisk inspect FILE` prints: a terminal summary of a run result, the units
// chosen by kind, order and count as a table, CSV or JSON (docs/inspect.md), or the
// run's stored configuration.

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "host/engine/results.hpp"

namespace levrisk {

// --kind: the units listed. `perp` is both perp kinds.
enum class unit_kind_filter { all, lending, perp, perp_isolated, perp_cross };

// --sort: probability (P(liq) descending, then HF0 ascending), usd (USD at risk, the
// expected bad debt, descending), hf0 (initial health factor ascending). NaN keys sort
// last; ties keep the units' run order.
enum class unit_sort_key { probability, usd, hf0 };

enum class inspect_format { table, csv, json };

struct inspect_options {
  std::optional<std::size_t> top = 20;  // units listed at most; nullopt: all
  unit_kind_filter kind = unit_kind_filter::all;
  unit_sort_key sort = unit_sort_key::probability;
  inspect_format format = inspect_format::table;
  bool wide = false;  // table: every column, ids in full
};

// Columns the default table and the other sections fit in (ids are shortened).
constexpr std::size_t inspect_table_width = 120;

// The flags' values as typed; anything else is an input_error naming the flag, what
// it accepts and the text: "--top must be an integer >= 0 or 'all', got '-1'".
unit_kind_filter parse_unit_kind_filter(const std::string& text);
unit_sort_key parse_unit_sort_key(const std::string& text);
inspect_format parse_inspect_format(const std::string& text);
std::optional<std::size_t> parse_top(const std::string& text);

const char* to_string(unit_kind_filter kind);
const char* to_string(unit_sort_key key);

// Throws input_error when the options ask for what `file` does not hold: --sort usd
// on a result without execution figures.
void check_inspection_options(const run_result& result, const inspect_options& options,
                              const std::string& file);

// The USD at risk of a unit, the key of --sort usd: its expected bad debt per path,
// the loss it leaves to the lending protocol (debt without collateral) or to the perp
// venue (execution.bad_debt_usd.mean). NaN without execution figures.
double usd_at_risk(const unit_result& unit);

// The units of the chosen kind, in the chosen order, the first `top` of them.
std::vector<const unit_result*> select_units(const run_result& result,
                                             const inspect_options& options);

// The positions in run order of the units print_inspection shows with `options`:
// select_units' and, in the table of an executed run, those auto-deleveraging took
// most from. `ranked` needs only the columns that rank units (read_result_file with
// a unit_chooser), so that a large file is read for the few units shown.
std::vector<std::size_t> units_shown(const run_result& ranked, const inspect_options& options);

// Table: the run metadata, the unit counts per kind, the shortfall when the run
// executed liquidations, the auto-deleveraged units, the cascades and amplification
// when it had feedback, and the selected units (none when top is 0). CSV and JSON:
// the selected units, machine-readable (docs/inspect.md).
void print_inspection(const run_result& result, std::ostream& out, const inspect_options& options);

// The table with the default options and top_n units (top_n < 0: all), as `levrisk run`
// prints after a run.
void print_inspection(const run_result& result, std::ostream& out, int top_n);

// The selected units as RFC 4180 CSV: a header row of the HDF5 dataset names, one
// row per unit, numbers that read back exactly, NaN as an empty field.
void print_units_csv(const run_result& result, const std::vector<const unit_result*>& units,
                     std::ostream& out);

// The summary and the selected units as one JSON object; NaN and infinity as null.
void print_inspection_json(const run_result& result, const std::vector<const unit_result*>& units,
                           const inspect_options& options, std::ostream& out);

// The run's resolved configuration (/run/resolved_config) as stored, under comment
// lines saying where it comes from, what re-running it writes and which paths in it
// are relative. Throws input_error when `file` holds none.
std::string stored_configuration(const run_result& result, const std::string& file);

// Units by risk: the first top_n of select_units with the default order; top_n < 0:
// all units.
std::vector<const unit_result*> riskiest_units(const run_result& result, int top_n);

// Shortest text that reads back to the same double (std::to_chars); "" for NaN,
// "inf" and "-inf" for the infinities.
std::string format_exact(double value);

// A CSV field: quoted, with quotes doubled, when it holds a comma, a quote or a line
// break (RFC 4180).
std::string csv_field(const std::string& text);

// `text` in at most `width` columns: the middle replaced by "…" when longer, so that
// "<account>/<market>" keeps both ends.
std::string shorten_middle(const std::string& text, std::size_t width);

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
