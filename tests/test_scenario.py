"""Scenario files: the default and its presets, any number of regencies, and bad input."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from sim.scenario import load_scenario, scenario_from_document
from sim.validation import InputError, read_toml

GOOD = """
[scenario]
name = "two"
months = 24
setup = "key_actor"
seed = 3
[[regency]]
name = "A"
knowledge = 0.2
need = 0.5
willingness = 0.5
capacity = 0.5
interest = 0.5
[[regency]]
name = "B"
knowledge = 0.2
need = 0.5
willingness = 0.5
capacity = 0.5
interest = 0.5
[exposure.watershed]
"*" = 0.3
[exposure.market]
"*" = 0.3
[exposure.value_chain]
A = 0.1
B = 0.6
[trust.A]
B = 0.4
[key_actor.legitimacy]
"*" = 0.7
"""


def problems_of(tmp_path, text: str, name: str = "s.toml", **kwargs) -> list[str]:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_scenario(path, **kwargs)
    return [str(p) for p in caught.value.problems]


def test_the_default_scenario_and_all_its_presets_load(default):
    assert default.name == "timor_border" and default.setup == "rm_plus"
    assert default.regency_names == ("TTU", "Belu", "Malaka")
    assert default.months == 168 and default.seed == 1
    assert set(default.presets) == {"status_quo", "key_actor", "regional_management", "rm_plus", "province_led"}
    for preset in default.presets:
        assert default.with_setup(preset).params().n == 3


def test_presets_set_the_switches_of_the_design(default):
    switches = {preset: default.with_setup(preset).document["setup"] for preset in default.presets}
    assert not switches["status_quo"]["key_actor"] and switches["status_quo"]["body"] == "none"
    assert switches["key_actor"]["key_actor"] and switches["key_actor"]["body"] == "none"
    assert (
        not switches["regional_management"]["key_actor"]
        and switches["regional_management"]["body"] == "regional_management"
    )
    plus = switches["rm_plus"]
    assert plus["key_actor"] and plus["adat_leaders"] and plus["adat_sanctions"] and plus["local_regulation"]
    led = default.with_setup("province_led").document
    assert led["setup"]["body"] == "joint_secretariat" and led["key_actor"]["legitimacy"] == {"*": 0.55}


def test_a_small_file_inherits_the_rules_and_any_number_of_regencies_work(tmp_path):
    path = tmp_path / "two.toml"
    path.write_text(GOOD)
    scenario = load_scenario(path)
    assert scenario.regency_names == ("A", "B") and scenario.setup == "key_actor"
    assert scenario.document["rules"]["knowledge"]["decay"] == load_scenario().document["rules"]["knowledge"]["decay"]
    six = read_toml(path)
    six["regency"] = [dict(six["regency"][0], name=f"R{i}") for i in range(6)]
    six["trust"] = {"*": {"*": 0.3}}
    six["exposure"]["value_chain"] = {"*": 0.4}
    assert scenario_from_document(six).params().regencies.trust.shape == (6, 6)


def test_a_trust_pair_given_one_way_holds_both_ways(default):
    trust = default.params().regencies.trust
    assert trust[0, 1] == trust[1, 0] == 0.40 and trust[1, 2] == trust[2, 1] == 0.30


def test_overrides_by_dotted_path_and_for_every_regency(default):
    changed = default.with_setup("key_actor").with_overrides(
        {"key_actor.legitimacy.*": 0.5, "regency.Belu.capacity": 0.7}
    )
    assert list(changed.params().institutions.key_actor.legitimacy) == [0.5, 0.5, 0.5]
    assert changed.document["regency"][1]["capacity"] == 0.7
    with pytest.raises(InputError, match=r"regency.Bleu.capacity.*did you mean 'Belu'"):
        default.with_overrides({"regency.Bleu.capacity": 0.7})
    with pytest.raises(InputError, match=r"key_actor.legitimacy.TTU = 2: must be a number between 0 and 1"):
        default.with_overrides({"key_actor.legitimacy.TTU": 2})


def test_the_key_actors_seat_may_have_a_position_of_two_numbers(default):
    assert default.document["key_actor"]["position"] == [124.89, -9.11]
    with pytest.raises(InputError, match=r"key_actor.position = \[124.89\]: must be a list of 2 items"):
        default.with_overrides({"key_actor.position": [124.89]})


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        ("knowledge = 0.2", ["regency[0].knowledge = 1.5: must be a number between 0 and 1"]),
        ("months = 24", ["scenario.months = 'ten': must be a whole number between 1 and 1200"]),
        ("[trust.A]", ["tust = a table: unknown key (did you mean 'trust'?)", "trust: missing; a table is required"]),
        ('setup = "key_actor"', ["scenario.setup = 'rm_pluss': must be one of", "(did you mean 'rm_plus'?)"]),
        (
            "B = 0.4",
            ["trust.A.C = 0.4: unknown regency", "trust.A.B: missing; every pair of regencies needs a trust value"],
        ),
    ],
    ids=["out of range", "wrong type", "unknown table", "unknown preset", "unknown regency"],
)
def test_bad_values_get_one_clear_message_each(tmp_path, edit, expected):
    replacement = {
        "knowledge = 0.2": "knowledge = 1.5",
        "months = 24": 'months = "ten"',
        "[trust.A]": "[tust.A]",
        'setup = "key_actor"': 'setup = "rm_pluss"',
        "B = 0.4": "C = 0.4",
    }[edit]
    text = GOOD.replace(edit, replacement, 1)
    problems = "\n".join(problems_of(tmp_path, text))
    for fragment in expected:
        assert fragment in problems
    assert problems.startswith(str(tmp_path / "s.toml"))


def test_an_unknown_key_is_named_with_a_suggestion(tmp_path):
    problems = problems_of(tmp_path, GOOD + "\n[rules.knowledge]\ndecy = 0.01\n")
    assert problems == [
        f"{tmp_path / 's.toml'}: rules.knowledge.decy = 0.01: unknown key (did you mean 'decay'?); allowed here: decay, meeting_gain, election_loss"
    ]


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    text = (
        GOOD.replace("knowledge = 0.2", "knowledge = -1", 1)
        .replace("months = 24", "months = 0")
        .replace("capacity = 0.5", 'capacity = "x"', 1)
    )
    problems = problems_of(tmp_path, text)
    assert len(problems) == 3


def test_fewer_than_two_regencies(tmp_path):
    text = GOOD[: GOOD.index('[[regency]]\nname = "B"')] + GOOD[GOOD.index("[exposure.watershed]") :].replace(
        "[trust.A]\nB = 0.4\n", ""
    )
    problems = problems_of(tmp_path, text)
    assert any("regency = '1 given': at least 2 are needed" in p for p in problems)


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "the file is empty"), ("[scenario\nname = 1", "is not valid TOML"), (None, "no such file")],
)
def test_empty_malformed_and_missing_files(tmp_path, content, message):
    path = tmp_path / "bad.toml"
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert message in str(caught.value)


def test_command_line_values_are_checked(default):
    with pytest.raises(InputError) as caught:
        load_scenario(months=-5, seed=-1)
    assert [p.field for p in caught.value.problems] == ["--months", "--seed"]
    with pytest.raises(InputError, match=r"--setup = 'statusquo'.*did you mean 'status_quo'"):
        load_scenario(setup="statusquo")


def test_a_scenario_may_define_its_own_preset_and_bad_presets_are_reported(tmp_path):
    own = (
        GOOD
        + '\n[presets.bishop_weekly]\ndescription = "more meetings"\n"key_actor.meetings_per_month" = 4.0\n"setup.key_actor" = true\n'
    )
    path = tmp_path / "own.toml"
    path.write_text(own.replace('setup = "key_actor"', 'setup = "bishop_weekly"'))
    assert load_scenario(path).params().institutions.key_actor.meetings_per_month == 4.0
    bad = GOOD + '\n[presets.broken]\n"setup.bdy" = "none"\n"key_actor.legitimacy.Z" = 0.5\n"setup.body" = "federal"\n'
    problems = problems_of(tmp_path, bad)
    file = str(tmp_path / "s.toml")
    assert any(p.startswith(f"{file}: presets.broken.setup.bdy = 'none': no such field") for p in problems)
    assert f"{file}: presets.broken.key_actor.legitimacy.Z = 0.5: unknown regency; regencies: A, B" in problems
    assert (
        f"{file}: presets.broken.setup.body = 'federal': must be one of none, regional_management, joint_secretariat"
        in problems
    )


def test_min_members_cannot_exceed_the_regencies(tmp_path):
    problems = problems_of(tmp_path, GOOD + "\n[rules.stages]\nmin_members = 3\n")
    assert any("rules.stages.min_members = 3: cannot exceed the number of regencies (2)" in p for p in problems)


def test_the_document_is_not_changed_by_loading(default):
    before = copy.deepcopy(default.base)
    default.with_setup("status_quo")
    assert default.base == before


def test_command_line_problems_come_with_the_files_problems(tmp_path):
    problems = problems_of(tmp_path, GOOD.replace("knowledge = 0.2", "knowledge = 9", 1), months=0, setup="rm_plsu")
    assert problems[0] == "command line: --months = 0: must be a whole number between 1 and 1200"
    assert any("regency[0].knowledge = 9" in p for p in problems)
    assert any("--setup = 'rm_plsu'" in p for p in problems)


def test_a_gate_or_a_programme_given_in_a_file_is_taken_whole(tmp_path):
    text = GOOD + "\n[rules.gates.planning]\nknowledge = 0.6\n[programmes.maize_cattle.addresses]\nmarket = 1.0\n"
    path = tmp_path / "whole.toml"
    path.write_text(text)
    document = load_scenario(path).document
    assert document["rules"]["gates"]["planning"] == {"knowledge": 0.6}  # net benefit is no longer asked for
    assert document["programmes"]["maize_cattle"]["addresses"] == {"market": 1.0}
    assert document["rules"]["gates"]["initiation"] == load_scenario().document["rules"]["gates"]["initiation"]


def test_no_capacity_anywhere_falls_back_to_equal_cost_shares(tmp_path):
    path = tmp_path / "poor.toml"
    path.write_text(GOOD.replace("capacity = 0.5", "capacity = 0.0"))
    cost = load_scenario(path, setup="rm_plus").params().regencies.cost
    assert np.all(np.isfinite(cost)) and cost[0] == cost[1]


def test_a_parameter_the_revised_model_retired_is_refused_with_what_took_its_place(tmp_path, default):
    problems = problems_of(tmp_path, GOOD + "\n[rules.body.regional_management]\nthreshold_discount = 0.35\n")
    assert problems == [
        f"{tmp_path / 's.toml'}: rules.body.regional_management.threshold_discount = 0.35: is no longer a parameter: a body no "
        "longer discounts gate thresholds; the regional manager's drafting (rules.manager.*.drafting) and the "
        "body's division of costs (rules.transaction.division) lower transaction costs instead"
    ]
    with pytest.raises(
        InputError,
        match=r"sanction_defection_factor = 0.5: is no longer a parameter: adat sanctions now add",
    ):
        default.with_overrides({"rules.local_wisdom.sanction_defection_factor": 0.5})


def test_min_members_may_be_a_majority_of_any_number_of_regencies(default):
    assert default.params().gates.min_members == 2
    six = copy.deepcopy(default.document)
    six["regency"] = [dict(six["regency"][0], name=f"R{i}") for i in range(6)]
    six["trust"] = {"*": {"*": 0.3}}
    six["exposure"] = {kind: {"*": 0.4} for kind in six["exposure"]}
    six["key_actor"]["legitimacy"] = {"*": 0.8}
    assert scenario_from_document(six).params().gates.min_members == 4
    with pytest.raises(
        InputError, match=r'min_members = .most.: must be a whole number of at least 2, "majority" or "all"'
    ):
        default.with_overrides({"rules.stages.min_members": "most"})


def test_no_regencies_and_whole_numbers_in_messages(tmp_path):
    problems = problems_of(tmp_path, '[scenario]\nname = "x"\nseed = -1\n')
    assert any(p.endswith("regency: missing; at least 2 [[regency]] tables are needed") for p in problems)
    assert any("scenario.seed = -1: must be a whole number between 0 and 9223372036854775807" in p for p in problems)
