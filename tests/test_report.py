"""Analysis and reports: every figure for every kind of experiment, numbers that agree with
summary.csv, sensitivity and scenario discovery that find what is there, clear refusals."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis import (
    barrier_profiles,
    describe_box,
    discover,
    formation_by_month,
    load_results,
    main_effects,
    participation,
    sensitivity,
    stage_funnel,
    survival,
    sweep,
)
from sim.cli import main
from sim.design import load_experiment
from sim.experiment import run_experiment
from sim.report import build_report

HEAD = """
[experiment]
name = "{name}"
scenario = "timor_border"
seed = 3
replications = {replications}
months = 96
"""

EXPERIMENTS = {
    "arms": HEAD.format(name="arms", replications=600)
    + '[[arm]]\nname = "status_quo"\npreset = "status_quo"\n[[arm]]\nname = "key_actor"\npreset = "key_actor"\n'
    + '[[arm]]\nname = "rm_plus"\npreset = "rm_plus"\n[[arm]]\nname = "strong bishop"\npreset = "key_actor"\n"key_actor.meetings_per_month" = 1.0\n',
    "grid": HEAD.format(name="grid", replications=200)
    + '[design]\nkind = "grid"\npresets = ["rm_plus"]\n[factors]\n'
    + '"rules.local_wisdom.sanction" = { values = [0.1, 0.0] }  # what defecting costs a member\n'
    + '"programmes.maize_cattle.cost" = { values = [0.06, 0.10, 0.14] }\n'
    + '"programmes.border_market.benefit" = { values = [0.4, 0.8] }  # inert: another programme runs\n',
    "lhs": HEAD.format(name="lhs", replications=60)
    + '[design]\nkind = "lhs"\npresets = ["rm_plus"]\npoints = 60\n[factors]\n'
    + '"key_actor.meetings_per_month" = { low = 0.1, high = 1.5 }\n"programmes.maize_cattle.cost" = { low = 0.04, high = 0.16 }\n',
    "sobol": HEAD.format(name="sobol", replications=40)
    + 'outputs = ["formation_rate", "months_in_force"]\n[design]\nkind = "sobol"\npresets = ["rm_plus"]\nbase_samples = 32\n[factors]\n'
    + '"key_actor.meetings_per_month" = { low = 0.1, high = 1.5 }\n"programmes.maize_cattle.cost" = { low = 0.04, high = 0.16 }\n'
    + '"programmes.border_market.benefit" = { low = 0.2, high = 0.8 }  # inert: another programme runs\n',
    "morris": HEAD.format(name="morris", replications=40)
    + '[design]\nkind = "morris"\npresets = ["rm_plus"]\ntrajectories = 10\nlevels = 4\n[factors]\n'
    + '"key_actor.meetings_per_month" = { low = 0.1, high = 1.5 }\n"programmes.maize_cattle.cost" = { low = 0.04, high = 0.16 }\n'
    + '"programmes.border_market.benefit" = { low = 0.2, high = 0.8 }\n',
}

FIGURES = {
    "arms": {
        "formation",
        "difference",
        "survival",
        "funnel",
        "durability",
        "participation",
        "barriers",
        "trajectories_0",
        "trajectories_3",
    },
    "grid": {"formation", "sweeps", "map", "effects", "barriers", "trajectories_0"},
    "lhs": {"formation", "sweeps", "barriers", "discovery_rm_plus"},
    "sobol": {
        "formation",
        "sweeps",
        "barriers",
        "sensitivity_formation_rate",
        "sensitivity_months_in_force",
        "discovery_rm_plus",
    },
    "morris": {"formation", "sweeps", "barriers", "sensitivity_formation_rate", "discovery_rm_plus"},
}


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("reports")
    made = {}
    for kind, text in EXPERIMENTS.items():
        (root / f"{kind}.toml").write_text(text)
        run_experiment(load_experiment(root / f"{kind}.toml"), root / kind, workers=1)
        made[kind] = root / kind
    return made


@pytest.mark.parametrize("kind", list(EXPERIMENTS))
def test_every_figure_is_made_for_every_kind_of_experiment(folders, capsys, kind):
    assert main(["report", str(folders[kind])]) == 0
    made = {p.stem for p in (folders[kind] / "figures").glob("*.png")}
    assert FIGURES[kind] <= made, FIGURES[kind] - made
    for name in FIGURES[kind]:
        assert (folders[kind] / "figures" / f"{name}.png").stat().st_size > 15_000
    page = (folders[kind] / "report.html").read_text()
    assert page.count("data:image/png;base64,") >= len(FIGURES[kind])
    assert not re.search(r'(src|href)="(https?:)?//', page), "the report must open with no network"
    manifest = json.loads((folders[kind] / "manifest.json").read_text())
    for fact in (manifest["experiment"], str(manifest["seed"]), manifest["versions"]["numpy"]):
        assert fact in page
    # the footer names the code that made the runs, as the manifest and `kerjasama --version` do
    footer = re.search(r"<footer>(.*?)</footer>", page, re.S).group(1)
    assert f"kerjasama {manifest['versions']['kerjasama']}" in footer and manifest["code"].startswith("kerjasama ")
    if manifest.get("git"):
        assert manifest["git"]["commit"][:10] in footer and manifest["git"]["commit"][:12] in manifest["code"]


def test_the_summary_at_the_top_agrees_with_summary_csv(folders):
    main(["report", str(folders["arms"])])
    summary = pd.read_csv(folders["arms"] / "summary.csv")
    page = (folders["arms"] / "report.html").read_text()
    findings = re.search(r'<div class="findings">(.*?)</div>', page, re.S).group(1)
    best = summary.loc[summary["formation_rate"].idxmax()]
    assert (
        f"in {100 * best['formation_rate']:.1f} % of runs (95 % CI {100 * best['formation_low']:.1f}–{100 * best['formation_high']:.1f} %)"
        in findings
    )
    for _, row in summary.iterrows():
        assert (
            f"{100 * row['formation_rate']:.1f} % ({100 * row['formation_low']:.1f}–{100 * row['formation_high']:.1f} %)"
            in findings
        )
    reference = summary[summary["label"] == "status_quo"].iloc[0]
    assert f"Under the status quo it formed in {100 * reference['formation_rate']:.1f} % of runs" in findings
    assert f"{100 * best['difference_from_status_quo']:+.1f} percentage points" in findings


def test_the_report_in_bahasa_indonesia(folders):
    assert main(["report", str(folders["arms"]), "--lang", "id"]) == 0
    page = (folders["arms"] / "report.html").read_text()
    assert '<html lang="id">' in page and "Temuan eksperimen" in page and "Mengapa gagal" in page
    assert "Aktor kunci (uskup)" in page and "What the experiment found" not in page
    text = re.sub(r"<[^>]+>|data:image/png;base64,[A-Za-z0-9+/=]+", " ", page)
    for english in ("replications each", " arms,", " to +", " to -", "uncommitted", " failed"):
        assert english not in text, english
    assert "masing-masing" in text and " hingga " in text
    assert (folders["arms"] / "figures" / "id" / "funnel.png").exists()


def test_an_inert_factor_gets_sobol_indices_near_zero(folders):
    table = sensitivity(load_results(folders["sobol"]), "formation_rate").set_index("factor")
    inert = table.loc["programmes.border_market.benefit"]
    assert abs(inert["S1"]) < 0.02 and abs(inert["ST"]) < 0.02
    top = table.index[0]  # ranked first: one of the two that act
    assert top in ("programmes.maize_cattle.cost", "key_actor.meetings_per_month") and table.loc[top, "ST"] > 0.3
    assert table.index[-1] == "programmes.border_market.benefit"


def test_morris_ranks_the_inert_factor_last(folders):
    table = sensitivity(load_results(folders["morris"]), "formation_rate")
    assert table["factor"].iloc[-1] == "programmes.border_market.benefit"
    assert table["mu_star"].iloc[-1] == pytest.approx(0, abs=1e-9)


def test_prim_recovers_a_known_box():
    rng = np.random.default_rng(4)
    points = pd.DataFrame(rng.random((800, 3)), columns=["a", "b", "c"])
    inside = (points["a"] >= 0.6) & (points["b"] <= 0.3)
    summary = points.assign(preset="p", formation_rate=np.where(inside, 0.95, 0.1), replications=100)
    found = discover(summary, ["a", "b", "c"], "p")
    limits = found.limits.set_index("factor")
    assert set(limits.index) == {"a", "b"}
    assert limits.loc["a", "low"] == pytest.approx(0.6, abs=0.03) and limits.loc["b", "high"] == pytest.approx(
        0.3, abs=0.03
    )
    assert found.density >= 0.9 and found.coverage >= 0.8
    words = describe_box(found, summary, {"a": "legitimacy in Malaka", "b": "meetings"})
    legitimacy = float(re.search(r"legitimacy in Malaka ≥ ([0-9.]+)", words).group(1))
    meetings = float(re.search(r"meetings ≤ ([0-9.]+)", words).group(1))
    assert legitimacy == pytest.approx(0.6, abs=0.02) and meetings == pytest.approx(0.3, abs=0.02)
    assert " and " in words and " c " not in f" {words} "  # the unrestricted factor is not named


def test_analysis_tables_hold_together(folders):
    results = load_results(folders["arms"])
    runs = results.runs
    by_month = formation_by_month(runs, results.months)
    for label, group in by_month.groupby("label"):
        assert np.all(np.diff(group["share"]) >= 0)
        assert group["share"].iloc[-1] == pytest.approx(runs[runs["label"] == label]["formed"].mean())
    funnel = stage_funnel(runs)
    for _, group in funnel.groupby("label"):
        assert np.all(np.diff(group["share"]) <= 1e-12)  # a stage further on is reached no more often
    profiles = barrier_profiles(results.summary, results.regencies)
    sums = profiles.groupby(["label", "regency"])["share"].sum()
    assert np.all(np.isclose(sums, 1) | np.isclose(sums, 0))
    grid = load_results(folders["grid"])
    swept = sweep(grid.summary, "programmes.maize_cattle.cost")
    assert list(swept["value"]) == [0.06, 0.10, 0.14] and (swept["runs"] == 800).all()
    assert swept["formation_rate"].is_monotonic_decreasing  # a costlier programme forms less often
    curves = survival(runs, results.months)
    for label, group in curves.groupby("label"):
        assert np.all(np.diff(group["not_formed"]) <= 0) and group["not_formed"].iloc[0] == 1.0
        assert group["not_formed"].iloc[-1] == pytest.approx(1 - runs[runs["label"] == label]["formed"].mean())
    taking_part = participation(results.summary, results.regencies)
    assert set(taking_part["regency"]) == set(results.regencies)
    for _, row in taking_part.iterrows():
        runs_of_label = runs[runs["label"] == row["label"]]
        assert row["share"] == pytest.approx((runs_of_label[f"months_member_{row['regency']}"] > 0).mean())


def test_the_main_effects_of_a_factorial_name_an_inert_factor_as_adding_nothing(folders):
    """The grid crosses what defecting costs a member under adat sanctions (which acts on members
    only, so on duration, not formation), the programme's cost (which acts on both) and another
    programme's benefit (which nothing reads)."""
    results = load_results(folders["grid"])
    effects = main_effects(results.summary, results.factors, ("formation_rate", "months_in_force"))
    by = effects.set_index(["output", "factor", "level"])
    inert = by.loc[("formation_rate", "programmes.border_market.benefit", 0.8)]
    assert inert["effect"] == 0 and inert["share"] == pytest.approx(0, abs=1e-12)
    sanctions_formation = by.loc[("formation_rate", "rules.local_wisdom.sanction", 0.0)]
    sanctions_months = by.loc[("months_in_force", "rules.local_wisdom.sanction", 0.0)]
    assert sanctions_formation["effect"] == 0 and sanctions_months["effect"] < 0  # duration, not formation
    assert by.loc[("formation_rate", "programmes.maize_cattle.cost", 0.14)]["effect"] < 0
    page = build_report(folders["grid"]).read_text()
    assert (
        "What defecting costs under adat sanctions: 0.0 instead of 0.1: cooperation forms as often (+0.0 points)"
        in page
    )
    assert "changes measurably: this part adds nothing here" in page


@pytest.mark.parametrize(
    ("prepare", "fragment"),
    [
        (lambda d: None, "no such results folder"),
        (lambda d: d.mkdir(), "has no readable manifest.json"),
        (
            lambda d: (d.mkdir(), (d / "manifest.json").write_text('{"name": "someone else"}')),
            "is not one `kerjasama experiment` wrote",
        ),
        (
            lambda d: (
                d.mkdir(),
                (d / "manifest.json").write_text('{"identity": "x", "kind": "arms", "status": "running"}'),
            ),
            "unfinished",
        ),
    ],
    ids=["missing", "empty", "foreign", "unfinished"],
)
def test_a_missing_or_foreign_folder_gets_a_clear_message(tmp_path, capsys, prepare, fragment):
    folder = tmp_path / "results"
    prepare(folder)
    assert main(["report", str(folder)]) == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err
    assert not (folder / "report.html").exists()
