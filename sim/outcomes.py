"""What a run comes to, and what many runs come to: the answers to "how often does cooperation
form, how fast, how durably, and what blocks it". Both engines report through here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
from scipy.special import ndtri
from scipy.stats import binomtest

from sim import rules
from sim.stages import ATTRIBUTES, REGENCY_ATTRIBUTES, Stage


@dataclass(frozen=True)
class Outcomes:
    """Per-run outcomes, each with a leading replications axis (R,)."""

    formed: np.ndarray  # (R,) cooperation formed within the horizon
    month_formed: np.ndarray  # (R,) month it first formed, -1 if never
    sustained: np.ndarray  # (R,) in force at the end, and through at least one evaluation
    in_force: np.ndarray  # (R,) in force at the end
    members: np.ndarray  # (R, n) taking part at the end
    months_member: np.ndarray  # (R, n) months each regency was a member of cooperation in force
    highest_stage: np.ndarray  # (R,) furthest stage the initiative reached
    months_cooperating: np.ndarray  # (R,)
    dissolutions: np.ndarray  # (R,)
    dissolutions_after_election: np.ndarray  # (R,)
    barriers: np.ndarray  # (R, n, len(ATTRIBUTES)) accumulated shortfall (float32)
    final: np.ndarray  # (R, n, len(REGENCY_ATTRIBUTES)) attributes at the end (float32)

    def __len__(self) -> int:
        return len(self.formed)

    @property
    def profiles(self) -> np.ndarray:
        """(R, n, len(ATTRIBUTES)) each run's barrier profile: shares of its shortfall (0 if none)."""
        totals = self.barriers.sum(axis=-1, keepdims=True, dtype=np.float64)
        return np.divide(self.barriers, totals, out=np.zeros(self.barriers.shape), where=totals > 0)


def outcomes(state: rules.State, p: rules.Params) -> Outcomes:
    """The outcomes of final states with leading shape (R,)."""
    in_force = rules.cooperation_active(state.stage, p)[..., 0]
    return Outcomes(
        formed=state.formed_month[..., 0] >= 0,
        month_formed=state.formed_month[..., 0],
        sustained=in_force & (state.months_active[..., 0] > p.monitoring.interval),
        in_force=in_force,
        members=rules.members(state.stage, p),
        months_member=state.months_member,
        highest_stage=state.highest_stage[..., 0],
        months_cooperating=state.months_cooperating[..., 0],
        dissolutions=state.dissolutions[..., 0],
        dissolutions_after_election=state.dissolutions_after_election[..., 0],
        barriers=state.barriers.astype(np.float32),  # reporting precision: a quarter of the memory
        final=np.stack([getattr(state, a) for a in REGENCY_ATTRIBUTES], axis=-1).astype(np.float32),
    )


