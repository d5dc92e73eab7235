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
from typing import NamedTuple, Protocol

import numpy as np

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
    election_aftermath: int  # months after an election in which a dissolution counts as caused by it
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
    # log of the share of a gap one meeting leaves open, per effect (knowledge, need,
    # willingness, interest: (n,); trust: (n, n), from the pair's legitimacy sqrt(L_i L_j))
    meeting_retention: dict[str, np.ndarray]
    funds: float  # capacity added to every regency while the key actor is active
    has_body: bool  # a cooperation body is created when cooperation forms
    capacity_support: float  # capacity the body adds to its members
    manager_knowledge_gain: float  # monthly share of the knowledge gap closed by the manager
    min_funding: float  # the body collapses when its funding share falls below this
    funding_memory: float  # monthly weight of the newest contributions in the funding share
    continuity: float  # share of the election reset of willingness that local wisdom prevents


@dataclass(frozen=True)
class RegencyParams:
    """Per-regency numbers, each (n,): starting values double as baselines.

    The ensemble may spread them over its replications, (R, n): the rules broadcast either way.
    """

    knowledge: np.ndarray
    need: np.ndarray
    willingness: np.ndarray
    capacity: np.ndarray
    interest: np.ndarray
    trust: np.ndarray  # (n, n), zero diagonal
    structural_need: np.ndarray  # objective need from exposure to what the programme addresses
    flood_probability: np.ndarray  # probability of a flood in a month of the flood season
    thresholds: np.ndarray  # (P, n) effective threshold of each (gate, attribute) pair per regency


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
    """Everything that changes during a run; `...` is () for Mesa, (replications,) for the ensemble.

    What belongs to a run rather than to a regency keeps a last axis of length 1, so that a
    parameter that differs from run to run, shaped (..., 1), meets every array the same way.
    """

    knowledge: np.ndarray  # (..., n)
    need: np.ndarray  # (..., n) perceived need
    willingness: np.ndarray  # (..., n)
    capacity: np.ndarray  # (..., n)
    interest: np.ndarray  # (..., n)
    trust: np.ndarray  # (..., n, n)
    stage: np.ndarray  # (..., n) int8, a Stage
    months_in_stage: np.ndarray  # (..., n) months completed in the current stage
    shock_need: np.ndarray  # (..., n) objective need added by droughts and floods, decaying
    drought_left: np.ndarray  # (..., 1) months of the current drought still to come
    meetings_held: np.ndarray  # (..., 1) meetings the key actor has held (round robin)
    months_active: np.ndarray  # (..., 1) months since cooperation (re)formed; 0 = not in force
    months_cooperating: np.ndarray  # (..., 1) months with cooperation in force, in all
    formed_month: np.ndarray  # (..., 1) month cooperation first formed, -1 if never
    highest_stage: np.ndarray  # (..., 1) the furthest stage the initiative has reached
    dissolutions: np.ndarray  # (..., 1) times cooperation dissolved
    dissolutions_after_election: np.ndarray  # (..., 1) of which within a year of an election
    funding: np.ndarray  # (..., 1) the body's running share of contributions paid
    year_performance: np.ndarray  # (..., n) performance summed since the last evaluation
    year_months: np.ndarray  # (..., n) months of membership since the last evaluation
    year_defections: np.ndarray  # (..., n) months defected since the last evaluation
    shortfalls: np.ndarray  # (..., n) consecutive evaluations with a shortfall
    barriers: np.ndarray  # (..., n, len(ATTRIBUTES)) accumulated shortfall below gate thresholds


