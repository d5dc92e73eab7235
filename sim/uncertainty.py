"""How uncertain a scenario's numbers are: its `[uncertainty]` table, as ranges a design can vary.

    [uncertainty]
    default_relative = 0.25                     # every number the file marks "assumption": ±25 %
    except = ["rules.gates.steepness"]          # ...but not these
    "key_actor.meetings_per_month" = { low = 0.1, high = 1.0 }
    "regency.TTU.need" = { relative = 0.4 }
    "shocks.drought.duration" = [4, 6, 8]

Keys are the dotted paths experiments use. A relative spread is clipped to what the field
allows (a share stays in [0, 1]). The numbers a file marks *assumption* are found in its
comments (on a number's line, or on the indented comment lines that follow it), since TOML keeps
no comments: the same reading `docs/validation.md`'s robustness check uses.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from sim.scenario import REGENCY, SCENARIO, Scenario, check_override
from sim.stages import REGENCY_ATTRIBUTES
from sim.validation import InputError, Number, Problem, schema_at

SETTINGS = ("default_relative", "except")
ASSUMED = re.compile(r"^\s*(?P<key>[A-Za-z_\"*]+)\s*=\s*(?P<value>-?[0-9][0-9.]*)\s*#(?P<comment>.*)$")


@dataclass(frozen=True)
class Uncertain:
    """One uncertain number: its default, and the range or the values it may take."""

    path: str
    default: float
    low: float | None = None
    high: float | None = None
    values: tuple = ()
    integer: bool = False


def assumed_numbers(text: str) -> list[tuple[str, float | int]]:
    """The dotted paths and values of the numbers a scenario's text marks as assumptions; whole
    numbers stay whole. The scenario's identity ([scenario]) and the election calendar are
    facts, not assumptions, whatever their comments say."""
    lines = text.splitlines()
    found, table_name, regency = [], "", None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("[["):
            table_name, regency = stripped.strip("[]"), None
        elif stripped.startswith("["):
            table_name = stripped.strip("[]").split("]")[0]
        name = re.match(r'^name\s*=\s*"([^"]+)"', stripped)
        if table_name == "regency" and name:
            regency = name.group(1)
        match = ASSUMED.match(line)
        if not match:
            continue
        comment = match["comment"]
        for follower in lines[i + 1 :]:
            if not re.match(r"^\s{10,}#", follower):
                break
            comment += follower
        if "assumption" not in comment:
            continue
        key, number = match["key"].strip('"'), match["value"]
        value = float(number) if "." in number else int(number)
        if table_name == "regency":
            if key in REGENCY_ATTRIBUTES:
                found.append((f"regency.{regency}.{key}", value))
        elif not table_name.startswith(("scenario", "shocks.election", "uncertainty")):
            found.append((f"{table_name}.{key}", value))
    return found


def uncertain_numbers(scenario: Scenario) -> tuple[Uncertain, ...]:
    """The scenario's uncertain numbers, in the order of its file; InputError for every problem
    of its [uncertainty] table."""
    table = scenario.document.get("uncertainty", {})
    problems: list[Problem] = []

    def report(key: str, value: Any, allowed: str) -> None:
        problems.append(Problem(scenario.file, f"uncertainty.{key}", value, allowed))

    if not isinstance(table, dict):
        raise InputError([Problem(scenario.file, "uncertainty", table, "must be a table")])
    specs: dict[str, Any] = {k: v for k, v in table.items() if k not in SETTINGS}
    relative = table.get("default_relative")
    excepted = table.get("except", [])
    if "default_relative" in table and not _is_spread(relative):
        report("default_relative", relative, "must be a number above 0 and at most 1")
        relative = None
    if not isinstance(excepted, list) or not all(isinstance(p, str) for p in excepted):
        report("except", excepted, "must be a list of dotted paths in quotes")
        excepted = []
    implied = set()
    if relative is not None:
        for path, value in assumed_numbers(scenario.text):
            if path not in excepted and path not in specs and value != 0:  # 0 has no relative spread
                specs[path] = {"relative": relative}
                implied.add(path)
    found = []
    for path, spec in specs.items():
        uncertain = _uncertain(scenario, path, spec, lambda value, allowed, p=path: report(p, value, allowed))
        if uncertain is not None and (uncertain.low != uncertain.high or path not in implied):
            found.append(uncertain)
    if problems:
        raise InputError(problems)
    return tuple(found)


def _is_spread(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 1


def _uncertain(scenario: Scenario, path: str, spec: Any, report) -> Uncertain | None:
    default = value_at(scenario.document, path)
    if default is None:
        keys = path.split(".")
        exists = (keys[0] == "regency" and len(keys) == 3 and keys[2] in REGENCY.fields) or (
            keys[0] != "regency" and schema_at(SCENARIO, path) is not None
        )
        wrong = "no such number in the scenario (it has no default to vary)" if exists else None
        wrong = wrong or check_override(path, 0, scenario.regency_names) or "no such number in the scenario"
    else:
        wrong = check_override(path, default, scenario.regency_names)
    if wrong:
        report(spec, wrong)
        return None
    node = REGENCY.fields[path.split(".")[2]] if path.startswith("regency.") else schema_at(SCENARIO, path)
    integer = isinstance(node, Number) and node.integer
    if isinstance(spec, list):
        if len(spec) < 2 or any(check_override(path, v, scenario.regency_names) for v in spec):
            report(spec, "must list at least two values the field allows")
            return None
        return Uncertain(path, default, values=tuple(spec), integer=integer)
    if not isinstance(spec, dict) or set(spec) not in ({"low", "high"}, {"relative"}):
        report(spec, "must be { low = …, high = … }, { relative = … } or a list of values")
        return None
    if "relative" in spec:
        if not _is_spread(spec["relative"]):
            report(spec["relative"], "relative must be a number above 0 and at most 1")
            return None
        if default == 0:
            report(spec, "a relative spread of a number that is 0 is no spread: give low and high")
            return None
        bound_low, bound_high = (node.low, node.high) if isinstance(node, Number) else (-math.inf, math.inf)
        low = max(bound_low, min(default * (1 - spec["relative"]), default * (1 + spec["relative"])))
        high = min(bound_high, max(default * (1 - spec["relative"]), default * (1 + spec["relative"])))
    else:
        low, high = spec["low"], spec["high"]
        for value in (low, high):
            problem = check_override(path, value, scenario.regency_names)
            if problem:
                report(value, problem)
                return None
    if integer:  # a whole number's spread reaches the next whole numbers out
        low, high = (math.floor(low), math.ceil(high)) if "relative" in spec else (low, high)
    if not low < high:
        report(spec, f"must give a range of some width (low {low:g} is not below high {high:g})")
        return None
    return Uncertain(path, default, low=round(low, 9), high=round(high, 9), integer=integer)


def value_at(document: dict, path: str) -> Any:
    """The value at a dotted path of a resolved scenario document (regency.<name>.<field> by
    the regency's name), or None."""
    keys = path.split(".")
    if keys[0] == "regency":
        if len(keys) != 3:
            return None
        row = next((r for r in document.get("regency", []) if r.get("name") == keys[1]), None)
        return None if row is None else row.get(keys[2])
    node: Any = document
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node if isinstance(node, (int, float)) and not isinstance(node, bool) else None
