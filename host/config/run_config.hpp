#pragma once
// The run configuration: loaded from a TOML file (configs/*.toml, documented in
// docs/configuration.md), overridden by command-line flags, validated, and
// written back in full into every result file.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/fhs.hpp"
#include "models/garch.hpp"
#include "models/gbm.hpp"
#include "models/merton.hpp"

namespace levrisk {

// [liquidation]: how liquidations are executed once triggered (bad debt, the
// insurance fund and the lending reserve, shortfall); docs/configuration.md.
struct liquidation_config {
  bool execute = true;           // run liquidation execution (bad debt, fund, shortfall)
  int keeper_delay_steps = 0;    // steps between the trigger and execution, >= 0 and <= steps
  double impact_exponent = 0.5;  // gamma in impact = 0.02 (Q / depth)^gamma, in (0, 1]
  int max_rounds_per_step = 16;  // liquidation rounds per account and step, 1..1000
  std::int64_t path_totals_max_paths = 1000000;  // per-path totals written when paths <= this, >= 0
};

// [oracle] feeds: one source the oracle takes the median of (kernels/risk/oracle.hpp).
struct oracle_feed_config {
  double noise = 0.0;          // standard deviation of the reading's log error, >= 0
  double delay_seconds = 0.0;  // the reading is the market price this long ago, >= 0
};

// An asset's push oracle (docs/methodology.md, "Oracles"); defaults: Chainlink
// ETH/USD on Ethereum mainnet (data.chain.link).
struct oracle_asset_config {
  double deviation = 0.005;           // publish when the reading moved more than this, in [0, 1)
  double heartbeat_seconds = 3600.0;  // publish at the latest this long after the last update, > 0
  double latency_seconds = 0.0;       // an update carries the reading from this long ago, >= 0
  // Absent: the market price itself; else 1 to max_oracle_feeds feeds.
  std::optional<std::vector<oracle_feed_config>> feeds;
  // "FILE:LINE" of `table`, for the errors that need the snapshot or the steps;
  // empty when built in code.
  std::string where;
  // The most specific table that set it: the last the file has of [oracle],
  // [oracle.assets.X], [oracle.venues.V], [oracle.venues.V.assets.X], the
  // order they are laid in; empty when built in code.
  std::string table;
};

// [oracle.venues.ID]: a venue that reads an oracle of its own (its own state and feeds' errors).
struct oracle_venue_config {
  // [oracle] with [oracle.venues.ID] laid over: its rule for an asset no table names.
  oracle_asset_config defaults;
  // Per asset named by [oracle.assets.X] or [oracle.venues.ID.assets.X]: the four tables laid
  // over in order.
  std::map<std::string, oracle_asset_config> assets;
  std::string where;  // "FILE:LINE" of [oracle.venues.ID]
};

// [oracle]: whether the protocols act on an oracle price rather than the market's.
struct oracle_config {
  bool enabled = false;
  oracle_asset_config defaults;
  // [oracle.assets.ID]: the defaults with this table's keys laid over them.
  std::map<std::string, oracle_asset_config> assets;
  // [oracle.venues.ID]: venues that read an oracle of their own.
  std::map<std::string, oracle_venue_config> venues;
};

// [cascade]: liquidations feeding back into the price that triggers them.
struct cascade_config {
  // Share of each sale's impact that stays in the market price, in [0, 1]. 0
  // keeps the runs before cascades; Bershova & Rakhlin (2013) measure about 2/3.
  double permanent_impact_share = 0.0;
  int max_rounds = 32;        // liquidation rounds per step, 1..1000
  bool amplification = true;  // also run without feedback, to report the amplification
  // The counterfactual passes run on paths [0, amplification_paths): a paired
  // ratio needs far fewer paths than the tails. 0: every path.
  std::int64_t amplification_paths = 10000;
};

struct run_config {
  std::string source = "<defaults>";  // file it was loaded from, for messages

  // [run]
  std::string name = "nightly";
  std::filesystem::path snapshot;  // relative paths resolve against the config file's folder
  std::filesystem::path output_dir = "results";
  std::int64_t paths = 100000;
  int steps = 288;
  double horizon_days = 1.0;
  std::uint64_t seed = 1;
  std::string backend = "auto";  // auto | cpu | cuda
  int threads = 0;               // CPU backend threads; 0 = all cores
  std::int64_t batch_paths = 0;  // 0 = the backend's default; results do not depend on it
  // Bytes the run may use where the backend keeps its plan; 0 = the backend's own
  // figure (half of MemAvailable on the CPU, the GPU's free memory). Sets the batch.
  std::int64_t memory_budget_bytes = 0;
  std::string memory_budget_source = "[run] memory_budget";  // where it was set, for messages

  // [output]
  std::vector<double> hf_min_levels{0.01, 0.05, 0.25, 0.5};
  // Paths on which every multi-asset unit records its health-factor minimum
  // (single-asset units use all paths); see docs/methodology.md.
  std::int64_t hf_sample_paths = 2048;
  // Upper bound on sample paths x multi-asset units x steps; hf_sample_paths is
  // reduced to respect it (the result file records the paths used per unit).
  double hf_sample_max_unit_steps = 2e9;

  // [liquidation]
  liquidation_config liquidation;

  // [oracle], [cascade]
  oracle_config oracle;
  cascade_config cascade;

  // [model]
  // The file the [model] section was read from (the configuration, or the model
  // file of --model); empty while no [model] has been read.
  std::string model_source;
  std::string model = "gbm";  // gbm | merton | fhs | garch
  gbm_params gbm;             // for merton: the diffusion part
  // Merton jumps, in gbm.asset_ids order; read for every model, used by "merton".
  merton_params merton;
  // [model.assets.ID.merton] diffusion_vol_annual: the diffusion's volatility
  // under the jump model (the total volatility minus the jumps'); NaN: vol_annual.
  std::vector<double> merton_diffusion_vol;
  // [model.fhs]: used by "fhs"; history paths stored absolute.
  fhs_params fhs;
  // [model.assets.ID.garch], in gbm.asset_ids order; used by "garch".
  std::vector<garch_asset_params> garch;
  // [model] pegged: assets held at their snapshot price, with no rows of their own
  // in the file. Each is appended to gbm.asset_ids (and every per-asset table)
  // after the listed assets, with zero drift, volatility and jumps and a unit
  // correlation row; to_toml writes them back as this list.
  std::vector<std::string> pegged;

  std::filesystem::path output_file() const { return output_dir / (name + ".h5"); }
  double dt_years() const { return horizon_days / 365.0 / steps; }
};

// Reads a configuration file, checking each value where it stands (errors name
// the file, line and key), but not the rules of the whole run: a snapshot, a
// [model], the cross-field rules. validate_run_config checks those once flags
// and a model file have been laid over it.
run_config read_run_config(const std::filesystem::path& path);

// Replaces the whole [model] of `config` (type, repair_correlation, assets,
// correlation, pegged, systemic_jumps, fhs) by the [model] of a model file such as
// `levrisk calibrate --out` writes; [run], [output] and [liquidation] are kept.
// The file may hold [model] and [calibration] only; errors name it and its lines.
void apply_model_file(run_config& config, const std::filesystem::path& path);

// read_run_config, then validate_run_config.
run_config load_run_config(const std::filesystem::path& path);

// Checks the rules of the whole run (after flags and a model file have been applied).
void validate_run_config(const run_config& config);

// The complete resolved configuration as TOML, loadable by load_run_config.
std::string to_toml(const run_config& config);

}  // namespace levrisk
