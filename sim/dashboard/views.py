"""The dashboard's drawings as SVG text, from a model's history: a schematic map of West Timor,
the grand design timeline and the attributes over time.

SVG is redrawn in a few milliseconds at every step, needs no front-end library (the page works
offline), and its labels are text a test can read.
"""

from __future__ import annotations

from html import escape

import numpy as np

from sim import rules
from sim.dashboard.model import DashboardModel
from sim.figures import regency_colour
from sim.stages import ATTRIBUTES, Stage
from sim.terms import barrier_phrase, number, stage_name, term

STAGE_COLOURS = {
    Stage.NONE: "#CCCCCC",
    Stage.PLANNING: "#F0E442",
    Stage.INITIATION: "#E69F00",
    Stage.ORGANISING: "#56B4E9",
    Stage.IMPLEMENTATION: "#009E73",
    Stage.MONITORING: "#0072B2",
}

# Schematic geography (longitude, latitude), approximate: for display only.
VIEW = (124.0, 125.35, -9.78, -8.88)  # west, east, south, north
TIMOR = [
    (124.0, -9.33),
    (124.35, -9.16),
    (124.55, -9.20),
    (124.75, -9.05),
    (124.95, -8.96),
    (125.35, -8.86),
    (125.35, -9.78),
    (124.0, -9.78),
]
OECUSSE = [(124.04, -9.30), (124.35, -9.16), (124.47, -9.19), (124.45, -9.38), (124.25, -9.47), (124.06, -9.42)]
BORDER = [(125.07, -8.95), (125.12, -9.10), (125.16, -9.25), (125.12, -9.40), (125.05, -9.56), (125.02, -9.78)]
BORDER_POSTS = {"Wini": (124.50, -9.21), "Motaain": (125.08, -8.98), "Motamasin": (125.07, -9.49)}
WIDTH, HEIGHT = 460, 330
RADIUS = 25  # px of a regency's circle: its name fits inside, its stage is written under it
HALO = ' paint-order="stroke" stroke="white" stroke-width="3" stroke-linejoin="round"'  # text readable over lines
CHARACTER_WIDTH = 6.8  # px of an average character at the drawings' 12 px: enough to lay out a legend
RING = (150, 100)  # half-axes (px) of the ring of regencies whose positions the scenario leaves out
MARGIN = 48  # a regency drawn by its position keeps its circle and name this far inside the drawing
SEAT_LIFT = 36  # a seat in a regency's capital (Atambua) is drawn this far above, clear of the circle
EDGE = 14  # a seat off the map (Kupang) is drawn at this distance inside the map's edge


def project(lon: float, lat: float) -> tuple[float, float]:
    west, east, south, north = VIEW
    return (lon - west) / (east - west) * WIDTH, (north - lat) / (north - south) * HEIGHT


def points(coordinates: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in (project(*c) for c in coordinates))


def svg(width: int, height: int, body: list[str], label: str, max_height: int | None = None) -> str:
    """An SVG scaled to its card's width; `max_height` (px) keeps it inside a dashboard cell."""
    limit = f"; max-height: {max_height}px" if max_height else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(label)}" style="font-family: sans-serif; font-size: 12px{limit}">'
        + "".join(body)
        + "</svg>"
    )


def on_timor(model: DashboardModel) -> bool:
    """Whether every regency has a position on the schematic of West Timor."""
    return all(
        regency.position and VIEW[0] <= regency.position[0] <= VIEW[1] and VIEW[2] <= regency.position[1] <= VIEW[3]
        for regency in model.regencies
    )


def regency_positions(model: DashboardModel) -> list[tuple[float, float]]:
    """Where each regency is drawn: its capital on the map of Timor; for another scenario, its
    position fitted to the drawing; in a ring when the scenario does not give every position."""
    if on_timor(model):
        return [project(*regency.position) for regency in model.regencies]
    n = len(model.regencies)
    if not all(regency.position for regency in model.regencies):
        angles = [2 * np.pi * i / n - np.pi / 2 for i in range(n)]
        return [(WIDTH / 2 + RING[0] * np.cos(a), HEIGHT / 2 - 10 + RING[1] * np.sin(a)) for a in angles]
    lon, lat = np.array([regency.position for regency in model.regencies], dtype=float).T
    spread_x, spread_y = max(np.ptp(lon), 1e-9), max(np.ptp(lat), 1e-9)
    left, top, width, height = MARGIN, MARGIN, WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN - 20
    return [
        (left + (x - lon.min()) / spread_x * width, top + (lat.max() - y) / spread_y * height)
        for x, y in zip(lon, lat, strict=True)
    ]


