"""The rulebook's formulas and the randomness layout, one behaviour at a time."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sim import draws, rules
from sim.stages import ATTRIBUTES, CONDITIONS, Stage

NEED, INTEREST, TRUST = (ATTRIBUTES.index(a) for a in ("need", "interest", "trust"))


@pytest.fixture
def params(default):
    return default.params()


def month_draws(n: int, shape=(), **values) -> rules.MonthDraws:
    """Draws of 0.5 everywhere, except those given."""
    block = draws.split(np.full(shape + (draws.width(n),), 0.5), n)
    return block._replace(
        **{k: np.broadcast_to(np.asarray(v, float), getattr(block, k).shape) for k, v in values.items()}
    )


def calm(n: int, **shocks) -> rules.Shocks:
    """A month without shocks, except those given."""
    base = {"election": False, "drought": np.zeros(1, bool), "flood": np.zeros(n, bool), "fiscal": np.zeros(n, bool)}
    return rules.Shocks(**{**base, **shocks})


def at(state: rules.State, stage, **values) -> rules.State:
    return replace(state, stage=np.asarray(stage, np.int8), **values)


def test_gate_probability_is_the_product_of_its_logistic_factors(params):
    state = rules.initial_state(params)
    values = rules.condition_values(state, params)
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
                        + np.exp(-g.steepness * (values[g.condition_of_pair[p]][i] - params.regencies.thresholds[p, i]))
                    )
                    for p in pairs
                ]
            )
            assert probabilities[gate][i] == pytest.approx(expected, rel=1e-12)
    assert "net_benefit" in {CONDITIONS[c] for c in g.condition_of_pair}  # every default gate asks whether it pays


def test_net_benefit_is_value_minus_cost_share_minus_transaction_costs(default):
    p = default.with_setup("key_actor").params()
    state = rules.initial_state(p)
    e, r = p.economy, p.regencies
    value = e.benefit * e.expected * r.need * r.interest  # before any results, it expects what E says
    transaction = e.coordination + e.division + e.defection_risk * (1 - rules.mean_trust(r.trust))
    assert np.allclose(rules.net_benefit(state, p), value - r.cost - transaction)
    # a member has paid for agreeing: it weighs only the defection risk of staying in
    member = at(state, [4, 4, 0])
    sunk = rules.net_benefit(member, p) - rules.net_benefit(state, p)
    assert np.allclose(sunk[:2], e.coordination + e.division) and sunk[2] == 0


def test_the_manager_drafts_from_the_start_and_the_body_takes_the_division_of_costs_from_organising(default):
    informal = default.with_setup("key_actor").params()
    managed = default.with_setup("regional_management").params()
    drafting = default.document["rules"]["manager"]["professional"]["drafting"]
    assert managed.economy.coordination == pytest.approx(informal.economy.coordination * (1 - drafting))
    state = rules.initial_state(managed)
    division = managed.economy.division
    before = rules.transaction_costs(at(state, [2, 2, 2]), managed)
    founded = rules.transaction_costs(at(state, [3, 3, 2]), managed)  # two of three at organising
    assert not rules.body_in_place(np.array([3, 2, 2]), managed).item()
    assert rules.body_in_place(np.array([3, 3, 2]), managed).item()
    assert np.allclose(before - founded, division)
    assert np.allclose(
        rules.transaction_costs(at(state, [3, 3, 2]), informal), rules.transaction_costs(state, informal)
    )


def test_a_shortfall_of_net_benefit_divides_among_need_interest_and_trust_by_their_shapley_shares(params):
    state = rules.initial_state(params)
    trust = rules.mean_trust(state.trust)
    shares = rules.net_benefit_shares(state, params, trust)
    assert np.allclose(shares.sum(axis=-1), 1)
    e = params.economy
    lack = e.benefit * e.expected * (1 - state.need * state.interest)  # the value's lack from its best
    need, interest = shares[..., 0], shares[..., 1]
    total = lack + rules.defection_risk(trust, params)
    assert np.allclose((need + interest) * total, lack)  # Shapley values add up to the whole
    # TTU needs little, Malaka cares little: each one's lack falls where the study says
    assert need[0] > interest[0] and interest[2] > need[2]


def test_shortfalls_count_only_the_gates_ahead_and_stop_once_cooperating(params):
    state = rules.initial_state(params)
    at_start = rules.shortfalls(state, params)
    later = rules.shortfalls(at(state, [2, 2, 2]), params)
    cooperating = rules.shortfalls(at(state, [4, 4, 4]), params)
    knowledge = ATTRIBUTES.index("knowledge")
    assert np.all(at_start[:, knowledge] > 0)  # everyone starts below the planning threshold
    assert np.all(later[:, knowledge] == 0)  # the planning gate is behind them
    assert np.all(cooperating == 0)
    expected = max(params.regencies.thresholds[0, 1] - state.knowledge[1], 0)  # Belu, planning, knowledge
    assert at_start[1, knowledge] == pytest.approx(expected)


def test_the_binding_barrier_is_the_smallest_factor_of_the_gate_faced(params):
    binding = rules.binding_attribute(rules.initial_state(params), params)
    assert [ATTRIBUTES[b] for b in binding] == ["knowledge", "knowledge", "knowledge"]  # "tidak tahu"
    knowing = replace(rules.initial_state(params), knowledge=np.ones(3))
    # once they know, what binds at planning is that it does not pay: TTU for lack of need,
    # Malaka for lack of interest
    named = [ATTRIBUTES[b] for b in rules.binding_attribute(knowing, params)]
    assert named[0] == "need" and named[2] == "interest"


def willing(state: rules.State, stage, disposition: float = 0.0, **values) -> rules.State:
    """Everyone knows, needs, wants and is interested, with a regent of this disposition."""
    return at(
        state,
        stage,
        willingness=np.ones(3),
        interest=np.ones(3),
        need=np.ones(3),
        trust=np.ones((3, 3)) - np.eye(3),
        disposition=np.full(3, disposition),
        **values,
    )


def test_no_one_signs_a_joint_agreement_alone(params):
    """Beyond planning a regency needs partners at least as far along to try its gate."""
    state = willing(
        rules.initial_state(params), [Stage.PLANNING, Stage.NONE, Stage.NONE], months_in_stage=np.full(3, 2, np.int32)
    )
    assert rules.decide(state, params, settled=np.zeros(3, bool))[0] == Stage.PLANNING
    state = at(state, [Stage.PLANNING, Stage.PLANNING, Stage.NONE])
    assert list(rules.decide(state, params, settled=np.zeros(3, bool))[:2]) == [Stage.INITIATION] * 2


def test_stages_take_their_minimum_months(params):
    state = willing(rules.initial_state(params), np.full(3, int(Stage.PLANNING)))
    minimum = params.gates.min_months[Stage.PLANNING]
    tried = []
    for completed in range(6):  # months completed in planning; this month is the next
        moved = rules.decide(replace(state, months_in_stage=np.full(3, completed, np.int32)), params, np.zeros(3, bool))
        tried.append(bool(moved[0] == Stage.INITIATION))
    assert tried == [completed + 1 >= minimum for completed in range(6)]


def test_a_regent_goes_ahead_when_the_gate_probability_exceeds_his_disposition_and_not_by_luck(params):
    """The gate's probability is the share of regents who would go ahead under these conditions;
    a regent's own disposition is drawn once, when he takes office, so trying again does not."""
    state = at(rules.initial_state(params), [Stage.NONE] * 3)
    probability = rules.gate_probabilities(state, params)[0]
    eager = replace(state, disposition=probability - 1e-9)
    reluctant = replace(state, disposition=probability + 1e-9)
    assert np.all(rules.decide(eager, params, np.zeros(3, bool)) == Stage.PLANNING)
    assert np.all(rules.decide(reluctant, params, np.zeros(3, bool)) == Stage.NONE)
    for month in range(2, 40):  # the same regent, the same conditions: no month is luckier
        later = replace(reluctant, months_in_stage=np.full(3, month, np.int32))
        assert np.all(rules.decide(later, params, np.zeros(3, bool)) == Stage.NONE)