def initial_state(p: Params, shape: tuple[int, ...] = ()) -> State:
    """Every replication starts from the scenario's starting values, in stage `none`."""
    n, r = p.n, p.regencies

    def spread(values: np.ndarray, *tail: int) -> np.ndarray:
        return np.broadcast_to(values, shape + tail).astype(float)

    def zeros(*tail: int, dtype: type = np.int32) -> np.ndarray:
        return np.zeros(shape + tail, dtype=dtype)

    return State(
        knowledge=spread(r.knowledge, n),
        need=spread(r.need, n),
        willingness=spread(r.willingness, n),
        capacity=spread(r.capacity, n),
        interest=spread(r.interest, n),
        trust=spread(r.trust, n, n),
        stage=zeros(n, dtype=np.int8),
        months_in_stage=zeros(n),
        shock_need=zeros(n, dtype=float),
        drought_left=zeros(1),
        meetings_held=zeros(1),
        months_active=zeros(1),
        months_cooperating=zeros(1),
        formed_month=np.full(shape + (1,), -1, dtype=np.int32),
        highest_stage=zeros(1, dtype=np.int8),
        dissolutions=zeros(1),
        dissolutions_after_election=zeros(1),
        funding=np.ones(shape + (1,)),
        year_performance=zeros(n, dtype=float),
        year_months=zeros(n),
        year_defections=zeros(n),
        shortfalls=zeros(n),
        barriers=zeros(n, len(ATTRIBUTES), dtype=float),
    )


class MonthDraws(Protocol):
    """The uniform draws one month consumes (layout in sim/draws.py)."""

    drought: np.ndarray  # (..., 1)
    meeting: np.ndarray  # (..., 1) the key actor's: does the fractional meeting take place
    gate: np.ndarray  # (..., n) passes the gate it faces
    contribute: np.ndarray  # (..., n) contributes or defects
    flood: np.ndarray  # (..., n)
    fiscal: np.ndarray  # (..., n)
    new_regent: np.ndarray  # (..., n) the willingness of a newly elected regent


class Shocks(NamedTuple):
    election: bool
    drought: np.ndarray  # (..., 1) a drought this month
    flood: np.ndarray  # (..., n) a flood in the regency this month


class Meetings(NamedTuple):
    attended: np.ndarray  # (..., n) meetings each regency attended this month
    together: np.ndarray  # (..., n, n) meetings each pair attended together


# --------------------------------------------------------------------------------------------
# Small formulas
# --------------------------------------------------------------------------------------------


def closes_gap(value: np.ndarray, target: np.ndarray, fraction: np.ndarray) -> np.ndarray:
    """Move `value` the given fraction of the way to `target` (stays in [0, 1] if both are):
    value + fraction (target - value), built in one new array (the hot loop of the ensemble)."""
    moved = np.subtract(target, value)
    moved *= fraction
    moved += value
    return moved


def meeting_retention(rate: float, legitimacy: np.ndarray) -> np.ndarray:
    """log(1 - rate L): the log of the share of a gap one meeting leaves open, when a meeting
    closes `rate` of it at legitimacy 1 (a closed share of 1 is kept just below 1)."""
    return np.log(1.0 - np.minimum(rate * legitimacy, 1.0 - 1e-15))


def meeting_fraction(retention: np.ndarray, meetings: np.ndarray) -> np.ndarray:
    """Share of a gap that `meetings` meetings close: 1 - (1 - rate L)^meetings."""
    closed = np.multiply(meetings, retention)
    np.exp(closed, out=closed)
    return np.subtract(1.0, closed, out=closed)


def feedback(value: np.ndarray, signal: np.ndarray) -> np.ndarray:
    """Raise towards 1 on a positive signal, lower towards 0 on a negative one (|signal| <= 1)."""
    return np.where(signal >= 0, value + signal * (1.0 - value), value + signal * value)


def pairwise(a: np.ndarray, b: np.ndarray, operation: np.ufunc) -> np.ndarray:
    """(..., n, n) operation(a_i, b_j): gathered, which numpy does far faster than broadcasting
    along the short regency axis."""
    n = a.shape[-1]
    rows, columns = np.divmod(np.arange(n * n), n)
    return operation(a[..., rows], b[..., columns]).reshape(a.shape + (n,))


