"""Which Kerjasama produced a result: one source for `kerjasama --version`, every manifest
(experiments, calibrations) and the report's footer, so that they cannot disagree."""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from pathlib import Path

PACKAGES = ("kerjasama", "mesa", "numpy", "scipy", "pandas", "pyarrow", "SALib", "matplotlib", "distributed")


def version() -> str:
    """The installed package's version (pyproject.toml's, through the package metadata)."""
    try:
        return metadata.version("kerjasama")
    except metadata.PackageNotFoundError:
        return "(not installed)"


def git_state() -> dict | None:
    """The commit of the source the package runs from, and whether it has changes (if in git)."""
    source = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(source), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5
        )
        if commit.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "-C", str(source), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
        )
        return {"commit": commit.stdout.strip(), "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.TimeoutExpired):
        return None


def code_version() -> str:
    """The Kerjasama that runs: its version, and its git commit when it runs from a git checkout.
    A results folder holds the runs of one code version only."""
    git = git_state()
    if not git:
        return f"kerjasama {version()}"
    return f"kerjasama {version()}, commit {git['commit'][:12]}" + (" with uncommitted changes" if git["dirty"] else "")


def versions() -> dict[str, str]:
    """Python's and the main packages' versions, for a manifest."""
    found = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return found
