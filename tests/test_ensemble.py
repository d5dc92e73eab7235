"""The ensemble engine: exactly the Mesa model's behaviour, chunk-independent, paired by seed."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim import draws, rules
from sim.cli import main
from sim.draws import HashedDraws
from sim.ensemble import compare, run_ensemble, simulate, stack, structure
from sim.model import CooperationModel, run_replications
from sim.outcomes import paired_difference, wilson
from tests.conftest import documents, scenario_of
from tests.test_cli import SUMMARY_KEYS

TRACKED = ("stage", "knowledge", "need", "willingness", "capacity", "interest", "trust")


def ensemble_trajectory(scenario, block: np.ndarray) -> dict[str, list[np.ndarray]]:
    p = scenario.params()
    seen: dict[str, list[np.ndarray]] = {name: [] for name in (*TRACKED, "members")}

    def observe(month: int, state: rules.State) -> None:
        for name in TRACKED:
            seen[name].append(getattr(state, name).copy())
        seen["members"].append(rules.members(state.stage, p))

    simulate(p, draws.ArrayDraws(block, p.n), block.shape[:1], scenario.months, observe)
    return seen


def mesa_trajectory(scenario, block: np.ndarray) -> dict[str, list[np.ndarray]]:
    model = CooperationModel(scenario, draws=draws.ArrayDraws(block, scenario.params().n))
    seen: dict[str, list[np.ndarray]] = {name: [] for name in (*TRACKED, "members")}
    while True:
        for name in TRACKED:
            seen[name].append(getattr(model.state, name).copy())
        seen["members"].append(np.array([r.cooperating for r in model.regencies]))
        if not model.running:
            return seen
        model.step()


def assert_same_trajectory(scenario, block: np.ndarray) -> dict[str, list[np.ndarray]]:
    """Replication r of the ensemble and a Mesa run fed r's draws agree month by month (stage,
    members, five attributes, trust) to 1e-12; the ensemble's trajectory."""
    together = ensemble_trajectory(scenario, block)
    for r in range(block.shape[0]):
        alone = mesa_trajectory(scenario, block[r])
        for name, months in together.items():
            for month, values in enumerate(months):
                np.testing.assert_allclose(
                    values[r], alone[name][month], rtol=0, atol=1e-12, err_msg=f"{name}, month {month}, replication {r}"
                )
    return together


@given(documents(months=72), st.integers(0, 2**32 - 1), st.sampled_from([0.0, 0.9]))
def test_ensemble_and_mesa_follow_the_same_trajectory_from_the_same_draws(document, draw_seed, favour):
    """Any preset or combination of switches, 2-6 regencies, any min_members, shocks on or off."""
    scenario = scenario_of(document)
    n, replications = scenario.params().n, 3
    block = np.random.default_rng(draw_seed).random((replications, scenario.months, draws.width(n)))
    block[..., draws.regency_slots("disposition", n)] *= 1 - favour  # now and then, eager regents
    assert_same_trajectory(scenario, block)


@pytest.mark.parametrize("regencies", [3, 5])
@pytest.mark.parametrize("preset", ["key_actor", "rm_plus", "province_led"])
def test_the_engines_agree_through_cooperation_evaluations_defections_and_re_decisions(default, preset, regencies):
    """Eager regents and a cheap programme, so that every phase runs: cooperation in force, bad
    months (pay or defect), evaluations, elections, leaving and dissolving."""
    document = copy.deepcopy(default.base)
    document["regency"] = [dict(document["regency"][i % 3], name=f"R{i}") for i in range(regencies)]
    document["trust"] = {"*": {"*": 0.5}}
    document["exposure"] = {kind: {"*": 0.7} for kind in document["exposure"]}
    document["key_actor"]["legitimacy"] = {"*": 0.9}
    document["scenario"].update(months=96, setup=preset)
    document["shocks"]["election"]["first_month"] = 40
    document["shocks"]["drought"]["yearly_probability"] = 0.6
    scenario = scenario_of(document)
    n = scenario.params().n
    block = np.random.default_rng(regencies).random((4, scenario.months, draws.width(n)))
    block[..., draws.regency_slots("disposition", n)] *= 0.05
    seen = assert_same_trajectory(scenario, block)
    stages = np.stack(seen["stage"])
    assert (stages == 5).any() and (stages == 4).any(), "evaluations and implementation were reached"


