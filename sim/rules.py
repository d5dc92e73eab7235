"""The rulebook: every behavioural rule of Kerjasama, as pure functions on numpy arrays.

Both drivers call these functions — the Mesa model (`sim/model.py`) with one run's arrays of shape
`(n_regencies,)`, the ensemble with `(replications, n_regencies)`. Every function accepts any
leading shape `...`: regencies are always the last axis (trust is `(..., n, n)`, row i = what
regency i thinks of the others). Nothing here reads files, draws random numbers or imports Mesa:
randomness comes in as uniform draws (`sim/draws.py`), numbers come in as `Params`
(`sim/params.py`), so the same draws and the same parameters give the same trajectory in both
drivers.

`docs/theory.md` maps each rule to the finding of the study or the literature it encodes;
`docs/odd.md` describes the schedule within a month.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
from scipy.special import expit

from sim.stages import ATTRIBUTES, GATES, Stage

IMPLEMENTATION = int(Stage.IMPLEMENTATION)
MONITORING = int(Stage.MONITORING)
TRUST = ATTRIBUTES.index("trust")


# --------------------------------------------------------------------------------------------
# Parameters: resolved numbers, one group per `[rules.*]` table of a scenario file
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KnowledgeRules:
    decay: float  # monthly share of learned knowledge lost: it fades back to the starting value
    meeting_gain: float  # share of the gap to 1 closed by one meeting at legitimacy 1
    election_loss: float  # share of knowledge lost at an election (turnover of officials)


@dataclass(frozen=True)
class NeedRules:
    pull: float  # monthly share of the gap between perceived and objective need closed
    awareness_gain: float  # extra pull from one meeting at legitimacy 1
    drought: float  # objective need added by the onset of a drought
    flood: float  # objective need added by a flood in the regency
    shock_decay: float  # monthly decay of the need added by shocks


@dataclass(frozen=True)
class WillingnessRules:
    meeting_gain: float  # persuasion: share of the gap to 1 closed by one meeting
    commitment: float  # monthly pull of willingness up towards mean trust (trust -> commitment)
    election_reset: float  # share of willingness replaced by the new regent's at an election
    election_spread: float  # the new regent's willingness: starting value +- this


@dataclass(frozen=True)
class CapacityRules:
    recovery: float  # monthly share of the gap to the capacity target closed


@dataclass(frozen=True)
class InterestRules:
    meeting_gain: float  # brokering: share of the gap to 1 closed by one meeting
    pull_back: float  # monthly pull back to the starting value (competing flagship programmes)


@dataclass(frozen=True)
class TrustRules:
    meeting_gain: float  # share of the gap to 1 closed by one shared meeting
    decay: float  # monthly pull back to the starting trust without contact
    defection_loss: float  # share of trust towards a partner lost when it defects


@dataclass(frozen=True)
class GateRules:
    steepness: float  # beta of every logistic factor
    gate_of_pair: np.ndarray  # (P,) index into GATES of each (gate, attribute) pair
    attribute_of_pair: np.ndarray  # (P,) index into ATTRIBUTES
    attribute_matrix: np.ndarray  # (P, len(ATTRIBUTES)) one-hot, to sum pairs by attribute
    min_months: np.ndarray  # (len(Stage),) months a regency stays in a stage at least
    min_members: int  # regencies needed in implementation for cooperation to exist


@dataclass(frozen=True)
class CooperationRules:
    max_defection: float  # monthly defection probability of a member whose implementation gate is 0
    defection_factor: float  # multiplier on defection (adat sanctions < 1)
    drought_yield_loss: float  # share of the programme's yield lost in a drought month
    flood_yield_loss: float  # share lost in a month with a flood in the member's regency
    benefit: float  # the programme's benefit: scales the feedback of monitoring & evaluation


@dataclass(frozen=True)
class MonitoringRules:
    interval: int  # months of implementation between two evaluations
    expected: float  # performance members expect (1 = everyone contributes, no shock)
    shortfall_below: float  # performance below this is a shortfall
    max_shortfalls: int  # consecutive shortfalls after which a member leaves
    max_defection_share: float  # share of months defected after which a member leaves
    feedback: float  # small wins: how strongly performance feeds back into attributes


@dataclass(frozen=True)
class ShockRules:
    election_first: int  # month of the first simultaneous regional election (1-based)
    election_interval: int  # months between elections
    drought_onset: float  # monthly probability that a drought starts
    drought_duration: int  # months a drought lasts
    fiscal_probability: float  # monthly probability of a fiscal cut, per regency
    fiscal_cut: float  # share of capacity lost in a fiscal cut
    flood_season: np.ndarray  # (12,) bool, by calendar month (0 = January)
    start_month: int  # calendar month of month 1 (0 = January)


@dataclass(frozen=True)
class Institutions:
    """The setup, resolved: who convenes, which body, which local wisdom (see sim/params.py)."""

    key_actor: bool
    meetings_per_month: float
    strategy: str  # forum | weakest_first | round_robin
    legitimacy: np.ndarray  # (n,) effective legitimacy granted to the key actor
    funds: float  # capacity added to every regency while the key actor is active
    has_body: bool  # a cooperation body is created when cooperation forms
    capacity_support: float  # capacity the body adds to its members
    manager_knowledge_gain: float  # monthly share of the knowledge gap closed by the manager
    min_funding: float  # the body collapses when its funding share falls below this
    funding_memory: float  # monthly weight of the newest contributions in the funding share
    continuity: float  # share of the election reset of willingness that local wisdom prevents


@dataclass(frozen=True)
class RegencyParams:
    """Per-regency numbers, each of shape (n,): starting values double as baselines."""

    knowledge: np.ndarray
    need: np.ndarray
    willingness: np.ndarray
    capacity: np.ndarray
    interest: np.ndarray
    trust: np.ndarray  # (n, n), zero diagonal
    structural_need: np.ndarray  # objective need from exposure to what the programme addresses
    flood_probability: np.ndarray  # probability of a flood in a month of the flood season
    thresholds: np.ndarray  # (n, P) effective gate thresholds (discounts and burdens applied)


@dataclass(frozen=True)
class Params:
    n: int
    gates: GateRules
    knowledge: KnowledgeRules
    need: NeedRules
    willingness: WillingnessRules
    capacity: CapacityRules
    interest: InterestRules
    trust: TrustRules
    cooperation: CooperationRules
    monitoring: MonitoringRules
    shocks: ShockRules
    institutions: Institutions
    regencies: RegencyParams


# --------------------------------------------------------------------------------------------
# State
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """Everything that changes during a run; `...` is () for Mesa, (replications,) for the ensemble."""

    knowledge: np.ndarray  # (..., n)
    need: np.ndarray  # (..., n) perceived need
    willingness: np.ndarray  # (..., n)
    capacity: np.ndarray  # (..., n)
    interest: np.ndarray  # (..., n)
    trust: np.ndarray  # (..., n, n)
    stage: np.ndarray  # (..., n) int8, a Stage
    months_in_stage: np.ndarray  # (..., n)
    shock_need: np.ndarray  # (..., n) objective need added by droughts and floods, decaying
    drought_left: np.ndarray  # (...,) months of the current drought still to come
    meetings_held: np.ndarray  # (...,) meetings the key actor has held (round robin)
    months_active: np.ndarray  # (...,) months since cooperation (re)formed; 0 = not in force
    months_cooperating: np.ndarray  # (...,) months with cooperation in force, in all
    formed_month: np.ndarray  # (...,) month cooperation first formed, -1 if never
    highest_stage: np.ndarray  # (...,) the furthest stage the initiative has reached
    dissolutions: np.ndarray  # (...,) times cooperation dissolved
    dissolutions_after_election: np.ndarray  # (...,) of which within a year of an election
    funding: np.ndarray  # (...,) the body's running share of contributions paid
    year_performance: np.ndarray  # (..., n) performance summed since the last evaluation
    year_months: np.ndarray  # (..., n) months of membership since the last evaluation
    year_defections: np.ndarray  # (..., n) months defected since the last evaluation
    shortfalls: np.ndarray  # (..., n) consecutive evaluations with a shortfall
    barriers: np.ndarray  # (..., n, len(ATTRIBUTES)) accumulated shortfall below gate thresholds


def initial_state(p: Params, shape: tuple[int, ...] = ()) -> State:
    """Every replication starts from the scenario's starting values, in stage `none`."""
    n, r = p.n, p.regencies

    def spread(values: np.ndarray) -> np.ndarray:
        return np.broadcast_to(values, shape + values.shape).astype(float)

    def zeros(*tail: int, dtype: type = np.int32) -> np.ndarray:
        return np.zeros(shape + tail, dtype=dtype)

    return State(
        knowledge=spread(r.knowledge),
        need=spread(r.need),
        willingness=spread(r.willingness),
        capacity=spread(r.capacity),
        interest=spread(r.interest),
        trust=spread(r.trust),
        stage=zeros(n, dtype=np.int8),
        months_in_stage=zeros(n),
        shock_need=zeros(n, dtype=float),
        drought_left=zeros(),
        meetings_held=zeros(),
        months_active=zeros(),
        months_cooperating=zeros(),
        formed_month=np.full(shape, -1, dtype=np.int32),
        highest_stage=zeros(dtype=np.int8),
        dissolutions=zeros(),
        dissolutions_after_election=zeros(),
        funding=np.ones(shape),
        year_performance=zeros(n, dtype=float),
        year_months=zeros(n),
        year_defections=zeros(n),
        shortfalls=zeros(n),
        barriers=zeros(n, len(ATTRIBUTES), dtype=float),
    )


