"""Screenshots of the documentation site's home page and API reference, made from the site.

    .venv/bin/python scripts/site_screenshots.py

Builds the site (`mkdocs build --strict`) into a temporary folder, opens it from the file system
in Debian's Chromium with Playwright (as a reader offline would), and writes
docs/images/site-home.png and docs/images/site-api.png.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
            cwd=ROOT,
            check=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for name, file in (("site-home", "index.html"), ("site-api", "api.html")):
                page.goto((site / file).as_uri())
                page.screenshot(path=IMAGES / f"{name}.png")
                print(f"docs/images/{name}.png: {(IMAGES / f'{name}.png').stat().st_size:,} bytes")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
