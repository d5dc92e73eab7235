"""Every figure the docs quote from runs of the model, made by runs of the model.

    .venv/bin/python scripts/doc_figures.py            # rewrite every block in the docs
    .venv/bin/python scripts/doc_figures.py --check    # exit 1 if a block is out of date
    .venv/bin/python scripts/doc_figures.py setups parts  # only these blocks

A block sits in a Markdown file between two comments,

    <!-- figures: NAME (scripts/doc_figures.py) -->
    ...
    <!-- end figures: NAME -->

and this script rewrites what is between them, so that when a rule or a default changes the
docs are made again from the model instead of being typed in. Seeds and replication counts are
fixed here: the same code gives the same text. Run it after every change to sim/rules.py,
sim/params.py or the default scenario, and commit the docs with the change.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tomli_w  # noqa: E402

from sim import patterns  # noqa: E402
from sim.analysis import main_effects  # noqa: E402
from sim.calibration import load_calibration  # noqa: E402
from sim.design import load_experiment  # noqa: E402
from sim.ensemble import run_ensemble  # noqa: E402
from sim.experiment import run_experiment  # noqa: E402
from sim.outcomes import paired_difference, paired_mean_difference  # noqa: E402
from sim.scenario import builtin_file, load_scenario  # noqa: E402
from sim.stages import ATTRIBUTES  # noqa: E402
from sim.terms import BARRIER_WORDS, factor_name, level_label, setup_name  # noqa: E402
from sim.uncertainty import assumed_numbers, uncertain_numbers  # noqa: E402
from sim.worlds import load_worlds  # noqa: E402

SEED = 1  # the seed the docs quote; the tests check the patterns with another (tests/test_patterns.py)
RUNS = 2000  # replications per setup in the validation tables: a 95 % interval of at most ±2.2 points
PRESETS = ("status_quo", "key_actor", "regional_management", "rm_plus", "province_led")
FACTORIAL_RUNS = 500  # replications per point of the RM+ factorial (96 points)
JITTER_SETS, JITTER_RUNS, JITTER = 30, 500, 0.10  # the robustness check: sets, runs each, relative spread
START, END = "<!-- figures: {name} (scripts/doc_figures.py) -->", "<!-- end figures: {name} -->"


# --------------------------------------------------------------------------------------------
# Runs, made once and shared by the blocks
# --------------------------------------------------------------------------------------------


@cache
def default():
    return load_scenario()


@cache
def setups(runs: int = RUNS, seed: int = SEED) -> dict:
    return {preset: run_ensemble(default().with_setup(preset), runs, seed=seed) for preset in PRESETS}


def percent(share: float, digits: int = 1) -> str:
    return f"{100 * share:.{digits}f} %"


def interval(share: float, low: float, high: float) -> str:
    return f"{100 * share:.1f} % ({100 * low:.1f}–{100 * high:.1f})"


def signed(value: float) -> str:
    """+1.2, -0.3; a value that rounds to zero is +0.0, never -0.0."""
    return f"{round(value, 1) + 0.0:+.1f}"


def points(difference: dict) -> str:
    low, high = difference["ci"]
    return f"{signed(100 * difference['difference'])} ({signed(100 * low)} to {signed(100 * high)})"


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def experiment_summary(text: str) -> tuple[pd.DataFrame, object]:
    """Run an experiment given as the text of its file (the built-in scenario by name) on the
    local workers, in a folder that is thrown away; its summary and the experiment."""
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "experiment.toml"
        file.write_text(text)
        experiment = load_experiment(file)
        return run_experiment(experiment, Path(folder) / "results").summary, experiment


# --------------------------------------------------------------------------------------------
# docs/validation.md
# --------------------------------------------------------------------------------------------


def block_setups() -> str:
    results = setups()
    names = default().regency_names
    rows = []
    for preset, result in results.items():
        s = result.summary()
        median = s["median_months_to_formation"]
        rows.append(
            [
                f"`{preset}`",
                interval(s["formation_rate"], *s["formation_ci"]),
                percent(patterns.formed_by(result.outcomes, patterns.DIALOGUE_MONTHS)),
                "—" if median is None else f"{median:.0f}",
                f"{s['months_in_force']:.1f}",
                percent(s["sustained_rate"]),
                f"{s['dissolutions_per_run']:.2f}",
                percent(patterns.reached_initiation(s)),
                " / ".join(f"{100 * s['participation'][name]:.0f}" for name in names),
            ]
        )
    header = [
        "setup",
        "formed (95 % CI)",
        f"formed by month {patterns.DIALOGUE_MONTHS}",
        "median month formed",
        "months in force",
        "lasting",
        "dissolutions a run",
        "initiation or beyond",
        f"taking part, % ({' / '.join(names)})",
    ]
    return (
        f"{RUNS:,} replications per setup, seed {SEED}, {default().months} months; the same replications in "
        "every setup.\n\n" + table(header, rows)
    )


def block_barriers() -> str:
    profiles = setups()["status_quo"].summary()["barriers"]
    rows = []
    for name, profile in profiles.items():
        named = patterns.NAMED_BARRIERS.get(name, ())
        cells = [f"**{profile[a]:.2f}**" if a in named else f"{profile[a]:.2f}" for a in ATTRIBUTES]
        words = ", ".join(BARRIER_WORDS[a] for a in named)
        rows.append([f"{name} ({words})", *cells, f"{sum(profile[a] for a in named):.2f}"])
    return table(["regency", *ATTRIBUTES, "named barriers together"], rows)


def holds(ok: bool) -> str:
    return "**holds**" if ok else "**fails**"


def block_patterns() -> str:
    results = setups()
    s = {preset: result.summary() for preset, result in results.items()}
    found = patterns.diagnosis(s["status_quo"]["barriers"])
    talking, quiet = (patterns.reached_initiation(s[p]) for p in ("key_actor", "status_quo"))
    plus = s["rm_plus"]
    others = [p for p in PRESETS if p != "rm_plus"]
    above = all(plus["formation_ci"][0] > s[p]["formation_ci"][1] for p in others)
    longest = all(
        plus["months_in_force"] > s[p]["months_in_force"] and plus["sustained_rate"] > s[p]["sustained_rate"]
        for p in others
    )
    elections = {
        p: patterns.broken_by_elections(results[p].outcomes)
        for p in ("key_actor", "regional_management", "rm_plus", "province_led")
    }
    least = all(elections["rm_plus"] < v for p, v in elections.items() if p != "rm_plus")
    early = patterns.formed_by(results["key_actor"].outcomes, patterns.DIALOGUE_MONTHS)
    ranges = {p: s[p]["formation_rate"] for p in PRESETS if p != "status_quo"}
    lines = [
        f"1. **Status quo: cooperation rarely forms; the barriers are the study's diagnosis.** It formed in "
        f"{percent(s['status_quo']['formation_rate'])} of runs (at most {percent(patterns.STATUS_QUO_AT_MOST, 0)} "
        "required). Each regency's named barriers hold "
        + ", ".join(f"{name} {percent(v, 0)}" for name, v in found["named"].items())
        + f" of its profile (at least {percent(patterns.NAMED_AT_LEAST, 0)} required), and its largest share is one "
        "of them ("
        + ", ".join(f"{name}: {BARRIER_WORDS[top]}" for name, top in found["top"].items())
        + f"). {holds(s['status_quo']['formation_rate'] <= patterns.STATUS_QUO_AT_MOST and found['holds'])} The "
        "regencies differ as the study says — need weighs most for TTU, capacity for Belu, interest for Malaka, "
        f"willingness for Belu and Malaka more than for TTU: {holds(found['differ'])}",
        f"2. **The key actor gets them talking.** With the bishop the initiative reaches initiation or beyond in "
        f"{percent(talking)} of runs (at least {percent(patterns.TALKING_AT_LEAST, 0)} and {patterns.TALKING_TIMES} "
        f"times the status quo's {percent(quiet)} required); Regional Management without him, "
        f"{percent(patterns.reached_initiation(s['regional_management']))}. "
        f"{holds(talking >= patterns.TALKING_AT_LEAST and talking >= patterns.TALKING_TIMES * quiet)}",
        f"3. **Regional Management plus forms cooperation most often and keeps it longest; elections break it "
        f"least.** It formed in {percent(plus['formation_rate'])} of runs, with an interval above every other "
        f"setup's ({holds(above)}); {plus['months_in_force']:.1f} months in force on average and "
        f"{percent(plus['sustained_rate'])} lasting to the end, more than any other setup ({holds(longest)}); of the "
        f"runs in which it formed, {percent(elections['rm_plus'])} lost it within a year of an election, against "
        + ", ".join(f"{percent(v)} ({setup_name(p)})" for p, v in elections.items() if p != "rm_plus")
        + f" ({holds(least)}).",
        f"4. **Dialogue under the bishop has not yet produced formal cooperation at the time of the study.** "
        f"With the key actor, cooperation formed within {patterns.DIALOGUE_MONTHS} months in {percent(early)} of runs "
        f"(at most {percent(patterns.DIALOGUE_FORMED_AT_MOST, 0)} required), and within {default().months} months in "
        f"{percent(s['key_actor']['formation_rate'])}: a matter of time and conditions. "
        f"{holds(early <= patterns.DIALOGUE_FORMED_AT_MOST and s['key_actor']['formation_rate'] > early)}",
        f"5. **No setup but the status quo sits at a floor or a ceiling** (between {percent(patterns.FLOOR, 0)} and "
        f"{percent(patterns.CEILING, 0)} formed): "
        + ", ".join(f"{setup_name(p)} {percent(v)}" for p, v in ranges.items())
        + f". {holds(all(patterns.in_range(v) for v in ranges.values()))}",
    ]
    return "\n".join(lines)


def block_paired() -> str:
    results = setups()
    formed = {preset: result.outcomes.formed for preset, result in results.items()}
    months = {preset: result.outcomes.months_cooperating for preset, result in results.items()}
    pairs = [
        ("regional_management", "status_quo"),
        ("rm_plus", "regional_management"),
        ("rm_plus", "key_actor"),
        ("key_actor", "status_quo"),
        ("province_led", "status_quo"),
    ]
    rows = []
    for after, before in pairs:
        difference = paired_mean_difference(months[after], months[before])
        low, high = difference["ci"]
        rows.append(
            [
                f"`{after}` − `{before}`",
                points(paired_difference(formed[after], formed[before])),
                f"{signed(difference['difference'])} ({signed(low)} to {signed(high)})",
                percent(
                    float((results[after].outcomes.highest_stage != results[before].outcomes.highest_stage).mean())
                ),
            ]
        )
    header = [
        "paired difference",
        "formation, points (95 % CI)",
        "months in force (95 % CI)",
        "runs ending at another highest stage",
    ]
    return table(header, rows)


def block_parts() -> str:
    text = builtin_file("rm_plus_variants", "experiments").read_text()
    text = re.sub(r"(?m)^replications = .*$", f"replications = {FACTORIAL_RUNS}", text)
    summary, experiment = experiment_summary(text)
    factors = [{"path": f.path, "values": list(f.values)} for f in experiment.factors]
    effects = main_effects(summary, factors, ("formation_rate", "months_in_force"))
    by = effects.set_index(["output", "factor", "level"])
    lines = []
    for f in factors:
        for level in f["values"][1:]:
            formation, months = (
                by.loc[("formation_rate", f["path"], level)],
                by.loc[("months_in_force", f["path"], level)],
            )
            lines.append(
                [
                    level_label(f["path"], level, f["values"][0]),
                    f"{100 * formation['effect']:+.1f}",
                    f"{months['effect']:+.1f}",
                    f"{100 * formation['share']:.0f} %",
                    f"{100 * months['share']:.0f} %",
                ]
            )
    explained = {
        o: effects[effects["output"] == o].drop_duplicates("factor")["share"].sum()
        for o in ("formation_rate", "months_in_force")
    }
    header = [
        "instead of Regional Management plus as the preset has it",
        "formation, points",
        "months in force",
        "share of formation's differences",
        "share of months' differences",
    ]
    return (
        f"`rm_plus_variants` ({len(experiment.points)} points: every combination of the parts), {FACTORIAL_RUNS} "
        f"replications a point, seed {experiment.seed}; each difference is a mean over every combination of the other "
        "parts.\n\n"
        + table(header, lines)
        + f"\n\nOn their own the parts explain {percent(explained['formation_rate'], 0)} of the differences in formation "
        f"between the variants and {percent(explained['months_in_force'], 0)} of those in months in force; the rest is "
        "their interplay."
    )


def block_steepness() -> str:
    gaps = (-0.2, -0.1, -0.05, 0.0, 0.05, 0.1, 0.2)
    betas = (10.0, 20.0, 30.0)
    rows = [[f"β = {beta:.0f}", *(f"{1 / (1 + np.exp(-beta * gap)):.2f}" for gap in gaps)] for beta in betas]
    factors = table(["", *(f"{gap:+.2f}" for gap in gaps)], rows)
    base = default()
    lines = []
    for preset in ("key_actor", "regional_management", "rm_plus", "province_led"):
        cells = []
        for beta in (15.0, 20.0, 25.0):
            scenario = base.with_setup(preset).with_overrides({"rules.gates.steepness": beta})
            cells.append(percent(float(run_ensemble(scenario, RUNS, seed=SEED).outcomes.formed.mean())))
        lines.append([setup_name(preset), *cells])
    return (
        "One factor σ(β (x − θ)) of a gate, by how far the condition x is above (+) or below (−) its threshold θ:\n\n"
        + factors
        + f"\n\nFormation within {base.months} months at three steepnesses ({RUNS:,} replications, seed {SEED}):\n\n"
        + table(["setup", "β = 15", "β = 20 (default)", "β = 25"], lines)
    )


ONE_AT_A_TIME = [
    ("regency.Malaka.capacity", (0.40, 0.45, 0.50), ("key_actor", "rm_plus")),
    ("programmes.maize_cattle.cost", (0.06, 0.10, 0.14), ("key_actor", "rm_plus")),
    ("exposure.value_chain.TTU", (0.10, 0.25, 0.55), ("key_actor", "rm_plus")),
    ("key_actor.meetings_per_month", (0.20, 0.25, 0.35), ("key_actor", "rm_plus")),
    ("rules.manager.professional.legitimacy", (0.20, 0.30, 0.40), ("regional_management", "rm_plus")),
]


def block_sensitivity() -> str:
    base = default()
    rows = []
    for path, values, presets in ONE_AT_A_TIME:
        for preset in presets:
            cells = []
            for value in values:
                outcomes = run_ensemble(base.with_setup(preset).with_overrides({path: value}), RUNS, seed=SEED).outcomes
                cells.append(f"{percent(float(outcomes.formed.mean()))} · {outcomes.months_cooperating.mean():.0f}")
            rows.append([f"{factor_name(path)} = {' / '.join(f'{v:g}' for v in values)}", setup_name(preset), *cells])
    return (
        f"Formed · months in force, {RUNS:,} replications, seed {SEED}; the middle value is the default.\n\n"
        + table(["one number changed", "setup", "lower", "default", "higher"], rows)
    )


def jittered(rng: np.random.Generator, numbers: list[tuple[str, float | int]], spread: float) -> dict:
    overrides = {}
    for path, value in numbers:
        changed = value * rng.uniform(1 - spread, 1 + spread)
        if isinstance(value, int):
            changed = max(1, round(changed))
        elif not path.endswith(("net_benefit", "steepness", ".benefit")):
            changed = min(max(changed, 0.0), 1.0)
        overrides[path] = changed
    return overrides


def block_robustness() -> str:
    numbers = assumed_numbers(builtin_file("timor_border").read_text())
    rng = np.random.default_rng(2026)
    arms = []
    for k in range(JITTER_SETS):
        overrides = jittered(rng, numbers, JITTER)
        for preset in PRESETS:  # the province's preset names its own key actor: keep it
            own = {p: v for p, v in overrides.items() if not (preset == "province_led" and p.startswith("key_actor"))}
            arms.append({"name": f"{preset} {k}", "preset": preset, **own})
    text = tomli_w.dumps(
        {
            "experiment": {
                "name": "robustness",
                "scenario": "timor_border",
                "seed": SEED,
                "replications": JITTER_RUNS,
            },
            "arm": arms,
        }
    )
    summary, _ = experiment_summary(text)
    f = {p: summary[summary["preset"] == p]["formation_rate"].to_numpy() for p in PRESETS}
    rows = [[setup_name(p), *(percent(q) for q in np.quantile(f[p], [0, 0.1, 0.5, 0.9, 1]))] for p in PRESETS]
    ordered = float(((f["status_quo"] < f["regional_management"]) & (f["regional_management"] < f["rm_plus"])).mean())
    edge = float(np.mean([any(f[p][i] < 0.02 or f[p][i] > 0.97 for p in PRESETS[1:]) for i in range(JITTER_SETS)]))
    return (
        f"{JITTER_SETS} parameter sets, each of the {len(numbers)} numbers the scenario marks *assumption* drawn "
        f"uniformly within ±{100 * JITTER:.0f} % of its default; {JITTER_RUNS} replications per set and setup, seed "
        f"{SEED}.\n\n"
        + table(["setup", "lowest", "10th percentile", "median", "90th percentile", "highest"], rows)
        + f"\n\nStatus quo < Regional Management < Regional Management plus in {percent(ordered, 0)} of the sets; some "
        f"setup other than the status quo below 2 % or above 97 % in {percent(edge, 0)} of them."
    )


# --------------------------------------------------------------------------------------------
# README.md: the main job
# --------------------------------------------------------------------------------------------


def block_main_job() -> str:
    experiment = load_experiment("compare_setups")
    with tempfile.TemporaryDirectory() as folder:
        summary = run_experiment(experiment, Path(folder) / "results").summary
    names = experiment.scenario.regency_names
    rows = [
        [
            f"`{r['label']}`",
            interval(r["formation_rate"], r["formation_low"], r["formation_high"]),
            f"{100 * r['formation_worlds_low']:.1f}–{100 * r['formation_worlds_high']:.1f} %",
            f"{100 * r['best_share']:.0f} %",
            f"{100 * r['regret_90']:.1f}",
            f"{r['months_in_force']:.1f}",
            percent(r["sustained_rate"]),
            " / ".join(f"{100 * r[f'participation_{name}']:.0f}" for name in names),
            points({"difference": r["difference_from_status_quo"], "ci": (r["difference_low"], r["difference_high"])}),
        ]
        for _, r in summary.iterrows()
    ]
    header = [
        "setup",
        "formed: chance alone (95 %)",
        "chance and worlds (95 %)",
        "best in (% of worlds)",
        "regret, points (90th pct)",
        "months in force",
        "lasting",
        f"taking part, % ({' / '.join(names)})",
        "vs status quo, points",
    ]
    worlds = experiment.worlds
    return (
        f"`make run` ({experiment.replications:,} paired replications per setup over the {worlds.count} plausible "
        f"worlds of `scenarios/timor_border.posterior.parquet` — the posterior of calibration "
        f"`{worlds.provenance['calibration']}` — seed {experiment.seed}, {experiment.months} months):\n\n"
        + table(header, rows)
    )


def block_posterior() -> str:
    """The posterior that ships beside the default scenario: what it is and what it pins down."""
    scenario = default()
    worlds = load_worlds("posterior", scenario, ROOT, "the shipped posterior", "worlds")
    origin = worlds.provenance
    values = worlds.table().to_pandas()
    rows = []
    for u in uncertain_numbers(scenario):
        low, high = (min(u.values), max(u.values)) if u.values else (u.low, u.high)
        q5, q95 = values[u.path].quantile([0.05, 0.95])
        rows.append(((q95 - q5) / (high - low), u.path, low, high, q5, q95))
    rows.sort()
    pinned = sum(1 for left, *_ in rows if left <= 0.8)
    table_rows = [
        [f"`{path}`", f"{low:.3g} – {high:.3g}", f"{q5:.3g} – {q95:.3g}", f"{100 * left:.0f} %"]
        for left, path, low, high, q5, q95 in rows[:8]
    ]
    return (
        f"`scenarios/timor_border.posterior.parquet`: {origin['accepted']} of {origin['sets']} parameter sets "
        f"(each run {origin['replications']} times under each setup a pattern names) meet all "
        f"{len(load_calibration(origin['calibration']).patterns)} patterns of `{origin['calibration']}`; "
        f"{pinned} of its {len(rows)} uncertain numbers have a posterior 90 % interval narrower than 80 % of "
        "their prior range. The eight narrowed most:\n\n"
        + table(["number", "prior range", "posterior 90 %", "range left"], table_rows)
    )


# --------------------------------------------------------------------------------------------
# docs/workshop.md: what the dashboard's live odds show for the guide's settings
# --------------------------------------------------------------------------------------------


def workshop_settings() -> list[tuple]:
    from sim.dashboard.guide import guide_settings

    return guide_settings()


@cache
def workshop_odds() -> list[tuple[str, str, str, dict]]:
    from sim.dashboard.odds import odds

    return [(key, en, id_, odds(settings)) for key, en, id_, settings in workshop_settings()]


def workshop_table(lang: str) -> str:
    from sim.dashboard.odds import ODDS_RUNS
    from sim.terms import number

    def shown(share: float) -> str:
        return f"{number(100 * share, lang, 1)} %"

    rows = []
    for key, en, id_, result in workshop_odds():
        rate = result["formation_rates"]["result"]
        low, high = result["formation_ci"]["result"]
        difference = result["formation"]["difference"]
        rows.append(
            [
                key,
                en if lang == "en" else id_,
                f"**{shown(rate)}** ({shown(low)}–{shown(high)})",
                shown(result["sustained_rates"]["result"]),
                f"{number(100 * difference, lang, 1, sign=True)}",
            ]
        )
    if lang == "en":
        header = ["", "settings", "formed", "still cooperating at the end", "vs status quo, points"]
        note = f"What the live odds show ({ODDS_RUNS:,} runs each, seed {SEED}, the default horizon unless said):"
    else:
        header = ["", "pengaturan", "terbentuk", "masih bekerja sama di akhir", "vs status quo, poin"]
        note = f"Yang ditunjukkan peluang terkini (masing-masing {number(ODDS_RUNS, lang)} simulasi, seed {SEED}, kurun waktu bawaan kecuali disebut):"
    return note + "\n\n" + table(header, rows)


# --------------------------------------------------------------------------------------------
# Writing the blocks
# --------------------------------------------------------------------------------------------

BLOCKS: dict[str, tuple[str, Callable[[], str]]] = {
    "setups": ("docs/validation.md", block_setups),
    "barriers": ("docs/validation.md", block_barriers),
    "patterns": ("docs/validation.md", block_patterns),
    "paired": ("docs/validation.md", block_paired),
    "parts": ("docs/validation.md", block_parts),
    "steepness": ("docs/validation.md", block_steepness),
    "sensitivity": ("docs/validation.md", block_sensitivity),
    "robustness": ("docs/validation.md", block_robustness),
    "main-job": ("README.md", block_main_job),
    "posterior": ("docs/calibration.md", block_posterior),
    "workshop-en": ("docs/workshop.md", lambda: workshop_table("en")),
    "workshop-id": ("docs/workshop.md", lambda: workshop_table("id")),
}


def rewrite(text: str, name: str, body: str) -> str:
    start, end = START.format(name=name), END.format(name=name)
    pattern = re.compile(re.escape(start) + r"\n(?:.*?\n)?" + re.escape(end), re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"doc_figures: no block {name!r} in the file (expected the line {start})")
    return pattern.sub(lambda _: f"{start}\n{body}\n{end}", text, count=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("blocks", nargs="*", metavar="BLOCK", help=f"some of: {', '.join(BLOCKS)} (default: all)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a block is out of date")
    args = parser.parse_args(argv)
    unknown = [name for name in args.blocks if name not in BLOCKS]
    if unknown:
        parser.error(f"no such block: {', '.join(unknown)} (blocks: {', '.join(BLOCKS)})")
    stale = []
    for name in args.blocks or BLOCKS:
        file, make = BLOCKS[name]
        path = ROOT / file
        text = path.read_text()
        new = rewrite(text, name, make())
        if new != text:
            stale.append(f"{file}: {name}")
            if not args.check:
                path.write_text(new)
        print(f"{'out of date' if new != text else 'up to date'}: {file}: {name}", file=sys.stderr, flush=True)
    if args.check and stale:
        print("doc_figures: run scripts/doc_figures.py and commit the docs", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
