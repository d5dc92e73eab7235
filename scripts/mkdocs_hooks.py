"""Two things the documentation site needs at build time.

The home page is the README (one text for GitHub and the site): its links to `docs/…` pointed
into the site, its links to other files of the repository (scenario files, code) kept as their
names, which the site does not hold.

The tutorial's page, rendered by mkdocs-jupyter, would fetch a widget renderer from unpkg.com
and MathJax from a CDN; the site opens offline, so those two scripts are taken out (the
SolaraViz cell then shows its text; the notebook itself, opened in Jupyter, shows the widget)."""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")
SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)


def home_page(readme: str) -> str:
    def point(match: re.Match) -> str:
        image, text, target = match.groups()
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            return match.group(0)  # a web address or an anchor of the page itself
        if target.startswith("docs/"):
            return f"{image}[{text}]({target.removeprefix('docs/')})"
        return text  # a file of the repository outside docs/: named, not linked

    return LINK.sub(point, readme)


def on_files(files: Files, config) -> Files:
    files.append(File.generated(config, "index.md", content=home_page((ROOT / "README.md").read_text("utf-8"))))
    return files


def offline(html: str) -> str:
    """The page without the scripts that would load from the network."""
    return SCRIPT.sub(lambda script: "" if "https://" in script.group(0) else script.group(0), html)


def on_post_page(html: str, page, config) -> str:
    return offline(html) if page.file.src_uri.endswith(".ipynb") else html
