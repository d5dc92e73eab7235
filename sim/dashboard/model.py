"""The model a dashboard session runs.

SolaraViz rebuilds a model on Reset as `type(model)()`. Each browser session therefore gets its
own subclass (`session_model`) whose constructor reads that session's settings: one
participant's Reset or Step never touches another's model.
"""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np
import solara

from sim import rules
from sim.dashboard.settings import Settings
from sim.model import CooperationModel
from sim.scenario import Scenario, load_scenario
from sim.stages import Stage
from sim.validation import InputError


class DashboardModel(CooperationModel):
    """A CooperationModel built from dashboard settings. Settings that cannot run (a mistyped
    seed) never stop it: it runs as `runnable_scenario` says, and the page says why.

    The drawings redraw every month from arrays, so the model keeps each regency's stage and
    attributes, and the key actor's meetings, as arrays month by month (`history`); the data
    collector keeps the same months as records for the CSV export.
    """

    def __init__(self, settings: Settings | None = None):
        settings = settings if settings is not None else Settings.of()
        self.settings = settings
        scenario = runnable_scenario(settings)
        super().__init__(scenario, rng=scenario.seed)
        self.history: dict[str, list[np.ndarray]] = {"stage": [], "values": [], "met": []}
        self._stepping = threading.Lock()
        self._remember()

    def step(self) -> None:
        super().step()
        self._remember()

    def advance(self) -> None:
        """One month, unless the run is over, one at a time whoever asks: Play's thread, or a
        second click on Step already on its way when the first ended the run. (Mesa counts the
        month before it calls `step`, so the check cannot be inside `step`.)"""
        with self._stepping:
            if self.running:
                self.step()

    def _remember(self) -> None:
        state = self.state
        met = self.key_actor.meetings.attended if self.key_actor else np.zeros(self.params.n)
        self.history["stage"].append(state.stage.copy())
        self.history["values"].append(np.stack(rules.attribute_values(state), axis=-1).copy())  # (n, 6)
        self.history["met"].append(np.asarray(met) > 0)

    def monthly(self, reporter: str) -> list:
        """A model reporter month by month: 'election', 'drought', 'stage' (as Stage)."""
        values = self.datacollector.model_vars[reporter]
        return [Stage[name.upper()] for name in values] if reporter == "stage" else list(values)


def runnable_scenario(settings: Settings) -> Scenario:
    """The scenario of the settings; if they cannot run, the same with the scenario's own seed
    (the seed is the one control typed by hand), else the preset as it stands."""
    try:
        return settings.scenario_object()
    except InputError:
        pass
    try:
        return replace(settings, seed=str(load_scenario(settings.scenario).seed)).scenario_object()
    except InputError:
        return load_scenario(settings.scenario, setup=settings.setup)


def session_model(settings: solara.Reactive[Settings]) -> type[DashboardModel]:
    """A model class for one session: `cls()` builds from that session's current settings."""

    class SessionModel(DashboardModel):
        def __init__(self) -> None:
            super().__init__(settings.value)

    return SessionModel
