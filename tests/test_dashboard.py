"""The dashboard's pieces, without a browser: drawings, words, settings, export, bad input,
sessions, and the cards and sidebar rendered with `solara.render`."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
from dataclasses import replace
from pathlib import Path

import ipyvuetify as v
import numpy as np
import pytest
import solara
from mesa.visualization.utils import force_update

from sim.cli import main
from sim.dashboard import app, cards, compare, controls, odds, views
from sim.dashboard.model import DashboardModel, session_model
from sim.dashboard.settings import Settings
from sim.model import CooperationModel
from sim.scenario import load_scenario
from sim.stages import Stage
from sim.terms import BARRIER_WORDS, TERMS, number, stage_name
from sim.validation import InputError


def texts(widget) -> list[str]:
    """Every piece of text in a rendered widget tree, in order."""
    found: list[str] = []
    for name in ("children", "v_slots"):
        for child in getattr(widget, name, None) or []:
            if isinstance(child, str):
                found.append(child)
            elif isinstance(child, dict):
                found += texts(child.get("children"))
            elif child is not None:
                found += texts(child)
    for name in ("label", "value", "unsafe_innerHTML"):
        value = getattr(widget, name, None)
        if isinstance(value, str) and value:
            found.append(value)
    return found


def page_text(box) -> str:
    return " ".join(texts(box))


def run_to(model: DashboardModel, month: int) -> DashboardModel:
    while model.month < month and model.running:
        model.step()
    return model


DATA = Path(__file__).parent / "data"


def test_any_valid_scenario_is_served_with_its_own_regencies_setups_and_horizon(monkeypatch):
    monkeypatch.setenv("KERJASAMA_SCENARIO", str(DATA / "four_regencies.toml"))
    settings = Settings.of(app.starting_scenario())
    model = run_to(DashboardModel(settings), 3)
    assert model.spec.months == 60 and settings.setup == "key_actor"
    drawing = views.map_svg(model, "en")
    names = ["Alor", "Lembata", "Flores Timur", "Sikka"]
    assert all(f">{name}<" in drawing for name in names) and "Timor-Leste" not in drawing
    x = {name: position[0] for name, position in zip(names, views.regency_positions(model), strict=True)}
    assert x["Alor"] > x["Lembata"] > x["Flores Timur"] > x["Sikka"]  # east to west, as their positions
    presets = list(load_scenario(app.starting_scenario()).presets)
    text = rendered_text(controls.SettingsPanel(solara.Reactive(settings), solara.Reactive("en"), presets))
    assert "Legitimacy of the key actor in Flores Timur" in text and "Sikka: starting attributes" in text


def test_regencies_without_positions_are_drawn_in_a_ring(tmp_path):
    text = (DATA / "four_regencies.toml").read_text()
    (tmp_path / "ring.toml").write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("position"))
    )
    model = DashboardModel(Settings.of(str(tmp_path / "ring.toml")))
    positions = np.array(views.regency_positions(model))
    centre = positions.mean(axis=0)
    radii = np.hypot(*(positions - centre).T)
    assert len({tuple(p.round()) for p in positions}) == 4 and radii.min() > 90


# --- words -------------------------------------------------------------------------------


def test_every_dashboard_word_exists_in_both_languages():
    english = {k for k in TERMS["en"] if k.startswith(("ui.", "strategy.", "body."))}
    indonesian = {k for k in TERMS["id"] if k.startswith(("ui.", "strategy.", "body."))}
    assert english == indonesian
    untranslated = [k for k in english if TERMS["en"][k] == TERMS["id"][k] and k not in SAME_IN_BOTH]
    assert untranslated == []


HORIZON = load_scenario().months  # the default scenario's
SAME_IN_BOTH = {"ui.timor_leste", "ui.oecusse", "ui.odds_status_quo", "body.regional_management"}


def test_numbers_are_written_as_each_language_writes_them():
    assert number(2000, "id") == "2.000" and number(2000, "en") == "2,000"
    assert number(99.94, "id", digits=1) == "99,9" and number(-3.25, "en", digits=1, sign=True) == "-3.2"


# --- drawings ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_map_shows_the_border_region_and_each_regency_stage(lang):
    model = DashboardModel(Settings.of())
    drawing = views.map_svg(model, lang)
    for place in ("TTU", "Belu", "Malaka", "Timor-Leste", "Oecusse", "Wini", "Motaain", "Motamasin", "Atambua"):
        assert place in drawing
    assert drawing.count(stage_name(Stage.NONE, lang)) >= 3
    run_to(model, 60)
    drawing = views.map_svg(model, lang)
    for stage in {Stage(int(s)) for s in model.state.stage}:
        assert stage_name(stage, lang) in drawing


def test_the_map_draws_the_key_actors_meetings_of_the_month():
    model = DashboardModel(Settings.of(setup="key_actor"))
    meeting_months = []
    while model.running:
        model.step()
        dashed = views.map_svg(model, "en").count('stroke="#CC79A7"')
        assert dashed == int(model.history["met"][-1].sum())
        meeting_months.append(dashed > 0)
    assert any(meeting_months) and not all(meeting_months)


@pytest.mark.parametrize(
    ("lang", "label"), [("en", "Atambua: seat of Uskup Atambua"), ("id", "Atambua: kedudukan Uskup Atambua")]
)
def test_the_key_actors_star_is_at_his_seat_and_named(lang, label):
    drawing = views.map_svg(DashboardModel(Settings.of(setup="key_actor")), lang)
    assert drawing.count("★") == 1 and f">{label}<" in drawing


def test_a_key_actor_seated_off_the_map_is_shown_at_its_edge_pointing_to_his_seat():
    """The province-led setup's governor sits in Kupang, west of the map: his star stands at
    the western edge, not in Atambua."""
    model = DashboardModel(Settings.of(setup="province_led"))
    drawing = views.map_svg(model, "en")
    assert ">← Kupang: seat of Gubernur NTT<" in drawing and "Atambua" not in drawing
    star_x = float(re.search(r'<text x="([0-9.]+)"[^>]*>★<', drawing).group(1))
    assert star_x == views.EDGE
    while not model.history["met"][-1].any():
        model.step()
    meetings = re.findall(r'<line x1="([0-9.]+)"[^>]*stroke="#CC79A7"', views.map_svg(model, "en"))
    assert meetings and all(float(x) == views.EDGE for x in meetings)


def test_the_map_has_no_key_actor_in_the_status_quo():
    model = run_to(DashboardModel(Settings.of(setup="status_quo")), 24)
    assert "★" not in views.map_svg(model, "en")
    assert 'stroke="#CC79A7"' not in views.map_svg(model, "en")


def test_the_timeline_marks_elections_and_droughts_in_the_language_chosen():
    model = run_to(DashboardModel(Settings.of()), HORIZON)
    elections, droughts = model.monthly("election"), model.monthly("drought")
    assert any(elections), "the default scenario holds an election within its horizon"
    drawing = views.timeline_svg(model, "id")
    election_lines = drawing.count('stroke="#B22222" stroke-width="1.5"')
    assert election_lines == sum(elections) + 1  # one line per election, one in the legend
    assert drawing.count(">pemilu<") == election_lines and ">election<" in views.timeline_svg(model, "en")
    assert drawing.count('fill="#F5D6A8" opacity') == sum(droughts)
    for stage in Stage:
        assert stage_name(stage, "id") in views.timeline_svg(model, "id")


@pytest.mark.parametrize("months", [12, 132, 240])
def test_the_timelines_axis_ends_at_the_horizon(months):
    drawing = views.timeline_svg(DashboardModel(replace(Settings.of(), months=months)), "en")
    ticks = [int(t) for t in re.findall(r'font-size="11" fill="#444">(\d+)<', drawing)]
    assert ticks[0] == 0 and ticks[-1] == months and ticks == sorted(set(ticks))


def test_the_binding_barrier_is_named_in_the_studys_words():
    model = DashboardModel(Settings.of(setup="status_quo"))
    lines = views.binding_lines(model, "id")
    for regency, line in zip(model.regencies, lines, strict=True):
        assert line.startswith(regency.name)
        assert BARRIER_WORDS[regency.binding_barrier] in line
    assert "tertahan oleh" in lines[0] and "held back by" in views.binding_lines(model, "en")[0]


def test_a_cooperating_regency_is_not_said_to_be_held_back():
    model = run_to(DashboardModel(Settings.of(setup="rm_plus")), HORIZON)
    members = set(model.member_names)
    assert members, "rm_plus with seed 1 forms cooperation within the horizon"
    for regency, line in zip(model.regencies, views.binding_lines(model, "en"), strict=True):
        if regency.binding_barrier is None:
            assert "is cooperating" in line


def test_the_attribute_panels_follow_every_month():
    model = run_to(DashboardModel(Settings.of()), 12)
    drawing = views.attributes_svg(model, "en")
    assert drawing.count("<polyline") == 6 * 3
    first_line = re.search(r'<polyline points="([^"]+)"', drawing).group(1)
    assert len(first_line.split()) == 13  # months 0 to 12


# --- settings, model and export -------------------------------------------------------------


def test_choosing_a_preset_sets_every_control_as_the_preset_says():
    status_quo = Settings.of(setup="status_quo")
    rm_plus = status_quo.with_setup("rm_plus")
    assert not status_quo.key_actor and not any(status_quo.local_wisdom.values())
    assert rm_plus.key_actor and all(rm_plus.local_wisdom.values())
    assert rm_plus == Settings.of(setup="rm_plus")


def test_each_local_wisdom_switch_is_its_own_setting():
    settings = Settings.of(setup="rm_plus")
    only_leaders = replace(
        settings, local_wisdom={**settings.local_wisdom, "adat_sanctions": False, "local_regulation": False}
    )
    setup = only_leaders.scenario_object().document["setup"]
    assert (setup["adat_leaders"], setup["adat_sanctions"], setup["local_regulation"]) == (True, False, False)


def test_the_dashboard_model_is_the_cooperation_model_of_its_settings():
    settings = replace(Settings.of(setup="key_actor"), months=48, seed="11")
    dashboard = run_to(DashboardModel(settings), 48)
    plain = CooperationModel(settings.scenario_object(), rng=11)
    plain.run()
    assert np.array_equal(dashboard.state.stage, plain.state.stage)
    assert dashboard.state.formed_month.item() == plain.state.formed_month.item()


def test_the_exported_settings_run_with_kerjasama_run_to_the_same_result(tmp_path, capsys):
    settings = replace(Settings.of(setup="key_actor"), meetings_per_month=0.6, months=60, seed="5")
    settings = replace(
        settings, attributes={**settings.attributes, "Belu": {**settings.attributes["Belu"], "capacity": 0.7}}
    )
    exported = tmp_path / "workshop.toml"
    exported.write_text(settings.to_toml(), encoding="utf-8")
    assert main(["validate", str(exported)]) == 0
    capsys.readouterr()
    assert main(["run", str(exported), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    dashboard = run_to(DashboardModel(settings), 60)
    formed = dashboard.state.formed_month.item()
    assert result["months"] == 60 and result["seed"] == 5
    assert result["formed"] == (formed >= 0)
    assert result.get("month_formed") == (formed if formed >= 0 else None)
    assert result.get("members", []) == list(dashboard.member_names)
    assert load_scenario(exported).document["key_actor"]["meetings_per_month"] == 0.6


def test_the_monthly_csv_holds_every_month_and_regency():
    model = run_to(DashboardModel(Settings.of(setup="rm_plus")), 120)
    lines = cards.monthly_csv(model).splitlines()
    header = lines[0].split(",")
    assert header[:3] == ["month", "regency", "regency_stage"] and "binding_barrier" in header
    assert len(lines) == 1 + 121 * 3
    assert [line.split(",")[0] for line in lines[1:4]] == ["0", "0", "0"]
    members = {line.split(",")[header.index("members")] for line in lines[1:]}
    assert ";".join(model.member_names) in members  # several members, one column
    values = [line.split(",")[header.index("capacity")] for line in lines[1:]]
    assert max(len(value.split(".")[-1]) for value in values) <= cards.CSV_DIGITS


BAD_SEEDS = ["tiga", "-1", "1.5", "", "²", "99999999999999999999"]


@pytest.mark.parametrize("seed", BAD_SEEDS)
def test_a_bad_seed_is_one_message_and_the_run_goes_on_with_the_scenarios_seed(seed):
    settings = replace(Settings.of(), seed=seed)
    for lang, words in (("en", "whole number"), ("id", "bilangan bulat")):
        problems = settings.problems(lang)
        assert len(problems) == 1 and words in problems[0] and f"“{seed}”" in problems[0]
    model = run_to(DashboardModel(settings), 3)
    assert model.month == 3 and model.spec.seed == load_scenario().seed


def test_a_typed_seed_with_spaces_is_a_seed():
    assert replace(Settings.of(), seed=" 42 ").scenario_object().seed == 42


def test_an_impossible_setting_is_a_message_not_a_crash():
    settings = replace(Settings.of(), meetings_per_month=-1.0)
    assert "meetings_per_month" in settings.problems("en")[0]
    DashboardModel(settings).step()


def test_each_session_has_its_own_model_class_and_settings():
    first, second = solara.Reactive(Settings.of()), solara.Reactive(Settings.of())
    a, b = session_model(first)(), session_model(second)()
    run_to(a, 5)
    first.set(replace(first.value, months=24))
    reset = type(a)()  # what Reset does
    assert reset.spec.months == 24 and reset.month == 0
    assert b.month == 0 and type(b)().spec.months == HORIZON


# --- cards and sidebar rendered ---------------------------------------------------------------


def rendered_text(*elements) -> str:
    text = ""
    for element in elements:
        box, rc = solara.render(element, handle_error=False)
        text += page_text(box) + " "
        rc.close()
    return text


def test_the_cards_render_in_both_languages():
    model = run_to(DashboardModel(Settings.of()), 3)
    expected = {
        "en": ["Map", f"Month 3 of {HORIZON}", "held back by", "Grand design timeline", "election", "Export"],
        "id": ["Peta", f"Bulan 3 dari {HORIZON}", "tertahan oleh", "Lini waktu grand design", "pemilu", "Ekspor"],
    }
    settings = solara.Reactive(Settings.of())
    for lang, words in expected.items():
        text = rendered_text(
            cards.MapCard(model, lang),
            cards.AttributesCard(model, lang),
            cards.TimelineCard(model, lang),
            cards.ExportCard(model, settings, lang, solara.Reactive(""), solara.Reactive(0)),
        )
        for word in words:
            assert word in text, (lang, word)


# Words of the English page, and of SolaraViz's own controls, that must not reach an Indonesian one.
# (SolaraViz's own English cards are hidden by the page's CSS: the browser test checks what shows.)
ENGLISH = [
    "Reset",
    "Step",
    "Play",
    "Settings",
    "must be",
    "Live odds",
    " pp ",
    "runs each",
    "these settings",
    "computing",
]


def test_in_indonesian_the_sidebar_and_cards_say_nothing_in_english():
    model = run_to(DashboardModel(Settings.of(setup="key_actor")), 30)
    settings = solara.Reactive(replace(Settings.of(setup="key_actor"), seed="x"))
    language = solara.Reactive("id")
    text = rendered_text(
        controls.RunControls(solara.Reactive(model), "id"),
        controls.SettingsPanel(settings, language, list(load_scenario().presets)),
        cards.MapCard(model, "id"),
        cards.TimelineCard(model, "id"),
        cards.AttributesCard(model, "id"),
        cards.ExportCard(model, settings, "id", solara.Reactive(""), solara.Reactive(0)),
        cards.AboutCard("id"),
    )
    box, rc = solara.render(odds.OddsCard(solara.Reactive(Settings.of(setup="key_actor")), "id"), handle_error=False)
    text += wait_for(box, lambda t: "dari setiap 100 simulasi" in t and "diperhalus" not in t, time.monotonic() + 60)
    rc.close()
    for english in ENGLISH:
        assert english not in text, english
    assert "Mulai ulang" in text and "Langkah" in text and "Jalankan" in text and "bukan “x”" in text
    from sim.dashboard.odds import ODDS_RUNS
    from sim.ensemble import run_ensemble

    key_actor = run_ensemble(load_scenario(setup="key_actor"), ODDS_RUNS, seed=1).outcomes.formed.mean()
    assert "masing-masing 2.000 simulasi" in text and f"{number(100 * key_actor, 'id', 1)}\u00a0%" in text


def test_step_never_runs_past_the_horizon():
    """A second click on Step, already on its way when the first ended the run, does nothing."""
    model = solara.Reactive(run_to(DashboardModel(replace(Settings.of(), months=12)), 11))
    _, rc = solara.render(controls.RunControls(model, "en"), handle_error=False)
    step = rc.find(v.Btn, children=["Step"]).widget
    step.click()
    step.click()
    assert model.value.month == 12 and len(model.value.history["stage"]) == 13
    rc.close()


PLAY_MS = 500  # long enough that a stale Play thread wakes well after the clicks below


def playing_controls(months: int = 120):
    """RunControls at PLAY_MS a month, and a record of which thread steps the model, when."""
    model = solara.Reactive(DashboardModel(replace(Settings.of(), months=months)))
    _, rc = solara.render(controls.RunControls(model, "en"), handle_error=False)
    rc.find(v.Slider).widget.v_model = PLAY_MS
    steps: list[tuple[float, int]] = []
    advance = model.value.advance

    def recorded() -> None:
        steps.append((time.monotonic(), threading.get_ident()))
        advance()

    model.value.advance = recorded
    return model, rc, steps


def play_button(rc):
    (found,) = [b for b in rc.find(v.Btn).widgets if b.children[0] in ("▶ Play", "❚❚ Pause")]
    return found


def test_pause_then_play_again_leaves_one_play_stepping_and_pause_stops_at_once():
    model, rc, steps = playing_controls()
    play_button(rc).click()
    time.sleep(1.5 * PLAY_MS / 1000)  # one month played; the thread sleeps towards the second
    play_button(rc).click()  # Pause
    play_button(rc).click()  # Play again, before the first thread wakes
    replayed = time.monotonic()
    time.sleep(3.5 * PLAY_MS / 1000)
    stepping = {thread for when, thread in steps if when > replayed}
    assert len(stepping) == 1, "two Play threads stepping one model"
    play_button(rc).click()  # Pause
    paused, month = time.monotonic(), model.value.month
    time.sleep(1.5 * PLAY_MS / 1000)
    assert model.value.month == month and all(when < paused for when, _ in steps)
    rc.close()


def test_reset_while_playing_starts_the_new_run_at_month_zero():
    model, rc, _ = playing_controls()
    play_button(rc).click()
    time.sleep(1.5 * PLAY_MS / 1000)
    assert model.value.month == 1
    rc.find(v.Btn, children=["Reset"]).widget.click()
    time.sleep(1.5 * PLAY_MS / 1000)  # the Play thread wakes meanwhile
    assert model.value.month == 0 and play_button(rc).children == ["▶ Play"]
    rc.close()


def test_the_run_controls_step_and_reset_the_sessions_model():
    settings = solara.Reactive(replace(Settings.of(), months=24))
    model = solara.Reactive(session_model(settings)())
    box, rc = solara.render(controls.RunControls(model, "en"), handle_error=False)
    step = rc.find(v.Btn, children=["Step"])
    for _ in range(3):
        step.widget.click()
    assert model.value.month == 3
    settings.set(replace(settings.value, months=36))
    rc.find(v.Btn, children=["Reset"]).widget.click()
    assert model.value.month == 0 and model.value.spec.months == 36
    run_to(model.value, 36)
    force_update()  # as every step from the page does
    assert rc.find(v.Btn, children=["Step"]).widget.disabled and "reached its horizon" in page_text(box)
    rc.close()


def test_the_settings_panel_changes_the_settings_and_says_what_is_wrong_in_the_page_language():
    settings, language = solara.Reactive(Settings.of()), solara.Reactive("en")
    box, rc = solara.render(
        controls.SettingsPanel(settings, language, list(load_scenario().presets)), handle_error=False
    )
    rc.find(v.Select, label="Setup").widget.v_model = "Status quo"
    assert settings.value == Settings.of(setup="status_quo")
    assert rc.find(v.Slider, label="Meetings per month: 0.25").widget.disabled  # no key actor, nothing to meet
    rc.find(v.Checkbox, label="adat sanctions back the agreement").widget.v_model = True
    assert settings.value.local_wisdom == {"adat_leaders": False, "adat_sanctions": True, "local_regulation": False}
    seed = rc.find(v.TextField, label="Seed (a whole number)").widget
    seed.v_model = "abc"
    seed.fire_event("keyup.enter", "abc")
    assert settings.value.seed == "abc"
    assert len(rc.find(v.Alert)) == 1 and "not “abc”" in page_text(box)
    rc.find(v.BtnToggle).widget.v_model = 0  # the first button: Bahasa Indonesia
    assert language.value == "id" and "Pengaturan kelembagaan" in page_text(box) and "bukan “abc”" in page_text(box)
    rc.close()


def button(rc, label: str):
    """The button whose words are `label` (beside an icon, perhaps)."""
    (found,) = [b for b in rc.find(v.Btn).widgets if label in b.children]
    return found


def test_with_a_bad_seed_the_settings_file_is_not_offered_and_nothing_crashes():
    model = DashboardModel(Settings.of())
    settings = solara.Reactive(replace(Settings.of(), seed="99999999999999999999"))
    box, rc = solara.render(
        cards.ExportCard(model, settings, "en", solara.Reactive(""), solara.Reactive(0)), handle_error=False
    )
    toml_button = button(rc, "Settings as a scenario file (TOML)")
    assert toml_button.disabled and "not offered" in page_text(box)
    assert not button(rc, "This run, month by month (CSV)").disabled
    settings.set(replace(settings.value, seed="8"))
    assert not button(rc, "Settings as a scenario file (TOML)").disabled
    assert "changed since the last Reset" in page_text(box)
    rc.close()


def wait_for(box, done, deadline: float) -> str:
    while not done(page_text(box)):
        assert time.monotonic() < deadline, page_text(box)
        time.sleep(0.05)
    return page_text(box)


def test_the_live_odds_compare_the_settings_with_the_status_quo():
    settings = solara.Reactive(Settings.of(setup="rm_plus"))
    box, rc = solara.render(odds.OddsCard(settings, "en"), handle_error=False)
    deadline = time.monotonic() + 60
    text = wait_for(box, lambda t: "status quo" in t and "2,000 runs each" in t, deadline)
    assert f"within {HORIZON} months" in text and "2,000 runs each" in text and "still cooperating at the end" in text
    # per column: the rate and its interval, then the share still cooperating and its interval
    shown = [float(x) for x in re.findall(r"(\d+\.\d)\s%", text)]
    current, quo = shown[0], shown[6]
    from sim.ensemble import run_ensemble

    expected = run_ensemble(load_scenario(setup="rm_plus"), odds.ODDS_RUNS, seed=1).outcomes.formed.mean()
    assert current == pytest.approx(100 * expected, abs=0.05) and quo < 1
    difference = re.search(
        r"Compared with the status quo in the same runs: \+(\d+\.\d) in every 100 runs "
        r"\(likely \+(\d+\.\d) to \+(\d+\.\d)\)",
        text,
    )
    low, high = float(difference.group(2)), float(difference.group(3))
    assert low <= float(difference.group(1)) <= high <= 100
    settings.set(replace(settings.value, seed="x"))
    wait_for(box, lambda t: "No odds while a setting cannot be used" in t, deadline)
    settings.set(replace(settings.value, seed="3", months=60))
    expected = f"{100 * odds.odds(settings.value)['formation_rates']['result']:.1f}\u00a0%"
    # the full answer, not the first estimate that comes before it
    text = wait_for(box, lambda t: "within 60 months" in t and "(seed 3)" in t and "2,000 runs each" in t, deadline)
    assert expected in text
    rc.close()


def test_a_dragged_slider_computes_the_odds_once_for_where_it_stops(monkeypatch):
    """Every value a slider passes changes the settings; only the last is computed."""
    computed: list[int] = []

    def counted(settings: Settings, *args) -> dict | None:
        computed.append(settings.months)
        return real(settings, *args)

    real = odds.follow
    monkeypatch.setattr(odds, "follow", counted)
    monkeypatch.setattr(odds, "SETTLE_SECONDS", 1.0)
    settings = solara.Reactive(Settings.of(setup="key_actor"))
    box, rc = solara.render(odds.OddsCard(settings, "en"), handle_error=False)
    for months in (24, 36, 48, 60):
        settings.set(replace(settings.value, months=months))
    wait_for(box, lambda t: "within 60 months" in t and "2,000 runs each" in t, time.monotonic() + 60)
    time.sleep(1.5)  # any computation still to come would have started by now
    assert computed == [60]
    rc.close()


def test_a_change_shows_a_first_estimate_then_the_full_odds_and_says_the_run_on_screen_is_older():
    before = replace(Settings.of(setup="key_actor"), months=96, seed="23")
    settings = solara.Reactive(before)
    box, rc = solara.render(odds.OddsCard(settings, "en", run_settings=before), handle_error=False)
    seen: list[tuple[str, set[str]]] = []
    deadline = time.monotonic() + 60
    while "2,000 runs each" not in (text := page_text(box)):
        seen.append((text, card_classes(rc)))
        assert time.monotonic() < deadline, text
        time.sleep(0.02)
    quick = [classes for t, classes in seen if "200 runs each" in t and "refining to 2,000 runs" in t]
    assert quick, seen[-1]
    # the card names the settings its numbers are for, and whether they are the first estimate
    assert {"kerjasama-odds-quick", odds.label(before)} <= quick[0]
    wait_for(box, lambda t: {"kerjasama-odds-full", odds.label(before)} <= card_classes(rc), deadline)
    assert not any(c.startswith("kerjasama-odds-") for t, classes in seen if "computing" in t.lower() for c in classes)
    assert "the run on screen still uses the old ones" not in text
    settings.set(replace(before, months=108))
    wait_for(box, lambda t: "within 108 months" in t and "the run on screen still uses the old ones" in t, deadline)
    wait_for(box, lambda t: {"kerjasama-odds-full", odds.label(settings.value)} <= card_classes(rc), deadline)
    assert odds.label(before) not in card_classes(rc)
    rc.close()


def card_classes(rc) -> set[str]:
    (card,) = (card for card in rc.find(v.Card).widgets if "kerjasama-odds" in (card.class_ or "").split())
    return set(card.class_.split())


def test_the_live_odds_follow_the_horizon():
    short, long = (odds.odds(replace(Settings.of(setup="key_actor"), months=m)) for m in (24, 240))
    assert short["formation_rates"]["result"] < long["formation_rates"]["result"]
    assert short["formation_rates"]["baseline"] == 0.0


def test_the_live_odds_say_how_often_cooperation_lasts():
    informal = odds.odds(Settings.of(setup="key_actor"))
    with_body = odds.odds(replace(Settings.of(setup="key_actor"), body="regional_management"))
    for result in (informal, with_body):
        assert result["sustained_rates"]["result"] <= result["formation_rates"]["result"]
        low, high = result["sustained_ci"]["result"]
        assert low <= result["sustained_rates"]["result"] <= high
    assert with_body["sustained_rates"]["result"] > informal["sustained_rates"]["result"]


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_about_text_renders_with_its_sections_and_things_to_try(lang):
    html = rendered_text(cards.AboutCard(lang))
    assert html.count("<h3>") >= 4 and html.count("<li>") >= 6 and "Egidius Fkun" in html


# --- the room: explanations, the address bar, uploads, the comparison and the sweep ----------


def test_a_run_says_in_a_sentence_why_it_stalled_formed_or_dissolved():
    stalled = DashboardModel(Settings.of(setup="status_quo"))
    assert views.explanation(stalled, "en").startswith("Nothing has started yet: TTU is held back by: tidak tahu")
    dissolved = run_to(DashboardModel(replace(Settings.of(setup="key_actor"), seed="2")), 168)
    assert (
        views.explanation(dissolved, "en")
        == "It dissolved in month 119, after the election of month 119; TTU, Malaka fell back."
    )
    assert "setelah pemilu bulan 119" in views.explanation(dissolved, "id")
    formed = run_to(DashboardModel(Settings.of(setup="rm_plus")), 168)
    assert formed.member_names and views.explanation(formed, "en").startswith("In force: ")


def test_after_a_dissolution_the_map_shows_no_regency_implementing_alone():
    model = DashboardModel(replace(Settings.of(setup="key_actor"), seed="2"))
    alone = []
    while model.running and not alone:
        model.step()
        members = set(model.member_names)
        alone = [r.name for r in model.regencies if r.stage >= Stage.IMPLEMENTATION and r.name not in members]
    assert alone, "seed 2 has a month with a regency past organising and no cooperation in force"
    circles = "".join(views.regency_circles(model, views.regency_positions(model), "en"))
    assert ">ready, no partners<" in circles and ">implementation<" not in circles.split(f">{alone[0]}<")[1][:200]


def test_the_maps_key_names_every_stage_and_the_attribute_panels_have_axes():
    model = DashboardModel(Settings.of())
    drawing = views.map_svg(model, "id")
    assert all(f">{stage_name(stage, 'id')}<" in drawing for stage in Stage)
    panels = views.attributes_svg(model, "en")
    assert panels.count(">0.5<") == 6 and panels.count(f">{model.spec.months}<") == 6 and "share from 0 to 1" in panels


def test_the_settings_survive_a_reload_through_the_address_bar():
    changed = (
        Settings.of(setup="key_actor")
        .with_override("regency.Belu.capacity", 0.5)
        .with_override("setup.adat_leaders", True)
        .with_override("key_actor.legitimacy.Malaka", 0.3)
        .with_override("scenario.months", 60)
    )
    query = changed.to_query()
    assert "regency.Belu.capacity=0.5" in query and "regency.TTU" not in query  # only what differs from the preset
    assert Settings.of().from_query(query) == changed
    edited = "setup=nonsense&scenario.months=many&regency.Nowhere.capacity=1&seed=5"
    assert Settings.of().from_query(edited) == replace(Settings.of(), seed="5")


def test_an_exported_file_loads_back_and_a_file_of_other_regencies_is_refused(tmp_path):
    changed = replace(Settings.of(setup="key_actor").with_override("regency.Belu.capacity", 0.5), months=72, seed="9")
    text = changed.to_toml("Kelompok Belu")
    assert text.startswith("# Exported") and "# Group: Kelompok Belu" in text
    assert "kerjasama run kerjasama_kelompok-belu_settings.toml" in text
    assert Settings.of().from_toml(text, "kerjasama_kelompok-belu_settings.toml") == changed
    with pytest.raises(InputError) as refused:
        Settings.of().from_toml((DATA / "four_regencies.toml").read_text(), "four.toml")
    assert str(refused.value.problems[0]).startswith("four.toml: regency = 'Alor, Lembata, Flores Timur, Sikka'")
    with pytest.raises(InputError) as broken:
        Settings.of().from_toml("[scenario\n", "broken.toml")
    assert str(broken.value.problems[0]).startswith("broken.toml")


def test_pinned_settings_make_a_table_of_at_most_six_rows_and_a_csv():
    rows: list[dict] = []
    settings = [replace(Settings.of(setup="key_actor"), months=months) for months in (24, 36, 48, 60, 72, 84, 96)]
    for each in settings:
        rows = compare.pinned(rows, each, odds.odds(each, runs=100), "en")
    assert [row["key"] for row in rows] == ["B", "C", "D", "E", "F", "G"] and rows[0]["settings"] == settings[1]
    shown = compare.table_rows(rows, "en")
    assert shown[0][0].startswith("B: Key actor (bishop); Horizon (months) 36")
    table = list(csv.DictReader(io.StringIO(compare.comparison_csv(rows, "Kelompok A"))))
    assert len(table) == 6 and table[0]["group"] == "Kelompok A" and table[0]["months"] == "36"
    assert Settings.of().from_query(table[0]["settings"]) == settings[1]  # each row can be set again


def test_a_sweep_varies_one_setting_and_keeps_every_other():
    settings = Settings.of(setup="key_actor")
    options = compare.sweepable(settings, "en")
    words, values = options["regency.Belu.capacity"]
    assert words == "Belu: capacity" and len(values) == compare.SWEEP_POINTS and values[0] == 0 and values[-1] == 1
    point = compare.sweep_point(settings, "regency.Belu.capacity", values[5]).scenario_object()
    assert point.document == settings.with_override("regency.Belu.capacity", 0.5).scenario_object().document
    assert options["scenario.months"][1][-1] == 240
