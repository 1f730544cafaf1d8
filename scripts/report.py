#!/usr/bin/python3
"""Writes one self-contained HTML report, charts as inline SVG, from a levrisk result file.

Usage: report.py RESULT.h5 [-o report.html] [--top N]

The file layout is docs/output-format.md; what each chart shows and how to read it is
docs/report.md. Exit codes: 0 written, 2 bad input (missing file, not a levrisk result,
a dataset missing), 1 the report could not be written."""

import argparse
import html
import io
import math
import os
import pathlib
import sys

os.environ.setdefault("MPLBACKEND", "Agg")

try:
    import h5py
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.patches
    import matplotlib.pyplot as plt
    import numpy as np
except ImportError as error:
    print(f"report.py: error: {error.name} is not installed for {sys.executable} (Debian: "
          "python3-h5py python3-matplotlib, for /usr/bin/python3)", file=sys.stderr)
    sys.exit(2)

FORMAT_VERSION = 1
KINDS = (("lending_accounts", "lending"), ("perp_isolated_positions", "isolated"),
         ("perp_cross_accounts", "cross"))
KIND_COLOURS = {"lending": "#1f77b4", "isolated": "#ff7f0e", "cross": "#2ca02c"}
# Each venue's figures in its table, by kind: the book's loss, what the buffer took and
# what it could not, auto-deleveraging, the USD liquidated.
VENUE_FIGURES = {"lending": ("book_loss_usd", "lending_bad_debt_usd", "lending_reserve_draw_usd",
                             "lending_shortfall_usd", "liquidated_usd"),
                 "perp": ("book_loss_usd", "perp_loss_usd", "fund_draw_usd", "perp_deficit_usd",
                          "adl_usd", "liquidated_usd")}
# The totals worth a chart: the book's loss and what the buffers could not absorb.
CHARTED_TOTALS = ("book_loss_usd", "lending_bad_debt_usd", "lending_shortfall_usd",
                  "perp_loss_usd", "perp_deficit_usd", "liquidated_usd")
Z95 = 1.959963984540054  # two-sided 95% normal quantile

plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "figure.dpi": 100})


class InputError(Exception):
    """Bad input: reported as one line, exit 2."""


# ---------------------------------------------------------------------------- reading


def text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def require(group, name):
    if name not in group:
        raise InputError(f"'{group.file.filename}': {group.name.rstrip('/')}/{name} is missing")
    return group[name]


def read_units(f, group_name, kind):
    group = require(f, group_name)
    ids = require(group, "id").asstr()[...]
    units = {"kind": kind, "n": len(ids), "id": np.asarray(ids, dtype=object),
             "levels": np.asarray(group.attrs.get("levels", []), dtype=float)}
    for name in ("health_factor_initial", "liquidation_probability",
                 "liquidation_probability_se", "liquidation_probability_lo",
                 "liquidation_probability_hi", "hf_min_quantile", "hf_min_quantile_lo",
                 "hf_min_quantile_hi"):
        units[name] = require(group, name)[...]
    levels = len(units["levels"])
    bound = group["hf_min_quantile_bound"][...] if "hf_min_quantile_bound" in group else None
    units["hf_min_quantile_bound"] = (bound if bound is not None else
                                      np.zeros((len(ids), levels), dtype=np.uint8))
    # USD weight per unit: lending collateral, perp notional (execution columns only).
    usd_column = "collateral_usd" if kind == "lending" else "notional_usd"
    units["usd_name"] = usd_column
    units["usd"] = group[usd_column][...] if usd_column in group else None
    return units


def read_statistics(group, prefix, names):
    stats = {"names": list(names)}
    for name in ("mean", "mean_se", "probability_positive", "probability_positive_lo",
                 "probability_positive_hi", "var", "var_lo", "var_hi", "es", "es_se",
                 "histogram_bins", "histogram_edges", "histogram_counts"):
        stats[name] = require(group, prefix + name)[...]
    return stats