def test_a_regent_takes_office_in_month_one_and_at_each_election(params):
    state = rules.initial_state(params)
    first, _ = rules.strike(state, params, month_draws(3, disposition=np.array([0.1, 0.2, 0.3])), 1)
    assert list(first.disposition) == [0.1, 0.2, 0.3]
    quiet, _ = rules.strike(first, params, month_draws(3, disposition=0.9), 2)
    assert list(quiet.disposition) == [0.1, 0.2, 0.3]
    elected, _ = rules.strike(quiet, params, month_draws(3, disposition=0.9), params.shocks.election_first)
    assert np.all(elected.disposition == 0.9)


def test_the_manager_and_the_key_actor_each_convene_at_their_own_legitimacy(default):
    for setup, key_actor, manager in (
        ("status_quo", False, False),
        ("key_actor", True, False),
        ("regional_management", False, True),
        ("rm_plus", True, True),
    ):
        p = default.with_setup(setup).params()
        assert (p.institutions.key_actor.active, p.institutions.manager.active) == (key_actor, manager), setup
        _, met = rules.convene(rules.initial_state(p), p, month_draws(p.n, meeting=0.0, brokering=0.0))
        assert (met.open is not None) == (key_actor or manager)
    managed = default.with_setup("regional_management").params().institutions.manager
    bishop = default.with_setup("key_actor").params().institutions.key_actor
    assert np.all(managed.legitimacy < bishop.legitimacy)  # a manager without local roots
    # the manager brokers and informs; persuading regents and making them feel the need takes key figures
    for effect in ("knowledge", "interest", "trust"):
        assert np.all(managed.meeting_retention[effect] < 0) and np.all(bishop.meeting_retention[effect] < 0)
    for effect in ("willingness", "need"):
        assert np.all(managed.meeting_retention[effect] == 0) and np.all(bishop.meeting_retention[effect] < 0)


