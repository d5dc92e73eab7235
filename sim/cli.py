"""The `kerjasama` command. Exit codes: 0 ok, 2 bad input or usage, 1 internal error."""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import shlex
import socket
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim import console
from sim.calibration import NoFit, builtin_calibrations, calibrate, load_calibration
from sim.dashboard.server import serve
from sim.design import builtin_experiments, load_experiment
from sim.ensemble import memory_needed, run_ensemble
from sim.experiment import Interrupted, run_experiment
from sim.machine import memory_available, size
from sim.model import CooperationModel, run_replications
from sim.outcomes import header, summarise
from sim.provenance import code_version
from sim.report import build_report
from sim.scenario import DEFAULT_SCENARIO, Scenario, builtin_names, load_scenario
from sim.terms import LANGUAGES
from sim.uncertainty import uncertain_numbers
from sim.validation import InputError, Problem, read_toml
from sim.worlds import NONE, load_worlds

ENGINES = ("mesa", "ensemble")
MAX_MESA_REPLICATIONS = 100_000  # about two hours at 13 runs a second: beyond, use the ensemble


class Version(argparse.Action):
    """`--version`: the version and git commit, asked of git only when wanted."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and git commit, and exit")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print(code_version())
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kerjasama",
        description="Inter-regional cooperation in agriculture on the Indonesia–Timor-Leste border: "
        "how often it forms, how fast, how durably, and what blocks it.",
    )
    parser.add_argument("--version", action=Version)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="one run (timeline, outcome, barriers) or R replications")
    run.add_argument(
        "scenario",
        nargs="?",
        help=f"a scenario file, or a built-in name ({', '.join(builtin_names())}); default {DEFAULT_SCENARIO}",
    )
    run.add_argument(
        "--setup",
        help="a preset: status_quo, key_actor, regional_management, rm_plus, province_led, "
        "one the scenario defines, or custom (default: the scenario's)",
    )
    run.add_argument("--seed", type=int, help="the seed (default: the scenario's)")
    run.add_argument("--months", type=int, help="the horizon in months (default: the scenario's)")
    run.add_argument(
        "--replications", type=int, metavar="R", help="run R replications and report rates with 95%% intervals"
    )
    run.add_argument(
        "--engine",
        choices=ENGINES,
        help="mesa (one model at a time) or ensemble (all replications as arrays); "
        "default: mesa for one run, ensemble for replications",
    )
    run.add_argument(
        "--worlds",
        metavar="FILE",
        help="with --replications: run each replication in a plausible world of a posterior.parquet of "
        '`kerjasama calibrate` ("posterior": the one shipped beside the scenario; "none": none)',
    )
    run.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    run.set_defaults(handler=command_run)

    experiment = commands.add_parser(
        "experiment", help="run an experiment file into a results folder (default: compare_setups, the main job)"
    )
    add_runner_arguments(
        experiment,
        "EXPERIMENT",
        f"an experiment file, or a built-in name ({', '.join(builtin_experiments())}); default compare_setups",
        "results/<experiment name>",
    )
    experiment.add_argument(
        "--worlds",
        metavar="FILE",
        help="run every arm over the plausible worlds of a posterior.parquet of `kerjasama calibrate` "
        '("posterior": the one shipped beside the scenario; "none": the scenario\'s own numbers); '
        "replaces the file's worlds = …",
    )
    experiment.set_defaults(handler=command_experiment)

    calibrate = commands.add_parser(
        "calibrate", help="which assumed numbers fit the study's patterns (default: study_patterns)"
    )
    add_runner_arguments(
        calibrate,
        "CALIBRATION",
        f"a calibration file, or a built-in name ({', '.join(builtin_calibrations())}); default study_patterns",
        "results/calibration-<name>",
    )
    calibrate.set_defaults(handler=command_calibrate)

    report = commands.add_parser("report", help="figures and a self-contained HTML report from a results folder")
    report.add_argument("folder", metavar="DIR", help="a results folder of `kerjasama experiment`")
    report.add_argument("--lang", choices=LANGUAGES, default="en", help="English (en) or Bahasa Indonesia (id)")
    report.set_defaults(handler=command_report)

    dashboard = commands.add_parser("dashboard", help="the workshop dashboard in the browser (offline, bilingual)")
    dashboard.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO",
        help="the scenario it serves: a scenario file or a built-in name (default: the built-in timor_border)",
    )
    dashboard.add_argument("--lang", choices=LANGUAGES, default="id", help="the language it starts in (default id)")
    dashboard.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1: this computer only)"
    )
    dashboard.add_argument("--port", type=int, default=8765, help="the port (default 8765)")
    dashboard.add_argument(
        "--verbose", action="store_true", help="print a line for every ensemble the live odds compute"
    )
    dashboard.set_defaults(handler=command_dashboard)

    validate = commands.add_parser("validate", help="check scenario and experiment files and report every problem")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(handler=command_validate)
    return parser


def add_runner_arguments(parser: argparse.ArgumentParser, metavar: str, help: str, default_out: str) -> None:
    """The arguments of the commands that run chunks through the experiment runner."""
    parser.add_argument("file", nargs="?", metavar=metavar, help=help)
    parser.add_argument("--out", metavar="DIR", help=f"the results folder (default: {default_out})")
    parser.add_argument(
        "--workers", type=int, metavar="N", help="local worker processes (default: the number of cores)"
    )
    parser.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786")
    parser.add_argument("--resume", action="store_true", help="continue an interrupted run in --out")


def command_run(args: argparse.Namespace) -> int:
    engine = args.engine or ("mesa" if args.replications is None else "ensemble")
    problems = []
    try:
        scenario = load_scenario(args.scenario, setup=args.setup, months=args.months, seed=args.seed)
    except InputError as error:
        problems += error.problems
        scenario = None
    if args.replications is not None:
        problems += replications_problems(args.replications, engine, scenario)
    worlds = None
    if args.worlds is not None and args.worlds != NONE:
        if args.replications is None or engine == "mesa":
            allowed = "runs with --replications on the ensemble engine (a world is a replication's)"
            problems.append(Problem("command line", "--worlds", args.worlds, allowed))
        elif scenario is not None:
            try:
                worlds = load_worlds(args.worlds, scenario, Path.cwd(), "command line", "--worlds")
            except InputError as error:
                problems += error.problems
    if problems:
        raise InputError(problems)
    run = header(scenario.name, scenario.setup, engine, scenario.seed, scenario.months)
    if args.replications is None and engine == "mesa":
        model = CooperationModel(scenario).run()
        print_result({**run, **console.single_run(model)}, args.json, console.single_run_view)
        return 0
    replications = args.replications or 1
    with console.progress_bar(replications) as bar:
        if engine == "mesa":
            outcomes = run_replications(scenario, replications, scenario.seed, progress=bar.update)
        else:
            result = run_ensemble(scenario, replications, progress=bar.update, worlds=worlds)
    if engine == "mesa":
        summary = {**run, **summarise(outcomes, scenario.regency_names, scenario.months)}
    else:
        summary = result.summary()
    print_result(summary, args.json, console.replications_view)
    return 0


def replications_problems(replications: int, engine: str, scenario: Scenario | None) -> list[Problem]:
    """--replications must be positive, within what the engine can do, and fit in memory."""

    def problem(allowed: str) -> list[Problem]:
        return [Problem("command line", "--replications", replications, allowed)]

    if replications < 1:
        return problem("must be a whole number of at least 1")
    if engine == "mesa" and replications > MAX_MESA_REPLICATIONS:
        return problem(
            f"the mesa engine runs at most {MAX_MESA_REPLICATIONS:,} (about 13 a second); use --engine ensemble"
        )
    if scenario is not None:
        needed, available = memory_needed(scenario.params(), replications), memory_available()
        if available is not None and needed > 0.8 * available:
            return problem(
                f"would need about {size(needed)} of memory for its results, and {size(available)} "
                "are available; run fewer replications"
            )
    return []


def print_result(result: dict, as_json: bool, view: Callable[[dict], list[console.Block]]) -> None:
    if as_json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        console.show(view(result))


def executor_problems(args: argparse.Namespace) -> list[Problem]:
    """--workers and --scheduler, as `experiment` and `calibrate` take them."""
    problems = []
    if args.workers is not None and args.workers < 1:
        problems.append(Problem("command line", "--workers", args.workers, "must be a whole number of at least 1"))
    if args.workers is not None and args.scheduler:
        problems.append(
            Problem(
                "command line",
                "--workers",
                args.workers,
                "a Dask cluster has its own workers: give --workers or --scheduler",
            )
        )
    return problems


def with_progress(run: Callable, out: Path, command: list[str]) -> tuple[Any, int | None]:
    """run(progress, notify) under a progress bar; (its result, None), or (None, the exit code)
    after an interruption, which is said with how many runs are kept and the command to resume."""
    resume = shlex.join([*command, "--out", str(out), "--resume"])
    try:
        with console.progress_bar(0) as bar:
            return run(bar, lambda message: bar.write(f"note: {message}", file=sys.stderr)), None
    except Interrupted as stop:
        if stop.fault is None:
            print(f"Interrupted: {stop.saved:,} runs are saved in {out}. To continue: {resume}", file=sys.stderr)
            return None, 130
        print(
            f"kerjasama: stopped: {stop.fault}; {stop.saved:,} runs are saved in {out}, every file whole. "
            f"Free some space or make the folder writable if that was the fault, then continue with: {resume}",
            file=sys.stderr,
        )
        return None, 1


def command_experiment(args: argparse.Namespace) -> int:
    problems = executor_problems(args)
    try:
        experiment = load_experiment(args.file or "compare_setups", worlds=args.worlds)
    except InputError as error:
        problems += error.problems
    if problems:
        raise InputError(problems)
    out = Path(args.out) if args.out else Path("results") / experiment.name
    result, stopped = with_progress(
        lambda progress, notify: run_experiment(
            experiment, out, args.workers, args.scheduler, args.resume, progress=progress, notify=notify
        ),
        out,
        ["kerjasama", "experiment", args.file or "compare_setups"],
    )
    if stopped is not None:
        return stopped
    if result.manifest["status"] == "failed":
        errors = sorted({failure["error"] for failure in result.manifest["failures"]})
        print(
            f"kerjasama: every run failed ({'; '.join(errors)[:500]}); the errors are in {out}/manifest.json, "
            "and --resume runs them again",
            file=sys.stderr,
        )
        return 1
    console.show(console.experiment_view(experiment, result))
    return 0


def command_calibrate(args: argparse.Namespace) -> int:
    problems = executor_problems(args)
    try:
        calibration = load_calibration(args.file or "study_patterns")
    except InputError as error:
        problems += error.problems
    if problems:
        raise InputError(problems)
    out = Path(args.out) if args.out else Path("results") / f"calibration-{calibration.name}"
    try:
        result, stopped = with_progress(
            lambda progress, notify: calibrate(
                calibration, out, args.workers, args.scheduler, args.resume, progress=progress, notify=notify
            ),
            out,
            ["kerjasama", "calibrate", args.file or "study_patterns"],
        )
    except NoFit as error:
        print(f"kerjasama: {error}\nEvery set and its misses are in {out}/prior.parquet.", file=sys.stderr)
        return 1
    if stopped is not None:
        return stopped
    console.show(console.calibration_view(calibration, result))
    return 0


def command_report(args: argparse.Namespace) -> int:
    path = build_report(args.folder, args.lang)
    print(f"Report: {path} (figures in {path.parent / 'figures'}{'/' + args.lang if args.lang != 'en' else ''})")
    return 0


def command_dashboard(args: argparse.Namespace) -> int:
    if not 1 <= args.port <= 65535:
        raise InputError([Problem("command line", "--port", args.port, "must be a whole number from 1 to 65535")])
    problem = listen_problem(args.host, args.port)
    if problem:
        raise InputError([Problem("command line", "--host/--port", f"{args.host}:{args.port}", problem)])
    scenario = None
    if args.scenario is not None:
        load_scenario(args.scenario)  # a bad file is refused here, with the usual message
        scenario = args.scenario if args.scenario in builtin_names() else str(Path(args.scenario).resolve())
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Kerjasama dashboard on http://{shown}:{args.port} (Ctrl-C stops it)", file=sys.stderr)
    if not is_loopback(args.host):
        print(
            f"note: --host {args.host} makes the page reachable from the network (anyone who can reach this "
            "computer can open it); --host 127.0.0.1 keeps it to this computer",
            file=sys.stderr,
        )
    if args.verbose:
        os.environ["KERJASAMA_ODDS_LOG"] = "1"
    serve(args.host, args.port, args.lang, scenario)
    return 0


def listen_problem(host: str, port: int) -> str | None:
    """Why the dashboard cannot listen there (IPv4 or IPv6), or None."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except (socket.gaierror, UnicodeError) as error:
        return f"must be an address or host name of this machine ({error})"
    try:
        with socket.socket(family) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        return f"must be an address of this machine with a free port ({error.strerror or error})"
    return None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def command_validate(args: argparse.Namespace) -> int:
    problems: list[Problem] = []
    for file in args.files:
        try:
            if is_experiment(file):
                experiment = load_experiment(file)
                print(
                    f"ok: {file} — experiment {experiment.name!r}, {experiment.kind}, {len(experiment.points)} points"
                )
                continue
            scenario = load_scenario(file)
            for preset in scenario.presets:
                scenario.with_setup(preset, source=f"presets.{preset}")
            uncertain = uncertain_numbers(scenario)
        except InputError as error:
            problems += error.problems
        else:
            print(
                f"ok: {file} — scenario {scenario.name!r}, {len(scenario.regency_names)} regencies "
                f"({', '.join(scenario.regency_names)}), setups: {', '.join(scenario.presets)}"
                + (f"; {len(uncertain)} uncertain numbers" if uncertain else "")
            )
    if problems:
        raise InputError(problems)
    return 0


def is_experiment(file: str) -> bool:
    """An experiment file has an [experiment] table (built-in experiments go by name)."""
    if file in builtin_experiments():
        return True
    try:
        return "experiment" in read_toml(file)
    except InputError:
        return False


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        code = handler(args)
        sys.stdout.flush()  # a closed pipe is found here, not in the interpreter's exit
        return code
    except InputError as error:
        for problem in error.problems:
            console.error(str(problem))
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `kerjasama run | head`: the reader has all it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes stdout at exit
        return 141  # what a shell reports for a program ended by SIGPIPE
    except Exception as error:  # an internal error: say so plainly, keep the traceback for developers
        if os.environ.get("KERJASAMA_DEBUG"):
            traceback.print_exc()
        print(
            f"kerjasama: internal error: {error!r}\nThis is a bug; set KERJASAMA_DEBUG=1 to see the traceback.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