def read_system(f):
    if "system" not in f:
        return None
    system = f["system"]
    names = require(system, "total_names").asstr()[...]
    totals = read_statistics(system, "", names)
    totals["levels"] = np.asarray(system.attrs.get("levels", []), dtype=float)
    totals["path_totals"] = system["path_totals"][...] if "path_totals" in system else None
    assets = require(system, "assets")
    asset_ids = require(assets, "id").asstr()[...]
    sold = read_statistics(assets, "sold_", asset_ids)
    bought = read_statistics(assets, "bought_", asset_ids)
    return {"totals": totals, "sold": sold, "bought": bought,
            "attrs": {k: system.attrs[k] for k in system.attrs if k != "levels"},
            "feedback": read_feedback(system), "venues": read_venues(system)}


def read_venues(system):
    """/system/venues: per venue its id, kind, buffer and totals, in file order; [] for a
    file written before venues."""
    if "venues" not in system:
        return []
    group = system["venues"]
    venues = []
    for i, venue_id in enumerate(require(group, "id").asstr()[...]):
        venue = require(group, str(i))
        names = require(venue, "total_names").asstr()[...]
        totals = read_statistics(venue, "", names)
        totals["levels"] = np.asarray(venue.attrs.get("levels", []), dtype=float)
        venues.append({"id": venue_id, "kind": text(venue.attrs["kind"]),
                       "fund_usd": float(venue.attrs["fund_usd"]), "totals": totals})
    return venues


AMPLIFICATION_COLUMNS = ("full_mean", "full_se", "no_permanent_mean", "no_permanent_se",
                         "perfect_oracle_mean", "perfect_oracle_se", "permanent_amplification",
                         "permanent_amplification_se", "oracle_effect", "oracle_effect_se")


def read_feedback(system):
    """/system/feedback (cascades, the oracle, amplification); None for a run without it."""
    if "feedback" not in system:
        return None
    feedback = system["feedback"]
    amplification = require(feedback, "amplification")
    rows = {name: require(amplification, name)[...] for name in AMPLIFICATION_COLUMNS}
    rows["figure"] = list(require(amplification, "figure").asstr()[...])
    return {"attrs": {k: feedback.attrs[k] for k in feedback.attrs},
            "rounds_histogram": require(feedback, "rounds_histogram")[...],
            "amplification": rows}


def read_result(path):
    if not path.is_file():
        raise InputError(f"'{path}': no such file")
    try:
        f = h5py.File(path, "r")
    except OSError as error:
        raise InputError(f"'{path}': not an HDF5 file ({error})") from None
    with f:
        if text(f.attrs.get("format", "")) != "levrisk-result":
            raise InputError(f"'{path}': not a levrisk result (root attribute format is not "
                             "'levrisk-result')")
        version = int(f.attrs.get("format_version", 0))
        if version > FORMAT_VERSION:
            raise InputError(f"'{path}': format_version {version} is newer than this script's "
                             f"{FORMAT_VERSION}")
        run = {k: (text(v) if isinstance(v, (bytes, str)) else v)
               for k, v in require(f, "run").attrs.items()}
        for name in ("run_name", "paths", "steps", "horizon_days", "seed", "model", "snapshot"):
            if name not in run:
                raise InputError(f"'{path}': /run attribute {name} is missing")
        units = [read_units(f, group, kind) for group, kind in KINDS]
        return {"path": path, "run": run, "units": units, "system": read_system(f)}


# ---------------------------------------------------------------------------- formatting


def fmt_probability(p):
    return "nan" if not math.isfinite(p) else f"{p:.4g}"


def fmt_usd(x):
    if not math.isfinite(x):
        return "nan"
    return f"{x:,.0f}"


def fmt_se(x):
    """A standard error in USD; n/a where it cannot be estimated (fewer than two paths)."""
    return "n/a" if math.isnan(x) else fmt_usd(x)


def fmt_hf(x):
    if math.isinf(x):
        return "inf"
    return "nan" if math.isnan(x) else f"{x:.4g}"


def fmt_level(q):
    return f"{100 * q:g}%"


def svg(fig):
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    body = buffer.getvalue()
    return body[body.index("<svg"):]  # drop the XML prolog and doctype: inline in HTML


def table(header, rows, cls=""):
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def figure(svg_text, caption):
    return f"<figure>{svg_text}<figcaption>{caption}</figcaption></figure>"


# ---------------------------------------------------------------------------- sections


