"""Figures, with matplotlib: the same colour for a setup and for a regency in every figure, from
the Okabe–Ito palette (safe for colour-blind readers), labels in English or Bahasa Indonesia.

Each function draws one figure from tidy tables (`sim/analysis.py`) and saves it as a PNG.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on servers, no window in workshops
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.analysis import Discovery
from sim.stages import ATTRIBUTES, Stage
from sim.storage import write_atomically
from sim.terms import factor_name, level_label, setup_name, stage_name, term

matplotlib.rcParams["text.parse_math"] = False  # names are data: "$5$" is a name, not TeX
# A name in a script the bundled font lacks (emoji) is drawn as boxes; the HTML report shows it.
warnings.filterwarnings("ignore", "Glyph .* missing from font")

OKABE_ITO = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
SETUP_COLOURS = {
    "status_quo": "#000000",
    "key_actor": "#E69F00",
    "regional_management": "#56B4E9",
    "rm_plus": "#009E73",
    "province_led": "#CC79A7",
    "custom": "#0072B2",
}
REGENCY_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


def setup_colour(preset: str) -> str:
    if preset in SETUP_COLOURS:
        return SETUP_COLOURS[preset]
    return OKABE_ITO[sum(map(ord, preset)) % len(OKABE_ITO)]


def regency_colour(index: int) -> str:
    return REGENCY_COLOURS[index % len(REGENCY_COLOURS)]


def _finish(figure: plt.Figure, axes: list[plt.Axes], path: Path) -> Path:
    for axis in axes:
        axis.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return save(figure, path)


def save(figure: plt.Figure, path: Path, **options) -> Path:
    """Write the figure as a PNG, atomically (a full disk leaves the old file, not half a new one)."""
    try:
        write_atomically(path, lambda tmp: figure.savefig(tmp, format="png", dpi=150, **options))
    finally:
        plt.close(figure)
    return path


def _labels(summary: pd.DataFrame) -> list[str]:
    return summary["label"].astype(str).tolist()


def formation_figure(summary: pd.DataFrame, path: Path, months: int, lang: str = "en") -> Path:
    """Formation rate per arm or design point, with its 95 % Wilson interval."""
    many = len(summary) > 40
    figure, axis = plt.subplots(figsize=(8.5, 4.5 if many else max(2.6, 0.5 * len(summary) + 1.4)))
    if many:  # points sorted by rate, the interval as a band
        ordered = summary.sort_values("formation_rate").reset_index(drop=True)
        axis.fill_between(
            ordered.index,
            ordered["formation_low"] * 100,
            ordered["formation_high"] * 100,
            color="#56B4E9",
            alpha=0.35,
            label=term("axis.interval", lang),
        )
        axis.plot(ordered.index, ordered["formation_rate"] * 100, color="#0072B2")
        axis.set_xlabel(term("axis.points", lang))
        axis.set_ylabel(term("axis.formed", lang))
        axis.set_ylim(0, 100)
    else:
        labels, rates = _labels(summary), summary["formation_rate"] * 100
        errors = [rates - summary["formation_low"] * 100, summary["formation_high"] * 100 - rates]
        axis.barh(labels, rates, color=[setup_colour(p) for p in summary["preset"]], alpha=0.85)
        axis.errorbar(rates, labels, xerr=errors, fmt="none", ecolor="#444444", capsize=3, linewidth=1)
        for y, (rate, high) in enumerate(zip(rates, summary["formation_high"] * 100, strict=True)):
            axis.text(min(high + 1.5, 88), y, f"{rate:.1f} %", va="center", fontsize=9)
        axis.invert_yaxis()
        axis.set_xlim(0, 100)
        axis.set_xlabel(f"{term('axis.formed', lang)}; {term('axis.interval', lang)}")
    axis.set_title(term("title.formation", lang).format(months=months), fontsize=11)
    return _finish(figure, [axis], path)


def difference_figure(summary: pd.DataFrame, path: Path, lang: str = "en") -> Path:
    """Each arm's formation minus the status quo's in the same runs, with its 95 % interval."""
    shown = summary.dropna(subset=["difference_from_status_quo"])
    figure, axis = plt.subplots(figsize=(8.5, max(2.6, 0.5 * len(shown) + 1.4)))
    labels, values = _labels(shown), shown["difference_from_status_quo"] * 100
    errors = [values - shown["difference_low"] * 100, shown["difference_high"] * 100 - values]
    axis.barh(labels, values, color=[setup_colour(p) for p in shown["preset"]], alpha=0.85)
    axis.errorbar(values, labels, xerr=errors, fmt="none", ecolor="#444444", capsize=3, linewidth=1)
    for y, value in enumerate(values):
        axis.text(
            value + (1.5 if value >= 0 else -1.5),
            y,
            f"{value:+.1f}",
            va="center",
            ha="left" if value >= 0 else "right",
            fontsize=9,
        )
    axis.axvline(0, color="#444444", linewidth=0.8)
    axis.invert_yaxis()
    low = min(0.0, float((shown["difference_low"] * 100).min()) - 8)
    axis.set_xlim(low, max(10.0, float((shown["difference_high"] * 100).max()) + 12))
    axis.set_xlabel(f"{term('axis.difference', lang)}; {term('axis.interval', lang)}")
    axis.set_title(term("title.difference", lang), fontsize=11)
    return _finish(figure, [axis], path)


def survival_figure(curves: pd.DataFrame, summary: pd.DataFrame, path: Path, lang: str = "en") -> Path:
    """Time to formation as a survival curve: the share of runs in which cooperation has not yet
    formed, month by month, one curve per arm (runs that never formed stay at the horizon)."""
    presets = dict(zip(summary["label"].astype(str), summary["preset"], strict=True))
    figure, axis = plt.subplots(figsize=(8.5, 4.5))
    styles = ("-", "--", ":", "-.")
    for i, (label, group) in enumerate(curves.groupby("label", sort=False)):
        axis.step(
            group["month"],
            group["not_formed"] * 100,
            where="post",
            color=setup_colour(presets[str(label)]),
            linestyle=styles[i // len(OKABE_ITO) % 4],
            linewidth=2,
            label=str(label),
        )
    axis.set_xlabel(term("axis.month", lang))
    axis.set_ylabel(term("axis.not_formed", lang))
    axis.set_ylim(0, 102)
    axis.set_xlim(0, curves["month"].max())
    axis.legend(frameon=False, fontsize=9, loc="lower left")
    axis.set_title(term("title.survival", lang), fontsize=11)
    return _finish(figure, [axis], path)


def participation_figure(table: pd.DataFrame, regencies: list[str], path: Path, lang: str = "en") -> Path:
    """Per arm, the share of runs in which each regency was a member at some time, with its
    mean months as a member written on the bar."""
    labels = list(dict.fromkeys(table["label"].astype(str)))
    figure, axis = plt.subplots(figsize=(9, max(2.8, 0.55 * len(labels) * max(1, len(regencies) / 3) + 1.6)))
    height = 0.8 / len(regencies)
    for k, name in enumerate(regencies):
        part = table[table["regency"] == name].assign(label=lambda t: t["label"].astype(str)).set_index("label")
        shares = part.loc[labels, "share"] * 100
        positions = np.arange(len(labels)) + k * height - 0.4 + height / 2
        axis.barh(positions, shares, height, color=regency_colour(k), alpha=0.9, label=name)
        for y, share, months in zip(positions, shares, part.loc[labels, "months"], strict=True):
            if share > 0:
                axis.text(share + 1, y, f"{months:.0f} {term('months', lang)}", va="center", fontsize=7, color="#444")
    axis.set_yticks(np.arange(len(labels)), labels, fontsize=9)
    axis.invert_yaxis()
    axis.set_xlim(0, 118)
    axis.set_xlabel(term("axis.participation", lang), fontsize=9)
    axis.legend(
        frameon=False, fontsize=8, ncols=min(6, len(regencies)), loc="upper center", bbox_to_anchor=(0.5, -0.12)
    )
    axis.set_title(term("title.participation", lang), fontsize=11)
    return _finish(figure, [axis], path)


def effects_figure(effects: pd.DataFrame, path: Path, lang: str = "en") -> Path:
    """What each factor of a full factorial carries: each level's difference from the reference
    level in formation (points) and in months in force, with the factor's share of the
    differences between the points."""
    shown = effects[effects["level"] != effects["reference"]]
    outputs = [("formation_rate", 100, "axis.effect_formation"), ("months_in_force", 1, "axis.effect_months")]
    rows = list(
        dict.fromkeys(zip(shown["factor"], shown["level"].astype(str), shown["reference"].astype(str), strict=True))
    )
    figure, axes = plt.subplots(1, 2, figsize=(11, max(2.6, 0.45 * len(rows) + 1.5)), sharey=True)
    names = [level_label(factor, level, reference, lang) for factor, level, reference in rows]
    for axis, (output, scale, label) in zip(axes, outputs, strict=True):
        part = shown[shown["output"] == output]
        values = [
            scale * part[(part["factor"] == f) & (part["level"].astype(str) == level)]["effect"].iloc[0]
            for f, level, _ in rows
        ]
        shares = [part[part["factor"] == f]["share"].iloc[0] for f, _, _ in rows]
        colours = ["#D55E00" if v < 0 else "#009E73" for v in values]
        axis.barh(names, values, color=colours, alpha=0.85)
        axis.axvline(0, color="#444", linewidth=0.8)
        for y, (value, share) in enumerate(zip(values, shares, strict=True)):
            axis.text(value, y, f" {100 * share:.0f} % ", va="center", ha="left" if value >= 0 else "right", fontsize=7)
        axis.set_xlabel(term(label, lang), fontsize=9)
        axis.margins(x=0.25)
    axes[0].invert_yaxis()
    axes[0].tick_params(axis="y", labelsize=8)
    figure.suptitle(term("title.effects", lang), fontsize=11)
    return _finish(figure, list(axes), path)


def funnel_figure(funnel: pd.DataFrame, summary: pd.DataFrame, path: Path, lang: str = "en") -> Path:
    """Share of runs whose initiative reached each stage of the grand design, per arm."""
    presets = dict(zip(summary["label"].astype(str), summary["preset"], strict=True))
    labels = list(dict.fromkeys(funnel["label"].astype(str)))
    stages = [s.name.lower() for s in list(Stage)[1:]]
    figure, axis = plt.subplots(figsize=(9, 4.6))
    width = 0.8 / len(labels)
    for i, label in enumerate(labels):
        shares = funnel[funnel["label"].astype(str) == label].set_index("stage").loc[stages, "share"] * 100
        axis.bar(
            np.arange(len(stages)) + i * width - 0.4 + width / 2,
            shares,
            width,
            color=setup_colour(presets[label]),
            label=label,
            alpha=0.9,
        )
    axis.set_xticks(np.arange(len(stages)), [stage_name(Stage[s.upper()], lang) for s in stages], fontsize=9)
    axis.set_ylabel(term("axis.reached", lang))
    axis.set_ylim(0, 105)
    axis.legend(frameon=False, fontsize=8, ncols=min(5, len(labels)), loc="upper center", bbox_to_anchor=(0.5, -0.1))
    axis.set_title(term("title.funnel", lang), fontsize=11)
    return _finish(figure, [axis], path)


def durability_figure(summary: pd.DataFrame, path: Path, lang: str = "en") -> Path:
    """How durably: months in force (mean over all runs), the lasting rate with its interval,
    and dissolutions per 100 runs, the part within a year of an election darker."""
    figure, (first, second, third) = plt.subplots(1, 3, figsize=(12, max(2.8, 0.5 * len(summary) + 1.4)), sharey=True)
    labels, colours = _labels(summary), [setup_colour(p) for p in summary["preset"]]
    first.barh(labels, summary["months_in_force"], color=colours, alpha=0.85)
    first.set_xlabel(term("axis.months_in_force", lang), fontsize=9)
    first.invert_yaxis()
    rates = summary["sustained_rate"] * 100
    second.barh(labels, rates, color=colours, alpha=0.85)
    second.errorbar(
        rates,
        labels,
        xerr=[rates - summary["sustained_low"] * 100, summary["sustained_high"] * 100 - rates],
        fmt="none",
        ecolor="#444444",
        capsize=3,
        linewidth=1,
    )
    second.set_xlim(0, 100)
    second.set_xlabel(term("axis.sustained", lang), fontsize=9)
    third.barh(labels, summary["dissolutions_per_run"] * 100, color=colours, alpha=0.45)
    third.barh(labels, summary["dissolutions_after_election_per_run"] * 100, color=colours, alpha=0.95)
    third.set_xlabel(term("axis.dissolutions", lang), fontsize=9)
    figure.suptitle(term("title.durability", lang), fontsize=11)
    return _finish(figure, [first, second, third], path)


def barriers_figure(profiles: pd.DataFrame, regencies: list[str], path: Path, lang: str = "en") -> Path:
    """Heatmaps, one per arm: each regency's share of the shortfall on each attribute."""
    labels = list(dict.fromkeys(profiles["label"].astype(str)))
    columns = min(3, len(labels))
    rows = int(np.ceil(len(labels) / columns))
    figure, axes = plt.subplots(
        rows, columns, figsize=(4.2 * columns, 0.55 * len(regencies) * rows + 1.6 * rows), squeeze=False
    )
    for axis, label in zip(axes.flat, labels, strict=False):
        table = (
            profiles[profiles["label"].astype(str) == label]
            .pivot(index="regency", columns="attribute", values="share")
            .loc[regencies, list(ATTRIBUTES)]
        )
        axis.imshow(table.to_numpy(), cmap="Blues", vmin=0, vmax=1, aspect="auto")
        for (i, j), value in np.ndenumerate(table.to_numpy()):
            if value >= 0.005:
                axis.text(
                    j,
                    i,
                    f"{100 * value:.0f}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if value > 0.55 else "#222222",
                )
        axis.set_xticks(
            range(len(ATTRIBUTES)), [term(a, lang) for a in ATTRIBUTES], rotation=35, ha="right", fontsize=8
        )
        axis.set_yticks(range(len(regencies)), regencies, fontsize=9)
        axis.set_title(label, fontsize=9)
    for axis in list(axes.flat)[len(labels) :]:
        axis.axis("off")
    figure.suptitle(f"{term('title.barriers', lang)} ({term('axis.share', lang)}, %)", fontsize=11)
    figure.tight_layout()
    return save(figure, path)