class MonthDraws(NamedTuple):
    """The uniform draws one month consumes (layout in sim/draws.py)."""

    drought: np.ndarray  # (...,)
    meeting: np.ndarray  # (...,) the key actor's: does the fractional meeting take place
    gate: np.ndarray  # (..., n) passes the gate it faces
    contribute: np.ndarray  # (..., n) contributes or defects
    flood: np.ndarray  # (..., n)
    fiscal: np.ndarray  # (..., n)
    new_regent: np.ndarray  # (..., n) the willingness of a newly elected regent


class Shocks(NamedTuple):
    election: bool
    drought: np.ndarray  # (...,) a drought this month
    flood: np.ndarray  # (..., n) a flood in the regency this month


class Meetings(NamedTuple):
    attended: np.ndarray  # (..., n) meetings each regency attended this month
    together: np.ndarray  # (..., n, n) meetings each pair attended together


# --------------------------------------------------------------------------------------------
# Small formulas
# --------------------------------------------------------------------------------------------


def closes_gap(value: np.ndarray, target: np.ndarray, fraction: np.ndarray) -> np.ndarray:
    """Move `value` the given fraction of the way to `target` (stays in [0, 1] if both are)."""
    return value + fraction * (target - value)


def meeting_fraction(rate: float, legitimacy: np.ndarray, meetings: np.ndarray) -> np.ndarray:
    """Share of a gap that `meetings` meetings close when each closes `rate * legitimacy` of it."""
    return 1.0 - (1.0 - rate * legitimacy) ** meetings


