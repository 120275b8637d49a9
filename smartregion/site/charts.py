"""Charts drawn on the server as SVG: the geometry of bars, columns and a line for a template
(templates/site/_chart.html), with nothing to run in the browser.

Each chart is an image with a title and a short description for screen readers; the figures
themselves stand in a table beside it. Sizes are in the SVG's own units: the SVG scales to the
width of the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from django.utils.formats import number_format

WIDTH = 720
LABEL_WIDTH = 210  # the category names left of horizontal bars
BAR_HEIGHT = 22
BAR_GAP = 10
PLOT_HEIGHT = 240  # columns and the line
AXIS_LEFT = 56
AXIS_BOTTOM = 40
TOP = 16
RIGHT = 56  # room for the value at the end of the longest bar


@dataclass(frozen=True)
class Mark:
    """A bar, a column or a point, with its label and value."""

    label: str
    value: int
    x: float
    y: float
    width: float = 0
    height: float = 0
    series: int = 0  # which count of the row (columns may show two side by side)
    text_x: float = 0  # where its value (bars) or its label (periods) is written
    text_y: float = 0

    @property
    def text(self) -> str:
        return number_format(self.value, force_grouping=True)


@dataclass(frozen=True)
class Tick:
    value: int
    position: float  # x for bars, y for columns and the line
    text_x: float = 0
    text_y: float = 0

    @property
    def text(self) -> str:
        return number_format(self.value, force_grouping=True)


@dataclass
class Chart:
    kind: str
    width: int
    height: int
    marks: list[Mark] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    labels: list[Mark] = field(default_factory=list)  # the periods under columns or the line
    line: str = ""  # the points of the line, "x,y x,y …"
    legend: list[Mark] = field(default_factory=list)  # the names of two counts side by side
    summary: str = ""  # what the chart shows, in a sentence, for screen readers
    plot_left: float = 0
    plot_bottom: float = 0
    plot_right: float = 0


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 × 10ⁿ that is at least ``value`` (and at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover (10 × power is always enough)


def _ticks(top: int) -> list[int]:
    step = top // 5 if top >= 5 and top % 5 == 0 else max(1, top // 2) if top > 1 else 1
    return list(range(0, top + 1, step))


def bars(rows: list[tuple[str, int]]) -> Chart:
    """Horizontal bars, one per category, the name on the left and the value at the end."""
    top = nice_ceiling(max((value for _, value in rows), default=0))
    span = WIDTH - LABEL_WIDTH - RIGHT
    chart = Chart(
        "bars",
        WIDTH,
        TOP + len(rows) * (BAR_HEIGHT + BAR_GAP) + AXIS_BOTTOM,
        plot_left=LABEL_WIDTH,
        plot_right=WIDTH - RIGHT,
    )
    for index, (label, value) in enumerate(rows):
        y = TOP + index * (BAR_HEIGHT + BAR_GAP)
        width = span * value / top
        chart.marks.append(
            Mark(
                label,
                value,
                x=LABEL_WIDTH,
                y=y,
                width=width,
                height=BAR_HEIGHT,
                text_x=LABEL_WIDTH + width + 6,
                text_y=y + 16,
            )
        )
    chart.plot_bottom = TOP + len(rows) * (BAR_HEIGHT + BAR_GAP)
    chart.ticks = [
        Tick(v, x, text_x=x, text_y=chart.plot_bottom + 18)
        for v in _ticks(top)
        for x in [LABEL_WIDTH + span * v / top]
    ]
    return chart


def columns(rows: list[tuple[str, list[int]]], names: list[str] = ()) -> Chart:
    """Vertical columns per period, one or two counts side by side (``names`` them in a legend
    above), a value axis on the left."""
    top = nice_ceiling(max((v for _, values in rows for v in values), default=0))
    series = max((len(values) for _, values in rows), default=1)
    chart = Chart(
        "columns",
        WIDTH,
        TOP + PLOT_HEIGHT + AXIS_BOTTOM,
        plot_left=AXIS_LEFT,
        plot_bottom=TOP + PLOT_HEIGHT,
        plot_right=WIDTH - 8,
    )
    slot = (chart.plot_right - AXIS_LEFT) / max(len(rows), 1)
    width = min(48, slot * 0.7 / series)
    every = max(1, math.ceil(len(rows) / 12))  # at most about twelve period labels
    for index, (label, values) in enumerate(rows):
        left = AXIS_LEFT + index * slot + (slot - width * series) / 2
        for number, value in enumerate(values):
            height = PLOT_HEIGHT * value / top
            chart.marks.append(
                Mark(
                    label,
                    value,
                    x=left + number * width,
                    y=chart.plot_bottom - height,
                    width=width,
                    height=height,
                    series=number,
                    # The value above its column, where there is room to write it.
                    text_x=left + number * width + width / 2 if width >= 24 else 0,
                    text_y=chart.plot_bottom - height - 6,
                )
            )
        if index % every == 0:
            x = AXIS_LEFT + index * slot + slot / 2
            chart.labels.append(Mark(label, 0, x=x, y=0, text_x=x, text_y=chart.plot_bottom + 20))
    if len(names) > 1:
        chart.legend = [
            Mark(
                name,
                0,
                x=AXIS_LEFT + 8 + 200 * number,
                y=2,
                width=12,
                height=12,
                series=number,
                text_x=AXIS_LEFT + 26 + 200 * number,
                text_y=13,
            )
            for number, name in enumerate(names)
        ]
        chart.height += 20
        chart.plot_bottom += 20
        chart.marks = [replace(mark, y=mark.y + 20) for mark in chart.marks]
        chart.labels = [replace(label, text_y=label.text_y + 20) for label in chart.labels]
        chart.marks = [replace(mark, text_y=mark.text_y + 20) for mark in chart.marks]
    chart.ticks = _value_ticks(chart, top)
    return chart


def _value_ticks(chart: Chart, top: int) -> list[Tick]:
    ticks = []
    for value in _ticks(top):
        y = chart.plot_bottom - PLOT_HEIGHT * value / top
        ticks.append(Tick(value, y, text_x=chart.plot_left - 8, text_y=y + 5))
    return ticks


def line(rows: list[tuple[str, int]]) -> Chart:
    """A count over time as a line with a point per period, a value axis on the left."""
    top = nice_ceiling(max((value for _, value in rows), default=0))
    chart = Chart(
        "line",
        WIDTH,
        TOP + PLOT_HEIGHT + AXIS_BOTTOM,
        plot_left=AXIS_LEFT,
        plot_bottom=TOP + PLOT_HEIGHT,
        plot_right=WIDTH - 36,  # room for half the last period's label
    )
    span = chart.plot_right - AXIS_LEFT
    step = span / max(len(rows) - 1, 1)
    every = max(1, math.ceil(len(rows) / 12))
    for index, (label, value) in enumerate(rows):
        x = AXIS_LEFT + index * step if len(rows) > 1 else AXIS_LEFT + span / 2
        y = chart.plot_bottom - PLOT_HEIGHT * value / top
        chart.marks.append(Mark(label, value, x=x, y=y))
        if index % every == 0:
            chart.labels.append(Mark(label, 0, x=x, y=0, text_x=x, text_y=chart.plot_bottom + 20))
    chart.line = " ".join(f"{mark.x:.1f},{mark.y:.1f}" for mark in chart.marks)
    chart.ticks = _value_ticks(chart, top)
    return chart
