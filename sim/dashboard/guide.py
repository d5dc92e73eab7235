"""The settings the facilitator's guide (`docs/workshop.md`) walks through, row by row: the
guide's table of odds is computed from them (`scripts/doc_figures.py`) and the dashboard computes
their odds at start-up, so that the guide's steps are answered at once in the room."""

from __future__ import annotations

from dataclasses import replace

from sim.dashboard.settings import Settings


def guide_settings() -> list[tuple[str, str, str, Settings]]:
    """(key, English, Indonesian, settings) for each setting the guide walks through."""

    def of(setup: str) -> Settings:
        return Settings.of(setup=setup)

    def attribute(settings: Settings, regency: str, name: str, value: float) -> Settings:
        attributes = {r: dict(values) for r, values in settings.attributes.items()}
        attributes[regency][name] = value
        return replace(settings, attributes=attributes)

    def legitimacy(settings: Settings, regency: str, value: float) -> Settings:
        return replace(settings, legitimacy={**settings.legitimacy, regency: value})

    def wisdom(settings: Settings, **switches: bool) -> Settings:
        return replace(settings, local_wisdom={**settings.local_wisdom, **switches})

    weak_malaka = legitimacy(of("key_actor"), "Malaka", 0.3)
    all_wisdom = {"adat_leaders": True, "adat_sanctions": True, "local_regulation": True}
    return [
        ("A", "Status quo", "Status quo", of("status_quo")),
        ("B", "Key actor (bishop)", "Aktor kunci (uskup)", of("key_actor")),
        (
            "C",
            "B, Belu's capacity 0.30 → 0.50",
            "B, kemampuan Belu 0,30 → 0,50",
            attribute(of("key_actor"), "Belu", "capacity", 0.5),
        ),
        ("D", "B, the bishop's legitimacy in Malaka 0.3", "B, legitimasi uskup di Malaka 0,3", weak_malaka),
        ("E", "D with adat leaders endorsing", "D dengan tokoh adat merestui", wisdom(weak_malaka, adat_leaders=True)),
        ("F", "Regional Management", "Regional Management", of("regional_management")),
        ("G", "Regional Management plus", "Regional Management plus", of("rm_plus")),
        ("H", "G without the key actor", "G tanpa aktor kunci", replace(of("rm_plus"), key_actor=False)),
        ("I", "G with no body (informal)", "G tanpa badan (informal)", replace(of("rm_plus"), body="none")),
        (
            "J",
            "B with all three local-wisdom switches",
            "B dengan ketiga sakelar kearifan lokal",
            wisdom(of("key_actor"), **all_wisdom),
        ),
        (
            "K",
            "B, strategy weakest first",
            "B, strategi yang terlemah dulu",
            replace(of("key_actor"), strategy="weakest_first"),
        ),
        (
            "L",
            "B, strategy pairs in turn",
            "B, strategi berpasangan bergiliran",
            replace(of("key_actor"), strategy="round_robin"),
        ),
        ("M", "B, one meeting a month", "B, satu pertemuan sebulan", replace(of("key_actor"), meetings_per_month=1.0)),
        ("N", "G with a horizon of 60 months", "G dengan kurun waktu 60 bulan", replace(of("rm_plus"), months=60)),
    ]