def feedback(value: np.ndarray, signal: np.ndarray) -> np.ndarray:
    """Raise towards 1 on a positive signal, lower towards 0 on a negative one (|signal| <= 1)."""
    return np.where(signal >= 0, value + signal * (1.0 - value), value + signal * value)


def mean_trust(trust: np.ndarray) -> np.ndarray:
    """Each regency's mean trust towards the others (the diagonal is zero)."""
    return trust.sum(axis=-1) / (trust.shape[-1] - 1)


def attribute_values(state: State) -> np.ndarray:
    """(..., n, len(ATTRIBUTES)): the values the gates look at, in the order of ATTRIBUTES."""
    return np.stack(
        [
            state.knowledge,
            state.need,
            state.willingness,
            state.capacity,
            state.interest,
            mean_trust(state.trust),
        ],
        axis=-1,
    )


def gate_factors(values: np.ndarray, p: Params) -> np.ndarray:
    """(..., n, P): one logistic factor sigma(beta * (x - theta)) per (gate, attribute) pair."""
    g = p.gates
    return expit(g.steepness * (values[..., g.attribute_of_pair] - p.regencies.thresholds))


def gate_probabilities(factors: np.ndarray, p: Params) -> np.ndarray:
    """(..., n, len(GATES)): each gate's monthly pass probability, the product of its factors."""
    return np.stack(
        [factors[..., p.gates.gate_of_pair == g].prod(axis=-1) for g in range(len(GATES))],
        axis=-1,
    )


def next_gate(stage: np.ndarray) -> np.ndarray:
    """Index into GATES of the gate a regency faces: members keep facing implementation."""
    return np.minimum(stage, len(GATES) - 1)


def facing(per_gate: np.ndarray, stage: np.ndarray) -> np.ndarray:
    """Pick, for each regency, the entry of (..., n, len(GATES)) for the gate it faces."""
    return np.take_along_axis(per_gate, next_gate(stage)[..., None].astype(np.intp), -1)[..., 0]


