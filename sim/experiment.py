"""Running an experiment: chunks of runs, on any executor, written as they finish, resumable.

The plan is a pure function of the experiment (and, with `replications = "auto"`, of the results
of its earlier rounds): the same chunks whatever the executor or the number of workers. A chunk
is named by what it holds, so a file on disk is taken as done only when it holds exactly that
chunk. Each chunk runs its cells — (point, first replication, count) — with the ensemble,
design points side by side where their switches agree; replication r of a point draws from
(seed, r), so every point sees the same draws (common random numbers) and a chunk's results do
not depend on which chunk it is or where it runs.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute

from sim import rules
from sim.design import Experiment, Point
from sim.ensemble import simulate_sets
from sim.executors import Executor, dask, local, run_chunks
from sim.machine import disk_free, memory_available, size
from sim.outcomes import outcome_columns, outcomes, wilson
from sim.provenance import code_version, git_state, versions
from sim.scenario import Scenario
from sim.stages import ATTRIBUTES
from sim.storage import DamagedFile, ResultsFolder, is_disk_fault
from sim.summary import WORLD_SUMS, Tallies, point_table
from sim.validation import InputError, Problem
from sim.worlds import PROVENANCE, Worlds

CHUNK_RUNS = 5_000  # runs per chunk: about half a second of work, so two workers share well
TRAJECTORY_RUNS = 500  # runs per point whose monthly attributes make the report's trajectories
TRAJECTORY_POINTS = 60  # designs with more points record no trajectories (too many to show)
ARM_BYTES_PER_RUN = 6  # paired differences: a byte kept a run, five more while a point is gathered


@dataclass(frozen=True)
class Cell:
    point: int
    first: int  # first replication
    count: int


@dataclass(frozen=True)
class Chunk:
    cells: tuple[Cell, ...]

    @property
    def name(self) -> str:
        """A digest of the cells: the same name means the same runs, in any session."""
        cells = ";".join(f"{c.point}:{c.first}:{c.count}" for c in self.cells)
        return hashlib.sha256(cells.encode()).hexdigest()[:16]

    @property
    def runs(self) -> int:
        return sum(cell.count for cell in self.cells)


@dataclass(frozen=True)
class Task:
    """What a worker needs: the chunk, its points, and how to run them."""

    chunk: Chunk
    points: dict[int, Point]
    scenario: Scenario
    seed: int
    months: int
    follow: bool  # record the monthly trajectories of each point's first runs
    identity: str  # the experiment's: what a worker's cached parameters belong to
    worlds: Worlds | None


class Interrupted(Exception):
    """Ctrl-C, or a fault (`fault`: what happened — a full or read-only disk, a file that
    changed while it was read): the chunks already finished are on disk and recorded; the run
    can be resumed."""

    def __init__(self, saved: int, fault: str | None = None):
        self.saved, self.fault = saved, fault
        super().__init__(f"interrupted with {saved} runs saved" + (f" ({fault})" if fault else ""))


# --------------------------------------------------------------------------------------------
# Running a chunk (in a worker)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChunkResult:
    runs: dict[str, np.ndarray]  # outcome columns, one row per run, ordered by cell
    trajectories: dict[str, np.ndarray] | None  # monthly quantiles for the points it followed


def run_chunk(task: Task) -> ChunkResult:
    """Run a chunk's cells, runs side by side wherever their switches agree: the design points,
    and the worlds of an experiment over worlds (replication r of every point in world r's)."""
    cells = task.chunk.cells
    point_of = np.concatenate([np.full(c.count, c.point, dtype=np.int64) for c in cells])
    replications = np.concatenate([np.arange(c.first, c.first + c.count) for c in cells])
    world_of = task.worlds.world_of(replications) if task.worlds else np.full(len(replications), -1)
    keys, key_of_run = np.unique(np.stack([point_of, world_of], axis=1), axis=0, return_inverse=True)
    params = [point_params(task, int(point), int(world)) for point, world in keys]
    starts = np.cumsum([0] + [c.count for c in cells])
    followed_rows = {  # each point's first runs, in the group of its first run
        c.point: np.arange(o, o + min(c.count, TRAJECTORY_RUNS))
        for c, o in zip(cells, starts, strict=False)
        if c.first == 0 and task.follow
    }
    names = task.scenario.regency_names
    trackers: list[TrajectoryTracker] = []

    def observer(rows: np.ndarray, batch: rules.Params):
        watched = {
            point: np.flatnonzero(np.isin(rows, mine)) for point, mine in followed_rows.items() if mine[0] in rows
        }
        if not watched:
            return None
        trackers.append(TrajectoryTracker(watched, names))
        return trackers[-1].observe

    columns: dict[str, np.ndarray] = {}
    groups = simulate_sets(params, key_of_run.ravel(), task.seed, replications, task.months, observer)
    for rows, state, batch in groups:
        for name, values in outcome_columns(outcomes(state, batch), names).items():
            if name not in columns:
                columns[name] = np.empty((len(replications), *values.shape[1:]), dtype=values.dtype)
            columns[name][rows] = values
    columns["point"] = point_of.astype(np.int32)
    columns["replication"] = replications.astype(np.int32)
    if task.worlds:
        columns["world"] = world_of.astype(np.int32)
    followed = [t.table() for t in trackers]
    trajectories = {name: np.concatenate([t[name] for t in followed]) for name in followed[0]} if followed else None
    return ChunkResult(columns, trajectories)


_PARAMS: dict[tuple, rules.Params] = {}  # a worker's parameters by (experiment, point, world)
_WORLDS: dict[tuple, Scenario] = {}  # and the scenarios of the worlds of its latest chunks
MAX_PARAMS, MAX_WORLDS = 60_000, 512  # about 7 KB and 25 KB each


def point_params(task: Task, point: int, world: int) -> rules.Params:
    """The parameters of a point in a world (-1: none), built once per worker process: a chunk
    over 150 worlds would otherwise spend half its time building scenarios."""
    key = (task.identity, point, world)
    if key not in _PARAMS:
        base = task.scenario
        if world >= 0:
            place = (task.identity, world)
            if place not in _WORLDS:
                if len(_WORLDS) >= MAX_WORLDS:
                    _WORLDS.pop(next(iter(_WORLDS)))  # the oldest
                _WORLDS[place] = task.worlds.scenario(task.scenario, world)
            base = _WORLDS[place]
        if len(_PARAMS) >= MAX_PARAMS:
            _PARAMS.pop(next(iter(_PARAMS)))
        _PARAMS[key] = task.points[point].scenario(base).params()
    return _PARAMS[key]


class TrajectoryTracker:
    """Each month, the 10th, 50th and 90th percentile and the mean of every attribute of every
    regency over a point's first runs: the trajectories of the report."""

    def __init__(self, watched: dict[int, np.ndarray], names: tuple[str, ...]):
        self.watched, self.names = watched, names
        self.rows: dict[str, list] = defaultdict(list)

    def observe(self, month: int, state: rules.State) -> None:
        values = dict(zip(ATTRIBUTES, rules.attribute_values(state), strict=True))
        for point, rows in self.watched.items():
            for attribute, array in values.items():
                q10, q50, q90 = np.quantile(array[rows], [0.1, 0.5, 0.9], axis=0)
                for i, name in enumerate(self.names):
                    for key, value in (("point", point), ("month", month), ("regency", name), ("attribute", attribute)):
                        self.rows[key].append(value)
                    for key, value in (
                        ("q10", q10[i]),
                        ("q50", q50[i]),
                        ("q90", q90[i]),
                        ("mean", array[rows, i].mean()),
                    ):
                        self.rows[key].append(value)

    def table(self) -> dict[str, np.ndarray]:
        return {key: np.asarray(values) for key, values in self.rows.items()}


# --------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------


def batch_key(point: Point) -> tuple:
    """Points that probably share their switches, so that a chunk can run them side by side:
    the same preset and the same overrides that are not numbers (whole numbers mostly run side
    by side too — stage and drought durations do; `run_chunk` separates any that cannot)."""
    switches = (
        (k, repr(v)) for k, v in point.overrides.items() if isinstance(v, bool) or not isinstance(v, (int, float))
    )
    return (point.preset, tuple(sorted(switches)))


def plan(points: list[Point], ranges: dict[int, range]) -> list[Chunk]:
    """Chunks of at most CHUNK_RUNS runs covering each point's range of replications."""
    cells = []
    for point in sorted(points, key=lambda p: (batch_key(p), p.id)):
        span = ranges[point.id]
        for start in range(span.start, span.stop, CHUNK_RUNS):
            cells.append((batch_key(point), Cell(point.id, start, min(CHUNK_RUNS, span.stop - start))))
    chunks, current, size, key = [], [], 0, None
    for cell_key, cell in cells:
        if current and (size + cell.count > CHUNK_RUNS or cell_key != key):
            chunks.append(Chunk(tuple(current)))
            current, size = [], 0
        current.append(cell)
        size += cell.count
        key = cell_key
    if current:
        chunks.append(Chunk(tuple(current)))
    return chunks


def rounds(experiment: Experiment, folder: ResultsFolder, records: dict) -> Iterator[list[Chunk]]:
    """The chunks to run, round by round. A fixed number of replications is one round; "auto"
    adds a batch to every point whose interval is still too wide, until all are narrow enough
    or reach the cap. Each round is decided from the chunks of the rounds before it, once they
    are on disk, so a resumed run takes the same decisions whatever else an earlier session
    left behind."""
    points = list(experiment.points)
    if experiment.auto is None:
        yield plan(points, {p.id: range(experiment.replications) for p in points})
        return
    auto, done = experiment.auto, {p.id: 0 for p in points}
    tally = {p.id: (0, 0) for p in points}  # (runs formed, runs) on disk, of the rounds so far
    pending = points
    while pending:
        ranges = {p.id: range(done[p.id], min(done[p.id] + auto.batch, auto.max_replications)) for p in pending}
        chunks = plan(pending, ranges)
        yield chunks
        for point, (formed, runs) in formation_counts(folder, records, chunks).items():
            tally[point] = (tally[point][0] + formed, tally[point][1] + runs)
        for p in pending:
            done[p.id] = ranges[p.id].stop
        pending = [
            p
            for p in pending
            if done[p.id] < auto.max_replications and half_width(*tally[p.id]) > auto.target_half_width
        ]


def formation_counts(folder: ResultsFolder, records: dict, chunks: list[Chunk]) -> dict[int, tuple[int, int]]:
    """Per point: (runs formed, runs) in these chunks, of those recorded (verified as read)."""
    tables = [
        folder.read_chunk(c.name, records[c.name], columns=["point", "formed"]) for c in chunks if c.name in records
    ]
    if not tables:
        return {}
    frame = pa.concat_tables(tables).to_pandas()
    grouped = frame.groupby("point")["formed"].agg(["sum", "count"])
    return {int(point): (int(row["sum"]), int(row["count"])) for point, row in grouped.iterrows()}


def half_width(formed: int, runs: int) -> float:
    if runs == 0:
        return 1.0
    low, high = wilson(formed, runs)
    return (high - low) / 2


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExperimentResult:
    folder: Path
    summary: pd.DataFrame
    manifest: dict
    reused: bool = False  # the folder already held the complete results


def run_experiment(
    experiment: Experiment,
    out: str | Path,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: object | None = None,
    notify: Callable[[str], None] = lambda message: None,
) -> ExperimentResult:
    """Run an experiment into a results folder; see the module docstring.

    `progress`, if given, has `update(runs)` and a settable `total` (a tqdm bar does);
    `notify` is told of chunks found damaged or unrecorded, which are run again.
    """
    folder = ResultsFolder(out)
    code = code_version()
    with folder.owned():
        try:
            status = folder.claim(
                {"experiment": experiment.name, "identity": experiment.identity, "code": code}, resume
            )
        except OSError as error:
            raise folder.refuse(f"cannot be read or tidied ({error.strerror or error}); choose another --out") from None
        if status == "complete":
            summary = pd.read_csv(folder.path / "summary.csv")
            return ExperimentResult(folder.path, summary, folder.manifest(), reused=True)
        if status == "new":
            check_room(experiment, folder.path)
        executor = dask(scheduler) if scheduler else local(workers)
        previous = folder.manifest() if status == "resume" else None
        manifest = start_manifest(experiment, code, executor, previous)
        records: dict[str, dict] = {}
        saved = lambda: sum(record["runs"] for record in records.values())  # noqa: E731
        try:
            records.update(trusted_chunks(folder, (previous or {}).get("chunks"), notify))
            manifest["chunks"] = records
            folder.write_manifest(manifest)
            planned, seconds, runs_now = run_rounds(experiment, folder, executor, manifest, progress, notify)
            result = finish(experiment, folder, planned, manifest, seconds, runs_now)
        except KeyboardInterrupt:
            executor.shutdown(cancel=True)
            mark_interrupted(folder, manifest)
            raise Interrupted(saved()) from None
        except DamagedFile as error:  # changed after it was checked: the resume checks it again
            executor.shutdown(cancel=True)
            mark_interrupted(folder, manifest, str(error))
            raise Interrupted(saved(), f"{error}; a resume runs it again") from None
        except OSError as error:
            executor.shutdown(cancel=True)
            if not is_disk_fault(error):
                raise
            fault = f"could not write in {folder.path} ({error.strerror or error})"
            mark_interrupted(folder, manifest, f"{fault} (errno {error.errno})")
            raise Interrupted(saved(), fault) from None
        except BaseException:
            executor.shutdown(cancel=True)  # no workers left behind by an error of this process
            raise
        executor.shutdown()
        return result


def mark_interrupted(folder: ResultsFolder, manifest: dict, fault: str | None = None) -> None:
    """Say so in the manifest, if the disk still lets it be said (a full disk may not), unless
    the run got as far as marking itself complete (or failed) first."""
    try:
        if (folder.manifest() or {}).get("status") in ("complete", "failed"):
            return
    except InputError:
        return
    manifest.update(status="interrupted", interrupted=now())
    if fault is not None:
        manifest["fault"] = fault
    try:
        folder.write_manifest(manifest)
    except OSError:
        pass  # the previous manifest stands: status "running", which a resume treats alike


def trusted_chunks(folder: ResultsFolder, recorded: dict | None, notify: Callable[[str], None]) -> dict[str, dict]:
    """The chunks an earlier session recorded whose files are intact; the others (damaged,
    missing, or written but never recorded: their writer was killed) are removed, to be run
    again — same seed, same runs."""
    trusted: dict[str, dict] = {}
    for name, record in (recorded or {}).items():
        problem = folder.check_chunk(name, record)
        if problem is None:
            trusted[name] = record
        else:
            notify(f"{folder.path}: chunk {name}: {problem}; its {record['runs']:,} runs are run again")
            folder.remove_chunk(name)
    for name in folder.chunk_names() - set(trusted):
        folder.remove_chunk(name)  # written but not recorded: a kill between the two
    return trusted


def run_rounds(
    experiment: Experiment,
    folder: ResultsFolder,
    executor: Executor,
    manifest: dict,
    progress: object | None,
    notify: Callable[[str], None],
) -> tuple[list[Chunk], float, int]:
    """Run every round's chunks not yet recorded, recording each as it is written; then check
    the recorded chunks once more and run again any that were damaged meanwhile."""
    records: dict[str, dict] = manifest["chunks"]
    failures: list[dict] = manifest.setdefault("failures", [])
    counts = {"done": 0}
    started = time.perf_counter()
    points = {p.id: p for p in experiment.points}
    follow = len(points) <= TRAJECTORY_POINTS

    def finished(task: Task, result: ChunkResult) -> None:
        record = folder.write_chunk(task.chunk.name, result.runs, result.trajectories)
        records[task.chunk.name] = {"runs": task.chunk.runs, **record}
        folder.write_manifest(manifest)
        counts["done"] += task.chunk.runs
        if progress is not None:
            progress.update(task.chunk.runs)

    def failed(task: Task, error: str) -> None:
        failures.append(
            {
                "chunk": task.chunk.name,
                "runs": task.chunk.runs,
                "points": sorted({c.point for c in task.chunk.cells}),
                "error": error,
            }
        )
        if progress is not None:
            progress.update(task.chunk.runs)

    def run(chunks: list[Chunk]) -> None:
        tasks = [
            Task(
                c,
                {cell.point: points[cell.point] for cell in c.cells},
                experiment.scenario,
                experiment.seed,
                experiment.months,
                follow,
                experiment.identity,
                experiment.worlds,
            )
            for c in chunks
        ]
        run_chunks(executor, run_chunk, tasks, finished, failed)

    planned: list[Chunk] = []
    for chunks in rounds(experiment, folder, records):
        planned += chunks
        todo = [c for c in chunks if c.name not in records]
        if progress is not None:
            progress.total = (progress.total or 0) + sum(c.runs for c in chunks)
            progress.update(sum(c.runs for c in chunks) - sum(c.runs for c in todo))
        run(todo)
    damaged = [c for c in planned if c.name in records and folder.check_chunk(c.name, records[c.name])]
    for chunk in damaged:
        notify(f"{folder.path}: chunk {chunk.name}: {folder.check_chunk(chunk.name, records[chunk.name])}; run again")
        folder.remove_chunk(chunk.name)
        del records[chunk.name]
    run(damaged)
    return planned, time.perf_counter() - started, counts["done"]


def check_room(experiment: Experiment, out: Path) -> None:
    """Refuse, before anything is written, an experiment whose results would not fit: its chunk
    files and runs.parquet (both on disk at the end) on the results folder's disk, and for arms
    the byte a run that the paired differences keep in memory."""
    replications = experiment.replications or experiment.auto.max_replications
    runs = len(experiment.points) * replications
    setting = "replications" if experiment.auto is None else "max_replications"

    def refuse(needed: float, room: float, what: str) -> InputError:
        allowed = (
            f"{len(experiment.points):,} {'arms' if experiment.kind == 'arms' else 'points'} x {replications:,} "
            f"replications would need about {size(needed)} "
            f"{what} ({size(room)}); choose fewer {setting.replace('_', ' ')}"
        )
        return InputError([Problem(experiment.file, f"experiment.{setting}", replications, allowed)])

    per_run = sum(max(field.type.bit_width, 8) // 8 for field in run_schema(experiment))
    free, where = disk_free(out)
    if 2 * runs * per_run > 0.8 * free:
        raise refuse(2 * runs * per_run, free, f"of disk for the results, more than is free in {where}")
    available = memory_available()
    if experiment.kind == "arms" and available is not None and ARM_BYTES_PER_RUN * runs > 0.8 * available:
        raise refuse(
            ARM_BYTES_PER_RUN * runs, available, "of memory for the paired differences, more than is available"
        )
    if experiment.worlds and available is not None:  # the sums of each point in each world
        tallies = len(experiment.points) * experiment.worlds.count * 8 * len(WORLD_SUMS)
        if tallies > 0.8 * available:
            problem = Problem(
                experiment.file,
                "experiment.worlds",
                experiment.worlds.file,
                f"{len(experiment.points):,} points x {experiment.worlds.count:,} worlds would need about "
                f"{size(tallies)} of memory for their sums ({size(available)} are available); use fewer worlds or points",
            )
            raise InputError([problem])


def finish(
    experiment: Experiment,
    folder: ResultsFolder,
    chunks: list[Chunk],
    manifest: dict,
    seconds: float,
    runs_now: int,
) -> ExperimentResult:
    """Gather the planned chunks into runs.parquet, summarise, draw, record every file's hash
    and mark the manifest complete (or failed, if no chunk succeeded: the tables are there, with
    no runs in them); then remove the chunk files."""
    from sim.figures import formation_figure

    records: dict[str, dict] = manifest["chunks"]
    tallies = Tallies(experiment)
    files = {"runs.parquet": gather_runs(folder, chunks, records, experiment, tallies)}
    followed = [
        folder.read_chunk(c.name, records[c.name], "trajectories")
        for c in chunks
        if records.get(c.name, {}).get("trajectories_sha256")
    ]
    if followed:
        trajectories = pa.concat_tables(followed)
        order = pa.compute.sort_indices(
            trajectories,
            [("point", "ascending"), ("month", "ascending"), ("regency", "ascending"), ("attribute", "ascending")],
        )
        files["trajectories.parquet"] = folder.write_table("trajectories.parquet", trajectories.take(order))
    summary = tallies.summary()
    files["summary.csv"] = folder.write_text("summary.csv", summary.to_csv(index=False))
    if experiment.worlds:
        worlds = experiment.worlds
        table = worlds.table().replace_schema_metadata({PROVENANCE: json.dumps(worlds.provenance)})
        files["worlds.parquet"] = folder.write_table("worlds.parquet", table)
        files["worlds.csv"] = folder.write_text("worlds.csv", tallies.world_table().to_csv(index=False))
    formation_figure(summary, folder.path / "figures" / "formation.png", experiment.months)  # redrawn by reports
    done, failed_runs = int(summary["replications"].sum()), sum(f["runs"] for f in manifest["failures"])
    final = {key: value for key, value in manifest.items() if key != "chunks"}  # runs.parquet's hash stands for them
    final.update(
        status="complete" if done else "failed",  # failed: every chunk failed, the errors are in "failures"
        finished=now(),
        files=files,
        runs={"done": done, "failed": failed_runs, "this_session": runs_now},
        seconds_this_session=round(seconds, 3),
        runs_per_second_this_session=round(runs_now / seconds, 1) if seconds > 0 else None,
    )
    folder.write_manifest(final)
    folder.drop_chunks()
    return ExperimentResult(folder.path, summary, final)


def gather_runs(
    folder: ResultsFolder, chunks: list[Chunk], records: dict, experiment: Experiment, tallies: Tallies
) -> str:
    """Write runs.parquet from the recorded chunks, one row per run in (point, replication)
    order, with what each point is, and add each point's runs to its tallies on the way; return
    its hash. A chunk file is read (and verified) when its first cell comes up and let go after
    its last: memory holds a few chunks and a row group, however many runs there are."""
    cells = sorted(
        (cell.point, cell.first, chunk.name, offset, cell.count)
        for chunk in chunks
        if chunk.name in records
        for cell, offset in zip(chunk.cells, np.cumsum([0] + [c.count for c in chunk.cells]), strict=False)
    )
    last_use = {name: i for i, (_, _, name, _, _) in enumerate(cells)}
    labels = pa.Table.from_pandas(point_table(experiment), preserve_index=False)
    schema = pa.schema([*labels.schema, *run_schema(experiment)])

    def labelled_runs() -> Iterator[pa.Table]:
        loaded: dict[str, pa.Table] = {}
        for i, (point, _, name, offset, count) in enumerate(cells):
            if name not in loaded:
                loaded[name] = folder.read_chunk(name, records[name])
            runs = loaded[name].slice(offset, count)
            if last_use[name] == i:
                del loaded[name]
            tallies.add(point, runs)
            rows = labels.take(pa.array(np.full(count, point)))  # point ids are positions
            yield pa.Table.from_arrays(
                [*rows.columns, *runs.select(schema.names[labels.num_columns :]).columns], schema=schema
            )

    return folder.write_row_groups("runs.parquet", schema, labelled_runs())


def run_schema(experiment: Experiment) -> pa.Schema:
    """The replication and outcome columns of runs.parquet, from an empty run: known before any
    chunk has run, and if none does."""
    scenario = experiment.scenario
    p = scenario.params()
    columns = outcome_columns(outcomes(rules.initial_state(p, (0,)), p), scenario.regency_names)
    worlds = {"world": np.zeros(0, np.int32)} if experiment.worlds else {}
    return pa.table({"replication": np.zeros(0, np.int32), **worlds, **columns}).schema


# --------------------------------------------------------------------------------------------
# The manifest
# --------------------------------------------------------------------------------------------


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def start_manifest(experiment: Experiment, code: str, executor: Executor, previous: dict | None) -> dict:
    manifest = {
        "experiment": experiment.name,
        "description": experiment.description,
        "file": experiment.file,
        "identity": experiment.identity,
        "code": code,
        "contents": experiment.text,
        "scenario": {
            "name": experiment.scenario.name,
            "file": experiment.scenario.file,
            "sha256": experiment.scenario.sha256,
        },
        "kind": experiment.kind,
        "points": len(experiment.points),
        "presets": list(experiment.presets),
        "factors": [
            {"path": f.path, "values": list(f.values), "low": f.low, "high": f.high, "integer": f.integer}
            for f in experiment.factors
        ],
        "design": experiment.design,
        "outputs": list(experiment.outputs),
        "worlds": experiment.worlds.record() if experiment.worlds else None,
        "seed": experiment.seed,
        "months": experiment.months,
        "replications": {"requested": experiment.replications if experiment.auto is None else "auto"},
        "engine": "ensemble",
        "executor": executor.description,
        "versions": versions(),
        "git": git_state(),
        "status": "running",
        "started": now(),
        "failures": [],
    }
    if previous:
        manifest["started"] = previous.get("started", manifest["started"])
        manifest["resumed"] = [*previous.get("resumed", []), now()]
    return manifest
