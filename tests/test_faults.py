"""Fault injection: kills at every named moment of every write, damaged files of every kind, two
processes on one folder, a full or read-only disk, orphaned workers, silent schedulers, names
that are not identifiers and inputs that are not files. Each ends in identical results after
--resume, or in a clear message and exit code 2 (1 for a fault in the middle of a run)."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from processes import descendants, left_behind

from sim.cli import is_loopback, listen_problem, main
from sim.scenario import builtin_file

EXPERIMENT = """
[experiment]
name = "faults"
scenario = "timor_border"
seed = 5
replications = 7000
months = 24

[[arm]]
name = "status quo"
preset = "status_quo"

[[arm]]
name = "rm plus"
preset = "rm_plus"
"""


def kerjasama(*args: str, cwd: Path, fault: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "KERJASAMA_FAULT": fault} if fault else dict(os.environ)
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def experiment_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("faults") / "faults.toml"
    path.write_text(EXPERIMENT)
    return path


@pytest.fixture(scope="module")
def clean(experiment_file) -> Path:
    """The results of an undisturbed run: what every disturbed one must end with."""
    out = experiment_file.parent / "clean"
    assert main(["experiment", str(experiment_file), "--out", str(out), "--workers", "1"]) == 0
    return out


def files_of(folder: Path) -> dict[str, str]:
    return json.loads((folder / "manifest.json").read_text())["files"]


def assert_same_results(folder: Path, clean: Path) -> None:
    assert files_of(folder) == files_of(clean)  # SHA-256 of runs.parquet, summary.csv, trajectories
    assert pq.read_table(folder / "runs.parquet").equals(pq.read_table(clean / "runs.parquet"))
    assert not list(folder.rglob("*.part")) and not (folder / "chunks").exists()


# --------------------------------------------------------------------------------------------
# Kills at every moment of every write
# --------------------------------------------------------------------------------------------

MOMENTS = [
    "before-write:manifest.json:1",  # nothing but the lock yet
    "before-rename:manifest.json:1",  # only a temporary manifest
    "after-rename:manifest.json:1",
    "before-write:chunk:2",
    "before-rename:chunk:2",  # a whole chunk under a temporary name
    "after-rename:chunk:2",  # a chunk on disk that the manifest does not record yet
    "before-rename:manifest.json:3",  # the manifest that records the second chunk
    "before-rename:runs.parquet:1",
    "after-rename:runs.parquet:1",
    "before-rename:trajectories.parquet:1",
    "after-rename:summary.csv:1",
    "before-rename:formation.png:1",
    "before-remove:chunks:1",  # complete, chunk files still there
]


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_kill_at_any_moment_resumes_to_identical_results(tmp_path, experiment_file, clean, moment):
    out = tmp_path / "out"
    killed = kerjasama(
        "experiment", str(experiment_file), "--out", str(out), "--workers", "1", cwd=tmp_path, fault=moment
    )
    assert killed.returncode == -signal.SIGKILL, (moment, killed.stderr)
    assert main(["experiment", str(experiment_file), "--out", str(out), "--workers", "1", "--resume"]) == 0
    assert_same_results(out, clean)
    assert main(["report", str(out)]) == 0


# --------------------------------------------------------------------------------------------
# Damaged files
# --------------------------------------------------------------------------------------------


def interrupted(tmp_path: Path, experiment_file: Path) -> Path:
    """A folder whose run was killed after two chunks were written and recorded."""
    return killed_after_two_chunks(tmp_path / "out", experiment_file, tmp_path)


def killed_after_two_chunks(out: Path, experiment_file: Path, cwd: Path) -> Path:
    killed = kerjasama(
        "experiment", str(experiment_file), "--out", str(out), "--workers", "1", cwd=cwd, fault="before-write:chunk:3"
    )
    assert killed.returncode == -signal.SIGKILL
    assert len(json.loads((out / "manifest.json").read_text())["chunks"]) == 2
    return out


def overwrite(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 16] = b"\xff" * 16
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])


def empty(path: Path) -> None:
    path.write_bytes(b"")


def delete(path: Path) -> None:
    path.unlink()


@pytest.mark.parametrize("damage", [overwrite, truncate, empty, delete])
def test_a_damaged_chunk_is_reported_and_run_again_never_used(tmp_path, capsys, experiment_file, clean, damage):
    out = interrupted(tmp_path, experiment_file)
    chunk = sorted((out / "chunks").glob("chunk-*.parquet"))[0]
    damage(chunk)
    assert main(["experiment", str(experiment_file), "--out", str(out), "--workers", "1", "--resume"]) == 0
    err = capsys.readouterr().err
    assert f"chunk {chunk.stem.removeprefix('chunk-')}: {chunk.name} is" in err and "run again" in err
    assert_same_results(out, clean)


def garbage(path: Path) -> None:
    path.write_text("this is not,what was written\n1,2\n")


@pytest.mark.parametrize(
    "name, damage, fragment",
    [
        ("summary.csv", garbage, "summary.csv is not the file this experiment wrote"),
        ("trajectories.parquet", truncate, "trajectories.parquet is not the file this experiment wrote"),
        ("runs.parquet", overwrite, "runs.parquet is not the file this experiment wrote"),
        ("runs.parquet", delete, "runs.parquet is missing"),
        ("manifest.json", None, "manifest.json was changed after the experiment wrote it"),
    ],
    ids=["garbage summary", "truncated trajectories", "overwritten runs", "no runs", "edited manifest"],
)
def test_report_refuses_a_folder_whose_files_do_not_match_its_manifest(tmp_path, capsys, clean, name, damage, fragment):
    out = tmp_path / "copy"
    shutil.copytree(clean, out)
    if damage is None:
        manifest = json.loads((out / name).read_text())
        manifest["kind"] = "sobol"
        (out / name).write_text(json.dumps(manifest))
    else:
        damage(out / name)
    assert main(["report", str(out)]) == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err and "internal error" not in err
    assert not (out / "report.html").exists()


def test_runs_of_another_experiment_are_not_reported_as_these(tmp_path, capsys, experiment_file, clean):
    other = tmp_path / "other.toml"
    other.write_text(EXPERIMENT.replace("seed = 5", "seed = 6"))
    assert main(["experiment", str(other), "--out", str(tmp_path / "other"), "--workers", "1"]) == 0
    out = tmp_path / "copy"
    shutil.copytree(clean, out)
    shutil.copy(tmp_path / "other" / "runs.parquet", out / "runs.parquet")
    assert main(["report", str(out)]) == 2
    assert "runs.parquet is not the file this experiment wrote" in capsys.readouterr().err
    assert main(["experiment", str(experiment_file), "--out", str(out)]) == 2  # complete, but not as written
    assert "runs.parquet is not the file this experiment wrote" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# One process at a time
# --------------------------------------------------------------------------------------------


def test_a_second_process_on_a_folder_is_refused_at_once_and_a_stale_lock_never_blocks(
    tmp_path, capsys, experiment_file, clean
):
    slow = tmp_path / "slow.toml"
    slow.write_text(EXPERIMENT.replace("months = 24", "months = 168").replace("7000", "12000"))
    out = tmp_path / "out"
    first = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "experiment", str(slow), "--out", str(out), "--workers", "1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not (out / "manifest.json").exists() and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.05)
        assert first.poll() is None, "the first run ended before the second could race it"
        for command in (["experiment", str(slow), "--out", str(out), "--resume"], ["report", str(out)]):
            assert main(command) == 2
            err = capsys.readouterr().err
            assert f"{out}: is in use by another Kerjasama process (PID {first.pid})" in err
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert (out / ".lock").read_text().strip() == str(first.pid)  # the dead owner's lock file stays...
    assert (
        main(["experiment", str(slow), "--out", str(out), "--workers", "1", "--resume"]) == 0
    )  # ...and blocks nothing
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"


# --------------------------------------------------------------------------------------------
# Full and read-only disks
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault, words",
    [(errno.ENOSPC, "No space left on device"), (errno.EROFS, "Read-only file system")],
    ids=["full", "read-only"],
)
def test_a_full_or_read_only_disk_mid_run_says_what_was_kept_and_the_resume_is_identical(
    tmp_path, capsys, monkeypatch, experiment_file, clean, fault, words
):
    import sim.storage

    honest, calls = sim.storage.pq.write_table, []

    def disk_fills_at_the_third_chunk(table, where, *args, **kwargs):
        calls.append(where)
        if len(calls) == 5:  # trajectories and runs of two chunks are written; the disk fills at the third
            Path(where).write_bytes(b"x" * 100)
            raise OSError(fault, words)
        return honest(table, where, *args, **kwargs)

    monkeypatch.setattr(sim.storage.pq, "write_table", disk_fills_at_the_third_chunk)
    out = tmp_path / "out"
    assert main(["experiment", str(experiment_file), "--out", str(out), "--workers", "1"]) == 1
    err = capsys.readouterr().err
    assert f"could not write in {out} ({words})" in err and "--resume" in err
    assert "internal error" not in err and "Traceback" not in err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and words in manifest["fault"]
    assert len(manifest["chunks"]) == 2 and not list(out.rglob("*.part"))
    monkeypatch.setattr(sim.storage.pq, "write_table", honest)
    assert main(["experiment", str(experiment_file), "--out", str(out), "--workers", "1", "--resume"]) == 0
    assert_same_results(out, clean)


def test_a_report_on_a_full_disk_leaves_the_old_figures_whole(tmp_path, capsys, monkeypatch, clean):
    import matplotlib.figure

    out = tmp_path / "copy"
    shutil.copytree(clean, out)
    before = (out / "figures" / "formation.png").read_bytes()
    honest = matplotlib.figure.Figure.savefig

    def half_then_full(self, where, *args, **kwargs):
        Path(where).write_bytes(before[:100])  # what a full disk leaves of a file being written
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", half_then_full)
    assert main(["report", str(out)]) == 2
    err = capsys.readouterr().err
    assert "the report could not be made (No space left on device)" in err and "untouched" in err
    assert "free some space" in err
    assert (out / "figures" / "formation.png").read_bytes() == before
    assert not list(out.rglob("*.part")) and not (out / "report.html").exists()
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", honest)
    assert main(["report", str(out)]) == 0


@pytest.fixture
def small_disk(tmp_path):
    """An 8 MB tmpfs, where this machine lets the tests mount one (root in a container that allows it)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip() or done.returncode}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_real_full_disk_then_room_again_resumes_to_identical_results(tmp_path, experiment_file, small_disk):
    """The disk fills (another program's file) after the run has begun: the run stops with a
    message, its recorded chunks intact; once there is room again, the resume is identical."""
    out = small_disk / "out"
    slow = tmp_path / "slow.toml"
    slow.write_text(EXPERIMENT.replace("months = 24", "months = 168").replace("7000", "8000"))
    running = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "experiment", str(slow), "--out", str(out), "--workers", "1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and running.poll() is None:
        try:
            if json.loads((out / "manifest.json").read_text()).get("chunks"):
                break
        except (FileNotFoundError, json.JSONDecodeError):
            pass
        time.sleep(0.02)
    assert running.poll() is None, running.communicate()
    filler = small_disk / "filler"
    handle = os.open(filler, os.O_WRONLY | os.O_CREAT)  # another program takes all the room left
    try:
        while os.write(handle, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(handle)
    _, err = running.communicate(timeout=300)
    assert running.returncode == 1, err
    assert "No space left on device" in err and "--resume" in err and "internal error" not in err
    filler.unlink()
    assert main(["experiment", str(slow), "--out", str(out), "--workers", "1", "--resume"]) == 0
    assert main(["experiment", str(slow), "--out", str(tmp_path / "whole"), "--workers", "1"]) == 0
    assert files_of(out) == files_of(tmp_path / "whole")


def test_a_read_only_disk_is_refused_with_advice_and_the_resume_after_is_identical(
    tmp_path, capsys, experiment_file, clean, small_disk
):
    """A run stopped half-way on a disk that then turns read-only (a tmpfs cannot be remounted
    read-only while files are open for writing, so the run is killed first): the resume and the
    report are refused with what to do; once writable again, the resume is identical."""
    out = killed_after_two_chunks(small_disk / "out", experiment_file, tmp_path)
    shutil.copytree(clean, small_disk / "complete")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        assert main(["experiment", str(experiment_file), "--out", str(out), "--resume"]) == 2
        assert "cannot be written" in capsys.readouterr().err  # refused before anything is touched
        assert main(["report", str(small_disk / "complete")]) == 2
        err = capsys.readouterr().err
        assert "Read-only file system" in err and "copy the folder somewhere you can write" in err
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert main(["experiment", str(experiment_file), "--out", str(out), "--workers", "1", "--resume"]) == 0
    assert_same_results(out, clean)


def test_a_read_only_folder_is_refused_before_anything_runs(tmp_path, capsys, monkeypatch, experiment_file, clean):
    import sim.storage

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(sim.storage.os, "open", read_only)
    assert main(["experiment", str(experiment_file), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "cannot be written (Read-only file system)" in err and "internal error" not in err


# --------------------------------------------------------------------------------------------
# Processes and networks
# --------------------------------------------------------------------------------------------


@pytest.mark.skipif(
    not any(Path("/proc/self/task").glob("*/children")), reason="needs /proc/<pid>/task/*/children (Linux)"
)
def test_workers_and_the_fork_server_end_when_the_main_process_is_killed(tmp_path):
    slow = tmp_path / "slow.toml"
    slow.write_text(EXPERIMENT.replace("months = 24", "months = 168").replace("7000", "100000"))
    main_process = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "experiment", str(slow), "--out", str(tmp_path / "out"), "--workers", "2"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    helpers: set[int] = set()
    while len(helpers) < 4 and time.monotonic() < deadline:  # resource tracker, fork server, two workers
        helpers = descendants(main_process.pid)
        time.sleep(0.1)
    assert len(helpers) >= 4, helpers
    main_process.send_signal(signal.SIGKILL)  # what the OOM killer does
    main_process.wait()
    left = left_behind(helpers, 30)
    assert not left, f"orphans left behind: {left}"


def test_a_scheduler_that_accepts_and_never_answers_is_given_up(tmp_path, capsys, experiment_file):
    pytest.importorskip("distributed")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: [accepted.append(server.accept()[0]) for _ in range(16)], daemon=True).start()
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    assert main(["experiment", str(experiment_file), "--out", str(tmp_path / "out"), "--scheduler", address]) == 2
    err = capsys.readouterr().err
    assert (
        "a program accepts connections there, but no Dask scheduler answered within 15 s" in err
        or "no Dask scheduler answers there" in err  # Dask's own time-out came first
    )
    assert not (tmp_path / "out").exists()
    server.close()


def test_the_dashboard_listens_on_ipv6_loopback_and_warns_when_the_network_can_reach_it(capsys, monkeypatch):
    import sim.cli

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    if socket.has_ipv6 and listen_problem("::1", 0) is None:
        monkeypatch.setattr(sim.cli, "serve", lambda host, port, lang, scenario: None)
        assert main(["dashboard", "--host", "::1", "--port", "18765"]) == 0
        assert "http://[::1]:18765" in capsys.readouterr().err
    monkeypatch.setattr(sim.cli, "serve", lambda host, port, lang, scenario: None)
    assert main(["dashboard", "--host", "0.0.0.0", "--port", "18766"]) == 0
    assert "reachable from the network" in capsys.readouterr().err
    assert main(["dashboard", "--host", "no.such.host.invalid"]) == 2


def test_a_closed_pipe_on_stdout_ends_quietly(tmp_path):
    reader, writer = os.pipe()
    os.close(reader)
    buffered = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    done = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", "--months", "24"],
        stdout=writer,
        stderr=subprocess.PIPE,
        text=True,
        env=buffered,
    )
    os.close(writer)
    assert done.returncode == 141 and done.stderr == ""


# --------------------------------------------------------------------------------------------
# Names are data; inputs are bounded
# --------------------------------------------------------------------------------------------

NAMES = {"TTU": "Timor-Leste", "Belu": "Belu $x$ 50 % 🌾", "Malaka": "مالاكا"}


def renamed_scenario(folder: Path, names: dict[str, str]) -> Path:
    text = builtin_file("timor_border").read_text()
    text = text[: text.index("[uncertainty]")]  # it names the regencies too: not what these tests are about
    for old, new in names.items():
        quoted = json.dumps(new, ensure_ascii=False)  # a TOML basic string: \t and \n escaped
        text = re.sub(rf"^{old}(\s*=)", lambda m, quoted=quoted: f"{quoted}{m.group(1)}", text, flags=re.M)
        text = text.replace(f'name = "{old}"', f"name = {quoted}").replace(f"[trust.{old}]", f"[trust.{quoted}]")
    path = folder / "names.toml"
    path.write_text(text)
    return path


def test_any_unicode_name_works_end_to_end(tmp_path, capsys):
    scenario = renamed_scenario(tmp_path, NAMES)
    experiment = tmp_path / "experiment.toml"
    experiment.write_text(
        EXPERIMENT.replace('scenario = "timor_border"', f'scenario = "{scenario}"')
        .replace('"status quo"', '"status quo $a$ 100%"')
        .replace('"rm plus"', '"RM+ 🌾 مالاكا"')
        .replace("7000", "300")
    )
    assert main(["validate", str(scenario), str(experiment)]) == 0
    assert main(["run", str(scenario), "--months", "24"]) == 0
    assert main(["run", str(scenario), "--replications", "100", "--json"]) == 0
    assert "Timor-Leste" in capsys.readouterr().out
    out = tmp_path / "out"
    assert main(["experiment", str(experiment), "--out", str(out), "--workers", "1"]) == 0
    console = capsys.readouterr().out
    assert all(name in console for name in [*NAMES.values(), "status quo $a$ 100%", "RM+ 🌾 مالاكا"])
    for lang in ("en", "id"):
        assert main(["report", str(out), "--lang", lang]) == 0
    page = (out / "report.html").read_text()
    assert "Belu $x$ 50 % 🌾" in page and "RM+ 🌾 مالاكا" in page
    runs = pq.read_table(out / "runs.parquet").to_pandas()
    assert "months_member_Timor-Leste" in runs.columns and set(runs["label"]) == {
        "status quo $a$ 100%",
        "RM+ 🌾 مالاكا",
    }


@pytest.mark.parametrize(
    "name, fragment",
    [
        ("", "must be a name"),
        ("Tab\there", "control characters"),
        ("Two\nlines", "control characters"),
        ("x" * 81, "at most 80 characters"),
    ],
    ids=["empty", "tab", "line break", "too long"],
)
def test_names_that_break_tables_or_lines_are_refused_by_validate(tmp_path, capsys, name, fragment):
    scenario = renamed_scenario(tmp_path, {"TTU": name})
    assert main(["validate", str(scenario)]) == 2
    assert fragment in capsys.readouterr().err
    arm = tmp_path / "arm.toml"
    arm.write_text(EXPERIMENT.replace('"status quo"', json.dumps(name)))
    assert main(["validate", str(arm)]) == 2
    err = capsys.readouterr().err
    assert ("every arm needs a name" if not name else fragment) in err


def test_inputs_that_are_not_small_regular_files_are_refused_before_reading(tmp_path, capsys):
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 3000 + "]" * 3000 + "\n")
    shallow_but_nested = tmp_path / "nested.toml"
    shallow_but_nested.write_text("a = " + "[" * 30 + "]" * 30 + "\n")
    huge = tmp_path / "huge.toml"
    huge.write_text("# padding\n" * 200_000)
    cases = {
        str(fifo): "is not a regular file",
        "/dev/zero": "is not a regular file",
        str(tmp_path): "is a folder",
        str(deep): "nests tables or lists too deeply",
        str(shallow_but_nested): "nests tables or lists too deeply",
        str(huge): "a scenario or experiment file is at most 1,000,000",
    }
    for file, fragment in cases.items():
        assert main(["validate", file]) == 2, file
        err = capsys.readouterr().err
        assert fragment in err and "Traceback" not in err, (file, err)


