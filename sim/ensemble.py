"""The ensemble engine: many replications at once, as arrays of shape (replications, regencies).

It calls the same rules (`sim/rules.py`) in the same order as the Mesa model's step, so given the
same draws, replication r here and a Mesa run fed r's draws follow the same trajectory.
Replications run in chunks, so memory stays bounded however many are asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace

import numpy as np

from sim import rules
from sim.draws import DrawSource, HashedDraws
from sim.outcomes import Outcomes, header, outcomes, summarise
from sim.scenario import Scenario

CHUNK = 10_000  # replications per chunk: about a second of work, a few MB of state


def spread_over(p: rules.Params, shape: tuple[int, ...]) -> rules.Params:
    """The same parameters with every per-regency array laid out over the replications.

    Numpy combines a (replications, n) array with a (n,) parameter along the short regency axis,
    element by element, which is several times slower than combining two arrays of one shape.
    The values do not change, so neither do the results.
    """

    def spread(values: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(np.broadcast_to(values, shape + values.shape))

    regencies = {f.name: getattr(p.regencies, f.name) for f in fields(p.regencies)}
    regencies = {
        name: spread(v)
        if name != "thresholds"
        else np.ascontiguousarray(np.broadcast_to(v[:, None], (len(v),) + shape + v.shape[1:]))
        for name, v in regencies.items()
    }
    institutions = replace(
        p.institutions,
        legitimacy=spread(p.institutions.legitimacy),
        meeting_retention={effect: spread(v) for effect, v in p.institutions.meeting_retention.items()},
    )
    return replace(p, regencies=rules.RegencyParams(**regencies), institutions=institutions)


def simulate(p: rules.Params, draws: DrawSource, shape: tuple[int, ...], months: int) -> rules.State:
    """Run `months` months for replications of leading shape `shape`; the final state."""
    p = spread_over(p, shape)
    state = rules.initial_state(p, shape)
    for month in range(1, months + 1):
        month_draws = draws.month(month)
        state, shocks = rules.strike(state, p, month_draws, month)
        state, meetings = rules.convene(state, p, month_draws)
        state = rules.adapt(state, p, meetings)
        state, _ = rules.cooperate(state, p, month_draws, shocks)
        state = rules.face_barriers(state, p)
        state = rules.advance(state, p, month_draws, month)
    return state


@dataclass(frozen=True)
class EnsembleResult:
    scenario: Scenario
    seed: int
    months: int
    outcomes: Outcomes

    def summary(self) -> dict:
        """The keys of `kerjasama run --json` for these replications."""
        s = self.scenario
        return {
            **header(s.name, s.setup, "ensemble", self.seed, self.months),
            **summarise(self.outcomes, s.regency_names),
        }


def run_ensemble(
    scenario: Scenario,
    replications: int,
    seed: int | None = None,
    months: int | None = None,
    first: int = 0,
    progress: Callable[[int], None] | None = None,
) -> EnsembleResult:
    """Replications first..first+R-1 of `seed` (default: the scenario's), in chunks.

    `progress`, if given, is called with the number of replications each chunk finished.
    """
    seed = scenario.seed if seed is None else seed
    months = scenario.months if months is None else months
    p = scenario.params()
    parts = []
    for start in range(first, first + replications, CHUNK):
        indices = np.arange(start, min(start + CHUNK, first + replications))
        state = simulate(p, HashedDraws(seed, indices, p.n), indices.shape, months)
        parts.append(outcomes(state, p))
        if progress:
            progress(len(indices))
    combined = Outcomes(*(np.concatenate([getattr(part, f) for part in parts]) for f in Outcomes.__dataclass_fields__))
    return EnsembleResult(scenario, seed, months, combined)