def test_adat_leaders_lend_legitimacy_and_raise_the_trust_of_regencies_under_way(default):
    plain = default.with_setup("regional_management").params()
    endorsed = default.with_setup("regional_management").with_overrides({"setup.adat_leaders": True}).params()
    assert np.all(endorsed.institutions.manager.legitimacy > plain.institutions.manager.legitimacy)
    assert np.array_equal(endorsed.regencies.trust, plain.regencies.trust)  # the start is the same
    state = at(rules.initial_state(endorsed), [1, 1, 0])  # TTU and Belu under way, Malaka not
    for _ in range(400):
        state = replace(state, trust=rules.adapt_trust(state, endorsed, rules.no_meetings(state)))
    assert state.trust[0, 1] == pytest.approx(endorsed.regencies.trust_baseline[0, 1], abs=1e-3)
    assert state.trust[0, 2] == pytest.approx(endorsed.regencies.trust[0, 2])  # no endorsement without an initiative
    assert endorsed.regencies.trust_baseline[0, 1] > endorsed.regencies.trust[0, 1]


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
    assert rules.meeting_count(np.array([[0.1], [0.3], [0.6]]), 1.5).ravel().tolist() == [2, 2, 1]


def test_elections_cut_knowledge_and_reset_willingness(default):
    p = default.with_setup("key_actor").params()
    state = replace(rules.initial_state(p), willingness=np.full(3, 0.9), knowledge=np.full(3, 0.8))
    month = p.shocks.election_first
    after, shocks = rules.strike(state, p, month_draws(3, new_regent=0.5), month)
    assert shocks.election
    assert np.allclose(after.knowledge, 0.8 * (1 - p.knowledge.election_loss))
    new_regent = p.regencies.willingness  # a draw of 0.5: the baseline itself
    assert np.allclose(after.willingness, 0.9 + p.willingness.election_reset * (new_regent - 0.9))
    quiet, shocks = rules.strike(state, p, month_draws(3), month + 1)
    assert not shocks.election and np.array_equal(quiet.willingness, state.willingness)


