"""What each arm or design point of an experiment comes to: summary.csv.

Rates with 95 % Wilson intervals, months to formation, months in force, dissolutions, each
regency's participation, pooled barrier shares and, for arms, the paired difference from the
status quo arm. Each point's runs are added up as they
stream past in point order (`Tallies.add`), so memory grows with the number of points, not with
the number of runs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.design import Experiment
from sim.outcomes import paired_difference, wilson_intervals
from sim.scenario import STATUS_QUO
from sim.stages import ATTRIBUTES
from sim.worlds import rate_noise, true_range, weighted_quantiles

WORLD_SUMS = ("runs", "formed", "sustained", "months_cooperating", "months_squared")
SUMS = ("runs", "formed", "sustained", "dissolved", "months_cooperating", "dissolutions", "dissolutions_after_election")


def point_table(experiment: Experiment) -> pd.DataFrame:
    """One row per point: its id, label, preset and factor values (the columns that say what
    each row of runs.parquet and summary.csv is)."""
    points = experiment.points
    return pd.DataFrame(
        {
            "point": np.array([p.id for p in points], dtype=np.int32),
            "label": [p.label for p in points],
            "preset": [p.preset for p in points],
            **{f.path: [p.factors.get(f.path) for p in points] for f in experiment.factors},
        }
    )


class Tallies:
    """Per point, the sums its summary needs. Runs come in point order, so the histogram of
    months to formation (for the median) is kept for one point at a time; arms also keep each
    run's formation, one byte a run, for the paired differences."""

    def __init__(self, experiment: Experiment):
        count, names = len(experiment.points), experiment.scenario.regency_names
        self.experiment = experiment
        self.sums = {key: np.zeros(count, dtype=np.int64) for key in SUMS}
        self.shortfall = np.zeros((count, len(names), len(ATTRIBUTES)))
        self.participants = np.zeros((count, len(names)), dtype=np.int64)  # runs in which each was a member
        self.months_member = np.zeros((count, len(names)), dtype=np.int64)
        self.median_month = np.full(count, np.nan)
        self.formed_by_replication: dict[int, np.ndarray] | None = {} if experiment.kind == "arms" else None
        self._point: int | None = None
        self._months: np.ndarray = np.zeros(0, dtype=np.int64)
        self._formed: list[tuple[np.ndarray, np.ndarray]] = []
        worlds = experiment.worlds.count if experiment.worlds else 0
        self.by_world = {key: np.zeros((count, worlds), dtype=np.int64) for key in WORLD_SUMS}

    def add(self, point: int, runs: pa.Table) -> None:
        """Some runs of `point`, after all runs of the points before it."""
        if point != self._point:
            self._settle()
            self._point, self._months, self._formed = point, np.zeros(self.experiment.months + 1, np.int64), []

        def values(name: str) -> np.ndarray:
            return runs.column(name).to_numpy()

        formed, sums = values("formed"), self.sums
        sums["runs"][point] += runs.num_rows
        sums["formed"][point] += formed.sum()
        sums["sustained"][point] += values("sustained").sum()
        sums["dissolved"][point] += (values("dissolutions") > 0).sum()
        for key in ("months_cooperating", "dissolutions", "dissolutions_after_election"):
            sums[key][point] += values(key).sum(dtype=np.int64)
        for i, name in enumerate(self.experiment.scenario.regency_names):
            months_member = values(f"months_member_{name}")
            self.participants[point, i] += (months_member > 0).sum()
            self.months_member[point, i] += months_member.sum(dtype=np.int64)
            for k, attribute in enumerate(ATTRIBUTES):
                self.shortfall[point, i, k] += values(f"shortfall_{name}_{attribute}").sum(dtype=np.float64)
        self._months += np.bincount(values("month_formed")[formed], minlength=len(self._months))
        if self.formed_by_replication is not None:
            self._formed.append((values("replication"), formed))
        if self.experiment.worlds:
            world, count = values("world"), self.experiment.worlds.count
            for key, column in (("runs", None), ("formed", "formed"), ("sustained", "sustained")):
                weights = None if column is None else values(column)
                self.by_world[key][point] += np.bincount(world, weights, minlength=count).astype(np.int64)
            months = values("months_cooperating").astype(np.int64)
            self.by_world["months_cooperating"][point] += np.bincount(world, months, minlength=count).astype(np.int64)
            self.by_world["months_squared"][point] += np.bincount(world, months**2, minlength=count).astype(np.int64)

    def _settle(self) -> None:
        """The current point is complete: its median month of formation, its runs by replication."""
        if self._point is None:
            return
        self.median_month[self._point] = histogram_median(self._months)
        if self.formed_by_replication is not None and self._formed:
            replications = np.concatenate([r for r, _ in self._formed])
            by_replication = np.full(replications.max() + 1, -1, dtype=np.int8)  # -1: no such run
            by_replication[replications] = np.concatenate([f for _, f in self._formed])
            self.formed_by_replication[self._point] = by_replication

    def summary(self) -> pd.DataFrame:
        """One row per point, for summary.csv (NaN where a point has no runs)."""
        self._settle()
        self._point = None
        summary = point_table(self.experiment)
        runs = self.sums["runs"]
        with np.errstate(invalid="ignore", divide="ignore"):
            per_run = {key: np.where(runs > 0, self.sums[key] / runs, np.nan) for key in SUMS[1:]}
        summary["replications"] = runs
        for outcome, name in (("formed", "formation"), ("sustained", "sustained")):
            summary[f"{name}_rate"] = per_run[outcome]
            summary[f"{name}_low"], summary[f"{name}_high"] = wilson_intervals(self.sums[outcome], runs)
        summary["median_months_to_formation"] = self.median_month
        summary["months_in_force"] = per_run["months_cooperating"]
        summary["dissolution_rate"] = per_run["dissolved"]
        summary["dissolutions_per_run"] = per_run["dissolutions"]
        summary["dissolutions_after_election_per_run"] = per_run["dissolutions_after_election"]
        with np.errstate(invalid="ignore", divide="ignore"):
            for i, name in enumerate(self.experiment.scenario.regency_names):
                summary[f"participation_{name}"] = np.where(runs > 0, self.participants[:, i] / runs, np.nan)
                summary[f"months_member_{name}"] = np.where(runs > 0, self.months_member[:, i] / runs, np.nan)
        for i, name in enumerate(self.experiment.scenario.regency_names):
            totals = self.shortfall[:, i, :]
            all_totals = totals.sum(axis=1, keepdims=True)
            shares = np.divide(totals, all_totals, out=np.zeros_like(totals), where=all_totals > 0)
            summary[f"top_barrier_{name}"] = np.where(
                all_totals[:, 0] > 0, np.array(ATTRIBUTES)[shares.argmax(axis=1)], ""
            )
            for k, attribute in enumerate(ATTRIBUTES):
                summary[f"barrier_{name}_{attribute}"] = shares[:, k]
        if self.formed_by_replication is not None:
            self._add_paired_differences(summary)
        if self.experiment.worlds:
            self._add_world_intervals(summary)
        return summary

    def world_table(self) -> pd.DataFrame:
        """One row per point and world with runs: the world's rates (worlds.csv)."""
        runs = self.by_world["runs"]
        point, world = np.nonzero(runs)
        table = point_table(self.experiment).iloc[point][["point", "label", "preset"]].reset_index(drop=True)
        table["world"] = world.astype(np.int32)
        table["runs"] = runs[point, world]
        for key, name in (("formed", "formation_rate"), ("sustained", "sustained_rate")):
            table[name] = self.by_world[key][point, world] / table["runs"]
        table["months_in_force"] = self.by_world["months_cooperating"][point, world] / table["runs"]
        squares = self.by_world["months_squared"][point, world] / table["runs"]
        runs = table["runs"].to_numpy()
        table["months_noise"] = np.maximum(squares - table["months_in_force"] ** 2, 0) / np.maximum(runs - 1, 1)
        return table

    def _add_world_intervals(self, summary: pd.DataFrame) -> None:
        """Chance and parametric uncertainty: the central 95 % of the worlds' own values of each
        outcome, the chance of each world's runs taken out (`worlds.true_range`), and never
        narrower than the interval of chance alone; the fewest runs a world; for arms, the share
        of worlds in which each arm forms cooperation most often, and its regret."""
        table = self.world_table()
        for name, column in (
            ("formation", "formation_rate"),
            ("sustained", "sustained_rate"),
            ("months", "months_in_force"),
        ):
            for point, rows in table.groupby("point"):
                runs, values = rows["runs"].to_numpy(), rows[column].to_numpy()
                noise = rows["months_noise"].to_numpy() if name == "months" else rate_noise(values, runs)
                low, high = true_range(values, noise, runs)
                if name != "months":  # never narrower than chance alone
                    low = min(low, summary.loc[point, f"{name}_low"])
                    high = max(high, summary.loc[point, f"{name}_high"])
                summary.loc[point, f"{name}_worlds_low"], summary.loc[point, f"{name}_worlds_high"] = low, high
        summary["worlds"] = table.groupby("point")["world"].nunique().reindex(summary["point"]).to_numpy()
        summary["runs_per_world"] = table.groupby("point")["runs"].min().reindex(summary["point"]).to_numpy()
        if self.experiment.kind == "arms":
            for column, values in world_comparison(table).items():
                summary[column] = summary["point"].map(values)

    def _add_paired_differences(self, summary: pd.DataFrame) -> None:
        """Each arm's formation minus the status quo arm's, run by run on the replications both
        have (common random numbers)."""
        points = self.experiment.points
        reference = next((p for p in points if p.preset == STATUS_QUO and not p.overrides), None)
        if reference is None or reference.id not in self.formed_by_replication:
            return
        before = self.formed_by_replication[reference.id]
        for point in points:
            after = self.formed_by_replication.get(point.id)
            if after is None:
                continue
            length = min(len(after), len(before))
            shared = (after[:length] >= 0) & (before[:length] >= 0)
            if not shared.any():
                continue
            difference = paired_difference(after[:length][shared], before[:length][shared])
            summary.loc[point.id, "difference_from_status_quo"] = difference["difference"]
            summary.loc[point.id, "difference_low"], summary.loc[point.id, "difference_high"] = difference["ci"]


