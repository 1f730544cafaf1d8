#!/usr/bin/env python3
"""scripts/report.py on small levrisk runs: with liquidation execution (per-path totals
kept), without it (--no-liquidation), and on a snapshot with no cross-margin accounts and no
per-path totals (the stored histograms). Checks the sections and figures of each report and
that the numbers it prints are the file's, recomputed here from h5py.

Usage: report_test.py LEVRISK_BINARY SOURCE_DIR WORK_DIR. Exits 77 (skipped) when h5py or
matplotlib is not installed."""

import html.parser
import importlib
import math
import os
import pathlib
import re
import subprocess
import sys

try:
    import h5py
    import numpy as np

    importlib.import_module("matplotlib")  # the report's charts
except ImportError as error:
    print(f"{error.name} not installed: skipped")
    sys.exit(77)

binary, source_dir, work_dir = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
work_dir.mkdir(parents=True, exist_ok=True)
script = source_dir / "scripts" / "report.py"
environment = dict(os.environ, MPLBACKEND="Agg")
KINDS = {"lending": "lending_accounts", "isolated": "perp_isolated_positions",
         "cross": "perp_cross_accounts"}


class Page(html.parser.HTMLParser):
    """Section ids, SVG figures per section, and each table's rows of cell texts by class."""

    def __init__(self):
        super().__init__()
        self.sections, self.figures, self.tables = [], {}, {}
        self.section = None
        self.rows = self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.section = attrs["id"]
            self.sections.append(self.section)
        elif tag == "svg" and self.section is not None:
            self.figures[self.section] = self.figures.get(self.section, 0) + 1
        elif tag == "table":
            self.rows = self.tables.setdefault(attrs.get("class", ""), [])
        elif tag == "tr" and self.rows is not None:
            self.rows.append([])
        elif tag in ("td", "th") and self.rows is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell)
            self.cell = None
        elif tag == "table":
            self.rows = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def run_levrisk(name, *flags, config=None):
    config = config or source_dir / "configs" / "nightly.toml"
    subprocess.run([binary, "run", "--config", str(config), "--paths", "2000", "--steps", "24",
                    "--name", name, "--output-dir", str(work_dir), "--quiet", *flags],
                   check=True)
    return work_dir / f"{name}.h5"