def for_pairs(value: float | np.ndarray) -> float | np.ndarray:
    """A parameter that may differ from run to run, (..., 1), shaped to meet (..., n, n) arrays."""
    return value if np.ndim(value) == 0 else value[..., None]


def count_regencies(mask: np.ndarray) -> np.ndarray:
    """(..., 1) how many regencies the (..., n) mask holds (a loop over the few regencies is far
    faster in numpy than a reduction along a short last axis)."""
    return sum(mask[..., i : i + 1].astype(np.int32) for i in range(mask.shape[-1]))


def mean_trust(trust: np.ndarray) -> np.ndarray:
    """Each regency's mean trust towards the others (the diagonal is zero)."""
    n = trust.shape[-1]
    return sum(trust[..., j] for j in range(n)) / (n - 1)


def mutual_trust(trust: np.ndarray) -> np.ndarray:
    """(..., n, n) the trust two regencies share: the mean of each one's trust in the other
    (trust itself is directed: Belu may trust Malaka less than Malaka trusts Belu)."""
    return (trust + np.swapaxes(trust, -1, -2)) / 2


def attribute_values(state: State) -> tuple[np.ndarray, ...]:
    """The values the gates look at, in the order of ATTRIBUTES, each (..., n)."""
    return (
        state.knowledge,
        state.need,
        state.willingness,
        state.capacity,
        state.interest,
        mean_trust(state.trust),
    )


def gate_factor(value: np.ndarray, threshold: np.ndarray, steepness: float) -> np.ndarray:
    """One factor of a gate: sigma(beta (x - theta)), close to 1 above the threshold, 0 below."""
    factor = np.subtract(threshold, value)
    factor *= steepness
    with np.errstate(over="ignore"):
        np.exp(factor, out=factor)
    factor += 1.0
    return np.reciprocal(factor, out=factor)


def gate_probabilities(state: State, p: Params, gates: range = range(len(GATES))) -> list[np.ndarray]:
    """The monthly pass probability of each of `gates` (indices into GATES) for each regency:
    the product of the factors of the attributes that gate asks for."""
    values, g = attribute_values(state), p.gates
    thresholds = p.regencies.thresholds
    probabilities = {gate: np.ones_like(state.knowledge) for gate in gates}
    for pair, (gate, attribute) in enumerate(zip(g.gate_of_pair, g.attribute_of_pair, strict=True)):
        if gate in probabilities:
            probabilities[gate] = probabilities[gate] * gate_factor(values[attribute], thresholds[pair], g.steepness)
    return [probabilities[gate] for gate in gates]


def next_gate(stage: np.ndarray) -> np.ndarray:
    """Index into GATES of the gate a regency faces: members keep facing implementation."""
    return np.minimum(stage, len(GATES) - 1)


def facing(per_gate: list[np.ndarray], stage: np.ndarray) -> np.ndarray:
    """Pick, for each regency, the value of the gate it faces (gate g from stage g on)."""
    value = per_gate[0]
    for gate in range(1, len(GATES)):
        value = np.where(stage >= gate, per_gate[gate], value)
    return value


def binding_attribute(state: State, p: Params) -> np.ndarray:
    """(..., n) index into ATTRIBUTES of the smallest factor at the gate each regency faces."""
    values, g = attribute_values(state), p.gates
    gate_faced = next_gate(state.stage)
    smallest = np.full(state.stage.shape, np.inf)
    binding = np.zeros(state.stage.shape, dtype=np.intp)
    for pair, (gate, attribute) in enumerate(zip(g.gate_of_pair, g.attribute_of_pair, strict=True)):
        factor = gate_factor(values[attribute], p.regencies.thresholds[pair], g.steepness)
        lower = (gate_faced == gate) & (factor < smallest)
        smallest = np.where(lower, factor, smallest)
        binding = np.where(lower, attribute, binding)
    return binding


