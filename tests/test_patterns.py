"""The patterns of the study that the default scenario must reproduce (docs/validation.md), and
the direction of effects the theory names, measured with paired seeds (common random numbers)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.ensemble import run_ensemble
from sim.outcomes import wilson
from tests.conftest import PRESETS

pytestmark = pytest.mark.slow
RUNS = 1000


@pytest.fixture(scope="module")
def results(default):
    return {preset: run_ensemble(default.with_setup(preset), RUNS, seed=2024).summary() for preset in PRESETS}


def test_status_quo_cooperation_rarely_forms(results):
    assert results["status_quo"]["formation_rate"] <= 0.10


NAMED = {
    "TTU": ("knowledge", "need"),
    "Belu": ("knowledge", "willingness", "capacity"),
    "Malaka": ("knowledge", "willingness", "interest"),
}


def test_status_quo_barriers_are_the_studys_diagnosis(results):
    barriers = results["status_quo"]["barriers"]
    for regency, named in NAMED.items():
        profile = barriers[regency]
        assert sum(profile[a] for a in named) >= 0.60, (regency, profile)
        assert max(profile, key=profile.get) in named, (regency, profile)
    share = {a: {r: barriers[r][a] for r in barriers} for a in ("need", "capacity", "interest", "willingness")}
    assert share["need"]["TTU"] > max(share["need"]["Belu"], share["need"]["Malaka"])
    assert share["capacity"]["Belu"] > max(share["capacity"]["TTU"], share["capacity"]["Malaka"])
    assert share["interest"]["Malaka"] > max(share["interest"]["TTU"], share["interest"]["Belu"])
    assert min(share["willingness"]["Belu"], share["willingness"]["Malaka"]) > share["willingness"]["TTU"]


def reached_initiation(summary: dict) -> float:
    stages = summary["highest_stage"]
    return sum(stages[s] for s in ("initiation", "organising", "implementation", "monitoring"))


def test_the_key_actor_gets_them_talking(results):
    with_bishop, without = reached_initiation(results["key_actor"]), reached_initiation(results["status_quo"])
    assert with_bishop >= 0.5 and with_bishop >= 3 * without


def test_rm_plus_forms_cooperation_most_often_and_keeps_it_longest(results):
    plus = results["rm_plus"]
    assert plus["formation_rate"] >= 0.60
    for preset in PRESETS:
        if preset != "rm_plus":
            assert plus["formation_ci"][0] > results[preset]["formation_ci"][1], preset
            assert plus["sustained_rate"] > results[preset]["sustained_rate"], preset


def paired_difference(default, change: dict, base: dict | None = None, runs: int = 2000) -> tuple[float, float]:
    """Formation with the change minus without, same seeds; the mean and a 99 % interval of it."""
    before = default.with_overrides(base or {})
    after = before.with_overrides(change)
    a = run_ensemble(before, runs, seed=99).outcomes.formed.astype(float)
    b = run_ensemble(after, runs, seed=99).outcomes.formed.astype(float)
    difference = b - a
    half = 2.58 * difference.std(ddof=1) / np.sqrt(runs) if difference.std() > 0 else 0.0
    return difference.mean(), half


@pytest.mark.parametrize(
    ("base", "change"),
    [
        ({"setup.key_actor": True, "setup.body": "none"}, {"key_actor.legitimacy.*": 0.95}),
        ({"setup.key_actor": True, "setup.body": "none"}, {"regency.*.knowledge": 0.6}),
        ({"setup.key_actor": True, "setup.body": "none"}, {"setup.body": "regional_management"}),
        (
            {"setup.key_actor": True, "setup.body": "regional_management"},
            {"setup.adat_leaders": True, "setup.adat_sanctions": True, "setup.local_regulation": True},
        ),
    ],
    ids=["more legitimacy", "more knowledge", "a cooperation body", "local wisdom"],
)
def test_theory_directions_never_make_cooperation_less_likely(default, base, change):
    mean, half = paired_difference(default.with_setup("status_quo"), change, base)
    assert mean + half >= 0, f"formation fell by {-mean:.3f}"
    assert mean > 0 or half == 0  # and they do help here


def test_a_weaker_key_actor_forms_less_paired(default):
    mean, half = paired_difference(default.with_setup("key_actor"), {"key_actor.legitimacy.*": 0.3})
    assert mean + half < 0


def test_wilson_interval_is_sound_at_the_edges():
    assert wilson(0, 50)[0] == 0.0 and wilson(0, 50)[1] > 0
    assert wilson(50, 50)[1] == pytest.approx(1.0) and wilson(50, 50)[0] < 1
