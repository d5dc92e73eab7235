"""The words of the model in English and Bahasa Indonesia: one table for the CLI, the reports and
the dashboard, so that a stage or a barrier has the same name everywhere.
"""

from __future__ import annotations

from sim.stages import Stage

LANGUAGES = ("en", "id")

# The study's own words for what stands in the way (Fkun 2023); trust is the model's addition.
BARRIER_WORDS: dict[str, str] = {
    "knowledge": "tidak tahu",
    "need": "tidak butuh",
    "willingness": "tidak mau",
    "capacity": "tidak mampu",
    "interest": "tidak berminat",
    "trust": "tidak percaya",
}

TERMS: dict[str, dict[str, str]] = {
    "en": {
        "knowledge": "knowledge",
        "need": "need",
        "willingness": "willingness",
        "capacity": "capacity",
        "interest": "interest",
        "trust": "trust",
        "barrier.knowledge": "does not know",
        "barrier.need": "does not need",
        "barrier.willingness": "does not want",
        "barrier.capacity": "is not able",
        "barrier.interest": "is not interested",
        "barrier.trust": "does not trust",
        "stage.none": "none",
        "stage.planning": "planning",
        "stage.initiation": "initiation",
        "stage.organising": "organising",
        "stage.implementation": "implementation",
        "stage.monitoring": "monitoring & evaluation",
    },
    "id": {
        "knowledge": "pengetahuan",
        "need": "kebutuhan",
        "willingness": "kemauan",
        "capacity": "kemampuan",
        "interest": "minat",
        "trust": "kepercayaan",
        **{f"barrier.{a}": word for a, word in BARRIER_WORDS.items()},
        "stage.none": "belum ada",
        "stage.planning": "perencanaan awal",
        "stage.initiation": "inisiasi",
        "stage.organising": "pengorganisasian",
        "stage.implementation": "pelaksanaan",
        "stage.monitoring": "monitoring dan evaluasi",
    },
}


def term(key: str, lang: str = "en") -> str:
    """The word for `key` in `lang`, falling back to English, then to the key itself."""
    return TERMS.get(lang, {}).get(key) or TERMS["en"].get(key, key)


def stage_name(stage: Stage | int, lang: str = "en") -> str:
    return term(f"stage.{Stage(stage).name.lower()}", lang)


def barrier_phrase(attribute: str) -> str:
    """'tidak tahu (does not know)': the study's words with an English gloss."""
    return f"{BARRIER_WORDS[attribute]} ({TERMS['en'][f'barrier.{attribute}']})"
