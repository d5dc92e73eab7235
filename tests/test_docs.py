"""The documentation site builds, strictly and offline: a broken link, a missing API reference
or a page that would load something from the network fails here, not in front of a reader."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT_ADDRESS = re.compile(
    r"<script\b[^>]*>(?:(?!</script>).)*?((?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}/[^'\"\s]*)", re.S | re.I
)
LOADS = re.compile(r"<(?:script|img|link|iframe|source)\b[^>]*\b(?:src|href)=\"((?:https?:)?//[^\"]*)\"", re.I)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    return out


def test_every_page_of_the_docs_is_in_the_site_and_the_readme_is_its_home(site):
    for page in (
        "odd",
        "theory",
        "validation",
        "experiments",
        "calibration",
        "workshop",
        "performance",
        "mesa4",
        "api",
    ):
        assert (site / f"{page}.html").is_file(), page
    home = (site / "index.html").read_text("utf-8")
    assert "Regional Management plus" in home and 'href="odd.html"' in home
    assert (site / "images" / "dashboard-id-key-actor.png").is_file() and "images/dashboard-id-key-actor.png" in home


def test_the_api_reference_is_made_from_the_docstrings(site):
    from sim.ensemble import run_ensemble
    from sim.scenario import load_scenario

    api = " ".join(html.unescape(re.sub(r"<[^>]+>", "", (site / "api.html").read_text("utf-8"))).split())
    for function in (run_ensemble, load_scenario):
        opening = " ".join(function.__doc__.replace("`", "").split()[:4])  # the docstring's first words
        assert opening in api, opening
    assert "CooperationModel" in api and "run_experiment" in api


def test_no_page_loads_anything_from_the_network(site):
    loaded = set()
    for page in site.rglob("*.html"):
        text = page.read_text("utf-8")
        loaded |= {f"{page.name}: {address}" for address in LOADS.findall(text)}
        loaded |= {f"{page.name}: a script names {address}" for address in SCRIPT_ADDRESS.findall(text)}
    assert loaded == set()


def test_the_tutorial_ran_from_top_to_bottom_in_the_build(site):
    """mkdocs-jupyter executes the notebook for the site (a failing cell fails the build): its
    page holds what every part printed and drew."""
    tutorial = html.unescape((site / "tutorial.html").read_text("utf-8"))
    for printed in ("presets: status_quo", "members:", "forms in", "same draws", "kerjasama ", "report: report.html"):
        assert printed in tutorial, printed
    assert tutorial.count("data:image/png;base64,") >= 2  # the attributes, and a report figure
    assert "SolaraViz" in tutorial