def binding_attribute(factors: np.ndarray, stage: np.ndarray, p: Params) -> np.ndarray:
    """(..., n) index into ATTRIBUTES of the smallest factor at the gate each regency faces."""
    at_gate = p.gates.gate_of_pair == next_gate(stage)[..., None]
    pair = np.where(at_gate, factors, np.inf).argmin(axis=-1)
    return p.gates.attribute_of_pair[pair]


def shortfalls(values: np.ndarray, stage: np.ndarray, p: Params) -> np.ndarray:
    """(..., n, len(ATTRIBUTES)): shortfall below the thresholds of every gate still ahead.

    The study's diagnosis in numbers: a regency that has not yet reached implementation falls
    short on each attribute by how far it is below each remaining gate's threshold.
    """
    g = p.gates
    gap = np.maximum(p.regencies.thresholds - values[..., g.attribute_of_pair], 0.0)
    ahead = (g.gate_of_pair >= next_gate(stage)[..., None]) & (stage < IMPLEMENTATION)[..., None]
    return (gap * ahead) @ g.attribute_matrix


def monthly(yearly_probability: float, months: int = 12) -> float:
    """The monthly probability that gives `yearly_probability` over `months` months."""
    return 1.0 - (1.0 - yearly_probability) ** (1.0 / months)


def endorsed_legitimacy(legitimacy: np.ndarray, adat_bonus: float) -> np.ndarray:
    """Adat leaders' endorsement closes a share of the gap between the key actor's legitimacy and 1."""
    return legitimacy + adat_bonus * (1.0 - legitimacy)


def continuity(adat_leaders: bool, regulation: bool, adat_share: float, regulation_share: float) -> float:
    """Share of the election reset of willingness that local figures and a Perda prevent."""
    return 1.0 - (1.0 - adat_leaders * adat_share) * (1.0 - regulation * regulation_share)


def cost_shares(funding: str, capacity: np.ndarray, provincial_share: float) -> np.ndarray:
    """(n,) each member's share of the running costs, relative to an equal share.

    `by_capacity`: the able carry more (shares proportional to baseline capacity); `provincial`:
    the province carries `provincial_share` of everyone's costs.
    """
    if funding == "by_capacity":
        return capacity / capacity.mean()
    if funding == "provincial":
        return np.full_like(capacity, 1.0 - provincial_share)
    return np.ones_like(capacity)


def effective_thresholds(base: np.ndarray, gates: GateRules, body_discount: float, burden: np.ndarray) -> np.ndarray:
    """(n, P) thresholds: a body lowers those of organising and implementation by its discount
    (lower transaction costs); each member's cost burden raises its implementation capacity threshold."""
    organising = GATES.index(Stage.ORGANISING)
    discounted = base * (1.0 - body_discount * (gates.gate_of_pair >= organising))
    paying = (gates.gate_of_pair == len(GATES) - 1) & (gates.attribute_of_pair == ATTRIBUTES.index("capacity"))
    return discounted[None, :] + burden[:, None] * paying[None, :]


def is_election(month: int, s: ShockRules) -> bool:
    return month >= s.election_first and (month - s.election_first) % s.election_interval == 0


def months_since_election(month: int, s: ShockRules) -> int | None:
    if month < s.election_first:
        return None
    return (month - s.election_first) % s.election_interval


def cooperation_active(stage: np.ndarray, p: Params) -> np.ndarray:
    """(...,) cooperation is in force: enough regencies are in implementation or M&E."""
    return (stage >= IMPLEMENTATION).sum(axis=-1) >= p.gates.min_members


def initiative_stage(stage: np.ndarray, p: Params) -> np.ndarray:
    """(...,) the stage of the initiative: the furthest stage `min_members` regencies have reached."""
    return np.sort(stage, axis=-1)[..., -p.gates.min_members]


def members(stage: np.ndarray, p: Params) -> np.ndarray:
    """(..., n) the regencies taking part in cooperation in force."""
    return cooperation_active(stage, p)[..., None] & (stage >= IMPLEMENTATION)


# --------------------------------------------------------------------------------------------
# The month, phase by phase (the order is the schedule; see docs/odd.md)
# --------------------------------------------------------------------------------------------


