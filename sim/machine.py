"""What this machine has room for now: memory and disk, so that a run too big to fit is refused
before it starts instead of failing half-way."""

from __future__ import annotations

import shutil
from pathlib import Path


def memory_available() -> int | None:
    """Bytes of memory available now (Linux), or None where it cannot be read."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def disk_free(path: Path) -> tuple[int, Path]:
    """Bytes free on the disk that holds `path` (or would hold it), and the folder measured."""
    existing = next(p for p in (path, *path.parents) if p.exists())
    return shutil.disk_usage(existing).free, existing


def size(bytes_: float) -> str:
    """A size people read at a glance: '3.2 GB', '740 MB', '12 kB'."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if bytes_ >= scale:
            return f"{bytes_ / scale:,.1f} {unit}"
    return f"{bytes_:.0f} bytes"
