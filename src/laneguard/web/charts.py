"""Small server-made SVG charts (no JavaScript, no CDN): stacked bars of outcomes."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from laneguard.records.domain.stats import StatsRow

SERIES = (
    ("turned_back", "#2e7d32"),
    ("left_by_itself", "#1565c0"),
    ("false_alarm", "#ef6c00"),
    ("open", "#9e9e9e"),
)


def _opening(title: str, width: int, height: int) -> list[str]:
    """The chart's element and its title, as a tooltip and written at the top left."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(title)}</title>",
        f'<text x="4" y="16" font-size="13">{escape(title)}</text>',
    ]


def _legend(parts: list[str], entries: list[tuple[str, str]], left: int, height: int) -> None:
    """A colour swatch and its name per (name, colour), along the bottom edge."""
    lx = left
    for name, colour in entries:
        parts.append(f'<rect x="{lx}" y="{height - 14}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 14}" y="{height - 5}" font-size="11">{escape(name)}</text>')
        lx += 24 + 12 * len(name)


def _closed(parts: list[str]) -> str:
    return Markup("".join([*parts, "</svg>"]))  # noqa: S704 - every text put in is escaped


def _empty(title: str, width: int, height: int) -> str:
    """A chart with nothing to draw: its title and a dash in the middle."""
    parts = _opening(title, width, height)
    parts.append(f'<text x="{width // 2}" y="{height // 2}" text-anchor="middle">—</text>')
    return _closed(parts)


def stacked_bars(
    rows: list[StatsRow], labels: dict[str, str], title: str, width: int = 640, height: int = 220
) -> str:
    """One stacked bar per row (outcomes), with a legend; an empty chart says so."""
    left, bottom, top = 36, 40, 24
    plot_h = height - bottom - top
    peak = max((r.incidents for r in rows), default=0)
    if peak == 0:
        return _empty(title, width, height)
    parts = _opening(title, width, height)
    slot = (width - left - 8) / max(len(rows), 1)
    bar_w = max(4.0, min(36.0, slot * 0.7))
    parts.append(
        f'<text x="{left - 4}" y="{top + 4}" font-size="10" text-anchor="end">{peak}</text>'
    )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 4}" y2="{top + plot_h}" '
        'stroke="#555"/>'
    )
    for i, row in enumerate(rows):
        x = left + i * slot + (slot - bar_w) / 2
        y = float(top + plot_h)
        for key, colour in SERIES:
            value = int(getattr(row, key))
            if value == 0:
                continue
            h = plot_h * value / peak
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(row.key)} {escape(labels[key])}: {value}</title>'
                "</rect>"
            )
        if len(rows) <= 16 or i % max(1, len(rows) // 8) == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 14}" font-size="10" '
                f'text-anchor="middle">{escape(labels.get(row.key, row.key)[-10:])}</text>'
            )
    _legend(parts, [(labels[key], colour) for key, colour in SERIES], left, height)
    return _closed(parts)


def paired_bars(
    pairs: list[tuple[str, int, int, str]],
    legend: tuple[str, str],
    title: str,
    width: int = 640,
    height: int = 240,
) -> str:
    """Year over year: per label, last year's bar (grey) beside this period's (blue), the
    change written above; `pairs` are (label, previous, current, change text)."""
    left, bottom, top = 36, 40, 30
    plot_h = height - bottom - top
    peak = max((max(p, c) for _, p, c, _ in pairs), default=0)
    if peak == 0:
        return _empty(title, width, height)
    parts = _opening(title, width, height)
    slot = (width - left - 8) / max(len(pairs), 1)
    bar_w = max(4.0, min(30.0, slot * 0.35))
    base = top + plot_h
    parts.append(f'<line x1="{left}" y1="{base}" x2="{width - 4}" y2="{base}" stroke="#555"/>')
    for i, (label, previous, current, change_text) in enumerate(pairs):
        x = left + i * slot + (slot - 2 * bar_w) / 2
        for j, (value, colour, name) in enumerate(
            ((previous, "#9e9e9e", legend[0]), (current, "#1565c0", legend[1]))
        ):
            h = plot_h * value / peak
            parts.append(
                f'<rect x="{x + j * bar_w:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{escape(label)} {escape(name)}: '
                f"{value}</title></rect>"
            )
        top_y = base - plot_h * max(previous, current) / peak - 4
        parts.append(
            f'<text x="{x + bar_w:.1f}" y="{top_y:.1f}" font-size="11" text-anchor="middle">'
            f"{escape(change_text)}</text>"
        )
        parts.append(
            f'<text x="{x + bar_w:.1f}" y="{base + 14}" font-size="11" text-anchor="middle">'
            f"{escape(label[-10:])}</text>"
        )
    _legend(parts, [(legend[0], "#9e9e9e"), (legend[1], "#1565c0")], left, height)
    return _closed(parts)