def shortfalls(state: State, p: Params) -> np.ndarray:
    """(..., n, len(ATTRIBUTES)): shortfall below the thresholds of every gate still ahead.

    The study's diagnosis in numbers: a regency that has not yet reached implementation falls
    short on each attribute by how far it is below each remaining gate's threshold. Gate g is
    still ahead of a regency in stage s exactly when s <= g.
    """
    values, g = attribute_values(state), p.gates
    ahead = [state.stage <= gate for gate in range(len(GATES))]
    by_attribute: dict[int, np.ndarray] = {}
    for pair, (gate, attribute) in enumerate(zip(g.gate_of_pair, g.attribute_of_pair, strict=True)):
        gap = np.maximum(p.regencies.thresholds[pair] - values[attribute], 0.0) * ahead[gate]
        by_attribute[attribute] = by_attribute[attribute] + gap if attribute in by_attribute else gap
    totals = np.zeros(state.stage.shape + (len(ATTRIBUTES),))
    for attribute, total in by_attribute.items():
        totals[..., attribute] = total
    return totals


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
    if funding == "by_capacity" and capacity.mean() > 0:  # with no capacity anywhere: equal shares
        return capacity / capacity.mean()
    if funding == "provincial":
        return np.full_like(capacity, 1.0 - provincial_share)
    return np.ones_like(capacity)


def effective_thresholds(base: np.ndarray, gates: GateRules, body_discount: float, burden: np.ndarray) -> np.ndarray:
    """(P, n) thresholds: a body lowers those of organising and implementation by its discount
    (lower transaction costs); each member's cost burden raises its implementation capacity threshold."""
    organising = GATES.index(Stage.ORGANISING)
    discounted = base * (1.0 - body_discount * (gates.gate_of_pair >= organising))
    paying = (gates.gate_of_pair == len(GATES) - 1) & (gates.attribute_of_pair == ATTRIBUTES.index("capacity"))
    return discounted[:, None] + paying[:, None] * burden[None, :]


def is_election(month: int, s: ShockRules) -> bool:
    return month >= s.election_first and (month - s.election_first) % s.election_interval == 0


def months_since_election(month: int, s: ShockRules) -> int | None:
    if month < s.election_first:
        return None
    return (month - s.election_first) % s.election_interval


def cooperation_active(stage: np.ndarray, p: Params) -> np.ndarray:
    """(..., 1) cooperation is in force: enough regencies are in implementation or M&E."""
    return count_regencies(stage >= IMPLEMENTATION) >= p.gates.min_members


def initiative_stage(stage: np.ndarray, p: Params) -> np.ndarray:
    """(..., 1) the stage of the initiative: the furthest stage `min_members` regencies have reached."""
    return np.sort(stage, axis=-1)[..., -p.gates.min_members, None]


def members(stage: np.ndarray, p: Params) -> np.ndarray:
    """(..., n) the regencies taking part in cooperation in force."""
    return cooperation_active(stage, p) & (stage >= IMPLEMENTATION)


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
    flood = draws.flood < p.regencies.flood_probability if in_season else np.zeros(state.stage.shape, bool)
    fiscal_cut = draws.fiscal < s.fiscal_probability
    shock_need = state.shock_need * (1.0 - p.need.shock_decay) + p.need.drought * onset + p.need.flood * flood
    state = replace(
        state,
        knowledge=knowledge,
        willingness=willingness,
        capacity=state.capacity * (1.0 - s.fiscal_cut * fiscal_cut),
        shock_need=shock_need,
        drought_left=drought_left.astype(np.int32),
    )
    return state, Shocks(election=election, drought=drought, flood=flood)


