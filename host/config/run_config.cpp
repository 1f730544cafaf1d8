#include "host/config/run_config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>
#include <toml.hpp>

#include "common/error.hpp"
#include "common/suggest.hpp"
#include "common/toml_text.hpp"
#include "host/config/integer_text.hpp"
#include "host/config/memory_size.hpp"
#include "kernels/rng/stream_layout.hpp"
#include "models/calibration/calibration.hpp"
#include "models/correlation.hpp"
#include "models/parameter_error.hpp"

namespace levrisk {
namespace {

using table = toml::value::table_type;

// "FILE:LINE" of a value read from the file, so that a message points at it
// (a table's line is its header's).
std::string at(const toml::value& value, const std::string& source) {
  return source + ":" + std::to_string(value.location().line());
}

// Rejects keys the engine does not know: a typo must not silently fall back to a default.
void require_known_keys(const toml::value& value, const std::string& where,
                        const std::set<std::string>& known, const std::string& source) {
  for (const auto& [key, entry] : value.as_table()) {
    LEVRISK_REQUIRE(known.count(key) > 0, input_error,
                    at(entry, source) << ": unknown key '" << key << "' in " << where
                                      << did_you_mean(key, {known.begin(), known.end()}));
  }
}

double as_number(const toml::value& value, const std::string& what, const std::string& source) {
  if (value.is_floating()) return value.as_floating();
  if (value.is_integer()) return static_cast<double>(value.as_integer());
  LEVRISK_FAIL(input_error, at(value, source) << ": " << what << " must be a number");
}

std::int64_t as_integer(const toml::value& value, const std::string& what,
                        const std::string& source) {
  LEVRISK_REQUIRE(value.is_integer(), input_error,
                  at(value, source) << ": " << what << " must be an integer");
  // toml11 saturates a literal beyond 64 bits at INT64_MIN or INT64_MAX: read the
  // literal again from the file's text.
  const toml::source_location location = value.location();
  const std::string& line = location.line_str();
  if (location.column() >= 1 && location.column() - 1 + location.region() <= line.size()) {
    const std::string literal = line.substr(location.column() - 1, location.region());
    LEVRISK_REQUIRE(exact_int64(literal).has_value(), input_error,
                    at(value, source)
                        << ": " << what << " = " << literal.substr(0, 40)
                        << (literal.size() > 40 ? "..." : "") << " does not fit a 64-bit integer");
  }
  return value.as_integer();
}

// An integer key that must lie in [min, max], checked before it is narrowed.
std::int64_t as_integer_in(const toml::value& value, const std::string& what,
                           const std::string& source, std::int64_t min, std::int64_t max) {
  const std::int64_t n = as_integer(value, what, source);
  LEVRISK_REQUIRE(n >= min && n <= max, input_error,
                  at(value, source)
                      << ": " << what << " must be in [" << min << ", " << max << "], got " << n);
  return n;
}

std::string as_string(const toml::value& value, const std::string& what,
                      const std::string& source) {
  LEVRISK_REQUIRE(value.is_string(), input_error,
                  at(value, source) << ": " << what << " must be a string");
  return value.as_string().str;
}

// A folder's path: a non-empty string (an empty one would be the file's own folder).
std::string as_folder(const toml::value& value, const std::string& what,
                      const std::string& source) {
  std::string folder = as_string(value, what, source);
  LEVRISK_REQUIRE(!folder.empty(), input_error,
                  at(value, source) << ": " << what << " must name a folder, got \"\"");
  return folder;
}

bool as_bool(const toml::value& value, const std::string& what, const std::string& source) {
  LEVRISK_REQUIRE(value.is_boolean(), input_error,
                  at(value, source) << ": " << what << " must be true or false");
  return value.as_boolean();
}

const toml::value* find_key(const toml::value& parent, const std::string& key) {
  if (!parent.is_table()) return nullptr;
  const auto& t = parent.as_table();
  const auto it = t.find(key);
  return it == t.end() ? nullptr : &it->second;
}

// Runs a models/ check on the values read from `table` (named `where`, e.g.
// "[model.assets.BTC.merton]"), blaming its parameter_error on the line that set
// the field: the field's key in `table`, or the table's header for a field that
// is no key (a cross-field rule such as "alpha + beta").
template <class Check>
void check_at(const toml::value& table, const std::string& where, const std::string& source,
              Check check) {
  try {
    check();
  } catch (const parameter_error& error) {
    const toml::value* value = find_key(table, error.field());
    LEVRISK_FAIL(input_error, at(value ? *value : table, source)
                                  << ": " << where << " " << error.what());
  }
}

// The name becomes the result file's name (output_dir / NAME.h5) and an HDF5
// attribute: no folder separator, no control character (a NUL would cut it short).
void check_run_name(const std::string& name, const std::string& where) {
  LEVRISK_REQUIRE(!name.empty(), input_error, where << ": [run] name must be non-empty");
  LEVRISK_REQUIRE(
      name.find('/') == std::string::npos, input_error,
      where << ": [run] name must contain no '/' (it names the result file), got '" << name << "'");
  // 255 bytes: the longest file name Linux and macOS file systems take.
  LEVRISK_REQUIRE(name.size() + 3 <= 255, input_error,
                  where << ": [run] name must be at most 252 bytes (the result file NAME.h5 is a "
                           "file name), got "
                        << name.size());
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto code = static_cast<unsigned char>(name[i]);
    LEVRISK_REQUIRE(code >= 0x20 && code != 0x7f, input_error,
                    where << ": [run] name must contain no control character, got code "
                          << static_cast<int>(code) << " at character " << i + 1);
  }
}

void check_horizon_days(double days, const std::string& where) {
  LEVRISK_REQUIRE(std::isfinite(days) && days > 0, input_error,
                  where << ": [run] horizon_days must be a finite number > 0, got " << days);
}

void check_backend(const std::string& backend, const std::string& where) {
  LEVRISK_REQUIRE(backend == "auto" || backend == "cpu" || backend == "cuda", input_error,
                  where << ": [run] backend must be auto, cpu or cuda, got '" << backend << "'");
}

void check_hf_min_level(double level, const std::string& where) {
  LEVRISK_REQUIRE(level > 0.0 && level < 1.0, input_error,
                  where << ": [output] hf_min_levels entries must be in (0, 1), got " << level);
}

void check_hf_sample_max_unit_steps(double limit, const std::string& where) {
  LEVRISK_REQUIRE(
      std::isfinite(limit) && limit >= 0, input_error,
      where << ": [output] hf_sample_max_unit_steps must be a finite number >= 0, got " << limit);
}

// Relative paths in a configuration file are relative to the file's folder, so a
// configuration works from any working directory; stored absolute for provenance.
std::filesystem::path resolve(const std::filesystem::path& config_dir, const std::string& path) {
  return std::filesystem::absolute(config_dir / path).lexically_normal();
}

void load_run_section(const toml::value& run, run_config& config,
                      const std::filesystem::path& config_dir) {
  const std::string& src = config.source;
  LEVRISK_REQUIRE(run.is_table(), input_error, at(run, src) << ": [run] must be a table");
  require_known_keys(run, "[run]",
                     {"name", "snapshot", "output_dir", "paths", "steps", "horizon_days", "seed",
                      "backend", "threads", "batch_paths", "memory_budget"},
                     src);
  if (const auto* v = find_key(run, "name")) {
    config.name = as_string(*v, "[run] name", src);
    check_run_name(config.name, at(*v, src));
  }
  if (const auto* v = find_key(run, "snapshot")) {
    config.snapshot = resolve(config_dir, as_folder(*v, "[run] snapshot", src));
  }
  if (const auto* v = find_key(run, "output_dir")) {
    config.output_dir = resolve(config_dir, as_folder(*v, "[run] output_dir", src));
  }
  if (const auto* v = find_key(run, "paths")) {
    config.paths = as_integer_in(*v, "[run] paths", src, 1, max_run_paths);
  }
  if (const auto* v = find_key(run, "steps")) {
    config.steps = static_cast<int>(as_integer_in(*v, "[run] steps", src, 1, max_steps));
  }
  if (const auto* v = find_key(run, "horizon_days")) {
    config.horizon_days = as_number(*v, "[run] horizon_days", src);
    check_horizon_days(config.horizon_days, at(*v, src));
  }
  if (const auto* v = find_key(run, "seed")) {
    config.seed = static_cast<std::uint64_t>(as_integer_in(*v, "[run] seed", src, 0, INT64_MAX));
  }
  if (const auto* v = find_key(run, "backend")) {
    config.backend = as_string(*v, "[run] backend", src);
    check_backend(config.backend, at(*v, src));
  }
  if (const auto* v = find_key(run, "threads")) {
    config.threads = static_cast<int>(as_integer_in(*v, "[run] threads", src, 0, max_run_threads));
  }
  if (const auto* v = find_key(run, "batch_paths")) {
    config.batch_paths = as_integer_in(*v, "[run] batch_paths", src, 0, max_run_paths);
  }
  if (const auto* v = find_key(run, "memory_budget")) {
    const std::string where = at(*v, src) + ": [run] memory_budget";
    if (v->is_string()) {
      config.memory_budget_bytes = parse_memory_size(v->as_string().str, where);
    } else {
      LEVRISK_REQUIRE(v->is_integer(), input_error,
                      where << " must be a size such as \"8GiB\" or \"500MB\", or a number of "
                               "bytes (0: the backend's own)");
      config.memory_budget_bytes = v->as_integer();
      LEVRISK_REQUIRE(config.memory_budget_bytes >= 0, input_error,
                      where << " must be >= 0 bytes, got " << config.memory_budget_bytes);
    }
    config.memory_budget_source = where;
  }
}

void load_output_section(const toml::value& output, run_config& config) {
  const std::string& src = config.source;
  LEVRISK_REQUIRE(output.is_table(), input_error, at(output, src) << ": [output] must be a table");
  require_known_keys(output, "[output]",
                     {"hf_min_levels", "hf_sample_paths", "hf_sample_max_unit_steps"}, src);
  if (const auto* v = find_key(output, "hf_min_levels")) {
    LEVRISK_REQUIRE(v->is_array(), input_error,
                    at(*v, src) << ": [output] hf_min_levels must be an array of probabilities");
    LEVRISK_REQUIRE(!v->as_array().empty(), input_error,
                    at(*v, src) << ": [output] hf_min_levels must list at least one probability");
    config.hf_min_levels.clear();
    for (const auto& level : v->as_array()) {
      config.hf_min_levels.push_back(as_number(level, "[output] hf_min_levels entry", src));
      check_hf_min_level(config.hf_min_levels.back(), at(level, src));
    }
  }
  if (const auto* v = find_key(output, "hf_sample_paths")) {
    config.hf_sample_paths = as_integer_in(*v, "[output] hf_sample_paths", src, 0, max_run_paths);
  }
  if (const auto* v = find_key(output, "hf_sample_max_unit_steps")) {
    config.hf_sample_max_unit_steps = as_number(*v, "[output] hf_sample_max_unit_steps", src);
    check_hf_sample_max_unit_steps(config.hf_sample_max_unit_steps, at(*v, src));
  }
}

// The [liquidation] rules that need no other key, shared by the loader (`where`:
// "FILE:LINE") and validate_run_config (`where`: "FILE", after flags).
constexpr std::int64_t max_rounds_per_step_limit = 1000;

void check_keeper_delay_steps(std::int64_t delay, const std::string& where) {
  LEVRISK_REQUIRE(delay >= 0, input_error,
                  where << ": [liquidation] keeper_delay_steps must be >= 0, got " << delay);
}

void check_impact_exponent(double exponent, const std::string& where) {
  LEVRISK_REQUIRE(exponent > 0.0 && exponent <= 1.0, input_error,
                  where << ": [liquidation] impact_exponent must be in (0, 1], got " << exponent);
}

void check_max_rounds_per_step(std::int64_t rounds, const std::string& where) {
  LEVRISK_REQUIRE(rounds >= 1 && rounds <= max_rounds_per_step_limit, input_error,
                  where << ": [liquidation] max_rounds_per_step must be in [1, "
                        << max_rounds_per_step_limit << "], got " << rounds);
}

void check_path_totals_max_paths(std::int64_t paths, const std::string& where) {
  LEVRISK_REQUIRE(paths >= 0, input_error,
                  where << ": [liquidation] path_totals_max_paths must be >= 0, got " << paths);
}

void load_liquidation_section(const toml::value& liquidation, run_config& config) {
  const std::string& src = config.source;
  LEVRISK_REQUIRE(liquidation.is_table(), input_error,
                  at(liquidation, src) << ": [liquidation] must be a table");
  require_known_keys(liquidation, "[liquidation]",
                     {"execute", "keeper_delay_steps", "impact_exponent", "max_rounds_per_step",
                      "path_totals_max_paths"},
                     src);
  liquidation_config& l = config.liquidation;
  if (const auto* v = find_key(liquidation, "execute")) {
    l.execute = as_bool(*v, "[liquidation] execute", src);
  }
  if (const auto* v = find_key(liquidation, "keeper_delay_steps")) {
    const std::int64_t delay = as_integer(*v, "[liquidation] keeper_delay_steps", src);
    check_keeper_delay_steps(delay, at(*v, src));
    // Here so that the value fits an int; validate_run_config checks it against steps.
    LEVRISK_REQUIRE(delay <= max_steps, input_error,
                    at(*v, src) << ": [liquidation] keeper_delay_steps must be <= steps (at most "
                                << max_steps << "), got " << delay);
    l.keeper_delay_steps = static_cast<int>(delay);
  }
  if (const auto* v = find_key(liquidation, "impact_exponent")) {
    l.impact_exponent = as_number(*v, "[liquidation] impact_exponent", src);
    check_impact_exponent(l.impact_exponent, at(*v, src));
  }
  if (const auto* v = find_key(liquidation, "max_rounds_per_step")) {
    const std::int64_t rounds = as_integer(*v, "[liquidation] max_rounds_per_step", src);
    check_max_rounds_per_step(rounds, at(*v, src));
    l.max_rounds_per_step = static_cast<int>(rounds);
  }
  if (const auto* v = find_key(liquidation, "path_totals_max_paths")) {
    l.path_totals_max_paths = as_integer(*v, "[liquidation] path_totals_max_paths", src);
    check_path_totals_max_paths(l.path_totals_max_paths, at(*v, src));
  }
}

// The [oracle] rules that need no other key, shared by the loader (`where`:
// "FILE:LINE") and validate_run_config (`where`: "FILE"); `table` names the
// table ("[oracle]", "[oracle.assets.ETH]").
void check_oracle_deviation(double deviation, const std::string& where, const std::string& table) {
  LEVRISK_REQUIRE(
      deviation >= 0.0 && deviation < 1.0, input_error,
      where << ": " << table << " deviation must be a fraction in [0, 1) (0.005 = "
            << "0.5%), got " << deviation
            << (deviation >= 1.0 ? ": a threshold of 100% or more is no threshold" : ""));
}

void check_oracle_heartbeat(double seconds, const std::string& where, const std::string& table) {
  LEVRISK_REQUIRE(std::isfinite(seconds) && seconds > 0.0, input_error,
                  where << ": " << table << " heartbeat_seconds must be a finite number > 0, got "
                        << seconds
                        << (seconds == 0.0 ? " (a zero heartbeat: an update every step)" : ""));
}

void check_oracle_latency(double seconds, const std::string& where, const std::string& table) {
  LEVRISK_REQUIRE(
      std::isfinite(seconds) && seconds >= 0.0, input_error,
      where << ": " << table << " latency_seconds must be a finite number >= 0, got " << seconds);
}

// `entry`: "feeds entry N" (from 1).
void check_oracle_feed(const oracle_feed_config& feed, const std::string& noise_where,
                       const std::string& delay_where, const std::string& entry) {
  LEVRISK_REQUIRE(
      std::isfinite(feed.noise) && feed.noise >= 0.0, input_error,
      noise_where << ": " << entry << " noise must be a finite number >= 0, got " << feed.noise);
  LEVRISK_REQUIRE(std::isfinite(feed.delay_seconds) && feed.delay_seconds >= 0.0, input_error,
                  delay_where << ": " << entry
                              << " delay_seconds must be a finite number >= 0, got "
                              << feed.delay_seconds);
}

void check_oracle_feed_count(std::size_t n, const std::string& where, const std::string& table) {
  LEVRISK_REQUIRE(n > 0, input_error,
                  where << ": " << table
                        << " feeds must list at least one feed (a median of no feeds); leave "
                           "feeds out for the market price itself");
  LEVRISK_REQUIRE(
      n <= static_cast<std::size_t>(max_oracle_feeds), input_error,
      where << ": " << table << " feeds lists " << n << " feeds, at most " << max_oracle_feeds);
}

void check_oracle_asset(const oracle_asset_config& o, const std::string& where,
                        const std::string& table) {
  check_oracle_deviation(o.deviation, where, table);
  check_oracle_heartbeat(o.heartbeat_seconds, where, table);
  check_oracle_latency(o.latency_seconds, where, table);
  if (!o.feeds) return;
  check_oracle_feed_count(o.feeds->size(), where, table);
  for (std::size_t f = 0; f < o.feeds->size(); ++f) {
    const std::string entry = table + " feeds entry " + std::to_string(f + 1);
    check_oracle_feed((*o.feeds)[f], where, where, entry);
  }
}

void check_oracle_venue_count(std::size_t n, const std::string& where) {
  LEVRISK_REQUIRE(n < static_cast<std::size_t>(max_oracle_groups), input_error,
                  where << ": [oracle.venues] lists " << n << " venues; at most "
                        << max_oracle_groups - 1 << " may read an oracle of their own");
}

// Each rule named by its place in oracle_config: one set in code has no table.
void check_oracle_venues(const std::map<std::string, oracle_venue_config>& venues,
                         const std::string& where) {
  check_oracle_venue_count(venues.size(), where);
  for (const auto& [id, venue] : venues) {
    const std::string name = "[oracle.venues." + id;
    check_oracle_asset(venue.defaults, where, name + "]");
    for (const auto& [asset, rule] : venue.assets) {
      check_oracle_asset(rule, where, name + ".assets." + asset + "]");
    }
  }
}

constexpr std::int64_t max_cascade_rounds = 1000;

void check_permanent_impact_share(double share, const std::string& where) {
  LEVRISK_REQUIRE(share >= 0.0 && share <= 1.0, input_error,
                  where << ": [cascade] permanent_impact_share must be in [0, 1], got " << share);
}

void check_cascade_max_rounds(std::int64_t rounds, const std::string& where) {
  LEVRISK_REQUIRE(rounds >= 1 && rounds <= max_cascade_rounds, input_error,
                  where << ": [cascade] max_rounds must be in [1, " << max_cascade_rounds
                        << "], got " << rounds);
}

void check_amplification_paths(std::int64_t paths, const std::string& where) {
  LEVRISK_REQUIRE(paths >= 0, input_error,
                  where << ": [cascade] amplification_paths must be 0 (every path) or a number "
                           "of paths, got "
                        << paths);
}

// feeds = [{ noise = 0.001, delay_seconds = 12 }, ...]: each entry at its own line.
std::vector<oracle_feed_config> load_oracle_feeds(const toml::value& list, const std::string& table,
                                                  const std::string& src) {
  LEVRISK_REQUIRE(list.is_array(), input_error,
                  at(list, src) << ": " << table
                                << " feeds must be an array of tables such as { noise = 0.001, "
                                   "delay_seconds = 12 }");
  check_oracle_feed_count(list.as_array().size(), at(list, src), table);
  std::vector<oracle_feed_config> feeds;
  for (const auto& entry : list.as_array()) {
    const std::string name = table + " feeds entry " + std::to_string(feeds.size() + 1);
    LEVRISK_REQUIRE(entry.is_table(), input_error,
                    at(entry, src) << ": " << name
                                   << " must be a table such as { noise = 0.001, delay_seconds = "
                                      "12 }");
    require_known_keys(entry, name, {"noise", "delay_seconds"}, src);
    oracle_feed_config feed;
    std::string noise_where = at(entry, src);
    std::string delay_where = noise_where;
    if (const auto* v = find_key(entry, "noise")) {
      feed.noise = as_number(*v, name + " noise", src);
      noise_where = at(*v, src);
    }
    if (const auto* v = find_key(entry, "delay_seconds")) {
      feed.delay_seconds = as_number(*v, name + " delay_seconds", src);
      delay_where = at(*v, src);
    }
    check_oracle_feed(feed, noise_where, delay_where, name);
    feeds.push_back(feed);
  }
  return feeds;
}

// The keys [oracle] and the tables under it share, laid over `o`.
void load_oracle_keys(const toml::value& table, const std::string& name, const std::string& src,
                      oracle_asset_config& o) {
  if (const auto* v = find_key(table, "deviation")) {
    o.deviation = as_number(*v, name + " deviation", src);
    check_oracle_deviation(o.deviation, at(*v, src), name);
  }
  if (const auto* v = find_key(table, "heartbeat_seconds")) {
    o.heartbeat_seconds = as_number(*v, name + " heartbeat_seconds", src);
    check_oracle_heartbeat(o.heartbeat_seconds, at(*v, src), name);
  }
  if (const auto* v = find_key(table, "latency_seconds")) {
    o.latency_seconds = as_number(*v, name + " latency_seconds", src);
    check_oracle_latency(o.latency_seconds, at(*v, src), name);
  }
  if (const auto* v = find_key(table, "feeds")) o.feeds = load_oracle_feeds(*v, name, src);
}

const std::set<std::string> oracle_rule_keys = {"deviation", "heartbeat_seconds", "latency_seconds",
                                                "feeds"};

// One table a rule is laid from, and its name in messages.
struct oracle_layer {
  const toml::value* table;
  std::string name;
};

// `layers` laid over `rule` in order: the last, most specific, is the one named.
oracle_asset_config laid_over(oracle_asset_config rule, const std::vector<oracle_layer>& layers,
                              const std::string& src) {
  for (const oracle_layer& layer : layers) {
    rule.where = at(*layer.table, src);
    rule.table = layer.name;
    load_oracle_keys(*layer.table, layer.name, src, rule);
  }
  return rule;
}

// [oracle.assets] or [oracle.venues.V.assets]: each entry a table of rule keys.
// `prefix` names the entries ("[oracle.assets").
std::map<std::string, const toml::value*> oracle_asset_tables(const toml::value& parent,
                                                              const std::string& prefix,
                                                              const std::string& src) {
  std::map<std::string, const toml::value*> tables;
  const auto* assets = find_key(parent, "assets");
  if (!assets) return tables;
  LEVRISK_REQUIRE(assets->is_table(), input_error,
                  at(*assets, src)
                      << ": " << prefix << "] must be a table of per-asset tables such as "
                      << prefix << ".ETH]");
  for (const auto& [id, table] : assets->as_table()) {
    const std::string name = prefix + "." + id + "]";
    LEVRISK_REQUIRE(table.is_table(), input_error,
                    at(table, src) << ": " << name << " must be a table");
    require_known_keys(table, name, oracle_rule_keys, src);
    tables[id] = &table;
  }
  return tables;
}

// [oracle.venues.V] over `o`, whose defaults and asset rules are read: its rules
// are [oracle], [oracle.assets.X], [oracle.venues.V], [oracle.venues.V.assets.X]
// laid in that order, whatever their order in the file.
oracle_venue_config load_oracle_venue(const toml::value& venue, const std::string& id,
                                      const oracle_config& o, const std::string& src) {
  const std::string name = "[oracle.venues." + id + "]";
  LEVRISK_REQUIRE(venue.is_table(), input_error,
                  at(venue, src) << ": " << name << " must be a table");
  std::set<std::string> known = oracle_rule_keys;
  known.insert("assets");
  require_known_keys(venue, name, known, src);
  const std::string assets_prefix = "[oracle.venues." + id + ".assets";
  const std::map<std::string, const toml::value*> own =
      oracle_asset_tables(venue, assets_prefix, src);
  oracle_venue_config v;
  v.where = at(venue, src);
  v.defaults = laid_over(o.defaults, {{&venue, name}}, src);
  for (const auto& [asset, rule] : o.assets) {
    v.assets[asset] = laid_over(rule, {{&venue, name}}, src);
  }
  for (const auto& [asset, table] : own) {
    const auto global = o.assets.find(asset);
    v.assets[asset] = laid_over(global == o.assets.end() ? o.defaults : global->second,
                                {{&venue, name}, {table, assets_prefix + "." + asset + "]"}}, src);
  }
  return v;
}

void load_oracle_venues(const toml::value& oracle, const std::string& src, oracle_config& o) {
  const auto* venues = find_key(oracle, "venues");
  if (!venues) return;
  LEVRISK_REQUIRE(venues->is_table(), input_error,
                  at(*venues, src) << ": [oracle.venues] must be a table of per-venue tables "
                                      "such as [oracle.venues.spark]");
  check_oracle_venue_count(venues->as_table().size(), at(*venues, src));
  for (const auto& [id, venue] : venues->as_table()) {
    o.venues[id] = load_oracle_venue(venue, id, o, src);
  }
}

void load_oracle_section(const toml::value& oracle, run_config& config) {
  const std::string& src = config.source;
  LEVRISK_REQUIRE(oracle.is_table(), input_error, at(oracle, src) << ": [oracle] must be a table");
  std::set<std::string> known = oracle_rule_keys;
  known.insert({"enabled", "assets", "venues"});
  require_known_keys(oracle, "[oracle]", known, src);
  oracle_config& o = config.oracle;
  if (const auto* v = find_key(oracle, "enabled")) o.enabled = as_bool(*v, "[oracle] enabled", src);
  o.defaults = laid_over(o.defaults, {{&oracle, "[oracle]"}}, src);
  const std::map<std::string, const toml::value*> global =
      oracle_asset_tables(oracle, "[oracle.assets", src);
  for (const auto& [id, table] : global) {
    o.assets[id] = laid_over(o.defaults, {{table, "[oracle.assets." + id + "]"}}, src);
  }
  load_oracle_venues(oracle, src, o);
}

void load_cascade_section(const toml::value& cascade, run_config& config) {
  const std::string& src = config.source;
  LEVRISK_REQUIRE(cascade.is_table(), input_error,
                  at(cascade, src) << ": [cascade] must be a table");
  require_known_keys(
      cascade, "[cascade]",
      {"permanent_impact_share", "max_rounds", "amplification", "amplification_paths"}, src);
  cascade_config& c = config.cascade;
  if (const auto* v = find_key(cascade, "permanent_impact_share")) {
    c.permanent_impact_share = as_number(*v, "[cascade] permanent_impact_share", src);
    check_permanent_impact_share(c.permanent_impact_share, at(*v, src));
  }
  if (const auto* v = find_key(cascade, "max_rounds")) {
    const std::int64_t rounds = as_integer(*v, "[cascade] max_rounds", src);
    check_cascade_max_rounds(rounds, at(*v, src));
    c.max_rounds = static_cast<int>(rounds);
  }
  if (const auto* v = find_key(cascade, "amplification")) {
    c.amplification = as_bool(*v, "[cascade] amplification", src);
  }
  if (const auto* v = find_key(cascade, "amplification_paths")) {
    c.amplification_paths = as_integer(*v, "[cascade] amplification_paths", src);
    check_amplification_paths(c.amplification_paths, at(*v, src));
  }
}

void load_fhs_section(const toml::value& fhs, run_config& config,
                      const std::filesystem::path& config_dir) {
  const std::string& src = config.source;
  const std::string where = "[model.fhs]";
  LEVRISK_REQUIRE(fhs.is_table(), input_error, at(fhs, src) << ": " << where << " must be a table");
  require_known_keys(fhs, where,
                     {"history", "frequency", "duplicates", "filter", "lambda", "block_length",
                      "update_volatility"},
                     src);
  if (const auto* v = find_key(fhs, "history")) {
    LEVRISK_REQUIRE(
        v->is_array(), input_error,
        at(*v, src) << ": " << where << " history must be an array of \"FILE\" or \"FILE:ASSET\"");
    LEVRISK_REQUIRE(!v->as_array().empty(), input_error,
                    at(*v, src) << ": " << where << " history must name at least one price file");
    config.fhs.history.clear();
    for (const auto& entry : v->as_array()) {
      config.fhs.history.push_back(
          resolve(config_dir, as_string(entry, where + " history entry", src)).string());
    }
  }
  if (const auto* v = find_key(fhs, "frequency")) {
    config.fhs.frequency = as_string(*v, where + " frequency", src);
    calibration::parse_frequency(config.fhs.frequency, at(*v, src) + ": " + where + " frequency");
  }
  if (const auto* v = find_key(fhs, "duplicates")) {
    config.fhs.duplicates = as_string(*v, where + " duplicates", src);
    LEVRISK_REQUIRE(
        config.fhs.duplicates == "error" || config.fhs.duplicates == "first", input_error,
        at(*v, src) << ": " << where << " duplicates must be \"error\" or \"first\", got \""
                    << config.fhs.duplicates << "\"");
  }
  if (const auto* v = find_key(fhs, "filter")) {
    config.fhs.filter = as_string(*v, where + " filter", src);
    LEVRISK_REQUIRE(config.fhs.filter == "ewma" || config.fhs.filter == "garch", input_error,
                    at(*v, src) << ": " << where << " filter must be \"ewma\" or \"garch\", got \""
                                << config.fhs.filter << "\"");
  }
  if (const auto* v = find_key(fhs, "lambda")) {
    config.fhs.lambda = as_number(*v, where + " lambda", src);
    LEVRISK_REQUIRE(
        config.fhs.lambda >= 0.0 && config.fhs.lambda < 1.0, input_error,
        at(*v, src) << ": " << where << " lambda must be in [0, 1), got " << config.fhs.lambda);
  }
  if (const auto* v = find_key(fhs, "update_volatility")) {
    config.fhs.update_volatility = as_bool(*v, where + " update_volatility", src);
  }
  if (const auto* v = find_key(fhs, "block_length")) {
    const std::int64_t length = as_integer(*v, where + " block_length", src);
    LEVRISK_REQUIRE(
        length >= 1 && length <= 1'000'000, input_error,
        at(*v, src) << ": " << where << " block_length must be in [1, 1000000], got " << length);
    config.fhs.block_length = static_cast<int>(length);
  }
}

// [model.correlation]: the asset order and the matrix, each entry a correlation
// (finite, in [-1, 1], unit diagonal, symmetric) at its own line; positive
// semi-definiteness, a rule of the whole matrix, at the table's.
std::vector<std::string> load_correlation(const toml::value& model, run_config& config) {
  const std::string& src = config.source;
  const auto* correlation = find_key(model, "correlation");
  LEVRISK_REQUIRE(correlation && correlation->is_table(), input_error,
                  (correlation ? at(*correlation, src) : at(model, src))
                      << ": [model.correlation] is missing (keys: assets, matrix)");
  require_known_keys(*correlation, "[model.correlation]", {"assets", "matrix"}, src);
  const auto* order = find_key(*correlation, "assets");
  LEVRISK_REQUIRE(order && order->is_array(), input_error,
                  at(order ? *order : *correlation, src)
                      << ": [model.correlation] assets must be an array of asset ids");
  std::vector<std::string> ids;
  for (const auto& id : order->as_array()) {
    ids.push_back(as_string(id, "[model.correlation] assets entry", src));
    LEVRISK_REQUIRE(
        std::count(ids.begin(), ids.end(), ids.back()) == 1, input_error,
        at(id, src) << ": [model.correlation] assets lists '" << ids.back() << "' more than once");
  }
  const auto n = ids.size();
  const auto* matrix = find_key(*correlation, "matrix");
  LEVRISK_REQUIRE(matrix && matrix->is_array() && matrix->as_array().size() == n, input_error,
                  at(matrix ? *matrix : *correlation, src)
                      << ": [model.correlation] matrix must be an array of " << n
                      << " rows, one per entry of assets");
  std::vector<double> flat;
  std::vector<const toml::value*> entries;
  for (std::size_t i = 0; i < n; ++i) {
    const toml::value& row = matrix->as_array()[i];
    LEVRISK_REQUIRE(row.is_array() && row.as_array().size() == n, input_error,
                    at(row, src) << ": [model.correlation] matrix row " << i + 1 << " ('" << ids[i]
                                 << "') must have " << n << " entries");
    for (const auto& entry : row.as_array()) {
      flat.push_back(as_number(entry, "[model.correlation] matrix entry", src));
      entries.push_back(&entry);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const double value = flat[i * n + j];
      const std::string where = at(*entries[i * n + j], src) + ": [model.correlation] matrix (" +
                                ids[i] + ", " + ids[j] + ")";
      LEVRISK_REQUIRE(std::isfinite(value) && std::fabs(value) <= 1.0, input_error,
                      where << " must be a correlation in [-1, 1], got " << value);
      LEVRISK_REQUIRE(i != j || value == 1.0, input_error,
                      where << " is a diagonal entry and must be 1, got " << value);
      LEVRISK_REQUIRE(j >= i || value == flat[j * n + i], input_error,
                      where << " = " << value << " but (" << ids[j] << ", " << ids[i]
                            << ") = " << flat[j * n + i] << ": the matrix must be symmetric");
    }
  }
  // Without repair the engine refuses any snapshot's block of a non-PSD matrix
  // that is itself not PSD; the whole matrix must be PSD for every block to be.
  if (!config.gbm.repair_correlation) {
    validated_correlation(flat, ids, false, at(*correlation, src) + ": [model.correlation]");
  }
  config.gbm.correlation = flat;
  return ids;
}

// [model.assets.ID.merton]: checked for every model (the values are written
// back into the result file); the step's jump cap only where type is "merton".
merton_asset_params load_asset_jumps(const toml::value& merton, const std::string& id,
                                     run_config& config, double* diffusion_vol) {
  const std::string& src = config.source;
  const std::string sub = "[model.assets." + id + ".merton]";
  LEVRISK_REQUIRE(merton.is_table(), input_error,
                  at(merton, src) << ": " << sub << " must be a table");
  require_known_keys(merton, sub,
                     {"jump_intensity_annual", "jump_mean", "jump_stdev", "diffusion_vol_annual"},
                     src);
  merton_asset_params jumps;
  if (const auto* v = find_key(merton, "jump_intensity_annual")) {
    jumps.jump_intensity_annual = as_number(*v, sub + " jump_intensity_annual", src);
  }
  if (const auto* v = find_key(merton, "jump_mean")) {
    jumps.jump_mean = as_number(*v, sub + " jump_mean", src);
  }
  if (const auto* v = find_key(merton, "jump_stdev")) {
    jumps.jump_stdev = as_number(*v, sub + " jump_stdev", src);
  }
  if (const auto* v = find_key(merton, "diffusion_vol_annual")) {
    *diffusion_vol = as_number(*v, sub + " diffusion_vol_annual", src);
    LEVRISK_REQUIRE(std::isfinite(*diffusion_vol) && *diffusion_vol >= 0.0, input_error,
                    at(*v, src) << ": " << sub
                                << " diffusion_vol_annual must be a finite number >= 0, got "
                                << *diffusion_vol);
  }
  check_at(merton, sub, src, [&] {
    check_merton_asset(jumps);
    if (config.model == "merton") {
      check_jump_count_cap(jumps.jump_intensity_annual, config.dt_years(), "jump_intensity_annual");
    }
  });
  return jumps;
}

// [model.assets.ID.garch]: every key but the *_se ones is needed; the values are
// checked where type is "garch" (calibrate writes them under "gbm" too, with
// garch_stationary = false for an integrated fit).
garch_asset_params load_asset_garch(const toml::value& table, const std::string& id,
                                    const run_config& config) {
  const std::string& src = config.source;
  const std::string sub = "[model.assets." + id + ".garch]";
  LEVRISK_REQUIRE(table.is_table(), input_error,
                  at(table, src) << ": " << sub << " must be a table");
  // The *_se keys are the calibration's standard errors: provenance, not read.
  require_known_keys(table, sub,
                     {"omega", "omega_se", "alpha", "alpha_se", "beta", "beta_se", "nu", "nu_se",
                      "variance_now", "period_days"},
                     src);
  auto read = [&](const char* key) {
    const auto* v = find_key(table, key);
    LEVRISK_REQUIRE(v, input_error, at(table, src) << ": " << sub << " needs " << key);
    return as_number(*v, sub + " " + key, src);
  };
  garch_asset_params garch;
  garch.present = true;
  garch.omega = read("omega");
  garch.alpha = read("alpha");
  garch.beta = read("beta");
  garch.nu = read("nu");
  garch.variance_now = read("variance_now");
  garch.period_days = read("period_days");
  if (config.model == "garch") check_at(table, sub, src, [&] { check_garch_asset(garch); });
  return garch;
}

void load_asset(const toml::value& params, const std::string& id, run_config& config) {
  const std::string& src = config.source;
  const std::string where = "[model.assets." + id + "]";
  LEVRISK_REQUIRE(params.is_table(), input_error,
                  at(params, src) << ": " << where << " must be a table");
  require_known_keys(params, where, {"drift_annual", "vol_annual", "merton", "garch"}, src);
  merton_asset_params jumps;
  double diffusion_vol = std::nan("");
  if (const auto* merton = find_key(params, "merton")) {
    jumps = load_asset_jumps(*merton, id, config, &diffusion_vol);
  }
  config.merton.assets.push_back(jumps);
  garch_asset_params garch;
  if (const auto* table = find_key(params, "garch")) garch = load_asset_garch(*table, id, config);
  config.garch.push_back(garch);
  config.merton_diffusion_vol.push_back(diffusion_vol);
  const auto* drift = find_key(params, "drift_annual");
  const auto* vol = find_key(params, "vol_annual");
  LEVRISK_REQUIRE(drift && vol, input_error,
                  at(params, src) << ": " << where << " needs drift_annual and vol_annual");
  const gbm_asset_params asset{as_number(*drift, where + " drift_annual", src),
                               as_number(*vol, where + " vol_annual", src)};
  check_at(params, where, src, [&] { check_gbm_asset(asset); });
  config.gbm.assets.push_back(asset);
}

void load_systemic_jumps(const toml::value& systemic, const std::vector<std::string>& ids,
                         run_config& config) {
  const std::string& src = config.source;
  const std::string where = "[model.systemic_jumps]";
  LEVRISK_REQUIRE(systemic.is_table(), input_error,
                  at(systemic, src) << ": " << where << " must be a table");
  require_known_keys(systemic, where, {"intensity_annual", "mean", "stdev", "loading"}, src);
  systemic_jump_params& s = config.merton.systemic;
  if (const auto* v = find_key(systemic, "intensity_annual")) {
    s.intensity_annual = as_number(*v, where + " intensity_annual", src);
  }
  if (const auto* v = find_key(systemic, "mean")) s.mean = as_number(*v, where + " mean", src);
  if (const auto* v = find_key(systemic, "stdev")) s.stdev = as_number(*v, where + " stdev", src);
  check_at(systemic, where, src, [&] {
    check_systemic_jumps(s);
    if (config.model == "merton") {
      check_jump_count_cap(s.intensity_annual, config.dt_years(), "intensity_annual");
    }
  });
  if (const auto* loading = find_key(systemic, "loading")) {
    LEVRISK_REQUIRE(loading->is_table(), input_error,
                    at(*loading, src)
                        << ": [model.systemic_jumps.loading] must be a table of asset = loading");
    for (const auto& [id, value] : loading->as_table()) {
      const auto it = std::find(ids.begin(), ids.end(), id);
      LEVRISK_REQUIRE(it != ids.end(), input_error,
                      at(value, src) << ": [model.systemic_jumps.loading] names asset '" << id
                                     << "', which has no row in [model.correlation] assets");
      const double beta = as_number(value, "[model.systemic_jumps.loading] " + id, src);
      LEVRISK_REQUIRE(std::isfinite(beta), input_error,
                      at(value, src) << ": [model.systemic_jumps.loading] " << id
                                     << " must be finite, got " << beta);
      config.merton.assets[static_cast<std::size_t>(it - ids.begin())].systemic_loading = beta;
    }
  }
}

// [model] pegged: ids of assets held at their snapshot price (stablecoins at
// their peg), which then need no [model.assets] table and no correlation row.
// An asset the model does not name is refused instead (snapshot_model): taking a
// volatile asset as constant would understate its risk without a word.
std::vector<std::string> load_pegged(const toml::value& model, const std::vector<std::string>& ids,
                                     const std::string& src) {
  std::vector<std::string> pegged;
  const auto* list = find_key(model, "pegged");
  if (!list) return pegged;
  LEVRISK_REQUIRE(list->is_array(), input_error,
                  at(*list, src) << ": [model] pegged must be an array of asset ids");
  for (const auto& entry : list->as_array()) {
    const std::string id = as_string(entry, "[model] pegged entry", src);
    LEVRISK_REQUIRE(!id.empty(), input_error,
                    at(entry, src) << ": [model] pegged entries must be non-empty asset ids");
    LEVRISK_REQUIRE(std::find(pegged.begin(), pegged.end(), id) == pegged.end(), input_error,
                    at(entry, src) << ": [model] pegged lists '" << id << "' more than once");
    LEVRISK_REQUIRE(std::find(ids.begin(), ids.end(), id) == ids.end(), input_error,
                    at(entry, src) << ": [model] pegged lists '" << id
                                   << "', which has a row in [model.correlation] assets: an asset "
                                      "is either pegged or modelled");
    pegged.push_back(id);
  }
  return pegged;
}

// Each pegged asset as an explicit constant asset after the listed ones: zero
// drift, volatility and jumps, uncorrelated (a unit diagonal entry), so that every
// model treats it as any zero-volatility asset (host/engine/market_setup.cpp).
void append_pegged_assets(run_config& config) {
  gbm_params& gbm = config.gbm;
  const std::size_t n = gbm.asset_ids.size();
  const std::size_t total = n + config.pegged.size();
  std::vector<double> correlation(total * total, 0.0);
  for (std::size_t i = 0; i < total; ++i) {
    for (std::size_t j = 0; j < total; ++j) {
      if (i < n && j < n) correlation[i * total + j] = gbm.correlation[i * n + j];
      if (i == j && i >= n) correlation[i * total + j] = 1.0;
    }
  }
  gbm.correlation = std::move(correlation);
  for (const std::string& id : config.pegged) {
    gbm.asset_ids.push_back(id);
    gbm.assets.push_back(gbm_asset_params{0.0, 0.0});
    config.merton.assets.push_back(merton_asset_params{});
    config.merton_diffusion_vol.push_back(std::nan(""));
    config.garch.push_back(garch_asset_params{});
  }
}

void load_model_section(const toml::value& model, run_config& config,
                        const std::filesystem::path& config_dir) {
  const std::string& src = config.source;
  LEVRISK_REQUIRE(model.is_table(), input_error, at(model, src) << ": [model] must be a table");
  require_known_keys(
      model, "[model]",
      {"type", "repair_correlation", "assets", "correlation", "pegged", "systemic_jumps", "fhs"},
      src);
  if (const auto* v = find_key(model, "type")) {
    config.model = as_string(*v, "[model] type", src);
    LEVRISK_REQUIRE(config.model == "gbm" || config.model == "merton" || config.model == "fhs" ||
                        config.model == "garch",
                    input_error,
                    at(*v, src) << ": [model] type must be \"gbm\", \"merton\", \"fhs\" or "
                                   "\"garch\", got \""
                                << config.model << "\"");
  }
  if (const auto* v = find_key(model, "repair_correlation")) {
    config.gbm.repair_correlation = as_bool(*v, "[model] repair_correlation", src);
  }
  const std::vector<std::string> ids = load_correlation(model, config);
  config.pegged = load_pegged(model, ids, src);
  const auto* assets = find_key(model, "assets");
  LEVRISK_REQUIRE(assets && assets->is_table(), input_error,
                  at(assets ? *assets : model, src)
                      << ": [model.assets] is missing: one table per asset with drift_annual "
                         "and vol_annual");
  for (const auto& [id, params] : assets->as_table()) {
    LEVRISK_REQUIRE(
        std::find(config.pegged.begin(), config.pegged.end(), id) == config.pegged.end(),
        input_error,
        at(params, src) << ": [model.assets." << id
                        << "] is given but the asset is listed in [model] pegged: a "
                           "pegged asset has no parameters (it is held at its price)");
    LEVRISK_REQUIRE(std::find(ids.begin(), ids.end(), id) != ids.end(), input_error,
                    at(params, src) << ": [model.assets." << id
                                    << "] has no row in [model.correlation] assets");
  }
  config.gbm.asset_ids = ids;
  config.merton = merton_params{};
  config.merton_diffusion_vol.clear();
  config.garch.clear();
  config.gbm.assets.clear();
  // load_correlation checked that the asset order is an array of ids.
  const auto& listed = find_key(*find_key(model, "correlation"), "assets")->as_array();
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const auto* params = find_key(*assets, ids[k]);
    LEVRISK_REQUIRE(params, input_error,
                    at(listed[k], src) << ": [model.assets." << ids[k] << "] is missing");
    load_asset(*params, ids[k], config);
  }
  if (const auto* systemic = find_key(model, "systemic_jumps")) {
    load_systemic_jumps(*systemic, ids, config);
  }
  append_pegged_assets(config);
  const auto* fhs = find_key(model, "fhs");
  if (fhs) load_fhs_section(*fhs, config, config_dir);
  LEVRISK_REQUIRE(config.model != "fhs" || !config.fhs.history.empty(), input_error,
                  at(fhs ? *fhs : model, src)
                      << ": [model.fhs] history must name at least one price file (type \"fhs\" "
                         "resamples it)");
}

