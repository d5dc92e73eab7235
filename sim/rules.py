"""The rulebook: every behavioural rule of Kerjasama, as pure functions on numpy arrays.

Both drivers call these functions — the Mesa model (`sim/model.py`) with one run's arrays of shape
`(n_regencies,)`, the ensemble with `(replications, n_regencies)`. Every function accepts any
leading shape `...`: regencies are always the last axis (trust is `(..., n, n)`, row i = what
regency i thinks of the others). Nothing here reads files, draws random numbers or imports Mesa:
randomness comes in as uniform draws (`sim/draws.py`), numbers come in as `Params`
(`sim/params.py`), so the same draws and the same parameters give the same trajectory in both
drivers.

The model in one breath: each regency weighs cooperation by its own expected net benefit (the
programme's value to it, from its need and interest, minus its cost share and the transaction
costs the setup leaves it); conveners — the key actor, a regional manager — move the attributes
that value is made of, each through its own channels; a regency's regent goes ahead on a gate of
the grand design when the conditions meet his disposition (drawn when he takes office), and
steps back or leaves when he re-decides and they no longer do; members pay, or defect in a bad
month; monitoring & evaluation compares what the programme yielded with what was expected, and
members learn from it.

`docs/theory.md` maps each rule to the finding of the study or the literature it encodes;
`docs/odd.md` describes the schedule within a month.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple, Protocol

import numpy as np

from sim.stages import ATTRIBUTES, CONDITIONS, GATES, Stage

PLANNING = int(Stage.PLANNING)
ORGANISING = int(Stage.ORGANISING)
IMPLEMENTATION = int(Stage.IMPLEMENTATION)
MONITORING = int(Stage.MONITORING)
NEED, CAPACITY, INTEREST, TRUST = (ATTRIBUTES.index(a) for a in ("need", "capacity", "interest", "trust"))
NET_BENEFIT = CONDITIONS.index("net_benefit")
MEETING_EFFECTS = ("knowledge", "need", "willingness", "interest")  # and trust, between those who meet


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
    pull_back: float  # monthly pull back to the starting value without dialogue or small wins
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
    decay: float  # monthly pull back to the trust baseline without contact
    defection_loss: float  # share of trust towards a partner lost when it defects or walks out


@dataclass(frozen=True)
class GateRules:
    steepness: float  # beta of every logistic factor
    gate_of_pair: np.ndarray  # (P,) index into GATES of each (gate, condition) pair
    condition_of_pair: np.ndarray  # (P,) index into CONDITIONS
    min_months: np.ndarray  # (len(Stage),) months a regency stays in a stage at least; (R, len(Stage)) per run
    min_members: int  # regencies needed in implementation for cooperation to exist


@dataclass(frozen=True)
class Economy:
    """Institutional collective action (Feiock): what cooperation is worth to a regency and what
    it costs, in capacity units a month. Each regency's cost share is `RegencyParams.cost`."""

    benefit: float  # the programme's monthly value to a member fully exposed to what it addresses
    expected: float  # share of the nominal yield a regency expects before it has seen results
    drought_yield_loss: float  # share of the programme's yield lost in a drought month
    flood_yield_loss: float  # share lost in a month with a flood in the member's regency
    coordination: float  # transaction cost of coordinating (finding partners, drafting, procedure)
    division: float  # transaction cost of agreeing on the division of costs, until a body does it
    defection_risk: float  # expected loss from partners' defection at zero trust
    deterrence: float  # share of that risk that adat sanctions deter (0 without)
    sanction: float  # what defecting costs a member under adat sanctions (0 without)


@dataclass(frozen=True)
class MonitoringRules:
    interval: int  # months of implementation between two evaluations
    feedback: float  # small wins: how strongly the surprise of results feeds back into attributes
    learning: float  # share of the gap between expected and realised performance an evaluation closes
    max_defection_share: float  # share of months defected after which a member is expelled


@dataclass(frozen=True)
class ShockRules:
    election_first: int  # month of the first simultaneous regional election (1-based)
    election_interval: int  # months between elections
    election_aftermath: int  # months after an election in which a dissolution counts as caused by it
    drought_onset: float  # monthly probability that a drought starts
    drought_duration: int | np.ndarray  # months a drought lasts; (R, 1) per run
    fiscal_probability: float  # monthly probability of a fiscal cut, per regency
    fiscal_cut: float  # share of capacity lost in a fiscal cut
    flood_season: np.ndarray  # (12,) bool, by calendar month (0 = January)
    start_month: int  # calendar month of month 1 (0 = January)


@dataclass(frozen=True)
class Convener:
    """Someone who brings the regencies together: the key actor, or the regional manager."""

    active: bool  # present under this setup
    meetings_per_month: float
    strategy: str  # forum | weakest_first | round_robin
    legitimacy: np.ndarray  # (n,) the legitimacy each regency grants it (adat endorsement included)
    # log of the share of a gap one meeting leaves open, per effect (MEETING_EFFECTS: (n,);
    # trust: (n, n), from the pair's legitimacy sqrt(L_i L_j))
    meeting_retention: dict[str, np.ndarray]


