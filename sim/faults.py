"""Named points at which the fault-injection tests kill the process.

    KERJASAMA_FAULT="before-rename:chunk:3"    # SIGKILL at the third rename of a chunk file

A point is `moment:file`, the file being the name written with its chunk digest dropped
(`chunk`, `trajectories`, `manifest.json`, `runs.parquet`, `summary.csv`, `formation.png`...);
the moments are those of `sim.storage.write_atomically`: `before-write`, `before-rename`,
`after-rename`; and `before-remove:chunks`, once runs.parquet holds every chunk. Unset (always, outside the tests) the check is one comparison.
"""

from __future__ import annotations

import os
import signal

_FAULT = os.environ.get("KERJASAMA_FAULT", "")
_seen: dict[str, int] = {}


def point(moment: str, file: str) -> None:
    """Kill this process here if the tests asked for it (the n-th time this point is reached)."""
    if not _FAULT:
        return
    name = f"{moment}:{file}"
    wanted, _, count = _FAULT.rpartition(":") if _FAULT.count(":") == 2 else (_FAULT, "", "1")
    if name != wanted:
        return
    _seen[name] = _seen.get(name, 0) + 1
    if _seen[name] == int(count):
        os.kill(os.getpid(), signal.SIGKILL)
