"""`kerjasama calibrate`: which assumed numbers are consistent with the study's patterns.

Pattern-oriented calibration by rejection ABC (approximate Bayesian computation, Grimm et al.
2005; Hartig et al. 2011): parameter sets are drawn from the prior — the scenario's
`[uncertainty]`, uniform over each range — as a Latin hypercube; every set runs under every setup
a pattern mentions, on common random numbers, through the experiment runner (so a calibration
streams, resumes after a kill and runs on Dask); each set is scored by how far it misses each
pattern, and the sets that meet every pattern are the posterior, each with weight 1/accepted
(a uniform prior sampled uniformly needs no importance weights).

    DIR/calibration.toml  the calibration file as given        DIR/experiment.toml  the runs it asks for
    DIR/runs/             the experiment's results folder       DIR/prior.parquet    every set, its pattern values and misses
    DIR/posterior.parquet the accepted sets, distance, weight   DIR/manifest.json    what ran, and the hashes of both tables
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.design import load_experiment
from sim.experiment import now, run_experiment
from sim.provenance import code_version
from sim.scenario import Scenario, builtin_file, builtin_names, load_scenario
from sim.stages import ATTRIBUTES, Stage
from sim.storage import ResultsFolder, write_text
from sim.uncertainty import Uncertain, uncertain_numbers
from sim.validation import (
    WHOLE_FILE,
    Anything,
    InputError,
    List,
    Number,
    Problem,
    Table,
    Text,
    check,
    read_toml,
    suggest,
)
from sim.worlds import PROVENANCE, fingerprint, table_digest

RATES = ("formation_rate", "sustained_rate", "dissolution_rate")
MONTHS = ("months_in_force",)
STAGE_NAMES = {s.name.lower(): s for s in Stage if s > Stage.NONE}
BOUNDS = ("at_least", "at_most", "between", "near")
METHOD = "rejection ABC over a Latin hypercube of the uniform prior; accepted: every pattern met"
MIN_ACCEPTED = 5  # fewer sets than this meeting every pattern: too few to call a posterior

CALIBRATION = Table(
    {
        "calibration": Table(
            {
                "name": Text(pattern=r"[A-Za-z0-9_\-]+", describe="must be a name of letters, digits, _ and - only"),
                "description": Text(),
                "scenario": Text(),
                "seed": Number(0, 2**63 - 1, integer=True),
                "sets": Number(10, 100_000, integer=True),
                "replications": Number(10, 100_000, integer=True),
                "months": Number(1, 1200, integer=True),
                "parameters": List(Text(), min_items=1),
            },
            required=("name", "scenario", "seed", "sets", "replications"),
        ),
        "pattern": List(Anything(), min_items=1),
    },
    required=("calibration", "pattern"),
)
PATTERN_KEYS = ("setup", "better", "than", "outcome", "month", *BOUNDS, "tolerance", "says")


@dataclass(frozen=True)
class Pattern:
    """A statement about an outcome of one setup, or about two setups' order."""

    index: int
    outcome: str
    setup: str | None = None
    better: str | None = None
    than: str | None = None
    month: int | None = None
    low: float = -math.inf
    high: float = math.inf
    says: str = ""

    @property
    def setups(self) -> tuple[str, ...]:
        return tuple(s for s in (self.setup, self.better, self.than) if s)

    @property
    def label(self) -> str:
        what = self.outcome + (f" by month {self.month}" if self.month else "")
        if self.better:
            return f"{self.better} better than {self.than} in {what}"
        bounds = (
            f"between {self.low:g} and {self.high:g}"
            if math.isfinite(self.low) and math.isfinite(self.high)
            else f"at least {self.low:g}"
            if math.isfinite(self.low)
            else f"at most {self.high:g}"
        )
        return f"{self.setup}: {what} {bounds}"


@dataclass(frozen=True)
class Calibration:
    name: str
    file: str
    text: str
    scenario: Scenario
    scenario_name: str  # as the file gives it (a built-in name, or a path relative to the file)
    seed: int
    sets: int
    replications: int
    months: int
    parameters: tuple[Uncertain, ...]
    patterns: tuple[Pattern, ...]

    @property
    def setups(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for p in self.patterns for s in p.setups))