@dataclass(frozen=True)
class Institutions:
    """The setup, resolved: who convenes, which manager and body, which local wisdom (sim/params.py)."""

    key_actor: Convener
    manager: Convener  # the regional manager's brokering, from month 1 under a setup with a body
    funds: float  # capacity the key actor adds to every regency in the initiative
    has_body: bool  # a cooperation body is founded once the initiative reaches organising
    capacity_support: float  # capacity the body's secretariat adds to the regencies in it
    manager_knowledge_gain: float  # monthly share of the knowledge gap the manager's assistance closes
    min_funding: float  # the body collapses when its funding share falls below this
    funding_memory: float  # monthly weight of the newest contributions in the funding share
    regulation: bool  # a Perda: commitments from organising on hold across a change of regent


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
    trust: np.ndarray  # (n, n), zero diagonal: trust at the start
    trust_baseline: np.ndarray  # (n, n): where trust between regencies under way drifts back to
    # (the start, raised where adat leaders endorse the initiative)
    structural_need: np.ndarray  # objective need from exposure to what the programme addresses
    flood_probability: np.ndarray  # probability of a flood in a month of the flood season
    cost: np.ndarray  # monthly cost of membership (its share of programme and manager)
    thresholds: np.ndarray  # (P, n) threshold of each (gate, condition) pair per regency


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
    economy: Economy
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
    disposition: np.ndarray  # (..., n) the regent's: goes ahead on a gate whose probability exceeds it
    expected_performance: np.ndarray  # (..., n) share of the nominal yield the regency expects
    shock_need: np.ndarray  # (..., n) objective need added by droughts and floods, decaying
    drought_left: np.ndarray  # (..., 1) months of the current drought still to come
    meetings_held: np.ndarray  # (..., 1) meetings the key actor has held (round robin)
    months_active: np.ndarray  # (..., 1) months since cooperation (re)formed; 0 = not in force
    months_cooperating: np.ndarray  # (..., 1) months with cooperation in force, in all
    formed_month: np.ndarray  # (..., 1) month cooperation first formed, -1 if never
    highest_stage: np.ndarray  # (..., 1) the furthest stage the initiative has reached
    dissolutions: np.ndarray  # (..., 1) times cooperation dissolved
    dissolutions_after_election: np.ndarray  # (..., 1) of which within `election_aftermath` months of one
    funding: np.ndarray  # (..., 1) the body's running share of contributions paid
    year_realised: np.ndarray  # (..., n) value the programme yielded since the last evaluation
    year_expected: np.ndarray  # (..., n) value expected over the same months
    year_performance: np.ndarray  # (..., n) performance (share paid x yield) over the same months
    year_months: np.ndarray  # (..., n) months of membership since the last evaluation
    year_defections: np.ndarray  # (..., n) months defected since the last evaluation
    months_member: np.ndarray  # (..., n) months as a member of cooperation in force, in all
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
        disposition=np.ones(shape + (n,)),  # no regent yet: the first takes office in month 1
        expected_performance=spread(p.economy.expected, n),
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
        year_realised=zeros(n, dtype=float),
        year_expected=zeros(n, dtype=float),
        year_performance=zeros(n, dtype=float),
        year_months=zeros(n),
        year_defections=zeros(n),
        months_member=zeros(n),
        barriers=zeros(n, len(ATTRIBUTES), dtype=float),
    )


class MonthDraws(Protocol):
    """The uniform draws one month consumes (layout in sim/draws.py)."""

    drought: np.ndarray  # (..., 1)
    meeting: np.ndarray  # (..., 1) the key actor's: does the fractional meeting take place
    brokering: np.ndarray  # (..., 1) the regional manager's fractional meeting
    disposition: np.ndarray  # (..., n) the disposition of a regent taking office
    contribute: np.ndarray  # (..., n) pays or defects in a bad month
    flood: np.ndarray  # (..., n)
    fiscal: np.ndarray  # (..., n)
    new_regent: np.ndarray  # (..., n) the willingness of a newly elected regent


class Shocks(NamedTuple):
    election: bool
    drought: np.ndarray  # (..., 1) a drought this month
    flood: np.ndarray  # (..., n) a flood in the regency this month
    fiscal: np.ndarray  # (..., n) a fiscal cut in the regency this month


class Meetings(NamedTuple):
    attended: np.ndarray  # (..., n) the key actor's meetings each regency attended this month
    together: np.ndarray  # (..., n, n) meetings of any convener each pair attended together
    # per effect, the log of the share of each gap this month's meetings leave open:
    # MEETING_EFFECTS (..., n) and "trust" (..., n, n); None when no one met
    open: dict[str, np.ndarray] | None


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


def meeting_fraction(open_log: np.ndarray) -> np.ndarray:
    """Share of a gap that meetings close, from the log of the share they leave open:
    1 - prod (1 - rate L)^meetings over the month's meetings and conveners."""
    closed = np.exp(open_log)
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
    """The attributes, in the order of ATTRIBUTES, each (..., n)."""
    return (
        state.knowledge,
        state.need,
        state.willingness,
        state.capacity,
        state.interest,
        mean_trust(state.trust),
    )


# --------------------------------------------------------------------------------------------
# Institutional collective action: value, costs, net benefit
# --------------------------------------------------------------------------------------------


def expected_value(state: State, p: Params) -> np.ndarray:
    """(..., n) the monthly value a regency expects from the programme: its benefit, weighted by
    the regency's perceived need (pulled towards its exposure) and by the interest it gives
    cooperation against its own flagship programmes, at the performance it expects."""
    return p.economy.benefit * state.expected_performance * state.need * state.interest


def body_in_place(stage: np.ndarray, p: Params) -> np.ndarray:
    """(..., 1) a cooperation body exists: the setup has one and the initiative has reached
    organising (board, secretariat and contributions are set up there)."""
    if not p.institutions.has_body:
        return np.zeros(stage.shape[:-1] + (1,), dtype=bool)
    return count_regencies(stage >= ORGANISING) >= p.gates.min_members  # initiative_stage, without a sort


