#include "host/output/inspect.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/error.hpp"

#include "host/engine/margin_ratio.hpp"
#include "tests/host/output/output_fixtures.hpp"

namespace levrisk {
namespace {

using test::make_unit;

inspect_options top(int top_n) {
  inspect_options options;
  options.top = top_n < 0 ? std::nullopt : std::optional<std::size_t>(top_n);
  return options;
}

std::string inspection(const run_result& r, const inspect_options& options) {
  std::ostringstream out;
  print_inspection(r, out, options);
  return out.str();
}

std::string inspection(const run_result& r, int top_n) {
  return inspection(r, top(top_n));
}

// --wide: every column.
std::string wide_inspection(const run_result& r, int top_n) {
  inspect_options options = top(top_n);
  options.wide = true;
  return inspection(r, options);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The lines from the table header (starting with "id") to the end.
std::vector<std::string> table_of(const std::string& text) {
  std::vector<std::string> lines = lines_of(text);
  std::vector<std::string> table;
  bool in_table = false;
  for (const std::string& line : lines) {
    if (line.rfind("id ", 0) == 0) {  // the last table with units: the riskiest
      in_table = true;
      table.clear();
    }
    if (in_table) table.push_back(line);
  }
  return table;
}

std::string first_word(const std::string& line) {
  return line.substr(0, line.find(' '));
}

// Five units whose order by risk is known: p = 0.5 twice (HF0 1.02 before 1.2), 0.3,
// 0.001, 0 (never liquidated, NaN time).
run_result ranked_result() {
  run_result r = test::sample_result();
  const std::size_t levels = r.hf_min_levels.size();
  r.units = {
      make_unit("p30", risk_unit_kind::perp_cross, 1.1, 3'000, 10'000, levels),
      make_unit("p0", risk_unit_kind::lending_account, 3.0, 0, 10'000, levels),
      make_unit("p50_hf12", risk_unit_kind::perp_isolated, 1.2, 5'000, 10'000, levels),
      make_unit("p01", risk_unit_kind::lending_account, 1.9, 10, 10'000, levels),
      make_unit("p50_hf102", risk_unit_kind::lending_account, 1.02, 5'000, 10'000, levels),
  };
  return r;
}

TEST(Inspect, PrintsRiskiestFirst) {
  const std::vector<std::string> table = table_of(inspection(ranked_result(), 10));
  ASSERT_EQ(table.size(), 6u);
  std::vector<std::string> ids;
  for (std::size_t i = 1; i < table.size(); ++i) ids.push_back(first_word(table[i]));
  EXPECT_EQ(ids, (std::vector<std::string>{"p50_hf102", "p50_hf12", "p30", "p01", "p0"}));
}

TEST(Inspect, TopNLimitsTheTable) {
  const std::string text = inspection(ranked_result(), 2);
  const std::vector<std::string> table = table_of(text);
  ASSERT_EQ(table.size(), 3u);
  EXPECT_EQ(first_word(table[1]), "p50_hf102");
  EXPECT_EQ(first_word(table[2]), "p50_hf12");
  EXPECT_NE(text.find("riskiest 2 of 5 units"), std::string::npos) << text;
  EXPECT_EQ(text.find("p30"), std::string::npos) << text;
}

TEST(Inspect, TopNZeroPrintsNoTable) {
  const std::string text = inspection(ranked_result(), 0);
  EXPECT_TRUE(table_of(text).empty()) << text;
  EXPECT_EQ(text.find("riskiest"), std::string::npos) << text;
}

TEST(Inspect, NegativeTopNPrintsEveryUnit) {
  EXPECT_EQ(table_of(inspection(ranked_result(), -1)).size(), 6u);
}

TEST(Inspect, TableColumnsAreAligned) {
  for (const bool wide : {false, true}) {
    SCOPED_TRACE(wide ? "wide" : "narrow");
    const std::vector<std::string> table =
        table_of(wide ? wide_inspection(ranked_result(), 10) : inspection(ranked_result(), 10));
    ASSERT_FALSE(table.empty());
    // The last column is right-aligned, so every line of an aligned table has one width.
    for (const std::string& line : table) {
      EXPECT_EQ(display_width(line), display_width(table.front())) << line;
    }
    const std::size_t kind_column = table.front().find("kind");
    EXPECT_EQ(table[1].find(wide ? "lending_account" : "lending"), kind_column) << table[1];
    EXPECT_EQ(table[2].find(wide ? "perp_isolated" : "isolated"), kind_column) << table[2];
  }
}

TEST(Inspect, DefaultTableShowsTheFirstLevelOnly) {
  const std::vector<std::string> table = table_of(inspection(ranked_result(), 10));
  ASSERT_EQ(table.size(), 6u);
  // sample_result's first level is 0.001: the HF minimum's 0.1% quantile and the margin
  // ratio maximum's 99.9% quantile.
  for (const char* column : {"HF0", "P(liq) ± se", "E[t|liq] d", "HF min q0.1%", "MR max q99.9%"}) {
    EXPECT_NE(table[0].find(column), std::string::npos) << column << "\n" << table[0];
  }
  EXPECT_EQ(table[0].find("hf_min q1%"), std::string::npos) << table[0];
  // p50_hf102 (lending): 0.7 x 1.02 = 0.714 at the first level; no margin ratio.
  const std::string& row = table[1];
  EXPECT_NE(row.find("50.00% ± 0.50%"), std::string::npos) << row;
  EXPECT_NE(row.find("2.52 ± 0.12"), std::string::npos) << row;
  EXPECT_NE(row.find("  0.714  "), std::string::npos) << row;
  EXPECT_EQ(row.substr(row.size() - 2), " -") << row;
  EXPECT_EQ(row.find("0.704"), std::string::npos) << row;
}

TEST(Inspect, RowShowsEveryColumn) {
  const std::vector<std::string> table = table_of(wide_inspection(ranked_result(), 1));
  ASSERT_EQ(table.size(), 2u);
  const std::string& header = table[0];
  for (const char* column :
       {"HF0", "P(liq) ± se", "95% interval", "E[t | liq] days ± se", "hf_min q0.1% [95% CI]",
        "hf_min q1% [95% CI]", "hf_min q5% [95% CI]", "hf_min q50% [95% CI]"}) {
    EXPECT_NE(header.find(column), std::string::npos) << column;
  }
  const std::string& row = table[1];
  // make_unit: p = 0.5 of 10,000 paths, se = 0.005, lo/hi = p -/+ 2 se; t = 1.5 + HF0.
  EXPECT_NE(row.find("1.020"), std::string::npos) << row;
  EXPECT_NE(row.find("50.00% ± 0.50%"), std::string::npos) << row;
  EXPECT_NE(row.find("[49.0%, 51.0%]"), std::string::npos) << row;
  EXPECT_NE(row.find("2.52 ± 0.12"), std::string::npos) << row;
  // hf_min quantile at the first level: 0.7 x HF0 = 0.714, interval -/+ 0.01.
  EXPECT_NE(row.find("0.714 [0.704, 0.724]"), std::string::npos) << row;
}

TEST(Inspect, BoundsShowAsAtMost) {
  run_result r = ranked_result();
  r.units[4].hf_min_quantile_bound[0] = 1;  // p50_hf102, the first row
  r.units[4].hf_min_quantile_lo_bound[0] = 1;
  const std::string text = wide_inspection(r, 1);
  const std::vector<std::string> table = table_of(text);
  ASSERT_GE(table.size(), 2u);
  // 0.7 x HF0 = 0.714, interval -/+ 0.01; the upper end is no bound.
  EXPECT_NE(table[1].find("≤ 0.714 [≤ 0.704, 0.724]"), std::string::npos) << table[1];
  EXPECT_NE(text.find("≤ x: at most x"), std::string::npos) << text;
}

TEST(Inspect, NoBoundsNoNote) {
  EXPECT_EQ(inspection(ranked_result(), 10).find("≤"), std::string::npos);
}

// ranked_result with p50_hf12 (perp isolated, the second row) at an HF minimum of 2
// [1.6, 2.5] at the first level, 0.1%: a margin ratio maximum of 50% [40%, 62.5%].
run_result ranked_result_with_margin_ratio() {
  run_result r = ranked_result();
  unit_result& perp = r.units[2];
  perp.hf_min_quantile[0] = 2.0;
  perp.hf_min_quantile_lo[0] = 1.6;
  perp.hf_min_quantile_hi[0] = 2.5;
  set_margin_ratio_quantiles(perp);
  return r;
}

std::string row_of(const std::vector<std::string>& table, const std::string& id) {
  for (const std::string& line : table) {
    if (first_word(line) == id) return line;
  }
  return "(missing)";
}

// The cell after the one ending in `end` (cells are apart by two spaces or more).
std::string cell_after(const std::string& line, const std::string& end) {
  const std::size_t at = line.find(end);
  if (at == std::string::npos) return "(missing)";
  const std::size_t start = line.find_first_not_of(' ', at + end.size());
  if (start == std::string::npos) return "";
  return line.substr(start, line.find("  ", start) - start);
}

TEST(Inspect, PerpRowsShowTheMarginRatioMaximumAtTheFirstLevel) {
  const std::vector<std::string> table =
      table_of(wide_inspection(ranked_result_with_margin_ratio(), 10));
  ASSERT_EQ(table.size(), 6u);
  const std::string& header = table[0];
  // Beside the first level's HF column, at the matching upper level.
  const std::size_t column = header.find("MR max q99.9% [95% CI]");
  ASSERT_NE(column, std::string::npos) << header;
  EXPECT_LT(header.find("hf_min q0.1% [95% CI]"), column) << header;
  EXPECT_GT(header.find("hf_min q1% [95% CI]"), column) << header;
  EXPECT_EQ(cell_after(row_of(table, "p50_hf12"), "2.000 [1.600, 2.500]"), "50.0% [40.0%, 62.5%]");
  // p30 (perp cross): HF 1.1 x 0.7 [0.76, 0.78], below 1 across its interval.
  EXPECT_EQ(cell_after(row_of(table, "p30"), "0.770 [0.760, 0.780]"), "100%");
  // Lending rows leave the column blank: the next cell is the second HF level's.
  const std::string lending = row_of(table, "p50_hf102");
  EXPECT_EQ(cell_after(lending, "0.714 [0.704, 0.724]"), "0.765 [0.755, 0.775]") << lending;
  for (const std::string& line : table) {
    EXPECT_EQ(display_width(line), display_width(header)) << line;
  }
}

TEST(Inspect, MarginRatioBoundsShowAsAtLeast) {
  run_result r = ranked_result_with_margin_ratio();
  r.units[2].hf_min_quantile_bound[0] = 1;
  set_margin_ratio_quantiles(r.units[2]);
  const std::string text = wide_inspection(r, 10);
  EXPECT_EQ(cell_after(row_of(table_of(text), "p50_hf12"), "2.000 [1.600, 2.500]"),
            "≥ 50.0% [40.0%, 62.5%]")
      << text;
  EXPECT_NE(text.find("≥ x: at least x"), std::string::npos) << text;
}

TEST(Inspect, NoMarginRatioBoundsNoNote) {
  EXPECT_EQ(inspection(ranked_result_with_margin_ratio(), 10).find("≥"), std::string::npos);
}

TEST(Inspect, PerpWithoutMarginRatiosShowsNotAvailable) {
  run_result r = ranked_result();
  r.units[2].margin_ratio_max_quantile.assign(4, std::nan(""));  // as read from an older file
  EXPECT_EQ(
      cell_after(row_of(table_of(wide_inspection(r, 10)), "p50_hf12"), "0.840 [0.830, 0.850]"),
      "n/a");
}

TEST(Inspect, NoPerpRowNoMarginRatioColumn) {
  const std::string text = inspection(ranked_result(), 1);  // p50_hf102, a lending account
  EXPECT_EQ(text.find("MR max"), std::string::npos) << text;
}

TEST(Inspect, NeverLiquidatedUnitShowsNoTime) {
  const std::vector<std::string> table = table_of(inspection(ranked_result(), 10));
  const std::string& last = table.back();
  ASSERT_EQ(first_word(last), "p0");
  EXPECT_NE(last.find("0% ± 0%"), std::string::npos) << last;
  EXPECT_NE(last.find(" - "), std::string::npos) << last;
}

TEST(Inspect, PrintsRunMetadataAndCounts) {
  const std::string text = inspection(test::sample_result(), 3);
  for (const char* expected :
       {"nightly", "2024-06-01T02:00:00Z", "levrisk 0.1.0, revision 0123456789ab-dirty",
        "cpu (2 OpenMP threads)", "gbm", "data/snapshot.json", "18446744073709551609", "1,000,000",
        "96 of 0.0729 days", "7 days", "12.4 s", "16,384 paths (memory budget 11.2 GiB)",
        "8,760 dates, 2024-11-24T01:00:00Z .. 2025-11-24T00:00:00Z, garch filter"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
  // Label, spaces, count.
  const auto count_of = [&](const std::string& label) {
    for (const std::string& line : lines_of(text)) {
      if (line.rfind(label + " ", 0) == 0) {
        return line.substr(line.find_first_not_of(' ', label.size()));
      }
    }
    return std::string("(missing)");
  };
  EXPECT_EQ(count_of("lending accounts"), "3");
  EXPECT_EQ(count_of("perp isolated positions"), "2");
  EXPECT_EQ(count_of("perp cross accounts"), "1");
  EXPECT_EQ(count_of("units"), "6");
  EXPECT_EQ(count_of("assets"), "3");
}

TEST(Inspect, EmptyResultPrintsOnlyTheSummary) {
  run_result r = test::sample_result();
  r.units.clear();
  const std::string text = inspection(r, 10);
  EXPECT_EQ(text.find("riskiest"), std::string::npos) << text;
  EXPECT_NE(text.find("nightly"), std::string::npos) << text;
}

TEST(RiskiestUnits, TiesBreakByLowestInitialHealthFactorThenRunOrder) {
  run_result r;
  r.units = {make_unit("b", risk_unit_kind::lending_account, 1.5, 10, 100, 0),
             make_unit("a", risk_unit_kind::lending_account, 1.5, 10, 100, 0),
             make_unit("c", risk_unit_kind::lending_account, 1.4, 10, 100, 0)};
  const std::vector<const unit_result*> order = riskiest_units(r, -1);
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ(order[0]->id, "c");
  EXPECT_EQ(order[1]->id, "b");
  EXPECT_EQ(order[2]->id, "a");
}

TEST(RiskiestUnits, NanProbabilitySortsLast) {
  run_result r;
  r.units = {make_unit("nan", risk_unit_kind::lending_account, 1.0, 0, 100, 0),
             make_unit("zero", risk_unit_kind::lending_account, 2.0, 0, 100, 0)};
  r.units[0].liquidation_probability = std::nan("");
  const std::vector<const unit_result*> order = riskiest_units(r, -1);
  EXPECT_EQ(order[0]->id, "zero");
  EXPECT_EQ(order[1]->id, "nan");
}

TEST(FormatProbability, ThreeSignificantDigits) {
  EXPECT_EQ(format_probability(0.1234), "12.3%");
  EXPECT_EQ(format_probability(0.01234), "1.23%");
  EXPECT_EQ(format_probability(0.000412), "0.0412%");
  EXPECT_EQ(format_probability(1.0), "100%");
  EXPECT_EQ(format_probability(0.0), "0%");
  EXPECT_EQ(format_probability(std::nan("")), "n/a");
}

TEST(FormatProbability, WithStandardErrorToTwoSignificantDigits) {
  EXPECT_EQ(format_probability_with_se(0.1234, 0.0021), "12.34% ± 0.21%");
  EXPECT_EQ(format_probability_with_se(0.1234, 0.021), "12.3% ± 2.1%");
  EXPECT_EQ(format_probability_with_se(0.000412, 0.0000203), "0.0412% ± 0.0020%");
  EXPECT_EQ(format_probability_with_se(0.0, 0.0), "0% ± 0%");
}

TEST(FormatProbability, Interval) {
  EXPECT_EQ(format_probability_interval(0.119, 0.128), "[11.9%, 12.8%]");
  EXPECT_EQ(format_probability_interval(0.0, 0.000368), "[0%, 0.0368%]");
}

TEST(FormatValueWithSe, DecimalsFollowTheStandardError) {
  EXPECT_EQ(format_value_with_se(3.2134, 0.153), "3.21 ± 0.15");
  EXPECT_EQ(format_value_with_se(3.2134, 1.53), "3.2 ± 1.5");
  EXPECT_EQ(format_value_with_se(std::nan(""), std::nan("")), "-");
  EXPECT_EQ(format_value_with_se(3.2134, std::nan("")), "3.21");
}

TEST(FormatCount, GroupsThousands) {
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(1000), "1,000");
  EXPECT_EQ(format_count(1234567), "1,234,567");
  EXPECT_EQ(format_count(-1234), "-1,234");
}

TEST(DisplayWidth, CountsCodePoints) {
  EXPECT_EQ(display_width("± 1"), 3u);
  EXPECT_EQ(display_width("abc"), 3u);
}

// --- liquidation execution ---

// The line of `text` that starts with `start`, or "(missing)".
std::string line_starting(const std::string& text, const std::string& start) {
  for (const std::string& line : lines_of(text)) {
    if (line.rfind(start, 0) == 0) return line;
  }
  return "(missing)";
}

TEST(Inspect, ExecutedRunPrintsTheShortfall) {
  const std::string text = inspection(test::executed_result(), 10);
  for (const char* expected :
       {"shortfall: USD per path over the horizon, 5 paths", "lending reserve   $5.00M",
        "insurance fund    $20.0M", "keeper delay 2 steps, impact exponent 0.5",
        "0 on every path: lending shortfall"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
  // P(fund depleted) is P(perp deficit > 0), with its interval.
  EXPECT_NE(line_starting(text, "P(fund depleted)").find("0.400% [0.310%, 0.520%]"),
            std::string::npos)
      << text;
  // Totals: mean ± se, P(>0) and its interval (make_distribution, scale 1).
  const std::string bad_debt = line_starting(text, "lending bad debt  ");
  for (const char* expected : {"$1.23M ± $12.3K", "12.5%", "[10.0%, 15.0%]"}) {
    EXPECT_NE(bad_debt.find(expected), std::string::npos) << expected << "\n" << bad_debt;
  }
  EXPECT_NE(line_starting(text, "perp deficit  ").find("$12.3K ± $123"), std::string::npos) << text;
  EXPECT_NE(line_starting(text, "fund draw  ").find("$926K ± $9.26K"), std::string::npos) << text;
  EXPECT_NE(line_starting(text, "liquidated  ").find("$12.3M ± $123K"), std::string::npos) << text;
  // Tails: VaR with its interval, ES with its se (none for a tail of one path).
  for (const char* expected :
       {"lending bad debt    95%  $4.56M  [$4.40M, $4.71M]   $5.80M ± $120K           3",
        "                    99%  $9.12M  [$8.80M, $9.42M]   $11.6M ± $240K           2",
        "                  99.9%  $13.7M  [$13.2M, $14.1M]           $17.4M           1",
        "perp deficit        95%  $45.6K  [$44.0K, $47.1K]  $58.0K ± $1.20K           3"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
  // Every total of the run is listed; the one 0 on every path has no tail rows.
  for (const char* total : {"lending bad debt", "lending shortfall", "perp loss", "fund draw",
                            "perp deficit", "liquidated"}) {
    EXPECT_NE(line_starting(text, total), "(missing)") << total;
  }
  EXPECT_EQ(text.find("lending shortfall   95%"), std::string::npos) << text;
}

TEST(Inspect, ExecutedRunPrintsTheAssetsSoldMost) {
  const std::string text = inspection(test::executed_result(), 10);
  EXPECT_NE(text.find("top 3 assets by mean USD sold by liquidations"), std::string::npos) << text;
  // SOL sold most (scale 0.75), then ETH (0.5), then BTC (0.25).
  const std::size_t sol = text.find("\nSOL "), eth = text.find("\nETH "), btc = text.find("\nBTC ");
  ASSERT_NE(sol, std::string::npos) << text;
  EXPECT_LT(sol, eth);
  EXPECT_LT(eth, btc);
  EXPECT_NE(line_starting(text, "SOL ").find("$926K ± $9.26K"), std::string::npos) << text;
}

TEST(Inspect, ExecutedRunAddsBadDebtToTheRiskiestUnits) {
  const std::string text = inspection(test::executed_result(), 10);
  std::vector<std::string> table = table_of(text);
  // The header, six units, the note on erin's shortened id (the 21 columns of
  // "0.000100% ± 0.000100%" leave 12 for ids), frank's note on bounds.
  ASSERT_EQ(table.size(), 9u) << text;
  table.resize(7);
  EXPECT_NE(table[0].find("P(bad debt)  E[bad debt]"), std::string::npos) << table[0];
  // frank (unit 5): 85 bad-debt paths of 1,000,000, a mean bad debt of 12.5 x 6.
  ASSERT_EQ(first_word(table[1]), "frank");
  EXPECT_NE(table[1].find("0.00850%        $75.0"), std::string::npos) << table[1];
  for (const std::string& line : table) {
    EXPECT_EQ(display_width(line), display_width(table.front())) << line;
  }
}

TEST(Inspect, ShortfallSaysHowOftenAutoDeleveragingTookProfit) {
  run_result r = test::executed_result();
  r.system.total_names.push_back("adl_usd");
  r.system.totals.push_back(r.system.totals[4]);
  r.system.totals.back().probability_positive = 0.003;
  const std::string text = inspection(r, 0);
  const std::size_t at = text.find("\nP(ADL) ");
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_NE(text.substr(at, 80).find("0.300%"), std::string::npos) << text.substr(at, 80);
}

TEST(Inspect, AutoDeleveragedUnitsByProfitGivenUp) {
  const std::string text = inspection(test::executed_result(), 0);
  const std::size_t at = text.find("units auto-deleveraged, by mean profit given up");
  ASSERT_NE(at, std::string::npos) << text;
  // Units 1 to 5 were deleveraged on 3 i paths, profit given up 0.75 x their scale:
  // the largest first.
  const std::vector<std::string> lines = lines_of(text.substr(text.rfind('\n', at) + 1));
  EXPECT_EQ(lines[0].rfind("top 5 of 5", 0), 0u) << lines[0];
  EXPECT_NE(lines[1].find("P(ADL)"), std::string::npos) << lines[1];
  EXPECT_EQ(first_word(lines[2]), "frank") << text;
}

TEST(Inspect, RunWithoutExecutionPrintsNoShortfall) {
  const std::string text = inspection(test::sample_result(), 10);
  for (const char* absent :
       {"shortfall", "insurance fund", "P(fund depleted)", "P(bad debt)", "E[bad debt]", "$"}) {
    EXPECT_EQ(text.find(absent), std::string::npos) << absent << "\n" << text;
  }
}

TEST(Inspect, ShortfallIsPrintedWithoutTheUnitTable) {
  const std::string text = inspection(test::executed_result(), 0);
  EXPECT_NE(text.find("P(fund depleted)"), std::string::npos) << text;
  EXPECT_EQ(text.find("riskiest"), std::string::npos) << text;
}

TEST(Inspect, NoAssetSoldIsSaidSo) {
  run_result r = test::executed_result();
  for (loss_distribution& d : r.system.asset_sold) d.mean = 0.0;
  const std::string text = inspection(r, 0);
  EXPECT_NE(text.find("no asset was sold by liquidations"), std::string::npos) << text;
  EXPECT_EQ(text.find("top 3 assets"), std::string::npos) << text;
}

TEST(FormatUsd, ThreeSignificantDigitsInCompactUnits) {
  EXPECT_EQ(format_usd(0.0), "$0");
  EXPECT_EQ(format_usd(-0.0), "$0");
  EXPECT_EQ(format_usd(0.5), "$0.50");
  EXPECT_EQ(format_usd(0.001), "$0.00");
  EXPECT_EQ(format_usd(12.5), "$12.5");
  EXPECT_EQ(format_usd(950.0), "$950");
  EXPECT_EQ(format_usd(999.7), "$1.00K");
  EXPECT_EQ(format_usd(1234.0), "$1.23K");
  EXPECT_EQ(format_usd(12'345.0), "$12.3K");
  EXPECT_EQ(format_usd(123'456.0), "$123K");
  EXPECT_EQ(format_usd(999'999.0), "$1.00M");
  EXPECT_EQ(format_usd(1'234'567.0), "$1.23M");
  EXPECT_EQ(format_usd(-7'890'000'000.0), "-$7.89B");
  EXPECT_EQ(format_usd(4.2e12), "$4.20T");
  EXPECT_EQ(format_usd(4.2e15), "$4200T");
  EXPECT_EQ(format_usd(std::nan("")), "n/a");
  EXPECT_EQ(format_usd(std::numeric_limits<double>::infinity()), "$inf");
}

// --- selection: --kind, --sort, --top ---

std::vector<std::string> ids_of(const std::vector<const unit_result*>& units) {
  std::vector<std::string> ids;
  for (const unit_result* u : units) ids.push_back(u->id);
  return ids;
}

std::vector<std::string> selected_ids(const run_result& r, unit_kind_filter kind, unit_sort_key key,
                                      std::optional<std::size_t> top_n) {
  inspect_options options;
  options.kind = kind;
  options.sort = key;
  options.top = top_n;
  return ids_of(select_units(r, options));
}

using ids = std::vector<std::string>;

// sample_result: alice lending, bob/BTC-PERP isolated, carol cross, dave lending,
// erin/ETH-PERP isolated, frank lending.
TEST(SelectUnits, KindFilters) {
  const run_result r = test::sample_result();
  const auto by_hf0 = [&](unit_kind_filter kind) {
    return selected_ids(r, kind, unit_sort_key::hf0, std::nullopt);
  };
  EXPECT_EQ(by_hf0(unit_kind_filter::lending), (ids{"frank", "alice", "dave"}));
  EXPECT_EQ(by_hf0(unit_kind_filter::perp_isolated), (ids{"erin/ETH-PERP", "bob/BTC-PERP"}));
  EXPECT_EQ(by_hf0(unit_kind_filter::perp_cross), (ids{"carol"}));
  EXPECT_EQ(by_hf0(unit_kind_filter::perp), (ids{"carol", "erin/ETH-PERP", "bob/BTC-PERP"}));
  EXPECT_EQ(by_hf0(unit_kind_filter::all).size(), 6u);
}

// HF0: frank 1.01, carol 1.05, erin 1.1, alice 1.25, bob 1.8, dave inf (no debt).
TEST(SelectUnits, Hf0SortsAscendingInfinityLastThenNan) {
  run_result r = test::sample_result();
  EXPECT_EQ(selected_ids(r, unit_kind_filter::all, unit_sort_key::hf0, std::nullopt),
            (ids{"frank", "carol", "erin/ETH-PERP", "alice", "bob/BTC-PERP", "dave"}));
  r.units[2].health_factor_initial = std::nan("");  // carol
  EXPECT_EQ(selected_ids(r, unit_kind_filter::all, unit_sort_key::hf0, std::nullopt).back(),
            "carol");
}

// executed_result: unit i has a mean bad debt of 12.5 (i + 1), 0 for unit 0 (alice).
TEST(SelectUnits, UsdSortsByExpectedBadDebtDescending) {
  const run_result r = test::executed_result();
  EXPECT_EQ(selected_ids(r, unit_kind_filter::all, unit_sort_key::usd, std::nullopt),
            (ids{"frank", "erin/ETH-PERP", "dave", "carol", "bob/BTC-PERP", "alice"}));
  EXPECT_EQ(usd_at_risk(r.units[5]), 75.0);
}

TEST(SelectUnits, UsdTiesKeepRunOrderAndNanSortsLast) {
  run_result r = test::executed_result();
  for (unit_result& u : r.units) u.execution.bad_debt_usd.mean = 10.0;
  r.units[1].execution.bad_debt_usd.mean = std::nan("");
  EXPECT_EQ(selected_ids(r, unit_kind_filter::all, unit_sort_key::usd, std::nullopt),
            (ids{"alice", "carol", "dave", "erin/ETH-PERP", "frank", "bob/BTC-PERP"}));
}

TEST(SelectUnits, TopTakesTheFirstOfTheOrder) {
  const run_result r = test::executed_result();
  EXPECT_EQ(selected_ids(r, unit_kind_filter::lending, unit_sort_key::usd, 2),
            (ids{"frank", "dave"}));
  EXPECT_TRUE(selected_ids(r, unit_kind_filter::all, unit_sort_key::usd, 0).empty());
  EXPECT_EQ(selected_ids(r, unit_kind_filter::all, unit_sort_key::usd, 100).size(), 6u);
}

TEST(Inspect, TitleNamesTheKindAndTheOrder) {
  inspect_options options = top(2);
  options.kind = unit_kind_filter::lending;
  options.sort = unit_sort_key::usd;
  const std::string text = inspection(test::executed_result(), options);
  EXPECT_NE(text.find("\nriskiest 2 of 3 lending accounts (by USD at risk: expected bad debt; "
                      "--wide: every column)\n"),
            std::string::npos)
      << text;
}

TEST(Inspect, KindWithoutUnitsIsSaidSo) {
  run_result r = test::sample_result();
  r.units.resize(1);  // alice, a lending account
  inspect_options options = top(10);
  options.kind = unit_kind_filter::perp;
  EXPECT_NE(inspection(r, options).find("\nno perp units in this result\n"), std::string::npos);
}

TEST(CheckInspectionOptions, SortByUsdNeedsExecutionResults) {
  inspect_options options;
  options.sort = unit_sort_key::usd;
  EXPECT_NO_THROW(check_inspection_options(test::executed_result(), options, "x.h5"));
  try {
    check_inspection_options(test::sample_result(), options, "results/x.h5");
    FAIL() << "no error";
  } catch (const input_error& e) {
    EXPECT_STREQ(e.what(),
                 "--sort usd: 'results/x.h5' has no execution results (bad debt) to sort by: the "
                 "run had [liquidation] execute = false or predates liquidation execution; use "
                 "--sort probability or --sort hf0");
  }
}

// --- the flags' values ---

std::string parse_error(const std::function<void()>& parse) {
  try {
    parse();
  } catch (const input_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ParseTop, IntegersFromZeroAndAll) {
  EXPECT_EQ(parse_top("0"), std::optional<std::size_t>(0));
  EXPECT_EQ(parse_top("20"), std::optional<std::size_t>(20));
  EXPECT_EQ(parse_top("1000000"), std::optional<std::size_t>(1'000'000));
  EXPECT_EQ(parse_top("all"), std::nullopt);
}

TEST(ParseTop, NegativeIsRefused) {
  EXPECT_EQ(parse_error([] { parse_top("-1"); }),
            "--top must be an integer >= 0 (0: the summary only) or 'all', got '-1'");
}

TEST(ParseTop, TextIsRefused) {
  for (const char* text : {"", "ten", "1.5", "+3", "1e3", "ALL", "99999999999999999999"}) {
    EXPECT_EQ(parse_error([&] { parse_top(text); }),
              std::string("--top must be an integer >= 0 (0: the summary only) or 'all', got '") +
                  text + "'");
  }
}

TEST(ParseKind, TheFiveKinds) {
  EXPECT_EQ(parse_unit_kind_filter("all"), unit_kind_filter::all);
  EXPECT_EQ(parse_unit_kind_filter("lending"), unit_kind_filter::lending);
  EXPECT_EQ(parse_unit_kind_filter("perp"), unit_kind_filter::perp);
  EXPECT_EQ(parse_unit_kind_filter("perp_isolated"), unit_kind_filter::perp_isolated);
  EXPECT_EQ(parse_unit_kind_filter("perp_cross"), unit_kind_filter::perp_cross);
  EXPECT_EQ(parse_error([] { parse_unit_kind_filter("perps"); }),
            "--kind must be one of lending, perp_isolated, perp_cross, perp, all; got 'perps'");
}

TEST(ParseSort, TheThreeKeys) {
  EXPECT_EQ(parse_unit_sort_key("probability"), unit_sort_key::probability);
  EXPECT_EQ(parse_unit_sort_key("usd"), unit_sort_key::usd);
  EXPECT_EQ(parse_unit_sort_key("hf0"), unit_sort_key::hf0);
  EXPECT_EQ(parse_error([] { parse_unit_sort_key("USD"); }),
            "--sort must be one of probability, usd, hf0; got 'USD'");
}

TEST(ParseFormat, TheThreeFormats) {
  EXPECT_EQ(parse_inspect_format("table"), inspect_format::table);
  EXPECT_EQ(parse_inspect_format("csv"), inspect_format::csv);
  EXPECT_EQ(parse_inspect_format("json"), inspect_format::json);
  EXPECT_EQ(parse_error([] { parse_inspect_format("xml"); }),
            "--format must be one of table, csv, json; got 'xml'");
}

// --- fitting 120 columns ---

TEST(ShortenMiddle, KeepsBothEnds) {
  EXPECT_EQ(shorten_middle("abcdefghij", 10), "abcdefghij");
  EXPECT_EQ(shorten_middle("abcdefghij", 5), "ab…ij");  // 2 + 1 + 2 columns
  EXPECT_EQ(shorten_middle("abcdefghij", 6), "abc…ij");
  EXPECT_EQ(display_width(shorten_middle("ααααααααα", 4)), 4u);
}

TEST(Inspect, LongIdsAreShortenedToFitTheWidth) {
  run_result r = test::executed_result();
  const std::string long_id = "0x" + std::string(40, 'a') + "/" + std::string(30, 'b') + "-PERP";
  r.units[5].id = long_id;  // frank, first by P(liq)
  const std::string text = inspection(r, 10);
  for (const std::string& line : lines_of(text)) {
    EXPECT_LE(display_width(line), inspect_table_width) << line;
  }
  EXPECT_EQ(text.find(long_id), std::string::npos) << text;
  EXPECT_NE(text.find("0xaaaa"), std::string::npos) << text;
  EXPECT_NE(text.find("bbb-PERP"), std::string::npos) << text;
  EXPECT_NE(text.find("…: id shortened to fit the terminal"), std::string::npos) << text;
  EXPECT_NE(wide_inspection(r, 10).find(long_id), std::string::npos);
}

TEST(Inspect, DefaultOutputFitsTheWidth) {
  run_result long_rounds = test::feedback_run_result();
  long_rounds.system.feedback.max_cascade_rounds = 40;
  long_rounds.system.feedback.rounds_histogram.assign(41, 123'456);
  for (const run_result& r :
       {test::sample_result(), test::executed_result(), test::feedback_run_result(), long_rounds,
        test::venues_run_result()}) {
    for (const std::string& line : lines_of(inspection(r, 20))) {
      EXPECT_LE(display_width(line), inspect_table_width) << line;
    }
  }
}

// --- feedback: cascades and amplification ---

// The lines of `text` that start with `start`.
std::vector<std::string> lines_starting(const std::string& text, const std::string& start) {
  std::vector<std::string> found;
  for (const std::string& line : lines_of(text)) {
    if (line.rfind(start, 0) == 0) found.push_back(line);
  }
  return found;
}

TEST(Inspect, CountTotalsArePlainNumbers) {
  const std::string text = inspection(test::feedback_run_result(), 0);
  // Totals table, then the tails (make_distribution at scale 1e-5: VaR 45.6 [44, 47.1],
  // ES 58.0 ± 1.2).
  const std::vector<std::string> rows = lines_starting(text, "cascade steps ");
  ASSERT_EQ(rows.size(), 2u) << text;
  EXPECT_NE(rows[0].find("3.020 ± 0.030"), std::string::npos) << rows[0];
  for (const char* expected : {"45.6", "[44, 47.1]", "58.0 ± 1.2"}) {
    EXPECT_NE(rows[1].find(expected), std::string::npos) << expected << "\n" << rows[1];
  }
  for (const char* total :
       {"cascade steps ", "unconverged steps ", "max cascade rounds ", "oracle updates "}) {
    for (const std::string& line : lines_starting(text, total)) {
      EXPECT_EQ(line.find('$'), std::string::npos) << line;
    }
  }
  EXPECT_NE(line_starting(text, "oracle updates ").find("41.5 ± 1.5"), std::string::npos) << text;
  // USD totals keep their dollars.
  EXPECT_NE(line_starting(text, "lending bad debt  ").find("$1.23M ± $12.3K"), std::string::npos);
}

TEST(Inspect, FeedbackRunPrintsTheCascades) {
  const std::string text = inspection(test::feedback_run_result(), 0);
  for (const char* expected :
       {"\ncascades: oracle on, permanent impact share 0.667, at most 4 rounds a step\n",
        "\nsteps with a cascade  3.020 ± 0.030 per path\n",
        "\noracle updates        41.5 ± 1.5 per path\n",
        // 0.8 unconverged steps per path x 5 paths.
        "\nrounds: 1: 1,380 steps, 2: 12 steps, 3: 3 steps, 4: 5 steps, unconverged steps: 4\n"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
  // After the shortfall tables.
  EXPECT_LT(text.find("top 3 assets by mean USD sold"), text.find("\ncascades:"));
}

TEST(Inspect, CascadesWithoutAnOracleShowNoUpdates) {
  run_result r = test::feedback_run_result();
  r.system.feedback.oracle = false;
  const std::string text = inspection(r, 0);
  EXPECT_NE(text.find("cascades: oracle off,"), std::string::npos) << text;
  const std::vector<std::string> lines = lines_of(text);
  const auto per_path = std::count_if(lines.begin(), lines.end(), [](const std::string& line) {
    return line.size() > 9 && line.compare(line.size() - 9, 9, " per path") == 0;
  });
  EXPECT_EQ(per_path, 1) << text;  // the steps with a cascade, not the oracle's updates
}

TEST(Inspect, LongRoundsHistogramWrapsUnderItsLead) {
  run_result r = test::feedback_run_result();
  r.system.feedback.max_cascade_rounds = 40;
  r.system.feedback.rounds_histogram.assign(41, 123'456);
  const std::vector<std::string> lines = lines_of(inspection(r, 0));
  const auto first = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
    return line.rfind("rounds: 1: 123,456 steps, 2: ", 0) == 0;
  });
  ASSERT_NE(first, lines.end());
  ASSERT_NE(first + 1, lines.end());
  EXPECT_EQ((first + 1)->rfind("        ", 0), 0u) << *(first + 1);  // under "1:"
  EXPECT_NE((first + 1)->substr(8, 1), " ") << *(first + 1);
}

TEST(Inspect, FeedbackRunPrintsTheEndogenousDrawdownsLargestFirst) {
  const std::string all = inspection(test::feedback_run_result(), 0);
  const std::size_t table = all.find("top 2 assets by mean endogenous drawdown");
  ASSERT_NE(table, std::string::npos) << all;
  const std::string text = all.substr(table);  // the sold table has the same ids
  // SOL: mean 0.1234567, se 0.0012345, 99% VaR 4.56M x 2 x 1e-7; BTC a tenth of it; ETH
  // never moved, not listed.
  const std::string sol = line_starting(text, "SOL    ");
  for (const char* expected : {"12.35% ± 0.12%", "12.5%", "91.2%"}) {
    EXPECT_NE(sol.find(expected), std::string::npos) << expected << "\n" << text;
  }
  EXPECT_NE(line_starting(text, "BTC    ").find("1.235% ± 0.012%"), std::string::npos) << text;
  EXPECT_NE(line_starting(text, "asset  ").find("VaR 99%"), std::string::npos) << text;
  EXPECT_LT(text.find("\nSOL    "), text.find("\nBTC    "));
}

TEST(Inspect, FeedbackRunPrintsTheAmplificationTable) {
  const std::string text = inspection(test::feedback_run_result(), 0);
  const std::string same =
      "\namplification: USD per path on the same " +
      std::to_string(test::feedback_run_result().system.feedback.amplification_paths) +
      " paths (the first)";
  EXPECT_NE(text.find(same), std::string::npos) << text;
  const std::string header = line_starting(text, "figure  ");
  EXPECT_NE(header.find("full ± se  "), std::string::npos) << header;
  EXPECT_NE(header.find("no permanent ± se"), std::string::npos) << header;
  EXPECT_NE(header.find("perfect oracle ± se"), std::string::npos) << header;
  const std::string book = line_starting(text, "book loss  ");
  std::size_t at = 0;
  for (const char* cell : {"$1.50M ± $20.0K", "$1.00M ± $15.0K", "1.500 ± 0.020", "$1.20M ± $18.0K",
                           "1.250 ± 0.010"}) {
    at = book.find(cell, at);
    EXPECT_NE(at, std::string::npos) << cell << "\n" << book;
  }
  // No loss without permanent impact: the ratio is undefined.
  const std::string uncovered = line_starting(text, "uncovered  ");
  at = 0;
  for (const char* cell : {"$200K ± $5.00K", "$0 ± $0", "n/a", "$160K ± $4.00K", "1.250 ± 0.030"}) {
    at = uncovered.find(cell, at);
    EXPECT_NE(at, std::string::npos) << cell << "\n" << uncovered;
  }
  EXPECT_LT(text.find("\ncascades:"), text.find("\namplification:"));
}

TEST(Inspect, AmplificationNotComputedIsSaidSo) {
  run_result r = test::feedback_run_result();
  r.system.feedback.amplification = false;
  r.system.feedback.amplification_rows.clear();
  const std::string text = inspection(r, 0);
  EXPECT_NE(text.find("\namplification: not computed ([cascade] amplification = false)\n"),
            std::string::npos)
      << text;
}

TEST(Inspect, RunWithoutFeedbackPrintsNeitherCascadesNorAmplification) {
  const std::string text = inspection(test::executed_result(), 0);
  EXPECT_EQ(text.find("cascades:"), std::string::npos) << text;
  EXPECT_EQ(text.find("amplification"), std::string::npos) << text;
}

// --- CSV ---

TEST(FormatExact, ShortestTextThatReadsBack) {
  EXPECT_EQ(format_exact(0.1), "0.1");
  EXPECT_EQ(format_exact(1.0), "1");
  EXPECT_EQ(format_exact(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(format_exact(12.5e-7), "1.25e-06");
  EXPECT_EQ(format_exact(std::nan("")), "");
  EXPECT_EQ(format_exact(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(format_exact(-std::numeric_limits<double>::infinity()), "-inf");
  for (const double x : {0.1 + 0.2, 1e-300, 123456789.123456789, 0.0050124}) {
    EXPECT_EQ(std::stod(format_exact(x)), x) << format_exact(x);
  }
}

TEST(CsvField, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(csv_field("alice"), "alice");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
}

// Splits RFC 4180 records (CRLF) into fields, quotes undone.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> records(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        records.back().back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        records.back().back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      records.back().emplace_back();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      records.emplace_back(1);
      ++i;
    } else {
      records.back().back() += c;
    }
  }
  if (records.back() == std::vector<std::string>(1)) records.pop_back();
  return records;
}

// --- venues ---

// The lines of the venues section, from its title to the blank line after its table.
std::vector<std::string> venues_section(const std::string& text) {
  std::vector<std::string> section;
  bool in_section = false;
  for (const std::string& line : lines_of(text)) {
    if (line.rfind("venues: ", 0) == 0) in_section = true;
    if (!in_section) continue;
    if (line.empty()) break;
    section.push_back(line);
  }
  return section;
}

void expect_cells(const std::string& line, const std::vector<std::string>& cells) {
  for (const std::string& cell : cells) {
    EXPECT_NE(line.find(cell), std::string::npos) << cell << "\n" << line;
  }
}

// make_venue's figures are make_distribution's: mean 1,234,567 x scale, se 12,345 x
// scale, P(>0) 12.5% [10%, 15%] (0% for a scale of 0).
TEST(Inspect, ExecutedRunPrintsEachVenuesMainFigures) {
  const std::vector<std::string> section = venues_section(inspection(test::executed_result(), 0));
  ASSERT_EQ(section.size(), 1u + 1u + 5u + 6u);
  EXPECT_EQ(section[0],
            "venues: each one's own figures, USD per path; they add up to the system's");
  expect_cells(section[1],
               {"venue", "kind", "buffer", "figure", "mean ± se", "P(>0)", "95% interval"});
  // aave-v3: book loss, bad debt and reserve draw at scale 1, no shortfall, 4x liquidated.
  expect_cells(section[2], {"aave-v3", "lending", "reserve $5.00M", "book loss", "$1.23M ± $12.3K",
                            "12.5%", "[10.0%, 15.0%]"});
  expect_cells(section[3], {"lending bad debt", "$1.23M ± $12.3K"});
  expect_cells(section[4], {"lending reserve draw", "$1.23M ± $12.3K"});
  expect_cells(section[5], {"lending shortfall", "$0 ± $0", "0%", "[0%, 0%]"});
  expect_cells(section[6], {"liquidated", "$4.94M ± $49.4K"});
  // hyperliquid: perp loss 2x, fund draw 0.75x, deficit 0.01x, ADL 0.005x, 6x liquidated.
  expect_cells(section[7],
               {"hyperliquid", "perp", "insurance fund $20.0M", "book loss", "$2.47M ± $24.7K"});
  expect_cells(section[8], {"perp loss", "$2.47M ± $24.7K"});
  expect_cells(section[9], {"fund draw", "$926K ± $9.26K"});
  expect_cells(section[10], {"perp deficit", "$12.3K ± $123"});
  expect_cells(section[11], {"adl", "$6.17K ± $61.7"});
  expect_cells(section[12], {"liquidated", "$7.41M ± $74.1K"});
  // The venue, kind and buffer only on a venue's first row; the table aligned.
  EXPECT_EQ(section[3].rfind("   ", 0), 0u) << section[3];
  for (std::size_t i = 1; i < section.size(); ++i) {
    EXPECT_EQ(display_width(section[i]), display_width(section[1])) << section[i];
  }
}

TEST(Inspect, EachVenueShowsTheFiguresOfItsKind) {
  const std::vector<std::string> section = venues_section(inspection(test::executed_result(), 0));
  ASSERT_GE(section.size(), 8u);
  for (std::size_t i = 2; i < 7; ++i) {  // aave-v3's rows
    for (const char* perp : {"perp loss", "fund draw", "perp deficit", "adl "}) {
      EXPECT_EQ(section[i].find(perp), std::string::npos) << section[i];
    }
  }
  for (std::size_t i = 7; i < section.size(); ++i) {  // hyperliquid's
    EXPECT_EQ(section[i].find("lending"), std::string::npos) << section[i];
  }
}

TEST(Inspect, FileWithoutVenuesPrintsNoVenuesSection) {
  run_result r = test::executed_result();
  r.system.venues.clear();
  EXPECT_TRUE(venues_section(inspection(r, 0)).empty());
  EXPECT_TRUE(venues_section(inspection(test::sample_result(), 0)).empty());
}

// One lending protocol and one perp exchange: the kind already says which.
TEST(Inspect, NoVenueColumnWithOneVenueOfEachKind) {
  for (const bool wide : {false, true}) {
    const run_result r = test::executed_result();
    const std::vector<std::string> table =
        table_of(wide ? wide_inspection(r, 10) : inspection(r, 10));
    ASSERT_FALSE(table.empty());
    EXPECT_EQ(table[0].find("venue"), std::string::npos) << table[0];
  }
}

// The narrow table shortens ids to 12 columns and still needs the room of the time to
// liquidation for the venue: the time goes, said below the table.
TEST(Inspect, UnitTablesShowTheVenueWhenAKindHasSeveral) {
  const std::string text = inspection(test::venues_run_result(), 10);
  const std::vector<std::string> table = table_of(text);
  ASSERT_GE(table.size(), 7u) << text;
  const std::size_t venue_column = table[0].find("venue");
  ASSERT_NE(venue_column, std::string::npos) << table[0];
  EXPECT_LT(table[0].find("kind"), venue_column);
  EXPECT_EQ(table[0].find("E[t|liq]"), std::string::npos) << table[0];
  EXPECT_NE(text.find("E[t|liq] left out to fit the venue column; --wide shows it"),
            std::string::npos)
      << text;
  // frank (aave-v3) first, dave (spark) last: P(liq) 0, HF0 infinite.
  EXPECT_EQ(first_word(table[1]), "frank");
  EXPECT_EQ(table[1].find("aave-v3"), venue_column) << table[1];
  EXPECT_EQ(first_word(table[6]), "dave");
  EXPECT_EQ(table[6].find("spark"), venue_column) << table[6];
  const std::vector<std::string> wide = table_of(wide_inspection(test::venues_run_result(), 10));
  ASSERT_GE(wide.size(), 7u);
  EXPECT_NE(wide[0].find("venue"), std::string::npos) << wide[0];
  EXPECT_NE(wide[0].find("E[t | liq] days ± se"), std::string::npos) << wide[0];
  EXPECT_NE(wide[6].find("spark"), std::string::npos) << wide[6];
}

// Where the table fits with the venue, the time to liquidation stays.
TEST(Inspect, NarrowTableKeepsTheTimeWhenTheVenueFits) {
  run_result r = test::sample_result();
  r.units.erase(r.units.begin() + 4);  // erin: the widest P(liq) ± se
  r.units[3].venue = "spark";          // dave
  const std::string text = inspection(r, 10);
  const std::vector<std::string> table = table_of(text);
  ASSERT_FALSE(table.empty());
  EXPECT_NE(table[0].find("venue"), std::string::npos) << table[0];
  EXPECT_NE(table[0].find("E[t|liq] d"), std::string::npos) << table[0];
  EXPECT_EQ(text.find("left out"), std::string::npos) << text;
}

TEST(Inspect, AutoDeleveragedUnitsShowTheirVenueWhenAKindHasSeveral) {
  const std::string text = inspection(test::venues_run_result(), 0);
  const std::size_t at = text.find("units auto-deleveraged, by mean profit given up");
  ASSERT_NE(at, std::string::npos) << text;
  const std::vector<std::string> lines = lines_of(text.substr(text.rfind('\n', at) + 1));
  ASSERT_GE(lines.size(), 3u);
  EXPECT_NE(lines[1].find("venue"), std::string::npos) << lines[1];
  EXPECT_EQ(first_word(lines[2]), "frank");
  EXPECT_NE(lines[2].find("aave-v3"), std::string::npos) << lines[2];
  // One perp exchange: its column would say nothing.
  for (const std::string& line : lines_of(inspection(test::executed_result(), 0))) {
    if (line.rfind("id ", 0) == 0) {
      EXPECT_EQ(line.find("venue"), std::string::npos) << line;
    }
  }
}

std::string csv_of(const run_result& r, const inspect_options& options) {
  inspect_options csv = options;
  csv.format = inspect_format::csv;
  return inspection(r, csv);
}

TEST(InspectCsv, HeaderThenOneRowPerUnitInOrder) {
  const std::string text = csv_of(test::executed_result(), top(3));
  EXPECT_EQ(text.find('\n'), text.find("\r\n") + 1) << "CRLF line ends";
  const auto records = parse_csv(text);
  ASSERT_EQ(records.size(), 4u);
  const std::vector<std::string>& header = records[0];
  ASSERT_GE(header.size(), 18u);
  EXPECT_EQ((std::vector<std::string>(header.begin(), header.begin() + 7)),
            (ids{"unit_index", "id", "kind", "venue", "health_factor_initial", "liquidated_paths",
                 "liquidation_probability"}));
  for (const auto& record : records) EXPECT_EQ(record.size(), header.size());
  // sample_result: frank (run order 5) 48%, carol (2) 25%, alice (0) 0.1234%.
  EXPECT_EQ(records[1][0], "5");
  EXPECT_EQ(records[1][1], "frank");
  EXPECT_EQ(records[1][2], "lending_account");
  EXPECT_EQ(records[1][3], "aave-v3");
  EXPECT_EQ(records[2][1], "carol");
  EXPECT_EQ(records[2][2], "perp_cross");
  EXPECT_EQ(records[3][1], "alice");
}

std::string field(const std::vector<std::vector<std::string>>& records, std::size_t row,
                  const std::string& name) {
  const auto& header = records.at(0);
  const auto at = std::find(header.begin(), header.end(), name);
  if (at == header.end()) return "(no column " + name + ")";
  return records.at(row).at(static_cast<std::size_t>(at - header.begin()));
}

TEST(InspectCsv, NumbersAreExactAndNanIsEmpty) {
  const auto records = parse_csv(csv_of(test::executed_result(), top(-1)));
  ASSERT_EQ(records.size(), 7u);
  // frank: 480,000 of 1,000,000 paths; HF0 1.01; t = 1.5 + 1.01; bad debt 12.5 x 6.
  EXPECT_EQ(field(records, 1, "liquidated_paths"), "480000");
  EXPECT_EQ(field(records, 1, "liquidation_probability"), "0.48");
  EXPECT_EQ(field(records, 1, "health_factor_initial"), "1.01");
  EXPECT_EQ(std::stod(field(records, 1, "time_to_liquidation_days")), 1.5 + 1.01);
  EXPECT_EQ(field(records, 1, "bad_debt_usd"), "75");
  EXPECT_EQ(field(records, 1, "bad_debt_usd_se"), "4.5");
  EXPECT_EQ(field(records, 1, "es_contribution_usd"), "21");
  // se = sqrt(0.48 x 0.52 / 1e6), to the last bit.
  EXPECT_EQ(std::stod(field(records, 1, "liquidation_probability_se")),
            std::sqrt(0.48 * (1 - 0.48) / 1e6));
  // frank's first-level quantile and its lower end are bounds; 0.7 x 1.01.
  EXPECT_EQ(std::stod(field(records, 1, "hf_min_quantile_0.001")), 1.01 * 0.7);
  EXPECT_EQ(field(records, 1, "hf_min_quantile_bound_0.001"), "1");
  EXPECT_EQ(field(records, 1, "hf_min_quantile_hi_bound_0.001"), "0");
  // Lending: no margin ratio (NaN). Never liquidated (bob, dave): no time.
  EXPECT_EQ(field(records, 1, "margin_ratio_max_quantile_0.001"), "");
  const std::size_t last = records.size() - 1;
  EXPECT_EQ(field(records, last, "time_to_liquidation_days"), "");
  EXPECT_EQ(field(records, last, "time_to_liquidation_se_days"), "");
}

TEST(InspectCsv, DebtFreeUnitHasAnInfiniteHealthFactor) {
  inspect_options options = top(-1);
  options.sort = unit_sort_key::hf0;
  const auto records = parse_csv(csv_of(test::sample_result(), options));
  EXPECT_EQ(field(records, records.size() - 1, "id"), "dave");
  EXPECT_EQ(field(records, records.size() - 1, "health_factor_initial"), "inf");
}

TEST(InspectCsv, RunWithoutExecutionHasNoExecutionColumns) {
  const auto records = parse_csv(csv_of(test::sample_result(), top(1)));
  EXPECT_EQ(field(records, 1, "bad_debt_usd"), "(no column bad_debt_usd)");
}

TEST(InspectCsv, IdsWithCommasAreQuoted) {
  run_result r = test::sample_result();
  r.units[5].id = "frank, \"the tank\"";
  const std::string text = csv_of(r, top(1));
  EXPECT_NE(text.find(",\"frank, \"\"the tank\"\"\","), std::string::npos) << text;
  EXPECT_EQ(field(parse_csv(text), 1, "id"), "frank, \"the tank\"");
}

// The venue column is always there: empty for a file written before units named
// their venue.
TEST(InspectCsv, EveryUnitsVenue) {
  const auto records = parse_csv(csv_of(test::venues_run_result(), top(-1)));
  ASSERT_EQ(records.size(), 7u);
  EXPECT_EQ(field(records, 1, "id"), "frank");
  EXPECT_EQ(field(records, 1, "venue"), "aave-v3");
  EXPECT_EQ(field(records, 2, "venue"), "hyperliquid");  // carol
  EXPECT_EQ(field(records, 6, "id"), "dave");
  EXPECT_EQ(field(records, 6, "venue"), "spark");
  run_result old = test::sample_result();
  for (unit_result& u : old.units) u.venue.clear();
  EXPECT_EQ(field(parse_csv(csv_of(old, top(1))), 1, "venue"), "");
}

TEST(InspectCsv, TopZeroIsTheHeaderOnly) {
  EXPECT_EQ(parse_csv(csv_of(test::sample_result(), top(0))).size(), 1u);
}

// --- JSON ---

nlohmann::json json_of(const run_result& r, const inspect_options& options) {
  inspect_options json = options;
  json.format = inspect_format::json;
  return nlohmann::json::parse(inspection(r, json));
}

TEST(InspectJson, SummaryAndTheSelectedUnits) {
  inspect_options options = top(2);
  options.kind = unit_kind_filter::perp;
  const nlohmann::json j = json_of(test::executed_result(), options);
  EXPECT_EQ(j["format"], "levrisk-inspect");
  EXPECT_EQ(j["run"]["run_name"], "nightly");
  EXPECT_EQ(j["run"]["seed"].get<std::uint64_t>(), std::numeric_limits<std::uint64_t>::max() - 6);
  EXPECT_EQ(j["run"]["paths"], 1'000'000);
  EXPECT_EQ(j["counts"]["lending_accounts"], 3);
  EXPECT_EQ(j["counts"]["perp_isolated_positions"], 2);
  EXPECT_EQ(j["counts"]["perp_cross_accounts"], 1);
  EXPECT_EQ(j["counts"]["units"], 6);
  EXPECT_EQ(j["hf_min_levels"], nlohmann::json({0.001, 0.01, 0.05, 0.5}));
  EXPECT_EQ(j["selection"]["kind"], "perp");
  EXPECT_EQ(j["selection"]["sort"], "probability");
  EXPECT_EQ(j["selection"]["top"], 2);
  EXPECT_EQ(j["selection"]["matching"], 3);
  EXPECT_EQ(j["selection"]["listed"], 2);
  ASSERT_EQ(j["units"].size(), 2u);
  // carol 25%, then erin 1 path in 1e6.
  const nlohmann::json& carol = j["units"][0];
  EXPECT_EQ(carol["id"], "carol");
  EXPECT_EQ(carol["unit_index"], 2);
  EXPECT_EQ(carol["kind"], "perp_cross");
  EXPECT_EQ(carol["liquidation_probability"], 0.25);
  EXPECT_EQ(carol["bad_debt_usd"], 37.5);  // 12.5 x 3
  ASSERT_EQ(carol["hf_min_quantile"].size(), 4u);
  EXPECT_EQ(carol["hf_min_quantile"][0].get<double>(), 1.05 * 0.7);
  EXPECT_EQ(carol["hf_min_quantile_bound"], nlohmann::json({0, 0, 0, 0}));
  EXPECT_EQ(j["units"][1]["id"], "erin/ETH-PERP");
}

TEST(InspectJson, NanIsNull) {
  const nlohmann::json j = json_of(test::sample_result(), top(-1));
  const nlohmann::json& last = j["units"].back();  // never liquidated: no time
  EXPECT_TRUE(last["time_to_liquidation_days"].is_null()) << last.dump();
  const nlohmann::json& frank = j["units"][0];
  EXPECT_EQ(frank["id"], "frank");
  EXPECT_TRUE(frank["margin_ratio_max_quantile"][0].is_null()) << frank.dump();
  EXPECT_TRUE(j["system"].is_null());  // no execution
  EXPECT_FALSE(frank.contains("bad_debt_usd"));
}

TEST(InspectJson, SystemTotalsWhenExecuted) {
  const nlohmann::json j = json_of(test::executed_result(), top(0));
  EXPECT_EQ(j["units"].size(), 0u);
  ASSERT_EQ(j["system"]["totals"].size(), 6u);
  const nlohmann::json& bad_debt = j["system"]["totals"][0];
  EXPECT_EQ(bad_debt["name"], "lending_bad_debt_usd");
  EXPECT_EQ(bad_debt["mean"], 1'234'567.0);
  ASSERT_EQ(bad_debt["tail"].size(), 3u);
  EXPECT_EQ(bad_debt["tail"][1]["level"], 0.99);
  EXPECT_EQ(bad_debt["tail"][1]["var"], 9'120'000.0);  // 4.56M x 2
  EXPECT_TRUE(bad_debt["tail"][2]["es_se"].is_null());
  EXPECT_EQ(j["system"]["insurance_fund_usd"], 20'000'000.0);
}

TEST(InspectJson, FeedbackWhenTheRunHadIt) {
  const nlohmann::json j = json_of(test::feedback_run_result(), top(0));
  const nlohmann::json& f = j["system"]["feedback"];
  EXPECT_EQ(f["oracle"], true);
  EXPECT_EQ(f["permanent_impact_share"], 0.6667);
  EXPECT_EQ(f["max_cascade_rounds"], 4);
  EXPECT_EQ(f["amplification"], true);
  EXPECT_EQ(f["amplification_paths"],
            test::feedback_run_result().system.feedback.amplification_paths);
  EXPECT_EQ(f["rounds_histogram"], nlohmann::json({0, 1380, 12, 3, 5}));
  ASSERT_EQ(f["asset_drawdown"].size(), 3u);
  EXPECT_EQ(f["asset_drawdown"][2]["id"], "SOL");
  EXPECT_EQ(f["asset_drawdown"][2]["mean"], 1'234'567.0 * 1e-7);
  EXPECT_EQ(f["asset_drawdown"][2]["tail"][1]["level"], 0.99);
  ASSERT_EQ(f["amplification_rows"].size(), 2u);
  const nlohmann::json& book = f["amplification_rows"][0];
  EXPECT_EQ(book["figure"], "book_loss_usd");
  EXPECT_EQ(book["full_mean"], 1.5e6);
  EXPECT_EQ(book["permanent_amplification"], 1.5);
  EXPECT_EQ(book["oracle_effect_se"], 0.01);
  EXPECT_TRUE(f["amplification_rows"][1]["permanent_amplification"].is_null());
}

TEST(InspectJson, UnitsNameTheirVenue) {
  const nlohmann::json j = json_of(test::venues_run_result(), top(-1));
  ASSERT_EQ(j["units"].size(), 6u);
  EXPECT_EQ(j["units"][0]["id"], "frank");
  EXPECT_EQ(j["units"][0]["venue"], "aave-v3");
  EXPECT_EQ(j["units"][5]["id"], "dave");
  EXPECT_EQ(j["units"][5]["venue"], "spark");
}

TEST(InspectJson, SystemVenuesWithEveryFigure) {
  const nlohmann::json j = json_of(test::venues_run_result(), top(0));
  const nlohmann::json& venues = j["system"]["venues"];
  ASSERT_EQ(venues.size(), 3u);
  EXPECT_EQ(venues[0]["id"], "aave-v3");
  EXPECT_EQ(venues[1]["id"], "spark");
  EXPECT_EQ(venues[1]["kind"], "lending");
  EXPECT_EQ(venues[1]["fund_usd"], 1'000'000.0);
  EXPECT_EQ(venues[2]["kind"], "perp");
  const nlohmann::json& totals = venues[2]["totals"];
  ASSERT_EQ(totals.size(), test::venue_total_names().size());
  EXPECT_EQ(totals[6]["name"], "perp_deficit_usd");
  EXPECT_EQ(totals[6]["mean"], 1'234'567.0 * 0.01);
  EXPECT_EQ(totals[6]["tail"][1]["var"], 4'560'000.0 * 2 * 0.01);
  EXPECT_EQ(venues[1]["totals"][1]["mean"], 1'234'567.0 * 0.5);  // spark's bad debt
}

TEST(InspectJson, NoVenuesIsAnEmptyList) {
  run_result r = test::executed_result();
  r.system.venues.clear();
  const nlohmann::json j = json_of(r, top(0));
  ASSERT_TRUE(j["system"]["venues"].is_array());
  EXPECT_TRUE(j["system"]["venues"].empty());
}

TEST(InspectJson, NoFeedbackIsNull) {
  const nlohmann::json j = json_of(test::executed_result(), top(0));
  ASSERT_TRUE(j["system"].contains("feedback"));
  EXPECT_TRUE(j["system"]["feedback"].is_null());
}

// --- the stored configuration ---

TEST(StoredConfiguration, TheTextUnderCommentsOnWhereItComesFrom) {
  run_result r = test::sample_result();
  r.metadata.resolved_config =
      "[run]\nname = \"nightly\"\nsnapshot = \"/data/sample\"\noutput_dir = \"/srv/results\"\n";
  const std::string text = stored_configuration(r, "results/nightly.h5");
  EXPECT_EQ(text,
            "# The resolved configuration of run 'nightly', from results/nightly.h5 "
            "(/run/resolved_config),\n"
            "# made 2024-06-01T02:00:00Z by levrisk 0.1.0, revision 0123456789ab-dirty.\n"
            "# `levrisk run --config THIS_FILE` runs it again with the same seed and writes\n"
            "# /srv/results/nightly.h5; --output-dir or --name keeps the file it came from.\n" +
                r.metadata.resolved_config);
}

TEST(StoredConfiguration, RelativePathsAreNamed) {
  run_result r = test::sample_result();
  r.metadata.resolved_config =
      "[run]\nname = \"n\"\nsnapshot = \"/data/sample\"\noutput_dir = \"results\"\n\n"
      "[model.fhs]\nhistory = [\"/h/btc.csv\", \"h/eth.csv\"]\n";
  const std::string text = stored_configuration(r, "n.h5");
  EXPECT_NE(text.find("# relative: [run] output_dir = 'results' is read against this file's "
                      "folder\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# relative: [model.fhs] history 'h/eth.csv'"), std::string::npos) << text;
  EXPECT_EQ(text.find("snapshot = '"), std::string::npos) << text;
  EXPECT_EQ(text.find("btc.csv' is"), std::string::npos) << text;
}

TEST(StoredConfiguration, FileWithoutOneIsAnInputError) {
  run_result r = test::sample_result();
  r.metadata.resolved_config.clear();
  EXPECT_EQ(parse_error([&] { stored_configuration(r, "old.h5"); }),
            "--config: 'old.h5' holds no configuration (/run/resolved_config is empty)");
}

}  // namespace
}  // namespace levrisk