toml::value parse_toml_file(const std::filesystem::path& path, const char* what) {
  LEVRISK_REQUIRE(std::filesystem::is_regular_file(path), input_error,
                  path.string() << ": " << what << " not found");
  try {
    return toml::parse(path.string());
  } catch (const std::exception& error) {
    LEVRISK_FAIL(input_error, path.string() << ": not valid TOML: " << error.what());
  }
}

// The model fields as a run_config has them before any [model] is read.
void reset_model(run_config& config) {
  const run_config defaults;
  config.model_source.clear();
  config.model = defaults.model;
  config.gbm = defaults.gbm;
  config.merton = defaults.merton;
  config.merton_diffusion_vol.clear();
  config.fhs = defaults.fhs;
  config.garch.clear();
  config.pegged.clear();
}

void write_oracle_keys(std::ostream& out, const oracle_asset_config& o) {
  out << "deviation = " << toml_number(o.deviation) << "\n"
      << "heartbeat_seconds = " << toml_number(o.heartbeat_seconds) << "\n"
      << "latency_seconds = " << toml_number(o.latency_seconds) << "\n";
  if (!o.feeds) return;
  out << "feeds = [";
  for (std::size_t f = 0; f < o.feeds->size(); ++f) {
    out << (f ? ", " : "") << "{ noise = " << toml_number((*o.feeds)[f].noise)
        << ", delay_seconds = " << toml_number((*o.feeds)[f].delay_seconds) << " }";
  }
  out << "]\n";
}