def defection_risk(trust: np.ndarray, p: Params) -> np.ndarray:
    """(..., n) the loss a regency expects from partners' defection: less the more it trusts
    them, and less where adat sanctions make defecting costly for everyone."""
    e = p.economy
    return e.defection_risk * (1.0 - e.deterrence) * (1.0 - trust)


def transaction_costs(state: State, p: Params, trust: np.ndarray | None = None) -> np.ndarray:
    """(..., n) Feiock's three risks as monthly costs: coordinating (lowered by the manager's
    drafting, in `Economy.coordination`), dividing the costs (until a body fixes the
    contributions), and partners' defection. The first two are the costs of reaching an
    agreement: a member has paid them (they are sunk), and weighs only the defection risk of
    staying in."""
    e = p.economy
    trust = mean_trust(state.trust) if trust is None else trust
    agreeing = (e.coordination + e.division * ~body_in_place(state.stage, p)) * (state.stage < IMPLEMENTATION)
    return agreeing + defection_risk(trust, p)


def net_benefit(state: State, p: Params, trust: np.ndarray | None = None) -> np.ndarray:
    """(..., n) expected net benefit of cooperating: value - cost share - transaction costs."""
    return expected_value(state, p) - p.regencies.cost - transaction_costs(state, p, trust)


def condition_values(state: State, p: Params) -> tuple[np.ndarray, ...]:
    """What the gates look at, in the order of CONDITIONS, each (..., n)."""
    values = attribute_values(state)
    return (*values, net_benefit(state, p, values[TRUST]))


def net_benefit_shares(state: State, p: Params, trust: np.ndarray) -> np.ndarray:
    """(..., n, 3) how a shortfall of net benefit divides among need, interest and trust: each
    one's part of what the regency lacks from its best case. The value's lack, b E (1 - N I),
    splits between need and interest as their Shapley values, (1 - N)(1 + I)/2 and
    (1 - I)(1 + N)/2; trust's part is the defection risk it leaves. Costs and the other
    transaction costs are the setup's, not a regency's attribute."""
    scale = p.economy.benefit * state.expected_performance / 2
    need = scale * (1.0 - state.need) * (1.0 + state.interest)
    interest = scale * (1.0 - state.interest) * (1.0 + state.need)
    risk = np.broadcast_to(defection_risk(trust, p), need.shape)
    parts = np.stack((need, interest, risk), axis=-1)
    total = need + interest + risk
    return np.divide(parts, total[..., None], out=np.zeros_like(parts), where=total[..., None] > 0)


# --------------------------------------------------------------------------------------------
# Gates
# --------------------------------------------------------------------------------------------


def gate_factor(value: np.ndarray, threshold: np.ndarray, steepness: float) -> np.ndarray:
    """One factor of a gate: sigma(beta (x - theta)), close to 1 above the threshold, 0 below."""
    factor = np.subtract(threshold, value)
    factor *= steepness
    with np.errstate(over="ignore"):
        np.exp(factor, out=factor)
    factor += 1.0
    return np.reciprocal(factor, out=factor)


def gate_probability(values: tuple[np.ndarray, ...], p: Params, gate: int) -> np.ndarray:
    """The monthly pass probability of one gate (an index into GATES) for each regency: the
    product of the factors of the conditions it asks for, from `condition_values`."""
    g = p.gates
    probability = np.ones_like(values[0])
    for pair in np.flatnonzero(g.gate_of_pair == gate):
        value = values[g.condition_of_pair[pair]]
        probability = probability * gate_factor(value, p.regencies.thresholds[pair], g.steepness)
    return probability


def gate_probabilities(state: State, p: Params, gates: range = range(len(GATES))) -> list[np.ndarray]:
    """The monthly pass probability of each of `gates` (indices into GATES) for each regency."""
    values = condition_values(state, p)
    return [gate_probability(values, p, gate) for gate in gates]


def next_gate(stage: np.ndarray) -> np.ndarray:
    """Index into GATES of the gate a regency faces: members keep facing implementation."""
    return np.minimum(stage, len(GATES) - 1)


def last_gate(stage: np.ndarray) -> np.ndarray:
    """Index into GATES of the gate a regency passed to stand where it stands (-1 for none):
    what it re-decides when it reconsiders. Members re-decide implementation."""
    return np.minimum(stage, len(GATES)) - 1


def facing(per_gate: list[np.ndarray], stage: np.ndarray) -> np.ndarray:
    """Pick, for each regency, the value of the gate it faces (gate g from stage g on)."""
    value = per_gate[0]
    for gate in range(1, len(GATES)):
        value = np.where(stage >= gate, per_gate[gate], value)
    return value


def binding_attribute(state: State, p: Params) -> np.ndarray:
    """(..., n) index into ATTRIBUTES of what binds at the gate each regency faces: the condition
    with the smallest factor, and for net benefit the attribute with the largest share of it."""
    values, g = condition_values(state, p), p.gates
    gate_faced = next_gate(state.stage)
    smallest = np.full(state.stage.shape, np.inf)
    binding = np.zeros(state.stage.shape, dtype=np.intp)
    shares = net_benefit_shares(state, p, values[TRUST])
    of_net = np.array([NEED, INTEREST, TRUST])[np.argmax(shares, axis=-1)]
    for pair, (gate, condition) in enumerate(zip(g.gate_of_pair, g.condition_of_pair, strict=True)):
        factor = gate_factor(values[condition], p.regencies.thresholds[pair], g.steepness)
        lower = (gate_faced == gate) & (factor < smallest)
        smallest = np.where(lower, factor, smallest)
        binding = np.where(lower, of_net if condition == NET_BENEFIT else condition, binding)
    return binding