def holds_meetings(p: Params) -> bool:
    """Does the setup have a key actor who meets at all (in any run)."""
    return bool(p.institutions.key_actor and np.any(p.institutions.meetings_per_month > 0))


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
    n, slots = p.n, np.arange(int(np.ceil(np.max(p.institutions.meetings_per_month))))
    if p.institutions.strategy == "round_robin":
        first, second = np.triu_indices(n, 1)
        pair = (state.meetings_held + slots) % len(first)
        return first[pair], second[pair]
    probability = facing(gate_probabilities(state, p), state.stage)
    order = np.argsort(probability, axis=-1, kind="stable")
    weakest = np.take_along_axis(order, np.broadcast_to(slots % n, order.shape[:-1] + slots.shape), -1)
    strongest = order[..., n - 1 :]
    return weakest, np.where(strongest == weakest, order[..., n - 2 : n - 1], strongest)


def convene(state: State, p: Params, draws: MonthDraws) -> tuple[State, Meetings]:
    """The key actor holds this month's meetings: who attends, and who meets whom."""
    inst = p.institutions
    if not holds_meetings(p):
        return state, no_meetings(state)
    count = meeting_count(draws, inst.meetings_per_month)
    if inst.strategy == "forum":
        attended = np.broadcast_to(count, state.knowledge.shape).astype(float)
        together = count[..., None] * (1.0 - np.eye(p.n))
    else:
        first, second = meeting_pairs(state, p)
        held = (np.arange(first.shape[-1]) < count)[..., None]
        in_first = (np.arange(p.n) == first[..., None]) & held  # (..., K, n)
        in_second = (np.arange(p.n) == second[..., None]) & held
        attended = (in_first.sum(axis=-2) + in_second.sum(axis=-2)).astype(float)
        pairs = (in_first[..., :, :, None] & in_second[..., :, None, :]).sum(axis=-3)
        together = (pairs + np.swapaxes(pairs, -1, -2)).astype(float)
    state = replace(state, meetings_held=(state.meetings_held + count).astype(np.int32))
    return state, Meetings(attended, together)


def adapt(state: State, p: Params, meetings: Meetings) -> State:
    """Each regency's attributes and trust drift, decay and respond to this month's meetings.

    Terms that cannot act under the setup (meetings without a key actor, a manager or capacity
    support without a body) are left out: they would add exactly zero.
    """
    inst, r = p.institutions, p.regencies
    meet = holds_meetings(p)
    member = members(state.stage, p)
    in_body = member & inst.has_body

    def met(effect: str) -> np.ndarray:
        return meeting_fraction(inst.meeting_retention[effect], meetings.attended)

    knowledge = closes_gap(state.knowledge, r.knowledge, p.knowledge.decay)
    if meet:
        knowledge = closes_gap(knowledge, 1.0, met("knowledge"))
    if inst.has_body:
        knowledge = closes_gap(knowledge, 1.0, inst.manager_knowledge_gain * in_body)

    objective_need = np.clip(r.structural_need + state.shock_need, 0.0, 1.0)
    pull = closes_gap(met("need"), 1.0, p.need.pull) if meet else p.need.pull
    need = closes_gap(state.need, objective_need, pull)

    willingness = state.willingness + p.willingness.commitment * np.maximum(
        mean_trust(state.trust) - state.willingness, 0.0
    )
    if meet:
        willingness = closes_gap(willingness, 1.0, met("willingness"))

    capacity_target = r.capacity + inst.capacity_support * in_body + inst.funds * inst.key_actor
    capacity = closes_gap(state.capacity, np.minimum(capacity_target, 1.0), p.capacity.recovery)

    interest = closes_gap(state.interest, r.interest, p.interest.pull_back)
    if meet:
        interest = closes_gap(interest, 1.0, met("interest"))

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
    contact = pairwise(member, member, np.logical_and)
    if holds_meetings(p):
        contact |= meetings.together > 0
    trust = closes_gap(trust, p.regencies.trust, for_pairs(p.trust.decay) * ~contact)  # none where in contact
    if holds_meetings(p):
        gain = meeting_fraction(p.institutions.meeting_retention["trust"], meetings.together)
        trust = closes_gap(trust, 1.0, gain)
    return trust


