"""The dashboard's pieces as Solara components: settings, map, timeline, attributes, live odds,
about and export. Every label comes from `sim/terms.py` in the session's language."""

from __future__ import annotations

import io
import time
from dataclasses import replace
from pathlib import Path

import markdown
import solara
import solara.lab
from mesa.visualization.utils import update_counter

from sim.agents import Regency
from sim.dashboard import views
from sim.dashboard.model import DashboardModel
from sim.dashboard.settings import BODIES, STRATEGIES, Settings
from sim.ensemble import compare, run_ensemble
from sim.stages import REGENCY_ATTRIBUTES
from sim.terms import number, setup_name, term
from sim.validation import InputError

ODDS_RUNS = 2000  # replications per setting for the live odds: about half a second in all
SETTLE_SECONDS = 0.2  # the live odds wait this long for the settings to stop changing
ABOUT = Path(__file__).parent / "about"
LINE = {"display": "block"}  # one Text per line
SMALL = {"display": "block", "font-size": "0.8em", "color": "#555"}


def Picker(label: str, options: dict[str, str], value: str, on_value) -> None:
    """A Select showing translated names for internal values."""
    names = {name: key for key, name in options.items()}
    solara.Select(
        label, values=list(options.values()), value=options.get(value), on_value=lambda name: on_value(names[name])
    )


@solara.component
def Controls(settings: solara.Reactive[Settings], lang: solara.Reactive[str], presets: list[str]) -> None:
    """The settings a participant changes; Reset starts a run with them."""
    s, language = settings.value, lang.value

    def change(**values) -> None:
        settings.set(replace(settings.value, **values))

    def per_regency(field: str, regency: str, value: float) -> None:
        table = dict(getattr(settings.value, field))
        table[regency] = value
        change(**{field: table})

    def attribute(regency: str, name: str, value: float) -> None:
        attributes = {r: dict(values) for r, values in settings.value.attributes.items()}
        attributes[regency][name] = value
        change(attributes=attributes)

    with solara.ToggleButtonsSingle(value=language, on_value=lang.set):
        solara.Button("Bahasa Indonesia", value="id")
        solara.Button("English", value="en")
    solara.Text(term("ui.settings_note", language), style={"font-size": "0.85em"})
    Picker(
        term("ui.setup", language),
        {p: setup_name(p, language) for p in presets},
        s.setup,
        lambda p: settings.set(settings.value.with_setup(p)),
    )
    solara.Checkbox(label=term("ui.key_actor", language), value=s.key_actor, on_value=lambda v: change(key_actor=v))
    solara.SliderFloat(
        term("ui.meetings", language),
        value=s.meetings_per_month,
        min=0.0,
        max=4.0,
        step=0.05,
        on_value=lambda v: change(meetings_per_month=v),
    )
    Picker(
        term("ui.strategy", language),
        {k: term(f"strategy.{k}", language) for k in STRATEGIES},
        s.strategy,
        lambda v: change(strategy=v),
    )
    for regency, value in s.legitimacy.items():
        solara.SliderFloat(
            term("ui.legitimacy", language).format(regency=regency),
            value=value,
            min=0.0,
            max=1.0,
            step=0.05,
            on_value=lambda v, r=regency: per_regency("legitimacy", r, v),
        )
    Picker(
        term("ui.body", language), {k: term(f"body.{k}", language) for k in BODIES}, s.body, lambda v: change(body=v)
    )
    solara.Checkbox(
        label=term("ui.local_wisdom", language), value=s.local_wisdom, on_value=lambda v: change(local_wisdom=v)
    )
    for regency, values in s.attributes.items():
        with solara.Details(summary=term("ui.regency_attributes", language).format(regency=regency)):
            for name in REGENCY_ATTRIBUTES:
                solara.SliderFloat(
                    term(name, language),
                    value=values[name],
                    min=0.0,
                    max=1.0,
                    step=0.05,
                    on_value=lambda v, r=regency, a=name: attribute(r, a, v),
                )
    solara.SliderInt(
        term("ui.months", language), value=s.months, min=12, max=240, step=12, on_value=lambda v: change(months=v)
    )
    solara.InputText(
        term("ui.seed", language), value=s.seed, on_value=lambda v: change(seed=v), continuous_update=False
    )
    try:
        s.seed_number()
    except InputError as error:
        solara.Error(f"{term('ui.problem', language)}: {error.problems[0].allowed} ({s.seed!r})")


@solara.component
def Problems(model: DashboardModel, lang: str) -> None:
    for problem in model.problems:
        solara.Warning(f"{term('ui.problem', lang)}: {problem}")


def status_line(model: DashboardModel, lang: str) -> str:
    month = term("ui.month", lang).format(month=model.month, months=model.spec.months)
    formed = model.state.formed_month.item()
    if formed < 0:
        return f"{month} · {term('ui.not_formed', lang)}"
    if model.member_names:
        return f"{month} · " + term("ui.formed", lang).format(month=formed, members=", ".join(model.member_names))
    return f"{month} · " + term("ui.dissolved", lang).format(month=formed)


@solara.component
def MapCard(model: DashboardModel, lang: str) -> None:
    update_counter.get()  # redraw at every step: the model changes in place
    with solara.Card(term("ui.map", lang)):
        solara.Text(status_line(model, lang), style={**LINE, "font-weight": "bold"})
        Problems(model, lang)
        solara.HTML(tag="div", unsafe_innerHTML=views.map_svg(model, lang))


@solara.component
def TimelineCard(model: DashboardModel, lang: str) -> None:
    update_counter.get()  # redraw at every step: the model changes in place
    with solara.Card(term("ui.timeline", lang)):
        solara.HTML(tag="div", unsafe_innerHTML=views.timeline_svg(model, lang))