def shortfalls(state: State, p: Params) -> np.ndarray:
    """(..., n, len(ATTRIBUTES)): how far each attribute falls short of what the path ahead asks.

    The study's diagnosis in numbers: for a regency that has not yet reached implementation,
    each condition counts by its largest shortfall below the thresholds of the gates still ahead
    (once, however many gates ask for it); a shortfall of net benefit counts for need, interest
    and trust by their shares (`net_benefit_shares`). Gate g is still ahead of a regency in
    stage s exactly when s <= g.
    """
    values, g = condition_values(state, p), p.gates
    largest: dict[int, np.ndarray] = {}
    for pair, (gate, condition) in enumerate(zip(g.gate_of_pair, g.condition_of_pair, strict=True)):
        gap = np.maximum(p.regencies.thresholds[pair] - values[condition], 0.0) * (state.stage <= gate)
        largest[condition] = np.maximum(largest[condition], gap) if condition in largest else gap
    totals = np.zeros(state.stage.shape + (len(ATTRIBUTES),))
    for condition, gap in largest.items():
        if condition != NET_BENEFIT:
            totals[..., condition] += gap
        elif gap.any():  # the shares only where net benefit falls short somewhere
            shares = net_benefit_shares(state, p, values[TRUST])
            for k, attribute in enumerate((NEED, INTEREST, TRUST)):
                totals[..., attribute] += gap * shares[..., k]
    return totals


def passes(
    state: State,
    p: Params,
    trying: np.ndarray,
    gate_of: np.ndarray,
    values: tuple[np.ndarray, ...] | None = None,
) -> np.ndarray:
    """(..., n) the regencies in `trying` whose regent's disposition lies below the probability
    of the gate `gate_of` names for them. Only those factors are computed: most regencies in
    most runs are not trying."""
    values = condition_values(state, p) if values is None else values
    g = p.gates
    result = np.zeros(trying.size, dtype=bool)
    for gate in range(len(GATES)):
        where = np.flatnonzero(trying & (gate_of == gate))
        if where.size == 0:
            continue
        probability = np.ones(where.size)
        for pair in np.flatnonzero(g.gate_of_pair == gate):
            value = gather(values[g.condition_of_pair[pair]], trying.shape, where)
            threshold = gather(p.regencies.thresholds[pair], trying.shape, where)
            probability *= gate_factor(value, threshold, gather(g.steepness, trying.shape, where))
        result[where] = gather(state.disposition, trying.shape, where) < probability
    return result.reshape(trying.shape)


def gather(value: float | np.ndarray, shape: tuple[int, ...], where: np.ndarray) -> float | np.ndarray:
    """The entries of `value`, spread over `shape`, at the flat positions `where` (a scalar stays)."""
    return value if np.ndim(value) == 0 else np.broadcast_to(value, shape).reshape(-1)[where]


# --------------------------------------------------------------------------------------------
# Setup resolution (called once by sim/params.py)
# --------------------------------------------------------------------------------------------


def monthly(yearly_probability: float, months: int = 12) -> float:
    """The monthly probability that gives `yearly_probability` over `months` months."""
    return 1.0 - (1.0 - yearly_probability) ** (1.0 / months)


# What a key figure's meetings do, and what a regional manager's do: a manager without local
# roots brokers deals and spreads knowledge, but does not persuade regents or make them feel
# their interdependence — that takes the key figures (Fkun 2023, finding 3).
KEY_FIGURE_EFFECTS = (*MEETING_EFFECTS, "trust")
MANAGER_EFFECTS = ("knowledge", "interest", "trust")


def convener(
    active: bool,
    meetings_per_month: float,
    strategy: str,
    legitimacy: np.ndarray,
    rates: dict[str, float],
    effects: tuple[str, ...],
) -> Convener:
    """A convener whose meetings close, at legitimacy 1, `rates[effect]` of each gap of those who
    attend, for the `effects` it has (none for the others); trust between two who meet grows
    with the legitimacy both grant it, sqrt(L_i L_j)."""
    retention = {
        effect: meeting_retention(rates[effect] if effect in effects else 0.0, legitimacy) for effect in MEETING_EFFECTS
    }
    trust = rates["trust"] if "trust" in effects else 0.0
    retention["trust"] = meeting_retention(trust, np.sqrt(np.outer(legitimacy, legitimacy)))
    return Convener(active, float(meetings_per_month), strategy, legitimacy, retention)


def drafted(coordination: float, drafting: float) -> float:
    """The coordination cost a regency bears when a manager drafts `drafting` of the work."""
    return coordination * (1.0 - drafting)


def endorsed(value: np.ndarray, bonus: float) -> np.ndarray:
    """Adat endorsement closes a share of the gap between a value and 1: the legitimacy of a
    convener the adat leaders stand beside, or the trust regencies return to."""
    return value + bonus * (1.0 - value)


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