def cooperate(state: State, p: Params, draws: MonthDraws, shocks: Shocks) -> tuple[State, np.ndarray]:
    """Members of cooperation in force contribute or defect; the programme yields; the body is paid.

    Returns the new state and the (..., n) defections of this month.
    """
    c = p.cooperation
    member = members(state.stage, p)
    if not member.any():
        return state, member
    (implementation,) = gate_probabilities(state, p, range(len(GATES) - 1, len(GATES)))
    defect_probability = c.max_defection * (1.0 - implementation) * c.defection_factor
    defects = member & (draws.contribute < defect_probability)
    contributes = member & ~defects

    member_count = count_regencies(member)
    active = member_count > 0
    share_paid = count_regencies(contributes) / np.maximum(member_count, 1)
    yield_ = np.clip(
        1.0 - c.drought_yield_loss * shocks.drought - c.flood_yield_loss * shocks.flood,
        0.0,
        1.0,
    )
    performance = share_paid * yield_

    betrayed = pairwise(member, defects, np.logical_and)
    trust = state.trust * (1.0 - for_pairs(p.trust.defection_loss) * betrayed)
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
    return replace(state, barriers=state.barriers + shortfalls(state, p))


def evaluate(state: State, p: Params) -> State:
    """Monitoring & evaluation: members compare what the programme yielded with what they expected.

    Small wins raise interest, willingness, need-awareness and trust; shortfalls lower them, and
    a member that falls short too often, or defected too often, leaves (back to `none`).
    Only the replications with a member in evaluation are touched (few, in any month).
    """
    m = p.monitoring
    runs = state.stage.reshape(-1, p.n)  # leading axes as one axis of runs
    rows = np.flatnonzero((runs == MONITORING).any(axis=-1))
    if rows.size == 0:
        return state

    def take(values: np.ndarray) -> np.ndarray:
        return values.reshape((runs.shape[0],) + values.shape[state.stage.ndim - 1 :])[rows]

    def put(values: np.ndarray, taken: np.ndarray) -> np.ndarray:
        result = values.reshape((runs.shape[0],) + values.shape[state.stage.ndim - 1 :]).copy()
        result[rows] = taken
        return result.reshape(values.shape)

    def run_parameter(value: float | np.ndarray) -> float | np.ndarray:
        """A parameter that may differ from run to run, shaped (..., 1), for the rows taken."""
        return value if np.ndim(value) == 0 else take(np.broadcast_to(value, state.stage.shape[:-1] + (1,)))

    evaluating = take(state.stage) == MONITORING
    months = np.maximum(take(state.year_months), 1)
    performance = take(state.year_performance) / months
    strength = run_parameter(m.feedback) * run_parameter(p.cooperation.benefit)
    signal = strength * (performance - run_parameter(m.expected)) * evaluating  # 0: unchanged
    towards_partners = pairwise(signal, evaluating, np.multiply)
    towards_partners *= 1.0 - np.eye(p.n)  # a regency's trust in itself stays 0

    shortfalls = take(state.shortfalls)
    shortfall = performance < run_parameter(m.shortfall_below)
    streak = np.where(evaluating, np.where(shortfall, shortfalls + 1, 0), shortfalls)
    defected = take(state.year_defections) / months > run_parameter(m.max_defection_share)
    leaves = evaluating & ((streak >= m.max_shortfalls) | defected)
    stage = np.where(evaluating, np.where(leaves, int(Stage.NONE), IMPLEMENTATION), take(state.stage))
    return replace(
        state,
        interest=put(state.interest, feedback(take(state.interest), signal)),
        willingness=put(state.willingness, feedback(take(state.willingness), signal)),
        need=put(state.need, feedback(take(state.need), signal)),
        trust=put(state.trust, feedback(take(state.trust), towards_partners)),
        stage=put(state.stage, stage),
        shortfalls=put(state.shortfalls, np.where(leaves, 0, streak)),
        year_performance=put(state.year_performance, np.where(evaluating, 0.0, take(state.year_performance))),
        year_months=put(state.year_months, np.where(evaluating, 0, take(state.year_months))),
        year_defections=put(state.year_defections, np.where(evaluating, 0, take(state.year_defections))),
    )