# --------------------------------------------------------------------------------------------
# The file
# --------------------------------------------------------------------------------------------


def builtin_calibrations() -> list[str]:
    return builtin_names("calibrations")


def load_calibration(path: str | Path) -> Calibration:
    """Read and check a calibration file (or a built-in one by name); InputError for every problem."""
    if str(path) in builtin_calibrations():
        file, shown = builtin_file(str(path), "calibrations"), f"built-in calibration {path!r}"
    else:
        file, shown = Path(path), str(path)
    document = read_toml(file, shown)
    problems = check(CALIBRATION, document, shown)
    settings = document.get("calibration") if isinstance(document.get("calibration"), dict) else {}
    if problems:
        raise InputError(problems)
    name = settings["scenario"]
    scenario_file = name if name in builtin_names() else str((file.parent / name).resolve())
    try:
        scenario = load_scenario(scenario_file)
    except InputError as error:
        problem = Problem(shown, "calibration.scenario", name, "the scenario has problems (below)")
        raise InputError([problem, *error.problems]) from None
    try:
        uncertain = {u.path: u for u in uncertain_numbers(scenario)}
    except InputError as error:
        raise InputError(error.problems) from None
    chosen = settings.get("parameters", list(uncertain))
    for i, path in enumerate(chosen):
        if path not in uncertain:
            problems.append(
                Problem(
                    shown,
                    f"calibration.parameters[{i}]",
                    path,
                    "must be a number the scenario's [uncertainty] declares" + suggest(path, list(uncertain)),
                )
            )
    if not uncertain:
        problems.append(
            Problem(shown, "calibration.scenario", name, "its scenario declares no [uncertainty]: nothing to calibrate")
        )
    patterns = [_pattern(i, spec, shown, scenario, problems) for i, spec in enumerate(document["pattern"])]
    if problems:
        raise InputError(problems)
    return Calibration(
        name=settings["name"],
        file=shown,
        text=file.read_text(encoding="utf-8-sig"),
        scenario=scenario,
        scenario_name=scenario_file,
        seed=settings["seed"],
        sets=settings["sets"],
        replications=settings["replications"],
        months=settings.get("months", scenario.months),
        parameters=tuple(uncertain[p] for p in chosen),
        patterns=tuple(p for p in patterns if p is not None),
    )


def outcome_problem(outcome: Any, names: tuple[str, ...]) -> str | None:
    """Why `outcome` is not an outcome a pattern can address, or None."""
    allowed = (
        f"must be one of {', '.join(RATES + MONTHS)}, reached.<stage> ({', '.join(STAGE_NAMES)}), "
        f"barrier_share.<regency>.<attribute>, participation.<regency> or months_member.<regency>"
    )
    if not isinstance(outcome, str):
        return allowed
    keys = outcome.split(".")
    if outcome in RATES + MONTHS or (keys[0] == "reached" and len(keys) == 2 and keys[1] in STAGE_NAMES):
        return None
    if keys[0] in ("participation", "months_member") and len(keys) == 2:
        return None if keys[1] in names else f"unknown regency{suggest(keys[1], names)}; regencies: {', '.join(names)}"
    if keys[0] == "barrier_share" and len(keys) == 3:
        if keys[1] not in names:
            return f"unknown regency{suggest(keys[1], names)}; regencies: {', '.join(names)}"
        return None if keys[2] in ATTRIBUTES else f"unknown attribute; one of {', '.join(ATTRIBUTES)}"
    return allowed + suggest(outcome, list(RATES + MONTHS))


