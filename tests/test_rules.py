"""The rulebook's formulas and the randomness layout, one behaviour at a time."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sim import draws, rules
from sim.stages import ATTRIBUTES, Stage


@pytest.fixture
def params(default):
    return default.params()


def month_draws(n: int, shape=(), **values) -> rules.MonthDraws:
    """Draws of 0.5 everywhere, except those given."""
    block = draws.split(np.full(shape + (draws.width(n),), 0.5), n)
    return block._replace(
        **{k: np.broadcast_to(np.asarray(v, float), getattr(block, k).shape) for k, v in values.items()}
    )


def test_gate_probability_is_the_product_of_its_logistic_factors(params):
    state = rules.initial_state(params)
    values = dict(zip(ATTRIBUTES, rules.attribute_values(state), strict=True))
    probabilities = rules.gate_probabilities(state, params)
    g = params.gates
    for i in range(params.n):
        for gate in range(4):
            pairs = np.flatnonzero(g.gate_of_pair == gate)
            expected = np.prod(
                [
                    1
                    / (
                        1
                        + np.exp(
                            -g.steepness
                            * (values[ATTRIBUTES[g.attribute_of_pair[p]]][i] - params.regencies.thresholds[p, i])
                        )
                    )
                    for p in pairs
                ]
            )
            assert probabilities[gate][i] == pytest.approx(expected, rel=1e-12)


def test_rules_accept_any_leading_shape(params):
    """One run (n,), an ensemble (R, n), or a grid (A, B, n): the same numbers."""
    one = rules.gate_probabilities(rules.initial_state(params), params)
    many = rules.gate_probabilities(rules.initial_state(params, (2, 3)), params)
    assert many[0].shape == (2, 3, params.n)
    for gate in range(4):
        assert np.allclose(many[gate], one[gate])
    assert rules.shortfalls(rules.initial_state(params, (2, 3)), params).shape == (2, 3, params.n, len(ATTRIBUTES))


def test_shortfalls_count_only_the_gates_ahead_and_stop_once_cooperating(params):
    state = rules.initial_state(params)
    at_start = rules.shortfalls(state, params)
    later = rules.shortfalls(replace(state, stage=np.full(params.n, int(Stage.INITIATION), np.int8)), params)
    cooperating = rules.shortfalls(replace(state, stage=np.full(params.n, int(Stage.IMPLEMENTATION), np.int8)), params)
    assert np.all(at_start[:, ATTRIBUTES.index("knowledge")] > 0)  # everyone starts below the planning threshold
    for attribute in ("knowledge", "need"):  # the planning gate is behind them
        assert np.all(later[:, ATTRIBUTES.index(attribute)] == 0)
    assert np.all(cooperating == 0)
    expected = max(params.regencies.thresholds[0, 1] - state.knowledge[1], 0)  # Belu, planning, knowledge
    assert at_start[1, ATTRIBUTES.index("knowledge")] == pytest.approx(expected)


def test_the_binding_barrier_is_the_smallest_factor_of_the_gate_faced(params):
    binding = rules.binding_attribute(rules.initial_state(params), params)
    assert [ATTRIBUTES[b] for b in binding] == ["knowledge", "knowledge", "knowledge"]  # "tidak tahu"


def test_no_one_signs_a_joint_agreement_alone(params):
    """Beyond planning a regency needs partners at least as far along to try its gate."""
    state = rules.initial_state(params)
    state = replace(
        state,
        stage=np.array([Stage.PLANNING, Stage.NONE, Stage.NONE], np.int8),
        months_in_stage=np.array([50, 50, 50], np.int32),
        willingness=np.ones(3),
        interest=np.ones(3),
        trust=np.ones((3, 3)) - np.eye(3),
    )
    certain = month_draws(params.n, gate=0.0)
    assert rules.decide(state, params, certain, settled=np.zeros(3, bool))[0] == Stage.PLANNING
    state = replace(state, stage=np.array([Stage.PLANNING, Stage.PLANNING, Stage.NONE], np.int8))
    assert list(rules.decide(state, params, certain, settled=np.zeros(3, bool))[:2]) == [Stage.INITIATION] * 2


def test_stages_take_their_minimum_months(params):
    state = rules.initial_state(params)
    state = replace(
        state,
        stage=np.full(3, int(Stage.PLANNING), np.int8),
        months_in_stage=np.array([0, 1, 2], np.int32),  # months completed; this month is the next
        willingness=np.ones(3),
        interest=np.ones(3),
        trust=np.ones((3, 3)) - np.eye(3),
    )
    new = rules.decide(state, params, month_draws(params.n, gate=0.0), settled=np.zeros(3, bool))
    assert list(new) == [Stage.PLANNING, Stage.PLANNING, Stage.INITIATION]  # planning takes 3 months


def test_forum_meets_everyone_and_pairs_strategies_meet_two(default):
    for strategy, meetings in (("forum", 2.0), ("round_robin", 3.0), ("weakest_first", 2.0)):
        scenario = default.with_setup("key_actor").with_overrides(
            {"key_actor.strategy": strategy, "key_actor.meetings_per_month": meetings}
        )
        p = scenario.params()
        state, met = rules.convene(rules.initial_state(p), p, month_draws(p.n))
        assert met.attended.sum() == (meetings * p.n if strategy == "forum" else 2 * meetings)
        assert np.allclose(met.together, met.together.T) and np.all(np.diag(met.together) == 0)
        assert state.meetings_held.item() == meetings
        if strategy == "round_robin":
            assert np.all(met.together[np.triu_indices(3, 1)] == 1)  # three meetings: every pair once


def test_weakest_first_brings_the_laggard_to_the_leader(default):
    scenario = default.with_setup("key_actor").with_overrides({"key_actor.strategy": "weakest_first"})
    p = scenario.params()
    state = rules.initial_state(p)
    state = replace(state, knowledge=np.array([0.9, 0.1, 0.5]), need=np.array([0.9, 0.9, 0.9]))
    _, met = rules.convene(state, p, month_draws(p.n, meeting=0.0))
    assert met.together[1, 0] == 1 and met.attended[2] == 0


def test_a_fractional_meeting_happens_with_its_fraction_as_probability():
    three_runs = month_draws(3, shape=(3,), meeting=np.array([[0.1], [0.3], [0.6]]))
    assert rules.meeting_count(three_runs, 1.5).ravel().tolist() == [2, 2, 1]


def test_elections_cut_knowledge_and_reset_willingness_local_wisdom_damps_it(default):
    plain = default.with_setup("key_actor").params()
    wise = default.with_setup("rm_plus").params()
    state = replace(rules.initial_state(plain), willingness=np.full(3, 0.9), knowledge=np.full(3, 0.8))
    month = plain.shocks.election_first
    after_plain, shocks = rules.strike(state, plain, month_draws(3, new_regent=0.5), month)
    after_wise, _ = rules.strike(state, wise, month_draws(3, new_regent=0.5), month)
    assert shocks.election
    assert np.allclose(after_plain.knowledge, 0.8 * (1 - plain.knowledge.election_loss))
    assert np.all(after_plain.willingness < after_wise.willingness) and np.all(after_wise.willingness < 0.9)
    calm, shocks = rules.strike(state, plain, month_draws(3), month + 1)
    assert not shocks.election and np.array_equal(calm.willingness, state.willingness)


def test_a_drought_lasts_its_duration_and_raises_objective_need(params):
    state = rules.initial_state(params)
    state, shocks = rules.strike(state, params, month_draws(3, drought=0.0), 1)
    assert shocks.drought and np.all(state.shock_need == params.need.drought)
    months = 1
    while True:
        state, shocks = rules.strike(state, params, month_draws(3, drought=0.99), months + 1)
        if not shocks.drought:
            break
        months += 1
    assert months == params.shocks.drought_duration


def test_defection_costs_the_defector_its_partners_trust(default):
    p = default.with_setup("key_actor").params()
    state = replace(rules.initial_state(p), stage=np.array([4, 4, 0], np.int8), months_active=np.array([5], np.int32))
    state2, defects = rules.cooperate(
        state,
        p,
        month_draws(3, contribute=np.array([0.0, 0.99, 0.99])),
        rules.Shocks(False, np.zeros(1, bool), np.zeros(3, bool)),
    )
    assert list(defects) == [True, False, False]
    assert state2.trust[1, 0] == pytest.approx(state.trust[1, 0] * (1 - p.trust.defection_loss))
    assert state2.trust[0, 1] == state.trust[0, 1] and state2.trust[2, 0] == state.trust[2, 0]


def test_draws_of_a_replication_do_not_depend_on_the_others():
    alone = draws.HashedDraws(42, 7, 3).block(5)
    among = draws.HashedDraws(42, np.arange(3, 10), 3).block(5)
    assert np.array_equal(alone, among[4])
    assert alone.shape == (draws.width(3),)
    assert not np.array_equal(draws.HashedDraws(43, 7, 3).block(5), alone)
    assert not np.array_equal(draws.HashedDraws(42, 7, 3).block(6), alone)


def test_draws_are_uniform(default):
    block = draws.HashedDraws(1, np.arange(20_000), 3).block(1).ravel()
    assert 0 <= block.min() and block.max() < 1
    counts = np.histogram(block, bins=10, range=(0, 1))[0]
    expected = len(block) / 10
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 27.9  # 99.9 % quantile of chi-square with 9 degrees of freedom
    assert abs(np.corrcoef(block[:-1], block[1:])[0, 1]) < 0.01


def test_a_month_consumes_the_same_draws_in_every_setup(default):
    """Common random numbers: the layout depends on the number of regencies only."""
    layouts = {draws.width(default.with_setup(s).params().n) for s in default.presets}
    assert layouts == {draws.width(3)}
