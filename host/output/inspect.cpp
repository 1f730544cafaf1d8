#include "host/output/inspect.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <toml.hpp>
#include <vector>

#include "common/error.hpp"
#include "common/utf8.hpp"
#include "host/config/integer_text.hpp"
#include "host/config/memory_size.hpp"

namespace levrisk {

namespace {

constexpr int max_decimals = 8;

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", std::clamp(decimals, 0, max_decimals), value);
  return buffer;
}

// Decimals that show `magnitude` to `significant` digits.
int decimals_for(double magnitude, int significant) {
  if (!(magnitude > 0) || !std::isfinite(magnitude)) return 0;
  const int exponent = static_cast<int>(std::floor(std::log10(magnitude)));
  return std::clamp(significant - 1 - exponent, 0, max_decimals);
}

// Three significant digits without trailing zeros: "7", "0.0729", "12.5".
std::string compact(double value) {
  std::string text = fixed(value, decimals_for(std::fabs(value), 3));
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  return text;
}

std::string percent(double probability) {
  if (std::isnan(probability)) return "n/a";
  const double value = probability * 100.0;
  if (value == 0.0) return "0%";
  return fixed(value, decimals_for(std::fabs(value), 3)) + "%";
}

std::string health_factor(double value) {
  if (std::isnan(value)) return "n/a";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return fixed(value, 3);
}

// "hf_min q1% [95% CI]", "hf_min q0.1% [95% CI]"
std::string level_label(double level) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "hf_min q%g%% [95%% CI]", level * 100.0);
  return buffer;
}

// "≤ 0.020" where the value is only an upper bound (results.hpp).
std::string health_factor_or_bound(double value, bool bound) {
  return (bound ? "≤ " : "") + health_factor(value);
}

// A quantile with its order-statistic interval: "0.714 [0.704, 0.724]", or with
// bounds "≤ 0.020 [≤ 0.020, 0.031]".
std::string health_factor_with_interval(const unit_result& u, std::size_t level) {
  if (std::isnan(u.hf_min_quantile[level])) return "n/a";
  return health_factor_or_bound(u.hf_min_quantile[level],
                                is_bound(u.hf_min_quantile_bound, level)) +
         " [" +
         health_factor_or_bound(u.hf_min_quantile_lo[level],
                                is_bound(u.hf_min_quantile_lo_bound, level)) +
         ", " +
         health_factor_or_bound(u.hf_min_quantile_hi[level],
                                is_bound(u.hf_min_quantile_hi_bound, level)) +
         "]";
}

// "MR max q99% [95% CI]": the margin ratio's path maximum at the upper level matching
// the hf_min level.
std::string margin_ratio_label(double hf_level) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "MR max q%g%% [95%% CI]", (1.0 - hf_level) * 100.0);
  return buffer;
}

// "≥ 62.4%" where the value is only a lower bound (results.hpp).
std::string margin_ratio_or_bound(double value, bool bound) {
  return (bound ? "≥ " : "") + percent(value);
}

// A perp unit's margin ratio maximum with its interval, "62.4% [60.1%, 64.0%]", or
// "100%" when the interval is all 100%; blank for lending units, which have none.
std::string margin_ratio_with_interval(const unit_result& u, std::size_t level) {
  if (u.kind == risk_unit_kind::lending_account) return "";
  const std::vector<double>* values[3] = {&u.margin_ratio_max_quantile,
                                          &u.margin_ratio_max_quantile_lo,
                                          &u.margin_ratio_max_quantile_hi};
  for (const std::vector<double>* v : values) {
    if (level >= v->size() || std::isnan((*v)[level])) return "n/a";
  }
  const double point = u.margin_ratio_max_quantile[level];
  const double lo = u.margin_ratio_max_quantile_lo[level];
  const double hi = u.margin_ratio_max_quantile_hi[level];
  if (point == 1.0 && lo == 1.0 && hi == 1.0) return "100%";
  return margin_ratio_or_bound(point, is_bound(u.margin_ratio_max_quantile_bound, level)) + " [" +
         margin_ratio_or_bound(lo, is_bound(u.margin_ratio_max_quantile_lo_bound, level)) + ", " +
         margin_ratio_or_bound(hi, is_bound(u.margin_ratio_max_quantile_hi_bound, level)) + "]";
}

void print_table(const std::vector<std::vector<std::string>>& rows,
                 const std::vector<bool>& right_aligned, std::ostream& out) {
  std::vector<std::size_t> widths(right_aligned.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], display_width(row[c]));
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string padding(widths[c] - display_width(row[c]), ' ');
      if (c > 0) line += "  ";
      line += right_aligned[c] ? padding + row[c] : row[c] + padding;
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << '\n';
  }
}

std::vector<std::size_t> column_widths(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths(rows.empty() ? 0 : rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], display_width(row[c]));
    }
  }
  return widths;
}

// Columns a table prints in, its columns separated by two spaces.
std::size_t table_width(const std::vector<std::vector<std::string>>& rows) {
  const std::vector<std::size_t> widths = column_widths(rows);
  if (widths.empty()) return 0;
  std::size_t width = 2 * (widths.size() - 1);
  for (const std::size_t w : widths) width += w;
  return width;
}

// Shortens the first column's cells (ids; not the header) so that the table fits in
// `width` columns, down to 12; returns whether any cell was shortened.
bool fit_first_column(std::vector<std::vector<std::string>>& rows, std::size_t width) {
  if (rows.empty()) return false;
  const std::vector<std::size_t> widths = column_widths(rows);
  std::size_t others = 2 * (widths.size() - 1);
  for (std::size_t c = 1; c < widths.size(); ++c) others += widths[c];
  constexpr std::size_t narrowest = 12;
  const std::size_t budget =
      std::max({narrowest, display_width(rows.front()[0]), width > others ? width - others : 0});
  bool shortened = false;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    if (display_width(rows[r][0]) > budget) {
      rows[r][0] = shorten_middle(rows[r][0], budget);
      shortened = true;
    }
  }
  return shortened;
}

constexpr const char* shortened_ids_note =
    "…: id shortened to fit the terminal; --wide or --format csv for the full ids\n";

// "8,760 dates, 2024-11-24T01:00:00Z .. 2025-11-24T00:00:00Z, garch filter" from
// the FHS part of a model_fit; empty when there is none.
std::string history_window(const std::string& model_fit) {
  if (model_fit.empty()) return "";
  try {
    std::istringstream text(model_fit);
    const toml::value fit = toml::parse(text, "model_fit");
    if (!fit.contains("fhs")) return "";
    const toml::value& fhs = toml::find(fit, "fhs");
    return format_count(toml::find_or<long long>(fhs, "dates", 0)) + " dates, " +
           toml::find_or<std::string>(fhs, "window_start", "?") + " .. " +
           toml::find_or<std::string>(fhs, "window_end", "?") + ", " +
           toml::find_or<std::string>(fhs, "filter", "?") + " filter";
  } catch (const std::exception&) {
    return "(the model_fit attribute is not valid TOML)";  // shown, not fatal: provenance only
  }
}

// "lending bad debt" for "lending_bad_debt_usd".
std::string total_label(const std::string& name) {
  std::string label = name;
  const std::string suffix = "_usd";
  if (label.size() > suffix.size() &&
      label.compare(label.size() - suffix.size(), suffix.size(), suffix) == 0) {
    label.erase(label.size() - suffix.size());
  }
  std::replace(label.begin(), label.end(), '_', ' ');
  return label;
}

// "99.9%" for 0.999.
std::string level_percent(double level) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g%%", level * 100.0);
  return buffer;
}

std::string usd_with_se(double mean, double se) {
  if (std::isnan(mean)) return "-";
  if (!std::isfinite(se)) return format_usd(mean);
  return format_usd(mean) + " ± " + format_usd(se);
}

// No positive path and a mean of 0: the total is 0 on every path.
bool zero_on_every_path(const loss_distribution& d) {
  return d.probability_positive == 0.0 && d.mean == 0.0;
}

