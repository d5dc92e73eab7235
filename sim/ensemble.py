"""The ensemble engine: many replications at once, as arrays of shape (replications, regencies).

It calls the same rules (`sim/rules.py`) in the same order as the Mesa model's step, so given the
same draws, replication r here and a Mesa run fed r's draws follow the same trajectory.
Replications run in chunks, so memory stays bounded however many are asked for; replication r
draws from (seed, r) alone, so the results do not depend on the chunks, and two setups run with
one seed are paired (common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, replace

import numpy as np

from sim import rules
from sim.draws import DrawSource, HashedDraws
from sim.outcomes import Outcomes, header, outcomes, paired_difference, summarise, wilson
from sim.scenario import Scenario
from sim.stages import REGENCY_ATTRIBUTES, Stage
from sim.worlds import Worlds, over_worlds

CHUNK = 10_000  # replications per chunk: about a second of work, a few MB of state
WORKING_COPIES = 40  # arrays of a chunk's state alive at once within a month, at most (measured)


def spread_over(p: rules.Params, shape: tuple[int, ...]) -> rules.Params:
    """The same parameters with every per-regency array laid out over the replications.

    Numpy combines a (replications, n) array with a (n,) parameter along the short regency axis,
    element by element, which is several times slower than combining two arrays of one shape.
    The values do not change, so neither do the results. Arrays already per run stay as they are.
    """

    def spread(values: np.ndarray, rank: int = 1) -> np.ndarray:
        return np.ascontiguousarray(np.broadcast_to(values, shape + values.shape[values.ndim - rank :]))

    r = p.regencies
    pairs = ("trust", "trust_baseline")
    regencies = {f.name: spread(getattr(r, f.name)) for f in fields(r) if f.name not in (*pairs, "thresholds")}
    regencies.update({name: spread(getattr(r, name), rank=2) for name in pairs})
    thresholds = r.thresholds  # pair first: (P, n), or (P, *shape, n) when already per run
    if thresholds.ndim == 2:
        thresholds = thresholds.reshape(thresholds.shape[:1] + (1,) * len(shape) + thresholds.shape[1:])
    regencies["thresholds"] = np.ascontiguousarray(
        np.broadcast_to(thresholds, thresholds.shape[:1] + shape + thresholds.shape[-1:])
    )

    def spread_convener(convener: rules.Convener) -> rules.Convener:
        return replace(
            convener,
            legitimacy=spread(convener.legitimacy),
            meeting_retention={
                effect: spread(values, rank=2 if effect == "trust" else 1)
                for effect, values in convener.meeting_retention.items()
            },
        )

    institutions = replace(
        p.institutions,
        key_actor=spread_convener(p.institutions.key_actor),
        manager=spread_convener(p.institutions.manager),
    )
    return replace(p, regencies=rules.RegencyParams(**regencies), institutions=institutions)


# Whole numbers the rules also take per run, so that parameter sets differing in them (a
# calibration's stage and drought durations) still run side by side.
PER_RUN_INTEGERS = ("min_months", "drought_duration")


def structure(p: rules.Params) -> tuple:
    """What must be the same for parameter sets to run side by side: everything but the floats
    and PER_RUN_INTEGERS (switches, strategies, election months...)."""
    found: list = []

    def walk(value: object, name: str = "") -> None:
        if hasattr(value, "__dataclass_fields__"):
            for f in fields(value):
                walk(getattr(value, f.name), f.name)
        elif isinstance(value, dict):
            for key in sorted(value):
                walk(value[key], key)
        elif name in PER_RUN_INTEGERS:
            found.append(np.shape(value))
        elif isinstance(value, np.ndarray):
            found.append((value.shape, value.tobytes()) if value.dtype.kind != "f" else value.shape)
        elif not isinstance(value, float):
            found.append(value)

    walk(p)
    return tuple(found)


def stack(points: list[rules.Params], which: np.ndarray) -> rules.Params:
    """One parameter set for several, run r taking the set `which[r]`.

    A number that differs between the sets becomes a per-run parameter — (R, 1) for a scalar,
    (R, n) or (R, n, n) for a per-regency array, (P, R, n) for the gate thresholds — so the
    rules run every set at once. Everything else must agree (see `structure`).
    """
    if len({structure(p) for p in points}) > 1:
        raise ValueError("design points with different switches cannot run side by side")
    which = np.asarray(which, dtype=np.intp)

    def combine(values: list, name: str) -> object:
        first = values[0]
        if hasattr(first, "__dataclass_fields__"):
            return replace(
                first, **{f.name: combine([getattr(v, f.name) for v in values], f.name) for f in fields(first)}
            )
        if isinstance(first, dict):
            return {key: combine([v[key] for v in values], key) for key in first}
        if all(np.array_equal(v, first) for v in values[1:]):
            return first
        per_point = np.asarray(values, dtype=np.int32 if name in PER_RUN_INTEGERS else float)
        if per_point.ndim == 1:
            per_point = per_point[:, None]  # a scalar: (points, 1)
        per_run = per_point[which]
        return np.ascontiguousarray(np.moveaxis(per_run, 0, 1)) if name == "thresholds" else per_run

    return combine(points, "")


def simulate(
    p: rules.Params,
    draws: DrawSource,
    shape: tuple[int, ...],
    months: int,
    observe: Callable[[int, rules.State], None] | None = None,
) -> rules.State:
    """Run `months` months for replications of leading shape `shape`; the final state.

    `observe(month, state)`, if given, sees the state at month 0 and after every month.
    """
    p = spread_over(p, shape)
    state = rules.initial_state(p, shape)
    if observe:
        observe(0, state)
    for month in range(1, months + 1):
        state, *_ = rules.month(state, p, draws.month(month), month)
        if observe:
            observe(month, state)
    return state


def simulate_sets(
    sets: list[rules.Params],
    set_of_run: np.ndarray,
    seed: int,
    replications: np.ndarray,
    months: int,
    observer: Callable[[np.ndarray, rules.Params], Callable[[int, rules.State], None] | None] | None = None,
) -> Iterator[tuple[np.ndarray, rules.State, rules.Params]]:
    """Runs whose parameter sets differ — design points, plausible worlds — side by side wherever
    their structure agrees: run k is replication `replications[k]` of `seed` under
    `sets[set_of_run[k]]`. Yields, per group of runs run together, their positions, final state
    and stacked parameters; `observer(positions, params)` may give the group's monthly callback."""
    shapes: dict[tuple, int] = {}
    group_of_set = np.array([shapes.setdefault(structure(p), len(shapes)) for p in sets])
    group_of_run = group_of_set[set_of_run]
    for group in range(len(shapes)):
        rows = np.flatnonzero(group_of_run == group)
        members = np.flatnonzero(group_of_set == group)
        batch = stack([sets[k] for k in members], np.searchsorted(members, set_of_run[rows]))
        observe = observer(rows, batch) if observer else None
        state = simulate(batch, HashedDraws(seed, replications[rows], batch.n), rows.shape, months, observe)
        yield rows, state, batch


