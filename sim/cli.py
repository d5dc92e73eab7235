"""The `kerjasama` command. Exit codes: 0 ok, 2 bad input or usage, 1 internal error."""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Callable

from sim import console
from sim.model import CooperationModel, run_replications
from sim.outcomes import header, summarise
from sim.scenario import DEFAULT_SCENARIO, builtin_names, load_scenario
from sim.validation import InputError, Problem

MAX_MESA_REPLICATIONS = 1_000_000


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kerjasama",
        description="Inter-regional cooperation in agriculture on the Indonesia–Timor-Leste border: "
        "how often it forms, how fast, how durably, and what blocks it.",
    )
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
    run.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    run.set_defaults(handler=command_run)

    validate = commands.add_parser("validate", help="check scenario files and report every problem")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(handler=command_validate)
    return parser


def command_run(args: argparse.Namespace) -> int:
    problems = []
    if args.replications is not None and not 1 <= args.replications <= MAX_MESA_REPLICATIONS:
        problems.append(
            Problem(
                "command line",
                "--replications",
                args.replications,
                f"must be a whole number from 1 to {MAX_MESA_REPLICATIONS:,}",
            )
        )
    try:
        scenario = load_scenario(args.scenario, setup=args.setup, months=args.months, seed=args.seed)
    except InputError as error:
        problems += error.problems
    if problems:
        raise InputError(problems)
    run = header(scenario.name, scenario.setup, "mesa", scenario.seed, scenario.months)
    if args.replications is None:
        model = CooperationModel(scenario).run()
        result = {**run, **console.single_run(model)}
        text = console.single_run_text
    else:
        outcomes = run_replications(scenario, args.replications, scenario.seed, progress=console.progress_bar)
        result = {**run, **summarise(outcomes, scenario.regency_names)}
        text = console.replications_text
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(text(result))
    return 0


def command_validate(args: argparse.Namespace) -> int:
    problems: list[Problem] = []
    for file in args.files:
        try:
            scenario = load_scenario(file)
            for preset in scenario.presets:
                scenario.with_setup(preset, source=f"presets.{preset}")
        except InputError as error:
            problems += error.problems
        else:
            print(
                f"ok: {file} — scenario {scenario.name!r}, {len(scenario.regency_names)} regencies "
                f"({', '.join(scenario.regency_names)}), setups: {', '.join(scenario.presets)}"
            )
    if problems:
        raise InputError(problems)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except InputError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
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