def resolve_min_members(min_members: int | str, n: int) -> int:
    """Regencies in implementation for cooperation to exist: a number, "all", or "majority"
    (more than half, at least two), which keeps formation comparable across scenario sizes."""
    if min_members == "all":
        return n
    if min_members == "majority":
        return max(2, n // 2 + 1)
    return int(min_members)


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
    """Elections (a new regent, with his own willingness and disposition), drought, floods and
    fiscal cuts push the regencies around."""
    s = p.shocks
    knowledge, willingness, disposition = state.knowledge, state.willingness, state.disposition
    election = is_election(month, s)
    if election or month == 1:  # a regent takes office: how readily he goes ahead is his own
        disposition = np.broadcast_to(draws.disposition, state.disposition.shape).copy()
    if election:
        knowledge = knowledge * (1.0 - p.knowledge.election_loss)
        new_regent = np.clip(
            p.regencies.willingness + p.willingness.election_spread * (2.0 * draws.new_regent - 1.0),
            0.0,
            1.0,
        )
        willingness = closes_gap(willingness, new_regent, p.willingness.election_reset)

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
        disposition=disposition,
        capacity=state.capacity * (1.0 - s.fiscal_cut * fiscal_cut),
        shock_need=shock_need,
        drought_left=drought_left.astype(np.int32),
    )
    return state, Shocks(election=election, drought=drought, flood=flood, fiscal=fiscal_cut)


def meets(convener: Convener) -> bool:
    """Does the convener meet at all (in any run)."""
    return bool(convener.active and np.any(convener.meetings_per_month > 0))


def holds_meetings(p: Params) -> bool:
    """Does anyone convene under the setup."""
    return meets(p.institutions.key_actor) or meets(p.institutions.manager)


def no_meetings(state: State) -> Meetings:
    return Meetings(np.zeros(state.knowledge.shape), np.zeros(state.trust.shape), None)


def meeting_count(draw: np.ndarray, meetings_per_month: float) -> np.ndarray:
    """Whole meetings always happen; a fractional one happens with its fraction as probability."""
    whole = np.floor(meetings_per_month)
    return (whole + (draw < meetings_per_month - whole)).astype(np.int32)


def meeting_pairs(state: State, p: Params, convener: Convener) -> tuple[np.ndarray, np.ndarray]:
    """(..., K): the two regencies brought together in each of the month's K possible meetings.

    `round_robin` goes through every pair in turn; `weakest_first` brings the regencies least
    likely to pass their gates, one by one, together with the one most likely to (brokering).
    """
    n, slots = p.n, np.arange(int(np.ceil(np.max(convener.meetings_per_month))))
    if convener.strategy == "round_robin":
        first, second = np.triu_indices(n, 1)
        pair = (state.meetings_held + slots) % len(first)
        return first[pair], second[pair]
    probability = facing(gate_probabilities(state, p), state.stage)
    order = np.argsort(probability, axis=-1, kind="stable")
    weakest = np.take_along_axis(order, np.broadcast_to(slots % n, order.shape[:-1] + slots.shape), -1)
    strongest = order[..., n - 1 :]
    return weakest, np.where(strongest == weakest, order[..., n - 2 : n - 1], strongest)


