#include "host/output/execution_writer.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "host/engine/tail_statistics.hpp"
#include "host/output/dimension_scales.hpp"
#include "host/output/result_format.hpp"

namespace levrisk {

namespace {

// The distribution whose paths and tail levels the /system attributes `paths` and
// `levels` give: the first total, else the first asset's; null when there are none.
const loss_distribution* reference_distribution(const system_result& s) {
  for (const std::vector<loss_distribution>* group : {&s.totals, &s.asset_sold, &s.asset_bought}) {
    if (!group->empty()) return &group->front();
  }
  return nullptr;
}

std::vector<double> levels_of(const loss_distribution& d) {
  std::vector<double> levels;
  levels.reserve(d.tail.size());
  for (const tail_level& t : d.tail) levels.push_back(t.level);
  return levels;
}

std::vector<double> system_levels(const system_result& s) {
  const loss_distribution* reference = reference_distribution(s);
  return reference != nullptr ? levels_of(*reference) : std::vector<double>();
}

std::int64_t system_paths(const system_result& s) {
  const loss_distribution* reference = reference_distribution(s);
  return reference != nullptr ? reference->paths : 0;
}

// The columns of one group of distributions (totals, or the assets' sold or bought
// USD), one row per distribution. Histograms may differ in their number of bins (all
// losses equal: one bin; no paths: none), so each row is padded to the widest: edges
// with NaN, counts with 0, and histogram_bins says how many of a row's entries are real.
struct distribution_columns {
  std::vector<double> mean, mean_se, probability_positive, probability_positive_lo,
      probability_positive_hi;
  std::vector<double> var, var_lo, var_hi, es, es_se;  // [row][level]
  std::vector<std::int64_t> tail_paths;                // [row][level]
  std::vector<std::int64_t> bins;
  std::vector<double> edges;         // [row][edge_columns]
  std::vector<std::int64_t> counts;  // [row][count_columns]
  hsize_t edge_columns = 0, count_columns = 0;
};

distribution_columns columns_of(const std::vector<loss_distribution>& distributions) {
  distribution_columns c;
  std::size_t widest = 0;
  for (const loss_distribution& d : distributions) {
    widest = std::max(widest, d.histogram.counts.size());
  }
  c.count_columns = widest;
  c.edge_columns = widest == 0 ? 0 : widest + 1;
  for (const loss_distribution& d : distributions) {
    c.mean.push_back(d.mean);
    c.mean_se.push_back(d.mean_se);
    c.probability_positive.push_back(d.probability_positive);
    c.probability_positive_lo.push_back(d.probability_positive_lo);
    c.probability_positive_hi.push_back(d.probability_positive_hi);
    for (const tail_level& t : d.tail) {
      c.var.push_back(t.var);
      c.var_lo.push_back(t.var_lo);
      c.var_hi.push_back(t.var_hi);
      c.es.push_back(t.es);
      c.es_se.push_back(t.es_se);
      c.tail_paths.push_back(t.tail_paths);
    }
    const loss_histogram& h = d.histogram;
    c.bins.push_back(static_cast<std::int64_t>(h.counts.size()));
    std::vector<double> edges(static_cast<std::size_t>(c.edge_columns),
                              std::numeric_limits<double>::quiet_NaN());
    std::copy(h.edges.begin(), h.edges.end(), edges.begin());
    c.edges.insert(c.edges.end(), edges.begin(), edges.end());
    std::vector<std::int64_t> counts(static_cast<std::size_t>(c.count_columns), 0);
    std::copy(h.counts.begin(), h.counts.end(), counts.begin());
    c.counts.insert(c.counts.end(), counts.begin(), counts.end());
  }
  return c;
}

// `prefix` + mean, mean_se, probability_positive(_lo, _hi), var, var_lo, var_hi, es,
// es_se, tail_paths, histogram_bins, histogram_edges, histogram_counts.
void write_distributions(const hdf5_writer& writer, hid_t group, const std::string& group_path,
                         const std::string& prefix,
                         const std::vector<loss_distribution>& distributions,
                         std::size_t n_levels) {
  const distribution_columns c = columns_of(distributions);
  const hsize_t n = distributions.size();
  const hsize_t levels = n_levels;
  const auto name = [&](const char* column) { return prefix + column; };
  writer.numeric_dataset(group, group_path, name("mean"), c.mean, n);
  writer.numeric_dataset(group, group_path, name("mean_se"), c.mean_se, n);
  writer.numeric_dataset(group, group_path, name("probability_positive"), c.probability_positive,
                         n);
  writer.numeric_dataset(group, group_path, name("probability_positive_lo"),
                         c.probability_positive_lo, n);
  writer.numeric_dataset(group, group_path, name("probability_positive_hi"),
                         c.probability_positive_hi, n);
  writer.numeric_dataset(group, group_path, name("var"), c.var, n, levels);
  writer.numeric_dataset(group, group_path, name("var_lo"), c.var_lo, n, levels);
  writer.numeric_dataset(group, group_path, name("var_hi"), c.var_hi, n, levels);
  writer.numeric_dataset(group, group_path, name("es"), c.es, n, levels);
  writer.numeric_dataset(group, group_path, name("es_se"), c.es_se, n, levels);
  writer.numeric_dataset(group, group_path, name("tail_paths"), c.tail_paths, n, levels);
  writer.numeric_dataset(group, group_path, name("histogram_bins"), c.bins, n);
  writer.numeric_dataset(group, group_path, name("histogram_edges"), c.edges, n, c.edge_columns);
  writer.numeric_dataset(group, group_path, name("histogram_counts"), c.counts, n, c.count_columns);
}

// The figures of a group of totals (/system, or a venue's subgroup): attributes
// `levels` and `paths`, the names in dataset `total_names`, then the distributions'
// columns, one row per total.
void write_totals(const hdf5_writer& writer, hid_t group, const std::string& group_path,
                  const std::vector<std::string>& names,
                  const std::vector<loss_distribution>& totals, const std::vector<double>& levels,
                  std::int64_t paths) {
  writer.double_array_attribute(group, group_path, result_format::levels_attribute, levels);
  writer.scalar_attribute<std::int64_t>(group, group_path, "paths", paths);
  writer.string_dataset(group, group_path, "total_names", names);
  write_distributions(writer, group, group_path, "", totals, levels.size());
}

// /system/venues: the venues' ids, and per venue a subgroup named by its index.
void write_venues_group(const hdf5_writer& writer, hid_t file,
                        const std::vector<venue_result>& venues, const std::vector<double>& levels,
                        std::int64_t paths) {
  const hdf5::group_handle group = writer.create_group(file, result_format::venues_group);
  const std::string at = std::string("/") + result_format::venues_group;
  std::vector<std::string> ids;
  ids.reserve(venues.size());
  for (const venue_result& v : venues) ids.push_back(v.id);
  writer.string_dataset(group.get(), at, "id", ids);
  for (std::size_t i = 0; i < venues.size(); ++i) {
    const venue_result& v = venues[i];
    const std::string name = std::string(result_format::venues_group) + "/" + std::to_string(i);
    const hdf5::group_handle venue = writer.create_group(file, name);
    const std::string venue_at = "/" + name;
    writer.string_attribute(venue.get(), venue_at, "id", v.id);
    writer.string_attribute(venue.get(), venue_at, "kind", v.kind);
    writer.scalar_attribute<double>(venue.get(), venue_at, "fund_usd", v.fund_usd);
    write_totals(writer, venue.get(), venue_at, v.total_names, v.totals, levels, paths);
  }
}

void validate_distribution(const loss_distribution& d, const std::string& label,
                           const loss_distribution& reference, const std::string& reference_label,
                           const hdf5::error_context& context) {
  if (d.paths != reference.paths) {
    context.fail("the distribution of " + label + " is over " + std::to_string(d.paths) +
                 " paths, that of " + reference_label + " over " + std::to_string(reference.paths) +
                 "; all must share one number of paths");
  }
  if (levels_of(d) != levels_of(reference)) {
    context.fail("the distribution of " + label + " has tail levels differing from those of " +
                 reference_label + "; all must share the tail levels");
  }
  const loss_histogram& h = d.histogram;
  const bool empty = h.edges.empty() && h.counts.empty();
  if (!empty && h.edges.size() != h.counts.size() + 1) {
    context.fail("the histogram of " + label + " has " + std::to_string(h.edges.size()) +
                 " edges for " + std::to_string(h.counts.size()) +
                 " bins, expected bins + 1 edges (or none)");
  }
}

// The counts of the feedback figures; their distributions are checked with the others.
void validate_feedback_counts(const feedback_result& f, std::size_t n_assets,
                              const hdf5::error_context& context) {
  if (!f.enabled) return;
  if (f.max_cascade_rounds < 0 ||
      f.rounds_histogram.size() != static_cast<std::size_t>(f.max_cascade_rounds) + 1) {
    context.fail("the feedback result has a rounds histogram of " +
                 std::to_string(f.rounds_histogram.size()) + " entries for max_cascade_rounds " +
                 std::to_string(f.max_cascade_rounds) + ", expected max_cascade_rounds + 1");
  }
  if (f.asset_drawdown.size() != n_assets) {
    context.fail("the feedback result has " + std::to_string(f.asset_drawdown.size()) +
                 " drawdown distributions, expected " + std::to_string(n_assets) +
                 " (one per asset)");
  }
  if (!f.amplification && !f.amplification_rows.empty()) {
    context.fail("the feedback result has " + std::to_string(f.amplification_rows.size()) +
                 " amplification rows but no amplification passes ran");
  }
}

// A venue's kind and its names against its totals; its distributions are checked
// with the others.
void validate_venue_counts(const venue_result& v, const hdf5::error_context& context) {
  if (v.kind != "lending" && v.kind != "perp") {
    context.fail("venue '" + v.id + "' has kind '" + v.kind + "', expected 'lending' or 'perp'");
  }
  if (v.total_names.size() != v.totals.size()) {
    context.fail("venue '" + v.id + "' has " + std::to_string(v.total_names.size()) +
                 " total names for " + std::to_string(v.totals.size()) + " totals");
  }
}

// One row per figure of the book (amplification_row), `figure` the dimension scale
// of the rows. Empty when the amplification passes did not run.
void write_amplification_group(const hdf5_writer& writer, hid_t file,
                               const std::vector<amplification_row>& rows) {
  const hdf5::group_handle group = writer.create_group(file, result_format::amplification_group);
  const hid_t g = group.get();
  const std::string at = std::string("/") + result_format::amplification_group;
  const hsize_t n = rows.size();
  std::vector<std::string> figures;
  figures.reserve(rows.size());
  for (const amplification_row& row : rows) figures.push_back(row.figure);
  writer.string_dataset(g, at, "figure", figures);
  const auto numbers = [&](const char* name, double (*get)(const amplification_row&)) {
    std::vector<double> values;
    values.reserve(rows.size());
    for (const amplification_row& row : rows) values.push_back(get(row));
    writer.numeric_dataset(g, at, name, values, n);
  };
  using r_t = const amplification_row&;
  numbers("full_mean", [](r_t r) { return r.full.mean; });
  numbers("full_se", [](r_t r) { return r.full.se; });
  numbers("no_permanent_mean", [](r_t r) { return r.no_permanent.mean; });
  numbers("no_permanent_se", [](r_t r) { return r.no_permanent.se; });
  numbers("perfect_oracle_mean", [](r_t r) { return r.perfect_oracle.mean; });
  numbers("perfect_oracle_se", [](r_t r) { return r.perfect_oracle.se; });
  numbers("permanent_amplification", [](r_t r) { return r.permanent_amplification.ratio; });
  numbers("permanent_amplification_se", [](r_t r) { return r.permanent_amplification.se; });
  numbers("oracle_effect", [](r_t r) { return r.oracle_effect.ratio; });
  numbers("oracle_effect_se", [](r_t r) { return r.oracle_effect.se; });
  attach_dimension_scales(writer.context(), g, at, {{"figure", 0}});
}

void write_feedback_group(const hdf5_writer& writer, hid_t file, const feedback_result& f) {
  {
    const hdf5::group_handle group = writer.create_group(file, result_format::feedback_group);
    const hid_t g = group.get();
    const std::string at = std::string("/") + result_format::feedback_group;
    writer.scalar_attribute<std::uint8_t>(g, at, "oracle", f.oracle ? 1 : 0);
    writer.scalar_attribute<double>(g, at, "permanent_impact_share", f.permanent_impact_share);
    writer.scalar_attribute<std::int64_t>(g, at, "max_cascade_rounds", f.max_cascade_rounds);
    writer.scalar_attribute<std::uint8_t>(g, at, "amplification", f.amplification ? 1 : 0);
    if (f.amplification) {
      writer.scalar_attribute<std::int64_t>(g, at, "amplification_paths", f.amplification_paths);
    }
    const hsize_t n = f.rounds_histogram.size();
    std::vector<std::int64_t> rounds(f.rounds_histogram.size());
    for (std::size_t r = 0; r < rounds.size(); ++r) rounds[r] = static_cast<std::int64_t>(r);
    writer.numeric_dataset(g, at, "rounds", rounds, n);
    writer.numeric_dataset(g, at, "rounds_histogram", f.rounds_histogram, n);
    attach_dimension_scales(writer.context(), g, at, {{"rounds", 0}});
  }
  write_amplification_group(writer, file, f.amplification_rows);
}

}  // namespace

void validate_execution_shapes(const run_result& result, const hdf5::error_context& context) {
  const system_result& s = result.system;
  if (!s.executed) return;
  if (s.total_names.size() != s.totals.size()) {
    context.fail("the system result has " + std::to_string(s.total_names.size()) +
                 " total names for " + std::to_string(s.totals.size()) + " totals");
  }
  const std::size_t n_assets = result.assets.size();
  if (s.asset_sold.size() != n_assets || s.asset_bought.size() != n_assets) {
    context.fail("the system result has " + std::to_string(s.asset_sold.size()) + " sold and " +
                 std::to_string(s.asset_bought.size()) + " bought distributions, expected " +
                 std::to_string(n_assets) + " of each (one per asset)");
  }
  validate_feedback_counts(s.feedback, n_assets, context);
  for (const venue_result& v : s.venues) validate_venue_counts(v, context);
  const loss_distribution* reference = reference_distribution(s);
  if (reference == nullptr) {
    if (!s.path_totals.empty()) {
      context.fail("the system result keeps " + std::to_string(s.path_totals.size()) +
                   " per-path totals but has no totals");
    }
    for (const venue_result& v : s.venues) {
      if (!v.totals.empty()) {
        context.fail("venue '" + v.id + "' has " + std::to_string(v.totals.size()) +
                     " totals but the system result has none to share their paths and levels");
      }
    }
    return;
  }
  const std::string reference_label = s.totals.empty()
                                          ? "USD sold of '" + result.assets.front().id + "'"
                                          : "'" + s.total_names.front() + "'";
  for (std::size_t t = 0; t < s.totals.size(); ++t) {
    validate_distribution(s.totals[t], "'" + s.total_names[t] + "'", *reference, reference_label,
                          context);
  }
  for (std::size_t k = 0; k < n_assets; ++k) {
    const std::string& id = result.assets[k].id;
    validate_distribution(s.asset_sold[k], "USD sold of '" + id + "'", *reference, reference_label,
                          context);
    validate_distribution(s.asset_bought[k], "USD bought of '" + id + "'", *reference,
                          reference_label, context);
    if (s.feedback.enabled) {
      validate_distribution(s.feedback.asset_drawdown[k], "the drawdown of '" + id + "'",
                            *reference, reference_label, context);
    }
  }
  for (const venue_result& v : s.venues) {
    for (std::size_t t = 0; t < v.totals.size(); ++t) {
      validate_distribution(v.totals[t], "'" + v.total_names[t] + "' of venue '" + v.id + "'",
                            *reference, reference_label, context);
    }
  }
  const std::size_t expected = static_cast<std::size_t>(reference->paths) * s.totals.size();
  if (!s.path_totals.empty() && s.path_totals.size() != expected) {
    context.fail("the system result keeps " + std::to_string(s.path_totals.size()) +
                 " per-path totals, expected none or " + std::to_string(expected) + " (" +
                 std::to_string(reference->paths) + " paths x " + std::to_string(s.totals.size()) +
                 " totals)");
  }
}

void write_unit_execution(const hdf5_writer& writer, hid_t group, const std::string& group_path,
                          const run_result& result, risk_unit_kind kind) {
  std::vector<const unit_execution_result*> units;
  for (const unit_result& u : result.units) {
    if (u.kind == kind) units.push_back(&u.execution);
  }
  const hsize_t n = units.size();
  const auto numbers = [&](const char* name, double (*get)(const unit_execution_result&)) {
    std::vector<double> values;
    values.reserve(units.size());
    for (const unit_execution_result* e : units) values.push_back(get(*e));
    writer.numeric_dataset(group, group_path, name, values, n);
  };
  const auto integers = [&](const char* name, std::int64_t (*get)(const unit_execution_result&)) {
    std::vector<std::int64_t> values;
    values.reserve(units.size());
    for (const unit_execution_result* e : units) values.push_back(get(*e));
    writer.numeric_dataset(group, group_path, name, values, n);
  };
  using e_t = const unit_execution_result&;
  numbers("collateral_usd", [](e_t e) { return e.collateral_usd; });
  numbers("debt_usd", [](e_t e) { return e.debt_usd; });
  numbers("notional_usd", [](e_t e) { return e.notional_usd; });
  numbers("equity_usd", [](e_t e) { return e.equity_usd; });
  numbers("liquidation_price", [](e_t e) { return e.liquidation_price; });
  numbers("liquidated_usd", [](e_t e) { return e.liquidated_usd.mean; });
  numbers("liquidated_usd_se", [](e_t e) { return e.liquidated_usd.se; });
  numbers("owner_loss_usd", [](e_t e) { return e.owner_loss_usd.mean; });
  numbers("owner_loss_usd_se", [](e_t e) { return e.owner_loss_usd.se; });
  numbers("bad_debt_usd", [](e_t e) { return e.bad_debt_usd.mean; });
  numbers("bad_debt_usd_se", [](e_t e) { return e.bad_debt_usd.se; });
  integers("bad_debt_paths", [](e_t e) { return e.bad_debt_paths; });
  numbers("bad_debt_probability", [](e_t e) { return e.bad_debt_probability; });
  numbers("bad_debt_probability_lo", [](e_t e) { return e.bad_debt_probability_lo; });
  numbers("bad_debt_probability_hi", [](e_t e) { return e.bad_debt_probability_hi; });
  integers("executed_paths", [](e_t e) { return e.executed_paths; });
  numbers("calls_per_executed_path", [](e_t e) { return e.calls_per_executed_path; });
  integers("calls_exhausted_paths", [](e_t e) { return e.calls_exhausted_paths; });
  integers("pending_paths", [](e_t e) { return e.pending_paths; });
  numbers("es_contribution_usd", [](e_t e) { return e.es_contribution_usd.mean; });
  numbers("es_contribution_usd_se", [](e_t e) { return e.es_contribution_usd.se; });
  numbers("adl_loss_usd", [](e_t e) { return e.adl_loss_usd.mean; });
  numbers("adl_loss_usd_se", [](e_t e) { return e.adl_loss_usd.se; });
  numbers("adl_notional_usd", [](e_t e) { return e.adl_notional_usd.mean; });
  numbers("adl_notional_usd_se", [](e_t e) { return e.adl_notional_usd.se; });
  integers("adl_paths", [](e_t e) { return e.adl_paths; });
  numbers("adl_probability", [](e_t e) { return e.adl_probability; });
  numbers("adl_probability_lo", [](e_t e) { return e.adl_probability_lo; });
  numbers("adl_probability_hi", [](e_t e) { return e.adl_probability_hi; });
}

void write_system_group(const hdf5_writer& writer, hid_t file, const run_result& result) {
  const system_result& s = result.system;
  const std::vector<double> levels = system_levels(s);
  const std::int64_t paths = system_paths(s);
  {
    const hdf5::group_handle group = writer.create_group(file, result_format::system_group);
    const hid_t g = group.get();
    const std::string at = std::string("/") + result_format::system_group;
    writer.scalar_attribute<double>(g, at, "lending_reserve_usd", s.lending_reserve_usd);
    writer.scalar_attribute<double>(g, at, "insurance_fund_usd", s.insurance_fund_usd);
    writer.scalar_attribute<std::int64_t>(g, at, "keeper_delay_steps", s.keeper_delay_steps);
    writer.scalar_attribute<double>(g, at, "impact_exponent", s.impact_exponent);
    writer.scalar_attribute<double>(g, at, "contribution_level", s.contribution_level);
    writer.scalar_attribute<std::int64_t>(g, at, "contribution_tail_paths",
                                          s.contribution_tail_paths);
    write_totals(writer, g, at, s.total_names, s.totals, levels, paths);
    // Only when the run kept them ([liquidation] path_totals_max_paths); columns as
    // total_names.
    if (!s.path_totals.empty()) {
      writer.numeric_dataset(g, at, "path_totals", s.path_totals, static_cast<hsize_t>(paths),
                             s.totals.size());
    }
  }
  const hdf5::group_handle group = writer.create_group(file, result_format::system_assets_group);
  const hid_t g = group.get();
  const std::string at = std::string("/") + result_format::system_assets_group;
  std::vector<std::string> ids;
  ids.reserve(result.assets.size());
  for (const asset_result& asset : result.assets) ids.push_back(asset.id);
  writer.string_dataset(g, at, "id", ids);
  write_distributions(writer, g, at, "sold_", s.asset_sold, levels.size());
  write_distributions(writer, g, at, "bought_", s.asset_bought, levels.size());
  write_venues_group(writer, file, s.venues, levels, paths);
  if (!s.feedback.enabled) return;
  write_distributions(writer, g, at, result_format::drawdown_prefix, s.feedback.asset_drawdown,
                      levels.size());
  write_feedback_group(writer, file, s.feedback);
}

}  // namespace levrisk
