"""Scenario files: read them, check them, apply a setup preset, and say what is wrong.

A scenario is a TOML file (`scenarios/timor_border.toml` is the default and the reference for
every field). A file may leave out the rule tables: it inherits them from the default scenario.
`load_scenario` returns a `Scenario` — the checked document with its preset applied — or raises
`InputError` carrying every problem found.
"""

from __future__ import annotations

import copy
import functools
import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sim.stages import ATTRIBUTES, REGENCY_ATTRIBUTES
from sim.validation import (
    MISSING,
    Anything,
    Context,
    Either,
    Flag,
    InputError,
    List,
    Named,
    Number,
    PerRegency,
    Problem,
    Records,
    Table,
    Text,
    check,
    deep_merge,
    flatten,
    read_toml,
    schema_at,
    suggest,
)

DEFAULT_SCENARIO = "timor_border"
BUILTIN_PRESETS = "built-in presets.toml"
CUSTOM_SETUP = "custom"  # scenario.setup = "custom": take [setup] as written, apply no preset
STATUS_QUO = "status_quo"  # the preset other setups are compared with
STRATEGIES = ("forum", "weakest_first", "round_robin")
BODIES = ("none", "regional_management", "joint_secretariat")
MANAGERS = ("professional", "seconded")
FUNDING = ("equal", "by_capacity", "provincial")
GATE_NAMES = ("planning", "initiation", "organising", "implementation")
MIN_MEMBERS_WORDS = ("majority", "all")

# Tables a scenario file must give itself: they are about its own regencies.
OWN_TABLES = ("regency", "exposure", "trust", "uncertainty")

UNIT = Number(0, 1)
WHOLE = Number(1, integer=True)

REGENCY = Table(
    {
        "name": Text(
            pattern=r"[^.*\s\"'\x00-\x1f\x7f][^.*\"'\x00-\x1f\x7f]{0,79}",
            describe="must be a name of at most 80 characters without dots, quotes, '*' or control characters",
        ),
        "full_name": Text(),
        "capital": Text(),
        **{attribute: UNIT for attribute in REGENCY_ATTRIBUTES},
        "population": Number(0, integer=True),
        "area_km2": Number(0, low_open=True),
        "commodities": List(Text()),
        "border_post": Text(),
        "position": List(Number(), length=2),
    },
    required=("name", *REGENCY_ATTRIBUTES),
)


def _required(fields: dict[str, Any]) -> Table:
    return Table(fields, required=tuple(fields))


# What the revision of the model (Kerjasama 0.2) took out, and what took its place.
RETIRED_BODY = {
    "threshold_discount": "a body no longer discounts gate thresholds; the regional manager's drafting "
    "(rules.manager.*.drafting) and the body's division of costs (rules.transaction.division) lower "
    "transaction costs instead"
}
RETIRED_COOPERATION = {
    "max_defection": "defection is a decision in a bad month, from the member's implementation gate and "
    "net benefit (rules.local_wisdom.sanction is what defecting costs under adat sanctions)"
}
RETIRED_MONITORING = {
    "shortfall_below": "members re-decide at each evaluation with their implementation gate",
    "max_shortfalls": "members re-decide at each evaluation with their implementation gate",
}
RETIRED_LOCAL_WISDOM = {
    "sanction_defection_factor": "adat sanctions now add rules.local_wisdom.sanction to what defecting costs, "
    "and partners expect less defection (rules.local_wisdom.deterrence)",
    "adat_continuity": "adat leaders now lend legitimacy (adat_legitimacy_bonus) and build trust (adat_trust)",
    "regulation_continuity": "a Perda now carries commitments from organising on across elections",
}

BODY = Table({"capacity_support": UNIT, "min_funding": UNIT}, ("capacity_support", "min_funding"), RETIRED_BODY)
MANAGER = _required(
    {
        "knowledge_gain": UNIT,
        "cost": UNIT,
        "drafting": UNIT,
        "legitimacy": UNIT,
        "meetings_per_month": Number(0, 8),
    }
)
GATE_CONDITIONS = {**{a: UNIT for a in ATTRIBUTES}, "net_benefit": Number(-1, 1)}