// Totals named *_usd are USD; the others (cascade steps, oracle updates) are counts.
bool is_usd_total(const std::string& name) {
  const std::string suffix = "_usd";
  return name.size() > suffix.size() &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string count_value(double value) {
  return std::isnan(value) ? "n/a" : compact(value);
}

std::string count_with_se(double mean, double se) {
  if (std::isnan(mean)) return "-";
  if (!std::isfinite(se)) return compact(mean);
  if (se == 0) return compact(mean) + " ± 0";
  return format_value_with_se(mean, se);
}

// A figure of the total `name`: USD or a count.
std::string amount(const std::string& name, double value) {
  return is_usd_total(name) ? format_usd(value) : count_value(value);
}

std::string amount_with_se(const std::string& name, double mean, double se) {
  return is_usd_total(name) ? usd_with_se(mean, se) : count_with_se(mean, se);
}

std::string amount_interval(const std::string& name, double lo, double hi) {
  return "[" + amount(name, lo) + ", " + amount(name, hi) + "]";
}

// A total's row in the totals tables: its label, mean ± se, P(>0) and its interval.
std::vector<std::string> total_row(const std::string& name, const loss_distribution& d) {
  return {total_label(name), amount_with_se(name, d.mean, d.mean_se),
          percent(d.probability_positive),
          format_probability_interval(d.probability_positive_lo, d.probability_positive_hi)};
}

void print_totals(const system_result& s, std::ostream& out) {
  std::vector<std::vector<std::string>> rows = {{"total", "mean ± se", "P(>0)", "95% interval"}};
  for (std::size_t t = 0; t < s.totals.size(); ++t) {
    rows.push_back(total_row(s.total_names[t], s.totals[t]));
  }
  print_table(rows, {false, true, true, true}, out);
}

// Whether a unit's venue says more than its kind: the run has two lending protocols
// or two perp exchanges, among its venues or those the listed units name.
bool shows_venues(const run_result& result, const std::vector<const unit_result*>& units) {
  std::set<std::string> lending, perp;
  for (const venue_result& v : result.system.venues) {
    (v.kind == "lending" ? lending : perp).insert(v.id);
  }
  for (const unit_result* u : units) {
    if (u->venue.empty()) continue;  // a file written before units named their venue
    (u->kind == risk_unit_kind::lending_account ? lending : perp).insert(u->venue);
  }
  return lending.size() > 1 || perp.size() > 1;
}

// The main figures of a venue of `kind`, in the order shown; the system's names.
const std::vector<std::string>& venue_figures(const std::string& kind) {
  static const std::vector<std::string> lending = {"book_loss_usd", "lending_bad_debt_usd",
                                                   "lending_reserve_draw_usd",
                                                   "lending_shortfall_usd", "liquidated_usd"};
  static const std::vector<std::string> perp = {"book_loss_usd", "perp_loss_usd",
                                                "fund_draw_usd", "perp_deficit_usd",
                                                "adl_usd",       "liquidated_usd"};
  return kind == "lending" ? lending : perp;
}

const loss_distribution* find_venue_total(const venue_result& v, const std::string& name) {
  for (std::size_t t = 0; t < v.totals.size() && t < v.total_names.size(); ++t) {
    if (v.total_names[t] == name) return &v.totals[t];
  }
  return nullptr;
}

// Each venue's main figures as the system's totals show them, under its kind and
// buffer; figures the venue's file lacks are left out.
void print_venues(const system_result& s, bool wide, std::ostream& out) {
  out << "\nvenues: each one's own figures, USD per path; they add up to the system's\n";
  std::vector<std::vector<std::string>> rows = {
      {"venue", "kind", "buffer", "figure", "mean ± se", "P(>0)", "95% interval"}};
  for (const venue_result& v : s.venues) {
    const std::string buffer =
        (v.kind == "lending" ? "reserve " : "insurance fund ") + format_usd(v.fund_usd);
    bool first = true;
    for (const std::string& name : venue_figures(v.kind)) {
      const loss_distribution* d = find_venue_total(v, name);
      if (d == nullptr) continue;
      std::vector<std::string> row = {first ? v.id : "", first ? v.kind : "", first ? buffer : ""};
      const std::vector<std::string> figure = total_row(name, *d);
      row.insert(row.end(), figure.begin(), figure.end());
      rows.push_back(std::move(row));
      first = false;
    }
    if (first) rows.push_back({v.id, v.kind, buffer, "(no figures)", "", "", ""});
  }
  const bool shortened = !wide && fit_first_column(rows, inspect_table_width);
  print_table(rows, {false, false, false, false, true, true, true}, out);
  if (shortened) out << "…: venue id shortened to fit the terminal; --wide for the full ids\n";
}

// `lead` and the items separated by commas, wrapped to the table width, continuation
// lines indented under the first item.
void print_wrapped(const std::string& lead, const std::vector<std::string>& items,
                   std::ostream& out) {
  const std::size_t indent = display_width(lead);
  std::string line = lead;
  std::size_t width = indent;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string item = items[i] + (i + 1 < items.size() ? "," : "");
    const std::size_t item_width = display_width(item);
    if (width > indent && width + 1 + item_width > inspect_table_width) {
      out << line << '\n';
      line = std::string(indent, ' ');
      width = indent;
    }
    if (width > indent) {
      line += ' ';
      ++width;
    }
    line += item;
    width += item_width;
  }
  out << line << '\n';
}

// One row per total and tail level; totals that are 0 on every path are named below
// instead, as their rows would be all zeros.
void print_tails(const system_result& s, std::ostream& out) {
  std::vector<std::vector<std::string>> rows = {
      {"tail", "level", "VaR", "95% interval", "ES ± se", "tail paths"}};
  std::vector<std::string> zero;
  for (std::size_t t = 0; t < s.totals.size(); ++t) {
    const loss_distribution& d = s.totals[t];
    const std::string label = total_label(s.total_names[t]);
    if (zero_on_every_path(d)) {
      zero.push_back(label);
      continue;
    }
    for (std::size_t l = 0; l < d.tail.size(); ++l) {
      const tail_level& q = d.tail[l];
      const std::string& name = s.total_names[t];
      rows.push_back({l == 0 ? label : "", level_percent(q.level), amount(name, q.var),
                      amount_interval(name, q.var_lo, q.var_hi),
                      amount_with_se(name, q.es, q.es_se), format_count(q.tail_paths)});
    }
  }
  if (rows.size() > 1) print_table(rows, {false, true, true, true, true, true}, out);
  if (!zero.empty()) print_wrapped("0 on every path: ", zero, out);
}

constexpr std::size_t top_assets = 5;

void print_assets_sold(const run_result& result, std::ostream& out) {
  const system_result& s = result.system;
  std::vector<std::size_t> order;
  for (std::size_t k = 0; k < s.asset_sold.size() && k < result.assets.size(); ++k) {
    if (s.asset_sold[k].mean > 0) order.push_back(k);
  }
  if (order.empty()) {
    out << "no asset was sold by liquidations\n";
    return;
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (s.asset_sold[a].mean != s.asset_sold[b].mean) {
      return s.asset_sold[a].mean > s.asset_sold[b].mean;
    }
    return result.assets[a].id < result.assets[b].id;
  });
  if (order.size() > top_assets) order.resize(top_assets);
  out << "top " << order.size() << " assets by mean USD sold by liquidations\n";
  std::vector<std::vector<std::string>> rows = {
      {"asset", "sold ± se", "P(sold)", "bought ± se", "P(bought)"}};
  for (const std::size_t k : order) {
    const loss_distribution& sold = s.asset_sold[k];
    const loss_distribution& bought = s.asset_bought[k];
    rows.push_back({result.assets[k].id, usd_with_se(sold.mean, sold.mean_se),
                    percent(sold.probability_positive), usd_with_se(bought.mean, bought.mean_se),
                    percent(bought.probability_positive)});
  }
  print_table(rows, {false, true, true, true, true}, out);
}

constexpr std::size_t top_auto_deleveraged = 10;

// The perp units auto-deleveraging took from, by expected profit given up (ties in run
// order).
std::vector<const unit_result*> auto_deleveraged(const run_result& result) {
  std::vector<const unit_result*> taken;
  for (const unit_result& u : result.units) {
    if (u.execution.adl_paths > 0) taken.push_back(&u);
  }
  std::stable_sort(taken.begin(), taken.end(), [](const unit_result* a, const unit_result* b) {
    return a->execution.adl_loss_usd.mean > b->execution.adl_loss_usd.mean;
  });
  return taken;
}