def strike(state: State, p: Params, draws: MonthDraws, month: int) -> tuple[State, Shocks]:
    """Elections, drought, floods and fiscal cuts push the regencies around."""
    s = p.shocks
    knowledge, willingness = state.knowledge, state.willingness
    election = is_election(month, s)
    if election:
        knowledge = knowledge * (1.0 - p.knowledge.election_loss)
        new_regent = np.clip(
            p.regencies.willingness + p.willingness.election_spread * (2.0 * draws.new_regent - 1.0),
            0.0,
            1.0,
        )
        reset = p.willingness.election_reset * (1.0 - p.institutions.continuity)
        willingness = closes_gap(willingness, new_regent, reset)

    continuing = state.drought_left > 0
    onset = ~continuing & (draws.drought < s.drought_onset)
    drought = continuing | onset
    drought_left = np.where(onset, s.drought_duration - 1, np.maximum(state.drought_left - 1, 0))

    in_season = s.flood_season[(s.start_month + month - 1) % 12]
    flood = in_season & (draws.flood < p.regencies.flood_probability)
    fiscal_cut = draws.fiscal < s.fiscal_probability
    shock_need = (
        state.shock_need * (1.0 - p.need.shock_decay) + p.need.drought * onset[..., None] + p.need.flood * flood
    )
    state = replace(
        state,
        knowledge=knowledge,
        willingness=willingness,
        capacity=state.capacity * (1.0 - s.fiscal_cut * fiscal_cut),
        shock_need=shock_need,
        drought_left=drought_left.astype(np.int32),
    )
    return state, Shocks(election=election, drought=drought, flood=flood)


def no_meetings(state: State) -> Meetings:
    return Meetings(np.zeros(state.knowledge.shape), np.zeros(state.trust.shape))


def meeting_count(draws: MonthDraws, meetings_per_month: float) -> np.ndarray:
    """Whole meetings always happen; a fractional one happens with its fraction as probability."""
    whole = np.floor(meetings_per_month)
    return (whole + (draws.meeting < meetings_per_month - whole)).astype(np.int32)


def meeting_pairs(state: State, p: Params) -> tuple[np.ndarray, np.ndarray]:
    """(..., K): the two regencies brought together in each of the month's K possible meetings.

    `round_robin` goes through every pair in turn; `weakest_first` brings the regencies least
    likely to pass their gates, one by one, together with the one most likely to (brokering).
    """
    n, slots = p.n, np.arange(int(np.ceil(p.institutions.meetings_per_month)))
    if p.institutions.strategy == "round_robin":
        first, second = np.triu_indices(n, 1)
        pair = (state.meetings_held[..., None] + slots) % len(first)
        return first[pair], second[pair]
    probability = facing(gate_probabilities(gate_factors(attribute_values(state), p), p), state.stage)
    order = np.argsort(probability, axis=-1, kind="stable")
    weakest = np.take_along_axis(order, np.broadcast_to(slots % n, order.shape[:-1] + slots.shape), -1)
    strongest = order[..., n - 1 :]
    return weakest, np.where(strongest == weakest, order[..., n - 2 : n - 1], strongest)


def convene(state: State, p: Params, draws: MonthDraws) -> tuple[State, Meetings]:
    """The key actor holds this month's meetings: who attends, and who meets whom."""
    inst = p.institutions
    if not inst.key_actor or inst.meetings_per_month == 0:
        return state, no_meetings(state)
    count = meeting_count(draws, inst.meetings_per_month)
    if inst.strategy == "forum":
        attended = np.broadcast_to(count[..., None], state.knowledge.shape).astype(float)
        together = count[..., None, None] * (1.0 - np.eye(p.n))
    else:
        first, second = meeting_pairs(state, p)
        held = (np.arange(first.shape[-1]) < count[..., None])[..., None]
        in_first = (np.arange(p.n) == first[..., None]) & held  # (..., K, n)
        in_second = (np.arange(p.n) == second[..., None]) & held
        attended = (in_first.sum(axis=-2) + in_second.sum(axis=-2)).astype(float)
        pairs = (in_first[..., :, :, None] & in_second[..., :, None, :]).sum(axis=-3)
        together = (pairs + np.swapaxes(pairs, -1, -2)).astype(float)
    state = replace(state, meetings_held=(state.meetings_held + count).astype(np.int32))
    return state, Meetings(attended, together)