def test_a_new_regent_re_decides_unless_a_perda_anchors_the_commitment(default):
    plain = default.with_setup("regional_management").params()
    perda = default.with_setup("regional_management").with_overrides({"setup.local_regulation": True}).params()
    state = at(rules.initial_state(plain), [1, 3, 4])  # planning, organising, implementation
    nobody = np.zeros(3, bool)
    election = calm(3, election=True)
    assert list(rules.triggers(state, plain, election, nobody, nobody).regent) == [True, True, True]
    assert list(rules.triggers(state, perda, election, nobody, nobody).regent) == [
        True,
        False,
        False,
    ]  # from organising on
    quiet = rules.triggers(state, plain, calm(3), nobody, nobody)
    assert not (quiet.regent.any() or quiet.budget.any() or quiet.results.any())
    cut = rules.triggers(state, plain, calm(3, fiscal=np.array([True, True, True])), nobody, nobody)
    assert list(cut.budget) == [True, True, False]  # a member pays or defects instead
    expelled = np.array([False, False, True])  # its stage changed already this month
    assert list(rules.triggers(state, plain, election, nobody, expelled).regent) == [True, True, False]


def test_a_regency_that_joins_as_cooperation_collapses_goes_back_to_organising(default):
    p = default.with_setup("regional_management").params()
    state = at(rules.initial_state(p), [4, 4, 3], months_active=np.array([7], np.int32), funding=np.array([0.1]))
    stage, active, dissolved = rules.dissolve(state, p, np.array([4, 4, 4], np.int8), before=state.stage)
    assert dissolved.item() and not active.item()
    assert list(stage) == [1, 1, 3]  # members back to planning, the newcomer to organising


def test_a_member_that_leaves_starts_its_evaluation_sums_afresh(default):
    p = default.with_setup("key_actor").params()
    state = at(
        rules.initial_state(p),
        [4, 4, 4],
        months_active=np.array([5], np.int32),
        year_months=np.full(3, 5, np.int32),
        year_defections=np.array([2, 0, 0], np.int32),
        disposition=np.array([1.0, 0.0, 0.0]),  # the first new regent walks out, the others stay
    )
    after = rules.advance(state, p, p.shocks.election_first, calm(3, election=True))
    assert list(after.stage) == [1, 4, 4] and rules.cooperation_active(after.stage, p).item()
    assert after.year_months[0] == 0 and after.year_defections[0] == 0
    assert list(after.year_months[1:]) == [5, 5]


def test_a_budget_cut_re_decides_only_the_capacity_the_gate_asked_for(params):
    state = at(
        rules.initial_state(params),
        [2, 3, 0],
        willingness=np.zeros(3),
        capacity=np.ones(3),
        disposition=np.full(3, 0.5),
    )
    cut = rules.Triggers(np.zeros(3, bool), np.array([True, True, False]), np.zeros(3, bool))
    poor = replace(state, capacity=np.zeros(3))
    assert list(rules.reconsider(state, params, cut)) == [2, 3, 0]  # willingness fell, but a cut asks for capacity
    assert list(rules.reconsider(poor, params, cut)) == [2, 2, 0]  # only organising's gate asked for capacity


def test_who_re_decides_keeps_its_stage_while_the_gate_that_brought_it_still_meets_the_regents_disposition(default):
    params = default.with_setup("key_actor").params()  # no sanction to weigh for the member
    state = at(rules.initial_state(params), [1, 3, 4])
    nobody, everyone = np.zeros(3, bool), np.ones(3, bool)
    new_regents = rules.Triggers(everyone, nobody, nobody)
    stays = rules.reconsider(replace(state, disposition=np.zeros(3)), params, new_regents)
    goes = rules.reconsider(replace(state, disposition=np.ones(3)), params, new_regents)
    assert list(stays) == [1, 3, 4]
    assert list(goes) == [0, 2, 1]  # one stage back; a member leaves to planning
    probability = rules.gate_probabilities(state, params)
    keep = np.array([probability[0][0], probability[2][1], probability[3][2]])  # the gates they passed
    just_below = rules.reconsider(replace(state, disposition=keep - 1e-9), params, new_regents)
    just_above = rules.reconsider(replace(state, disposition=keep + 1e-9), params, new_regents)
    assert list(just_below) == [1, 3, 4] and list(just_above) == [0, 2, 1]


