"""Experiments: designs, bad files, and a runner that never loses a result."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim import executors
from sim.cli import main
from sim.design import load_experiment
from sim.executors import run_chunks
from sim.experiment import CHUNK_RUNS, run_experiment

ARMS = """
[experiment]
name = "small"
scenario = "timor_border"
seed = 11
replications = {replications}
months = {months}

[[arm]]
name = "status quo"
preset = "status_quo"

[[arm]]
name = "bishop"
preset = "key_actor"

[[arm]]
name = "weak bishop"
preset = "key_actor"
"key_actor.legitimacy.*" = 0.4

[[arm]]
name = "rm plus"
preset = "rm_plus"
"""


def write(tmp_path: Path, text: str, name: str = "experiment.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


REGENCIES = ("TTU", "Belu", "Malaka")


def small(tmp_path: Path, replications: int = 1500, months: int = 60, name: str = "experiment.toml") -> Path:
    return write(tmp_path, ARMS.format(replications=replications, months=months), name)


def runs_of(folder: Path) -> pd.DataFrame:
    return pq.read_table(folder / "runs.parquet").to_pandas()


# --- designs ----------------------------------------------------------------------------------


DESIGN = """
[experiment]
name = "design"
scenario = "timor_border"
seed = 5
replications = 10

[design]
kind = "{kind}"
presets = ["key_actor", "rm_plus"]
{settings}