RULES = _required(
    {
        "gates": Table(
            {
                "steepness": Number(0, 1000, low_open=True),
                **{g: Table(GATE_CONDITIONS) for g in GATE_NAMES},
            },
            required=("steepness", *GATE_NAMES),
        ),
        "stages": _required(
            {
                "planning": Number(0, 600, integer=True),
                "initiation": Number(0, 600, integer=True),
                "organising": Number(0, 600, integer=True),
                "min_members": Either(
                    (Number(2, integer=True), Text(choices=MIN_MEMBERS_WORDS)),
                    'must be a whole number of at least 2, "majority" or "all"',
                ),
            }
        ),
        "knowledge": _required({"decay": UNIT, "meeting_gain": UNIT, "election_loss": UNIT}),
        "need": _required({"pull": UNIT, "awareness_gain": UNIT, "drought": UNIT, "flood": UNIT, "shock_decay": UNIT}),
        "willingness": _required(
            {
                "meeting_gain": UNIT,
                "commitment": UNIT,
                "pull_back": UNIT,
                "election_reset": UNIT,
                "election_spread": UNIT,
            }
        ),
        "capacity": _required({"recovery": UNIT}),
        "interest": _required({"meeting_gain": UNIT, "pull_back": UNIT}),
        "trust": _required({"meeting_gain": UNIT, "decay": UNIT, "defection_loss": UNIT}),
        "cooperation": Table({"funding_memory": UNIT}, ("funding_memory",), RETIRED_COOPERATION),
        "transaction": _required({"coordination": UNIT, "division": UNIT, "defection_risk": UNIT}),
        "monitoring": Table(
            {
                "interval": Number(2, 120, integer=True),  # evaluation itself takes a month
                "expected": Number(0, 1, low_open=True),
                "feedback": UNIT,
                "learning": UNIT,
                "max_defection_share": UNIT,
            },
            ("interval", "expected", "feedback", "learning", "max_defection_share"),
            RETIRED_MONITORING,
        ),
        "body": _required({"regional_management": BODY, "joint_secretariat": BODY}),
        "manager": _required({"professional": MANAGER, "seconded": MANAGER}),
        "funding": _required({"provincial_share": UNIT}),
        "local_wisdom": Table(
            {"adat_legitimacy_bonus": UNIT, "adat_trust": UNIT, "sanction": UNIT, "deterrence": UNIT},
            ("adat_legitimacy_bonus", "adat_trust", "sanction", "deterrence"),
            RETIRED_LOCAL_WISDOM,
        ),
    }
)

SETUP = _required(
    {
        "key_actor": Flag(),
        "body": Text(choices=BODIES),
        "manager": Text(choices=MANAGERS),
        "funding": Text(choices=FUNDING),
        "adat_leaders": Flag(),
        "adat_sanctions": Flag(),
        "local_regulation": Flag(),
    }
)

PROGRAMME = Table(
    {
        "name": Text(),
        "description": Text(),
        "benefit": Number(0, 10),  # capacity units a month, at full exposure and interest
        "cost": UNIT,
        "drought_yield_loss": UNIT,
        "flood_yield_loss": UNIT,
        "addresses": Named(UNIT, min_items=1),
    },
    required=("benefit", "cost", "drought_yield_loss", "flood_yield_loss", "addresses"),
)

SCENARIO = Table(
    {
        "scenario": Table(
            {
                "name": Text(),
                "description": Text(),
                "months": Number(1, 1200, integer=True),
                "setup": Text(),
                "seed": Number(0, 2**63 - 1, integer=True),
                "start": Text(
                    pattern=r"\d{4}-(0[1-9]|1[0-2])", describe='must be a month written "YYYY-MM", e.g. "2025-01"'
                ),
                "programme": Text(),
            },
            required=("name", "months", "setup", "seed", "start", "programme"),
        ),
        "regency": Records(REGENCY, min_items=2),
        "exposure": Named(PerRegency(UNIT), min_items=1),
        "trust": PerRegency(PerRegency(UNIT, complete=False), complete=False),
        "key_actor": Table(
            {
                "name": Text(),
                "seat": Text(),
                "position": List(Number(), length=2),
                "meetings_per_month": Number(0, 8),
                "strategy": Text(choices=STRATEGIES),
                "funds": UNIT,
                "legitimacy": PerRegency(UNIT),
            },
            required=("name", "seat", "meetings_per_month", "strategy", "funds", "legitimacy"),
        ),
        "setup": SETUP,
        "presets": Named(Anything()),  # checked override by override in _check_presets
        "uncertainty": Anything(),  # checked by sim.uncertainty, against the resolved scenario
        "programmes": Named(PROGRAMME, min_items=1),
        "shocks": _required(
            {
                "election": _required({"first_month": WHOLE, "interval": WHOLE, "aftermath": WHOLE}),
                "drought": _required({"yearly_probability": UNIT, "duration": Number(1, 600, integer=True)}),
                "flood": _required(
                    {
                        "yearly_probability": UNIT,
                        "season": List(Number(1, 12, integer=True), min_items=1),
                        "exposure": Text(),
                    }
                ),
                "fiscal": _required({"yearly_probability": UNIT, "cut": UNIT}),
            }
        ),
        "rules": RULES,
    },
    required=("scenario", "regency", "exposure", "trust", "key_actor", "setup", "programmes", "shocks", "rules"),
)


