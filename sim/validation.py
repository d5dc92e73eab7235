"""Checking input files: a small schema language, and problems written for people.

A schema is plain data (`Number`, `Text`, `Flag`, `Table`, `Named`, `PerRegency`, `Records`...).
`check` walks a parsed TOML document against it and returns *every* problem it finds, each
naming the file, the field, the value and what would be allowed — never stopping at the first.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class _Missing:
    def __repr__(self) -> str:
        return "(missing)"


MISSING: Any = _Missing()  # a required value that is not there


class _Whole:
    pass


WHOLE_FILE: Any = _Whole()  # a problem with the file as a whole, not one value


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    value: Any
    allowed: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        if self.value is WHOLE_FILE:
            return f"{where}: {self.allowed}"
        if self.value is MISSING:
            return f"{where}: missing; {self.allowed}"
        return f"{where} = {_show(self.value)}: {self.allowed}"


class InputError(Exception):
    """Bad input: carries every problem found, for the CLI to print (exit code 2)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)
    if isinstance(value, dict):
        text = "a table"
    return text if len(text) <= 60 else text[:57] + "..."


NAME_LENGTH = 80
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def name_problem(name: str) -> str | None:
    """Why a name the user chooses (an arm, a preset, a programme) cannot be used, or None. Any
    Unicode is data; only what breaks a line, a table or a file name is refused."""
    if not name.strip():
        return "must not be empty"
    if _CONTROL.search(name):
        return "must not hold control characters (tabs, line breaks)"
    if len(name) > NAME_LENGTH:
        return f"must be at most {NAME_LENGTH} characters"
    return None


