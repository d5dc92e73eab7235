"""Shared fixtures: the default scenario, and random valid scenarios with 2 to 6 regencies."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from sim.scenario import Scenario, load_scenario, scenario_from_document
from sim.stages import REGENCY_ATTRIBUTES

settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=25)
settings.load_profile("ci")

PRESETS = ("status_quo", "key_actor", "regional_management", "rm_plus", "province_led")


@pytest.fixture(scope="session")
def default() -> Scenario:
    return load_scenario()


unit = st.floats(0.0, 1.0, allow_nan=False)


SWITCHES = {
    "key_actor": st.booleans(),
    "body": st.sampled_from(["none", "regional_management", "joint_secretariat"]),
    "manager": st.sampled_from(["professional", "seconded"]),
    "funding": st.sampled_from(["equal", "by_capacity", "provincial"]),
    "adat_leaders": st.booleans(),
    "adat_sanctions": st.booleans(),
    "local_regulation": st.booleans(),
}


@st.composite
def documents(draw, min_regencies: int = 2, max_regencies: int = 6, months: int = 60) -> dict:
    """A valid scenario document: random regencies, exposures, trust, legitimacy, setup (a preset,
    or any combination of the switches), programme costs, shocks."""
    n = draw(st.integers(min_regencies, max_regencies))
    names = [f"R{i}" for i in range(n)]
    shocks_on = draw(st.booleans())
    programme = draw(st.sampled_from(["maize_cattle", "benanain_watershed", "border_market"]))
    setup = draw(st.sampled_from([*PRESETS, "custom"]))
    document = {
        "scenario": {
            "name": "generated",
            "months": months,
            "setup": setup,
            "seed": draw(st.integers(0, 2**32)),
            "programme": programme,
        },
        "programmes": {programme: {"cost": draw(st.sampled_from([0.0, 0.02, 0.1]))}},
        "regency": [{"name": name, **{a: draw(unit) for a in REGENCY_ATTRIBUTES}} for name in names],
        "exposure": {kind: {name: draw(unit) for name in names} for kind in ("watershed", "market", "value_chain")},
        "trust": {a: {b: draw(unit) for b in names[i + 1 :]} for i, a in enumerate(names[:-1])},
        "key_actor": {
            "legitimacy": {name: draw(unit) for name in names},
            "meetings_per_month": draw(st.sampled_from([0.0, 0.25, 1.0, 2.5])),
            "strategy": draw(st.sampled_from(["forum", "weakest_first", "round_robin"])),
        },
        "rules": {"stages": {"min_members": draw(st.one_of(st.integers(2, n), st.sampled_from(["majority", "all"])))}},
    }
    if setup == "custom":
        document["setup"] = {switch: draw(values) for switch, values in SWITCHES.items()}
    if shocks_on:
        document["shocks"] = {
            "election": {"first_month": draw(st.integers(1, months))},
            "drought": {"yearly_probability": 0.5},
        }
    else:
        document["shocks"] = {
            "election": {"first_month": months + 1},
            "drought": {"yearly_probability": 0.0},
            "flood": {"yearly_probability": 0.0},
            "fiscal": {"yearly_probability": 0.0},
        }
    return document


def scenario_of(document: dict, **overrides) -> Scenario:
    return scenario_from_document(copy.deepcopy(document), "generated.toml", **overrides)
