"""The model a dashboard session runs.

SolaraViz rebuilds a model on Reset as `type(model)()`. Each browser session therefore gets its
own subclass (`session_model`) whose constructor reads that session's settings: one
participant's Reset or Step never touches another's model.
"""

from __future__ import annotations

import numpy as np
import solara

from sim import rules
from sim.dashboard.settings import Settings
from sim.model import CooperationModel
from sim.scenario import load_scenario
from sim.validation import InputError


class DashboardModel(CooperationModel):
    """A CooperationModel built from dashboard settings. A setting it cannot use is recorded in
    `problems` (shown in the page) and replaced by the default, never raised.

    It also keeps, month by month, what the page draws: each regency's stage and attributes, the
    initiative's stage, and the months of elections, droughts and meetings.
    """

    def __init__(self, settings: Settings | None = None):
        settings = settings if settings is not None else Settings.of()
        problems: list[str] = []
        try:
            scenario = settings.scenario_object()
        except InputError as error:
            problems += [f"{p.field} = {p.value!r}: {p.allowed}" for p in error.problems]
            scenario = load_scenario(settings.scenario if settings.scenario else None)
        try:
            seed = settings.seed_number()
        except InputError as error:
            problems += [f"{p.field} = {p.value!r}: {p.allowed}" for p in error.problems]
            seed = scenario.seed
        super().__init__(scenario, rng=seed)
        self.settings, self.problems = settings, problems
        self.history: dict[str, list] = {
            "stage": [],
            "initiative": [],
            "values": [],
            "election": [],
            "drought": [],
            "met": [],
        }
        self._remember()

    def step(self) -> None:
        super().step()
        self._remember()

    def _remember(self) -> None:
        state = self.state
        met = self.key_actor.meetings.attended if self.key_actor else np.zeros(self.params.n)
        self.history["stage"].append(state.stage.copy())
        self.history["initiative"].append(int(self.stage))
        self.history["values"].append(np.stack(rules.attribute_values(state), axis=-1).copy())  # (n, 6)
        self.history["election"].append(self.election)
        self.history["drought"].append(self.drought)
        self.history["met"].append(np.asarray(met) > 0)


def session_model(settings: solara.Reactive[Settings]) -> type[DashboardModel]:
    """A model class for one session: `cls()` builds from that session's current settings."""

    class SessionModel(DashboardModel):
        def __init__(self) -> None:
            super().__init__(settings.value)

    return SessionModel
