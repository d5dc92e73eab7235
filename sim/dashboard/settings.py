"""What a workshop participant has set: the controls' values, and the scenario they make.

A `Settings` is plain data. `scenario_object()` lays it over a built-in scenario and its preset,
through the same dotted-path overrides experiments use (the seed as `--seed` does), so the
scenario checks every value by its own rules, and whatever the dashboard runs, `kerjasama run` can run from the
exported file.
"""

from __future__ import annotations

import functools
import json
import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import tomli_w

from sim.params import per_regency
from sim.scenario import (
    CUSTOM_SETUP,
    DEFAULT_SCENARIO,
    STATUS_QUO,
    Scenario,
    builtin_file,
    builtin_names,
    load_scenario,
)
from sim.stages import REGENCY_ATTRIBUTES
from sim.terms import term
from sim.validation import InputError, Problem

LOCAL_WISDOM = ("adat_leaders", "adat_sanctions", "local_regulation")


def served_scenario(scenario: str, setup: str | None = None, seed: int | None = None) -> Scenario:
    """The served scenario under a preset, read once: every change of a setting asks for it
    several times in each session (the address bar, the checks, the odds). An edited file is
    read again (its modification time is part of the key)."""
    return _read(scenario, setup, seed, _modified(scenario))


def _modified(scenario: str) -> int:
    file = builtin_file(scenario) if scenario in builtin_names() else Path(scenario)
    return file.stat().st_mtime_ns


@functools.lru_cache(maxsize=64)
def _read(scenario: str, setup: str | None, seed: int | None, modified: int) -> Scenario:
    return load_scenario(scenario, setup=setup, seed=seed)


def export_name(group: str, what: str) -> str:
    """`kerjasama_<group>_<what>`: each group's files keep their name when they are collected."""
    slug = re.sub(r"[^0-9A-Za-z]+", "-", group).strip("-").lower()
    return f"kerjasama_{slug}_{what}" if slug else f"kerjasama_{what}"


