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
    rider: bool = False
    zones: dict[str, _ZoneState] = field(default_factory=dict)


class ZoneMonitor:
    """Applies one camera's rules and keeps the incidents open for its tracks."""

    def __init__(self, rules: CameraRules) -> None:
        self.rules = rules
        self._tracks: dict[int, _TrackState] = {}
        self.open_incidents: dict[str, IncidentOpened] = {}

    def effective_class(self, obs: Observation) -> ObjectClass:
        """The observation's class after the rider rule (sticky once a track was a rider)."""
        state = self._tracks.get(obs.track_id)
        if state is not None and state.rider:
            return self.rules.rider.rider_class
        return obs.object_class

    def update(
        self,
        observations: Sequence[Observation],
        at: datetime,
        at_s: float,
        vehicles: Sequence[Box] = (),
        dropped: Iterable[int] = (),
    ) -> list[IncidentEvent]:
        """One frame: `at` is wall time, `at_s` seconds on the stream's own clock."""
        events: list[IncidentEvent] = []
        active = self.rules.active(at)
        for obs in observations:
            state = self._tracks.setdefault(
                obs.track_id, _TrackState(vest=deque(maxlen=self.rules.staff.history))
            )
            self._classify(obs, state)
            for zone in self.rules.zones:
                zs = state.zones.setdefault(zone.name, _ZoneState())
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

    def _classify(self, obs: Observation, state: _TrackState) -> None:
        state.vest.append(obs.vest_ratio)
        rider = self.rules.rider
        if (
            state.rider
            or rider.homography is None
            or obs.object_class is not ObjectClass.PEDESTRIAN
        ):
            return
        speed = ground_speed(obs.path, rider.homography, rider.window_s)
        if speed is not None and speed > rider.walking_speed_mps:
            state.rider = True

    def _verdict(
        self, obs: Observation, state: _TrackState, zone: Zone, vehicles: Sequence[Box]
    ) -> bool | None:
        """True: counts in this zone; False: does not; None: this frame tells nothing."""
        rules = self.rules
        cls = rules.rider.rider_class if state.rider else obs.object_class
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
        if cls is not ObjectClass.VEHICLE and any(
            obs.box.fraction_inside(v) >= rules.vehicle_overlap for v in vehicles
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