@dataclass
class MonthlyMeans:
    """Per-month means over replications, for plots; sums as chunks come in."""

    attributes: np.ndarray  # (months + 1, n, len(REGENCY_ATTRIBUTES)) mean of each attribute
    stages: np.ndarray  # (months + 1, len(Stage)) share of runs by the initiative's stage
    in_force: np.ndarray  # (months + 1,) share of runs with cooperation in force
    formed: np.ndarray  # (months + 1,) share of runs in which cooperation has formed by then
    runs: int = 0

    @classmethod
    def empty(cls, months: int, n: int) -> MonthlyMeans:
        return cls(
            np.zeros((months + 1, n, len(REGENCY_ATTRIBUTES))),
            np.zeros((months + 1, len(Stage))),
            np.zeros(months + 1),
            np.zeros(months + 1),
        )

    def observer(self, p: rules.Params) -> Callable[[int, rules.State], None]:
        """A callback for `simulate` that adds each month's sums (divide with `finish`)."""

        def observe(month: int, state: rules.State) -> None:
            for k, attribute in enumerate(REGENCY_ATTRIBUTES):
                self.attributes[month, :, k] += getattr(state, attribute).sum(axis=0)
            stage = rules.initiative_stage(state.stage, p).ravel()
            self.stages[month] += np.bincount(stage.astype(np.intp), minlength=len(Stage))
            self.in_force[month] += rules.cooperation_active(state.stage, p).sum()
            self.formed[month] += (state.formed_month >= 0).sum()

        return observe

    def finish(self, runs: int) -> MonthlyMeans:
        for values in (self.attributes, self.stages, self.in_force, self.formed):
            values /= runs
        self.runs = runs
        return self


