#include "host/output/inspect.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "host/engine/margin_ratio.hpp"
#include "tests/host/output/output_fixtures.hpp"

namespace levrisk {
namespace {

using test::make_unit;

std::string inspection(const run_result& r, int top_n) {
  std::ostringstream out;
  print_inspection(r, out, top_n);
  return out.str();
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
  const std::vector<std::string> table = table_of(inspection(ranked_result(), 10));
  ASSERT_FALSE(table.empty());
  // The last column is right-aligned, so every line of an aligned table has one width.
  for (const std::string& line : table) {
    EXPECT_EQ(display_width(line), display_width(table.front())) << line;
  }
  const std::size_t kind_column = table.front().find("kind");
  EXPECT_EQ(table[1].find("lending_account"), kind_column) << table[1];
  EXPECT_EQ(table[2].find("perp_isolated"), kind_column) << table[2];
}

TEST(Inspect, RowShowsEveryColumn) {
  const std::vector<std::string> table = table_of(inspection(ranked_result(), 1));
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
  const std::string text = inspection(r, 1);
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
      table_of(inspection(ranked_result_with_margin_ratio(), 10));
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
  const std::string text = inspection(r, 10);
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
  EXPECT_EQ(cell_after(row_of(table_of(inspection(r, 10)), "p50_hf12"), "0.840 [0.830, 0.850]"),
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

TEST(RiskiestUnits, TiesBreakByLowestInitialHealthFactorThenId) {
  run_result r;
  r.units = {make_unit("b", risk_unit_kind::lending_account, 1.5, 10, 100, 0),
             make_unit("a", risk_unit_kind::lending_account, 1.5, 10, 100, 0),
             make_unit("c", risk_unit_kind::lending_account, 1.4, 10, 100, 0)};
  const std::vector<const unit_result*> order = riskiest_units(r, -1);
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ(order[0]->id, "c");
  EXPECT_EQ(order[1]->id, "a");
  EXPECT_EQ(order[2]->id, "b");
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
  ASSERT_EQ(table.size(), 8u) << text;  // the header, six units, frank's note on bounds
  table.pop_back();
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

}  // namespace
}  // namespace levrisk