def adapt(state: State, p: Params, meetings: Meetings) -> State:
    """Each regency's attributes and trust drift, decay and respond to this month's meetings."""
    inst, r = p.institutions, p.regencies
    legitimacy, attended = inst.legitimacy, meetings.attended
    member = members(state.stage, p)
    in_body = member & inst.has_body

    knowledge = closes_gap(state.knowledge, r.knowledge, p.knowledge.decay)
    knowledge = closes_gap(knowledge, 1.0, meeting_fraction(p.knowledge.meeting_gain, legitimacy, attended))
    knowledge = closes_gap(knowledge, 1.0, inst.manager_knowledge_gain * in_body)

    objective_need = np.clip(r.structural_need + state.shock_need, 0.0, 1.0)
    pull = 1.0 - (1.0 - p.need.pull) * (1.0 - p.need.awareness_gain * legitimacy) ** attended
    need = closes_gap(state.need, objective_need, pull)

    willingness = state.willingness + p.willingness.commitment * np.maximum(
        mean_trust(state.trust) - state.willingness, 0.0
    )
    willingness = closes_gap(willingness, 1.0, meeting_fraction(p.willingness.meeting_gain, legitimacy, attended))

    capacity_target = np.clip(r.capacity + inst.capacity_support * in_body + inst.funds * inst.key_actor, 0.0, 1.0)
    capacity = closes_gap(state.capacity, capacity_target, p.capacity.recovery)

    interest = closes_gap(state.interest, r.interest, p.interest.pull_back)
    interest = closes_gap(interest, 1.0, meeting_fraction(p.interest.meeting_gain, legitimacy, attended))

    return replace(
        state,
        knowledge=knowledge,
        need=need,
        willingness=willingness,
        capacity=capacity,
        interest=interest,
        trust=adapt_trust(state.trust, p, meetings, member),
    )


def adapt_trust(trust: np.ndarray, p: Params, meetings: Meetings, member: np.ndarray) -> np.ndarray:
    """Shared meetings build trust; without contact it drifts back to where it started."""
    legitimacy = p.institutions.legitimacy
    pair_legitimacy = np.sqrt(legitimacy[:, None] * legitimacy[None, :])
    working_together = member[..., :, None] & member[..., None, :]
    contact = (meetings.together > 0) | working_together
    trust = np.where(contact, trust, closes_gap(trust, p.regencies.trust, p.trust.decay))
    gain = meeting_fraction(p.trust.meeting_gain, pair_legitimacy, meetings.together)
    return closes_gap(trust, 1.0, gain)


def cooperate(state: State, p: Params, draws: MonthDraws, shocks: Shocks) -> tuple[State, np.ndarray]:
    """Members of cooperation in force contribute or defect; the programme yields; the body is paid.

    Returns the new state and the (..., n) defections of this month.
    """
    c = p.cooperation
    member = members(state.stage, p)
    active = member.any(axis=-1)
    factors = gate_factors(attribute_values(state), p)
    implementation = gate_probabilities(factors, p)[..., -1]
    defect_probability = c.max_defection * (1.0 - implementation) * c.defection_factor
    defects = member & (draws.contribute < defect_probability)
    contributes = member & ~defects

    share_paid = contributes.sum(axis=-1) / np.maximum(member.sum(axis=-1), 1)
    yield_ = np.clip(
        1.0 - c.drought_yield_loss * shocks.drought[..., None] - c.flood_yield_loss * shocks.flood,
        0.0,
        1.0,
    )
    performance = share_paid[..., None] * yield_

    betrayed = member[..., :, None] & defects[..., None, :]
    trust = state.trust * (1.0 - p.trust.defection_loss * betrayed)
    funding = np.where(
        active & p.institutions.has_body,
        closes_gap(state.funding, share_paid, p.institutions.funding_memory),
        state.funding,
    )
    state = replace(
        state,
        trust=trust,
        funding=funding,
        year_performance=state.year_performance + performance * member,
        year_months=(state.year_months + member).astype(np.int32),
        year_defections=(state.year_defections + defects).astype(np.int32),
    )
    return state, defects


def face_barriers(state: State, p: Params) -> State:
    """Add this month's shortfalls of every regency not yet cooperating to its barrier totals."""
    return replace(state, barriers=state.barriers + shortfalls(attribute_values(state), state.stage, p))


