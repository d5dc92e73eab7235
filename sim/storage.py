"""The results folder of an experiment: owned by one process, written durably, verified when read.

    DIR/.lock                held (flock) by the process that runs or reports into DIR
    DIR/manifest.json        what ran: versions, files, seed, executor, counts, times, status,
                             and the SHA-256 of every chunk and every result file
    DIR/chunks/*.parquet     one file per finished chunk of runs, named by a digest of the runs
                             it holds (removed once runs.parquet holds them all)
    DIR/runs.parquet         one row per run, when the experiment is complete
    DIR/trajectories.parquet monthly quantiles of the attributes, for designs of few points
    DIR/summary.csv          one row per arm or design point
    DIR/figures/*.png, DIR/report.html

Every file is written by `write_atomically`: to a temporary file in the same folder, flushed to
the disk, renamed into place, and the folder flushed too, so after a kill or a power cut a file
is either wholly there (as it was written) or not at all. A chunk is trusted only if the
manifest records it and its bytes still have the recorded hash.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sim import faults
from sim.validation import WHOLE_FILE, InputError, Problem

MANIFEST = "manifest.json"
LOCK = ".lock"
ROW_GROUP_ROWS = 100_000  # rows of runs.parquet written at once: a few tens of MB
UMASK = os.umask(0)
os.umask(UMASK)
_DIGEST = re.compile(r"^(chunk|trajectories)-[0-9a-f]+\.parquet$")


class DamagedFile(Exception):
    """A file of a results folder is not what its manifest says it is."""

    def __init__(self, path: Path, what: str):
        self.path, self.what = path, what
        super().__init__(f"{path}: {what}")


# --------------------------------------------------------------------------------------------
# Writing and reading files durably
# --------------------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _flush_to_disk(path: Path) -> str:
    """fsync a written file and return its SHA-256 (read back once, as it will be read)."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
        os.fsync(file.fileno())
    return digest.hexdigest()


def _flush_folder(folder: Path) -> None:
    """fsync a folder, so that a rename in it survives a power cut."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _kind(name: str) -> str:
    """The file's name for the fault-injection points: chunk digests dropped."""
    found = _DIGEST.match(name)
    return found.group(1) if found else name