# --------------------------------------------------------------------------------------------
# Built-in files
# --------------------------------------------------------------------------------------------


@functools.cache
def builtin_folder(kind: str = "scenarios") -> Path:
    """Where the built-in scenarios (or experiments) are: inside the installed package
    (sim/scenarios), or beside it in a source checkout (scenarios/). Found once: the dashboard
    asks on every change of a setting, and resolving the path walks the file system."""
    package = Path(__file__).resolve().parent
    for folder in (package / kind, package.parent / kind):
        if folder.is_dir():
            return folder
    raise FileNotFoundError(f"the built-in {kind} are missing from the installation ({package})")


def builtin_file(name: str, kind: str = "scenarios") -> Path:
    return builtin_folder(kind) / f"{name}.toml"


def builtin_names(kind: str = "scenarios") -> list[str]:
    return sorted(p.stem for p in builtin_folder(kind).glob("*.toml") if p.stem != "presets")


def _default_document() -> dict:
    return read_toml(builtin_file(DEFAULT_SCENARIO), f"built-in scenario {DEFAULT_SCENARIO!r}")


def builtin_presets() -> dict[str, dict]:
    return read_toml(builtin_file("presets"), BUILTIN_PRESETS)


# --------------------------------------------------------------------------------------------
# The scenario
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """A checked scenario with a setup applied. `document` holds every value as TOML would."""

    file: str
    document: dict
    base: dict = field(repr=False)  # the document before the preset: to switch setups
    presets: dict[str, dict] = field(repr=False)
    sha256: str = ""
    text: str = field(default="", repr=False)  # the file as written: its comments say what is assumed
    path: Path | None = field(default=None, repr=False)  # the file read, when it was read from one

    @property
    def name(self) -> str:
        return self.document["scenario"]["name"]

    @property
    def description(self) -> str:
        return self.document["scenario"].get("description", "")

    @property
    def setup(self) -> str:
        return self.document["scenario"]["setup"]

    @property
    def months(self) -> int:
        return self.document["scenario"]["months"]

    @property
    def seed(self) -> int:
        return self.document["scenario"]["seed"]

    @property
    def regencies(self) -> list[dict]:
        return self.document["regency"]

    @property
    def regency_names(self) -> tuple[str, ...]:
        return tuple(r["name"] for r in self.document["regency"])

    def params(self):
        """The numbers the rules use (`sim.rules.Params`)."""
        from sim.params import build_params

        return build_params(self)

    def with_setup(self, setup: str, source: str = "--setup") -> Scenario:
        """The same scenario under another preset (or "custom")."""
        base = copy.deepcopy(self.base)
        base["scenario"]["setup"] = setup
        resolved = _resolve(self.file, base, self.presets, self.sha256, setup_source=source, base_checked=True)
        return replace(resolved, text=self.text, path=self.path)

    def with_base_overrides(self, overrides: dict[str, Any], source: str = "overrides") -> Scenario:
        """The same scenario with the file's own numbers set by dotted path before the preset,
        which keeps the values it sets itself; checked."""
        base = copy.deepcopy(self.base)
        problems = apply_overrides(base, overrides, self.regency_names, source)
        if problems:
            raise InputError(problems)
        resolved = _resolve(self.file, base, self.presets, self.sha256, setup_source=source)
        return replace(resolved, text=self.text, path=self.path)

    def with_overrides(self, overrides: dict[str, Any], source: str = "overrides") -> Scenario:
        """The same scenario with values set by dotted path (after its preset), checked."""
        document = copy.deepcopy(self.document)
        problems = apply_overrides(document, overrides, self.regency_names, source)
        if problems:
            raise InputError(problems)
        problems = _check_document(document, self.file)
        if problems:
            raise InputError(problems)
        base = copy.deepcopy(document)
        base["scenario"]["setup"] = CUSTOM_SETUP
        return Scenario(self.file, document, base, self.presets, self.sha256, self.text, self.path)