// The perp units auto-deleveraging took most from, by expected profit given up.
void print_auto_deleveraged(const run_result& result, bool wide, std::ostream& out) {
  const std::vector<const unit_result*> taken = auto_deleveraged(result);
  if (taken.empty()) return;
  const std::size_t shown = std::min(taken.size(), top_auto_deleveraged);
  out << "\ntop " << shown << " of " << taken.size()
      << " units auto-deleveraged, by mean profit given up\n";
  const std::vector<const unit_result*> listed(taken.begin(),
                                               taken.begin() + static_cast<std::ptrdiff_t>(shown));
  const bool venues = shows_venues(result, listed);
  std::vector<std::string> header = {
      "id", "kind", "P(ADL)", "95% interval", "profit given up ± se", "notional closed ± se"};
  if (venues) header.insert(header.begin() + 2, "venue");
  std::vector<std::vector<std::string>> rows = {header};
  for (const unit_result* u : listed) {
    const unit_execution_result& e = u->execution;
    std::vector<std::string> row = {
        u->id,
        to_string(u->kind),
        percent(e.adl_probability),
        format_probability_interval(e.adl_probability_lo, e.adl_probability_hi),
        usd_with_se(e.adl_loss_usd.mean, e.adl_loss_usd.se),
        usd_with_se(e.adl_notional_usd.mean, e.adl_notional_usd.se)};
    if (venues) row.insert(row.begin() + 2, u->venue);
    rows.push_back(std::move(row));
  }
  std::vector<bool> right_aligned(header.size(), true);
  right_aligned[0] = right_aligned[1] = false;
  if (venues) right_aligned[2] = false;
  const bool shortened = !wide && fit_first_column(rows, inspect_table_width);
  print_table(rows, right_aligned, out);
  if (shortened) out << shortened_ids_note;
}

const loss_distribution* find_total(const system_result& s, const std::string& name) {
  for (std::size_t t = 0; t < s.totals.size() && t < s.total_names.size(); ++t) {
    if (s.total_names[t] == name) return &s.totals[t];
  }
  return nullptr;
}

void print_shortfall(const run_result& result, bool wide, std::ostream& out) {
  const system_result& s = result.system;
  out << "\nshortfall: USD per path over the horizon";
  if (!s.totals.empty()) out << ", " << format_count(s.totals.front().paths) << " paths";
  out << '\n';
  std::vector<std::vector<std::string>> balances = {
      {"lending reserve", format_usd(s.lending_reserve_usd)},
      {"insurance fund", format_usd(s.insurance_fund_usd)},
  };
  if (const loss_distribution* deficit = find_total(s, "perp_deficit_usd")) {
    balances.push_back(
        {"P(fund depleted)", percent(deficit->probability_positive) + " " +
                                 format_probability_interval(deficit->probability_positive_lo,
                                                             deficit->probability_positive_hi) +
                                 " (perp deficit > 0: the rest goes to auto-deleveraging)"});
  }
  if (const loss_distribution* adl = find_total(s, "adl_usd")) {
    balances.push_back({"P(ADL)", percent(adl->probability_positive) + " " +
                                      format_probability_interval(adl->probability_positive_lo,
                                                                  adl->probability_positive_hi) +
                                      " (the book's other side gave up profit)"});
  }
  balances.push_back({"execution", "keeper delay " + std::to_string(s.keeper_delay_steps) +
                                       (s.keeper_delay_steps == 1 ? " step" : " steps") +
                                       ", impact exponent " + compact(s.impact_exponent)});
  print_table(balances, {false, false}, out);
  if (!s.totals.empty()) {
    out << '\n';
    print_totals(s, out);
    out << '\n';
    print_tails(s, out);
  }
  if (!s.venues.empty()) print_venues(s, wide, out);
  if (!s.asset_sold.empty()) {
    out << '\n';
    print_assets_sold(result, out);
  }
  print_auto_deleveraged(result, wide, out);
}

// The rounds histogram, "1: 1,380 steps, 2: 12 steps, ..." up to the most rounds any
// step took, then the steps cut off at max_cascade_rounds.
void print_rounds(const system_result& s, std::ostream& out) {
  const feedback_result& f = s.feedback;
  std::size_t last = 0;
  for (std::size_t r = 1; r < f.rounds_histogram.size(); ++r) {
    if (f.rounds_histogram[r] > 0) last = r;
  }
  std::vector<std::string> items;
  for (std::size_t r = 1; r <= last; ++r) {
    const std::int64_t steps = f.rounds_histogram[r];
    items.push_back(std::to_string(r) + ": " + format_count(steps) +
                    (steps == 1 ? " step" : " steps"));
  }
  if (items.empty()) items.push_back("no step ran a round");
  // A per-path count times the paths: the run's total, as the histogram counts.
  if (const loss_distribution* unconverged = find_total(s, "unconverged_steps")) {
    const double steps = unconverged->mean * static_cast<double>(unconverged->paths);
    items.push_back("unconverged steps: " + format_count(std::llround(steps)));
  }
  print_wrapped("rounds: ", items, out);
}

// The level closest to 0.99 of the drawdown tails (the file's levels are /system's).
std::size_t var_level(const loss_distribution& d) {
  std::size_t best = 0;
  for (std::size_t l = 1; l < d.tail.size(); ++l) {
    if (std::fabs(d.tail[l].level - 0.99) < std::fabs(d.tail[best].level - 0.99)) best = l;
  }
  return best;
}

// The assets whose price liquidations moved most, by mean drawdown (a fraction of the
// price: 1 - the lowest impact multiplier over the horizon).
void print_drawdowns(const run_result& result, std::ostream& out) {
  const std::vector<loss_distribution>& drawdown = result.system.feedback.asset_drawdown;
  std::vector<std::size_t> order;
  for (std::size_t k = 0; k < drawdown.size() && k < result.assets.size(); ++k) {
    if (drawdown[k].mean > 0) order.push_back(k);
  }
  if (order.empty()) {
    out << "no endogenous drawdown: liquidations moved no price for good\n";
    return;
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return drawdown[a].mean > drawdown[b].mean;
  });
  if (order.size() > top_assets) order.resize(top_assets);
  out << "top " << order.size()
      << " assets by mean endogenous drawdown (1 - lowest permanent impact multiplier)\n";
  const loss_distribution& first = drawdown[order.front()];
  const bool tails = !first.tail.empty();
  const std::size_t level = tails ? var_level(first) : 0;
  std::vector<std::string> header = {"asset", "drawdown ± se", "P(>0)"};
  if (tails) header.push_back("VaR " + level_percent(first.tail[level].level));
  std::vector<std::vector<std::string>> rows = {header};
  for (const std::size_t k : order) {
    const loss_distribution& d = drawdown[k];
    std::vector<std::string> row = {result.assets[k].id,
                                    format_probability_with_se(d.mean, d.mean_se),
                                    percent(d.probability_positive)};
    if (tails) row.push_back(level < d.tail.size() ? percent(d.tail[level].var) : "n/a");
    rows.push_back(std::move(row));
  }
  print_table(rows, {false, true, true, true}, out);
}

// Cascades (kernels/risk/feedback_execution.hpp): how often a step took more than one
// round, the rounds, the oracle's publications, the endogenous drawdowns.
void print_cascades(const run_result& result, std::ostream& out) {
  const system_result& s = result.system;
  const feedback_result& f = s.feedback;
  out << "\ncascades: oracle " << (f.oracle ? "on" : "off") << ", permanent impact share "
      << compact(f.permanent_impact_share) << ", at most " << f.max_cascade_rounds
      << (f.max_cascade_rounds == 1 ? " round" : " rounds") << " a step\n";
  std::vector<std::vector<std::string>> rows;
  const auto per_path = [&](const char* label, const char* total) {
    if (const loss_distribution* d = find_total(s, total)) {
      rows.push_back({label, count_with_se(d->mean, d->mean_se) + " per path"});
    }
  };
  per_path("steps with a cascade", "cascade_steps");
  if (f.oracle) per_path("oracle updates", "oracle_updates");
  print_table(rows, {false, false}, out);
  print_rounds(s, out);
  out << '\n';
  print_drawdowns(result, out);
}

