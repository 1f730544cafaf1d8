#!/usr/bin/env python3
"""Reads a result file the way docs/output-format.md tells Python users to: h5py for the
raw tables, the three-line pandas recipe, and xarray (h5netcdf) with named dimensions.

Usage: read_result_test.py LEVRISK_BINARY SOURCE_DIR WORK_DIR. Exits 77 (skipped) when h5py
is not installed; xarray and pandas are checked when present."""

import math
import pathlib
import subprocess
import sys

try:
    import h5py
except ImportError:
    print("h5py not installed: skipped")
    sys.exit(77)

binary, source_dir, work_dir = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
work_dir.mkdir(parents=True, exist_ok=True)
subprocess.run([binary, "run", "--config", str(source_dir / "configs" / "nightly.toml"),
                "--paths", "2000", "--steps", "24", "--name", "python", "--output-dir",
                str(work_dir), "--quiet"], check=True)
path = work_dir / "python.h5"

with h5py.File(path, "r") as f:
    group = f["lending_accounts"]
    ids = group["id"].asstr()[:]
    probability = group["liquidation_probability"][:]
    levels = list(group.attrs["levels"])
    assert len(ids) == len(probability) > 0
    assert all(0.0 <= p <= 1.0 for p in probability)
    assert list(group["hf_min_level"][:]) == levels
    assert group["hf_min_quantile"].shape == (len(ids), len(levels))
    # The dimension scales: unit ids on the rows, levels on the columns.
    assert group["liquidation_probability"].dims[0][0].name.endswith("/id")
    assert group["hf_min_quantile"].dims[1][0].name.endswith("/hf_min_level")

# The venues: each unit names one of /system/venues, whose own figures add up to the
# system's (the recipe of docs/output-format.md, "Python (h5py, pandas)").
with h5py.File(path, "r") as f:
    v = f["system/venues"]
    venue_ids = list(v["id"].asstr()[...])
    assert venue_ids and [v[str(i)].attrs["id"] for i in range(len(venue_ids))] == venue_ids
    for group, kind in (("lending_accounts", "lending"), ("perp_isolated_positions", "perp"),
                        ("perp_cross_accounts", "perp")):
        kinds = {venue_ids[i]: v[str(i)].attrs["kind"] for i in range(len(venue_ids))}
        assert {kinds[u] for u in f[group]["venue"].asstr()[...]} <= {kind}, group
    s = f["system"]
    names = list(s["total_names"].asstr()[...])
    for total in ("book_loss_usd", "lending_reserve_draw_usd", "fund_draw_usd", "liquidated_usd"):
        per_venue = 0.0
        for i in range(len(venue_ids)):
            own = list(v[str(i)]["total_names"].asstr()[...])
            per_venue += float(v[str(i)]["mean"][own.index(total)])
        system_mean = float(s["mean"][names.index(total)])
        assert math.isclose(per_venue, system_mean, rel_tol=1e-9, abs_tol=1e-6), total

try:
    import pandas as pd
except ImportError:
    pd = None
if pd is not None:
    # The h5py recipe of docs/output-format.md, "Python (h5py, pandas)".
    with h5py.File(path, "r") as f:
        g = f["lending_accounts"]
        table = pd.DataFrame({
            name: (g[name].asstr()[...] if name in ("id", "venue") else g[name][...])
            for name, d in g.items() if d.shape == g["id"].shape
        }).set_index("id")
    assert len(table) == len(ids)
    assert math.isclose(table["liquidation_probability"].sum(), float(probability.sum()))

try:
    import xarray as xr
    import h5netcdf  # noqa: F401  (the engine xarray uses)
except ImportError:
    xr = None
if xr is not None:
    # The three lines of docs/output-format.md, "Python (xarray)".
    units = xr.open_dataset(path, group="lending_accounts", engine="h5netcdf")
    table = units[[v for v in units.data_vars if units[v].dims == ("id",)]].to_dataframe()
    assert list(table.index) == list(ids)
    assert (table["liquidation_probability"].values == probability).all()
    ds = units
    assert float(ds["hf_min_quantile"].sel(id=str(ids[0]), hf_min_level=levels[0])) == \
        float(ds["hf_min_quantile"][0, 0])
    assert ds["liquidation_probability"].dims == ("id",)
    assert ds["hf_min_quantile"].dims == ("id", "hf_min_level")
    first = str(ids[0])
    assert float(ds["liquidation_probability"].sel(id=first)) == float(probability[0])
    assert list(ds["hf_min_level"].values) == levels
    for kind in ("perp_isolated_positions", "perp_cross_accounts"):
        other = xr.open_dataset(path, group=kind, engine="h5netcdf")
        assert other["liquidation_probability"].dims == ("id",)

# A run with cascades: the feedback recipe of docs/output-format.md, checked by hand.
config = (source_dir / "configs" / "nightly.toml").read_text()
config = config.replace('snapshot = "../data/sample"',
                        f'snapshot = "{source_dir / "data" / "sample"}"')
config += "\n[oracle]\nenabled = true\n\n[cascade]\npermanent_impact_share = 0.6667\n"
feedback_config = work_dir / "feedback.toml"
feedback_config.write_text(config)
subprocess.run([binary, "run", "--config", str(feedback_config), "--paths", "400", "--steps",
                "8", "--name", "feedback", "--output-dir", str(work_dir), "--quiet"], check=True)
with h5py.File(work_dir / "feedback.h5", "r") as f:
    assert "system/feedback" in f and "feedback" not in h5py.File(path, "r")["system"]
    fb = f["system/feedback"]
    rounds = fb["rounds_histogram"][...]
    assert len(rounds) == int(fb.attrs["max_cascade_rounds"]) + 1 and rounds[0] == 0
    s = f["system"]
    names = list(s["total_names"].asstr()[...])
    cascades = s["path_totals"][:, names.index("cascade_steps")].sum()
    assert rounds[2:].sum() == cascades, (rounds, cascades)
    a = fb["amplification"]
    assert list(a["figure"].asstr()[...]) == ["book_loss_usd", "uncovered_usd"]
    assert a["full_mean"].dims[0][0].name.endswith("/figure")
    book = s["path_totals"][:, names.index("book_loss_usd")]
    assert math.isclose(a["full_mean"][0], book.mean(), rel_tol=1e-12, abs_tol=1e-9)
    assert f["system/assets/drawdown_mean"].shape == f["system/assets/id"].shape
    if pd is not None:
        table = pd.DataFrame({name: a[name][...] for name in a if name != "figure"},
                             index=a["figure"].asstr()[...])
        assert list(table.index) == ["book_loss_usd", "uncovered_usd"]
if xr is not None:
    amplification = xr.open_dataset(work_dir / "feedback.h5", group="system/feedback/amplification",
                                    engine="h5netcdf")
    assert amplification["full_mean"].dims == ("figure",)

print("read", len(ids), "lending accounts with h5py",
      "and pandas" if pd is not None else "", "and xarray" if xr is not None else "")
