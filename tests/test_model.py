"""The Mesa model: invariants month by month, determinism, and the life of the cooperation body."""

from __future__ import annotations

import numpy as np
from hypothesis import given

from sim import draws
from sim.agents import Regency
from sim.model import CooperationModel
from sim.stages import Stage
from tests.conftest import documents, scenario_of

# Each regency's stage may stay, or move along these edges of the grand design: one stage
# forward, or one back when it re-decides; a member that leaves, or whose cooperation
# dissolves, goes back to planning.
ALLOWED_MOVES = {
    (Stage.NONE, Stage.PLANNING),
    (Stage.PLANNING, Stage.INITIATION),
    (Stage.INITIATION, Stage.ORGANISING),
    (Stage.ORGANISING, Stage.IMPLEMENTATION),
    (Stage.IMPLEMENTATION, Stage.MONITORING),
    (Stage.MONITORING, Stage.IMPLEMENTATION),
    (Stage.PLANNING, Stage.NONE),
    (Stage.INITIATION, Stage.PLANNING),
    (Stage.ORGANISING, Stage.INITIATION),
    (Stage.IMPLEMENTATION, Stage.PLANNING),
    (Stage.MONITORING, Stage.PLANNING),
}


def check_month(model: CooperationModel, before: np.ndarray) -> None:
    state = model.state
    for name in ("knowledge", "need", "willingness", "capacity", "interest", "trust"):
        values = getattr(state, name)
        assert np.all((values >= 0) & (values <= 1)), f"{name} left [0, 1] in month {model.month}: {values}"
    assert np.all(np.diag(state.trust) == 0)
    for old, new in zip(before, state.stage, strict=True):
        assert old == new or (Stage(old), Stage(new)) in ALLOWED_MOVES, (
            f"month {model.month}: {Stage(old)} -> {Stage(new)}"
        )
    if model.body is not None:
        assert model.stage >= Stage.ORGANISING, "a body exists only once the initiative reached organising"
    assert (model.body is not None) == (model.params.institutions.has_body and model.stage >= Stage.ORGANISING)
    assert (model.manager is not None) == model.params.institutions.has_body  # from month 1
    assert np.all(state.barriers >= 0)
    assert np.all(state.months_member <= model.month) and np.all(state.months_member <= state.months_cooperating)


@given(documents())
def test_invariants_hold_every_month_in_random_scenarios(document):
    model = CooperationModel(scenario_of(document))
    while model.running:
        before = model.state.stage.copy()
        model.step()
        check_month(model, before)


def test_invariants_hold_in_every_preset_of_the_default(default):
    for preset in default.presets:
        for seed in range(3):
            model = CooperationModel(default.with_setup(preset), rng=seed)
            while model.running:
                before = model.state.stage.copy()
                model.step()
                check_month(model, before)


def test_same_seed_same_run_different_seed_different_run(default):
    first, again, other = (CooperationModel(default, rng=seed).run() for seed in (11, 11, 12))
    for name in ("knowledge", "willingness", "trust", "stage", "barriers"):
        assert np.array_equal(getattr(first.state, name), getattr(again.state, name))
    frames = [m.datacollector.get_agenttype_vars_dataframe(Regency) for m in (first, again, other)]
    assert frames[0].equals(frames[1])
    assert not frames[0].equals(frames[2])


def test_a_typed_seed_arrives_as_text_and_works(default):
    assert np.array_equal(
        CooperationModel(default, rng=" 5 ").run().state.knowledge,
        CooperationModel(default, rng=5).run().state.knowledge,
    )


def test_the_run_stops_at_the_horizon_and_collects_every_month(default):
    model = CooperationModel(default.with_overrides({"scenario.months": 30})).run()
    assert model.month == 30 and not model.running
    frame = model.datacollector.get_model_vars_dataframe()
    assert list(frame["month"]) == list(range(31))
    regencies = model.datacollector.get_agenttype_vars_dataframe(Regency)
    assert len(regencies) == 31 * 3
    assert {"knowledge", "need", "willingness", "capacity", "interest", "trust", "stage"} <= set(regencies.columns)


def test_the_manager_is_there_from_the_start_and_the_body_from_organising(default):
    """Under rm_plus the regional manager works from month 1; the body is founded the month the
    initiative reaches organising, before cooperation forms, and holds the regencies in it."""
    model = CooperationModel(default.with_setup("rm_plus"), rng=1)
    assert model.manager is not None and model.manager.kind == "professional" and model.body is None
    founded = None
    while model.running and founded is None:
        model.step()
        if model.body:
            founded = model.month
            assert model.body.kind == "regional_management" and model.body.manager == "professional"
            assert model.stage == Stage.ORGANISING and len(model.body.members) >= 2
    assert founded is not None
    formed = model.run().state.formed_month.item()
    assert formed < 0 or founded < formed


def test_informal_cooperation_has_no_body_and_no_manager(default):
    for seed in range(5):
        model = CooperationModel(default.with_setup("key_actor"), rng=seed)
        assert model.manager is None
        while model.running:
            model.step()
            assert model.body is None


def test_no_key_actor_means_no_meetings_and_no_key_actor_agent(default):
    model = CooperationModel(default.with_setup("status_quo")).run()
    assert model.key_actor is None
    assert model.state.meetings_held.item() == 0


def test_regency_agents_name_their_barriers_and_attributes(default):
    model = CooperationModel(default.with_setup("status_quo"), rng=2).run()
    for regency in model.regencies:
        profile = regency.barrier_profile
        assert abs(sum(profile.values()) - 1) < 1e-9
        assert regency.binding_barrier in profile
        assert set(regency.trust) == set(model.spec.regency_names) - {regency.name}


def test_each_stage_lasts_exactly_its_minimum_months_when_nothing_stands_in_the_way(default):
    """All attributes at 1, every gate draw passes: planning, initiation and organising last
    exactly their minimum months (3, 3 and 12 by default)."""
    ideal = default.with_setup("key_actor").with_overrides(
        {
            "regency.*.knowledge": 1.0,
            "regency.*.need": 1.0,
            "regency.*.willingness": 1.0,
            "regency.*.capacity": 1.0,
            "regency.*.interest": 1.0,
            "trust.*.*": 1.0,
        }
    )
    n, months = ideal.params().n, 30
    block = np.full((months, draws.width(n)), 0.99)  # no shocks, no defection
    block[:, draws.regency_slots("disposition", n)] = 0.0  # regents who go ahead whenever they may
    model = CooperationModel(ideal.with_overrides({"scenario.months": months}), draws=draws.ArrayDraws(block, n)).run()
    stages = model.datacollector.get_model_vars_dataframe()["stage"]
    entered = {
        stage: int(stages[stages == stage].index[0])
        for stage in ("planning", "initiation", "organising", "implementation")
    }
    minimum = ideal.document["rules"]["stages"]
    assert entered["planning"] == 1
    assert entered["initiation"] - entered["planning"] == minimum["planning"]
    assert entered["organising"] - entered["initiation"] == minimum["initiation"]
    assert entered["implementation"] - entered["organising"] == minimum["organising"]