def outcome_columns(o: Outcomes, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The outcomes as flat columns, one row per run: what runs.parquet holds."""
    columns: dict[str, np.ndarray] = {
        "formed": o.formed,
        "month_formed": o.month_formed.astype(np.int16),  # -1: never formed
        "sustained": o.sustained,
        "in_force": o.in_force,
        "highest_stage": o.highest_stage.astype(np.int8),  # a Stage: 0 none ... 5 monitoring
        "months_cooperating": o.months_cooperating.astype(np.int16),
        "dissolutions": o.dissolutions.astype(np.int16),
        "dissolutions_after_election": o.dissolutions_after_election.astype(np.int16),
    }
    for i, name in enumerate(names):
        columns[f"member_{name}"] = o.members[:, i]
        columns[f"months_member_{name}"] = o.months_member[:, i].astype(np.int16)
        columns.update({f"shortfall_{name}_{a}": o.barriers[:, i, k] for k, a in enumerate(ATTRIBUTES)})
        columns.update({f"final_{name}_{a}": o.final[:, i, k] for k, a in enumerate(REGENCY_ATTRIBUTES)})
    return columns


def stack(states: list[rules.State]) -> rules.State:
    """Single-run states (leading shape ()) as one state with a replications axis."""
    return rules.State(**{f.name: np.stack([getattr(s, f.name) for s in states]) for f in fields(rules.State)})


def wilson(successes: int, trials: int) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion, by scipy: sound at 0 and at 1."""
    interval = binomtest(int(successes), int(trials)).proportion_ci(confidence_level=0.95, method="wilson")
    return float(interval.low), float(interval.high)


Z95 = float(ndtri(0.975))


def paired_difference(after: np.ndarray, before: np.ndarray) -> dict:
    """How much more often `after` holds than `before`, run by run over paired runs (booleans),
    with Newcombe's 95 % score interval for a difference of paired proportions (1998, his
    method 10): the Wilson intervals of the two rates, combined with their correlation. Unlike
    a normal interval of the mean difference it stays within [-1, 1], and it keeps a width
    when every pair agrees."""
    a, b = np.asarray(after, dtype=bool), np.asarray(before, dtype=bool)
    n = len(a)
    both, only_after, only_before = int((a & b).sum()), int((a & ~b).sum()), int((~a & b).sum())
    neither = n - both - only_after - only_before
    p1, p2 = (both + only_after) / n, (both + only_before) / n
    (l1, u1), (l2, u2) = wilson(both + only_after, n), wilson(both + only_before, n)
    margins = (both + only_after) * (only_before + neither) * (both + only_before) * (only_after + neither)
    cross = both * neither - only_after * only_before  # Python integers: no overflow
    corrected = cross - n / 2 if cross > n / 2 else min(cross, 0)
    phi = corrected / math.sqrt(margins) if margins > 0 else 0.0
    below = math.sqrt(max((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2, 0.0))
    above = math.sqrt(max((p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2, 0.0))
    return {"difference": p1 - p2, "ci": [p1 - p2 - below, p1 - p2 + above]}


def paired_mean_difference(after: np.ndarray, before: np.ndarray) -> dict:
    """How much larger `after` is than `before` on average, run by run over paired runs (counts
    or months), with a normal 95 % interval of the mean difference."""
    difference = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
    mean = float(difference.mean())
    half = Z95 * float(difference.std(ddof=1)) / math.sqrt(len(difference)) if len(difference) > 1 else 0.0
    return {"difference": mean, "ci": [mean - half, mean + half]}


def wilson_intervals(successes: np.ndarray, trials: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The same 95 % Wilson intervals for many proportions at once (Newcombe 1998, as scipy
    computes them in `binomtest(...).proportion_ci(method="wilson")`, which takes one at a time;
    tests hold the two equal). NaN where there are no trials."""
    k, n = np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denominator = 2 * (n + Z95**2)
        centre = (2 * n * p + Z95**2) / denominator
        delta = Z95 / denominator * np.sqrt(4 * n * p * (1 - p) + Z95**2)
    low = np.where(k == 0, 0.0, centre - delta)
    high = np.where(k == n, 1.0, centre + delta)
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def barrier_profiles(barriers: np.ndarray, names: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """Each regency's share of total shortfall per attribute, pooled over runs (all 0 if none)."""
    totals = barriers.reshape(-1, *barriers.shape[-2:]).sum(axis=0, dtype=np.float64)
    profiles = {}
    for name, row in zip(names, totals, strict=True):
        total = row.sum()
        shares = row / total if total > 0 else np.zeros_like(row)
        profiles[name] = {a: round(float(s), 6) for a, s in zip(ATTRIBUTES, shares, strict=True)}
    return profiles


def header(scenario_name: str, setup: str, engine: str, seed: int, months: int) -> dict:
    """The first keys of every result: what was run, how."""
    return {"scenario": scenario_name, "setup": setup, "engine": engine, "seed": seed, "months": months}


def survival(month_formed: np.ndarray, months: int, step: int = 12) -> dict[str, list]:
    """The time to formation as a survival curve: the share of runs in which cooperation has not
    yet formed (month_formed -1: never), at month 0, every `step` months and at the horizon (runs
    that never formed are censored at the horizon)."""
    at = np.array(sorted({*range(0, months + 1, step), months}))
    formed = np.asarray(month_formed)
    counts = np.bincount(formed[formed >= 0], minlength=months + 1)[: months + 1]
    not_formed = 1.0 - np.cumsum(counts)[at] / max(len(formed), 1)
    return {"month": at.tolist(), "not_formed": not_formed.tolist()}


def summarise(o: Outcomes, names: tuple[str, ...], months: int) -> dict:
    """The summary keys of `kerjasama run --json` for R replications over `months` months."""
    runs = len(o)
    formed = int(o.formed.sum())
    low, high = wilson(formed, runs)
    month_formed = o.month_formed[o.formed]
    reached = np.bincount(o.highest_stage.astype(np.intp), minlength=len(Stage)) / runs
    ever_member = o.months_member > 0
    return {
        "replications": runs,
        "formation_rate": formed / runs,
        "formation_ci": [low, high],
        "median_months_to_formation": float(np.median(month_formed)) if formed else None,
        "survival": {key: [round(v, 6) for v in values] for key, values in survival(o.month_formed, months).items()},
        "sustained_rate": float(o.sustained.mean()),
        "sustained_ci": list(wilson(int(o.sustained.sum()), runs)),
        "months_in_force": float(o.months_cooperating.mean()),
        "dissolution_rate": float((o.dissolutions > 0).mean()),
        "dissolutions_per_run": float(o.dissolutions.mean()),
        "dissolutions_after_election": float(o.dissolutions_after_election.sum() / runs),
        "participation": {name: float(ever_member[:, i].mean()) for i, name in enumerate(names)},
        "months_as_member": {name: float(o.months_member[:, i].mean()) for i, name in enumerate(names)},
        "highest_stage": {stage.name.lower(): float(share) for stage, share in zip(Stage, reached, strict=True)},
        "barriers": barrier_profiles(o.barriers, names),
    }
