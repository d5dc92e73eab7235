"""The patterns of the study (Fkun 2023) that the default scenario must reproduce, as measures on
ensemble results: what `docs/validation.md` reports (`scripts/doc_figures.py`) and
`tests/test_patterns.py` requires, written once.

1. status quo: cooperation rarely forms, and each regency's barriers are the study's diagnosis;
2. the key actor gets dialogue going;
3. Regional Management plus forms cooperation most often, keeps it longest, loses it least to
   elections;
4. dialogue under the bishop has not yet produced formal cooperation at the time of the study.
"""

from __future__ import annotations

from sim.outcomes import Outcomes

# The study's diagnosis (finding 1): what each regency lacks.
NAMED_BARRIERS = {
    "TTU": ("knowledge", "need"),
    "Belu": ("knowledge", "willingness", "capacity"),
    "Malaka": ("knowledge", "willingness", "interest"),
}
STATUS_QUO_AT_MOST = 0.10  # pattern 1: "rarely forms"
NAMED_AT_LEAST = 0.60  # pattern 1: the named barriers hold most of each regency's profile
TALKING_AT_LEAST = 0.50  # pattern 2: initiation or beyond in at least half of the runs ...
TALKING_TIMES = 3  # ... and at least three times as often as under the status quo
DIALOGUE_MONTHS = 48  # pattern 4: the study's time, one term of dialogue (docs/validation.md)
DIALOGUE_FORMED_AT_MOST = 0.25  # pattern 4: the history the study saw has a chance of 3 in 4 at least
FLOOR, CEILING = 0.02, 0.97  # no setup but the status quo formed in fewer or more runs than these


def reached_initiation(summary: dict) -> float:
    """Share of runs whose initiative reached initiation or beyond (from `summarise`)."""
    return sum(summary["highest_stage"][s] for s in ("initiation", "organising", "implementation", "monitoring"))


def formed_by(outcomes: Outcomes, month: int) -> float:
    """Share of runs in which cooperation formed by `month`."""
    return float((outcomes.formed & (outcomes.month_formed <= month)).mean())


def broken_by_elections(outcomes: Outcomes) -> float:
    """Of the runs in which cooperation formed, the share that lost it soon after an election."""
    return float((outcomes.dissolutions_after_election > 0).sum() / max(outcomes.formed.sum(), 1))


def diagnosis(profiles: dict[str, dict[str, float]]) -> dict:
    """Pattern 1's barriers under the status quo: each regency's share of its named barriers, its
    largest barrier, and whether the regencies differ as the study says they do (need weighs most
    for TTU, capacity for Belu, interest for Malaka, willingness for Belu and Malaka more than for
    TTU)."""
    named = {r: sum(profiles[r][a] for a in attributes) for r, attributes in NAMED_BARRIERS.items()}
    top = {r: max(profiles[r], key=profiles[r].get) for r in NAMED_BARRIERS}

    def share(attribute: str, regency: str) -> float:
        return profiles[regency][attribute]

    differ = (
        share("need", "TTU") > max(share("need", "Belu"), share("need", "Malaka"))
        and share("capacity", "Belu") > max(share("capacity", "TTU"), share("capacity", "Malaka"))
        and share("interest", "Malaka") > max(share("interest", "TTU"), share("interest", "Belu"))
        and min(share("willingness", "Belu"), share("willingness", "Malaka")) > share("willingness", "TTU")
    )
    holds = all(named[r] >= NAMED_AT_LEAST and top[r] in NAMED_BARRIERS[r] for r in NAMED_BARRIERS)
    return {"named": named, "top": top, "holds": holds, "differ": bool(differ)}


def in_range(rate: float) -> bool:
    return bool(FLOOR <= rate <= CEILING)
