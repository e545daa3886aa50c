"""Zones and the rules a camera applies before a track counts as an intrusion.

The rules follow what good NVRs (Frigate, for one) learned to keep false alarms down: a
per-class minimum score per frame and a median score over the track's life, inertia (several
consecutive frames in the zone), a minimum dwell time, plausible size and shape, masks over
places staff use, direction, a schedule, and two rules of this site: staff wear high-visibility
vests, and a person seen through a windscreen is inside a vehicle, not in the lane.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, tzinfo
from zoneinfo import ZoneInfo

from laneguard.core.domain.incidents import ObjectClass
from laneguard.detection.domain.geometry import Homography, Point, Polygon, point_in_polygon

STATION_TZ = ZoneInfo("Asia/Shanghai")
"""The default station time zone: schedules are the station's wall-clock hours."""


class Direction(enum.StrEnum):
    """Which movement counts; `heading` of the zone points into the lane in the image."""

    ANY = "any"
    ENTERING = "entering"
    LEAVING = "leaving"


@dataclass(frozen=True)
class ClassRule:
    """Per-class filters. `threshold` is Frigate's: the median score over the track's history."""

    min_score: float = 0.4
    threshold: float = 0.55
    min_area: float = 0.0
    max_area: float = math.inf
    min_aspect: float = 0.0
    max_aspect: float = math.inf

    def size_ok(self, area: float, aspect: float) -> bool:
        return (
            self.min_area <= area <= self.max_area and self.min_aspect <= aspect <= self.max_aspect
        )


@dataclass(frozen=True)
class Zone:
    """A polygon in image pixels watched for the listed classes; usually one toll lane."""

    name: str
    polygon: Polygon
    classes: frozenset[ObjectClass]
    lane: str = ""
    inertia: int = 3
    min_dwell_s: float = 0.0
    direction: Direction = Direction.ANY
    heading: Point = (0.0, 0.0)

    def __post_init__(self) -> None:
        if self.inertia < 1:
            raise ValueError(f"zone {self.name!r}: inertia must be >= 1, got {self.inertia}")
        if self.min_dwell_s < 0:
            raise ValueError(
                f"zone {self.name!r}: min_dwell_s must be >= 0, got {self.min_dwell_s}"
            )
        if self.direction is not Direction.ANY and self.heading == (0.0, 0.0):
            raise ValueError(f"zone {self.name!r}: direction {self.direction} needs a heading")

    @property
    def lane_name(self) -> str:
        return self.lane or self.name

    def contains(self, point: Point) -> bool:
        return point_in_polygon(point, self.polygon)


@dataclass(frozen=True)
class ScheduleWindow:
    """Active on the given weekdays (0 = Monday) between start and end; may wrap midnight.

    Weekdays and hours are the station's wall clock in `tz`; `contains` converts the frame's
    time (aware; a naive one is taken as UTC) into it first.
    """

    weekdays: frozenset[int]
    start: time
    end: time
    tz: tzinfo = STATION_TZ

    def contains(self, moment: datetime) -> bool:
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        at = aware.astimezone(self.tz)
        t = at.time()
        if self.start <= self.end:
            return at.weekday() in self.weekdays and self.start <= t < self.end
        if t >= self.start:
            return at.weekday() in self.weekdays
        return (at.weekday() - 1) % 7 in self.weekdays and t < self.end


@dataclass(frozen=True)
class StaffFilter:
    """A person whose box is at least `min_vest_ratio` high-visibility colour is staff."""

    enabled: bool = True
    min_vest_ratio: float = 0.12
    history: int = 10


@dataclass(frozen=True)
class RiderRule:
    """A person moving faster on the ground than `walking_speed_mps` rides something; a
    bicycle faster than `ebike_speed_mps` is an e-bike (COCO has no e-bike class)."""

    homography: Homography | None = None
    walking_speed_mps: float = 2.5
    ebike_speed_mps: float = 6.0
    window_s: float = 1.0
    rider_class: ObjectClass = ObjectClass.E_BIKE


@dataclass(frozen=True)
class CameraRules:
    """Everything one camera checks; built from the zones file or the live config."""

    camera: str
    zones: tuple[Zone, ...]
    class_rules: Mapping[ObjectClass, ClassRule] = field(default_factory=dict)
    masks: tuple[Polygon, ...] = ()
    schedule: tuple[ScheduleWindow, ...] = ()
    staff: StaffFilter = StaffFilter()
    rider: RiderRule = RiderRule()
    vehicle_overlap: float = 0.8
    exit_frames: int = 5
    min_move_px: float = 4.0

    def rule_for(self, object_class: ObjectClass) -> ClassRule:
        return self.class_rules.get(object_class, ClassRule())

    def masked(self, point: Point) -> bool:
        return any(point_in_polygon(point, mask) for mask in self.masks)

    def active(self, at: datetime) -> bool:
        return not self.schedule or any(w.contains(at) for w in self.schedule)
