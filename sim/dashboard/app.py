"""The workshop dashboard: a Solara page around the Mesa model, laid out for the room.

Run with `kerjasama dashboard [SCENARIO]` (or `solara run sim.dashboard.app`). Every browser
session gets its own settings, language and model, built inside `Page` (a model built at module
level would be shared by every participant). The page lays out its cards itself, in a CSS grid
that becomes one column on a phone and enlarges the map, the odds and the timeline in projector
mode: SolaraViz's draggable grid has fixed-height cells, which cut or overlap the cards as soon as
a phone, a projector or the browser's zoom changes their width.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import solara

from sim.dashboard import cards, compare, controls, odds
from sim.dashboard.guide import guide_settings
from sim.dashboard.model import session_model
from sim.dashboard.settings import Settings
from sim.scenario import DEFAULT_SCENARIO, load_scenario
from sim.terms import LANGUAGES, term

CSS = (Path(__file__).parent / "room.css").read_text(encoding="utf-8")
NARROW = 900  # px: below this the settings are a drawer over the page, closed at the start


def starting_scenario() -> str:
    """The scenario `kerjasama dashboard SCENARIO` serves (already checked); the built-in default otherwise."""
    return os.environ.get("KERJASAMA_SCENARIO") or DEFAULT_SCENARIO


def starting_language() -> str:
    """The language `kerjasama dashboard --lang` asked for; Bahasa Indonesia otherwise."""
    wanted = os.environ.get("KERJASAMA_LANG", "id")
    return wanted if wanted in LANGUAGES else "id"


PAGE_STATE = {"lang", "group", "projector"}  # what the address keeps beside the settings


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


@solara.component_vue("room.vue")
def Room(lang: str, query: str | None, prints: int, event_escape, event_width, event_location) -> None:
    """The browser's side of the page: Escape, the window's width, the address bar, `<html lang>`
    and printing (`prints` counts the requests)."""


@solara.component
def Layout(children: list) -> None:
    """The page draws its own header and settings drawer (Solara's app layout would add a second,
    empty drawer that covers a phone's screen)."""
    solara.Column(children=children, style={"padding": "0", "gap": "0"})


@solara.component
def Page() -> None:
    scenario = solara.use_memo(starting_scenario, [])
    presets = solara.use_memo(lambda: list(load_scenario(scenario).presets), [])
    language = solara.use_reactive(solara.use_memo(starting_language, []))
    settings = solara.use_reactive(solara.use_memo(lambda: Settings.of(scenario), []))
    model = solara.use_reactive(solara.use_memo(lambda: session_model(settings)(), []))
    drawer = solara.use_reactive(True)
    projector = solara.use_reactive(False)
    group = solara.use_reactive("")
    pins = solara.use_reactive([])
    prints = solara.use_reactive(0)
    arrived = solara.use_reactive(False)  # the address bar has been read
    lang = language.value

    def location(query: str) -> None:
        """A reload (or a shared link) starts from the settings in the address."""
        values = dict(parse_qsl(query))
        if values.get("lang") in LANGUAGES:
            language.set(values["lang"])
        if values.get("projector") == "1":  # the projector's page opens on the cards, large
            projector.set(True)
            drawer.set(False)
        group.set(values.get("group", ""))
        if set(values) - PAGE_STATE:  # settings, even a hand-written link that names one control
            settings.set(settings.value.from_query(query))
            model.set(type(model.value)())
        arrived.set(True)

    def width(pixels: int) -> None:
        if not arrived.value and pixels < NARROW:  # a phone opens on the page, not the settings
            drawer.set(False)

    solara.Style(CSS)
    solara.Title(term("ui.title", lang))
    Address(settings, lang, group, projector, arrived, prints, drawer, width, location)
    classes = (
        ["kerjasama-page"] + (["drawer-open"] if drawer.value else []) + (["projector"] if projector.value else [])
    )
    with solara.Div(classes=classes):
        Header(drawer, projector, lang)
        with solara.Div(classes=["kerjasama-body"]):
            with solara.Div(classes=["kerjasama-drawer"]):
                with solara.Row(justify="end", classes=["kerjasama-drawer-close"]):
                    solara.Button(
                        term("ui.close", lang), icon_name="mdi-close", text=True, on_click=lambda: drawer.set(False)
                    )
                controls.RunControls(model, lang)
                controls.SettingsPanel(settings, language, presets)
            Backdrop(drawer)
            with solara.Div(classes=["kerjasama-main"]):
                Cards(model.value, settings, lang, group, pins, prints)


@solara.component
def Address(settings, lang: str, group, projector, arrived, prints, drawer, on_width, on_location) -> None:
    """The page's state in the address bar. Its own component: a change of a setting redraws
    this and the parts that show the settings, not the whole page (fifteen sessions share the
    server's one interpreter)."""
    state = {"lang": lang, "group": group.value, **({"projector": "1"} if projector.value else {})}
    query = settings.value.to_query() + "&" + urlencode(state) if arrived.value else None
    Room(
        lang=lang,
        query=query,
        prints=prints.value,
        event_escape=lambda _=None: drawer.set(False),
        event_width=on_width,
        event_location=on_location,
    )


@solara.component
def Backdrop(drawer: solara.Reactive[bool]) -> None:
    """Behind the drawer on a phone: a tap beside the drawer closes it."""
    backdrop = solara.v.Html(tag="div", class_="kerjasama-backdrop")
    solara.v.use_event(backdrop, "click", lambda *_: drawer.set(False))


@solara.component
def Header(drawer: solara.Reactive[bool], projector: solara.Reactive[bool], lang: str) -> None:
    with solara.Row(classes=["kerjasama-header"], style={"align-items": "center"}):
        solara.Button(
            icon_name="mdi-menu",
            icon=True,
            on_click=lambda: drawer.set(not drawer.value),
            attributes={"aria-label": term("ui.settings", lang)},
            classes=["kerjasama-menu"],
        )
        solara.Text(term("ui.title", lang), classes=["kerjasama-title"])

        def switch(on: bool) -> None:
            projector.set(on)
            drawer.set(not on)  # the room sees the cards; ☰ brings the settings back

        solara.Switch(
            label=term("ui.projector", lang), value=projector.value, on_value=switch, classes=["kerjasama-switch"]
        )


@solara.component
def Cards(model, settings, lang: str, group, pins, prints) -> None:
    """The main area's cards, in the order a session goes through them, as the cells of one grid."""

    def pin(result: dict) -> None:
        pins.set(compare.pinned(pins.value, settings.value, result, lang))

    with solara.Div(classes=["kerjasama-grid"]):
        cards.SummaryCard(settings, lang, group)
        cards.MapCard(model, lang)
        odds.OddsCard(settings, lang, model.settings, on_pin=pin)
        cards.TimelineCard(model, lang)
        cards.AttributesCard(model, lang)
        compare.CompareCard(pins, lang, group.value)
        compare.SweepCard(settings, lang)
        cards.ExportCard(model, settings, lang, group, prints)
        cards.AboutCard(lang)
