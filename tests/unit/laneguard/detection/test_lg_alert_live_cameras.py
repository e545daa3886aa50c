"""Several cameras as one incident source; a camera that dies is reported, the others go on."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from laneguard.core.domain.incidents import (
    IncidentEnded,
    IncidentEvent,
    IncidentOpened,
    ObjectClass,
)
from laneguard.detection.adapters.fakes import AlwaysMoving, FakeJpeg, NoVest, PersonAlways
from laneguard.detection.domain.zones import CameraRules, Zone
from laneguard.detection.service.live import LiveCamera, LiveCameras
from laneguard.detection.service.pipeline import CameraPipeline, FrameResult
from laneguard.detection.service.ports import Frame, SourceHealth

P = ObjectClass.PEDESTRIAN
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


class Frames:
    """`n` frames, then either the end or a decoder crash."""

    def __init__(self, n: int, crash: bool = False) -> None:
        self.n = n
        self.crash = crash

    @property
    def fps(self) -> float:
        return 10.0

    @property
    def health(self) -> SourceHealth:
        return SourceHealth.OK

    def frames(self) -> Iterator[Frame]:
        for i in range(self.n):
            yield Frame(i, i / 10, T0 + timedelta(seconds=i / 10), i)
        if self.crash:
            raise RuntimeError("decoder crashed")

    def close(self) -> None:
        return None


def _camera(name: str, frames: Frames) -> LiveCamera:
    zone = Zone(
        "lane-1", ((0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0)), frozenset({P}), lane="1"
    )
    pipeline = CameraPipeline(
        CameraRules(name, (zone,)), PersonAlways(), AlwaysMoving(), NoVest(), FakeJpeg()
    )
    return LiveCamera(name, frames, pipeline, realtime=False)


def test_events_from_every_camera_and_a_dead_camera_is_reported() -> None:
    shown: list[tuple[str, int]] = []

    def on_frame(camera: str, _p: CameraPipeline, result: FrameResult) -> None:
        shown.append((camera, result.frame.index))

    live = LiveCameras(
        [_camera("cam-a", Frames(20)), _camera("cam-b", Frames(20, crash=True))],
        on_frame=on_frame,
        frame_every=5,
    )
    got: list[IncidentEvent] = []
    for event in live.events():
        got.append(event)
        opened = {e.camera for e in got if isinstance(e, IncidentOpened)}
        if opened == {"cam-a", "cam-b"} and any(isinstance(e, IncidentEnded) for e in got):
            break
    while live.health()["cam-b"] != "failed":
        time.sleep(0.01)
    live.close()
    assert {e.lane for e in got if isinstance(e, IncidentOpened)} == {"1"}
    assert live.health() == {"cam-a": "ok", "cam-b": "failed"}
    assert ("cam-a", 4) in shown