def test_a_byte_order_mark_is_read_as_the_text_it_starts(tmp_path, capsys):
    scenario = tmp_path / "bom.toml"
    scenario.write_bytes(b"\xef\xbb\xbf" + builtin_file("timor_border").read_bytes())
    assert main(["validate", str(scenario)]) == 0


@pytest.mark.parametrize(
    "design, setting",
    [
        ('kind = "lhs"\npoints = 10000000', "design.points = 10000000"),
        ('kind = "sobol"\nbase_samples = 1048576', "design.base_samples = 1048576"),
    ],
)
def test_designs_too_big_to_plan_are_refused_before_points_are_made(tmp_path, capsys, design, setting):
    path = tmp_path / "big.toml"
    path.write_text(
        '[experiment]\nname = "big"\nscenario = "timor_border"\nseed = 1\nreplications = 10\n\n'
        f'[design]\n{design}\n\n[factors]\n"key_actor.meetings_per_month" = {{ low = 0.1, high = 1.0 }}\n'
    )
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert setting in err and "at most 200,000 are allowed" in err


def test_a_ctrl_c_after_the_run_is_complete_keeps_it_complete(tmp_path, monkeypatch, experiment_file, clean):
    from sim.storage import ResultsFolder

    def interrupted_while_tidying(self):
        raise KeyboardInterrupt

    honest = ResultsFolder.drop_chunks
    monkeypatch.setattr(ResultsFolder, "drop_chunks", interrupted_while_tidying)
    out = tmp_path / "out"
    assert main(["experiment", str(experiment_file), "--out", str(out), "--workers", "1"]) == 130
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"
    monkeypatch.setattr(ResultsFolder, "drop_chunks", honest)
    assert main(["experiment", str(experiment_file), "--out", str(out)]) == 0  # complete: reused, tidied
    assert_same_results(out, clean)


def test_names_made_into_file_names_never_share_a_file():
    from sim.report import file_safe

    names = ["rm_plus", "RM+", "RM-", "RM−", "مالاكا", "ملاكا", "a/b", "a_b"]
    safe = [file_safe(name) for name in names]
    assert len(set(safe)) == len(names) and file_safe("rm_plus") == "rm_plus"
    assert all(re.fullmatch(r"[\w-]+", name, flags=re.ASCII) for name in safe)