def summary_section(result):
    run = result["run"]
    rows = [("run name", run["run_name"]), ("snapshot", run["snapshot"])]
    for name in ("snapshot_as_of", "snapshot_block", "snapshot_sha256"):
        if run.get(name):
            rows.append((name.replace("_", " "), run[name]))
    rows += [("model", run["model"]), ("paths", f"{int(run['paths']):,}"),
             ("steps", int(run["steps"])), ("horizon (days)", f"{float(run['horizon_days']):g}"),
             ("seed", int(run["seed"])), ("revision", run.get("git_revision", "")),
             ("engine version", run.get("engine_version", "")),
             ("backend", f"{run.get('backend', '')} ({run.get('device', '')})"),
             ("created (UTC)", run.get("created_utc", "")),
             ("liquidations executed", "yes" if result["system"] is not None else "no")]
    counts = ", ".join(f"{u['n']:,} {u['kind']}" for u in result["units"])
    rows.append(("units", counts))
    return ('<section id="summary"><h2>Run</h2>'
            + table(("field", "value"), rows, "summary") + "</section>")


def probability_bins(paths):
    """Edges of the P(liq) bins: 0 on its own, then decades from below 1 / paths up to 1."""
    lowest = math.floor(math.log10(1.0 / paths))
    return [10.0 ** e for e in range(lowest, 1)]


def bin_shares(probability, weight, decades):
    """Weight in P = 0 and in each decade [10^k, 10^(k+1)); P = 1 falls in the last."""
    shares = [float(weight[probability == 0].sum())]
    for i, lo in enumerate(decades[:-1]):
        hi = decades[i + 1]
        last = i == len(decades) - 2
        inside = (probability >= lo) & ((probability <= hi) if last else (probability < hi))
        shares.append(float(weight[inside].sum()))
    return shares


def bin_labels(decades):
    labels = ["0"]
    for i, lo in enumerate(decades[:-1]):
        hi = decades[i + 1]
        labels.append(f"[{lo:g}, {hi:g}{']' if i == len(decades) - 2 else ')'}")
    return labels


def distribution_section(result):
    paths = int(result["run"]["paths"])
    decades = probability_bins(paths)
    labels = bin_labels(decades)
    kinds = [u for u in result["units"] if u["n"] > 0]
    if not kinds:
        return ('<section id="distribution"><h2>Distribution of liquidation probabilities</h2>'
                "<p>No units.</p></section>")
    has_usd = all(u["usd"] is not None for u in kinds)
    weightings = [("count", "share of units")]
    if has_usd:
        weightings.append(("usd", "share of USD (lending collateral, perp notional)"))
    fig, axes = plt.subplots(1, len(weightings), figsize=(5.2 * len(weightings), 3.4),
                             squeeze=False)
    width = 0.8 / max(len(kinds), 1)
    rows = []
    for column, (weighting, ylabel) in enumerate(weightings):
        ax = axes[0][column]
        for k, units in enumerate(kinds):
            p = units["liquidation_probability"]
            weight = np.ones(units["n"]) if weighting == "count" else units["usd"]
            shares = bin_shares(p, weight, decades)
            total = sum(shares)
            fractions = [s / total if total > 0 else 0.0 for s in shares]
            x = np.arange(len(labels)) + (k - (len(kinds) - 1) / 2) * width
            ax.bar(x, fractions, width, label=units["kind"], color=KIND_COLOURS[units["kind"]])
            for label, share, fraction in zip(labels, shares, fractions):
                rows.append((units["kind"], weighting, label,
                             f"{share:,.0f}", f"{100 * fraction:.2f}%"))
        ax.set_yscale("log")
        ax.set_xticks(np.arange(len(labels)), labels, rotation=20)
        ax.set_xlabel("P(liquidation) within the horizon")
        ax.set_ylabel(ylabel)
        ax.set_title(f"by {'count' if weighting == 'count' else 'USD'}")
        ax.legend()
    caption = (f"Units by their liquidation probability, per kind (log scale; empty bins are "
               f"not drawn). Each unit's P is a binomial estimate over {paths:,} paths: "
               f"resolution 1/paths = {1 / paths:.3g}, standard error sqrt(p(1-p)/paths), "
               f"at most {math.sqrt(0.25 / paths):.3g}.")
    if not has_usd:
        caption += (" No USD weighting: the file has no execution columns (the run did not "
                    "execute liquidations).")
    skipped = [u["kind"] for u in result["units"] if u["n"] == 0]
    note = (f"<p>No units of kind {', '.join(skipped)}: skipped.</p>" if skipped else "")
    return ('<section id="distribution"><h2>Distribution of liquidation probabilities</h2>'
            + note + figure(svg(fig), caption)
            + table(("kind", "weight", "P(liq) bin", "units or USD", "share"), rows, "bins")
            + "</section>")


