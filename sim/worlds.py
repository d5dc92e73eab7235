"""Plausible worlds: the parameter sets of a calibration's posterior, one for each replication.

An experiment (or `kerjasama run --replications`) over worlds runs replication r of every arm in
world `world_of(r)` — the same world for every arm (common worlds, as well as common random
numbers), so that setups are compared world by world. The world of a replication depends on
its number alone (a golden-ratio sequence over the cumulative weights), whatever the chunks and
in every session; any run of consecutive replications visits the worlds in proportion to their
weights, within a replication or two each.

A posterior carries its provenance (written by `kerjasama calibrate` into the Parquet metadata):
the scenario file's hash, which must be the experiment's scenario, and a fingerprint of the
model's runs, which tells when the rules have changed since the calibration.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.scenario import Scenario
from sim.validation import InputError, Problem

POSTERIOR = "posterior"  # worlds = "posterior": the posterior that ships beside the scenario
NONE = "none"  # --worlds none: the scenario's own numbers, whatever the experiment file says
SUFFIX = ".posterior.parquet"
PROVENANCE = b"kerjasama.provenance"
NOT_PARAMETERS = ("set", "world", "distance", "weight")
MAX_WORLDS = 100_000
FINGERPRINT_RUNS = 64
FINGERPRINT_MONTHS = 120  # a fixed horizon: the fingerprint must not follow --months
FEW_RUNS = 50  # runs a world below which the range over the worlds is mostly chance
GOLDEN = (5**0.5 - 1) / 2


@dataclass(frozen=True)
class Worlds:
    """W parameter sets (dotted path -> value) and their weights."""

    file: str  # as the user named it
    path: Path
    sha256: str  # of the worlds' values and weights (`table_digest`): what results belong to
    paths: tuple[str, ...]
    values: tuple[tuple[Any, ...], ...]  # one tuple of values per world, in the order of `paths`
    weights: np.ndarray  # (W,) summing to 1
    provenance: dict
    current: bool = True  # the model gives the runs it gave when the posterior was calibrated

    @property
    def count(self) -> int:
        return len(self.values)

    def world_of(self, replications: np.ndarray) -> np.ndarray:
        """The world of each replication: where frac(1/2 + r·(φ − 1)) falls among the cumulative
        weights (a golden-ratio sequence, the most evenly spread there is)."""
        position = np.modf(0.5 + np.asarray(replications, dtype=np.float64) * GOLDEN)[0]
        world = np.searchsorted(np.cumsum(self.weights), position, side="right")
        return np.minimum(world, self.count - 1).astype(np.int32)

    def overrides(self, world: int) -> dict[str, Any]:
        return dict(zip(self.paths, self.values[world], strict=True))

    def scenario(self, base: Scenario, world: int) -> Scenario:
        """`base` in a world: its own numbers set before its preset, which keeps its own (the
        governor's meetings under province_led are not the bishop's)."""
        return base.with_base_overrides(self.overrides(world), source=f"{self.file}, world {world}")

    def table(self) -> pa.Table:
        """The worlds as a table: world, its values, its weight."""
        columns = {"world": np.arange(self.count, dtype=np.int32)}
        for k, path in enumerate(self.paths):
            columns[path] = np.array([values[k] for values in self.values])
        columns["weight"] = self.weights
        return pa.table(columns)

    def record(self) -> dict:
        """What a manifest says of the worlds an experiment ran over."""
        return {
            "file": self.file,
            "values_sha256": self.sha256,
            "worlds": self.count,
            "parameters": len(self.paths),
            "provenance": self.provenance,
            "model_unchanged": self.current,
        }


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, quantiles: list[float]) -> list[float]:
    """Quantiles of values counted `weights` times each (as np.quantile of the repeated values)."""
    return [float(q) for q in np.quantile(np.repeat(values, np.asarray(weights, dtype=np.int64)), quantiles)]


def true_range(means: np.ndarray, noise: np.ndarray, runs: np.ndarray) -> list[float]:
    """The central 95 % of the worlds' own values of an outcome, with the chance of their runs
    taken out: a world's mean over its runs scatters around its true value by `noise` (the
    variance of a mean of its runs), so the worlds' deviations from their common mean are scaled
    to the spread of the true values — the observed variance less the mean noise (method of
    moments) — before the quantiles (each world counted by its runs). With identical worlds the
    range shrinks to the mean; with few runs a world it is no longer mostly chance."""
    weight = runs / runs.sum()
    mean = float((weight * means).sum())
    observed = float((weight * (means - mean) ** 2).sum())
    spread = max(observed - float((weight * noise).sum()), 0.0)
    scale = (spread / observed) ** 0.5 if observed > 0 else 0.0
    return weighted_quantiles(mean + (means - mean) * scale, runs, [0.025, 0.975])


def rate_noise(rates: np.ndarray, runs: np.ndarray) -> np.ndarray:
    """The variance of a rate estimated from `runs` runs (unbiased: p(1 - p) / (n - 1))."""
    return rates * (1 - rates) / np.maximum(runs - 1, 1)


def over_worlds(values: np.ndarray, world: np.ndarray, chance: list[float] | None = None) -> list[float]:
    """Chance and parametric uncertainty of a mean over runs: the range of the worlds' own
    values (`true_range`) — widened, where needed, to hold the interval of chance alone."""
    runs = np.bincount(world)
    present = np.flatnonzero(runs)
    values = values.astype(float)
    means = np.bincount(world, values)[present] / runs[present]
    squares = np.bincount(world, values**2)[present] / runs[present]
    n = runs[present]
    noise = np.maximum(squares - means**2, 0) * n / np.maximum(n - 1, 1) / n
    low, high = true_range(means, noise, n)
    return [min(low, chance[0]), max(high, chance[1])] if chance else [low, high]


def scenario_posterior(scenario: Scenario) -> Path | None:
    """The posterior that ships beside a scenario file (`<name>.posterior.parquet`), if any."""
    if scenario.path is None:
        return None
    candidate = scenario.path.with_name(scenario.path.stem + SUFFIX)
    return candidate if candidate.is_file() else None


def fingerprint(scenario: Scenario) -> str:
    """A digest of a few runs of every setup of the scenario: whole-number outcomes only, so that
    it changes with the rules, not with the last bit of a float on another machine."""
    if scenario.sha256 not in _FINGERPRINTS:
        _FINGERPRINTS[scenario.sha256] = _fingerprint(scenario)
    return _FINGERPRINTS[scenario.sha256]


_FINGERPRINTS: dict[str, str] = {}


def _fingerprint(scenario: Scenario) -> str:
    from sim.ensemble import run_ensemble

    digest = hashlib.sha256()
    for setup in sorted(scenario.presets):
        o = run_ensemble(scenario.with_setup(setup), FINGERPRINT_RUNS, seed=0, months=FINGERPRINT_MONTHS).outcomes
        for values in (o.month_formed, o.highest_stage, o.members):
            digest.update(np.ascontiguousarray(values, dtype=np.int64).tobytes())
    return digest.hexdigest()[:16]


def parameter_columns(table: pa.Table) -> list[str]:
    """The columns of a posterior that name numbers of the scenario (the rest: set, world,
    distance, weight, and the calibration's pattern_<i> and miss_<i>)."""
    return [c for c in table.column_names if c not in NOT_PARAMETERS and not c.startswith(("pattern_", "miss_"))]


def table_digest(table: pa.Table) -> str:
    """SHA-256 of a posterior's parameter values and weights, whatever else the file holds:
    `kerjasama calibrate` records it in the provenance, so that an edited copy is not read as
    the calibration's, and an experiment's results belong to these values, not to the bytes."""
    content = {c: table.column(c).to_pylist() for c in parameter_columns(table)}
    content["weight"] = table.column("weight").to_pylist() if "weight" in table.column_names else None
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def load_worlds(name: str, scenario: Scenario, relative_to: Path, shown: str, field: str) -> Worlds:
    """The worlds `name` gives ("posterior", or a Parquet file relative to `relative_to`),
    checked: each a valid set of overrides of `scenario`, from a calibration of that scenario.
    InputError naming `shown`, `field`, the value and what is allowed."""

    def refuse(allowed: str) -> InputError:
        return InputError([Problem(shown, field, name, allowed)])

    if name == POSTERIOR:
        path = scenario_posterior(scenario)
        if path is None:
            raise refuse(
                f"{scenario.file} ships no posterior beside it (<name>{SUFFIX}); run `kerjasama calibrate` "
                "and name its DIR/posterior.parquet"
            )
    else:
        path = Path(name) if Path(name).is_absolute() else relative_to / name
        if not path.is_file():
            raise refuse(f'must be "{POSTERIOR}" or a posterior.parquet of `kerjasama calibrate`; no file at {path}')
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError) as error:
        raise refuse(f"must be a Parquet table of worlds; {path} cannot be read as one ({error})") from None
    metadata = table.schema.metadata or {}
    if PROVENANCE not in metadata:
        raise refuse(f"{path} has no provenance: worlds come from the posterior.parquet of `kerjasama calibrate`")
    try:
        provenance = json.loads(metadata[PROVENANCE])
    except ValueError:
        provenance = None
    if not isinstance(provenance, dict) or not isinstance(provenance.get("scenario"), dict):
        raise refuse(f"{path}: its provenance cannot be read as `kerjasama calibrate` writes it")
    _check_recorded_hash(path, sha256, refuse)
    if provenance["scenario"].get("sha256") != scenario.sha256:
        raise refuse(
            f"{path} was calibrated on another scenario file (or another version of {scenario.file}); "
            f"calibrate again: {provenance.get('command', 'kerjasama calibrate')}"
        )
    if provenance.get("worlds_sha256") != table_digest(table):
        raise refuse(f"{path}: its worlds are not those its calibration wrote (the values or weights were edited)")
    worlds = _worlds(table, name, path, provenance, scenario, refuse)
    return replace(worlds, current=provenance.get("fingerprint") == fingerprint(scenario))