def _pattern(i: int, spec: Any, shown: str, scenario: Scenario, problems: list[Problem]) -> Pattern | None:
    where = f"pattern[{i}]"
    before = len(problems)

    def report(key: str, value: Any, allowed: str) -> None:
        problems.append(Problem(shown, f"{where}.{key}" if key else where, value, allowed))

    if not isinstance(spec, dict):
        report("", spec, "must be a [[pattern]] table")
        return None
    for key in [k for k in spec if k not in PATTERN_KEYS]:
        report(key, spec[key], f"unknown key{suggest(key, PATTERN_KEYS)}; allowed: {', '.join(PATTERN_KEYS)}")
    setups = [*scenario.presets]
    for key in ("setup", "better", "than"):
        if key in spec and spec[key] not in setups:
            report(
                key, spec[key], f"must be a setup of the scenario: {', '.join(setups)}{suggest(str(spec[key]), setups)}"
            )
    outcome = spec.get("outcome")
    wrong = outcome_problem(outcome, scenario.regency_names) if "outcome" in spec else "every pattern needs an outcome"
    if wrong:
        report("outcome", outcome if "outcome" in spec else WHOLE_FILE, wrong)
    month = spec.get("month")
    if "month" in spec and (not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= scenario.months):
        report("month", month, f"must be a whole number of months from 1 to {scenario.months}")
    if "month" in spec and outcome != "formation_rate":
        report("month", month, "only formation_rate can be asked by a month")
    comparison = "better" in spec or "than" in spec
    bounds = [k for k in BOUNDS if k in spec]
    if comparison:
        if not ("better" in spec and "than" in spec) or "setup" in spec or bounds:
            report("", WHOLE_FILE, "a comparison names better = … and than = …, and no setup or bounds")
    elif "setup" not in spec:
        report("setup", WHOLE_FILE, "a pattern names a setup (or better = … and than = …)")
    elif len(bounds) != 1:
        report("", WHOLE_FILE, f"a pattern gives one of {', '.join(BOUNDS)}")
    low, high = -math.inf, math.inf

    def number(key: str, value: Any) -> float | None:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
        report(key, value, "must be a number")
        return None

    if "at_least" in spec:
        low = number("at_least", spec["at_least"]) or 0.0
    if "at_most" in spec:
        high = number("at_most", spec["at_most"]) or 0.0
    if "between" in spec:
        pair = spec["between"]
        if not isinstance(pair, list) or len(pair) != 2 or None in (number("between", v) for v in pair):
            report("between", pair, "must be [low, high]")
        elif not pair[0] < pair[1]:
            report("between", pair, "must be [low, high] with low below high")
        else:
            low, high = map(float, pair)
    if "near" in spec:
        target, tolerance = number("near", spec["near"]), spec.get("tolerance")
        if not isinstance(tolerance, (int, float)) or isinstance(tolerance, bool) or tolerance <= 0:
            report("tolerance", tolerance if "tolerance" in spec else WHOLE_FILE, "near = … needs a tolerance above 0")
        elif target is not None:
            low, high = target - tolerance, target + tolerance
    elif "tolerance" in spec:
        report("tolerance", spec["tolerance"], "a tolerance goes with near = …")
    if "says" in spec and not isinstance(spec["says"], str):
        report("says", spec["says"], "must be text: the sentence of the study the pattern encodes")
    if len(problems) > before:
        return None
    return Pattern(
        i,
        outcome,
        spec.get("setup"),
        spec.get("better"),
        spec.get("than"),
        month,
        low,
        high,
        spec.get("says", ""),
    )


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------


def experiment_text(calibration: Calibration) -> str:
    """The experiment that runs the prior: a Latin hypercube over the parameters, crossed with
    the setups the patterns mention, on common random numbers."""
    factors = []
    for u in calibration.parameters:
        low, high = (min(u.values), max(u.values)) if u.values else (u.low, u.high)
        extra = ", integer = true" if u.integer else ""
        factors.append(f"{json.dumps(u.path)} = {{ low = {low!r}, high = {high!r}{extra} }}")
    return "\n".join(
        [
            "# Written by kerjasama calibrate: the prior of the calibration, as an experiment.",
            "[experiment]",
            f'name = "calibration-{calibration.name}"',
            f"scenario = {json.dumps(calibration.scenario_name)}",
            f"seed = {calibration.seed}",
            f"replications = {calibration.replications}",
            f"months = {calibration.months}",
            "",
            "[design]",
            'kind = "lhs"',
            f"points = {calibration.sets}",
            f"presets = {json.dumps(list(calibration.setups))}",
            "before_preset = true          # the sets are the scenario's own numbers; a preset keeps its own",
            "",
            "[factors]",
            *factors,
            "",
        ]
    )


