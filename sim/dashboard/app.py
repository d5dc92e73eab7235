"""The workshop dashboard: a Solara page built on Mesa's SolaraViz.

Run with `kerjasama dashboard` (or `solara run sim.dashboard.app`). Every browser session gets
its own settings, language and model, built inside `Page` (a model built at module level would be
shared by every participant). SolaraViz lays out the cards and owns the model; its sidebar
controls, which speak English only, are hidden and replaced by `controls.RunControls`, which acts
on the same model in the session's language.
"""

from __future__ import annotations

import os

import solara
from mesa.visualization import SolaraViz

from sim.dashboard import cards, controls, odds
from sim.dashboard.guide import guide_settings
from sim.dashboard.model import DashboardModel, session_model
from sim.dashboard.settings import Settings
from sim.scenario import DEFAULT_SCENARIO, load_scenario
from sim.terms import LANGUAGES, term

# SolaraViz's sidebar cards (Controls, Model Parameters, Information) and its single "Page 0"
# tab; the sidebar keeps only the cards marked as this dashboard's own.
CSS = """
.v-navigation-drawer .v-card:not(.kerjasama-panel) { display: none !important; }
.solara-content-main .v-tabs { display: none !important; }
"""


def starting_scenario() -> str:
    """The scenario `kerjasama dashboard SCENARIO` serves (already checked); the built-in default otherwise."""
    return os.environ.get("KERJASAMA_SCENARIO") or DEFAULT_SCENARIO


def warm_start() -> None:
    """The odds of every preset, and of every step of the guide (for the built-in scenario), are
    computed while the room sits down: the facilitator's first clicks are answered at once."""
    scenario = starting_scenario()
    settings = [Settings.of(scenario, setup) for setup in load_scenario(scenario).presets]
    if scenario == DEFAULT_SCENARIO:
        settings += [each for _, _, _, each in guide_settings()]
    odds.warm(settings)


if os.environ.get("KERJASAMA_WARM") == "1":  # set by `kerjasama dashboard`: once per server
    warm_start()


def starting_language() -> str:
    """The language `kerjasama dashboard --lang` asked for; Bahasa Indonesia otherwise."""
    wanted = os.environ.get("KERJASAMA_LANG", "id")
    return wanted if wanted in LANGUAGES else "id"


Language = solara.create_context("id")
SessionSettings = solara.create_context(None)


# SolaraViz hands each component the model alone; these hand on the session's language and
# settings too. Being components (not plain functions, which SolaraViz would wrap anew at every
# render of the page), they keep their identity, so the live odds are not restarted.


@solara.component
def Map(model: DashboardModel) -> None:
    cards.MapCard(model, solara.use_context(Language))


@solara.component
def Timeline(model: DashboardModel) -> None:
    cards.TimelineCard(model, solara.use_context(Language))


@solara.component
def Attributes(model: DashboardModel) -> None:
    cards.AttributesCard(model, solara.use_context(Language))


@solara.component
def Odds(model: DashboardModel) -> None:
    odds.OddsCard(solara.use_context(SessionSettings), solara.use_context(Language), model.settings)


@solara.component
def About(model: DashboardModel) -> None:
    cards.AboutCard(solara.use_context(Language))


@solara.component
def Export(model: DashboardModel) -> None:
    cards.ExportCard(model, solara.use_context(SessionSettings), solara.use_context(Language))


@solara.component
def Page() -> None:
    language = solara.use_reactive(solara.use_memo(starting_language, []))
    settings = solara.use_reactive(solara.use_memo(lambda: Settings.of(starting_scenario()), []))
    model = solara.use_reactive(solara.use_memo(lambda: session_model(settings)(), []))
    presets = solara.use_memo(lambda: list(load_scenario(starting_scenario()).presets), [])
    Language.provide(language.value)
    SessionSettings.provide(settings)
    solara.Style(CSS)
    solara.Title(term("ui.title", language.value))  # the browser tab's; SolaraViz's name is the header's
    SolaraViz(
        model,
        components=[(Map, 0), (Odds, 0), (Timeline, 0), (Attributes, 0), (About, 0), (Export, 0)],
        name=term("ui.title", language.value),
    )
    Sidebar(model, settings, language, presets)


@solara.component
def Sidebar(
    model: solara.Reactive[DashboardModel],
    settings: solara.Reactive[Settings],
    language: solara.Reactive[str],
    presets: list[str],
    below_mesa: bool = True,
) -> None:
    """The run controls and the settings. Solara orders sidebar content by how deep in the page
    it is declared, so this declares itself once more, one level deeper than SolaraViz's own
    (hidden) cards: ours come after them."""
    if below_mesa:
        Sidebar(model, settings, language, presets, below_mesa=False)
        return
    with solara.Sidebar():
        controls.RunControls(model, language.value)
        controls.SettingsPanel(settings, language, presets)
