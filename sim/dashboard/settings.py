"""What a workshop participant has set: the controls' values, and the scenario they make.

A `Settings` is plain data. `scenario_object()` lays it over a built-in scenario and its preset,
through the same dotted-path overrides experiments use (the seed as `--seed` does), so the
scenario checks every value by its own rules, and whatever the dashboard runs, `kerjasama run` can run from the
exported file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

import tomli_w

from sim.params import per_regency
from sim.scenario import CUSTOM_SETUP, DEFAULT_SCENARIO, STATUS_QUO, Scenario, load_scenario
from sim.stages import REGENCY_ATTRIBUTES
from sim.terms import term
from sim.validation import InputError, Problem

LOCAL_WISDOM = ("adat_leaders", "adat_sanctions", "local_regulation")
EXPORT_NAME = "kerjasama_settings.toml"


@dataclass(frozen=True)
class Settings:
    scenario: str = DEFAULT_SCENARIO
    setup: str = "rm_plus"
    key_actor: bool = True
    legitimacy: dict[str, float] = field(default_factory=dict)
    meetings_per_month: float = 0.25
    strategy: str = "forum"
    body: str = "regional_management"
    local_wisdom: dict[str, bool] = field(default_factory=dict)  # switch -> on
    attributes: dict[str, dict[str, float]] = field(default_factory=dict)  # regency -> attribute -> value
    months: int = 120
    seed: str = "1"  # as typed: SolaraViz and InputText hand over text

    @classmethod
    def of(cls, scenario_name: str = DEFAULT_SCENARIO, setup: str | None = None) -> Settings:
        """The settings a scenario and one of its presets start from."""
        base = load_scenario(scenario_name)
        return cls(scenario=scenario_name, seed=str(base.seed), months=base.months).with_setup(setup or base.setup)

    def with_setup(self, setup: str) -> Settings:
        """Choosing a preset sets every control to what the preset says."""
        chosen = load_scenario(self.scenario, setup=setup)
        document = chosen.document
        names = chosen.regency_names
        legitimacy = per_regency(document["key_actor"]["legitimacy"], names)
        return replace(
            self,
            setup=setup,
            key_actor=document["setup"]["key_actor"],
            legitimacy={name: float(value) for name, value in zip(names, legitimacy, strict=True)},
            meetings_per_month=float(document["key_actor"]["meetings_per_month"]),
            strategy=document["key_actor"]["strategy"],
            body=document["setup"]["body"],
            local_wisdom={switch: bool(document["setup"][switch]) for switch in LOCAL_WISDOM},
            attributes={r["name"]: {a: float(r[a]) for a in REGENCY_ATTRIBUTES} for r in document["regency"]},
        )

    def overrides(self) -> dict[str, Any]:
        """The settings as dotted-path overrides of the scenario under its preset."""
        values: dict[str, Any] = {
            "setup.key_actor": self.key_actor,
            "setup.body": self.body,
            "key_actor.meetings_per_month": self.meetings_per_month,
            "key_actor.strategy": self.strategy,
            "scenario.months": self.months,
            **{f"setup.{switch}": on for switch, on in self.local_wisdom.items()},
            **{f"key_actor.legitimacy.{name}": value for name, value in self.legitimacy.items()},
        }
        for name, attributes in self.attributes.items():
            values.update({f"regency.{name}.{a}": value for a, value in attributes.items()})
        return values

    def seed_number(self) -> int:
        """The typed seed as a number (its range is the scenario's to check); InputError when it
        is not digits. `str.isdigit` would let '²' through, which int() refuses."""
        text = str(self.seed).strip()
        if not re.fullmatch(r"[0-9]+", text):
            raise InputError([Problem("dashboard", "scenario.seed", self.seed, "must be a whole number")])
        return int(text)

    def scenario_object(self, setup: str | None = None) -> Scenario:
        """The checked scenario these settings make (under another preset if `setup` is given,
        with the same regencies, months and seed: the status quo beside the current settings)."""
        overrides = self.overrides()
        if setup is not None:
            overrides = {k: v for k, v in overrides.items() if k.startswith(("regency.", "scenario."))}
        chosen = load_scenario(self.scenario, setup=setup or self.setup, seed=self.seed_number())
        return chosen.with_overrides(overrides, source="dashboard")

    def status_quo(self) -> Scenario:
        return self.scenario_object(setup=STATUS_QUO)

    def problems(self, lang: str) -> list[str]:
        """What keeps these settings from running, in words for the page; empty when they run."""
        try:
            self.scenario_object()
        except InputError as error:
            return [describe(problem, lang) for problem in error.problems]
        return []

    def to_toml(self) -> str:
        """A scenario file `kerjasama run` accepts, reproducing these settings."""
        scenario = self.scenario_object()
        document = dict(scenario.document)
        document["scenario"] = {**document["scenario"], "setup": CUSTOM_SETUP}
        document.pop("presets", None)
        header = (
            "# Exported from the Kerjasama dashboard: the settings of a workshop run.\n"
            f"# Run it with: kerjasama run {EXPORT_NAME}   (scenario {self.scenario}, from preset {self.setup})\n\n"
        )
        return header + tomli_w.dumps(document)


def describe(problem: Problem, lang: str) -> str:
    """A problem in the page's language: the seed (the one control typed by hand) in words; the
    sliders and lists cannot make other values, so the rest keep the checker's own words."""
    if problem.field.endswith("seed"):
        return term("ui.bad_seed", lang).format(value=problem.value)
    return f"{problem.field} = {problem.value!r}: {problem.allowed}"
