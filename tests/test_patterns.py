"""The patterns of the study that the default scenario must reproduce (docs/validation.md), and
the direction of each mechanism, measured with paired seeds (common random numbers): the same
replications under one switch changed."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim import patterns
from sim.ensemble import run_ensemble
from sim.outcomes import paired_difference, paired_mean_difference, wilson
from tests.conftest import PRESETS

pytestmark = pytest.mark.slow
RUNS = 1000
SEED = 2024  # not the seed the docs quote: the patterns must not hang on one set of draws


@pytest.fixture(scope="module")
def results(default):
    return {preset: run_ensemble(default.with_setup(preset), RUNS, seed=SEED) for preset in PRESETS}


def test_status_quo_cooperation_rarely_forms(results):
    assert results["status_quo"].summary()["formation_rate"] <= patterns.STATUS_QUO_AT_MOST


def test_status_quo_barriers_are_the_studys_diagnosis(results):
    found = patterns.diagnosis(results["status_quo"].summary()["barriers"])
    assert found["holds"], found
    assert found["differ"], found


def test_the_key_actor_gets_them_talking(results):
    with_bishop, without = (patterns.reached_initiation(results[s].summary()) for s in ("key_actor", "status_quo"))
    assert with_bishop >= patterns.TALKING_AT_LEAST and with_bishop >= patterns.TALKING_TIMES * without
    # dialogue is the key figure's: a manager without local roots gets no such agreement going
    assert with_bishop > patterns.reached_initiation(results["regional_management"].summary())


def test_rm_plus_forms_cooperation_most_often_and_keeps_it_longest(results):
    plus = results["rm_plus"].summary()
    assert plus["formation_rate"] >= 0.60
    for preset in PRESETS:
        if preset != "rm_plus":
            other = results[preset].summary()
            assert plus["formation_ci"][0] > other["formation_ci"][1], preset
            assert plus["sustained_rate"] > other["sustained_rate"], preset
            assert plus["months_in_force"] > other["months_in_force"], preset


def test_elections_break_rm_plus_least(results):
    plus = patterns.broken_by_elections(results["rm_plus"].outcomes)
    for preset in ("key_actor", "regional_management", "province_led"):
        assert plus < patterns.broken_by_elections(results[preset].outcomes), preset


def test_dialogue_under_the_bishop_has_not_yet_produced_formal_cooperation_at_the_time_of_the_study(results):
    o = results["key_actor"].outcomes
    early = patterns.formed_by(o, patterns.DIALOGUE_MONTHS)
    assert early <= patterns.DIALOGUE_FORMED_AT_MOST
    assert o.formed.mean() > early  # it is a matter of time, not of impossibility


def test_no_setup_but_the_status_quo_sits_at_a_floor_or_a_ceiling(results):
    for preset in PRESETS:
        if preset != "status_quo":
            assert patterns.in_range(results[preset].summary()["formation_rate"]), preset


def formed(result) -> np.ndarray:
    return result.outcomes.formed


def test_regional_management_forms_more_often_than_the_status_quo_and_rm_plus_more_than_rm(results):
    rm_vs_quo = paired_difference(formed(results["regional_management"]), formed(results["status_quo"]))
    plus_vs_rm = paired_difference(formed(results["rm_plus"]), formed(results["regional_management"]))
    assert rm_vs_quo["ci"][0] > 0 and plus_vs_rm["ci"][0] > 0
    rm, quo = results["regional_management"].outcomes, results["status_quo"].outcomes
    assert (rm.highest_stage != quo.highest_stage).mean() > 0.2  # not the status quo run by run


def paired(default, change: dict, base: dict, outcome: str = "formed", runs: int = 2000) -> dict:
    """Outcome with the change minus without, the same replications; for booleans Newcombe's
    interval, else the mean difference with a normal 95 % interval."""
    before = default.with_setup("status_quo").with_overrides(base)
    after = before.with_overrides(change)
    a = getattr(run_ensemble(before, runs, seed=99).outcomes, outcome)
    b = getattr(run_ensemble(after, runs, seed=99).outcomes, outcome)
    return paired_difference(b, a) if a.dtype == bool else paired_mean_difference(b, a)


RM_PLUS = {
    "setup.key_actor": True,
    "setup.body": "regional_management",
    "setup.adat_leaders": True,
    "setup.adat_sanctions": True,
    "setup.local_regulation": True,
}


def without(part: str) -> dict:
    return {**RM_PLUS, part: False}


@pytest.mark.parametrize(
    ("part", "outcome"),
    [
        ("setup.key_actor", "formed"),  # the bishop convenes and persuades
        ("setup.adat_leaders", "formed"),  # adat leaders lend legitimacy to the conveners
        ("setup.local_regulation", "months_cooperating"),  # a Perda carries commitments across elections
        ("setup.adat_sanctions", "months_cooperating"),  # sanctions make defecting costly
    ],
)
def test_each_part_of_rm_plus_moves_the_outcome_it_acts_on(default, part, outcome):
    result = paired(default, {part: True}, without(part), outcome)
    assert result["ci"][0] > 0, (part, result)


def test_adat_sanctions_make_cooperation_dissolve_less_often(default):
    result = paired(default, {"setup.adat_sanctions": True}, without("setup.adat_sanctions"), "dissolutions")
    assert result["ci"][1] < 0, result


def test_adat_sanctions_cut_defection_in_bad_months(default):
    """Counted over the same runs: defections per month of membership."""
    from sim import rules
    from sim.draws import HashedDraws
    from sim.ensemble import spread_over

    def defection_rate(scenario) -> float:
        runs = 2000
        p = spread_over(scenario.params(), (runs,))
        state, draws, defected = rules.initial_state(p, (runs,)), HashedDraws(7, np.arange(runs), p.n), 0
        for month in range(1, scenario.months + 1):
            state, _, _, defects = rules.month(state, p, draws.month(month), month)
            defected += int(defects.sum())
        return defected / max(int(state.months_member.sum()), 1)

    base = default.with_setup("status_quo").with_overrides(without("setup.adat_sanctions"))
    assert defection_rate(base.with_overrides({"setup.adat_sanctions": True})) < 0.8 * defection_rate(base)


def test_a_perda_keeps_cooperation_through_elections(default):
    result = paired(
        default, {"setup.local_regulation": True}, without("setup.local_regulation"), "dissolutions_after_election"
    )
    assert result["ci"][1] < 0, result


@pytest.mark.parametrize("cheaper, costlier", [(0.06, 0.10), (0.10, 0.14)])
@pytest.mark.parametrize("setup", ["key_actor", "rm_plus"])
def test_a_costlier_programme_never_forms_more_often(default, setup, cheaper, costlier):
    scenario = default.with_setup(setup)
    low = run_ensemble(scenario.with_overrides({"programmes.maize_cattle.cost": cheaper}), 2000, seed=5)
    high = run_ensemble(scenario.with_overrides({"programmes.maize_cattle.cost": costlier}), 2000, seed=5)
    assert paired_difference(high.outcomes.formed, low.outcomes.formed)["ci"][1] <= 0


@pytest.mark.parametrize("setup", ["key_actor", "rm_plus"])
@pytest.mark.parametrize("regency", ["TTU", "Belu", "Malaka"])
def test_more_exposure_never_lowers_a_regencys_participation(default, setup, regency):
    index = default.regency_names.index(regency)
    taking_part = []
    for exposure in (0.1, 0.4, 0.7, 1.0):
        scenario = default.with_setup(setup).with_overrides({f"exposure.value_chain.{regency}": exposure})
        taking_part.append(run_ensemble(scenario, 2000, seed=6).outcomes.months_member[:, index] > 0)
    for fewer, more in itertools.pairwise(taking_part):  # the same runs: paired
        assert paired_difference(more, fewer)["ci"][1] >= 0, regency  # never clearly lower
    assert taking_part[-1].mean() > taking_part[0].mean(), regency  # and over the range, higher


def test_regencies_step_back_and_members_walk_out_of_cooperation_that_goes_on(default):
    """Decisions go both ways: regencies step back before implementation (a new regent, a budget
    cut), and members leave cooperation while the others stay in force (not only when it
    dissolves)."""
    from sim import rules
    from sim.draws import HashedDraws
    from sim.ensemble import simulate

    p = default.with_setup("province_led").params()
    moves = {"back": 0, "walked out": 0}
    last: list[np.ndarray] = []

    def observe(month: int, state: rules.State) -> None:
        if last:
            before = last[0]
            moves["back"] += int(((state.stage < before) & (before <= rules.ORGANISING) & (before > 0)).sum())
            left = (before >= rules.IMPLEMENTATION) & (state.stage < rules.IMPLEMENTATION)
            moves["walked out"] += int((left & rules.cooperation_active(state.stage, p)).sum())
        last[:] = [state.stage.copy()]

    simulate(p, HashedDraws(3, np.arange(1000), p.n), (1000,), default.months, observe)
    assert moves["back"] > 100 and moves["walked out"] > 10, moves


def test_wilson_interval_is_sound_at_the_edges():
    assert wilson(0, 50)[0] == 0.0 and wilson(0, 50)[1] > 0
    assert wilson(50, 50)[1] == pytest.approx(1.0) and wilson(50, 50)[0] < 1
