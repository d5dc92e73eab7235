"""Experiment files: what to vary, how many replications, and the design points that follow.

An experiment file (`experiments/*.toml`) names a scenario, a seed and a number of replications,
and either `[[arm]]` tables (a name, a preset, overrides by dotted path) or a `[design]` over
`[factors]`: a full `grid`, a Latin hypercube (`lhs`), Saltelli's scheme for Sobol indices
(`sobol`, via SALib) or Morris trajectories (`morris`, via SALib). `load_experiment` checks the
whole file, reports every problem, and returns an `Experiment` whose `points` say exactly what
to run: a design is plain data, as in SALib.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.scenario import (
    CUSTOM_SETUP,
    Scenario,
    builtin_file,
    builtin_names,
    check_override,
    load_scenario,
)
from sim.validation import (
    MISSING,
    WHOLE_FILE,
    Anything,
    Either,
    Flag,
    InputError,
    List,
    Named,
    Number,
    Problem,
    Table,
    Text,
    check,
    name_problem,
    read_toml,
    suggest,
)
from sim.worlds import NONE, Worlds, load_worlds

KINDS = ("grid", "lhs", "sobol", "morris")
OUTPUTS = ("formation_rate", "sustained_rate", "months_in_force", "months_to_formation")
ARM_KEYS = ("name", "preset", "description")
MAX_POINTS = 200_000  # design points: the Sobol analysis of docs/experiments.md has 22,528
CHECKED_POINTS = 50  # points of a sampled design built and checked when the file is loaded

EXPERIMENT = Table(
    {
        "experiment": Table(
            {
                "name": Text(
                    pattern=r"[A-Za-z0-9_\-]+",
                    describe="must be a name of letters, digits, _ and - only (it names the results folder)",
                ),
                "description": Text(),
                "scenario": Text(),
                "seed": Number(0, 2**63 - 1, integer=True),
                "replications": Either(
                    (Number(1, 10**9, integer=True), Text(choices=("auto",))),
                    'must be a whole number of at least 1, or "auto"',
                ),
                "target_half_width": Number(0, 0.5, low_open=True),
                "batch": Number(1, 10**7, integer=True),
                "max_replications": Number(1, 10**9, integer=True),
                "months": Number(1, 1200, integer=True),
                "outputs": List(Text(choices=OUTPUTS), min_items=1),
                "worlds": Text(),
            },
            required=("name", "scenario", "seed", "replications"),
        ),
        "arm": Anything(),  # checked arm by arm: its keys beyond name/preset are dotted paths
        "design": Table(
            {
                "kind": Text(choices=KINDS),
                "presets": List(Text(), min_items=1),
                "points": Number(1, 10**7, integer=True),
                "base_samples": Number(2, 2**20, integer=True),
                "second_order": Flag(),
                "trajectories": Number(2, 10**6, integer=True),
                "levels": Number(2, 100, integer=True),
                "before_preset": Flag(),
            },
            required=("kind",),
        ),
        "factors": Named(Anything()),
    },
    required=("experiment",),
)


@dataclass(frozen=True)
class Factor:
    """A dotted path that a design varies: over listed `values` (grid) or between bounds."""

    path: str
    values: tuple = ()
    low: float | None = None
    high: float | None = None
    integer: bool = False


@dataclass(frozen=True)
class Point:
    """One thing to run: a preset and overrides (an arm, or one point of a design)."""

    id: int
    label: str
    preset: str
    overrides: dict[str, Any] = field(default_factory=dict)
    factors: dict[str, Any] = field(default_factory=dict)  # the factor values, by path
    before_preset: bool = False  # the overrides are the scenario's own numbers: the preset keeps its own

    def scenario(self, base: Scenario) -> Scenario:
        """What this point runs: the experiment's scenario (in a plausible world, its numbers set
        by `Worlds.scenario`) under the point's preset, with its overrides — after the preset, or
        with `before_preset` as the scenario's own numbers, as a calibration's prior sets them:
        a preset that sets one keeps its own (the governor's meetings under province_led are
        not the bishop's)."""
        if self.before_preset and self.overrides:
            base = base.with_base_overrides(self.overrides, source=f"point {self.id}")
        scenario = base.with_setup(self.preset)
        if self.before_preset or not self.overrides:
            return scenario
        return scenario.with_overrides(self.overrides, source=f"point {self.id}")


@dataclass(frozen=True)
class Auto:
    """Replications added in batches until every point's 95 % interval is narrow enough."""

    target_half_width: float
    batch: int
    max_replications: int


@dataclass(frozen=True)
class Experiment:
    name: str
    description: str
    file: str
    text: str
    identity: str  # hash of the experiment file and its scenario file: what results belong to
    scenario: Scenario  # as the file names it, before any preset
    seed: int
    months: int
    replications: int | None  # None: "auto"
    auto: Auto | None
    kind: str  # arms | grid | lhs | sobol | morris
    factors: tuple[Factor, ...]
    presets: tuple[str, ...]
    points: tuple[Point, ...]
    outputs: tuple[str, ...]
    design: dict  # the [design] table as written, for the manifest and the analysis
    worlds: Worlds | None = None  # replication r of every point runs in world worlds.world_of(r)


def builtin_experiments() -> list[str]:
    return builtin_names("experiments")


def load_experiment(path: str | Path, worlds: str | None = None) -> Experiment:
    """Read and check an experiment file (or a built-in one by name). Raises InputError.

    `worlds` (a posterior.parquet, or "posterior") replaces the file's `worlds`, as --worlds does."""
    if str(path) in builtin_experiments():
        file, shown = builtin_file(str(path), "experiments"), f"built-in experiment {path!r}"
    else:
        file, shown = Path(path), str(path)
    document = read_toml(file, shown)
    text = file.read_text(encoding="utf-8")
    problems = check(EXPERIMENT, document, shown)
    settings = document.get("experiment") if isinstance(document.get("experiment"), dict) else {}
    scenario = None
    if isinstance(settings.get("scenario"), str):
        try:
            scenario = _load_named_scenario(settings["scenario"], file, shown)
        except InputError as error:
            problems += error.problems
    if scenario is None:  # the rest is checked against the scenario
        raise InputError(problems)
    found = None
    chosen = worlds if worlds is not None else settings.get("worlds")
    if isinstance(chosen, str) and chosen != NONE:
        where = (
            (Path.cwd(), "command line", "--worlds")
            if worlds is not None
            else (file.parent, shown, "experiment.worlds")
        )
        try:
            found = load_worlds(chosen, scenario, *where)
        except InputError as error:
            problems += error.problems
    return _build(document, shown, text, scenario, problems, found)


def _load_named_scenario(name: str, experiment_file: Path, shown: str) -> Scenario:
    """The scenario an experiment names: a built-in name, or a path relative to the experiment."""
    if name in builtin_names():
        return load_scenario(name)
    candidate = (experiment_file.parent / name) if not Path(name).is_absolute() else Path(name)
    if not candidate.is_file():
        allowed = (
            f"no scenario file there ({candidate}) and no built-in scenario of that name ({', '.join(builtin_names())})"
        )
        raise InputError([Problem(shown, "experiment.scenario", name, allowed + suggest(name, builtin_names()))])
    return load_scenario(candidate)


def _build(
    document: dict, shown: str, text: str, scenario: Scenario, problems: list[Problem], worlds: Worlds | None
) -> Experiment:
    """The experiment a file describes, checked as far as its problems allow, so that every
    problem is reported at once (those of the schema come in `problems`)."""
    settings = document["experiment"]
    has_arms, has_design = "arm" in document, "design" in document
    if has_arms == has_design:
        problems.append(
            Problem(
                shown,
                "",
                WHOLE_FILE,
                "an experiment needs either [[arm]] tables or a [design] (with [factors]), and not both",
            )
        )
        raise InputError(problems)
    if has_arms and "factors" in document:
        problems.append(
            Problem(shown, "factors", WHOLE_FILE, "[factors] are for a [design]; an [[arm]] sets its values itself")
        )
    design = document["design"] if isinstance(document.get("design"), dict) else {}
    kind = "arms" if has_arms else design.get("kind") if design.get("kind") in KINDS else None
    replications = settings.get("replications")
    auto = None
    if replications == "auto":
        if kind in ("sobol", "morris"):
            problems.append(
                Problem(
                    shown,
                    "experiment.replications",
                    "auto",
                    f"a {kind} design needs the same whole number of replications at every point",
                )
            )
        auto = Auto(
            settings.get("target_half_width", 0.02),
            settings.get("batch", 1000),
            settings.get("max_replications", 100_000),
        )
    for key in ("target_half_width", "batch", "max_replications"):
        if key in settings and replications != "auto":
            problems.append(Problem(shown, f"experiment.{key}", settings[key], 'only used with replications = "auto"'))
    presets = tuple(scenario.presets) + (CUSTOM_SETUP,)
    months = settings.get("months", scenario.months)

    def check_preset(where: str, name: Any) -> None:
        if not isinstance(name, str) or name not in presets:
            problems.append(
                Problem(shown, where, name, f"must be one of {', '.join(presets)}{suggest(str(name), presets)}")
            )
            return
        preset_months = scenario.with_setup(name).months
        if preset_months not in (scenario.months, months):
            problems.append(
                Problem(
                    shown,
                    where,
                    name,
                    f"this preset sets scenario.months = {preset_months}, but the experiment runs every point for "
                    f"{months} months; set months = {preset_months} in [experiment], or choose another preset",
                )
            )

    names = scenario.regency_names
    factors: tuple[Factor, ...] = ()
    if kind == "arms":
        points = _arms(document["arm"], shown, names, scenario.setup, check_preset, problems)
        chosen: tuple[str, ...] = tuple(dict.fromkeys(p.preset for p in points))
    else:
        listed = design.get("presets", [scenario.setup])
        chosen = tuple(listed) if isinstance(listed, list) else ()
        for i, preset in enumerate(chosen):
            check_preset(f"design.presets[{i}]", preset)
        factors = _factors(document.get("factors"), kind, shown, names, problems)
        if kind is not None:
            _check_design_settings(design, kind, shown, problems)
        if not problems:
            _check_design_size(kind, design, factors, chosen, shown, problems)
        points = () if problems else _design_points(kind, design, factors, chosen, settings["seed"])
    if problems:
        raise InputError(problems)
    experiment = Experiment(
        name=settings["name"],
        description=settings.get("description", ""),
        file=shown,
        text=text,
        identity=hashlib.sha256(
            text.encode() + scenario.sha256.encode() + (worlds.sha256.encode() if worlds else b"")
        ).hexdigest(),
        scenario=scenario,
        seed=settings["seed"],
        months=months,
        replications=None if replications == "auto" else replications,
        auto=auto,
        kind=kind,
        factors=factors,
        presets=chosen,
        points=points,
        outputs=tuple(settings.get("outputs", ["formation_rate"])),
        design=dict(document.get("design", {})),
        worlds=worlds,
    )
    _check_points(experiment)
    return experiment


def _arms(
    arms: Any, shown: str, names: tuple[str, ...], setup: str, check_preset, problems: list[Problem]
) -> tuple[Point, ...]:
    if not isinstance(arms, list) or not arms or not all(isinstance(a, dict) for a in arms):
        problems.append(Problem(shown, "arm", arms, "must be one or more [[arm]] tables"))
        return ()
    points, seen = [], set()
    for i, arm in enumerate(arms):
        where = f"arm[{i}]"
        name = arm.get("name")
        if not isinstance(name, str) or not name:
            problems.append(
                Problem(shown, f"{where}.name", name if "name" in arm else WHOLE_FILE, "every arm needs a name (text)")
            )
            name = f"arm {i}"
        elif name_problem(name):
            problems.append(Problem(shown, f"{where}.name", name, f"arm names {name_problem(name)}"))
        elif name in seen:
            problems.append(Problem(shown, f"{where}.name", name, "arm names must be different from each other"))
        seen.add(name)
        preset = arm.get("preset", setup)
        check_preset(f"{where}.preset", preset)
        overrides = {k: v for k, v in arm.items() if k not in ARM_KEYS}
        for path, value in overrides.items():
            wrong = _experiment_wide(path) or check_override(path, value, names)
            if wrong:
                problems.append(Problem(shown, f"{where}.{path}", value, wrong))
        points.append(Point(i, name, preset, overrides))
    return tuple(points)


def _experiment_wide(path: str) -> str | None:
    """What an arm or a factor cannot set: the horizon is one for the whole experiment (its
    trajectories, figures and summaries have one time axis), so the workers run `months`."""
    if path == "scenario.months":
        return (
            "every point of an experiment runs for the same number of months: set months in [experiment] "
            "instead (an experiment per horizon)"
        )
    return None


def _factors(
    table: Any, kind: str | None, shown: str, names: tuple[str, ...], problems: list[Problem]
) -> tuple[Factor, ...]:
    """The factors of a design (of an unknown kind: each as its keys suggest, so that its
    problems are reported with the kind's)."""
    if not isinstance(table, dict) or not table:
        problems.append(
            Problem(
                shown,
                "factors",
                table if table is not None else WHOLE_FILE,
                "a design needs a [factors] table: dotted path = { values = [...] } or { low = ..., high = ... }",
            )
        )
        return ()
    factors = (_factor(path, spec, kind, shown, names, problems) for path, spec in table.items())
    return tuple(f for f in factors if f is not None)


FACTOR_KEYS = ("values", "low", "high", "integer")


def _factor(
    path: str, spec: Any, kind: str | None, shown: str, names: tuple[str, ...], problems: list[Problem]
) -> Factor | None:
    where = f'factors."{path}"'

    def report(field: str, value: Any, allowed: str) -> None:
        problems.append(Problem(shown, field, value, allowed))

    if wrong := _experiment_wide(path):
        return report(where, spec, wrong)
    if not isinstance(spec, dict):
        return report(where, spec, "must be { values = [...] } or { low = ..., high = ... }")
    for key in [k for k in spec if k not in FACTOR_KEYS]:
        report(
            f"{where}.{key}", spec[key], f"unknown key{suggest(key, FACTOR_KEYS)}; allowed: {', '.join(FACTOR_KEYS)}"
        )
    integer = spec.get("integer", False)
    if not isinstance(integer, bool):
        report(f"{where}.integer", integer, "must be true or false")
        integer = False
    if kind == "grid" or (kind is None and "values" in spec):
        values = spec.get("values")
        if not isinstance(values, list) or not values:
            missing = values if "values" in spec else WHOLE_FILE
            return report(f"{where}.values", missing, "a grid needs a non-empty list of values for every factor")
        for value in values:
            if wrong := check_override(path, value, names):
                report(where, value, wrong)
        return Factor(path, values=tuple(values))
    bounds = {}
    for key in ("low", "high"):
        value = spec.get(key, MISSING)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            report(f"{where}.{key}", value, f"a {kind or 'sampled'} design needs numeric low and high bounds")
        elif integer and not float(value).is_integer():
            report(f"{where}.{key}", value, "an integer factor needs whole-number bounds")
        elif wrong := check_override(path, int(value) if integer else value, names):
            report(f"{where}.{key}", value, wrong)
        else:
            bounds[key] = float(value)
    if len(bounds) < 2:
        return None
    if not bounds["low"] < bounds["high"]:
        bounds_text = f"low = {spec['low']}, high = {spec['high']}"
        return report(where, bounds_text, "the bounds are reversed or equal: low must be below high")
    return Factor(path, low=bounds["low"], high=bounds["high"], integer=integer)


SETTINGS = {
    "grid": {"kind", "presets", "before_preset"},
    "lhs": {"kind", "presets", "points", "before_preset"},
    "sobol": {"kind", "presets", "base_samples", "second_order", "before_preset"},
    "morris": {"kind", "presets", "trajectories", "levels", "before_preset"},
}
NEEDED = {"lhs": "points", "sobol": "base_samples", "morris": "trajectories"}


def _check_design_settings(design: dict, kind: str, shown: str, problems: list[Problem]) -> None:
    needed = NEEDED.get(kind)
    if needed and needed not in design:
        problems.append(Problem(shown, f"design.{needed}", WHOLE_FILE, f"a {kind} design needs {needed}"))
    for key in set(design) - SETTINGS[kind]:
        problems.append(
            Problem(
                shown,
                f"design.{key}",
                design[key],
                f"not used by a {kind} design (it uses: {', '.join(sorted(SETTINGS[kind]))})",
            )
        )
    n = design.get("base_samples")
    if kind == "sobol" and isinstance(n, int) and n & (n - 1):
        problems.append(
            Problem(
                shown,
                "design.base_samples",
                n,
                f"must be a power of 2 for Sobol sequences, e.g. {2 ** round(math.log2(n))}",
            )
        )


def _check_design_size(
    kind: str, design: dict, factors: tuple[Factor, ...], presets: tuple[str, ...], shown: str, problems: list
) -> None:
    """Refuse, before a point is generated, a design with more points than a run can plan,
    hold and summarise (each point is a few kB of memory and a row of every summary)."""
    d = len(factors)
    rows = {
        "grid": lambda: math.prod(len(f.values) for f in factors),
        "lhs": lambda: design["points"],
        "sobol": lambda: design["base_samples"] * (2 * d + 2 if design.get("second_order", True) else d + 2),
        "morris": lambda: design["trajectories"] * (d + 1),
    }[kind]()
    total = rows * max(1, len(presets))
    if total > MAX_POINTS:
        setting = {"grid": "factors", "lhs": "design.points", "sobol": "design.base_samples"}.get(
            kind, "design.trajectories"
        )
        problems.append(
            Problem(
                shown,
                setting,
                WHOLE_FILE if kind == "grid" else design[setting.removeprefix("design.")],
                f"the design would have {total:,} points ({rows:,} x {max(1, len(presets))} presets); "
                f"at most {MAX_POINTS:,} are allowed: choose fewer",
            )
        )


def _design_points(
    kind: str, design: dict, factors: tuple[Factor, ...], presets: tuple[str, ...], seed: int
) -> tuple[Point, ...]:
    """The design's points, crossed with its presets, in a fixed order."""
    if kind == "grid":
        rows = list(itertools.product(*(f.values for f in factors)))
    else:
        rows = _sample(kind, design, factors, seed).tolist()
    points = []
    for preset in presets:
        for row in rows:
            values = {f.path: (whole(v, f) if f.integer else v) for f, v in zip(factors, row, strict=True)}
            label = (
                f"{preset}: " + ", ".join(f"{short(path)}={value}" for path, value in values.items())
                if kind == "grid"
                else f"{preset} #{len(points)}"
            )
            points.append(Point(len(points), label, preset, values, values, bool(design.get("before_preset"))))
    return tuple(points)


def short(path: str) -> str:
    """A factor's name in a label: "legitimacy" for key_actor.legitimacy.*, "Belu.capacity" for
    regency.Belu.capacity, the last part of the path otherwise."""
    parts = path.split(".")
    if parts[-1] == "*":
        return parts[-2]
    if parts[0] in ("regency", "trust") or parts[:2] == ["key_actor", "legitimacy"]:
        return ".".join(parts[-2:])
    return parts[-1]


def whole(value: float, factor: Factor) -> int:
    """An integer factor's value: sampled over [low - 0.5, high + 0.5] and rounded half up, each
    whole number from low to high takes an equal share of the range, the ends included."""
    return int(min(max(math.floor(value + 0.5), factor.low), factor.high))


def _sample(kind: str, design: dict, factors: tuple[Factor, ...], seed: int) -> np.ndarray:
    """Factor values, one row per point: Latin hypercube (scipy), Saltelli or Morris (SALib);
    an integer factor's range reaches half a step beyond its bounds (see `whole`)."""
    low = np.array([f.low - 0.5 if f.integer else f.low for f in factors])
    high = np.array([f.high + 0.5 if f.integer else f.high for f in factors])
    design_seed = int(np.random.SeedSequence([seed, KINDS.index(kind)]).generate_state(1)[0])
    if kind == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(factors), seed=design_seed).random(design["points"])
        return low + unit * (high - low)
    problem = {
        "num_vars": len(factors),
        "names": [f.path for f in factors],
        "bounds": np.column_stack([low, high]).tolist(),
    }
    if kind == "sobol":
        from SALib.sample import sobol

        return sobol.sample(
            problem, design["base_samples"], calc_second_order=design.get("second_order", True), seed=design_seed
        )
    from SALib.sample import morris

    return morris.sample(problem, design["trajectories"], num_levels=design.get("levels", 4), seed=design_seed)


def _check_points(experiment: Experiment) -> None:
    """Build the scenario of every arm or grid point (the first points of a sampled design), so
    that a combination the scenario cannot take is reported now, not in the middle of a run."""
    points = experiment.points if experiment.kind in ("arms", "grid") else experiment.points[:CHECKED_POINTS]
    problems: list[Problem] = []
    for point in points:
        try:
            point.scenario(experiment.scenario)
        except InputError as error:
            problems += [
                Problem(experiment.file, f"{point.label}: {p.field}", p.value, p.allowed) for p in error.problems
            ]
    if problems:
        raise InputError(problems[:20])