@dataclass(frozen=True)
class EnsembleResult:
    """R replications of a scenario: per-run outcomes, per-month means, and their summary."""

    scenario: Scenario
    seed: int
    months: int
    first: int  # index of the first replication: replications first..first+R-1 of the seed
    outcomes: Outcomes
    monthly: MonthlyMeans
    worlds: Worlds | None = None  # the plausible worlds it ran over, if any
    world: np.ndarray | None = None  # (R,) the world of each replication

    def summary(self) -> dict:
        """The keys of `kerjasama run --json` for these replications."""
        s, o = self.scenario, self.outcomes
        summary = {
            **header(s.name, s.setup, "ensemble", self.seed, self.months),
            **summarise(o, s.regency_names, self.months),
        }
        if self.worlds:
            summary["worlds"] = {
                "file": self.worlds.file,
                "count": self.worlds.count,
                "visited": len(np.unique(self.world)),
                "runs_per_world": int(np.bincount(self.world)[np.unique(self.world)].min()),
                "model_unchanged": self.worlds.current,
                "formation_worlds": over_worlds(o.formed, self.world, summary["formation_ci"]),
                "sustained_worlds": over_worlds(o.sustained, self.world, summary["sustained_ci"]),
                "months_in_force_worlds": over_worlds(o.months_cooperating, self.world),
            }
        return summary


def compare(result: EnsembleResult, baseline: EnsembleResult) -> dict:
    """How `result` differs from `baseline`, run by run: both must be the same replications of
    the same seed (common random numbers), so the differences are paired."""
    same = (result.seed, result.first, len(result.outcomes)) == (baseline.seed, baseline.first, len(baseline.outcomes))
    if not same:
        raise ValueError("a paired comparison needs the same seed and the same replications in both results")
    o, b = result.outcomes, baseline.outcomes
    return {
        "setup": result.scenario.setup,
        "baseline": baseline.scenario.setup,
        "replications": len(o),
        "formation": paired_difference(o.formed, b.formed),
        "sustained": paired_difference(o.sustained, b.sustained),
        "formation_rates": {"result": float(o.formed.mean()), "baseline": float(b.formed.mean())},
        "formation_ci": {
            "result": list(wilson(int(o.formed.sum()), len(o))),
            "baseline": list(wilson(int(b.formed.sum()), len(b))),
        },
    }


def memory_needed(p: rules.Params, replications: int, chunk: int = CHUNK) -> int:
    """Bytes a run of `replications` needs: the outcomes it keeps, and a chunk's working state."""
    one = rules.initial_state(p, (1,))
    kept = sum(getattr(outcomes(one, p), f.name).nbytes for f in fields(Outcomes))
    state = sum(getattr(one, f.name).nbytes for f in fields(rules.State))
    return replications * kept + min(replications, chunk) * state * WORKING_COPIES


def run_ensemble(
    scenario: Scenario,
    replications: int,
    seed: int | None = None,
    months: int | None = None,
    first: int = 0,
    progress: Callable[[int], None] | None = None,
    chunk: int = CHUNK,
    worlds: Worlds | None = None,
) -> EnsembleResult:
    """Replications first..first+R-1 of `seed` (default: the scenario's), in chunks of `chunk`;
    over `worlds`, replication r in world `worlds.world_of(r)` (set before the scenario's preset).

    `progress`, if given, is called with the number of replications each chunk finished.
    """
    if replications < 1:
        raise ValueError(f"replications must be at least 1, not {replications}")
    seed = scenario.seed if seed is None else seed
    months = scenario.months if months is None else months
    p = scenario.params()
    in_world: dict[int, rules.Params] = {}

    def world_params(world: int) -> rules.Params:
        if world not in in_world:
            in_world[world] = worlds.scenario(scenario, world).params()
        return in_world[world]

    monthly = MonthlyMeans.empty(months, p.n)
    combined: dict[str, np.ndarray] = {}
    world_of_run = np.full(replications, -1, dtype=np.int32)
    for start in range(first, first + replications, chunk):
        indices = np.arange(start, min(start + chunk, first + replications))
        if worlds:
            chunk_worlds, set_of_run = np.unique(worlds.world_of(indices), return_inverse=True)
            sets = [world_params(int(w)) for w in chunk_worlds]
            world_of_run[start - first : start - first + len(indices)] = chunk_worlds[set_of_run]
        else:
            sets, set_of_run = [p], np.zeros(len(indices), dtype=np.intp)
        observe = lambda rows, batch: monthly.observer(batch)  # noqa: E731
        for rows, state, batch in simulate_sets(sets, set_of_run, seed, indices, months, observe):
            part = outcomes(state, batch)
            for f in fields(Outcomes):
                values = getattr(part, f.name)
                if f.name not in combined:  # the first group tells each field's shape and type
                    combined[f.name] = np.empty((replications,) + values.shape[1:], values.dtype)
                combined[f.name][start - first + rows] = values
        if progress:
            progress(len(indices))
    result = EnsembleResult(scenario, seed, months, first, Outcomes(**combined), monthly.finish(replications))
    return replace(result, worlds=worlds, world=world_of_run) if worlds else result