// A paired ratio "1.500 ± 0.020"; "n/a" where it is undefined (a counterfactual mean of 0).
std::string ratio_with_se(const ratio_estimate& r) {
  if (std::isnan(r.ratio)) return "n/a";
  return format_value_with_se(r.ratio, r.se);
}

// The amplification table: each figure of the book in the full run and on the same
// paths without permanent impact and with a perfect oracle, and full / each.
void print_amplification(const system_result& s, std::ostream& out) {
  const feedback_result& f = s.feedback;
  if (!f.amplification || f.amplification_rows.empty()) {
    out << "\namplification: not computed ([cascade] amplification = false)\n";
    return;
  }
  out << "\namplification: USD per path on the same " << f.amplification_paths
      << " paths (the first); ratio: full / the counterfactual\n";
  std::vector<std::vector<std::string>> rows = {{"figure", "full ± se", "no permanent ± se",
                                                 "ratio ± se", "perfect oracle ± se",
                                                 "ratio ± se"}};
  for (const amplification_row& row : f.amplification_rows) {
    rows.push_back({total_label(row.figure), usd_with_se(row.full.mean, row.full.se),
                    usd_with_se(row.no_permanent.mean, row.no_permanent.se),
                    ratio_with_se(row.permanent_amplification),
                    usd_with_se(row.perfect_oracle.mean, row.perfect_oracle.se),
                    ratio_with_se(row.oracle_effect)});
  }
  print_table(rows, {false, true, true, true, true, true}, out);
}

void print_feedback(const run_result& result, std::ostream& out) {
  print_cascades(result, out);
  print_amplification(result.system, out);
}

const char* plural_kind(risk_unit_kind kind) {
  switch (kind) {
    case risk_unit_kind::lending_account:
      return "lending accounts";
    case risk_unit_kind::perp_isolated:
      return "perp isolated positions";
    case risk_unit_kind::perp_cross:
      return "perp cross accounts";
  }
  return "units";
}

}  // namespace

std::size_t display_width(const std::string& text) {
  // Continuation bytes of UTF-8 are 10xxxxxx.
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0u) != 0x80u;
  }));
}

std::string format_count(long long count) {
  const std::string digits = std::to_string(count < 0 ? -count : count);
  std::string grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return count < 0 ? "-" + grouped : grouped;
}

std::string format_probability(double probability) {
  return percent(probability);
}

std::string format_probability_with_se(double probability, double se) {
  if (std::isnan(probability)) return "n/a";
  if (!(se > 0) || !std::isfinite(se)) return percent(probability) + " ± " + percent(se);
  const int decimals = decimals_for(se * 100.0, 2);
  return fixed(probability * 100.0, decimals) + "% ± " + fixed(se * 100.0, decimals) + "%";
}

std::string format_probability_interval(double lo, double hi) {
  return "[" + percent(lo) + ", " + percent(hi) + "]";
}

std::string format_usd(double usd) {
  if (std::isnan(usd)) return "n/a";
  const std::string sign = usd < 0 ? "-" : "";
  if (std::isinf(usd)) return sign + "$inf";
  const double magnitude = std::fabs(usd);
  if (magnitude == 0) return "$0";
  static constexpr std::array<const char*, 5> units = {"", "K", "M", "B", "T"};
  double scale = 1.0;
  for (std::size_t unit = 0;; ++unit, scale *= 1000.0) {
    const double scaled = magnitude / scale;
    // Three significant digits, cents at most; 999.7 rounds to "1000": the next unit.
    const std::string text = fixed(scaled, std::min(decimals_for(scaled, 3), 2));
    if (std::stod(text) < 1000.0 || unit + 1 == units.size()) {
      return sign + "$" + text + units[unit];
    }
  }
}

std::string format_value_with_se(double value, double se) {
  if (std::isnan(value)) return "-";
  if (!std::isfinite(se)) return fixed(value, 2);
  if (se == 0) return fixed(value, 2) + " ± 0";
  const int decimals = decimals_for(se, 2);
  return fixed(value, decimals) + " ± " + fixed(se, decimals);
}