// The rule venue `v` acts on for `asset`: its own, else its defaults.
const oracle_asset_config& venue_rule(const oracle_venue_config& v, const std::string& asset) {
  const auto own = v.assets.find(asset);
  return own == v.assets.end() ? v.defaults : own->second;
}

// Each venue's rules in full, for every asset of [oracle.assets] or its own:
// read back, they replace whatever [oracle] and [oracle.assets] set, but for an
// absent feeds, which no table can write.
void write_oracle_venues(std::ostream& out, const oracle_config& o) {
  for (const auto& [id, venue] : o.venues) {
    const std::string name = "oracle.venues." + toml_quoted(id);
    out << "[" << name << "]\n";
    write_oracle_keys(out, venue.defaults);
    out << "\n";
    std::set<std::string> assets;
    for (const auto& entry : o.assets) assets.insert(entry.first);
    for (const auto& entry : venue.assets) assets.insert(entry.first);
    for (const std::string& asset : assets) {
      out << "[" << name << ".assets." << toml_quoted(asset) << "]\n";
      write_oracle_keys(out, venue_rule(venue, asset));
      out << "\n";
    }
  }
}

// Absent feeds (the market price itself) stay absent; each asset table in full.
void write_oracle(std::ostream& out, const oracle_config& o) {
  out << "[oracle]\n"
      << "enabled = " << (o.enabled ? "true" : "false") << "\n";
  write_oracle_keys(out, o.defaults);
  out << "\n";
  for (const auto& [id, asset] : o.assets) {
    out << "[oracle.assets." << toml_quoted(id) << "]\n";
    write_oracle_keys(out, asset);
    out << "\n";
  }
  write_oracle_venues(out, o);
}

}  // namespace

