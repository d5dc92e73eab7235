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
the Mesa model with everything the page redraws, in-process.

In a room each participant's page runs on their own phone or laptop; here the fifteen browsers
share the server's cores, so each row also says how many CPU seconds the server (with its odds
workers) and the browsers used: what a room would need of the laptop is the server's share.
(Running the browsers at the lowest priority instead was tried: starved of the cores, they fell
far behind, 90 s for one change, and measured themselves rather than the server.)
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

import psutil

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

from playwright.async_api import async_playwright  # noqa: E402

from sim.dashboard import odds, views  # noqa: E402
from sim.dashboard.model import DashboardModel  # noqa: E402
from sim.dashboard.settings import Settings  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
WARM_SECONDS = 45  # the server computes the presets' odds at start-up: a facilitator starts it early

# Started before the key press; resolves with the milliseconds to the first estimate and to the
# full odds of the new setting (null if they did not come within two minutes). The odds card names
# the settings its numbers are for (`odds.label`) and whether they are the first estimate or the
# full answer: an answer counts only when it is for other settings than those before the press.
WATCH = """() => {
  const start = performance.now();
  const labelOf = card => Array.from(card.classList).find(name => name.startsWith('kerjasama-odds-for-'));
  const before = labelOf(document.querySelector('.kerjasama-odds'));
  window.kerjasamaWatch = new Promise(resolve => {
    let first = null;
    const look = () => {
      const card = document.querySelector('.kerjasama-odds');
      const now = performance.now() - start;
      const fresh = labelOf(card) !== undefined && labelOf(card) !== before;
      const full = fresh && card.classList.contains('kerjasama-odds-full');
      if (first === null && (full || (fresh && card.classList.contains('kerjasama-odds-quick')))) first = now;
      if (full) return resolve({first, full: now});
      if (now > 120000) return resolve({first, full: null});
      setTimeout(look, 10);
    };
    look();
  });
}"""
# The page has read its address (the slider at its start) and shows the full odds of that setting.
OPENED = """([value, label]) => {
  const slider = Array.from(document.querySelectorAll('.v-input')).find(el => el.innerText.includes('Pertemuan per bulan'));
  const card = document.querySelector('.kerjasama-odds');
  const at = slider && parseFloat(slider.querySelector('[role=slider]').getAttribute('aria-valuenow')) === value;
  return at && card !== null && card.classList.contains('kerjasama-odds-full') && card.classList.contains(label);
}"""
SLIDER = "Pertemuan per bulan"  # the key actor's meetings: a change of it leaves the status quo known
STEP, FIRST_FRESH, TOP = 0.05, 6, 80  # its steps; above the preset's 0.25 (5 steps); 4.0 at most


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


def meetings(index: int) -> str:
    """The slider's value `index` steps of 0.05 above zero, as the address bar and the slider write it."""
    return f"{STEP * index:.2f}".rstrip("0").rstrip(".")


async def open_pages(browser, url: str, starts: list[int]) -> tuple[list, list[float]]:
    """The sessions' pages opened at once, each with the slider at its start (given in the address,
    as a reload keeps it); seconds until each shows its odds."""

    async def one(start_index: int):
        context = await browser.new_context(viewport={"width": 1366, "height": 900})
        page = await context.new_page()
        start = time.perf_counter()
        await page.goto(f"{url}/?key_actor.meetings_per_month={meetings(start_index)}", timeout=300_000)
        value = meetings(start_index)
        label = odds.label(Settings.of().from_query(f"key_actor.meetings_per_month={value}"))
        # polled five times a second: each look reads the page's text, and fifteen pages looking
        # at every frame would take the cores from the server they are timing
        await page.wait_for_function(OPENED, arg=[float(value), label], polling=200, timeout=300_000)
        return page, time.perf_counter() - start

    opened = await asyncio.gather(*(one(index) for index in starts))
    return [page for page, _ in opened], [seconds for _, seconds in opened]