def top_units(result, top):
    """The `top` units of highest P(liq), all kinds together: (P, units, row) each."""
    candidates = []
    for units in result["units"]:
        p = units["liquidation_probability"]
        # Each kind's own top rows first (stable: ties keep the file's order), so that
        # books of millions of units are not sorted in Python.
        for i in np.argsort(-p, kind="stable")[:top]:
            candidates.append((float(p[i]), units, int(i)))
    candidates.sort(key=lambda c: -c[0])
    return candidates[:top]


def top_section(result, top):
    chosen = top_units(result, top)
    if not chosen:
        return '<section id="top"><h2>Riskiest units</h2><p>No units.</p></section>'
    paths = int(result["run"]["paths"])
    labels = [f"{u['kind']}: {u['id'][i]}" for _, u, i in chosen]
    p = np.array([u["liquidation_probability"][i] for _, u, i in chosen])
    lo = np.array([u["liquidation_probability_lo"][i] for _, u, i in chosen])
    hi = np.array([u["liquidation_probability_hi"][i] for _, u, i in chosen])
    fig, ax = plt.subplots(figsize=(7, 0.8 + 0.28 * len(chosen)))
    y = np.arange(len(chosen))[::-1]
    ax.barh(y, p, color=[KIND_COLOURS[u["kind"]] for _, u, _ in chosen],
            xerr=[p - lo, hi - p], capsize=2, ecolor="black")
    ax.set_yticks(y, labels)
    ax.set_xlabel("P(liquidation) within the horizon, 95% Wilson interval")
    kinds = {u["kind"] for _, u, _ in chosen}
    ax.legend(handles=[matplotlib.patches.Patch(color=KIND_COLOURS[k], label=k)
                       for k in KIND_COLOURS if k in kinds], loc="upper left",
              bbox_to_anchor=(1.01, 1.0))
    ax.set_xlim(0, min(1.0, max(hi) * 1.05) if max(hi) > 0 else 1.0)
    caption = (f"The {len(chosen)} units most likely to be liquidated, all kinds together; "
               f"error bars: 95% Wilson interval over {paths:,} paths.")
    rows = []
    for rank, (_, u, i) in enumerate(chosen, 1):
        usd = fmt_usd(float(u["usd"][i])) if u["usd"] is not None else ""
        rows.append((rank, u["kind"], u["id"][i], fmt_hf(float(u["health_factor_initial"][i])),
                     fmt_probability(float(u["liquidation_probability"][i])),
                     fmt_probability(float(u["liquidation_probability_se"][i])),
                     fmt_probability(float(u["liquidation_probability_lo"][i])),
                     fmt_probability(float(u["liquidation_probability_hi"][i])), usd))
    header = ("rank", "kind", "id", "HF now", "P(liq)", "SE", "95% lo", "95% hi",
              "USD (collateral or notional)")
    return (f'<section id="top"><h2>Top {len(chosen)} units by P(liquidation)</h2>'
            + figure(svg(fig), caption) + table(header, rows, "top") + "</section>")