def attendance(state: State, p: Params, convener: Convener, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(..., n) meetings each regency attends and (..., n, n) meetings each pair attends together."""
    if convener.strategy == "forum":
        attended = np.broadcast_to(count, state.knowledge.shape).astype(float)
        return attended, count[..., None] * (1.0 - np.eye(p.n))
    first, second = meeting_pairs(state, p, convener)
    held = (np.arange(first.shape[-1]) < count)[..., None]
    in_first = (np.arange(p.n) == first[..., None]) & held  # (..., K, n)
    in_second = (np.arange(p.n) == second[..., None]) & held
    attended = (in_first.sum(axis=-2) + in_second.sum(axis=-2)).astype(float)
    pairs = (in_first[..., :, :, None] & in_second[..., :, None, :]).sum(axis=-3)
    return attended, (pairs + np.swapaxes(pairs, -1, -2)).astype(float)


def convene(state: State, p: Params, draws: MonthDraws) -> tuple[State, Meetings]:
    """The month's meetings: the key actor's (as its strategy says) and the regional manager's
    brokering (a forum of the regencies). Each meeting closes a share of the gaps of those who
    attend, scaled by the legitimacy each grants its convener (`Meetings.open`)."""
    inst = p.institutions
    if not holds_meetings(p):
        return state, no_meetings(state)
    key_attended = np.zeros(state.knowledge.shape)
    together = np.zeros(state.trust.shape)
    open_log: dict[str, np.ndarray] = {}
    for convener, draw in ((inst.key_actor, draws.meeting), (inst.manager, draws.brokering)):
        if not meets(convener):
            continue
        count = meeting_count(draw, convener.meetings_per_month)
        attended, pair_meetings = attendance(state, p, convener, count)
        for effect in MEETING_EFFECTS:
            part = attended * convener.meeting_retention[effect]
            open_log[effect] = open_log[effect] + part if effect in open_log else part
        part = pair_meetings * convener.meeting_retention["trust"]
        open_log["trust"] = open_log["trust"] + part if "trust" in open_log else part
        together = together + pair_meetings
        if convener is inst.key_actor:
            key_attended = attended
            state = replace(state, meetings_held=(state.meetings_held + count).astype(np.int32))
    return state, Meetings(key_attended, together, open_log)


def adapt(state: State, p: Params, meetings: Meetings) -> State:
    """Each regency's attributes and trust drift, decay and respond to this month's meetings.

    Terms that cannot act under the setup (meetings when no one convenes, the manager's
    assistance or the body's support without them) are left out: they would add exactly zero.
    """
    inst, r = p.institutions, p.regencies
    met = meetings.open is not None

    def gain(effect: str) -> np.ndarray:
        return meeting_fraction(meetings.open[effect])

    knowledge = closes_gap(state.knowledge, r.knowledge, p.knowledge.decay)
    if met:
        knowledge = closes_gap(knowledge, 1.0, gain("knowledge"))
    if inst.manager.active:
        knowledge = closes_gap(knowledge, 1.0, inst.manager_knowledge_gain)

    objective_need = np.clip(r.structural_need + state.shock_need, 0.0, 1.0)
    pull = closes_gap(gain("need"), 1.0, p.need.pull) if met else p.need.pull
    need = closes_gap(state.need, objective_need, pull)

    willingness = closes_gap(state.willingness, r.willingness, p.willingness.pull_back)
    willingness += p.willingness.commitment * np.maximum(mean_trust(state.trust) - state.willingness, 0.0)
    if met:
        willingness = closes_gap(willingness, 1.0, gain("willingness"))

    capacity_target = r.capacity  # what paying takes from it is charged when it pays (`cooperate`)
    if inst.has_body:
        in_body = body_in_place(state.stage, p) & (state.stage >= ORGANISING)
        capacity_target = capacity_target + inst.capacity_support * in_body
    if inst.key_actor.active:
        capacity_target = capacity_target + inst.funds * (state.stage >= PLANNING)
    capacity = closes_gap(state.capacity, np.clip(capacity_target, 0.0, 1.0), p.capacity.recovery)

    interest = closes_gap(state.interest, r.interest, p.interest.pull_back)
    if met:
        interest = closes_gap(interest, 1.0, gain("interest"))

    return replace(
        state,
        knowledge=knowledge,
        need=need,
        willingness=willingness,
        capacity=capacity,
        interest=interest,
        trust=adapt_trust(state, p, meetings),
    )


def adapt_trust(state: State, p: Params, meetings: Meetings) -> np.ndarray:
    """Shared meetings build trust; without contact it drifts back to its baseline: where it
    started, or, between two regencies under way in an initiative adat leaders endorse, higher."""
    r = p.regencies
    member = members(state.stage, p)
    contact = pairwise(member, member, np.logical_and)
    if meetings.open is not None:
        contact |= meetings.together > 0
    under_way = state.stage >= PLANNING
    baseline = closes_gap(r.trust, r.trust_baseline, pairwise(under_way, under_way, np.logical_and))
    trust = closes_gap(state.trust, baseline, for_pairs(p.trust.decay) * ~contact)
    if meetings.open is not None:
        trust = closes_gap(trust, 1.0, meeting_fraction(meetings.open["trust"]))
    return trust


def cooperate(state: State, p: Params, draws: MonthDraws, shocks: Shocks) -> tuple[State, np.ndarray]:
    """Members of cooperation in force pay their share, or defect in a bad month; the programme
    yields; the body is paid.

    In a month of drought, flood or fiscal cut, a member re-weighs paying: it pays with the
    probability of its implementation gate, judged on what this month's yield is worth, and on
    what defecting would cost it under adat sanctions. Paying takes its cost share from its
    capacity, defecting under sanctions the sanction (monthly flows taken from the capacity stock
    at the rate it recovers, so that a cost paid every month lowers capacity by that cost for
    good). Returns the new state and the (..., n) defections of this month.
    """
    e = p.economy
    member = members(state.stage, p)
    if not member.any():
        return state, member
    yield_ = np.clip(1.0 - e.drought_yield_loss * shocks.drought - e.flood_yield_loss * shocks.flood, 0.0, 1.0)
    values = condition_values(state, p)
    value = expected_value(state, p)
    worth_paying = values[NET_BENEFIT] - value * (1.0 - yield_) + e.sanction
    pay = gate_probability((*values[:NET_BENEFIT], worth_paying), p, len(GATES) - 1)
    bad = shocks.drought | shocks.flood | shocks.fiscal
    defects = member & bad & (draws.contribute >= pay)
    contributes = member & ~defects

    member_count = count_regencies(member)
    share_paid = count_regencies(contributes) / np.maximum(member_count, 1)
    performance = share_paid * yield_
    objective_need = np.clip(p.regencies.structural_need + state.shock_need, 0.0, 1.0)
    realised = e.benefit * objective_need * state.interest * performance
    charged = p.regencies.cost * contributes + e.sanction * defects
    capacity = np.maximum(state.capacity - p.capacity.recovery * charged, 0.0)

    betrayed = pairwise(member, defects, np.logical_and)
    trust = state.trust * (1.0 - for_pairs(p.trust.defection_loss) * betrayed)
    funding = np.where(
        (member_count > 0) & p.institutions.has_body,
        closes_gap(state.funding, share_paid, p.institutions.funding_memory),
        state.funding,
    )
    state = replace(
        state,
        capacity=capacity,
        trust=trust,
        funding=funding,
        year_realised=state.year_realised + realised * member,
        year_expected=state.year_expected + value * member,
        year_performance=state.year_performance + performance * member,
        year_months=(state.year_months + member).astype(np.int32),
        year_defections=(state.year_defections + defects).astype(np.int32),
    )
    return state, defects


def face_barriers(state: State, p: Params) -> State:
    """Add this month's shortfalls of every regency not yet cooperating to its barrier totals."""
    return replace(state, barriers=state.barriers + shortfalls(state, p))


class Rows:
    """The runs (rows of the leading axes) a rule concerns, taken out and put back, so that a rule
    for the few runs it touches costs what those runs cost."""

    def __init__(self, stage: np.ndarray, selected: np.ndarray):
        self.lead, self.runs = stage.shape[:-1], int(np.prod(stage.shape[:-1], dtype=np.int64))
        self.index = np.flatnonzero(selected.reshape(self.runs))

    def take(self, values: np.ndarray) -> np.ndarray:
        return values.reshape((self.runs,) + values.shape[len(self.lead) :])[self.index]

    def put(self, values: np.ndarray, taken: np.ndarray) -> np.ndarray:
        result = values.reshape((self.runs,) + values.shape[len(self.lead) :]).copy()
        result[self.index] = taken
        return result.reshape(values.shape)

    def parameter(self, value: float | np.ndarray) -> float | np.ndarray:
        """A parameter that may differ from run to run, shaped (..., 1), for the rows taken."""
        return value if np.ndim(value) == 0 else self.take(np.broadcast_to(value, self.lead + (1,)))


def evaluate(state: State, p: Params) -> tuple[State, np.ndarray]:
    """Monitoring & evaluation: members compare what the programme yielded with what they expected.

    The surprise, (realised - expected value) / expected value, feeds back into interest,
    willingness, need-awareness and trust (small wins, or disappointment); each member's expected
    performance moves towards the performance it saw (it learns what to expect); a member that
    defected too often is expelled (back to planning). Returns the state and the (..., n)
    members evaluated and not expelled, who then re-decide whether it pays (`reconsider`). Only
    the replications with a member in evaluation are touched (few, in any month).
    """
    nobody = np.zeros(state.stage.shape, dtype=bool)
    in_evaluation = state.stage == MONITORING
    if not in_evaluation.any():
        return state, nobody
    rows, m = Rows(state.stage, in_evaluation.any(axis=-1)), p.monitoring
    take, put = rows.take, rows.put
    evaluating = take(in_evaluation)
    expected, realised = take(state.year_expected), take(state.year_realised)
    surprise = np.divide(realised - expected, expected, out=np.zeros_like(expected), where=expected > 0)
    signal = rows.parameter(m.feedback) * np.clip(surprise, -1.0, 1.0) * evaluating  # 0: unchanged
    towards_partners = pairwise(signal, evaluating, np.multiply)
    towards_partners *= 1.0 - np.eye(p.n)  # a regency's trust in itself stays 0

    months = np.maximum(take(state.year_months), 1)
    seen = take(state.year_performance) / months
    learned = closes_gap(take(state.expected_performance), seen, rows.parameter(m.learning) * evaluating)
    expelled = evaluating & (take(state.year_defections) / months > rows.parameter(m.max_defection_share))

    def restart(values: np.ndarray) -> np.ndarray:
        return put(values, np.where(evaluating, 0, take(values)).astype(values.dtype))

    state = replace(
        state,
        interest=put(state.interest, feedback(take(state.interest), signal)),
        willingness=put(state.willingness, feedback(take(state.willingness), signal)),
        need=put(state.need, feedback(take(state.need), signal)),
        trust=put(state.trust, feedback(take(state.trust), towards_partners)),
        expected_performance=put(state.expected_performance, learned),
        stage=put(state.stage, np.where(expelled, PLANNING, take(state.stage))),
        year_realised=restart(state.year_realised),
        year_expected=restart(state.year_expected),
        year_performance=restart(state.year_performance),
        year_months=restart(state.year_months),
        year_defections=restart(state.year_defections),
    )
    return state, put(nobody, evaluating & ~expelled)


class Triggers(NamedTuple):
    """Who re-decides this month, and on what: each trigger re-decides what it changed."""

    regent: np.ndarray  # (..., n) a new regent: every condition of the gate
    budget: np.ndarray  # (..., n) a budget cut below implementation: the capacity it asked for
    results: np.ndarray  # (..., n) a member just evaluated: whether cooperation pays


def triggers(state: State, p: Params, shocks: Shocks, evaluated: np.ndarray, settled: np.ndarray) -> Triggers:
    """At an election everyone under way gets a new regent — who, under a Perda, is bound by the
    commitments the DPRD passed (organising on); a budget cut hits regencies below
    implementation; members just evaluated judge the results. A regency whose stage already
    changed this month (expelled at its evaluation) is not asked again."""
    under_way = (state.stage >= PLANNING) & ~settled
    regent = np.zeros(state.stage.shape, dtype=bool)
    if shocks.election:
        regent = under_way & ~(p.institutions.regulation & (state.stage >= ORGANISING))
    budget = under_way & shocks.fiscal & (state.stage < IMPLEMENTATION) & ~regent
    return Triggers(regent, budget, evaluated & ~regent)


def reconsider(state: State, p: Params, why: Triggers) -> np.ndarray:
    """(..., n) the stages after re-decisions: a regency re-faces the gate that brought it where
    it stands and keeps its stage if the gate's probability still exceeds its regent's
    disposition; otherwise it steps back a stage, and a member leaves cooperation (back to
    planning).

    What is re-decided is what the trigger changed: a new regent re-decides every condition of the
    gate; a budget cut, the capacity the gate asked for; an evaluation, whether cooperation still
    pays, with what the member has learned — and a member counts, under adat sanctions, what
    walking out of the agreement would cost. Conditions not re-decided count as met.
    """
    deciding = why.regent | why.budget | why.results
    if not deciding.any():
        return state.stage
    values = condition_values(state, p)
    kept = []
    for condition, value in enumerate(values):
        open_ = why.regent | (why.budget & (condition == CAPACITY)) | (why.results & (condition == NET_BENEFIT))
        if condition == NET_BENEFIT:
            value = value + p.economy.sanction * (state.stage >= IMPLEMENTATION)
        kept.append(np.where(open_, value, np.inf))
    keeps = passes(state, p, deciding, last_gate(state.stage), tuple(kept))
    back = np.where(state.stage >= IMPLEMENTATION, PLANNING, state.stage - 1)
    return np.where(deciding & ~keeps, back, state.stage).astype(np.int8)


def decide(state: State, p: Params, settled: np.ndarray) -> np.ndarray:
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
        & (state.months_in_stage + 1 >= stage_minimum(p.gates.min_months, stage))  # this month counts
        & ((stage == int(Stage.NONE)) | (partners >= p.gates.min_members - 1))
    )
    return (stage + passes(state, p, eligible, next_gate(stage))).astype(np.int8)


def stage_minimum(min_months: np.ndarray, stage: np.ndarray) -> np.ndarray:
    """(..., n) the minimum months of each regency's stage: from one table, or from each run's
    own (a batch of parameter sets whose stage durations differ)."""
    if min_months.ndim == 1:
        return min_months[stage]
    return np.take_along_axis(min_months, stage.astype(np.intp), axis=-1)


def redecide(state: State, p: Params, shocks: Shocks, evaluated: np.ndarray, before: np.ndarray) -> State:
    """Re-decisions, and what they leave: the evaluation over, those who stayed go back to
    implementation; partners in force lose trust in a member that walks out."""
    stage = reconsider(state, p, triggers(state, p, shocks, evaluated, settled=state.stage != before))
    walked_out = (state.stage >= IMPLEMENTATION) & (stage < IMPLEMENTATION)
    trust = state.trust
    if walked_out.any():
        affected = pairwise(members(state.stage, p), walked_out, np.logical_and)
        trust = trust * (1.0 - for_pairs(p.trust.defection_loss) * affected)
    stage = np.where(stage == MONITORING, IMPLEMENTATION, stage).astype(np.int8)
    return replace(state, stage=stage, trust=trust)


def dissolve(
    state: State, p: Params, stage: np.ndarray, before: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(stages, in force, dissolved): cooperation dissolves when it was in force and is no longer
    (members left), or when under a body the funding share fell below its minimum (the body
    collapses). Its members fall back to planning; a regency that had only just passed
    organising this month goes back to organising."""
    was_active = state.months_active > 0
    active = cooperation_active(stage, p)
    collapsed = active & p.institutions.has_body & (state.funding < p.institutions.min_funding) & was_active
    dissolved = (was_active & ~active) | collapsed
    fallen = np.where(before >= IMPLEMENTATION, PLANNING, ORGANISING)
    stage = np.where(dissolved & (stage >= IMPLEMENTATION), fallen, stage)
    return stage, active & ~dissolved, dissolved


def advance(state: State, p: Params, month: int, shocks: Shocks) -> State:
    """The grand design moves: evaluation, re-decisions (stepping back, leaving), gate decisions,
    formation, dissolution, M&E timing, and the run's counters."""
    was_active, before = state.months_active > 0, state.stage
    state, evaluated = evaluate(state, p)
    state = redecide(state, p, shocks, evaluated, before)
    stage = decide(state, p, settled=state.stage != before)
    stage, active, dissolved = dissolve(state, p, stage, before)

    months_active = np.where(active, state.months_active + 1, 0)
    due = active & (months_active % p.monitoring.interval == 0)
    stage = np.where(due & (stage == IMPLEMENTATION) & (before == IMPLEMENTATION), MONITORING, stage)

    since = months_since_election(month, p.shocks)
    after_election = since is not None and since < p.shocks.election_aftermath
    member = active & (stage >= IMPLEMENTATION)

    def while_member(values: np.ndarray) -> np.ndarray:
        """The evaluation sums belong to a membership: a regency no longer a member starts afresh."""
        return np.where(member, values, 0).astype(values.dtype)

    return replace(
        state,
        stage=stage.astype(np.int8),
        months_in_stage=np.where(stage != before, 0, state.months_in_stage + 1).astype(np.int32),
        months_active=months_active.astype(np.int32),
        months_cooperating=(state.months_cooperating + active).astype(np.int32),
        formed_month=np.where(active & (state.formed_month < 0), month, state.formed_month).astype(np.int32),
        highest_stage=np.maximum(state.highest_stage, initiative_stage(stage, p)).astype(np.int8),
        dissolutions=(state.dissolutions + dissolved).astype(np.int32),
        dissolutions_after_election=(state.dissolutions_after_election + (dissolved & after_election)).astype(np.int32),
        funding=np.where(active & ~was_active, 1.0, state.funding),
        year_realised=while_member(state.year_realised),
        year_expected=while_member(state.year_expected),
        year_performance=while_member(state.year_performance),
        year_months=while_member(state.year_months),
        year_defections=while_member(state.year_defections),
        months_member=(state.months_member + member).astype(np.int32),
    )


def month(state: State, p: Params, draws: MonthDraws, number: int) -> tuple[State, Shocks, Meetings, np.ndarray]:
    """One month, phase by phase, as both drivers run it: shocks, meetings, adaptation,
    contributions, barriers, the grand design. Returns the state, the month's shocks, meetings
    and defections (for the Mesa model's agents and records)."""
    state, shocks = strike(state, p, draws, number)
    state, meetings = convene(state, p, draws)
    state = adapt(state, p, meetings)
    state, defections = cooperate(state, p, draws, shocks)
    state = face_barriers(state, p)
    state = advance(state, p, number, shocks)
    return state, shocks, meetings, defections