def world_comparison(table: pd.DataFrame) -> dict[str, dict[int, float]]:
    """Per arm, over the worlds every arm ran in (each world counted by its runs): the share of
    worlds in which it forms cooperation most often (a tie shared; a world in which no arm forms
    it counts for none) and its regret — how far its formation rate falls short of the best
    arm's in that world — at the 90th percentile. Both carry the chance of each world's runs."""
    rates = table.pivot(index="world", columns="point", values="formation_rate").dropna()
    weight = table.groupby("world")["runs"].min().reindex(rates.index).to_numpy(dtype=float)
    best = rates.max(axis=1).to_numpy()
    is_best = (rates.to_numpy() >= best[:, None] - 1e-12) & (best[:, None] > 0)
    shares = np.divide(
        is_best,
        is_best.sum(axis=1, keepdims=True),
        out=np.zeros(is_best.shape),
        where=is_best.any(axis=1, keepdims=True),
    )
    share = (shares * weight[:, None]).sum(axis=0) / weight.sum()
    regret = best[:, None] - rates.to_numpy()
    return {
        "best_share": dict(zip(rates.columns, share, strict=True)),
        "regret_90": {
            point: weighted_quantiles(regret[:, k], weight, [0.9])[0] for k, point in enumerate(rates.columns)
        },
    }


def histogram_median(counts: np.ndarray) -> float:
    """The median of the values that `counts` counts (counts[v] of value v), as np.median gives
    it: the middle value, or the mean of the two middle ones; NaN if there are none."""
    total = int(counts.sum())
    if total == 0:
        return np.nan
    cumulative = np.cumsum(counts)
    low, high = np.searchsorted(cumulative, [(total - 1) // 2, total // 2], side="right")
    return (low + high) / 2
