"""The per-camera pipeline: source → motion gate → detector → tracker → zone rules → incidents.

The same class serves offline analysis (`laneguard analyze`) and the live service
(`laneguard run`): both feed it frames and take the incident events it yields. When nothing
moves the detector rests and the last observations are held, so an intruder standing still in a
lane keeps their incident open while the CPU serves other cameras; a key frame every
`keyframe_interval` frames refreshes the picture all the same.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from laneguard.core.domain.incidents import IncidentEvent, IncidentOpened, ObjectClass
from laneguard.detection.domain.geometry import Box
from laneguard.detection.domain.monitor import Observation, ZoneMonitor
from laneguard.detection.domain.tracking import ByteTracker, Detection, Track, TrackerConfig
from laneguard.detection.domain.vehicles import Sighting
from laneguard.detection.domain.zones import CameraRules
from laneguard.detection.service.ports import (
    Detector,
    Frame,
    FrameSource,
    MotionGate,
    SnapshotEncoder,
    VestMeter,
)


@dataclass(frozen=True)
class PipelineConfig:
    """When the detector runs, and the tracker's thresholds.

    `keyframe_interval`: run at least every N frames even without motion. `detect_every`: at
    most every Nth frame even with motion (Frigate's `detect.fps`: a 10 fps camera detected at
    5 fps still tracks walkers well and serves twice the cameras); frames between are held.
    """

    keyframe_interval: int = 10
    detect_every: int = 1
    tracker: TrackerConfig = field(default_factory=TrackerConfig)

    def __post_init__(self) -> None:
        if self.detect_every < 1 or self.keyframe_interval < 1:
            raise ValueError(
                f"detect_every ({self.detect_every}) and keyframe_interval "
                f"({self.keyframe_interval}) must be >= 1"
            )


@dataclass(frozen=True)
class FrameResult:
    """What one frame produced: the tracks (for the live view) and the incident events."""

    frame: Frame
    observations: tuple[Observation, ...]
    events: tuple[IncidentEvent, ...]
    detected: bool


class CameraPipeline:
    """One camera's detection state; not thread-safe, give each camera its own."""

    def __init__(
        self,
        rules: CameraRules,
        detector: Detector,
        motion: MotionGate,
        vest: VestMeter,
        encoder: SnapshotEncoder,
        config: PipelineConfig | None = None,
    ) -> None:
        self.rules = rules
        self.config = config or PipelineConfig()
        self._detector = detector
        self._motion = motion
        self._vest = vest
        self._encoder = encoder
        self._tracker = ByteTracker(self.config.tracker)
        self._monitor = ZoneMonitor(rules)
        self._held: tuple[Observation, ...] = ()
        self._vehicles: tuple[Box | Sighting, ...] = ()
        self._since_detect = self.config.keyframe_interval
        self.detector_runs = 0
        self._next_rules: CameraRules | None = None
        self._rules_lock = threading.Lock()

    def use_rules(self, rules: CameraRules) -> None:
        """New zones from the zone editor, taken up at the next frame by the camera's own
        worker (so no lock is needed); incidents open under the old zones end there."""
        with self._rules_lock:
            self._next_rules = rules

    def process(self, frame: Frame) -> FrameResult:
        """Run one frame through the pipeline and return what it produced."""
        swapped: list[IncidentEvent] = []
        with self._rules_lock:
            rules, self._next_rules = self._next_rules, None
        if rules is not None:
            swapped = self._monitor.finish(frame.at)
            self.rules = rules
            self._monitor = ZoneMonitor(rules)
        moving = self._motion.moving(frame.image)
        due = self._since_detect >= self.config.detect_every
        detect = (moving and due) or self._since_detect >= self.config.keyframe_interval
        dropped: list[int] = []
        if detect:
            self._since_detect = 1
            self.detector_runs += 1
            detections = self._detector.detect(frame.image)
            tracks = self._tracker.update(detections, frame.pos_s)
            dropped = [t.track_id for t in self._tracker.removed]
            self._vehicles = _vehicles(tracks, detections)
            self._held = tuple(
                Observation(
                    track_id=t.track_id,
                    box=t.box,
                    object_class=t.object_class,
                    score=t.score,
                    median_score=t.median_score,
                    path=tuple(t.path),
                    vest_ratio=(
                        0.0
                        if t.object_class is ObjectClass.VEHICLE
                        else self._vest.ratio(frame.image, t.box)
                    ),
                )
                for t in tracks
            )
        else:
            self._since_detect += 1
        events = swapped + self._monitor.update(
            self._held, frame.at, frame.pos_s, self._vehicles, dropped
        )
        return FrameResult(
            frame=frame,
            observations=self._held,
            events=tuple(self._with_snapshot(e, frame) for e in events),
            detected=detect,
        )

    def finish(self, at: datetime) -> list[IncidentEvent]:
        """End the incidents still open (end of file, camera removed, shutdown)."""
        return self._monitor.finish(at)

    @property
    def vehicles(self) -> tuple[Box | Sighting, ...]:
        """The vehicles of the last detected frame (the live view and tests show them)."""
        return self._vehicles

    @property
    def open_incidents(self) -> dict[str, IncidentOpened]:
        return dict(self._monitor.open_incidents)

    def _with_snapshot(self, event: IncidentEvent, frame: Frame) -> IncidentEvent:
        if not isinstance(event, IncidentOpened):
            return event
        boxes = [o.box for o in self._held if o.track_id == event.track_id]
        return dataclasses.replace(event, snapshot_jpeg=self._encoder.encode(frame.image, boxes))


def _vehicles(tracks: list[Track], detections: list[Detection]) -> tuple[Box | Sighting, ...]:
    """The vehicles of this frame: tracked ones with their paths (to tell a driver, who moves
    with the car, from a pedestrian crossing in front of it), and detected ones not yet tracked
    as bare boxes (a car's first frames)."""
    tracked = [
        Sighting(t.box, t.object_class, tuple(t.path), t.track_id, tuple(t.boxes))
        for t in tracks
        if t.object_class is ObjectClass.VEHICLE
    ]
    fresh = [
        d.box
        for d in detections
        if d.object_class is ObjectClass.VEHICLE
        and not any(d.box.iou(v.box) >= 0.5 for v in tracked)
    ]
    return (*tracked, *fresh)


def run_pipeline(source: FrameSource, pipeline: CameraPipeline) -> Iterator[FrameResult]:
    """Every frame's result, then a last result that ends what is still open.

    The last result reuses the final frame (or none, if the source gave nothing: then the
    closing events, if any, come with an empty placeholder frame at the epoch).
    """
    last: Frame | None = None
    try:
        for frame in source.frames():
            last = frame
            yield pipeline.process(frame)
    finally:
        source.close()
    if last is not None:
        closing = pipeline.finish(last.at)
        if closing:
            yield FrameResult(frame=last, observations=(), events=tuple(closing), detected=False)


def incident_events(source: FrameSource, pipeline: CameraPipeline) -> Iterator[IncidentEvent]:
    """Only the incident events: what `laneguard run` forwards to the alerting side."""
    for result in run_pipeline(source, pipeline):
        yield from result.events