def load_scenario(
    path: str | Path | None = None,
    setup: str | None = None,
    months: int | None = None,
    seed: int | None = None,
) -> Scenario:
    """Read, check and resolve a scenario; no path: the built-in default. Raises InputError."""
    if path is None or str(path) in builtin_names():
        name = DEFAULT_SCENARIO if path is None else str(path)
        file, shown = builtin_file(name), f"built-in scenario {name!r}"
    else:
        file, shown = Path(path), str(path)
    document = read_toml(file, shown)
    data = file.read_bytes()
    scenario = scenario_from_document(
        document,
        shown,
        setup,
        months,
        seed,
        hashlib.sha256(data).hexdigest(),
        inherit=file != builtin_file(DEFAULT_SCENARIO),
    )
    return replace(scenario, text=data.decode("utf-8-sig", errors="replace"), path=file)


def scenario_from_document(
    document: dict,
    file: str = "<scenario>",
    setup: str | None = None,
    months: int | None = None,
    seed: int | None = None,
    sha256: str = "",
    inherit: bool = True,
) -> Scenario:
    """A scenario from a parsed TOML document; `inherit`: take left-out rule tables from the default."""
    document = copy.deepcopy(document)
    if inherit:
        document = _inherit_defaults(document)
    command_line: list[Problem] = []
    for option, key, value, node in (
        ("--months", "months", months, Number(1, 1200, integer=True)),
        ("--seed", "seed", seed, Number(0, 2**63 - 1, integer=True)),
    ):
        if value is not None:
            ctx = Context("command line")
            node.check(value, option, ctx)
            command_line += ctx.problems
            if not ctx.problems and isinstance(document.get("scenario"), dict):
                document["scenario"][key] = value
    presets = builtin_presets()
    if isinstance(document.get("presets"), dict):
        presets = {**presets, **document["presets"]}
    if setup is not None and isinstance(document.get("scenario"), dict):
        document["scenario"]["setup"] = setup
    source = "--setup" if setup is not None else None
    return _resolve(file, document, presets, sha256, setup_source=source, problems=command_line)


def _inherit_defaults(document: dict) -> dict:
    """Lay a user's file over the default scenario, except the tables about its own regencies."""
    defaults = _default_document()
    for key in OWN_TABLES:
        defaults.pop(key, None)
    defaults["key_actor"].pop("legitimacy", None)
    defaults["scenario"].pop("name", None)
    defaults["scenario"]["description"] = ""
    merged = deep_merge(defaults, document)
    # A gate's attributes and a programme's weights are sets: a file that gives one gives all of
    # it, so that leaving an attribute out of a gate removes it rather than inheriting it.
    for gate, table in _table(document, "rules", "gates").items():
        if isinstance(table, dict):
            merged["rules"]["gates"][gate] = copy.deepcopy(table)
    for name, programme in _table(document, "programmes").items():
        if isinstance(programme, dict) and "addresses" in programme:
            merged["programmes"][name]["addresses"] = copy.deepcopy(programme["addresses"])
    return merged


def _resolve(
    file: str,
    base: dict,
    presets: dict[str, dict],
    sha256: str,
    setup_source: str | None,
    problems: list[Problem] | None = None,
    base_checked: bool = False,  # the base and presets of a Scenario, checked when it was made
) -> Scenario:
    names = _names(base)
    problems = list(problems or [])
    if not base_checked:
        problems += _check_document(base, file) + _check_presets(presets, base, file, names)
    setup = base.get("scenario", {}).get("setup") if isinstance(base.get("scenario"), dict) else None
    if isinstance(setup, str) and setup != CUSTOM_SETUP and setup not in presets:
        allowed = sorted(presets) + [CUSTOM_SETUP]
        where = ("command line", setup_source) if setup_source else (file, "scenario.setup")
        problems.append(Problem(*where, setup, f"must be one of {', '.join(allowed)}{suggest(setup, allowed)}"))
    if problems:
        raise InputError(problems)
    document = copy.deepcopy(base)
    if setup != CUSTOM_SETUP:
        overrides = {k: v for k, v in flatten(presets[setup]).items() if k != "description"}
        apply_overrides(document, overrides, names, *_preset_origin(setup, base, file))
        problems = _check_document(document, f"{file} with preset {setup!r}")
        if problems:
            raise InputError(problems)
    return Scenario(file, document, base, presets, sha256)