namespace {

struct sort_entry {
  bool key_missing;  // NaN: after every unit with a key
  double primary;    // ascending
  double secondary;  // ascending
  std::size_t run_order;
};

bool operator<(const sort_entry& a, const sort_entry& b) {
  if (a.key_missing != b.key_missing) return b.key_missing;
  if (a.primary != b.primary) return a.primary < b.primary;
  if (a.secondary != b.secondary) return a.secondary < b.secondary;
  return a.run_order < b.run_order;
}

bool kind_matches(unit_kind_filter filter, risk_unit_kind kind) {
  switch (filter) {
    case unit_kind_filter::all:
      return true;
    case unit_kind_filter::lending:
      return kind == risk_unit_kind::lending_account;
    case unit_kind_filter::perp:
      return kind != risk_unit_kind::lending_account;
    case unit_kind_filter::perp_isolated:
      return kind == risk_unit_kind::perp_isolated;
    case unit_kind_filter::perp_cross:
      return kind == risk_unit_kind::perp_cross;
  }
  return false;
}

// NaN HF0 (no paths, no figures) sorts last; ties of P(liq) by lowest HF0.
sort_entry sort_entry_of(const unit_result& u, unit_sort_key key, std::size_t run_order) {
  const double hf0 = std::isnan(u.health_factor_initial) ? std::numeric_limits<double>::infinity()
                                                         : u.health_factor_initial;
  switch (key) {
    case unit_sort_key::probability:
      return {std::isnan(u.liquidation_probability), -u.liquidation_probability, hf0, run_order};
    case unit_sort_key::usd: {
      const double usd = usd_at_risk(u);
      return {std::isnan(usd), -usd, 0.0, run_order};
    }
    case unit_sort_key::hf0:
      return {std::isnan(u.health_factor_initial), hf0, 0.0, run_order};
  }
  return {true, 0.0, 0.0, run_order};
}

const char* kind_word(unit_kind_filter kind) {
  switch (kind) {
    case unit_kind_filter::all:
      return "units";
    case unit_kind_filter::lending:
      return "lending accounts";
    case unit_kind_filter::perp:
      return "perp units";
    case unit_kind_filter::perp_isolated:
      return "perp isolated positions";
    case unit_kind_filter::perp_cross:
      return "perp cross accounts";
  }
  return "units";
}

const char* order_words(unit_sort_key key) {
  switch (key) {
    case unit_sort_key::probability:
      return "by liquidation probability, then lowest HF0";
    case unit_sort_key::usd:
      return "by USD at risk: expected bad debt";
    case unit_sort_key::hf0:
      return "by lowest initial health factor";
  }
  return "";
}

// The narrow table's kind column.
const char* short_kind(risk_unit_kind kind) {
  switch (kind) {
    case risk_unit_kind::lending_account:
      return "lending";
    case risk_unit_kind::perp_isolated:
      return "isolated";
    case risk_unit_kind::perp_cross:
      return "cross";
  }
  return "?";
}

std::string first_level_health_factor(const unit_result& u) {
  if (u.hf_min_quantile.empty() || std::isnan(u.hf_min_quantile[0])) return "n/a";
  return health_factor_or_bound(u.hf_min_quantile[0], is_bound(u.hf_min_quantile_bound, 0));
}

std::string first_level_margin_ratio(const unit_result& u) {
  if (u.kind == risk_unit_kind::lending_account) return "-";  // lending has no margin ratio
  if (u.margin_ratio_max_quantile.empty() || std::isnan(u.margin_ratio_max_quantile[0])) {
    return "n/a";
  }
  return margin_ratio_or_bound(u.margin_ratio_max_quantile[0],
                               is_bound(u.margin_ratio_max_quantile_bound, 0));
}

bool any_flag(const std::vector<std::uint8_t>& flags) {
  return std::any_of(flags.begin(), flags.end(), [](std::uint8_t f) { return f != 0; });
}

// The default table: what fits in inspect_table_width, the first hf_min level only.
void print_narrow_units(const run_result& result, const std::vector<const unit_result*>& units,
                        std::ostream& out) {
  const bool executed = result.system.executed;
  const bool levels = !result.hf_min_levels.empty();
  const bool any_perp = std::any_of(units.begin(), units.end(), [](const unit_result* u) {
    return u->kind != risk_unit_kind::lending_account;
  });
  const bool venues = shows_venues(result, units);
  std::vector<std::string> header = {"id", "kind", "HF0", "P(liq) ± se", "E[t|liq] d"};
  if (venues) header.insert(header.begin() + 2, "venue");
  if (executed) header.insert(header.end(), {"P(bad debt)", "E[bad debt]"});
  if (levels) header.push_back("HF min q" + level_percent(result.hf_min_levels[0]));
  if (levels && any_perp)
    header.push_back("MR max q" + level_percent(1.0 - result.hf_min_levels[0]));
  std::vector<std::vector<std::string>> rows = {header};
  bool any_bound = false, any_ratio_bound = false;
  for (const unit_result* u : units) {
    std::vector<std::string> row = {
        u->id, short_kind(u->kind), health_factor(u->health_factor_initial),
        format_probability_with_se(u->liquidation_probability, u->liquidation_probability_se),
        format_value_with_se(u->time_to_liquidation_days, u->time_to_liquidation_se_days)};
    if (venues) row.insert(row.begin() + 2, u->venue);
    if (executed) {
      row.push_back(percent(u->execution.bad_debt_probability));
      row.push_back(format_usd(u->execution.bad_debt_usd.mean));
    }
    if (levels) {
      row.push_back(first_level_health_factor(*u));
      any_bound = any_bound || is_bound(u->hf_min_quantile_bound, 0);
    }
    if (levels && any_perp) {
      row.push_back(first_level_margin_ratio(*u));
      any_ratio_bound = any_ratio_bound || (u->kind != risk_unit_kind::lending_account &&
                                            is_bound(u->margin_ratio_max_quantile_bound, 0));
    }
    rows.push_back(std::move(row));
  }
  // The venue column may not fit beside the shortest ids: the time to liquidation
  // makes room for it (--wide has both).
  std::vector<std::vector<std::string>> fitted = rows;
  bool shortened = fit_first_column(fitted, inspect_table_width);
  const bool without_time = venues && table_width(fitted) > inspect_table_width;
  if (without_time) {
    const auto time_column = static_cast<std::ptrdiff_t>(
        std::find(header.begin(), header.end(), "E[t|liq] d") - header.begin());
    for (std::vector<std::string>& row : rows) row.erase(row.begin() + time_column);
    fitted = rows;
    shortened = fit_first_column(fitted, inspect_table_width);
  }
  std::vector<bool> right_aligned(fitted.front().size(), true);
  right_aligned[0] = right_aligned[1] = false;
  if (venues) right_aligned[2] = false;
  print_table(fitted, right_aligned, out);
  if (shortened) out << shortened_ids_note;
  if (without_time) out << "E[t|liq] left out to fit the venue column; --wide shows it\n";
  if (any_bound) {
    out << "≤ x: at most x; the price move lies beyond the HF-minimum histogram's range "
           "(docs/methodology.md)\n";
  }
  if (any_ratio_bound) out << "≥ x: at least x; the margin ratio of an HF given as a bound\n";
}

// --wide: every hf_min level with its interval, the margin ratio at the first level,
// the ES contributions; ids in full.
void print_wide_units(const run_result& result, const std::vector<const unit_result*>& units,
                      std::ostream& out) {
  const bool executed = result.system.executed;
  const bool venues = shows_venues(result, units);
  std::vector<std::string> header = {"id",          "kind",         "HF0",
                                     "P(liq) ± se", "95% interval", "E[t | liq] days ± se"};
  if (venues) header.insert(header.begin() + 2, "venue");
  if (executed) header.insert(header.end(), {"P(bad debt)", "E[bad debt]", "ES contribution"});
  for (const double level : result.hf_min_levels) header.push_back(level_label(level));
  // Perps' margin ratio at the first hf_min level, beside that level's column.
  const bool any_perp = std::any_of(units.begin(), units.end(), [](const unit_result* u) {
    return u->kind != risk_unit_kind::lending_account;
  });
  const bool margin_ratio_column = any_perp && !result.hf_min_levels.empty();
  const std::size_t first_level_column = header.size() - result.hf_min_levels.size();
  if (margin_ratio_column) {
    header.insert(header.begin() + static_cast<std::ptrdiff_t>(first_level_column) + 1,
                  margin_ratio_label(result.hf_min_levels[0]));
  }
  std::vector<std::vector<std::string>> rows = {header};
  for (const unit_result* u : units) {
    std::vector<std::string> row = {
        u->id,
        to_string(u->kind),
        health_factor(u->health_factor_initial),
        format_probability_with_se(u->liquidation_probability, u->liquidation_probability_se),
        format_probability_interval(u->liquidation_probability_lo, u->liquidation_probability_hi),
        format_value_with_se(u->time_to_liquidation_days, u->time_to_liquidation_se_days)};
    if (venues) row.insert(row.begin() + 2, u->venue);
    if (executed) {
      row.push_back(percent(u->execution.bad_debt_probability));
      row.push_back(format_usd(u->execution.bad_debt_usd.mean));
      row.push_back(format_usd(u->execution.es_contribution_usd.mean));
    }
    for (std::size_t l = 0; l < result.hf_min_levels.size(); ++l) {
      const bool present = l < u->hf_min_quantile.size() && l < u->hf_min_quantile_lo.size() &&
                           l < u->hf_min_quantile_hi.size();
      row.push_back(present ? health_factor_with_interval(*u, l) : "");
      if (l == 0 && margin_ratio_column) row.push_back(margin_ratio_with_interval(*u, 0));
    }
    rows.push_back(std::move(row));
  }
  std::vector<bool> right_aligned(header.size(), true);
  right_aligned[0] = right_aligned[1] = false;
  if (venues) right_aligned[2] = false;
  print_table(rows, right_aligned, out);
  const bool any_bound = std::any_of(units.begin(), units.end(), [](const unit_result* u) {
    return any_flag(u->hf_min_quantile_bound) || any_flag(u->hf_min_quantile_lo_bound) ||
           any_flag(u->hf_min_quantile_hi_bound);
  });
  if (any_bound) {
    out << "≤ x: at most x; the price move lies beyond the HF-minimum histogram's range "
           "(docs/methodology.md)\n";
  }
  // Only the first level's margin ratios are shown.
  const bool any_ratio_bound =
      margin_ratio_column && std::any_of(units.begin(), units.end(), [](const unit_result* u) {
        return is_bound(u->margin_ratio_max_quantile_bound, 0) ||
               is_bound(u->margin_ratio_max_quantile_lo_bound, 0) ||
               is_bound(u->margin_ratio_max_quantile_hi_bound, 0);
      });
  if (any_ratio_bound) out << "≥ x: at least x; the margin ratio of an HF given as a bound\n";
}

void print_summary(const run_result& result, std::ostream& out) {
  const run_metadata& m = result.metadata;
  const double step_days = m.steps > 0 ? m.horizon_days / m.steps : 0.0;
  std::vector<std::vector<std::string>> summary = {
      {"run", m.run_name},
      {"created (UTC)", m.created_utc},
      {"engine", "levrisk " + m.engine_version + ", revision " + m.git_revision},
      {"backend", m.backend + (m.device.empty() ? "" : " (" + m.device + ")")},
      {"model", m.model},
      {"snapshot", m.snapshot},
      {"seed", std::to_string(m.seed)},
      {"paths", format_count(m.paths)},
      {"steps", std::to_string(m.steps) + " of " + compact(step_days) + " days"},
      {"horizon", compact(m.horizon_days) + " days"},
      {"wall time", fixed(m.wall_time_s, 1) + " s"},
      {"assets", std::to_string(result.assets.size())},
  };
  if (m.batch_paths > 0) {  // files written before these attributes have 0
    summary.insert(summary.begin() + 8,
                   {"batch", format_count(m.batch_paths) + " paths (memory budget " +
                                 format_bytes(m.memory_budget_bytes) + ")"});
  }
  if (m.peak_memory_bytes > 0) {
    summary.insert(summary.begin() + 8 + (m.batch_paths > 0),
                   {"memory", format_bytes(m.planned_memory_bytes) + " planned, " +
                                  format_bytes(m.peak_memory_bytes) + " peak (process)"});
  }
  if (const std::string history = history_window(m.model_fit); !history.empty()) {
    summary.push_back({"history", history});
  }
  std::array<std::size_t, 3> counts{0, 0, 0};
  for (const unit_result& unit : result.units) ++counts[static_cast<std::size_t>(unit.kind)];
  const risk_unit_kind kinds[3] = {risk_unit_kind::lending_account, risk_unit_kind::perp_isolated,
                                   risk_unit_kind::perp_cross};
  for (const risk_unit_kind kind : kinds) {
    summary.push_back({plural_kind(kind), std::to_string(counts[static_cast<std::size_t>(kind)])});
  }
  summary.push_back({"units", std::to_string(result.units.size())});
  print_table(summary, {false, false}, out);
}

std::size_t matching_units(const run_result& result, unit_kind_filter kind) {
  return static_cast<std::size_t>(
      std::count_if(result.units.begin(), result.units.end(),
                    [&](const unit_result& u) { return kind_matches(kind, u.kind); }));
}

std::string level_suffix(double level) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "_%g", level);
  return buffer;
}

