"""`kerjasama report DIR`: one self-contained HTML file (figures embedded, no network needed) and
the figures as PNGs, choosing what fits the experiment, with a plain-language summary on top.

Arms get the comparison of setups (how often, how fast, how durably, who takes part), the
barriers and the trajectories; designs get sweeps, a map for two-factor grids, what each factor
carries (grids: main effects), sensitivity indices (sobol, morris) and scenario discovery
(numeric factors). Every number in the text comes from the same tables as the figures.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import html
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from sim import figures
from sim.analysis import (
    HIGH_FORMATION,
    Results,
    barrier_profiles,
    describe_box,
    discover,
    discover_failures,
    grid_map,
    load_results,
    main_effects,
    participation,
    sensitivity,
    stage_funnel,
    survival,
    sweep,
    world_rates,
)
from sim.scenario import STATUS_QUO
from sim.stages import ATTRIBUTES
from sim.storage import ResultsFolder, is_disk_fault, write_text
from sim.terms import BARRIER_WORDS, factor_name, level_label, number, setup_name, term
from sim.worlds import FEW_RUNS

MAX_TRAJECTORY_FIGURES = 8
MIN_DISCOVERY_POINTS = 20  # fewer design points than this: too few for PRIM to find a box
EFFECT_OUTPUTS = ("formation_rate", "months_in_force")
NO_EFFECT = (0.005, 0.5)  # a difference below half a point of formation and half a month in force is none


@dataclass
class Section:
    title: str
    text: str = ""
    figures: list[Path] = field(default_factory=list)
    table: str = ""


def build_report(folder: str | Path, lang: str = "en") -> Path:
    """Write DIR/report.html and the figures (DIR/figures, or DIR/figures/id in Indonesian),
    holding the folder's lock: no experiment writes into it meanwhile. A fault of the disk
    (full, read-only) is an InputError that says what was kept: every file is written whole or
    not at all, so the results and any earlier report stand."""
    owner = ResultsFolder(folder)
    with owner.owned(make=False):
        try:
            return _build_report(folder, lang)
        except OSError as error:
            if not is_disk_fault(error):
                raise
            advice = (
                "free some space, then run it again"
                if error.errno in (errno.ENOSPC, errno.EDQUOT)
                else "copy the folder somewhere you can write and report there"
                if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM)
                else "check the disk, then run it again"
            )
            raise owner.refuse(
                f"the report could not be made ({error.strerror or error}); the results and any earlier "
                f"report are untouched; {advice}"
            ) from None


def _build_report(folder: str | Path, lang: str) -> Path:
    manifest = ResultsFolder(folder).manifest() if Path(folder).is_dir() else None
    if manifest and manifest.get("kind") == "calibration":
        from sim.calibration_report import build_calibration_report

        return build_calibration_report(ResultsFolder(folder), manifest, lang)
    results = load_results(folder)
    figure_folder = results.folder / "figures" / ("" if lang == "en" else lang)
    figure_folder.mkdir(parents=True, exist_ok=True)
    findings: list[str] = []
    sections: list[Section] = []
    if results.kind == "arms":
        sections += compare_setups(results, figure_folder, lang, findings)
        if results.worlds is not None:
            sections.append(plausible_worlds(results, figure_folder, lang, findings))
    else:
        sections += explore_design(results, figure_folder, lang, findings)
    sections += why_it_fails(results, figure_folder, lang, findings)
    sections += trajectories(results, figure_folder, lang)
    page = render(results, findings, sections, lang)
    path = results.folder / "report.html"
    write_text(path, page)
    return path


def file_safe(name: str) -> str:
    """A name as part of a file name: letters, digits, - and _ kept, anything else _, and a
    short hash of the name where anything was changed, so that two names never share a file."""
    safe = re.sub(r"[^\w-]", "_", name, flags=re.ASCII)
    return safe if safe == name else f"{safe}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def named(results: Results, lang: str) -> pd.DataFrame:
    """The summary with readable labels: setup names for arms named after their preset."""
    summary = results.summary.copy()
    if results.kind == "arms":
        summary["label"] = [
            setup_name(p, lang) if str(label) == p else str(label)
            for label, p in zip(summary["label"], summary["preset"], strict=True)
        ]
    return summary


# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------


def compare_setups(results: Results, folder: Path, lang: str, findings: list[str]) -> list[Section]:
    summary = named(results, lang)
    runs = results.runs.merge(summary[["point", "label"]], on="point", suffixes=("_file", ""))
    shown = [
        figures.formation_figure(summary, folder / "formation.png", results.months, lang),
        figures.survival_figure(survival(runs, results.months), summary, folder / "survival.png", lang),
        figures.funnel_figure(stage_funnel(runs), summary, folder / "funnel.png", lang),
        figures.durability_figure(summary, folder / "durability.png", lang),
        figures.participation_figure(
            participation(summary, results.regencies), results.regencies, folder / "participation.png", lang
        ),
    ]
    if "difference_from_status_quo" in summary:
        shown.insert(1, figures.difference_figure(summary, folder / "difference.png", lang))
    best = summary.loc[summary["formation_rate"].idxmax()]
    median = best["median_months_to_formation"]
    findings.append(
        term("finding.best", lang).format(
            setup=best["label"],
            rate=100 * best["formation_rate"],
            low=100 * best["formation_low"],
            high=100 * best["formation_high"],
            months=f"{median:.0f}" if median == median else term("never", lang),
            sustained=100 * best["sustained_rate"],
        )
    )
    if "difference_from_status_quo" in summary:
        reference = summary[summary["difference_from_status_quo"] == 0].iloc[0]
        findings.append(
            term("finding.reference", lang).format(
                rate=100 * reference["formation_rate"],
                setup=best["label"],
                difference=100 * best["difference_from_status_quo"],
                low=100 * best["difference_low"],
                high=100 * best["difference_high"],
            )
        )
    findings.append(
        " ".join(
            term("finding.each", lang).format(
                setup=r["label"],
                rate=100 * r["formation_rate"],
                low=100 * r["formation_low"],
                high=100 * r["formation_high"],
            )
            for _, r in summary.iterrows()
        )
    )
    durable = summary.loc[summary["months_in_force"].idxmax()]
    findings.append(
        term("finding.durable", lang).format(
            setup=durable["label"], months=durable["months_in_force"], dissolutions=durable["dissolutions_per_run"]
        )
    )
    findings.append(
        term("finding.participation", lang).format(
            setup=best["label"],
            shares=", ".join(f"{name} {100 * best[f'participation_{name}']:.1f} %" for name in results.regencies),
        )
    )
    return [
        Section(
            term("report.compare", lang),
            term("report.compare_text", lang),
            shown,
            arms_table(summary, results.regencies, lang),
        )
    ]


def plausible_worlds(results: Results, folder: Path, lang: str, findings: list[str]) -> Section:
    """Every setup under the uncertainty of the assumed numbers: both intervals, the share of
    worlds each is best in, its regret, and where the best setup on average fails or loses."""
    summary = named(results, lang)
    results = replace(results, worlds=results.worlds.assign(label=results.worlds["point"].map(summary["label"])))
    rates = world_rates(results)
    origin = results.manifest["worlds"]["provenance"]
    worlds = len(rates)
    best = summary.loc[summary["formation_rate"].idxmax()]
    findings.append(
        term("finding.worlds", lang).format(
            worlds=worlds,
            setup=best["label"],
            low=100 * best["formation_worlds_low"],
            high=100 * best["formation_worlds_high"],
            share=100 * best["best_share"],
            regret=100 * best["regret_90"],
        )
    )
    few = int(summary["runs_per_world"].min())
    if few < FEW_RUNS:
        findings.append(term("finding.worlds_few_runs", lang).format(runs=few, wanted=FEW_RUNS * worlds))
    imposed = [
        term("finding.worlds_order", lang).format(
            better=setup_name(o["better"], lang),
            than=setup_name(o["than"], lang),
            outcome=term(f"output.{o['outcome']}", lang),
        )
        for o in origin.get("imposed", [])
    ]
    if imposed:
        findings.append(term("finding.worlds_imposed", lang).format(orders="; ".join(imposed)))
    failures = discover_failures(results, best["label"])
    values = results.world_values
    words = {f: factor_name(f, lang) for f in values.columns} | {"and": term("and", lang)}
    facts = {"setup": best["label"], "failing": failures.failing, "worlds": worlds}
    differ = ", ".join(f"{factor_name(path, lang)} (KS {ks:.2f})" for path, ks in failures.differ[:3]) or "—"
    described = describe_box(failures.box, values, words) if failures.box is not None else ""
    if failures.failing == 0:
        findings.append(term("finding.worlds_never_fails", lang).format(**facts))
    elif not described:
        findings.append(term("finding.worlds_no_box", lang).format(**facts, differ=differ))
    else:
        box = failures.box
        findings.append(
            term("finding.worlds_box", lang).format(
                **facts,
                box=described,
                density=percent(box.density),
                base=percent(failures.failing / worlds),
                coverage=percent(box.coverage),
                differ=differ,
            )
        )
    if not results.manifest["worlds"].get("model_unchanged", True):
        findings.append(term("finding.worlds_stale", lang).format(command=origin.get("command", "kerjasama calibrate")))
    header = [
        term("table.setup", lang),
        term("table.chance", lang),
        term("table.worlds_interval", lang),
        term("table.best_share", lang),
        term("table.regret", lang),
    ]
    rows = [
        (
            r["label"],
            interval(r["formation_rate"], r["formation_low"], r["formation_high"]),
            f"{100 * r['formation_worlds_low']:.1f}–{100 * r['formation_worlds_high']:.1f} %",
            f"{100 * r['best_share']:.0f} %",
            f"{100 * r['regret_90']:.1f}",
        )
        for _, r in summary.iterrows()
    ]
    text = term("report.worlds_text", lang).format(
        worlds=worlds,
        calibration=origin.get("calibration", "?"),
        accepted=origin.get("accepted", "?"),
        sets=origin.get("sets", "?"),
    )
    figure = figures.worlds_figure(rates, summary, folder / "worlds.png", lang)
    return Section(term("report.worlds", lang), text, [figure], html_table(header, rows))


def explore_design(results: Results, folder: Path, lang: str, findings: list[str]) -> list[Section]:
    summary = named(results, lang)
    factors = [f["path"] for f in results.factors]
    findings.append(
        term("finding.range", lang).format(
            points=len(summary), low=100 * summary["formation_rate"].min(), high=100 * summary["formation_rate"].max()
        )
    )
    sweeps = pd.concat([sweep(summary, f) for f in factors], ignore_index=True)
    shown = [
        figures.formation_figure(summary, folder / "formation.png", results.months, lang),
        figures.sweep_figure(sweeps, folder / "sweeps.png", lang),
    ]
    numeric = [
        f["path"]
        for f in results.factors
        if f.get("low") is not None
        or all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in f.get("values", []))
    ]
    if results.kind == "grid" and len(numeric) >= 2:
        first, second = numeric[:2]
        shown.append(figures.grid_map_figure(grid_map(summary, first, second), first, second, folder / "map.png", lang))
    sections = [
        Section(
            term("report.sweeps", lang), term("report.sweeps_text", lang), shown, points_table(summary, factors, lang)
        )
    ]
    if results.kind == "grid":
        sections.append(effects_section(results, summary, folder, lang, findings))
    if results.kind in ("sobol", "morris"):
        sections.append(sensitivity_section(results, folder, lang, findings))
    if numeric and len(summary) >= MIN_DISCOVERY_POINTS:
        sections.append(discovery_section(results, summary, numeric, folder, lang, findings))
    return sections


def effects_section(results: Results, summary: pd.DataFrame, folder: Path, lang: str, findings: list[str]) -> Section:
    """What each factor of a full factorial carries, for formation and for months in force, in
    a figure, a table and a sentence each — saying so in words where a factor adds nothing."""
    effects = main_effects(summary, results.factors, EFFECT_OUTPUTS)
    shown, rows = [], []
    for preset, group in effects.groupby("preset", sort=False):
        name = f"effects_{file_safe(preset)}.png" if effects["preset"].nunique() > 1 else "effects.png"
        shown.append(figures.effects_figure(group, folder / name, lang))
        formation = group[group["output"] == "formation_rate"].set_index(["factor", "level"], drop=False)
        months = group[group["output"] == "months_in_force"].set_index(["factor", "level"])
        for key, level in formation[formation["level"] != formation["reference"]].iterrows():
            sentence, values = effect_sentence(level, months.loc[key], lang)
            findings.append(sentence)
            rows.append((setup_name(preset, lang), factor_name(level["factor"], lang), *values))
        explained = {o: part.drop_duplicates("factor")["share"].sum() for o, part in group.groupby("output")}
        findings.append(
            term("finding.interplay", lang).format(
                formation=100 * explained["formation_rate"], months=100 * explained["months_in_force"]
            )
        )
    header = [
        term("table.setup", lang),
        term("table.factor", lang),
        term("table.level", lang),
        term("table.effect_formation", lang),
        term("table.effect_months", lang),
        term("table.share", lang),
    ]
    return Section(term("report.effects", lang), term("report.effects_text", lang), shown, html_table(header, rows))


def effect_sentence(formation: pd.Series, months: pd.Series, lang: str) -> tuple[str, tuple[str, ...]]:
    """The finding for one level of a factor against its reference, and its row of the table."""
    change = level_label(formation["factor"], formation["level"], formation["reference"], lang)
    values = {
        "change": change[:1].upper() + change[1:],
        "formation": 100 * formation["effect"],
        "months": months["effect"],
        "share_formation": 100 * formation["share"],
        "share_months": 100 * months["share"],
    }
    no_formation, no_months = abs(formation["effect"]) < NO_EFFECT[0], abs(months["effect"]) < NO_EFFECT[1]
    key = "finding.effect"
    if no_formation:
        key = "finding.effect_none" if no_months else "finding.effect_durability_only"
    row = (
        change,
        f"{values['formation']:+.1f}",
        f"{values['months']:+.1f}",
        f"{values['share_formation']:.0f} %, {values['share_months']:.0f} %",
    )
    return term(key, lang).format(**values), row


def sensitivity_section(results: Results, folder: Path, lang: str, findings: list[str]) -> Section:
    shown, tables = [], []
    for output in results.manifest.get("outputs", ["formation_rate"]):
        table = sensitivity(results, output)
        shown.append(figures.sensitivity_figure(table, results.kind, folder / f"sensitivity_{output}.png", lang))
        tables.append(sensitivity_table(table, results.kind, lang))
        rank = "ST" if results.kind == "sobol" else "mu_star"
        for preset, part in table.groupby("preset", sort=False):
            top = part.sort_values(rank, ascending=False).head(2).to_dict("records")
            if len(top) == 2:
                template = "finding.sensitivity" if results.kind == "sobol" else "finding.morris"
                findings.append(
                    term(template, lang).format(
                        output=term(f"output.{output}", lang),
                        setup=setup_name(preset, lang),
                        factor=factor_name(top[0]["factor"], lang),
                        index=top[0][rank],
                        second=factor_name(top[1]["factor"], lang),
                        second_index=top[1][rank],
                    )
                )
    text = term("report.sobol_text" if results.kind == "sobol" else "report.morris_text", lang)
    return Section(term("report.sensitivity", lang), text, shown, "".join(tables))


def discovery_section(
    results: Results, summary: pd.DataFrame, factors: list[str], folder: Path, lang: str, findings: list[str]
) -> Section:
    shown, rows = [], []
    words = {f: factor_name(f, lang) for f in factors} | {"and": term("and", lang)}
    threshold = percent(HIGH_FORMATION)
    for preset in dict.fromkeys(summary["preset"]):
        found = discover(summary, factors, preset)
        if found is None:
            findings.append(term("finding.no_box", lang).format(setup=setup_name(preset, lang), threshold=threshold))
            continue
        box = describe_box(found, summary[summary["preset"] == preset], words) or term("everywhere", lang)
        findings.append(
            term("finding.box", lang).format(
                setup=setup_name(preset, lang),
                threshold=threshold,
                density=percent(found.density),
                box=box,
                coverage=percent(found.coverage),
            )
        )
        if len(factors) >= 2:
            shown.append(
                figures.discovery_figure(summary, found, factors, folder / f"discovery_{file_safe(preset)}.png", lang)
            )
        rows.append((setup_name(preset, lang), box, percent(found.coverage), percent(found.density)))
    header = [
        term("table.setup", lang),
        term("table.box", lang),
        term("table.coverage", lang),
        term("table.density", lang),
    ]
    text = term("report.discovery_text", lang).format(threshold=threshold)
    return Section(term("report.discovery", lang), text, shown, html_table(header, rows))


def percent(share: float) -> str:
    return f"{100 * share:.0f} %"


def why_it_fails(results: Results, folder: Path, lang: str, findings: list[str]) -> list[Section]:
    summary = named(results, lang)
    if results.kind != "arms":  # pooled per preset, over the design's points
        summary = pooled_by_preset(results, lang)
    profiles = barrier_profiles(summary, results.regencies)
    shown = [figures.barriers_figure(profiles, results.regencies, folder / "barriers.png", lang)]
    for _, row in summary.iterrows():
        if row["preset"] == STATUS_QUO or len(summary) == 1:
            findings.append(
                term("finding.barrier", lang).format(setup=row["label"], barriers=top_barriers(row, results.regencies))
            )
    return [Section(term("report.why", lang), term("report.why_text", lang), shown)]


def pooled_by_preset(results: Results, lang: str) -> pd.DataFrame:
    """Barrier shares per preset, pooled over all its points' runs."""
    rows = []
    for preset, runs in results.runs.groupby("preset", sort=False):
        row = {"label": setup_name(preset, lang), "preset": preset}
        for name in results.regencies:
            totals = np.array([runs[f"shortfall_{name}_{a}"].to_numpy(np.float64).sum() for a in ATTRIBUTES])
            shares = totals / totals.sum() if totals.sum() > 0 else np.zeros_like(totals)
            row.update({f"barrier_{name}_{a}": s for a, s in zip(ATTRIBUTES, shares, strict=True)})
        rows.append(row)
    return pd.DataFrame(rows)