def _names(document: dict) -> tuple[str, ...]:
    regencies = document.get("regency")
    if not isinstance(regencies, list):
        return ()
    return tuple(r["name"] for r in regencies if isinstance(r, dict) and isinstance(r.get("name"), str))


def _check_document(document: dict, file: str) -> list[Problem]:
    """Every problem of a whole scenario document: its shape, and what ties its parts together."""
    names = _names(document)
    return check(SCENARIO, document, file, names) + _check_links(document, file, names)


def _table(document: dict, *keys: str) -> dict:
    """A nested table, or {} where the document is too broken to have it (its shape is reported)."""
    node: Any = document
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def _check_links(document: dict, file: str, names: tuple[str, ...]) -> list[Problem]:
    """What the schema cannot see: unique names, complete trust, programmes that exist."""
    problems: list[Problem] = []

    def report(path: str, value: Any, allowed: str) -> None:
        problems.append(Problem(file, path, value, allowed))

    for i, name in enumerate(names):
        if name in names[:i]:
            report(f"regency[{i}].name", name, "regency names must be different from each other")
    trust = {row: table for row, table in _table(document, "trust").items() if isinstance(table, dict)}
    for i, a in enumerate(names):
        if a in trust.get(a, {}):
            report(
                f"trust.{a}.{a}",
                trust[a][a],
                "a regency's trust in itself is not a parameter; name the other regencies",
            )
        for b in names[i + 1 :]:
            if trust_between(trust, a, b) is None:
                report(
                    f"trust.{a}.{b}",
                    MISSING,
                    f"every pair of regencies needs a trust value in [0, 1] (give [trust.{a}] {b} = ...)",
                )
    exposure = _table(document, "exposure")
    programmes = _table(document, "programmes")
    programme = _table(document, "scenario").get("programme")
    if isinstance(programme, str) and programme not in programmes:
        report(
            "scenario.programme",
            programme,
            f"must be one of {', '.join(programmes)}{suggest(programme, tuple(programmes))}",
        )
    addresses = _table(document, "programmes", programme, "addresses") if isinstance(programme, str) else {}
    for kind, weight in addresses.items():
        if kind not in exposure:
            report(
                f"programmes.{programme}.addresses.{kind}",
                weight,
                f"no [exposure.{kind}] table gives each regency's exposure to it{suggest(kind, tuple(exposure))}",
            )
    if addresses and all(isinstance(w, (int, float)) for w in addresses.values()) and sum(addresses.values()) <= 0:
        report(f"programmes.{programme}.addresses", addresses, "the weights must not all be 0")
    flood = _table(document, "shocks", "flood").get("exposure")
    if isinstance(flood, str) and flood not in exposure:
        report(
            "shocks.flood.exposure",
            flood,
            f"must name one of the [exposure.*] tables: {', '.join(exposure)}{suggest(flood, tuple(exposure))}",
        )
    min_members = _table(document, "rules", "stages").get("min_members")
    if isinstance(min_members, int) and not isinstance(min_members, bool) and min_members > len(names) >= 2:
        report("rules.stages.min_members", min_members, f"cannot exceed the number of regencies ({len(names)})")
    return problems


def trust_between(trust: dict, a: str, b: str) -> float | None:
    """Trust of a towards b: given a->b, else b->a (a pair given one way holds both ways), else "*"."""
    for row, column in ((a, b), (b, a)):
        if column in trust.get(row, {}):
            return trust[row][column]
    for row, column in ((a, "*"), ("*", b), ("*", "*")):
        if column in trust.get(row, {}):
            return trust[row][column]
    return None


def _preset_origin(preset: str, base: dict, file: str) -> tuple[str, str]:
    """(file, field prefix) to name in a preset's problems: the scenario's own, or the built-in."""
    if preset in _table(base, "presets"):
        return file, f"presets.{preset}."
    return BUILTIN_PRESETS, f"{preset}."


