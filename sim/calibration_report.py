"""The report of a calibration folder (`kerjasama report DIR` on what `kerjasama calibrate`
wrote): prior against posterior for every parameter, how many sets each pattern rejects, which
patterns constrain which parameters, and the parameters the patterns cannot pin down.

In English or Bahasa Indonesia, as every report.
"""

from __future__ import annotations

import html
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from sim.figures import save
from sim.storage import ResultsFolder, write_text
from sim.terms import factor_name, setup_name, term

CAL_KEYS = (
    "title",
    "accepted",
    "pinned",
    "method",
    "patterns",
    "patterns_text",
    "number",
    "pattern",
    "says",
    "met_by",
    "rejects",
    "constrains",
    "prior_posterior",
    "parameter",
    "prior_range",
    "median",
    "interval",
    "left",
    "not_pinned",
)
NOT_PINNED = 0.8  # a posterior 90 % interval wider than this share of the prior's range: not pinned down
SHOWN = 12  # parameters drawn, most narrowed first


def parameter_table(prior: pd.DataFrame, posterior: pd.DataFrame, parameters: list[str]) -> pd.DataFrame:
    """Per parameter: prior range, posterior median and 90 % interval, the share of the prior's
    range left, and how far the posterior moved from the prior (Kolmogorov–Smirnov distance),
    most moved first."""
    rows = []
    for path in parameters:
        low, high = prior[path].min(), prior[path].max()
        q5, q50, q95 = posterior[path].quantile([0.05, 0.5, 0.95]) if len(posterior) else (np.nan,) * 3
        left = (q95 - q5) / (high - low) if high > low else 1.0
        rows.append(
            {"parameter": path, "prior_low": low, "prior_high": high, "q5": q5, "median": q50, "q95": q95, "left": left}
        )
    return pd.DataFrame(rows).sort_values("left").reset_index(drop=True)


def constraints(prior: pd.DataFrame, patterns: list[int], parameters: list[str]) -> pd.DataFrame:
    """Per pattern and parameter: the Kolmogorov–Smirnov distance between the parameter's values
    in the sets that meet the pattern and in all sets — how strongly the pattern constrains it."""
    rows = []
    for index in patterns:
        met = prior[f"miss_{index}"] == 0
        for path in parameters:
            distance = (
                stats.ks_2samp(prior.loc[met, path], prior[path]).statistic if 0 < met.sum() < len(prior) else 0.0
            )
            rows.append({"pattern": index, "parameter": path, "ks": float(distance)})
    return pd.DataFrame(rows)


def marginals_figure(prior: pd.DataFrame, posterior: pd.DataFrame, table: pd.DataFrame, path: Path, lang: str) -> Path:
    shown = list(table["parameter"][:SHOWN])
    columns = 4
    rows = max(1, -(-len(shown) // columns))
    figure, axes = plt.subplots(rows, columns, figsize=(12, 2.4 * rows), squeeze=False)
    for axis, parameter in zip(axes.flat, shown, strict=False):
        bins = np.linspace(prior[parameter].min(), prior[parameter].max(), 16)
        axis.hist(prior[parameter], bins=bins, density=True, color="#BBBBBB", label=term("cal.prior", lang))
        axis.hist(
            posterior[parameter],
            bins=bins,
            density=True,
            color="#009E73",
            alpha=0.75,
            label=term("cal.posterior", lang),
        )
        axis.set_title(factor_name(parameter, lang), fontsize=8)
        axis.tick_params(labelsize=7)
        axis.set_yticks([])
    for axis in list(axes.flat)[len(shown) :]:
        axis.axis("off")
    axes.flat[0].legend(fontsize=7, frameon=False)
    figure.suptitle(term("cal.figure", lang), fontsize=11)
    figure.tight_layout()
    return save(figure, path)


def build_calibration_report(folder: ResultsFolder, manifest: dict, lang: str = "en") -> Path:
    from sim.report import STYLE, embedded, html_table

    folder.verify_files(manifest)
    prior = pd.read_parquet(folder.path / "prior.parquet")
    posterior = pd.read_parquet(folder.path / "posterior.parquet")
    parameters, patterns = manifest["parameters"], manifest["patterns"]
    table = parameter_table(prior, posterior, parameters)
    links = constraints(prior, list(range(len(patterns))), parameters)
    figures = folder.path / "figures" / ("" if lang == "en" else lang)
    figure = marginals_figure(prior, posterior, table, figures / "calibration.png", lang)
    misses = np.column_stack([prior[f"miss_{i}"].to_numpy() > 0 for i in range(len(patterns))])
    pattern_rows = []
    for i, pattern in enumerate(patterns):
        alone = int((misses[:, i] & (misses.sum(axis=1) == 1)).sum())
        top = links[links["pattern"] == i].nlargest(3, "ks")
        pattern_rows.append(
            (
                i,
                pattern["label"],
                pattern["says"],
                f"{100 * (1 - misses[:, i].mean()):.1f} %",
                term("cal.rejected", lang).format(count=f"{int(misses[:, i].sum()):,}", alone=f"{alone:,}"),
                ", ".join(f"{factor_name(r.parameter, lang)} ({r.ks:.2f})" for r in top.itertuples() if r.ks > 0.1)
                or "—",
            )
        )
    unpinned = table[table["left"] > NOT_PINNED]["parameter"].tolist()
    parameter_rows = [
        (
            f"{factor_name(r.parameter, lang)} — {r.parameter}"
            if factor_name(r.parameter, lang) != r.parameter
            else r.parameter,
            f"{r.prior_low:.3g} – {r.prior_high:.3g}",
            f"{r.median:.3g}",
            f"{r.q5:.3g} – {r.q95:.3g}",
            f"{100 * r.left:.0f} %",
        )
        for r in table.itertuples()
    ]
    accepted = len(posterior)
    name = html.escape(manifest["calibration"])
    text = {key: term(f"cal.{key}", lang) for key in CAL_KEYS}
    parts = [
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{text['title']} {name}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{text['title']} {name}</h1>",
        "<div class='findings'><ul>",
        "<li>"
        + text["accepted"].format(accepted=f"{accepted:,}", sets=f"{len(prior):,}", share=100 * accepted / len(prior))
        + "</li>",
        "<li>"
        + text["pinned"].format(
            pinned=len(parameters) - len(unpinned),
            parameters=len(parameters),
            limit=100 * NOT_PINNED,
            rest=len(unpinned),
        )
        + "</li>",
        "</ul></div>",
        "<p>"
        + text["method"].format(
            sets=f"{manifest['sets']:,}",
            setups=len(manifest["setups"]),
            names=", ".join(setup_name(s, lang) for s in manifest["setups"]),
            replications=f"{manifest['replications']:,}",
        )
        + "</p>",
        f"<h2>{text['patterns']}</h2><p>{text['patterns_text']}</p>",
        html_table([text[k] for k in ("number", "pattern", "says", "met_by", "rejects", "constrains")], pattern_rows),
        f"<h2>{text['prior_posterior']}</h2>",
        embedded(figure),
        html_table([text[k] for k in ("parameter", "prior_range", "median", "interval", "left")], parameter_rows),
        "<p>"
        + text["not_pinned"].format(
            limit=100 * NOT_PINNED, names=html.escape(", ".join(factor_name(p, lang) for p in unpinned)) or "—"
        )
        + "</p>",
        f"<p class='about'>{html.escape(manifest['code'])}; {html.escape(manifest['finished'])}.</p>",
        "</body></html>",
    ]
    path = folder.path / "report.html"
    write_text(path, "\n".join(parts))
    return path
