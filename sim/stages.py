"""The vocabulary the rules and both drivers share: the stages of the grand design and the
attributes that can stand in the way of cooperation.

Kept apart from `rules.py` so that the model, the CLI and the dashboard can name stages and
attributes without importing any behaviour.
"""

from enum import IntEnum


class Stage(IntEnum):
    """Where a regency stands on the grand design of inter-regional cooperation (Fkun 2023).

    The order is the order of the grand design; a regency moves up one stage at a time,
    implementation and monitoring & evaluation alternate, and dissolution sends it back.
    """

    NONE = 0
    PLANNING = 1  # perencanaan awal
    INITIATION = 2  # inisiasi
    ORGANISING = 3  # pengorganisasian
    IMPLEMENTATION = 4  # pelaksanaan
    MONITORING = 5  # monitoring dan evaluasi


# The stages whose entry is gated, in order; a regency in stage s faces GATES[s] next
# (a regency in implementation keeps facing the implementation gate: it decides to contribute).
GATES: tuple[Stage, ...] = (
    Stage.PLANNING,
    Stage.INITIATION,
    Stage.ORGANISING,
    Stage.IMPLEMENTATION,
)

# The attributes that can stand in the way. `trust` is a regency's mean trust towards the others.
ATTRIBUTES: tuple[str, ...] = (
    "knowledge",
    "need",
    "willingness",
    "capacity",
    "interest",
    "trust",
)

# The five attributes a regency carries (trust is a relation, kept as a matrix).
REGENCY_ATTRIBUTES: tuple[str, ...] = ATTRIBUTES[:5]

# What a gate can ask for: the attributes, and the regency's expected net benefit of cooperating
# (institutional collective action: the programme's value to it, minus its cost share and the
# transaction costs). A shortfall of net benefit is a barrier of the attributes that make up the
# value (need, interest) and the defection risk (trust); see rules.net_benefit_shares.
CONDITIONS: tuple[str, ...] = (*ATTRIBUTES, "net_benefit")