def test_hashed_draws_give_the_same_runs_in_both_engines(default):
    for preset in ("key_actor", "rm_plus", "province_led"):
        scenario = default.with_setup(preset)
        a = run_ensemble(scenario, 25, seed=8).outcomes
        b = run_replications(scenario, 25, seed=8)
        assert np.array_equal(a.formed, b.formed) and np.array_equal(a.month_formed, b.month_formed)
        assert np.array_equal(a.barriers, b.barriers) and np.array_equal(a.final, b.final)


@pytest.mark.slow
def test_the_engines_agree_statistically_with_independent_seeds(default):
    scenario = default.with_setup("key_actor").with_overrides({"scenario.months": 96})  # Mesa: ~2 runs a second
    mesa = run_replications(scenario, 120, seed=101).formed
    ensemble = run_ensemble(scenario, 4000, seed=202).outcomes.formed
    low_m, high_m = wilson(mesa.sum(), len(mesa))
    low_e, high_e = wilson(ensemble.sum(), len(ensemble))
    assert low_m <= high_e and low_e <= high_m, (mesa.mean(), ensemble.mean())


def test_results_do_not_depend_on_chunks_or_where_a_batch_starts(default):
    whole = run_ensemble(default, 2500, seed=3, chunk=2500).outcomes
    chunked = run_ensemble(default, 2500, seed=3, chunk=700).outcomes
    later = run_ensemble(default, 500, seed=3, first=1000).outcomes
    for name in ("formed", "month_formed", "members", "barriers", "final", "highest_stage"):
        assert np.array_equal(getattr(whole, name), getattr(chunked, name))
        assert np.array_equal(getattr(whole, name)[1000:1500], getattr(later, name))


def test_parameter_sets_differing_in_durations_run_side_by_side_exactly(default):
    """A calibration's sets differ in stage and drought durations as well as in floats: batched,
    each set's runs are what it gives alone."""
    sets = [
        default.with_setup("rm_plus").with_overrides(
            {"rules.stages.organising": organising, "shocks.drought.duration": drought, "rules.need.pull": pull}
        )
        for organising, drought, pull in ((12, 8, 0.03), (6, 11, 0.05), (15, 5, 0.02))
    ]
    params = [s.params() for s in sets]
    assert len({structure(p) for p in params}) == 1
    replications = np.tile(np.arange(200), 3)
    n = len(default.regency_names)
    batched = simulate(
        stack(params, np.repeat(np.arange(3), 200)), HashedDraws(9, replications, n), replications.shape, 120
    )
    for k in range(len(sets)):
        alone = simulate(params[k], HashedDraws(9, np.arange(200), n), (200,), 120)
        for name in ("formed_month", "stage", "months_in_stage", "drought_left", "trust"):
            assert np.array_equal(getattr(batched, name)[k * 200 : (k + 1) * 200], getattr(alone, name)), name
    assert not np.array_equal(batched.stage[:200], batched.stage[200:400])  # the durations matter


def test_setups_compared_with_one_seed_are_paired(default):
    plus = run_ensemble(default.with_setup("rm_plus"), 2000, seed=4)
    quo = run_ensemble(default.with_setup("status_quo"), 2000, seed=4)
    paired = compare(plus, quo)
    assert paired["replications"] == 2000 and paired["baseline"] == "status_quo"
    low, high = paired["formation"]["ci"]
    assert low <= paired["formation"]["difference"] <= high
    assert paired["formation"]["difference"] == pytest.approx(plus.outcomes.formed.mean() - quo.outcomes.formed.mean())
    with pytest.raises(ValueError, match="same seed"):
        compare(plus, run_ensemble(default.with_setup("status_quo"), 2000, seed=5))


