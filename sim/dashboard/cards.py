"""The cards of the dashboard's main area, except the live odds: map, timeline, attributes,
About and Export. Each card that shows the run reads Mesa's step counter itself: the model
changes in place, so a component is redrawn at a step only if it reads the counter."""

from __future__ import annotations

import io
from pathlib import Path

import markdown
import solara
from mesa.visualization.utils import update_counter

from sim.agents import Regency
from sim.dashboard import views
from sim.dashboard.model import DashboardModel
from sim.dashboard.settings import Settings, export_name
from sim.dashboard.style import BOLD, LINE, SMALL, WRAP
from sim.stages import REGENCY_ATTRIBUTES
from sim.terms import term

ABOUT = Path(__file__).parent / "about"
CSV_DIGITS = 4  # attributes are shares: four decimals are more than the model's precision means


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
    update_counter.get()
    with solara.Card(term("ui.map", lang), classes=["kerjasama-map"]):
        solara.Text(status_line(model, lang), style=BOLD)
        solara.Text(views.explanation(model, lang), style=LINE)
        solara.HTML(tag="div", unsafe_innerHTML=views.map_svg(model, lang))


@solara.component
def TimelineCard(model: DashboardModel, lang: str) -> None:
    update_counter.get()
    with solara.Card(term("ui.timeline", lang), classes=["kerjasama-wide", "kerjasama-timeline"]):
        solara.HTML(tag="div", unsafe_innerHTML=views.timeline_svg(model, lang))


@solara.component
def AttributesCard(model: DashboardModel, lang: str) -> None:
    update_counter.get()
    with solara.Card(term("ui.attributes", lang), classes=["kerjasama-attributes"]):
        for line in views.binding_lines(model, lang):
            solara.Text(line, style=LINE)
        solara.HTML(tag="div", unsafe_innerHTML=views.attributes_svg(model, lang))


@solara.component
def AboutCard(lang: str) -> None:
    """Rendered to HTML here: solara.Markdown would load math and diagram scripts from a CDN."""
    text = solara.use_memo(lambda: markdown.markdown((ABOUT / f"{lang}.md").read_text(encoding="utf-8")), [lang])
    with solara.Card(term("ui.about", lang), classes=["kerjasama-wide", "kerjasama-about"]):
        solara.HTML(tag="div", unsafe_innerHTML=text)


def monthly_csv(model: DashboardModel, group: str = "") -> str:
    """The run so far, one row per month and regency, with the initiative's stage beside (and
    the group's name, when it has one, in a first column)."""
    regencies = model.datacollector.get_agenttype_vars_dataframe(Regency).reset_index()
    months = model.datacollector.get_model_vars_dataframe()
    months["members"] = months["members"].map(";".join)
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
    table = table[columns].rename(columns={"name": "regency"}).round(CSV_DIGITS)
    if group:
        table.insert(0, "group", group)
    buffer = io.StringIO()
    table.to_csv(buffer, index=False)
    return buffer.getvalue()


@solara.component
def ExportCard(
    model: DashboardModel,
    settings: solara.Reactive[Settings],
    lang: str,
    group: solara.Reactive[str],
    prints: solara.Reactive[int],
) -> None:
    update_counter.get()
    current, name = settings.value, group.value
    # checked once per change of settings, not at every month the card is redrawn
    runnable = solara.use_memo(lambda: not current.problems(lang), [current, lang])
    with solara.Card(term("ui.export", lang), classes=["kerjasama-export"]):
        solara.InputText(term("ui.group", lang), value=name, on_value=group.set, continuous_update=False)
        download(
            lambda: current.to_toml(name),
            export_name(name, "settings.toml"),
            "application/toml",
            term("ui.download_settings", lang),
            runnable,
        )
        download(
            lambda: monthly_csv(model, name),
            export_name(name, "run.csv"),
            "text/csv",
            term("ui.download_data", lang),
        )
        solara.Button(
            term("ui.print", lang),
            icon_name="mdi-printer",
            text=True,
            style=WRAP,
            on_click=lambda: prints.set(prints.value + 1),
        )
        if not runnable:
            solara.Text(term("ui.export_blocked", lang), style=SMALL)
        elif current != model.settings:
            solara.Text(term("ui.export_not_run", lang), style=SMALL)
        solara.Text(term("ui.export_note", lang).format(file=export_name(name, "settings.toml")), style=SMALL)


def download(data, filename: str, mime_type: str, label: str, enabled: bool = True) -> None:
    """A download button whose label wraps in a narrow card; a disabled one downloads nothing."""
    button = solara.Button(label, icon_name="mdi-download", text=True, disabled=not enabled, style=WRAP)
    if enabled:
        solara.FileDownload(data, filename=filename, mime_type=mime_type, children=[button])


@solara.component
def SummaryCard(settings: solara.Reactive[Settings], lang: str, group: solara.Reactive[str]) -> None:
    """On paper only (the browser's print): who, and every setting, above the odds, the
    comparison table and the run's timeline that the page prints beside it."""
    from sim.dashboard.compare import describe

    current, name = settings.value, group.value
    with solara.Card(term("ui.summary", lang), classes=["kerjasama-wide", "kerjasama-print-only"]):
        if name:
            solara.Text(f"{term('ui.group', lang)}: {name}", style=BOLD)
        solara.Text(describe(current, lang), style=LINE)
        solara.Text(f"{term('ui.months', lang)}: {current.months} · seed {current.seed}", style=LINE)
        solara.Text(term("ui.summary_note", lang), style=SMALL)