def hf_min_panel(ax, chosen, levels):
    y = np.arange(len(chosen))[::-1]
    offsets = (np.arange(len(levels)) - (len(levels) - 1) / 2) * 0.18
    span = [1.0, 1.0]  # always show HF = 1
    for j, level in enumerate(levels):
        q = np.array([u["hf_min_quantile"][i, j] for _, u, i in chosen])
        lo = np.array([u["hf_min_quantile_lo"][i, j] for _, u, i in chosen])
        hi = np.array([u["hf_min_quantile_hi"][i, j] for _, u, i in chosen])
        bound = np.array([u["hf_min_quantile_bound"][i, j] for _, u, i in chosen], dtype=bool)
        shown = np.isfinite(q) & np.isfinite(lo) & np.isfinite(hi)
        if shown.any():
            span = [min(span[0], float(np.min(lo[shown]))),
                    max(span[1], float(np.max(hi[shown])))]
        exact = shown & ~bound
        line = ax.errorbar(q[exact], y[exact] + offsets[j],
                           xerr=[(q - lo)[exact], (hi - q)[exact]], fmt="o", ms=4, capsize=2,
                           label=f"{fmt_level(level)} quantile", color=f"C{j}")
        if (shown & bound).any():
            ax.errorbar(q[shown & bound], y[shown & bound] + offsets[j], fmt="<", ms=5,
                        mfc="none", color=line[0].get_color())
    ax.axvline(1.0, color="red", lw=0.8, ls="--", label="HF = 1 (liquidation)")
    ax.set_yticks(y, [f"{u['kind']}: {u['id'][i]}" for _, u, i in chosen])
    ax.set_ylim(-0.6, len(chosen) - 0.4)
    margin = 0.05 * (span[1] - span[0]) or 0.5  # nothing finite: HF = 1 alone
    ax.set_xlim(span[0] - margin, span[1] + margin)


def hf_min_section(result, top):
    chosen = top_units(result, top)
    if not chosen:
        return ""
    levels = chosen[0][1]["levels"]
    if len(levels) == 0:
        return ""
    # Lending HFs sit near 1 while a perp's falls below 0 once its equity is lost: one panel
    # per kind, each on its own scale.
    panels = [[c for c in chosen if c[1]["kind"] == kind] for _, kind in KINDS]
    panels = [p for p in panels if p]
    fig, axes = plt.subplots(len(panels), 1, squeeze=False,
                             figsize=(7, 0.6 + 0.9 * len(panels) + 0.28 * len(chosen)),
                             gridspec_kw={"height_ratios": [len(p) + 1 for p in panels]})
    for ax, panel in zip(axes[:, 0], panels):
        hf_min_panel(ax, panel, levels)
    axes[0][0].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    axes[-1][0].set_xlabel("minimum health factor over the horizon")
    rows = []
    for _, u, i in chosen:
        cells = [u["kind"], u["id"][i]]
        for j in range(len(levels)):
            mark = "≤ " if u["hf_min_quantile_bound"][i, j] else ""
            cells.append(f"{mark}{fmt_hf(float(u['hf_min_quantile'][i, j]))} "
                         f"[{fmt_hf(float(u['hf_min_quantile_lo'][i, j]))}, "
                         f"{fmt_hf(float(u['hf_min_quantile_hi'][i, j]))}]")
        rows.append(cells)
    caption = ("Quantiles of each unit's path minimum of the health factor at the file's "
               f"levels ({', '.join(fmt_level(q) for q in levels)}): on that share of paths "
               "the HF fell to the value or below. Error bars: 95% order-statistic interval. "
               "Hollow triangles: only an upper bound (the quantile is at most the value); "
               "infinite or undefined values are not drawn.")
    header = ["kind", "id"] + [f"{fmt_level(q)} [95% interval]" for q in levels]
    return ('<section id="hf-min"><h2>Minimum health factor of the top units</h2>'
            + figure(svg(fig), caption) + table(header, rows, "hf-min") + "</section>")


def total_histogram(totals, index):
    """Edges and counts: from path_totals when kept, else the stored histogram."""
    if totals["path_totals"] is not None:
        values = totals["path_totals"][:, index]
        if np.min(values) == np.max(values):
            return None, None, "path_totals"
        counts, edges = np.histogram(values, bins=50)
        return edges, counts, "path_totals"
    bins = int(totals["histogram_bins"][index])
    if bins < 2:
        return None, None, "stored histogram"
    return (totals["histogram_edges"][index, :bins + 1],
            totals["histogram_counts"][index, :bins], "stored histogram")


def tail_labels(totals, index, j):
    q = totals["levels"][j]
    var = totals["var"][index, j]
    es = totals["es"][index, j]
    return (f"VaR {fmt_level(q)} {fmt_usd(var)} [{fmt_usd(totals['var_lo'][index, j])}, "
            f"{fmt_usd(totals['var_hi'][index, j])}]",
            f"ES {fmt_level(q)} {fmt_usd(es)} ± {fmt_se(totals['es_se'][index, j])}")


def total_columns(levels):
    """The headers of total_cells."""
    header = ["mean ± SE", "P(> 0) [95%]"]
    for q in levels:
        header += [f"VaR {fmt_level(q)} [95%]", f"ES {fmt_level(q)} ± SE"]
    return header