run_config read_run_config(const std::filesystem::path& path) {
  run_config config;
  config.source = path.string();
  const toml::value root = parse_toml_file(path, "configuration file");
  // [calibration]: provenance written by `levrisk calibrate`, not read by a run.
  require_known_keys(root, "the top level",
                     {"run", "output", "liquidation", "oracle", "cascade", "model", "calibration"},
                     config.source);
  const std::filesystem::path config_dir = path.parent_path();
  if (const auto* run = find_key(root, "run")) load_run_section(*run, config, config_dir);
  if (const auto* output = find_key(root, "output")) load_output_section(*output, config);
  if (const auto* liquidation = find_key(root, "liquidation")) {
    load_liquidation_section(*liquidation, config);
  }
  if (const auto* oracle = find_key(root, "oracle")) load_oracle_section(*oracle, config);
  if (const auto* cascade = find_key(root, "cascade")) load_cascade_section(*cascade, config);
  if (const auto* model = find_key(root, "model")) {
    load_model_section(*model, config, config_dir);
    config.model_source = config.source;
  }
  return config;
}

void apply_model_file(run_config& config, const std::filesystem::path& path) {
  // Read under the model file's name, so that its errors point into it.
  run_config merged = config;
  reset_model(merged);
  merged.source = path.string();
  const toml::value root = parse_toml_file(path, "model file");
  for (const auto& [key, entry] : root.as_table()) {
    LEVRISK_REQUIRE(key == "model" || key == "calibration", input_error,
                    at(entry, merged.source)
                        << ": [" << key
                        << "] in a model file: it holds [model] (and [calibration]) only; run "
                           "settings belong in the configuration ("
                        << config.source << ")");
  }
  const auto* model = find_key(root, "model");
  LEVRISK_REQUIRE(model, input_error, merged.source << ": [model] is missing from the model file");
  load_model_section(*model, merged, path.parent_path());
  merged.source = config.source;
  merged.model_source = path.string();
  config = std::move(merged);
}

