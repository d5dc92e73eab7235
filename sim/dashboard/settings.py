"""What a workshop participant has set: the controls' values, and the scenario they make.

A `Settings` is plain data. `scenario()` lays it over a built-in scenario and its preset, through
the same dotted-path overrides experiments use, so whatever the dashboard runs, `kerjasama run`
can run from the exported file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import tomli_w

from sim.scenario import CUSTOM_SETUP, DEFAULT_SCENARIO, Scenario, load_scenario
from sim.stages import REGENCY_ATTRIBUTES
from sim.validation import InputError, Problem

STRATEGIES = ("forum", "weakest_first", "round_robin")
BODIES = ("none", "regional_management", "joint_secretariat")
LOCAL_WISDOM = ("adat_leaders", "adat_sanctions", "local_regulation")


@dataclass(frozen=True)
class Settings:
    scenario: str = DEFAULT_SCENARIO
    setup: str = "rm_plus"
    key_actor: bool = True
    legitimacy: dict[str, float] = field(default_factory=dict)
    meetings_per_month: float = 0.25
    strategy: str = "forum"
    body: str = "regional_management"
    local_wisdom: bool = True
    attributes: dict[str, dict[str, float]] = field(default_factory=dict)  # regency -> attribute -> value
    months: int = 120
    seed: str = "1"  # as typed

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
        return replace(
            self,
            setup=setup,
            key_actor=document["setup"]["key_actor"],
            legitimacy={name: _per_regency(document["key_actor"]["legitimacy"], name) for name in names},
            meetings_per_month=float(document["key_actor"]["meetings_per_month"]),
            strategy=document["key_actor"]["strategy"],
            body=document["setup"]["body"],
            local_wisdom=all(document["setup"][switch] for switch in LOCAL_WISDOM),
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
            **{f"setup.{switch}": self.local_wisdom for switch in LOCAL_WISDOM},
            **{f"key_actor.legitimacy.{name}": value for name, value in self.legitimacy.items()},
        }
        for name, attributes in self.attributes.items():
            values.update({f"regency.{name}.{a}": value for a, value in attributes.items()})
        return values

    def seed_number(self) -> int:
        """The typed seed as a number; InputError (for the page to show) when it is not one."""
        text = str(self.seed).strip()
        if not text.isdigit():
            raise InputError([Problem("seed", "seed", self.seed, "must be a whole number of at least 0, e.g. 1")])
        return int(text)

    def scenario_object(self, setup: str | None = None) -> Scenario:
        """The checked scenario these settings make (under another preset if `setup` is given,
        with the same regencies and months: the status quo beside the current settings)."""
        base = load_scenario(self.scenario, setup=self.setup).with_overrides(self.overrides(), source="dashboard")
        if setup is None:
            return base
        return load_scenario(self.scenario, setup=setup).with_overrides(
            {k: v for k, v in self.overrides().items() if k.startswith(("regency.", "scenario."))}, source="dashboard"
        )

    def to_toml(self) -> str:
        """A scenario file `kerjasama run` accepts, reproducing these settings."""
        scenario = self.scenario_object()
        document = dict(scenario.document)
        document["scenario"] = {**document["scenario"], "setup": CUSTOM_SETUP, "seed": self.seed_number()}
        document.pop("presets", None)
        header = (
            "# Exported from the Kerjasama dashboard: the settings of a workshop run.\n"
            f"# Run it with: kerjasama run this_file.toml   (scenario {self.scenario}, from preset {self.setup})\n\n"
        )
        return header + tomli_w.dumps(document)


def _per_regency(table: dict, name: str) -> float:
    return float(table.get(name, table.get("*")))
