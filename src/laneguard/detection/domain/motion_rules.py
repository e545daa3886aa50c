"""What a track's path on the ground says: how fast it moves and which way.

Speed comes from the per-camera homography (image pixels to metres on the road surface), so a
person far from the camera and one close to it are judged alike. Above walking speed a "person"
is riding a bicycle or an e-bike: the embedded detector knows only people, and this rule lets it
cover two-wheelers too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from laneguard.detection.domain.geometry import Homography, Point
from laneguard.detection.domain.zones import Direction

PathPoint = tuple[float, Point]


def window(path: Sequence[PathPoint], window_s: float) -> list[PathPoint]:
    """The path's points from the last `window_s` seconds."""
    if not path:
        return []
    last_t = path[-1][0]
    return [p for p in path if last_t - p[0] <= window_s + 1e-9]


def ground_speed(
    path: Sequence[PathPoint], homography: Homography, window_s: float
) -> float | None:
    """Metres per second along the ground over the recent window; None when too short to say."""
    recent = window(path, window_s)
    if len(recent) < 3:
        return None
    elapsed = recent[-1][0] - recent[0][0]
    if elapsed <= 0:
        return None
    (x0, y0) = homography.apply(recent[0][1])
    (x1, y1) = homography.apply(recent[-1][1])
    return math.hypot(x1 - x0, y1 - y0) / elapsed


def heading_of(
    path: Sequence[PathPoint], heading: Point, window_s: float, min_move: float
) -> Direction:
    """ENTERING when moving along `heading`, LEAVING against it, ANY when standing still."""
    recent = window(path, window_s)
    if len(recent) < 2:
        return Direction.ANY
    dx = recent[-1][1][0] - recent[0][1][0]
    dy = recent[-1][1][1] - recent[0][1][1]
    norm = math.hypot(*heading)
    if norm == 0:
        return Direction.ANY
    along = (dx * heading[0] + dy * heading[1]) / norm
    if along > min_move:
        return Direction.ENTERING
    if along < -min_move:
        return Direction.LEAVING
    return Direction.ANY