run_config load_run_config(const std::filesystem::path& path) {
  run_config config = read_run_config(path);
  validate_run_config(config);
  return config;
}

void validate_run_config(const run_config& c) {
  const std::string& src = c.source;
  check_run_name(c.name, src);
  LEVRISK_REQUIRE(!c.snapshot.empty(), input_error,
                  src << ": no snapshot given ([run] snapshot or --snapshot)");
  // A configuration built in code has assets but no file behind its model.
  LEVRISK_REQUIRE(!c.model_source.empty() || !c.gbm.asset_ids.empty(), input_error,
                  src << ": [model] is missing (in the configuration or --model FILE)");
  LEVRISK_REQUIRE(c.paths > 0 && c.paths <= max_run_paths, input_error,
                  src << ": paths must be in [1, " << max_run_paths << "], got " << c.paths);
  LEVRISK_REQUIRE(c.steps > 0 && c.steps <= max_steps, input_error,
                  src << ": steps must be in [1, " << max_steps << "], got " << c.steps);
  check_horizon_days(c.horizon_days, src);
  check_backend(c.backend, src);
  // TOML integers are signed 64-bit: a larger seed (--seed) would not survive to_toml.
  LEVRISK_REQUIRE(c.seed <= static_cast<std::uint64_t>(INT64_MAX), input_error,
                  src << ": seed must be <= " << INT64_MAX << ", got " << c.seed);
  LEVRISK_REQUIRE(c.threads >= 0 && c.threads <= max_run_threads, input_error,
                  src << ": threads must be in [0, " << max_run_threads << "], got " << c.threads);
  LEVRISK_REQUIRE(
      c.batch_paths >= 0 && c.batch_paths <= max_run_paths, input_error,
      src << ": batch_paths must be in [0, " << max_run_paths << "], got " << c.batch_paths);
  LEVRISK_REQUIRE(c.memory_budget_bytes >= 0, input_error,
                  src << ": memory_budget must be >= 0 bytes, got " << c.memory_budget_bytes);
  LEVRISK_REQUIRE(c.hf_sample_paths >= 0, input_error,
                  src << ": hf_sample_paths must be >= 0, got " << c.hf_sample_paths);
  check_hf_sample_max_unit_steps(c.hf_sample_max_unit_steps, src);
  LEVRISK_REQUIRE(!c.hf_min_levels.empty(), input_error,
                  src << ": [output] hf_min_levels must list at least one probability");
  for (const double level : c.hf_min_levels) check_hf_min_level(level, src);
  const liquidation_config& l = c.liquidation;
  check_keeper_delay_steps(l.keeper_delay_steps, src);
  LEVRISK_REQUIRE(l.keeper_delay_steps <= c.steps, input_error,
                  src << ": [liquidation] keeper_delay_steps must be <= steps (" << c.steps
                      << "), got " << l.keeper_delay_steps);
  check_impact_exponent(l.impact_exponent, src);
  check_max_rounds_per_step(l.max_rounds_per_step, src);
  check_path_totals_max_paths(l.path_totals_max_paths, src);
  check_oracle_asset(c.oracle.defaults, src, "[oracle]");
  for (const auto& [id, asset] : c.oracle.assets) {
    check_oracle_asset(asset, src, "[oracle.assets." + id + "]");
  }
  check_oracle_venues(c.oracle.venues, src);
  check_permanent_impact_share(c.cascade.permanent_impact_share, src);
  check_cascade_max_rounds(c.cascade.max_rounds, src);
  check_amplification_paths(c.cascade.amplification_paths, src);
}

