"""The Mesa model: one run of inter-regional cooperation, one month a step.

For teaching, the dashboard and debugging. The ensemble (`sim/ensemble.py`) runs the same rules
over thousands of replications at once; given the same draws both produce the same trajectory.
"""

from __future__ import annotations

from collections.abc import Callable

import mesa
import numpy as np

from sim import rules
from sim.agents import CooperationBody, KeyActor, Regency, RegionalManager
from sim.draws import DrawSource, HashedDraws
from sim.outcomes import Outcomes, outcomes, stack
from sim.scenario import Scenario, load_scenario
from sim.stages import Stage


class CooperationModel(mesa.Model):
    """Regencies, a key actor and the grand design of inter-regional cooperation (Fkun 2023).

    Each month (step), in this order: shocks (elections, drought, floods, fiscal cuts); the key
    actor's and the regional manager's meetings; the regencies' attributes and trust adapt;
    members of cooperation in force pay or defect; barriers are counted; the grand design moves
    (evaluation, re-decisions, gates, formation, dissolution). `docs/odd.md` gives the detail.

    Args:
        scenario: a checked scenario (default: the built-in Timor border scenario, its setup).
        rng: the seed (an int, or text holding one: SolaraViz hands typed seeds over as text);
            default the scenario's seed. It seeds Mesa's own generators and, through
            `sim.draws`, the run's draws: replication `replication` of that seed.
        draws: draws to use instead (tests feed both engines the same draws this way).
        replication: which replication of the seed this run is (the ensemble's index).

    The scenario is kept as `self.spec`: Mesa reserves `Model.scenario` for its own scenarios.
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        rng: int | str | None = None,
        draws: DrawSource | None = None,
        replication: int = 0,
    ):
        scenario = scenario if scenario is not None else load_scenario()
        seed = scenario.seed if rng is None or str(rng).strip() == "" else int(str(rng).strip())
        super().__init__(rng=seed)
        self.spec = scenario
        self.seed = seed
        self.params = scenario.params()
        self.draws = draws if draws is not None else HashedDraws(seed, replication, self.params.n)
        self.state = rules.initial_state(self.params)
        self.shocks = rules.Shocks(
            False, np.zeros(1, bool), np.zeros(self.params.n, bool), np.zeros(self.params.n, bool)
        )
        self.defections = np.zeros(self.params.n, bool)
        self._binding: tuple[int, np.ndarray] = (-1, np.zeros(0, dtype=np.intp))  # (month, binding_attributes)

        self.regencies = Regency.create_agents(
            self, self.params.n, index=list(range(self.params.n)), record=scenario.regencies
        )
        setup, key_actor = scenario.document["setup"], scenario.document["key_actor"]
        self.key_actor = (
            KeyActor(self, key_actor["name"], key_actor["seat"], key_actor.get("position"))
            if setup["key_actor"]
            else None
        )
        self.manager = RegionalManager(self, setup["manager"]) if self.params.institutions.manager.active else None
        self.body: CooperationBody | None = None

        self.datacollector = mesa.DataCollector(
            model_reporters={
                "month": "month",
                "stage": "stage_name",
                "members": "member_names",
                "election": "election",
                "drought": "drought",
                "body": "body_kind",
            },
            agenttype_reporters={
                Regency: {
                    "name": "name",
                    "knowledge": "knowledge",
                    "need": "need",
                    "willingness": "willingness",
                    "capacity": "capacity",
                    "interest": "interest",
                    "mean_trust": lambda r: r.attributes["trust"],
                    "trust": "trust",
                    "stage": lambda r: r.stage.name.lower(),
                    "binding_barrier": "binding_barrier",
                }
            },
        )
        self.datacollector.collect(self)

    # What the model reports -------------------------------------------------------------------

    @property
    def month(self) -> int:
        return self.steps

    @property
    def stage(self) -> Stage:
        """The initiative's stage: the furthest stage `min_members` regencies have reached."""
        return Stage(rules.initiative_stage(self.state.stage, self.params).item())

    @property
    def stage_name(self) -> str:
        return self.stage.name.lower()

    @property
    def members(self) -> list[Regency]:
        return [r for r in self.regencies if r.cooperating]

    @property
    def member_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.members)

    @property
    def election(self) -> bool:
        return bool(self.shocks.election)

    @property
    def drought(self) -> bool:
        return bool(self.shocks.drought.item())

    @property
    def body_kind(self) -> str | None:
        return self.body.kind if self.body else None

    @property
    def binding_attributes(self) -> np.ndarray:
        """(n,) what binds each regency now (indices into ATTRIBUTES), worked out once a month:
        the data collector asks for every regency's."""
        if self._binding[0] != self.month:
            self._binding = (self.month, rules.binding_attribute(self.state, self.params))
        return self._binding[1]

    # One month ----------------------------------------------------------------------------------

    def step(self) -> None:
        """One month: the schedule of `rules.month`, which the ensemble runs too; the agents
        then show what happened to them."""
        self.state, self.shocks, meetings, self.defections = rules.month(
            self.state, self.params, self.draws.month(self.month), self.month
        )
        if self.key_actor:
            self.key_actor.meetings = meetings
        self._found_or_dissolve_body()
        self.datacollector.collect(self)
        if self.month >= self.spec.months:
            self.running = False

    def _found_or_dissolve_body(self) -> None:
        """A body exists exactly while the initiative stands at organising or beyond under a
        setup that has one (`rules.body_in_place`)."""
        in_place = bool(rules.body_in_place(self.state.stage, self.params).item())
        if self.body and not in_place:
            self.body.remove()
            self.body = None
        if in_place and self.body is None:
            self.body = CooperationBody(self, self.spec.document["setup"]["body"])

    def run(self) -> CooperationModel:
        """Run to the scenario's horizon."""
        while self.running:
            self.step()
        return self


def run_replications(
    scenario: Scenario,
    replications: int,
    seed: int,
    progress: Callable[[int], object] | None = None,
) -> Outcomes:
    """Run replications 0..R-1 of `seed` one Mesa model at a time; their outcomes, stacked.

    `progress`, if given, is called with 1 after each run.
    """
    states = []
    for replication in range(replications):
        states.append(CooperationModel(scenario, rng=seed, replication=replication).run().state)
        if progress:
            progress(1)
    return outcomes(stack(states), scenario.params())