def report(result, *flags):
    output = result.with_suffix(".html")
    done = subprocess.run([sys.executable, str(script), str(result), "-o", str(output), *flags],
                          env=environment, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    text = output.read_text(encoding="utf-8")
    page = Page()
    page.feed(text)
    return text, page


def close(printed, value):
    """The printed number is `value` rounded as printed: to its last decimal, or to four
    significant digits in exponent form."""
    printed = printed.replace(",", "")
    if printed == "n/a":  # a standard error that cannot be estimated
        return math.isnan(value)
    if "e" in printed:
        return math.isclose(float(printed), value, rel_tol=5e-4)
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return abs(float(printed) - value) <= 0.5 * 10.0 ** -decimals * (1 + 1e-9)


def body(rows):
    return rows[1:]  # the header row is first


def check_self_contained(text):
    assert text.startswith("<!DOCTYPE html>")
    assert "<script" not in text
    # Inline SVG names its XML namespaces by URL; nothing is fetched from them.
    assert not re.search(r'(src|href)="(https?:)?//', text), "a reference to the network"


def check_summary(page, f):
    summary = dict(tuple(row) for row in body(page.tables["summary"]))
    run = f["run"].attrs
    assert summary["run name"] == run["run_name"]
    assert summary["model"] == run["model"]
    assert summary["seed"] == str(int(run["seed"]))
    assert summary["paths"].replace(",", "") == str(int(run["paths"]))
    assert summary["steps"] == str(int(run["steps"]))
    assert summary["revision"] == run["git_revision"]


def check_top(page, f, top):
    rows = body(page.tables["top"])
    assert len(rows) == top
    best = max(float(f[g]["liquidation_probability"][...].max(initial=0.0))
               for g in KINDS.values() if f[g]["id"].shape[0] > 0)
    printed = [float(row[4]) for row in rows]
    assert printed == sorted(printed, reverse=True)
    for rank, kind, unit, _, p, se, lo, hi, _ in rows:
        group = f[KINDS[kind]]
        i = list(group["id"].asstr()[...]).index(unit)
        assert close(p, group["liquidation_probability"][i]), (unit, p)
        assert close(se, group["liquidation_probability_se"][i]), (unit, se)
        assert close(lo, group["liquidation_probability_lo"][i]), (unit, lo)
        assert close(hi, group["liquidation_probability_hi"][i]), (unit, hi)
        # P = liquidated paths / paths, by hand.
        assert close(p, group["liquidated_paths"][i] / f["run"].attrs["paths"])
    assert close(rows[0][4], best)


def check_hf_min(page, f):
    for row in body(page.tables["hf-min"]):
        kind, unit, cells = row[0], row[1], row[2:]
        group = f[KINDS[kind]]
        i = list(group["id"].asstr()[...]).index(unit)
        assert len(cells) == len(group.attrs["levels"])
        for j, cell in enumerate(cells):
            value = cell.removeprefix("≤ ").split(" [")[0]
            assert close(value, group["hf_min_quantile"][i, j]), (unit, j, cell)


def check_bins(page, f, kinds_present):
    """Units with P = 0 and with P >= 0.1 (the top decade at 2,000 paths), counted here."""
    rows = [r for r in body(page.tables["bins"]) if r[1] == "count"]
    assert {r[0] for r in rows} == set(kinds_present)
    for kind in kinds_present:
        p = f[KINDS[kind]]["liquidation_probability"][...]
        by_bin = {r[2]: int(r[3].replace(",", "")) for r in rows if r[0] == kind}
        assert by_bin["0"] == int((p == 0).sum())
        assert by_bin["[0.1, 1]"] == int((p >= 0.1).sum())
        assert sum(by_bin.values()) == len(p)


def check_shortfall(page, f):
    s = f["system"]
    names = list(s["total_names"].asstr()[...])
    rows = {r[0]: r for r in body(page.tables["totals"])}
    assert list(rows) == names
    i = names.index("book_loss_usd")
    mean, se = rows["book_loss_usd"][1].split(" ± ")
    assert close(mean, s["mean"][i]) and close(se, s["mean_se"][i])
    for j in range(len(s.attrs["levels"])):
        var = rows["book_loss_usd"][3 + 2 * j].split(" [")[0]
        es, es_se = rows["book_loss_usd"][4 + 2 * j].split(" ± ")
        assert close(var, s["var"][i, j]) and close(es, s["es"][i, j])
        assert close(es_se, s["es_se"][i, j])
    if "path_totals" in s:
        # The book's mean loss by hand from the per-path values.
        assert close(mean, float(np.mean(s["path_totals"][:, i])))
    sold = {r[0]: r for r in body(page.tables["assets"])}
    a = s["assets"]
    for k, asset in enumerate(a["id"].asstr()[...]):
        mean, se = sold[asset][1].split(" ± ")
        assert close(mean, a["sold_mean"][k]) and close(se, a["sold_mean_se"][k]), asset


def check_venues(page, f):
    """The venues table: each venue's figures of its kind, as the file holds them."""
    v = f["system/venues"]
    levels = f["system"].attrs["levels"]
    rows = body(page.tables["venues"])
    printed = {(r[0], r[3]): r for r in rows}
    assert {r[0] for r in rows} == set(v["id"].asstr()[...])
    for i, venue in enumerate(v["id"].asstr()[...]):
        g = v[str(i)]
        names = list(g["total_names"].asstr()[...])
        kind = g.attrs["kind"]
        figures = [name for owner, name in printed if owner == venue]
        assert figures[0] == "book_loss_usd" and figures[-1] == "liquidated_usd", figures
        assert ("perp_loss_usd" in figures) == (kind == "perp"), (venue, figures)
        assert ("lending_bad_debt_usd" in figures) == (kind == "lending"), (venue, figures)
        for name in figures:
            row = printed[(venue, name)]
            assert row[1] == kind
            assert close(row[2].split(" ")[-1], g.attrs["fund_usd"]), row
            j = names.index(name)
            mean, se = row[4].split(" ± ")
            assert close(mean, g["mean"][j]) and close(se, g["mean_se"][j]), row
            assert len(row) == 6 + 2 * len(levels)
            var = row[6].split(" [")[0]
            assert close(var, g["var"][j, 0]), row


def executed():
    result = run_levrisk("report-executed")
    text, page = report(result, "--top", "8")
    check_self_contained(text)
    assert page.sections == ["summary", "distribution", "top", "hf-min", "shortfall",
                             "venues", "asset-sales"]
    assert page.figures["distribution"] == page.figures["top"] == 1
    assert page.figures["hf-min"] == page.figures["asset-sales"] == 1
    assert page.figures["shortfall"] >= 1
    assert "(path_totals; log scale)" in text
    with h5py.File(result, "r") as f:
        check_summary(page, f)
        check_top(page, f, 8)
        check_hf_min(page, f)
        check_bins(page, f, ["lending", "isolated", "cross"])
        check_shortfall(page, f)
        check_venues(page, f)
    assert "by USD" in text


def not_executed():
    result = run_levrisk("report-probabilities", "--no-liquidation")
    text, page = report(result)
    check_self_contained(text)
    unwritable(result)
    assert page.sections == ["summary", "distribution", "top", "hf-min"]
    assert "No USD weighting" in text
    with h5py.File(result, "r") as f:
        check_summary(page, f)
        check_top(page, f, 20)
        check_bins(page, f, ["lending", "isolated", "cross"])


def no_cross_accounts():
    """A snapshot whose perp positions are all isolated: an empty cross group; and a config
    that keeps no per-path totals, so the shortfall charts come from the stored histograms."""
    snapshot = work_dir / "isolated-only"
    snapshot.mkdir(exist_ok=True)
    for table in (source_dir / "data" / "sample").iterdir():
        lines = table.read_text().splitlines(keepends=True)
        if table.name == "perp_positions.csv":
            mode = lines[0].strip().split(",").index("margin_mode")
            lines = lines[:1] + [ln for ln in lines[1:] if ln.split(",")[mode] == "isolated"]
        (snapshot / table.name).write_text("".join(lines))
    config = (source_dir / "configs" / "nightly.toml").read_text()
    config = config.replace('snapshot = "../data/sample"', f'snapshot = "{snapshot}"')
    config = re.sub(r"path_totals_max_paths = \d+", "path_totals_max_paths = 0", config)
    config_path = work_dir / "isolated-only.toml"
    config_path.write_text(config)
    result = run_levrisk("report-no-cross", config=config_path)
    text, page = report(result, "--top", "5")
    with h5py.File(result, "r") as f:
        assert f["perp_cross_accounts"]["id"].shape == (0,)
        assert "path_totals" not in f["system"]
        check_bins(page, f, ["lending", "isolated"])
        check_top(page, f, 5)
        check_shortfall(page, f)
    assert "No units of kind cross: skipped." in text
    assert "(stored histogram; log scale)" in text
    assert page.sections[-3:] == ["shortfall", "venues", "asset-sales"]


def check_feedback(page, f):
    fb = f["system/feedback"]
    rounds = fb["rounds_histogram"][...]
    printed = {int(r): int(n.replace(",", "")) for r, n in body(page.tables["rounds"])}
    last = max((r for r in range(1, len(rounds)) if rounds[r] > 0), default=0)
    assert printed == {r: int(rounds[r]) for r in range(1, last + 1)}, printed
    assert not rounds[last + 1:].any()  # the rows left out are 0
    a = fb["amplification"]
    rows = body(page.tables["amplification"])
    assert [r[0] for r in rows] == list(a["figure"].asstr()[...])
    for i, row in enumerate(rows):
        for cell, mean, se in ((row[1], "full_mean", "full_se"),
                               (row[2], "no_permanent_mean", "no_permanent_se"),
                               (row[3], "permanent_amplification", "permanent_amplification_se"),
                               (row[4], "perfect_oracle_mean", "perfect_oracle_se"),
                               (row[5], "oracle_effect", "oracle_effect_se")):
            if cell == "n/a":  # a ratio over a counterfactual mean of 0
                assert math.isnan(a[mean][i]), (row, mean)
                continue
            value, error = cell.split(" ± ")
            assert close(value, a[mean][i]), (row[0], mean, cell, a[mean][i])
            assert close(error, a[se][i]), (row[0], se, cell, a[se][i])
    # The book's full mean by hand from the per-path totals.
    names = list(f["system/total_names"].asstr()[...])
    book = f["system/path_totals"][:, names.index("book_loss_usd")]
    assert close(rows[0][1].split(" ± ")[0], float(np.mean(book)))


def feedback():
    """The oracle and permanent impact on: the amplification and cascades section."""
    config = (source_dir / "configs" / "nightly.toml").read_text()
    config = config.replace('snapshot = "../data/sample"',
                            f'snapshot = "{source_dir / "data" / "sample"}"')
    config += "\n[oracle]\nenabled = true\n\n[cascade]\npermanent_impact_share = 0.6667\n"
    config_path = work_dir / "feedback.toml"
    config_path.write_text(config)
    result = run_levrisk("report-feedback", config=config_path)
    text, page = report(result, "--top", "5")
    check_self_contained(text)
    assert page.sections[-1] == "feedback", page.sections
    with h5py.File(result, "r") as f:
        check_feedback(page, f)
        check_shortfall(page, f)
        if f["system/feedback/rounds_histogram"][1:].sum() > 0:
            assert page.figures["feedback"] == 1


def bad_input():
    missing = work_dir / "no-such-result.h5"
    done = subprocess.run([sys.executable, str(script), str(missing)], env=environment,
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr == f"report.py: error: '{missing}': no such file\n", done.stderr
    other = work_dir / "not-levrisk.h5"
    with h5py.File(other, "w") as f:
        f["x"] = [1.0]
    done = subprocess.run([sys.executable, str(script), str(other)], env=environment,
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr == (f"report.py: error: '{other}': not a levrisk result (root attribute "
                           "format is not 'levrisk-result')\n"), done.stderr
    assert not other.with_suffix(".html").exists()


def unwritable(result):
    output = work_dir / "no-such-folder" / "report.html"
    done = subprocess.run([sys.executable, str(script), str(result), "-o", str(output)],
                          env=environment, capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr == (f"report.py: error: cannot write '{output}': No such file or "
                           "directory\n"), done.stderr


bad_input()
executed()
not_executed()
no_cross_accounts()
feedback()
print("reports written and checked: executed, --no-liquidation, no cross accounts, feedback")
