"""The camera pipeline on hand-written fakes of every port."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta

from laneguard.core.domain.incidents import IncidentEnded, IncidentOpened, ObjectClass
from laneguard.detection.domain.geometry import Box
from laneguard.detection.domain.tracking import Detection
from laneguard.detection.domain.zones import CameraRules, Zone
from laneguard.detection.service.pipeline import CameraPipeline, PipelineConfig, incident_events
from laneguard.detection.service.ports import Frame, SourceHealth

P = ObjectClass.PEDESTRIAN
ZONE = Zone("lane-1", ((0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0)), frozenset({P}))
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


class ScriptedDetector:
    """Returns a person box while the frame (an int) is in `present`."""

    def __init__(self, present: range) -> None:
        self.present = present
        self.calls = 0

    @property
    def classes(self) -> frozenset[ObjectClass]:
        return frozenset({P})

    def detect(self, image: object) -> list[Detection]:
        self.calls += 1
        assert isinstance(image, int)
        return [Detection(Box(40, 10, 60, 90), 0.9, P)] if image in self.present else []


class ScriptedMotion:
    def __init__(self, moving_frames: set[int] | None = None) -> None:
        self.moving_frames = moving_frames

    def moving(self, image: object) -> bool:
        return self.moving_frames is None or image in self.moving_frames


class NoVest:
    def ratio(self, image: object, box: Box) -> float:
        return 0.0


class FakeJpeg:
    def encode(self, image: object, boxes: Sequence[Box]) -> bytes:
        return f"jpeg:{image}:{len(boxes)}".encode()


class ListSource:
    def __init__(self, n: int) -> None:
        self.n = n
        self.closed = False

    @property
    def fps(self) -> float:
        return 10.0

    @property
    def health(self) -> SourceHealth:
        return SourceHealth.OK

    def frames(self) -> Iterator[Frame]:
        for i in range(self.n):
            yield Frame(i, i / 10, T0 + timedelta(seconds=i / 10), i)

    def close(self) -> None:
        self.closed = True


def pipeline(detector: ScriptedDetector, motion: ScriptedMotion) -> CameraPipeline:
    return CameraPipeline(
        CameraRules("cam-1", (ZONE,)), detector, motion, NoVest(), FakeJpeg(),
        PipelineConfig(keyframe_interval=10),
    )  # fmt: skip


def test_events_carry_a_snapshot_and_end_when_the_person_leaves() -> None:
    source = ListSource(20)
    events = list(
        incident_events(source, pipeline(ScriptedDetector(range(0, 8)), ScriptedMotion()))
    )
    opened = [e for e in events if isinstance(e, IncidentOpened)]
    assert len(opened) == 1
    assert opened[0].camera == "cam-1"
    assert opened[0].snapshot_jpeg == b"jpeg:3:1"
    assert isinstance(events[-1], IncidentEnded)
    assert source.closed


def test_without_motion_the_detector_rests_and_the_incident_is_held() -> None:
    detector = ScriptedDetector(range(0, 100))
    events = list(incident_events(ListSource(30), pipeline(detector, ScriptedMotion({0, 1, 2, 3}))))
    # Four moving frames, then key frames at 13 and 23 only.
    assert detector.calls == 6
    opened = [e for e in events if isinstance(e, IncidentOpened)]
    ended = [e for e in events if isinstance(e, IncidentEnded)]
    assert len(opened) == 1
    assert ended[0].frames == 29  # held through the quiet frames, from confirmation (frame 1) on


def test_detect_every_second_frame_halves_the_detector_work() -> None:
    detector = ScriptedDetector(range(0, 100))
    p = CameraPipeline(
        CameraRules("cam-1", (ZONE,)), detector, ScriptedMotion(), NoVest(), FakeJpeg(),
        PipelineConfig(detect_every=2),
    )  # fmt: skip
    events = list(incident_events(ListSource(20), p))
    assert detector.calls == 10
    assert [type(e) for e in events] == [IncidentOpened, IncidentEnded]
