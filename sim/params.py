"""From a checked scenario to the numbers the rules use (`rules.Params`).

This is where the setup's switches are resolved: which key actor, which manager and body, which
local wisdom, which cost shares. The formulas that combine them live in `rules.py`; this module
only looks values up.
"""

from __future__ import annotations

import numpy as np

from sim import rules
from sim.scenario import GATE_NAMES, Scenario, trust_between
from sim.stages import CONDITIONS, GATES, Stage


def per_regency(table: dict, names: tuple[str, ...]) -> np.ndarray:
    """(n,) values of a table keyed by regency name, "*" filling in the rest."""
    return np.array([table.get(name, table.get("*")) for name in names], dtype=float)


def trust_matrix(trust: dict, names: tuple[str, ...]) -> np.ndarray:
    n = len(names)
    matrix = np.zeros((n, n))
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            if i != j:
                matrix[i, j] = trust_between(trust, a, b)
    return matrix


def gate_rules(document: dict, n: int) -> tuple[rules.GateRules, np.ndarray]:
    """The (gate, condition) pairs of every gate, and their base thresholds (P,)."""
    gates, stages = document["rules"]["gates"], document["rules"]["stages"]
    pairs = [
        (g, CONDITIONS.index(c), gates[name][c])
        for g, name in enumerate(GATE_NAMES)
        for c in CONDITIONS
        if c in gates[name]
    ]
    min_months = np.zeros(len(Stage), dtype=np.int32)
    min_months[Stage.NONE] = 1  # a regency may try planning in month 1
    for g, name in enumerate(GATE_NAMES[:-1]):
        min_months[GATES[g]] = stages[name]
    return (
        rules.GateRules(
            steepness=float(gates["steepness"]),
            gate_of_pair=np.array([g for g, _, _ in pairs], dtype=np.intp),
            condition_of_pair=np.array([c for _, c, _ in pairs], dtype=np.intp),
            min_months=min_months,
            min_members=rules.resolve_min_members(stages["min_members"], n),
        ),
        np.array([threshold for _, _, threshold in pairs], dtype=float),
    )


def meeting_rates(r: dict) -> dict[str, float]:
    """Per effect of a meeting, the share of the gap to 1 one meeting closes at legitimacy 1."""
    return {
        "knowledge": r["knowledge"]["meeting_gain"],
        "need": r["need"]["awareness_gain"],
        "willingness": r["willingness"]["meeting_gain"],
        "interest": r["interest"]["meeting_gain"],
        "trust": r["trust"]["meeting_gain"],
    }


# What a setup without a body has of one: nothing.
NO_BODY = {"capacity_support": 0.0, "min_funding": 0.0}
NO_MANAGER = {"knowledge_gain": 0.0, "cost": 0.0, "drafting": 0.0, "legitimacy": 0.0, "meetings_per_month": 0.0}


