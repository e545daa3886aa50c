"""The measuring range of a dial gauge, read from its printed scale.

A dial prints its scale, not its range: the range is the ends of the evenly spaced numbers
around the arc, in the unit printed under the pivot. Tick marks are read by OCR as "1", "I"
or "—", so boxes are kept only when they lie on the circle the scale numbers form (the
circle through three boxes that most boxes lie on), and dashes stuck to a number are trimmed.
Standard library only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from itertools import combinations, pairwise

from samplehub.intake.domain.nameplate_text import (
    UNIT_PATTERN,
    FieldReading,
    OcrLine,
    normalise_text,
    normalise_unit,
    parse_number,
)

_UNIT_ONLY_RE = re.compile(UNIT_PATTERN, re.IGNORECASE)
_NUMBER_ONLY_RE = re.compile(r"-?\d+(?:\.\d+)?")
_TICK_MARKS = "—–一丨|/\\_ "
# A box off the fitted circle by more than this share of its radius is a tick, not a number.
_RADIUS_TOLERANCE = 0.08
_MAX_SCALE_BOXES = 24
_WEIGHT = 0.7


def read_dial_scale(lines: Sequence[OcrLine]) -> dict[str, FieldReading]:
    """range_min, range_max and unit from a dial's scale, or all three absent."""
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

    Every circle through three of the boxes is tried (a dial has a dozen numbers at most) and
    the one that most boxes lie on wins, so a few ticks cannot drag it as a least-squares fit
    would.
    """
    centres = [_centre(ln) for _, ln in numbers]
    points = [c for c in centres if c is not None]
    if len(points) != len(numbers) or len(numbers) < 5 or len(numbers) > _MAX_SCALE_BOXES:
        return numbers
    best: list[int] = []
    best_spread = math.inf
    for trio in combinations(range(len(points)), 3):
        circle = _circle_through(*(points[i] for i in trio))
        if circle is None:
            continue
        cx, cy, radius = circle
        offsets = [abs(math.dist((cx, cy), p) - radius) / radius for p in points]
        inliers = [i for i, off in enumerate(offsets) if off <= _RADIUS_TOLERANCE]
        spread = sum(offsets[i] for i in inliers)
        if len(inliers) > len(best) or (len(inliers) == len(best) and spread < best_spread):
            best, best_spread = inliers, spread
    if len(best) < 4:
        return numbers
    return [numbers[i] for i in best]


def _circle_through(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]
) -> tuple[float, float, float] | None:
    """The circle through three points, or None when they are (nearly) on one line."""
    (ax, ay), (bx, by), (cx, cy) = a, b, c
    d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by))
    if abs(d) < 1e-6:
        return None
    a2, b2, c2 = ax * ax + ay * ay, bx * bx + by * by, cx * cx + cy * cy
    ux = (a2 * (by - cy) + b2 * (cy - ay) + c2 * (ay - by)) / d
    uy = (a2 * (cx - bx) + b2 * (ax - cx) + c2 * (bx - ax)) / d
    radius = math.dist((ux, uy), a)
    return (ux, uy, radius) if radius > 0 else None


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
