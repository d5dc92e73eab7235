"""Wall time of a calibration the size the issue names, measured on a part of it.

    .venv/bin/python benchmarks/calibration.py                   # 1,000 sets x 200 runs x 5 setups (1 M runs)
    .venv/bin/python benchmarks/calibration.py --sets 10000      # the whole 10 M runs (about 45 min here)
    .venv/bin/python benchmarks/calibration.py --json out.json

The calibration is the study's patterns (`calibrations/study_patterns.toml`) with one more,
about the province-led setup, so that all five setups run: `sets` prior sets x `replications`
runs x 5 setups of 168 months, through the `kerjasama calibrate` command in a fresh folder with
two workers, as a user runs it (starting the workers, writing and verifying every chunk, scoring,
writing the posterior). The chunks are independent, so the time of the whole is the time of a
part in proportion: the report gives both the measured time and that of 10 million runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_RUNS = 10_000_000
EXTRA = """
[[pattern]]
says = "(benchmark: every setup runs)"
setup = "province_led"
outcome = "formation_rate"
at_least = 0.0
"""


def calibration_file(folder: Path, sets: int, replications: int) -> Path:
    text = (ROOT / "calibrations" / "study_patterns.toml").read_text()
    text = re.sub(r"(?m)^sets = \d+", f"sets = {sets}", text)
    text = re.sub(r"(?m)^replications = \d+", f"replications = {replications}", text)
    path = folder / "benchmark.toml"
    path.write_text(text + EXTRA)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", type=int, default=1000)
    parser.add_argument("--replications", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        file = calibration_file(Path(folder), args.sets, args.replications)
        out = Path(folder) / "out"
        command = [sys.executable, "-m", "sim.cli", "calibrate", str(file), "--out", str(out)]
        command += ["--workers", str(args.workers)]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
        seconds = time.perf_counter() - start
        if done.returncode not in (0, 1):  # 1: no fit, which a benchmark does not mind
            sys.stderr.write(done.stderr)
            return done.returncode
        manifest = json.loads((out / "manifest.json").read_text())
    runs = manifest["runs"]["done"]
    result = {
        "sets": args.sets,
        "replications": args.replications,
        "setups": len(manifest["setups"]),
        "workers": args.workers,
        "runs": runs,
        "seconds": round(seconds, 1),
        "runs_per_second": round(runs / seconds),
        "minutes_for_10M": round(seconds * TARGET_RUNS / runs / 60, 1),
        "accepted": manifest["accepted"],
    }
    print(
        f"{runs:,} runs ({args.sets:,} sets x {args.replications} x {result['setups']} setups) on {args.workers} "
        f"workers: {seconds:.0f} s, {result['runs_per_second']:,} runs/s; 10 M runs: {result['minutes_for_10M']} min"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
