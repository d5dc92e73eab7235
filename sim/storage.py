"""The results folder of an experiment, and nothing half-written in it.

    DIR/manifest.json        what ran: versions, files, seed, executor, counts, times, status
    DIR/chunks/*.parquet     one file per finished chunk of runs, written as chunks finish and
                             named by a digest of the runs it holds
                             (removed once runs.parquet holds them all)
    DIR/runs.parquet         one row per run, when the experiment is complete
    DIR/trajectories.parquet monthly quantiles of the attributes, for designs of few points
    DIR/summary.csv          one row per arm or design point
    DIR/figures/*.png

Every file is written to a temporary name and renamed into place, so a file is either wholly
there or not at all: a run killed at any moment leaves only whole chunks behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sim.validation import WHOLE_FILE, InputError, Problem

MANIFEST = "manifest.json"
ROW_GROUP_ROWS = 100_000  # rows of runs.parquet written at once: a few tens of MB
UMASK = os.umask(0)
os.umask(UMASK)


def write_atomically(path: Path, write: Any) -> None:
    """Call write(temporary path), then rename the file into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o666 & ~UMASK)  # as an ordinary file would be, not mkstemp's 0600
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class ResultsFolder:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.chunks = self.path / "chunks"

    # What is there ---------------------------------------------------------------------------

    def manifest(self) -> dict | None:
        try:
            return json.loads((self.path / MANIFEST).read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def claim(self, owner: dict[str, str], resume: bool) -> str:
        """Decide what a run into this folder does: "new", "resume" or "complete".

        `owner` is what the results would belong to, as the manifest records it: the
        experiment's name, the identity of its files, and the code that runs it. A folder
        holding the results of anything else (another experiment, other files, other code), or
        files that are not results at all, is refused; an unfinished run needs --resume; a folder
        that cannot be made or written is refused before anything runs.
        """

        def refuse(allowed: str) -> InputError:
            return InputError([Problem(str(self.path), "", WHOLE_FILE, allowed)])

        existing = self.path if self.path.exists() else next(p for p in self.path.parents if p.exists())
        if not existing.is_dir():
            where = "is a file" if existing == self.path else f"cannot be made: {existing} is a file"
            raise refuse(f"{where}, not a folder; choose another --out")
        if not os.access(existing, os.R_OK | os.W_OK | os.X_OK):
            raise refuse(f"cannot be written: no permission to write in {existing}; choose another --out")
        if existing != self.path or not any(self.path.iterdir()):
            return "new"
        manifest = self.manifest()
        if manifest is None:
            raise refuse(
                "holds files but no manifest.json: it is not a results folder of Kerjasama; choose another --out"
            )
        name, theirs = owner["experiment"], manifest.get("experiment")
        if theirs != name:
            raise refuse(f"holds the results of experiment {theirs!r}, not of {name!r}; choose another --out")
        if manifest.get("identity") != owner["identity"]:
            raise refuse(
                f"holds the results of experiment {name!r} as its file or scenario was before they changed; "
                "choose another --out, or delete the folder to start again"
            )
        if manifest.get("code") != owner["code"]:
            raise refuse(
                f"holds results of experiment {name!r} made by {manifest.get('code') or 'an earlier Kerjasama'}, and "
                f"this is {owner['code']}: results of two versions are not mixed; choose another --out, or delete "
                "the folder to start again"
            )
        if manifest.get("status") == "complete":
            return "complete"
        if manifest.get("status") == "failed" and not resume:
            raise refuse(
                "holds a run of this experiment in which every run failed (the errors are in its manifest.json); "
                "add --resume to run them again, or choose another --out"
            )
        if not resume:
            raise refuse(
                "holds an unfinished run of this experiment; add --resume to continue it, or choose another --out"
            )
        return "resume"

    def finished_chunks(self, kind: str = "chunk") -> dict[str, Path]:
        """The chunks already on disk, by name (kind "trajectories": their monthly quantiles)."""
        if not self.chunks.is_dir():
            return {}
        return {p.stem.removeprefix(f"{kind}-"): p for p in self.chunks.glob(f"{kind}-*.parquet")}

    # Writing ---------------------------------------------------------------------------------

    def write_manifest(self, manifest: dict) -> None:
        write_atomically(self.path / MANIFEST, lambda tmp: tmp.write_text(json.dumps(manifest, indent=2, default=str)))

    def write_chunk(self, name: str, runs: dict, trajectories: dict | None = None) -> None:
        """A finished chunk: its trajectories first, its runs last, so that a chunk whose runs
        are on disk is complete."""
        for kind, columns in (("trajectories", trajectories), ("chunk", runs)):
            if columns is not None:
                table = pa.table(columns)
                write_atomically(self.chunks / f"{kind}-{name}.parquet", lambda tmp, t=table: pq.write_table(t, tmp))

    def read_chunks(self, names: list[str], kind: str = "chunk", columns: list[str] | None = None) -> pa.Table:
        """These chunks, in this order, of those on disk."""
        found = self.finished_chunks(kind)
        tables = [pq.read_table(found[name], columns=columns) for name in names if name in found]
        return pa.concat_tables(tables) if tables else pa.table({})

    def saved_runs(self) -> int:
        return sum(pq.ParquetFile(path).metadata.num_rows for path in self.finished_chunks().values())

    def write_table(self, name: str, table: pa.Table) -> None:
        write_atomically(self.path / name, lambda tmp: pq.write_table(table, tmp))

    def write_row_groups(self, name: str, schema: pa.Schema, tables: Iterable[pa.Table]) -> None:
        """A table written as its pieces come, in row groups of about ROW_GROUP_ROWS rows: it
        is never held whole."""

        def write(temporary: Path) -> None:
            with pq.ParquetWriter(temporary, schema) as writer:
                waiting: list[pa.Table] = []
                rows = 0
                for table in tables:
                    waiting.append(table)
                    rows += table.num_rows
                    if rows >= ROW_GROUP_ROWS:
                        writer.write_table(pa.concat_tables(waiting))
                        waiting, rows = [], 0
                if waiting:
                    writer.write_table(pa.concat_tables(waiting))

        write_atomically(self.path / name, write)

    def drop_chunks(self) -> None:
        """Once runs.parquet holds every run, the chunk files are no longer needed."""
        for path in [*self.finished_chunks().values(), *self.finished_chunks("trajectories").values()]:
            path.unlink()
        if self.chunks.is_dir() and not any(self.chunks.iterdir()):
            self.chunks.rmdir()

    def write_text(self, name: str, text: str) -> None:
        write_atomically(self.path / name, lambda tmp: tmp.write_text(text))

    def figure_path(self, name: str) -> Path:
        (self.path / "figures").mkdir(parents=True, exist_ok=True)
        return self.path / "figures" / name
