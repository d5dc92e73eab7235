"""The agents of the Mesa model: regencies, the key actor, the regional manager and the cooperation body.

Their state lives in the model's arrays (`CooperationModel.state`), one row per regency, so that
the rules in `sim/rules.py` run on one run exactly as they run on thousands in the ensemble; an
agent reads and names its own row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim import rules
from sim.stages import ATTRIBUTES, Stage

if TYPE_CHECKING:
    from sim.model import CooperationModel


class Regency(mesa.Agent):
    """A kabupaten (TTU, Belu, Malaka...) deciding whether to cooperate with its neighbours.

    Summary of rule: weigh cooperation by its expected net benefit (the programme's value from
    its need and interest, minus its cost share and the transaction costs); go ahead on the gate
    of the next stage of the grand design when its probability, prod sigma(beta (x - threshold))
    over the conditions that gate asks for, exceeds the regent's disposition (drawn when he takes
    office); when a new regent, a budget cut or an evaluation makes it re-decide what it changed,
    keep its stage while the gate that brought it there still does, else step back; once
    cooperating, pay each month — or, in a bad month, defect.

    Attributes:
        name, full_name, capital, population, area_km2, commodities, border_post, position:
            data from the scenario file, for display.
        knowledge, need, willingness, capacity, interest: in [0, 1]; start from the scenario,
            move by the rules each month.
        trust: its trust in each other regency (a row of the trust matrix).
        stage: where it stands on the grand design.
        net_benefit, months_member: what cooperation is worth to it now; its months as a member.
    """

    model: CooperationModel

    def __init__(self, model: CooperationModel, index: int, record: dict):
        super().__init__(model)
        self.index = index
        self.name: str = record["name"]
        self.full_name: str = record.get("full_name", record["name"])
        self.capital: str = record.get("capital", "")
        self.population: int | None = record.get("population")
        self.area_km2: float | None = record.get("area_km2")
        self.commodities: list[str] = record.get("commodities", [])
        self.border_post: str = record.get("border_post", "")
        self.position: list[float] | None = record.get("position")

    def _own(self, values: np.ndarray) -> np.ndarray:
        return values[..., self.index]

    @property
    def knowledge(self) -> float:
        return float(self._own(self.model.state.knowledge))

    @property
    def need(self) -> float:
        return float(self._own(self.model.state.need))

    @property
    def willingness(self) -> float:
        return float(self._own(self.model.state.willingness))

    @property
    def capacity(self) -> float:
        return float(self._own(self.model.state.capacity))

    @property
    def interest(self) -> float:
        return float(self._own(self.model.state.interest))

    @property
    def trust(self) -> dict[str, float]:
        row = self.model.state.trust[self.index]
        return {other.name: float(row[other.index]) for other in self.model.regencies if other is not self}

    @property
    def stage(self) -> Stage:
        return Stage(int(self._own(self.model.state.stage)))

    @property
    def attributes(self) -> dict[str, float]:
        """The five attributes and mean trust, as the gates see them."""
        values = rules.attribute_values(self.model.state)
        return {attribute: float(value[self.index]) for attribute, value in zip(ATTRIBUTES, values, strict=True)}

    @property
    def net_benefit(self) -> float:
        """Its expected monthly net benefit of cooperating now, in capacity units."""
        return float(self._own(rules.net_benefit(self.model.state, self.model.params)))

    @property
    def months_member(self) -> int:
        """Months it has been a member of cooperation in force."""
        return int(self._own(self.model.state.months_member))

    @property
    def cooperating(self) -> bool:
        return bool(rules.members(self.model.state.stage, self.model.params)[self.index])

    @property
    def barrier_profile(self) -> dict[str, float]:
        """Each attribute's share of the shortfall accumulated so far (all 0: nothing in the way)."""
        totals = self.model.state.barriers[self.index]
        total = totals.sum()
        shares = totals / total if total > 0 else np.zeros_like(totals)
        return dict(zip(ATTRIBUTES, shares.tolist(), strict=True))

    @property
    def binding_barrier(self) -> str | None:
        """The attribute with the smallest factor at the gate it faces; None once cooperating."""
        if self.cooperating:
            return None
        return ATTRIBUTES[int(self.model.binding_attributes[self.index])]


class KeyActor(mesa.Agent):
    """The convener — by default the Bishop of Atambua, whose diocese covers all three regencies.

    Summary of rule: hold `meetings_per_month` meetings a month (forum: everyone together;
    weakest_first / round_robin: pairs); each meeting closes a share of an attendee's gap in
    knowledge, need-awareness, willingness and interest, scaled by the legitimacy the regency
    grants (raised where adat leaders stand beside him), and builds trust between those who meet.
    """

    model: CooperationModel

    def __init__(self, model: CooperationModel, name: str, seat: str, position: list[float] | None = None):
        super().__init__(model)
        self.name, self.seat = name, seat
        self.position = position  # lon/lat of the seat, for display only
        self.meetings = rules.no_meetings(model.state)  # this month's, set by the model's step

    @property
    def legitimacy(self) -> dict[str, float]:
        values = self.model.params.institutions.key_actor.legitimacy
        return {r.name: float(values[r.index]) for r in self.model.regencies}


class RegionalManager(mesa.Agent):
    """The regional manager of Regional Management (Abdurahman 2005), in place from month 1 under
    a setup with a cooperation body: the instrument that prepares cooperation.

    Summary of rule: each month, technical assistance closes a share of every regency's gap in
    knowledge of the legal path; its drafting takes a share of the coordination costs of every
    regency; its working meetings (a forum) broker like the key actor's, at a legitimacy of its
    own — low where it has no local roots, raised where adat leaders stand beside it.
    """

    model: CooperationModel

    def __init__(self, model: CooperationModel, kind: str):
        super().__init__(model)
        self.kind = kind  # professional | seconded

    @property
    def legitimacy(self) -> dict[str, float]:
        values = self.model.params.institutions.manager.legitimacy
        return {r.name: float(values[r.index]) for r in self.model.regencies}


class CooperationBody(mesa.Agent):
    """The body proper — a Regional Management board or a joint secretariat, as the setup names —
    founded when the initiative reaches organising. Informal cooperation has none.

    Summary of rule: its board fixes the division of costs (that transaction cost falls away),
    its secretariat adds capacity to the regencies in it, members pay their share each month once
    cooperation is in force, and it collapses when the share paid falls below its minimum.
    """

    model: CooperationModel

    def __init__(self, model: CooperationModel, kind: str):
        super().__init__(model)
        self.kind = kind
        self.founded = model.month

    @property
    def manager(self) -> str:
        """Who runs it: the regional manager's kind (professional or seconded)."""
        return self.model.manager.kind

    @property
    def members(self) -> list[str]:
        """The regencies in it: those at organising or beyond."""
        return [r.name for r in self.model.regencies if r.stage >= Stage.ORGANISING]

    @property
    def funding(self) -> float:
        return self.model.state.funding.item()
