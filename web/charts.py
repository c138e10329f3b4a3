"""A small server-rendered SVG chart of camera counts over time: no JavaScript, no library.

Each observation is one mark (installed: circle, planned: square, announced: diamond, so the kinds
differ by shape as well as colour). Observations dated the same are drawn side by side, so
conflicting counts stay visible. A fuzzy date is placed at the middle of the period it covers
("2017" in mid-2017) and labelled as the source gave it.
"""

import math
from dataclasses import dataclass
from datetime import date

from registry.fuzzydates import fuzzy_date_range

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40
SPREAD = 12  # pixels between marks of the same date
SIZE = 6
SHAPES = {"installed": "circle", "planned": "square", "announced": "diamond"}


@dataclass(frozen=True)
class Mark:
    count: object
    x: float
    y: float
    shape: str
    path: str


def _nice_ceiling(value: int) -> int:
    if value <= 10:
        return 10
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return int(10 * magnitude)


def _mark_path(shape: str, x: float, y: float) -> str:
    s = SIZE
    if shape == "square":
        return f"M{x - s + 1:.1f},{y - s + 1:.1f}h{2 * s - 2}v{2 * s - 2}h-{2 * s - 2}z"
    if shape == "diamond":
        return f"M{x:.1f},{y - s - 1:.1f}l{s + 1},{s + 1}l-{s + 1},{s + 1}l-{s + 1},-{s + 1}z"
    return f"M{x - s:.1f},{y:.1f}a{s},{s} 0 1,0 {2 * s},0a{s},{s} 0 1,0 -{2 * s},0z"


def camera_count_chart(counts) -> dict | None:
    """Geometry of the chart for the given camera counts (ordered as they should be read)."""
    counts = list(counts)
    if not counts:
        return None
    ranges = {count.timeline_date: fuzzy_date_range(count.timeline_date) for count in counts}
    first_year = min(start.year for start, _ in ranges.values())
    last_year = max(end.year for _, end in ranges.values())
    x0 = date(first_year, 1, 1).toordinal()
    x1 = date(last_year + 1, 1, 1).toordinal()
    y_max = _nice_ceiling(max(count.cameras for count in counts))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(ordinal: float) -> float:
        return LEFT + (ordinal - x0) / (x1 - x0) * plot_w

    def y_of(value: int) -> float:
        return TOP + plot_h - value / y_max * plot_h

    by_date: dict[str, list] = {}
    for count in counts:
        by_date.setdefault(count.timeline_date, []).append(count)
    marks = []
    for dated, same_date in by_date.items():
        start, end = ranges[dated]
        middle = (start.toordinal() + end.toordinal()) / 2
        for index, count in enumerate(same_date):
            x = x_of(middle) + (index - (len(same_date) - 1) / 2) * SPREAD
            y = y_of(count.cameras)
            shape = SHAPES.get(count.kind, "circle")
            marks.append(
                Mark(count=count, x=round(x, 1), y=round(y, 1), shape=shape, path=_mark_path(shape, x, y))
            )

    year_step = max(1, math.ceil((last_year - first_year + 1) / 10))
    x_ticks = [
        {"label": str(year), "x": round(x_of(date(year, 1, 1).toordinal()), 1)}
        for year in range(first_year, last_year + 2, year_step)
    ]
    y_ticks = [{"value": round(y_max * i / 4), "y": round(y_of(y_max * i / 4), 1)} for i in range(5)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "label_y": HEIGHT - BOTTOM + 20,
        "marks": marks,
        "x_ticks": x_ticks,
        "y_ticks": y_ticks,
    }