std::string to_toml(const run_config& c) {
  std::ostringstream out;
  out << "[run]\n"
      << "name = " << toml_quoted(c.name) << "\n"
      << "snapshot = " << toml_quoted(c.snapshot.string()) << "\n"
      << "output_dir = " << toml_quoted(c.output_dir.string()) << "\n"
      << "paths = " << c.paths << "\n"
      << "steps = " << c.steps << "\n"
      << "horizon_days = " << toml_number(c.horizon_days) << "\n"
      << "seed = " << c.seed << "\n"
      << "backend = " << toml_quoted(c.backend) << "\n"
      << "threads = " << c.threads << "\n"
      << "batch_paths = " << c.batch_paths << "\n"
      << "memory_budget = " << c.memory_budget_bytes << "\n\n"
      << "[output]\n"
      << "hf_min_levels = [";
  for (std::size_t i = 0; i < c.hf_min_levels.size(); ++i) {
    out << (i ? ", " : "") << toml_number(c.hf_min_levels[i]);
  }
  out << "]\n"
      << "hf_sample_paths = " << c.hf_sample_paths << "\n"
      << "hf_sample_max_unit_steps = " << toml_number(c.hf_sample_max_unit_steps) << "\n\n"
      << "[liquidation]\n"
      << "execute = " << (c.liquidation.execute ? "true" : "false") << "\n"
      << "keeper_delay_steps = " << c.liquidation.keeper_delay_steps << "\n"
      << "impact_exponent = " << toml_number(c.liquidation.impact_exponent) << "\n"
      << "max_rounds_per_step = " << c.liquidation.max_rounds_per_step << "\n"
      << "path_totals_max_paths = " << c.liquidation.path_totals_max_paths << "\n\n";
  write_oracle(out, c.oracle);
  out << "[cascade]\n"
      << "permanent_impact_share = " << toml_number(c.cascade.permanent_impact_share) << "\n"
      << "max_rounds = " << c.cascade.max_rounds << "\n"
      << "amplification = " << (c.cascade.amplification ? "true" : "false") << "\n"
      << "amplification_paths = " << c.cascade.amplification_paths << "\n\n"
      << "[model]\n"
      << "type = " << toml_quoted(c.model) << "\n"
      << "repair_correlation = " << (c.gbm.repair_correlation ? "true" : "false") << "\n";
  // A comment ends at a line break: a path holding one is left out.
  if (!c.model_source.empty() && c.model_source != c.source &&
      c.model_source.find_first_of("\r\n") == std::string::npos) {
    out << "# [model] from " << c.model_source << "\n";
  }
  // The pegged assets follow the listed ones (append_pegged_assets): written back
  // as the list, not as rows.
  const std::size_t listed =
      c.gbm.asset_ids.size() - std::min(c.pegged.size(), c.gbm.asset_ids.size());
  if (!c.pegged.empty()) {
    out << "pegged = [";
    for (std::size_t i = 0; i < c.pegged.size(); ++i) {
      out << (i ? ", " : "") << toml_quoted(c.pegged[i]);
    }
    out << "]\n";
  }
  out << "\n";
  for (std::size_t k = 0; k < listed; ++k) {
    out << "[model.assets." << toml_quoted(c.gbm.asset_ids[k]) << "]\n"
        << "drift_annual = " << toml_number(c.gbm.assets[k].drift_annual) << "\n"
        << "vol_annual = " << toml_number(c.gbm.assets[k].vol_annual) << "\n\n";
    if (k < c.garch.size() && c.garch[k].present) {
      const garch_asset_params& g = c.garch[k];
      out << "[model.assets." << toml_quoted(c.gbm.asset_ids[k]) << ".garch]\n"
          << "omega = " << toml_number(g.omega) << "\n"
          << "alpha = " << toml_number(g.alpha) << "\n"
          << "beta = " << toml_number(g.beta) << "\n"
          << "nu = " << toml_number(g.nu) << "\n"
          << "variance_now = " << toml_number(g.variance_now) << "\n"
          << "period_days = " << toml_number(g.period_days) << "\n\n";
    }
    if (k < c.merton.assets.size()) {
      const merton_asset_params& m = c.merton.assets[k];
      out << "[model.assets." << toml_quoted(c.gbm.asset_ids[k]) << ".merton]\n"
          << "jump_intensity_annual = " << toml_number(m.jump_intensity_annual) << "\n"
          << "jump_mean = " << toml_number(m.jump_mean) << "\n"
          << "jump_stdev = " << toml_number(m.jump_stdev) << "\n";
      if (k < c.merton_diffusion_vol.size() && !std::isnan(c.merton_diffusion_vol[k])) {
        out << "diffusion_vol_annual = " << toml_number(c.merton_diffusion_vol[k]) << "\n";
      }
      out << "\n";
    }
  }
  if (!c.fhs.history.empty()) {
    out << "[model.fhs]\nhistory = [";
    for (std::size_t i = 0; i < c.fhs.history.size(); ++i) {
      out << (i ? ", " : "") << toml_quoted(c.fhs.history[i]);
    }
    out << "]\nfrequency = " << toml_quoted(c.fhs.frequency) << "\n"
        << "duplicates = " << toml_quoted(c.fhs.duplicates) << "\n"
        << "filter = " << toml_quoted(c.fhs.filter) << "\n"
        << "lambda = " << toml_number(c.fhs.lambda) << "\n"
        << "block_length = " << c.fhs.block_length << "\n"
        << "update_volatility = " << (c.fhs.update_volatility ? "true" : "false") << "\n\n";
  }
  out << "[model.systemic_jumps]\n"
      << "intensity_annual = " << toml_number(c.merton.systemic.intensity_annual) << "\n"
      << "mean = " << toml_number(c.merton.systemic.mean) << "\n"
      << "stdev = " << toml_number(c.merton.systemic.stdev) << "\n\n"
      << "[model.systemic_jumps.loading]\n";
  for (std::size_t k = 0; k < c.merton.assets.size() && k < listed; ++k) {
    out << toml_quoted(c.gbm.asset_ids[k]) << " = "
        << toml_number(c.merton.assets[k].systemic_loading) << "\n";
  }
  out << "\n";
  out << "[model.correlation]\nassets = [";
  for (std::size_t k = 0; k < listed; ++k) {
    out << (k ? ", " : "") << toml_quoted(c.gbm.asset_ids[k]);
  }
  out << "]\nmatrix = [\n";
  const std::size_t n = c.gbm.asset_ids.size();
  for (std::size_t i = 0; i < listed; ++i) {
    out << "  [";
    for (std::size_t j = 0; j < listed; ++j)
      out << (j ? ", " : "") << toml_number(c.gbm.correlation[i * n + j]);
    out << "],\n";
  }
  out << "]\n";
  return out.str();
}

}  // namespace levrisk
