"""A scenario says how uncertain its numbers are: ranges, relative spreads, lists, and one line
for every number it marks *assumption*."""

from __future__ import annotations

import pytest

from sim.cli import main
from sim.scenario import builtin_file, load_scenario
from sim.uncertainty import assumed_numbers, uncertain_numbers, value_at


def test_the_default_scenario_declares_the_uncertainty_of_its_assumptions():
    scenario = load_scenario()
    uncertain = {u.path: u for u in uncertain_numbers(scenario)}
    assumed = dict(assumed_numbers(scenario.text))
    assert len(uncertain) >= 90 and "rules.gates.steepness" in assumed and "rules.gates.steepness" not in uncertain
    for path, u in uncertain.items():
        assert u.low <= u.default <= u.high and u.low < u.high, path
        assert value_at(scenario.document, path) == u.default
    assert uncertain["key_actor.meetings_per_month"].low == 0.1  # an explicit range beats the default spread
    assert uncertain["regency.Malaka.capacity"].low == pytest.approx(0.45 * 0.75)
    assert uncertain["exposure.watershed.Malaka"].high == 1  # a share stays a share
    assert uncertain["shocks.drought.duration"].integer and (
        uncertain["shocks.drought.duration"].low,
        uncertain["shocks.drought.duration"].high,
    ) == (6, 10)
    assert not any(path.startswith(("scenario.", "shocks.election", "uncertainty")) for path in uncertain)


def with_uncertainty(tmp_path, table: str):
    text = builtin_file("timor_border").read_text()
    text = text[: text.index("[uncertainty]")] + "[uncertainty]\n" + table + "\n"
    path = tmp_path / "uncertain.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "table, fragment",
    [
        ('"regency.TTU.nedd" = { low = 0.1, high = 0.3 }', "uncertainty.regency.TTU.nedd"),
        ('"rules.nothing.here" = { relative = 0.2 }', "no such field in a scenario"),
        ('"regency.TTU.need" = { low = 0.4, high = 0.2 }', "low 0.4 is not below high 0.2"),
        ('"regency.TTU.need" = { low = 0.3, high = 0.3 }', "must give a range of some width"),
        ('"regency.TTU.need" = { low = 0.3, high = 1.5 }', "uncertainty.regency.TTU.need = 1.5"),
        ('"scenario.setup" = { low = 0.1, high = 0.3 }', "no such number in the scenario"),
        ('"regency.TTU.need" = { relative = 1.5 }', "relative must be a number above 0 and at most 1"),
        ('"regency.TTU.need" = { middle = 0.2 }', "must be { low = …, high = … }, { relative = … } or a list"),
        ('"regency.TTU.need" = [0.2]', "must list at least two values"),
        ('"regency.TTU.need" = [0.2, 7]', "must list at least two values the field allows"),
        ("default_relative = 2", "uncertainty.default_relative = 2: must be a number above 0 and at most 1"),
        ('except = "rules.gates.steepness"', "uncertainty.except"),
        ('"rules.manager.seconded.cost" = { relative = 0.5 }', "a relative spread of a number that is 0"),
    ],
    ids=[
        "misspelt field",
        "unknown path",
        "low above high",
        "empty range",
        "out of bounds",
        "not a number",
        "relative too wide",
        "unknown shape",
        "one value",
        "a value out of range",
        "default spread",
        "except",
        "relative of zero",
    ],
)
def test_bad_uncertainty_is_refused_by_validate_with_file_field_value_and_what_is_allowed(
    tmp_path, capsys, table, fragment
):
    path = with_uncertainty(tmp_path, table)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert fragment in err and str(path) in err and "Traceback" not in err


def test_a_list_a_range_and_a_relative_spread_each_work(tmp_path, capsys):
    path = with_uncertainty(
        tmp_path,
        '"regency.TTU.need" = [0.1, 0.25, 0.4]\n"trust.TTU.Belu" = { low = 0.2, high = 0.6 }\n'
        '"regency.Belu.capacity" = { relative = 0.5 }',
    )
    assert main(["validate", str(path)]) == 0
    assert "3 uncertain numbers" in capsys.readouterr().out
    found = {u.path: u for u in uncertain_numbers(load_scenario(path))}
    assert found["regency.TTU.need"].values == (0.1, 0.25, 0.4)
    assert (found["trust.TTU.Belu"].low, found["trust.TTU.Belu"].high) == (0.2, 0.6)
    assert (found["regency.Belu.capacity"].low, found["regency.Belu.capacity"].high) == (0.15, 0.45)


def test_a_scenario_of_other_regencies_does_not_inherit_the_defaults_uncertainty(tmp_path):
    text = builtin_file("timor_border").read_text()
    own = text[: text.index("[uncertainty]")].replace("(Fkun 2023)", "(mine)")
    path = tmp_path / "own.toml"
    path.write_text(own.replace('name = "timor_border"', 'name = "own"'))
    assert uncertain_numbers(load_scenario(path)) == ()


def test_uncertainty_is_not_a_parameter_an_arm_can_override(tmp_path, capsys):
    path = tmp_path / "arm.toml"
    path.write_text(
        '[experiment]\nname = "x"\nscenario = "timor_border"\nseed = 1\nreplications = 10\n\n'
        '[[arm]]\nname = "a"\npreset = "rm_plus"\n"uncertainty.default_relative" = 0.5\n'
    )
    assert main(["validate", str(path)]) == 2
    assert "belongs in the scenario's [uncertainty] table" in capsys.readouterr().err