def trajectories_figure(
    trajectories: pd.DataFrame, label: str, regencies: list[str], path: Path, lang: str = "en"
) -> Path:
    """One panel per attribute: each regency's median and 10–90 % band over the months."""
    figure, axes = plt.subplots(2, 3, figsize=(11, 6), sharex=True, sharey=True)
    for axis, attribute in zip(axes.flat, ATTRIBUTES, strict=True):
        for i, name in enumerate(regencies):
            part = trajectories[
                (trajectories["attribute"] == attribute) & (trajectories["regency"] == name)
            ].sort_values("month")
            axis.fill_between(part["month"], part["q10"], part["q90"], color=regency_colour(i), alpha=0.18, linewidth=0)
            axis.plot(part["month"], part["q50"], color=regency_colour(i), linewidth=1.8, label=name)
        axis.set_title(term(attribute, lang), fontsize=10)
        axis.set_ylim(0, 1)
    for axis in axes[1]:
        axis.set_xlabel(term("axis.month", lang))
    for axis in axes[:, 0]:
        axis.set_ylabel(term("axis.value", lang))
    axes[0, 0].legend(frameon=False, fontsize=8, loc="upper left")
    figure.suptitle(term("title.trajectory", lang).format(label=label), fontsize=11)
    return _finish(figure, list(axes.flat), path)