def total_cells(totals, index, levels):
    """A total's cells in the totals tables: mean ± SE, P(> 0) with its interval, and per
    level VaR with its interval and ES ± SE."""
    cells = [f"{fmt_usd(float(totals['mean'][index]))} ± "
             f"{fmt_se(float(totals['mean_se'][index]))}",
             f"{fmt_probability(float(totals['probability_positive'][index]))} "
             f"[{fmt_probability(float(totals['probability_positive_lo'][index]))}, "
             f"{fmt_probability(float(totals['probability_positive_hi'][index]))}]"]
    for j in range(len(levels)):
        var_label, es_label = tail_labels(totals, index, j)
        cells += [var_label.split(" ", 2)[2], es_label.split(" ", 2)[2]]
    return cells


def shortfall_section(result):
    system = result["system"]
    if system is None:
        return ""
    totals = system["totals"]
    levels = totals["levels"]
    paths = int(result["run"]["paths"])
    figures = []
    constant = []
    drawn = {}  # histogram -> total: a total equal to one already drawn is named, not redrawn
    same = []
    colours = ("#ff7f0e", "#d62728", "#6a3d9a", "#8c564b", "#e377c2")  # one per level
    for name in CHARTED_TOTALS:
        if name not in totals["names"]:
            continue
        index = totals["names"].index(name)
        edges, counts, source = total_histogram(totals, index)
        if edges is None:
            constant.append(f"{name} ({fmt_usd(float(totals['mean'][index]))} on every path)")
            continue
        key = (tuple(edges), tuple(counts))
        if key in drawn:
            same.append(f"{name} (as {drawn[key]})")
            continue
        drawn[key] = name
        fig, ax = plt.subplots(figsize=(7, 3))
        ax.stairs(counts, edges, fill=True, color="#9ecae1")
        ax.set_yscale("log")
        ax.set_xlabel(f"{name} per path (USD)")
        ax.set_ylabel("paths")
        for j in range(len(levels)):
            var_label, es_label = tail_labels(totals, index, j)
            colour = colours[j % len(colours)]
            ax.axvline(totals["var"][index, j], color=colour, ls="--", lw=1, label=var_label)
            ax.axvline(totals["es"][index, j], color=colour, ls=":", lw=1.5, label=es_label)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        mean = float(totals["mean"][index])
        caption = (f"<b>{html.escape(name)}</b>: distribution over {paths:,} paths "
                   f"({source}; log scale). Mean {fmt_usd(mean)} ± "
                   f"{fmt_se(float(totals['mean_se'][index]))} (standard error); "
                   f"P(&gt; 0) {fmt_probability(float(totals['probability_positive'][index]))} "
                   f"[{fmt_probability(float(totals['probability_positive_lo'][index]))}, "
                   f"{fmt_probability(float(totals['probability_positive_hi'][index]))}] (95% "
                   "Wilson). Dashed: VaR with its 95% order-statistic interval; dotted: ES ± "
                   "its standard error (n/a: fewer than two tail paths).")
        figures.append(figure(svg(fig), caption))
    header = ["total"] + total_columns(levels)
    rows = [[name] + total_cells(totals, index, levels)
            for index, name in enumerate(totals["names"])]
    note = (f"<p>Same on every path, not charted: {html.escape(', '.join(constant))}.</p>"
            if constant else "")
    if same:
        note += f"<p>Same distribution as a total above: {html.escape(', '.join(same))}.</p>"
    buffers = system["attrs"]
    intro = (f"<p>Lending reserve {fmt_usd(float(buffers.get('lending_reserve_usd', math.nan)))}"
             f" USD, insurance fund {fmt_usd(float(buffers.get('insurance_fund_usd', math.nan)))}"
             f" USD, keeper delay {int(buffers.get('keeper_delay_steps', 0))} steps.</p>")
    return ('<section id="shortfall"><h2>Shortfall of the book</h2>' + intro
            + "".join(figures) + note + table(header, rows, "totals") + "</section>")


