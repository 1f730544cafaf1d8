#include "host/output/execution_reader.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "host/engine/tail_statistics.hpp"
#include "host/output/result_format.hpp"

namespace levrisk {

namespace {

// Reads the columns execution_writer's write_distributions wrote with `prefix`, one
// row per distribution.
std::vector<loss_distribution> read_distributions(const hdf5_reader& reader, hid_t group,
                                                  const std::string& group_path,
                                                  const std::string& prefix, hsize_t n,
                                                  const std::vector<double>& levels,
                                                  std::int64_t paths, const std::string& rows) {
  const hsize_t n_levels = levels.size();
  const auto name = [&](const char* column) { return prefix + column; };
  const auto numbers = [&](const char* column, hsize_t columns = 0) {
    return reader.numeric_dataset<double>(group, group_path, name(column), n, columns, rows);
  };
  const auto integers = [&](const char* column, hsize_t columns = 0) {
    return reader.numeric_dataset<std::int64_t>(group, group_path, name(column), n, columns, rows);
  };
  const auto mean = numbers("mean");
  const auto mean_se = numbers("mean_se");
  const auto probability = numbers("probability_positive");
  const auto probability_lo = numbers("probability_positive_lo");
  const auto probability_hi = numbers("probability_positive_hi");
  const auto var = numbers("var", n_levels);
  const auto var_lo = numbers("var_lo", n_levels);
  const auto var_hi = numbers("var_hi", n_levels);
  const auto es = numbers("es", n_levels);
  const auto es_se = numbers("es_se", n_levels);
  const auto tail_paths = integers("tail_paths", n_levels);
  const auto bins = integers("histogram_bins");
  std::int64_t widest = 0;
  for (std::size_t i = 0; i < bins.size(); ++i) {
    if (bins[i] < 0) {
      reader.context().fail("dataset '" + group_path + "/" + name("histogram_bins") + "' holds " +
                            std::to_string(bins[i]) + " at row " + std::to_string(i) +
                            "; a number of bins is >= 0");
    }
    widest = std::max(widest, bins[i]);
  }
  const auto count_columns = static_cast<hsize_t>(widest);
  const hsize_t edge_columns = widest == 0 ? 0 : count_columns + 1;
  const auto edges = numbers("histogram_edges", edge_columns);
  const auto counts = integers("histogram_counts", count_columns);

  std::vector<loss_distribution> distributions(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < distributions.size(); ++i) {
    loss_distribution& d = distributions[i];
    d.paths = paths;
    d.mean = mean[i];
    d.mean_se = mean_se[i];
    d.probability_positive = probability[i];
    d.probability_positive_lo = probability_lo[i];
    d.probability_positive_hi = probability_hi[i];
    for (std::size_t l = 0; l < levels.size(); ++l) {
      const std::size_t at = i * levels.size() + l;
      d.tail.push_back(tail_level{levels[l], var[at], var_lo[at], var_hi[at], es[at], es_se[at],
                                  tail_paths[at]});
    }
    const auto n_bins = static_cast<std::ptrdiff_t>(bins[i]);
    if (n_bins > 0) {
      const auto edge_row = edges.begin() + static_cast<std::ptrdiff_t>(i * edge_columns);
      const auto count_row = counts.begin() + static_cast<std::ptrdiff_t>(i * count_columns);
      d.histogram.edges.assign(edge_row, edge_row + n_bins + 1);
      d.histogram.counts.assign(count_row, count_row + n_bins);
    }
  }
  return distributions;
}

// What execution_writer's write_totals wrote in a group of totals (/system, or a
// venue's subgroup).
struct totals_group {
  std::vector<double> levels;
  std::int64_t paths = 0;
  std::vector<std::string> names;
  std::vector<loss_distribution> totals;
};

totals_group read_totals(const hdf5_reader& reader, hid_t group, const std::string& group_path) {
  totals_group t;
  t.levels = reader.double_array_attribute(group, group_path, result_format::levels_attribute);
  t.paths = reader.scalar_attribute<std::int64_t>(group, group_path, "paths");
  if (t.paths < 0) {
    reader.context().fail("attribute 'paths' of '" + group_path + "' is " +
                          std::to_string(t.paths) + ", expected a number of paths >= 0");
  }
  t.names = reader.string_dataset(group, group_path, "total_names");
  t.totals = read_distributions(reader, group, group_path, "", t.names.size(), t.levels, t.paths,
                                "one per total in '" + group_path + "/total_names'");
  return t;
}

// Subgroup `index` of /system/venues; its paths and levels must be /system's.
venue_result read_venue(const hdf5_reader& reader, hid_t file, std::size_t index,
                        const std::string& expected_id, const totals_group& system) {
  const std::string name = std::string(result_format::venues_group) + "/" + std::to_string(index);
  const hdf5::group_handle group = reader.open_group(file, name);
  const hid_t g = group.get();
  const std::string at = "/" + name;
  venue_result v;
  v.id = reader.string_attribute(g, at, "id");
  if (v.id != expected_id) {
    reader.context().fail("attribute 'id' of '" + at + "' is '" + v.id + "', but row " +
                          std::to_string(index) + " of '/" + result_format::venues_group +
                          "/id' is '" + expected_id + "'");
  }
  v.kind = reader.string_attribute(g, at, "kind");
  if (v.kind != "lending" && v.kind != "perp") {
    reader.context().fail("attribute 'kind' of '" + at + "' is '" + v.kind +
                          "', expected 'lending' or 'perp'");
  }
  v.fund_usd = reader.scalar_attribute<double>(g, at, "fund_usd");
  totals_group totals = read_totals(reader, g, at);
  if (totals.paths != system.paths || totals.levels != system.levels) {
    reader.context().fail("attributes 'paths' and 'levels' of '" + at +
                          "' differ from those of '/" + result_format::system_group +
                          "'; every venue's totals are over the system's paths and levels");
  }
  v.total_names = std::move(totals.names);
  v.totals = std::move(totals.totals);
  return v;
}

// Venues came later: a file without /system/venues reads with none.
std::vector<venue_result> read_venues(const hdf5_reader& reader, hid_t file,
                                      const totals_group& system) {
  std::vector<venue_result> venues;
  if (!reader.has_link(file, "", result_format::venues_group)) return venues;
  std::vector<std::string> ids;
  {
    const hdf5::group_handle group = reader.open_group(file, result_format::venues_group);
    ids = reader.string_dataset(group.get(), std::string("/") + result_format::venues_group, "id");
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    venues.push_back(read_venue(reader, file, i, ids[i], system));
  }
  return venues;
}

bool flag_attribute(const hdf5_reader& reader, hid_t object, const std::string& object_path,
                    const char* name) {
  const auto value = reader.scalar_attribute<std::uint8_t>(object, object_path, name);
  if (value > 1) {
    reader.context().fail("attribute '" + std::string(name) + "' of '" + object_path + "' is " +
                          std::to_string(value) + ", expected 0 or 1");
  }
  return value == 1;
}

std::vector<amplification_row> read_amplification_group(const hdf5_reader& reader, hid_t file) {
  const hdf5::group_handle group = reader.open_group(file, result_format::amplification_group);
  const hid_t g = group.get();
  const std::string at = std::string("/") + result_format::amplification_group;
  const std::vector<std::string> figures = reader.string_dataset(g, at, "figure");
  std::vector<amplification_row> rows(figures.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i].figure = figures[i];
  const std::string meaning = "one per figure in '" + at + "/figure'";
  using r_t = amplification_row&;
  const auto numbers = [&](const char* name, double& (*field)(r_t)) {
    const auto values = reader.numeric_dataset<double>(g, at, name, rows.size(), 0, meaning);
    for (std::size_t i = 0; i < rows.size(); ++i) field(rows[i]) = values[i];
  };
  numbers("full_mean", [](r_t r) -> double& { return r.full.mean; });
  numbers("full_se", [](r_t r) -> double& { return r.full.se; });
  numbers("no_permanent_mean", [](r_t r) -> double& { return r.no_permanent.mean; });
  numbers("no_permanent_se", [](r_t r) -> double& { return r.no_permanent.se; });
  numbers("perfect_oracle_mean", [](r_t r) -> double& { return r.perfect_oracle.mean; });
  numbers("perfect_oracle_se", [](r_t r) -> double& { return r.perfect_oracle.se; });
  numbers("permanent_amplification",
          [](r_t r) -> double& { return r.permanent_amplification.ratio; });
  numbers("permanent_amplification_se",
          [](r_t r) -> double& { return r.permanent_amplification.se; });
  numbers("oracle_effect", [](r_t r) -> double& { return r.oracle_effect.ratio; });
  numbers("oracle_effect_se", [](r_t r) -> double& { return r.oracle_effect.se; });
  return rows;
}

// /system/feedback and /system/assets' drawdown_ columns (the open `assets_group`).
feedback_result read_feedback(const hdf5_reader& reader, hid_t file, hid_t assets_group,
                              const std::string& assets_path, hsize_t n_assets,
                              const std::vector<double>& levels, std::int64_t paths) {
  feedback_result f;
  f.enabled = true;
  {
    const hdf5::group_handle group = reader.open_group(file, result_format::feedback_group);
    const hid_t g = group.get();
    const std::string at = std::string("/") + result_format::feedback_group;
    f.oracle = flag_attribute(reader, g, at, "oracle");
    f.permanent_impact_share = reader.scalar_attribute<double>(g, at, "permanent_impact_share");
    const auto rounds = reader.scalar_attribute<std::int64_t>(g, at, "max_cascade_rounds");
    if (rounds < 0 || rounds >= std::numeric_limits<int>::max()) {
      reader.context().fail("attribute 'max_cascade_rounds' of '" + at + "' is " +
                            std::to_string(rounds) + ", expected a number of rounds >= 0");
    }
    f.max_cascade_rounds = static_cast<int>(rounds);
    f.amplification = flag_attribute(reader, g, at, "amplification");
    // Files written before the passes took a sample ran them on every path.
    f.amplification_paths = f.amplification ? paths : 0;
    if (f.amplification && reader.has_attribute(g, at, "amplification_paths")) {
      f.amplification_paths = reader.scalar_attribute<std::int64_t>(g, at, "amplification_paths");
      if (f.amplification_paths < 1 || f.amplification_paths > paths) {
        reader.context().fail("attribute 'amplification_paths' of '" + at + "' is " +
                              std::to_string(f.amplification_paths) +
                              ", expected a number of paths in [1, " + std::to_string(paths) + "]");
      }
    }
    f.rounds_histogram = reader.numeric_dataset<std::int64_t>(
        g, at, "rounds_histogram", static_cast<hsize_t>(rounds) + 1, 0,
        "entry r: steps that took r rounds, r = 0..attribute 'max_cascade_rounds'");
  }
  f.asset_drawdown =
      read_distributions(reader, assets_group, assets_path, result_format::drawdown_prefix,
                         n_assets, levels, paths, "one per asset in '" + assets_path + "/id'");
  f.amplification_rows = read_amplification_group(reader, file);
  return f;
}

}  // namespace

bool has_system_group(const hdf5_reader& reader, hid_t file) {
  return reader.has_link(file, "", result_format::system_group);
}

void read_unit_execution(const hdf5_reader& reader, hid_t group, const std::string& group_path,
                         std::vector<unit_result>& units) {
  const hsize_t n = units.size();
  const std::string rows = "one per unit in '" + group_path + "/id'";
  using e_t = unit_execution_result&;
  const auto numbers = [&](const char* name, double& (*field)(e_t)) {
    const auto values = reader.numeric_dataset<double>(group, group_path, name, n, 0, rows);
    for (std::size_t i = 0; i < units.size(); ++i) field(units[i].execution) = values[i];
  };
  const auto integers = [&](const char* name, std::int64_t& (*field)(e_t)) {
    const auto values = reader.numeric_dataset<std::int64_t>(group, group_path, name, n, 0, rows);
    for (std::size_t i = 0; i < units.size(); ++i) field(units[i].execution) = values[i];
  };
  numbers("collateral_usd", [](e_t e) -> double& { return e.collateral_usd; });
  numbers("debt_usd", [](e_t e) -> double& { return e.debt_usd; });
  numbers("notional_usd", [](e_t e) -> double& { return e.notional_usd; });
  numbers("equity_usd", [](e_t e) -> double& { return e.equity_usd; });
  numbers("liquidation_price", [](e_t e) -> double& { return e.liquidation_price; });
  numbers("liquidated_usd", [](e_t e) -> double& { return e.liquidated_usd.mean; });
  numbers("liquidated_usd_se", [](e_t e) -> double& { return e.liquidated_usd.se; });
  numbers("owner_loss_usd", [](e_t e) -> double& { return e.owner_loss_usd.mean; });
  numbers("owner_loss_usd_se", [](e_t e) -> double& { return e.owner_loss_usd.se; });
  numbers("bad_debt_usd", [](e_t e) -> double& { return e.bad_debt_usd.mean; });
  numbers("bad_debt_usd_se", [](e_t e) -> double& { return e.bad_debt_usd.se; });
  integers("bad_debt_paths", [](e_t e) -> std::int64_t& { return e.bad_debt_paths; });
  numbers("bad_debt_probability", [](e_t e) -> double& { return e.bad_debt_probability; });
  numbers("bad_debt_probability_lo", [](e_t e) -> double& { return e.bad_debt_probability_lo; });
  numbers("bad_debt_probability_hi", [](e_t e) -> double& { return e.bad_debt_probability_hi; });
  integers("executed_paths", [](e_t e) -> std::int64_t& { return e.executed_paths; });
  numbers("calls_per_executed_path", [](e_t e) -> double& { return e.calls_per_executed_path; });
  integers("calls_exhausted_paths", [](e_t e) -> std::int64_t& { return e.calls_exhausted_paths; });
  integers("pending_paths", [](e_t e) -> std::int64_t& { return e.pending_paths; });
  numbers("es_contribution_usd", [](e_t e) -> double& { return e.es_contribution_usd.mean; });
  numbers("es_contribution_usd_se", [](e_t e) -> double& { return e.es_contribution_usd.se; });
  // Auto-deleveraging's figures came later: a file without them reads as none.
  if (!reader.has_link(group, group_path, "adl_loss_usd")) return;
  numbers("adl_loss_usd", [](e_t e) -> double& { return e.adl_loss_usd.mean; });
  numbers("adl_loss_usd_se", [](e_t e) -> double& { return e.adl_loss_usd.se; });
  numbers("adl_notional_usd", [](e_t e) -> double& { return e.adl_notional_usd.mean; });
  numbers("adl_notional_usd_se", [](e_t e) -> double& { return e.adl_notional_usd.se; });
  integers("adl_paths", [](e_t e) -> std::int64_t& { return e.adl_paths; });
  numbers("adl_probability", [](e_t e) -> double& { return e.adl_probability; });
  numbers("adl_probability_lo", [](e_t e) -> double& { return e.adl_probability_lo; });
  numbers("adl_probability_hi", [](e_t e) -> double& { return e.adl_probability_hi; });
}

system_result read_system_group(const hdf5_reader& reader, hid_t file,
                                const std::vector<asset_result>& assets) {
  system_result s;
  s.executed = true;
  totals_group system;
  {
    const hdf5::group_handle group = reader.open_group(file, result_format::system_group);
    const hid_t g = group.get();
    const std::string at = std::string("/") + result_format::system_group;
    s.lending_reserve_usd = reader.scalar_attribute<double>(g, at, "lending_reserve_usd");
    s.insurance_fund_usd = reader.scalar_attribute<double>(g, at, "insurance_fund_usd");
    const auto delay = reader.scalar_attribute<std::int64_t>(g, at, "keeper_delay_steps");
    if (delay < std::numeric_limits<int>::min() || delay > std::numeric_limits<int>::max()) {
      reader.context().fail("attribute 'keeper_delay_steps' of '" + at + "' is " +
                            std::to_string(delay) + ", outside the range of a step count");
    }
    s.keeper_delay_steps = static_cast<int>(delay);
    s.impact_exponent = reader.scalar_attribute<double>(g, at, "impact_exponent");
    s.contribution_level = reader.scalar_attribute<double>(g, at, "contribution_level");
    s.contribution_tail_paths =
        reader.scalar_attribute<std::int64_t>(g, at, "contribution_tail_paths");
    system = read_totals(reader, g, at);
    s.total_names = system.names;
    s.totals = std::move(system.totals);
    if (reader.has_link(g, at, "path_totals")) {
      s.path_totals = reader.numeric_dataset<double>(
          g, at, "path_totals", static_cast<hsize_t>(system.paths), s.total_names.size(),
          "one per path: attribute 'paths' of '" + at + "'");
    }
  }
  const std::vector<double>& levels = system.levels;
  const std::int64_t paths = system.paths;
  const hdf5::group_handle group = reader.open_group(file, result_format::system_assets_group);
  const hid_t g = group.get();
  const std::string at = std::string("/") + result_format::system_assets_group;
  std::vector<std::string> expected_ids;
  expected_ids.reserve(assets.size());
  for (const asset_result& asset : assets) expected_ids.push_back(asset.id);
  if (reader.string_dataset(g, at, "id") != expected_ids) {
    reader.context().fail("dataset '" + at + "/id' differs from '/" + result_format::assets_group +
                          "/id'; it must list the run's assets in the same order");
  }
  const hsize_t n_assets = assets.size();
  const std::string rows = "one per asset in '" + at + "/id'";
  s.asset_sold = read_distributions(reader, g, at, "sold_", n_assets, levels, paths, rows);
  s.asset_bought = read_distributions(reader, g, at, "bought_", n_assets, levels, paths, rows);
  s.venues = read_venues(reader, file, system);
  // Feedback came later: a file without the group reads as a run without it.
  if (reader.has_link(file, "", result_format::feedback_group)) {
    s.feedback = read_feedback(reader, file, g, at, n_assets, levels, paths);
  }
  return s;
}

}  // namespace levrisk
