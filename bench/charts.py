"""Charts as small hand-written SVG (no plotting library, no internet): horizontal bars
for rates, a line for progress over time."""
from __future__ import annotations

from html import escape

COLOURS = ("#8c8c8c", "#c0392b", "#2e86c1", "#27ae60", "#8e44ad")


def bars(title: str, unit: str, rows: list[tuple[str, float]]) -> str:
    width, left, bar_h, gap = 720, 260, 26, 12
    height = 50 + len(rows) * (bar_h + gap)
    top = max([v for _, v in rows] + [1e-9])
    parts = [_head(width, height), f'<text x="10" y="24" font-size="15" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(rows):
        y = 40 + i * (bar_h + gap)
        w = max((width - left - 120) * value / top, 1)
        parts.append(f'<text x="{left - 8}" y="{y + 18}" font-size="13" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{COLOURS[i % len(COLOURS)]}"/>')
        parts.append(f'<text x="{left + w + 6:.1f}" y="{y + 18}" font-size="13">{value:,.0f} {escape(unit)}</text>')
    return "\n".join(parts + ["</svg>\n"])


def line(title: str, x_label: str, y_label: str, points: list[tuple[float, float]]) -> str:
    width, height, left, bottom, top_pad = 720, 320, 70, 40, 40
    xs = [p[0] for p in points] or [0, 1]
    ys = [p[1] for p in points] or [0, 1]
    x_max, y_max = max(max(xs), 1e-9), max(max(ys), 1e-9)
    plot_w, plot_h = width - left - 20, height - bottom - top_pad

    def xy(x, y):
        return left + plot_w * x / x_max, top_pad + plot_h * (1 - y / y_max)

    path = " ".join(f"{'M' if i == 0 else 'L'}{xy(x, y)[0]:.1f},{xy(x, y)[1]:.1f}" for i, (x, y) in enumerate(points))
    parts = [_head(width, height), f'<text x="10" y="24" font-size="15" font-weight="bold">{escape(title)}</text>',
             f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" y2="{top_pad + plot_h}" stroke="#333"/>',
             f'<line x1="{left}" y1="{top_pad}" x2="{left}" y2="{top_pad + plot_h}" stroke="#333"/>',
             f'<text x="{left + plot_w / 2}" y="{height - 8}" font-size="12" text-anchor="middle">{escape(x_label)}</text>',
             f'<text x="14" y="{top_pad + plot_h / 2}" font-size="12" transform="rotate(-90 14 {top_pad + plot_h / 2})" '
             f'text-anchor="middle">{escape(y_label)}</text>',
             f'<text x="{left - 6}" y="{top_pad + 4}" font-size="11" text-anchor="end">{y_max:,.0f}</text>',
             f'<text x="{left + plot_w}" y="{top_pad + plot_h + 14}" font-size="11" text-anchor="end">{x_max:,.0f}</text>',
             f'<path d="{path}" fill="none" stroke="{COLOURS[2]}" stroke-width="2"/>']
    return "\n".join(parts + ["</svg>\n"])


def _head(width: int, height: int) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif">\n'
            f'<rect width="{width}" height="{height}" fill="white"/>')
