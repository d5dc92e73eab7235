"""Figures, with matplotlib: the same colour for a setup and for a regency in every figure, from
the Okabe–Ito palette (safe for colour-blind readers)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")  # files only: no display on servers, no window in workshops
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

if TYPE_CHECKING:
    from sim.design import Experiment

OKABE_ITO = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
SETUP_COLOURS = {
    "status_quo": "#000000",
    "key_actor": "#E69F00",
    "regional_management": "#56B4E9",
    "rm_plus": "#009E73",
    "province_led": "#CC79A7",
    "custom": "#0072B2",
}


def setup_colour(preset: str) -> str:
    return SETUP_COLOURS.get(preset, OKABE_ITO[hash(preset) % len(OKABE_ITO)])


def formation_figure(summary: pd.DataFrame, path: Path, experiment: Experiment) -> None:
    """Formation rate per arm or design point, with its 95 % Wilson interval."""
    many = len(summary) > 40
    figure, axis = plt.subplots(figsize=(8, 4.5 if many else max(2.5, 0.45 * len(summary) + 1.2)))
    if many:  # points sorted by rate, the interval as a band
        ordered = summary.sort_values("formation_rate").reset_index(drop=True)
        axis.fill_between(
            ordered.index,
            ordered["formation_low"] * 100,
            ordered["formation_high"] * 100,
            color="#56B4E9",
            alpha=0.35,
            label="95 % interval",
        )
        axis.plot(ordered.index, ordered["formation_rate"] * 100, color="#0072B2", label="formation rate")
        axis.set_xlabel("design points, sorted by formation rate")
        axis.set_ylabel("runs in which cooperation formed (%)")
        axis.legend(loc="upper left", frameon=False)
    else:
        labels = summary["label"].tolist()
        rates = summary["formation_rate"] * 100
        errors = [rates - summary["formation_low"] * 100, summary["formation_high"] * 100 - rates]
        colours = [setup_colour(p) for p in summary["preset"]]
        axis.barh(labels, rates, color=colours, alpha=0.85)
        axis.errorbar(rates, labels, xerr=errors, fmt="none", ecolor="#444444", capsize=3, linewidth=1)
        for y, (rate, high) in enumerate(zip(rates, summary["formation_high"] * 100, strict=True)):
            axis.text(min(high + 1.5, 88), y, f"{rate:.1f} %", va="center", fontsize=9)
        axis.invert_yaxis()
        axis.set_xlabel("runs in which cooperation formed within the horizon (%), with 95 % interval")
    if many:
        axis.set_ylim(0, 100)
    else:
        axis.set_xlim(0, 100)
    axis.set_title(f"{experiment.name}: cooperation formed within {experiment.months} months", fontsize=11)
    axis.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    figure.savefig(path, dpi=150)
    plt.close(figure)