def sweep_figure(sweeps: pd.DataFrame, path: Path, lang: str = "en") -> Path:
    """Formation rate against each factor (one panel each), one line per preset."""
    factors = list(dict.fromkeys(sweeps["factor"]))
    columns = min(3, len(factors))
    rows = int(np.ceil(len(factors) / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(4.4 * columns, 3.4 * rows), squeeze=False, sharey=True)
    for axis, factor in zip(axes.flat, factors, strict=False):
        part = sweeps[sweeps["factor"] == factor]
        numeric = pd.api.types.is_numeric_dtype(part["value"])
        for preset, line in part.groupby("preset", sort=False):
            x = line["value"] if numeric else np.arange(len(line))
            axis.plot(
                x,
                line["formation_rate"] * 100,
                marker="o",
                markersize=3,
                color=setup_colour(preset),
                label=setup_name(preset, lang),
            )
            axis.fill_between(
                x, line["low"] * 100, line["high"] * 100, color=setup_colour(preset), alpha=0.15, linewidth=0
            )
            if not numeric:
                axis.set_xticks(np.arange(len(line)), line["value"].astype(str), rotation=25, ha="right", fontsize=8)
        axis.set_xlabel(factor_name(factor, lang), fontsize=9)
        axis.set_ylim(0, 100)
    for axis in axes[:, 0]:
        axis.set_ylabel(term("axis.formed_short", lang), fontsize=9)
    for axis in list(axes.flat)[len(factors) :]:
        axis.axis("off")
    axes[0, 0].legend(frameon=False, fontsize=8)
    figure.suptitle(term("title.sweep", lang), fontsize=11)
    return _finish(figure, list(axes.flat), path)


def grid_map_figure(table: pd.DataFrame, first: str, second: str, path: Path, lang: str = "en") -> Path:
    """A map of the formation rate over two factors of a grid, one panel per preset."""
    presets = list(dict.fromkeys(table["preset"]))
    figure, axes = plt.subplots(1, len(presets), figsize=(4.6 * len(presets), 4), squeeze=False)
    image = None
    for axis, preset in zip(axes[0], presets, strict=True):
        grid = table[table["preset"] == preset].pivot(index=second, columns=first, values="formation_rate")
        image = axis.imshow(grid.to_numpy() * 100, origin="lower", cmap="viridis", vmin=0, vmax=100, aspect="auto")
        for (i, j), value in np.ndenumerate(grid.to_numpy()):
            axis.text(
                j,
                i,
                f"{100 * value:.0f}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if value < 0.6 else "black",
            )
        axis.set_xticks(range(grid.shape[1]), [str(v) for v in grid.columns], fontsize=8)
        axis.set_yticks(range(grid.shape[0]), [str(v) for v in grid.index], fontsize=8)
        axis.set_xlabel(factor_name(first, lang), fontsize=9)
        axis.set_ylabel(factor_name(second, lang), fontsize=9)
        axis.set_title(setup_name(preset, lang), fontsize=10)
    figure.colorbar(image, ax=list(axes[0]), label=term("axis.formed_short", lang), shrink=0.85)
    figure.suptitle(term("title.map", lang), fontsize=11)
    return save(figure, path, bbox_inches="tight")


def sensitivity_figure(table: pd.DataFrame, kind: str, path: Path, lang: str = "en") -> Path:
    """Sobol S1 and ST with 95 % intervals, or Morris mu* and sigma, factors ranked; per preset."""
    presets = list(dict.fromkeys(table["preset"]))
    output = term(f"output.{table['output'].iloc[0]}", lang)
    figure, axes = plt.subplots(
        1, len(presets), figsize=(6.5 * len(presets), 0.45 * table["factor"].nunique() + 1.8), squeeze=False
    )
    for axis, preset in zip(axes[0], presets, strict=True):
        part = table[table["preset"] == preset]
        names = [factor_name(f, lang) for f in part["factor"]]
        y = np.arange(len(part))
        if kind == "sobol":
            for shift, index, colour, legend in (
                (-0.2, "ST", "#0072B2", "total"),
                (0.2, "S1", "#E69F00", "first_order"),
            ):
                axis.barh(
                    y + shift,
                    part[index],
                    0.4,
                    xerr=part[f"{index}_conf"],
                    color=colour,
                    label=term(f"legend.{legend}", lang),
                    capsize=2,
                )
            axis.axvline(0, color="#444444", linewidth=0.8)
            axis.set_xlabel(term("axis.index", lang))
        else:
            axis.barh(y, part["mu_star"], xerr=part["mu_star_conf"], color="#0072B2", capsize=2, label="μ*")
            axis.plot(part["sigma"], y, "o", color="#D55E00", label="σ")
            axis.set_xlabel("μ*, σ")
        axis.set_yticks(y, names, fontsize=8)
        axis.invert_yaxis()
        axis.legend(frameon=False, fontsize=8, loc="lower right")
        axis.set_title(setup_name(preset, lang), fontsize=10)
    title = "title.sobol" if kind == "sobol" else "title.morris"
    figure.suptitle(term(title, lang).format(output=output), fontsize=11)
    return _finish(figure, list(axes[0]), path)


def discovery_figure(
    summary: pd.DataFrame, discovery: Discovery, factors: list[str], path: Path, lang: str = "en"
) -> Path:
    """The design points over the two factors the box restricts most, the box drawn on them."""
    group = summary[summary["preset"] == discovery.preset]
    restricted = discovery.limits["factor"].tolist()  # may be none: the whole explored space
    first, second = (restricted + [f for f in factors if f not in restricted])[:2]
    high = group["formation_rate"] >= discovery.threshold
    figure, axis = plt.subplots(figsize=(6.8, 5.2))
    axis.scatter(
        group.loc[~high, first],
        group.loc[~high, second],
        s=12,
        color="#999999",
        alpha=0.6,
        label=term("legend.low", lang).format(threshold=f"{100 * discovery.threshold:.0f} %"),
    )
    axis.scatter(
        group.loc[high, first],
        group.loc[high, second],
        s=14,
        color="#009E73",
        label=term("legend.high", lang).format(threshold=f"{100 * discovery.threshold:.0f} %"),
    )
    limits = discovery.limits.set_index("factor")

    def span(factor: str) -> tuple[float, float]:
        if factor in limits.index:
            return limits.loc[factor, "low"], limits.loc[factor, "high"]
        return group[factor].min(), group[factor].max()

    (x0, x1), (y0, y1) = span(first), span(second)
    axis.add_patch(
        plt.Rectangle(
            (x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="#D55E00", linewidth=2, label=term("legend.in_box", lang)
        )
    )
    axis.set_xlabel(factor_name(first, lang), fontsize=9)
    axis.set_ylabel(factor_name(second, lang), fontsize=9)
    axis.legend(frameon=False, fontsize=8, loc="best")
    axis.set_title(
        f"{setup_name(discovery.preset, lang)}: "
        + term("title.discovery", lang).format(threshold=f"{100 * discovery.threshold:.0f} %"),
        fontsize=10,
    )
    return _finish(figure, [axis], path)


def worlds_figure(rates: pd.DataFrame, summary: pd.DataFrame, path: Path, lang: str = "en") -> Path:
    """Each arm's formation rate in every plausible world (a point each; a box for the middle
    half, a line from the 10th to the 90th percentile, a bar at the median), beside the interval
    of chance alone (black)."""
    labels = list(rates.columns)
    figure, axis = plt.subplots(figsize=(8.5, max(2.8, 0.7 * len(labels) + 1.4)))
    jitter = np.random.default_rng(0).uniform(-0.18, 0.18, len(rates))  # fixed: the same figure each time
    chance = term("table.chance", lang)
    by_label = summary.set_index("label")
    for k, label in enumerate(labels):
        colour = setup_colour(str(by_label.loc[label, "preset"]))
        values = rates[label].to_numpy() * 100
        q10, q25, q50, q75, q90 = np.percentile(values, [10, 25, 50, 75, 90])
        axis.plot([q10, q90], [k, k], color=colour, linewidth=1)
        axis.barh(k, q75 - q25, left=q25, height=0.5, fill=False, edgecolor=colour, linewidth=1.2)
        axis.plot([q50, q50], [k - 0.25, k + 0.25], color=colour, linewidth=2.5)
        axis.scatter(values, k + jitter, s=8, color=colour, alpha=0.5)
        low, high = by_label.loc[label, ["formation_low", "formation_high"]] * 100
        axis.plot([low, high], [k + 0.38, k + 0.38], color="#000000", linewidth=3, label=chance if k == 0 else None)
    axis.set_yticks(range(len(labels)), labels)
    axis.invert_yaxis()
    axis.set_xlim(-2, 102)
    axis.set_xlabel(term("axis.world_rate", lang))
    axis.legend(frameon=False, fontsize=8, loc="lower right")
    axis.set_title(term("title.worlds", lang).format(worlds=len(rates)), fontsize=10)
    return _finish(figure, [axis], path)
