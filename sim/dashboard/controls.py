"""What a participant works with in the sidebar: Reset, Play and Step for the run on screen, and
the settings the next Reset runs with. Both speak the session's language (SolaraViz's own
controls, in English only, are hidden by the page)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import solara
import solara.lab
from ipyvuetify.extra import FileInput
from mesa.visualization.utils import force_update, update_counter

from sim.dashboard.model import DashboardModel
from sim.dashboard.settings import LOCAL_WISDOM, Settings
from sim.dashboard.style import SMALL
from sim.scenario import BODIES, STRATEGIES
from sim.stages import REGENCY_ATTRIBUTES
from sim.terms import number, setup_name, term
from sim.validation import InputError

PLAY_INTERVAL_MS = 200  # a month every 0.2 s: ten years in 24 s, slow enough to follow


def picker(label: str, options: dict[str, str], value: str, on_value: Callable[[str], None], **kwargs) -> None:
    """A Select showing translated names for internal values."""
    keys = {name: key for key, name in options.items()}
    solara.Select(
        label,
        values=list(options.values()),
        value=options.get(value),
        on_value=lambda name: on_value(keys[name]),
        **kwargs,
    )


def slider(
    label: str,
    value: float,
    on_value: Callable,
    lang: str,
    low: float = 0.0,
    high: float = 1.0,
    step: float = 0.05,
    disabled: bool = False,
) -> None:
    """A slider (of a share, unless told otherwise) with its value in its label, written as the
    language writes numbers: a facilitator reads values aloud, and a thumb shows them only while
    dragged."""
    whole = float(step).is_integer()
    make = solara.SliderInt if whole else solara.SliderFloat
    make(
        f"{label}: {number(value, lang, digits=0 if whole else 2)}",
        value=value,
        min=low,
        max=high,
        step=step,
        on_value=on_value,
        disabled=disabled,
    )


@solara.component
def RunControls(model: solara.Reactive[DashboardModel], lang: str) -> None:
    """Reset (a new run with the settings), Play / Pause, Step (one month), and the play speed.

    Play steps the model in a thread, as SolaraViz's own controller does. A thread cannot be
    stopped, only told: after each pause it steps only if it is still the current Play (not one
    paused and played again meanwhile), playing is still on, and the run is the one it started
    (not replaced by Reset)."""
    update_counter.get()  # Step's state follows every month
    playing = solara.use_reactive(False)
    interval = solara.use_reactive(PLAY_INTERVAL_MS)

    def play() -> None:
        if not playing.value:
            return
        run = model.value

        def still_wanted() -> bool:
            return task.is_current() and playing.value and model.value is run and run.running

        while still_wanted():
            time.sleep(interval.value / 1000)
            if still_wanted():
                run.advance()
                force_update()
        if task.is_current():
            playing.set(False)  # the run has reached its horizon

    task = solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def reset() -> None:
        playing.set(False)
        model.set(type(model.value)())
        force_update()

    def step() -> None:
        model.value.advance()
        force_update()

    running = model.value.running
    with solara.Card(term("ui.run", lang), classes=["kerjasama-panel"]):
        with solara.Row(justify="space-between"):
            solara.Button(term("ui.reset", lang), color="primary", on_click=reset)
            solara.Button(
                term("ui.pause" if playing.value else "ui.play", lang),
                color="primary",
                on_click=lambda: playing.set(not playing.value),
                disabled=not running,
            )
            solara.Button(term("ui.step", lang), color="primary", on_click=step, disabled=playing.value or not running)
        slider(term("ui.play_interval", lang), interval.value, interval.set, lang, low=20, high=1000, step=20)
        if not running:
            solara.Text(term("ui.run_ended", lang), style=SMALL)


@solara.component
def SettingsPanel(settings: solara.Reactive[Settings], lang: solara.Reactive[str], presets: list[str]) -> None:
    """The settings a participant changes; Reset starts a run with them."""
    s, language = settings.value, lang.value
    problems = solara.use_memo(lambda: s.problems(language), [s, language])

    def change(**values) -> None:
        settings.set(replace(settings.value, **values))

    def in_table(field: str, key: str, value) -> None:
        change(**{field: {**getattr(settings.value, field), key: value}})

    def attribute(regency: str, name: str, value: float) -> None:
        attributes = settings.value.attributes
        change(attributes={**attributes, regency: {**attributes[regency], name: value}})

    with solara.Card(term("ui.settings", language), classes=["kerjasama-panel"]):
        with solara.ToggleButtonsSingle(value=language, on_value=lang.set):
            solara.Button("Bahasa Indonesia", value="id")
            solara.Button("English", value="en")
        solara.Text(term("ui.settings_note", language), style=SMALL)
        with solara.Column(gap="0"):  # one element however many problems: the controls below keep their state
            for problem in problems:
                solara.Error(problem)
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            picker(
                term("ui.setup", language),
                {p: setup_name(p, language) for p in presets},
                s.setup,
                lambda p: settings.set(settings.value.with_setup(p)),
            )
            solara.Button(
                term("ui.restore", language),
                icon_name="mdi-restore",
                text=True,
                on_click=lambda: settings.set(Settings.of(settings.value.scenario, settings.value.setup)),
            )
        solara.Checkbox(label=term("ui.key_actor", language), value=s.key_actor, on_value=lambda v: change(key_actor=v))
        off = not s.key_actor  # the key actor's controls do nothing without him
        slider(
            term("ui.meetings", language),
            s.meetings_per_month,
            lambda v: change(meetings_per_month=v),
            language,
            high=4.0,
            disabled=off,
        )
        picker(
            term("ui.strategy", language),
            {k: term(f"strategy.{k}", language) for k in STRATEGIES},
            s.strategy,
            lambda v: change(strategy=v),
            disabled=off,
        )
        for regency, value in s.legitimacy.items():
            slider(
                term("ui.legitimacy", language).format(regency=regency),
                value,
                lambda v, r=regency: in_table("legitimacy", r, v),
                language,
                disabled=off,
            )
        picker(
            term("ui.body", language),
            {k: term(f"body.{k}", language) for k in BODIES},
            s.body,
            lambda v: change(body=v),
        )
        solara.Text(term("ui.local_wisdom", language), style={"display": "block", "margin-top": "8px"})
        for switch in LOCAL_WISDOM:
            solara.Checkbox(
                label=term(f"ui.{switch}", language),
                value=s.local_wisdom.get(switch, False),
                on_value=lambda v, k=switch: in_table("local_wisdom", k, v),
            )
        for regency, values in s.attributes.items():
            with solara.Details(summary=term("ui.regency_attributes", language).format(regency=regency)):
                for name in REGENCY_ATTRIBUTES:
                    slider(
                        term(name, language), values[name], lambda v, r=regency, a=name: attribute(r, a, v), language
                    )
        slider(term("ui.months", language), s.months, lambda v: change(months=v), language, low=12, high=240, step=12)
        with solara.Details(summary=term("ui.advanced", language)):
            solara.InputText(
                term("ui.seed", language), value=s.seed, on_value=lambda v: change(seed=v), continuous_update=False
            )
            solara.Text(term("ui.seed_note", language), style=SMALL)
        Upload(settings, language)


@solara.component
def Upload(settings: solara.Reactive[Settings], lang: str) -> None:
    """An exported settings file, loaded back: every control set as the file says."""
    said = solara.use_reactive(None)  # (ok, words) about the last file

    def load(name: str, data: bytes) -> None:
        try:
            settings.set(settings.value.from_toml(data.decode("utf-8-sig"), name))
        except UnicodeDecodeError:
            said.set((False, f"{name}: {term('ui.upload_not_text', lang)}"))
        except InputError as error:
            said.set((False, "\n".join(str(problem) for problem in error.problems)))
        else:
            said.set((True, term("ui.upload_done", lang).format(file=name)))

    solara.Text(term("ui.upload", lang), style=SMALL)
    FileChooser(load)
    if said.value is not None:
        ok, words = said.value
        (solara.Success if ok else solara.Error)(words)


@solara.component
def FileChooser(on_file: Callable[[str, bytes], None]):
    """A file input one clicks (Solara's FileDrop only takes a dragged file, which a phone cannot
    do), wired as Solara's FileDrop wires its own: `on_file(name, contents)`."""
    chosen, set_chosen = solara.use_state(None)
    wired, set_wired = solara.use_state(None)
    chooser = FileInput.element(on_file_info=set_chosen, multiple=False, accept=".toml", show_progress=False)

    def wire() -> None:
        if not chosen:
            return
        widget = solara.get_widget(chooser)
        widget.version += 1  # the next file is read afresh
        widget.reset_stats()
        set_wired(widget.get_files())

    def read() -> None:  # in a thread: the browser sends the file while the page waits for it
        if wired:
            on_file(wired[0]["name"], wired[0]["file_obj"].read())

    solara.use_effect(wire, [chosen])
    solara.use_thread(read, dependencies=[wired])
    return chooser