@dataclass(frozen=True)
class CalibrationResult:
    folder: Path
    prior: pd.DataFrame
    posterior: pd.DataFrame
    manifest: dict


class NoFit(Exception):
    """No parameter set meets every pattern; the message says which patterns conflict."""


def calibrate(
    calibration: Calibration,
    out: str | Path,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: object | None = None,
    notify=lambda message: None,
) -> CalibrationResult:
    folder = ResultsFolder(out)
    with folder.owned():
        text = experiment_text(calibration)
        written = folder.path / "experiment.toml"
        if written.exists() and written.read_text(encoding="utf-8") != text:
            raise folder.refuse(
                "holds the runs of another calibration (or of this one before it changed); choose another --out"
            )
        write_text(folder.path / "calibration.toml", calibration.text)
        write_text(written, text)
        experiment = load_experiment(written)
        result = run_experiment(
            experiment, folder.path / "runs", workers, scheduler, resume=resume, progress=progress, notify=notify
        )
        prior = score(calibration, pq.read_table(folder.path / "runs" / "runs.parquet").to_pandas(), experiment)
        met = prior["distance"] == 0
        posterior = prior[met].copy()
        posterior["weight"] = 1.0 / max(1, len(posterior))
        tables = {
            name: pa.Table.from_pandas(table, preserve_index=False)
            for name, table in (("prior.parquet", prior), ("posterior.parquet", posterior))
        }
        origin = provenance(calibration, int(met.sum()), table_digest(tables["posterior.parquet"]))
        files = {name: folder.write_table(name, with_provenance(table, origin)) for name, table in tables.items()}
        manifest = {
            "kind": "calibration",
            "calibration": calibration.name,
            "file": calibration.file,
            "contents": calibration.text,
            "scenario": {"name": calibration.scenario.name, "sha256": calibration.scenario.sha256},
            "code": code_version(),
            "identity": result.manifest["identity"],
            "method": METHOD,
            "provenance": origin,
            "sets": calibration.sets,
            "replications": calibration.replications,
            "setups": list(calibration.setups),
            "parameters": [u.path for u in calibration.parameters],
            "patterns": [{"label": p.label, "says": p.says} for p in calibration.patterns],
            "accepted": int(met.sum()),
            "runs": result.manifest["runs"],
            "status": "complete" if met.sum() >= MIN_ACCEPTED else "no fit",
            "finished": now(),
            "files": files,
        }
        folder.write_manifest(manifest)
        if met.sum() < MIN_ACCEPTED:
            raise NoFit(conflicts(calibration, prior))
        return CalibrationResult(folder.path, prior, posterior, manifest)


def provenance(calibration: Calibration, accepted: int, worlds_sha256: str) -> dict:
    """Where a posterior comes from, carried inside its Parquet file wherever it is copied: an
    experiment over its worlds checks the scenario's hash, the worlds' own digest and the
    model's fingerprint, and its report says which orders of setups the patterns imposed."""
    builtin = calibration.file.startswith("built-in")
    return {
        "worlds_sha256": worlds_sha256,
        "imposed": [
            {"better": p.better, "than": p.than, "outcome": p.outcome} for p in calibration.patterns if p.better
        ],
        "calibration": calibration.name,
        "file": calibration.file,
        "sha256": hashlib.sha256(calibration.text.encode()).hexdigest(),
        "command": f"kerjasama calibrate {calibration.name if builtin else calibration.file}",
        "scenario": {
            "name": calibration.scenario.name,
            "file": calibration.scenario.file,
            "sha256": calibration.scenario.sha256,
        },
        "fingerprint": fingerprint(calibration.scenario),
        "code": code_version(),
        "method": METHOD,
        "sets": calibration.sets,
        "replications": calibration.replications,
        "accepted": accepted,
        "finished": now(),
    }


def with_provenance(table: pa.Table, origin: dict) -> pa.Table:
    return table.replace_schema_metadata({**(table.schema.metadata or {}), PROVENANCE: json.dumps(origin)})


