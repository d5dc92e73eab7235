"""The live odds: for the current settings, how often cooperation forms within the horizon and is
still in force at its end, beside the status quo on the same draws.

A change is answered in two steps: a first estimate from the first `QUICK_RUNS` replications,
then the full `ODDS_RUNS` (the quick runs are the first of the full ones, so the refinement
narrows the estimate rather than replacing it). The ensembles come from the server's shared
`pool.POOL`: a room making the same change computes it once.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from concurrent.futures import wait

import solara
import solara.lab

from sim.dashboard.pool import POOL, Claim, EnsemblePool, Priority
from sim.dashboard.settings import Settings
from sim.dashboard.style import BIG, BOLD, LINE, NOTICE, SMALL
from sim.ensemble import EnsembleResult, compare
from sim.terms import number, term

ODDS_RUNS = 2000  # replications per setting: a 95 % interval at most ±2.2 points wide
QUICK_RUNS = 200  # the first estimate: ±7 points at worst, in a few tenths of a second
SETTLE_SECONDS = 0.1  # wait this long for the settings to stop changing (a dragged slider)
POLL_SECONDS = 0.05  # how often a waiting session checks that its answer is still wanted


def odds_of(current: EnsembleResult, quo: EnsembleResult) -> dict:
    """What the odds card shows, from the ensembles of the settings and of the status quo."""
    summaries = {"result": current.summary(), "baseline": quo.summary()}
    return {
        "seed": current.seed,
        "months": current.months,
        "runs": len(current.outcomes),
        "sustained_rates": {key: s["sustained_rate"] for key, s in summaries.items()},
        "sustained_ci": {key: s["sustained_ci"] for key, s in summaries.items()},
        "median_months": {key: s["median_months_to_formation"] for key, s in summaries.items()},
        "months_in_force": {key: s["months_in_force"] for key, s in summaries.items()},
        **compare(current, quo),
    }


def claims(settings: Settings, runs: int, priority: Priority, pool: EnsemblePool) -> list[Claim]:
    return [pool.claim(scenario, runs, priority) for scenario in (settings.scenario_object(), settings.status_quo())]


def odds(settings: Settings, runs: int = ODDS_RUNS, pool: EnsemblePool = POOL) -> dict:
    """The odds of the settings, waiting for them (the guide's figures, the tests)."""
    current, quo = (claim.result() for claim in claims(settings, runs, Priority.FULL, pool))
    return odds_of(current, quo)


def known(settings: Settings, pool: EnsemblePool = POOL) -> dict | None:
    """The full odds if the pool holds them, without waiting."""
    current, quo = pool.known(settings.scenario_object(), ODDS_RUNS), pool.known(settings.status_quo(), ODDS_RUNS)
    return odds_of(current, quo) if current is not None and quo is not None else None


def arrived(wanted: list[Claim], still_wanted: Callable[[], bool]) -> bool:
    """Wait for the claims; False as soon as the answer is no longer wanted."""
    while still_wanted():
        if wait([claim.future for claim in wanted], timeout=POLL_SECONDS).not_done == set():
            return True
    return False


def follow(
    settings: Settings,
    still_wanted: Callable[[], bool],
    first_estimate: Callable[[dict], None],
    pool: EnsemblePool = POOL,
) -> dict | None:
    """The full odds of the settings, handing the quick estimate to `first_estimate` on the way;
    None if they stop being wanted, in which case whatever has not started is dropped."""
    answer = known(settings, pool)
    if answer is not None:
        return answer
    quick = claims(settings, QUICK_RUNS, Priority.QUICK, pool)  # asked first: it is started first
    full = claims(settings, ODDS_RUNS, Priority.FULL, pool)
    try:
        if arrived(quick, still_wanted) and not all(claim.done() for claim in full):
            first_estimate(odds_of(*(claim.result() for claim in quick)))
        return odds_of(*(claim.result() for claim in full)) if arrived(full, still_wanted) else None
    finally:
        for claim in quick + full:
            pool.release(claim)


def warm(settings: list[Settings], pool: EnsemblePool = POOL) -> None:
    """Compute these settings' odds in the background, after anything a participant asks for."""
    for each in settings:
        claims(each, ODDS_RUNS, Priority.WARM, pool)


def label(settings: Settings) -> str:
    """A class naming the settings whose numbers the card shows: a browser (the benchmark, the
    tests) can tell an answer for these settings from one still on screen for earlier ones."""
    return "kerjasama-odds-for-" + hashlib.sha256(settings.to_query().encode()).hexdigest()[:12]


def percent(share: float, lang: str) -> str:
    return f"{number(100 * share, lang, digits=1)}\u00a0%"  # never "99,9" and "%" on two lines


@solara.component
def OddsCard(
    settings: solara.Reactive[Settings],
    lang: str,
    run_settings: Settings | None = None,
    on_pin: Callable[[dict], None] | None = None,
) -> None:
    """`run_settings` are those of the run on screen: the card says when it describes others;
    `on_pin` takes the full odds to the comparison table."""
    wanted = settings.value
    runnable = solara.use_memo(lambda: not wanted.problems(lang), [wanted, lang])
    first = solara.use_reactive(None)  # (settings, quick odds) of the computation under way

    def answer() -> tuple[Settings, dict] | None:
        time.sleep(SETTLE_SECONDS)  # a dragged slider: only where it stops is computed
        if not (runnable and task.is_current()):
            return None
        full = follow(wanted, task.is_current, lambda quick: task.is_current() and first.set((wanted, quick)))
        return None if full is None else (wanted, full)

    task = solara.lab.use_task(answer, dependencies=[wanted, runnable], raise_error=False)
    finished = task.value if task.finished and task.value is not None and task.value[0] == wanted else None
    quick = first.value if first.value is not None and first.value[0] == wanted else None
    shown = finished or quick
    state = ["kerjasama-odds-full"] if finished else ["kerjasama-odds-quick"] if quick else []
    with solara.Card(term("ui.odds", lang), classes=["kerjasama-odds", *state, *([label(shown[0])] if shown else [])]):
        if not runnable:
            solara.Text(term("ui.odds_blocked", lang), style=LINE)
        elif task.error:
            solara.Error(f"{term('ui.odds_failed', lang)}: {task.exception}")
        elif finished is not None:
            result = finished[1]
            show_odds(result, lang)
            if on_pin is not None:
                solara.Button(term("ui.pin", lang), icon_name="mdi-pin", outlined=True, on_click=lambda: on_pin(result))
        elif quick is not None:
            show_odds(quick[1], lang)
            solara.Text(term("ui.refining", lang).format(runs=number(ODDS_RUNS, lang)), style=SMALL)
        else:
            solara.Text(term("ui.computing", lang), style=LINE)
        if run_settings is not None and runnable and run_settings != wanted:
            solara.Text(term("ui.odds_not_run", lang), style=NOTICE)


def show_odds(result: dict, lang: str) -> None:
    runs = number(result["runs"], lang)
    solara.Text(term("ui.odds_text", lang).format(months=result["months"]), style=BOLD)
    with solara.Row(classes=["kerjasama-odds-row"]):
        for key, name in (("result", term("ui.odds_current", lang)), ("baseline", term("ui.odds_status_quo", lang))):
            low, high = result["formation_ci"][key]
            lasting_low, lasting_high = result["sustained_ci"][key]
            with solara.Column(classes=["kerjasama-odds-column"]):
                solara.Text(name, style=LINE)
                solara.Text(percent(result["formation_rates"][key], lang), style=BIG)
                solara.Text(
                    term("ui.likely_between", lang).format(low=percent(low, lang), high=percent(high, lang)),
                    style=SMALL,
                )
                solara.Text(
                    f"{term('ui.odds_lasting', lang)}: {percent(result['sustained_rates'][key], lang)} "
                    + term("ui.likely_range", lang).format(
                        low=percent(lasting_low, lang), high=percent(lasting_high, lang)
                    ),
                    style=SMALL,
                )
    difference = result["formation"]
    more, low, high = (
        number(100 * value, lang, digits=1, sign=True) for value in (difference["difference"], *difference["ci"])
    )
    solara.Text(term("ui.odds_difference", lang).format(more=more, low=low, high=high), style=LINE)
    solara.Text(term("ui.odds_note", lang).format(runs=runs, seed=result["seed"]), style=SMALL)
