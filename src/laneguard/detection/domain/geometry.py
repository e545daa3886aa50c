"""Plane geometry for zones: boxes, polygons and the ground-plane homography.

Zones are tested at a box's bottom centre because that is where a person touches the ground: a
tall person standing beside a lane has their head over the lane in the image, their feet not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Point = tuple[float, float]
Polygon = tuple[Point, ...]


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in image pixels, (x1, y1) top left, (x2, y2) bottom right."""

    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def width(self) -> float:
        return max(0.0, self.x2 - self.x1)

    @property
    def height(self) -> float:
        return max(0.0, self.y2 - self.y1)

    @property
    def area(self) -> float:
        return self.width * self.height

    @property
    def aspect(self) -> float:
        """Width over height; a standing person is about 0.3 to 0.5."""
        return self.width / self.height if self.height > 0 else math.inf

    @property
    def centre(self) -> Point:
        return ((self.x1 + self.x2) / 2, (self.y1 + self.y2) / 2)

    @property
    def bottom_centre(self) -> Point:
        return ((self.x1 + self.x2) / 2, self.y2)

    def intersection(self, other: Box) -> float:
        w = min(self.x2, other.x2) - max(self.x1, other.x1)
        h = min(self.y2, other.y2) - max(self.y1, other.y1)
        return w * h if w > 0 and h > 0 else 0.0

    def iou(self, other: Box) -> float:
        inter = self.intersection(other)
        union = self.area + other.area - inter
        return inter / union if union > 0 else 0.0

    def fraction_inside(self, other: Box) -> float:
        """How much of this box's area lies inside `other` (1.0: wholly inside)."""
        return self.intersection(other) / self.area if self.area > 0 else 0.0

    def shifted(self, dx: float, dy: float, dw: float = 0.0, dh: float = 0.0) -> Box:
        """The box moved by (dx, dy) and grown by (dw, dh) about its centre."""
        return Box(
            self.x1 + dx - dw / 2,
            self.y1 + dy - dh / 2,
            self.x2 + dx + dw / 2,
            self.y2 + dy + dh / 2,
        )


def point_in_polygon(point: Point, polygon: Sequence[Point]) -> bool:
    """Even-odd ray casting; a point exactly on an edge may fall either way."""
    x, y = point
    inside = False
    n = len(polygon)
    for i in range(n):
        x1, y1 = polygon[i]
        x2, y2 = polygon[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            x_cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < x_cross:
                inside = not inside
    return inside


def validate_polygon(polygon: Sequence[Sequence[float]], field: str) -> Polygon:
    """Turn raw coordinates into a polygon, or say which field is wrong and why."""
    if len(polygon) < 3:
        raise ValueError(f"{field}: a polygon needs at least 3 points, got {len(polygon)}")
    points: list[Point] = []
    for i, p in enumerate(polygon):
        if len(p) != 2 or not all(isinstance(v, int | float) for v in p):
            raise ValueError(f"{field}[{i}]: expected [x, y] numbers, got {p!r}")
        points.append((float(p[0]), float(p[1])))
    return tuple(points)


Matrix3 = tuple[tuple[float, float, float], tuple[float, float, float], tuple[float, float, float]]


@dataclass(frozen=True)
class Homography:
    """Maps image pixels to ground-plane metres (a 3x3 projective matrix, row-major)."""

    matrix: Matrix3

    def apply(self, point: Point) -> Point:
        (a, b, c), (d, e, f), (g, h, i) = self.matrix
        x, y = point
        w = g * x + h * y + i
        if abs(w) < 1e-12:
            raise ValueError(f"point {point} maps to infinity under this homography")
        return ((a * x + b * y + c) / w, (d * x + e * y + f) / w)

    @classmethod
    def from_points(cls, image: Sequence[Point], ground: Sequence[Point]) -> Homography:
        """Solve the homography from four image points and their ground positions in metres.

        The zone editor lets an operator click four marks whose distances are known (lane
        markings, bollards); eight linear equations in eight unknowns (h33 = 1) follow.
        """
        if len(image) != 4 or len(ground) != 4:
            raise ValueError(
                f"homography: need exactly 4 point pairs, got {len(image)} and {len(ground)}"
            )
        rows: list[list[float]] = []
        rhs: list[float] = []
        for (x, y), (u, v) in zip(image, ground, strict=True):
            rows.append([x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y])
            rhs.append(u)
            rows.append([0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y])
            rhs.append(v)
        h = _solve(rows, rhs)
        return cls(((h[0], h[1], h[2]), (h[3], h[4], h[5]), (h[6], h[7], 1.0)))


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting; raises on a degenerate point set."""
    n = len(b)
    m = [[*row[:], b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) < 1e-12:
            raise ValueError("homography: the points are degenerate (three on one line?)")
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col:
                factor = m[r][col] / m[col][col]
                for k in range(col, n + 1):
                    m[r][k] -= factor * m[col][k]
    return [m[i][n] / m[i][i] for i in range(n)]


def crop_region(
    polygons: Sequence[Sequence[Point]], frame: tuple[int, int], margin: float = 0.25
) -> tuple[int, int, int, int]:
    """The part of a `frame` (width, height) worth detecting in: the polygons' bounding box
    widened by `margin` of its size on each side and by its whole height upwards (an object
    whose foot is in a zone stands up out of it), then grown to the frame's own aspect ratio
    (a model's square input must not stretch a crop more than the whole frame), clamped to
    the frame; x1, y1, x2, y2."""
    width, height = frame
    xs = [p[0] for poly in polygons for p in poly]
    ys = [p[1] for poly in polygons for p in poly]
    if not xs:
        return (0, 0, width, height)
    bw, bh = max(xs) - min(xs), max(ys) - min(ys)
    x1, x2 = min(xs) - margin * bw, max(xs) + margin * bw
    y1, y2 = min(ys) - bh, max(ys) + margin * bh
    aspect = width / height
    if (x2 - x1) / max(y2 - y1, 1e-9) > aspect:
        grow = (x2 - x1) / aspect - (y2 - y1)
        y1, y2 = y1 - grow / 2, y2 + grow / 2
    else:
        grow = (y2 - y1) * aspect - (x2 - x1)
        x1, x2 = x1 - grow / 2, x2 + grow / 2
    x1, x2 = _fit(x1, x2, width)
    y1, y2 = _fit(y1, y2, height)
    return (math.floor(x1), math.floor(y1), math.ceil(x2), math.ceil(y2))


def _fit(lo: float, hi: float, size: int) -> tuple[float, float]:
    """The span moved inside [0, size] where it fits, else the whole of it."""
    if hi - lo >= size:
        return (0.0, float(size))
    if lo < 0:
        return (0.0, hi - lo)
    if hi > size:
        return (size - (hi - lo), float(size))
    return (lo, hi)
