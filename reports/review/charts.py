"""Charts of the printable reports, drawn with reportlab.graphics (vector, in the PDF,
labels in the embedded Chinese font): grouped bar charts and horizontal bars."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors

from documents.fonts import BOLD, REGULAR, register_fonts
from reports.review.pdf import AMBER, BLUE, GREEN, INK, MUTED, RED

PALETTE = [BLUE, GREEN, RED, AMBER, colors.HexColor("#6b4fa0"), colors.HexColor("#2b8a9a")]


def _nice_max(value: float) -> int:
    """A round upper bound for the value axis (at least 1)."""
    if value <= 5:
        return 5
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000):
        if value <= step * 5:
            return int(-(-value // step) * step)
    return int(value)


def _title(d: Drawing, title: str, width: float, height: float) -> None:
    d.add(String(0, height - 11, title, fontName=BOLD, fontSize=9, fillColor=INK))
    del width


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | float]]],
    *,
    width: float,
    height: float = 150,
    colours: Sequence[colors.Color] | None = None,
    bar_colours: Sequence[colors.Color] | None = None,
) -> Drawing:
    """Vertical bars per label, one bar per series; a legend when there are several
    series; each bar's value printed on top of it. `bar_colours` colours the bars of
    a single series one by one (e.g. rating levels from green to red)."""
    register_fonts()
    d = Drawing(width, height)
    _title(d, title, width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 28, 30
    chart.width, chart.height = width - 40, height - 58
    chart.data = [list(values) for _, values in series] or [[0] * len(labels)]
    chart.categoryAxis.categoryNames = list(labels)
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.fillColor = INK
    chart.categoryAxis.labels.dy = -2
    if max((len(x) for x in labels), default=0) * len(labels) > 90:
        chart.categoryAxis.labels.angle = 30
        chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labels.fillColor = MUTED
    top = max((max(v, default=0) for v in chart.data), default=0)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _nice_max(top)
    chart.valueAxis.valueStep = chart.valueAxis.valueMax / 5
    chart.valueAxis.labelTextFormat = lambda v: f"{v:g}"
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e3e8ee")
    chart.valueAxis.visibleGrid = True
    chart.barSpacing = 1
    chart.groupSpacing = 6
    # Values on top of the bars only for a single series (grouped bars would collide;
    # the table beside the chart carries the numbers).
    chart.barLabelFormat = (lambda v: f"{v:g}" if v else "") if len(series) == 1 else None
    chart.barLabels.fontName = REGULAR
    chart.barLabels.fontSize = 6.5
    chart.barLabels.nudge = 5
    colours = list(colours or PALETTE)
    for i in range(len(chart.data)):
        chart.bars[i].fillColor = colours[i % len(colours)]
        chart.bars[i].strokeColor = None
    if bar_colours and len(chart.data) == 1:
        for j, colour in enumerate(bar_colours):
            chart.bars[(0, j)].fillColor = colour
    d.add(chart)
    if len(series) > 1:
        x = width
        for i, (name, _) in reversed(list(enumerate(series))):
            text_w = 9 * len(name) + 4
            x -= text_w + 12
            d.add(Rect(x, height - 10, 8, 8, fillColor=colours[i % len(colours)], strokeColor=None))
            d.add(String(x + 11, height - 9, name, fontName=REGULAR, fontSize=7.5, fillColor=INK))
    return d


def hbar_chart(
    title: str,
    items: Sequence[tuple[str, int]],
    *,
    width: float,
    colour: colors.Color = BLUE,
    label_width: float = 110,
) -> Drawing:
    """Horizontal bars, largest first as given — for rankings with long labels."""
    register_fonts()
    rows = max(1, len(items))
    height = 26 + 15 * rows
    d = Drawing(width, height)
    _title(d, title, width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 6
    chart.width, chart.height = width - label_width - 24, height - 22
    values = [n for _, n in reversed(items)] or [0]
    chart.data = [values]
    names = [label if len(label) <= 16 else label[:15] + "…" for label, _ in reversed(items)] or [""]
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.fillColor = INK
    chart.valueAxis.visible = False
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _nice_max(max(values))
    chart.bars[0].fillColor = colour
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = lambda v: f"{v:g}"
    chart.barLabels.fontName = REGULAR
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    d.add(chart)
    return d
