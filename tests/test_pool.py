"""The pool behind the live odds: what a room of fifteen sessions relies on — the same change
computed once, a superseded computation dropped, a first estimate before any refinement, and
answers that are the ensemble's own."""

from __future__ import annotations

from concurrent.futures import CancelledError
from dataclasses import replace

import numpy as np
import pytest

from sim.dashboard import odds
from sim.dashboard.pool import EnsemblePool, Priority
from sim.dashboard.settings import Settings
from sim.ensemble import run_ensemble


@pytest.fixture(scope="module")
def pool():
    one = EnsemblePool(workers=1)
    yield one
    one.shutdown()


def scenario(months: int, seed: int = 31):
    return replace(Settings.of(setup="key_actor"), months=months, seed=str(seed)).scenario_object()


def test_identical_computations_in_flight_are_shared(pool):
    before = pool.computed
    claims = [pool.claim(scenario(36), 300) for _ in range(15)]
    assert len({id(claim.future) for claim in claims}) == 1
    results = [claim.result(60) for claim in claims]
    assert pool.computed == before + 1 and all(result is results[0] for result in results)
    expected = run_ensemble(scenario(36), 300)
    assert np.array_equal(results[0].outcomes.formed, expected.outcomes.formed)
    again = pool.claim(scenario(36), 300)
    assert again.done() and again.result() is results[0] and pool.computed == before + 1


def test_a_computation_nobody_wants_any_more_is_dropped_before_it_starts(pool):
    busy = pool.claim(scenario(48), 1500)  # the one worker is busy with this
    superseded = pool.claim(scenario(60), 1500)
    shared = [pool.claim(scenario(72), 1500) for _ in range(2)]
    pool.release(superseded)
    pool.release(shared[0])  # another session still waits for it
    with pytest.raises(CancelledError):
        superseded.result(60)
    busy.result(60)
    assert shared[1].result(60).months == 72
    assert pool.known(scenario(60), 1500) is None and pool.waiting() == 0


def test_a_first_estimate_goes_before_any_refinement(pool):
    finished: list[str] = []
    busy = pool.claim(scenario(84), 1500)
    full = pool.claim(scenario(96), 1500, Priority.FULL)
    quick = pool.claim(scenario(108), 200, Priority.QUICK)
    for name, claim in (("full", full), ("quick", quick)):
        claim.future.add_done_callback(lambda _, name=name: finished.append(name))
    for claim in (busy, full, quick):
        claim.result(60)
    assert finished == ["quick", "full"]


def test_follow_hands_on_the_first_runs_then_the_full_odds(pool):
    settings = replace(Settings.of(setup="key_actor"), months=120, seed="37")
    estimates: list[dict] = []
    full = odds.follow(settings, lambda: True, estimates.append, pool)
    assert [estimate["runs"] for estimate in estimates] == [odds.QUICK_RUNS] and full["runs"] == odds.ODDS_RUNS
    quick_runs = pool.known(settings.scenario_object(), odds.QUICK_RUNS).outcomes.formed
    full_runs = pool.known(settings.scenario_object(), odds.ODDS_RUNS).outcomes.formed
    assert np.array_equal(quick_runs, full_runs[: odds.QUICK_RUNS])  # the refinement adds runs to the same ones
    assert odds.follow(settings, lambda: True, estimates.append, pool) == full and len(estimates) == 1


def test_follow_stops_waiting_and_drops_its_work_when_superseded(pool):
    busy = pool.claim(scenario(132), 2000)
    settings = replace(Settings.of(setup="key_actor"), months=144, seed="41")
    assert odds.follow(settings, lambda: False, lambda _: None, pool) is None
    assert pool.waiting() == 0  # its four ensembles (quick, full, each with the status quo) dropped
    busy.result(60)
    assert pool.known(settings.scenario_object(), odds.QUICK_RUNS) is None


def test_a_computation_that_cannot_start_fails_its_claims_and_the_next_one_runs(monkeypatch):
    """A worker that died, or a server stopping, makes the executor refuse work: the sessions
    waiting are told at once (the pool does not hang on its own lock) and a later claim runs."""
    from sim.dashboard import pool as pool_module

    refused = EnsemblePool(workers=1)
    real = pool_module.ProcessPoolExecutor

    class Refusing(real):
        def submit(self, *args, **kwargs):
            raise RuntimeError("cannot schedule new futures after shutdown")

    monkeypatch.setattr(pool_module, "ProcessPoolExecutor", Refusing)
    failed = [refused.claim(scenario(24), 50) for _ in range(2)]
    for claim in failed:
        with pytest.raises(RuntimeError, match="cannot schedule"):
            claim.result(10)
    assert refused.waiting() == 0
    monkeypatch.setattr(pool_module, "ProcessPoolExecutor", real)
    assert refused.claim(scenario(24), 50).result(60).months == 24
    refused.shutdown()