def decide(state: State, p: Params, draws: MonthDraws, settled: np.ndarray) -> np.ndarray:
    """(..., n) the new stages after each regency below implementation decides on its gate.

    A regency may try the gate ahead once it has spent the stage's minimum months in its stage
    (the procedure: offer, joint agreement, DPRD approval, agreement), and — beyond planning —
    only if enough partners stand at least as far along: no one signs a joint agreement alone.
    `settled` marks regencies whose stage already changed this month.
    """
    stage = state.stage
    partners = sum((stage[..., j, None] >= stage).astype(np.int32) for j in range(p.n)) - 1
    eligible = (
        (stage < IMPLEMENTATION)
        & ~settled
        & (state.months_in_stage + 1 >= p.gates.min_months[stage])  # this month counts
        & ((stage == int(Stage.NONE)) | (partners >= p.gates.min_members - 1))
    )
    return (stage + passes_gate(state, p, draws.gate, eligible)).astype(np.int8)


def passes_gate(state: State, p: Params, uniform: np.ndarray, trying: np.ndarray) -> np.ndarray:
    """(..., n) the regencies in `trying` whose draw falls below the probability of the gate
    they face. Only those factors are computed: most regencies in most runs are not trying."""
    values, g = attribute_values(state), p.gates
    passes = np.zeros(trying.size, dtype=bool)
    for gate in range(len(GATES)):
        where = np.flatnonzero(trying & (next_gate(state.stage) == gate))
        if where.size == 0:
            continue
        probability = np.ones(where.size)
        for pair in np.flatnonzero(g.gate_of_pair == gate):
            value = gather(values[g.attribute_of_pair[pair]], trying.shape, where)
            threshold = gather(p.regencies.thresholds[pair], trying.shape, where)
            probability *= gate_factor(value, threshold, gather(g.steepness, trying.shape, where))
        passes[where] = gather(uniform, trying.shape, where) < probability
    return passes.reshape(trying.shape)


def gather(value: float | np.ndarray, shape: tuple[int, ...], where: np.ndarray) -> float | np.ndarray:
    """The entries of `value`, spread over `shape`, at the flat positions `where` (a scalar stays)."""
    return value if np.ndim(value) == 0 else np.broadcast_to(value, shape).reshape(-1)[where]


def advance(state: State, p: Params, draws: MonthDraws, month: int) -> State:
    """The grand design moves: evaluation, gate decisions, formation, dissolution, M&E timing."""
    was_active = state.months_active > 0
    before = state.stage
    state = evaluate(state, p)
    stage = decide(state, p, draws, settled=state.stage != before)

    active = cooperation_active(stage, p)
    collapsed = active & p.institutions.has_body & (state.funding < p.institutions.min_funding) & was_active
    dissolved = (was_active & ~active) | collapsed
    stage = np.where(dissolved & (stage >= IMPLEMENTATION), int(Stage.PLANNING), stage)
    active = active & ~dissolved

    months_active = np.where(active, state.months_active + 1, 0)
    due = active & (months_active % p.monitoring.interval == 0)
    stage = np.where(due & (stage == IMPLEMENTATION) & (before == IMPLEMENTATION), MONITORING, stage)

    since = months_since_election(month, p.shocks)
    after_election = since is not None and since < p.shocks.election_aftermath
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
        shortfalls=np.where(dissolved, 0, state.shortfalls).astype(np.int32),
        year_performance=np.where(dissolved, 0.0, state.year_performance),
        year_months=np.where(dissolved, 0, state.year_months).astype(np.int32),
        year_defections=np.where(dissolved, 0, state.year_defections).astype(np.int32),
    )