def venues_section(result):
    """Each venue's main figures as the totals table shows the system's."""
    system = result["system"]
    if system is None or not system["venues"]:
        return ""
    levels = system["totals"]["levels"]  # every venue's, as the writer checks
    rows = []
    for venue in system["venues"]:
        totals = venue["totals"]
        buffer = "reserve" if venue["kind"] == "lending" else "insurance fund"
        for name in VENUE_FIGURES.get(venue["kind"], ()):
            if name in totals["names"]:
                rows.append([venue["id"], venue["kind"], f"{buffer} {fmt_usd(venue['fund_usd'])}",
                             name] + total_cells(totals, totals["names"].index(name), levels))
    intro = ("<p>Each lending protocol's and perp exchange's own figures, USD per path: its "
             "units' losses and its own buffer (a protocol's reserve, an exchange's insurance "
             "fund and auto-deleveraging among its own positions). Venues share prices and "
             "depth; their figures add up to the system's.</p>")
    return ('<section id="venues"><h2>Venues</h2>' + intro
            + table(["venue", "kind", "buffer (USD)", "figure"] + total_columns(levels), rows,
                    "venues") + "</section>")


def asset_sales_section(result):
    system = result["system"]
    if system is None:
        return ""
    sold, bought = system["sold"], system["bought"]
    assets = sold["names"]
    if not assets:
        return ""
    fig, ax = plt.subplots(figsize=(7, 0.8 + 0.32 * len(assets)))
    y = np.arange(len(assets))[::-1]
    for offset, flow, label in ((0.2, sold, "sold"), (-0.2, bought, "bought")):
        ax.barh(y + offset, flow["mean"], 0.4, xerr=Z95 * np.nan_to_num(flow["mean_se"]),
                capsize=2, label=label)
    ax.set_yticks(y, assets)
    ax.set_xlabel("mean USD per path traded by liquidations, ± 1.96 standard errors")
    ax.legend()
    rows = [(a, f"{fmt_usd(float(sold['mean'][k]))} ± {fmt_se(float(sold['mean_se'][k]))}",
             fmt_probability(float(sold["probability_positive"][k])),
             f"{fmt_usd(float(bought['mean'][k]))} ± {fmt_se(float(bought['mean_se'][k]))}",
             fmt_probability(float(bought["probability_positive"][k])))
            for k, a in enumerate(assets)]
    caption = ("USD of each asset that liquidations sold (collateral seized, longs closed) and "
               "bought (shorts closed), mean per path with 95% error bars (± 1.96 SE).")
    return ('<section id="asset-sales"><h2>Liquidation sales per asset</h2>'
            + figure(svg(fig), caption)
            + table(("asset", "sold mean ± SE", "P(sold > 0)", "bought mean ± SE",
                     "P(bought > 0)"), rows, "assets") + "</section>")


def fmt_ratio(ratio, se):
    """A paired ratio and its standard error; n/a where the counterfactual mean is 0."""
    if math.isnan(ratio):
        return "n/a"
    return f"{ratio:.4g} ± {'n/a' if math.isnan(se) else f'{se:.2g}'}"