def _check_presets(presets: dict[str, dict], base: dict, file: str, names: tuple[str, ...]) -> list[Problem]:
    problems: list[Problem] = []
    for preset, table in presets.items():
        where, prefix = _preset_origin(preset, base, file)
        if not isinstance(table, dict):
            problems.append(Problem(where, prefix.rstrip("."), table, "must be a table of overrides"))
            continue
        overrides = {k: v for k, v in flatten(table).items() if k != "description"}
        problems += apply_overrides({}, overrides, names, where, prefix, dry_run=True)
    return problems


def apply_overrides(
    document: dict,
    overrides: dict[str, Any],
    names: tuple[str, ...],
    file: str,
    prefix: str = "",
    dry_run: bool = False,
) -> list[Problem]:
    """Set values by dotted path ("key_actor.legitimacy.TTU", "regency.Belu.capacity",
    "key_actor.legitimacy.*" for every regency). Returns the problems, each naming `file` and
    the field as `prefix` + path; sets only good values."""
    problems: list[Problem] = []
    for path, value in overrides.items():
        problem = check_override(path, value, names)
        if problem:
            problems.append(Problem(file, prefix + path, value, problem))
        elif not dry_run:
            _set(document, path.split("."), value)
    return problems


def check_override(path: str, value: Any, names: tuple[str, ...]) -> str | None:
    """What is wrong with setting `path` to `value`, or None."""
    keys = path.split(".")
    if keys[0] == "uncertainty":
        return "how uncertain a number is belongs in the scenario's [uncertainty] table, not in an override"
    if keys[0] in ("presets", "scenario") and keys[-1] not in ("months", "programme", "start"):
        return "presets and scenario names cannot be overridden; allowed in [scenario]: months, programme, start"
    if keys[0] == "regency":
        if len(keys) != 3 or (keys[1] not in names and keys[1] != "*"):
            hint = suggest(keys[1], names) if len(keys) > 1 else ""
            return f"must be regency.<name>.<field> with a regency name ({', '.join(names)}){hint}"
        node = REGENCY.fields.get(keys[2])
        if node is None or keys[2] == "name":
            return f"unknown regency field{suggest(keys[2], tuple(REGENCY.fields))}"
    else:
        node = schema_at(SCENARIO, path)
        if node is None:
            retired = _retired(keys)
            return (
                f"is no longer a parameter: {retired}" if retired else "no such field in a scenario" + _path_hint(keys)
            )
        for key in _regency_keys(keys):
            if key not in names and key != "*":
                return f"unknown regency{suggest(key, names)}; regencies: {', '.join(names)}"
    ctx = Context("", names)
    node.check(value, path, ctx)
    return ctx.problems[0].allowed if ctx.problems else None


def _regency_keys(keys: list[str]) -> list[str]:
    """The parts of a dotted path that stand for regency names."""
    if keys[0] == "trust":
        return keys[1:3]
    if keys[0] == "exposure" and len(keys) > 2:
        return keys[2:3]
    if keys[:2] == ["key_actor", "legitimacy"]:
        return keys[2:3]
    return []


def _retired(keys: list[str]) -> str | None:
    """What took the place of a parameter an earlier version had, if the path names one."""
    node: Any = SCENARIO
    for key in keys:
        if not isinstance(node, Table):
            return None
        if key in node.retired:
            return node.retired[key]
        node = node.fields.get(key)
    return None


def _path_hint(keys: list[str]) -> str:
    node: Any = SCENARIO
    for i, key in enumerate(keys):
        if not isinstance(node, Table):
            break
        if key not in node.fields:
            return (
                suggest(key, tuple(node.fields))
                or f" (allowed after {'.'.join(keys[:i]) or 'the top'}: {', '.join(node.fields)})"
            )
        node = node.fields[key]
    return ""


def _set(document: dict, keys: list[str], value: Any) -> None:
    """Set a dotted path. A "*" stands for every regency: the table it sits in loses its
    explicit entries, so the value holds for all of them."""
    if keys[0] == "regency":
        for record in document["regency"]:
            if keys[1] in ("*", record["name"]):
                record[keys[2]] = copy.deepcopy(value)
        return
    node = document
    for key in keys[:-1]:
        if key == "*":
            node.clear()
        node = node.setdefault(key, {})
    if keys[-1] == "*":
        node.clear()
    node[keys[-1]] = copy.deepcopy(value)
