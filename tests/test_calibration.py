"""Calibration: patterns as data, rejection ABC through the experiment runner, parameter
recovery, a clear message when nothing fits, resume after a kill, bad files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.calibration import load_calibration, outcome_values
from sim.cli import main
from sim.design import load_experiment
from sim.experiment import run_experiment
from sim.scenario import builtin_file

TRUTH = {"key_actor.meetings_per_month": 0.5, "regency.Malaka.capacity": 0.45}
PRIOR = {"key_actor.meetings_per_month": (0.05, 1.0), "regency.Malaka.capacity": (0.3, 0.6)}
MONTHS = 120


def small_scenario(folder: Path) -> Path:
    """The default scenario with two uncertain numbers only."""
    text = builtin_file("timor_border").read_text()
    text = text[: text.index("[uncertainty]")] + "[uncertainty]\n"
    text += "".join(f'"{path}" = {{ low = {low}, high = {high} }}\n' for path, (low, high) in PRIOR.items())
    path = folder / "small.toml"
    path.write_text(text.replace('name = "timor_border"', 'name = "small"'))
    return path


def truth_outcomes(folder: Path, scenario: Path) -> dict[str, float]:
    """The outcomes of the true parameter set, as a calibration computes them."""
    overrides = "".join(f'"{path}" = {value}\n' for path, value in TRUTH.items())
    file = folder / "truth.toml"
    file.write_text(
        f'[experiment]\nname = "truth"\nscenario = "{scenario}"\nseed = 99\nreplications = 2000\nmonths = {MONTHS}\n\n'
        f'[[arm]]\nname = "status_quo"\npreset = "status_quo"\n{overrides}\n'
        f'[[arm]]\nname = "key_actor"\npreset = "key_actor"\n{overrides}'
    )
    run_experiment(load_experiment(file), folder / "truth", workers=1)
    runs = pq.read_table(folder / "truth" / "runs.parquet").to_pandas()
    names = ("TTU", "Belu", "Malaka")
    return {
        "capacity": float(outcome_values(runs, "barrier_share.Malaka.capacity", None, names)[0]),
        "formed": float(outcome_values(runs, "formation_rate", None, names)[1]),
        "formed_60": float(outcome_values(runs, "formation_rate", 60, names)[1]),
    }


def calibration_file(folder: Path, scenario: Path, patterns: str, sets: int = 80, replications: int = 200) -> Path:
    path = folder / "calibration.toml"
    path.write_text(
        f'[calibration]\nname = "test"\nscenario = "{scenario}"\nseed = 3\nsets = {sets}\n'
        f"replications = {replications}\nmonths = {MONTHS}\n\n{patterns}"
    )
    return path


@pytest.fixture(scope="module")
def recovery(tmp_path_factory):
    folder = tmp_path_factory.mktemp("recovery")
    scenario = small_scenario(folder)
    truth = truth_outcomes(folder, scenario)
    patterns = (
        f'[[pattern]]\nsetup = "status_quo"\noutcome = "barrier_share.Malaka.capacity"\n'
        f"near = {truth['capacity']}\ntolerance = 0.02\n\n"
        f'[[pattern]]\nsetup = "key_actor"\noutcome = "formation_rate"\nnear = {truth["formed"]}\ntolerance = 0.06\n\n'
        f'[[pattern]]\nsetup = "key_actor"\noutcome = "formation_rate"\nmonth = 60\n'
        f"near = {truth['formed_60']}\ntolerance = 0.05\n"
    )
    file = calibration_file(folder, scenario, patterns)
    assert main(["calibrate", str(file), "--out", str(folder / "out"), "--workers", "1"]) == 0
    return folder, file


def test_the_posterior_recovers_the_true_parameters_and_is_narrower_than_the_prior(recovery):
    folder, _ = recovery
    posterior = pq.read_table(folder / "out" / "posterior.parquet").to_pandas()
    prior = pq.read_table(folder / "out" / "prior.parquet").to_pandas()
    assert len(prior) == 80 and 5 <= len(posterior) < len(prior)
    assert posterior["weight"].sum() == pytest.approx(1.0)
    for path, truth in TRUTH.items():
        low, high = posterior[path].quantile([0.05, 0.95])
        assert low <= truth <= high, (path, low, high)
        assert high - low < 0.8 * (PRIOR[path][1] - PRIOR[path][0]), path


def test_a_calibration_resumes_after_a_kill_to_the_same_posterior(recovery, tmp_path):
    _, recovered = recovery
    file = tmp_path / "small.toml"  # the recovery's patterns, a quarter of its runs
    file.write_text(
        recovered.read_text().replace("sets = 80", "sets = 40").replace("replications = 200", "replications = 100")
    )
    whole = main(["calibrate", str(file), "--out", str(tmp_path / "whole"), "--workers", "1"])
    assert whole in (0, 1)  # 1: too few sets meet every pattern at this size; the tables are written alike
    out = tmp_path / "out"
    killed = subprocess.run(
        [sys.executable, "-m", "sim.cli", "calibrate", str(file), "--out", str(out), "--workers", "1"],
        env={**os.environ, "KERJASAMA_FAULT": "after-rename:chunk:2"},
        capture_output=True,
        text=True,
    )
    assert killed.returncode == -signal.SIGKILL
    assert main(["calibrate", str(file), "--out", str(out), "--workers", "1", "--resume"]) == whole
    for table in ("prior.parquet", "posterior.parquet"):
        assert pd.read_parquet(out / table).equals(pd.read_parquet(tmp_path / "whole" / table))


def test_patterns_no_set_can_meet_give_a_clear_message(tmp_path, capsys):
    scenario = small_scenario(tmp_path)
    patterns = (
        '[[pattern]]\nsetup = "status_quo"\noutcome = "formation_rate"\nat_least = 0.9\n\n'
        '[[pattern]]\nbetter = "key_actor"\nthan = "status_quo"\noutcome = "formation_rate"\n'
    )
    file = calibration_file(tmp_path, scenario, patterns, sets=20, replications=20)
    assert main(["calibrate", str(file), "--out", str(tmp_path / "out"), "--workers", "1"]) == 1
    err = capsys.readouterr().err
    assert "no parameter set of 20 meets every pattern" in err
    assert "pattern 0 (status_quo: formation_rate at least 0.9): met by 0 sets" in err and "Traceback" not in err
    assert (tmp_path / "out" / "prior.parquet").exists()


@pytest.mark.parametrize(
    "pattern, field, fragment",
    [
        ('setup = "status_quo"\noutcome = "formed_rate"\nat_most = 0.1', "pattern[0].outcome", "must be one of"),
        ('setup = "status_qou"\noutcome = "formation_rate"\nat_most = 0.1', "pattern[0].setup", "did you mean"),
        (
            'setup = "status_quo"\noutcome = "formation_rate"\nbetween = [0.3, 0.1]',
            "pattern[0].between",
            "low below high",
        ),
        (
            'setup = "status_quo"\noutcome = "formation_rate"\nbetween = [0.2, 0.2]',
            "pattern[0].between",
            "low below high",
        ),
        (
            'setup = "status_quo"\noutcome = "barrier_share.Dili.need"\nat_least = 0.1',
            "pattern[0].outcome",
            "unknown regency",
        ),
        ('setup = "status_quo"\noutcome = "formation_rate"\nnear = 0.1', "pattern[0].tolerance", "needs a tolerance"),
        (
            'setup = "status_quo"\noutcome = "months_in_force"\nmonth = 60\nat_most = 3',
            "pattern[0].month",
            "only formation_rate",
        ),
        ('better = "rm_plus"\noutcome = "formation_rate"', "pattern[0]", "a comparison names better"),
    ],
    ids=[
        "unknown outcome",
        "unknown setup",
        "low above high",
        "empty range",
        "unknown regency",
        "near without tolerance",
        "month of another outcome",
        "half a comparison",
    ],
)
def test_bad_calibration_files_are_refused_with_file_field_value_and_what_is_allowed(
    tmp_path, capsys, pattern, field, fragment
):
    file = calibration_file(tmp_path, "timor_border", f"[[pattern]]\n{pattern}\n")
    assert main(["calibrate", str(file), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"{file}: {field}" in err and fragment in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_parameters_must_be_declared_uncertain_and_numbers(tmp_path, capsys):
    file = calibration_file(
        tmp_path, "timor_border", '[[pattern]]\nsetup = "status_quo"\noutcome = "formation_rate"\nat_most = 0.1\n'
    )
    text = file.read_text().replace("months = 120", 'months = 120\nparameters = ["scenario.setup", "regency.TTU.need"]')
    file.write_text(text)
    assert main(["calibrate", str(file), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "calibration.parameters[0] = 'scenario.setup': must be a number the scenario's [uncertainty] declares" in err


def test_the_study_patterns_load_and_each_says_its_sentence():
    calibration = load_calibration("study_patterns")
    assert len(calibration.patterns) >= 8 and all(p.says for p in calibration.patterns)
    assert set(calibration.setups) == {"status_quo", "key_actor", "regional_management", "rm_plus"}
    assert len(calibration.parameters) >= 90


def test_the_report_of_a_calibration_shows_prior_posterior_patterns_and_what_is_not_pinned(recovery):
    folder, _ = recovery
    assert main(["report", str(folder / "out")]) == 0
    page = (folder / "out" / "report.html").read_text()
    assert "meet every pattern" in page and "key_actor.meetings_per_month" in page and "rejects" in page
    assert "data:image/png;base64," in page and "cannot pin down" in page
    assert main(["report", str(folder / "out"), "--lang", "id"]) == 0
    page = (folder / "out" / "report.html").read_text()
    assert "<html lang='id'>" in page and "memenuhi setiap pola" in page and "kemampuan Malaka" in page
    assert (folder / "out" / "figures" / "id" / "calibration.png").exists()