@solara.component
def AttributesCard(model: DashboardModel, lang: str) -> None:
    update_counter.get()  # redraw at every step: the model changes in place
    with solara.Card(term("ui.attributes", lang)):
        for line in views.binding_lines(model, lang):
            solara.Text(line, style=LINE)
        solara.HTML(tag="div", unsafe_innerHTML=views.attributes_svg(model, lang))


def percent(share: float, lang: str) -> str:
    return f"{number(100 * share, lang, digits=1)} %"


def odds(settings: Settings) -> dict:
    """Formation within the horizon, and cooperation still in force at its end, under the
    settings and under the status quo, from the same draws."""
    seed = settings.seed_number()
    current = run_ensemble(settings.scenario_object(), ODDS_RUNS, seed=seed)
    quo = run_ensemble(settings.scenario_object(setup="status_quo"), ODDS_RUNS, seed=seed)
    lasting = {key: result.summary() for key, result in (("result", current), ("baseline", quo))}
    return {
        "seed": seed,
        "months": settings.months,
        "sustained_rates": {key: summary["sustained_rate"] for key, summary in lasting.items()},
        "sustained_ci": {key: summary["sustained_ci"] for key, summary in lasting.items()},
        **compare(current, quo),
    }


@solara.component
def OddsCard(settings: solara.Reactive[Settings], lang: str) -> None:
    wanted = settings.value

    def answer() -> dict | None:
        # A dragged slider sends a stream of values, and a running computation cannot be
        # stopped: wait a moment, and compute only if no newer value has arrived meanwhile.
        time.sleep(SETTLE_SECONDS)
        return odds(wanted) if task.is_current() else None

    task = solara.lab.use_task(answer, dependencies=[wanted], raise_error=False)
    with solara.Card(term("ui.odds", lang)):
        solara.Text(
            term("ui.odds_text", lang).format(months=settings.value.months), style={**LINE, "font-weight": "bold"}
        )
        if task.error:
            error = task.exception
            message = "; ".join(p.allowed for p in error.problems) if isinstance(error, InputError) else str(error)
            solara.Error(f"{term('ui.problem', lang)}: {message}")
        elif task.value is None:
            solara.Text(term("ui.computing", lang))
        else:
            result = task.value
            rates, intervals = result["formation_rates"], result["formation_ci"]
            with solara.Row():
                for key, name in (
                    ("result", term("ui.odds_current", lang)),
                    ("baseline", term("ui.odds_status_quo", lang)),
                ):
                    low, high = intervals[key]
                    with solara.Column(style={"min-width": "45%"}):
                        solara.Text(name, style=LINE)
                        solara.Text(
                            percent(rates[key], lang), style={**LINE, "font-size": "2em", "font-weight": "bold"}
                        )
                        solara.Text(f"{percent(low, lang)} – {percent(high, lang)}", style=LINE)
                        low, high = result["sustained_ci"][key]
                        solara.Text(
                            f"{term('ui.odds_lasting', lang)}: {percent(result['sustained_rates'][key], lang)} "
                            f"({percent(low, lang)} – {percent(high, lang)})",
                            style=SMALL,
                        )
            difference = result["formation"]
            low, high = difference["ci"]
            points = [number(100 * value, lang, digits=1, sign=True) for value in (difference["difference"], low, high)]
            solara.Text(
                f"{term('ui.odds_difference', lang)}: {points[0]} pp ({points[1]} … {points[2]})",
                style=LINE,
            )
            solara.Text(
                term("ui.odds_note", lang).format(runs=number(ODDS_RUNS, lang), seed=result["seed"]), style=SMALL
            )
            if task.pending:
                solara.Text(term("ui.computing", lang), style=SMALL)


@solara.component
def AboutCard(lang: str) -> None:
    """Rendered to HTML here: solara.Markdown would load math and diagram scripts from a CDN."""
    text = solara.use_memo(lambda: markdown.markdown((ABOUT / f"{lang}.md").read_text(encoding="utf-8")), [lang])
    with solara.Card(term("ui.about", lang)):
        solara.HTML(tag="div", unsafe_innerHTML=text)


def monthly_csv(model: DashboardModel) -> str:
    """The run so far, one row per month and regency, with the initiative's stage beside."""
    regencies = model.datacollector.get_agenttype_vars_dataframe(Regency).reset_index()
    months = model.datacollector.get_model_vars_dataframe()
    table = regencies.rename(columns={"Step": "time", "stage": "regency_stage"}).drop(
        columns=["AgentID", "trust"], errors="ignore"
    )
    table["month"] = table["time"].astype(int)
    table = table.merge(months.rename(columns={"stage": "initiative_stage"}), on="month", how="left")
    columns = [
        "month",
        "name",
        "regency_stage",
        *REGENCY_ATTRIBUTES,
        "mean_trust",
        "binding_barrier",
        "initiative_stage",
        "members",
        "election",
        "drought",
        "body",
    ]
    buffer = io.StringIO()
    table[columns].rename(columns={"name": "regency"}).to_csv(buffer, index=False)
    return buffer.getvalue()


@solara.component
def ExportCard(model: DashboardModel, settings: solara.Reactive[Settings], lang: str) -> None:
    update_counter.get()  # redraw at every step: the model changes in place
    with solara.Card(term("ui.export", lang)):
        solara.FileDownload(
            lambda: settings.value.to_toml(),
            filename="kerjasama_settings.toml",
            label=term("ui.download_settings", lang),
            mime_type="application/toml",
        )
        solara.FileDownload(
            lambda: monthly_csv(model),
            filename="kerjasama_run.csv",
            label=term("ui.download_data", lang),
            mime_type="text/csv",
        )
        solara.Text(term("ui.export_note", lang), style=SMALL)
