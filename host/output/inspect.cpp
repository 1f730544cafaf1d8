#include "host/output/inspect.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <sstream>
#include <string>
#include <toml.hpp>
#include <vector>

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

std::string usd_interval(double lo, double hi) {
  return "[" + format_usd(lo) + ", " + format_usd(hi) + "]";
}

// No positive path and a mean of 0: the total is 0 on every path.
bool zero_on_every_path(const loss_distribution& d) {
  return d.probability_positive == 0.0 && d.mean == 0.0;
}

void print_totals(const system_result& s, std::ostream& out) {
  std::vector<std::vector<std::string>> rows = {{"total", "mean ± se", "P(>0)", "95% interval"}};
  for (std::size_t t = 0; t < s.totals.size(); ++t) {
    const loss_distribution& d = s.totals[t];
    rows.push_back(
        {total_label(s.total_names[t]), usd_with_se(d.mean, d.mean_se),
         percent(d.probability_positive),
         format_probability_interval(d.probability_positive_lo, d.probability_positive_hi)});
  }
  print_table(rows, {false, true, true, true}, out);
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
      rows.push_back({l == 0 ? label : "", level_percent(q.level), format_usd(q.var),
                      usd_interval(q.var_lo, q.var_hi), usd_with_se(q.es, q.es_se),
                      format_count(q.tail_paths)});
    }
  }
  if (rows.size() > 1) print_table(rows, {false, true, true, true, true, true}, out);
  if (!zero.empty()) {
    std::string names;
    for (const std::string& name : zero) names += (names.empty() ? "" : ", ") + name;
    out << "0 on every path: " << names << '\n';
  }
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

// The perp units auto-deleveraging took most from, by expected profit given up.
void print_auto_deleveraged(const run_result& result, std::ostream& out) {
  std::vector<const unit_result*> taken;
  for (const unit_result& u : result.units) {
    if (u.execution.adl_paths > 0) taken.push_back(&u);
  }
  if (taken.empty()) return;
  std::sort(taken.begin(), taken.end(), [](const unit_result* a, const unit_result* b) {
    if (a->execution.adl_loss_usd.mean != b->execution.adl_loss_usd.mean) {
      return a->execution.adl_loss_usd.mean > b->execution.adl_loss_usd.mean;
    }
    return a->id < b->id;
  });
  const std::size_t shown = std::min(taken.size(), top_auto_deleveraged);
  out << "\ntop " << shown << " of " << taken.size()
      << " units auto-deleveraged, by mean profit given up\n";
  std::vector<std::vector<std::string>> rows = {
      {"id", "kind", "P(ADL)", "95% interval", "profit given up ± se", "notional closed ± se"}};
  for (std::size_t i = 0; i < shown; ++i) {
    const unit_execution_result& e = taken[i]->execution;
    rows.push_back({taken[i]->id, to_string(taken[i]->kind), percent(e.adl_probability),
                    format_probability_interval(e.adl_probability_lo, e.adl_probability_hi),
                    usd_with_se(e.adl_loss_usd.mean, e.adl_loss_usd.se),
                    usd_with_se(e.adl_notional_usd.mean, e.adl_notional_usd.se)});
  }
  print_table(rows, {false, false, true, true, true, true}, out);
}

const loss_distribution* find_total(const system_result& s, const std::string& name) {
  for (std::size_t t = 0; t < s.totals.size() && t < s.total_names.size(); ++t) {
    if (s.total_names[t] == name) return &s.totals[t];
  }
  return nullptr;
}