std::string flag_text(const std::vector<std::uint8_t>& flags, std::size_t level) {
  return is_bound(flags, level) ? "1" : "0";
}

double entry(const std::vector<double>& values, std::size_t level) {
  return level < values.size() ? values[level] : std::numeric_limits<double>::quiet_NaN();
}

// The run order of a unit of result.units.
std::size_t run_order(const run_result& result, const unit_result* u) {
  return static_cast<std::size_t>(u - result.units.data());
}

nlohmann::ordered_json flags_json(const std::vector<std::uint8_t>& flags, std::size_t levels) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (std::size_t l = 0; l < levels; ++l) array.push_back(is_bound(flags, l) ? 1 : 0);
  return array;
}

nlohmann::ordered_json values_json(const std::vector<double>& values, std::size_t levels) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (std::size_t l = 0; l < levels; ++l) array.push_back(entry(values, l));
  return array;
}

nlohmann::ordered_json unit_json(const run_result& result, const unit_result* u) {
  const std::size_t levels = result.hf_min_levels.size();
  nlohmann::ordered_json j;
  j["unit_index"] = run_order(result, u);
  j["id"] = u->id;
  j["kind"] = to_string(u->kind);
  j["venue"] = u->venue;
  j["health_factor_initial"] = u->health_factor_initial;
  j["liquidated_paths"] = u->liquidated_paths;
  j["liquidation_probability"] = u->liquidation_probability;
  j["liquidation_probability_se"] = u->liquidation_probability_se;
  j["liquidation_probability_lo"] = u->liquidation_probability_lo;
  j["liquidation_probability_hi"] = u->liquidation_probability_hi;
  j["time_to_liquidation_days"] = u->time_to_liquidation_days;
  j["time_to_liquidation_se_days"] = u->time_to_liquidation_se_days;
  if (result.system.executed) {
    const unit_execution_result& e = u->execution;
    j["bad_debt_probability"] = e.bad_debt_probability;
    j["bad_debt_probability_lo"] = e.bad_debt_probability_lo;
    j["bad_debt_probability_hi"] = e.bad_debt_probability_hi;
    j["bad_debt_usd"] = e.bad_debt_usd.mean;
    j["bad_debt_usd_se"] = e.bad_debt_usd.se;
    j["es_contribution_usd"] = e.es_contribution_usd.mean;
    j["es_contribution_usd_se"] = e.es_contribution_usd.se;
  }
  j["hf_min_quantile"] = values_json(u->hf_min_quantile, levels);
  j["hf_min_quantile_lo"] = values_json(u->hf_min_quantile_lo, levels);
  j["hf_min_quantile_hi"] = values_json(u->hf_min_quantile_hi, levels);
  j["hf_min_quantile_bound"] = flags_json(u->hf_min_quantile_bound, levels);
  j["hf_min_quantile_lo_bound"] = flags_json(u->hf_min_quantile_lo_bound, levels);
  j["hf_min_quantile_hi_bound"] = flags_json(u->hf_min_quantile_hi_bound, levels);
  j["margin_ratio_max_quantile"] = values_json(u->margin_ratio_max_quantile, levels);
  j["margin_ratio_max_quantile_lo"] = values_json(u->margin_ratio_max_quantile_lo, levels);
  j["margin_ratio_max_quantile_hi"] = values_json(u->margin_ratio_max_quantile_hi, levels);
  j["margin_ratio_max_quantile_bound"] = flags_json(u->margin_ratio_max_quantile_bound, levels);
  j["margin_ratio_max_quantile_lo_bound"] =
      flags_json(u->margin_ratio_max_quantile_lo_bound, levels);
  j["margin_ratio_max_quantile_hi_bound"] =
      flags_json(u->margin_ratio_max_quantile_hi_bound, levels);
  return j;
}

nlohmann::ordered_json run_json(const run_metadata& m) {
  nlohmann::ordered_json j;
  j["run_name"] = m.run_name;
  j["created_utc"] = m.created_utc;
  j["engine_version"] = m.engine_version;
  j["git_revision"] = m.git_revision;
  j["backend"] = m.backend;
  j["device"] = m.device;
  j["model"] = m.model;
  j["snapshot"] = m.snapshot;
  j["seed"] = m.seed;
  j["paths"] = m.paths;
  j["steps"] = m.steps;
  j["horizon_days"] = m.horizon_days;
  j["wall_time_s"] = m.wall_time_s;
  return j;
}

nlohmann::ordered_json distribution_json(const loss_distribution& d) {
  nlohmann::ordered_json j;
  j["mean"] = d.mean;
  j["mean_se"] = d.mean_se;
  j["probability_positive"] = d.probability_positive;
  j["probability_positive_lo"] = d.probability_positive_lo;
  j["probability_positive_hi"] = d.probability_positive_hi;
  nlohmann::ordered_json tail = nlohmann::ordered_json::array();
  for (const tail_level& q : d.tail) {
    tail.push_back({{"level", q.level},
                    {"var", q.var},
                    {"var_lo", q.var_lo},
                    {"var_hi", q.var_hi},
                    {"es", q.es},
                    {"es_se", q.es_se},
                    {"tail_paths", q.tail_paths}});
  }
  j["tail"] = std::move(tail);
  return j;
}

// One object per total: its name and its distribution.
nlohmann::ordered_json totals_json(const std::vector<std::string>& names,
                                   const std::vector<loss_distribution>& totals) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (std::size_t t = 0; t < totals.size() && t < names.size(); ++t) {
    nlohmann::ordered_json total;
    total["name"] = names[t];
    total.update(distribution_json(totals[t]));
    array.push_back(std::move(total));
  }
  return array;
}

// /system/feedback and the assets' drawdowns, named as in the file.
nlohmann::ordered_json feedback_json(const run_result& result) {
  const feedback_result& f = result.system.feedback;
  nlohmann::ordered_json j;
  j["oracle"] = f.oracle;
  j["permanent_impact_share"] = f.permanent_impact_share;
  j["max_cascade_rounds"] = f.max_cascade_rounds;
  j["amplification"] = f.amplification;
  if (f.amplification) j["amplification_paths"] = f.amplification_paths;
  j["rounds_histogram"] = f.rounds_histogram;
  nlohmann::ordered_json drawdowns = nlohmann::ordered_json::array();
  for (std::size_t k = 0; k < f.asset_drawdown.size() && k < result.assets.size(); ++k) {
    nlohmann::ordered_json drawdown;
    drawdown["id"] = result.assets[k].id;
    drawdown.update(distribution_json(f.asset_drawdown[k]));
    drawdowns.push_back(std::move(drawdown));
  }
  j["asset_drawdown"] = std::move(drawdowns);
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const amplification_row& r : f.amplification_rows) {
    rows.push_back({{"figure", r.figure},
                    {"full_mean", r.full.mean},
                    {"full_se", r.full.se},
                    {"no_permanent_mean", r.no_permanent.mean},
                    {"no_permanent_se", r.no_permanent.se},
                    {"perfect_oracle_mean", r.perfect_oracle.mean},
                    {"perfect_oracle_se", r.perfect_oracle.se},
                    {"permanent_amplification", r.permanent_amplification.ratio},
                    {"permanent_amplification_se", r.permanent_amplification.se},
                    {"oracle_effect", r.oracle_effect.ratio},
                    {"oracle_effect_se", r.oracle_effect.se}});
  }
  j["amplification_rows"] = std::move(rows);
  return j;
}