def feedback_section(result):
    system = result["system"]
    feedback = system["feedback"] if system is not None else None
    if feedback is None:
        return ""
    attrs = feedback["attrs"]
    totals = system["totals"]
    parts = []
    rounds = feedback["rounds_histogram"]
    taken = [r for r in range(1, len(rounds)) if rounds[r] > 0]
    last = taken[-1] if taken else 0  # the most rounds any step took: beyond it all 0
    per_path = []
    for name in ("cascade_steps", "unconverged_steps", "oracle_updates"):
        if name in totals["names"]:
            i = totals["names"].index(name)
            per_path.append(f"{name.replace('_', ' ')} {float(totals['mean'][i]):.4g} ± "
                            f"{float(totals['mean_se'][i]):.2g} per path")
    parts.append(f"<p>Oracle {'on' if int(attrs.get('oracle', 0)) else 'off'}, permanent "
                 f"impact share {float(attrs.get('permanent_impact_share', 0)):g}, at most "
                 f"{int(attrs.get('max_cascade_rounds', 0))} rounds a step; "
                 f"{html.escape('; '.join(per_path))}.</p>")
    if taken:
        fig, ax = plt.subplots(figsize=(7, 2.6))
        ax.bar(np.arange(1, last + 1), rounds[1:last + 1], color="#9ecae1")
        ax.set_yscale("log")
        ax.set_xlabel("liquidation rounds in the step")
        ax.set_ylabel("steps (all paths)")
        ax.set_xticks(np.arange(1, last + 1))
        caption = ("Steps by the liquidation rounds they took (log scale; the full run, all "
                   "paths): more than one round is a cascade, sales moving the price into "
                   "further liquidations.")
        parts.append(figure(svg(fig), caption))
    parts.append(table(("rounds", "steps"),
                       [(r, f"{int(rounds[r]):,}") for r in range(1, last + 1)], "rounds"))
    a = feedback["amplification"]
    if a["figure"]:
        rows = []
        for i, name in enumerate(a["figure"]):
            rows.append((name,
                         f"{fmt_usd(float(a['full_mean'][i]))} ± {fmt_se(float(a['full_se'][i]))}",
                         f"{fmt_usd(float(a['no_permanent_mean'][i]))} ± "
                         f"{fmt_se(float(a['no_permanent_se'][i]))}",
                         fmt_ratio(float(a["permanent_amplification"][i]),
                                   float(a["permanent_amplification_se"][i])),
                         f"{fmt_usd(float(a['perfect_oracle_mean'][i]))} ± "
                         f"{fmt_se(float(a['perfect_oracle_se'][i]))}",
                         fmt_ratio(float(a["oracle_effect"][i]), float(a["oracle_effect_se"][i]))))
        sample = attrs.get("amplification_paths")
        same = f"the same {int(sample):,} paths (the run's first)" if sample else "the same paths"
        parts.append(f"<p>Mean USD per path of the full run and, on {same}, without "
                     "permanent impact and with a perfect oracle (the market price for the "
                     "oracle's); ratios full / counterfactual with their paired standard "
                     "errors (n/a: a counterfactual mean of 0).</p>")
        parts.append(table(("figure", "full ± SE", "no permanent ± SE", "ratio ± SE",
                            "perfect oracle ± SE", "ratio ± SE"), rows, "amplification"))
    else:
        parts.append("<p>Amplification not computed ([cascade] amplification = false).</p>")
    return ('<section id="feedback"><h2>Amplification and cascades</h2>' + "".join(parts)
            + "</section>")


STYLE = """
body { font-family: sans-serif; max-width: 1100px; margin: 1em auto; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.8em; margin: 0.5em 0 1.5em; }
td, th { border: 1px solid #ddd; padding: 2px 6px; text-align: right; }
td:first-child, th:first-child { text-align: left; }
table.summary td { text-align: left; }
figure { margin: 0.5em 0; } figcaption { font-size: 0.85em; color: #444; max-width: 900px; }
svg { max-width: 100%; height: auto; }
"""


def render(result, top):
    run = result["run"]
    sections = [summary_section(result), distribution_section(result),
                top_section(result, top), hf_min_section(result, top),
                shortfall_section(result), venues_section(result), asset_sales_section(result),
                feedback_section(result)]
    title = f"levrisk report: {html.escape(run['run_name'])}"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{title}</title><style>{STYLE}</style></head><body>"
            f"<h1>{title}</h1><p>From {html.escape(str(result['path']))}. Every Monte Carlo "
            "figure carries its standard error or 95% interval.</p>"
            + "".join(sections) + "</body></html>\n")


def main(argv):
    parser = argparse.ArgumentParser(prog="report.py", description=__doc__.split("\n")[0])
    parser.add_argument("result", type=pathlib.Path, help="levrisk result file (HDF5)")
    parser.add_argument("-o", "--output", type=pathlib.Path,
                        help="HTML file to write (default: RESULT with .html)")
    parser.add_argument("--top", type=int, default=20, help="units in the top charts (20)")
    args = parser.parse_args(argv)
    if args.top < 1:
        parser.error(f"--top must be at least 1, got {args.top}")
    output = args.output or args.result.with_suffix(".html")
    try:
        result = read_result(args.result)
        page = render(result, args.top)
    except InputError as error:
        print(f"report.py: error: {error}", file=sys.stderr)
        return 2
    except (KeyError, ValueError, IndexError, OSError) as error:
        print(f"report.py: error: '{args.result}': cannot read as a levrisk result: {error}",
              file=sys.stderr)
        return 2
    try:
        output.write_text(page, encoding="utf-8")
    except OSError as error:
        print(f"report.py: error: cannot write '{output}': {error.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