[factors]
"key_actor.legitimacy.*" = {{ {first} }}
"rules.stages.organising" = {{ {second} }}
"""


@pytest.mark.parametrize(
    ("kind", "settings", "first", "second", "count"),
    [
        ("grid", "", "values = [0.5, 0.7, 0.9]", "values = [6, 12]", 2 * 3 * 2),
        ("lhs", "points = 40", "low = 0.5, high = 0.9", "low = 3, high = 18, integer = true", 2 * 40),
        (
            "sobol",
            "base_samples = 16",
            "low = 0.5, high = 0.9",
            "low = 3, high = 18, integer = true",
            2 * 16 * (2 * 2 + 2),
        ),
        (
            "morris",
            "trajectories = 10\nlevels = 4",
            "low = 0.5, high = 0.9",
            "low = 3, high = 18, integer = true",
            2 * 10 * 3,
        ),
    ],
)
def test_designs_give_the_right_points_within_bounds(tmp_path, kind, settings, first, second, count):
    experiment = load_experiment(
        write(tmp_path, DESIGN.format(kind=kind, settings=settings, first=first, second=second))
    )
    assert len(experiment.points) == count
    assert {p.preset for p in experiment.points} == {"key_actor", "rm_plus"}
    legitimacy = [p.factors["key_actor.legitimacy.*"] for p in experiment.points]
    months = [p.factors["rules.stages.organising"] for p in experiment.points]
    assert min(legitimacy) >= 0.5 and max(legitimacy) <= 0.9
    assert min(months) >= 3 and max(months) <= 18 and all(isinstance(m, int) for m in months)
    assert len({p.id for p in experiment.points}) == count
    again = load_experiment(tmp_path / "experiment.toml")
    assert [p.factors for p in again.points] == [p.factors for p in experiment.points]  # the design is seeded


def test_the_built_in_experiments_load(capsys):
    assert (
        main(
            [
                "validate",
                "compare_setups",
                "key_actor_strength",
                "election_resilience",
                "rm_plus_variants",
                "programmes",
                "sensitivity",
                "exploration",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "sobol, 22528 points" in out and "grid, 96 points" in out


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (
            lambda t: t.replace('"key_actor.legitimacy.*" = 0.4', '"key_actor.legitimacy.Bleu" = 0.4'),
            "arm[2].key_actor.legitimacy.Bleu = 0.4: unknown regency (did you mean 'Belu'?)",
        ),
        (
            lambda t: t.replace('"key_actor.legitimacy.*" = 0.4', '"key_actor.legitimcy" = 0.4'),
            "arm[2].key_actor.legitimcy = 0.4: no such field in a scenario (did you mean 'legitimacy'?)",
        ),
        (
            lambda t: t.replace('scenario = "timor_border"', 'scenario = "timor_bordr.toml"'),
            "experiment.scenario = 'timor_bordr.toml': no scenario file there",
        ),
        (
            lambda t: t.replace("replications = 1500", "replications = 0"),
            'experiment.replications = 0: must be a whole number of at least 1, or "auto"',
        ),
        (lambda t: t.replace("replications = 1500", 'replications = "many"'), "experiment.replications = 'many'"),
        (lambda t: t.replace("replications = 1500", "replications = 2.5"), "experiment.replications = 2.5"),
        (
            lambda t: t.replace('preset = "rm_plus"', 'preset = "rm_pluss"'),
            "arm[3].preset = 'rm_pluss': must be one of",
        ),
        (lambda t: t + '\n[design]\nkind = "grid"\n', "either [[arm]] tables or a [design]"),
        (
            lambda t: t + '\n[factors]\n"key_actor.legitimacy.*" = { low = 0.4, high = 0.9 }\n',
            "factors: [factors] are for a [design]; an [[arm]] sets its values itself",
        ),
        (
            lambda t: t.replace('name = "small"', 'name = "../../etc"'),
            "experiment.name = '../../etc': must be a name of letters, digits, _ and - only",
        ),
    ],
    ids=[
        "unknown regency",
        "unknown path",
        "missing scenario",
        "zero replications",
        "text replications",
        "fractional replications",
        "unknown preset",
        "arms and design",
        "factors beside arms",
        "a name that is a path",
    ],
)
def test_bad_experiment_files_are_refused_and_nothing_is_written(tmp_path, capsys, edit, fragment):
    path = write(tmp_path, edit(ARMS.format(replications=1500, months=60)))
    out = tmp_path / "results"
    assert main(["experiment", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("kind", "settings", "first", "fragment"),
    [
        ("lhs", "points = 5", "low = 0.9, high = 0.5", "the bounds are reversed or equal"),
        (
            "latin",
            "points = 5",
            "low = 0.5, high = 0.9",
            "design.kind = 'latin': must be one of grid, lhs, sobol, morris",
        ),
        ("sobol", "base_samples = 100", "low = 0.5, high = 0.9", "must be a power of 2"),
        ("lhs", "", "low = 0.5, high = 0.9", "a lhs design needs points"),
        ("grid", "", "low = 0.5, high = 0.9", "a grid needs a non-empty list of values"),
        ("lhs", "points = 5", "low = 0.5, high = 1.5", "must be a number between 0 and 1"),
    ],
)
def test_bad_designs(tmp_path, capsys, kind, settings, first, fragment):
    text = DESIGN.format(
        kind=kind, settings=settings, first=first, second="values = [6]" if kind == "grid" else "low = 3, high = 12"
    )
    assert main(["validate", str(write(tmp_path, text))]) == 2
    assert fragment in capsys.readouterr().err


def test_auto_replications_are_refused_for_sobol(tmp_path, capsys):
    text = DESIGN.format(
        kind="sobol", settings="base_samples = 16", first="low = 0.5, high = 0.9", second="low = 3, high = 12"
    ).replace("replications = 10", 'replications = "auto"')
    assert main(["validate", str(write(tmp_path, text))]) == 2
    assert "needs the same whole number of replications at every point" in capsys.readouterr().err


# --- the runner ---------------------------------------------------------------------------------


def test_results_folder_summary_and_manifest(tmp_path):
    experiment = load_experiment(small(tmp_path))
    result = run_experiment(experiment, tmp_path / "out", workers=1)
    runs = runs_of(tmp_path / "out")
    assert (
        len(runs) == 4 * 1500 and list(runs.columns[:5]) == ["point", "label", "preset", "replication", "formed"]
    ) or "formed" in runs
    assert (runs.groupby("point")["replication"].apply(lambda r: list(r) == list(range(1500)))).all()
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    for point, group in runs.groupby("point"):
        row = summary[summary["point"] == point].iloc[0]
        assert row["formation_rate"] == pytest.approx(group["formed"].mean())
        assert row["formation_low"] <= row["formation_rate"] <= row["formation_high"]
    status_quo = summary[summary["label"] == "status quo"].iloc[0]
    bishop = summary[summary["label"] == "bishop"].iloc[0]
    assert status_quo["difference_from_status_quo"] == 0
    assert bishop["difference_low"] <= bishop["difference_from_status_quo"] <= bishop["difference_high"]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["runs"] == {"done": 6000, "failed": 0, "this_session": 6000}
    assert (
        manifest["seed"] == 11
        and manifest["engine"] == "ensemble"
        and manifest["executor"] == {"kind": "local", "workers": 1}
    )
    assert manifest["contents"] == (tmp_path / "experiment.toml").read_text() and "numpy" in manifest["versions"]
    assert {"started", "finished", "identity", "scenario", "git"} <= set(manifest)
    assert (tmp_path / "out" / "figures" / "formation.png").stat().st_size > 10_000
    assert not (tmp_path / "out" / "chunks").exists()
    assert result.summary["formation_rate"].tolist() == summary["formation_rate"].tolist()


def test_the_same_seed_gives_the_same_runs_with_one_or_two_workers(tmp_path):
    experiment = load_experiment(small(tmp_path, replications=3000))
    run_experiment(experiment, tmp_path / "one", workers=1)
    run_experiment(experiment, tmp_path / "two", workers=2)
    assert pq.read_table(tmp_path / "one" / "runs.parquet").equals(pq.read_table(tmp_path / "two" / "runs.parquet"))


def kerjasama(*args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sim.cli", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for_chunks(folder: Path, count: int, process: subprocess.Popen) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        found = len(list((folder / "chunks").glob("chunk-*.parquet"))) if (folder / "chunks").is_dir() else 0
        if found >= count:
            return found
        time.sleep(0.02)
    raise AssertionError(f"no {count} chunks appeared; {process.communicate()}")


def test_a_killed_run_resumes_to_the_same_results(tmp_path):
    path = small(tmp_path, replications=2 * CHUNK_RUNS, months=120)  # 4 arms x 2 chunks
    process = kerjasama("experiment", str(path), "--out", "killed", "--workers", "1", cwd=tmp_path)
    found = wait_for_chunks(tmp_path / "killed", 2, process)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert found < 8, "the run finished before it could be killed"
    assert json.loads((tmp_path / "killed" / "manifest.json").read_text())["status"] == "running"
    assert main(["experiment", str(path), "--out", str(tmp_path / "killed")]) == 2  # needs --resume
    assert main(["experiment", str(path), "--out", str(tmp_path / "killed"), "--resume", "--workers", "2"]) == 0
    assert main(["experiment", str(path), "--out", str(tmp_path / "whole"), "--workers", "2"]) == 0
    assert pq.read_table(tmp_path / "killed" / "runs.parquet").equals(
        pq.read_table(tmp_path / "whole" / "runs.parquet")
    )
    manifest = json.loads((tmp_path / "killed" / "manifest.json").read_text())
    assert (
        manifest["status"] == "complete"
        and len(manifest["resumed"]) == 1
        and manifest["runs"]["this_session"] < 8 * CHUNK_RUNS
    )


def test_ctrl_c_stops_cleanly_and_says_how_to_resume(tmp_path):
    path = small(tmp_path, replications=2 * CHUNK_RUNS, months=120)
    process = kerjasama("experiment", str(path), "--out", "stopped", "--workers", "1", cwd=tmp_path)
    wait_for_chunks(tmp_path / "stopped", 1, process)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "--resume" in err and "runs are saved in stopped" in err and "Traceback" not in err
    assert json.loads((tmp_path / "stopped" / "manifest.json").read_text())["status"] == "interrupted"
    saved = list((tmp_path / "stopped" / "chunks").glob("chunk-*.parquet"))
    assert saved and all(pq.read_table(p).num_rows > 0 for p in saved)


def test_a_folder_of_another_experiment_or_of_other_files_or_code_is_refused(tmp_path, capsys, monkeypatch):
    import sim.experiment

    first = small(tmp_path, replications=200, name="first.toml")
    second = small(tmp_path, replications=300, name="second.toml")
    assert main(["experiment", str(first), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    assert main(["experiment", str(second), "--out", str(tmp_path / "out")]) == 2
    assert (
        "holds the results of experiment 'small' as its file or scenario was before they changed"
        in capsys.readouterr().err
    )
    renamed = write(tmp_path, first.read_text().replace('name = "small"', 'name = "other"'), "renamed.toml")
    assert main(["experiment", str(renamed), "--out", str(tmp_path / "out")]) == 2
    assert "holds the results of experiment 'small', not of 'other'" in capsys.readouterr().err
    honest = sim.experiment.code_version()
    monkeypatch.setattr(sim.experiment, "code_version", lambda: "kerjasama 9.9, commit 0123456789ab")
    assert main(["experiment", str(first), "--out", str(tmp_path / "out"), "--resume"]) == 2
    assert (
        f"holds results of experiment 'small' made by {honest}, and this is kerjasama 9.9, commit 0123456789ab: "
        "results of two versions are not mixed"
    ) in capsys.readouterr().err
    monkeypatch.undo()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    assert main(["experiment", str(first), "--out", str(tmp_path / "other")]) == 2
    assert "not a results folder" in capsys.readouterr().err
    assert main(["experiment", str(first), "--out", str(tmp_path / "out")]) == 0
    assert "already complete" in capsys.readouterr().out


def test_a_chunk_that_keeps_failing_is_recorded_and_the_experiment_finishes(tmp_path, monkeypatch):
    import sim.experiment as runner

    honest = runner.run_chunk

    def fails_on_point_two(task):
        if any(cell.point == 2 for cell in task.chunk.cells):
            raise RuntimeError("a failing chunk")
        return honest(task)

    monkeypatch.setattr(runner, "run_chunk", fails_on_point_two)
    result = run_experiment(load_experiment(small(tmp_path, replications=300)), tmp_path / "out", workers=1)
    manifest = result.manifest
    (failure,) = manifest["failures"]  # the chunk holding point 2 (it shares it with point 1)
    assert failure["error"] == "RuntimeError: a failing chunk" and 2 in failure["points"]
    assert manifest["runs"]["failed"] == failure["runs"] and manifest["runs"]["done"] + failure["runs"] == 1200
    assert 2 not in set(runs_of(tmp_path / "out")["point"])
    assert result.summary.set_index("label").loc["weak bishop", "replications"] == 0


def crash_once(chunk: tuple[int, str]) -> int:
    """Kills its worker process the first time it sees chunk 1."""
    number, marker = chunk
    if number == 1 and not Path(marker).exists():
        Path(marker).write_text("crashed")
        os._exit(1)
    return number * number


def test_a_dead_worker_breaks_the_pool_which_is_rebuilt_and_the_chunk_retried(tmp_path):
    marker = str(tmp_path / "marker")
    done, failed = {}, []
    chunks = [(number, marker) for number in range(6)]
    run_chunks(
        executors.local(2), crash_once, chunks, lambda c, r: done.__setitem__(c[0], r), lambda c, e: failed.append(c)
    )
    assert done == {c: c * c for c in range(6)} and not failed
    assert Path(marker).exists()


def test_auto_replications_add_batches_until_the_interval_is_narrow(tmp_path):
    text = ARMS.format(replications='"auto"', months=60).replace(
        "months = 60", "months = 60\ntarget_half_width = 0.03\nbatch = 400\nmax_replications = 2000"
    )
    result = run_experiment(load_experiment(write(tmp_path, text)), tmp_path / "out", workers=1)
    summary = result.summary.set_index("label")
    for label, row in summary.iterrows():
        half = (row["formation_high"] - row["formation_low"]) / 2
        assert half <= 0.03 or row["replications"] == 2000, label
        assert row["replications"] % 400 == 0 or row["replications"] == 2000
    assert summary.loc["status quo", "replications"] == 400  # nothing forms: narrow at once
    assert summary.loc["rm plus", "replications"] > 400  # about 0.8 in 60 months: needs more


@pytest.mark.slow
def test_a_dask_cluster_with_a_worker_killed_gives_the_same_results(tmp_path):
    distributed = pytest.importorskip("distributed")
    experiment = load_experiment(small(tmp_path, replications=2 * CHUNK_RUNS, months=120))
    run_experiment(experiment, tmp_path / "local", workers=2)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        outcome: dict = {}
        worker = threading.Thread(
            target=lambda: outcome.setdefault(
                "result", run_experiment(experiment, tmp_path / "dask", scheduler=cluster.scheduler_address)
            )
        )
        worker.start()
        deadline = time.monotonic() + 120
        while not (tmp_path / "dask" / "chunks").is_dir() or not list((tmp_path / "dask" / "chunks").glob("*.parquet")):
            assert time.monotonic() < deadline
            time.sleep(0.02)
        nanny = next(iter(cluster.workers.values()))
        os.kill(nanny.process.process.pid, signal.SIGKILL)  # the worker process, not its nanny
        worker.join(timeout=300)
    assert outcome["result"].manifest["executor"]["kind"] == "dask"
    assert pq.read_table(tmp_path / "dask" / "runs.parquet").equals(pq.read_table(tmp_path / "local" / "runs.parquet"))


def test_design_points_share_draws_and_batch_exactly(tmp_path):
    """Points run side by side give what each gives alone, and every point sees the same draws."""
    text = DESIGN.format(kind="grid", settings="", first="values = [0.5, 0.9]", second="values = [6, 12]")
    experiment = load_experiment(write(tmp_path, text))
    run_experiment(experiment, tmp_path / "out", workers=1)
    runs = runs_of(tmp_path / "out")
    from sim.ensemble import run_ensemble

    for point in (experiment.points[1], experiment.points[6]):
        alone = run_ensemble(point.scenario(experiment.scenario), 10, seed=5).outcomes
        mine = runs[runs["point"] == point.id].sort_values("replication")
        assert np.array_equal(mine["formed"].to_numpy(), alone.formed)
        assert np.array_equal(mine["month_formed"].to_numpy(), alone.month_formed)


AUTO_TWO_ARMS = """
[experiment]
name = "auto_resume"
scenario = "timor_border"
seed = 21
replications = "auto"
target_half_width = 0.05
batch = 100
max_replications = 2000

