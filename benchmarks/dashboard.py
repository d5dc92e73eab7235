"""How quickly the workshop dashboard answers: the live odds after a change, and a Step with
everything the page redraws.

    .venv/bin/python benchmarks/dashboard.py

The live odds need the ensemble twice (the settings and the status quo, 2,000 runs each) for
every change; the issue asks for an answer within about a second. Results are kept (an LRU
cache), so three cases are timed: nothing known yet (both computed), a change of setting (the
status quo is known, the new settings are computed) and settings tried before (both known). A
Step advances the Mesa model one month and redraws the map, timeline and attribute panels as SVG.
"""

from __future__ import annotations

import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import statistics  # noqa: E402
import time  # noqa: E402
from dataclasses import replace  # noqa: E402

from sim.dashboard import odds, views  # noqa: E402
from sim.dashboard.model import DashboardModel  # noqa: E402
from sim.dashboard.settings import Settings  # noqa: E402


def timed(action, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    odds.odds(Settings.of())  # warm up imports
    print("live odds (settings + status quo, 2,000 runs each), seconds, median of 5 (max):")
    print(f"  {'setup':<14} {'months':>6}  {'none known':>12}  {'a change':>12}  {'tried before':>12}")
    for setup in ("status_quo", "key_actor", "rm_plus", "province_led"):
        for months in (Settings.of().months, 240):  # the default horizon, and the longest
            settings = replace(Settings.of(setup=setup), months=months)
            quo = settings.status_quo()

            def nothing_known(s=settings) -> None:
                odds.CACHE.clear()
                odds.odds(s)

            def a_change(s=settings, quo=quo) -> None:
                odds.CACHE.clear()
                odds.CACHE.get(quo)
                start = time.perf_counter()
                odds.odds(s)
                return time.perf_counter() - start

            cases = [timed(nothing_known, 5), [a_change() for _ in range(5)], timed(lambda s=settings: odds.odds(s), 5)]
            shown = "  ".join(f"{statistics.median(t):>5.3f} ({max(t):.3f})" for t in cases)
            print(f"  {setup:<14} {months:>6}  {shown}")

    model = DashboardModel(Settings.of())

    def step_and_draw() -> None:
        model.step()
        views.map_svg(model, "id")
        views.timeline_svg(model, "id")
        views.attributes_svg(model, "id")
        views.binding_lines(model, "id")

    times = timed(step_and_draw, 120)
    print(
        "one Step with the page's drawings (120 months of rm_plus), milliseconds: "
        f"median {1000 * statistics.median(times):.1f}, max {1000 * max(times):.1f}"
    )


if __name__ == "__main__":
    main()
