"""The dashboard's pieces, without a browser: drawings, words, settings, export, bad input,
sessions, and the components rendered with `solara.render`."""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace

import ipyvuetify as v
import numpy as np
import pytest
import solara

from sim.cli import main
from sim.dashboard import components, views
from sim.dashboard.model import DashboardModel, session_model
from sim.dashboard.settings import Settings
from sim.model import CooperationModel
from sim.scenario import load_scenario
from sim.stages import Stage
from sim.terms import BARRIER_WORDS, TERMS, number, stage_name


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


# --- words -------------------------------------------------------------------------------


def test_every_dashboard_word_exists_in_both_languages():
    english = {k for k in TERMS["en"] if k.startswith(("ui.", "strategy.", "body."))}
    indonesian = {k for k in TERMS["id"] if k.startswith(("ui.", "strategy.", "body."))}
    assert english == indonesian
    untranslated = [k for k in english if TERMS["en"][k] == TERMS["id"][k] and k not in SAME_IN_BOTH]
    assert untranslated == []


SAME_IN_BOTH = {"ui.language", "ui.timor_leste", "ui.oecusse", "ui.odds_status_quo", "body.regional_management"}


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


def test_the_map_has_no_key_actor_in_the_status_quo():
    model = run_to(DashboardModel(Settings.of(setup="status_quo")), 24)
    assert "★" not in views.map_svg(model, "en")
    assert 'stroke="#CC79A7"' not in views.map_svg(model, "en")


def test_the_timeline_marks_elections_and_droughts_in_the_language_chosen():
    model = run_to(DashboardModel(Settings.of()), 120)
    assert any(model.history["election"]), "the default scenario holds an election within 120 months"
    drawing = views.timeline_svg(model, "id")
    election_lines = drawing.count('stroke="#B22222" stroke-width="1.5"')
    assert election_lines == sum(model.history["election"]) + 1  # one line per election, one in the legend
    assert drawing.count(">pemilu<") == election_lines and ">election<" in views.timeline_svg(model, "en")
    assert drawing.count('fill="#F5D6A8" opacity') == sum(model.history["drought"])
    for stage in Stage:
        assert stage_name(stage, "id") in views.timeline_svg(model, "id")


def test_the_binding_barrier_is_named_in_the_studys_words():
    model = DashboardModel(Settings.of(setup="status_quo"))
    lines = views.binding_lines(model, "id")
    for regency, line in zip(model.regencies, lines, strict=True):
        assert line.startswith(regency.name)
        assert BARRIER_WORDS[regency.binding_barrier] in line
    assert "tertahan oleh" in lines[0] and "held back by" in views.binding_lines(model, "en")[0]


def test_a_cooperating_regency_is_not_said_to_be_held_back():
    model = run_to(DashboardModel(Settings.of(setup="rm_plus")), 120)
    members = set(model.member_names)
    assert members, "rm_plus with seed 1 forms cooperation within 120 months"
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
    assert not status_quo.key_actor and rm_plus.key_actor and rm_plus.local_wisdom
    assert rm_plus == Settings.of(setup="rm_plus")


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
    model = run_to(DashboardModel(Settings.of()), 6)
    lines = components.monthly_csv(model).splitlines()
    header = lines[0].split(",")
    assert header[:3] == ["month", "regency", "regency_stage"] and "binding_barrier" in header
    assert len(lines) == 1 + 7 * 3
    assert [line.split(",")[0] for line in lines[1:4]] == ["0", "0", "0"]


@pytest.mark.parametrize("seed", ["tiga", "-1", "1.5", ""])
def test_a_bad_seed_is_a_message_and_the_run_goes_on_with_the_default(seed):
    model = DashboardModel(replace(Settings.of(), seed=seed))
    assert len(model.problems) == 1 and "whole number" in model.problems[0]
    run_to(model, 3)
    assert model.month == 3


def test_a_typed_seed_with_spaces_is_a_seed():
    assert replace(Settings.of(), seed=" 42 ").seed_number() == 42


def test_an_impossible_setting_is_a_message_not_a_crash():
    model = DashboardModel(replace(Settings.of(), meetings_per_month=-1.0))
    assert model.problems and "meetings_per_month" in model.problems[0]
    model.step()


def test_each_session_has_its_own_model_class_and_settings():
    first, second = solara.Reactive(Settings.of()), solara.Reactive(Settings.of())
    a, b = session_model(first)(), session_model(second)()
    run_to(a, 5)
    first.set(replace(first.value, months=24))
    reset = type(a)()  # what SolaraViz's Reset does
    assert reset.spec.months == 24 and reset.month == 0
    assert b.month == 0 and type(b)().spec.months == 120


