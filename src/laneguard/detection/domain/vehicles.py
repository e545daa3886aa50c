"""Who is in a vehicle and who rides a two-wheeler: the rules that keep a toll lane's traffic
from raising alarms while its pedestrians and two-wheelers still do.

A toll lane is full of vehicles, and a detector that knows people sees the drivers through the
windscreens. A person counts as inside a vehicle when their box lies (mostly) inside the
vehicle's box and, over the last second, they moved with it: a pedestrian who walks past the
front of a waiting car is inside its box for a moment too, but moves across it. Vehicles never
alarm in a lane zone themselves.

A cyclist is seen twice, as a person and as a bicycle; the person riding counts as the
two-wheeler (one incident, 非机动车 or motorcycle), and the bicycle under a rider adds nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from laneguard.core.domain.incidents import ObjectClass
from laneguard.detection.domain.geometry import Box, Point

PathPoint = tuple[float, Point]
TimedBox = tuple[float, Box]
_T = TypeVar("_T")

TWO_WHEELERS = frozenset({ObjectClass.BICYCLE, ObjectClass.MOTORCYCLE, ObjectClass.E_BIKE})
NON_MOTOR = frozenset({ObjectClass.BICYCLE, ObjectClass.E_BIKE})


def category(object_class: ObjectClass) -> str:
    """The class as a toll station reports it: 行人, 非机动车 (bicycle, e-bike), 摩托车, 车辆."""
    if object_class in NON_MOTOR:
        return "非机动车"
    if object_class is ObjectClass.MOTORCYCLE:
        return "摩托车"
    if object_class is ObjectClass.VEHICLE:
        return "车辆"
    return "行人"


@dataclass(frozen=True)
class Sighting:
    """A tracked object in this frame: its box, its recent bottom-centre path and its recent
    boxes, each with its time."""

    box: Box
    object_class: ObjectClass
    path: tuple[PathPoint, ...] = ()
    track_id: int = 0
    boxes: tuple[TimedBox, ...] = ()


@dataclass(frozen=True)
class VehicleRule:
    """`overlap`: share of the person's box inside the vehicle's; `max_relative_move`: how far
    (as a share of the vehicle's width) the person may move relative to it over `window_s`."""

    overlap: float = 0.8
    max_relative_move: float = 0.15
    window_s: float = 1.0


def _nearest(series: Sequence[tuple[float, _T]], t: float) -> _T:
    """The entry of a non-empty time series nearest in time to `t`."""
    return min(series, key=lambda p: abs(p[0] - t))[1]


def _since_gap(
    series: Sequence[tuple[float, _T]], max_gap_s: float = 0.5
) -> Sequence[tuple[float, _T]]:
    """The series after its last gap longer than `max_gap_s`."""
    for i in range(len(series) - 1, 0, -1):
        if series[i][0] - series[i - 1][0] > max_gap_s:
            return series[i:]
    return series


def relative_move(
    person: Sequence[PathPoint],
    vehicle: Sequence[TimedBox],
    window_s: float,
    min_span_s: float = 0.3,
) -> float | None:
    """Pixels the person's foot moved relative to the vehicle over the last `window_s` seconds
    that both histories cover without a gap; None when they share less than `min_span_s`.

    The vehicle's motion is read at its left edge, right edge and centre, and the smallest
    difference counts: a vehicle cut by the frame's edge has one edge held still there while
    the other moves with it. A gap (an object unseen for a while, perhaps another taking up
    its track) cuts a history: only what follows it is compared."""
    person, vehicle = _since_gap(person), _since_gap(vehicle)
    if len(person) < 2 or len(vehicle) < 2:
        return None
    t_end = min(person[-1][0], vehicle[-1][0])
    t_start = max(t_end - window_s, person[0][0], vehicle[0][0])
    if t_end - t_start < min_span_s:
        return None
    p0, p1 = _nearest(person, t_start), _nearest(person, t_end)
    v0, v1 = _nearest(vehicle, t_start), _nearest(vehicle, t_end)
    dpx, dpy = p1[0] - p0[0], p1[1] - p0[1]
    dvy = v1.y2 - v0.y2
    moves = (v1.x1 - v0.x1, v1.x2 - v0.x2, v1.centre[0] - v0.centre[0])
    return min(math.hypot(dpx - dvx, dpy - dvy) for dvx in moves)


def in_vehicle(
    person: Sighting, vehicles: Sequence[Sighting | Box], rule: VehicleRule = VehicleRule()
) -> bool:
    """True when the person's box lies inside a vehicle's and the person moves with it (or
    their paths are still too short to tell: a plain Box has no path)."""
    for vehicle in vehicles:
        seen = vehicle if isinstance(vehicle, Sighting) else Sighting(vehicle, ObjectClass.VEHICLE)
        if person.box.fraction_inside(seen.box) < rule.overlap:
            continue
        moved = relative_move(person.path, seen.boxes, rule.window_s)
        if moved is None or moved <= rule.max_relative_move * seen.box.width:
            return True
    return False


def rides(person: Box, two_wheeler: Box) -> bool:
    """A person on a two-wheeler: most of the person's width over it, and the person's lower
    edge inside the two-wheeler's height (a person beside a bike they push is not on it)."""
    overlap_w = min(person.x2, two_wheeler.x2) - max(person.x1, two_wheeler.x1)
    if person.width <= 0 or overlap_w < 0.5 * person.width:
        return False
    return two_wheeler.y1 < person.y2 <= two_wheeler.y2 + 0.15 * two_wheeler.height


def ridden(person: Box, sightings: Sequence[Sighting]) -> Sighting | None:
    """The two-wheeler this person rides in this frame, if any (the largest overlap)."""
    under = [s for s in sightings if s.object_class in TWO_WHEELERS and rides(person, s.box)]
    return max(under, key=lambda s: person.intersection(s.box), default=None)