[[arm]]
name = "weak"
preset = "regional_management"

[[arm]]
name = "strong"
preset = "province_led"
"""


def test_an_auto_run_interrupted_in_a_late_round_resumes_to_the_same_results(tmp_path, monkeypatch):
    """The "weak" arm is narrow enough after two rounds, "strong" after four. Stopped in round three, the
    interrupted session leaves chunks of rounds that the resumed one has not decided yet."""
    from sim.experiment import Interrupted
    from sim.storage import ResultsFolder

    experiment = load_experiment(write(tmp_path, AUTO_TWO_ARMS))
    run_experiment(experiment, tmp_path / "whole", workers=1)
    whole = pq.read_table(tmp_path / "whole" / "runs.parquet")
    assert whole.to_pandas().groupby("label")["replication"].max().to_dict() == {"strong": 399, "weak": 199}

    honest, written = ResultsFolder.write_chunk, []

    def stop_after_the_fifth(self, *args, **kwargs):
        record = honest(self, *args, **kwargs)
        written.append(args[0])
        if len(written) == 5:  # rounds of 2, 2 and 1 chunks: the first of round three
            raise KeyboardInterrupt  # written, not yet recorded: run again on resume
        return record

    monkeypatch.setattr(ResultsFolder, "write_chunk", stop_after_the_fifth)
    with pytest.raises(Interrupted):
        run_experiment(experiment, tmp_path / "resumed", workers=1)
    monkeypatch.setattr(ResultsFolder, "write_chunk", honest)
    run_experiment(experiment, tmp_path / "resumed", workers=1, resume=True)
    assert pq.read_table(tmp_path / "resumed" / "runs.parquet").equals(whole)


def test_the_horizon_is_the_experiments_and_cannot_vary_by_point(tmp_path, capsys):
    """Workers run every point for the experiment's months, so an arm, a factor or a preset
    that sets scenario.months would be ignored: each is refused, with where to set it."""
    from sim.scenario import builtin_file

    scenario = builtin_file("timor_border").read_text()
    write(
        tmp_path,
        scenario + '\n[presets.long]\n"setup.body" = "regional_management"\n"scenario.months" = 240\n',
        "long.toml",
    )
    arms = ARMS.format(replications=100, months=60).replace('scenario = "timor_border"', 'scenario = "long.toml"')
    arms = arms.replace('preset = "rm_plus"', 'preset = "long"').replace(
        '"key_actor.legitimacy.*" = 0.4', '"scenario.months" = 24'
    )
    assert main(["validate", str(write(tmp_path, arms))]) == 2
    err = capsys.readouterr().err
    assert "arm[2].scenario.months = 24: every point of an experiment runs for the same number of months" in err
    assert "set months in [experiment]" in err
    assert "arm[3].preset = 'long': this preset sets scenario.months = 240" in err
    assert (
        main(
            [
                "validate",
                str(
                    write(
                        tmp_path,
                        arms.replace("months = 60", "months = 240").replace(
                            '"scenario.months" = 24', '"key_actor.legitimacy.*" = 0.4'
                        ),
                    )
                ),
            ]
        )
        == 0
    )  # the preset agrees with the experiment
    design = DESIGN.format(
        kind="lhs", settings="points = 5", first="low = 0.5, high = 0.9", second="low = 3, high = 12"
    )
    design += '"scenario.months" = { low = 12, high = 120, integer = true }\n'
    assert main(["validate", str(write(tmp_path, design))]) == 2
    assert 'factors."scenario.months" = a table: every point of an experiment runs' in capsys.readouterr().err


def a_port_that_answers_but_is_not_dask() -> int:
    """A local port whose server answers every connection with an HTTP error and hangs up."""
    import socket

    server = socket.create_server(("127.0.0.1", 0))

    def answer() -> None:
        while True:
            connection, _ = server.accept()
            connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" * 8)
            connection.close()

    threading.Thread(target=answer, daemon=True).start()
    return server.getsockname()[1]


def a_closed_port() -> int:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as server:
        return server.getsockname()[1]


@pytest.mark.parametrize(
    ("option", "value", "fragment"),
    [
        ("--out", "{tmp}/a_file", "a_file: is a file, not a folder; choose another --out"),
        ("--out", "{tmp}/a_file/results", "cannot be made: {tmp}/a_file is a file, not a folder"),
        ("--scheduler", "nope", "--scheduler = 'nope': must be a scheduler's address, like tcp://"),
        ("--scheduler", "tcp://127.0.0.1:{closed}", "nothing answers there"),
        ("--scheduler", "tcp://127.0.0.1:{http}", "no Dask scheduler answers there"),
    ],
    ids=["out is a file", "out inside a file", "scheduler not an address", "scheduler port closed", "not dask"],
)
def test_bad_command_line_input_is_refused_at_once_and_nothing_is_written(tmp_path, capsys, option, value, fragment):
    pytest.importorskip("distributed")
    (tmp_path / "a_file").write_text("mine")
    ports = {"tmp": tmp_path, "closed": a_closed_port()}
    if "{http}" in value:
        ports["http"] = a_port_that_answers_but_is_not_dask()
    path = small(tmp_path, replications=100)
    started = time.monotonic()
    out = ["--out", str(tmp_path / "out")] if option != "--out" else []
    assert main(["experiment", str(path), option, value.format(**ports), *out]) == 2
    err = capsys.readouterr().err
    assert fragment.format(**ports) in err and "Traceback" not in err and "internal error" not in err
    assert time.monotonic() - started < 10
    assert not (tmp_path / "out").exists() and (tmp_path / "a_file").read_text() == "mine"


def test_the_summary_agrees_with_the_runs(tmp_path):
    """summary.csv is added up point by point as runs.parquet is written: the same figures as
    pandas gives from runs.parquet."""
    from sim.outcomes import paired_difference

    run_experiment(load_experiment(small(tmp_path, replications=2000)), tmp_path / "out", workers=1)
    runs = runs_of(tmp_path / "out")
    summary = pd.read_csv(tmp_path / "out" / "summary.csv").set_index("point")
    grouped = runs.groupby("point")
    assert list(runs.columns[:5]) == ["point", "label", "preset", "replication", "formed"]
    assert (summary["replications"] == grouped.size()).all()
    expected = {
        "formation_rate": grouped["formed"].mean(),
        "sustained_rate": grouped["sustained"].mean(),
        "median_months_to_formation": runs[runs["formed"]].groupby("point")["month_formed"].median(),
        "months_in_force": grouped["months_cooperating"].mean(),
        "dissolution_rate": (runs["dissolutions"] > 0).groupby(runs["point"]).mean(),
        "dissolutions_per_run": grouped["dissolutions"].mean(),
        "dissolutions_after_election_per_run": grouped["dissolutions_after_election"].mean(),
        **{f"participation_{r}": (runs[f"months_member_{r}"] > 0).groupby(runs["point"]).mean() for r in REGENCIES},
        **{f"months_member_{r}": grouped[f"months_member_{r}"].mean() for r in REGENCIES},
    }
    for column, values in expected.items():
        assert np.allclose(summary[column], values.reindex(summary.index), equal_nan=True), column
    shortfall = grouped[[f"shortfall_Belu_{a}" for a in ("knowledge", "need", "capacity")]].sum().astype(float)
    totals = grouped[[c for c in runs if c.startswith("shortfall_Belu_")]].sum().astype(float).sum(axis=1)
    assert np.allclose(summary["barrier_Belu_need"], shortfall["shortfall_Belu_need"] / totals, atol=1e-6)
    formed = runs.pivot(index="replication", columns="label", values="formed")
    bishop = paired_difference(formed["bishop"].to_numpy(), formed["status quo"].to_numpy())
    row = summary[summary["label"] == "bishop"].iloc[0]
    assert row["difference_from_status_quo"] == pytest.approx(bishop["difference"])
    assert [row["difference_low"], row["difference_high"]] == pytest.approx(bishop["ci"])


def test_finishing_holds_a_few_chunks_not_every_run(tmp_path, monkeypatch):
    """runs.parquet is streamed from the chunk files: Arrow never holds all the runs at once."""
    import pyarrow as pa

    import sim.storage

    monkeypatch.setattr(sim.storage, "ROW_GROUP_ROWS", CHUNK_RUNS, raising=False)
    experiment = load_experiment(small(tmp_path, replications=3 * CHUNK_RUNS, months=12))  # 12 chunks
    peak, honest_read = [0], pq.read_table

    def read_table(*args, **kwargs):
        table = honest_read(*args, **kwargs)
        peak[0] = max(peak[0], pa.total_allocated_bytes())
        return table

    monkeypatch.setattr(pq, "read_table", read_table)
    already = pa.total_allocated_bytes()  # what earlier tests of the session still hold
    run_experiment(experiment, tmp_path / "out", workers=1)
    whole = honest_read(tmp_path / "out" / "runs.parquet").nbytes
    assert peak[0] - already < whole / 3


def test_an_experiment_too_big_for_the_disk_is_refused_before_anything_is_written(tmp_path, capsys, monkeypatch):
    import sim.experiment

    monkeypatch.setattr(sim.experiment, "disk_free", lambda path: (50 * 10**9, tmp_path))
    path = small(tmp_path, replications=1_000_000_000)
    assert main(["experiment", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "experiment.replications = 1000000000: 4 arms x 1,000,000,000 replications would need about" in err
    assert f"GB of disk for the results, more than is free in {tmp_path} (50.0 GB); choose fewer replications" in err
    assert not (tmp_path / "out").exists()
    auto = ARMS.format(replications='"auto"', months=60).replace(
        "months = 60", "months = 60\nmax_replications = 100000000"
    )
    assert main(["experiment", str(write(tmp_path, auto)), "--out", str(tmp_path / "out")]) == 2
    assert "experiment.max_replications = 100000000: 4 arms x 100,000,000 replications" in capsys.readouterr().err


def test_an_experiment_in_which_every_run_fails_finishes_with_empty_tables_and_says_so(tmp_path, capsys, monkeypatch):
    import sim.experiment as runner

    def always_fails(task):
        raise RuntimeError("a failing chunk")

    honest = runner.run_chunk
    monkeypatch.setattr(runner, "run_chunk", always_fails)
    path, out = small(tmp_path, replications=300), tmp_path / "out"
    assert main(["experiment", str(path), "--out", str(out), "--workers", "1"]) == 1
    err = capsys.readouterr().err
    assert "every run failed (RuntimeError: a failing chunk)" in err and "--resume" in err and "Traceback" not in err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "failed" and manifest["runs"] == {"done": 0, "failed": 1200, "this_session": 0}
    runs = pq.read_table(out / "runs.parquet")
    assert runs.num_rows == 0 and {"replication", "formed", "month_formed", "shortfall_Belu_capacity"} <= set(
        runs.column_names
    )
    summary = pd.read_csv(out / "summary.csv")
    assert (summary["replications"] == 0).all() and summary["formation_rate"].isna().all() and len(summary) == 4
    assert main(["report", str(out)]) == 2
    assert "every run failed" in capsys.readouterr().err
    assert main(["experiment", str(path), "--out", str(out)]) == 2
    assert "every run failed (the errors are in its manifest.json); add --resume" in capsys.readouterr().err
    monkeypatch.setattr(runner, "run_chunk", honest)
    assert main(["experiment", str(path), "--out", str(out), "--workers", "1", "--resume"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["runs"]["done"] == 1200 and not manifest["failures"]


def test_empty_lists_that_would_mean_nothing_are_refused(tmp_path, capsys):
    """No presets would be no points to run; a flood season of no months, no floods whatever
    their probability."""
    from sim.scenario import builtin_file

    text = DESIGN.format(kind="grid", settings="", first="values = [0.5]", second="values = [6]")
    text = text.replace('presets = ["key_actor", "rm_plus"]', "presets = []")
    assert main(["experiment", str(write(tmp_path, text)), "--out", str(tmp_path / "out")]) == 2
    assert "design.presets = []: must list at least 1 item" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    scenario = builtin_file("timor_border").read_text()
    season = next(line for line in scenario.splitlines() if line.startswith("season = "))
    assert main(["validate", str(write(tmp_path, scenario.replace(season, "season = []"), "dry.toml"))]) == 2
    assert "shocks.flood.season = []: must list at least 1 item" in capsys.readouterr().err


def test_an_integer_factor_gives_each_whole_number_an_equal_share(tmp_path):
    """Sampled over [low - 0.5, high + 0.5], the ends are as likely as the numbers between."""
    text = DESIGN.format(
        kind="lhs", settings="points = 400", first="low = 0.5, high = 0.9", second="low = 3, high = 6, integer = true"
    )
    experiment = load_experiment(write(tmp_path, text))
    months = pd.Series([p.factors["rules.stages.organising"] for p in experiment.points if p.preset == "rm_plus"])
    assert months.value_counts().sort_index().to_dict() == {3: 100, 4: 100, 5: 100, 6: 100}


def test_every_problem_of_a_design_is_reported_at_once(tmp_path, capsys):
    """An unknown kind, a bad name and bad factors in one file: all of them, in one go."""
    text = DESIGN.format(
        kind="latin",
        settings="points = 5",
        first="low = 0.5, high = 1.5",
        second='low = 3, high = 12.5, integer = "yes"',
    ).replace('name = "design"', 'name = "../../etc"')
    assert main(["experiment", str(write(tmp_path, text)), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    for fragment in (
        "experiment.name = '../../etc': must be a name of letters, digits, _ and - only",
        "design.kind = 'latin': must be one of grid, lhs, sobol, morris",
        'factors."key_actor.legitimacy.*".high = 1.5: must be a number between 0 and 1',
        "factors.\"rules.stages.organising\".integer = 'yes': must be true or false",
    ):
        assert fragment in err, fragment
    assert not (tmp_path / "out").exists()
    text = DESIGN.format(kind="lhs", settings="points = 5", first="low = 0.5, high = 0.9", second="low = 3, high = 12")
    text = text.replace("low = 3, high = 12", "low = 3, high = 12.5, integer = true")
    assert main(["validate", str(write(tmp_path, text))]) == 2
    assert 'organising".high = 12.5: an integer factor needs whole-number bounds' in capsys.readouterr().err