def in_evaluation(p: rules.Params, performance: float) -> rules.State:
    """Two members at the end of a year in which the programme performed as given."""
    state = at(
        rules.initial_state(p),
        [5, 5, 0],
        capacity=np.zeros(3),  # could not stay if capacity counted
        need=np.full(3, 0.6),
        interest=np.full(3, 0.7),
        trust=np.full((3, 3), 0.8) - 0.8 * np.eye(3),
        disposition=np.full(3, 0.9),
        year_months=np.array([12, 12, 0], np.int32),
    )
    expected = rules.expected_value(state, p) * 12 * np.array([1, 1, 0])
    return replace(
        state,
        year_expected=expected,
        year_realised=expected * performance / p.economy.expected,
        year_performance=np.array([12, 12, 0]) * performance,
    )


def test_an_evaluation_feeds_results_back_members_learn_and_ask_only_whether_it_pays(default):
    p = default.with_setup("key_actor").params()
    good, evaluated = rules.evaluate(in_evaluation(p, 0.95), p)
    bad, _ = rules.evaluate(in_evaluation(p, 0.05), p)
    assert list(evaluated) == [True, True, False]
    start = in_evaluation(p, 0.5)
    assert np.all(good.willingness[:2] > start.willingness[:2]) and np.all(bad.willingness[:2] < start.willingness[:2])
    learning = p.monitoring.learning
    assert good.expected_performance[0] == pytest.approx(p.economy.expected + learning * (0.95 - p.economy.expected))
    assert good.expected_performance[2] == p.economy.expected  # not evaluated: nothing learned
    assert good.year_months[0] == 0 and good.year_realised[0] == 0  # a new year begins
    nobody = np.zeros(3, bool)
    results = rules.Triggers(nobody, nobody, evaluated)
    assert list(rules.reconsider(good, p, results)[:2]) == [5, 5]
    assert list(rules.reconsider(bad, p, results)[:2]) == [1, 1]


def test_a_member_pays_in_good_months_and_decides_in_bad_ones_sanctions_make_defecting_costly(default):
    plain = default.with_setup("key_actor").params()
    sanctioned = default.with_setup("key_actor").with_overrides({"setup.adat_sanctions": True}).params()
    assert sanctioned.economy.deterrence > 0 and plain.economy.deterrence == 0
    trust = np.full(3, 0.5)
    assert np.all(rules.defection_risk(trust, sanctioned) < rules.defection_risk(trust, plain))  # partners expect less
    state = at(rules.initial_state(plain), [4, 4, 0], months_active=np.array([5], np.int32))
    doubtful = month_draws(3, contribute=np.array([0.0, 0.0, 0.0]))
    _, defects = rules.cooperate(state, plain, month_draws(3, contribute=np.array([0.999] * 3)), calm(3))
    assert not defects.any()  # no defection in a good month, whatever the draw
    drought = calm(3, drought=np.ones(1, bool))
    _, defects = rules.cooperate(state, plain, doubtful, drought)
    assert not defects.any()  # a draw of 0 always pays
    values = rules.condition_values(state, plain)
    yield_ = 1 - plain.economy.drought_yield_loss
    worth = values[-1] - rules.expected_value(state, plain) * (1 - yield_)
    pay = rules.gate_probability((*values[:-1], worth), plain, 3)
    _, defects = rules.cooperate(state, plain, month_draws(3, contribute=pay + 1e-9), drought)
    assert list(defects) == [True, True, False]
    _, defects = rules.cooperate(state, sanctioned, month_draws(3, contribute=pay + 1e-9), drought)
    assert not defects.any()  # the sanction makes paying the better choice at the same draw


def test_paying_takes_the_cost_share_from_capacity_and_defecting_under_sanctions_the_sanction(default):
    p = default.with_setup("key_actor").with_overrides({"setup.adat_sanctions": True}).params()
    state = at(rules.initial_state(p), [4, 4, 0], months_active=np.array([5], np.int32))
    cut = calm(3, fiscal=np.array([True, True, True]))
    after, defects = rules.cooperate(state, p, month_draws(3, contribute=np.array([0.0, 0.999999, 0.0])), cut)
    assert list(defects) == [False, True, False]
    r = p.capacity.recovery
    assert after.capacity[0] == pytest.approx(state.capacity[0] - r * p.regencies.cost[0])  # paid
    assert after.capacity[1] == pytest.approx(state.capacity[1] - r * p.economy.sanction)  # defected
    assert after.capacity[2] == state.capacity[2]  # not a member