def map_svg(model: DashboardModel, lang: str) -> str:
    """Regencies coloured by their stage, trust as lines, the key actor's meetings of this month,
    and a key to the stages' colours below."""
    positions, timor = regency_positions(model), on_timor(model)
    background = geography(lang) if timor else [f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#F4F1E8"/>']
    body = background + trust_lines(model, positions, lang)
    if model.key_actor:
        # off Timor, no geography to place the seat on: the star stands in a corner, named
        seat, on_map = seat_position(model.key_actor.position, positions) if timor else ((EDGE, EDGE + 30), True)
        body += meeting_lines(model.history["met"][-1], positions, seat)
    body += regency_circles(model, positions, lang)
    if model.key_actor:
        body += seat_marker(seat, on_map, model.key_actor.seat, model.key_actor.name, lang)
    notes = [term("ui.schematic", lang)] + ([term("ui.meeting", lang)] if model.key_actor else [])
    for row, note in enumerate(notes):
        body.append(f'<text x="6" y="{16 + 15 * row}" fill="#444"{HALO}>{escape(note)}</text>')
    keys = [
        (
            f'<rect width="12" height="12" y="-10" fill="{colour}" stroke="#444" stroke-width="0.5"/>',
            stage_name(stage, lang),
        )
        for stage, colour in STAGE_COLOURS.items()
    ]
    legend, height = legend_rows(keys, left=6, top=HEIGHT + 18, width=WIDTH - 6)
    body = [f'<rect width="{WIDTH}" height="{height}" fill="white"/>', *body, *legend]
    return svg(WIDTH, height, body, term("ui.map", lang))


def seat_position(
    position: list[float] | None, regencies: list[tuple[float, float]]
) -> tuple[tuple[float, float], bool]:
    """Where the key actor's star goes, and whether that is the seat itself: a seat off the map
    (the governor's Kupang) or without a position is drawn at the map's edge nearest to it."""
    if not position:
        return (EDGE, EDGE), False
    x, y = project(*position)
    inside = 0 <= x <= WIDTH and 0 <= y <= HEIGHT
    if not inside:
        return (min(max(x, EDGE), WIDTH - EDGE), min(max(y, EDGE), HEIGHT - EDGE)), False
    if any(np.hypot(x - rx, y - ry) < 30 for rx, ry in regencies):
        y -= SEAT_LIFT
    return (x, y), True


def geography(lang: str) -> list[str]:
    """Sea, West Timor, Timor-Leste with Oecusse, the border and its posts."""
    body = [f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#DCEBF5"/>']
    body.append(f'<polygon points="{points(TIMOR)}" fill="#F4F1E8" stroke="#999" stroke-width="0.8"/>')
    for shape in (OECUSSE, [*BORDER, (125.35, -9.78), (125.35, -8.86)]):
        body.append(f'<polygon points="{points(shape)}" fill="#E3DED0" stroke="#999" stroke-width="0.8"/>')
    body.append(
        f'<polyline points="{points(BORDER)}" fill="none" stroke="#B22222" stroke-width="1.6" stroke-dasharray="5,3"/>'
    )
    for key, (lon, lat), size in (("ui.timor_leste", (125.22, -9.30), 13), ("ui.oecusse", (124.24, -9.33), 11)):
        x, y = project(lon, lat)
        body.append(
            f'<text x="{x:.0f}" y="{y:.0f}" fill="#7A1F1F" font-size="{size}" text-anchor="middle">{escape(term(key, lang))}</text>'
        )
    for name, (lon, lat) in BORDER_POSTS.items():
        x, y = project(lon, lat)
        label = f"PLBN {name}"
        # right of its post; one that would run off the map (Motamasin) goes under it, against
        # the map's edge, away from the regency beside it
        fits = x + 7 + CHARACTER_WIDTH * len(label) <= WIDTH
        at, line, anchor = (x + 7, y + 4, "start") if fits else (WIDTH - 3, y + 17, "end")
        body.append(
            f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="#B22222"/><text x="{at:.1f}" y="{line:.1f}" fill="#7A1F1F" font-size="11" text-anchor="{anchor}"{HALO}>{escape(label)}</text>'
        )
    return body


def trust_lines(model: DashboardModel, positions: list[tuple[float, float]], lang: str) -> list[str]:
    """A line between each pair of regencies, thicker and darker as they trust each other more."""
    body, trust = [], rules.mutual_trust(model.state.trust)
    for i in range(len(positions)):
        for j in range(i + 1, len(positions)):
            mutual = trust[i, j]
            (x1, y1), (x2, y2) = positions[i], positions[j]
            body.append(
                f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#555" stroke-width="{1 + 7 * mutual:.1f}" stroke-opacity="{0.25 + 0.6 * mutual:.2f}"/>'
                f'<text x="{(x1 + x2) / 2:.0f}" y="{(y1 + y2) / 2 + 4:.0f}" fill="#222" font-size="12" text-anchor="middle"{HALO}>{number(mutual, lang, digits=2)}</text>'
            )
    return body


def meeting_lines(met: np.ndarray, positions: list[tuple[float, float]], seat: tuple[float, float]) -> list[str]:
    """A dashed line from the key actor's seat to each regency he met this month."""
    ax, ay = seat
    return [
        f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#CC79A7" stroke-width="2.5" stroke-dasharray="4,3"/>'
        for (x, y), attended in zip(positions, met, strict=True)
        if attended
    ]


def regency_circles(model: DashboardModel, positions: list[tuple[float, float]], lang: str) -> list[str]:
    """Each regency in the colour of its stage, its stage written under it; members of the
    cooperation ringed in green. A regency past organising with no cooperation in force (its
    partners left) is drawn as organising, waiting for partners: nothing is implemented alone."""
    body, members = [], set(model.member_names)
    for regency, (x, y), stage in zip(model.regencies, positions, model.state.stage, strict=True):
        stage = Stage(int(stage))
        words = stage_name(stage, lang)
        if stage >= Stage.IMPLEMENTATION and regency.name not in members:
            stage, words = Stage.ORGANISING, term("ui.waiting", lang)
        ring = ' stroke="#006644" stroke-width="4"' if regency.name in members else ' stroke="#444" stroke-width="1"'
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{RADIUS}" fill="{STAGE_COLOURS[stage]}"{ring}/>'
            f'<text x="{x:.1f}" y="{y + 5:.1f}" text-anchor="middle" font-weight="bold" font-size="14">{escape(regency.name)}</text>'
            f'<text x="{x:.1f}" y="{y + RADIUS + 14:.1f}" text-anchor="middle" font-size="12"{HALO}>{escape(words)}</text>'
        )
    return body


def seat_marker(seat: tuple[float, float], on_map: bool, place: str, name: str, lang: str) -> list[str]:
    """A star at the seat, named: 'Atambua: seat of Uskup Atambua'; off the map, '← Kupang: …'."""
    x, y = seat
    label = term("ui.seat", lang).format(seat=place, name=name)
    if not on_map:
        label = ("← " if x < WIDTH / 2 else "") + label + (" →" if x > WIDTH / 2 else "")
    anchor, dx = ("end", -11) if x > WIDTH / 2 else ("start", 11)
    return [
        f'<text x="{x:.1f}" y="{y + 6:.1f}" text-anchor="middle" font-size="18" fill="#8B2A6B">★</text>'
        f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" font-size="11" fill="#8B2A6B" text-anchor="{anchor}"{HALO}>{escape(label)}</text>'
    ]


def timeline_svg(model: DashboardModel, lang: str) -> str:
    """Each regency's stage (and the initiative's) month by month; elections and droughts marked."""
    months, names = model.spec.months, [r.name for r in model.regencies]
    left, top, row, width = 74, 22, 22, 480
    rows = [term("ui.initiative", lang), *names]
    axis_y = top + row * len(rows) + 14
    x_of = lambda month: left + month / months * (width - left - 12)  # noqa: E731
    body = []
    for month, dry in enumerate(model.monthly("drought")):
        if dry:
            body.append(
                f'<rect x="{x_of(month - 0.5):.1f}" y="{top - 4}" width="{x_of(1) - x_of(0):.2f}" height="{row * len(rows) + 4}" fill="#F5D6A8" opacity="0.6"/>'
            )
    stages = [model.monthly("stage"), *np.array(model.history["stage"]).T.tolist()]
    for r, (label, series) in enumerate(zip(rows, stages, strict=True)):
        y = top + r * row
        weight = "bold" if r == 0 else "normal"
        body.append(
            f'<text x="{left - 6}" y="{y + row / 2 + 4:.0f}" text-anchor="end" font-weight="{weight}">{escape(label)}</text>'
        )
        start = 0
        for month in range(1, len(series) + 1):
            if month == len(series) or series[month] != series[start]:
                body.append(
                    f'<rect x="{x_of(start):.1f}" y="{y + 2}" width="{max(x_of(month) - x_of(start), 1):.1f}" height="{row - 5}" fill="{STAGE_COLOURS[Stage(series[start])]}"/>'
                )
                start = month
    for month, elected in enumerate(model.monthly("election")):
        if elected:
            x = x_of(month)
            body.append(
                f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{top + row * len(rows)}" stroke="#B22222" stroke-width="1.5"/>'
                f'<text x="{x:.1f}" y="{top - 9}" fill="#B22222" font-size="11" text-anchor="{label_anchor(x, left, width)}">{escape(term("ui.election", lang))}</text>'
            )
    now = x_of(model.month)
    body.append(f'<line x1="{now:.1f}" y1="{top - 6}" x2="{now:.1f}" y2="{axis_y - 10}" stroke="#222"/>')
    ticks = list(range(0, months + 1, 12 if months <= 120 else 24))
    for month in ticks + ([months] if ticks[-1] != months else []):  # the horizon is always marked
        body.append(
            f'<text x="{x_of(month):.1f}" y="{axis_y}" text-anchor="middle" font-size="11" fill="#444">{month}</text>'
        )
    keys = [
        (f'<rect width="11" height="11" y="-10" fill="{colour}"/>', stage_name(stage, lang))
        for stage, colour in STAGE_COLOURS.items()
    ]
    keys += [
        ('<rect width="11" height="11" y="-10" fill="#F5D6A8"/>', term("ui.drought", lang)),
        ('<line x1="5" x2="5" y1="-11" y2="2" stroke="#B22222" stroke-width="1.5"/>', term("ui.election", lang)),
    ]
    legend, height = legend_rows(keys, left=8, top=axis_y + 20, width=width - 8)
    return svg(
        width,
        height,
        [f'<rect width="{width}" height="{height}" fill="white"/>', *body, *legend],
        term("ui.timeline", lang),
    )


def label_anchor(x: float, left: float, width: float, room: float = 30) -> str:
    """A label centred on its mark, unless that would cut it at either end of the drawing."""
    return "end" if x > width - room else "start" if x < left + room else "middle"


def legend_rows(keys: list[tuple[str, str]], left: float, top: float, width: float) -> tuple[list[str], float]:
    """Legend keys (a symbol drawn at 0,0 and its words) laid out in as many rows as they need;
    the body and the height of the drawing that holds them."""
    body, x, y = [], left, top
    for symbol, words in keys:
        size = 18 + CHARACTER_WIDTH * len(words)
        if x + size > width and x > left:
            x, y = left, y + 17
        shift = 15 if symbol else 0
        body.append(
            f'<g transform="translate({x:.1f},{y:.1f})">{symbol}<text x="{shift}" y="0">{escape(words)}</text></g>'
        )
        x += size + 10
    return body, y + 10


def attributes_svg(model: DashboardModel, lang: str) -> str:
    """Small multiples: each attribute (and mean trust) of each regency over the months, each
    panel with its axes (the share from 0 to 1, the months from 0 to the horizon)."""
    values = np.array(model.history["values"])  # (months so far + 1, n, 6)
    months, names = model.spec.months, [r.name for r in model.regencies]
    axis, panel_w, panel_h, gap, title, ticks = 24, 128, 70, 12, 18, 16
    cell_h = title + panel_h + ticks + 6
    width = 3 * (axis + panel_w) + 2 * gap
    body = []
    for k, attribute in enumerate(ATTRIBUTES):
        ox, oy = (k % 3) * (axis + panel_w + gap) + axis, (k // 3) * cell_h + title
        body.append(f'<text x="{ox}" y="{oy - 5}" font-weight="bold">{escape(term(attribute, lang))}</text>')
        body.append(f'<rect x="{ox}" y="{oy}" width="{panel_w}" height="{panel_h}" fill="#FAFAFA" stroke="#999"/>')
        for level in (0.0, 0.5, 1.0):
            y = oy + panel_h * (1 - level)
            body.append(f'<line x1="{ox}" y1="{y:.1f}" x2="{ox + panel_w}" y2="{y:.1f}" stroke="#E4E4E4"/>')
            body.append(
                f'<text x="{ox - 3}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{number(level, lang, digits=1 if level == 0.5 else 0)}</text>'
            )
        for month, anchor in ((0, "start"), (months, "end")):
            body.append(
                f'<text x="{ox + month / months * panel_w:.1f}" y="{oy + panel_h + 13}" text-anchor="{anchor}" font-size="11" fill="#444">{month}</text>'
            )
        for i in range(len(names)):
            line = " ".join(
                f"{ox + m / months * panel_w:.1f},{oy + panel_h * (1 - v):.1f}" for m, v in enumerate(values[:, i, k])
            )
            body.append(f'<polyline points="{line}" fill="none" stroke="{regency_colour(i)}" stroke-width="1.8"/>')
    keys = [(f'<rect width="18" height="4" y="-5" fill="{regency_colour(i)}"/>', name) for i, name in enumerate(names)]
    keys.append(("", term("ui.attribute_axes", lang)))
    legend, height = legend_rows(keys, left=0, top=2 * cell_h + 10, width=width)
    return svg(
        width,
        height,
        [f'<rect width="{width}" height="{height}" fill="white"/>', *body, *legend],
        term("ui.attributes", lang),
    )


def explanation(model: DashboardModel, lang: str) -> str:
    """Why the run on screen stands where it does, in a sentence: what holds the initiative back,
    who took part, or why cooperation dissolved (the election, the regency that left)."""
    formed = model.state.formed_month.item()
    if formed < 0:
        waiting = min(model.regencies, key=lambda regency: int(regency.stage))
        barrier = waiting.binding_barrier
        if barrier is None:
            return term("ui.why_soon", lang)
        words = term("ui.why_none" if model.stage == Stage.NONE else "ui.why_not", lang)
        return words.format(
            stage=stage_name(model.stage, lang), regency=waiting.name, barrier=barrier_phrase(barrier, lang)
        )
    if model.member_names:
        return term("ui.why_formed", lang).format(members=", ".join(model.member_names))
    members = model.datacollector.model_vars["members"]
    ended = max(month for month, names in enumerate(members) if names) + 1
    left = [regency.name for regency in model.regencies if regency.name in members[ended - 1]]
    elections = [month for month, held in enumerate(model.monthly("election")[: ended + 1]) if held]
    recent = [month for month in elections if ended - month <= model.params.shocks.election_aftermath]
    reason = term("ui.why_election", lang).format(month=recent[-1]) if recent else term("ui.why_left", lang)
    return term("ui.why_dissolved", lang).format(month=ended, reason=reason, members=", ".join(left))


def binding_lines(model: DashboardModel, lang: str) -> list[str]:
    """Each regency's binding barrier now, in the study's words."""
    lines = []
    for regency in model.regencies:
        barrier = regency.binding_barrier
        if barrier is None:
            lines.append(term("ui.cooperating", lang).format(regency=regency.name))
        else:
            lines.append(term("ui.binding", lang).format(regency=regency.name, barrier=barrier_phrase(barrier, lang)))
    return lines
