"""Analysis of a results folder: tidy pandas tables in, tidy pandas tables out.

Each function answers one question a researcher asks of an experiment and can be called from a
notebook on its own:

    from sim.analysis import load_results, formation_by_month, sensitivity, discover
    results = load_results("results/compare_setups")
    formation_by_month(results.runs, results.months)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from sim import outcomes
from sim.outcomes import wilson_intervals
from sim.stages import ATTRIBUTES, Stage
from sim.storage import ResultsFolder

HIGH_FORMATION = 0.8  # "cooperation forms with high probability": the default for discovery


@dataclass(frozen=True)
class Results:
    """A complete results folder of `kerjasama experiment`."""

    folder: Path
    manifest: dict
    runs: pd.DataFrame
    summary: pd.DataFrame
    trajectories: pd.DataFrame | None
    worlds: pd.DataFrame | None = None  # per point and plausible world: its rates (worlds.csv)
    world_values: pd.DataFrame | None = None  # per world: its parameter values and weight

    @property
    def kind(self) -> str:
        return self.manifest["kind"]

    @property
    def months(self) -> int:
        return self.manifest["months"]

    @property
    def regencies(self) -> list[str]:
        return [c.removeprefix("top_barrier_") for c in self.summary.columns if c.startswith("top_barrier_")]

    @property
    def factors(self) -> list[dict]:
        return self.manifest.get("factors", [])

    @property
    def presets(self) -> list[str]:
        return list(dict.fromkeys(self.summary["preset"]))


def load_results(folder: str | Path) -> Results:
    """Read a complete results folder, each file checked against the SHA-256 its manifest
    records; a missing, unfinished, edited, damaged or foreign one is an InputError."""
    folder = Path(folder)
    results = ResultsFolder(folder)
    if not folder.is_dir():
        raise results.refuse("no such results folder")
    manifest = results.manifest()
    if manifest is None:
        raise results.refuse("has no readable manifest.json: it is not a results folder of `kerjasama experiment`")
    if "identity" not in manifest or "kind" not in manifest:
        raise results.refuse("its manifest.json is not one `kerjasama experiment` wrote")
    if manifest.get("status") == "failed":
        raise results.refuse(
            "holds an experiment in which every run failed (the errors are in its manifest.json): nothing to report"
        )
    if manifest.get("status") != "complete":
        raise results.refuse(
            f"holds an unfinished experiment (status {manifest.get('status')!r}); finish it with --resume first"
        )
    results.verify_files(manifest)
    try:
        runs = pq.read_table(folder / "runs.parquet").to_pandas()
        summary = pd.read_csv(folder / "summary.csv")
        path = folder / "trajectories.parquet"
        trajectories = pq.read_table(path).to_pandas() if path.exists() else None
        over_worlds = "worlds.csv" in manifest.get("files", {})
        worlds = pd.read_csv(folder / "worlds.csv") if over_worlds else None
        world_values = pq.read_table(folder / "worlds.parquet").to_pandas() if over_worlds else None
    except (OSError, ValueError) as error:  # the hashes matched: only a fault of the disk gets here
        raise results.refuse(f"its files cannot be read ({error})") from None
    return Results(folder, manifest, runs, summary, trajectories, worlds, world_values)


# --------------------------------------------------------------------------------------------
# Comparing setups (arms)
# --------------------------------------------------------------------------------------------


def survival(runs: pd.DataFrame, months: int) -> pd.DataFrame:
    """Per label and month: the share of runs in which cooperation has not yet formed — the
    time to formation as a survival curve (`sim.outcomes.survival`), with the runs that never
    formed censored at the horizon."""
    rows = []
    for label, group in runs.groupby("label", sort=False):
        curve = outcomes.survival(group["month_formed"].to_numpy(), months, step=1)
        rows.append(pd.DataFrame({"label": label, **curve}))
    return pd.concat(rows, ignore_index=True)


def formation_by_month(runs: pd.DataFrame, months: int) -> pd.DataFrame:
    """Per label and month: the share of runs in which cooperation has formed by then."""
    curves = survival(runs, months)
    return curves.assign(share=1.0 - curves["not_formed"]).drop(columns="not_formed")


def participation(summary: pd.DataFrame, regencies: list[str]) -> pd.DataFrame:
    """Per label and regency: the share of runs in which it was a member of cooperation in force
    at some time, and its mean months as a member."""
    rows = [
        {
            "label": row["label"],
            "preset": row["preset"],
            "regency": name,
            "share": row[f"participation_{name}"],
            "months": row[f"months_member_{name}"],
        }
        for _, row in summary.iterrows()
        for name in regencies
    ]
    return pd.DataFrame(rows)


def stage_funnel(runs: pd.DataFrame) -> pd.DataFrame:
    """Per label and stage: the share of runs whose initiative reached at least that stage."""
    rows = []
    for label, group in runs.groupby("label", sort=False):
        for stage in list(Stage)[1:]:
            reached = group["highest_stage"] >= int(stage)
            rows.append({"label": label, "stage": stage.name.lower(), "share": float(reached.mean())})
    return pd.DataFrame(rows)


def barrier_profiles(summary: pd.DataFrame, regencies: list[str]) -> pd.DataFrame:
    """Per label, regency and attribute: its share of the shortfall (pooled over runs)."""
    rows = [
        {"label": row["label"], "regency": name, "attribute": a, "share": row[f"barrier_{name}_{a}"]}
        for _, row in summary.iterrows()
        for name in regencies
        for a in ATTRIBUTES
    ]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Sweeps
# --------------------------------------------------------------------------------------------


def sweep(summary: pd.DataFrame, factor: str, bins: int = 8) -> pd.DataFrame:
    """Formation rate (pooled over points, with a 95 % interval) against one factor, per preset.

    Listed values (a grid) are kept; a continuous factor is cut into `bins` bins of equal
    numbers of points, each shown at the mean factor value of its points.
    """
    rows = []
    for preset, group in summary.groupby("preset", sort=False):
        values = group[factor]
        if not pd.api.types.is_numeric_dtype(values) or values.nunique() <= bins:
            keys = values.astype(str) if not pd.api.types.is_numeric_dtype(values) else values
        else:
            keys = pd.qcut(values, bins, duplicates="drop")
        pooled = group.assign(formed=group["formation_rate"] * group["replications"], key=keys)
        for key, part in pooled.groupby("key", sort=True, observed=True):
            runs, formed = part["replications"].sum(), part["formed"].sum()
            rows.append(
                {
                    "preset": preset,
                    "factor": factor,
                    "value": part[factor].mean() if pd.api.types.is_numeric_dtype(values) else key,
                    "formation_rate": formed / runs if runs else np.nan,
                    "runs": runs,
                    "points": len(part),
                }
            )
    table = pd.DataFrame(rows)
    table["low"], table["high"] = wilson_intervals(np.round(table["formation_rate"] * table["runs"]), table["runs"])
    return table


def grid_map(summary: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
    """Formation rate over two factors of a grid (pooled over any others), per preset: long format."""
    pooled = summary.assign(formed=summary["formation_rate"] * summary["replications"])
    grouped = pooled.groupby(["preset", first, second], sort=True)[["formed", "replications"]].sum().reset_index()
    grouped["formation_rate"] = grouped["formed"] / grouped["replications"]
    return grouped.drop(columns="formed")


def main_effects(summary: pd.DataFrame, factors: list[dict], outputs: tuple[str, ...]) -> pd.DataFrame:
    """What each factor of a full factorial carries, per preset and output.

    For each level of a factor: the output's mean over the points at that level, and its
    difference from the first level the experiment lists (the reference: for a switch listed
    true, false, what taking it away does) — in a full factorial, a mean over every combination
    of the other factors. `share`: the factor's main effect as a part of the differences between
    the points (its sum of squares over the total), the rest being the factors' interplay.
    """
    rows = []
    for preset, group in summary.groupby("preset", sort=False):
        for output in outputs:
            y = group[output].astype(float)
            total = float(((y - y.mean()) ** 2).sum())
            for factor in factors:
                levels = list(factor["values"])
                means = group.groupby(factor["path"], sort=False)[output].mean()
                counts = group.groupby(factor["path"], sort=False).size()
                share = float((counts * (means - y.mean()) ** 2).sum()) / total if total > 0 else 0.0
                reference = means.get(levels[0], np.nan)
                for level in levels:
                    if level in means.index:
                        rows.append(
                            {
                                "preset": preset,
                                "output": output,
                                "factor": factor["path"],
                                "level": level,
                                "reference": levels[0],
                                "mean": float(means[level]),
                                "effect": float(means[level] - reference),
                                "share": share,
                            }
                        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Sensitivity (SALib)
# --------------------------------------------------------------------------------------------

OUTPUT_COLUMNS = {
    "formation_rate": "formation_rate",
    "sustained_rate": "sustained_rate",
    "months_in_force": "months_in_force",
    "months_to_formation": "median_months_to_formation",
}


def problem(results: Results) -> dict:
    factors = results.factors
    return {
        "num_vars": len(factors),
        "names": [f["path"] for f in factors],
        "bounds": [[f["low"], f["high"]] for f in factors],
    }


def sensitivity(results: Results, output: str = "formation_rate") -> pd.DataFrame:
    """Sobol first-order and total indices with 95 % confidence intervals, or Morris mu* and
    sigma, of an output's mean over each point's common-seed replications, per preset.

    Points are in SALib's sample order within each preset (as the design made them).
    """
    from SALib.analyze import morris, sobol

    salib_problem = problem(results)
    names = salib_problem["names"]
    rows = []
    for preset, group in results.summary.groupby("preset", sort=False):
        group = group.sort_values("point")
        y = group[OUTPUT_COLUMNS[output]].fillna(group[OUTPUT_COLUMNS[output]].mean()).to_numpy(float)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a constant output divides by zero
            if results.kind == "sobol":
                second = results.manifest["design"].get("second_order", True)
                indices = sobol.analyze(salib_problem, y, calc_second_order=second, seed=results.manifest["seed"])
                kept = ("S1", "S1_conf", "ST", "ST_conf")
            else:
                x = group[names].to_numpy(float)
                indices = morris.analyze(
                    salib_problem,
                    x,
                    y,
                    num_levels=results.manifest["design"].get("levels", 4),
                    seed=results.manifest["seed"],
                )
                kept = ("mu_star", "mu_star_conf", "sigma")
            for i, name in enumerate(names):
                rows.append({"preset": preset, "output": output, "factor": name, **{k: indices[k][i] for k in kept}})
    table = pd.DataFrame(rows).fillna(0.0)
    rank = "ST" if results.kind == "sobol" else "mu_star"
    return table.sort_values(["preset", rank], ascending=[True, False]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Scenario discovery (PRIM)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Discovery:
    """A box of the factor space where cooperation forms with high probability."""

    preset: str
    limits: pd.DataFrame  # factor, low, high: only the restricted factors
    coverage: float  # share of all high-formation points that lie in the box
    density: float  # share of the points in the box that are high-formation points
    points: int  # points in the box
    threshold: float


def discover(
    summary: pd.DataFrame, factors: list[str], preset: str, threshold: float = HIGH_FORMATION, min_density: float = 0.8
) -> Discovery | None:
    """PRIM on the design points of one preset, for "formation rate >= threshold" (see
    `find_box`). None when no point reaches it."""
    group = summary[summary["preset"] == preset]
    x = group[factors].astype(float).reset_index(drop=True)
    y = (group["formation_rate"].to_numpy() >= threshold).astype(int)
    return find_box(x, y, preset, threshold, min_density)


def find_box(
    x: pd.DataFrame, y: np.ndarray, preset: str, threshold: float, min_density: float, strict: bool = False
) -> Discovery | None:
    """PRIM (Friedman & Fisher 1999, the `PRIM` package) for the cases y == 1 among the rows of
    x: of the boxes on the peeling trajectory whose density is at least `min_density`, the one
    with the most coverage (then the densest); without one, the densest box — or, `strict`,
    None. None also when there is no such case."""
    import prim

    if y.sum() == 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        box = prim.Prim(x, y, threshold=min_density, threshold_type=">").find_box()
        trajectory = box.peeling_trajectory
        dense = trajectory[trajectory["density"] >= min_density]
        best = dense.sort_values(["coverage", "density"], ascending=False)  # most coverage, then densest
        if strict and not len(best):
            return None
        chosen = int(best.index[0]) if len(best) else int(trajectory["density"].idxmax())
        box.select(chosen)
    limits = box.limits.reset_index().rename(columns={"index": "factor", "min": "low", "max": "high"})[
        ["factor", "low", "high"]
    ]
    return Discovery(preset, limits, float(box.coverage), float(box.density), round(box.mass * len(x)), threshold)


# --------------------------------------------------------------------------------------------
# Plausible worlds
# --------------------------------------------------------------------------------------------

LOSING_RATE = 0.5  # a setup "fails" in a world where it forms cooperation in fewer than half the runs


def world_rates(results: Results) -> pd.DataFrame:
    """Formation rate by plausible world (rows) and arm (columns, by label), over the worlds
    every arm ran in."""
    rates = results.worlds.pivot(index="world", columns="label", values="formation_rate").dropna()
    order = results.worlds.sort_values("point")["label"].unique()
    return rates[list(order)]


def where_it_fails(results: Results, label: str, rate: float = LOSING_RATE) -> tuple[pd.DataFrame, np.ndarray]:
    """The worlds' parameter values, and which worlds the arm `label` fails in (forms in fewer
    than `rate` of runs) or loses to another arm: what scenario discovery explains."""
    rates = world_rates(results)
    others = rates.drop(columns=[label])
    fails = (rates[label] < rate) | (others.max(axis=1) > rates[label] + 1e-12)
    values = results.world_values.set_index("world").loc[rates.index]
    x = values.drop(columns=["weight"]).astype(float).reset_index(drop=True)
    return x, fails.to_numpy().astype(int)


@dataclass(frozen=True)
class Failures:
    """Where the best setup fails or loses, over the plausible worlds."""

    box: Discovery | None  # None: no box passes the checks
    failing: int  # worlds in which it fails or loses
    worlds: int
    chance: float  # the share of label shuffles whose box is at least as dense (a p-value)
    differ: list[tuple[str, float]]  # the numbers that differ between failing and other worlds, and by how much (KS)


SHUFFLES = 19  # label shuffles for the check against chance: p <= 0.05 needs the densest of 20


def discover_failures(results: Results, label: str, candidates: int = 4, seed: int = 0) -> Failures:
    """PRIM on the plausible worlds: where `label` fails or loses (see `where_it_fails`). Every
    uncertain number is a dimension, far more than the worlds can carve a box from, so the box
    is sought among the `candidates` numbers whose values differ most between the worlds it
    fails in and the others (two-sample Kolmogorov–Smirnov statistic), and must hold failing
    worlds at least halfway from their share of all worlds to certainty. Density and coverage
    are in-sample, after the choice of numbers on the same worlds, so the whole procedure is
    run again on SHUFFLES shuffles of the labels: the box is kept only when no shuffle gives one
    as dense (p <= 0.05)."""
    from scipy.stats import ks_2samp

    x, fails = where_it_fails(results, label)
    failing, worlds = int(fails.sum()), len(fails)
    if failing in (0, worlds):
        return Failures(None, failing, worlds, 1.0, [])
    tests = {c: ks_2samp(x.loc[fails == 1, c], x.loc[fails == 0, c]) for c in x.columns}
    differ = [  # those that differ beyond chance, with Bonferroni's correction for the many numbers
        (c, float(t.statistic))
        for c, t in sorted(tests.items(), key=lambda i: -i[1].statistic)
        if t.pvalue * len(tests) < 0.05
    ]
    box = _failure_box(x, fails, label, candidates)
    if box is None:
        return Failures(None, failing, worlds, 1.0, differ)
    rng = np.random.default_rng(seed)
    null = [_failure_box(x, rng.permutation(fails), label, candidates) for _ in range(SHUFFLES)]
    as_dense = sum(1 for other in null if other is not None and other.density >= box.density)
    chance = (1 + as_dense) / (1 + SHUFFLES)
    return Failures(box if chance <= 0.05 else None, failing, worlds, chance, differ)


def _failure_box(x: pd.DataFrame, fails: np.ndarray, label: str, candidates: int) -> Discovery | None:
    from scipy.stats import ks_2samp

    statistic = {c: ks_2samp(x.loc[fails == 1, c], x.loc[fails == 0, c]).statistic for c in x.columns}
    chosen = sorted(statistic, key=lambda c: (-statistic[c], c))[:candidates]
    base = fails.mean()
    return find_box(x[chosen], fails, label, LOSING_RATE, base + (1 - base) / 2, strict=True)


def describe_box(discovery: Discovery, points: pd.DataFrame, words: dict[str, str]) -> str:
    """The box in the words of its factors: "legitimacy of the key actor in Malaka ≥ 0.60 and
    meetings a month ≥ 0.50". A side is named only where the box cuts into the points' range."""
    parts = []
    for row in discovery.limits.itertuples(index=False):
        name = words.get(row.factor, row.factor)
        lower = row.low > points[row.factor].min() + 1e-12
        upper = row.high < points[row.factor].max() - 1e-12
        if lower and upper:
            parts.append(f"{row.low:.2f} ≤ {name} ≤ {row.high:.2f}")
        elif lower:
            parts.append(f"{name} ≥ {row.low:.2f}")
        elif upper:
            parts.append(f"{name} ≤ {row.high:.2f}")
    return f" {words.get('and', 'and')} ".join(parts)