def test_defection_costs_the_defector_its_partners_trust(default):
    p = default.with_setup("key_actor").params()
    state = at(rules.initial_state(p), [4, 4, 0], months_active=np.array([5], np.int32))
    state2, defects = rules.cooperate(
        state, p, month_draws(3, contribute=np.array([0.999, 0.0, 0.0])), calm(3, fiscal=np.array([True, True, True]))
    )
    assert list(defects) == [True, False, False]
    assert state2.trust[1, 0] == pytest.approx(state.trust[1, 0] * (1 - p.trust.defection_loss))
    assert state2.trust[0, 1] == state.trust[0, 1] and state2.trust[2, 0] == state.trust[2, 0]


def test_a_member_that_always_pays_loses_its_cost_share_of_capacity_for_good(default):
    p = default.with_setup("key_actor").params()
    state = at(rules.initial_state(p), [4, 4, 0], months_active=np.array([5], np.int32))
    for _ in range(400):
        state = rules.adapt(state, p, rules.no_meetings(state))
        state, _ = rules.cooperate(state, p, month_draws(3), calm(3))
    assert np.allclose(state.capacity[:2], p.regencies.capacity[:2] - p.regencies.cost[:2], atol=1e-3)
    assert state.capacity[2] == pytest.approx(p.regencies.capacity[2])


def test_the_governors_funds_go_to_the_regencies_in_the_initiative(default):
    p = default.with_setup("province_led").params()
    state = at(rules.initial_state(p), [1, 0, 0])
    for _ in range(400):
        state = rules.adapt(state, p, rules.no_meetings(state))
    assert state.capacity[0] == pytest.approx(p.regencies.capacity[0] + p.institutions.funds)
    assert np.allclose(state.capacity[1:], p.regencies.capacity[1:])


def test_partners_lose_trust_in_a_member_that_walks_out_not_in_one_that_steps_back_before(default):
    p = default.with_setup("key_actor").params()
    state = at(rules.initial_state(p), [4, 4, 3], disposition=np.ones(3), months_active=np.array([3], np.int32))
    after = rules.advance(state, p, p.shocks.election_first, calm(3, election=True))
    assert list(after.stage) == [1, 1, 2]  # the new regents re-decide and break off
    assert after.trust[0, 1] == pytest.approx(state.trust[0, 1] * (1 - p.trust.defection_loss))
    assert after.trust[0, 2] == state.trust[0, 2]  # Malaka had signed nothing yet


def test_willingness_returns_to_its_baseline_without_dialogue(default):
    p = default.with_setup("status_quo").with_overrides({"rules.willingness.commitment": 0.0}).params()
    state = replace(rules.initial_state(p), willingness=np.full(3, 0.9))
    for _ in range(400):
        state = rules.adapt(state, p, rules.no_meetings(state))
    assert np.allclose(state.willingness, p.regencies.willingness, atol=1e-3)


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


def test_majority_means_more_than_half_and_at_least_two():
    assert [rules.resolve_min_members("majority", n) for n in (2, 3, 4, 5, 6)] == [2, 2, 3, 3, 4]
    assert rules.resolve_min_members("all", 5) == 5 and rules.resolve_min_members(3, 5) == 3


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


def test_named_draws_are_the_layouts_slots(default):
    block = np.arange(draws.width(3), dtype=float)
    named = draws.split(block, 3)
    for slot in draws.REGENCY_SLOTS:
        assert np.array_equal(getattr(named, slot), block[draws.regency_slots(slot, 3)])
    hashed = draws.HashedDraws(5, 2, 3)
    for slot in (*draws.SHARED_SLOTS, *draws.REGENCY_SLOTS):
        assert np.array_equal(getattr(hashed.month(4), slot), getattr(draws.split(hashed.block(4), 3), slot))
