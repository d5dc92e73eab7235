"""Experiments over plausible worlds: common worlds for every arm, set before the preset; both
intervals, the share of worlds each setup is best in, its regret; the same results on any number
of workers and after an interruption; bad worlds refused; the posterior that ships is current."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim.calibration import load_calibration
from sim.cli import main
from sim.design import load_experiment
from sim.experiment import Interrupted, run_experiment
from sim.report import build_report
from sim.scenario import builtin_file, load_scenario
from sim.storage import ResultsFolder
from sim.summary import world_comparison
from sim.worlds import PROVENANCE, fingerprint, load_worlds, rate_noise, scenario_posterior, table_digest, true_range

EXPERIMENT = """
[experiment]
name = "over_worlds"
scenario = "timor_border"
seed = 7
replications = {replications}
months = 96
worlds = "{worlds}"

[[arm]]
name = "status_quo"
preset = "status_quo"

[[arm]]
name = "key_actor"
preset = "key_actor"

[[arm]]
name = "rm_plus"
preset = "rm_plus"

[[arm]]
name = "province_led"
preset = "province_led"
"""


def posterior(path: Path, worlds: dict[str, list], weights: list[float] | None = None, **provenance) -> Path:
    """A posterior file as `kerjasama calibrate` writes one, of the default scenario."""
    scenario = load_scenario()
    count = len(next(iter(worlds.values())))
    origin = {
        "calibration": "test",
        "accepted": count,
        "sets": 2 * count,
        "scenario": {"name": scenario.name, "sha256": scenario.sha256},
        "fingerprint": fingerprint(scenario),
        "command": "kerjasama calibrate test.toml",
    } | provenance
    table = pa.table(
        {"set": np.arange(count), **worlds, "distance": np.zeros(count), "weight": weights or [1 / count] * count}
    )
    origin.setdefault("worlds_sha256", table_digest(table))
    pq.write_table(table.replace_schema_metadata({PROVENANCE: json.dumps(origin)}), path)
    return path


def experiment(folder: Path, worlds: Path, replications: int = 400) -> Path:
    path = folder / "experiment.toml"
    path.write_text(EXPERIMENT.format(replications=replications, worlds=worlds.relative_to(folder).as_posix()))
    return path


def runs_of(folder: Path) -> pd.DataFrame:
    return pq.read_table(folder / "runs.parquet").to_pandas()


TWO_WORLDS = {  # a capable, willing border, and a reluctant, stretched one
    "regency.Malaka.capacity": [0.60, 0.30],
    "regency.Belu.willingness": [0.60, 0.25],
    "key_actor.meetings_per_month": [0.9, 0.1],
}


def test_worlds_at_the_scenarios_own_values_give_the_runs_without_worlds(tmp_path):
    """Worlds set the numbers a replication runs with and nothing else: at the file's own values,
    every run is the run without worlds — under a preset that sets one of them too (the governor's
    meetings under province_led), which keeps its own."""
    scenario = load_scenario()
    own = {"key_actor.meetings_per_month": [0.25, 0.25], "regency.Malaka.capacity": [0.45, 0.45]}
    assert scenario.document["key_actor"]["meetings_per_month"] == 0.25
    file = experiment(tmp_path, posterior(tmp_path / "own.parquet", own), replications=300)
    run_experiment(load_experiment(file), tmp_path / "worlds", workers=1)
    without = tmp_path / "without.toml"
    without.write_text(file.read_text().replace('worlds = "own.parquet"\n', ""))
    assert "worlds =" not in without.read_text()
    run_experiment(load_experiment(without), tmp_path / "plain", workers=1)
    over, plain = runs_of(tmp_path / "worlds"), runs_of(tmp_path / "plain")
    assert sorted(set(over["world"])) == [0, 1]
    for column in ("formed", "month_formed", "months_cooperating", "highest_stage"):
        assert np.array_equal(over[column].to_numpy(), plain[column].to_numpy()), column


def test_a_world_sets_the_scenarios_own_numbers_and_a_preset_keeps_its_own(tmp_path):
    worlds = load_worlds(str(posterior(tmp_path / "p.parquet", TWO_WORLDS)), load_scenario(), tmp_path, "t", "worlds")
    bishop = worlds.scenario(load_scenario(), 0).with_setup("key_actor")
    governor = worlds.scenario(load_scenario(), 0).with_setup("province_led")
    assert bishop.document["key_actor"]["meetings_per_month"] == 0.9
    assert governor.document["key_actor"]["meetings_per_month"] == 0.15  # province_led's own
    assert governor.document["regency"][2]["capacity"] == 0.60


def test_replications_visit_the_worlds_in_proportion_to_their_weights(tmp_path):
    scenario = load_scenario()
    values = {"regency.Malaka.capacity": [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]}
    for weights in (None, [0.4, 0.05, 0.2, 0.1, 0.1, 0.05, 0.1]):
        name = f"{'uniform' if weights is None else 'weighted'}.parquet"
        worlds = load_worlds(str(posterior(tmp_path / name, values, weights)), scenario, tmp_path, "t", "worlds")
        expected = np.asarray(weights or [1 / 7] * 7)
        for first, count in ((0, 70), (1234, 700), (10**6, 7000)):
            visits = np.bincount(worlds.world_of(np.arange(first, first + count)), minlength=7)
            assert np.abs(visits - count * expected).max() <= 2, (weights, first, visits)
        assert np.array_equal(worlds.world_of(np.arange(50, 60)), worlds.world_of(np.arange(60))[50:])


@pytest.fixture(scope="module")
def two_worlds(tmp_path_factory) -> Path:
    """Four setups over two plausible worlds, 600 replications each."""
    folder = tmp_path_factory.mktemp("worlds")
    file = experiment(folder, posterior(folder / "two.parquet", TWO_WORLDS), replications=600)
    run_experiment(load_experiment(file), folder / "out", workers=1)
    return folder / "out"


def test_the_summary_gives_both_intervals_the_share_of_worlds_each_setup_is_best_and_its_regret(two_worlds):
    summary = pd.read_csv(two_worlds / "summary.csv").set_index("label")
    by_world = pd.read_csv(two_worlds / "worlds.csv")
    assert (by_world["runs"] - 300).abs().max() <= 2  # every world, every arm, half the replications each
    rates = by_world.pivot(index="world", columns="label", values="formation_rate")
    best = rates.max(axis=1)
    weight = by_world.groupby("world")["runs"].min()
    for label, row in summary.iterrows():
        assert (
            row["formation_worlds_low"] <= row["formation_low"] <= row["formation_high"] <= row["formation_worlds_high"]
        )
        assert min(rates[label].min(), row["formation_low"]) - 1e-9 <= row["formation_worlds_low"]
        assert row["formation_worlds_high"] <= max(rates[label].max(), row["formation_high"]) + 1e-9
        shared = (rates[label] >= best - 1e-12) / (rates.to_numpy() >= best.to_numpy()[:, None] - 1e-12).sum(axis=1)
        shared = shared.where(best > 0, 0.0)  # a world in which no setup forms cooperation counts for none
        assert row["best_share"] == pytest.approx((shared * weight).sum() / weight.sum())
        assert row["regret_90"] == pytest.approx(np.quantile((best - rates[label]).repeat(weight), 0.9))
    assert summary["best_share"].sum() == pytest.approx(1.0)  # cooperation forms in both worlds
    assert rates.loc[0, "rm_plus"] > rates.loc[1, "rm_plus"]  # the capable world forms more often
    manifest = json.loads((two_worlds / "manifest.json").read_text())
    assert manifest["worlds"]["worlds"] == 2 and manifest["worlds"]["model_unchanged"] is True


def test_the_report_says_what_holds_over_the_worlds_in_both_languages(two_worlds):
    summary = pd.read_csv(two_worlds / "summary.csv")
    best = summary.loc[summary["formation_rate"].idxmax()]
    page = build_report(two_worlds, "en").read_text()
    findings = re.search(r'<div class="findings">(.*?)</div>', page, re.S).group(1)
    assert (
        f"Over 2 plausible worlds, Regional Management plus forms cooperation in "
        f"{100 * best['formation_worlds_low']:.1f} % to {100 * best['formation_worlds_high']:.1f} % of runs"
    ) in findings
    assert f"most often in {100 * best['best_share']:.0f} % of the worlds" in findings
    assert "Under uncertainty: the plausible worlds" in page
    assert (two_worlds / "figures" / "worlds.png").stat().st_size > 15_000
    assert "dunia yang masuk akal" in build_report(two_worlds, "id").read_text()


def test_the_range_over_worlds_takes_out_the_chance_of_each_worlds_runs():
    """With no parametric uncertainty (every world the same) the raw range of 70-run rates is
    wide; the range of the worlds' own rates shrinks towards the common rate (not to it: the
    variance it takes out is itself estimated from 144 worlds). Two distinct worlds keep their
    spread."""
    rng = np.random.default_rng(5)
    runs = np.full(144, 70)
    same = rng.binomial(70, 0.82, 144) / 70
    raw = np.quantile(same, [0.025, 0.975])
    low, high = true_range(same, rate_noise(same, runs), runs)
    assert raw[1] - raw[0] > 0.15 and high - low < 0.4 * (raw[1] - raw[0]) and low <= 0.83 <= high
    two = np.array([0.2, 0.8])
    low, high = true_range(two, rate_noise(two, np.array([400, 400])), np.array([400, 400]))
    assert 0.19 < low < 0.22 and 0.78 < high < 0.81


def test_the_share_of_worlds_best_shares_ties_and_counts_worlds_where_nothing_forms_for_none():
    table = pd.DataFrame(
        {
            "world": [0, 0, 1, 1, 2, 2],
            "point": [0, 1, 0, 1, 0, 1],
            "runs": [100] * 6,
            "formation_rate": [0.5, 0.3, 0.4, 0.4, 0.0, 0.0],
        }
    )
    compared = world_comparison(table)
    assert compared["best_share"] == pytest.approx({0: 1.5 / 3, 1: 0.5 / 3})
    assert compared["regret_90"][1] == pytest.approx(np.quantile([0.2] * 100 + [0.0] * 200, 0.9))


@pytest.mark.parametrize("structure", [True, False])
def test_scenario_discovery_of_failing_worlds_finds_a_real_box_and_none_in_noise(structure):
    from sim.analysis import Results, discover_failures

    rng = np.random.default_rng(11)
    count = 200
    values = pd.DataFrame({f"n{k}": rng.uniform(0, 1, count) for k in range(12)})
    fails = (values["n3"] > 0.6).to_numpy() if structure else rng.uniform(0, 1, count) < 0.4
    rates = np.where(fails, 0.2, 0.8)
    worlds = pd.DataFrame(
        {
            "world": np.repeat(np.arange(count), 2),
            "label": ["best", "other"] * count,
            "point": [0, 1] * count,
            "formation_rate": np.column_stack([rates, np.full(count, 0.1)]).ravel(),
        }
    )
    world_values = values.assign(world=np.arange(count), weight=1 / count)
    found = discover_failures(Results(Path("."), {}, None, None, None, worlds, world_values), "best")
    if structure:
        assert found.box is not None and found.chance <= 0.05
        assert list(found.box.limits["factor"]) == ["n3"]
        assert found.box.limits["low"].iloc[0] == pytest.approx(0.6, abs=0.05)
        assert found.differ[0][0] == "n3"
    else:
        assert found.box is None and found.differ == []


def test_an_experiment_over_worlds_gives_the_same_results_with_one_and_two_workers(tmp_path):
    file = experiment(tmp_path, posterior(tmp_path / "two.parquet", TWO_WORLDS), replications=2500)
    run_experiment(load_experiment(file), tmp_path / "one", workers=1)
    run_experiment(load_experiment(file), tmp_path / "two", workers=2)
    assert pq.read_table(tmp_path / "one" / "runs.parquet").equals(pq.read_table(tmp_path / "two" / "runs.parquet"))
    assert (tmp_path / "one" / "summary.csv").read_text() == (tmp_path / "two" / "summary.csv").read_text()


def test_an_interrupted_experiment_over_worlds_resumes_to_the_same_results(tmp_path, monkeypatch):
    file = experiment(tmp_path, posterior(tmp_path / "two.parquet", TWO_WORLDS), replications=2500)
    run_experiment(load_experiment(file), tmp_path / "whole", workers=1)
    honest, written = ResultsFolder.write_chunk, []

    def stop_after_two(self, *args, **kwargs):
        record = honest(self, *args, **kwargs)
        written.append(args[0])
        if len(written) == 2:
            raise KeyboardInterrupt
        return record

    monkeypatch.setattr(ResultsFolder, "write_chunk", stop_after_two)
    with pytest.raises(Interrupted):
        run_experiment(load_experiment(file), tmp_path / "resumed", workers=1)
    monkeypatch.setattr(ResultsFolder, "write_chunk", honest)
    run_experiment(load_experiment(file), tmp_path / "resumed", workers=1, resume=True)
    assert pq.read_table(tmp_path / "resumed" / "runs.parquet").equals(
        pq.read_table(tmp_path / "whole" / "runs.parquet")
    )


def test_run_with_replications_over_worlds_gives_both_intervals(tmp_path, capsys):
    worlds = posterior(tmp_path / "two.parquet", TWO_WORLDS)
    assert (
        main(
            ["run", "--setup", "rm_plus", "--replications", "400", "--months", "96", "--worlds", str(worlds), "--json"]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    low, high = result["worlds"]["formation_worlds"]
    assert low <= result["formation_ci"][0] <= result["formation_ci"][1] <= high
    assert result["worlds"]["visited"] == 2 and result["worlds"]["model_unchanged"] is True
    assert main(["run", "--setup", "rm_plus", "--replications", "400", "--months", "96", "--worlds", str(worlds)]) == 0
    assert "plausible worlds" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda folder: folder / "missing.parquet", "no file at"),
        (lambda folder: _text(folder / "bad.parquet", "not parquet"), "cannot be read as one"),
        (lambda folder: _bare(folder / "bare.parquet"), "has no provenance"),
        (
            lambda folder: posterior(folder / "other.parquet", TWO_WORLDS, scenario={"sha256": "0" * 64}),
            "another scenario file",
        ),
        (
            lambda folder: posterior(folder / "share.parquet", {"regency.Malaka.capacity": [0.5, 1.5]}),
            "world 1 is not a valid scenario",
        ),
        (
            lambda folder: posterior(folder / "path.parquet", {"regency.Malaka.colour": [0.5, 0.5]}),
            "[uncertainty] declares",
        ),
        (lambda folder: posterior(folder / "months.parquet", {"scenario.months": [12, 24]}), "[uncertainty] declares"),
        (lambda folder: posterior(folder / "list.parquet", TWO_WORLDS, scenario="x"), "provenance cannot be read"),
        (lambda folder: _edited(folder / "edited.parquet"), "were edited"),
        (lambda folder: _damaged_manifest(folder), "cannot be read, so the file cannot be checked"),
        (lambda folder: posterior(folder / "weights.parquet", TWO_WORLDS, weights=[0.0, 0.0]), "weights"),
        (lambda folder: _tampered(folder), "has changed since"),
    ],
)
def test_bad_worlds_are_refused_with_the_file_the_field_and_what_is_allowed(tmp_path, capsys, make, fragment):
    worlds = make(tmp_path)
    file = experiment(tmp_path, worlds)
    assert main(["experiment", str(file), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert f"{file}: experiment.worlds" in error and fragment in error, error
    assert not (tmp_path / "out").exists()
    assert main(["run", "--replications", "10", "--worlds", str(worlds)]) == 2
    assert "--worlds" in capsys.readouterr().err


def test_worlds_need_replications_on_the_ensemble(tmp_path, capsys):
    worlds = posterior(tmp_path / "two.parquet", TWO_WORLDS)
    assert main(["run", "--worlds", str(worlds)]) == 2
    assert main(["run", "--replications", "10", "--engine", "mesa", "--worlds", str(worlds)]) == 2
    assert capsys.readouterr().err.count("--worlds") == 2


def test_stale_worlds_are_run_with_a_warning(tmp_path, capsys):
    file = experiment(tmp_path, posterior(tmp_path / "old.parquet", TWO_WORLDS, fingerprint="0" * 16), replications=100)
    assert main(["experiment", str(file), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    assert "WARNING: the model's runs differ" in capsys.readouterr().out
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["worlds"]["model_unchanged"] is False


def test_the_shipped_posterior_is_the_calibration_of_this_model_and_scenario():
    """Fails when a rule, the default scenario or the study's patterns change without the posterior
    being made again: `.venv/bin/python scripts/ship_posterior.py`."""
    scenario = load_scenario()
    path = scenario_posterior(scenario)
    assert path == builtin_file("timor_border").with_name("timor_border.posterior.parquet")
    worlds = load_worlds("posterior", scenario, Path.cwd(), "test", "worlds")
    assert worlds.current, "the model changed since the posterior was calibrated: run scripts/ship_posterior.py"
    calibration = load_calibration("study_patterns")
    assert worlds.provenance["sha256"] == hashlib.sha256(calibration.text.encode()).hexdigest()
    assert worlds.count >= 50 and set(worlds.paths) == {u.path for u in calibration.parameters}
    main_job = load_experiment("compare_setups")
    assert main_job.worlds is not None and main_job.worlds.sha256 == worlds.sha256


def _text(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _edited(path: Path) -> Path:
    """A posterior whose worlds were cut to one after the calibration wrote it."""
    posterior(path, TWO_WORLDS)
    table = pq.read_table(path)
    pq.write_table(table.slice(0, 1), path)  # the metadata, provenance and all, is kept
    return path


def _damaged_manifest(folder: Path) -> Path:
    calibration = folder / "calibration"
    calibration.mkdir()
    (calibration / "manifest.json").write_text('{"kind": "calibration", "files": {"posterior.parq')
    return posterior(calibration / "posterior.parquet", TWO_WORLDS)


def _bare(path: Path) -> Path:
    pq.write_table(pa.table({"regency.Malaka.capacity": [0.4], "weight": [1.0]}), path)
    return path


def _tampered(folder: Path) -> Path:
    """A calibration folder whose posterior was replaced after its manifest recorded it."""
    calibration = folder / "calibration"
    calibration.mkdir()
    original = posterior(calibration / "posterior.parquet", TWO_WORLDS)
    digest = hashlib.sha256(original.read_bytes()).hexdigest()
    (calibration / "manifest.json").write_text(
        json.dumps({"kind": "calibration", "files": {"posterior.parquet": digest}})
    )
    posterior(calibration / "posterior.parquet", {"regency.Malaka.capacity": [0.59, 0.31]})
    return calibration / "posterior.parquet"
