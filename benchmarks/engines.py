"""Runs per second of the Mesa engine and of the ensemble on the default scenario, in one process.

    .venv/bin/python benchmarks/engines.py                     # the table
    .venv/bin/python benchmarks/engines.py --json out.json     # and the figures as JSON
    .venv/bin/python benchmarks/engines.py --memory            # also peak memory of 1,000,000 runs

Both engines run the built-in scenario (its horizon, its default setup, rm_plus) with the same
seed; the ensemble in its default chunks. Pin numpy to one thread (as this script does) to
measure one core.
"""

from __future__ import annotations

import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from sim import CooperationModel, load_scenario  # noqa: E402
from sim.ensemble import run_ensemble  # noqa: E402


def mesa_rate(scenario, runs: int) -> float:
    CooperationModel(scenario).run()  # warm up
    start = time.perf_counter()
    for replication in range(runs):
        CooperationModel(scenario, replication=replication).run()
    return runs / (time.perf_counter() - start)


def ensemble_rate(scenario, replications: int) -> tuple[float, float]:
    run_ensemble(scenario, 1000)  # warm up
    start = time.perf_counter()
    run_ensemble(scenario, replications)
    elapsed = time.perf_counter() - start
    return replications / elapsed, elapsed


def peak_memory_of_a_million() -> dict:
    """Run 1,000,000 replications in a fresh process; its peak resident memory."""
    code = (
        "import resource, time; from sim import load_scenario; from sim.ensemble import run_ensemble; "
        "t = time.perf_counter(); r = run_ensemble(load_scenario(), 1_000_000); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, r.outcomes.formed.mean())"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return {"seconds": float(output[0]), "peak_mb": int(output[1]) / 1024, "formation_rate": float(output[2])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mesa-runs", type=int, default=50, help="Mesa runs to time (default 50)")
    parser.add_argument(
        "--replications", type=int, default=100_000, help="ensemble replications to time (default 100,000)"
    )
    parser.add_argument("--memory", action="store_true", help="also measure the peak memory of 1,000,000 replications")
    parser.add_argument("--json", metavar="PATH", help="write the figures as JSON")
    args = parser.parse_args()

    scenario = load_scenario()
    mesa = mesa_rate(scenario, args.mesa_runs)
    ensemble, seconds = ensemble_rate(scenario, args.replications)
    figures = {
        "scenario": scenario.name,
        "setup": scenario.setup,
        "months": scenario.months,
        "mesa_runs_per_second": mesa,
        "ensemble_runs_per_second": ensemble,
        "ratio": ensemble / mesa,
        "ensemble_replications": args.replications,
        "ensemble_seconds": seconds,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}",
        "peak_mb_this_process": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if args.memory:
        figures["million"] = peak_memory_of_a_million()

    print(f"{'engine':<10}{'runs/s':>12}")
    print(f"{'mesa':<10}{mesa:>12,.1f}   ({args.mesa_runs} runs)")
    print(f"{'ensemble':<10}{ensemble:>12,.0f}   ({args.replications:,} replications in {seconds:.2f} s)")
    print(f"ratio: {ensemble / mesa:,.0f}x")
    if args.memory:
        million = figures["million"]
        print(f"1,000,000 replications: {million['seconds']:.1f} s, peak memory {million['peak_mb']:.0f} MB")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(figures, out, indent=2)


if __name__ == "__main__":
    main()
