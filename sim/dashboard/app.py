"""The workshop dashboard: a Solara page built on Mesa's SolaraViz.

Run with `kerjasama dashboard` (or `solara run sim.dashboard.app`). Every browser session gets
its own settings, language and model, built inside `Page` (a model built at module level would be
shared by every participant).
"""

from __future__ import annotations

import os

import solara
from mesa.visualization import SolaraViz

from sim.dashboard import components
from sim.dashboard.model import DashboardModel, session_model
from sim.dashboard.settings import Settings
from sim.scenario import load_scenario
from sim.terms import LANGUAGES, term


def starting_language() -> str:
    """The language `kerjasama dashboard --lang` asked for; English when started otherwise."""
    wanted = os.environ.get("KERJASAMA_LANG", "en")
    return wanted if wanted in LANGUAGES else "en"


Language = solara.create_context("en")
SessionSettings = solara.create_context(None)


# SolaraViz hands each component the model alone; these hand on the session's language and
# settings too. Being components (not plain functions, which SolaraViz would wrap anew at every
# render of the page), they keep their identity, so the live odds are not restarted. The cards
# subscribe to Mesa's step counter themselves: the model changes in place, so a component is
# redrawn at a step only if it reads the counter.


@solara.component
def Map(model: DashboardModel) -> None:
    components.MapCard(model, solara.use_context(Language))


@solara.component
def Timeline(model: DashboardModel) -> None:
    components.TimelineCard(model, solara.use_context(Language))


@solara.component
def Attributes(model: DashboardModel) -> None:
    components.AttributesCard(model, solara.use_context(Language))


@solara.component
def Odds(model: DashboardModel) -> None:
    components.OddsCard(solara.use_context(SessionSettings), solara.use_context(Language))


@solara.component
def About(model: DashboardModel) -> None:
    components.AboutCard(solara.use_context(Language))


@solara.component
def Export(model: DashboardModel) -> None:
    components.ExportCard(model, solara.use_context(SessionSettings), solara.use_context(Language))


@solara.component
def Page() -> None:
    language = solara.use_reactive(solara.use_memo(starting_language, []))
    settings = solara.use_reactive(solara.use_memo(Settings.of, []))
    model = solara.use_reactive(solara.use_memo(lambda: session_model(settings)(), []))
    presets = solara.use_memo(lambda: list(load_scenario().presets), [])
    Language.provide(language.value)
    SessionSettings.provide(settings)
    SolaraViz(
        model,
        components=[(Map, 0), (Odds, 0), (Timeline, 0), (Attributes, 0), (About, 0), (Export, 0)],
        name=term("ui.title", language.value),
        play_interval=200,
    )
    BelowMesaControls(settings, language, presets)


@solara.component
def BelowMesaControls(settings: solara.Reactive[Settings], language: solara.Reactive[str], presets: list[str]) -> None:
    """Solara orders sidebar content by how deep in the page it is declared; one level deeper
    than SolaraViz's own, the settings come below Mesa's Reset / Play / Step."""
    SettingsPanel(settings, language, presets)


@solara.component
def SettingsPanel(settings: solara.Reactive[Settings], language: solara.Reactive[str], presets: list[str]) -> None:
    with solara.Sidebar(), solara.Card(term("ui.settings", language.value)):
        components.Controls(settings, language, presets)
