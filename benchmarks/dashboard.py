"""How the workshop dashboard keeps up with a room: `kerjasama dashboard` served as a facilitator
starts it, driven by real browsers (Debian's Chromium through Playwright), one session or
fifteen at once.

    .venv/bin/python benchmarks/dashboard.py [--sessions 15] [--rounds 3]

For each case every session moves the slider of the key actor's meetings at the same moment and
the browser times, from the key press, the first estimate (from the first runs) and the full
answer (2,000 runs), for settings never computed before. "Same change": every session sets the
same value, as when the facilitator says "now set one meeting a month"; "different changes":
each session a value of its own.
Also timed: the pages of all sessions opened at once, until each shows its odds; and one Step of
the Mesa model with everything the page redraws, in-process. The browsers run on the same cores
as the server, so a real room (each participant on their own device) fares better.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

from playwright.async_api import async_playwright  # noqa: E402

from sim.dashboard import views  # noqa: E402
from sim.dashboard.model import DashboardModel  # noqa: E402
from sim.dashboard.settings import Settings  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
WARM_SECONDS = 45  # the server computes the presets' odds at start-up: a facilitator starts it early

# Started before the key press; resolves with the milliseconds to the first estimate and to the
# full odds of the new setting (null if they did not come within two minutes). The card says
# "menghitung" (computing) at once after a change, so an answer counts only after that.
WATCH = """() => {
  const start = performance.now();
  window.kerjasamaWatch = new Promise(resolve => {
    let first = null, changed = false;
    const look = () => {
      const text = document.querySelector('.kerjasama-odds').innerText;
      const now = performance.now() - start;
      changed = changed || text.includes('menghitung') || text.includes('simulasi pertama');
      if (changed && first === null && /masing-masing [0-9.]+ simulasi/.test(text)) first = now;
      if (changed && text.includes('masing-masing 2.000 simulasi')) return resolve({first, full: now});
      if (now > 120000) return resolve({first, full: null});
      setTimeout(look, 10);
    };
    look();
  });
}"""
SLIDER = "Pertemuan per bulan"  # the key actor's meetings: a change of it leaves the status quo known


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve() -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = open(Path(tempfile.gettempdir()) / "kerjasama-benchmark-server.log", "w")
    command = [sys.executable, "-m", "sim.cli", "dashboard", "--port", str(port)]
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if urllib.request.urlopen(url + "/readyz", timeout=1).status == 200:
                return server, url
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the dashboard did not start")


async def open_pages(browser, url: str, sessions: int) -> tuple[list, list[float]]:
    """All sessions' pages opened at once; seconds until each shows its odds."""

    async def one():
        context = await browser.new_context(viewport={"width": 1366, "height": 900})
        page = await context.new_page()
        start = time.perf_counter()
        await page.goto(url)
        await page.locator(".kerjasama-odds").get_by_text("masing-masing 2.000 simulasi").wait_for(timeout=300_000)
        return page, time.perf_counter() - start

    opened = await asyncio.gather(*(one() for _ in range(sessions)))
    return [page for page, _ in opened], [seconds for _, seconds in opened]


async def change(pages: list, presses: list[int]) -> list[dict]:
    """Each page moves the meetings slider `presses[i]` steps up, all at the same moment."""
    for page in pages:
        await page.evaluate(WATCH)

    async def press(page, count: int) -> None:
        slider = page.locator(".v-input", has_text=SLIDER).get_by_role("slider")
        await slider.focus()
        for _ in range(count):
            await slider.press("ArrowRight")

    await asyncio.gather(*(press(page, count) for page, count in zip(pages, presses, strict=True)))
    return await asyncio.gather(*(page.evaluate("() => window.kerjasamaWatch") for page in pages))


def summary(times: list[dict], key: str) -> str:
    seconds = [t[key] / 1000 for t in times if t[key] is not None]
    missing = len(times) - len(seconds)
    shown = f"{statistics.median(seconds):5.2f} (max {max(seconds):5.2f})" if seconds else "  —"
    return shown + (f", {missing} never" if missing else "")


async def room(sessions: int, rounds: int) -> None:
    server, url = serve()
    try:
        print(f"server ready; waiting {WARM_SECONDS} s for its start-up computations", flush=True)
        time.sleep(WARM_SECONDS)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            for count in sorted({1, sessions}):
                pages, opened = await open_pages(browser, url, count)
                print(
                    f"\n{count} session(s): pages opened at once, odds shown after "
                    f"{statistics.median(opened):.1f} s (max {max(opened):.1f} s)"
                )
                print(f"  {'case':<20} {'round':>5}  {'first estimate, s':>24}  {'full odds, s':>24}")
                for case in ("same change", "different changes"):
                    for round_ in range(rounds):
                        # settings never computed before: the same for all, or each its own
                        if case == "same change":
                            presses = [round_ + 1 + 10 * (count > 1)] * count
                        else:
                            presses = [20 + 3 * (count > 1) + round_ * count + i for i in range(count)]
                        times = await change(pages, presses)
                        print(
                            f"  {case:<20} {round_ + 1:>5}  {summary(times, 'first'):>24}  {summary(times, 'full'):>24}",
                            flush=True,
                        )
                        for page in pages:  # back to the start, for the next round
                            await page.goto(url)
                        for page in pages:
                            await (
                                page.locator(".kerjasama-odds")
                                .get_by_text("masing-masing 2.000 simulasi")
                                .wait_for(timeout=300_000)
                            )
                for page in pages:
                    await page.context.close()
            await browser.close()
    finally:
        server.terminate()
        server.wait(30)


def step_and_draw() -> None:
    model = DashboardModel(Settings.of())
    times = []
    for _ in range(120):
        start = time.perf_counter()
        model.step()
        views.map_svg(model, "id")
        views.timeline_svg(model, "id")
        views.attributes_svg(model, "id")
        views.binding_lines(model, "id")
        views.explanation(model, "id")
        times.append(time.perf_counter() - start)
    print(
        "\none Step with the page's drawings (120 months of rm_plus), milliseconds: "
        f"median {1000 * statistics.median(times):.1f}, max {1000 * max(times):.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    step_and_draw()
    asyncio.run(room(args.sessions, args.rounds))


if __name__ == "__main__":
    main()
