"""The incident lifecycle: from tracks seen in a frame to IncidentOpened and IncidentEnded.

One monitor per camera. Each frame it gets the confirmed tracks seen (as Observations), applies
the camera's rules zone by zone, and opens an incident once a track has met them for `inertia`
consecutive frames and `min_dwell_s`; it ends it after `exit_frames` frames out of the zone, or
when the tracker drops the track. A frame whose detection scored below the class's `min_score`
tells nothing and changes nothing: one weak frame must neither open nor end an incident.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from laneguard.core.domain.incidents import (
    IncidentEnded,
    IncidentEvent,
    IncidentOpened,
    ObjectClass,
)
from laneguard.detection.domain.geometry import Box, Point
from laneguard.detection.domain.motion_rules import ground_speed, heading_of
from laneguard.detection.domain.vehicles import (
    TWO_WHEELERS,
    Sighting,
    VehicleRule,
    in_vehicle,
    ridden,
)
from laneguard.detection.domain.zones import CameraRules, Direction, Zone


@dataclass(frozen=True)
class Observation:
    """A confirmed track as seen in this frame, with what adapters measured on its pixels."""

    track_id: int
    box: Box
    object_class: ObjectClass
    score: float
    median_score: float
    path: tuple[tuple[float, Point], ...] = ()
    vest_ratio: float = 0.0


@dataclass
class _ZoneState:
    inside_frames: int = 0
    outside_frames: int = 0
    entered_s: float | None = None
    incident_id: str | None = None
    frames: int = 0
    max_score: float = 0.0
    last_in_at: datetime | None = None


@dataclass
class _TrackState:
    vest: deque[float] = field(default_factory=lambda: deque(maxlen=10))
    as_class: ObjectClass | None = None
    """What the track counts as once a rule said so (a rider, an e-bike); sticky."""
    zones: dict[str, _ZoneState] = field(default_factory=dict)


class ZoneMonitor:
    """Applies one camera's rules and keeps the incidents open for its tracks."""

    def __init__(self, rules: CameraRules) -> None:
        self.rules = rules
        self._tracks: dict[int, _TrackState] = {}
        self.open_incidents: dict[str, IncidentOpened] = {}

    def effective_class(self, obs: Observation) -> ObjectClass:
        """The observation's class after the rider rules (sticky once a rule applied)."""
        state = self._tracks.get(obs.track_id)
        if state is not None and state.as_class is not None:
            return state.as_class
        return obs.object_class

    def update(
        self,
        observations: Sequence[Observation],
        at: datetime,
        at_s: float,
        vehicles: Sequence[Box | Sighting] = (),
        dropped: Iterable[int] = (),
    ) -> list[IncidentEvent]:
        """One frame: `at` is wall time, `at_s` seconds on the stream's own clock.

        `vehicles`: the vehicles seen in this frame (tracked ones with their paths); a person
        inside one who moves with it is a driver or passenger, not an intruder."""
        events: list[IncidentEvent] = []
        active = self.rules.active(at)
        riders = self._riders(observations)
        ridden_ids = {wheel.track_id for wheel in riders.values()}
        for obs in observations:
            state = self._tracks.setdefault(
                obs.track_id, _TrackState(vest=deque(maxlen=self.rules.staff.history))
            )
            self._classify(obs, state, riders.get(obs.track_id))
            for zone in self.rules.zones:
                zs = state.zones.setdefault(zone.name, _ZoneState())
                if obs.track_id in ridden_ids:
                    continue  # a ridden two-wheeler: its rider's track carries the incident
                verdict = self._verdict(obs, state, zone, vehicles) if active else False
                if verdict is None:
                    continue
                events.extend(self._step(obs, state, zone, zs, verdict, at, at_s))
        for track_id in dropped:
            events.extend(self._drop(track_id, at))
        return events

    def finish(self, at: datetime) -> list[IncidentEvent]:
        """End every open incident, e.g. at the end of a file."""
        events: list[IncidentEvent] = []
        for track_id in list(self._tracks):
            events.extend(self._drop(track_id, at))
        return events

    def _riders(self, observations: Sequence[Observation]) -> dict[int, Sighting]:
        """Person track id → the two-wheeler they ride in this frame."""
        wheels = [
            Sighting(o.box, o.object_class, o.path, o.track_id)
            for o in observations
            if o.object_class in TWO_WHEELERS
        ]
        out: dict[int, Sighting] = {}
        if not wheels:
            return out
        for obs in observations:
            if obs.object_class is ObjectClass.PEDESTRIAN:
                under = ridden(obs.box, wheels)
                if under is not None:
                    out[obs.track_id] = under
        return out

    def _classify(self, obs: Observation, state: _TrackState, riding: Sighting | None) -> None:
        """The rider rules: a person on a two-wheeler counts as it; with a homography, a person
        faster than walking is a rider, a bicycle faster than `ebike_speed_mps` an e-bike."""
        state.vest.append(obs.vest_ratio)
        if riding is not None and state.as_class in (None, ObjectClass.PEDESTRIAN):
            state.as_class = riding.object_class
        rider = self.rules.rider
        if rider.homography is None:
            return
        current = state.as_class or obs.object_class
        if current not in (ObjectClass.PEDESTRIAN, ObjectClass.BICYCLE):
            return
        speed = ground_speed(obs.path, rider.homography, rider.window_s)
        if speed is None:
            return
        if current is ObjectClass.PEDESTRIAN and speed > rider.walking_speed_mps:
            state.as_class = rider.rider_class
        elif current is ObjectClass.BICYCLE and speed > rider.ebike_speed_mps:
            state.as_class = ObjectClass.E_BIKE

    def _verdict(
        self,
        obs: Observation,
        state: _TrackState,
        zone: Zone,
        vehicles: Sequence[Box | Sighting],
    ) -> bool | None:
        """True: counts in this zone; False: does not; None: this frame tells nothing."""
        rules = self.rules
        cls = state.as_class or obs.object_class
        if cls is ObjectClass.VEHICLE:
            return False  # vehicles belong in a toll lane
        rule = rules.rule_for(cls)
        if obs.score < rule.min_score:
            return None
        foot = obs.box.bottom_centre
        if cls not in zone.classes or not zone.contains(foot) or rules.masked(foot):
            return False
        if obs.median_score < rule.threshold or not rule.size_ok(obs.box.area, obs.box.aspect):
            return False
        if rules.staff.enabled and median(state.vest) >= rules.staff.min_vest_ratio:
            return False
        if vehicles and in_vehicle(
            Sighting(obs.box, cls, obs.path), vehicles, VehicleRule(overlap=rules.vehicle_overlap)
        ):
            return False
        if zone.direction is not Direction.ANY:
            moving = heading_of(obs.path, zone.heading, 1.0, rules.min_move_px)
            if moving is not Direction.ANY and moving is not zone.direction:
                return False
        return True

    def _step(
        self,
        obs: Observation,
        state: _TrackState,
        zone: Zone,
        zs: _ZoneState,
        inside: bool,
        at: datetime,
        at_s: float,
    ) -> list[IncidentEvent]:
        if not inside:
            zs.inside_frames = 0
            if zs.incident_id is None:
                zs.entered_s = None
                zs.max_score = 0.0
                zs.frames = 0
                return []
            zs.outside_frames += 1
            if zs.outside_frames >= self.rules.exit_frames:
                return [self._end(zs, at)]
            return []
        zs.outside_frames = 0
        zs.inside_frames += 1
        zs.frames += 1
        zs.max_score = max(zs.max_score, obs.score)
        zs.last_in_at = at
        if zs.entered_s is None:
            zs.entered_s = at_s
        if zs.incident_id is not None:
            return []
        if zs.inside_frames < zone.inertia or at_s - zs.entered_s < zone.min_dwell_s:
            return []
        zs.incident_id = f"{self.rules.camera}-{zone.name}-{obs.track_id}-{at:%Y%m%dT%H%M%S%f}"
        opened = IncidentOpened(
            incident_id=zs.incident_id,
            camera=self.rules.camera,
            zone=zone.name,
            lane=zone.lane_name,
            object_class=self.effective_class(obs),
            track_id=obs.track_id,
            score=obs.score,
            at=at,
        )
        self.open_incidents[zs.incident_id] = opened
        return [opened]

    def _end(self, zs: _ZoneState, at: datetime) -> IncidentEnded:
        assert zs.incident_id is not None
        ended = IncidentEnded(
            incident_id=zs.incident_id,
            at=zs.last_in_at or at,
            frames=zs.frames,
            max_score=zs.max_score,
        )
        self.open_incidents.pop(zs.incident_id, None)
        zs.incident_id = None
        zs.frames = 0
        zs.max_score = 0.0
        zs.entered_s = None
        zs.outside_frames = 0
        return ended

    def _drop(self, track_id: int, at: datetime) -> list[IncidentEvent]:
        state = self._tracks.pop(track_id, None)
        if state is None:
            return []
        return [self._end(zs, at) for zs in state.zones.values() if zs.incident_id is not None]
