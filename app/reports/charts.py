"""Charts drawn on the server, readable in black-and-white print: dark bars
with their value written on them, no colour carries meaning, nothing
loaded from the internet. ``bars_svg`` for the screen, ``bars_drawing``
(reportlab graphics) for the PDF; both take the same (label, value) pairs."""
from __future__ import annotations

from markupsafe import Markup, escape

BAR = "#333333"
GRID = "#bbbbbb"


def bars_svg(pairs, title, width=640, row=22) -> Markup:
    """Horizontal bars: one row per label, the value at the bar's end."""
    pairs = [(str(label), int(value or 0)) for label, value in pairs]
    top = max([v for _, v in pairs] + [1])
    label_w, pad = 190, 6
    bar_area = width - label_w - 60
    height = row * len(pairs) + 2 * pad
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="ozk-chart" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(pairs):
        y = pad + i * row
        w = bar_area * value / top
        parts.append(f'<text x="{label_w - 6}" y="{y + row * 0.68:.1f}" text-anchor="end" '
                     f'font-size="12" fill="#222">{escape(label[:32])}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{BAR}"/>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + row * 0.68:.1f}" font-size="12" '
                     f'fill="#222">{value}</text>')
    parts.append(f'<line x1="{label_w}" y1="{pad}" x2="{label_w}" y2="{height - pad}" stroke="{GRID}"/></svg>')
    return Markup("".join(parts))


def bars_drawing(pairs, title, width=480, row=14):
    """The same chart as a reportlab Drawing (a platypus flowable)."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String

    from app.core.pdf import FONT_NAME

    pairs = [(str(label), int(value or 0)) for label, value in pairs]
    top = max([v for _, v in pairs] + [1])
    label_w = 150
    bar_area = width - label_w - 40
    height = row * len(pairs) + 16
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 10, title, fontName=FONT_NAME + "-Bold", fontSize=9))
    for i, (label, value) in enumerate(pairs):
        y = height - 16 - (i + 1) * row
        w = bar_area * value / top
        drawing.add(String(label_w - 4, y + 3, label[:30], fontName=FONT_NAME, fontSize=7.5, textAnchor="end"))
        drawing.add(Rect(label_w, y + 2, max(w, 0.5), row - 4, fillColor=_grey(), strokeColor=None))
        drawing.add(String(label_w + w + 3, y + 3, str(value), fontName=FONT_NAME, fontSize=7.5))
    drawing.add(Line(label_w, 0, label_w, height - 16, strokeColor=_grey(0.7), strokeWidth=0.5))
    return drawing


def _grey(level=0.2):
    from reportlab.lib.colors import Color

    return Color(level, level, level)