def outcome_values(runs: pd.DataFrame, outcome: str, month: int | None, names: tuple[str, ...]) -> pd.Series:
    """An outcome of each design point, from its runs."""
    by = runs.groupby("point", sort=True)
    keys = outcome.split(".")
    if outcome == "formation_rate" and month:
        return by.apply(lambda g: float(((g["month_formed"] >= 0) & (g["month_formed"] <= month)).mean()))
    if outcome in ("formation_rate", "sustained_rate"):
        return by[{"formation_rate": "formed", "sustained_rate": "sustained"}[outcome]].mean()
    if outcome == "dissolution_rate":
        return by["dissolutions"].apply(lambda d: float((d > 0).mean()))
    if outcome == "months_in_force":
        return by["months_cooperating"].mean()
    if keys[0] == "reached":
        return by["highest_stage"].apply(lambda s: float((s >= STAGE_NAMES[keys[1]]).mean()))
    if keys[0] == "participation":
        return by[f"months_member_{keys[1]}"].apply(lambda m: float((m > 0).mean()))
    if keys[0] == "months_member":
        return by[f"months_member_{keys[1]}"].mean()
    columns = [f"shortfall_{keys[1]}_{a}" for a in ATTRIBUTES]
    totals = by[columns].sum()
    whole = totals.sum(axis=1)
    return (totals[f"shortfall_{keys[1]}_{keys[2]}"] / whole.where(whole > 0)).fillna(0.0)


def score(calibration: Calibration, runs: pd.DataFrame, experiment) -> pd.DataFrame:
    """One row per parameter set: its values, each pattern's value and miss, and the distance
    (the sum of the misses, each in units of its outcome's scale: 1 for shares, the horizon for
    months)."""
    sets = calibration.sets
    setups = list(calibration.setups)
    columns: dict[str, Any] = {"set": np.arange(sets)}
    first = [p for p in experiment.points if p.id < sets]
    for u in calibration.parameters:
        columns[u.path] = [point.factors[u.path] for point in first]
    names = calibration.scenario.regency_names
    distance = np.zeros(sets)
    for pattern in calibration.patterns:
        values = outcome_values(runs, pattern.outcome, pattern.month, names).reindex(range(sets * len(setups)))
        of = {s: values.to_numpy()[k * sets : (k + 1) * sets] for k, s in enumerate(setups)}
        scale = calibration.months if pattern.outcome in MONTHS or pattern.outcome.startswith("months_") else 1.0
        if pattern.better:
            value = of[pattern.better] - of[pattern.than]
            miss = np.maximum(0.0, -value) / scale + (value <= 0) * 1e-9  # a tie is not "better"
        else:
            value = of[pattern.setup]
            miss = (np.maximum(0.0, pattern.low - value) + np.maximum(0.0, value - pattern.high)) / scale
        columns[f"pattern_{pattern.index}"] = value
        columns[f"miss_{pattern.index}"] = miss
        distance += miss
    columns["distance"] = distance
    return pd.DataFrame(columns)


def conflicts(calibration: Calibration, prior: pd.DataFrame) -> str:
    """Which patterns no set meets, and which pairs are each met but never together."""
    met = {p.index: prior[f"miss_{p.index}"].to_numpy() == 0 for p in calibration.patterns}
    lines = [f"no parameter set of {len(prior):,} meets every pattern (at least {MIN_ACCEPTED} must)."]
    for p in calibration.patterns:
        lines.append(f"  pattern {p.index} ({p.label}): met by {int(met[p.index].sum()):,} sets")
    pairs = [
        (a, b)
        for i, a in enumerate(calibration.patterns)
        for b in calibration.patterns[i + 1 :]
        if met[a.index].any() and met[b.index].any() and not (met[a.index] & met[b.index]).any()
    ]
    for a, b in pairs[:10]:
        lines.append(f"  patterns {a.index} and {b.index} are each met, but never in the same set: they conflict")
    lines.append("Widen the [uncertainty] ranges, loosen a pattern, or run more sets.")
    return "\n".join(lines)