nlohmann::ordered_json system_json(const run_result& result) {
  const system_result& s = result.system;
  nlohmann::ordered_json j;
  j["lending_reserve_usd"] = s.lending_reserve_usd;
  j["insurance_fund_usd"] = s.insurance_fund_usd;
  j["keeper_delay_steps"] = s.keeper_delay_steps;
  j["impact_exponent"] = s.impact_exponent;
  j["contribution_level"] = s.contribution_level;
  j["totals"] = totals_json(s.total_names, s.totals);
  j["feedback"] = s.feedback.enabled ? feedback_json(result) : nlohmann::ordered_json();
  nlohmann::ordered_json venues = nlohmann::ordered_json::array();
  for (const venue_result& v : s.venues) {
    venues.push_back({{"id", v.id},
                      {"kind", v.kind},
                      {"fund_usd", v.fund_usd},
                      {"totals", totals_json(v.total_names, v.totals)}});
  }
  j["venues"] = std::move(venues);
  return j;
}

// `[run] KEY` or `[model.fhs] history` paths that `levrisk run` would read against the
// folder of the file the text is saved in.
std::vector<std::string> relative_paths(const std::string& config) {
  std::vector<std::string> notes;
  try {
    std::istringstream text(config);
    const toml::value root = toml::parse(text, "resolved_config");
    if (root.contains("run")) {
      for (const char* key : {"snapshot", "output_dir"}) {
        const std::string path = toml::find_or<std::string>(root.at("run"), key, "");
        if (!path.empty() && std::filesystem::path(path).is_relative()) {
          notes.push_back(std::string("[run] ") + key + " = '" + path + "'");
        }
      }
    }
    if (root.contains("model") && root.at("model").contains("fhs")) {
      const auto history = toml::find_or<std::vector<std::string>>(
          root.at("model").at("fhs"), "history", std::vector<std::string>{});
      for (const std::string& path : history) {
        if (std::filesystem::path(path).is_relative()) {
          notes.push_back("[model.fhs] history '" + path + "'");
        }
      }
    }
  } catch (const std::exception&) {
    notes.push_back("(the stored text is not valid TOML: levrisk run will say where)");
  }
  return notes;
}

std::string toml_run_string(const std::string& config, const char* key,
                            const std::string& fallback) {
  try {
    std::istringstream text(config);
    const toml::value root = toml::parse(text, "resolved_config");
    if (root.contains("run")) return toml::find_or<std::string>(root.at("run"), key, fallback);
  } catch (const std::exception&) {
  }
  return fallback;
}

}  // namespace

unit_kind_filter parse_unit_kind_filter(const std::string& text) {
  if (text == "all") return unit_kind_filter::all;
  if (text == "lending" || text == "lending_account") return unit_kind_filter::lending;
  if (text == "perp") return unit_kind_filter::perp;
  if (text == "perp_isolated") return unit_kind_filter::perp_isolated;
  if (text == "perp_cross") return unit_kind_filter::perp_cross;
  LEVRISK_FAIL(input_error,
               "--kind must be one of lending, perp_isolated, perp_cross, perp, all; got "
                   << quoted_for_message(text));
}

unit_sort_key parse_unit_sort_key(const std::string& text) {
  if (text == "probability") return unit_sort_key::probability;
  if (text == "usd") return unit_sort_key::usd;
  if (text == "hf0") return unit_sort_key::hf0;
  LEVRISK_FAIL(input_error,
               "--sort must be one of probability, usd, hf0; got " << quoted_for_message(text));
}

inspect_format parse_inspect_format(const std::string& text) {
  if (text == "table") return inspect_format::table;
  if (text == "csv") return inspect_format::csv;
  if (text == "json") return inspect_format::json;
  LEVRISK_FAIL(input_error,
               "--format must be one of table, csv, json; got " << quoted_for_message(text));
}

std::optional<std::size_t> parse_top(const std::string& text) {
  if (text == "all") return std::nullopt;
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
  std::optional<std::int64_t> value = digits ? exact_int64(text) : std::nullopt;
  LEVRISK_REQUIRE(value.has_value(), input_error,
                  "--top must be an integer >= 0 (0: the summary only) or 'all', got "
                      << quoted_for_message(text));
  return static_cast<std::size_t>(*value);
}

const char* to_string(unit_kind_filter kind) {
  switch (kind) {
    case unit_kind_filter::all:
      return "all";
    case unit_kind_filter::lending:
      return "lending";
    case unit_kind_filter::perp:
      return "perp";
    case unit_kind_filter::perp_isolated:
      return "perp_isolated";
    case unit_kind_filter::perp_cross:
      return "perp_cross";
  }
  return "all";
}

const char* to_string(unit_sort_key key) {
  switch (key) {
    case unit_sort_key::probability:
      return "probability";
    case unit_sort_key::usd:
      return "usd";
    case unit_sort_key::hf0:
      return "hf0";
  }
  return "probability";
}

void check_inspection_options(const run_result& result, const inspect_options& options,
                              const std::string& file) {
  LEVRISK_REQUIRE(options.sort != unit_sort_key::usd || result.system.executed, input_error,
                  "--sort usd: '" << file
                                  << "' has no execution results (bad debt) to sort by: the run "
                                     "had [liquidation] execute = false or predates liquidation "
                                     "execution; use --sort probability or --sort hf0");
}

double usd_at_risk(const unit_result& unit) {
  return unit.execution.bad_debt_usd.mean;
}

std::vector<const unit_result*> select_units(const run_result& result,
                                             const inspect_options& options) {
  std::vector<sort_entry> entries;
  entries.reserve(result.units.size());
  for (std::size_t i = 0; i < result.units.size(); ++i) {
    if (kind_matches(options.kind, result.units[i].kind)) {
      entries.push_back(sort_entry_of(result.units[i], options.sort, i));
    }
  }
  // The first `top` of a million units need not sort the million.
  const std::size_t shown = std::min(entries.size(), options.top.value_or(entries.size()));
  std::partial_sort(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(shown),
                    entries.end());
  std::vector<const unit_result*> selected;
  selected.reserve(shown);
  for (std::size_t i = 0; i < shown; ++i) selected.push_back(&result.units[entries[i].run_order]);
  return selected;
}

namespace {

inspect_options default_options_with_top(int top_n) {
  inspect_options options;
  options.top = top_n < 0 ? std::nullopt : std::optional<std::size_t>(top_n);
  return options;
}

}  // namespace

std::vector<std::size_t> units_shown(const run_result& ranked, const inspect_options& options) {
  std::vector<std::size_t> positions;
  for (const unit_result* u : select_units(ranked, options)) {
    positions.push_back(run_order(ranked, u));
  }
  if (options.format == inspect_format::table && ranked.system.executed) {
    const std::vector<const unit_result*> taken = auto_deleveraged(ranked);
    for (std::size_t i = 0; i < taken.size() && i < top_auto_deleveraged; ++i) {
      positions.push_back(run_order(ranked, taken[i]));
    }
  }
  return positions;
}

std::vector<const unit_result*> riskiest_units(const run_result& result, int top_n) {
  return select_units(result, default_options_with_top(top_n));
}

void print_inspection(const run_result& result, std::ostream& out, int top_n) {
  print_inspection(result, out, default_options_with_top(top_n));
}

