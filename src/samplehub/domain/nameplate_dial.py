"""The measuring range of a dial gauge, read from its printed scale.

A dial prints its scale, not its range: the range is the ends of the evenly spaced numbers
around the arc, in the unit printed under the pivot. Tick marks are read by OCR as "1", "I"
or "—", so boxes are kept only when they lie on the circle the scale numbers form (a least-
squares circle fit, refitted on its inliers), and dashes stuck to a number are trimmed.
Standard library only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from itertools import pairwise
from statistics import median
from typing import TYPE_CHECKING

from samplehub.domain.nameplate_text import (
    UNIT_PATTERN,
    OcrLine,
    normalise_text,
    normalise_unit,
    parse_number,
)

if TYPE_CHECKING:
    from samplehub.domain.nameplate import FieldReading

_UNIT_ONLY_RE = re.compile(UNIT_PATTERN, re.IGNORECASE)
_NUMBER_ONLY_RE = re.compile(r"-?\d+(?:\.\d+)?")
_TICK_MARKS = "—–一丨|/\\_ "
# A box off the fitted circle by more than this share of its radius is a tick, not a number.
_RADIUS_TOLERANCE = 0.12
_WEIGHT = 0.7


def read_dial_scale(lines: Sequence[OcrLine]) -> dict[str, FieldReading]:
    """range_min, range_max and unit from a dial's scale, or all three absent."""
    from samplehub.domain.nameplate import FieldReading

    absent = {name: FieldReading.absent() for name in ("range_min", "range_max", "unit")}
    units = [
        (unit, ln.score)
        for ln in lines
        if _UNIT_ONLY_RE.fullmatch(normalise_text(ln.text))
        and (unit := normalise_unit(normalise_text(ln.text))) is not None
    ]
    numbers = [
        (parse_number(text), ln)
        for ln in lines
        if _NUMBER_ONLY_RE.fullmatch(text := _trim_ticks(normalise_text(ln.text)))
    ]
    if len(units) != 1 or len(numbers) < 3:
        return absent
    numbers = _on_one_circle(numbers)
    values = sorted({value for value, _ in numbers})
    if len(values) < 3:
        return absent
    chain = _longest_even_run(values)
    if len(chain) < 3:
        return absent
    unit, unit_score = units[0]
    score = min([unit_score] + [ln.score for value, ln in numbers if round(value, 6) in chain])
    conf = round(max(0.0, min(1.0, score * _WEIGHT)), 3)
    return {
        "range_min": FieldReading(chain[0], conf),
        "range_max": FieldReading(chain[-1], conf),
        "unit": FieldReading(unit, conf),
    }


def _trim_ticks(text: str) -> str:
    """'—0.2' or '0.4 —' is a number with a tick mark beside it; '-0.1' keeps its minus."""
    text = text.strip(_TICK_MARKS)
    return text.rstrip("-")


def _centre(line: OcrLine) -> tuple[float, float] | None:
    if line.quad is None:
        return None
    return (sum(p[0] for p in line.quad) / 4, sum(p[1] for p in line.quad) / 4)


def _on_one_circle(numbers: list[tuple[float, OcrLine]]) -> list[tuple[float, OcrLine]]:
    """Keep the number boxes that lie on the scale's circle (all of them without corners).

    Fits, drops the box farthest off the circle if it is off by more than the tolerance, and
    refits, until every box fits; a few ticks cannot drag the fit, because they go one by one.
    """
    if any(_centre(ln) is None for _, ln in numbers) or len(numbers) < 5:
        return numbers
    kept = list(numbers)
    while len(kept) > 4:
        centres = [c for _, ln in kept if (c := _centre(ln)) is not None]
        fit = _fit_circle(centres)
        if fit is None:
            return kept
        cx, cy, _ = fit
        radii = [math.dist((cx, cy), c) for c in centres]
        typical = median(radii)
        worst = max(range(len(kept)), key=lambda i: abs(radii[i] - typical))
        if abs(radii[worst] - typical) <= _RADIUS_TOLERANCE * typical:
            return kept
        del kept[worst]
    return kept


def _fit_circle(points: list[tuple[float, float]]) -> tuple[float, float, float] | None:
    """Least-squares circle (Kåsa): x² + y² + D x + E y + F = 0, solved by Cramer's rule."""
    if len(points) < 3:
        return None
    sx = sum(x for x, _ in points)
    sy = sum(y for _, y in points)
    sxx = sum(x * x for x, _ in points)
    syy = sum(y * y for _, y in points)
    sxy = sum(x * y for x, y in points)
    n = float(len(points))
    sz = [-(x * x + y * y) for x, y in points]
    bx = sum(z * x for z, (x, _) in zip(sz, points, strict=True))
    by = sum(z * y for z, (_, y) in zip(sz, points, strict=True))
    b1 = sum(sz)
    a = [[sxx, sxy, sx], [sxy, syy, sy], [sx, sy, n]]
    rhs = [bx, by, b1]
    det = _det3(a)
    if abs(det) < 1e-9:
        return None
    solution = []
    for col in range(3):
        m = [row[:] for row in a]
        for row in range(3):
            m[row][col] = rhs[row]
        solution.append(_det3(m) / det)
    d, e, f = solution
    cx, cy = -d / 2, -e / 2
    radius_sq = cx * cx + cy * cy - f
    if radius_sq <= 0:
        return None
    return cx, cy, math.sqrt(radius_sq)


def _det3(m: list[list[float]]) -> float:
    return (
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    )


def _longest_even_run(values: list[float]) -> list[float]:
    """The longest run spaced by the most common step; stray numbers drop out.

    One number may be missing inside the run (the needle often covers it), never at an end.
    """
    steps = [round(b - a, 6) for a, b in pairwise(values)]
    step = max(set(steps), key=steps.count)
    present = {round(v, 6) for v in values}
    best: list[float] = []
    for start in values:
        run = [round(start, 6)]
        gaps = 0
        while True:
            following = round(run[-1] + step, 6)
            if following in present:
                run.append(following)
            elif gaps == 0 and round(following + step, 6) in present:
                gaps += 1
                run.extend([following, round(following + step, 6)])
            else:
                break
        if len(run) > len(best):
            best = run
    return best
