"""What the `kerjasama` commands say: a single run as a timeline and a diagnosis, replications
and experiments as rates with intervals — in the study's words for the barriers.

Each `*_view` returns blocks — lines of text and `rich` tables — and `show` prints them: with
colour and bold headings for a person at a terminal, plain (no escape codes, tables as aligned
columns) in a pipe, a log, or wherever `NO_COLOR` is set. `--json` does not come here.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text
from tqdm import tqdm

from sim.design import Experiment
from sim.experiment import ExperimentResult
from sim.model import CooperationModel
from sim.outcomes import outcomes, stack, summarise
from sim.stages import ATTRIBUTES, REGENCY_ATTRIBUTES
from sim.terms import BARRIER_WORDS, barrier_phrase
from sim.worlds import FEW_RUNS

Block = str | Table
LOG_WIDTH = 200  # columns when not a terminal: a log keeps each table row on one line


def styled(stream: TextIO) -> bool:
    """Colour only for a person at a terminal: not in a pipe or a log, not with NO_COLOR set
    (https://no-color.org), not on a dumb terminal."""
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


class Quiet(Console):
    """A console that leaves a closed pipe (`kerjasama run | head`) to the command, which ends
    quietly with 141 as a shell expects; rich itself would exit with 1."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def terminal(stream: TextIO) -> Console:
    if styled(stream):
        return Quiet(file=stream, highlight=False)
    return Quiet(file=stream, color_system=None, highlight=False, width=LOG_WIDTH, soft_wrap=False)


def show(blocks: list[Block], stream: TextIO | None = None) -> None:
    """Print a view; a line starting with WARNING stands out on a terminal."""
    out = terminal(stream or sys.stdout)
    for block, previous in zip(blocks, ["", *blocks[:-1]], strict=True):
        if isinstance(block, Table):
            if previous != "":
                out.print()
            out.print(block)
        else:
            out.print(Text(block, style="bold yellow" if block.lstrip().startswith("WARNING") else ""), soft_wrap=True)


def error(message: str, stream: TextIO | None = None) -> None:
    """A problem with the input, one line, `error:` in red on a terminal."""
    out = terminal(stream or sys.stderr)
    out.print(Text.assemble(("error:", "bold red"), " ", message), soft_wrap=True)  # one line, as given


def table(*columns: str, title: str | None = None, words: tuple[int, ...] = ()) -> Table:
    """A table as every view lays it out: the first column and the `words` columns left-aligned,
    numbers right-aligned; never narrower than its title."""
    grid = Table(
        title=title,
        min_width=len(title or ""),
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        header_style="bold",
    )
    for index, name in enumerate(columns):
        grid.add_column(name, justify="left" if index == 0 or index in words else "right", no_wrap=index == 0)
    return grid


def progress_bar(total: int) -> tqdm:
    """A progress bar on stderr (shown on a terminal, silent in logs and pipes)."""
    return tqdm(total=total, unit="run", file=sys.stderr, disable=None, dynamic_ncols=True)


def single_run(model: CooperationModel) -> dict:
    """The JSON of one run: the summary keys, plus its timeline, members and final state."""
    names = tuple(r.name for r in model.regencies)
    summary = summarise(outcomes(stack([model.state]), model.params), names, model.spec.months)
    frame = model.datacollector.get_model_vars_dataframe()
    history = [
        {"month": int(month), "stage": stage}
        for month, stage, previous in zip(frame["month"], frame["stage"], [None, *frame["stage"][:-1]], strict=True)
        if stage != previous
    ]
    start = {r["name"]: {a: r[a] for a in REGENCY_ATTRIBUTES} for r in model.spec.regencies}
    formed_month = model.state.formed_month.item()
    return {
        **summary,
        "formed": formed_month >= 0,
        "month_formed": formed_month if formed_month >= 0 else None,
        "members": list(model.member_names),
        "body": model.body_kind,
        "stage_history": history,
        "elections": [int(m) for m in frame.loc[frame["election"], "month"]],
        "drought_months": [int(m) for m in frame.loc[frame["drought"], "month"]],
        "start": start,
        "final": {
            r.name: {a: round(getattr(r, a), 6) for a in REGENCY_ATTRIBUTES} | {"trust": r.trust}
            for r in model.regencies
        },
        "binding_barriers": {r.name: r.binding_barrier for r in model.regencies},
    }


def _percent(share: float) -> str:
    return f"{100 * share:.1f} %"


def _profile(profile: dict[str, float]) -> str:
    shown = [(a, s) for a, s in sorted(profile.items(), key=lambda item: -item[1]) if s >= 0.005]
    if not shown:
        return "nothing stood in the way"
    return " · ".join(f"{BARRIER_WORDS[a]} {100 * s:.0f} %" for a, s in shown)


def _header(result: dict) -> str:
    runs = result["replications"]
    what = "one run" if runs == 1 and "stage_history" in result else f"{runs:,} replications"
    return (
        f"Kerjasama — scenario {result['scenario']}, setup {result['setup']}, {what}, "
        f"seed {result['seed']}, {result['months']} months (engine: {result['engine']})"
    )


def single_run_view(result: dict) -> list[Block]:
    lines: list[Block] = [_header(result), "", "Grand design timeline (month → stage of the initiative)"]
    evaluations = [e["month"] for e in result["stage_history"] if e["stage"] == "monitoring"]
    history = result["stage_history"]
    for event, previous in zip(history, [None, *history[:-1]], strict=True):
        returning = event["stage"] == "implementation" and previous and previous["stage"] == "monitoring"
        if event["stage"] != "monitoring" and not returning:
            lines.append(f"  month {event['month']:>4}  {event['stage']}")
    if evaluations:
        lines.append(f"  monitoring & evaluation in month {', '.join(map(str, evaluations))}")
    if result["elections"]:
        lines.append(f"  elections in month {', '.join(map(str, result['elections']))}")
    lines.append("")
    if result["formed"]:
        where = (
            f"in force at the end with {', '.join(result['members'])}" if result["members"] else "dissolved by the end"
        )
        sustained = " — sustained" if result["sustained_rate"] else ""
        lines.append(f"Outcome: cooperation formed in month {result['month_formed']}; {where}{sustained}.")
        if result["body"]:
            lines.append(f"Cooperation body: {result['body'].replace('_', ' ')}")
    else:
        lines.append("Outcome: cooperation did not form within the horizon.")
    lines.append("")
    attributes = table("", *REGENCY_ATTRIBUTES, title="Attributes at start → end")
    for name, final in result["final"].items():
        attributes.add_row(name, *(f"{result['start'][name][a]:.2f} → {final[a]:.2f}" for a in REGENCY_ATTRIBUTES))
    lines.append(attributes)
    barriers = table(
        "",
        "what stood in the way (share of the shortfall)",
        "binding barrier now",
        title="Before cooperating",
        words=(1, 2),
    )
    for name, profile in result["barriers"].items():
        binding = result["binding_barriers"][name]
        barriers.add_row(name, _profile(profile), barrier_phrase(binding) if binding else "none (cooperating)")
    lines.append(barriers)
    return lines


def replications_view(result: dict) -> list[Block]:
    low, high = result["formation_ci"]
    lines: list[Block] = [_header(result), ""]
    lines.append(
        f"Cooperation formed in {_percent(result['formation_rate'])} of runs (95 % CI {_percent(low)}–{_percent(high)})"
    )
    if "worlds" in result:
        worlds = result["worlds"]
        low, high = worlds["formation_worlds"]
        lines.append(
            f"  over {worlds['visited']:,} plausible worlds of {worlds['file']}, with the uncertainty of the assumed "
            f"numbers: {_percent(low)}–{_percent(high)} (95 % of the worlds' rates)"
        )
        if not worlds["model_unchanged"]:
            lines.append("  WARNING: the rules have changed since the posterior was calibrated: calibrate again")
        if worlds["runs_per_world"] < FEW_RUNS:
            lines.append(
                f"  WARNING: only {worlds['runs_per_world']} runs a world: that range carries much chance; "
                f"run at least {FEW_RUNS * worlds['count']:,} replications"
            )
    median = result["median_months_to_formation"]
    lines.append(
        f"Median months to formation: {median:.0f} (of the runs in which it formed)"
        if median is not None
        else "Median months to formation: — (never formed)"
    )
    survival = result["survival"]
    horizon = survival["month"][-1]
    not_yet = ", ".join(
        f"{month}: {_percent(share)}"
        for month, share in zip(survival["month"], survival["not_formed"], strict=True)
        if month % 24 == 0 or month == horizon
    )
    lines.append(f"Not yet formed, by month: {not_yet}")
    lines.append(f"Months in force: {result['months_in_force']:.1f} on average over all runs")
    lines.append(f"Sustained to the end (in force, through an evaluation): {_percent(result['sustained_rate'])}")
    lines.append(
        f"Runs with a dissolution: {_percent(result['dissolution_rate'])} "
        f"({result['dissolutions_per_run']:.2f} dissolutions a run)"
    )
    lines.append("")
    participation = table("", "member at some time", "months as a member", title="Participation")
    for name, share in result["participation"].items():
        participation.add_row(name, _percent(share), f"{result['months_as_member'][name]:.1f}")
    lines.append(participation)
    highest = table("stage", "share of runs", title="Highest stage the initiative reached")
    for stage, share in result["highest_stage"].items():
        highest.add_row(stage, _percent(share))
    lines.append(highest)
    barriers = table(
        "", "share of the shortfall, pooled over runs", title="What stood in the way before cooperating", words=(1,)
    )
    for name, profile in result["barriers"].items():
        barriers.add_row(name, _profile(profile))
    lines.append(barriers)
    legend = ", ".join(f"{BARRIER_WORDS[a]} = {a}" for a in ATTRIBUTES)
    lines.append(f"({legend})")
    return lines


def _interval(rate: float, low: float, high: float, signed: bool = False) -> str:
    sign = "+" if signed else ""
    return f"{100 * rate:{sign}.1f} ({100 * low:{sign}.1f} to {100 * high:{sign}.1f})"


def experiment_view(experiment: Experiment, result: ExperimentResult) -> list[Block]:
    """The tables `kerjasama experiment` prints: one row per arm (or the leading design points) —
    how often cooperation forms, how fast and how durably, then who takes part and what blocks
    each regency."""
    summary, manifest = result.summary, result.manifest
    runs = manifest.get("runs", {})
    lines: list[Block] = [
        f"Kerjasama — experiment {experiment.name}: {len(experiment.points)} {'arms' if experiment.kind == 'arms' else 'design points'}, "
        f"seed {experiment.seed}, {experiment.months} months, {runs.get('done', 0):,} runs"
        + (f" ({runs['failed']:,} failed)" if runs.get("failed") else ""),
    ]
    if result.reused:
        lines.append(f"(already complete in {result.folder}: nothing was run again)")
    elif manifest.get("runs_per_second_this_session"):
        lines.append(
            f"({manifest['seconds_this_session']:.1f} s, {manifest['runs_per_second_this_session']:,.0f} runs a second)"
        )
    lines.append("")
    shown = summary if experiment.kind == "arms" else summary.sort_values("formation_rate", ascending=False).head(15)
    records = shown.to_dict("records")  # plain dicts: any regency or arm name is a key, never an identifier
    names = experiment.scenario.regency_names
    has_difference = "difference_from_status_quo" in shown
    rates = table(
        "",
        "formed % (95 % CI)",
        "median month",
        "months in force",
        "lasting %",
        *(["vs status quo, points (95 % CI)"] if has_difference else []),
    )
    for row in records:
        median = row["median_months_to_formation"]
        cells = [
            str(row["label"]),
            _interval(row["formation_rate"], row["formation_low"], row["formation_high"]),
            f"{median:.0f}" if median == median else "—",  # NaN: never formed
            f"{row['months_in_force']:.1f}",
            f"{100 * row['sustained_rate']:.1f}",
        ]
        if has_difference:
            difference = row["difference_from_status_quo"]
            cells.append(
                _interval(difference, row["difference_low"], row["difference_high"], signed=True)
                if difference == difference
                else ""
            )
        rates.add_row(*cells)
    lines.append(rates)
    # arms by name; design points by number, their long labels being in the table above
    short = {id(row): str(row["label"]) if experiment.kind == "arms" else f"point {row['point']}" for row in records}
    taking_part = table("", *names, title="Taking part at some time (% of runs) · top barrier before cooperating")
    for row in records:
        taking_part.add_row(
            short[id(row)],
            *(
                f"{100 * row[f'participation_{name}']:.1f} · {BARRIER_WORDS.get(row[f'top_barrier_{name}'], '—')}"
                for name in names
            ),
        )
    lines.append(taking_part)
    if experiment.kind != "arms":
        lines.append(f"(the {len(shown)} design points with the highest formation rates of {len(summary)})")
    if experiment.worlds:
        lines += ["", *worlds_view(experiment, records, short)]
    files = "runs.parquet, summary.csv, " + ("worlds.csv, worlds.parquet, " if experiment.worlds else "")
    lines += ["", f"Results in {result.folder}: {files}manifest.json, figures/formation.png"]
    return lines


def worlds_view(experiment: Experiment, records: list[dict], short: dict[int, str]) -> list[Block]:
    """Each row's formation rate with chance alone and with chance and the assumed numbers'
    uncertainty; for arms, in how many plausible worlds each is best and its regret."""
    worlds = experiment.worlds
    origin = worlds.provenance
    lines: list[Block] = [
        f"Over {worlds.count:,} plausible worlds ({worlds.file}: the posterior of calibration "
        f"{origin.get('calibration', '?')}, {origin.get('accepted', '?')} of {origin.get('sets', '?')} sets)",
    ]
    if not worlds.current:
        lines.append(
            "WARNING: the model's runs differ from those the posterior was calibrated with (the rules have "
            f"changed since): these worlds may no longer fit the study; calibrate again: {origin.get('command')}"
        )
    arms = experiment.kind == "arms"
    rates = table(
        "",
        "formed %",
        "chance alone 95 %",
        "chance and worlds 95 %",
        *(["best in % of worlds", "regret, points (90th pct)"] if arms else []),
    )
    for row in records:
        cells = [
            short[id(row)],
            f"{100 * row['formation_rate']:.1f}",
            f"{100 * row['formation_low']:.1f} to {100 * row['formation_high']:.1f}",
            f"{100 * row['formation_worlds_low']:.1f} to {100 * row['formation_worlds_high']:.1f}",
        ]
        if arms:
            cells += [f"{100 * row['best_share']:.1f}", f"{100 * row['regret_90']:.1f}"]
        rates.add_row(*cells)
    lines.append(rates)
    lines.append(
        "(chance and worlds: the central 95 % of the worlds' own rates, the chance of each world's runs taken out;"
        " best: forms most often in that world)"
    )
    few = min(int(row["runs_per_world"]) for row in records)
    if few < FEW_RUNS:
        lines.append(
            f"WARNING: only {few} runs a world; the ranges and shares carry much chance: run at least "
            f"{FEW_RUNS * worlds.count:,} replications"
        )
    imposed = [f"{o['better']} above {o['than']} in {o['outcome']}" for o in origin.get("imposed", [])]
    if arms and imposed:
        lines.append(f"(imposed by the calibration in every world: {'; '.join(imposed)})")
    return lines


def calibration_view(calibration, result) -> list[Block]:
    """What a calibration found: how many sets meet every pattern, each pattern's share, and
    the parameters the patterns narrow most."""
    from sim.calibration_report import parameter_table  # matplotlib: only when a calibration is shown

    prior, posterior = result.prior, result.posterior
    lines: list[Block] = [
        f"Kerjasama — calibration {calibration.name}: {len(prior):,} parameter sets x {len(calibration.setups)} setups "
        f"x {calibration.replications:,} runs, seed {calibration.seed}",
        f"{len(posterior):,} sets meet every pattern ({100 * len(posterior) / len(prior):.1f} %): the posterior",
        "",
    ]
    patterns = table("", "pattern", "met by (% of sets)", words=(1,))
    for pattern in calibration.patterns:
        met = float((prior[f"miss_{pattern.index}"] == 0).mean())
        patterns.add_row(str(pattern.index), pattern.label, f"{100 * met:.1f}")
    lines.append(patterns)
    narrowed = parameter_table(prior, posterior, [u.path for u in calibration.parameters])
    parameters = table("most narrowed parameters", "prior range", "posterior 90 %", "width left")
    for row in narrowed.head(10).itertuples():
        parameters.add_row(
            row.parameter,
            f"{row.prior_low:.3g} – {row.prior_high:.3g}",
            f"{row.q5:.3g} – {row.q95:.3g}",
            f"{100 * row.left:.0f} %",
        )
    lines += [
        parameters,
        "",
        f"Results in {result.folder}: posterior.parquet, prior.parquet, manifest.json; kerjasama report {result.folder}",
    ]
    return lines