def parse_like(example: Any, text: str) -> Any:
    """A value from the address bar, of the type of `example`; ValueError when it is not."""
    if isinstance(example, bool):
        if text not in ("true", "false"):
            raise ValueError(text)
        return text == "true"
    if isinstance(example, int):
        return int(text)
    if isinstance(example, float):
        return float(text)
    return text


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
        base = served_scenario(scenario_name)
        return cls(scenario=scenario_name, seed=str(base.seed), months=base.months).with_setup(setup or base.setup)

    def with_setup(self, setup: str) -> Settings:
        """Choosing a preset sets every control to what the preset says."""
        return self.with_values_of(served_scenario(self.scenario, setup=setup), setup)

    def with_values_of(self, chosen: Scenario, setup: str) -> Settings:
        """Every control set as the scenario says (a preset, or an uploaded settings file)."""
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

    def to_query(self) -> str:
        """The settings as the address bar keeps them: the preset, the seed, the horizon, and each
        control that differs from the preset, as its dotted path (`regency.Belu.capacity=0.5`)."""
        preset = self.with_setup(self.setup).overrides()
        changed = {path: value for path, value in self.overrides().items() if preset.get(path) != value}
        values = {"setup": self.setup, "seed": self.seed, "scenario.months": self.months, **changed}
        return urlencode(
            {path: json.dumps(value) if isinstance(value, bool) else value for path, value in values.items()}
        )

    def from_query(self, query: str) -> Settings:
        """Settings from the address bar: the preset, then each control it names. A path or a
        value the dashboard does not know is passed over (the address may have been edited)."""
        values = dict(parse_qsl(query))
        settings = self
        if values.get("setup") in served_scenario(self.scenario).presets:
            settings = settings.with_setup(values["setup"])
        if "seed" in values:
            settings = replace(settings, seed=values["seed"])
        known = settings.overrides()
        for path, text in values.items():
            if path in known:
                try:
                    settings = settings.with_override(path, parse_like(known[path], text))
                except ValueError:
                    continue
        return settings

    def with_override(self, path: str, value: Any) -> Settings:
        """The settings with one control, named by its dotted path as in `overrides`, set."""
        section, _, rest = path.partition(".")
        if section == "regency":
            regency, name = rest.rsplit(".", 1)
            return replace(self, attributes={**self.attributes, regency: {**self.attributes[regency], name: value}})
        if rest.startswith("legitimacy."):
            return replace(self, legitimacy={**self.legitimacy, rest.split(".", 1)[1]: value})
        if section == "setup" and rest in LOCAL_WISDOM:
            return replace(self, local_wisdom={**self.local_wisdom, rest: value})
        return replace(self, **{rest: value})  # key_actor, body, meetings_per_month, strategy, months

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
        # made once per setting: the page, its checks, the odds and the sweep all ask for it
        overrides_text = json.dumps(overrides, sort_keys=True)
        return _made(self.scenario, setup or self.setup, self.seed_number(), _modified(self.scenario), overrides_text)

    def status_quo(self) -> Scenario:
        return self.scenario_object(setup=STATUS_QUO)

    def problems(self, lang: str) -> list[str]:
        """What keeps these settings from running, in words for the page; empty when they run."""
        try:
            self.scenario_object()
        except InputError as error:
            return [describe(problem, lang) for problem in error.problems]
        return []

    def to_toml(self, group: str = "") -> str:
        """A scenario file `kerjasama run` accepts, reproducing these settings; the dashboard can
        load it back (`from_toml`)."""
        scenario = self.scenario_object()
        document = dict(scenario.document)
        document["scenario"] = {**document["scenario"], "setup": CUSTOM_SETUP}
        document.pop("presets", None)
        header = (
            "# Exported from the Kerjasama dashboard: the settings of a workshop run.\n"
            + (f"# Group: {group}\n" if group else "")
            + f"# Run it with: kerjasama run {export_name(group, 'settings.toml')}\n"
            f"# Scenario {self.scenario}, from preset {self.setup}\n\n"
        )
        return header + tomli_w.dumps(document)

    def from_toml(self, text: str, file: str) -> Settings:
        """The settings of an exported file (or any scenario file of the same regencies). Raises
        InputError, naming the file, when it is not a scenario or its regencies are others."""
        # staged in a private folder for the scenario loader, so that an upload meets every check
        # a file on disk does (size, TOML, fields); not a result: nothing reads it afterwards
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "uploaded.toml"
            path.write_text(text, encoding="utf-8")
            try:
                chosen = load_scenario(path, seed=None)
            except InputError as error:
                raise InputError([replace(problem, file=file) for problem in error.problems]) from None
        served = served_scenario(self.scenario).regency_names
        if chosen.regency_names != served:
            names = ", ".join(chosen.regency_names)
            allowed = f"must be the regencies the dashboard serves: {', '.join(served)}"
            raise InputError([Problem(file, "regency", names, allowed)])
        preset = re.search(r"^# Scenario .*, from preset (\w+)$", text, re.MULTILINE)
        setup = preset.group(1) if preset and preset.group(1) in served_scenario(self.scenario).presets else self.setup
        return replace(self.with_values_of(chosen, setup), seed=str(chosen.seed), months=chosen.months)


@functools.lru_cache(maxsize=256)
def _made(scenario: str, setup: str, seed: int, modified: int, overrides: str) -> Scenario:
    return _read(scenario, setup, seed, modified).with_overrides(json.loads(overrides), source="dashboard")


def describe(problem: Problem, lang: str) -> str:
    """A problem in the page's language: the seed (the one control typed by hand) in words; the
    sliders and lists cannot make other values, so the rest keep the checker's own words."""
    if problem.field.endswith("seed"):
        return term("ui.bad_seed", lang).format(value=problem.value)
    return f"{problem.field} = {problem.value!r}: {problem.allowed}"
