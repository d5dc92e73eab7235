"""Wall time of the main job (compare_setups, 50,000 runs) with 1 and 2 workers, and of the Sobol
sensitivity analysis (22,528 points x 100 common-seed replications = 2,252,800 runs).

    .venv/bin/python benchmarks/experiment.py                 # the main job only
    .venv/bin/python benchmarks/experiment.py --sobol         # and the Sobol experiment (~2 min)
    .venv/bin/python benchmarks/experiment.py --json out.json
    .venv/bin/python benchmarks/experiment.py --memory sensitivity    # peak memory of the runner

Each run goes through the `kerjasama experiment` command in a fresh folder, as a user runs it:
the time includes starting the worker processes and writing the results. `--memory` instead
runs the named experiments with two workers in a fresh process and reports the peak resident
memory of that process, which plans, gathers runs.parquet and summarises (the workers simulate).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(experiment: str, workers: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "results"
        command = [
            sys.executable,
            "-m",
            "sim.cli",
            "experiment",
            experiment,
            "--out",
            str(out),
            "--workers",
            str(workers),
        ]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
        seconds = time.perf_counter() - start
        manifest = json.loads((out / "manifest.json").read_text())
    runs = manifest["runs"]["done"]
    return {
        "experiment": experiment,
        "workers": workers,
        "runs": runs,
        "seconds": seconds,
        "runs_per_second": runs / seconds,
    }


PEAK = """
import resource, sys, tempfile
from sim.design import load_experiment
from sim.experiment import run_experiment
with tempfile.TemporaryDirectory() as folder:
    result = run_experiment(load_experiment(sys.argv[1]), folder + "/results", workers=2)
print(result.manifest["runs"]["done"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_memory(experiment: str) -> dict:
    """Peak resident memory of the process that runs `experiment` on two local workers."""
    out = subprocess.run(
        [sys.executable, "-c", PEAK, experiment],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    runs, kilobytes = out.stdout.split()
    return {"experiment": experiment, "runs": int(runs), "peak_mb": int(kilobytes) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sobol", action="store_true", help="also time the sensitivity experiment")
    parser.add_argument("--json", metavar="PATH", help="write the figures as JSON")
    parser.add_argument("--memory", nargs="+", metavar="EXPERIMENT", help="peak memory of the runner instead")
    args = parser.parse_args()
    if args.memory:
        for figures in map(peak_memory, args.memory):
            print(f"{figures['experiment']}: {figures['runs']:,} runs, peak {figures['peak_mb']:.0f} MB")
        return

    results = [timed("compare_setups", 1), timed("compare_setups", 2)]
    if args.sobol:
        results.append(timed("sensitivity", 2))
    print(f"{'experiment':<16}{'workers':>8}{'runs':>12}{'seconds':>10}{'runs/s':>10}")
    for r in results:
        print(
            f"{r['experiment']:<16}{r['workers']:>8}{r['runs']:>12,}{r['seconds']:>10.1f}{r['runs_per_second']:>10,.0f}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