def evaluate(state: State, p: Params) -> State:
    """Monitoring & evaluation: members compare what the programme yielded with what they expected.

    Small wins raise interest, willingness, need-awareness and trust; shortfalls lower them, and
    a member that falls short too often, or defected too often, leaves (back to `none`).
    """
    m = p.monitoring
    evaluating = state.stage == MONITORING
    months = np.maximum(state.year_months, 1)
    performance = state.year_performance / months
    signal = np.where(evaluating, m.feedback * p.cooperation.benefit * (performance - m.expected), 0.0)
    both = evaluating[..., :, None] & evaluating[..., None, :] & ~np.eye(p.n, dtype=bool)
    trust = np.where(both, feedback(state.trust, signal[..., :, None]), state.trust)

    shortfall = performance < m.shortfall_below
    streak = np.where(evaluating, np.where(shortfall, state.shortfalls + 1, 0), state.shortfalls)
    leaves = evaluating & ((streak >= m.max_shortfalls) | (state.year_defections / months > m.max_defection_share))
    stage = np.where(evaluating, np.where(leaves, int(Stage.NONE), IMPLEMENTATION), state.stage)
    return replace(
        state,
        interest=feedback(state.interest, signal),
        willingness=feedback(state.willingness, signal),
        need=feedback(state.need, signal),
        trust=trust,
        stage=stage.astype(np.int8),
        shortfalls=np.where(leaves, 0, streak).astype(np.int32),
        year_performance=np.where(evaluating, 0.0, state.year_performance),
        year_months=np.where(evaluating, 0, state.year_months).astype(np.int32),
        year_defections=np.where(evaluating, 0, state.year_defections).astype(np.int32),
    )


def decide(state: State, p: Params, draws: MonthDraws, settled: np.ndarray) -> np.ndarray:
    """(..., n) the new stages after each regency below implementation decides on its gate.

    A regency may try the gate ahead once it has spent the stage's minimum months in its stage
    (the procedure: offer, joint agreement, DPRD approval, agreement), and — beyond planning —
    only if enough partners stand at least as far along: no one signs a joint agreement alone.
    `settled` marks regencies whose stage already changed this month.
    """
    stage = state.stage
    probability = facing(gate_probabilities(gate_factors(attribute_values(state), p), p), stage)
    partners = (stage[..., None, :] >= stage[..., :, None]).sum(axis=-1) - 1
    eligible = (
        (stage < IMPLEMENTATION)
        & ~settled
        & (state.months_in_stage >= p.gates.min_months[stage])
        & ((stage == int(Stage.NONE)) | (partners >= p.gates.min_members - 1))
    )
    return (stage + (eligible & (draws.gate < probability))).astype(np.int8)


def advance(state: State, p: Params, draws: MonthDraws, month: int) -> State:
    """The grand design moves: evaluation, gate decisions, formation, dissolution, M&E timing."""
    was_active = state.months_active > 0
    before = state.stage
    state = evaluate(state, p)
    stage = decide(state, p, draws, settled=state.stage != before)

    active = cooperation_active(stage, p)
    collapsed = active & p.institutions.has_body & (state.funding < p.institutions.min_funding) & was_active
    dissolved = (was_active & ~active) | collapsed
    stage = np.where(dissolved[..., None] & (stage >= IMPLEMENTATION), int(Stage.PLANNING), stage)
    active = active & ~dissolved

    months_active = np.where(active, state.months_active + 1, 0)
    due = active & (months_active % p.monitoring.interval == 0)
    stage = np.where(due[..., None] & (stage == IMPLEMENTATION) & (before == IMPLEMENTATION), MONITORING, stage)

    since = months_since_election(month, p.shocks)
    after_election = since is not None and since < 12
    changed = stage != before
    return replace(
        state,
        stage=stage.astype(np.int8),
        months_in_stage=np.where(changed, 0, state.months_in_stage + 1).astype(np.int32),
        months_active=months_active.astype(np.int32),
        months_cooperating=(state.months_cooperating + active).astype(np.int32),
        formed_month=np.where(active & (state.formed_month < 0), month, state.formed_month).astype(np.int32),
        highest_stage=np.maximum(state.highest_stage, initiative_stage(stage, p)).astype(np.int8),
        dissolutions=(state.dissolutions + dissolved).astype(np.int32),
        dissolutions_after_election=(state.dissolutions_after_election + (dissolved & after_election)).astype(np.int32),
        funding=np.where(active & ~was_active, 1.0, state.funding),
        shortfalls=np.where(dissolved[..., None], 0, state.shortfalls).astype(np.int32),
    )