def write_atomically(path: Path, write: Callable[[Path], Any]) -> str:
    """Call write(temporary path), flush it to disk, rename it into place, flush the folder;
    return the file's SHA-256. Every file Kerjasama writes goes through here."""
    path = Path(path)
    kind = _kind(path.name)
    faults.point("before-write", kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(handle)
    try:
        write(Path(temporary))
        digest = _flush_to_disk(Path(temporary))
        os.chmod(temporary, 0o666 & ~UMASK)  # as an ordinary file would be, not mkstemp's 0600
        faults.point("before-rename", kind)
        os.replace(temporary, path)
        _flush_folder(path.parent)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    faults.point("after-rename", kind)
    return digest


def seal(manifest: dict) -> str:
    """SHA-256 of a manifest without its seal, as JSON with sorted keys."""
    rest = {key: value for key, value in manifest.items() if key != "seal"}
    return hashlib.sha256(json.dumps(rest, sort_keys=True, default=str).encode()).hexdigest()


def write_text(path: Path, text: str) -> str:
    return write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def read_verified(path: Path, digest: str) -> bytes:
    """The file's bytes, if their SHA-256 is `digest`; else DamagedFile."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DamagedFile(path, "is missing") from None
    if hashlib.sha256(data).hexdigest() != digest:
        raise DamagedFile(path, "has changed since it was written (its SHA-256 differs from the manifest's)")
    return data


def parquet_from(data: bytes, columns: list[str] | None = None) -> pa.Table:
    return pq.read_table(io.BytesIO(data), columns=columns)


# --------------------------------------------------------------------------------------------
# The folder
# --------------------------------------------------------------------------------------------


class ResultsFolder:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.chunks = self.path / "chunks"

    def refuse(self, allowed: str) -> InputError:
        return InputError([Problem(str(self.path), "", WHOLE_FILE, allowed)])

    # Owning it ------------------------------------------------------------------------------

    @contextmanager
    def owned(self, make: bool = True) -> Iterator[None]:
        """Hold the folder's lock for the duration: one process at a time runs or reports into
        a folder. The kernel releases the lock when its owner dies, so a crash never blocks a
        resume; a second process is refused at once, with the owner's PID."""
        made = [p for p in (self.path, *self.path.parents) if not p.exists()] if make else []
        if make:
            self._check_can_make()
            try:
                self.path.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise self.refuse(f"cannot be made ({error.strerror}); choose another --out") from None
        elif not self.path.is_dir():
            raise self.refuse("no such results folder")
        lock = self.path / LOCK
        fresh = not lock.exists()
        try:
            handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666 & ~UMASK)
        except OSError as error:
            try:  # a lock file this user cannot write (another's, or a read-only folder): lock it read-only
                handle = os.open(lock, os.O_RDONLY)
            except OSError:
                if make:
                    raise self.refuse(f"cannot be written ({error.strerror}); choose another --out") from None
                handle = None  # a read-only folder without a lock file: nothing can be written into it anyway
        if handle is None:
            yield
            return
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                owner = os.pread(handle, 64, 0).decode(errors="replace").strip() or "unknown"
                raise self.refuse(
                    f"is in use by another Kerjasama process (PID {owner}); wait until it ends, "
                    "or choose another folder"
                ) from None
            try:
                os.ftruncate(handle, 0)
                os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)
            except OSError:
                pass  # the PID only informs a second process; a full disk or a read-only lock is no reason to stop
            try:
                yield
            except InputError:  # refused before anything was written: leave nothing behind
                if fresh and {p.name for p in self.path.iterdir()} <= {LOCK}:
                    lock.unlink(missing_ok=True)
                    for folder in made:
                        folder.rmdir()
                raise
        finally:
            os.close(handle)

    def _check_can_make(self) -> None:
        existing = self.path if self.path.exists() else next(p for p in self.path.parents if p.exists())
        if not existing.is_dir():
            where = "is a file" if existing == self.path else f"cannot be made: {existing} is a file"
            raise self.refuse(f"{where}, not a folder; choose another --out")
        if not os.access(existing, os.R_OK | os.W_OK | os.X_OK):
            raise self.refuse(
                f"cannot be written: no permission to write in {existing} (or its disk is read-only); choose another --out"
            )

    # What is there ---------------------------------------------------------------------------

    def manifest(self) -> dict | None:
        """The manifest, or None where there is none or it is not JSON; InputError if the disk
        will not give it."""
        try:
            manifest = json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
        except (FileNotFoundError, UnicodeDecodeError, json.JSONDecodeError):
            return None
        except OSError as error:
            raise self.refuse(f"its manifest.json cannot be read ({error.strerror or error})") from None
        return manifest if isinstance(manifest, dict) else None

    def leftovers(self) -> list[Path]:
        """Temporary files a killed writer of Kerjasama left behind in this folder (never part of
        the results): `.<name>.<random>.part` in the folder, chunks/ and figures/."""
        places = [self.path, self.chunks, self.path / "figures", *(self.path / "figures").glob("*/")]
        return [p for folder in places if folder.is_dir() for p in folder.glob(".*.*.part") if p.is_file()]

    def claim(self, owner: dict[str, str], resume: bool) -> str:
        """Decide what a run into this (owned) folder does: "new", "resume" or "complete".

        `owner` is what the results would belong to, as the manifest records it: the
        experiment's name, the identity of its files, and the code that runs it. A folder
        holding the results of anything else (another experiment, other files, other code), or
        files that are not results at all, is refused; an unfinished run needs --resume.
        Temporary files of a killed writer are removed first; a folder that holds nothing else
        (a kill during the very first write of the manifest) is new.
        """
        manifest = self.manifest()
        if manifest is None:  # ours only if all it holds is what a kill during the first write leaves
            leftovers = set(self.path.glob(f".{MANIFEST}.*.part"))
            present = [p for p in self.path.iterdir() if p.name != LOCK and p not in leftovers]
            if not present or (present == [self.chunks] and not any(self.chunks.iterdir())):
                for path in leftovers:
                    path.unlink()
                if self.chunks.is_dir():
                    self.chunks.rmdir()
                return "new"
            raise self.refuse(
                "holds files but no readable manifest.json: it is not a results folder of Kerjasama; "
                "choose another --out"
            )
        name, theirs = owner["experiment"], manifest.get("experiment")
        if theirs != name:
            raise self.refuse(f"holds the results of experiment {theirs!r}, not of {name!r}; choose another --out")
        if manifest.get("identity") != owner["identity"]:
            raise self.refuse(
                f"holds the results of experiment {name!r} as its file or scenario was before they changed; "
                "choose another --out, or delete the folder to start again"
            )
        if manifest.get("code") != owner["code"]:
            raise self.refuse(
                f"holds results of experiment {name!r} made by {manifest.get('code') or 'an earlier Kerjasama'}, and "
                f"this is {owner['code']}: results of two versions are not mixed; choose another --out, or delete "
                "the folder to start again"
            )
        for path in self.leftovers():  # the folder is this experiment's: its writer's leftovers can go
            path.unlink()
        if manifest.get("status") == "complete":
            self.verify_files(manifest)
            self.drop_chunks()  # a kill between marking it complete and removing them
            return "complete"
        if manifest.get("status") == "failed" and not resume:
            raise self.refuse(
                "holds a run of this experiment in which every run failed (the errors are in its manifest.json); "
                "add --resume to run them again, or choose another --out"
            )
        if not resume:
            raise self.refuse(
                "holds an unfinished run of this experiment; add --resume to continue it, or choose another --out"
            )
        return "resume"

    def verify_files(self, manifest: dict) -> None:
        """Refuse a complete folder whose manifest was edited, or whose result files are not the
        ones its manifest records."""
        if manifest.get("seal") != seal(manifest):
            raise self.refuse(
                "its manifest.json was changed after the experiment wrote it (its seal does not match): "
                "its results cannot be trusted; run the experiment again into a new folder"
            )
        files = manifest.get("files")
        if not isinstance(files, dict) or not files:
            raise self.refuse(
                "its manifest.json records no SHA-256 of its files (made by an earlier Kerjasama, or edited): "
                "its results cannot be verified; run the experiment again"
            )
        for name, digest in files.items():
            path = self.path / name
            if not path.is_file():
                raise self.refuse(f"{name} is missing; run the experiment again into a new folder")
            if sha256(path) != digest:
                raise self.refuse(
                    f"{name} is not the file this experiment wrote (its SHA-256 differs from the one in "
                    "manifest.json): it was damaged or replaced; run the experiment again into a new folder"
                )

    # Chunks ----------------------------------------------------------------------------------

    def chunk_path(self, name: str, kind: str = "chunk") -> Path:
        return self.chunks / f"{kind}-{name}.parquet"

    def check_chunk(self, name: str, record: dict) -> str | None:
        """Why a chunk the manifest records cannot be trusted (missing, damaged), or None."""
        if not isinstance(record, dict) or not isinstance(record.get("sha256"), str):
            return "its record in manifest.json has no SHA-256"
        for kind, key in (("chunk", "sha256"), ("trajectories", "trajectories_sha256")):
            if record.get(key) is None:
                continue
            file = self.chunk_path(name, kind)
            if not file.is_file():
                return f"{file.name} is missing"
            if file.stat().st_size != record.get(f"{kind}_bytes", file.stat().st_size) or sha256(file) != record[key]:
                return f"{file.name} is damaged (its SHA-256 differs from the manifest's)"
        return None

    def write_chunk(self, name: str, runs: dict, trajectories: dict | None = None) -> dict:
        """A finished chunk's files; returns what the manifest records of it. Its trajectories
        first, its runs last: a chunk is trusted only once the manifest records both."""
        record: dict[str, Any] = {"rows": len(next(iter(runs.values()))), "trajectories_sha256": None}
        for kind, columns in (("trajectories", trajectories), ("chunk", runs)):
            if columns is not None:
                table = pa.table(columns)
                path = self.chunk_path(name, kind)
                digest = write_atomically(path, lambda tmp, t=table: pq.write_table(t, tmp))
                record["sha256" if kind == "chunk" else "trajectories_sha256"] = digest
                record[f"{kind}_bytes"] = path.stat().st_size
        return record

    def read_chunk(self, name: str, record: dict, kind: str = "chunk", columns: list[str] | None = None) -> pa.Table:
        """A recorded chunk's table, verified against its hash as it is read."""
        digest = record["sha256" if kind == "chunk" else "trajectories_sha256"]
        return parquet_from(read_verified(self.chunk_path(name, kind), digest), columns)

    def remove_chunk(self, name: str) -> None:
        for kind in ("chunk", "trajectories"):
            self.chunk_path(name, kind).unlink(missing_ok=True)

    def chunk_names(self) -> set[str]:
        """Names of the chunk files on disk, trusted or not."""
        if not self.chunks.is_dir():
            return set()
        return {p.stem.split("-", 1)[1] for p in self.chunks.glob("*-*.parquet")}

    def drop_chunks(self) -> None:
        """Once runs.parquet holds every run, the chunk files are no longer needed."""
        if not self.chunks.is_dir():
            return
        faults.point("before-remove", "chunks")
        for path in self.chunks.iterdir():
            path.unlink()
        self.chunks.rmdir()

    # Result files ----------------------------------------------------------------------------

    def write_manifest(self, manifest: dict) -> None:
        """The manifest, sealed: its "seal" is the SHA-256 of the rest, so an edit is seen."""
        manifest.pop("seal", None)
        manifest["seal"] = seal(manifest)
        write_text(self.path / MANIFEST, json.dumps(manifest, indent=2, default=str, ensure_ascii=False))

    def write_table(self, name: str, table: pa.Table) -> str:
        return write_atomically(self.path / name, lambda tmp: pq.write_table(table, tmp))

    def write_row_groups(self, name: str, schema: pa.Schema, tables: Iterable[pa.Table]) -> str:
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

        return write_atomically(self.path / name, write)

    def write_text(self, name: str, text: str) -> str:
        return write_text(self.path / name, text)


def is_disk_fault(error: OSError) -> bool:
    """A fault of the disk or the folder (full, read-only, no permission, quota), not a bug."""
    return error.errno in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT, errno.EIO)
