"""Compare, don't remember: settings pinned to a table beside each other, and a sweep of the odds
against one control — so that "Belu's capacity 0.30 → 0.50 more than doubles the odds" is seen on
the screen, not hunted for by moving a slider back and forth."""

from __future__ import annotations

import csv
import io
from concurrent.futures import wait

import numpy as np
import solara
import solara.lab

from sim.dashboard.odds import POLL_SECONDS, percent
from sim.dashboard.pool import POOL, Priority
from sim.dashboard.settings import Settings, export_name
from sim.dashboard.style import SMALL, WRAP
from sim.dashboard.views import svg
from sim.outcomes import wilson
from sim.stages import REGENCY_ATTRIBUTES
from sim.terms import number, setup_name, term

MOST_PINS = 6  # rows of the comparison table: more no longer fit a projector
SWEEP_RUNS = 500  # replications per point of a sweep: a 95 % interval at most ±4.4 points wide
SWEEP_POINTS = 11


def describe(settings: Settings, lang: str) -> str:
    """The preset and what differs from it, in words: 'Key actor (bishop); Belu capacity 0.50'."""
    preset = Settings.of(settings.scenario, settings.setup).overrides()
    changes = [
        f"{control_label(path, lang)} {shown_value(value, lang)}"
        for path, value in settings.overrides().items()
        if preset.get(path) != value
    ]
    return "; ".join([setup_name(settings.setup, lang), *changes])


def shown_value(value, lang: str) -> str:
    if isinstance(value, bool):
        return term("ui.on" if value else "ui.off", lang)
    if isinstance(value, float):
        return number(value, lang, digits=2)
    if isinstance(value, str):
        return term(f"body.{value}", lang) if value in ("none", "regional_management", "joint_secretariat") else value
    return str(value)


def control_label(path: str, lang: str) -> str:
    """The words for a control named by its dotted path."""
    section, _, rest = path.partition(".")
    if section == "regency":
        regency, attribute = rest.rsplit(".", 1)
        return f"{regency}: {term(attribute, lang)}"
    if rest.startswith("legitimacy."):
        return term("ui.legitimacy", lang).format(regency=rest.split(".", 1)[1])
    labels = {"meetings_per_month": "ui.meetings", "months": "ui.months", "strategy": "ui.strategy"}
    labels.update(key_actor="ui.key_actor", body="ui.body")
    return term(labels.get(rest, f"ui.{rest}"), lang)


def pinned(rows: list[dict], settings: Settings, result: dict, lang: str) -> list[dict]:
    """The table with the settings and their odds added (the oldest row goes past `MOST_PINS`)."""
    letter = chr(ord("A") + (ord(rows[-1]["key"]) - ord("A") + 1) % 26) if rows else "A"
    row = {
        "key": letter,
        "settings": settings,
        "query": settings.to_query(),
        "formed": result["formation_rates"]["result"],
        "formed_ci": result["formation_ci"]["result"],
        "lasting": result["sustained_rates"]["result"],
        "median_months": result["median_months"]["result"],
        "months_in_force": result["months_in_force"]["result"],
        "difference": result["formation"]["difference"],
        "difference_ci": result["formation"]["ci"],
        "runs": result["runs"],
        "months": result["months"],
    }
    return [*rows, row][-MOST_PINS:]


COLUMNS = ("ui.pin_name", "ui.pin_formed", "ui.pin_lasting", "ui.pin_median", "ui.pin_in_force", "ui.pin_vs_quo")


def table_rows(rows: list[dict], lang: str) -> list[list[str]]:
    def months(value) -> str:
        return term("never", lang) if value is None or np.isnan(value) else number(value, lang, digits=0)

    return [
        [
            f"{row['key']}: {describe(row['settings'], lang)}",
            f"{percent(row['formed'], lang)} ({percent(row['formed_ci'][0], lang)}–{percent(row['formed_ci'][1], lang)})",
            percent(row["lasting"], lang),
            months(row["median_months"]),
            number(row["months_in_force"], lang, digits=1),
            number(100 * row["difference"], lang, digits=1, sign=True),
        ]
        for row in rows
    ]


