"""The dashboard screenshots the docs show, made from the dashboard itself.

    .venv/bin/python scripts/doc_screenshots.py

Starts `kerjasama dashboard` on a free port, drives it in Debian's Chromium with Playwright (as
the browser tests do), and writes docs/images/: the whole page in English under Regional
Management plus at month 72 and its timeline; the whole page in Bahasa Indonesia under the key
actor at month 30 and its map; projector mode at 1280 x 800 and a phone's screen. Run it when the
model or the page changes, and commit the images.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.scenario import load_scenario  # noqa: E402

IMAGES = ROOT / "docs" / "images"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HORIZON = load_scenario().months
WINDOW = {"width": 1400, "height": 1000}


def start_dashboard(folder: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "sim.cli", "dashboard", "--port", str(port)]
    server = subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 90
    while True:
        try:
            if urllib.request.urlopen(url + "/readyz", timeout=2).status == 200:
                return server, url
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("doc_screenshots: the dashboard did not start")
        time.sleep(0.2)


def card(page: Page, title: str):
    return page.locator(".v-card", has=page.locator(".v-card__title", has_text=title)).first


def step_to(page: Page, month: int, button: str, shown: str) -> None:
    """Click Step until the page shows `month` (`shown` is the month line, e.g. 'Month {m} of {n}')."""
    for m in range(1, month + 1):
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.get_by_text(shown.format(m=m, n=HORIZON))).to_be_visible(timeout=30_000)


def whole_page(page: Page, path: Path) -> None:
    """The whole page in one picture: the window made as tall as the cards (the page scrolls
    inside its own frame, which a full-page screenshot would cut at the window's height)."""
    width = page.viewport_size["width"]
    height = page.evaluate("() => document.querySelector('.kerjasama-main').scrollHeight + 64")
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(500)  # the cards laid out again
    page.screenshot(path=path)


def odds_ready(page: Page, word: str, busy: str) -> None:
    expect(page.get_by_text(word).first).to_be_visible(timeout=60_000)
    expect(page.get_by_text(busy)).to_have_count(0, timeout=60_000)


def english_rm_plus(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_text(f"Bulan 0 dari {HORIZON}")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="English", exact=True).click()
    expect(page.get_by_text(f"Month 0 of {HORIZON}")).to_be_visible()
    step_to(page, 72, "Step", "Month {m} of {n}")
    odds_ready(page, "2,000 runs each", "computing")
    whole_page(page, IMAGES / "dashboard-en-rm-plus.png")
    card(page, "Grand design timeline").screenshot(path=IMAGES / "timeline-en.png")


def indonesian_key_actor(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_text(f"Bulan 0 dari {HORIZON}")).to_be_visible(timeout=60_000)
    page.locator(".v-select", has_text="Pengaturan kelembagaan").locator(".v-select__slot").click()
    page.locator(".v-menu__content.menuable__content__active").get_by_text("Aktor kunci (uskup)", exact=True).click()
    page.get_by_role("button", name="Mulai ulang", exact=True).click()
    step_to(page, 30, "Langkah", "Bulan {m} dari {n}")
    odds_ready(page, "masing-masing 2.000 simulasi", "menghitung")
    whole_page(page, IMAGES / "dashboard-id-key-actor.png")
    card(page, "Peta").screenshot(path=IMAGES / "map-id.png")


def projector_and_phone(browser, url: str) -> None:
    """The room's other two screens: projector mode at 1280 x 800, and a phone (390 x 844)."""
    for name, viewport, query in (
        ("projector", {"width": 1280, "height": 800}, "?projector=1"),
        ("phone", {"width": 390, "height": 844}, ""),
    ):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(url + query)
        odds_ready(page, "masing-masing 2.000 simulasi", "menghitung")
        page.screenshot(path=IMAGES / f"dashboard-{name}-id.png")
        context.close()


def main() -> int:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        server, url = start_dashboard(Path(folder))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for scene in (english_rm_plus, indonesian_key_actor):
                    context = browser.new_context(viewport=WINDOW)
                    scene(context.new_page(), url)
                    context.close()
                projector_and_phone(browser, url)
                browser.close()
        finally:
            server.terminate()
            server.wait(15)
    for image in sorted(IMAGES.glob("*.png")):
        print(f"{image.relative_to(ROOT)}: {image.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
