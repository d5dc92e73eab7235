"""From a checked scenario to the numbers the rules use (`rules.Params`).

This is where the setup's switches are resolved: which key actor, which body, which local
wisdom. The formulas that combine them live in `rules.py`; this module only looks values up.
"""

from __future__ import annotations

import numpy as np

from sim import rules
from sim.scenario import GATE_NAMES, Scenario, trust_between
from sim.stages import ATTRIBUTES, GATES, Stage


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
    """The (gate, attribute) pairs of every gate, and their base thresholds (P,)."""
    gates, stages = document["rules"]["gates"], document["rules"]["stages"]
    pairs = [
        (g, ATTRIBUTES.index(a), gates[name][a])
        for g, name in enumerate(GATE_NAMES)
        for a in ATTRIBUTES
        if a in gates[name]
    ]
    gate_of_pair = np.array([g for g, _, _ in pairs], dtype=np.intp)
    attribute_of_pair = np.array([a for _, a, _ in pairs], dtype=np.intp)
    min_months = np.zeros(len(Stage), dtype=np.int32)
    for g, name in enumerate(GATE_NAMES[:-1]):
        min_months[GATES[g]] = stages[name]
    min_members = n if stages["min_members"] == "all" else stages["min_members"]
    return (
        rules.GateRules(
            steepness=float(gates["steepness"]),
            gate_of_pair=gate_of_pair,
            attribute_of_pair=attribute_of_pair,
            min_months=min_months,
            min_members=int(min_members),
        ),
        np.array([threshold for _, _, threshold in pairs], dtype=float),
    )


def meeting_retention(r: dict, legitimacy: np.ndarray) -> dict[str, np.ndarray]:
    """Per effect of a meeting, log(1 - rate L): see rules.meeting_retention."""
    rates = {
        "knowledge": r["knowledge"]["meeting_gain"],
        "need": r["need"]["awareness_gain"],
        "willingness": r["willingness"]["meeting_gain"],
        "interest": r["interest"]["meeting_gain"],
    }
    retention = {effect: rules.meeting_retention(rate, legitimacy) for effect, rate in rates.items()}
    retention["trust"] = rules.meeting_retention(r["trust"]["meeting_gain"], np.sqrt(np.outer(legitimacy, legitimacy)))
    return retention


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
    body = (
        r["body"][setup["body"]]
        if has_body
        else {"threshold_discount": 0.0, "capacity_support": 0.0, "min_funding": 0.0}
    )
    manager = r["manager"][setup["manager"]] if has_body else {"knowledge_gain": 0.0, "cost": 0.0}
    wisdom = r["local_wisdom"]

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
    burden = (programme["cost"] + manager["cost"]) * rules.cost_shares(
        setup["funding"], regencies["capacity"], r["funding"]["provincial_share"]
    )
    legitimacy = per_regency(key_actor["legitimacy"], names)
    if setup["adat_leaders"]:
        legitimacy = rules.endorsed_legitimacy(legitimacy, wisdom["adat_legitimacy_bonus"])
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
        cooperation=rules.CooperationRules(
            max_defection=r["cooperation"]["max_defection"],
            defection_factor=wisdom["sanction_defection_factor"] if setup["adat_sanctions"] else 1.0,
            drought_yield_loss=programme["drought_yield_loss"],
            flood_yield_loss=programme["flood_yield_loss"],
            benefit=programme["benefit"],
        ),
        monitoring=rules.MonitoringRules(**r["monitoring"]),
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
            key_actor=setup["key_actor"],
            meetings_per_month=float(key_actor["meetings_per_month"]),
            strategy=key_actor["strategy"],
            legitimacy=legitimacy,
            meeting_retention=meeting_retention(r, legitimacy),
            funds=key_actor["funds"],
            has_body=has_body,
            capacity_support=body["capacity_support"],
            manager_knowledge_gain=manager["knowledge_gain"],
            min_funding=body["min_funding"],
            funding_memory=r["cooperation"]["funding_memory"],
            continuity=rules.continuity(
                setup["adat_leaders"],
                setup["local_regulation"],
                wisdom["adat_continuity"],
                wisdom["regulation_continuity"],
            ),
        ),
        regencies=rules.RegencyParams(
            **regencies,
            trust=trust_matrix(d["trust"], names),
            structural_need=structural_need,
            flood_probability=flood_probability,
            thresholds=rules.effective_thresholds(base_thresholds, gates, body["threshold_discount"], burden),
        ),
    )