def trajectories(results: Results, folder: Path, lang: str) -> list[Section]:
    if results.trajectories is None or results.trajectories.empty:
        return []
    summary = named(results, lang).set_index("point")
    shown = []
    for point in list(dict.fromkeys(results.trajectories["point"]))[:MAX_TRAJECTORY_FIGURES]:
        part = results.trajectories[results.trajectories["point"] == point]
        shown.append(
            figures.trajectories_figure(
                part, str(summary.loc[point, "label"]), results.regencies, folder / f"trajectories_{point}.png", lang
            )
        )
    return [Section(term("report.trajectories", lang), term("report.trajectories_text", lang), shown)]


# --------------------------------------------------------------------------------------------
# Tables and the page
# --------------------------------------------------------------------------------------------


def top_barriers(row: pd.Series, regencies: list[str]) -> str:
    parts = []
    for name in regencies:
        shares = {a: row[f"barrier_{name}_{a}"] for a in ATTRIBUTES}
        attribute = max(shares, key=shares.get)
        if shares[attribute] > 0:
            parts.append(f"{name} — {BARRIER_WORDS[attribute]} ({100 * shares[attribute]:.0f} %)")
    return "; ".join(parts) or "—"


def html_table(header: list[str], rows: list[tuple]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def interval(rate: float, low: float, high: float) -> str:
    return f"{100 * rate:.1f} % ({100 * low:.1f}–{100 * high:.1f})"


def arms_table(summary: pd.DataFrame, regencies: list[str], lang: str) -> str:
    header = [
        term("table.setup", lang),
        term("table.formed", lang),
        term("table.median", lang),
        term("table.months_in_force", lang),
        term("table.sustained", lang),
        term("table.participation", lang),
        term("table.barriers", lang),
    ]
    differences = "difference_from_status_quo" in summary
    if differences:
        header.append(term("table.difference", lang))
    rows = []
    for _, r in summary.iterrows():
        median = r["median_months_to_formation"]
        row = [
            r["label"],
            interval(r["formation_rate"], r["formation_low"], r["formation_high"]),
            f"{median:.0f}" if median == median else "—",
            f"{r['months_in_force']:.1f}",
            f"{100 * r['sustained_rate']:.1f} %",
            ", ".join(f"{name} {100 * r[f'participation_{name}']:.0f}" for name in regencies),
            top_barriers(r, regencies),
        ]
        if differences:
            row.append(
                f"{100 * r['difference_from_status_quo']:+.1f} pp ({100 * r['difference_low']:+.1f} "
                f"{term('range_to', lang)} {100 * r['difference_high']:+.1f})"
            )
        rows.append(tuple(row))
    return html_table(header, rows)


def points_table(summary: pd.DataFrame, factors: list[str], lang: str) -> str:
    top = summary.sort_values("formation_rate", ascending=False).head(10)
    header = [
        term("table.point", lang),
        *(factor_name(f, lang) for f in factors),
        term("table.formed", lang),
        term("table.sustained", lang),
    ]
    rows = [
        (
            r["label"],
            *(f"{r[f]:.3g}" if isinstance(r[f], float) else r[f] for f in factors),
            interval(r["formation_rate"], r["formation_low"], r["formation_high"]),
            f"{100 * r['sustained_rate']:.1f} %",
        )
        for _, r in top.iterrows()
    ]
    return f"<h3>{html.escape(term('report.points', lang))}</h3>" + html_table(header, rows)


def sensitivity_table(table: pd.DataFrame, kind: str, lang: str) -> str:
    if kind == "sobol":
        header = [term("table.setup", lang), term("table.factor", lang), "S1 (95 % CI)", "ST (95 % CI)"]
        rows = [
            (
                setup_name(r.preset, lang),
                factor_name(r.factor, lang),
                f"{r.S1:.3f} ± {r.S1_conf:.3f}",
                f"{r.ST:.3f} ± {r.ST_conf:.3f}",
            )
            for r in table.itertuples()
        ]
    else:
        header = [term("table.setup", lang), term("table.factor", lang), "μ* (95 % CI)", "σ"]
        rows = [
            (
                setup_name(r.preset, lang),
                factor_name(r.factor, lang),
                f"{r.mu_star:.3f} ± {r.mu_star_conf:.3f}",
                f"{r.sigma:.3f}",
            )
            for r in table.itertuples()
        ]
    return f"<h3>{html.escape(term('output.' + table['output'].iloc[0], lang))}</h3>" + html_table(header, rows)


def embedded(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(path.stem)}"></figure>'


STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.05em; } .findings { background: #f3f8f4; border-left: 4px solid #009E73; padding: 0.6em 1.2em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; } td, th { border-bottom: 1px solid #e3e3e3; padding: 0.3em 0.7em; text-align: left; vertical-align: top; }
th { background: #f6f6f6; } dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1em; font-size: 0.92em; } dt { font-weight: 600; }
figure { margin: 1.2em 0; } img { max-width: 100%; }
"""


def render(results: Results, findings: list[str], sections: list[Section], lang: str) -> str:
    m = results.manifest
    versions = ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items())
    git = m.get("git") or {}
    dirty = f" ({term('about.dirty', lang)})" if git.get("dirty") else ""
    commit = f"{git.get('commit', '')[:10]}{dirty}" if git else "—"
    replications = m["replications"]["requested"]
    if isinstance(replications, int):
        replications = number(replications, lang)
    runs = m.get("runs", {})
    failed = f" ({number(runs['failed'], lang)} {term('about.failed', lang)})" if runs.get("failed") else ""
    about = [
        ("about.experiment", f"{m['experiment']} — {m.get('description', '')}"),
        ("about.scenario", f"{m['scenario']['name']} ({m['scenario']['file']})"),
        (
            "about.design",
            term("about.design_text", lang).format(
                kind=term(f"kind.{m['kind']}", lang),
                points=m["points"],
                unit=term("about.arms" if m["kind"] == "arms" else "about.points", lang),
                replications=replications,
            ),
        ),
        ("about.seed", m["seed"]),
        ("about.months", f"{m['months']} {term('months', lang)}"),
        ("about.runs", number(runs.get("done", 0), lang) + failed),
        ("about.finished", m.get("finished", "—")),
        ("about.versions", versions),
        ("about.commit", commit),
    ]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(term("report.title", lang).format(name=m["experiment"]))}</title>',
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(term('report.title', lang).format(name=m['experiment']))}</h1>",
        f"<h2>{html.escape(term('report.summary', lang))}</h2>",
        '<div class="findings"><ul>' + "".join(f"<li>{html.escape(f)}</li>" for f in findings) + "</ul></div>",
        f"<h2>{html.escape(term('report.about', lang))}</h2>",
        "<dl>"
        + "".join(f"<dt>{html.escape(term(k, lang))}</dt><dd>{html.escape(str(v))}</dd>" for k, v in about)
        + "</dl>",
    ]
    for section in sections:
        parts.append(f"<h2>{html.escape(section.title)}</h2>")
        if section.text:
            parts.append(f"<p>{html.escape(section.text)}</p>")
        parts.append(section.table)
        parts.extend(embedded(path) for path in section.figures)
    made_by = f"kerjasama {m.get('versions', {}).get('kerjasama', '?')}, commit {commit}"
    parts.append(
        f'<footer><p class="note">{html.escape(term("report.footer", lang).format(code=made_by))}</p></footer>'
    )
    parts.append("</body></html>")
    return "\n".join(parts)