# --- components rendered ---------------------------------------------------------------------


def test_the_cards_render_in_both_languages():
    model = run_to(DashboardModel(Settings.of()), 3)
    expected = {
        "en": ["Map", "Month 3 of 120", "held back by", "Grand design timeline", "election", "Export"],
        "id": ["Peta", "Bulan 3 dari 120", "tertahan oleh", "Lini waktu grand design", "pemilu", "Ekspor"],
    }
    settings = solara.Reactive(Settings.of())
    for lang, words in expected.items():
        cards = [
            components.MapCard(model, lang),
            components.AttributesCard(model, lang),
            components.TimelineCard(model, lang),
            components.ExportCard(model, settings, lang),
        ]
        text = ""
        for card in cards:
            box, rc = solara.render(card, handle_error=False)
            text += page_text(box)
            rc.close()
        for word in words:
            assert word in text, (lang, word)


def test_the_controls_change_the_settings_and_a_bad_seed_shows_in_the_page():
    settings, language = solara.Reactive(Settings.of()), solara.Reactive("en")
    box, rc = solara.render(components.Controls(settings, language, list(load_scenario().presets)), handle_error=False)
    rc.find(v.Select, label="Setup").widget.v_model = "Status quo"
    assert settings.value == Settings.of(setup="status_quo")
    seed = rc.find(v.TextField, label="Seed (a whole number)").widget
    seed.v_model = "abc"
    seed.fire_event("keyup.enter", "abc")
    assert settings.value.seed == "abc"
    assert "A setting cannot be used" in page_text(box)
    rc.find(v.BtnToggle).widget.v_model = 0  # the first button: Bahasa Indonesia
    assert language.value == "id" and "Pengaturan kelembagaan" in page_text(box)
    rc.close()


def test_the_live_odds_compare_the_settings_with_the_status_quo():
    settings = solara.Reactive(Settings.of(setup="rm_plus"))
    box, rc = solara.render(components.OddsCard(settings, "en"), handle_error=False)
    deadline = time.monotonic() + 60
    while "status quo" not in page_text(box) or "computing" in page_text(box):
        assert time.monotonic() < deadline, page_text(box)
        time.sleep(0.1)
    text = page_text(box)
    assert "within 120 months" in text and "2,000 runs each" in text
    # per column: the rate and its interval, then the share still cooperating and its interval
    shown = [float(x) for x in re.findall(r"(\d+\.\d) %", text)]
    current, quo = shown[0], shown[6]
    assert "still cooperating at the end" in text
    assert current > 90 and quo < 1
    settings.set(replace(settings.value, seed="x"))
    while "A setting cannot be used" not in page_text(box):
        assert time.monotonic() < deadline, page_text(box)
        time.sleep(0.1)
    for months in (24, 36, 48, 60):  # a dragged slider: only the last value counts
        settings.set(replace(settings.value, seed="3", months=months))
    expected = f"{100 * components.odds(settings.value)['formation_rates']['result']:.1f} %"
    while not ("within 60 months" in page_text(box) and "(seed 3)" in page_text(box)):
        assert time.monotonic() < deadline, page_text(box)
        time.sleep(0.1)
    assert page_text(box).count(expected) >= 1
    rc.close()


def test_the_live_odds_follow_the_horizon():
    short, long = (components.odds(replace(Settings.of(setup="key_actor"), months=m)) for m in (24, 240))
    assert short["formation_rates"]["result"] < long["formation_rates"]["result"]
    assert short["formation_rates"]["baseline"] == 0.0


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_about_text_renders_with_its_list_of_things_to_try(lang):
    box, rc = solara.render(components.AboutCard(lang), handle_error=False)
    html = page_text(box)
    assert html.count("<li>") >= 4 and "Egidius Fkun" in html and "<strong>" in html
    rc.close()


def test_the_live_odds_say_how_often_cooperation_lasts():
    informal = components.odds(Settings.of(setup="key_actor"))
    with_body = components.odds(replace(Settings.of(setup="key_actor"), body="regional_management"))
    for result in (informal, with_body):
        assert result["sustained_rates"]["result"] <= result["formation_rates"]["result"]
        low, high = result["sustained_ci"]["result"]
        assert low <= result["sustained_rates"]["result"] <= high
    assert with_body["sustained_rates"]["result"] > informal["sustained_rates"]["result"]