@pytest.mark.parametrize(
    ("both", "only_after", "only_before", "neither", "low", "high"),
    [
        (36, 12, 2, 0, 0.0569, 0.3404),  # Newcombe (1998), his examples for method 10
        (18, 12, 2, 18, 0.0562, 0.3290),
        (53, 0, 0, 1, -0.0729, 0.0729),
        (0, 9990, 0, 10, 0.9981, 0.9995),  # a Wald interval ran to +100.1 pp here
        (0, 10000, 0, 0, 0.9995, 1.0),  # every pair differs: not an interval of no width
    ],
)
def test_the_paired_difference_has_newcombes_interval_within_minus_one_and_one(
    both, only_after, only_before, neither, low, high
):
    after = np.repeat([True, True, False, False], [both, only_after, only_before, neither])
    before = np.repeat([True, False, True, False], [both, only_after, only_before, neither])
    paired = paired_difference(after, before)
    assert paired["difference"] == pytest.approx((only_after - only_before) / len(after))
    assert paired["ci"] == pytest.approx([low, high], abs=1e-4)
    assert -1 <= paired["ci"][0] <= paired["difference"] <= paired["ci"][1] <= 1


def test_monthly_means_add_up(default):
    result = run_ensemble(default.with_setup("key_actor"), 1500, seed=6, chunk=600)
    monthly = result.monthly
    assert monthly.attributes.shape == (result.months + 1, 3, 5)
    assert np.allclose(monthly.stages.sum(axis=1), 1)
    assert np.all(np.diff(monthly.formed) >= 0)
    assert monthly.formed[-1] == pytest.approx(result.outcomes.formed.mean())
    assert monthly.in_force[-1] == pytest.approx(result.outcomes.in_force.mean())
    assert np.allclose(monthly.attributes[0, :, 0], default.params().regencies.knowledge)
    assert np.allclose(monthly.attributes[-1], result.outcomes.final.mean(axis=0), atol=1e-5)
    profiles = result.outcomes.profiles
    assert profiles.shape == (1500, 3, 6)
    sums = profiles.sum(axis=-1)
    assert np.all(np.isclose(sums, 1) | (sums == 0))


def test_the_summary_has_the_keys_of_the_command(default):
    summary = run_ensemble(default, 300, seed=2).summary()
    assert summary["engine"] == "ensemble" and summary["replications"] == 300
    assert SUMMARY_KEYS <= set(summary)


def test_both_engines_give_the_same_summary_on_the_command_line(capsys):
    results = []
    for engine in ("mesa", "ensemble"):
        assert main(["run", "--replications", "12", "--months", "60", "--engine", engine, "--json"]) == 0
        results.append(json.loads(capsys.readouterr().out))
    mesa, ensemble = results
    assert mesa.pop("engine") == "mesa" and ensemble.pop("engine") == "ensemble"
    assert mesa == ensemble


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--replications", "0"], "--replications = 0: must be a whole number of at least 1"),
        (["--replications", "-3"], "--replications = -3"),
        (["--replications", "200000", "--engine", "mesa"], "use --engine ensemble"),
        (["--replications", "10000000000"], "GB of memory"),
    ],
)
def test_bad_replications_are_refused_before_anything_runs(capsys, args, fragment):
    assert main(["run", *args]) == 2
    assert fragment in capsys.readouterr().err


def test_an_engine_that_does_not_exist(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--engine", "spark"])
    assert exit_.value.code == 2 and "invalid choice: 'spark'" in capsys.readouterr().err


def test_many_wilson_intervals_at_once_equal_scipys_one_at_a_time():
    from sim.outcomes import wilson_intervals

    trials = np.array([1, 5, 37, 100, 100, 100, 2400, 10_000])
    successes = np.array([0, 5, 12, 0, 50, 100, 1100, 9_990])
    low, high = wilson_intervals(successes, trials)
    for k, n, lo, hi in zip(successes, trials, low, high, strict=True):
        assert (lo, hi) == pytest.approx(wilson(int(k), int(n)), abs=1e-12)
    assert np.isnan(wilson_intervals(np.array([0]), np.array([0]))[0][0])
