"""Make the posterior that ships beside the default scenario: scenarios/timor_border.posterior.parquet.

    .venv/bin/python scripts/ship_posterior.py     # about a minute on two cores

It runs `kerjasama calibrate study_patterns` (the study's patterns on the built-in scenario) into
a folder of its own, thrown away after, and copies the posterior it wrote, checked against the
hash the calibration's manifest records, beside the scenario, atomically. The Parquet file carries its provenance (the calibration file's and the
scenario's hashes, the model's fingerprint, the code, the command); `tests/test_worlds.py` fails
when the model or the scenario has changed since, and this script makes it again. Commit the file
with the change.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.calibration import calibrate, load_calibration  # noqa: E402
from sim.scenario import builtin_file  # noqa: E402
from sim.storage import ResultsFolder, read_verified, write_atomically  # noqa: E402
from sim.worlds import SUFFIX  # noqa: E402

CALIBRATION = "study_patterns"


def main() -> int:
    calibration = load_calibration(CALIBRATION)
    with tempfile.TemporaryDirectory() as out:
        result = calibrate(calibration, Path(out) / "calibration", notify=print)
        folder = ResultsFolder(result.folder)
        data = read_verified(folder.path / "posterior.parquet", folder.manifest()["files"]["posterior.parquet"])
    scenario_file = builtin_file(calibration.scenario.name)
    target = scenario_file.with_name(scenario_file.stem + SUFFIX)
    write_atomically(target, lambda temporary: temporary.write_bytes(data))
    print(f"{target.relative_to(ROOT)}: {len(result.posterior)} plausible worlds of {len(result.prior)} sets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