def _check_recorded_hash(path: Path, sha256: str, refuse) -> None:
    """A posterior inside a calibration folder must be the file its manifest recorded."""
    manifest = path.parent / "manifest.json"
    if not manifest.exists():
        return
    try:
        recorded = json.loads(manifest.read_text(encoding="utf-8")).get("files", {}).get(path.name)
    except (OSError, ValueError, AttributeError):
        raise refuse(f"{path}: the manifest.json beside it cannot be read, so the file cannot be checked") from None
    if isinstance(recorded, str) and recorded != sha256:
        raise refuse(f"{path} has changed since `kerjasama calibrate` wrote it (its hash differs from {manifest})")


def _worlds(table: pa.Table, name: str, path: Path, provenance: dict, scenario: Scenario, refuse) -> Worlds:
    from sim.uncertainty import uncertain_numbers

    columns = table.column_names
    if "weight" not in columns or not pa.types.is_floating(table.column("weight").type):
        raise refuse(f"{path} has no weight column of numbers")
    if not 1 <= table.num_rows <= MAX_WORLDS:
        raise refuse(f"{path} holds {table.num_rows:,} worlds; 1 to {MAX_WORLDS:,} are allowed")
    paths = tuple(parameter_columns(table))
    if not paths:
        raise refuse(f"{path} names no parameter (its columns: {', '.join(columns)})")
    uncertain = {u.path for u in uncertain_numbers(scenario)}
    foreign = [c for c in paths if c not in uncertain]
    if foreign:
        raise refuse(f"{path}: {', '.join(foreign)} must be numbers the scenario's [uncertainty] declares")
    weights = table.column("weight").to_numpy(zero_copy_only=False).astype(float)
    if not (np.isfinite(weights).all() and (weights >= 0).all() and weights.sum() > 0):
        raise refuse(f"{path}: the weights must be finite, not negative, and not all zero")
    lists = []
    for column in paths:
        array = table.column(column)
        if not (pa.types.is_integer(array.type) or pa.types.is_floating(array.type)) or array.null_count:
            raise refuse(f"{path}: column {column!r} must hold a number for every world")
        lists.append([int(v) if pa.types.is_integer(array.type) else float(v) for v in array.to_pylist()])
    values = tuple(zip(*lists, strict=True))
    worlds = Worlds(name, path, table_digest(table), paths, values, weights / weights.sum(), provenance)
    for world in range(worlds.count):  # every world must be a scenario that can run
        try:
            worlds.scenario(scenario, world)
        except InputError as error:
            first = error.problems[0]
            raise refuse(
                f"world {world} is not a valid scenario: {first.field} = {first.value!r} {first.allowed}"
            ) from None
    return worlds