async def change(pages: list, starts: list[int]) -> list[dict]:
    """Each page moves the meetings slider one step up, all at the same moment (one key press: the
    values a slider passes on its way are computed too, and would be taken for the answer)."""
    sliders = [page.locator(".v-input", has_text=SLIDER).get_by_role("slider") for page in pages]
    for page, slider, start in zip(pages, sliders, starts, strict=True):
        await slider.focus()
        shown = await slider.get_attribute("aria-valuenow")
        assert float(shown) == float(meetings(start)), f"the page opens at its start, not {shown}"
        await page.evaluate(WATCH)
    await asyncio.gather(*(slider.press("ArrowRight") for slider in sliders))
    return await asyncio.gather(*(page.evaluate("() => window.kerjasamaWatch") for page in pages))


def cpu_seconds(server: subprocess.Popen) -> tuple[float, float]:
    """CPU time used so far by the server (with its odds workers) and by the browsers (every other
    process this benchmark started): who of them had the cores."""

    def used(process: psutil.Process) -> float:
        try:
            times = process.cpu_times()
            return times.user + times.system
        except psutil.NoSuchProcess:
            return 0.0

    serving = psutil.Process(server.pid)
    served = [serving, *serving.children(recursive=True)]
    pids = {process.pid for process in served}
    browsers = [child for child in psutil.Process().children(recursive=True) if child.pid not in pids]
    return sum(map(used, served)), sum(map(used, browsers))


def cpu_since(before: tuple[float, float], server: subprocess.Popen) -> tuple[float, float]:
    now = cpu_seconds(server)
    return now[0] - before[0], now[1] - before[1]


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
            fresh = FIRST_FRESH
            for count in sorted({1, sessions}):
                print(f"\n{count} session(s)")
                print(
                    f"  {'case':<20} {'round':>5}  {'first estimate, s':>24}  {'full odds, s':>24}"
                    f"  {'CPU s: server':>14} {'browsers':>9}"
                )
                opening, opening_cpus = [], []
                for case in ("same change", "different changes"):
                    for round_ in range(rounds):
                        # new sessions each round, each from a value it opens at to one never
                        # computed before: the same for all sessions, or each its own
                        sessions_ = 1 if case == "same change" else count
                        starts = [fresh + 2 * i for i in range(sessions_)] * (count // sessions_)
                        fresh += 2 * sessions_
                        if fresh > TOP:
                            raise SystemExit("the slider has no more fresh values: fewer rounds or sessions")
                        before = cpu_seconds(server)
                        pages, opened = await open_pages(browser, url, starts)
                        opening += opened
                        opening_cpus.append(cpu_since(before, server))
                        before = cpu_seconds(server)
                        times = await change(pages, starts)
                        server_cpu, browsers_cpu = cpu_since(before, server)
                        print(
                            f"  {case:<20} {round_ + 1:>5}  {summary(times, 'first'):>24}  {summary(times, 'full'):>24}"
                            f"  {server_cpu:>14.1f} {browsers_cpu:>9.1f}",
                            flush=True,
                        )
                        for page in pages:
                            await page.context.close()
                print(
                    f"  pages opened at once, until each shows its odds: median {statistics.median(opening):.1f} s, "
                    f"max {max(opening):.1f} s; CPU s per opening: server "
                    f"{statistics.median(c[0] for c in opening_cpus):.1f}, browsers {statistics.median(c[1] for c in opening_cpus):.1f}"
                )
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


def redraw_after_a_change() -> None:
    """What one session's change of a slider costs the server's interpreter: the page redrawn
    (in-process, `solara.render`), without the odds, which the workers compute."""
    import ipyvuetify
    import solara

    from sim.dashboard import app

    _, rendered = solara.render(app.Page(), handle_error=False)
    (slider,) = (s for s in rendered.find(ipyvuetify.Slider).widgets if str(s.label).startswith(SLIDER))
    time.sleep(WARM_SECONDS / 3)  # the first odds of the page, out of the way
    times = []
    for index in range(FIRST_FRESH, FIRST_FRESH + 20):
        start = time.perf_counter()
        slider.v_model = float(meetings(index))
        times.append(time.perf_counter() - start)
    rendered.close()
    print(
        "one session's page redrawn after a slider change, milliseconds: "
        f"median {1000 * statistics.median(times):.0f}, max {1000 * max(times):.0f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--in-process", action="store_true", help="only the in-process timings, no browsers")
    args = parser.parse_args()
    step_and_draw()
    redraw_after_a_change()
    if not args.in_process:
        asyncio.run(room(args.sessions, args.rounds))


if __name__ == "__main__":
    main()