std::string format_exact(double value) {
  if (std::isnan(value)) return "";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc() ? std::string(buffer, end) : std::string();
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

std::string shorten_middle(const std::string& text, std::size_t width) {
  if (display_width(text) <= width) return text;
  if (width == 0) return "";
  std::vector<std::size_t> starts;  // byte offsets of the code points
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0u) != 0x80u) starts.push_back(i);
  }
  const std::size_t keep = width - 1;  // the rest of the width after "…"
  const std::size_t head = (keep + 1) / 2, tail = keep - head;
  return text.substr(0, starts[head]) + "…" + text.substr(starts[starts.size() - tail]);
}

void print_units_csv(const run_result& result, const std::vector<const unit_result*>& units,
                     std::ostream& out) {
  const bool executed = result.system.executed;
  std::vector<std::string> header = {"unit_index",
                                     "id",
                                     "kind",
                                     "venue",
                                     "health_factor_initial",
                                     "liquidated_paths",
                                     "liquidation_probability",
                                     "liquidation_probability_se",
                                     "liquidation_probability_lo",
                                     "liquidation_probability_hi",
                                     "time_to_liquidation_days",
                                     "time_to_liquidation_se_days"};
  if (executed) {
    header.insert(header.end(), {"bad_debt_probability", "bad_debt_probability_lo",
                                 "bad_debt_probability_hi", "bad_debt_usd", "bad_debt_usd_se",
                                 "es_contribution_usd", "es_contribution_usd_se"});
  }
  const char* per_level[] = {"hf_min_quantile",
                             "hf_min_quantile_lo",
                             "hf_min_quantile_hi",
                             "hf_min_quantile_bound",
                             "hf_min_quantile_lo_bound",
                             "hf_min_quantile_hi_bound",
                             "margin_ratio_max_quantile",
                             "margin_ratio_max_quantile_lo",
                             "margin_ratio_max_quantile_hi",
                             "margin_ratio_max_quantile_bound",
                             "margin_ratio_max_quantile_lo_bound",
                             "margin_ratio_max_quantile_hi_bound"};
  for (const double level : result.hf_min_levels) {
    for (const char* name : per_level) header.push_back(name + level_suffix(level));
  }
  std::string line;
  for (std::size_t c = 0; c < header.size(); ++c) line += (c ? "," : "") + csv_field(header[c]);
  out << line << "\r\n";
  for (const unit_result* u : units) {
    line = std::to_string(run_order(result, u)) + ',' + csv_field(u->id) + ',' +
           to_string(u->kind) + ',' + csv_field(u->venue);
    const auto add = [&](const std::string& field) {
      line += ',';
      line += field;
    };
    add(format_exact(u->health_factor_initial));
    add(std::to_string(u->liquidated_paths));
    for (const double value : {u->liquidation_probability, u->liquidation_probability_se,
                               u->liquidation_probability_lo, u->liquidation_probability_hi,
                               u->time_to_liquidation_days, u->time_to_liquidation_se_days}) {
      add(format_exact(value));
    }
    if (executed) {
      const unit_execution_result& e = u->execution;
      for (const double value : {e.bad_debt_probability, e.bad_debt_probability_lo,
                                 e.bad_debt_probability_hi, e.bad_debt_usd.mean, e.bad_debt_usd.se,
                                 e.es_contribution_usd.mean, e.es_contribution_usd.se}) {
        add(format_exact(value));
      }
    }
    for (std::size_t l = 0; l < result.hf_min_levels.size(); ++l) {
      add(format_exact(entry(u->hf_min_quantile, l)));
      add(format_exact(entry(u->hf_min_quantile_lo, l)));
      add(format_exact(entry(u->hf_min_quantile_hi, l)));
      add(flag_text(u->hf_min_quantile_bound, l));
      add(flag_text(u->hf_min_quantile_lo_bound, l));
      add(flag_text(u->hf_min_quantile_hi_bound, l));
      add(format_exact(entry(u->margin_ratio_max_quantile, l)));
      add(format_exact(entry(u->margin_ratio_max_quantile_lo, l)));
      add(format_exact(entry(u->margin_ratio_max_quantile_hi, l)));
      add(flag_text(u->margin_ratio_max_quantile_bound, l));
      add(flag_text(u->margin_ratio_max_quantile_lo_bound, l));
      add(flag_text(u->margin_ratio_max_quantile_hi_bound, l));
    }
    out << line << "\r\n";
  }
}

void print_inspection_json(const run_result& result, const std::vector<const unit_result*>& units,
                           const inspect_options& options, std::ostream& out) {
  nlohmann::ordered_json counts;
  std::array<std::size_t, 3> per_kind{0, 0, 0};
  for (const unit_result& unit : result.units) ++per_kind[static_cast<std::size_t>(unit.kind)];
  counts["lending_accounts"] = per_kind[0];
  counts["perp_isolated_positions"] = per_kind[1];
  counts["perp_cross_accounts"] = per_kind[2];
  counts["units"] = result.units.size();
  nlohmann::ordered_json selection;
  selection["kind"] = to_string(options.kind);
  selection["sort"] = to_string(options.sort);
  if (options.top) {
    selection["top"] = *options.top;
  } else {
    selection["top"] = "all";
  }
  selection["matching"] = matching_units(result, options.kind);
  selection["listed"] = units.size();
  // Written member by member and unit by unit: a million units never sit in one
  // JSON document in memory.
  out << "{\"format\":\"levrisk-inspect\",\"format_version\":1";
  out << ",\"run\":" << run_json(result.metadata).dump();
  out << ",\"counts\":" << counts.dump();
  out << ",\"hf_min_levels\":" << nlohmann::ordered_json(result.hf_min_levels).dump();
  out << ",\"system\":" << (result.system.executed ? system_json(result).dump() : "null");
  out << ",\"selection\":" << selection.dump();
  out << ",\"units\":[";
  for (std::size_t i = 0; i < units.size(); ++i) {
    out << (i ? ",\n" : "\n") << unit_json(result, units[i]).dump();
  }
  out << "\n]}\n";
}

std::string stored_configuration(const run_result& result, const std::string& file) {
  const run_metadata& m = result.metadata;
  LEVRISK_REQUIRE(!m.resolved_config.empty(), input_error,
                  "--config: '" << file
                                << "' holds no configuration (/run/resolved_config is "
                                   "empty)");
  const std::string name = toml_run_string(m.resolved_config, "name", m.run_name);
  const std::string output_dir = toml_run_string(m.resolved_config, "output_dir", "results");
  std::ostringstream text;
  text << "# The resolved configuration of run '" << m.run_name << "', from " << file
       << " (/run/resolved_config),\n"
       << "# made " << m.created_utc << " by levrisk " << m.engine_version << ", revision "
       << m.git_revision << ".\n"
       << "# `levrisk run --config THIS_FILE` runs it again with the same seed and writes\n"
       << "# " << (std::filesystem::path(output_dir) / (name + ".h5")).string()
       << "; --output-dir or --name keeps the file it came from.\n";
  for (const std::string& note : relative_paths(m.resolved_config)) {
    text << "# relative: " << note << " is read against this file's folder\n";
  }
  text << m.resolved_config;
  if (m.resolved_config.back() != '\n') text << '\n';
  return text.str();
}

void print_inspection(const run_result& result, std::ostream& out, const inspect_options& options) {
  const std::vector<const unit_result*> selected = select_units(result, options);
  if (options.format == inspect_format::csv) {
    print_units_csv(result, selected, out);
    return;
  }
  if (options.format == inspect_format::json) {
    print_inspection_json(result, selected, options, out);
    return;
  }
  print_summary(result, out);
  if (result.system.executed) print_shortfall(result, options.wide, out);
  if (result.system.executed && result.system.feedback.enabled) print_feedback(result, out);
  if (options.top == std::optional<std::size_t>(0)) return;
  if (selected.empty()) {
    out << "\nno " << kind_word(options.kind) << " in this result\n";
    return;
  }
  out << "\nriskiest " << selected.size() << " of " << matching_units(result, options.kind) << ' '
      << kind_word(options.kind) << " (" << order_words(options.sort)
      << (options.wide ? ")\n" : "; --wide: every column)\n");
  if (options.wide) {
    print_wide_units(result, selected, out);
  } else {
    print_narrow_units(result, selected, out);
  }
}

}  // namespace levrisk
