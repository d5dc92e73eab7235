"""Kerjasama: an agent-based model of inter-regional cooperation in agriculture among the regencies
on the Indonesia–Timor-Leste border (TTU, Belu, Malaka), after Fkun (2023).

    from sim import load_scenario, CooperationModel, run_ensemble
"""

from sim.ensemble import compare, run_ensemble
from sim.model import CooperationModel
from sim.scenario import Scenario, load_scenario
from sim.stages import Stage
from sim.validation import InputError

__all__ = ["CooperationModel", "InputError", "Scenario", "Stage", "compare", "load_scenario", "run_ensemble"]
