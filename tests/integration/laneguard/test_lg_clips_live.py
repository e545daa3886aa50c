"""The live path end to end without a network: camera worker → annotator → ring buffer →
incident ends → MJPEG-AVI on disk → path on the incident record, readable by OpenCV."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np

from laneguard.alerting.adapters.crypto import StationSealer, generate_private_key
from laneguard.alerting.adapters.memory import InMemoryTerminalRepository
from laneguard.alerting.service.alerting import AlertService
from laneguard.core.clock import ManualClock
from laneguard.core.domain.incidents import IncidentEnded, ObjectClass
from laneguard.detection.adapters.fakes import AlwaysMoving, FakeJpeg, NoVest, PersonAlways
from laneguard.detection.adapters.frame_hub import FrameHub
from laneguard.detection.adapters.live_view import LiveAnnotator
from laneguard.detection.domain.zones import CameraRules, Zone
from laneguard.detection.service.live import LiveCamera, LiveCameras
from laneguard.detection.service.pipeline import CameraPipeline
from laneguard.detection.service.ports import Frame, SourceHealth
from laneguard.records.adapters.clips import AviClipWriter
from laneguard.records.adapters.memory import InMemoryIncidentRepository
from laneguard.records.service.clips import ClipRecorder

P = ObjectClass.PEDESTRIAN
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


class Frames:
    @property
    def fps(self) -> float:
        return 10.0

    @property
    def health(self) -> SourceHealth:
        return SourceHealth.OK

    def frames(self) -> Iterator[Frame]:
        for i in range(30):
            image = np.full((120, 160, 3), 40 + 5 * i, dtype=np.uint8)
            yield Frame(i, i / 10, T0 + timedelta(seconds=i / 10), image)

    def close(self) -> None:
        return None


def test_incident_from_a_live_camera_leaves_a_readable_clip(tmp_path: Path) -> None:
    zone = Zone(
        "lane-1", ((0.0, 0.0), (160.0, 0.0), (160.0, 120.0), (0.0, 120.0)), frozenset({P}), "1"
    )
    pipeline = CameraPipeline(
        CameraRules("cam", (zone,)), PersonAlways(), AlwaysMoving(), NoVest(), FakeJpeg()
    )
    incidents = InMemoryIncidentRepository()
    executor = ThreadPoolExecutor(1)
    recorder = ClipRecorder(
        AviClipWriter(tmp_path / "clips", min_free_bytes=0), incidents, executor, seconds=2
    )
    alerts = AlertService(
        "S1",
        incidents,
        InMemoryTerminalRepository(),
        StationSealer(generate_private_key()),
        [],
        ManualClock(T0),
        clips=recorder,
    )
    live = LiveCameras(
        [LiveCamera("cam", Frames(), pipeline, realtime=False)],
        on_frame=LiveAnnotator(FrameHub(), also=recorder.add_frame),
        frame_every=1,
    )
    ended = None
    for event in live.events():
        alerts.handle(event)
        if isinstance(event, IncidentEnded):
            ended = event
            break
    live.close()
    executor.shutdown(wait=True)
    assert ended is not None
    record = incidents.get(ended.incident_id)
    assert record is not None
    assert record.clip_path == str(tmp_path / "clips" / f"{ended.incident_id}.avi")
    capture = cv2.VideoCapture(record.clip_path)
    ok, first = capture.read()
    capture.release()
    assert ok
    assert first.shape == (120, 160, 3)