void print_shortfall(const run_result& result, std::ostream& out) {
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
  if (!s.asset_sold.empty()) {
    out << '\n';
    print_assets_sold(result, out);
  }
  print_auto_deleveraged(result, out);
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

std::vector<const unit_result*> riskiest_units(const run_result& result, int top_n) {
  std::vector<const unit_result*> order;
  order.reserve(result.units.size());
  for (const unit_result& unit : result.units) order.push_back(&unit);
  // NaN probabilities (a unit without paths) sort last rather than breaking the order.
  const auto probability_key = [](const unit_result* u) {
    return std::isnan(u->liquidation_probability) ? -1.0 : u->liquidation_probability;
  };
  std::sort(order.begin(), order.end(), [&](const unit_result* a, const unit_result* b) {
    const double pa = probability_key(a), pb = probability_key(b);
    if (pa != pb) return pa > pb;
    if (a->health_factor_initial != b->health_factor_initial) {
      return a->health_factor_initial < b->health_factor_initial;
    }
    return a->id < b->id;
  });
  if (top_n >= 0 && order.size() > static_cast<std::size_t>(top_n)) {
    order.resize(static_cast<std::size_t>(top_n));
  }
  return order;
}

void print_inspection(const run_result& result, std::ostream& out, int top_n) {
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
  const bool executed = result.system.executed;
  if (executed) print_shortfall(result, out);

  if (top_n == 0 || result.units.empty()) return;
  const std::vector<const unit_result*> riskiest = riskiest_units(result, top_n);
  out << "\nriskiest " << riskiest.size() << " of " << result.units.size()
      << " units (by liquidation probability, then lowest HF0)\n";
  std::vector<std::string> header = {"id",          "kind",         "HF0",
                                     "P(liq) ± se", "95% interval", "E[t | liq] days ± se"};
  if (executed) header.insert(header.end(), {"P(bad debt)", "E[bad debt]"});
  for (const double level : result.hf_min_levels) header.push_back(level_label(level));
  // Perps' margin ratio at the first hf_min level, beside that level's column.
  const bool any_perp = std::any_of(riskiest.begin(), riskiest.end(), [](const unit_result* u) {
    return u->kind != risk_unit_kind::lending_account;
  });
  const bool margin_ratio_column = any_perp && !result.hf_min_levels.empty();
  const std::size_t first_level_column = header.size() - result.hf_min_levels.size();
  if (margin_ratio_column) {
    header.insert(header.begin() + static_cast<std::ptrdiff_t>(first_level_column) + 1,
                  margin_ratio_label(result.hf_min_levels[0]));
  }
  std::vector<std::vector<std::string>> rows = {header};
  for (const unit_result* u : riskiest) {
    std::vector<std::string> row = {
        u->id,
        to_string(u->kind),
        health_factor(u->health_factor_initial),
        format_probability_with_se(u->liquidation_probability, u->liquidation_probability_se),
        format_probability_interval(u->liquidation_probability_lo, u->liquidation_probability_hi),
        format_value_with_se(u->time_to_liquidation_days, u->time_to_liquidation_se_days)};
    if (executed) {
      row.push_back(percent(u->execution.bad_debt_probability));
      row.push_back(format_usd(u->execution.bad_debt_usd.mean));
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
  print_table(rows, right_aligned, out);
  const bool any_bound = std::any_of(riskiest.begin(), riskiest.end(), [](const unit_result* u) {
    for (const auto* flags :
         {&u->hf_min_quantile_bound, &u->hf_min_quantile_lo_bound, &u->hf_min_quantile_hi_bound}) {
      if (std::any_of(flags->begin(), flags->end(), [](std::uint8_t f) { return f != 0; })) {
        return true;
      }
    }
    return false;
  });
  if (any_bound) {
    out << "≤ x: at most x; the price move lies beyond the HF-minimum histogram's range "
           "(docs/methodology.md)\n";
  }
  // Only the first level's margin ratios are shown.
  const bool any_ratio_bound =
      margin_ratio_column &&
      std::any_of(riskiest.begin(), riskiest.end(), [](const unit_result* u) {
        return is_bound(u->margin_ratio_max_quantile_bound, 0) ||
               is_bound(u->margin_ratio_max_quantile_lo_bound, 0) ||
               is_bound(u->margin_ratio_max_quantile_hi_bound, 0);
      });
  if (any_ratio_bound) out << "≥ x: at least x; the margin ratio of an HF given as a bound\n";
}

}  // namespace levrisk