def comparison_csv(rows: list[dict], group: str) -> str:
    """The table as numbers, one row per pin, with the settings as the address bar keeps them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["group", "pin", "settings", "months", "runs", "formed", "formed_low", "formed_high", "lasting"]
        + ["median_months_to_formation", "months_in_force", "vs_status_quo", "vs_status_quo_low", "vs_status_quo_high"]
    )
    for row in rows:
        writer.writerow(
            [group, row["key"], row["query"], row["months"], row["runs"], row["formed"], *row["formed_ci"]]
            + [row["lasting"], row["median_months"], row["months_in_force"], row["difference"], *row["difference_ci"]]
        )
    return buffer.getvalue()


@solara.component
def CompareCard(pins: solara.Reactive[list], lang: str, group: str) -> None:
    rows = pins.value
    with solara.Card(term("ui.compare", lang), classes=["kerjasama-compare"]):
        if not rows:
            solara.Text(term("ui.compare_empty", lang), style=SMALL)
            return
        header = "".join(f"<th>{term(key, lang)}</th>" for key in COLUMNS)
        body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in table_rows(rows, lang))
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f'<table class="kerjasama-table"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>',
            classes=["kerjasama-table-box"],
        )
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.FileDownload(
                lambda: comparison_csv(rows, group),
                filename=export_name(group, "comparison.csv"),
                mime_type="text/csv",
                children=[solara.Button(term("ui.compare_csv", lang), icon_name="mdi-download", text=True, style=WRAP)],
            )
            solara.Button(
                term("ui.compare_clear", lang), icon_name="mdi-delete", text=True, on_click=lambda: pins.set([])
            )
        solara.Text(term("ui.compare_note", lang).format(most=MOST_PINS), style=SMALL)


def sweepable(settings: Settings, lang: str) -> dict[str, tuple[str, np.ndarray]]:
    """The controls a sweep can run along: dotted path -> (words, the values it takes)."""
    shares = np.round(np.linspace(0, 1, SWEEP_POINTS), 2)
    options = {
        "key_actor.meetings_per_month": (
            control_label("key_actor.meetings_per_month", lang),
            np.round(np.linspace(0, 4, SWEEP_POINTS), 2),
        )
    }
    for regency in settings.legitimacy:
        options[f"key_actor.legitimacy.{regency}"] = (control_label(f"key_actor.legitimacy.{regency}", lang), shares)
    for regency in settings.attributes:
        for attribute in REGENCY_ATTRIBUTES:
            path = f"regency.{regency}.{attribute}"
            options[path] = (control_label(path, lang), shares)
    options["scenario.months"] = (control_label("scenario.months", lang), np.arange(24, 241, 24))
    return options


def sweep_point(settings: Settings, path: str, value) -> Settings:
    return settings.with_override(path, int(value) if path == "scenario.months" else float(value))


@solara.component
def SweepCard(settings: solara.Reactive[Settings], lang: str) -> None:
    """The odds of formation against one control, the others as set, every point on the same
    replications (common random numbers): the line's shape is the control's, not chance's."""
    current = settings.value
    options = solara.use_memo(lambda: sweepable(current, lang), [current.scenario, lang])
    chosen = solara.use_reactive("regency.Belu.capacity" if "regency.Belu.capacity" in options else next(iter(options)))
    points = solara.use_reactive([])  # (value, rate, low, high) as they arrive
    asked = solara.use_reactive(None)  # (settings, path) of the sweep asked for
    runnable = solara.use_memo(lambda: not current.problems(lang), [current, lang])
    path = chosen.value if chosen.value in options else next(iter(options))
    values = options[path][1]
    wanted = asked.value == (current, path)

    def run() -> None:
        # Only on request: eleven ensembles at every change of fifteen sessions would keep the
        # pool from the live odds.
        points.set([])
        if not (wanted and runnable and task.is_current()):
            return
        claims = [
            POOL.claim(sweep_point(current, path, value).scenario_object(), SWEEP_RUNS, Priority.SWEEP)
            for value in values
        ]
        try:
            while task.is_current() and not all(claim.done() for claim in claims):
                wait([claim.future for claim in claims], timeout=POLL_SECONDS * 4)
                arrived = []
                for value, claim in zip(values, claims, strict=True):
                    if claim.done() and not claim.future.cancelled() and claim.future.exception() is None:
                        formed = claim.result().outcomes.formed
                        arrived.append((float(value), float(formed.mean()), *wilson(int(formed.sum()), len(formed))))
                if task.is_current():
                    points.set(arrived)
        finally:
            for claim in claims:
                POOL.release(claim)

    task = solara.lab.use_task(run, dependencies=[current, path, runnable, wanted], raise_error=False)
    with solara.Card(term("ui.sweep", lang), classes=["kerjasama-sweep"]):
        labels = {key: words for key, (words, _) in options.items()}
        keys = {words: key for key, words in labels.items()}
        solara.Select(
            term("ui.sweep_along", lang),
            values=list(labels.values()),
            value=labels[path],
            on_value=lambda w: chosen.set(keys[w]),
        )
        solara.Button(
            term("ui.sweep_draw", lang),
            icon_name="mdi-chart-line",
            outlined=True,
            disabled=wanted or not runnable,
            on_click=lambda: asked.set((current, path)),
        )
        now = current.overrides().get(path)
        solara.HTML(
            tag="div", unsafe_innerHTML=sweep_svg(points.value, values, now, labels[path], current.months, lang)
        )
        done = len(points.value)
        if not runnable:
            solara.Text(term("ui.odds_blocked", lang), style=SMALL)
        elif task.error:
            solara.Error(f"{term('ui.odds_failed', lang)}: {task.exception}")
        elif not wanted:
            solara.Text(term("ui.sweep_ask", lang), style=SMALL)
        elif done < len(values):
            solara.Text(term("ui.sweep_computing", lang).format(done=done, total=len(values)), style=SMALL)
        solara.Text(term("ui.sweep_note", lang).format(runs=number(SWEEP_RUNS, lang)), style=SMALL)