def suggest(word: str, options: list[str] | tuple[str, ...]) -> str:
    """' (did you mean 'x'?)' when a close option exists, else ''."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


MAX_INPUT_BYTES = 1_000_000  # a scenario is about 15 kB; anything near this is not one
MAX_DEPTH = 20  # tables and lists inside each other; the scenario schema needs 4


def read_toml(path: str | Path, shown_as: str | None = None) -> dict:
    """Parse a TOML file, turning a missing, unreadable, oversized, empty or malformed file (or
    a FIFO, device or folder, which are refused before they are read) into a Problem."""
    name = shown_as or str(path)

    def refuse(allowed: str) -> InputError:
        return InputError([Problem(name, "", WHOLE_FILE, allowed)])

    try:
        status = os.stat(path)
        if stat.S_ISDIR(status.st_mode):
            raise refuse("is a folder, not a TOML file")
        if not stat.S_ISREG(status.st_mode):
            raise refuse("is not a regular file (a pipe, a device or a socket); give a TOML file")
        if status.st_size > MAX_INPUT_BYTES:
            raise refuse(f"is {status.st_size:,} bytes; a scenario or experiment file is at most {MAX_INPUT_BYTES:,}")
        with open(path, "rb") as file:
            data = file.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise refuse("no such file") from None
    except OSError as error:
        raise refuse(f"cannot be read ({error.strerror or error})") from None
    if len(data) > MAX_INPUT_BYTES:
        raise refuse(f"is over {MAX_INPUT_BYTES:,} bytes; a scenario or experiment file is at most that")
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark (Windows Notepad writes one) is dropped
    except UnicodeDecodeError as error:
        raise refuse(f"cannot be read as UTF-8 text ({error})") from None
    if not text.strip():
        raise refuse("the file is empty; a TOML file is expected")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise refuse(f"is not valid TOML: {error}") from None
    except RecursionError:
        raise refuse(f"nests tables or lists too deeply (at most {MAX_DEPTH} levels)") from None
    if _depth(document) > MAX_DEPTH:
        raise refuse(f"nests tables or lists too deeply (at most {MAX_DEPTH} levels)")
    return document


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return max((_depth(item, level + 1) for item in items), default=level)


# --------------------------------------------------------------------------------------------
# Schema nodes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    low: float = -math.inf
    high: float = math.inf
    integer: bool = False
    low_open: bool = False  # the low bound itself is not allowed

    def _show(self, bound: float) -> str:
        return str(int(bound)) if self.integer else f"{bound:g}"

    def allowed(self) -> str:
        kind = "a whole number" if self.integer else "a number"
        low = "" if self.low == -math.inf else self._show(self.low)
        high = self._show(self.high) if self.high != math.inf else ""
        if self.low_open:
            return f"must be {kind} above {low}" + (f" and at most {high}" if high else "")
        if low and high:
            return f"must be {kind} between {low} and {high}"
        if low:
            return f"must be {kind} of at least {low}"
        return f"must be {kind} of at most {high}" if high else f"must be {kind}"

    def check(self, value: Any, path: str, ctx: Context) -> None:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        ok = (
            ok and (not self.integer or isinstance(value, int)) and not (isinstance(value, float) and math.isnan(value))
        )
        ok = ok and (value > self.low if self.low_open else value >= self.low) and value <= self.high
        if not ok:
            ctx.report(path, value, self.allowed())


@dataclass(frozen=True)
class Text:
    choices: tuple[str, ...] = ()
    pattern: str = ""
    describe: str = ""

    def check(self, value: Any, path: str, ctx: Context) -> None:
        if not isinstance(value, str):
            ctx.report(path, value, self.describe or "must be text in quotes")
        elif self.choices and value not in self.choices:
            ctx.report(path, value, f"must be one of {', '.join(self.choices)}{suggest(value, self.choices)}")
        elif self.pattern and not re.fullmatch(self.pattern, value):
            ctx.report(path, value, self.describe)


@dataclass(frozen=True)
class Flag:
    def check(self, value: Any, path: str, ctx: Context) -> None:
        if not isinstance(value, bool):
            ctx.report(path, value, "must be true or false")


@dataclass(frozen=True)
class List:
    item: Any
    length: int | None = None
    min_items: int = 0  # an empty list that would mean nothing is refused, not run as nothing

    def check(self, value: Any, path: str, ctx: Context) -> None:
        if not isinstance(value, list):
            ctx.report(path, value, "must be a list [ ... ]")
            return
        if self.length is not None and len(value) != self.length:
            ctx.report(path, value, f"must be a list of {self.length} items")
            return
        if len(value) < self.min_items:
            ctx.report(path, value, f"must list at least {self.min_items} item{'s' if self.min_items > 1 else ''}")
            return
        for i, item in enumerate(value):
            self.item.check(item, f"{path}[{i}]", ctx)


@dataclass(frozen=True)
class Either:
    """A value one of several nodes accepts, e.g. a whole number or the word "all"."""

    options: tuple[Any, ...]
    describe: str

    def check(self, value: Any, path: str, ctx: Context) -> None:
        for option in self.options:
            trial = Context(ctx.file, ctx.regencies)
            option.check(value, path, trial)
            if not trial.problems:
                return
        ctx.report(path, value, self.describe)


@dataclass(frozen=True)
class Anything:
    """A value checked elsewhere (e.g. preset overrides, checked path by path)."""

    def check(self, value: Any, path: str, ctx: Context) -> None:
        return None


@dataclass(frozen=True)
class Table:
    """A table with known keys; `required` keys must be present, others may be left out.
    `retired` names keys an earlier version had, with what took their place."""

    fields: dict[str, Any]
    required: tuple[str, ...] = ()
    retired: dict[str, str] = field(default_factory=dict)

    def check(self, value: Any, path: str, ctx: Context) -> None:
        if not isinstance(value, dict):
            ctx.report(path, value, "must be a table")
            return
        for key, item in value.items():
            where = _join(path, key)
            if key in self.retired:
                ctx.report(where, item, f"is no longer a parameter: {self.retired[key]}")
            elif key not in self.fields:
                ctx.report(
                    where,
                    item,
                    f"unknown key{suggest(key, tuple(self.fields))}; allowed here: {', '.join(self.fields)}",
                )
            else:
                self.fields[key].check(item, where, ctx)
        for key in self.required:
            if key not in value:
                node = self.fields[key]
                if isinstance(node, Records):
                    ctx.report(_join(path, key), MISSING, f"at least {node.min_items} [[{key}]] tables are needed")
                else:
                    ctx.report(_join(path, key), MISSING, _describe(node))


@dataclass(frozen=True)
class Named:
    """A table whose keys are names the user chooses (programmes, exposure kinds, presets)."""

    item: Any
    min_items: int = 0

    def check(self, value: Any, path: str, ctx: Context) -> None:
        if not isinstance(value, dict):
            ctx.report(path, value, "must be a table")
            return
        if len(value) < self.min_items:
            ctx.report(path, value, f"must hold at least {self.min_items} entries")
        for key, item in value.items():
            wrong = name_problem(key)
            if wrong:
                ctx.report(_join(path, key), key, f"names {wrong}")
                continue
            self.item.check(item, _join(path, key), ctx)


@dataclass(frozen=True)
class PerRegency:
    """A table keyed by regency name; "*" gives the value for every regency not named."""

    item: Any
    complete: bool = True  # every regency must get a value

    def check(self, value: Any, path: str, ctx: Context) -> None:
        if not isinstance(value, dict):
            ctx.report(path, value, f"must be a table keyed by regency name ({', '.join(ctx.regencies)})")
            return
        for key, item in value.items():
            where = _join(path, key)
            if key != "*" and key not in ctx.regencies:
                ctx.report(
                    where, item, f"unknown regency{suggest(key, ctx.regencies)}; regencies: {', '.join(ctx.regencies)}"
                )
            else:
                self.item.check(item, where, ctx)
        if self.complete and "*" not in value:
            for name in ctx.regencies:
                if name not in value:
                    ctx.report(
                        _join(path, name),
                        MISSING,
                        f'every regency needs a value ({_describe(self.item)}), or give "*" for all',
                    )


@dataclass(frozen=True)
class Records:
    """An array of tables, e.g. [[regency]]."""

    item: Table
    min_items: int = 0

    def check(self, value: Any, path: str, ctx: Context) -> None:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            ctx.report(path, value, f"must be written as [[{path}]] tables")
            return
        if len(value) < self.min_items:
            ctx.report(path, f"{len(value)} given", f"at least {self.min_items} are needed")
        for i, item in enumerate(value):
            self.item.check(item, f"{path}[{i}]", ctx)


def _describe(node: Any) -> str:
    if isinstance(node, Number):
        return node.allowed()
    if isinstance(node, Text) and node.choices:
        return f"must be one of {', '.join(node.choices)}"
    if isinstance(node, (Table, Named, PerRegency)):
        return "a table is required"
    if isinstance(node, Either):
        return node.describe
    return "a value is required"


def _join(path: str, key: str) -> str:
    key_text = key if re.fullmatch(r"[A-Za-z0-9_\-]+", key) else f'"{key}"'
    return f"{path}.{key_text}" if path else key_text


@dataclass
class Context:
    file: str
    regencies: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)

    def report(self, path: str, value: Any, allowed: str) -> None:
        self.problems.append(Problem(self.file, path, value, allowed))


def check(schema: Any, document: Any, file: str, regencies: tuple[str, ...] = ()) -> list[Problem]:
    ctx = Context(file, regencies)
    schema.check(document, "", ctx)
    return ctx.problems


# --------------------------------------------------------------------------------------------
# Overrides by dotted path
# --------------------------------------------------------------------------------------------


def flatten(table: dict, prefix: str = "") -> dict[str, Any]:
    """{"a": {"b": 1}, "c.d": 2} -> {"a.b": 1, "c.d": 2}: nested tables and dotted keys alike."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and value:
            flat.update(flatten(value, path))
        else:
            flat[path] = value
    return flat


def deep_merge(base: dict, top: dict) -> dict:
    """A copy of `base` with `top` laid over it, table by table."""
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def schema_at(schema: Any, path: str) -> Any | None:
    """The schema node a dotted path leads to, or None if no such field exists."""
    node = schema
    for key in path.split("."):
        if isinstance(node, Table):
            node = node.fields.get(key)
        elif isinstance(node, (Named, PerRegency)):
            node = node.item
        else:
            return None
        if node is None:
            return None
    return node