def build_params(scenario: Scenario) -> rules.Params:
    d = scenario.document
    names = scenario.regency_names
    n = len(names)
    regencies = {
        a: np.array([r[a] for r in d["regency"]], dtype=float)
        for a in ("knowledge", "need", "willingness", "capacity", "interest")
    }
    setup, key_actor, r = d["setup"], d["key_actor"], d["rules"]
    shocks = d["shocks"]
    programme = d["programmes"][d["scenario"]["programme"]]
    has_body = setup["body"] != "none"
    body = r["body"][setup["body"]] if has_body else NO_BODY
    manager = r["manager"][setup["manager"]] if has_body else NO_MANAGER
    wisdom, transaction = r["local_wisdom"], r["transaction"]
    endorsement = wisdom["adat_legitimacy_bonus"] if setup["adat_leaders"] else 0.0

    weights = programme["addresses"]
    structural_need = sum(w * per_regency(d["exposure"][kind], names) for kind, w in weights.items()) / sum(
        weights.values()
    )
    season = shocks["flood"]["season"]
    flood_exposure = per_regency(d["exposure"][shocks["flood"]["exposure"]], names)
    flood_probability = np.array(
        [rules.monthly(shocks["flood"]["yearly_probability"] * e, max(len(season), 1)) for e in flood_exposure]
    )
    gates, base_thresholds = gate_rules(d, n)
    cost = (programme["cost"] + manager["cost"]) * rules.cost_shares(
        setup["funding"], regencies["capacity"], r["funding"]["provincial_share"]
    )
    trust = trust_matrix(d["trust"], names)
    trust_baseline = rules.endorsed(trust, wisdom["adat_trust"]) * (1.0 - np.eye(n)) if setup["adat_leaders"] else trust
    start_month = int(d["scenario"]["start"][5:7])  # "YYYY-MM"

    return rules.Params(
        n=n,
        gates=gates,
        knowledge=rules.KnowledgeRules(**r["knowledge"]),
        need=rules.NeedRules(**r["need"]),
        willingness=rules.WillingnessRules(**r["willingness"]),
        capacity=rules.CapacityRules(**r["capacity"]),
        interest=rules.InterestRules(**r["interest"]),
        trust=rules.TrustRules(**r["trust"]),
        economy=rules.Economy(
            benefit=programme["benefit"],
            expected=r["monitoring"]["expected"],
            drought_yield_loss=programme["drought_yield_loss"],
            flood_yield_loss=programme["flood_yield_loss"],
            coordination=rules.drafted(transaction["coordination"], manager["drafting"]),
            division=transaction["division"],
            defection_risk=transaction["defection_risk"],
            deterrence=wisdom["deterrence"] if setup["adat_sanctions"] else 0.0,
            sanction=wisdom["sanction"] if setup["adat_sanctions"] else 0.0,
        ),
        monitoring=rules.MonitoringRules(
            interval=r["monitoring"]["interval"],
            feedback=r["monitoring"]["feedback"],
            learning=r["monitoring"]["learning"],
            max_defection_share=r["monitoring"]["max_defection_share"],
        ),
        shocks=rules.ShockRules(
            election_first=shocks["election"]["first_month"],
            election_interval=shocks["election"]["interval"],
            election_aftermath=shocks["election"]["aftermath"],
            drought_onset=rules.monthly(shocks["drought"]["yearly_probability"]),
            drought_duration=shocks["drought"]["duration"],
            fiscal_probability=rules.monthly(shocks["fiscal"]["yearly_probability"]),
            fiscal_cut=shocks["fiscal"]["cut"],
            flood_season=np.isin(np.arange(1, 13), season),
            start_month=start_month - 1,
        ),
        institutions=rules.Institutions(
            key_actor=rules.convener(
                setup["key_actor"],
                key_actor["meetings_per_month"],
                key_actor["strategy"],
                rules.endorsed(per_regency(key_actor["legitimacy"], names), endorsement),
                meeting_rates(r),
                rules.KEY_FIGURE_EFFECTS,
            ),
            manager=rules.convener(
                has_body,
                manager["meetings_per_month"],
                "forum",  # the manager works with the board of all regents
                rules.endorsed(np.full(n, float(manager["legitimacy"])), endorsement),
                meeting_rates(r),
                rules.MANAGER_EFFECTS,
            ),
            funds=key_actor["funds"],
            has_body=has_body,
            capacity_support=body["capacity_support"],
            manager_knowledge_gain=manager["knowledge_gain"],
            min_funding=body["min_funding"],
            funding_memory=r["cooperation"]["funding_memory"],
            regulation=bool(setup["local_regulation"]),
        ),
        regencies=rules.RegencyParams(
            **regencies,
            trust=trust,
            trust_baseline=trust_baseline,
            structural_need=structural_need,
            flood_probability=flood_probability,
            cost=cost,
            thresholds=np.broadcast_to(base_thresholds[:, None], (len(base_thresholds), n)).copy(),
        ),
    )
