"""The live odds: for the current settings, how often cooperation forms within the horizon and is
still in force at its end, beside the status quo on the same draws — from the ensemble, in a
background task, within about a second of a change."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict

import solara
import solara.lab

from sim.dashboard.settings import Settings
from sim.dashboard.style import BIG, BOLD, LINE, SMALL
from sim.ensemble import EnsembleResult, compare, run_ensemble
from sim.scenario import Scenario
from sim.terms import number, term

ODDS_RUNS = 2000  # replications per setting: a 95 % interval at most ±2.2 points wide
SETTLE_SECONDS = 0.2  # wait this long for the settings to stop changing (a dragged slider)
CACHE_SIZE = 64  # ensemble results kept: groups in a workshop try the same setups again and again


class EnsembleCache:
    """Recent ensemble results by scenario and seed, shared by all sessions: a setup one group
    tried, or the status quo beside every change, is answered at once the next time."""

    def __init__(self, size: int):
        self.size, self.results, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, scenario: Scenario) -> EnsembleResult:
        key = json.dumps(scenario.document, sort_keys=True, default=str)
        with self.lock:
            if key in self.results:
                self.results.move_to_end(key)
                return self.results[key]
        result = run_ensemble(scenario, ODDS_RUNS)
        with self.lock:
            self.results[key] = result
            while len(self.results) > self.size:
                self.results.popitem(last=False)
        return result

    def clear(self) -> None:
        with self.lock:
            self.results.clear()


CACHE = EnsembleCache(CACHE_SIZE)


def odds(settings: Settings) -> dict:
    """Formation within the horizon, and cooperation still in force at its end, under the
    settings and under the status quo, from the same draws (the scenario's seed)."""
    current, quo = CACHE.get(settings.scenario_object()), CACHE.get(settings.status_quo())
    lasting = {key: result.summary() for key, result in (("result", current), ("baseline", quo))}
    return {
        "seed": current.seed,
        "months": settings.months,
        "sustained_rates": {key: summary["sustained_rate"] for key, summary in lasting.items()},
        "sustained_ci": {key: summary["sustained_ci"] for key, summary in lasting.items()},
        **compare(current, quo),
    }


def percent(share: float, lang: str) -> str:
    return f"{number(100 * share, lang, digits=1)} %"


@solara.component
def OddsCard(settings: solara.Reactive[Settings], lang: str) -> None:
    wanted = settings.value
    runnable = solara.use_memo(lambda: not wanted.problems(lang), [wanted, lang])

    def answer() -> dict | None:
        # A running computation cannot be stopped: wait a moment, and compute only if no newer
        # value has arrived meanwhile. Settings that cannot run are said in the settings card.
        time.sleep(SETTLE_SECONDS)
        return odds(wanted) if runnable and task.is_current() else None

    task = solara.lab.use_task(answer, dependencies=[wanted, runnable], raise_error=False)
    with solara.Card(term("ui.odds", lang)):
        result = task.value
        if not runnable:
            solara.Text(term("ui.odds_blocked", lang), style=LINE)
        elif task.error:
            solara.Error(f"{term('ui.odds_failed', lang)}: {task.exception}")
        elif result is None:
            solara.Text(term("ui.computing", lang), style=LINE)
        else:
            show_odds(result, lang)
            if task.pending:
                solara.Text(term("ui.computing", lang), style=SMALL)


def show_odds(result: dict, lang: str) -> None:
    solara.Text(term("ui.odds_text", lang).format(months=result["months"]), style=BOLD)
    with solara.Row():
        for key, name in (("result", term("ui.odds_current", lang)), ("baseline", term("ui.odds_status_quo", lang))):
            low, high = result["formation_ci"][key]
            lasting_low, lasting_high = result["sustained_ci"][key]
            with solara.Column(style={"min-width": "45%"}):
                solara.Text(name, style=LINE)
                solara.Text(percent(result["formation_rates"][key], lang), style=BIG)
                solara.Text(f"{percent(low, lang)} – {percent(high, lang)}", style=LINE)
                solara.Text(
                    f"{term('ui.odds_lasting', lang)}: {percent(result['sustained_rates'][key], lang)} "
                    f"({percent(lasting_low, lang)} – {percent(lasting_high, lang)})",
                    style=SMALL,
                )
    difference = result["formation"]
    points = [number(100 * value, lang, digits=1, sign=True) for value in (difference["difference"], *difference["ci"])]
    solara.Text(
        f"{term('ui.odds_difference', lang)}: {points[0]} {term('ui.points', lang)} ({points[1]} – {points[2]})",
        style=LINE,
    )
    solara.Text(term("ui.odds_note", lang).format(runs=number(ODDS_RUNS, lang), seed=result["seed"]), style=SMALL)