def sweep_svg(points: list[tuple], values: np.ndarray, now, label: str, months: int, lang: str) -> str:
    """The line of the odds with its band over the control's range; the current value marked."""
    width, height, left, right, top, bottom = 460, 250, 46, 14, 16, 48
    low_x, high_x = float(values[0]), float(values[-1])

    def x(value: float) -> float:
        return left + (value - low_x) / (high_x - low_x) * (width - left - right)

    def y(share: float) -> float:
        return top + (1 - share) * (height - top - bottom)

    body = [f'<rect width="{width}" height="{height}" fill="white"/>']
    for share in (0, 0.25, 0.5, 0.75, 1):
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(share):.1f}" y2="{y(share):.1f}" stroke="#E4E4E4"/>'
        )
        body.append(
            f'<text x="{left - 6}" y="{y(share) + 4:.1f}" text-anchor="end" font-size="12">{number(100 * share, lang, digits=0)} %</text>'
        )
    for value in values[:: 2 if len(values) > 6 else 1]:
        shown = number(float(value), lang, digits=0 if float(value).is_integer() and high_x > 4 else 1)
        body.append(
            f'<text x="{x(float(value)):.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="12">{shown}</text>'
        )
    body.append(
        f'<text x="{(left + width - right) / 2:.0f}" y="{height - 8}" text-anchor="middle" font-size="12">{label}</text>'
    )
    if now is not None and low_x <= float(now) <= high_x:
        body.append(
            f'<line x1="{x(float(now)):.1f}" x2="{x(float(now)):.1f}" y1="{top}" y2="{height - bottom}" stroke="#8B2A6B" stroke-dasharray="4,3"/>'
        )
    ordered = sorted(points)
    if len(ordered) >= 2:
        band = [(x(p[0]), y(p[3])) for p in ordered] + [(x(p[0]), y(p[2])) for p in reversed(ordered)]
        body.append(
            '<polygon points="' + " ".join(f"{a:.1f},{b:.1f}" for a, b in band) + '" fill="#0072B2" opacity="0.2"/>'
        )
        body.append(
            '<polyline points="'
            + " ".join(f"{x(p[0]):.1f},{y(p[1]):.1f}" for p in ordered)
            + '" fill="none" stroke="#0072B2" stroke-width="2.5"/>'
        )
    for value, rate, _, _ in ordered:
        body.append(
            f'<circle cx="{x(value):.1f}" cy="{y(rate):.1f}" r="3.5" fill="#0072B2"><title>{number(value, lang, digits=2)}: {percent(rate, lang)}</title></circle>'
        )
    title = term("ui.sweep_axis", lang).format(months=months)
    body.append(f'<text x="{left}" y="{top - 4}" font-size="12" font-weight="bold">{title}</text>')
    return svg(width, height, body, term("ui.sweep", lang))
