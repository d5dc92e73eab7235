"""The `kerjasama` command as users call it: outputs, JSON keys, exit codes, no tracebacks."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main

SUMMARY_KEYS = {
    "scenario",
    "setup",
    "engine",
    "seed",
    "months",
    "replications",
    "formation_rate",
    "formation_ci",
    "median_months_to_formation",
    "sustained_rate",
    "months_in_force",
    "participation",
    "months_as_member",
    "survival",
    "highest_stage",
    "barriers",
}
SINGLE_KEYS = SUMMARY_KEYS | {"formed", "month_formed", "members", "stage_history", "final"}


def run_json(capsys, *args: str) -> dict:
    assert main(["run", *args, "--json"]) == 0
    out = capsys.readouterr().out
    return json.loads(out)


def test_a_single_run_reports_timeline_members_and_barriers(capsys):
    result = run_json(capsys)
    assert SINGLE_KEYS <= set(result)
    assert result["scenario"] == "timor_border" and result["setup"] == "rm_plus" and result["seed"] == 1
    assert result["stage_history"][0] == {"month": 0, "stage": "none"}
    assert set(result["final"]) == {"TTU", "Belu", "Malaka"}
    for profile in result["barriers"].values():
        assert set(profile) == {"knowledge", "need", "willingness", "capacity", "interest", "trust"}
        assert sum(profile.values()) == pytest.approx(1) or sum(profile.values()) == 0


def test_the_human_report_speaks_the_studys_words(capsys):
    assert main(["run", "--setup", "status_quo", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "Grand design timeline" in out and "tidak tahu" in out and "binding barrier now" in out


def test_replications_report_rates_with_intervals(capsys):
    result = run_json(capsys, "--replications", "20", "--setup", "key_actor", "--months", "60")
    assert SUMMARY_KEYS <= set(result)
    low, high = result["formation_ci"]
    assert 0 <= low <= result["formation_rate"] <= high <= 1
    assert result["replications"] == 20 and result["months"] == 60
    assert sum(result["highest_stage"].values()) == pytest.approx(1)


def test_replications_report_participation_months_in_force_and_the_time_to_formation(capsys):
    result = run_json(capsys, "--replications", "300", "--setup", "rm_plus")
    assert set(result["participation"]) == {"TTU", "Belu", "Malaka"}
    assert all(0 <= share <= 1 for share in result["participation"].values())
    assert result["formation_rate"] <= sum(result["participation"].values())  # two members a formation
    assert 0 < result["months_in_force"] <= result["months"]
    for months in result["months_as_member"].values():  # a member only while cooperation is in force
        assert 0 < months <= result["months_in_force"] + 1e-9
    survival = result["survival"]
    assert survival["month"][0] == 0 and survival["month"][-1] == result["months"]
    assert survival["not_formed"][0] == 1 and survival["not_formed"] == sorted(survival["not_formed"], reverse=True)
    assert survival["not_formed"][-1] == pytest.approx(1 - result["formation_rate"], abs=1e-6)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["run", "--replications", "0"], "--replications = 0"),
        (["run", "--replications", "-4"], "--replications = -4"),
        (["run", "--months", "-1"], "--months = -1"),
        (["run", "--setup", "rm_plsu"], "did you mean 'rm_plus'"),
        (["run", "no/such/file.toml"], "no/such/file.toml: no such file"),
        (["validate", "no/such/file.toml"], "no such file"),
    ],
)
def test_bad_input_exits_2_with_a_message(capsys, args, fragment):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err


def test_validate_reports_every_file(tmp_path, capsys):
    good = tmp_path / "good.toml"
    good.write_text((__import__("sim.scenario", fromlist=["x"]).builtin_file("timor_border")).read_text())
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario]\nname = 3\n")
    assert main(["validate", str(good), str(bad)]) == 2
    captured = capsys.readouterr()
    assert "ok: " in captured.out and "bad.toml: scenario.name = 3: must be text" in captured.err


def test_the_installed_command_runs_and_fails_cleanly():
    ok = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", "--json", "--months", "12"], capture_output=True, text=True
    )
    assert ok.returncode == 0 and json.loads(ok.stdout)["months"] == 12
    usage = subprocess.run([sys.executable, "-m", "sim.cli", "run", "--months", "many"], capture_output=True, text=True)
    assert usage.returncode == 2 and "invalid int value" in usage.stderr and "Traceback" not in usage.stderr


def test_the_dashboard_refuses_a_port_in_use_or_out_of_range(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["dashboard", "--port", str(port)]) == 2
        assert f"127.0.0.1:{port}" in capsys.readouterr().err
    assert main(["dashboard", "--port", "70000"]) == 2
    assert "from 1 to 65535" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["dashboard", "--lang", "fr"])
    assert stop.value.code == 2


def test_the_dashboard_serves_any_valid_scenario_and_refuses_an_invalid_one(tmp_path, capsys, monkeypatch):
    served: list[tuple] = []
    monkeypatch.setattr("sim.cli.serve", lambda *arguments: served.append(arguments))
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario]\nname = 3\n")
    assert main(["dashboard", str(bad)]) == 2 and served == []
    assert "bad.toml: scenario.name = 3: must be text" in capsys.readouterr().err
    four = Path(__file__).parent / "data" / "four_regencies.toml"
    monkeypatch.chdir(four.parent)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    assert main(["dashboard", four.name, "--port", port]) == 0
    assert served[-1][3] == str(four.resolve())  # absolute: the server runs from anywhere
    assert main(["dashboard", "timor_border", "--port", port]) == 0 and served[-1][3] == "timor_border"


def test_version_and_python_m_sim_name_the_code_the_manifests_name(capsys):
    from sim.provenance import code_version

    with pytest.raises(SystemExit) as ended:
        main(["--version"])
    assert ended.value.code == 0 and capsys.readouterr().out.strip() == code_version()
    shown = subprocess.run([sys.executable, "-m", "sim", "--version"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and shown.stdout.strip() == code_version()
    usage = subprocess.run([sys.executable, "-m", "sim", "run", "--months", "x"], capture_output=True, text=True)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr  # the same command line, the same refusals


def test_the_citation_file_names_the_installed_version_and_the_dissertation():
    import re
    from importlib import metadata

    citation = (Path(__file__).resolve().parents[1] / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^version: (\S+)$", citation, re.M).group(1) == metadata.version("kerjasama")
    assert "Fkun" in citation and "Universitas Padjadjaran" in citation
    checked = subprocess.run(
        [Path(sys.executable).parent / "cffconvert", "--validate", "--infile", "CITATION.cff"],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


class Terminal:
    """A stream that says it is a terminal, as a person's console would."""

    def __init__(self) -> None:
        import io

        self.buffer = io.StringIO()

    def write(self, text: str) -> int:
        return self.buffer.write(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("no_color", [False, True])
def test_the_console_is_coloured_only_at_a_terminal_without_no_color(capsys, monkeypatch, no_color):
    from sim import console

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    assert main(["run", "--replications", "50", "--months", "36"]) == 0
    piped = capsys.readouterr().out
    assert "\x1b[" not in piped and "Participation" in piped  # a pipe, a log: plain
    assert re.search(r"^TTU\s+\d+\.\d %\s+\d+\.\d$", piped, re.M)  # the table's rows as aligned columns
    screen = Terminal()
    console.show(["WARNING: a warning", console.table("", "share", title="A table")], screen)
    console.error("scenario.months = 'x': must be a whole number", screen)
    shown = screen.buffer.getvalue()
    assert ("\x1b[" in shown) is not no_color
    assert "A table" in shown and "error:" in shown and "must be a whole number" in shown


def test_bad_input_is_one_plain_error_line_in_a_pipe(capsys):
    assert main(["run", "--months", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "\x1b[" not in err and "Traceback" not in err
